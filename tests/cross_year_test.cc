// Year against year (store/cross_year.h): the pure checks on hand-made snapshots, the Store methods
// on a real SQLite file, and `nianbao checks` (the real binary) on a two-year fixture of one body
// made from the real Pingtan 2024 page (tests/data/years, see SOURCE.md).
#include "store/cross_year.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "extract/map/bodies.h"
#include "store/store.h"
#include "tests/support/paths.h"
#include "tests/support/store_fixtures.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

using testing::ReadFileBytes;
using testing::RecordOkFetch;
using testing::TempDir;
using testing::WriteFileBytes;

constexpr const char* kColumns[] = {"natural_person", "commercial", "research", "nonprofit",
                                    "legal_services", "other_org",  "total"};

// A v2021 snapshot of `body` for `year`: every carried-over and carried-forward column `carried`,
// normative documents in force `in_force` after `issued` and `repealed`, rules all 0.
YearSnapshot Snapshot(const std::string& body, int year, double carried_over,
                      double carried_forward, double in_force = 10, double issued = 0,
                      double repealed = 0) {
  YearSnapshot s;
  s.url = "https://example.gov.cn/" + std::to_string(year) + ".htm";
  s.body = body;
  s.year = year;
  s.fetched_at = 1700000000 + year;
  for (const char* c : kColumns) {
    s.fields["requests.carried_over." + std::string(c)] = carried_over;
    s.fields["requests.carried_forward." + std::string(c)] = carried_forward;
  }
  s.fields["active.normative_docs.in_force"] = in_force;
  s.fields["active.normative_docs.issued"] = issued;
  s.fields["active.normative_docs.repealed"] = repealed;
  for (const char* f : {"active.rules.in_force", "active.rules.issued", "active.rules.repealed"})
    s.fields[f] = 0.0;
  s.data_digest = "d" + std::to_string(year);
  return s;
}

const CrossYearCheck* Find(const std::vector<CrossYearCheck>& checks, const std::string& identity,
                           int year) {
  for (const auto& c : checks) {
    if (c.identity == identity && c.year == year) return &c;
  }
  return nullptr;
}

std::map<std::string, int> Counts(const std::vector<CrossYearCheck>& checks) {
  std::map<std::string, int> counts;
  for (const auto& c : checks) ++counts[c.status];
  return counts;
}

TEST(CrossYear, ConsistentYearsPassEveryColumn) {
  auto checks = CheckAcrossYears(
      {Snapshot("甲", 2022, 0, 4, 100, 5, 1), Snapshot("甲", 2023, 4, 2, 104, 6, 2)});
  ASSERT_EQ(checks.size(), 9u);  // 7 columns + 2 kinds of documents in force
  for (const auto& c : checks) EXPECT_EQ(c.status, "pass") << c.identity << ": " << c.detail;
  const CrossYearCheck* np = Find(checks, "cross_year.carried_over.natural_person", 2023);
  ASSERT_TRUE(np);
  EXPECT_EQ(np->field, "requests.carried_over.natural_person");
  EXPECT_EQ(np->previous_field, "requests.carried_forward.natural_person");
  EXPECT_EQ(np->expected, 4);
  EXPECT_EQ(np->found, 4);
  EXPECT_EQ(np->url, "https://example.gov.cn/2023.htm");
  EXPECT_EQ(np->previous_url, "https://example.gov.cn/2022.htm");
  const CrossYearCheck* docs = Find(checks, "cross_year.in_force.normative_docs", 2023);
  ASSERT_TRUE(docs);
  EXPECT_EQ(docs->expected, 104);  // 100 + 6 − 2
}

TEST(CrossYear, OneDifferentColumnFailsAloneAndInForceOnlyWarns) {
  YearSnapshot before = Snapshot("甲", 2022, 0, 4, 100, 5, 1);
  YearSnapshot after = Snapshot("甲", 2023, 4, 2, 103, 6, 2);  // 103, not 104: a warning
  after.fields["requests.carried_over.research"] = 7;
  auto checks = CheckAcrossYears({after, before});
  auto counts = Counts(checks);
  EXPECT_EQ(counts["fail"], 1);
  EXPECT_EQ(counts["warning"], 1);
  EXPECT_EQ(counts["pass"], 7);
  EXPECT_EQ(Find(checks, "cross_year.carried_over.research", 2023)->status, "fail");
  EXPECT_EQ(Find(checks, "cross_year.carried_over.research", 2023)->found, 7);
  EXPECT_EQ(Find(checks, "cross_year.in_force.normative_docs", 2023)->status, "warning");
}

