// nianbao history | diff | show | export, run as the real binary against a database the test fills
// through the Store interface.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "store/store.h"
#include "tests/support/paths.h"
#include "tests/support/store_fixtures.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

using testing::ReadFileBytes;
using testing::RecordOkFetch;
using testing::TempDir;

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

// Runs the nianbao binary with `args`, its stdout and stderr captured in files of `dir`.
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
    setenv("NIANBAO_CONFIG", "/nonexistent/nianbao.toml", 1);  // never the machine's config
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

constexpr char kUrl[] = "https://www.pingtan.gov.cn/zwgk/zfxxgknb/202503/t20250310_97791.htm";

Extraction Version1() {
  Extraction e;
  e.template_id = "v2021";
  e.year = 2024;
  e.issuer = "平潭综合实验区管理委员会";
  e.title = "平潭综合实验区2024年政府信息公开工作年度报告";
  e.published = "2025-03-10";
  e.fields = {{"requests.new.total", 218},
              {"active.fees.amount", 18651.06},
              {"active.licensing.change", -8},
              {"review.total", std::nullopt}};
  e.cells["requests.new.total"] = {"218", "一、本年新收政府信息公开申请数量 | 总计", 1, 3, 9};
  e.cells["active.fees.amount"] = {"18651.06", "行政事业性收费 | 本年收费金额（单位：万元）", 0, 9,
                                   3};
  e.cells["active.licensing.change"] = {"-8", "行政许可 | 本年增/减", 0, 4, 2};
  e.checks.push_back({"t3.row_total.requests.new", "requests.new.total", {"a", "b"}, 217, 218});
  e.unmatched.push_back({"row", "其他主动公开文件", 0, 5, 0});
  e.warnings = {"table 1 row 4: cannot read \"约20\" as a number"};
  return e;
}

Extraction Version2() {
  Extraction e = Version1();
  e.fields[0].second = 219;
  e.cells["requests.new.total"].raw = "219";
  e.title = "平潭综合实验区2024年政府信息公开工作年度报告（修订）";
  return e;
}

class StoreCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(db_);
    store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl, 1741600000), Version1(), "a");
    store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl, 1741700000), Version1(), "a, again");
    store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl, 1741800000), Version2(), "b");
  }
  TempDir dir_;
  std::string db_ = dir_.File("cli.db");
};

