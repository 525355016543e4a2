// Coverage for the web view: for one year, each expected body and whether it has a report — on
// time, late or missing — as `nianbao coverage` prints it. The page and the API take plain rows
// through CoverageSource, so whatever computes coverage (body records with provinces, levels and
// deadlines kept as data) plugs in without the web view changing.
//
// SeenBodiesCoverage is the simple one built on stored reports alone: the expected bodies are the
// issuers of any stored report; a body's level is "government" when its name ends in 政府, else
// "department"; its province is empty (the issuer names no region code); the deadline is Article
// 49 of the 2019 条例 — departments by 31 January, governments by 31 March of the next year —
// judged on the page's published date, else on when the URL was first seen.
#ifndef NIANBAO_WEB_COVERAGE_H_
#define NIANBAO_WEB_COVERAGE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/browse.h"
#include "store/store.h"

namespace nianbao::web {

struct CoverageQuery {
  int year = 0;
  std::string province;  // "" = any
  std::string level;     // "" = any
};

struct CoverageRow {
  std::string body;
  std::string province;                  // "" when unknown
  std::string level;                     // "government", "department", ...
  std::string status;                    // "on_time", "late", "missing"
  std::string url;                       // the report; "" when missing
  std::optional<std::string> published;  // ISO date the judgement used ("" when missing)
  std::string deadline;                  // ISO date
  int failed_checks = 0;
};

class CoverageSource {
 public:
  virtual ~CoverageSource() = default;
  // One row per expected body, sorted by province, level, body. Throws StoreError.
  virtual std::vector<CoverageRow> Rows(const CoverageQuery& query) = 0;
};

// Makes the coverage source of one database connection (the web view keeps one per thread).
using CoverageFactory =
    std::function<std::unique_ptr<CoverageSource>(Store& store, Browser& browser)>;

class SeenBodiesCoverage final : public CoverageSource {
 public:
  explicit SeenBodiesCoverage(Browser& browser) : browser_(browser) {}
  std::vector<CoverageRow> Rows(const CoverageQuery& query) override;

 private:
  Browser& browser_;
};

// The factory of SeenBodiesCoverage.
CoverageFactory SeenBodiesCoverageFactory();

// Coverage as `nianbao coverage` gives it (Store::Coverage: body records, seeds, deadlines.tsv);
// SeenBodiesCoverage for a database that has no body records yet (made before bodies existed).
class StoreCoverage final : public CoverageSource {
 public:
  StoreCoverage(Store& store, Browser& browser) : store_(store), seen_(browser) {}
  std::vector<CoverageRow> Rows(const CoverageQuery& query) override;

 private:
  Store& store_;
  SeenBodiesCoverage seen_;
};

// The factory of StoreCoverage: the web view's default.
CoverageFactory StoreCoverageFactory();

}  // namespace nianbao::web

#endif  // NIANBAO_WEB_COVERAGE_H_
