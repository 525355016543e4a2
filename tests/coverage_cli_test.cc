// nianbao coverage, reports, errors and changes, run as the real binary on a real SQLite file built
// by crawling a loopback site of real corpus pages. The site is the 2024 Pingtan report page
// (tests/data/corpus/pingtan-2024.html) changed consistently into other bodies and years: the body
// name, the report year and the page's date are replaced everywhere they are printed. Three seeded
// bodies, each with its own list page, plus a seed whose list page is gone:
//   平潭综合实验区 (printed 平潭综合实验区; 2023, 2024 published 2025-03-10: on time)
//   福州市财政局   (a department: 2023, 2024 published 2025-02-20: late against 31 January)
//   福州市人民政府 (2023 only: 2024 not found, with what was crawled)
//   闽侯县人民政府 (its list page answers 404: not found, the error named)
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/http_server.h"
#include "tests/support/paths.h"
#include "tests/support/store_fixtures.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

using testing::HttpServer;
using testing::QueryInt;
using testing::QueryText;
using testing::ReadFileBytes;
using testing::Respond;
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

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// The real 2024 Pingtan page as `body`'s report of `year`, dated `date` (YYYY-MM-DD).
std::string ReportPage(const std::string& body, int year, const std::string& date) {
  std::string page = ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html");
  ReplaceAll(page, "平潭综合实验区", body);
  ReplaceAll(page, "2024年", std::to_string(year) + "年");
  ReplaceAll(page, "2025-03-10", date);
  return page;
}

std::string ListPage(const std::vector<std::pair<std::string, std::string>>& links) {
  std::string html =
      "<html><head><meta charset=\"utf-8\"><title>政府信息公开年报</title></head><body><ul>";
  for (const auto& [href, text] : links)
    html += "<li><a href=\"" + href + "\">" + text + "</a></li>";
  return html + "</ul></body></html>";
}

// Cells of the line of `table` (tab-separated text, header first) whose column `key` is `value`.
std::map<std::string, std::string> Line(const std::string& table, const std::string& key,
                                        const std::string& value) {
  std::istringstream in(table);
  std::string line;
  std::vector<std::string> header;
  auto split = [](const std::string& text) {
    std::vector<std::string> cells;
    std::istringstream cells_in(text);
    std::string cell;
    while (std::getline(cells_in, cell, '\t')) cells.push_back(cell);
    return cells;
  };
  while (std::getline(in, line)) {
    std::vector<std::string> cells = split(line);
    if (header.empty()) {
      header = cells;
      continue;
    }
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    if (row[key] == value) return row;
  }
  return {};
}

class CoverageCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* html = "text/html; charset=utf-8";
    auto serve = [&](const std::string& path, const std::string& body) {
      server_.Serve(path, Respond(200, body, {{"Content-Type", html}}));
    };
    serve("/pingtan/list.html",
          ListPage({{"2024.html", "平潭综合实验区2024年度政府信息公开工作年度报告"},
                    {"2023.html", "平潭综合实验区2023年度政府信息公开工作年度报告"}}));
    serve("/pingtan/2024.html", ReportPage("平潭综合实验区", 2024, "2025-03-10"));
    serve("/pingtan/2023.html", ReportPage("平潭综合实验区", 2023, "2024-03-12"));
    serve("/fzcz/list.html",
          ListPage({{"2024.html", "福州市财政局2024年度政府信息公开工作年度报告"},
                    {"2023.html", "福州市财政局2023年度政府信息公开工作年度报告"}}));
    serve("/fzcz/2024.html", ReportPage("福州市财政局", 2024, "2025-02-20"));
    serve("/fzcz/2023.html", ReportPage("福州市财政局", 2023, "2024-01-22"));
    serve("/fuzhou/list.html", ListPage({{"2023.html", "福州市2023年度政府信息公开工作年度报告"}}));
    serve("/fuzhou/2023.html", ReportPage("福州市人民政府", 2023, "2024-03-29"));
    server_.Serve("/minhou/list.html", Respond(404, "gone"));

    // The rules: the built-in ones, with a seed list naming these bodies on this site.
    rules_ = dir_.File("rules");
    std::filesystem::copy(testing::SourceDir() + "/rules", rules_,
                          std::filesystem::copy_options::recursive);
    std::string seeds = "url\tbody\tlevel\tprovince\tregion_code\tsource\tevidence\tchecked\n";
    seeds += server_.Url("/pingtan/list.html") +
             "\t平潭综合实验区管委会\tcounty\t福建\t350128\ttest\tseen\tunverified\n";
    seeds += server_.Url("/fzcz/list.html") +
             "\t福州市财政局\tdepartment\t福建\t350100\ttest\tseen\tunverified\n";
    seeds += server_.Url("/fuzhou/list.html") +
             "\t福州市人民政府\tprefecture\t福建\t350100\ttest\tseen\tunverified\n";
    seeds += server_.Url("/minhou/list.html") +
             "\t闽侯县人民政府（据域名推断）\tcounty\t福建\t350100\ttest\tseen\tunverified\n";
    WriteFileBytes(rules_ + "/seeds.tsv", seeds);
  }

  CliRun Crawl() {
    std::vector<std::string> args = {"crawl", "--db",    db(), "--rules",
                                     rules_,  "--delay", "0",  "--allow-private-addresses"};
    for (const char* path :
         {"/pingtan/list.html", "/fzcz/list.html", "/fuzhou/list.html", "/minhou/list.html"}) {
      args.push_back("--seed");
      args.push_back(server_.Url(path));
    }
    return Nianbao(dir_, args);
  }

  std::string db() const { return dir_.File("nianbao.db"); }

  TempDir dir_;
  HttpServer server_;
  std::string rules_;
};

