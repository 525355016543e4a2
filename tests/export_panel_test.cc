// nianbao export's panel, quality columns and formats, run as the real binary on a real SQLite
// file made by crawling a loopback site of real corpus pages over several years and bodies:
//   平潭综合实验区 2024 (v2021): corpus/pingtan-2024.html as published, and the same page at a
//     second address (two reports of one body and year);
//   平潭综合实验区 2019 (v2019): corpus/shanghai-2019-condensed.html with its issuer
//     上海市人民政府办公厅 replaced by 平潭综合实验区 everywhere (the numbers are Shanghai's);
//   平潭综合实验区 2018 (legacy): corpus/pingtan-2018.html, the real Pingtan page, its issuer
//     平潭综合实验区管委会 shortened to 平潭综合实验区 (the panel's body is still the issuer as
//     printed; body aliases will make this edit unneeded);
//   上海市人民政府办公厅 2019: the Shanghai page as it is;
//   长乐区 2023 (v2021): the Pingtan page with 平潭综合实验区 → 长乐区 and 2024 → 2023 throughout,
//     and numbers changed so that sum checks fail (本年新收 总计 218 → 219; 结转下年度继续办理
//     自然人 and 总计 0 → 3);
//   长乐区 2024 (v2021): the Pingtan page with 平潭综合实验区 → 长乐区: its own checks pass, but
//   its
//     carried-over figures (0) are not 2023's carried-forward ones, so year against year fails.
// Read back as CSV, JSON Lines, XLSX (python3-openpyxl) and datapackage.json.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/support/http_server.h"
#include "tests/support/paths.h"
#include "tests/support/report_pages.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

using testing::ReadFileBytes;
using testing::TempDir;
using testing::WriteFileBytes;

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

