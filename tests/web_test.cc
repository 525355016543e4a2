// The web view (web/): a real WebServer on 127.0.0.1 over a real SQLite file holding the real
// pingtan-2024 page's extraction (two versions that differ in one cell, the second with a failed
// identity), a report whose title, issuer, labels, warnings and URL are script, and a failed fetch;
// read with a real HTTP client. Security: escaping, headers, traversal, oversized and body-carrying
// requests, the token, loopback-only without one, connection cap and idle timeout.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "cmd/common.h"
#include "cmd/config.h"
#include "extract/extract.h"
#include "store/store.h"
#include "tests/support/http_get.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"
#include "web/html.h"
#include "web/server.h"

namespace nianbao {
namespace {

using testing::HttpGet;
using testing::HttpRaw;
using testing::HttpReply;

const std::string kReport = "https://www.pingtan.gov.cn/zwgk/zfxxgknb/t20250310_97791.htm";
const std::string kEvil = "https://evil.example.gov.cn/nb/a.htm?x=%22%3E%3Cscript%3E";
const std::string kTitleScript = "<script>alert('title')</script>年度报告";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int64_t Fetch(Store& store, const std::string& url, int64_t at, const std::string& error = "",
              int status = 200) {
  FetchRecord fetch;
  fetch.url = url;
  fetch.final_url = url;
  fetch.fetched_at = at;
  fetch.status = status;
  fetch.error = error;
  fetch.content_type = "text/html";
  return store.RecordFetch(fetch);
}

// The first listed field with a non-null value that a failed check can name.
std::string FirstValuedField(const Extraction& e) {
  for (const auto& [field, value] : e.fields) {
    if (value && *value > 0 && e.cells.contains(field)) return field;
  }
  return "";
}

struct Fixture {
  testing::TempDir dir;
  std::string db = dir.File("web.db");
  std::shared_ptr<const RuleSet> rules = LoadRules("");
  Extraction v1, v2;
  std::string changed;  // the one field v2 changed
  std::string document_sha;

  Fixture() {
    std::string page = ReadFile(testing::CorpusDir() + "/pingtan-2024.html");
    ExtractedPage extracted;
    v1 = Extract(page, *rules, {}, &extracted);
    auto store = Store::Open(db);
    int64_t f1 = Fetch(*store, kReport, 1741600000);
    document_sha = store->PutDocument(page, "text/html", kReport, f1);
    SnapshotOrigin origin{kReport, document_sha, rules->sha256()};
    store->SaveExtraction(kReport, f1, v1, extracted.text, origin);
    // Version 2: one cell reprinted, which breaks the identity it is the total of.
    v2 = v1;
    changed = FirstValuedField(v1);
    for (auto& [field, value] : v2.fields) {
      if (field == changed) value = *value + 7;
    }
    v2.cells[changed].raw = "changed";
    v2.checks.push_back(CheckFailure{
        "test.identity", changed, {"requests.new.natural_person"}, 1, Value(2), "sum"});
    int64_t f2 = Fetch(*store, kReport, 1741700000);
    store->SaveExtraction(kReport, f2, v2, extracted.text + " ", origin);
    // A report whose every text is markup.
    Extraction evil = v1;
    evil.title = kTitleScript;
    evil.issuer = "<img src=x onerror=alert(1)>机关";
    evil.warnings.push_back("<b onmouseover=alert(2)>warning</b>");
    evil.unmatched.push_back(Unmatched{"row", "\"><script>alert(3)</script>", 0, 1, 2});
    evil.cells[changed].label = "</td><script>alert(4)</script>";
    evil.cells[changed].raw = "<svg onload=alert(5)>";
    int64_t f3 = Fetch(*store, kEvil, 1741800000);
    std::string evil_doc = "<html><script>alert(6)</script></html>";
    std::string evil_sha = store->PutDocument(evil_doc, "text/html", kEvil, f3);
    store->SaveExtraction(kEvil, f3, evil, "evil", SnapshotOrigin{kEvil, evil_sha, "r"});
    Fetch(*store, "https://down.example.gov.cn/list/", 1741900000, "timeout", 0);
    Fetch(*store, "https://gone.example.gov.cn/nb.htm", 1741900001, "", 404);
  }

