// Year against year: checks over the reports of one body (the issuer a report names) in successive
// years, and the per-report checks as `nianbao checks` lists them. Plain data and one pure
// function; Store::CrossYearChecks reads the snapshots and calls it.
//
// The checks, for each body (CrossYearGroup: the report's body record, reports.body_id, made by
// Store::SyncBodies from rules/bodies.tsv and regions.tsv; for a report without one, its issuer
// without an organ word, BodyKey) and each reported year Y, on the latest version of its report
// for Y (when several reports name the same body and year, the one fetched last; the others are
// compared with it):
//   cross_year.carried_over.COLUMN   Y's requests.carried_over.COLUMN = Y−1's
//                                    requests.carried_forward.COLUMN, for the 7 applicant columns.
//                                    "fail" when they differ.
//   cross_year.in_force.rules        v2021 表二: Y's in_force = Y−1's in_force + Y's issued − Y's
//   cross_year.in_force.normative_docs  repealed. "warning" when it does not hold: documents of
//                                    earlier years repealed in Y make it inexact.
//   cross_year.missing               no report for Y, between two reported years ("fail").
//   cross_year.duplicate             two reports for the same body and year: "pass" when their
//                                    fields are the same, "fail" when they differ.
// A null value counts as 0 when the other side is printed; a check whose values are all null, or
// whose fields one of the two templates lacks (legacy has no carried-over row), is
// "not_assessable". Nothing is emitted for a year whose previous year is not reported (the first
// year, or after a missing year, which is its own failure). Reports without an issuer or a year
// cannot be placed and are left out. `--body TEXT` selects whole bodies: those of which some
// report's issuer or body record name contains TEXT.
#ifndef NIANBAO_STORE_CROSS_YEAR_H_
#define NIANBAO_STORE_CROSS_YEAR_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extraction.h"

namespace nianbao {

// What to check or list: only this year (a cross-year check belongs to its later year, a missing
// year to itself) and only bodies whose name contains `body`.
struct ChecksOptions {
  std::optional<int> year;
  std::optional<std::string> body;
};

// One report's latest version as the cross-year checks read it.
struct YearSnapshot {
  std::string url;
  std::string body;                // the issuer the report prints (what the checks show)
  std::optional<int64_t> body_id;  // reports.body_id: its body record, when it has one
  std::string body_name;           // that record's canonical name; "" without one
  int year = 0;
  int64_t fetched_at = 0;
  int64_t snapshot_id = 0;  // breaks ties of fetched_at: the later snapshot wins
  // The fields the checks read (requests.carried_*, active.*.in_force|issued|repealed), when the
  // snapshot lists them; a field the template lacks is absent.
  std::map<std::string, Value> fields;
  std::string data_digest;  // equal for two snapshots exactly when every listed field is equal
};

struct CrossYearCheck {
  std::string identity;  // "cross_year.carried_over.natural_person", "cross_year.missing", ...
  std::string body;
  int year = 0;                // the year checked (the later one of a pair)
  std::string status;          // "pass", "fail", "warning", "not_assessable"
  std::string field;           // Y's field; "" for missing and duplicate
  std::string previous_field;  // Y−1's field it is compared with
  Value expected;              // from last year's figures (in_force: the formula's result)
  Value found;                 // Y's printed value
  std::string url;             // Y's report; "" for a missing year
  std::string previous_url;    // Y−1's report; duplicate: the report it is compared with
  std::string detail;          // one sentence saying what was compared
  bool operator==(const CrossYearCheck&) const = default;
};

// A report's cross-year checks that did not pass (what an export's quality columns show). A check
// belongs to its `url` (for a duplicate, to both reports).
struct CrossYearQuality {
  std::vector<std::string> failed;    // identities with status "fail"
  std::vector<std::string> warnings;  // identities with status "warning"
};

// One report's latest version with every identity's status, as `nianbao checks` lists it.
struct ReportChecks {
  std::string url;
  int version = 0;
  std::optional<std::string> template_id;
  std::optional<int> year;
  std::optional<std::string> body;
  std::vector<CheckStatus> status;     // every identity, in rules order
  std::vector<CheckFailure> failures;  // the failed checks, with their figures
};

// The checks above over `snapshots` (any order), sorted by body, year, then identity order
// (carried_over columns, in_force, duplicate; missing in its year's place).
std::vector<CrossYearCheck> CheckAcrossYears(std::vector<YearSnapshot> snapshots);

// The body an issuer names, for a report without a body record: the issuer without a final organ
// word (管委会, 管理委员会, 人民政府, 政府) when a place of two characters or more is left;
// 南昌市人民政府 and 南昌市 are one body, 南昌市教育局 another.
std::string BodyKey(std::string_view issuer);

// The body a snapshot's report belongs to, as the checks group reports: "body:ID" for a report
// linked to a body record, else "issuer:" + BodyKey(issuer). The one grouping of the checks.
std::string CrossYearGroup(const YearSnapshot& snapshot);

// Whether YearSnapshot::fields should hold `field`.
bool CrossYearField(const std::string& field);

}  // namespace nianbao

#endif  // NIANBAO_STORE_CROSS_YEAR_H_
