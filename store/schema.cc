#include "store/schema.h"

#include <map>
#include <set>
#include <string>

#include "store/sqlite_util.h"

namespace nianbao::store_internal {
namespace {

// Version 1: what the crawler and the commands need — sources, fetches, documents, versioned
// snapshots with their values, checks, unmatched labels and warnings, and the crawl frontier.
constexpr const char* kVersion1 = R"sql(
CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL UNIQUE,        -- normalised (the key every lookup uses)
  url_given TEXT NOT NULL,         -- as first given
  site TEXT NOT NULL,              -- host
  first_seen INTEGER NOT NULL      -- unix seconds
);
CREATE TABLE fetches (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  final_url TEXT NOT NULL,
  fetched_at INTEGER NOT NULL,
  status INTEGER NOT NULL,
  error TEXT NOT NULL,
  redirects TEXT NOT NULL,         -- JSON array of each hop's URL
  etag TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  content_type TEXT NOT NULL,
  charset TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  body_sha256 TEXT NOT NULL,       -- hash 1: the raw bytes
  duration_seconds REAL NOT NULL,
  text_sha256 TEXT,                -- hash 2: the normalised page text (set when extracted)
  data_sha256 TEXT                 -- hash 3: the extracted data (set when extracted)
);
CREATE INDEX fetches_by_source ON fetches(source_id, id);
CREATE INDEX fetches_by_time ON fetches(fetched_at);
CREATE TABLE documents (
  sha256 TEXT PRIMARY KEY,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,           -- uncompressed bytes
  compression TEXT NOT NULL,       -- 'zlib'
  body BLOB NOT NULL,
  stored_at INTEGER NOT NULL
);
CREATE TABLE document_sources (   -- which URL served which body (first fetch that did)
  sha256 TEXT NOT NULL REFERENCES documents(sha256),
  source_id INTEGER NOT NULL REFERENCES sources(id),
  fetch_id INTEGER REFERENCES fetches(id),
  PRIMARY KEY (sha256, source_id)
) WITHOUT ROWID;
CREATE TABLE attachments (
  report_source_id INTEGER NOT NULL REFERENCES sources(id),
  attachment_source_id INTEGER NOT NULL REFERENCES sources(id),
  sha256 TEXT NOT NULL REFERENCES documents(sha256),
  PRIMARY KEY (report_source_id, attachment_source_id, sha256)
) WITHOUT ROWID;
CREATE TABLE reports (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL UNIQUE REFERENCES sources(id),
  latest_snapshot_id INTEGER REFERENCES snapshots(id)
);
CREATE TABLE snapshots (
  id INTEGER PRIMARY KEY,
  report_id INTEGER NOT NULL REFERENCES reports(id),
  version INTEGER NOT NULL,
  fetch_id INTEGER NOT NULL REFERENCES fetches(id),
  data_sha256 TEXT NOT NULL,
  template TEXT,
  year INTEGER,
  issuer TEXT,
  title TEXT,
  published TEXT,
  UNIQUE (report_id, version)
);
CREATE TABLE field_names (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE labels (             -- label paths repeat from report to report: stored once
  id INTEGER PRIMARY KEY,
  text TEXT NOT NULL UNIQUE
);
CREATE TABLE field_values (
  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
  ordinal INTEGER NOT NULL,        -- position in Extraction::fields; cells of unlisted fields follow
  field_id INTEGER NOT NULL REFERENCES field_names(id),
  listed INTEGER NOT NULL,         -- 1: in Extraction::fields; 0: only a cell
  value REAL,                      -- NULL: not reported
  raw TEXT,                        -- raw..column_no NULL: not read from a cell
  label_id INTEGER REFERENCES labels(id),
  table_no INTEGER,
  row_no INTEGER,
  column_no INTEGER,
  PRIMARY KEY (snapshot_id, ordinal)
) WITHOUT ROWID;
CREATE TABLE check_failures (
  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
  ordinal INTEGER NOT NULL,
  identity TEXT NOT NULL,
  total_field TEXT NOT NULL,
  fields TEXT NOT NULL,            -- JSON array of field ids
  expected REAL NOT NULL,
  found REAL NOT NULL,
  PRIMARY KEY (snapshot_id, ordinal)
) WITHOUT ROWID;
CREATE TABLE unmatched (
  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
  ordinal INTEGER NOT NULL,
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  table_no INTEGER NOT NULL,
  row_no INTEGER NOT NULL,
  column_no INTEGER NOT NULL,
  PRIMARY KEY (snapshot_id, ordinal)
) WITHOUT ROWID;
CREATE TABLE warnings (
  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
  ordinal INTEGER NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (snapshot_id, ordinal)
) WITHOUT ROWID;
CREATE TABLE frontier (
  id INTEGER PRIMARY KEY,          -- insertion order: oldest pending first
  url TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  depth INTEGER NOT NULL,
  parent TEXT NOT NULL,
  seed TEXT NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  outcome TEXT,
  added_at INTEGER NOT NULL,
  done_at INTEGER
);
CREATE INDEX frontier_pending ON frontier(done, id);
CREATE INDEX frontier_by_seed ON frontier(seed, done);
)sql";

// Version 2: the daemon's schedule (seeds and their crawls), and snapshots found by fetch.
constexpr const char* kVersion2 = R"sql(
CREATE TABLE seeds (
  url TEXT PRIMARY KEY,
  schedule TEXT NOT NULL,
  added_at INTEGER NOT NULL,
  next_due INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE crawls (
  id INTEGER PRIMARY KEY,
  seed TEXT NOT NULL REFERENCES seeds(url) ON DELETE CASCADE,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  summary TEXT NOT NULL
);
CREATE INDEX crawls_by_seed ON crawls(seed, id);
CREATE INDEX snapshots_by_fetch ON snapshots(fetch_id);
)sql";

// Discovery: a frontier entry may be a list mechanism's request (method, form, rule: JSON), not
// only a URL to GET.
constexpr const char* kVersionDiscovery = R"sql(
ALTER TABLE frontier ADD COLUMN request TEXT NOT NULL DEFAULT '';
)sql";