  std::unique_ptr<web::WebServer> Serve(const std::string& token = "", int threads = 2,
                                        int max_connections = 64, int timeout = 10) {
    web::WebOptions options;
    options.database = db;
    options.listen = "127.0.0.1:0";
    options.token = token;
    options.rules = rules;
    options.threads = threads;
    options.max_connections = max_connections;
    options.timeout_seconds = timeout;
    return web::WebServer::Start(options);
  }
};

// One database for every test of the suite (made once per process, removed after).
class WebView : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { fixture_ = new Fixture(); }
  static void TearDownTestSuite() {
    delete fixture_;
    fixture_ = nullptr;
  }
  static Fixture* fixture_;
};
Fixture* WebView::fixture_ = nullptr;

std::string Q(const std::string& text) { return web::QueryEscape(text); }

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST_F(WebView, ReportPageShowsStoredValuesAndBlankUnlikeZero) {
  Fixture& f = *fixture_;
  auto server = f.Serve();
  HttpReply page = HttpGet(server->port(), "/report?version=1&url=" + Q(kReport));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
  int numbers = 0, blanks = 0, zeros = 0;
  for (const auto& [field, value] : f.v1.fields) {
    std::string cell = "data-field=\"" + field + "\"";
    ASSERT_NE(page.body.find(cell), std::string::npos) << field << " is not drawn";
    if (value) {
      EXPECT_NE(page.body.find(cell + " data-value=\"" + web::NumberText(*value) + "\">"),
                std::string::npos)
          << field;
      ++numbers;
      zeros += *value == 0;
    } else {
      EXPECT_NE(page.body.find(cell + " class=\"blank\""), std::string::npos) << field;
      ++blanks;
    }
  }
  EXPECT_GT(numbers, 20);
  EXPECT_GT(zeros, 0);  // the real page prints zeros, drawn as 0, not as blank
  // Provenance of a value: its raw text, label and position, and the stored document.
  const FieldCell& cell = f.v1.cells.at(f.changed);
  EXPECT_NE(page.body.find("id=\"p-" + f.changed + "\""), std::string::npos);
  EXPECT_NE(page.body.find(web::Html(cell.raw)), std::string::npos);
  EXPECT_NE(page.body.find("行 row " + std::to_string(cell.row + 1)), std::string::npos);
  EXPECT_NE(page.body.find("/document?sha256=" + f.document_sha), std::string::npos);
  EXPECT_NE(page.body.find("<a class=\"url\" rel=\"noreferrer noopener\" href=\"" + kReport),
            std::string::npos);
  // Version 1 has no failed check: no cell is highlighted.
  EXPECT_EQ(Count(page.body, "class=\"fail"), 0);
}

TEST_F(WebView, FailedIdentityHighlightsItsCells) {
  Fixture& f = *fixture_;
  auto server = f.Serve();
  HttpReply page = HttpGet(server->port(), "/report?url=" + Q(kReport));
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<td data-field=\"" + f.changed + "\" class=\"fail\""),
            std::string::npos);
  EXPECT_NE(page.body.find("<td data-field=\"requests.new.natural_person\" class=\"fail\""),
            std::string::npos);
  std::set<std::string> involved = {f.changed, "requests.new.natural_person"};
  // Table cells only (the failed check's own row in the checks table is marked too).
  std::regex failed_cell("<td data-field=\"[^\"]+\" class=\"fail\"");
  EXPECT_EQ(std::distance(std::sregex_iterator(page.body.begin(), page.body.end(), failed_cell),
                          std::sregex_iterator()),
            static_cast<std::ptrdiff_t>(involved.size()));
  EXPECT_NE(page.body.find("test.identity"), std::string::npos);
}