TEST_F(StoreCliTest, HistoryListsVersionsWithDatesAndChanges) {
  CliRun run = Nianbao(dir_, {"history", kUrl, "--db", db_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("2 versions"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("2025-03-10T09:46:40Z"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("2025-03-12T17:20:00Z"), std::string::npos) << run.out;

  run = Nianbao(dir_, {"history", "--db", db_, "--format", "json", kUrl});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto json = nlohmann::json::parse(run.out);
  ASSERT_EQ(json["versions"].size(), 2u);
  EXPECT_EQ(json["versions"][0]["version"], 1);
  EXPECT_EQ(json["versions"][0]["fields_changed"], 4);
  EXPECT_EQ(json["versions"][1]["version"], 2);
  EXPECT_EQ(json["versions"][1]["fetched_at"], "2025-03-12T17:20:00Z");
  EXPECT_EQ(json["versions"][1]["fields_changed"], 1);
}

TEST_F(StoreCliTest, DiffShowsTheChangedFieldAndMetadata) {
  CliRun run = Nianbao(dir_, {"diff", kUrl, "--db", db_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("version 1 → 2, 1 field changed"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("requests.new.total: 218 → 219"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("title: "), std::string::npos) << run.out;

  run = Nianbao(dir_, {"diff", kUrl, "--db", db_, "--from", "1", "--to", "2", "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto json = nlohmann::json::parse(run.out);
  ASSERT_EQ(json["fields"].size(), 1u);
  EXPECT_EQ(json["fields"][0]["field"], "requests.new.total");
  EXPECT_EQ(json["fields"][0]["old"], 218);
  EXPECT_EQ(json["fields"][0]["new"], 219);
  ASSERT_EQ(json["metadata"].size(), 1u);
  EXPECT_EQ(json["metadata"][0]["name"], "title");
  EXPECT_EQ(json["metadata"][0]["new"], *Version2().title);
}

TEST_F(StoreCliTest, ShowPrintsTheStoredExtractionAsExtractDoes) {
  CliRun run = Nianbao(dir_, {"show", kUrl, "--db", db_, "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // The shape of `nianbao extract` (same key order, fields in saved order), plus the source
  // document: none for a snapshot saved without one.
  nlohmann::ordered_json expected = ToJson(Version2());
  expected["source"] = {
      {"url", nullptr}, {"sha256", nullptr}, {"format", nullptr}, {"rules_sha256", nullptr}};
  EXPECT_EQ(nlohmann::json::parse(run.out), nlohmann::json::parse(expected.dump()));
  EXPECT_EQ(run.out, expected.dump(1, ' ', false) + "\n");

  run = Nianbao(dir_, {"show", kUrl, "--db", db_, "--version", "1", "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(FromJson(nlohmann::json::parse(run.out)).fields.size(), 4u);
  EXPECT_EQ(nlohmann::json::parse(run.out)["fields"]["requests.new.total"], 218);

  run = Nianbao(dir_, {"show", kUrl, "--db", db_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("requests.new.total\t219\t219\t"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("其他主动公开文件"), std::string::npos) << run.out;
}

TEST_F(StoreCliTest, UnknownUrlOrVersionIsExit1WithAMessage) {
  CliRun run = Nianbao(dir_, {"show", "https://nowhere.gov.cn/x.htm", "--db", db_});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("no report stored for https://nowhere.gov.cn/x.htm"), std::string::npos)
      << run.err;
  run = Nianbao(dir_, {"show", kUrl, "--db", db_, "--version", "7"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("has no version 7"), std::string::npos) << run.err;
  run = Nianbao(dir_, {"history", "https://nowhere.gov.cn/x.htm", "--db", db_});
  EXPECT_EQ(run.exit_code, 1);
  run = Nianbao(dir_, {"diff", kUrl, "--db", db_, "--from", "1", "--to", "9"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("has no version 9"), std::string::npos) << run.err;
}

TEST_F(StoreCliTest, BadUsageIsExit2) {
  EXPECT_EQ(Nianbao(dir_, {"show", "--db", db_}).exit_code, 2);  // no URL
  EXPECT_EQ(Nianbao(dir_, {"diff", kUrl, "--db", db_, "--from", "x"}).exit_code, 2);
  EXPECT_EQ(Nianbao(dir_, {"export", "--db", db_, "--layout", "tall"}).exit_code, 2);
  EXPECT_EQ(Nianbao(dir_, {"history", kUrl, "--db", db_, "--format", "xml"}).exit_code, 2);
  CliRun run = Nianbao(dir_, {"export", "--db", db_, "--template", "v1999"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("unknown template"), std::string::npos) << run.err;
}

TEST_F(StoreCliTest, NotADatabaseIsExit1AndUntouched) {
  std::string text_file = dir_.File("notes.txt");
  testing::WriteFileBytes(text_file, "these are not the reports you are looking for\n");
  CliRun run = Nianbao(dir_, {"history", kUrl, "--db", text_file});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find(text_file), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("not a SQLite database"), std::string::npos) << run.err;
  EXPECT_EQ(ReadFileBytes(text_file), "these are not the reports you are looking for\n");
}

TEST_F(StoreCliTest, ExportWritesCsvToStdoutOrFile) {
  CliRun run = Nianbao(dir_, {"export", "--db", db_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.out.starts_with(
      "url,issuer,year,template,version,fetched_at,field,value,raw,unit,format,label,label_zh,"))
      << run.out;
  EXPECT_NE(run.out.find(std::string(kUrl) +
                         ",平潭综合实验区管理委员会,2024,v2021,2,2025-03-12T17:20:00Z,"
                         "requests.new.total,219,219,件,,"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find(",active.fees.amount,18651.06,18651.06,万元,,"), std::string::npos);
  EXPECT_NE(run.out.find(",review.total,,,件,,"), std::string::npos);

  std::string out = dir_.File("wide.csv");
  run = Nianbao(dir_, {"export", "--db", db_, "--layout", "wide", "--template", "v2021", "--bom",
                       "--all-versions", "--out", out});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.out.empty());
  std::string csv = ReadFileBytes(out);
  ASSERT_TRUE(
      csv.starts_with("\xEF\xBB\xBFurl,issuer,year,template,version,fetched_at,title,published,"))
      << csv.substr(0, 200);
  // Header + two versions.
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
  // The wide header has every v2021 field of the catalogue (fields.tsv), so it is long.
  size_t header_end = csv.find("\r\n");
  EXPECT_GT(std::count(csv.begin(), csv.begin() + header_end, ','), 150);
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));

  run = Nianbao(dir_, {"export", "--db", db_, "--year", "2019"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(
      run.out,
      "url,issuer,year,template,version,fetched_at,field,value,raw,unit,format,label,label_zh,"
      "published,checks_failed,checks_failed_ids,checks_not_assessable,unmatched,warnings,"
      "rules_sha256,checks_warned_ids,body_id,body_name,body_level,body_province,"
      "body_region_code\r\n");
}

}  // namespace
}  // namespace nianbao
