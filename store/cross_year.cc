// Year against year (store/cross_year.h): the pure checks, and the Store methods that read the
// latest snapshots for them and for `nianbao checks`.
#include "store/cross_year.h"

#include <sqlite3.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <unordered_map>

#include "store/codec.h"
#include "store/sqlite_store.h"

namespace nianbao {
namespace {

constexpr const char* kColumns[] = {"natural_person", "commercial", "research", "nonprofit",
                                    "legal_services", "other_org",  "total"};
constexpr const char* kInForceKinds[] = {"rules", "normative_docs"};

std::string Figure(const Value& value) {
  return value ? store_internal::FormatValue(value) : "blank";
}

// The field of `snapshot`, or nullopt when its template has no such field.
std::optional<Value> Lookup(const YearSnapshot& snapshot, const std::string& field) {
  auto found = snapshot.fields.find(field);
  if (found == snapshot.fields.end()) return std::nullopt;
  return found->second;
}

CrossYearCheck Base(const YearSnapshot& now, const YearSnapshot& before, std::string identity) {
  CrossYearCheck check;
  check.identity = std::move(identity);
  check.body = now.body;
  check.year = now.year;
  check.url = now.url;
  check.previous_url = before.url;
  return check;
}

CrossYearCheck CarriedOver(const YearSnapshot& now, const YearSnapshot& before,
                           const std::string& column) {
  CrossYearCheck check = Base(now, before, "cross_year.carried_over." + column);
  check.field = "requests.carried_over." + column;
  check.previous_field = "requests.carried_forward." + column;
  auto found = Lookup(now, check.field);
  auto expected = Lookup(before, check.previous_field);
  const std::string years = std::to_string(now.year) + " vs " + std::to_string(before.year);
  if (!found || !expected) {
    check.status = "not_assessable";
    check.detail = years + ": " + (!found ? check.field : check.previous_field) +
                   " is not in that year's template";
    return check;
  }
  check.found = *found;
  check.expected = *expected;
  if (!*found && !*expected) {
    check.status = "not_assessable";
    check.detail = years + ": both are blank";
    return check;
  }
  check.status = found->value_or(0) == expected->value_or(0) ? "pass" : "fail";
  check.detail = std::to_string(now.year) + " carried over " + Figure(*found) + ", " +
                 std::to_string(before.year) + " carried forward " + Figure(*expected);
  return check;
}

CrossYearCheck InForce(const YearSnapshot& now, const YearSnapshot& before,
                       const std::string& kind) {
  CrossYearCheck check = Base(now, before, "cross_year.in_force." + kind);
  const std::string prefix = "active." + kind + ".";
  check.field = prefix + "in_force";
  check.previous_field = prefix + "in_force";
  auto found = Lookup(now, check.field);
  auto issued = Lookup(now, prefix + "issued");
  auto repealed = Lookup(now, prefix + "repealed");
  auto previous = Lookup(before, check.previous_field);
  if (!found || !issued || !repealed || !previous) {
    check.status = "not_assessable";
    check.detail = "a v2021 表二 is needed in both " + std::to_string(before.year) + " and " +
                   std::to_string(now.year);
    return check;
  }
  check.found = *found;
  if (!*found || !*previous) {
    check.status = "not_assessable";
    check.detail =
        std::string("现行有效件数 is blank in ") + std::to_string(!*found ? now.year : before.year);
    return check;
  }
  check.expected = **previous + issued->value_or(0) - repealed->value_or(0);
  check.status = **found == *check.expected ? "pass" : "warning";
  check.detail = std::to_string(before.year) + " in force " + Figure(*previous) + " + issued " +
                 Figure(*issued) + " − repealed " + Figure(*repealed) + " = " +
                 Figure(check.expected) + ", " + std::to_string(now.year) + " prints " +
                 Figure(*found);
  return check;
}

CrossYearCheck Duplicate(const YearSnapshot& kept, const YearSnapshot& other) {
  CrossYearCheck check = Base(other, kept, "cross_year.duplicate");
  bool same = kept.data_digest == other.data_digest;
  check.status = same ? "pass" : "fail";
  check.detail = "a second report of " + std::to_string(kept.year) +
                 (same ? " with the same figures" : " whose figures differ from ") +
                 (same ? "" : kept.url);
  return check;
}

CrossYearCheck Missing(const std::string& body, int year, const YearSnapshot& before,
                       const YearSnapshot& after) {
  CrossYearCheck check;
  check.identity = "cross_year.missing";
  check.body = body;
  check.year = year;
  check.status = "fail";
  check.previous_url = before.url;
  check.detail = "no report of " + std::to_string(year) + " between those of " +
                 std::to_string(before.year) + " and " + std::to_string(after.year);
  return check;
}

// The checks of one body, whose snapshots are sorted by year, then latest first.
void CheckBody(const std::vector<const YearSnapshot*>& snapshots,
               std::vector<CrossYearCheck>& out) {
  const YearSnapshot* previous = nullptr;  // the kept snapshot of the previous reported year
  for (size_t i = 0; i < snapshots.size();) {
    const YearSnapshot& kept = *snapshots[i];
    size_t end = i + 1;
    while (end < snapshots.size() && snapshots[end]->year == kept.year) ++end;
    if (previous) {
      for (int gap = previous->year + 1; gap < kept.year; ++gap) {
        out.push_back(Missing(kept.body, gap, *previous, kept));
      }
      if (previous->year == kept.year - 1) {
        for (const char* column : kColumns) out.push_back(CarriedOver(kept, *previous, column));
        for (const char* kind : kInForceKinds) out.push_back(InForce(kept, *previous, kind));
      }
    }
    for (size_t j = i + 1; j < end; ++j) {
      out.push_back(Duplicate(kept, *snapshots[j]));
      out.push_back(Duplicate(*snapshots[j], kept));  // each of the two reports has its own
    }
    previous = &kept;
    i = end;
  }
}

}  // namespace

bool CrossYearField(const std::string& field) {
  if (field.starts_with("requests.carried_over.") || field.starts_with("requests.carried_forward."))
    return true;
  for (const char* kind : kInForceKinds) {
    std::string prefix = std::string("active.") + kind + ".";
    if (field == prefix + "in_force" || field == prefix + "issued" || field == prefix + "repealed")
      return true;
  }
  return false;
}

std::string BodyKey(std::string_view issuer) {
  for (std::string_view organ : {"管理委员会", "管委会", "人民政府", "政府"}) {
    // At least a two-character place (6 bytes of UTF-8) must be left.
    if (issuer.size() >= organ.size() + 6 && issuer.ends_with(organ)) {
      return std::string(issuer.substr(0, issuer.size() - organ.size()));
    }
  }
  return std::string(issuer);
}

namespace {

std::string Group(const std::optional<int64_t>& body_id, std::string_view issuer) {
  if (body_id) return "body:" + std::to_string(*body_id);
  return "issuer:" + BodyKey(issuer);
}

}  // namespace

std::string CrossYearGroup(const YearSnapshot& snapshot) {
  return Group(snapshot.body_id, snapshot.body);
}

std::vector<CrossYearCheck> CheckAcrossYears(std::vector<YearSnapshot> snapshots) {
  std::vector<std::pair<std::string, const YearSnapshot*>> order;
  for (const auto& s : snapshots) order.emplace_back(CrossYearGroup(s), &s);
  std::sort(order.begin(), order.end(), [](const auto& x, const auto& y) {
    // By body and year; within a year the latest fetch (then the latest snapshot) first.
    const YearSnapshot &a = *x.second, &b = *y.second;
    return std::tie(x.first, a.year, b.fetched_at, b.snapshot_id, a.url) <
           std::tie(y.first, b.year, a.fetched_at, a.snapshot_id, b.url);
  });
  std::vector<CrossYearCheck> out;
  for (size_t i = 0; i < order.size();) {
    size_t end = i + 1;
    while (end < order.size() && order[end].first == order[i].first) ++end;
    std::vector<const YearSnapshot*> body;
    for (size_t j = i; j < end; ++j) body.push_back(order[j].second);
    CheckBody(body, out);
    i = end;
  }
  return out;
}

namespace store_internal {
namespace {

// Each report's latest version that names an issuer and a year, a body's reports consecutive
// (ordered by nianbao_cross_year_group, CrossYearGroup in SQL). SQLite's sorter spills to a
// temporary file, so memory stays flat however many reports there are.
constexpr const char* kLatestByGroup =
    "SELECT s.url, sn.id, sn.year, sn.issuer, f.fetched_at, r.body_id, b.name, "
    "nianbao_cross_year_group(r.body_id, sn.issuer) AS grp FROM reports r "
    "JOIN sources s ON s.id = r.source_id JOIN snapshots sn ON sn.id = r.latest_snapshot_id "
    "JOIN fetches f ON f.id = sn.fetch_id LEFT JOIN bodies b ON b.id = r.body_id "
    "WHERE sn.issuer IS NOT NULL AND sn.year IS NOT NULL ORDER BY grp";

constexpr const char* kLatestSnapshots =
    "SELECT s.url, sn.id, sn.version, sn.template, sn.year, sn.issuer, f.fetched_at, r.body_id, "
    "b.name FROM reports r JOIN sources s ON s.id = r.source_id "
    "JOIN snapshots sn ON sn.id = r.latest_snapshot_id JOIN fetches f ON f.id = sn.fetch_id "
    "LEFT JOIN bodies b ON b.id = r.body_id "
    "ORDER BY sn.issuer, sn.year, s.url";

// Every listed field of a snapshot, by name: the input of YearSnapshot::data_digest.
constexpr const char* kAllFieldsSql =
    "SELECT n.name, v.value FROM field_values v JOIN field_names n ON n.id = v.field_id "
    "WHERE v.snapshot_id = ? AND v.listed = 1 ORDER BY n.name";

// nianbao_cross_year_group(body_id, issuer): CrossYearGroup of a report, for ordering in SQL.
void CrossYearGroupFunction(sqlite3_context* context, int, sqlite3_value** argv) {
  std::optional<int64_t> body_id;
  if (sqlite3_value_type(argv[0]) != SQLITE_NULL) body_id = sqlite3_value_int64(argv[0]);
  const unsigned char* issuer = sqlite3_value_text(argv[1]);
  std::string group = Group(body_id, issuer ? reinterpret_cast<const char*>(issuer) : "");
  sqlite3_result_text(context, group.data(), static_cast<int>(group.size()), SQLITE_TRANSIENT);
}

// Whether `text` names the body: a part of the issuer or of the body record's name.
bool NamesBody(const std::string& text, const std::optional<std::string>& issuer,
               const std::optional<std::string>& body_name) {
  for (const auto* name : {&issuer, &body_name}) {
    if (*name && (*name)->find(text) != std::string::npos) return true;
  }
  return false;
}

bool Wanted(const ChecksOptions& options, const std::optional<std::string>& issuer,
            const std::optional<std::string>& body_name, const std::optional<int>& year) {
  if (options.year && year != options.year) return false;
  return !options.body || NamesBody(*options.body, issuer, body_name);
}

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string joined;
  for (const std::string& id : ids) {
    if (!joined.empty()) joined += ';';
    joined += id;
  }
  return joined;
}

}  // namespace

void RegisterSqlFunctions(SQLite::Database& db) {
  int code = sqlite3_create_function_v2(db.getHandle(), "nianbao_cross_year_group", 2,
                                        SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                        CrossYearGroupFunction, nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) throw SQLite::Exception(db.getHandle(), code);
}

std::vector<ReportChecks> SqliteStore::LatestReportChecks(const ChecksOptions& options) {
  return Read("reading the checks", [&] {
    std::vector<std::pair<int64_t, ReportChecks>> reports;
    auto& list = Prepared(kLatestSnapshots);
    while (list.executeStep()) {
      ReportChecks report;
      report.url = list.getColumn(0).getString();
      report.version = list.getColumn(2).getInt();
      report.template_id = OptionalText(list.getColumn(3));
      report.year = OptionalInt(list.getColumn(4));
      report.body = OptionalText(list.getColumn(5));
      if (!Wanted(options, report.body, OptionalText(list.getColumn(8)), report.year)) continue;
      reports.emplace_back(list.getColumn(1).getInt64(), std::move(report));
    }
    list.reset();
    for (auto& [snapshot_id, report] : reports) {
      auto& status = Prepared(
          "SELECT identity, table_name, status FROM check_status WHERE snapshot_id = ? "
          "ORDER BY ordinal");
      status.bind(1, static_cast<int64_t>(snapshot_id));
      while (status.executeStep()) {
        report.status.push_back(CheckStatus{status.getColumn(0).getString(),
                                            status.getColumn(1).getString(),
                                            status.getColumn(2).getString()});
      }
      status.reset();
      auto& checks = Prepared(
          "SELECT identity, total_field, fields, expected, found, kind, found_blank, "
          "document_url, document_sha256 FROM check_failures WHERE snapshot_id = ? "
          "ORDER BY ordinal");
      checks.bind(1, static_cast<int64_t>(snapshot_id));
      while (checks.executeStep()) {
        bool blank = checks.getColumn(6).getInt() != 0;
        report.failures.push_back(CheckFailure{
            checks.getColumn(0).getString(), checks.getColumn(1).getString(),
            nlohmann::json::parse(checks.getColumn(2).getString()).get<std::vector<std::string>>(),
            checks.getColumn(3).getDouble(),
            blank ? Value() : Value(checks.getColumn(4).getDouble()),
            checks.getColumn(5).getString(), OptionalText(checks.getColumn(7)).value_or(""),
            OptionalText(checks.getColumn(8)).value_or("")});
      }
      checks.reset();
    }
    std::vector<ReportChecks> out;
    for (auto& entry : reports) out.push_back(std::move(entry.second));
    return out;
  });
}

void SqliteStore::ForEachCrossYearBody(
    const std::function<void(std::vector<YearSnapshot>&)>& body) {
  // The fields the checks read, by field_names id (a field never stored is in no snapshot).
  std::unordered_map<int64_t, std::string> wanted;
  std::string wanted_sql =
      "SELECT field_id, value FROM field_values WHERE snapshot_id = ?1 AND listed = 1 "
      "AND field_id IN (NULL";
  {
    std::unique_ptr<SQLite::Statement> names = Prepare("SELECT id, name FROM field_names");
    while (names->executeStep()) {
      std::string name = names->getColumn(1).getString();
      if (!CrossYearField(name)) continue;
      int64_t id = names->getColumn(0).getInt64();
      wanted_sql += ',' + std::to_string(id);
      wanted.emplace(id, std::move(name));
    }
  }
  wanted_sql += ')';
  std::unique_ptr<SQLite::Statement> fields = Prepare(wanted_sql.c_str());
  std::unique_ptr<SQLite::Statement> all_fields = Prepare(kAllFieldsSql);
  std::unique_ptr<SQLite::Statement> list = Prepare(kLatestByGroup);

  std::vector<YearSnapshot> group;
  std::string group_key;
  // The snapshots of one body, with their fields; the digest only where a year has two reports
  // (the only comparison that reads it: a body's duplicates are rare, its fields are many).
  auto finish = [&] {
    if (group.empty()) return;
    std::map<int, int> per_year;
    for (const YearSnapshot& snapshot : group) ++per_year[snapshot.year];
    for (YearSnapshot& snapshot : group) {
      fields->reset();
      fields->bind(1, snapshot.snapshot_id);
      while (fields->executeStep()) {
        auto name = wanted.find(fields->getColumn(0).getInt64());
        if (name != wanted.end()) {
          snapshot.fields.emplace(name->second, OptionalDouble(fields->getColumn(1)));
        }
      }
      if (per_year[snapshot.year] < 2) continue;
      all_fields->reset();
      all_fields->bind(1, snapshot.snapshot_id);
      std::string all;  // every listed field, sorted by name: the digest's input
      while (all_fields->executeStep()) {
        Value value = OptionalDouble(all_fields->getColumn(1));
        all += all_fields->getColumn(0).getString() + '=' + FormatValue(value) +
               (value ? "" : "-") + '\n';
      }
      snapshot.data_digest = Sha256Hex(all);
    }
    body(group);
    group.clear();
  };
  while (list->executeStep()) {
    std::string key = list->getColumn(7).getString();
    if (key != group_key) {
      finish();
      group_key = std::move(key);
    }
    YearSnapshot snapshot;
    snapshot.url = list->getColumn(0).getString();
    snapshot.snapshot_id = list->getColumn(1).getInt64();
    snapshot.year = list->getColumn(2).getInt();
    snapshot.body = list->getColumn(3).getString();
    snapshot.fetched_at = list->getColumn(4).getInt64();
    if (!list->getColumn(5).isNull()) snapshot.body_id = list->getColumn(5).getInt64();
    snapshot.body_name = OptionalText(list->getColumn(6)).value_or("");
    group.push_back(std::move(snapshot));
  }
  finish();
}

std::vector<YearSnapshot> SqliteStore::YearSnapshots(const std::optional<std::string>& body) {
  std::vector<YearSnapshot> snapshots;
  ForEachCrossYearBody([&](std::vector<YearSnapshot>& group) {
    // Whole bodies: a report of the body whose issuer is printed otherwise stays in.
    if (body && std::none_of(group.begin(), group.end(), [&](const YearSnapshot& s) {
          return NamesBody(*body, s.body, s.body_name);
        }))
      return;
    for (YearSnapshot& snapshot : group) snapshots.push_back(std::move(snapshot));
  });
  return snapshots;
}

std::vector<CrossYearCheck> SqliteStore::CrossYearChecks(const ChecksOptions& options) {
  return Read("checking year against year", [&] {
    std::vector<CrossYearCheck> checks = CheckAcrossYears(YearSnapshots(options.body));
    if (options.year) {
      std::erase_if(checks, [&](const CrossYearCheck& c) { return c.year != *options.year; });
    }
    return checks;
  });
}

void SqliteStore::ForEachCrossYearQuality(
    const std::function<void(const std::string& url, int64_t snapshot_id,
                             const CrossYearQuality& quality)>& report) {
  ForEachCrossYearBody([&](std::vector<YearSnapshot>& group) {
    std::vector<std::pair<std::string, int64_t>> reports;
    for (const YearSnapshot& snapshot : group)
      reports.emplace_back(snapshot.url, snapshot.snapshot_id);
    std::unordered_map<std::string, CrossYearQuality> quality;
    for (const CrossYearCheck& check : CheckAcrossYears(std::move(group))) {
      if (check.url.empty()) continue;
      if (check.status == "fail") quality[check.url].failed.push_back(check.identity);
      if (check.status == "warning") quality[check.url].warnings.push_back(check.identity);
    }
    for (const auto& [url, snapshot_id] : reports) {
      auto found = quality.find(url);
      if (found != quality.end()) report(url, snapshot_id, found->second);
    }
  });
}

std::map<std::string, CrossYearQuality> SqliteStore::CrossYearQualityByReport() {
  return Read("checking year against year", [&] {
    std::map<std::string, CrossYearQuality> quality;
    ForEachCrossYearQuality([&](const std::string& url, int64_t, const CrossYearQuality& checks) {
      quality[url] = checks;
    });
    return quality;
  });
}

void SqliteStore::StageCrossYearQuality() {
  db_->exec(
      "CREATE TEMP TABLE IF NOT EXISTS export_cross_year (snapshot_id INTEGER PRIMARY KEY, "
      "failed TEXT NOT NULL, warned TEXT NOT NULL)");
  db_->exec("DELETE FROM temp.export_cross_year");
  std::unique_ptr<SQLite::Statement> insert =
      Prepare("INSERT INTO temp.export_cross_year VALUES (?1, ?2, ?3)");
  ForEachCrossYearQuality(
      [&](const std::string&, int64_t snapshot_id, const CrossYearQuality& checks) {
        insert->reset();
        insert->bind(1, snapshot_id);
        insert->bind(2, JoinIds(checks.failed));
        insert->bind(3, JoinIds(checks.warnings));
        insert->exec();
      });
}

}  // namespace store_internal
}  // namespace nianbao