TEST_F(WebView, DiffMarksExactlyTheChangedCell) {
  Fixture& f = *fixture_;
  auto server = f.Serve();
  HttpReply diff = HttpGet(server->port(), "/diff?from=1&to=2&url=" + Q(kReport));
  ASSERT_EQ(diff.status, 200) << diff.body;
  EXPECT_EQ(Count(diff.body, "changed\" data-value"), 1);
  std::regex marked("<td data-field=\"([^\"]+)\" class=\"[^\"]*changed");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(diff.body, match, marked));
  EXPECT_EQ(match[1], f.changed);
  EXPECT_NE(diff.body.find("<span id=\"changed-count\">1</span>"), std::string::npos);
  HttpReply history = HttpGet(server->port(), "/history?url=" + Q(kReport));
  ASSERT_EQ(history.status, 200);
  EXPECT_NE(history.body.find("1 → 2"), std::string::npos);
  HttpReply csv = HttpGet(server->port(), "/history?format=csv&url=" + Q(kReport));
  EXPECT_EQ(Count(csv.body, "\n"), 3);  // header and two versions
}

TEST_F(WebView, ScriptInTitlesLabelsWarningsAndUrlsIsText) {
  Fixture& f = *fixture_;
  auto server = f.Serve();
  for (std::string target : std::vector<std::string>{
           "/", "/reports", "/reports?body=" + Q("机关"), "/report?url=" + Q(kEvil),
           "/history?url=" + Q(kEvil), "/coverage?year=2024", "/errors",
           "/report?url=" + Q("<script>alert(7)</script>"), "/reports?body=" + Q("<script>x")}) {
    HttpReply reply = HttpGet(server->port(), target);
    if (reply.headers["content-type"] == "text/plain; charset=utf-8") {
      // An error names what was asked for, as plain text a browser does not sniff into HTML.
      EXPECT_EQ(reply.headers["x-content-type-options"], "nosniff") << target;
      continue;
    }
    EXPECT_EQ(reply.headers["content-type"], "text/html; charset=utf-8") << target;
    std::string lower = reply.body;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    EXPECT_EQ(lower.find("<script"), std::string::npos) << target;
    EXPECT_EQ(lower.find("<img"), std::string::npos) << target;
    EXPECT_EQ(lower.find("<svg"), std::string::npos) << target;
    EXPECT_EQ(lower.find("<b "), std::string::npos) << target;
    EXPECT_EQ(lower.find("javascript:"), std::string::npos) << target;
  }
  HttpReply evil = HttpGet(server->port(), "/report?url=" + Q(kEvil));
  ASSERT_EQ(evil.status, 200);
  EXPECT_NE(evil.body.find("<h1>&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;"),
            std::string::npos);
  EXPECT_NE(evil.body.find("&lt;img src=x onerror=alert(1)&gt;机关"), std::string::npos);
  EXPECT_NE(evil.body.find("&lt;/td&gt;&lt;script&gt;alert(4)&lt;/script&gt;"), std::string::npos);
  // A link from the database is linked only when it is http(s).
  EXPECT_EQ(web::SafeHref("javascript:alert(1)"), std::nullopt);
  EXPECT_EQ(web::SafeHref("data:text/html,<script>"), std::nullopt);
  EXPECT_EQ(*web::SafeHref("https://a.example/?q=\"x\""), "https://a.example/?q=&quot;x&quot;");
}

