// The frontier at scale (issue 12): it stays on disk and is read in windows, so the entries held in
// memory never pass CrawlOptions::frontier_window however many are queued; many hosts (addresses of
// 127.0.0.0/8 served by one server) are scheduled each by its own politeness; a crawl cut short
// (max_pages, or a restart) resumes with what is left and fetches nothing twice. Counts, not times.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <string>

#include "crawler/crawler.h"
#include "extract/map/rules.h"
#include "store/store.h"
#include "tests/support/http_server.h"
#include "tests/support/report_pages.h"

namespace nianbao {
namespace {

using testing::HttpRequest;
using testing::HttpServer;
using testing::Respond;

class FrontierScaleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("nianbao-frontier-scale-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    server_.SetDefault([](const HttpRequest& request) {
      int n = 0;
      char tail[8] = {0};
      if (std::sscanf(request.path.c_str(), "/q%d.htm%1s", &n, tail) == 2 ||
          std::sscanf(request.path.c_str(), "/s%d/r.htm%1s", &n, tail) == 2) {
        return Respond(200, testing::ReportPageHtml("v2021", 2022, n),
                       {{"Content-Type", "text/html; charset=utf-8"}});
      }
      if (std::sscanf(request.path.c_str(), "/s%d/", &n) == 1 &&
          request.path == "/s" + std::to_string(n) + "/") {
        std::vector<testing::ListLink> links = {
            {"r.html", "某某局" + std::to_string(n) + " 2024年度政府信息公开工作年度报告"}};
        return Respond(200, testing::ListPageHtml(links),
                       {{"Content-Type", "text/html; charset=utf-8"}});
      }
      return Respond(404, "not found");
    });
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Simulated host k: 127.2.0.1, 127.2.0.2, …
  std::string Origin(int k) const { return server_.OriginOn("127.2.0." + std::to_string(k + 1)); }

  CrawlOptions Options(int window, int max_pages) const {
    CrawlOptions options;
    options.delay_seconds = 0;
    options.allow_private_addresses = true;  // the simulated hosts are on 127.2.0.0/24
    options.max_connections_per_host = 1;
    options.max_connections = 8;
    options.frontier_window = window;
    options.max_pages = max_pages;
    options.analysis_threads = 2;
    return options;
  }

  // Requests for each "host/path" (robots.txt left out).
  std::map<std::string, int> RequestsByUrl() const {
    std::map<std::string, int> counts;
    for (const HttpRequest& request : server_.Requests()) {
      if (request.path == "/robots.txt") continue;
      ++counts[request.Header("host") + request.path];
    }
    return counts;
  }

  std::filesystem::path dir_;
  HttpServer server_{HttpServer::kAnyLoopback};
};

TEST_F(FrontierScaleTest, ManySeedsOnManyHostsWithASmallWindow) {
  const int hosts = 25, seeds = 100, window = 16;
  std::vector<std::string> seed_urls;
  for (int i = 0; i < seeds; ++i)
    seed_urls.push_back(Origin(i % hosts) + "/s" + std::to_string(i) + "/");
  std::unique_ptr<Store> store = Store::Open((dir_ / "crawl.db").string());
  Crawler crawler(*store, RuleSet::LoadEmbedded(), Options(window, 10000));
  std::atomic<bool> stop{false};
  CrawlSummary summary = crawler.Crawl(seed_urls, stop);

  EXPECT_EQ(summary.new_versions, seeds);  // every seed's report
  EXPECT_EQ(summary.started, 2 * seeds);   // each list page and each report, once
  EXPECT_TRUE(summary.errors.empty());
  EXPECT_GT(summary.peak_entries_in_memory, 0);
  EXPECT_LE(summary.peak_entries_in_memory, window);
  EXPECT_EQ(store->PendingCount(), 0);
  std::map<std::string, int> requests = RequestsByUrl();
  EXPECT_EQ(requests.size(), static_cast<size_t>(2 * seeds));
  for (const auto& [url, count] : requests) EXPECT_EQ(count, 1) << url;
  // Every simulated host was asked for its robots.txt once: each is a host of its own.
  std::map<std::string, int> robots;
  for (const HttpRequest& request : server_.Requests())
    if (request.path == "/robots.txt") ++robots[request.Header("host")];
  EXPECT_EQ(robots.size(), static_cast<size_t>(hosts));
}

TEST_F(FrontierScaleTest, ALargeFrontierIsReadInWindowsAndAResumedCrawlFinishesIt) {
  const int hosts = 30, queued = 600, window = 32, first_run = 150;
  const std::string db = (dir_ / "crawl.db").string();
  {
    std::unique_ptr<Store> store = Store::Open(db);
    store->Batch([&] {
      for (int j = 0; j < queued; ++j) {
        std::string origin = Origin(j % hosts);
        ASSERT_TRUE(store->Enqueue(FrontierEntry{origin + "/q" + std::to_string(j) + ".html",
                                                 "report", 1, origin + "/", origin + "/", ""}));
      }
    });
    Crawler crawler(*store, RuleSet::LoadEmbedded(), Options(window, first_run));
    std::atomic<bool> stop{false};
    CrawlSummary summary = crawler.Crawl({}, stop);  // the budget ends it: entries stay queued
    EXPECT_EQ(summary.started, first_run);
    EXPECT_EQ(summary.new_versions, first_run);
    EXPECT_LE(summary.peak_entries_in_memory, window);
    EXPECT_EQ(store->PendingCount(), queued - first_run);
  }
  {
    // A restart: a new store handle and crawler on the same file resume with what is left.
    std::unique_ptr<Store> store = Store::Open(db);
    Crawler crawler(*store, RuleSet::LoadEmbedded(), Options(window, 100000));
    std::atomic<bool> stop{false};
    CrawlSummary summary = crawler.Crawl({}, stop);
    EXPECT_EQ(summary.started, queued - first_run);
    EXPECT_EQ(summary.new_versions, queued - first_run);
    EXPECT_LE(summary.peak_entries_in_memory, window);
    EXPECT_EQ(store->PendingCount(), 0);
  }
  std::map<std::string, int> requests = RequestsByUrl();
  EXPECT_EQ(requests.size(), static_cast<size_t>(queued));               // every URL …
  for (const auto& [url, count] : requests) EXPECT_EQ(count, 1) << url;  // … fetched once
}

}  // namespace
}  // namespace nianbao
