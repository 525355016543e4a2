// Browser: the listings of the web view (nianbao web) — counts by year and template, the last
// crawls, reports filtered and paged, recent fetch errors, and each body's reports by year (the
// simple coverage). Read-only, through its own SQLite connection (WAL: it never waits for a crawl
// and a crawl never waits for it). Like Store, one Browser per thread; every method sees one
// consistent state. Errors are StoreError exceptions naming the database, as the Store's.
#ifndef NIANBAO_STORE_BROWSE_H_
#define NIANBAO_STORE_BROWSE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nianbao {

struct YearTemplateCount {
  std::optional<int> year;
  std::optional<std::string> template_id;
  int64_t reports = 0;
};

struct CrawlRecord {
  std::string seed;
  int64_t started_at = 0, finished_at = 0;
  std::string summary_json;
};

// A report's latest version (or, for Overview::newest, one new version).
struct ListedReport {
  std::string url;
  int version = 0;
  int64_t fetched_at = 0;  // the fetch that produced this version
  std::optional<std::string> template_id;
  std::optional<int> year;
  std::optional<std::string> issuer, title, published;
  std::string format;
  int failed_checks = 0;
};

struct ReportFilter {
  std::optional<int> year;
  std::optional<std::string> template_id;
  std::string body;      // the issuer contains this text ("" = any)
  std::string province;  // the issuer starts with this text ("" = any)
  // "government" (issuer ends in 政府), "department" (any other issuer), "" = any. Until body
  // records name each body's level, the issuer's name is what tells.
  std::string level;
  bool failed_only = false;  // only reports whose latest version failed a check
};

struct ReportList {
  int64_t total = 0;  // rows matching the filter, all pages
  std::vector<ListedReport> rows;
};

// The latest failed attempt of one URL.
struct FetchErrorRow {
  std::string url;
  int64_t fetched_at = 0;  // the latest failed attempt
  int status = 0;
  std::string kind;      // the fetch error ("timeout", …) or "http_" + status
  int64_t attempts = 0;  // failed attempts since `since`
};

struct Overview {
  std::vector<YearTemplateCount> counts;  // year descending, then template
  std::vector<CrawlRecord> crawls;        // newest first
  int64_t errors_last_day = 0;            // failed fetch attempts since now - 86400
  std::vector<ListedReport> newest;       // the newest versions, newest first
  int64_t reports = 0, versions = 0;
};

// A report's latest version as coverage reads it.
struct BodyReport {
  std::string issuer;
  int year = 0;
  std::string url;
  std::optional<std::string> published;  // ISO date from the page
  int64_t first_seen = 0;                // when its URL was first seen (unix seconds)
  int failed_checks = 0;
};

class Browser {
 public:
  // The same checks as Store::OpenForReading, then a read-only connection. Throws StoreError.
  static std::unique_ptr<Browser> Open(const std::string& path);
  virtual ~Browser() = default;

  virtual Overview GetOverview(int64_t now, int crawls = 10, int newest = 10) = 0;
  // Latest versions matching `filter`, newest fetch first, `limit` rows from `offset`.
  virtual ReportList Reports(const ReportFilter& filter, int64_t offset, int64_t limit) = 0;
  // URLs whose fetches failed since `since`, latest failure first; `kind` ("" = any) filters.
  virtual std::vector<FetchErrorRow> Errors(int64_t since, const std::string& kind,
                                            int64_t limit) = 0;
  // The number of versions stored for `url` (its latest version's number); 0 when none.
  virtual int Versions(const std::string& url) = 0;
  // Every report's latest version that names an issuer and a year.
  virtual std::vector<BodyReport> BodyReports() = 0;
};

}  // namespace nianbao

#endif  // NIANBAO_STORE_BROWSE_H_