TEST_F(WebView, EveryResponseCarriesCspAndNosniff) {
  Fixture& f = *fixture_;
  auto server = f.Serve();
  for (std::string target : {"/", "/reports", "/api/reports", "/nope", "/report", "/style.css",
                             "/api/report?url=x", "/reports?year=abc"}) {
    HttpReply reply = HttpGet(server->port(), target);
    EXPECT_NE(reply.status, 0) << target;
    EXPECT_EQ(reply.headers["content-security-policy"], "default-src 'self'") << target;
    EXPECT_EQ(reply.headers["x-content-type-options"], "nosniff") << target;
    EXPECT_EQ(reply.headers["x-frame-options"], "DENY") << target;
  }
  EXPECT_EQ(HttpGet(server->port(), "/nope").status, 404);
  EXPECT_EQ(HttpGet(server->port(), "/reports?year=abc").status, 400);
  EXPECT_EQ(HttpGet(server->port(), "/report").status, 400);
  EXPECT_EQ(HttpGet(server->port(), "/report?url=" + Q("https://unknown.example/")).status, 404);
  HttpReply api = HttpGet(server->port(), "/api/report?url=x");
  EXPECT_EQ(api.status, 404);
  EXPECT_TRUE(nlohmann::json::parse(api.body).contains("error"));
}

