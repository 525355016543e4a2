// Browser's queries: every listing of the web view, read in one transaction per call.
#include "store/browse.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <map>

#include "store/codec.h"
#include "store/sqlite_store.h"
#include "store/sqlite_util.h"
#include "store/store.h"

namespace nianbao {
namespace store_internal {
namespace {

// What a latest-version row is made of (the reports_latest view plus its failed checks).
constexpr const char* kReportColumns =
    "s.url, sn.version, f.fetched_at, sn.template, sn.year, sn.issuer, sn.title, sn.published, "
    "coalesce(sn.format, ''), (SELECT count(*) FROM check_failures c WHERE c.snapshot_id = sn.id)";

ListedReport ReadListedReport(SQLite::Statement& q) {
  ListedReport row;
  row.url = q.getColumn(0).getString();
  row.version = q.getColumn(1).getInt();
  row.fetched_at = q.getColumn(2).getInt64();
  row.template_id = OptionalText(q.getColumn(3));
  row.year = OptionalInt(q.getColumn(4));
  row.issuer = OptionalText(q.getColumn(5));
  row.title = OptionalText(q.getColumn(6));
  row.published = OptionalText(q.getColumn(7));
  row.format = q.getColumn(8).getString();
  row.failed_checks = q.getColumn(9).getInt();
  return row;
}

// LIKE with the user's text taken literally (\ escapes % and _).
std::string LikeLiteral(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// A failed attempt: a fetch error, or an HTTP status of 400 or more.
constexpr const char* kFailedFetch = "(f.error != '' OR f.status >= 400)";

class SqliteBrowser final : public Browser {
 public:
  SqliteBrowser(std::string path, std::unique_ptr<SQLite::Database> db)
      : path_(std::move(path)), db_(std::move(db)) {}

  Overview GetOverview(int64_t now, int crawls, int newest) override {
    return Read("reading the overview", [&] {
      Overview o;
      SQLite::Statement& counts = Prepared(
          "SELECT latest_year, latest_template, count(*) FROM reports "
          "WHERE latest_fetched_at IS NOT NULL GROUP BY 1, 2 "
          "ORDER BY 1 DESC, 2");
      while (counts.executeStep()) {
        o.counts.push_back({OptionalInt(counts.getColumn(0)), OptionalText(counts.getColumn(1)),
                            counts.getColumn(2).getInt64()});
        o.reports += o.counts.back().reports;
      }
      SQLite::Statement& versions = Prepared("SELECT count(*) FROM snapshots");
      versions.executeStep();
      o.versions = versions.getColumn(0).getInt64();
      SQLite::Statement& last = Prepared(
          "SELECT seed, started_at, finished_at, summary FROM crawls "
          "ORDER BY id DESC LIMIT ?");
      last.bind(1, crawls);
      while (last.executeStep()) {
        o.crawls.push_back({last.getColumn(0).getString(), last.getColumn(1).getInt64(),
                            last.getColumn(2).getInt64(), last.getColumn(3).getString()});
      }
      SQLite::Statement& errors = Prepared(std::string("SELECT count(*) FROM fetches f WHERE ") +
                                           kFailedFetch + " AND f.fetched_at >= ?");
      errors.bind(1, static_cast<int64_t>(now - 86400));
      errors.executeStep();
      o.errors_last_day = errors.getColumn(0).getInt64();
      SQLite::Statement& fresh =
          Prepared(std::string("SELECT ") + kReportColumns +
                   " FROM snapshots sn JOIN reports r ON r.id = sn.report_id "
                   "JOIN sources s ON s.id = r.source_id JOIN fetches f ON "
                   "f.id = sn.fetch_id ORDER BY sn.id DESC LIMIT ?");
      fresh.bind(1, newest);
      while (fresh.executeStep()) o.newest.push_back(ReadListedReport(fresh));
      return o;
    });
  }

  ReportList Reports(const ReportFilter& filter, int64_t offset, int64_t limit) override {
    return Read("listing reports", [&] {
      // Filters on the reports table alone (kVersionWeb's copies of the latest version's fetch
      // time, year and template), then on the latest snapshot, joined only when a filter needs it.
      std::string where = " WHERE r.latest_fetched_at IS NOT NULL";
      if (filter.year) where += " AND r.latest_year = :year";
      bool snapshot = false;
      auto on_snapshot = [&](const std::string& condition) {
        where += " AND " + condition;
        snapshot = true;
      };
      if (filter.template_id) where += " AND r.latest_template = :template";
      if (!filter.body.empty()) on_snapshot("sn.issuer LIKE :body ESCAPE '\\'");
      if (!filter.province.empty()) on_snapshot("sn.issuer LIKE :province ESCAPE '\\'");
      if (filter.level == "government") on_snapshot("sn.issuer LIKE '%政府'");
      if (filter.level == "department") {
        on_snapshot("sn.issuer IS NOT NULL AND sn.issuer NOT LIKE '%政府'");
      }
      if (filter.failed_only) {
        where +=
            " AND EXISTS (SELECT 1 FROM check_failures c WHERE c.snapshot_id = "
            "r.latest_snapshot_id)";
      }
      const std::string from =
          std::string(" FROM reports r") +
          (snapshot ? " JOIN snapshots sn ON sn.id = r.latest_snapshot_id" : "");
      auto bind = [&](SQLite::Statement& q) {
        if (filter.year) q.bind(":year", *filter.year);
        if (filter.template_id) q.bind(":template", *filter.template_id);
        if (!filter.body.empty())
          q.bind(":body", std::string("%").append(LikeLiteral(filter.body)).append("%"));
        if (!filter.province.empty()) q.bind(":province", LikeLiteral(filter.province) + "%");
      };
      ReportList list;
      SQLite::Statement& count = Prepared("SELECT count(*)" + from + where);
      bind(count);
      count.executeStep();
      list.total = count.getColumn(0).getInt64();
      // The page's ids first (an index walk newest first, stopping after offset + limit rows),
      // then the columns and failed-check counts of those rows only.
      constexpr const char* kOrder = " ORDER BY r.latest_fetched_at DESC, r.id DESC";
      SQLite::Statement& rows =
          Prepared(std::string("SELECT ") + kReportColumns + " FROM (SELECT r.id AS id" + from +
                   where + kOrder +
                   " LIMIT :limit OFFSET :offset) page JOIN reports r ON r.id = page.id JOIN "
                   "sources s ON s.id = r.source_id JOIN snapshots sn ON sn.id = "
                   "r.latest_snapshot_id JOIN fetches f ON f.id = sn.fetch_id" +
                   kOrder);
      bind(rows);
      rows.bind(":limit", static_cast<int64_t>(limit));
      rows.bind(":offset", static_cast<int64_t>(offset));
      while (rows.executeStep()) list.rows.push_back(ReadListedReport(rows));
      return list;
    });
  }

  std::vector<FetchErrorRow> Errors(int64_t since, const std::string& kind,
                                    int64_t limit) override {
    return Read("listing fetch errors", [&] {
      // The kind as the row shows it; grouped per URL, the latest failure's.
      const std::string kind_sql =
          "CASE WHEN f.error != '' THEN f.error ELSE 'http_' || f.status END";
      SQLite::Statement& q = Prepared(
          "SELECT s.url, max(f.fetched_at), f.status, " + kind_sql +
          ", count(*) FROM fetches f JOIN sources s ON s.id = f.source_id WHERE " + kFailedFetch +
          " AND f.fetched_at >= :since" + (kind.empty() ? "" : " AND " + kind_sql + " = :kind") +
          " GROUP BY s.id ORDER BY 2 DESC, s.url LIMIT :limit");
      q.bind(":since", static_cast<int64_t>(since));
      if (!kind.empty()) q.bind(":kind", kind);
      q.bind(":limit", static_cast<int64_t>(limit));
      std::vector<FetchErrorRow> rows;
      while (q.executeStep()) {
        rows.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64(),
                        q.getColumn(2).getInt(), q.getColumn(3).getString(),
                        q.getColumn(4).getInt64()});
      }
      return rows;
    });
  }

