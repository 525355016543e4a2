// The daemon's schedule: seeds, their crawls, and which reports are due for a re-check.
#include <ctime>
#include <set>

#include "store/codec.h"
#include "store/sqlite_store.h"

namespace nianbao::store_internal {

void SqliteStore::UpsertSeed(const std::string& url, const std::string& schedule) {
  Write("saving a seed", [&] {
    auto& upsert = Prepared(
        "INSERT INTO seeds (url, schedule, added_at) VALUES (?, ?, ?) "
        "ON CONFLICT (url) DO UPDATE SET schedule = excluded.schedule");
    upsert.bind(1, url);
    upsert.bind(2, schedule);
    upsert.bind(3, static_cast<int64_t>(std::time(nullptr)));
    upsert.exec();
  });
}

void SqliteStore::RetainSeeds(const std::vector<std::string>& urls) {
  std::set<std::string> keep(urls.begin(), urls.end());
  Write("removing seeds", [&] {
    std::vector<std::string> drop;
    auto& all = Prepared("SELECT url FROM seeds");
    while (all.executeStep()) {
      std::string url = all.getColumn(0).getString();
      if (!keep.contains(url)) drop.push_back(std::move(url));
    }
    all.reset();
    for (const auto& url : drop) {
      auto& crawls = Prepared("DELETE FROM crawls WHERE seed = ?");
      crawls.bind(1, url);
      crawls.exec();
      auto& seed = Prepared("DELETE FROM seeds WHERE url = ?");
      seed.bind(1, url);
      seed.exec();
    }
  });
}

std::vector<SeedState> SqliteStore::SeedStates() {
  return Read("reading the seeds", [&] {
    auto& query = Prepared(
        "SELECT s.url, s.schedule, s.added_at, s.next_due, c.started_at, c.finished_at, c.summary, "
        "(SELECT count(*) FROM crawls k WHERE k.seed = s.url) FROM seeds s "
        "LEFT JOIN crawls c ON c.id = (SELECT max(id) FROM crawls WHERE seed = s.url) "
        "ORDER BY s.url");
    std::vector<SeedState> seeds;
    while (query.executeStep()) {
      SeedState seed;
      seed.url = query.getColumn(0).getString();
      seed.schedule = query.getColumn(1).getString();
      seed.added_at = query.getColumn(2).getInt64();
      seed.next_due = query.getColumn(3).getInt64();
      seed.last_started = query.getColumn(4).getInt64();  // NULL reads as 0: never crawled
      seed.last_finished = query.getColumn(5).getInt64();
      seed.last_summary_json = query.getColumn(6).getString();
      seed.crawls = query.getColumn(7).getInt64();
      seeds.push_back(std::move(seed));
    }
    return seeds;
  });
}

void SqliteStore::RecordCrawl(const std::string& seed, int64_t started, int64_t finished,
                              const std::string& summary_json) {
  Write("recording a crawl", [&] {
    // A crawl of a seed the config no longer names is still worth keeping: add it on the fly.
    auto& ensure =
        Prepared("INSERT OR IGNORE INTO seeds (url, schedule, added_at) VALUES (?, '', ?)");
    ensure.bind(1, seed);
    ensure.bind(2, static_cast<int64_t>(started));
    ensure.exec();
    auto& insert =
        Prepared("INSERT INTO crawls (seed, started_at, finished_at, summary) VALUES (?, ?, ?, ?)");
    insert.bind(1, seed);
    insert.bind(2, static_cast<int64_t>(started));
    insert.bind(3, static_cast<int64_t>(finished));
    insert.bind(4, summary_json.empty() ? std::string("{}") : summary_json);
    insert.exec();
  });
}

void SqliteStore::SetNextDue(const std::string& seed, int64_t next_due) {
  Write("scheduling a seed", [&] {
    auto& update = Prepared("UPDATE seeds SET next_due = ? WHERE url = ?");
    update.bind(1, static_cast<int64_t>(next_due));
    update.bind(2, seed);
    update.exec();
    if (db_->getChanges() == 0) throw NotFoundError("no seed " + seed + " in " + path_);
  });
}

std::vector<std::string> SqliteStore::ReportsFetchedBefore(int64_t before, int limit) {
  return Read("listing reports to re-check", [&] {
    auto& query = Prepared(
        "SELECT s.url, (SELECT max(f.fetched_at) FROM fetches f WHERE f.source_id = s.id) AS last "
        "FROM reports r JOIN sources s ON s.id = r.source_id "
        "WHERE last < ? AND (s.url LIKE 'http://%' OR s.url LIKE 'https://%') "
        "ORDER BY last, s.url LIMIT ?");  // imported file:// reports cannot be fetched
    query.bind(1, static_cast<int64_t>(before));
    query.bind(2, limit);
    std::vector<std::string> urls;
    while (query.executeStep()) urls.push_back(query.getColumn(0).getString());
    return urls;
  });
}

}  // namespace nianbao::store_internal
