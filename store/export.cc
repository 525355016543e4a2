// The long and wide layouts, streamed: one cursor over report versions (store/export_rows.h) and,
// per version, one over its values. Memory holds one output row.
#include <string>
#include <unordered_map>

#include "store/codec.h"
#include "store/export_rows.h"
#include "store/sqlite_store.h"

namespace nianbao::store_internal {
namespace {

using Type = ExportColumn::Type;

std::string VersionsSql(const ExportOptions& options) {
  return std::string("SELECT ") + kVersionColumnsSql + " FROM reports r JOIN snapshots s ON " +
         (options.all_versions ? "s.report_id = r.id" : "s.id = r.latest_snapshot_id") +
         kVersionJoinsSql + " WHERE " + kVersionFiltersSql + " ORDER BY r.id, s.version";
}

// A version's listed values in field order, with the label as printed on the page.
constexpr const char* kValuesSql =
    "SELECT v.field_id, n.name, v.value, v.raw, l.text FROM field_values v "
    "JOIN field_names n ON n.id = v.field_id LEFT JOIN labels l ON l.id = v.label_id "
    "WHERE v.snapshot_id = ? AND v.listed = 1 ORDER BY v.ordinal";

std::string ValueText(SQLite::Statement& row, int column) {
  SQLite::Column value = row.getColumn(column);
  return value.isNull() ? std::string() : FormatValue(value.getDouble());
}

// The official label of a field: "row label | column label", the way the page's label is stored.
std::string OfficialLabel(const FieldSpec& spec) {
  if (spec.column_label.empty()) return spec.row_label;
  if (spec.row_label.empty()) return spec.column_label;
  return spec.row_label + " | " + spec.column_label;
}

// The catalogue by (template, field), and by field alone for a template the catalogue lacks.
class Catalogue {
 public:
  explicit Catalogue(const std::vector<FieldSpec>& specs) {
    for (const auto& spec : specs) {
      by_template_.emplace(spec.template_id + '\t' + spec.field, &spec);
      by_field_.emplace(spec.field, &spec);
    }
  }
  const FieldSpec* Of(const std::string& template_id, const std::string& field) const {
    if (auto it = by_template_.find(template_id + '\t' + field); it != by_template_.end()) {
      return it->second;
    }
    if (auto it = by_field_.find(field); it != by_field_.end()) return it->second;
    return nullptr;
  }

