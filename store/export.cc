// CSV export (RFC 4180, UTF-8), streamed from one SQLite cursor: memory holds one output row.
#include <charconv>
#include <map>
#include <ostream>
#include <unordered_map>

#include "store/codec.h"
#include "store/sqlite_store.h"

namespace nianbao::store_internal {
namespace {

// Buffers the output and writes it in large pieces; quotes cells as RFC 4180 requires.
class CsvWriter {
 public:
  CsvWriter(std::ostream& out, bool excel) : out_(out), excel_(excel) {
    buffer_.reserve(kFlushAt + 4096);
    if (excel_) buffer_ += "\xEF\xBB\xBF";
  }

  // A text cell. In Excel output, text that Excel would run as a formula gets a leading '.
  void Text(std::string_view cell) {
    Separator();
    bool guard = excel_ && !cell.empty() && IsFormulaStart(cell.front()) && !IsNumber(cell);
    bool quote = NeedsQuotes(cell);
    if (!quote && !guard) {
      buffer_ += cell;
      return;
    }
    if (quote) buffer_ += '"';
    if (guard) buffer_ += '\'';
    for (char c : cell) {
      if (c == '"') buffer_ += '"';
      buffer_ += c;
    }
    if (quote) buffer_ += '"';
  }
  // A cell that is a number (or empty): never guarded, never quoted.
  void Number(std::string_view cell) {
    Separator();
    buffer_ += cell;
  }
  void EndRow() {
    buffer_ += "\r\n";
    first_in_row_ = true;
    if (buffer_.size() >= kFlushAt) Flush();
  }
  void Flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
    if (!out_) throw StoreError("writing the export failed");
  }

 private:
  static constexpr size_t kFlushAt = 1 << 16;

  void Separator() {
    if (!first_in_row_) buffer_ += ',';
    first_in_row_ = false;
  }
  static bool NeedsQuotes(std::string_view cell) {
    return cell.find_first_of(",\"\r\n") != std::string_view::npos;
  }
  static bool IsFormulaStart(char c) {
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
  }
  // "-8", "+1036", "3.5": a number cannot be a formula, so it is left as it is.
  static bool IsNumber(std::string_view cell) {
    if (cell.front() == '+') cell.remove_prefix(1);
    if (cell.empty() || cell.front() == '+') return false;
    double value = 0;
    auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
    return ec == std::errc() && end == cell.data() + cell.size();
  }

  std::ostream& out_;
  bool excel_;
  bool first_in_row_ = true;
  std::string buffer_;
};

// The cursor's columns.
enum Column {
  kSnapshotId,
  kUrl,
  kIssuer,
  kYear,
  kTemplate,
  kVersion,
  kFetchedAt,
  kTitle,
  kPublished,
  kFieldId,
  kFieldName,
  kListed,
  kValue,
  kRaw,
  kFormat,
};

constexpr const char* kLatestSql =
    "SELECT s.id, src.url, s.issuer, s.year, s.template, s.version, f.fetched_at, s.title, "
    "s.published, v.field_id, n.name, v.listed, v.value, v.raw, s.format "
    "FROM reports r JOIN snapshots s ON s.id = r.latest_snapshot_id "
    "JOIN sources src ON src.id = r.source_id JOIN fetches f ON f.id = s.fetch_id "
    "LEFT JOIN field_values v ON v.snapshot_id = s.id LEFT JOIN field_names n ON n.id = v.field_id "
    "WHERE (?1 IS NULL OR s.template = ?1) AND (?2 IS NULL OR s.year = ?2) "
    "AND (?3 IS NULL OR instr(s.issuer, ?3) > 0) ORDER BY r.id, v.ordinal";

constexpr const char* kAllVersionsSql =
    "SELECT s.id, src.url, s.issuer, s.year, s.template, s.version, f.fetched_at, s.title, "
    "s.published, v.field_id, n.name, v.listed, v.value, v.raw, s.format "
    "FROM reports r JOIN snapshots s ON s.report_id = r.id "
    "JOIN sources src ON src.id = r.source_id JOIN fetches f ON f.id = s.fetch_id "
    "LEFT JOIN field_values v ON v.snapshot_id = s.id LEFT JOIN field_names n ON n.id = v.field_id "
    "WHERE (?1 IS NULL OR s.template = ?1) AND (?2 IS NULL OR s.year = ?2) "
    "AND (?3 IS NULL OR instr(s.issuer, ?3) > 0) ORDER BY r.id, s.version, v.ordinal";

// One report version's metadata, read once per version rather than once per field.
struct Metadata {
  std::string url, issuer, year, template_id, version, fetched_at, title, published;
  std::string format;  // the source document's format; "" when stored before formats
};

Metadata ReadMetadata(SQLite::Statement& row) {
  auto text = [&](int column) {
    return row.getColumn(column).isNull() ? std::string() : row.getColumn(column).getString();
  };
  return Metadata{text(kUrl),      text(kIssuer),    text(kYear),
                  text(kTemplate), text(kVersion),   IsoTime(row.getColumn(kFetchedAt).getInt64()),
                  text(kTitle),    text(kPublished), text(kFormat)};
}

std::string ValueText(SQLite::Statement& row) {
  SQLite::Column value = row.getColumn(kValue);
  return value.isNull() ? std::string() : FormatValue(value.getDouble());
}

// Units by (template, field), and by field alone for a template the catalogue lacks.
class Units {
 public:
  explicit Units(const std::vector<FieldSpec>& catalogue) {
    for (const auto& spec : catalogue) {
      by_template_.emplace(spec.template_id + '\t' + spec.field, spec.unit);
      by_field_.emplace(spec.field, spec.unit);
    }
  }
  const std::string& Of(const std::string& template_id, const std::string& field) const {
    if (auto it = by_template_.find(template_id + '\t' + field); it != by_template_.end()) {
      return it->second;
    }
    if (auto it = by_field_.find(field); it != by_field_.end()) return it->second;
    return empty_;
  }

