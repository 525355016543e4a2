// The panel layout: one row per (body, year) of the harmonised indicators of the crosswalk
// (rules/harmonised.tsv), from each report's latest version.
//
// A body is the report's body record (reports.body_id), else, for a report without one, its issuer
// as printed (with empty body cells). One cursor over the latest versions, ordered by body and
// year and, within a (body, year), best first (fewest failed checks, fewest unmatched labels,
// latest fetch): the first version of each (body, year) is its row (with --only-clean, the first
// clean one, counting the cross-year checks), the others are counted in its `reports` column. Per
// row one statement reads only the crosswalk's fields (the field_values_by_field index). A
// harmonised value is the sum of its fields for the row's template; null when the template has no
// comparable field (comparability none), or when any term is missing or blank — never a partial
// sum.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>

#include "store/codec.h"
#include "store/export_rows.h"
#include "store/sqlite_store.h"

namespace nianbao::store_internal {
namespace {

using Type = ExportColumn::Type;

// A panel row's body: its body record when the report has one, else the issuer as printed (its
// body cells then stay empty: a body is never guessed).
std::string PanelKey(const ExportedVersion& version) {
  return version.body_id.empty() ? "issuer:" + version.issuer : "body:" + version.body_id;
}

std::string PanelSql() {
  return std::string("SELECT ") + kVersionColumnsSql +
         " FROM reports r JOIN snapshots s ON s.id = r.latest_snapshot_id" + kVersionJoinsSql +
         " WHERE " + kVersionFiltersSql +
         " AND s.issuer IS NOT NULL AND s.issuer <> '' AND s.year IS NOT NULL"
         // By body (its canonical name; else the issuer, after the body of that name) and year:
         // each PanelKey's rows are consecutive.
         " ORDER BY coalesce(b.name, s.issuer), b.id IS NULL, s.year, failed_rows, unmatched_rows,"
         " f.fetched_at DESC, r.id";
}

constexpr const char* kUnkeyedSql =
    "SELECT count(*) FROM reports r JOIN snapshots s ON s.id = r.latest_snapshot_id "
    "WHERE (?1 IS NULL OR s.template = ?1) AND (?2 IS NULL OR s.year = ?2) "
    "AND (?3 IS NULL OR instr(s.issuer, ?3) > 0) "
    "AND (s.issuer IS NULL OR s.issuer = '' OR s.year IS NULL)";

// The crosswalk as the panel computes it: the harmonised columns in the file's order, and per
// template each column's terms (field_names ids; -1: a field never stored, so always missing).
class Indicators {
 public:
  struct Terms {
    std::vector<int64_t> field_ids;  // empty: not comparable in this template
    bool approximate = false;
  };

  Indicators(const std::vector<CrosswalkEntry>& crosswalk,
             const std::function<int64_t(const std::string&)>& field_id) {
    std::map<std::string, std::string> notes;  // harmonised id → its exact definition's note
    for (const CrosswalkEntry& entry : crosswalk) {
      auto [it, added] = index_.emplace(entry.harmonised, ids_.size());
      if (added) {
        ids_.push_back(entry.harmonised);
        descriptions_.emplace_back();
        labels_.emplace_back();
      }
      size_t column = it->second;
      std::string& description = descriptions_[column];
      if (!description.empty()) description += "; ";
      description += entry.template_id;
      description += ": ";
      if (entry.fields.empty()) {
        description += "not comparable";
      } else {
        for (size_t i = 0; i < entry.fields.size(); ++i) {
          if (i) description += " + ";
          description += entry.fields[i];
        }
        description += " (";
        description += entry.comparability;
        description += ")";
      }
      if (labels_[column].empty() && entry.comparability == "exact") labels_[column] = entry.note;
      Terms& terms = by_template_[entry.template_id].resize_to(ids_.size())[column];
      terms.approximate = entry.comparability == "approximate";
      for (const std::string& field : entry.fields) {
        int64_t id = field_id(field);
        terms.field_ids.push_back(id);
        if (id >= 0) wanted_.insert(id);
      }
    }
    for (auto& [template_id, columns] : by_template_) columns.resize_to(ids_.size());
  }

  const std::vector<std::string>& Ids() const { return ids_; }
  const std::string& Description(size_t column) const { return descriptions_[column]; }
  const std::string& Label(size_t column) const { return labels_[column]; }
  const std::set<int64_t>& WantedFieldIds() const { return wanted_; }
  // The terms of each column in `template_id`; nullptr when the crosswalk does not name it.
  const std::vector<Terms>* Of(const std::string& template_id) const {
    auto found = by_template_.find(template_id);
    return found == by_template_.end() ? nullptr : &found->second.terms;
  }

