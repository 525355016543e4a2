// The web view in a real browser: Debian's chromium, headless (--dump-dom, --screenshot), against
// the real `nianbao web` serving a database that the real `nianbao crawl` filled from a loopback
// site of real corpus pages; one page is then reprinted with one number changed and fetched again
// (version 2), which breaks the identity that number is part of. Checks the numbers the browser
// shows equal the stored values, the failed identity's cells are highlighted, and the diff marks
// exactly the changed cell. Screenshots go to the build tree (screenshots/). ctest label
// `browser`; skipped with a message where chromium is not installed (scripts/deps test installs
// it).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include "store/store.h"
#include "tests/support/http_server.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"
#include "web/html.h"

namespace nianbao {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Chromium() {
  for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return "";
}

// Runs `argv` and waits; its output goes to `out_path`. Returns the exit status.
int RunProgram(const std::vector<std::string>& argv, const std::string& out_path) {
  pid_t child = fork();
  if (child == 0) {
    FILE* out = freopen(out_path.c_str(), "w", stdout);
    FILE* err = freopen((out_path + ".err").c_str(), "w", stderr);
    if (!out || !err) _exit(99);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(98);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// `nianbao web` as a child process, on a free loopback port read from its first line.
class WebProcess {
 public:
  WebProcess(const std::string& db, const testing::TempDir& dir) {
    int pipe_fds[2];
    EXPECT_EQ(pipe(pipe_fds), 0);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(pipe_fds[1], 1);
      close(pipe_fds[0]);
      std::string binary = testing::NianbaoBinary();
      setenv("NIANBAO_CONFIG", "/nonexistent/nianbao.toml", 1);
      execl(binary.c_str(), binary.c_str(), "web", "--db", db.c_str(), "--listen", "127.0.0.1:0",
            nullptr);
      _exit(98);
    }
    close(pipe_fds[1]);
    FILE* out = fdopen(pipe_fds[0], "r");
    char line[512] = {};
    if (fgets(line, sizeof line, out)) {
      std::cmatch match;
      if (std::regex_search(line, match, std::regex("http://127\\.0\\.0\\.1:[0-9]+"))) {
        origin_ = match[0];
      }
    }
    fclose(out);
    (void)dir;
  }
  ~WebProcess() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  const std::string& origin() const { return origin_; }

 private:
  pid_t pid_ = -1;
  std::string origin_;
};

class Browser {
 public:
  Browser(std::string binary, const testing::TempDir& dir)
      : binary_(std::move(binary)), profile_(dir.File("chromium-profile")), dir_(dir) {}

  std::string Dom(const std::string& url) {
    std::string out = dir_.File("dom.html");
    int status = RunProgram(Args({"--dump-dom", url}), out);
    EXPECT_EQ(status, 0) << ReadFile(out + ".err");
    return ReadFile(out);
  }

  void Screenshot(const std::string& url, const std::string& png, const std::string& size) {
    std::filesystem::remove(png);
    int status = RunProgram(Args({"--window-size=" + size, "--screenshot=" + png, url}),
                            dir_.File("shot.out"));
    EXPECT_EQ(status, 0) << ReadFile(dir_.File("shot.out.err"));
    std::string bytes = ReadFile(png);
    EXPECT_EQ(bytes.substr(0, 8), "\x89PNG\r\n\x1a\n") << png;
    EXPECT_GT(bytes.size(), 20000u) << png << " looks empty";
  }

 private:
  std::vector<std::string> Args(std::vector<std::string> extra) {
    std::vector<std::string> args = {"/usr/bin/timeout",
                                     "60",
                                     binary_,
                                     "--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--disable-dev-shm-usage",
                                     "--no-first-run",
                                     "--hide-scrollbars",
                                     "--user-data-dir=" + profile_,
                                     "--lang=zh-CN"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  std::string binary_, profile_;
  const testing::TempDir& dir_;
};

// The text of the table cell of `field` in `dom` (tags stripped), and its class attribute.
struct DomCell {
  bool found = false;
  std::string text, classes;
};
DomCell CellOf(const std::string& dom, const std::string& field) {
  DomCell cell;
  std::regex pattern("<td data-field=\"" + std::regex_replace(field, std::regex("\\."), "\\.") +
                     "\"([^>]*)>(.*?)</td>");
  std::smatch match;
  if (!std::regex_search(dom, match, pattern)) return cell;
  cell.found = true;
  std::smatch cls;
  std::string attributes = match[1];
  if (std::regex_search(attributes, cls, std::regex("class=\"([^\"]*)\""))) cell.classes = cls[1];
  cell.text = std::regex_replace(std::string(match[2]), std::regex("<[^>]*>"), "");
  return cell;
}

// A number of the page's statistics (requests or outcomes) that is printed as a cell's whole text;
// the first cell printed so is reprinted (the store then says which field changed).
std::string UniqueCellField(const Extraction& e, const std::string& page, std::string* raw) {
  for (const auto& [field, value] : e.fields) {
    auto cell = e.cells.find(field);
    if (!value || *value < 1 || cell == e.cells.end()) continue;
    if (field.rfind("requests.", 0) != 0 && field.rfind("outcome.", 0) != 0) continue;
    std::string needle = ">" + cell->second.raw + "<";
    if (page.find(needle) != std::string::npos) {
      *raw = cell->second.raw;
      return field;
    }
  }
  return "";
}

TEST(WebBrowser, PagesShowStoredValuesFailedIdentityAndTheChangedCell) {
  std::string chromium = Chromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium is not installed (scripts/deps test installs it)";
  testing::TempDir dir;
  std::string db = dir.File("browser.db");
  std::string page = ReadFile(testing::CorpusDir() + "/pingtan-2024.html");
  std::string other = ReadFile(testing::CorpusDir() + "/shanghai-2019-condensed.html");
  testing::HttpServer site;
  auto html = [](std::string body) {
    return testing::Respond(200, std::move(body), {{"Content-Type", "text/html; charset=utf-8"}});
  };
  std::string current = page;
  site.Handle("/nb/2024.htm", [&](const testing::HttpRequest&) { return html(current); });
  site.Serve("/nb/2019.htm", html(other));
  site.Serve("/nb/",
             html("<html><body><ul><li><a href=\"/nb/2024.htm\">平潭综合实验区2024年政府信息公开"
                  "工作年度报告</a></li><li><a href=\"/nb/2019.htm\">上海市2019年政府信息公开"
                  "工作年度报告</a></li></ul></body></html>"));
  site.Serve("/robots.txt", testing::Respond(404));
  std::string nianbao = testing::NianbaoBinary();
  ASSERT_EQ(RunProgram({nianbao, "crawl", "--db", db, "--seed", site.Url("/nb/"), "--delay", "0",
                        "--allow-private-addresses"},
                       dir.File("crawl.out")),
            0)
      << ReadFile(dir.File("crawl.out.err"));
  std::string url = site.Url("/nb/2024.htm");
  Extraction v1 = Store::OpenForReading(db)->Show(url).extraction;
  std::string raw;
  std::string changed = UniqueCellField(v1, page, &raw);
  ASSERT_FALSE(changed.empty()) << "no number of the page is a cell's whole text";
  std::string reprinted = std::to_string(std::stoll(raw) + 1);
  current.replace(current.find(">" + raw + "<"), raw.size() + 2, ">" + reprinted + "<");
  ASSERT_EQ(RunProgram({nianbao, "fetch", "--db", db, "--allow-private-addresses", url},
                       dir.File("fetch.out")),
            0)
      << ReadFile(dir.File("fetch.out.err"));
  StoredExtraction stored = Store::OpenForReading(db)->Show(url);
  ASSERT_EQ(stored.version, 2);
  // The first cell printed with that text changed: the store says which field it is.
  VersionDiff stored_diff = Store::OpenForReading(db)->Diff(url);
  ASSERT_EQ(stored_diff.fields.size(), 1u);
  changed = stored_diff.fields[0].field;
  ASSERT_FALSE(stored.extraction.checks.empty()) << "the reprinted number broke no identity";

  WebProcess web(db, dir);
  ASSERT_FALSE(web.origin().empty()) << "nianbao web did not say where it listens";
  Browser browser(chromium, dir);
  std::string report = web.origin() + "/report?url=" + web::QueryEscape(url);

  // The report: every number shown is the stored value; a blank is a dash, never 0.
  std::string dom = browser.Dom(report);
  ASSERT_NE(dom.find("统计表"), std::string::npos) << dom.substr(0, 2000);
  int compared = 0;
  for (const auto& [field, value] : stored.extraction.fields) {
    DomCell cell = CellOf(dom, field);
    ASSERT_TRUE(cell.found) << field;
    EXPECT_EQ(cell.text, value ? web::NumberText(*value) : "—") << field;
    ++compared;
  }
  EXPECT_GT(compared, 100);
  // The failed identity: each of its cells is highlighted, and only cells of failed checks are.
  std::set<std::string> failed_fields;
  for (const CheckFailure& c : stored.extraction.checks) {
    if (c.kind == "text_vs_table") continue;
    failed_fields.insert(c.total_field);
    failed_fields.insert(c.fields.begin(), c.fields.end());
  }
  EXPECT_TRUE(failed_fields.contains(changed));
  for (const auto& [field, value] : stored.extraction.fields) {
    bool highlighted = CellOf(dom, field).classes.find("fail") != std::string::npos;
    if (failed_fields.contains(field)) {
      EXPECT_TRUE(highlighted) << field;
    }
  }
  browser.Screenshot(report, std::string(NIANBAO_SCREENSHOT_DIR) + "/report-page.png", "1280,2600");

  // The diff: exactly the reprinted cell is marked changed.
  std::string diff_url = web.origin() + "/diff?from=1&to=2&url=" + web::QueryEscape(url);
  std::string diff = browser.Dom(diff_url);
  std::regex changed_cell(
      "<td data-field=\"([^\"]+)\"[^>]*class=\"[^\"]*changed|<td "
      "data-field=\"([^\"]+)\" class=\"[^\"]*changed");
  std::vector<std::string> marked;
  for (auto it = std::sregex_iterator(diff.begin(), diff.end(), changed_cell);
       it != std::sregex_iterator(); ++it) {
    marked.push_back((*it)[1].matched ? (*it)[1].str() : (*it)[2].str());
  }
  ASSERT_EQ(marked.size(), 1u) << diff.substr(0, 3000);
  EXPECT_EQ(marked[0], changed);
  EXPECT_EQ(CellOf(diff, changed).text, reprinted);
  browser.Screenshot(diff_url, std::string(NIANBAO_SCREENSHOT_DIR) + "/diff-page.png", "1280,1600");

  // Every other page loads and shows what the database holds.
  std::string overview = browser.Dom(web.origin() + "/");
  EXPECT_NE(overview.find("<span id=\"total-reports\">2</span>"), std::string::npos);
  std::string reports = browser.Dom(web.origin() + "/reports");
  EXPECT_NE(reports.find("<span id=\"matching\">2</span>"), std::string::npos);
  EXPECT_NE(reports.find("平潭"), std::string::npos);
  std::string history = browser.Dom(web.origin() + "/history?url=" + web::QueryEscape(url));
  EXPECT_NE(history.find("1 → 2"), std::string::npos);
  std::string coverage = browser.Dom(web.origin() + "/coverage?year=2024");
  EXPECT_NE(coverage.find("<table id=\"coverage\">"), std::string::npos);
  std::string errors = browser.Dom(web.origin() + "/errors");
  EXPECT_NE(errors.find("<table id=\"errors\">"), std::string::npos);
  browser.Screenshot(web.origin() + "/", std::string(NIANBAO_SCREENSHOT_DIR) + "/overview.png",
                     "1280,900");
}

}  // namespace
}  // namespace nianbao