TEST(CrossYear, NullCountsAsZeroAndAllNullIsNotAssessable) {
  YearSnapshot before = Snapshot("甲", 2022, 0, 0);
  YearSnapshot after = Snapshot("甲", 2023, 0, 0);
  before.fields["requests.carried_forward.commercial"] = std::nullopt;  // blank beside 0: pass
  before.fields["requests.carried_forward.research"] = std::nullopt;    // both blank
  after.fields["requests.carried_over.research"] = std::nullopt;
  before.fields["requests.carried_forward.nonprofit"] = std::nullopt;  // blank beside 2: fail
  after.fields["requests.carried_over.nonprofit"] = 2;
  auto checks = CheckAcrossYears({before, after});
  EXPECT_EQ(Find(checks, "cross_year.carried_over.commercial", 2023)->status, "pass");
  EXPECT_EQ(Find(checks, "cross_year.carried_over.research", 2023)->status, "not_assessable");
  EXPECT_EQ(Find(checks, "cross_year.carried_over.nonprofit", 2023)->status, "fail");
  EXPECT_FALSE(Find(checks, "cross_year.carried_over.nonprofit", 2023)->expected.has_value());
}

TEST(CrossYear, LegacyYearHasNothingToCompare) {
  YearSnapshot legacy;
  legacy.url = "https://example.gov.cn/2018.htm";
  legacy.body = "甲";
  legacy.year = 2018;
  legacy.data_digest = "legacy";
  auto checks = CheckAcrossYears({legacy, Snapshot("甲", 2019, 0, 0)});
  ASSERT_EQ(checks.size(), 9u);
  for (const auto& c : checks) EXPECT_EQ(c.status, "not_assessable") << c.identity;
}

TEST(CrossYear, MissingYearFailsAndBreaksTheChain) {
  auto checks = CheckAcrossYears(
      {Snapshot("甲", 2020, 0, 1), Snapshot("甲", 2023, 9, 0), Snapshot("乙", 2021, 0, 0)});
  std::vector<int> missing;
  for (const auto& c : checks) {
    if (c.identity == "cross_year.missing") {
      missing.push_back(c.year);
      EXPECT_EQ(c.status, "fail");
      EXPECT_EQ(c.body, "甲");
      EXPECT_TRUE(c.url.empty());
    }
  }
  EXPECT_EQ(missing, (std::vector<int>{2021, 2022}));
  // 2023 is not compared with 2020; 乙 alone has nothing to compare.
  EXPECT_EQ(checks.size(), 2u);
}

TEST(CrossYear, DuplicateYearPassesWhenTheSameAndFailsWhenDifferent) {
  YearSnapshot a = Snapshot("甲", 2023, 0, 0);
  YearSnapshot same = a;
  same.url = "https://example.gov.cn/2023.pdf";
  same.fetched_at = a.fetched_at + 10;  // the later fetch is the one kept
  auto checks = CheckAcrossYears({a, same});
  ASSERT_EQ(checks.size(), 2u);  // one per report
  EXPECT_EQ(checks[0].identity, "cross_year.duplicate");
  EXPECT_EQ(checks[0].status, "pass");
  std::set<std::string> urls = {checks[0].url, checks[1].url};
  EXPECT_EQ(urls, (std::set<std::string>{a.url, same.url}));

  YearSnapshot different = same;
  different.data_digest = "other";
  different.fields["requests.carried_over.total"] = 5;
  YearSnapshot next = Snapshot("甲", 2024, 0, 0);
  checks = CheckAcrossYears({a, different, next});
  EXPECT_EQ(Find(checks, "cross_year.duplicate", 2023)->status, "fail");
  // 2024 is compared with the report fetched last (`different`): its carried_forward is 0.
  EXPECT_EQ(Find(checks, "cross_year.carried_over.total", 2024)->status, "pass");
  EXPECT_EQ(Find(checks, "cross_year.carried_over.total", 2024)->previous_url, different.url);
}

TEST(CrossYear, AnIssuerWithItsOrganWordIsTheSameBody) {
  EXPECT_EQ(BodyKey("平潭综合实验区管委会"), "平潭综合实验区");
  EXPECT_EQ(BodyKey("南昌市人民政府"), "南昌市");
  EXPECT_EQ(BodyKey("南昌市教育局"), "南昌市教育局");
  EXPECT_EQ(BodyKey("市政府"), "市政府");  // no place would be left
  auto checks = CheckAcrossYears(
      {Snapshot("平潭综合实验区管委会", 2022, 0, 2), Snapshot("平潭综合实验区", 2023, 2, 0)});
  ASSERT_EQ(checks.size(), 9u);
  EXPECT_EQ(checks[0].body, "平潭综合实验区");  // the checked year's own issuer
  EXPECT_EQ(Counts(checks)["pass"], 9);
}