 private:
  struct Columns {
    std::vector<Terms> terms;
    std::vector<Terms>& resize_to(size_t size) {
      if (terms.size() < size) terms.resize(size);
      return terms;
    }
  };
  std::vector<std::string> ids_, descriptions_, labels_;
  std::unordered_map<std::string, size_t> index_;
  std::map<std::string, Columns> by_template_;
  std::set<int64_t> wanted_;
};

// The values of the crosswalk's fields in one version (absent: not stored; nullopt: blank).
std::string WantedValuesSql(const std::set<int64_t>& wanted) {
  std::string sql =
      "SELECT field_id, value FROM field_values WHERE snapshot_id = ?1 AND listed = 1 "
      "AND field_id IN (";
  bool first = true;
  for (int64_t id : wanted) {
    if (!first) sql += ',';
    sql += std::to_string(id);
    first = false;
  }
  if (first) sql += "NULL";
  return sql + ")";
}

std::string SumText(const std::vector<int64_t>& field_ids,
                    const std::unordered_map<int64_t, Value>& values) {
  if (field_ids.empty()) return "";
  double sum = 0;
  for (int64_t id : field_ids) {
    auto found = values.find(id);
    if (found == values.end() || !found->second) return "";  // a missing or blank term: null
    sum += *found->second;
  }
  return FormatValue(sum);
}

}  // namespace

ExportStats SqliteStore::ExportPanel(const ExportOptions& options, ExportSink& sink) {
  return Read("exporting the panel", [&] {
    // In the export's own read transaction: the cross-year results are those of the rows read.
    StageCrossYearQuality();
    Indicators indicators(options.crosswalk, [&](const std::string& name) -> int64_t {
      SQLite::Statement& find = Prepared("SELECT id FROM field_names WHERE name = ?");
      find.bind(1, name);
      return find.executeStep() ? find.getColumn(0).getInt64() : -1;
    });

    std::vector<ExportColumn> columns = BodyColumns();
    columns.push_back(
        {"issuer", Type::kString, "", "", "the issuing body as the row's report prints it"});
    columns.push_back({"year", Type::kInteger, "", "", "the report year"});
    for (size_t i = 0; i < indicators.Ids().size(); ++i) {
      columns.push_back(
          {indicators.Ids()[i], Type::kNumber, "件", indicators.Label(i),
           "harmonised indicator (rules/harmonised.tsv): " + indicators.Description(i)});
    }
    std::vector<ExportColumn> metadata = {
        {"approximate", Type::kString, "", "",
         "the harmonised columns of this row whose definition only approximates the others "
         "(;-separated)"},
        {"reports", Type::kInteger, "", "",
         "reports of this body and year; the row is the best (fewest failed checks)"},
        {"template", Type::kString, "", "", "the statistics form: legacy, v2019 or v2021"},
        {"version", Type::kInteger, "", "", "the stored version of the report (the latest)"},
        {"url", Type::kString, "", "", "the report's address"},
        {"format", Type::kString, "", "", "source format: html, text, pdf, docx, xlsx, ocr"},
        {"title", Type::kString, "", "", "the report's title"},
        {"published", Type::kDate, "", "", "the publication date printed on the page"},
        {"fetched_at", Type::kDateTime, "", "", "when the version was fetched (UTC)"},
    };
    for (ExportColumn& column : metadata) columns.push_back(std::move(column));
    for (ExportColumn& column : QualityColumns()) columns.push_back(std::move(column));
    sink.Begin(columns);

    ExportStats stats;
    std::unique_ptr<SQLite::Statement> unkeyed = Prepare(kUnkeyedSql);
    BindExportFilters(*unkeyed, options);
    if (unkeyed->executeStep()) stats.panel_unkeyed = unkeyed->getColumn(0).getInt64();

    std::string panel_sql = PanelSql();
    std::unique_ptr<SQLite::Statement> cursor = Prepare(panel_sql.c_str());
    BindExportFilters(*cursor, options);
    std::string values_sql = WantedValuesSql(indicators.WantedFieldIds());
    std::unique_ptr<SQLite::Statement> values = Prepare(values_sql.c_str());

    // A row is written when the next (body, year) starts, since `reports` counts its group.
    ExportRow row;
    int64_t group_reports = 0;
    size_t reports_column = 0;
    auto flush = [&] {
      if (row.empty()) return;
      row[reports_column] = std::to_string(group_reports);
      sink.Row(row);
      ++stats.rows;
      row.clear();
    };
    std::string group_body, group_year;
    bool group_open = false;
    std::unordered_map<int64_t, Value> found;
    while (cursor->executeStep()) {
      ExportedVersion version = ReadExportedVersion(*cursor);
      std::string key = PanelKey(version);
      bool same_group = group_open && key == group_body && version.year == group_year;
      if (!same_group) {
        flush();
        group_open = true;
        group_body = std::move(key);
        group_year = version.year;
        group_reports = 0;
      }
      ++group_reports;
      if (!row.empty()) {  // the group's row is written: this report is another of it
        ++stats.panel_duplicates;
        continue;
      }
      // Best first by the store's own checks; the cross-year ones can make a later one cleaner.
      if (options.only_clean && !version.Clean()) {
        ++stats.not_clean;
        continue;
      }
      ++stats.snapshots;

      found.clear();
      values->reset();
      values->bind(1, version.snapshot_id);
      while (values->executeStep()) {
        SQLite::Column value = values->getColumn(1);
        found[values->getColumn(0).getInt64()] =
            value.isNull() ? Value() : Value(value.getDouble());
      }
      AppendBodyCells(version, row);
      row.push_back(version.issuer);
      row.push_back(version.year);
      const std::vector<Indicators::Terms>* terms = indicators.Of(version.template_id);
      std::string approximate;
      for (size_t i = 0; i < indicators.Ids().size(); ++i) {
        if (!terms) {
          row.emplace_back();
          continue;
        }
        row.push_back(SumText((*terms)[i].field_ids, found));
        if ((*terms)[i].approximate && !row.back().empty()) {
          if (!approximate.empty()) approximate += ';';
          approximate += indicators.Ids()[i];
        }
      }
      row.push_back(approximate);
      reports_column = row.size();
      row.emplace_back();  // `reports`, set by flush
      for (std::string* cell :
           {&version.template_id, &version.version, &version.url, &version.format, &version.title,
            &version.published, &version.fetched_at})
        row.push_back(std::move(*cell));
      AppendQuality(version, row);
    }
    flush();
    sink.End();
    return stats;
  });
}

}  // namespace nianbao::store_internal