// Version 4 (checks): a failed check's kind and a blank total (found NULL is stored as found 0 with
// found_blank 1, the column being NOT NULL since version 1); every identity's status; the figures
// of the report's prose.
constexpr const char* kVersionChecks = R"sql(
ALTER TABLE check_failures ADD COLUMN kind TEXT NOT NULL DEFAULT 'sum';
ALTER TABLE check_failures ADD COLUMN found_blank INTEGER NOT NULL DEFAULT 0;
CREATE TABLE check_status (
  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
  ordinal INTEGER NOT NULL,
  identity TEXT NOT NULL,
  table_name TEXT NOT NULL,        -- "t3", "t4", "legacy", "text"
  status TEXT NOT NULL,            -- "pass", "fail", "not_assessable"
  PRIMARY KEY (snapshot_id, ordinal)
) WITHOUT ROWID;
CREATE TABLE narrative_facts (
  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
  ordinal INTEGER NOT NULL,
  field TEXT NOT NULL,             -- '' when the sentence names no field
  value REAL NOT NULL,
  bound TEXT NOT NULL,             -- '' exact, 'at_least', 'about', 'at_most'
  text TEXT NOT NULL,
  sentence TEXT NOT NULL,
  text_offset INTEGER NOT NULL,
  PRIMARY KEY (snapshot_id, ordinal)
) WITHOUT ROWID;
)sql";