TEST(CrossYear, ReportsAreGroupedByTheirBodyRecordBeforeTheirIssuer) {
  // One body record, two issuers that the organ-word key keeps apart (平潭县 / 平潭综合实验区).
  YearSnapshot county = Snapshot("平潭县人民政府", 2022, 0, 2);
  YearSnapshot zone = Snapshot("平潭综合实验区管委会", 2023, 2, 0);
  EXPECT_NE(CrossYearGroup(county), CrossYearGroup(zone));
  EXPECT_TRUE(CheckAcrossYears({county, zone}).empty());
  county.body_id = zone.body_id = 7;
  EXPECT_EQ(CrossYearGroup(county), "body:7");
  auto checks = CheckAcrossYears({county, zone});
  ASSERT_EQ(checks.size(), 9u);
  EXPECT_EQ(checks[0].body, "平潭综合实验区管委会");  // the checked year's own issuer
  EXPECT_EQ(Counts(checks)["pass"], 9);
  // Different records are different bodies, whatever the issuers' organ-word key says.
  YearSnapshot city = Snapshot("南昌市人民政府", 2022, 0, 2), town = Snapshot("南昌市", 2023, 2, 0);
  EXPECT_EQ(CheckAcrossYears({city, town}).size(), 9u);  // no records: by the issuer's key
  city.body_id = 1;
  town.body_id = 2;
  EXPECT_TRUE(CheckAcrossYears({city, town}).empty());
  // A report without a record falls back to its issuer's key, apart from the linked ones.
  town.body_id.reset();
  EXPECT_TRUE(CheckAcrossYears({city, town}).empty());
  EXPECT_EQ(CrossYearGroup(town), "issuer:南昌市");
}

// --- the Store, on a real SQLite file ---

Extraction V2021(int year, const std::string& issuer, double carried_over, double carried_forward) {
  Extraction e;
  e.template_id = "v2021";
  e.year = year;
  e.issuer = issuer;
  for (const char* c : kColumns) {
    e.fields.emplace_back("requests.carried_over." + std::string(c), carried_over);
    e.fields.emplace_back("requests.carried_forward." + std::string(c), carried_forward);
  }
  for (const char* f : {"active.rules.issued", "active.rules.repealed", "active.rules.in_force",
                        "active.normative_docs.issued", "active.normative_docs.repealed",
                        "active.normative_docs.in_force"})
    e.fields.emplace_back(f, 0.0);
  e.check_status = {{"t3.row_total.requests.new", "t3", "pass"},
                    {"t3.row_total.requests.carried_over", "t3", "fail"}};
  e.checks = {CheckFailure{"t3.row_total.requests.carried_over",
                           "requests.carried_over.total",
                           {"requests.carried_over.natural_person"},
                           6 * carried_over,
                           carried_over}};
  return e;
}

TEST(CrossYearStore, ChecksTheLatestVersionOfEachReport) {
  TempDir dir;
  auto store = Store::Open(dir.File("nianbao.db"));
  const std::string a = "https://example.gov.cn/2022.htm", b = "https://example.gov.cn/2023.htm";
  store->SaveExtraction(a, RecordOkFetch(*store, a, 1700000000), V2021(2022, "甲", 0, 3), "a");
  store->SaveExtraction(b, RecordOkFetch(*store, b, 1700000100), V2021(2023, "甲", 9, 0), "b");
  auto checks = store->CrossYearChecks({});
  EXPECT_EQ(Counts(checks)["fail"], 7);
  auto quality = store->CrossYearQualityByReport();
  ASSERT_EQ(quality.size(), 1u);
  EXPECT_EQ(quality.begin()->first, b);
  EXPECT_EQ(quality.begin()->second.failed.size(), 7u);
  EXPECT_EQ(quality.begin()->second.failed[0], "cross_year.carried_over.natural_person");

  // A corrected version of 2023 is what counts from now on.
  store->SaveExtraction(b, RecordOkFetch(*store, b, 1700000200), V2021(2023, "甲", 3, 0), "b2");
  checks = store->CrossYearChecks({});
  EXPECT_EQ(Counts(checks)["pass"], 9);
  EXPECT_TRUE(store->CrossYearQualityByReport().empty());

  // --year selects the later year of a pair; --body a part of the name.
  EXPECT_EQ(store->CrossYearChecks({2023, std::nullopt}).size(), 9u);
  EXPECT_TRUE(store->CrossYearChecks({2022, std::nullopt}).empty());
  EXPECT_TRUE(store->CrossYearChecks({std::nullopt, "乙"}).empty());

  auto reports = store->LatestReportChecks({});
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].url, a);
  EXPECT_EQ(reports[1].version, 2);
  ASSERT_EQ(reports[1].status.size(), 2u);
  EXPECT_EQ(reports[1].status[1].status, "fail");
  ASSERT_EQ(reports[1].failures.size(), 1u);
  EXPECT_EQ(reports[1].failures[0].expected, 18);
  EXPECT_EQ(store->LatestReportChecks({2022, std::nullopt}).size(), 1u);
}