  int Versions(const std::string& url) override {
    return Read("counting versions", [&] {
      SQLite::Statement& q = Prepared(
          "SELECT max(sn.version) FROM sources s JOIN reports r ON r.source_id = "
          "s.id JOIN snapshots sn ON sn.report_id = r.id WHERE s.url = ?");
      q.bind(1, UrlKey(url));
      q.executeStep();
      return q.getColumn(0).isNull() ? 0 : q.getColumn(0).getInt();
    });
  }

  std::vector<BodyReport> BodyReports() override {
    return Read("reading the bodies' reports", [&] {
      SQLite::Statement& q = Prepared(
          "SELECT sn.issuer, sn.year, s.url, sn.published, s.first_seen, (SELECT count(*) FROM "
          "check_failures c WHERE c.snapshot_id = sn.id) FROM reports r JOIN sources s ON s.id = "
          "r.source_id JOIN snapshots sn ON sn.id = r.latest_snapshot_id WHERE sn.issuer IS NOT "
          "NULL AND sn.year IS NOT NULL ORDER BY sn.issuer, sn.year, s.first_seen");
      std::vector<BodyReport> rows;
      while (q.executeStep()) {
        rows.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt(),
                        q.getColumn(2).getString(), OptionalText(q.getColumn(3)),
                        q.getColumn(4).getInt64(), q.getColumn(5).getInt()});
      }
      return rows;
    });
  }

 private:
  // One read transaction, retried while busy; SQLite errors become StoreError naming the file.
  // Statements are kept per connection, keyed by their text (a listing's text depends on its
  // filters), and reset before each read transaction ends: a statement left stepping would keep
  // the transaction's snapshot open and hold back the crawl's WAL checkpoints.
  SQLite::Statement& Prepared(const std::string& sql) {
    auto found = statements_.find(sql);
    if (found != statements_.end()) {
      found->second->tryReset();
      found->second->clearBindings();
      return *found->second;
    }
    auto statement = std::make_unique<SQLite::Statement>(*db_, sql);
    return *statements_.emplace(sql, std::move(statement)).first->second;
  }

  void ResetStatements() noexcept {
    for (auto& [sql, statement] : statements_) statement->tryReset();
  }

  template <typename Body>
  auto Read(const char* what, Body&& body) -> decltype(body()) {
    try {
      return RetryWhileBusy([&] {
        ReadTransaction transaction(*db_);
        struct ResetAtEnd {
          SqliteBrowser* browser;
          ~ResetAtEnd() { browser->ResetStatements(); }
        } reset{this};  // destroyed before the transaction
        return body();
      });
    } catch (const SQLite::Exception& e) {
      throw StoreError(path_ + ": " + what + ": " + e.what());
    }
  }

  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
  std::map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

}  // namespace
}  // namespace store_internal

std::unique_ptr<Browser> Browser::Open(const std::string& path) {
  Store::OpenForReading(path);  // every check, and a clear error for what is not ours
  try {
    return std::make_unique<store_internal::SqliteBrowser>(
        path, store_internal::ReadOnlyConnection(path));
  } catch (const SQLite::Exception& e) {
    throw StoreError(path + ": cannot open the database for reading: " + e.what());
  }
}

}  // namespace nianbao
