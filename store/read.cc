// What the commands read: history, diff, show, and the counts of `nianbao status`.
#include <map>
#include <nlohmann/json.hpp>

#include "store/codec.h"
#include "store/schema.h"
#include "store/sqlite_store.h"

namespace nianbao::store_internal {
namespace {

struct StoredField {
  std::string name;
  bool listed = true;
  Value value;
  std::optional<std::string> raw;
};

bool SameField(const StoredField& a, const StoredField& b) {
  return a.listed == b.listed && a.value == b.value && a.raw == b.raw;
}

std::optional<std::string> YearText(const std::optional<int>& year) {
  if (!year) return std::nullopt;
  return std::to_string(*year);
}

}  // namespace

int64_t SqliteStore::ReportIdOrThrow(const std::string& url) {
  auto& find =
      Prepared("SELECT r.id FROM reports r JOIN sources s ON s.id = r.source_id WHERE s.url = ?");
  find.bind(1, UrlKey(url));
  if (!find.executeStep()) throw NotFoundError("no report stored for " + url + " in " + path_);
  return find.getColumn(0).getInt64();
}

int SqliteStore::LatestVersion(int64_t report_id) {
  auto& latest = Prepared("SELECT max(version) FROM snapshots WHERE report_id = ?");
  latest.bind(1, static_cast<int64_t>(report_id));
  latest.executeStep();
  return latest.getColumn(0).isNull() ? 0 : latest.getColumn(0).getInt();
}

namespace {

std::vector<StoredField> LoadFields(SQLite::Statement& query, int64_t snapshot_id) {
  query.bind(1, static_cast<int64_t>(snapshot_id));
  std::vector<StoredField> fields;
  while (query.executeStep()) {
    fields.push_back(StoredField{query.getColumn(0).getString(), query.getColumn(1).getInt() != 0,
                                 OptionalDouble(query.getColumn(2)),
                                 OptionalText(query.getColumn(3))});
  }
  query.reset();
  return fields;
}

constexpr const char* kFieldsOfSnapshot =
    "SELECT n.name, v.listed, v.value, v.raw FROM field_values v "
    "JOIN field_names n ON n.id = v.field_id WHERE v.snapshot_id = ? ORDER BY v.ordinal";

}  // namespace

StoredExtraction SqliteStore::LoadSnapshot(int64_t report_id, int version, const std::string& url) {
  auto& head = Prepared(
      "SELECT s.id, s.fetch_id, f.fetched_at, s.template, s.year, s.issuer, s.title, s.published, "
      "s.document_url, s.document_sha256, s.format, s.rules_sha256 FROM snapshots s JOIN fetches f "
      "ON f.id = s.fetch_id WHERE s.report_id = ? AND s.version = "
      "?");
  head.bind(1, static_cast<int64_t>(report_id));
  head.bind(2, version);
  if (!head.executeStep()) {
    int latest = LatestVersion(report_id);
    throw NotFoundError(url + " has no version " + std::to_string(version) + " (versions 1 to " +
                        std::to_string(latest) + ")");
  }
  StoredExtraction stored;
  stored.url = url;
  stored.version = version;
  const int64_t snapshot_id = head.getColumn(0).getInt64();
  stored.fetch_id = head.getColumn(1).getInt64();
  stored.fetched_at = head.getColumn(2).getInt64();
  Extraction& e = stored.extraction;
  e.template_id = OptionalText(head.getColumn(3));
  e.year = OptionalInt(head.getColumn(4));
  e.issuer = OptionalText(head.getColumn(5));
  e.title = OptionalText(head.getColumn(6));
  e.published = OptionalText(head.getColumn(7));
  stored.origin.document_url = OptionalText(head.getColumn(8)).value_or("");
  stored.origin.document_sha256 = OptionalText(head.getColumn(9)).value_or("");
  e.format = OptionalText(head.getColumn(10)).value_or("");
  stored.origin.rules_sha256 = OptionalText(head.getColumn(11)).value_or("");

  auto& values = Prepared(
      "SELECT n.name, v.listed, v.value, v.raw, l.text, v.table_no, v.row_no, v.column_no, "
      "v.page_no "
      "FROM field_values v JOIN field_names n ON n.id = v.field_id "
      "LEFT JOIN labels l ON l.id = v.label_id WHERE v.snapshot_id = ? ORDER BY v.ordinal");
  values.bind(1, snapshot_id);
  while (values.executeStep()) {
    std::string name = values.getColumn(0).getString();
    if (values.getColumn(1).getInt() != 0)
      e.fields.emplace_back(name, OptionalDouble(values.getColumn(2)));
    if (!values.getColumn(3).isNull()) {
      e.cells[name] = FieldCell{values.getColumn(3).getString(),
                                values.getColumn(4).isNull() ? "" : values.getColumn(4).getString(),
                                values.getColumn(5).getInt(),
                                values.getColumn(6).getInt(),
                                values.getColumn(7).getInt(),
                                values.getColumn(8).getInt()};
    }
  }
  auto& checks = Prepared(
      "SELECT identity, total_field, fields, expected, found, kind, found_blank, document_url, "
      "document_sha256 FROM check_failures WHERE snapshot_id = ? ORDER BY ordinal");
  checks.bind(1, snapshot_id);
  while (checks.executeStep()) {
    bool blank = checks.getColumn(6).getInt() != 0;
    e.checks.push_back(CheckFailure{
        checks.getColumn(0).getString(), checks.getColumn(1).getString(),
        nlohmann::json::parse(checks.getColumn(2).getString()).get<std::vector<std::string>>(),
        checks.getColumn(3).getDouble(), blank ? Value() : Value(checks.getColumn(4).getDouble()),
        checks.getColumn(5).getString(), OptionalText(checks.getColumn(7)).value_or(""),
        OptionalText(checks.getColumn(8)).value_or("")});
  }
  auto& status = Prepared(
      "SELECT identity, table_name, status FROM check_status WHERE snapshot_id = ? "
      "ORDER BY ordinal");
  status.bind(1, snapshot_id);
  while (status.executeStep()) {
    e.check_status.push_back(CheckStatus{status.getColumn(0).getString(),
                                         status.getColumn(1).getString(),
                                         status.getColumn(2).getString()});
  }
  auto& facts = Prepared(
      "SELECT field, value, bound, text, sentence, text_offset FROM narrative_facts "
      "WHERE snapshot_id = ? ORDER BY ordinal");
  facts.bind(1, snapshot_id);
  while (facts.executeStep()) {
    e.narrative.push_back(
        NarrativeFact{facts.getColumn(0).getString(), facts.getColumn(1).getDouble(),
                      facts.getColumn(2).getString(), facts.getColumn(3).getString(),
                      facts.getColumn(4).getString(), facts.getColumn(5).getInt()});
  }
  auto& unmatched = Prepared(
      "SELECT kind, label, table_no, row_no, column_no FROM unmatched WHERE snapshot_id = ? "
      "ORDER BY ordinal");
  unmatched.bind(1, snapshot_id);
  while (unmatched.executeStep()) {
    e.unmatched.push_back(
        Unmatched{unmatched.getColumn(0).getString(), unmatched.getColumn(1).getString(),
                  unmatched.getColumn(2).getInt(), unmatched.getColumn(3).getInt(),
                  unmatched.getColumn(4).getInt()});
  }
  auto& warnings = Prepared("SELECT message FROM warnings WHERE snapshot_id = ? ORDER BY ordinal");
  warnings.bind(1, snapshot_id);
  while (warnings.executeStep()) e.warnings.push_back(warnings.getColumn(0).getString());
  return stored;
}

StoredExtraction SqliteStore::Show(const std::string& url, std::optional<int> version) {
  return Read("reading a snapshot", [&] {
    int64_t report = ReportIdOrThrow(url);
    return LoadSnapshot(report, version ? *version : LatestVersion(report), url);
  });
}

std::vector<VersionInfo> SqliteStore::History(const std::string& url) {
  return Read("reading the history", [&] {
    int64_t report = ReportIdOrThrow(url);
    auto& list = Prepared(
        "SELECT s.id, s.version, s.fetch_id, f.fetched_at, s.template, s.year, s.issuer, s.title, "
        "s.published, s.data_sha256 FROM snapshots s JOIN fetches f ON f.id = s.fetch_id "
        "WHERE s.report_id = ? ORDER BY s.version");
    list.bind(1, static_cast<int64_t>(report));
    std::vector<std::pair<int64_t, VersionInfo>> versions;
    while (list.executeStep()) {
      VersionInfo info;
      info.version = list.getColumn(1).getInt();
      info.fetch_id = list.getColumn(2).getInt64();
      info.fetched_at = list.getColumn(3).getInt64();
      info.template_id = OptionalText(list.getColumn(4));
      info.year = OptionalInt(list.getColumn(5));
      info.issuer = OptionalText(list.getColumn(6));
      info.title = OptionalText(list.getColumn(7));
      info.published = OptionalText(list.getColumn(8));
      info.data_sha256 = list.getColumn(9).getString();
      versions.emplace_back(list.getColumn(0).getInt64(), std::move(info));
    }
    list.reset();
    // Two versions' fields at a time: memory stays at one report's size.
    SQLite::Statement& fields = Prepared(kFieldsOfSnapshot);
    std::map<std::string, StoredField> previous;
    std::vector<VersionInfo> out;
    for (auto& [snapshot_id, info] : versions) {
      std::map<std::string, StoredField> current;
      for (auto& field : LoadFields(fields, snapshot_id))
        current.emplace(field.name, std::move(field));
      info.fields = 0;
      int changed = 0;
      for (const auto& [name, field] : current) {
        if (field.listed) ++info.fields;
        auto old = previous.find(name);
        if (old == previous.end() || !SameField(old->second, field)) ++changed;
      }
      for (const auto& [name, field] : previous) changed += current.contains(name) ? 0 : 1;
      info.fields_changed = changed;
      previous = std::move(current);
      out.push_back(std::move(info));
    }
    return out;
  });
}

VersionDiff SqliteStore::Diff(const std::string& url, std::optional<int> from,
                              std::optional<int> to) {
  return Read("comparing versions", [&] {
    int64_t report = ReportIdOrThrow(url);
    int latest = LatestVersion(report);
    VersionDiff diff;
    diff.url = url;
    diff.to = to ? *to : latest;
    diff.from = from ? *from : diff.to - 1;
    if (!from && !to && latest < 2) {
      throw NotFoundError(url + " has a single version; there is nothing to compare");
    }
    StoredExtraction older = LoadSnapshot(report, diff.from, url);
    StoredExtraction newer = LoadSnapshot(report, diff.to, url);
    const Extraction& a = older.extraction;
    const Extraction& b = newer.extraction;

    auto metadata = [&](const char* name, const std::optional<std::string>& x,
                        const std::optional<std::string>& y) {
      if (x != y) diff.metadata.push_back(MetadataChange{name, x, y});
    };
    metadata("template", a.template_id, b.template_id);
    metadata("year", YearText(a.year), YearText(b.year));
    metadata("issuer", a.issuer, b.issuer);
    metadata("title", a.title, b.title);
    metadata("published", a.published, b.published);

    SQLite::Statement& query = Prepared(kFieldsOfSnapshot);
    auto snapshot_id = [&](int version) {
      auto& id = Prepared("SELECT id FROM snapshots WHERE report_id = ? AND version = ?");
      id.bind(1, static_cast<int64_t>(report));
      id.bind(2, version);
      id.executeStep();
      int64_t result = id.getColumn(0).getInt64();
      id.reset();
      return result;
    };
    std::vector<StoredField> old_fields = LoadFields(query, snapshot_id(diff.from));
    std::vector<StoredField> new_fields = LoadFields(query, snapshot_id(diff.to));
    std::map<std::string, const StoredField*> old_by_name, new_by_name;
    for (const auto& f : old_fields) old_by_name.emplace(f.name, &f);
    for (const auto& f : new_fields) new_by_name.emplace(f.name, &f);
    for (const auto& f : new_fields) {
      auto old = old_by_name.find(f.name);
      if (old != old_by_name.end() && SameField(*old->second, f)) continue;
      FieldChange change{f.name, std::nullopt, f.value, std::nullopt, f.raw, false, f.listed};
      if (old != old_by_name.end()) {
        change.old_value = old->second->value;
        change.old_raw = old->second->raw;
        change.old_present = old->second->listed;
      }
      diff.fields.push_back(std::move(change));
    }
    for (const auto& f : old_fields) {
      if (new_by_name.contains(f.name)) continue;
      diff.fields.push_back(
          FieldChange{f.name, f.value, std::nullopt, f.raw, std::nullopt, f.listed, false});
    }
    return diff;
  });
}

namespace {

// An ArchivedDocument from a row whose first columns are f.id, f.body_sha256, d.media_type,
// f.charset.
ArchivedDocument ReadArchived(SQLite::Statement& query, const std::string& url) {
  return ArchivedDocument{url, query.getColumn(1).getString(), query.getColumn(0).getInt64(),
                          query.getColumn(2).getString(), query.getColumn(3).getString()};
}

}  // namespace

std::optional<ArchivedDocument> SqliteStore::LatestDocument(const std::string& url) {
  constexpr const char* kSql =
      "SELECT f.id, f.body_sha256, d.media_type, f.charset FROM fetches f JOIN sources s ON s.id = "
      "f.source_id "
      "JOIN documents d ON d.sha256 = f.body_sha256 "
      "WHERE s.url = ? AND f.error = '' AND f.status / 100 = 2 ORDER BY f.id DESC LIMIT 1";
  return Read("finding a document", [&]() -> std::optional<ArchivedDocument> {
    auto& find = Prepared(kSql);
    find.bind(1, UrlKey(url));
    if (!find.executeStep()) return std::nullopt;
    return ReadArchived(find, UrlKey(url));
  });
}

std::vector<ArchivedDocument> SqliteStore::ReportAttachments(const std::string& page_url) {
  // Each attachment's latest successful fetch whose body is stored.
  constexpr const char* kSql =
      "SELECT f.id, f.body_sha256, d.media_type, f.charset, a.url FROM (SELECT DISTINCT s.id AS "
      "id, s.url AS url FROM attachments l "
      "JOIN sources p ON p.id = l.report_source_id JOIN sources s ON s.id = "
      "l.attachment_source_id WHERE p.url = ? AND l.page_kind <> 'list') a "
      "JOIN fetches f ON f.id = (SELECT max(g.id) FROM fetches g JOIN documents e ON e.sha256 = "
      "g.body_sha256 WHERE g.source_id = a.id AND g.error = '' AND g.status / 100 = 2) "
      "JOIN documents d ON d.sha256 = f.body_sha256 ORDER BY a.id";
  return Read("finding attachments", [&] {
    auto& find = Prepared(kSql);
    find.bind(1, UrlKey(page_url));
    std::vector<ArchivedDocument> out;
    while (find.executeStep()) out.push_back(ReadArchived(find, find.getColumn(4).getString()));
    return out;
  });
}

std::vector<std::string> SqliteStore::PagesLinking(const std::string& attachment_url) {
  return Read("finding pages", [&] {
    auto& find = Prepared(
        "SELECT DISTINCT p.url, p.id FROM attachments l JOIN sources p ON p.id = "
        "l.report_source_id JOIN sources s ON s.id = l.attachment_source_id "
        "WHERE s.url = ? AND l.page_kind <> 'list' ORDER BY p.id");
    find.bind(1, UrlKey(attachment_url));
    std::vector<std::string> out;
    while (find.executeStep()) out.push_back(find.getColumn(0).getString());
    return out;
  });
}

std::vector<std::string> SqliteStore::ArchivedPages() {
  return Read("listing archived pages", [&] {
    auto& list = Prepared(
        "SELECT s.url FROM sources s WHERE (EXISTS (SELECT 1 FROM reports r WHERE r.source_id = "
        "s.id) OR EXISTS (SELECT 1 FROM document_sources d WHERE d.source_id = s.id)) "
        "AND NOT EXISTS (SELECT 1 FROM attachments l WHERE l.attachment_source_id = s.id "
        "AND l.page_kind <> 'list') ORDER BY s.id");
    std::vector<std::string> out;
    while (list.executeStep()) out.push_back(list.getColumn(0).getString());
    return out;
  });
}

StoreStatus SqliteStore::Status(int64_t now) {
  return Read("counting", [&] {
    StoreStatus status;
    auto count = [&](const char* sql) {
      SQLite::Statement& query = Prepared(sql);
      query.executeStep();
      int64_t n = query.getColumn(0).getInt64();
      query.reset();
      return n;
    };
    status.seeds = count("SELECT count(*) FROM seeds");
    status.sources = count("SELECT count(*) FROM sources");
    status.reports = count("SELECT count(*) FROM reports WHERE latest_snapshot_id IS NOT NULL");
    status.versions = count("SELECT count(*) FROM snapshots");
    status.documents = count("SELECT count(*) FROM documents");
    status.fetches = count("SELECT max(id) FROM fetches");
    status.pending = count("SELECT count(*) FROM frontier WHERE done = 0");
    auto& day = Prepared(
        "SELECT count(*), coalesce(sum(error <> '' OR status >= 400), 0) FROM fetches "
        "WHERE fetched_at >= ?");
    day.bind(1, static_cast<int64_t>(now - 86400));
    day.executeStep();
    status.fetches_last_day = day.getColumn(0).getInt64();
    status.fetch_errors_last_day = day.getColumn(1).getInt64();
    day.reset();
    status.schema_version = UserVersion(*db_);
    return status;
  });
}

}  // namespace nianbao::store_internal
