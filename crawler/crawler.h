// crawler/: polite crawling from list pages (栏目) to report pages and their attachments. Fetches with
// libcurl (multi interface), obeys robots.txt and per-host politeness, discovers links by the rules in
// rules/links.toml, hands every page to extract/ and every result to store/. The frontier lives in the
// store, so a killed crawl resumes where it stopped.
// Errors: network and HTTP failures are values (recorded per fetch and counted in CrawlSummary);
// only a store failure (StoreError) escapes as an exception.
//
// NOTE(foundation): the interface the commands and the daemon are written against; the crawler owner
// may extend it and updates callers in the same commit when a signature changes.
#ifndef NIANBAO_CRAWLER_CRAWLER_H_
#define NIANBAO_CRAWLER_CRAWLER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "extract/extraction.h"
#include "extract/rules.h"
#include "store/store.h"

namespace nianbao {

struct CrawlOptions {
  std::string user_agent = "nianbao/0.1 (+https://github.com/nianbao/nianbao)";
  double delay_seconds = 3.0;         // minimum gap between two requests to one host
  int max_connections_per_host = 1;
  int max_connections = 8;            // global concurrency limit
  int max_pages = 1000;               // fetches per crawl
  int max_depth = 3;                  // link hops from the seed
  int64_t max_body_bytes = 20 << 20;  // decoded body cap
  double connect_timeout_seconds = 15;
  double total_timeout_seconds = 60;
  int max_redirects = 5;
  int max_tries = 3;                  // for timeouts, resets and 5xx
  double max_crawl_delay_seconds = 30;  // cap on robots.txt Crawl-delay
  bool obey_robots = true;
};

struct CrawlProgress {
  int64_t done = 0, queued = 0, errors = 0;
  double pages_per_second = 0;
};

struct CrawlSummary {
  int64_t fetched = 0;       // HTTP fetches completed (any status)
  int64_t new_versions = 0;  // snapshots written
  int64_t unchanged = 0;     // extracted, same data as the latest version
  int64_t not_modified = 0;  // 304 answers
  std::map<std::string, int64_t> errors;  // error kind → count ("timeout", "http_404", "robots", ...)
};

// What `nianbao fetch URL` reports.
struct FetchOneResult {
  FetchRecord fetch;
  std::string kind;                       // "report", "list", "attachment", "not_modified", "error"
  std::optional<Extraction> extraction;   // for a report page
  std::optional<SnapshotResult> snapshot;
  std::vector<std::string> report_links;  // for a list page
};

class Crawler {
 public:
  Crawler(Store& store, std::shared_ptr<const RuleSet> rules, CrawlOptions options);
  ~Crawler();

  // Crawls from `seeds` until the frontier is empty, max_pages is reached or `stop` becomes true
  // (then in-flight transfers are abandoned within a few seconds and nothing half-written remains).
  CrawlSummary Crawl(const std::vector<std::string>& seeds, const std::atomic<bool>& stop,
                     const std::function<void(const CrawlProgress&)>& progress = {});

  // Fetches one URL now (robots.txt obeyed), extracts and stores it.
  FetchOneResult FetchOne(const std::string& url);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nianbao

#endif  // NIANBAO_CRAWLER_CRAWLER_H_