TEST(CrossYearStore, GroupsByTheBodyRecordsThatSyncBodiesMade) {
  TempDir dir;
  auto store = Store::Open(dir.File("nianbao.db"));
  const std::string a = "https://example.gov.cn/2022.htm", b = "https://example.gov.cn/2023.htm";
  // rules/bodies.tsv: 平潭县人民政府 and 平潭综合实验区管委会 are both the body 平潭综合实验区.
  store->SaveExtraction(a, RecordOkFetch(*store, a, 1700000000),
                        V2021(2022, "平潭县人民政府", 0, 3), "a");
  store->SaveExtraction(b, RecordOkFetch(*store, b, 1700000100),
                        V2021(2023, "平潭综合实验区管委会", 3, 0), "b");
  EXPECT_TRUE(store->CrossYearChecks({}).empty());  // not linked yet: two issuers, two bodies
  store->SyncBodies(*BodyRules::Load(""));
  auto checks = store->CrossYearChecks({});
  ASSERT_EQ(checks.size(), 9u);
  EXPECT_EQ(Counts(checks)["pass"], 9);
  EXPECT_EQ(checks[0].body, "平潭综合实验区管委会");
  EXPECT_EQ(checks[0].previous_url, a);
  // --body selects whole bodies: by either issuer, or by the record's name.
  EXPECT_EQ(store->CrossYearChecks({std::nullopt, "平潭县"}).size(), 9u);
  EXPECT_EQ(store->CrossYearChecks({std::nullopt, "平潭综合实验区"}).size(), 9u);
  EXPECT_TRUE(store->CrossYearChecks({std::nullopt, "南昌"}).empty());
  EXPECT_EQ(store->LatestReportChecks({std::nullopt, "平潭综合实验区"}).size(), 2u);
}

// --- `nianbao checks` on the two-year Pingtan fixture, imported by the real binary ---

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

CliRun Nianbao(const TempDir& dir, std::vector<std::string> args) {
  std::string out_path = dir.File("stdout"), err_path = dir.File("stderr");
  pid_t child = fork();
  if (child == 0) {
    if (!freopen(out_path.c_str(), "w", stdout) || !freopen(err_path.c_str(), "w", stderr))
      _exit(99);
    std::string binary = testing::NianbaoBinary();
    std::vector<char*> argv = {binary.data()};
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    setenv("NIANBAO_CONFIG", "/nonexistent/nianbao.toml", 1);
    execv(binary.c_str(), argv.data());
    _exit(98);
  }
  int status = 0;
  waitpid(child, &status, 0);
  CliRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = ReadFileBytes(out_path);
  run.err = ReadFileBytes(err_path);
  return run;
}

constexpr char kUrl2023[] = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/2023.htm";
constexpr char kUrl2024[] = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/2024.htm";

class PingtanYears : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto [year, url] : {std::pair{2023, kUrl2023}, std::pair{2024, kUrl2024}}) {
      std::string page = testing::DataDir() + "/years/pingtan-" + std::to_string(year) + ".html";
      CliRun run = Import(page, url);
      ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    }
  }
  CliRun Import(const std::string& file, const std::string& url) {
    return Nianbao(dir_, {"import", "--db", db_, "--url", url, file});
  }
  nlohmann::json Checks(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"checks", "--db", db_, "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    CliRun run = Nianbao(dir_, args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return nlohmann::json::parse(run.out);
  }
  TempDir dir_;
  std::string db_ = dir_.File("nianbao.db");
};

