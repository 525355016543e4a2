// The read methods behind `nianbao coverage`, `reports`, `errors` and `changes` (store/coverage.h).
#include "store/coverage.h"

#include <sstream>

#include "store/codec.h"
#include "store/sqlite_store.h"

namespace nianbao::store_internal {
namespace {

std::vector<std::string> SplitSpaces(const std::string& text) {
  std::vector<std::string> parts;
  std::istringstream in(text);
  std::string part;
  while (in >> part) parts.push_back(part);
  return parts;
}

std::string Date(int64_t unix_seconds) { return IsoTime(unix_seconds).substr(0, 10); }

// The order coverage lists levels in: governments from the top, then departments.
constexpr const char* kLevelOrder =
    "CASE level WHEN 'national' THEN 0 WHEN 'provincial' THEN 1 WHEN 'prefecture' THEN 2 "
    "WHEN 'county' THEN 3 WHEN 'township' THEN 4 WHEN 'department' THEN 5 ELSE 6 END";

}  // namespace

std::vector<CoverageRow> SqliteStore::Coverage(const CoverageQuery& query) {
  static const std::string sql =
      std::string(
          "SELECT year, body_id, body, level, province, coalesce(region_code, ''), "
          "coalesce(government, ''), expected, coalesce(url, ''), coalesce(published, ''), "
          "coalesce(published_from, ''), coalesce(deadline, ''), coalesce(deadline_rule, ''), "
          "status, days_late, checks_failed, coalesce(check_ids, ''), coalesce(seeds, '') "
          "FROM coverage WHERE year = ?1 AND (?2 = '' OR province = ?2 OR province LIKE ?2 || '%') "
          "AND (?3 = '' OR level = ?3) ORDER BY province, ") +
      kLevelOrder + ", body";
  return Read("reading coverage", [&] {
    std::vector<CoverageRow> rows;
    auto& select = Prepared(sql.c_str());
    select.bind(1, query.year);
    select.bind(2, query.province);
    select.bind(3, query.level);
    while (select.executeStep()) {
      CoverageRow row;
      row.year = select.getColumn(0).getInt();
      row.body_id = select.getColumn(1).getInt64();
      row.body = select.getColumn(2).getString();
      row.level = select.getColumn(3).getString();
      row.province = select.getColumn(4).getString();
      row.region_code = select.getColumn(5).getString();
      row.government = select.getColumn(6).getString();
      row.expected = select.getColumn(7).getString();
      row.url = select.getColumn(8).getString();
      row.published = select.getColumn(9).getString();
      row.published_from = select.getColumn(10).getString();
      row.deadline = select.getColumn(11).getString();
      row.deadline_rule = select.getColumn(12).getString();
      row.status = select.getColumn(13).getString();
      row.days_late = OptionalInt(select.getColumn(14));
      row.checks_failed = select.getColumn(15).getInt();
      row.check_ids = select.getColumn(16).getString();
      row.seeds = SplitSpaces(select.getColumn(17).getString());
      rows.push_back(std::move(row));
    }
    select.reset();
    // What was crawled for a body not found: each seed's last fetch, its pages, its report years.
    auto& fetch = Prepared(
        "SELECT f.fetched_at, f.status, f.error FROM fetches f JOIN sources s ON s.id = "
        "f.source_id WHERE s.url = ? ORDER BY f.id DESC LIMIT 1");
    auto& pages = Prepared("SELECT count(*) FROM frontier WHERE seed = ? AND done = 1");
    auto& years = Prepared(
        "SELECT group_concat(year, ', ') FROM (SELECT DISTINCT sn.year FROM frontier f "
        "JOIN sources s ON s.url = f.url JOIN reports r ON r.source_id = s.id "
        "JOIN snapshots sn ON sn.id = r.latest_snapshot_id WHERE f.seed = ? AND sn.year IS NOT "
        "NULL ORDER BY sn.year)");
    for (CoverageRow& row : rows) {
      if (row.status != "not_found") continue;
      if (row.seeds.empty()) row.crawled = "no seed names this body";
      for (const std::string& seed : row.seeds) {
        std::string text = seed + ": ";
        fetch.bind(1, seed);
        if (fetch.executeStep()) {
          std::string error = fetch.getColumn(2).getString();
          int status = fetch.getColumn(1).getInt();
          if (error == "http_" + std::to_string(status)) error.clear();  // the status says it
          text += "last fetched " + Date(fetch.getColumn(0).getInt64()) + " (" +
                  (error.empty() ? "HTTP " + std::to_string(status)
                                 : error + (status ? ", HTTP " + std::to_string(status) : "")) +
                  ")";
        } else {
          text += "never fetched";
        }
        fetch.reset();
        pages.bind(1, seed);
        pages.executeStep();
        int64_t crawled = pages.getColumn(0).getInt64();
        text += ", " + std::to_string(crawled) + (crawled == 1 ? " page" : " pages") + " crawled";
        pages.reset();
        years.bind(1, seed);
        years.executeStep();
        std::string found = years.getColumn(0).isNull() ? "" : years.getColumn(0).getString();
        years.reset();
        text += found.empty() ? ", no report found" : ", reports found for " + found;
        row.crawled += (row.crawled.empty() ? "" : "; ") + text;
      }
    }
    return rows;
  });
}

std::vector<ReportRow> SqliteStore::Reports(const ReportQuery& query) {
  return Read("listing reports", [&] {
    auto& select = Prepared(
        "SELECT s.url, sn.version, coalesce(sn.template, ''), sn.year, coalesce(sn.issuer, ''), "
        "coalesce(b.name, ''), coalesce(b.level, ''), coalesce(b.province, ''), "
        "coalesce(b.region_code, ''), coalesce(sn.published, ''), f.fetched_at, "
        "(SELECT count(*) FROM check_failures c WHERE c.snapshot_id = sn.id), "
        "(SELECT coalesce(group_concat(c.identity, ' '), '') FROM check_failures c "
        " WHERE c.snapshot_id = sn.id) "
        "FROM reports r JOIN sources s ON s.id = r.source_id "
        "JOIN snapshots sn ON sn.id = r.latest_snapshot_id JOIN fetches f ON f.id = sn.fetch_id "
        "LEFT JOIN bodies b ON b.id = r.body_id "
        "WHERE (?1 IS NULL OR sn.year = ?1) AND (?2 = '' OR sn.template = ?2) "
        "AND (?3 = '' OR instr(coalesce(b.name, ''), ?3) > 0 OR instr(coalesce(sn.issuer, ''), "
        "?3) > 0) AND (?4 = 0 OR EXISTS (SELECT 1 FROM check_failures c WHERE c.snapshot_id = "
        "sn.id)) ORDER BY sn.year, coalesce(b.name, sn.issuer, ''), s.url");
    if (query.year) {
      select.bind(1, *query.year);
    } else {
      select.bind(1);
    }
    select.bind(2, query.template_id);
    select.bind(3, query.body);
    select.bind(4, query.failed_only ? 1 : 0);
    std::vector<ReportRow> rows;
    while (select.executeStep()) {
      ReportRow row;
      row.url = select.getColumn(0).getString();
      row.version = select.getColumn(1).getInt();
      row.template_id = select.getColumn(2).getString();
      row.year = OptionalInt(select.getColumn(3));
      row.issuer = select.getColumn(4).getString();
      row.body = select.getColumn(5).getString();
      row.level = select.getColumn(6).getString();
      row.province = select.getColumn(7).getString();
      row.region_code = select.getColumn(8).getString();
      row.published = select.getColumn(9).getString();
      row.fetched_at = select.getColumn(10).getInt64();
      row.checks_failed = select.getColumn(11).getInt();
      row.check_ids = select.getColumn(12).getString();
      rows.push_back(std::move(row));
    }
    return rows;
  });
}

std::vector<ErrorRow> SqliteStore::Errors(int64_t since) {
  return Read("listing fetch errors", [&] {
    auto& select = Prepared(
        "SELECT s.url, f.error, f.status, f.fetched_at, "
        "(SELECT count(*) FROM fetches e WHERE e.source_id = s.id AND e.fetched_at >= ?1 "
        " AND (e.error <> '' OR e.status >= 400)), "
        "coalesce((SELECT max(o.fetched_at) FROM fetches o WHERE o.source_id = s.id "
        " AND o.error = '' AND o.status BETWEEN 200 AND 399), 0) "
        "FROM sources s JOIN fetches f ON f.id = (SELECT max(l.id) FROM fetches l "
        " WHERE l.source_id = s.id) "
        "WHERE (f.error <> '' OR f.status >= 400) AND f.fetched_at >= ?1 "
        "ORDER BY f.fetched_at DESC, s.url");
    select.bind(1, static_cast<int64_t>(since));
    std::vector<ErrorRow> rows;
    while (select.executeStep()) {
      ErrorRow row;
      row.url = select.getColumn(0).getString();
      row.error = select.getColumn(1).getString();
      row.status = select.getColumn(2).getInt();
      if (row.error.empty()) row.error = "http_" + std::to_string(row.status);
      row.last_attempt = select.getColumn(3).getInt64();
      row.attempts = select.getColumn(4).getInt();
      row.last_success = select.getColumn(5).getInt64();
      rows.push_back(std::move(row));
    }
    return rows;
  });
}

std::vector<ChangeRow> SqliteStore::Changes(int64_t since) {
  std::vector<ChangeRow> rows = Read("listing new versions", [&] {
    auto& select = Prepared(
        "SELECT s.url, sn.version, f.fetched_at, coalesce(b.name, sn.issuer, ''), sn.year, "
        "(SELECT count(*) FROM field_values v WHERE v.snapshot_id = sn.id AND v.listed = 1) "
        "FROM snapshots sn JOIN reports r ON r.id = sn.report_id "
        "JOIN sources s ON s.id = r.source_id JOIN fetches f ON f.id = sn.fetch_id "
        "LEFT JOIN bodies b ON b.id = r.body_id "
        "WHERE f.fetched_at >= ? ORDER BY f.fetched_at, sn.id");
    select.bind(1, static_cast<int64_t>(since));
    std::vector<ChangeRow> found;
    while (select.executeStep()) {
      ChangeRow row;
      row.url = select.getColumn(0).getString();
      row.version = select.getColumn(1).getInt();
      row.fetched_at = select.getColumn(2).getInt64();
      row.body = select.getColumn(3).getString();
      row.year = OptionalInt(select.getColumn(4));
      row.fields_total = select.getColumn(5).getInt();
      found.push_back(std::move(row));
    }
    return found;
  });
  for (ChangeRow& row : rows) {  // each Diff is its own read
    if (row.version < 2) continue;
    VersionDiff diff = Diff(row.url, row.version - 1, row.version);
    for (const MetadataChange& change : diff.metadata) row.metadata.push_back(change.name);
    for (const FieldChange& change : diff.fields) row.fields.push_back(change.field);
  }
  return rows;
}

}  // namespace nianbao::store_internal
