// What every export layout shares (store/export.cc: long and wide; store/export_panel.cc: panel):
// the report versions' cursor with their metadata and quality (failed checks, checks not
// assessable, unmatched labels, warnings, the rules' hash), and the quality columns. Internal to
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
  std::string failed_ids;  // the identities of the failed checks, ";"-joined, in check order
  int64_t failed = 0, not_assessable = 0, unmatched = 0, warnings = 0;

  // --only-clean: no failed check and no unmatched label.
  bool Clean() const { return failed == 0 && unmatched == 0; }
};

// The SELECT list of a report-version cursor over `s` (snapshots), `src` (sources) and `f`
// (fetches), in ReadExportedVersion's order. Its last column is the number of check_failures rows
// (for ordering by quality).
extern const char* const kVersionColumnsSql;
// The WHERE conditions of the export's filters (?1 template, ?2 year, ?3 issuer text); bind them
// with BindExportFilters.
extern const char* const kVersionFiltersSql;
void BindExportFilters(SQLite::Statement& cursor, const ExportOptions& options);

ExportedVersion ReadExportedVersion(SQLite::Statement& cursor);

// The quality columns every layout ends with, and their cells for one version.
std::vector<ExportColumn> QualityColumns();
void AppendQuality(const ExportedVersion& version, ExportRow& row);

}  // namespace nianbao::store_internal

#endif  // NIANBAO_STORE_EXPORT_ROWS_H_
