// crawler/: polite crawling from list pages (栏目) to report pages and their attachments. Fetches
// with libcurl (multi interface), obeys robots.txt and per-host politeness, discovers links by the
// rules in rules/links.toml, hands every page to extract/ and every result to store/. The frontier
// lives in the store, so a killed crawl resumes where it stopped. Errors: network and HTTP failures
// are values (recorded per fetch and counted in CrawlSummary); only a store failure (StoreError)
// escapes as an exception.
//
// What a crawl records: one FetchRecord per HTTP attempt (a retry is a new attempt; the redirect
// hops of one attempt are its `redirects`); robots.txt fetches are not recorded. Every 2xx body of
// a list or report entry goes to Extract, whatever its Content-Type (the bytes decide: a report
// served as application/octet-stream is read). A report (Extract finds a template) goes to
// SaveExtraction — unless it holds under half the numbers of the latest version (of at least 8):
// then it is held as suspect (Store::HoldSuspect, kind "suspect") and becomes a version only when
// the next full fetch yields the same data. Any other body is stored as a document; a page that is
// not binary (by its magic number) is searched for links. An attachment is stored as a document
// linked to the page it was found on. A frontier entry is marked done only after its results (and
// the links found on it) are committed. An analysis cancelled (stop, max_analysis_seconds) or
// failed leaves its entry pending, counted (Store::RecordAnalysisFailure); the
// max_analysis_tries-th failure gives it up as "analysis_failed", the body kept. Crawl() resumes
// the frontier when it holds pending entries; when it holds none, the seeds' finished entries are
// forgotten first, so a new crawl revisits everything (with conditional GETs for reports and
// attachments, never for list pages).
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

#include "crawler/address.h"
#include "extract/extraction.h"
#include "extract/map/rules.h"
#include "store/store.h"

namespace nianbao {

struct CrawlOptions {
  std::string user_agent = "nianbao/0.1 (+https://github.com/nianbao/nianbao)";
  double delay_seconds = 3.0;  // minimum gap between two requests to one host
  int max_connections_per_host = 1;
  int max_connections = 8;            // global concurrency limit
  int max_pages = 1000;               // fetches per crawl
  int max_depth = 3;                  // link hops from the seed
  int64_t max_body_bytes = 20 << 20;  // decoded body cap
  double connect_timeout_seconds = 15;
  double total_timeout_seconds = 60;
  int max_redirects = 5;
  int max_tries = 3;                    // for timeouts, resets and 5xx
  double max_crawl_delay_seconds = 30;  // cap on robots.txt Crawl-delay
  bool obey_robots = true;
  double retry_base_seconds = 2.0;  // first backoff (then ×2, with jitter)
  double max_backoff_seconds = 60;
  double max_retry_after_seconds = 300;  // a longer Retry-After gives up the URL for this crawl
  std::string rules_dir;                 // links.toml from here; empty: the embedded copy
  int analysis_threads = 0;              // threads extracting fetched pages; 0: one per core
  // Connect to loopback, private, shared, link-local (cloud metadata) and multicast addresses
  // (crawler/address.h). Off: such a URL, redirect or resolved host name is refused
  // ("private_address", or "redirect_private" for a redirect hop) before any byte is sent.
  bool allow_private_addresses = false;
  // With allow_private_addresses off, the non-public ranges reached anyway, e.g. 127.0.0.1/32 (a
  // redirect or link into the others is still refused).
  std::vector<AddressRange> allowed_private_ranges;
  double max_analysis_seconds = 60;  // a page's analysis past this is cancelled (a failed analysis)
  int max_analysis_tries = 3;  // failed analyses before an entry is given up (analysis_failed)
  // Bodies held in memory, waiting for or under analysis plus those of transfers so far: past this
  // no new transfer starts (at most this + max_connections × max_body_bytes are held at once).
  int64_t max_buffered_bytes = 64 << 20;
  // Frontier entries held in memory at once (read from the store's frontier, not yet started, and
  // jobs waiting for their host). The rest of the frontier stays on disk, however large.
  int frontier_window = 4096;
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
  int64_t documents = 0;     // list pages and attachments stored as documents
  int64_t retries = 0;       // attempts repeated after a timeout, reset, 5xx or 429
  int64_t suspect = 0;       // report extractions held as suspect, not made a version
  bool stopped = false;      // `stop` ended the crawl early
  // Analyses that ignored their cancel token after `stop` and still run on detached threads:
  // a process that ends now should leave with _exit (after closing the store), not run static
  // destructors under them.
  int64_t abandoned_analyses = 0;
  std::map<std::string, int64_t>
      errors;  // error kind → count ("timeout", "http_404", "robots", "blocked", "bad_reply", ...)
  // Lines naming what went wrong beyond a kind (a list mechanism's reply that does not parse: the
  // rule and the URL), at most 20.
  std::vector<std::string> problems;
  // Seeds whose own page failed (dead, blocked, login wall …): seed URL → error kind.
  std::map<std::string, std::string> seed_errors;
  // Scale: entries taken from the frontier this run, the most frontier entries held in memory at
  // once (never above frontier_window), and the crawl thread's CPU time spent scheduling (queueing
  // jobs by host, choosing the next one, the poll timeout).
  int64_t started = 0;
  int64_t peak_entries_in_memory = 0;
  double scheduler_cpu_seconds = 0;
};

// What `nianbao fetch URL` reports.
struct FetchOneResult {
  FetchRecord fetch;
  // "report", "suspect" (held, see above), "list", "attachment" (a document that is not a page,
  // known by its bytes, and no report of its own), "not_modified", "error"
  std::string kind;
  std::string detail;  // for some errors (robots, private addresses): what exactly happened
  std::optional<Extraction> extraction;  // for a report page
  std::optional<SnapshotResult> snapshot;
  std::vector<std::string> report_links;  // for a list page
  std::vector<std::string> page_links;    // for a list page: its further pages
  std::vector<std::string> attachment_links;
};

class Crawler {
 public:
  Crawler(Store& store, std::shared_ptr<const RuleSet> rules, CrawlOptions options);
  ~Crawler();

  // Crawls from `seeds` until the frontier is empty, max_pages is reached or `stop` becomes true.
  // After `stop`, in-flight transfers are abandoned at once and running analyses cancelled; Crawl
  // returns within about 3.5 s (an analysis that ignores its cancel token is left to end on a
  // detached thread, its entry pending), and nothing half-written remains.
  CrawlSummary Crawl(const std::vector<std::string>& seeds, const std::atomic<bool>& stop,
                     const std::function<void(const CrawlProgress&)>& progress = {});

  // Fetches one URL now (robots.txt obeyed, per-host delay kept), extracts and stores it; the
  // frontier is not touched and no link is followed. The request is conditional when the store
  // holds validators for the URL (GetValidators): a 304 is kind "not_modified" and the stored
  // version stands. `url` must be an absolute http(s) URL (kind "error", error "bad_url"
  // otherwise). Analysis runs on this thread, without a deadline.
  FetchOneResult FetchOne(const std::string& url);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nianbao

#endif  // NIANBAO_CRAWLER_CRAWLER_H_