TEST_F(WebView, StoredDocumentIsAnAttachmentWithItsSniffedType) {
  Fixture& f = *fixture_;
  auto server = f.Serve();
  HttpReply doc = HttpGet(server->port(), "/document?sha256=" + f.document_sha);
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(doc.body, ReadFile(testing::CorpusDir() + "/pingtan-2024.html"));
  EXPECT_EQ(doc.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(doc.headers["content-disposition"],
            "attachment; filename=\"" + f.document_sha + ".html\"");
  EXPECT_EQ(doc.headers["content-security-policy"], "sandbox; default-src 'none'");
  EXPECT_EQ(doc.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(HttpGet(server->port(), "/document?sha256=" + std::string(64, 'a')).status, 404);
  EXPECT_EQ(HttpGet(server->port(), "/document?sha256=../../../../etc/passwd").status, 400);
}

TEST_F(WebView, PathsCannotTraverse) {
  Fixture& f = *fixture_;
  auto server = f.Serve();
  for (std::string target :
       {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/style.css/../../etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd", "/api/../../etc/passwd", "/api/%2e%2e%2f%2e%2e%2fetc",
        "//etc/passwd", "/document/../../etc/passwd", "/report/../../../etc/shadow",
        "/document?sha256=%2e%2e%2f%2e%2e%2fetc%2fpasswd"}) {
    HttpReply reply = HttpGet(server->port(), target);
    EXPECT_TRUE(reply.status == 404 || reply.status == 400) << target << " → " << reply.status;
    EXPECT_EQ(reply.body.find("root:"), std::string::npos) << target;
  }
}

TEST_F(WebView, OversizedAndBodyCarryingRequestsAreRefused) {
  Fixture& f = *fixture_;
  auto server = f.Serve();
  HttpReply huge_header =
      HttpGet(server->port(), "/", "X-Padding: " + std::string(200 * 1024, 'a') + "\r\n");
  EXPECT_TRUE(huge_header.status == 0 || huge_header.status >= 400) << huge_header.status;
  EXPECT_NE(huge_header.status, 200);
  HttpReply huge_target = HttpGet(server->port(), "/reports?body=" + std::string(100000, 'x'));
  EXPECT_TRUE(huge_target.status == 0 || huge_target.status >= 400);
  EXPECT_NE(huge_target.status, 200);
  std::string body(1 << 20, 'x');
  HttpReply post = HttpRaw(server->port(), "POST /reports HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                               std::to_string(body.size()) +
                                               "\r\nConnection: close\r\n\r\n" + body);
  EXPECT_TRUE(post.status == 413 || post.status == 405) << post.status;
  HttpReply get_body = HttpRaw(server->port(),
                               "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                               "Connection: close\r\n\r\nhello");
  EXPECT_EQ(get_body.status, 413);
  HttpReply del = HttpRaw(server->port(),
                          "DELETE /report HTTP/1.1\r\nHost: x\r\nConnection: "
                          "close\r\n\r\n");
  EXPECT_EQ(del.status, 405);
  EXPECT_EQ(del.headers["allow"], "GET, HEAD");
  EXPECT_EQ(HttpGet(server->port(), "/").status, 200);  // still serving
}

TEST_F(WebView, NonLoopbackWithoutTokenIsRefusedAtStart) {
  Fixture& f = *fixture_;
  web::WebOptions options;
  options.database = f.db;
  options.rules = f.rules;
  for (std::string listen : {"0.0.0.0:0", "192.0.2.1:8047", "[::]:0"}) {
    options.listen = listen;
    try {
      web::WebServer::Start(options);
      ADD_FAILURE() << listen << " was served without a token";
    } catch (const web::WebError& e) {
      EXPECT_NE(std::string(e.what()).find("token"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(web::ParseListen("example.com:80"), web::WebError);
  EXPECT_THROW(web::ParseListen("127.0.0.1"), web::WebError);
  EXPECT_THROW(web::ParseListen("127.0.0.1:70000"), web::WebError);
  EXPECT_TRUE(web::ParseListen("[::1]:8047").loopback);
  EXPECT_TRUE(web::ParseListen("localhost:8047").loopback);
  EXPECT_FALSE(web::ParseListen("10.0.0.1:8047").loopback);
  // The command says so and exits 2; the config is refused with its line.
  pid_t child = fork();
  if (child == 0) {
    int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, 1);
    ::dup2(null_fd, 2);
    std::string binary = testing::NianbaoBinary();
    ::execl(binary.c_str(), binary.c_str(), "web", "--db", f.db.c_str(), "--listen", "0.0.0.0:0",
            nullptr);
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2);
  try {
    ParseConfig("database = \"x.db\"\n[web]\nlisten = \"0.0.0.0:8047\"\n", "/etc/n.toml");
    ADD_FAILURE() << "a non-loopback [web] listen without a token was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/etc/n.toml:3:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("token"), std::string::npos) << e.what();
  }
  Config ok = ParseConfig("[web]\nlisten = \"0.0.0.0:8047\"\ntoken = \"s3cret\"\n", "n.toml");
  EXPECT_EQ(ok.web.listen, "0.0.0.0:8047");
  EXPECT_EQ(ok.web.token, "s3cret");
  EXPECT_THROW(ParseConfig("[web]\nlisten = \"127.0.0.1:8047\"\nport = 1\n", "n.toml"),
               ConfigError);
}

TEST_F(WebView, TokenIsRequiredAndAWrongOneRefused) {
  Fixture& f = *fixture_;
  auto server = f.Serve("right-token");
  int port = server->port();
  EXPECT_EQ(HttpGet(port, "/").status, 401);
  EXPECT_EQ(HttpGet(port, "/api/reports").status, 401);
  EXPECT_EQ(HttpGet(port, "/document?sha256=" + f.document_sha).status, 401);
  EXPECT_EQ(HttpGet(port, "/", "Authorization: Bearer wrong-token\r\n").status, 401);
  EXPECT_EQ(HttpGet(port, "/", "Authorization: Bearer right-tokenX\r\n").status, 401);
  EXPECT_EQ(HttpGet(port, "/", "Cookie: nianbao_token=wrong\r\n").status, 401);
  EXPECT_EQ(HttpGet(port, "/login?token=wrong").status, 401);
  EXPECT_EQ(HttpGet(port, "/", "Authorization: Bearer right-token\r\n").status, 200);
  HttpReply login = HttpGet(port, "/login?token=right-token");
  EXPECT_EQ(login.status, 303);
  EXPECT_EQ(login.headers["set-cookie"],
            "nianbao_token=right-token; Path=/; HttpOnly; SameSite=Strict");
  EXPECT_EQ(HttpGet(port, "/api/reports", "Cookie: a=b; nianbao_token=right-token\r\n").status,
            200);
}

TEST_F(WebView, ConnectionsAreCappedAndIdleOnesClosed) {
  Fixture& f = *fixture_;
  auto server = f.Serve("", 1, 2, 1);
  auto connect_idle = [&] {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(server->port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    return fd;
  };
  // Closed by the server within `ms`: the read sees EOF (or a reset).
  auto closed_within = [](int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, ms) <= 0) return false;
    char c;
    return ::recv(fd, &c, 1, 0) <= 0;
  };
  int a = connect_idle(), b = connect_idle();
  ::usleep(200 * 1000);
  int c = connect_idle();
  EXPECT_TRUE(closed_within(c, 3000)) << "a third connection was kept beyond the cap of 2";
  EXPECT_TRUE(closed_within(a, 5000)) << "an idle connection outlived the 1 s timeout";
  EXPECT_TRUE(closed_within(b, 5000));
  for (int fd : {a, b, c}) ::close(fd);
  EXPECT_EQ(HttpGet(server->port(), "/").status, 200);
}

TEST_F(WebView, ListsFilterPageAndDownloadAsCsv) {
  Fixture& f = *fixture_;
  auto server = f.Serve();
  int port = server->port();
  HttpReply all = HttpGet(port, "/reports");
  ASSERT_EQ(all.status, 200);
  EXPECT_NE(all.body.find("<span id=\"matching\">2</span>"), std::string::npos);
  HttpReply failed = HttpGet(port, "/reports?failed=1");
  EXPECT_NE(failed.body.find("<span id=\"matching\">1</span>"), std::string::npos);
  HttpReply none = HttpGet(port, "/reports?year=1999");
  EXPECT_NE(none.body.find("<span id=\"matching\">0</span>"), std::string::npos);
  HttpReply body = HttpGet(port, "/reports?body=" + Q("onerror"));
  EXPECT_NE(body.body.find("<span id=\"matching\">1</span>"), std::string::npos);
  HttpReply csv = HttpGet(port, "/reports?format=csv");
  EXPECT_EQ(csv.headers["content-type"], "text/csv; charset=utf-8");
  EXPECT_EQ(csv.headers["content-disposition"], "attachment; filename=\"reports.csv\"");
  EXPECT_EQ(Count(csv.body, "\n"), 3);
  EXPECT_EQ(csv.body.rfind("url,version,fetched_at,template,year,issuer,title", 0), 0u);
  EXPECT_EQ(HttpGet(port, "/reports?format=xml").status, 400);
  HttpReply errors = HttpGet(port, "/errors?days=3650");
  EXPECT_NE(errors.body.find("<span id=\"error-urls\">2</span>"), std::string::npos);
  EXPECT_NE(errors.body.find("http_404"), std::string::npos);
  HttpReply errors_csv = HttpGet(port, "/errors?days=3650&kind=timeout&format=csv");
  EXPECT_EQ(errors_csv.body,
            "url,kind,status,attempts,last_attempt\nhttps://down.example.gov.cn/list/,timeout,0,"
            "1,2025-03-13T21:06:40Z\n");
  HttpReply overview = HttpGet(port, "/");
  EXPECT_NE(overview.body.find("<span id=\"total-reports\">2</span>"), std::string::npos);
  HttpReply coverage = HttpGet(port, "/coverage?year=2024&format=csv");
  EXPECT_EQ(coverage.status, 200);
  EXPECT_EQ(coverage.body.rfind("body,province,level,status,url,published,deadline", 0), 0u);
}

TEST_F(WebView, ApiGivesTheSameDataAsJson) {
  Fixture& f = *fixture_;
  auto server = f.Serve();
  int port = server->port();
  auto get = [&](const std::string& target) {
    HttpReply reply = HttpGet(port, target);
    EXPECT_EQ(reply.status, 200) << target << ": " << reply.body;
    EXPECT_EQ(reply.headers["content-type"], "application/json");
    return nlohmann::json::parse(reply.body);
  };
  nlohmann::json reports = get("/api/reports?limit=1");
  EXPECT_EQ(reports["total"], 2);
  EXPECT_EQ(reports["reports"].size(), 1u);
  nlohmann::json report = get("/api/report?version=1&url=" + Q(kReport));
  EXPECT_EQ(report["version"], 1);
  for (const auto& [field, value] : f.v1.fields) {
    EXPECT_EQ(report["fields"][field], ValueToJson(value)) << field;
  }
  EXPECT_EQ(report["source"]["sha256"], f.document_sha);
  nlohmann::json versions = get("/api/versions?url=" + Q(kReport));
  EXPECT_EQ(versions["versions"].size(), 2u);
  nlohmann::json diff = get("/api/diff?url=" + Q(kReport));
  ASSERT_EQ(diff["fields"].size(), 1u);
  EXPECT_EQ(diff["fields"][0]["field"], f.changed);
  nlohmann::json errors = get("/api/errors?days=3650");
  EXPECT_EQ(errors["errors"].size(), 2u);
  nlohmann::json overview = get("/api/overview");
  EXPECT_EQ(overview["reports"], 2);
  EXPECT_EQ(overview["versions"], 3);
  nlohmann::json coverage = get("/api/coverage?year=2024");
  EXPECT_EQ(coverage["year"], 2024);
  EXPECT_FALSE(coverage["bodies"].empty());
}

TEST(WebCoverage, BodiesSeenAreOnTimeLateOrMissing) {
  testing::TempDir dir;
  std::string db = dir.File("coverage.db");
  {
    auto store = Store::Open(db);
    auto save = [&](const std::string& url, const std::string& issuer, int year,
                    const std::string& published) {
      Extraction e;
      e.template_id = "v2021";
      e.year = year;
      e.issuer = issuer;
      e.published = published;
      e.fields.emplace_back("requests.new.total", 1.0);
      store->SaveExtraction(url, Fetch(*store, url, 1741600000), e, url);
    };
    save("https://a.example/2023", "某市交通运输局", 2023, "2024-01-20");  // department, on time
    save("https://b.example/2023", "某县人民政府", 2023, "2024-04-10");    // government, late
    save("https://c.example/2022", "某市教育局", 2022, "2023-01-10");      // missing in 2023
  }
  auto browser = Browser::Open(db);
  web::SeenBodiesCoverage coverage(*browser);
  std::vector<web::CoverageRow> rows = coverage.Rows({2023, "", ""});
  ASSERT_EQ(rows.size(), 3u);
  std::map<std::string, web::CoverageRow> by_body;
  for (const auto& row : rows) by_body[row.body] = row;
  EXPECT_EQ(by_body["某市交通运输局"].status, "on_time");
  EXPECT_EQ(by_body["某市交通运输局"].deadline, "2024-01-31");
  EXPECT_EQ(by_body["某县人民政府"].status, "late");
  EXPECT_EQ(by_body["某县人民政府"].deadline, "2024-03-31");
  EXPECT_EQ(by_body["某县人民政府"].level, "government");
  EXPECT_EQ(by_body["某市教育局"].status, "missing");
  EXPECT_EQ(by_body["某市教育局"].url, "");
  EXPECT_EQ(coverage.Rows({2023, "", "government"}).size(), 1u);
}

TEST(WebHtml, EscapingAndNumbers) {
  EXPECT_EQ(web::Html("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(web::Html(std::string("a\xff"
                                  "b")),
            "a\xEF\xBF\xBD"
            "b");
  // What the decoder and the JSON writer refuse is shown as U+FFFD too: a surrogate, an overlong
  // form, a code point past U+10FFFF, a truncated sequence.
  for (std::string bad : {"\xED\xA0\x80", "\xE0\x80\xAF", "\xF4\x90\x80\x80", "\xE5\xB9"}) {
    std::string html = web::Html("a" + bad + "b");
    EXPECT_EQ(html.substr(0, 4), "a\xEF\xBF\xBD") << web::QueryEscape(bad);
    EXPECT_EQ(html.find(bad), std::string::npos) << web::QueryEscape(bad);
  }
  EXPECT_EQ(web::Html("平潭"), "平潭");
  EXPECT_EQ(web::QueryUnescape(web::QueryEscape("a b&c=d/平潭")), "a b&c=d/平潭");
  EXPECT_EQ(web::NumberText(12), "12");
  EXPECT_EQ(web::NumberText(0.5), "0.5");
}

}  // namespace
}  // namespace nianbao