std::string Data(const std::string& name) {
  return ReadFileBytes(std::string(NIANBAO_SOURCE_DIR) + "/tests/data/" + name);
}

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// A minimal RFC 4180 reader: rows of cells (quotes, doubled quotes, CRLF).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(cell));
      cell.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(std::move(cell));
      cell.clear();
      rows.emplace_back();
      ++i;
    } else {
      cell += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

// Rows as maps from the header's names.
std::vector<std::map<std::string, std::string>> Records(const std::string& csv) {
  auto rows = ParseCsv(csv);
  std::vector<std::map<std::string, std::string>> records;
  for (size_t r = 1; r < rows.size(); ++r) {
    std::map<std::string, std::string> record;
    for (size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c)
      record[rows[0][c]] = rows[r][c];
    records.push_back(std::move(record));
  }
  return records;
}

// The panel row of (body, year); fails the test when there is not exactly one.
std::map<std::string, std::string> PanelRow(
    const std::vector<std::map<std::string, std::string>>& rows, const std::string& body,
    const std::string& year) {
  std::map<std::string, std::string> found;
  int count = 0;
  for (const auto& row : rows) {
    if (row.at("issuer") == body && row.at("year") == year) {
      found = row;
      ++count;
    }
  }
  EXPECT_EQ(count, 1) << body << " " << year;
  return found;
}

class ExportPanelTest : public ::testing::Test {
 public:
  // Every sheet of the workbook at `path`, read back with python3-openpyxl: {title: rows}.
  static nlohmann::json ReadXlsx(const std::string& path) {
    std::string script = dir_->File("read.py");
    WriteFileBytes(script,
                   "import json, sys, openpyxl\n"
                   "book = openpyxl.load_workbook(sys.argv[1], read_only=True)\n"
                   "out = {}\n"
                   "for ws in book.worksheets:\n"
                   "    out[ws.title] = [list(r) for r in ws.iter_rows(values_only=True)]\n"
                   "print(json.dumps(out, ensure_ascii=False, default=str))\n");
    std::string json_path = dir_->File("xlsx.json");
    std::string command = "/usr/bin/python3 '" + script + "' '" + path + "' > '" + json_path + "'";
    EXPECT_EQ(std::system(command.c_str()), 0);
    return nlohmann::json::parse(ReadFileBytes(json_path));
  }

 protected:
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ = new testing::HttpServer();
    const std::string pingtan_2024 = Data("corpus/pingtan-2024.html");
    const std::string shanghai = Data("corpus/shanghai-2019-condensed.html");
    std::string changle =
        ReplaceAll(ReplaceAll(pingtan_2024, "平潭综合实验区", "长乐区"), "2024", "2023");
    std::string pages[][2] = {
        {"/pt/2024.html", pingtan_2024},
        {"/pt/2024-copy.html", pingtan_2024},
        {"/pt/2019.html", ReplaceAll(shanghai, "上海市人民政府办公厅", "平潭综合实验区")},
        {"/pt/2018.html",
         ReplaceAll(Data("corpus/pingtan-2018.html"), "平潭综合实验区管委会", "平潭综合实验区")},
        {"/sh/2019.html", shanghai},
        {"/cl/2023.html", CarryThreeForward(BreakNewRequestsTotal(changle))},
        {"/cl/2024.html", ReplaceAll(pingtan_2024, "平潭综合实验区", "长乐区")},
    };
    std::vector<testing::ListLink> links;
    for (auto& [path, body] : pages) {
      server_->Serve(path,
                     testing::Respond(200, body, {{"Content-Type", "text/html; charset=utf-8"}}));
      links.push_back({path, path.substr(4, 4) + "年政府信息公开工作年度报告"});
    }
    server_->Serve("/list.html", testing::Respond(200, testing::ListPageHtml(links),
                                                  {{"Content-Type", "text/html; charset=utf-8"}}));
    CliRun crawl =
        Nianbao(*dir_, {"crawl", "--db", Db(), "--delay", "0", "--allow-private-addresses",
                        "--seed", server_->Url("/list.html")});
    ASSERT_EQ(crawl.exit_code, 0) << crawl.err;
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  // 本年新收…总计 of the v2021 page is 218 in its table row; 219 breaks the row's sum identity.
  static std::string BreakNewRequestsTotal(std::string page) {
    size_t row = page.find("本年新收");
    size_t cell = page.find(">218<", row);
    if (row == std::string::npos || cell == std::string::npos) return page;
    page.replace(cell, 5, ">219<");
    return page;
  }

  // 四、结转下年度继续办理 of the v2021 page is 0 in every column; 3 in 自然人 and 总计 makes it
  // differ from the next year's 上年结转 (0).
  static std::string CarryThreeForward(std::string page) {
    size_t at = page.find("结转下年度继续办理");
    for (int column = 1; column <= 7 && at != std::string::npos; ++column) {
      at = page.find(">0</p>", at + 1);
      if (at != std::string::npos && (column == 1 || column == 7)) page.replace(at, 6, ">3</p>");
    }
    return page;
  }

  static std::string Db() { return dir_->File("nianbao.db"); }
  static std::string Url(const std::string& path) { return server_->Url(path); }

  CliRun Export(std::vector<std::string> args) {
    args.insert(args.begin(), {"export", "--db", Db()});
    return Nianbao(*dir_, args);
  }

  static TempDir* dir_;
  static testing::HttpServer* server_;
};

TempDir* ExportPanelTest::dir_ = nullptr;
testing::HttpServer* ExportPanelTest::server_ = nullptr;

TEST_F(ExportPanelTest, V2019AndV2021OfOneBodyAreOnePanelWithHarmonisedValues) {
  CliRun run = Export({"--layout", "panel"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto rows = Records(run.out);
  ASSERT_EQ(rows.size(), 6u) << run.out;  // 平潭 2018, 2019, 2024; 上海 2019; 长乐区 2023, 2024

  auto v2021 = PanelRow(rows, "平潭综合实验区", "2024");
  EXPECT_EQ(v2021["template"], "v2021");
  EXPECT_EQ(v2021["requests_new"], "218");
  EXPECT_EQ(v2021["granted"], "71");
  EXPECT_EQ(v2021["partly_granted"], "29");
  EXPECT_EQ(v2021["review"], "7");
  EXPECT_EQ(v2021["litigation"], "19");  // 未经复议直接起诉 0 + 复议后起诉 19
  EXPECT_EQ(v2021["requests_carried_over"], "0");
  EXPECT_EQ(v2021["approximate"], "");
  EXPECT_EQ(v2021["reports"], "2");  // the page at two addresses: one row
  EXPECT_EQ(v2021["format"], "html");
  EXPECT_EQ(v2021["version"], "1");
  EXPECT_TRUE(v2021["url"] == Url("/pt/2024.html") || v2021["url"] == Url("/pt/2024-copy.html"));

  auto v2019 = PanelRow(rows, "平潭综合实验区", "2019");
  EXPECT_EQ(v2019["template"], "v2019");
  EXPECT_EQ(v2019["requests_new"], "859");
  EXPECT_EQ(v2019["review"], "7");
  EXPECT_EQ(v2019["requests_carried_over"], "18");
  EXPECT_EQ(v2019["requests_carried_forward"], "72");
  EXPECT_EQ(v2019["granted"], "");     // （一）予以公开 总计 is blank on the page: null
  EXPECT_EQ(v2019["litigation"], "");  // 复议后起诉 总计 blank: no partial sum 9
  EXPECT_EQ(v2019["url"], Url("/pt/2019.html"));
}

TEST_F(ExportPanelTest, LegacyPageLandsWhereComparableAndIsFlaggedApproximate) {
  CliRun run = Export({"--layout", "panel", "--issuer", "平潭"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto rows = Records(run.out);
  ASSERT_EQ(rows.size(), 3u);
  auto legacy = PanelRow(rows, "平潭综合实验区", "2018");
  EXPECT_EQ(legacy["template"], "legacy");
  EXPECT_EQ(legacy["requests_new"], "0");  // 收到申请数 (approximate)
  EXPECT_EQ(legacy["granted"], "0");       // 同意公开答复数 (approximate)
  EXPECT_EQ(legacy["review"], "0");        // exact
  EXPECT_EQ(legacy["litigation"], "0");
  EXPECT_EQ(legacy["requests_carried_over"], "");  // none: the legacy form has no such row
  EXPECT_EQ(legacy["approximate"], "requests_new;granted;partly_granted");
  // The panel's rows are ordered by body and year.
  EXPECT_EQ(rows[0]["year"], "2018");
  EXPECT_EQ(rows[1]["year"], "2019");
  EXPECT_EQ(rows[2]["year"], "2024");
}

TEST_F(ExportPanelTest, QualityColumnsInEveryLayoutAndOnlyCleanLeavesOutTheFailedReport) {
  for (const char* layout : {"long", "wide", "panel"}) {
    CliRun run = Export({"--layout", layout});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    auto header = ParseCsv(run.out).at(0);
    for (const char* column :
         {"template", "format", "checks_failed", "checks_failed_ids", "checks_not_assessable",
          "unmatched", "warnings", "published", "fetched_at", "rules_sha256"}) {
      EXPECT_NE(std::find(header.begin(), header.end(), column), header.end())
          << layout << " lacks " << column;
    }
  }
  CliRun panel = Export({"--layout", "panel"});
  auto changle = PanelRow(Records(panel.out), "长乐区", "2023");
  EXPECT_NE(changle["checks_failed"], "0");
  EXPECT_NE(changle["checks_failed_ids"].find("requests.new"), std::string::npos)
      << changle["checks_failed_ids"];
  EXPECT_EQ(changle["requests_new"], "219");  // reported as printed, never repaired
  auto pingtan = PanelRow(Records(panel.out), "平潭综合实验区", "2024");
  EXPECT_EQ(pingtan["checks_failed"], "0");
  EXPECT_EQ(pingtan["rules_sha256"].size(), 64u);
  EXPECT_EQ(pingtan["published"].size(), 10u);  // YYYY-MM-DD

  for (const char* layout : {"long", "wide", "panel"}) {
    CliRun clean = Export({"--layout", layout, "--only-clean"});
    ASSERT_EQ(clean.exit_code, 0) << clean.err;
    auto records = Records(clean.out);
    EXPECT_FALSE(records.empty()) << layout;
    for (const auto& row : records) {
      EXPECT_EQ(row.at("checks_failed"), "0") << layout;
      EXPECT_EQ(row.at("unmatched"), "0") << layout;
      EXPECT_EQ(row.at("issuer").find("长乐区"), std::string::npos) << layout;
    }
  }
}

// The body columns of 平潭综合实验区's rows: its body record (rules/bodies.tsv: 350128).
void ExpectPingtanBody(const std::map<std::string, std::string>& row, const std::string& where) {
  EXPECT_FALSE(row.at("body_id").empty()) << where;
  EXPECT_EQ(row.at("body_name"), "平潭综合实验区") << where;
  EXPECT_EQ(row.at("body_level"), "county") << where;
  EXPECT_EQ(row.at("body_province"), "福建省") << where;
  EXPECT_EQ(row.at("body_region_code"), "350128") << where;
}

TEST_F(ExportPanelTest, BodyColumnsInEveryLayoutAndFormat) {
  std::string pingtan_id;
  for (const char* layout : {"long", "wide", "panel"}) {
    CliRun run = Export({"--layout", layout, "--issuer", "平潭"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    auto rows = Records(run.out);
    ASSERT_FALSE(rows.empty()) << layout;
    for (const auto& row : rows) {
      ExpectPingtanBody(row, layout);
      if (pingtan_id.empty()) pingtan_id = row.at("body_id");
      EXPECT_EQ(row.at("body_id"), pingtan_id) << layout;  // one body over every year
    }
  }
  // JSON Lines: the id a number, the region code text (its digits kept as printed).
  CliRun jsonl = Export({"--layout", "panel", "--format", "jsonl", "--issuer", "平潭"});
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  std::istringstream lines(jsonl.out);
  std::string line;
  int seen = 0;
  while (std::getline(lines, line)) {
    nlohmann::json row = nlohmann::json::parse(line);
    EXPECT_EQ(row["body_id"], std::stoll(pingtan_id));
    EXPECT_EQ(row["body_name"], "平潭综合实验区");
    EXPECT_EQ(row["body_region_code"], "350128");
    ++seen;
  }
  EXPECT_EQ(seen, 3);

  // XLSX, read back; and --names short with its labels file and datapackage.json.
  std::string xlsx = dir_->File("bodies.xlsx");
  ASSERT_EQ(Export({"--layout", "panel", "--issuer", "平潭", "--out", xlsx}).exit_code, 0);
  nlohmann::json book = ReadXlsx(xlsx);
  auto header = book["data"][0];
  std::map<std::string, nlohmann::json> first;
  for (size_t i = 0; i < header.size(); ++i) first[header[i]] = book["data"][1][i];
  EXPECT_EQ(first["body_name"], "平潭综合实验区");
  EXPECT_EQ(first["body_level"], "county");
  EXPECT_EQ(first["body_province"], "福建省");
  EXPECT_EQ(first["body_region_code"], "350128");
  EXPECT_EQ(first["body_id"], std::stoll(pingtan_id));

  std::string csv = dir_->File("bodies.csv");
  ASSERT_EQ(
      Export({"--layout", "long", "--names", "short", "--issuer", "平潭", "--out", csv}).exit_code,
      0);
  ExpectPingtanBody(Records(ReadFileBytes(csv)).at(0), "--names short");
  std::set<std::string> labelled;
  for (const auto& label : Records(ReadFileBytes(dir_->File("bodies.labels.csv"))))
    labelled.insert(label.at("name"));
  nlohmann::json package = nlohmann::json::parse(ReadFileBytes(dir_->File("datapackage.json")));
  std::map<std::string, std::string> types;
  for (const auto& field : package["resources"][0]["schema"]["fields"])
    types[field["name"]] = field["type"];
  for (const char* column :
       {"body_id", "body_name", "body_level", "body_province", "body_region_code"}) {
    EXPECT_TRUE(labelled.contains(column)) << column;
    EXPECT_EQ(types[column], std::string(column) == "body_id" ? "integer" : "string") << column;
  }
}

TEST_F(ExportPanelTest, CrossYearFailureIsInTheQualityColumnsAndOnlyCleanLeavesItOut) {
  // 长乐区 2024: its own checks pass; its carried-over figures are not 2023's carried-forward.
  const std::string url = Url("/cl/2024.html");
  for (const char* layout : {"long", "wide", "panel"}) {
    CliRun run = Export({"--layout", layout, "--issuer", "长乐区", "--year", "2024"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    auto rows = Records(run.out);
    ASSERT_FALSE(rows.empty()) << layout;
    for (const auto& row : rows) {
      EXPECT_EQ(row.at("url"), url) << layout;
      EXPECT_EQ(row.at("checks_failed"), "2") << layout;
      EXPECT_EQ(row.at("checks_failed_ids"),
                "cross_year.carried_over.natural_person;cross_year.carried_over.total")
          << layout;
      // 表二's in-force formula only warns (repealed documents of earlier years).
      EXPECT_EQ(row.at("checks_warned_ids"), "cross_year.in_force.normative_docs") << layout;
      EXPECT_EQ(row.at("unmatched"), "0") << layout;
    }
    CliRun clean = Export({"--layout", layout, "--only-clean", "--issuer", "长乐区"});
    ASSERT_EQ(clean.exit_code, 0) << clean.err;
    EXPECT_TRUE(Records(clean.out).empty()) << layout << "\n" << clean.out;
  }
  // The same identities as `nianbao checks` reports for it.
  CliRun checks =
      Nianbao(*dir_, {"checks", "--db", Db(), "--year", "2024", "--body", "长乐区", "--failed"});
  ASSERT_EQ(checks.exit_code, 0) << checks.err;
  EXPECT_NE(checks.out.find("cross_year.carried_over.natural_person  fail"), std::string::npos)
      << checks.out;
  // 长乐区's body record, in the same rows.
  auto row = PanelRow(Records(Export({"--layout", "panel"}).out), "长乐区", "2024");
  EXPECT_EQ(row["body_region_code"], "350112");
}

TEST_F(ExportPanelTest, LongLayoutHasThePageLabelAndTheOfficialLabel) {
  CliRun run = Export({"--template", "v2021", "--issuer", "平潭"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  bool seen = false;
  for (const auto& row : Records(run.out)) {
    if (row.at("field") != "outcome.disclosed.total") continue;
    seen = true;
    EXPECT_EQ(row.at("value"), "71");
    EXPECT_EQ(row.at("label_zh"), "三、本年度办理结果/（一）予以公开 | 总计");
    EXPECT_FALSE(row.at("label").empty());  // as printed on the page
  }
  EXPECT_TRUE(seen);
}

TEST_F(ExportPanelTest, JsonLinesHaveNumbersAndNulls) {
  CliRun run = Export({"--layout", "panel", "--format", "jsonl", "--year", "2019"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::istringstream lines(run.out);
  std::string line;
  std::map<std::string, nlohmann::json> by_body;
  while (std::getline(lines, line)) {
    nlohmann::json row = nlohmann::json::parse(line);
    by_body[row["issuer"]] = row;
  }
  ASSERT_EQ(by_body.size(), 2u);
  EXPECT_EQ(by_body["平潭综合实验区"]["requests_new"], 859);
  EXPECT_TRUE(by_body["平潭综合实验区"]["granted"].is_null());
  EXPECT_EQ(by_body["上海市人民政府办公厅"]["year"], 2019);
}

TEST_F(ExportPanelTest, CsvHasADatapackageWithTheFrictionlessRequiredKeys) {
  std::string out = dir_->File("panel.csv");
  CliRun run = Export({"--layout", "panel", "--out", out});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json package = nlohmann::json::parse(ReadFileBytes(dir_->File("datapackage.json")));
  ASSERT_TRUE(package["resources"].is_array());  // required by the Data Package profile
  ASSERT_EQ(package["resources"].size(), 1u);
  const auto& resource = package["resources"][0];
  // tabular-data-resource requires name, path, schema and profile; schema requires fields.
  EXPECT_EQ(resource["profile"], "tabular-data-resource");
  EXPECT_EQ(resource["path"], "panel.csv");
  EXPECT_TRUE(
      std::string(resource["name"]).find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-") ==
      std::string::npos);
  const auto& fields = resource["schema"]["fields"];
  auto header = ParseCsv(ReadFileBytes(out)).at(0);
  ASSERT_EQ(fields.size(), header.size());
  std::map<std::string, nlohmann::json> by_name;
  for (size_t i = 0; i < header.size(); ++i) {
    EXPECT_EQ(fields[i]["name"], header[i]);  // in the CSV's order
    by_name[fields[i]["name"]] = fields[i];
  }
  EXPECT_EQ(by_name["year"]["type"], "integer");
  EXPECT_EQ(by_name["requests_new"]["type"], "number");
  EXPECT_EQ(by_name["requests_new"]["unit"], "件");
  EXPECT_EQ(by_name["requests_new"]["title"], "本年新收政府信息公开申请数量 总计");
  EXPECT_EQ(by_name["fetched_at"]["type"], "datetime");
  EXPECT_EQ(by_name["published"]["type"], "date");

  // The wide layout's field columns carry their official labels and the codebook's gloss.
  std::string wide = dir_->File("wide.csv");
  ASSERT_EQ(Export({"--layout", "wide", "--template", "v2021", "--out", wide}).exit_code, 0);
  package = nlohmann::json::parse(ReadFileBytes(dir_->File("datapackage.json")));
  bool seen = false;
  for (const auto& field : package["resources"][0]["schema"]["fields"]) {
    if (field["name"] != "outcome.disclosed.total") continue;
    seen = true;
    EXPECT_EQ(field["title"], "三、本年度办理结果/（一）予以公开 | 总计");
    EXPECT_EQ(field["unit"], "件");
    EXPECT_FALSE(std::string(field["description"]).empty());
  }
  EXPECT_TRUE(seen);
}

TEST_F(ExportPanelTest, ShortNamesAreStataSafeUniqueWithALabelsFile) {
  std::string out = dir_->File("short.csv");
  CliRun run = Export({"--layout", "wide", "--names", "short", "--out", out});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto header = ParseCsv(ReadFileBytes(out)).at(0);
  std::set<std::string> lower;
  for (const std::string& name : header) {
    EXPECT_LE(name.size(), 32u) << name;
    EXPECT_TRUE(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') << name;
    EXPECT_EQ(
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"),
        std::string::npos)
        << name;
    std::string l = name;
    for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(lower.insert(l).second) << "duplicate " << name;
  }
  auto labels = Records(ReadFileBytes(dir_->File("short.labels.csv")));
  ASSERT_EQ(labels.size(), header.size());
  bool seen = false;
  for (size_t i = 0; i < labels.size(); ++i) {
    EXPECT_EQ(labels[i]["name"], header[i]);
    if (labels[i]["original"] == "outcome.disclosed.total") {
      seen = true;
      EXPECT_EQ(labels[i]["name"], "outcome_disclosed_total");
      EXPECT_EQ(labels[i]["label_zh"], "三、本年度办理结果/（一）予以公开 | 总计");
    }
  }
  EXPECT_TRUE(seen);
  EXPECT_EQ(Export({"--names", "short"}).exit_code, 2);  // a labels file needs --out
}

TEST_F(ExportPanelTest, XlsxReadsBackWithCodebookSheetAndSplitsLongLayoutsAtTheRowLimit) {
  std::string out = dir_->File("long.xlsx");
  CliRun run = Export({"--template", "v2021", "--sheet-rows", "100", "--out", out});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  CliRun csv = Export({"--template", "v2021"});
  size_t rows = Records(csv.out).size();
  ASSERT_GT(rows, 200u);

  nlohmann::json book = ReadXlsx(out);

  size_t data_rows = 0, sheets = 0;
  std::vector<std::string> header;
  for (auto& [name, sheet] : book.items()) {
    if (name.rfind("data", 0) != 0) continue;
    ++sheets;
    EXPECT_LE(sheet.size(), 100u) << name;
    if (header.empty()) {
      for (const auto& cell : sheet[0]) header.push_back(cell);
    }
    EXPECT_EQ(sheet[0][0], "url") << name;  // each sheet repeats the header
    data_rows += sheet.size() - 1;
  }
  EXPECT_EQ(data_rows, rows);
  EXPECT_EQ(sheets, (rows + 98) / 99);
  ASSERT_TRUE(book.contains("codebook"));
  ASSERT_TRUE(book.contains("columns"));
  EXPECT_EQ(book["codebook"][0][0], "field");
  // The v2021 codebook: its fields only.
  for (size_t i = 1; i < book["codebook"].size(); ++i) EXPECT_EQ(book["codebook"][i][1], "v2021");
  // Numbers are numeric cells.
  size_t value_column = std::find(header.begin(), header.end(), "value") - header.begin();
  size_t field_column = std::find(header.begin(), header.end(), "field") - header.begin();
  bool seen = false;
  for (const auto& row : book["data"]) {
    if (row[field_column] == "requests.new.total") {
      seen = true;
      EXPECT_TRUE(row[value_column].is_number());
      EXPECT_EQ(row[value_column], 218);
    }
  }
  EXPECT_TRUE(seen);
  EXPECT_EQ(Export({"--format", "xlsx"}).exit_code, 2);  // a workbook needs --out
}

}  // namespace
}  // namespace nianbao
