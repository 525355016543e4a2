// The crawler end to end against a site served by the in-process HTTP server: a paginated list of
// 25 reports (UTF-8 and GBK pages, the three templates), robots.txt with a disallowed path and a
// Crawl-delay, attachments, and every failure the crawler must survive. The assertions are on the
// exact requests the server saw, the fetches and snapshots in the database, and the summary.
// The GBK pages are made by re-encoding the UTF-8 ones with iconv (no real GBK page is at hand).
#include "crawler/crawler.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "extract/map/rules.h"
#include "store/store.h"
#include "tests/support/http_server.h"
#include "tests/support/paths.h"
#include "tests/support/report_pages.h"

namespace nianbao {
namespace {

using testing::HttpRequest;
using testing::HttpResponse;
using testing::HttpServer;
using testing::ListLink;
using testing::ListPageHtml;
using testing::ReportPageHtml;
using testing::Respond;

constexpr double kCrawlDelay = 0.2;  // robots.txt Crawl-delay; the configured delay is shorter

std::string TempDir() {
  static std::atomic<int> counter{0};
  auto dir =
      std::filesystem::temp_directory_path() /
      ("nianbao-crawler-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

HttpResponse Html(const std::string& body,
                  const std::string& content_type = "text/html; charset=utf-8") {
  return Respond(200, body, {{"Content-Type", content_type}});
}

const char* TemplateFor(int i) {
  static const char* kTemplates[] = {"v2021", "v2019", "legacy"};
  return kTemplates[i % 3];
}

int YearFor(int i) {
  std::string t = TemplateFor(i);
  return t == "v2021" ? 2021 + i % 4 : t == "v2019" ? 2019 + i % 2 : 2008 + i % 10;
}

std::string ReportTitle(int i) {
  return "某某县人民政府" + std::to_string(YearFor(i)) + "年政府信息公开工作年度报告（" +
         std::to_string(i) + "）";
}

// The paths of the special pages on the third list page, each linked as a report.
const std::vector<std::string> kSpecial = {"flaky", "limited", "slow", "loop1", "tofile",
                                           "toftp", "endless", "bomb", "etag"};

// Serves the whole site on `server`. Reports r1..r25: r11..r20 are GBK (r11, r13, … say so only in
// <meta>, the others also in Content-Type).
void ServeSite(HttpServer& server) {
  server.Serve("/robots.txt", Respond(200, "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.2\n",
                                      {{"Content-Type", "text/plain"}}));
  for (int i = 1; i <= 25; ++i) {
    std::string path = "/col/r" + std::to_string(i) + ".html";
    std::string attachment = i == 2 ? "/files/r2.pdf" : "";
    if (i >= 11 && i <= 20) {
      std::string body =
          testing::ToGbk(ReportPageHtml(TemplateFor(i), YearFor(i), i, "gbk", attachment));
      server.Serve(path, Html(body, i % 2 ? "text/html" : "text/html; charset=GBK"));
    } else {
      server.Serve(path, Html(ReportPageHtml(TemplateFor(i), YearFor(i), i, "utf-8", attachment)));
    }
  }
  auto links = [](int from, int to) {
    std::vector<ListLink> out;
    for (int i = from; i <= to; ++i)
      out.push_back({std::string("r").append(std::to_string(i)).append(".html"), ReportTitle(i)});
    return out;
  };
  std::vector<ListLink> first = links(1, 10);
  first.push_back({"/private/r99.html", "2020年度报告（内部）"});
  first.push_back({"/files/guide.pdf", "2020年报全文.pdf"});
  server.Serve("/col/index.html",
               Html(ListPageHtml(first,
                                 "<div><a href=\"index_1.html\">下一页</a></div>\n"
                                 "<script>createPageHTML(3, 0, \"index\", \"html\");</script>\n")));
  server.Serve("/col/index_1.html",
               Html(testing::ToGbk(ListPageHtml(links(11, 20),
                                                "<a href=\"index.html\">上一页</a> "
                                                "<a href=\"index_2.html\">下一页</a>",
                                                "gbk")),
                    "text/html"));
  std::vector<ListLink> third = links(21, 25);
  for (const std::string& name : kSpecial)
    third.push_back({name + ".html", "2023年度报告（" + name + "）"});
  server.Serve("/col/index_2.html", Html(ListPageHtml(third)));

  server.Serve("/private/r99.html", Html(ReportPageHtml("v2021", 2022, 99)));
  server.Serve("/files/guide.pdf",
               Respond(200, "%PDF-1.4 guide", {{"Content-Type", "application/pdf"}}));
  server.Serve("/files/r2.pdf", Respond(200, "%PDF-1.4 r2", {{"Content-Type", "application/pdf"}}));

  auto flaky_calls = std::make_shared<std::atomic<int>>(0);
  server.Handle("/col/flaky.html", [flaky_calls](const HttpRequest&) {
    return (*flaky_calls)++ == 0 ? Respond(503, "busy") : Html(ReportPageHtml("v2021", 2023, 101));
  });
  auto limited_calls = std::make_shared<std::atomic<int>>(0);
  server.Handle("/col/limited.html", [limited_calls](const HttpRequest&) {
    return (*limited_calls)++ == 0 ? Respond(429, "slow down", {{"Retry-After", "1"}})
                                   : Html(ReportPageHtml("v2019", 2020, 102));
  });
  HttpResponse never = Respond(200);
  never.never_answer = true;
  server.Serve("/col/slow.html", never);
  server.Serve("/col/loop1.html", Respond(302, "", {{"Location", "loop2.html"}}));
  server.Serve("/col/loop2.html", Respond(302, "", {{"Location", "/col/loop1.html"}}));
  server.Serve("/col/tofile.html", Respond(302, "", {{"Location", "file:///etc/passwd"}}));
  server.Serve("/col/toftp.html", Respond(301, "", {{"Location", "ftp://127.0.0.1/report.pdf"}}));
  HttpResponse endless = Respond(200, "", {{"Content-Type", "text/html"}});
  endless.endless_body = true;
  server.Serve("/col/endless.html", endless);
  server.Serve("/col/bomb.html",
               Respond(200, testing::GzipOfZeros(64 << 20),
                       {{"Content-Type", "text/html"}, {"Content-Encoding", "gzip"}}));
  server.Handle("/col/etag.html", [](const HttpRequest& request) {
    if (request.Header("if-none-match") == "\"e1\"") return Respond(304, "", {{"ETag", "\"e1\""}});
    HttpResponse page = Html(ReportPageHtml("v2021", 2024, 103));
    page.headers.emplace_back("ETag", "\"e1\"");
    page.headers.emplace_back("Last-Modified", "Tue, 01 Apr 2025 00:00:00 GMT");
    return page;
  });
}

CrawlOptions TestOptions() {
  CrawlOptions options;
  options.user_agent = "nianbao/test (+https://example.org/nianbao)";
  options.delay_seconds = 0.05;  // robots.txt asks for more
  options.connect_timeout_seconds = 2;
  options.total_timeout_seconds = 1;
  options.max_body_bytes = 1 << 20;
  options.retry_base_seconds = 0.05;
  options.max_retry_after_seconds = 5;
  options.max_pages = 1000;
  options.allow_private_addresses = true;  // the test sites are on 127.0.0.1
  return options;
}

struct FetchRow {
  std::string url;
  int status;
  std::string error;
  std::string redirects;
};

std::vector<FetchRow> Fetches(const std::string& db_path) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  SQLite::Statement query(db,
                          "SELECT s.url, f.status, f.error, f.redirects FROM fetches f "
                          "JOIN sources s ON s.id = f.source_id ORDER BY f.id");
  std::vector<FetchRow> rows;
  while (query.executeStep()) {
    rows.push_back({query.getColumn(0).getString(), query.getColumn(1).getInt(),
                    query.getColumn(2).getString(), query.getColumn(3).getString()});
  }
  return rows;
}

std::map<std::string, int> RequestsByPath(const HttpServer& server) {
  std::map<std::string, int> counts;
  for (const HttpRequest& request : server.Requests()) ++counts[request.path];
  return counts;
}

class CrawlerTest : public ::testing::Test {
 protected:
  void SetUp() override { ServeSite(server_); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Url(const std::string& path) const { return server_.Url(path); }

  HttpServer server_;
  std::string dir_ = TempDir();
  std::string db_path_ = dir_ + "/nianbao.db";
  std::shared_ptr<const RuleSet> rules_ = RuleSet::LoadEmbedded();
};

TEST_F(CrawlerTest, CrawlsTheWholeSitePolitely) {
  std::unique_ptr<Store> store = Store::Open(db_path_);
  Crawler crawler(*store, rules_, TestOptions());
  std::atomic<bool> stop{false};
  int progress_calls = 0;
  CrawlSummary summary = crawler.Crawl({Url("/col/index.html")}, stop,
                                       [&](const CrawlProgress&) { ++progress_calls; });

  // What the server saw.
  std::map<std::string, int> expected_requests = {
      {"/robots.txt", 1},
      {"/col/index.html", 1},
      {"/col/index_1.html", 1},
      {"/col/index_2.html", 1},
      {"/files/guide.pdf", 1},
      {"/files/r2.pdf", 1},
      {"/col/flaky.html", 2},    // 503, then 200
      {"/col/limited.html", 2},  // 429 Retry-After: 1, then 200
      {"/col/slow.html", 3},     // timeout, three tries
      {"/col/loop1.html", 3},
      {"/col/loop2.html", 3},  // the request and 5 redirects, then given
                               // up
      {"/col/tofile.html", 1},
      {"/col/toftp.html", 1},
      {"/col/endless.html", 1},
      {"/col/bomb.html", 1},
      {"/col/etag.html", 1},
  };
  for (int i = 1; i <= 25; ++i) expected_requests["/col/r" + std::to_string(i) + ".html"] = 1;
  EXPECT_EQ(RequestsByPath(server_), expected_requests);  // and so nothing under /private/

  // Politeness: one host, so every request starts at least the Crawl-delay after the previous one.
  std::vector<HttpRequest> log = server_.Requests();
  for (size_t i = 1; i < log.size(); ++i) {
    double gap = std::chrono::duration<double>(log[i].received - log[i - 1].received).count();
    EXPECT_GE(gap, kCrawlDelay) << log[i - 1].path << " → " << log[i].path;
    if (log[i].path == "/col/limited.html" && log[i - 1].path == "/col/limited.html") {
      EXPECT_GE(gap, 1.0) << "Retry-After: 1 not honoured";
    }
    EXPECT_EQ(log[i].Header("user-agent"), "nianbao/test (+https://example.org/nianbao)");
  }

  // What the database holds: one fetch per attempt.
  std::map<std::string, std::vector<std::string>> fetches;  // path → "status error" per attempt
  for (const FetchRow& row : Fetches(db_path_)) {
    std::string path = row.url.substr(Url("").size());
    fetches[path].push_back(std::to_string(row.status) + " " + row.error);
    if (path == "/col/loop1.html") {
      EXPECT_EQ(row.redirects, "[\"" + Url("/col/loop2.html") + "\",\"" + Url("/col/loop1.html") +
                                   "\",\"" + Url("/col/loop2.html") + "\",\"" +
                                   Url("/col/loop1.html") + "\",\"" + Url("/col/loop2.html") +
                                   "\"]");
    }
  }
  std::map<std::string, std::vector<std::string>> expected_fetches = {
      {"/col/index.html", {"200 "}},
      {"/col/index_1.html", {"200 "}},
      {"/col/index_2.html", {"200 "}},
      {"/files/guide.pdf", {"200 "}},
      {"/files/r2.pdf", {"200 "}},
      {"/col/flaky.html", {"503 http_503", "200 "}},
      {"/col/limited.html", {"429 http_429", "200 "}},
      {"/col/slow.html", {"0 timeout_first_byte", "0 timeout_first_byte", "0 timeout_first_byte"}},
      {"/col/loop1.html", {"302 too_many_redirects"}},
      {"/col/tofile.html", {"302 redirect_scheme"}},
      {"/col/toftp.html", {"301 redirect_scheme"}},
      {"/col/endless.html", {"200 too_large"}},
      {"/col/bomb.html", {"200 too_large"}},
      {"/col/etag.html", {"200 "}},
  };
  for (int i = 1; i <= 25; ++i) expected_fetches["/col/r" + std::to_string(i) + ".html"] = {"200 "};
  EXPECT_EQ(fetches, expected_fetches);

  // 25 reports + flaky + limited + etag, one version each, with the right templates.
  StoreStatus status = store->Status(std::time(nullptr));
  EXPECT_EQ(status.reports, 28);
  EXPECT_EQ(status.versions, 28);
  EXPECT_EQ(status.pending, 0);
  for (int i = 1; i <= 25; ++i) {
    StoredExtraction stored = store->Show(Url("/col/r" + std::to_string(i) + ".html"));
    EXPECT_EQ(stored.extraction.template_id, TemplateFor(i)) << "r" << i;
    EXPECT_EQ(stored.extraction.year, YearFor(i)) << "r" << i;
  }
  {
    SQLite::Database db(db_path_, SQLite::OPEN_READONLY);
    SQLite::Statement links(db,
                            "SELECT r.url, a.url FROM attachments x JOIN sources r ON r.id = "
                            "x.report_source_id JOIN sources a ON a.id = x.attachment_source_id "
                            "ORDER BY a.url");
    std::vector<std::pair<std::string, std::string>> found;
    while (links.executeStep())
      found.emplace_back(links.getColumn(0).getString(), links.getColumn(1).getString());
    EXPECT_EQ(found, (std::vector<std::pair<std::string, std::string>>{
                         {Url("/col/index.html"), Url("/files/guide.pdf")},
                         {Url("/col/r2.html"), Url("/files/r2.pdf")}}));
  }

  EXPECT_EQ(summary.fetched, 43);
  EXPECT_EQ(summary.new_versions, 28);
  EXPECT_EQ(summary.unchanged, 0);
  EXPECT_EQ(summary.not_modified, 0);
  EXPECT_EQ(summary.documents, 5);  // 3 list pages, 2 attachments
  EXPECT_EQ(summary.retries, 4);
  EXPECT_EQ(summary.errors, (std::map<std::string, int64_t>{{"robots", 1},
                                                            {"timeout_first_byte", 1},
                                                            {"too_many_redirects", 1},
                                                            {"redirect_scheme", 2},
                                                            {"too_large", 2}}));
  EXPECT_FALSE(summary.stopped);
  EXPECT_GT(progress_calls, 0);
}

TEST_F(CrawlerTest, SecondFetchIsConditionalAndA304CostsNoVersion) {
  std::unique_ptr<Store> store = Store::Open(db_path_);
  Crawler crawler(*store, rules_, TestOptions());
  FetchOneResult first = crawler.FetchOne(Url("/col/etag.html"));
  EXPECT_EQ(first.kind, "report");
  ASSERT_TRUE(first.snapshot);
  EXPECT_TRUE(first.snapshot->new_version);
  FetchOneResult second = crawler.FetchOne(Url("/col/etag.html"));
  EXPECT_EQ(second.kind, "not_modified");
  EXPECT_FALSE(second.extraction);
  EXPECT_EQ(second.fetch.status, 304);
  std::vector<HttpRequest> requests = server_.Requests();
  ASSERT_EQ(requests.size(), 3u);  // robots.txt once, the page twice
  EXPECT_EQ(requests[1].Header("if-none-match"), "");
  EXPECT_EQ(requests[2].Header("if-none-match"), "\"e1\"");
  EXPECT_EQ(requests[2].Header("if-modified-since"), "Tue, 01 Apr 2025 00:00:00 GMT");
  std::vector<FetchRow> rows = Fetches(db_path_);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].status, 200);
  EXPECT_EQ(rows[1].status, 304);
  EXPECT_EQ(store->History(Url("/col/etag.html")).size(), 1u);
}

TEST_F(CrawlerTest, FetchOneOfAListPageGivesItsLinks) {
  std::unique_ptr<Store> store = Store::Open(db_path_);
  Crawler crawler(*store, rules_, TestOptions());
  FetchOneResult result = crawler.FetchOne(Url("/col/index_1.html"));  // GBK, no charset header
  EXPECT_EQ(result.kind, "list");
  std::vector<std::string> expected;
  for (int i = 11; i <= 20; ++i) expected.push_back(Url("/col/r" + std::to_string(i) + ".html"));
  EXPECT_EQ(result.report_links, expected);
  EXPECT_EQ(result.page_links, (std::vector<std::string>{Url("/col/index_2.html")}));
  EXPECT_EQ(store->Status(std::time(nullptr)).documents, 1);
  EXPECT_EQ(store->PendingCount(), 0);  // FetchOne leaves the frontier alone
}

TEST_F(CrawlerTest, RobotsTxtErrors) {
  HttpServer broken;
  broken.Serve("/robots.txt", Respond(500, "oops"));
  broken.Serve("/r.html", Html(ReportPageHtml("v2021", 2022, 1)));
  HttpServer missing;
  missing.Serve("/r.html", Html(ReportPageHtml("v2021", 2022, 1)));
  std::unique_ptr<Store> store = Store::Open(db_path_);
  Crawler crawler(*store, rules_, TestOptions());
  FetchOneResult refused = crawler.FetchOne(broken.Url("/r.html"));
  EXPECT_EQ(refused.kind, "error");
  EXPECT_EQ(refused.fetch.error, "robots_unavailable");
  EXPECT_EQ(broken.RequestCount("/robots.txt"), 3u);  // a 5xx is retried, then means "disallow"
  EXPECT_EQ(broken.RequestCount("/r.html"), 0u);
  FetchOneResult allowed = crawler.FetchOne(missing.Url("/r.html"));  // robots.txt 404: allow all
  EXPECT_EQ(allowed.kind, "report");
  EXPECT_EQ(missing.RequestCount("/robots.txt"), 1u);
  EXPECT_EQ(Fetches(db_path_).size(), 1u);  // robots.txt fetches are not recorded
}

TEST_F(CrawlerTest, StopAbandonsInFlightTransfersPromptly) {
  HttpServer hanging;
  HttpResponse never = Respond(200);
  never.never_answer = true;
  hanging.Serve("/list.html", never);
  std::unique_ptr<Store> store = Store::Open(db_path_);
  CrawlOptions options = TestOptions();
  options.total_timeout_seconds = 60;
  Crawler crawler(*store, rules_, options);
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    while (hanging.RequestCount("/list.html") == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    stop = true;
  });
  auto start = std::chrono::steady_clock::now();
  CrawlSummary summary = crawler.Crawl({hanging.Url("/list.html")}, stop);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stopper.join();
  EXPECT_TRUE(summary.stopped);
  EXPECT_LT(seconds, 3.0);
  EXPECT_EQ(summary.fetched, 0);
  EXPECT_EQ(store->PendingCount(), 1);  // the seed waits for the next crawl
  EXPECT_TRUE(Fetches(db_path_).empty());
}

// How many frontier entries whose URL ends in `suffix` the database holds as done, read through a
// connection of its own (a second reader of the crawl's WAL database).
int64_t DoneEntries(const std::string& db_path, const std::string& suffix = "") {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  SQLite::Statement query(db, "SELECT count(*) FROM frontier WHERE done = 1 AND url LIKE ?");
  query.bind(1, "%" + suffix);
  query.executeStep();
  return query.getColumn(0).getInt64();
}

// A plain-text report body of `bytes`: table rows that take a few hundred ms to analyse.
std::string BigTextPage(size_t bytes) {
  std::string text;
  while (text.size() < bytes) text += "第" + std::to_string(text.size()) + "项  统计  1  2  3\n";
  return text;
}

// Bodies held past max_buffered_bytes stop new transfers: a fetched page waiting for (or under)
// analysis keeps the next one unrequested until it is stored. (The count of bodies alone would let
// the next transfer start at once: one is analysing, and 2 × threads + 2 may.)
TEST_F(CrawlerTest, BodiesUnderAnalysisPastTheByteCapHoldBackTheNextTransfer) {
  HttpServer site;
  const int kPages = 3;
  std::vector<int64_t> stored_before_request(kPages + 1, -1);
  for (int i = 1; i <= kPages; ++i) {
    std::string body = BigTextPage(4u << 20);
    site.Handle("/p" + std::to_string(i) + ".txt", [&, i, body](const HttpRequest&) {
      stored_before_request[i] = DoneEntries(db_path_, ".txt");
      return Html(body, "text/plain; charset=utf-8");
    });
  }
  std::unique_ptr<Store> store = Store::Open(db_path_);
  CrawlOptions options = TestOptions();
  options.delay_seconds = 0;
  options.max_body_bytes = 8 << 20;
  options.max_buffered_bytes = 1 << 20;  // less than one body
  options.analysis_threads = 2;
  options.total_timeout_seconds = 30;
  Crawler crawler(*store, rules_, options);
  std::atomic<bool> stop{false};
  std::vector<std::string> seeds;
  for (int i = 1; i <= kPages; ++i) seeds.push_back(site.Url("/p" + std::to_string(i) + ".txt"));
  CrawlSummary summary = crawler.Crawl(seeds, stop);
  EXPECT_EQ(summary.fetched, kPages);
  // Requested in seed order (one host, one connection), each only once the one before is stored.
  for (int i = 1; i <= kPages; ++i) EXPECT_EQ(stored_before_request[i], i - 1) << "page " << i;
}

// The bytes of transfers still in flight count too: a transfer that has received more than the
// cap (and then stalls) keeps a page found meanwhile on another host unrequested until it ends.
// The first round of transfers starts at 0 bytes, so the bound is the cap plus one round's bodies.
TEST_F(CrawlerTest, BytesOfATransferInFlightPastTheByteCapHoldBackNewTransfers) {
  HttpServer site(HttpServer::kAnyLoopback);
  HttpResponse stalls;  // 2 MiB of a 10 MiB body, then silence until the total timeout
  stalls.raw =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Length: 10485760\r\n\r\n" +
      std::string(2u << 20, 'x');
  stalls.hang_after_raw = true;
  site.Serve("/stalls.txt", stalls);
  const std::string other = site.OriginOn("127.0.0.2");
  HttpResponse list =
      Html(ListPageHtml({ListLink{other + "/r1.html", "2023年政府信息公开工作年度报告"}}));
  list.delay_seconds = 1.0;  // the stalled transfer holds its 2 MiB well before the link is found
  site.Serve("/list.html", list);
  int64_t stalled_done_at_request = -1;
  site.Handle("/r1.html", [&](const HttpRequest&) {
    stalled_done_at_request = DoneEntries(db_path_, "/stalls.txt");
    return Html(ReportPageHtml("v2021", 2023, 1));
  });
  std::unique_ptr<Store> store = Store::Open(db_path_);
  CrawlOptions options = TestOptions();
  options.delay_seconds = 0;
  options.max_body_bytes = 16 << 20;
  options.max_buffered_bytes = 1 << 20;
  options.max_tries = 1;
  options.total_timeout_seconds = 3;
  Crawler crawler(*store, rules_, options);
  std::atomic<bool> stop{false};
  CrawlSummary summary =
      crawler.Crawl({site.OriginOn("127.0.0.1") + "/stalls.txt", other + "/list.html"}, stop);
  EXPECT_EQ(site.RequestCount("/r1.html"), 1u);
  EXPECT_EQ(stalled_done_at_request, 1) << "the report was requested while 2 MiB were in flight";
  EXPECT_EQ(summary.new_versions, 1);
}

// The real binary, killed with SIGKILL after some requests, then run again: every URL is fetched,
// no finished URL again, and only the one in flight at the kill (if any) twice.
TEST_F(CrawlerTest, KilledCrawlResumesWithoutRefetching) {
  HttpServer site;
  std::vector<ListLink> links;
  for (int i = 1; i <= 30; ++i) {
    links.push_back({std::string("k").append(std::to_string(i)).append(".html"), ReportTitle(i)});
    site.Serve("/k" + std::to_string(i) + ".html",
               Html(ReportPageHtml(TemplateFor(i), YearFor(i), i)));
  }
  site.Serve("/list.html", Html(ListPageHtml(links)));
  auto run = [&](bool kill_early) {
    size_t before = site.RequestCount();
    pid_t child = ::fork();
    if (child == 0) {
      std::string binary = testing::NianbaoBinary();
      std::string db = "--db=" + db_path_;
      std::string seed = site.Url("/list.html");
      int null_fd = ::open("/dev/null", O_WRONLY);
      ::dup2(null_fd, 1);
      ::dup2(null_fd, 2);
      ::execl(binary.c_str(), binary.c_str(), "crawl", db.c_str(), "--seed", seed.c_str(),
              "--delay", "0.05", "--allow-private-addresses", nullptr);
      ::_exit(127);
    }
    if (kill_early) {
      while (site.RequestCount() < before + 14)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      ::kill(child, SIGKILL);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return status;
  };
  int killed = run(true);
  ASSERT_TRUE(WIFSIGNALED(killed));
  std::vector<HttpRequest> first_run = site.Requests();
  std::set<std::string> finished_before;  // the entries the killed crawl had stored
  {
    SQLite::Database db(db_path_);
    SQLite::Statement done(db, "SELECT url FROM frontier WHERE done = 1");
    while (done.executeStep()) {
      std::string url = done.getColumn(0).getString();
      finished_before.insert(url.substr(url.find('/', url.find("//") + 2)));
    }
  }
  int finished = run(false);
  ASSERT_TRUE(WIFEXITED(finished));
  EXPECT_EQ(WEXITSTATUS(finished), 0);
  std::vector<HttpRequest> all = site.Requests();

  std::multiset<std::string> first, second;
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].path == "/robots.txt") continue;  // asked once per process
    (i < first_run.size() ? first : second).insert(all[i].path);
  }
  for (const std::string& path : second) EXPECT_EQ(second.count(path), 1u) << path;
  for (const std::string& path : first) EXPECT_EQ(first.count(path), 1u) << path;
  // No finished entry is fetched again. What may be repeated is what was in flight at the kill:
  // the one transfer (one host, one connection) and the bodies fetched but not yet stored, which
  // wait for the analysis pool (at most 2 per analysis thread + 2, the crawl's bound).
  const int analysis_bound =
      2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) + 2;
  int in_both = 0;
  for (const std::string& path : std::set<std::string>(second.begin(), second.end())) {
    EXPECT_EQ(finished_before.count(path), 0u) << path << " was stored before the kill";
    in_both += first.count(path);
  }
  EXPECT_LE(in_both, 1 + analysis_bound) << "only what was in flight at the kill may be repeated";
  std::set<std::string> every(first.begin(), first.end());
  every.insert(second.begin(), second.end());
  EXPECT_EQ(every.size(), 31u);  // the list and its 30 reports
  std::unique_ptr<Store> store = Store::Open(db_path_);
  EXPECT_EQ(store->Status(std::time(nullptr)).versions, 30);
  EXPECT_EQ(store->PendingCount(), 0);
}

}  // namespace
}  // namespace nianbao
