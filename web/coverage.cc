#include "web/coverage.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "web/html.h"

namespace nianbao::web {
namespace {

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string LevelOf(const std::string& body) {
  return EndsWith(body, "政府") ? "government" : "department";
}

}  // namespace

std::vector<CoverageRow> SeenBodiesCoverage::Rows(const CoverageQuery& query) {
  std::map<std::string, std::vector<BodyReport>> by_body;
  for (BodyReport& report : browser_.BodyReports()) {
    by_body[report.issuer].push_back(std::move(report));
  }
  std::vector<CoverageRow> rows;
  for (const auto& [body, reports] : by_body) {
    CoverageRow row;
    row.body = body;
    row.level = LevelOf(body);
    if (!query.level.empty() && row.level != query.level) continue;
    if (!query.province.empty()) continue;  // no body here has a known province
    row.deadline =
        std::to_string(query.year + 1) + (row.level == "government" ? "-03-31" : "-01-31");
    auto of_year = std::find_if(reports.begin(), reports.end(),
                                [&](const BodyReport& r) { return r.year == query.year; });
    if (of_year == reports.end()) {
      row.status = "missing";
    } else {
      row.url = of_year->url;
      row.published =
          of_year->published ? *of_year->published : IsoTime(of_year->first_seen).substr(0, 10);
      row.status = *row.published <= row.deadline ? "on_time" : "late";
      row.failed_checks = of_year->failed_checks;
    }
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const CoverageRow& a, const CoverageRow& b) {
    return std::tie(a.province, a.level, a.body) < std::tie(b.province, b.level, b.body);
  });
  return rows;
}

CoverageFactory SeenBodiesCoverageFactory() {
  return [](Store&, Browser& browser) -> std::unique_ptr<CoverageSource> {
    return std::make_unique<SeenBodiesCoverage>(browser);
  };
}

std::vector<CoverageRow> StoreCoverage::Rows(const CoverageQuery& query) {
  nianbao::CoverageQuery store_query;
  store_query.year = query.year;
  store_query.province = query.province;
  store_query.level = query.level;
  std::vector<nianbao::CoverageRow> found = store_.Coverage(store_query);
  if (found.empty()) return seen_.Rows(query);
  std::vector<CoverageRow> rows;
  rows.reserve(found.size());
  for (const nianbao::CoverageRow& f : found) {
    CoverageRow row;
    row.body = f.body;
    row.province = f.province;
    row.level = f.level;
    row.status = f.status == "not_found" ? "missing" : f.status;
    row.url = f.url;
    if (!f.published.empty()) row.published = f.published;
    row.deadline = f.deadline;
    row.failed_checks = f.checks_failed;
    rows.push_back(std::move(row));
  }
  return rows;
}

CoverageFactory StoreCoverageFactory() {
  return [](Store& store, Browser& browser) -> std::unique_ptr<CoverageSource> {
    return std::make_unique<StoreCoverage>(store, browser);
  };
}

}  // namespace nianbao::web