TEST_F(PingtanYears, ConsistentYearsPassAndEveryIdentityHasItsStatus) {
  nlohmann::json out = Checks();
  ASSERT_EQ(out["reports"].size(), 2u);
  for (const auto& report : out["reports"]) {
    EXPECT_EQ(report["body"], "平潭综合实验区");
    EXPECT_EQ(report["template"], "v2021");
    EXPECT_EQ(report["check_summary"]["fail"], 0) << report.dump();
    EXPECT_GT(report["check_summary"]["pass"].get<int>(), 40);
    EXPECT_EQ(report["checks"].size(), report["check_summary"]["pass"].get<size_t>() +
                                           report["check_summary"]["not_assessable"].get<size_t>());
  }
  EXPECT_EQ(out["reports"][0]["year"], 2023);
  ASSERT_EQ(out["cross_year"].size(), 9u) << out["cross_year"].dump(1);
  for (const auto& c : out["cross_year"]) {
    EXPECT_EQ(c["status"], "pass") << c.dump();
    EXPECT_EQ(c["year"], 2024);
    EXPECT_EQ(c["url"], kUrl2024);
    EXPECT_EQ(c["previous_url"], kUrl2023);
  }
  EXPECT_EQ(out["cross_year"][0]["identity"], "cross_year.carried_over.natural_person");
  EXPECT_EQ(out["cross_year"][0]["found"], 3);
  EXPECT_EQ(out["cross_year"][8]["identity"], "cross_year.in_force.normative_docs");
  EXPECT_EQ(out["cross_year"][8]["expected"], 440);  // 411 + 62 − 33
  EXPECT_EQ(out["cross_year_summary"]["pass"], 9);
  // --failed: nothing at all.
  nlohmann::json failed = Checks({"--failed"});
  EXPECT_TRUE(failed["reports"].empty());
  EXPECT_TRUE(failed["cross_year"].empty());
}

TEST_F(PingtanYears, OneBrokenCarriedOverFigureFailsExactlyItsCheck) {
  std::string page = ReadFileBytes(testing::DataDir() + "/years/pingtan-2024.html");
  // The first value cell of 二、上年结转政府信息公开申请数量 (自然人): 3 → 5.
  const std::string cell = "text-indent: 0em;\">3</p>";
  size_t row = page.find("上年结转");
  ASSERT_NE(row, std::string::npos);
  size_t at = page.find(cell, row);
  ASSERT_NE(at, std::string::npos);
  page.replace(at, cell.size(), "text-indent: 0em;\">5</p>");
  std::string broken = dir_.File("pingtan-2024-broken.html");
  WriteFileBytes(broken, page);
  CliRun run = Import(broken, kUrl2024);  // a new version of the 2024 report
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  nlohmann::json out = Checks();
  std::vector<std::string> failed;
  for (const auto& c : out["cross_year"]) {
    if (c["status"] != "pass") failed.push_back(c["identity"].get<std::string>());
  }
  EXPECT_EQ(failed, std::vector<std::string>{"cross_year.carried_over.natural_person"});
  EXPECT_EQ(out["cross_year"][0]["expected"], 3);
  EXPECT_EQ(out["cross_year"][0]["found"], 5);
  EXPECT_EQ(out["cross_year_summary"]["fail"], 1);
  EXPECT_EQ(out["cross_year_summary"]["pass"], 8);

  // --failed --year 2024 keeps that one; csv and text say the same.
  nlohmann::json only = Checks({"--failed", "--year", "2024"});
  ASSERT_EQ(only["cross_year"].size(), 1u);
  EXPECT_EQ(only["cross_year"][0]["identity"], "cross_year.carried_over.natural_person");
  CliRun csv = Nianbao(dir_, {"checks", "--db", db_, "--failed", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_NE(
      csv.out.find("cross_year," + std::string(kUrl2024) +
                   ",平潭综合实验区,2024,,cross_year.carried_over.natural_person,,fail,,3,5,"),
      std::string::npos)
      << csv.out;
  CliRun text = Nianbao(dir_, {"checks", "--db", db_, "--body", "平潭"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("cross_year.carried_over.natural_person  fail"), std::string::npos)
      << text.out;
  // The broken page's own identity (自然人 5 + … ≠ 总计 3) is a failure of that report.
  bool row_total_failed = false;
  for (const auto& report : out["reports"]) {
    for (const auto& c : report["checks"]) {
      if (c["identity"] == "t3.row_total.requests.carried_over" && c["status"] == "fail")
        row_total_failed = report["url"] == kUrl2024;
    }
  }
  EXPECT_TRUE(row_total_failed);
}

TEST_F(PingtanYears, BadUsageAndMissingDatabase) {
  EXPECT_EQ(Nianbao(dir_, {"checks", "--db", db_, "--format", "xml"}).exit_code, 2);
  CliRun missing = Nianbao(dir_, {"checks", "--db", dir_.File("none.db")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("none.db"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace nianbao