// Version 5 (documents): provenance of each snapshot (the document its cells were read from, its
// format, the rules that made it), each cell's page, source_mismatch checks against another
// document (their kind column came with version 4), what kind of page linked an attachment, and the
// indexes `reextract` reads by.
constexpr const char* kVersionDocuments = R"sql(
ALTER TABLE snapshots ADD COLUMN document_url TEXT;     -- NULL: stored before provenance
ALTER TABLE snapshots ADD COLUMN document_sha256 TEXT;
ALTER TABLE snapshots ADD COLUMN format TEXT;
ALTER TABLE snapshots ADD COLUMN rules_sha256 TEXT;
ALTER TABLE field_values ADD COLUMN page_no INTEGER;     -- 1-based PDF page; NULL: no pages
ALTER TABLE check_failures ADD COLUMN document_url TEXT; -- source_mismatch: the other document
ALTER TABLE check_failures ADD COLUMN document_sha256 TEXT;
ALTER TABLE attachments ADD COLUMN page_kind TEXT NOT NULL DEFAULT '';  -- 'report', 'list'; '': unknown
ALTER TABLE frontier ADD COLUMN parent_kind TEXT NOT NULL DEFAULT '';
CREATE INDEX document_sources_by_source ON document_sources(source_id);
CREATE INDEX attachments_by_attachment ON attachments(attachment_source_id);
CREATE INDEX fetches_by_body ON fetches(body_sha256);
)sql";

// Version 6 (crawl reliability): failed analyses of a frontier entry (counted, with the last
// reason, so that a page that cannot be analysed is given up rather than retried forever), and
// report snapshots held as suspect (statistics dropped sharply from the latest version) until a
// second fetch confirms them.
constexpr const char* kVersionCrawlReliability = R"sql(
ALTER TABLE frontier ADD COLUMN analysis_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE frontier ADD COLUMN failure TEXT;
CREATE TABLE suspect_snapshots (
  url TEXT PRIMARY KEY,            -- normalised, as sources.url
  fetch_id INTEGER NOT NULL REFERENCES fetches(id),
  data_sha256 TEXT NOT NULL,       -- DataHash of the held extraction
  held_at INTEGER NOT NULL
);
)sql";

}  // namespace

// Version 7, the dataset views: each report's latest version, its values and its failed checks, for
// R, pandas or Datasette reading the file directly (documented in the README). Views only:
// additive.
constexpr const char* kVersionDataset = R"sql(
CREATE VIEW reports_latest AS
  SELECT s.url, sn.version, sn.template, sn.year, sn.issuer, sn.title, sn.published,
         f.fetched_at, f.final_url, f.content_type, sn.format, sn.document_url,
         sn.rules_sha256, sn.data_sha256, r.id AS report_id, sn.id AS snapshot_id
  FROM reports r
  JOIN sources s ON s.id = r.source_id
  JOIN snapshots sn ON sn.id = r.latest_snapshot_id
  JOIN fetches f ON f.id = sn.fetch_id;
CREATE VIEW values_latest AS
  SELECT rl.url, rl.version, rl.template, rl.year, rl.issuer, fn.name AS field, fv.value, fv.raw,
         l.text AS label, fv.listed, fv.ordinal
  FROM reports_latest rl
  JOIN field_values fv ON fv.snapshot_id = rl.snapshot_id
  JOIN field_names fn ON fn.id = fv.field_id
  LEFT JOIN labels l ON l.id = fv.label_id;
CREATE VIEW checks_latest AS
  SELECT rl.url, rl.version, rl.template, rl.year, rl.issuer, c.identity, c.kind, c.total_field,
         c.fields, c.expected, CASE WHEN c.found_blank THEN NULL ELSE c.found END AS found,
         c.document_url
  FROM reports_latest rl
  JOIN check_failures c ON c.snapshot_id = rl.snapshot_id;
)sql";

