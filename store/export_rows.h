// What every export layout shares (store/export.cc: long and wide; store/export_panel.cc: panel):
// the report versions' cursor with their metadata, body record and quality (failed checks, the
// cross-year checks among them, checks not assessable, unmatched labels, warnings, the rules'
// hash), the body columns and the quality columns. Internal to
// store/.
#ifndef NIANBAO_STORE_EXPORT_ROWS_H_
#define NIANBAO_STORE_EXPORT_ROWS_H_

#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <string>
#include <vector>

#include "store/export_sink.h"
#include "store/store.h"

namespace nianbao::store_internal {

// One report version as the layouts see it.
struct ExportedVersion {
  int64_t snapshot_id = 0;
  std::string url, issuer, year, template_id, version, fetched_at, title, published;
  std::string format;  // the source document's format; "" when stored before formats
  std::string rules_sha256;
  // The report's body record (bodies, via reports.body_id); all "" when it has none.
  std::string body_id, body_name, body_level, body_province, body_region_code;
  bool latest = true;      // the report's latest version (the one the cross-year checks read)
  std::string failed_ids;  // the identities of the failed checks, ";"-joined, in check order,
                           // then the cross-year checks that failed
  std::string warned_ids;  // the cross-year checks that warned, ";"-joined
  int64_t failed = 0, not_assessable = 0, unmatched = 0, warnings = 0;

  // --only-clean: no failed check and no unmatched label.
  bool Clean() const { return failed == 0 && unmatched == 0; }
};

// The SELECT list of a report-version cursor over `r` (reports), `s` (snapshots), `src` (sources),
// `f` (fetches), `b` (bodies) and `cy` (temp.export_cross_year), in ReadExportedVersion's order;
// named columns failed_rows and unmatched_rows (for ordering by quality).
extern const char* const kVersionColumnsSql;
// The joins after "FROM reports r JOIN snapshots s ON ...": src, f, and the LEFT JOINs b and cy.
// The cursor's read transaction must have run SqliteStore::StageCrossYearQuality first.
extern const char* const kVersionJoinsSql;
// The WHERE conditions of the export's filters (?1 template, ?2 year, ?3 issuer text); bind them
// with BindExportFilters.
extern const char* const kVersionFiltersSql;
void BindExportFilters(SQLite::Statement& cursor, const ExportOptions& options);

// The version at the cursor, its latest version's cross-year failures and warnings added.
ExportedVersion ReadExportedVersion(SQLite::Statement& cursor);

// The body record's columns (body_id, body_name, body_level, body_province, body_region_code) and
// their cells for one version: empty cells when the report has no body record.
std::vector<ExportColumn> BodyColumns();
void AppendBodyCells(const ExportedVersion& version, ExportRow& row);

// The quality columns every layout ends with, and their cells for one version.
std::vector<ExportColumn> QualityColumns();
void AppendQuality(const ExportedVersion& version, ExportRow& row);

}  // namespace nianbao::store_internal

#endif  // NIANBAO_STORE_EXPORT_ROWS_H_