TEST_F(CoverageCliTest, OnTimeLateAndMissingBodiesOfAYear) {
  CliRun crawl = Crawl();
  ASSERT_EQ(crawl.exit_code, 0) << crawl.err << crawl.out;
  ASSERT_EQ(QueryInt(db(), "SELECT count(*) FROM reports"), 5) << crawl.out;

  CliRun run = Nianbao(dir_, {"coverage", "--db", db(), "--year", "2024"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto pingtan = Line(run.out, "body", "平潭综合实验区");
  EXPECT_EQ(pingtan["status"], "on_time") << run.out;
  EXPECT_EQ(pingtan["published"], "2025-03-10");
  EXPECT_EQ(pingtan["published_from"], "page");
  EXPECT_EQ(pingtan["deadline"], "2025-03-31");
  EXPECT_EQ(pingtan["level"], "county");
  EXPECT_EQ(pingtan["region_code"], "350128");
  EXPECT_EQ(pingtan["province"], "福建省");
  EXPECT_EQ(pingtan["expected"], "seeded");
  EXPECT_EQ(pingtan["url"], server_.Url("/pingtan/2024.html"));
  EXPECT_EQ(pingtan["checks_failed"], "0");

  auto finance = Line(run.out, "body", "福州市财政局");
  EXPECT_EQ(finance["status"], "late") << run.out;
  EXPECT_EQ(finance["level"], "department");
  EXPECT_EQ(finance["government"], "福州市人民政府");
  EXPECT_EQ(finance["deadline"], "2025-01-31");
  EXPECT_EQ(finance["days_late"], "20");
  EXPECT_EQ(finance["url"], server_.Url("/fzcz/2024.html"));

  auto city = Line(run.out, "body", "福州市人民政府");
  EXPECT_EQ(city["status"], "not_found") << run.out;
  EXPECT_EQ(city["url"], "-");
  EXPECT_EQ(city["level"], "prefecture");
  EXPECT_NE(city["crawled"].find(server_.Url("/fuzhou/list.html") + ": last fetched "),
            std::string::npos)
      << city["crawled"];
  EXPECT_NE(city["crawled"].find("(HTTP 200), 2 pages crawled, reports found for 2023"),
            std::string::npos)
      << city["crawled"];

  auto minhou = Line(run.out, "body", "闽侯县人民政府");
  EXPECT_EQ(minhou["status"], "not_found") << run.out;
  EXPECT_EQ(minhou["region_code"], "350121");  // refined from the seed's 350100 by its name
  EXPECT_NE(minhou["crawled"].find("(HTTP 404), 1 page crawled, no report found"),
            std::string::npos)
      << minhou["crawled"];
  EXPECT_NE(run.err.find("coverage 2024: 4 bodies, 1 on time, 1 late, 2 not found"),
            std::string::npos)
      << run.err;

  // 2023: the department published on time; filters by level and province (short name).
  CliRun departments = Nianbao(dir_, {"coverage", "--db", db(), "--year", "2023", "--level",
                                      "department", "--province", "福建", "--format", "csv"});
  ASSERT_EQ(departments.exit_code, 0) << departments.err;
  EXPECT_EQ(departments.out.substr(0, departments.out.find("\r\n")),
            "year,body,level,province,region_code,government,expected,status,published,"
            "published_from,deadline,days_late,checks_failed,check_ids,url,seeds,crawled");
  EXPECT_NE(departments.out.find("\r\n2023,福州市财政局,department,福建省,350100,福州市人民政府,"
                                 "seeded,on_time,2024-01-22,page,2024-01-31,0,0,,"),
            std::string::npos)
      << departments.out;
  EXPECT_EQ(std::count(departments.out.begin(), departments.out.end(), '\n'), 2);
  CliRun elsewhere =
      Nianbao(dir_, {"coverage", "--db", db(), "--year", "2024", "--province", "江苏"});
  EXPECT_EQ(elsewhere.exit_code, 0);
  EXPECT_EQ(std::count(elsewhere.out.begin(), elsewhere.out.end(), '\n'), 1);  // the header

  // The SQL view says the same.
  EXPECT_EQ(QueryText(db(),
                      "SELECT status FROM coverage WHERE year = 2024 AND body = "
                      "'福州市财政局'"),
            "late");
  EXPECT_EQ(QueryInt(db(), "SELECT count(*) FROM coverage WHERE year = 2024"), 4);
  // Reports link to their bodies; the department to its government.
  EXPECT_EQ(QueryText(db(),
                      "SELECT g.name FROM bodies b JOIN bodies g ON g.id = b.government_id "
                      "WHERE b.name = '福州市财政局'"),
            "福州市人民政府");
}

TEST_F(CoverageCliTest, ReportsErrorsAndChanges) {
  ASSERT_EQ(Crawl().exit_code, 0);
  CliRun reports = Nianbao(dir_, {"reports", "--db", db(), "--year", "2024"});
  ASSERT_EQ(reports.exit_code, 0) << reports.err;
  EXPECT_EQ(reports.out.substr(0, reports.out.find('\n')),
            "year\tbody\tlevel\tprovince\tregion_code\tissuer\ttemplate\tversion\tpublished\t"
            "fetched_at\tchecks_failed\tcheck_ids\turl");
  EXPECT_EQ(std::count(reports.out.begin(), reports.out.end(), '\n'), 3) << reports.out;
  auto finance = Line(reports.out, "body", "福州市财政局");
  EXPECT_EQ(finance["template"], "v2021");
  EXPECT_EQ(finance["version"], "1");
  EXPECT_EQ(finance["url"], server_.Url("/fzcz/2024.html"));
  CliRun by_body = Nianbao(dir_, {"reports", "--db", db(), "--body", "财政局"});
  EXPECT_EQ(std::count(by_body.out.begin(), by_body.out.end(), '\n'), 3) << by_body.out;
  CliRun failed = Nianbao(dir_, {"reports", "--db", db(), "--failed"});
  EXPECT_EQ(std::count(failed.out.begin(), failed.out.end(), '\n'), 1) << failed.out;

  CliRun errors = Nianbao(dir_, {"errors", "--db", db(), "--since", "2000-01-01"});
  ASSERT_EQ(errors.exit_code, 0) << errors.err;
  auto gone = Line(errors.out, "url", server_.Url("/minhou/list.html"));
  EXPECT_EQ(gone["error"], "http_404") << errors.out;
  EXPECT_EQ(gone["attempts"], "1");
  EXPECT_EQ(gone["last_success"], "-");
  EXPECT_EQ(std::count(errors.out.begin(), errors.out.end(), '\n'), 2) << errors.out;
  CliRun later = Nianbao(dir_, {"errors", "--db", db(), "--since", "2100-01-01"});
  EXPECT_EQ(std::count(later.out.begin(), later.out.end(), '\n'), 1);

  // The department's 2024 page is corrected: its date and one number change.
  std::string page = ReportPage("福州市财政局", 2024, "2025-01-30");
  const std::string cell = ">10407<";  // not in the page: the number is prose only
  ASSERT_EQ(page.find(cell), std::string::npos);
  ReplaceAll(page, "全年办理政府信息公开申请218件", "全年办理政府信息公开申请219件");
  server_.Serve("/fzcz/2024.html", Respond(200, page, {{"Content-Type", "text/html"}}));
  ASSERT_EQ(Crawl().exit_code, 0);
  CliRun changes = Nianbao(dir_, {"changes", "--db", db(), "--since", "2000-01-01"});
  ASSERT_EQ(changes.exit_code, 0) << changes.err;
  auto second = Line(changes.out, "version", "2");
  EXPECT_EQ(second["url"], server_.Url("/fzcz/2024.html")) << changes.out;
  EXPECT_EQ(second["change"], "new version");
  EXPECT_NE(second["metadata_changed"].find("published"), std::string::npos) << changes.out;
  EXPECT_EQ(std::count(changes.out.begin(), changes.out.end(), '\n'), 1 + 5 + 1) << changes.out;
  // Now on time.
  CliRun run = Nianbao(dir_, {"coverage", "--db", db(), "--year", "2024"});
  EXPECT_EQ(Line(run.out, "body", "福州市财政局")["status"], "on_time") << run.out;

  CliRun bad = Nianbao(dir_, {"changes", "--db", db(), "--since", "yesterday"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--since must be a date YYYY-MM-DD"), std::string::npos) << bad.err;
  CliRun missing = Nianbao(dir_, {"coverage", "--db", dir_.File("none.db"), "--year", "2024"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find(dir_.File("none.db")), std::string::npos) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("none.db")));
}

}  // namespace
}  // namespace nianbao