 private:
  std::unordered_map<std::string, const FieldSpec*> by_template_, by_field_;
};

// The columns the long and wide layouts start with: the report and its version. The body record's
// columns come last, after the quality columns, so that the columns of earlier versions keep their
// places.
std::vector<ExportColumn> ReportColumns() {
  return {
      {"url", Type::kString, "", "", "the report's address (file: and a path when imported)"},
      {"issuer", Type::kString, "", "", "the issuing body, as printed"},
      {"year", Type::kInteger, "", "", "the report year"},
      {"template", Type::kString, "", "", "the statistics form: legacy, v2019 or v2021"},
      {"version", Type::kInteger, "", "", "the stored version of the report (1, 2, ...)"},
      {"fetched_at", Type::kDateTime, "", "", "when the version was fetched (UTC)"},
  };
}

void AppendReportCells(const ExportedVersion& version, ExportRow& row) {
  for (const std::string* cell : {&version.url, &version.issuer, &version.year,
                                  &version.template_id, &version.version, &version.fetched_at})
    row.push_back(*cell);
}

// What ends every long and wide row: the quality columns, then the body record.
void AppendQualityAndBody(const ExportedVersion& version, ExportRow& row) {
  AppendQuality(version, row);
  AppendBodyCells(version, row);
}

std::vector<ExportColumn> LongColumns() {
  std::vector<ExportColumn> columns = ReportColumns();
  for (ExportColumn& column : std::vector<ExportColumn>{
           {"field", Type::kString, "", "", "the field id (rules/fields.tsv)"},
           {"value", Type::kNumber, "", "", "the value; empty: not reported"},
           {"raw", Type::kString, "", "", "the cell as printed"},
           {"unit", Type::kString, "", "", "the field's unit"},
           {"format", Type::kString, "", "",
            "source format: html, text, pdf, docx, xlsx, ocr, ..."},
           {"label", Type::kString, "", "", "the row and column label as printed on the page"},
           {"label_zh", Type::kString, "", "",
            "the official row and column label (rules/fields.tsv)"},
           {"published", Type::kDate, "", "", "the publication date printed on the page"},
       })
    columns.push_back(std::move(column));
  for (ExportColumn& column : QualityColumns()) columns.push_back(std::move(column));
  for (ExportColumn& column : BodyColumns()) columns.push_back(std::move(column));
  return columns;
}

std::vector<ExportColumn> WideMetadataColumns() {
  std::vector<ExportColumn> columns = ReportColumns();
  columns.push_back({"title", Type::kString, "", "", "the report's title"});
  columns.push_back({"published", Type::kDate, "", "", "the publication date printed on the page"});
  return columns;
}

}  // namespace

ExportStats SqliteStore::Export(const ExportOptions& options, std::ostream& out) {
  CsvSink csv(out, options.guard, options.excel);
  return Export(options, csv);
}

ExportStats SqliteStore::Export(const ExportOptions& options, ExportSink& sink) {
  if (options.layout == ExportOptions::Layout::kPanel) return ExportPanel(options, sink);
  return Read("exporting", [&] {
    // In the export's own read transaction: the cross-year results are those of the rows read.
    StageCrossYearQuality();
    // Not cached statements: an export is one long cursor, run once.
    std::string versions_sql = VersionsSql(options);
    std::unique_ptr<SQLite::Statement> cursor = Prepare(versions_sql.c_str());
    BindExportFilters(*cursor, options);
    std::unique_ptr<SQLite::Statement> values = Prepare(kValuesSql);
    const bool wide = options.layout == ExportOptions::Layout::kWide;
    Catalogue catalogue(options.catalogue);

    // Wide columns: the catalogue's field ids (of the template asked for, else of all templates,
    // each id once), in fields.tsv order, between the metadata and the format and quality.
    std::vector<ExportColumn> columns = wide ? WideMetadataColumns() : LongColumns();
    std::unordered_map<std::string, size_t> column_of;
    size_t wide_values_end = 0;  // wide: the field columns end here (at `format`)
    if (wide) {
      for (const auto& spec : options.catalogue) {
        if (options.template_id && spec.template_id != *options.template_id) continue;
        if (!column_of.emplace(spec.field, columns.size()).second) continue;
        columns.push_back({spec.field, Type::kNumber, spec.unit, OfficialLabel(spec), ""});
      }
      wide_values_end = columns.size();
      columns.push_back(
          {"format", Type::kString, "", "", "source format: html, text, pdf, docx, xlsx, ocr"});
      for (ExportColumn& column : QualityColumns()) columns.push_back(std::move(column));
      for (ExportColumn& column : BodyColumns()) columns.push_back(std::move(column));
    }
    sink.Begin(columns);

    ExportStats stats;
    ExportRow row;
    row.reserve(columns.size());
    std::unordered_map<int64_t, int64_t> column_by_field_id;  // -1: not a column
    while (cursor->executeStep()) {
      ExportedVersion version = ReadExportedVersion(*cursor);
      if (options.only_clean && !version.Clean()) {
        ++stats.not_clean;
        continue;
      }
      ++stats.snapshots;
      values->reset();
      values->bind(1, version.snapshot_id);
      if (wide) {
        row.clear();
        AppendReportCells(version, row);
        row.push_back(version.title);
        row.push_back(version.published);
        row.resize(wide_values_end);
      }
      while (values->executeStep()) {
        if (wide) {
          int64_t field_id = values->getColumn(0).getInt64();
          auto known = column_by_field_id.find(field_id);
          if (known == column_by_field_id.end()) {
            auto column = column_of.find(values->getColumn(1).getString());
            int64_t index = column == column_of.end() ? -1 : static_cast<int64_t>(column->second);
            known = column_by_field_id.emplace(field_id, index).first;
          }
          if (known->second >= 0) row[known->second] = ValueText(*values, 2);
          continue;
        }
        std::string field = values->getColumn(1).getString();
        const FieldSpec* spec = catalogue.Of(version.template_id, field);
        SQLite::Column raw = values->getColumn(3), label = values->getColumn(4);
        row.clear();
        AppendReportCells(version, row);
        row.push_back(std::move(field));
        row.push_back(ValueText(*values, 2));
        row.push_back(raw.isNull() ? std::string() : raw.getString());
        row.push_back(spec ? spec->unit : std::string());
        row.push_back(version.format);
        row.push_back(label.isNull() ? std::string() : label.getString());
        row.push_back(spec ? OfficialLabel(*spec) : std::string());
        row.push_back(version.published);
        AppendQualityAndBody(version, row);
        sink.Row(row);
        ++stats.rows;
      }
      if (wide) {
        row.push_back(version.format);
        AppendQualityAndBody(version, row);
        sink.Row(row);
        ++stats.rows;
      }
    }
    sink.End();
    return stats;
  });
}

}  // namespace nianbao::store_internal