 private:
  std::unordered_map<std::string, std::string> by_template_, by_field_;
  std::string empty_;
};

}  // namespace

ExportStats SqliteStore::Export(const ExportOptions& options, std::ostream& out) {
  return Read("exporting", [&] {
    // Not a cached statement: an export is one long cursor, run once.
    std::unique_ptr<SQLite::Statement> cursor =
        Prepare(options.all_versions ? kAllVersionsSql : kLatestSql);
    SQLite::Statement& row = *cursor;
    BindOptional(row, 1, options.template_id);
    if (options.year) {
      row.bind(2, *options.year);
    } else {
      row.bind(2);
    }
    BindOptional(row, 3, options.issuer);

    CsvWriter csv(out, options.excel);
    ExportStats stats;
    const bool wide = options.layout == ExportOptions::Layout::kWide;
    static const char* const kLongHeader[] = {"url",     "issuer",     "year",  "template",
                                              "version", "fetched_at", "field", "value",
                                              "raw",     "unit",       "format"};
    static const char* const kWideMetadata[] = {"url",     "issuer",     "year",  "template",
                                                "version", "fetched_at", "title", "published"};

    // Wide columns: the catalogue's field ids (of the template asked for, else of all templates,
    // each id once), in fields.tsv order.
    std::vector<std::string> columns;
    std::unordered_map<std::string, size_t> column_of;
    if (wide) {
      for (const auto& spec : options.catalogue) {
        if (options.template_id && spec.template_id != *options.template_id) continue;
        if (column_of.emplace(spec.field, columns.size()).second) columns.push_back(spec.field);
      }
      for (const char* name : kWideMetadata) csv.Text(name);
      for (const auto& field : columns) csv.Text(field);
      csv.Text("format");  // appended after the fields: existing columns keep their places
    } else {
      for (const char* name : kLongHeader) csv.Text(name);
    }
    csv.EndRow();

    Units units(options.catalogue);
    std::unordered_map<int64_t, int64_t> column_by_field_id;  // -1: not a column
    std::vector<std::string> cells(columns.size());
    int64_t current = -1;
    Metadata metadata;
    auto flush_wide_row = [&] {
      csv.Text(metadata.url);
      csv.Text(metadata.issuer);
      csv.Number(metadata.year);
      csv.Text(metadata.template_id);
      csv.Number(metadata.version);
      csv.Text(metadata.fetched_at);
      csv.Text(metadata.title);
      csv.Text(metadata.published);
      for (auto& cell : cells) {
        csv.Number(cell);
        cell.clear();
      }
      csv.Text(metadata.format);
      csv.EndRow();
      ++stats.rows;
    };

    while (row.executeStep()) {
      int64_t snapshot = row.getColumn(kSnapshotId).getInt64();
      if (snapshot != current) {
        if (wide && current != -1) flush_wide_row();
        current = snapshot;
        metadata = ReadMetadata(row);
        ++stats.snapshots;
      }
      if (row.getColumn(kFieldId).isNull()) continue;      // a version without fields
      if (row.getColumn(kListed).getInt() == 0) continue;  // a cell of a field not extracted
      if (wide) {
        int64_t field_id = row.getColumn(kFieldId).getInt64();
        auto known = column_by_field_id.find(field_id);
        if (known == column_by_field_id.end()) {
          auto column = column_of.find(row.getColumn(kFieldName).getString());
          int64_t index = column == column_of.end() ? -1 : static_cast<int64_t>(column->second);
          known = column_by_field_id.emplace(field_id, index).first;
        }
        if (known->second >= 0) cells[known->second] = ValueText(row);
      } else {
        std::string field = row.getColumn(kFieldName).getString();
        csv.Text(metadata.url);
        csv.Text(metadata.issuer);
        csv.Number(metadata.year);
        csv.Text(metadata.template_id);
        csv.Number(metadata.version);
        csv.Text(metadata.fetched_at);
        csv.Text(field);
        csv.Number(ValueText(row));
        SQLite::Column raw = row.getColumn(kRaw);
        csv.Text(raw.isNull() ? std::string_view()
                              : std::string_view(raw.getText(), raw.getBytes()));
        csv.Text(units.Of(metadata.template_id, field));
        csv.Text(metadata.format);
        csv.EndRow();
        ++stats.rows;
      }
    }
    if (wide && current != -1) flush_wide_row();
    csv.Flush();
    out.flush();
    if (!out) throw StoreError("writing the export failed");
    return stats;
  });
}

}  // namespace nianbao::store_internal