// Version 8 (bodies): who issued each report — body records (canonical name, level, province, GB/T
// 2260 region code, a department's government), the seeds that expect a body, the publication
// deadlines of deadlines.tsv, each report's body (and the issuer and tables it was resolved from),
// and the `coverage` view: one row per expected body and report year. Additive.
constexpr const char* kVersionBodies = R"sql(
CREATE TABLE bodies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,       -- canonical
  level TEXT NOT NULL,             -- national, provincial, prefecture, county, township, department; '' unknown
  province TEXT NOT NULL,          -- full name; '' national or unknown
  region_code TEXT,                -- GB/T 2260, 6 digits; NULL unknown
  government_id INTEGER REFERENCES bodies(id),  -- a department's government
  seeded INTEGER NOT NULL DEFAULT 0             -- 1: a seed of seeds.tsv names it (expected every year)
);
CREATE TABLE body_seeds (
  seed_url TEXT PRIMARY KEY,       -- as in seeds.tsv
  body_id INTEGER NOT NULL REFERENCES bodies(id),
  printed TEXT NOT NULL            -- the body as seeds.tsv prints it
);
CREATE INDEX body_seeds_by_body ON body_seeds(body_id);
CREATE TABLE deadlines (
  ordinal INTEGER PRIMARY KEY,     -- line order of deadlines.tsv
  level TEXT NOT NULL,
  province TEXT NOT NULL,          -- '*': any
  region_prefix TEXT NOT NULL,     -- the region code without its trailing 00 pairs; '': any
  due TEXT NOT NULL,               -- MM-DD of the year after the report year
  rule TEXT NOT NULL
);
ALTER TABLE reports ADD COLUMN body_id INTEGER REFERENCES bodies(id);
ALTER TABLE reports ADD COLUMN body_key TEXT;  -- the tables' hash and issuer it was resolved from
CREATE INDEX reports_by_body ON reports(body_id);
CREATE VIEW coverage AS
  WITH found AS (
    SELECT r.body_id, sn.year, s.url, r.id AS report_id, sn.id AS snapshot_id,
           CASE WHEN sn.published GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]*'
                THEN substr(sn.published, 1, 10) END AS page_date,
           date(s.first_seen, 'unixepoch') AS first_seen
    FROM reports r
    JOIN sources s ON s.id = r.source_id
    JOIN snapshots sn ON sn.id = r.latest_snapshot_id
    WHERE r.body_id IS NOT NULL AND sn.year IS NOT NULL),
  best AS (  -- a body's first publication of a year, when several pages carry it
    SELECT *, row_number() OVER (PARTITION BY body_id, year
                                 ORDER BY coalesce(page_date, first_seen), report_id) AS rank
    FROM found),
  years AS (SELECT DISTINCT year FROM found),
  expected AS (
    SELECT b.id AS body_id, y.year, 'seeded' AS expected
    FROM bodies b CROSS JOIN years y WHERE b.seeded
    UNION ALL
    SELECT f.body_id, y.year, 'earlier_year'
    FROM (SELECT body_id, min(year) AS first_year FROM found GROUP BY body_id) f
    JOIN years y ON y.year > f.first_year
    UNION ALL
    SELECT body_id, year, '' FROM found),
  rows AS (
    SELECT body_id, year, min(CASE expected WHEN 'seeded' THEN 1 WHEN 'earlier_year' THEN 2 ELSE 3 END) AS why
    FROM expected GROUP BY body_id, year),
  dated AS (
    SELECT x.year, b.id AS body_id, b.name AS body, b.level, b.province, b.region_code,
           g.name AS government,
           CASE x.why WHEN 1 THEN 'seeded' WHEN 2 THEN 'earlier_year' ELSE '' END AS expected,
           bf.url, coalesce(bf.page_date, bf.first_seen) AS published,
           CASE WHEN bf.url IS NULL THEN NULL WHEN bf.page_date IS NOT NULL THEN 'page'
                ELSE 'first_seen' END AS published_from,
           (SELECT d.ordinal FROM deadlines d
            WHERE d.level = b.level AND (d.province = '*' OR d.province = b.province)
              AND (d.region_prefix = '' OR b.region_code LIKE d.region_prefix || '%')
            ORDER BY length(d.region_prefix) DESC, d.province <> '*' DESC LIMIT 1) AS deadline_ordinal,
           bf.report_id, bf.snapshot_id
    FROM rows x
    JOIN bodies b ON b.id = x.body_id
    LEFT JOIN bodies g ON g.id = b.government_id
    LEFT JOIN best bf ON bf.body_id = x.body_id AND bf.year = x.year AND bf.rank = 1)
  SELECT dt.year, dt.body_id, dt.body, dt.level, dt.province, dt.region_code, dt.government,
         dt.expected, dt.url, dt.published, dt.published_from,
         CASE WHEN d.due IS NOT NULL THEN (dt.year + 1) || '-' || d.due END AS deadline,
         d.rule AS deadline_rule,
         CASE WHEN dt.url IS NULL THEN 'not_found'
              WHEN d.due IS NULL THEN 'no_deadline'
              WHEN dt.published <= (dt.year + 1) || '-' || d.due THEN 'on_time'
              ELSE 'late' END AS status,
         CASE WHEN dt.url IS NOT NULL AND d.due IS NOT NULL
              THEN max(0, CAST(julianday(dt.published) - julianday((dt.year + 1) || '-' || d.due)
                               AS INTEGER)) END AS days_late,
         (SELECT count(*) FROM check_failures c WHERE c.snapshot_id = dt.snapshot_id) AS checks_failed,
         (SELECT group_concat(c.identity, ' ') FROM check_failures c
          WHERE c.snapshot_id = dt.snapshot_id) AS check_ids,
         (SELECT group_concat(bs.seed_url, ' ') FROM body_seeds bs WHERE bs.body_id = dt.body_id)
           AS seeds,
         dt.report_id, dt.snapshot_id
  FROM dated dt
  LEFT JOIN deadlines d ON d.ordinal = dt.deadline_ordinal;
)sql";

