// Bodies: the seeded bodies, the deadlines and each report's link to its body (SyncBodies).
#include <map>

#include "store/codec.h"
#include "store/sqlite_store.h"

namespace nianbao::store_internal {
namespace {

// "350100" → "3501", "350000" → "35", "350128" → "350128": what every code under it starts with.
std::string RegionPrefix(const std::string& code) {
  std::string prefix = code;
  while (prefix.size() >= 2 && prefix.ends_with("00")) prefix.resize(prefix.size() - 2);
  return prefix;
}

// What a report's link was made from; a report whose key differs is linked again.
std::string BodyKey(const BodyRules& bodies, const std::optional<std::string>& issuer,
                    const std::string& seed) {
  return bodies.sha256() + "\t" + issuer.value_or("") + "\t" + seed;
}

}  // namespace

int64_t SqliteStore::BodyId(const BodyRules& bodies, const BodyRecord& record, bool seeded) {
  if (record.canonical.empty()) return 0;
  int64_t government = 0;
  if (!record.government.empty() && record.government != record.canonical) {
    government = BodyId(bodies, bodies.Resolve(record.government, record.province), false);
  }
  auto& find = Prepared("SELECT id FROM bodies WHERE name = ?");
  find.bind(1, record.canonical);
  int64_t id = find.executeStep() ? find.getColumn(0).getInt64() : 0;
  find.reset();
  auto bind_record = [&](SQLite::Statement& statement) {
    statement.bind(1, record.canonical);
    statement.bind(2, record.level);
    statement.bind(3, record.province);
    BindOptional(statement, 4,
                 record.region_code.empty() ? std::nullopt : std::optional(record.region_code));
    if (government) {
      statement.bind(5, static_cast<int64_t>(government));
    } else {
      statement.bind(5);
    }
  };
  if (id == 0) {
    auto& insert = Prepared(
        "INSERT INTO bodies (name, level, province, region_code, government_id, seeded) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    bind_record(insert);
    insert.bind(6, seeded ? 1 : 0);
    insert.exec();
    return db_->getLastInsertRowid();
  }
  // The tables may have learned more about a known body (a region code, a government).
  auto& update = Prepared(
      "UPDATE bodies SET level = CASE WHEN ?2 <> '' THEN ?2 ELSE level END, "
      "province = CASE WHEN ?3 <> '' THEN ?3 ELSE province END, "
      "region_code = coalesce(?4, region_code), government_id = coalesce(?5, government_id), "
      "seeded = seeded OR ?6 WHERE name = ?1");
  bind_record(update);
  update.bind(6, seeded ? 1 : 0);
  update.exec();
  return id;
}

void SqliteStore::SyncBodies(const BodyRules& bodies) {
  Write("linking reports to their bodies", [&] {
    db_->exec("UPDATE bodies SET seeded = 0; DELETE FROM body_seeds; DELETE FROM deadlines;");
    std::map<std::string, const SeededBody*> seed_by_url;  // UrlKey → seed
    for (const SeededBody& seed : bodies.seeds()) {
      int64_t id = BodyId(bodies, seed.body, true);
      auto& insert =
          Prepared("INSERT OR REPLACE INTO body_seeds (seed_url, body_id, printed) VALUES (?,?,?)");
      insert.bind(1, UrlKey(seed.seed_url));
      insert.bind(2, static_cast<int64_t>(id));
      insert.bind(3, seed.body.printed);
      insert.exec();
      seed_by_url.emplace(UrlKey(seed.seed_url), &seed);
    }
    int ordinal = 0;
    for (const Deadline& deadline : bodies.deadlines()) {
      auto& insert = Prepared(
          "INSERT INTO deadlines (ordinal, level, province, region_prefix, due, rule) "
          "VALUES (?, ?, ?, ?, ?, ?)");
      insert.bind(1, ++ordinal);
      insert.bind(2, deadline.level);
      insert.bind(3, deadline.province);
      insert.bind(4, deadline.region_code == "*" ? "" : RegionPrefix(deadline.region_code));
      insert.bind(5, deadline.due);
      insert.bind(6, deadline.rule + " (" + deadline.source + ")");
      insert.exec();
    }
    struct Pending {
      int64_t report_id;
      std::optional<std::string> issuer;
      std::string seed;
    };
    std::vector<Pending> pending;
    auto& reports = Prepared(
        "SELECT r.id, sn.issuer, coalesce((SELECT f.seed FROM frontier f WHERE f.url = s.url), "
        "''), "
        "r.body_key FROM reports r JOIN snapshots sn ON sn.id = r.latest_snapshot_id "
        "JOIN sources s ON s.id = r.source_id");
    while (reports.executeStep()) {
      Pending one{reports.getColumn(0).getInt64(), OptionalText(reports.getColumn(1)),
                  UrlKey(reports.getColumn(2).getString())};
      if (!seed_by_url.contains(one.seed)) one.seed.clear();
      if (OptionalText(reports.getColumn(3)) != BodyKey(bodies, one.issuer, one.seed)) {
        pending.push_back(std::move(one));
      }
    }
    reports.reset();
    for (const Pending& report : pending) {
      const SeededBody* seed = report.seed.empty() ? nullptr : seed_by_url[report.seed];
      BodyRecord body;
      if (report.issuer) body = bodies.Resolve(*report.issuer, seed ? seed->body.province : "");
      // An issuer the tables do not place (no level, no region) is taken as the seed's body.
      if (seed && (body.canonical.empty() || (body.level.empty() && body.region_code.empty()))) {
        body = seed->body;
      }
      int64_t id = BodyId(bodies, body, false);
      auto& link = Prepared("UPDATE reports SET body_id = ?, body_key = ? WHERE id = ?");
      if (id) {
        link.bind(1, static_cast<int64_t>(id));
      } else {
        link.bind(1);
      }
      link.bind(2, BodyKey(bodies, report.issuer, report.seed));
      link.bind(3, static_cast<int64_t>(report.report_id));
      link.exec();
    }
  });
}

}  // namespace nianbao::store_internal
