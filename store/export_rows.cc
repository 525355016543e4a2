#include "store/export_rows.h"

#include <algorithm>
#include <string_view>

#include "store/codec.h"
#include "store/sqlite_util.h"

namespace nianbao::store_internal {

const char* const kVersionColumnsSql =
    "s.id, src.url, s.issuer, s.year, s.template, s.version, f.fetched_at, s.title, s.published, "
    "s.format, s.rules_sha256, "
    // In check order (the primary key's); an identity failing twice is made one in C++, so
    // that no row needs a temporary sort.
    "(SELECT group_concat(identity, ';') FROM check_failures c WHERE c.snapshot_id = s.id), "
    "(SELECT count(*) FROM check_status c WHERE c.snapshot_id = s.id "
    "AND c.status = 'not_assessable'), "
    "(SELECT count(*) FROM unmatched u WHERE u.snapshot_id = s.id) AS unmatched_rows, "
    "(SELECT count(*) FROM warnings w WHERE w.snapshot_id = s.id), "
    "(SELECT count(*) FROM check_failures c WHERE c.snapshot_id = s.id) AS failed_rows, "
    "b.id, b.name, b.level, b.province, b.region_code, s.id = r.latest_snapshot_id, "
    "cy.failed, cy.warned";

const char* const kVersionJoinsSql =
    " JOIN sources src ON src.id = r.source_id JOIN fetches f ON f.id = s.fetch_id"
    " LEFT JOIN bodies b ON b.id = r.body_id"
    " LEFT JOIN temp.export_cross_year cy ON cy.snapshot_id = s.id";

const char* const kVersionFiltersSql =
    "(?1 IS NULL OR s.template = ?1) AND (?2 IS NULL OR s.year = ?2) "
    "AND (?3 IS NULL OR instr(s.issuer, ?3) > 0)";

void BindExportFilters(SQLite::Statement& cursor, const ExportOptions& options) {
  BindOptional(cursor, 1, options.template_id);
  if (options.year) {
    cursor.bind(2, *options.year);
  } else {
    cursor.bind(2);
  }
  BindOptional(cursor, 3, options.issuer);
}

namespace {

// "a;b;a" → "a;b": each identity once, in first-seen order.
std::string UniqueIds(const std::string& joined) {
  if (joined.find(';') == std::string::npos) return joined;
  std::vector<std::string_view> seen;
  std::string out;
  std::string_view rest(joined);
  while (!rest.empty()) {
    size_t semicolon = rest.find(';');
    std::string_view id = rest.substr(0, semicolon);
    rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
    if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
    seen.push_back(id);
    if (!out.empty()) out += ';';
    out += id;
  }
  return out;
}

// How many identities ";"-joined `ids` holds.
int64_t IdCount(const std::string& ids) {
  return ids.empty() ? 0 : 1 + std::count(ids.begin(), ids.end(), ';');
}

}  // namespace

ExportedVersion ReadExportedVersion(SQLite::Statement& cursor) {
  auto text = [&](int column) {
    SQLite::Column c = cursor.getColumn(column);
    return c.isNull() ? std::string() : c.getString();
  };
  ExportedVersion v;
  v.snapshot_id = cursor.getColumn(0).getInt64();
  v.url = text(1);
  v.issuer = text(2);
  v.year = text(3);
  v.template_id = text(4);
  v.version = text(5);
  v.fetched_at = IsoTime(cursor.getColumn(6).getInt64());
  v.title = text(7);
  v.published = text(8);
  v.format = text(9);
  v.rules_sha256 = text(10);
  v.failed_ids = UniqueIds(text(11));
  v.failed = IdCount(v.failed_ids);
  v.not_assessable = cursor.getColumn(12).getInt64();
  v.unmatched = cursor.getColumn(13).getInt64();
  v.warnings = cursor.getColumn(14).getInt64();
  if (!cursor.getColumn(16).isNull()) v.body_id = std::to_string(cursor.getColumn(16).getInt64());
  v.body_name = text(17);
  v.body_level = text(18);
  v.body_province = text(19);
  v.body_region_code = text(20);
  v.latest = cursor.getColumn(21).getInt() != 0;
  // The report's cross-year checks that failed or warned (its latest version's: they judged it);
  // older versions keep their own checks only.
  if (v.latest && !cursor.getColumn(22).isNull()) {
    std::string failed = cursor.getColumn(22).getString();
    if (!failed.empty()) {
      if (!v.failed_ids.empty()) v.failed_ids += ';';
      v.failed_ids += failed;
      v.failed_ids = UniqueIds(v.failed_ids);  // a duplicate's checks may repeat an id
      v.failed = IdCount(v.failed_ids);
    }
    v.warned_ids = UniqueIds(cursor.getColumn(23).getString());
  }
  return v;
}

std::vector<ExportColumn> BodyColumns() {
  using T = ExportColumn::Type;
  return {
      {"body_id", T::kInteger, "", "",
       "the body record's id (nianbao coverage, reports); empty: no body record"},
      {"body_name", T::kString, "", "",
       "the body's canonical name (rules/bodies.tsv, regions.tsv)"},
      {"body_level", T::kString, "", "",
       "national, provincial, prefecture, county, township or department"},
      {"body_province", T::kString, "", "", "the body's province; empty: national or unknown"},
      {"body_region_code", T::kString, "", "",
       "GB/T 2260 division code (6 digits); empty: not known"},
  };
}

void AppendBodyCells(const ExportedVersion& version, ExportRow& row) {
  for (const std::string* cell : {&version.body_id, &version.body_name, &version.body_level,
                                  &version.body_province, &version.body_region_code})
    row.push_back(*cell);
}

std::vector<ExportColumn> QualityColumns() {
  using T = ExportColumn::Type;
  return {
      {"checks_failed", T::kInteger, "", "",
       "number of checks that failed: sums, text against table, year against year"},
      {"checks_failed_ids", T::kString, "", "", "the failed checks' identities, ;-separated"},
      {"checks_not_assessable", T::kInteger, "", "",
       "checks that could not be assessed (a blank or missing term)"},
      {"unmatched", T::kInteger, "", "", "table labels that matched no field"},
      {"warnings", T::kInteger, "", "", "extraction warnings (nianbao show lists them)"},
      {"rules_sha256", T::kString, "", "", "SHA-256 of the rules that made the extraction"},
      {"checks_warned_ids", T::kString, "", "",
       "the year-against-year checks that warned (cross_year.in_force.*), ;-separated"},
  };
}

void AppendQuality(const ExportedVersion& version, ExportRow& row) {
  row.push_back(std::to_string(version.failed));
  row.push_back(version.failed_ids);
  row.push_back(std::to_string(version.not_assessable));
  row.push_back(std::to_string(version.unmatched));
  row.push_back(std::to_string(version.warnings));
  row.push_back(version.rules_sha256);
  row.push_back(version.warned_ids);
}

}  // namespace nianbao::store_internal