// Version 9 (export): the panel export reads a few fields of every report; this index finds them
// without scanning each report's values. Covering (listed, value), so the table is not visited.
constexpr const char* kVersionExport = R"sql(
CREATE INDEX field_values_by_field ON field_values(field_id, snapshot_id, listed, value);
)sql";

// Version 10 (web): the web view's report list and overview counts without reading every
// report's snapshot. Each report carries its latest version's fetch time, year and template,
// copied by triggers whenever latest_snapshot_id is set (a snapshot's fetch, year and template
// never change); indexes serve "newest fetch first" (all years or one), the counts by year and
// template, and the recent failed fetches. Additive: three columns, filled here for the reports
// already stored.
constexpr const char* kVersionWeb = R"sql(
ALTER TABLE reports ADD COLUMN latest_fetched_at INTEGER;  -- fetches.fetched_at of the latest
ALTER TABLE reports ADD COLUMN latest_year INTEGER;        -- snapshots.year of the latest
ALTER TABLE reports ADD COLUMN latest_template TEXT;       -- snapshots.template of the latest
UPDATE reports SET
  latest_fetched_at = (SELECT f.fetched_at FROM snapshots sn JOIN fetches f ON f.id = sn.fetch_id
                       WHERE sn.id = reports.latest_snapshot_id),
  latest_year = (SELECT sn.year FROM snapshots sn WHERE sn.id = reports.latest_snapshot_id),
  latest_template = (SELECT sn.template FROM snapshots sn WHERE sn.id = reports.latest_snapshot_id);
CREATE TRIGGER reports_latest_on_update AFTER UPDATE OF latest_snapshot_id ON reports
BEGIN
  UPDATE reports SET
    latest_fetched_at = (SELECT f.fetched_at FROM snapshots sn JOIN fetches f
                         ON f.id = sn.fetch_id WHERE sn.id = NEW.latest_snapshot_id),
    latest_year = (SELECT sn.year FROM snapshots sn WHERE sn.id = NEW.latest_snapshot_id),
    latest_template = (SELECT sn.template FROM snapshots sn WHERE sn.id = NEW.latest_snapshot_id)
  WHERE id = NEW.id;
