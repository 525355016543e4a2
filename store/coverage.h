// What `nianbao coverage`, `reports`, `errors` and `changes` read (and the web view shows): plain
// rows, filled by the Store's read methods of the same names (store/store.h). Coverage rows come
// from the `coverage` SQL view (store/schema.cc), so the file read by R or Datasette and the
// commands agree.
#ifndef NIANBAO_STORE_COVERAGE_H_
#define NIANBAO_STORE_COVERAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nianbao {

struct CoverageQuery {
  int year = 0;
  std::string province;  // full or short name ("福建省", "福建"); empty: every province
  std::string level;     // a body level; empty: every level
};

// One expected body in one report year.
struct CoverageRow {
  int year = 0;
  int64_t body_id = 0;
  std::string body;  // canonical name
  std::string level, province, region_code, government;
  std::string expected;   // "seeded", "earlier_year" (a report of an earlier year), "" (only found)
  std::string url;        // the report found; empty: not found
  std::string published;  // YYYY-MM-DD; empty when not found
  std::string published_from;  // "page" (the page's date) or "first_seen" (when nianbao saw it)
  std::string deadline;        // YYYY-MM-DD; empty when no rule covers the body's level
  std::string deadline_rule;
  std::string status;  // "on_time", "late", "no_deadline", "not_found"
  std::optional<int> days_late;
  int checks_failed = 0;
  std::string check_ids;           // space-separated identities
  std::vector<std::string> seeds;  // the seed URLs that expect the body
  // For a body not found: what was crawled for it (each seed's last fetch, pages crawled, report
  // years found); empty otherwise.
  std::string crawled;
};

struct ReportQuery {
  std::optional<int> year;
  std::string template_id;   // empty: any
  std::string body;          // canonical name, issuer or a part of either; empty: any
  bool failed_only = false;  // only reports with a failed check
};

// A report's latest version.
struct ReportRow {
  std::string url;
  int version = 0;
  std::string template_id;
  std::optional<int> year;
  std::string issuer;  // as printed
  std::string body, level, province, region_code;
  std::string published;
  int64_t fetched_at = 0;  // the fetch of the latest version
  int checks_failed = 0;
  std::string check_ids;
};

// A URL whose latest fetch failed.
struct ErrorRow {
  std::string url;
  std::string error;  // the kind ("timeout", "http_404", …)
  int status = 0;
  int64_t last_attempt = 0;  // unix seconds
  int attempts = 0;          // failed fetches of the URL since the query's `since`
  int64_t last_success = 0;  // 0: never fetched successfully
};

// A new snapshot version.
struct ChangeRow {
  std::string url;
  int version = 0;
  int64_t fetched_at = 0;
  std::string body;
  std::optional<int> year;
  std::vector<std::string> metadata;  // what changed: "issuer", "published", …
  std::vector<std::string> fields;    // field ids whose value or raw text changed (version 1: none)
  int fields_total = 0;               // fields in the version
};

}  // namespace nianbao

#endif  // NIANBAO_STORE_COVERAGE_H_