END;
CREATE TRIGGER reports_latest_on_insert AFTER INSERT ON reports
WHEN NEW.latest_snapshot_id IS NOT NULL
BEGIN
  UPDATE reports SET
    latest_fetched_at = (SELECT f.fetched_at FROM snapshots sn JOIN fetches f
                         ON f.id = sn.fetch_id WHERE sn.id = NEW.latest_snapshot_id),
    latest_year = (SELECT sn.year FROM snapshots sn WHERE sn.id = NEW.latest_snapshot_id),
    latest_template = (SELECT sn.template FROM snapshots sn WHERE sn.id = NEW.latest_snapshot_id)
  WHERE id = NEW.id;
END;
CREATE INDEX reports_by_latest_fetch ON reports(latest_fetched_at, id);
CREATE INDEX reports_by_year_and_latest_fetch ON reports(latest_year, latest_fetched_at, id);
CREATE INDEX reports_by_year_and_template
  ON reports(latest_year, latest_template, latest_fetched_at);
CREATE INDEX fetches_failed_by_time ON fetches(fetched_at) WHERE error != '' OR status >= 400;
)sql";

const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> migrations = {kVersion1,         kVersion2,
                                                      kVersionDiscovery, kVersionChecks,
                                                      kVersionDocuments, kVersionCrawlReliability,
                                                      kVersionDataset,   kVersionBodies,
                                                      kVersionExport,    kVersionWeb};
  return migrations;
}

int UserVersion(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

namespace {

// Table name → its column names, read from `db` (SQLite's own tables left out).
std::map<std::string, std::set<std::string>> TablesAndColumns(SQLite::Database& db) {
  std::map<std::string, std::set<std::string>> tables;
  SQLite::Statement names(
      db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  while (names.executeStep()) tables[names.getColumn(0).getString()];
  for (auto& [table, columns] : tables) {
    SQLite::Statement info(db, "SELECT name FROM pragma_table_info(?)");
    info.bind(1, table);
    while (info.executeStep()) columns.insert(info.getColumn(0).getString());
  }
  return tables;
}

}  // namespace

std::string SchemaProblem(SQLite::Database& db, int version) {
  SQLite::Database expected(":memory:", SQLite::OPEN_READWRITE);
  Migrate(expected, version);
  auto want = TablesAndColumns(expected);
  auto have = TablesAndColumns(db);
  std::string problem;
  auto add = [&](const std::string& text) { problem += (problem.empty() ? "" : "; ") + text; };
  for (const auto& [table, columns] : want) {
    auto found = have.find(table);
    if (found == have.end()) {
      add("table \"" + table + "\" is missing");
      continue;
    }
    for (const auto& column : columns) {
      if (!found->second.contains(column)) {
        add("column \"" + table + "." + column + "\" is missing");
      }
    }
  }
  return problem;
}

void Migrate(SQLite::Database& db, int target) {
  const auto& migrations = Migrations();
  for (int step = 1; step <= target && step <= static_cast<int>(migrations.size()); ++step) {
    RetryWhileBusy([&] {
      WriteTransaction transaction(db);
      int current = UserVersion(db);  // another process may have migrated meanwhile
      if (current >= step) return;
      if (current != step - 1) {
        throw SQLite::Exception("its schema version " + std::to_string(current) +
                                " is not one nianbao ever wrote, so it cannot be upgraded: the "
                                "database is damaged or not nianbao's");
      }
      db.exec(migrations[step - 1]);
      db.exec("PRAGMA user_version = " + std::to_string(step));
      transaction.Commit();
    });
  }
}

}  // namespace nianbao::store_internal
