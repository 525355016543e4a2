// store/: the one SQLite file (SQLiteCpp) that holds every fetch, every document body, every
// report's versioned snapshots, the crawl frontier and the schedule. It owns every SQL statement in
// nianbao. Errors cross this boundary as exceptions: StoreError, whose message names the database
// path and what was wrong. A Store is used from one thread; open one Store per thread or process
// (WAL mode and a busy timeout let several processes write the same file).
//
// Durability: each write method is one transaction (BEGIN IMMEDIATE; WAL, synchronous=NORMAL), so a
// process killed at any moment loses at most the call in progress. Another process writing the same
// file never makes a call fail: a busy database is waited for (busy timeout plus retries).
// Read methods (History, Diff, Show, Export, Status, SeedStates) see one consistent state each.
#ifndef NIANBAO_STORE_STORE_H_
#define NIANBAO_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extraction.h"
#include "extract/map/bodies.h"
#include "extract/map/rules.h"
#include "store/coverage.h"
#include "store/cross_year.h"
#include "store/crosswalk.h"
#include "store/export_sink.h"

namespace nianbao {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A URL, version or document the database does not hold (the commands exit 1 with its message).
class NotFoundError : public StoreError {
 public:
  using StoreError::StoreError;
};

// Lower-case hex SHA-256 of `bytes` (OpenSSL EVP).
std::string Sha256Hex(std::string_view bytes);

// A body made ready to archive (Store::PutDocument) on any thread: its SHA-256 and its zlib form.
// CPU work only, no database: the crawler does it in the analysis pool, so that the store's thread
// only writes. Throws StoreError when OpenSSL or zlib fail.
struct PreparedDocument {
  std::string sha256;  // hex, of the body
  int64_t size = 0;    // the body's length in bytes
  std::string compressed;
};
PreparedDocument PrepareDocument(std::string_view body);

// The SHA-256 of an extraction's data: template, year, issuer, title, published, and every field's
// id, value and raw text, serialized canonically (field order does not matter). Two extractions
// with the same data hash are one snapshot version.
std::string DataHash(const Extraction& extraction);

// One HTTP fetch attempt, successful or not.
struct FetchRecord {
  std::string url;         // as requested (normalised)
  std::string final_url;   // after redirects
  int64_t fetched_at = 0;  // unix seconds (UTC)
  int status = 0;          // HTTP status; 0 when no response
  std::string error;       // empty on success; else a short kind: "timeout", "too_large", ...
  std::vector<std::string> redirects;  // each hop's URL, in order
  std::string etag, last_modified, content_type, charset;
  int64_t bytes = 0;
  std::string body_sha256;  // hex; empty when no body
  double duration_seconds = 0;
};

// Validators stored for a URL, sent as If-None-Match / If-Modified-Since.
struct Validators {
  std::string etag, last_modified;
};

struct SnapshotResult {
  int64_t report_id = 0;
  int version = 0;           // the report's current version after this save
  bool new_version = false;  // false: the data hash matched the latest version
};

// A URL waiting in (or done with) the crawl frontier.
struct FrontierEntry {
  std::string url;
  std::string kind;  // "list", "report", "attachment"
  int depth = 0;
  std::string parent;         // the URL it was found on; empty for a seed
  std::string seed;           // the seed URL this crawl started from
  std::string request = "";   // "" (GET `url`) or a list mechanism's request (ListRequest JSON)
  std::string parent_kind{};  // the kind of the parent's entry ("list", "report"); "" for a seed
  int64_t id = 0;  // the frontier's row id (ascending in the order added); set by PendingEntries
};

// Where a snapshot's cells were read from (provenance) and which rules read them. Every cell of a
// snapshot comes from this one document; its format is Extraction::format and a PDF cell's page
// FieldCell::page.
struct SnapshotOrigin {
  std::string document_url;     // the URL that served the document (the page or an attachment)
  std::string document_sha256;  // the archived body (GetDocument)
  std::string rules_sha256;     // RuleSet::sha256() of the rules that made the extraction
};

// An archived body as one URL served it, for reading it again (reextract).
struct ArchivedDocument {
  std::string url;
  std::string sha256;
  int64_t fetch_id = 0;  // the latest successful fetch of `url` that returned this body
  std::string media_type;
  std::string charset;  // as the server declared it in that fetch ("" when none)
};

struct StoredDocument {
  std::string body;
  std::string media_type;
};

// One snapshot version of a report, as `nianbao history` lists it.
struct VersionInfo {
  int version = 0;
  int64_t fetch_id = 0;
  int64_t fetched_at = 0;  // unix seconds of the fetch that produced this version
  std::optional<std::string> template_id;
  std::optional<int> year;
  std::optional<std::string> issuer, title, published;
  int fields = 0;          // fields stored in this version
  int fields_changed = 0;  // fields whose value or raw text differ from the previous version
                           // (version 1: every field)
  std::string data_sha256;
};

struct FieldChange {
  std::string field;
  Value old_value, new_value;
  std::optional<std::string> old_raw, new_raw;  // nullopt: no cell (or the field was absent)
  bool old_present = true, new_present = true;  // false: the field is not in that version
};

struct MetadataChange {
  std::string name;  // "template", "year", "issuer", "title", "published"
  std::optional<std::string> old_value, new_value;
};

struct VersionDiff {
  std::string url;
  int from = 0, to = 0;
  std::vector<MetadataChange> metadata;
  std::vector<FieldChange> fields;  // in the `to` version's field order, then fields it dropped
};

struct StoredExtraction {
  std::string url;
  int version = 0;
  int64_t fetch_id = 0;
  int64_t fetched_at = 0;
  SnapshotOrigin origin;  // empty strings for a snapshot stored before provenance (schema < 3)
  Extraction extraction;
};

struct ExportOptions {
  // long: a row per report version and field; wide: a row per report version; panel: a row per
  // (body, year) of harmonised indicators (store/export_panel.cc).
  enum class Layout { kLong, kWide, kPanel };
  Layout layout = Layout::kLong;
  std::optional<std::string> template_id;  // only reports of this template
  std::optional<int> year;                 // only reports of this year
  std::optional<std::string> issuer;       // only reports whose issuer contains this text
  bool all_versions = false;               // every version, not only each report's latest
  bool excel = false;                      // --bom: a UTF-8 BOM (CSV)
  bool guard = true;  // CSV: text cells starting with = + - @ prefixed with ' (--no-guard: off)
  bool only_clean = false;  // only report versions with no failed check and no unmatched label
  std::vector<CrosswalkEntry> crosswalk;  // the panel's indicators (rules/harmonised.tsv)
  // The field catalogue (RuleSet::Fields()): the wide layout's columns and both layouts' units.
  std::vector<FieldSpec> catalogue;
};

struct ExportStats {
  int64_t rows = 0;              // data rows written (the header not counted)
  int64_t snapshots = 0;         // report versions written
  int64_t not_clean = 0;         // report versions left out by only_clean
  int64_t panel_duplicates = 0;  // panel: other reports of a (body, year) already written
  int64_t panel_unkeyed = 0;     // panel: reports without issuer or year, left out
};

struct SeedState {
  std::string url;
  std::string schedule;
  int64_t added_at = 0;
  int64_t next_due = 0;      // 0: due now
  int64_t last_started = 0;  // 0: never crawled
  int64_t last_finished = 0;
  std::string last_summary_json;  // empty when never crawled
  int64_t crawls = 0;
};

struct StoreStatus {
  int64_t seeds = 0;
  int64_t sources = 0;
  int64_t reports = 0;
  int64_t versions = 0;  // snapshots
  int64_t documents = 0;
  int64_t fetches = 0;
  int64_t fetches_last_day = 0;
  int64_t fetch_errors_last_day = 0;  // a non-empty error, or an HTTP status >= 400
  int64_t pending = 0;                // frontier entries waiting
  int schema_version = 0;
};

class Store {
 public:
  // Opens (creating and migrating as needed) the database at `path`. Throws StoreError for a file
  // that is not a nianbao database, is corrupt, has a damaged schema (a table or column of its
  // version missing), or comes from a newer nianbao; such a file is not modified. Checks happen
  // read-only before any write: the header, the length (when no -wal file is beside it), the
  // schema version, the schema's tables and columns, and PRAGMA quick_check (for files up to
  // 128 MiB and before any migration; corruption met later in larger files is a StoreError naming
  // the file). A full disk or a missing permission is said in those words.
  static std::unique_ptr<Store> Open(const std::string& path);
  // Opens an existing database for reading only (history, diff, show, export, status): the same
  // checks, then a read-only connection, which works on a read-only file, directory or mount
  // (immutable=1 when the -wal/-shm files cannot be made and there is no -wal to miss). Never
  // creates, migrates or writes anything: a missing or empty file, or one of an older schema
  // version, is a StoreError naming the path. Write methods of the result throw StoreError.
  static std::unique_ptr<Store> OpenForReading(const std::string& path);
  virtual ~Store() = default;

  // Runs `writes` (calls of this Store, on this thread) as one transaction: they are committed
  // together or not at all, and cost one commit. A Batch inside a Batch joins it. An exception
  // from `writes` rolls everything back and propagates.
  virtual void Batch(const std::function<void()>& writes) = 0;

  // --- written by the crawler ---
  // Records one fetch attempt (its source is created on first sight); returns the fetch id.
  virtual int64_t RecordFetch(const FetchRecord& fetch) = 0;
  // Stores a body once per SHA-256 (zlib-compressed) and notes that `url` served it in `fetch_id`
  // (0: no fetch); returns the hex SHA-256.
  virtual std::string PutDocument(const std::string& body, const std::string& media_type,
                                  const std::string& url, int64_t fetch_id) = 0;
  // The same for a body PrepareDocument made (the stored bytes are the same).
  virtual std::string PutDocument(const PreparedDocument& document, const std::string& media_type,
                                  const std::string& url, int64_t fetch_id) = 0;
  // Links an attachment document to the page it was found on; `page_kind` is that page's frontier
  // kind: "report" (its attachments are copies of the report) or "list" (each attachment is a
  // report of its own).
  virtual void LinkAttachment(const std::string& page_url, const std::string& attachment_url,
                              const std::string& sha256,
                              const std::string& page_kind = "report") = 0;
  // Saves the extraction of `url` from fetch `fetch_id`; writes a new snapshot version only when
  // the data hash differs from the latest version. Records the fetch's page-text hash (SHA-256 of
  // `page_text`) and data hash either way. A new version records `origin` and the cells' pages;
  // checks of kind source_mismatch in `extraction` are stored like the others. One transaction.
  virtual SnapshotResult SaveExtraction(const std::string& url, int64_t fetch_id,
                                        const Extraction& extraction, const std::string& page_text,
                                        const SnapshotOrigin& origin = {}) = 0;
  // Replaces the source_mismatch checks of the latest version of the report at `url` that compare
  // it with the document served by `document_url` (none left when `checks` is empty). Throws
  // NotFoundError when no report is stored for `url`.
  virtual void SetSourceChecks(const std::string& url, const std::string& document_url,
                               const std::vector<CheckFailure>& checks) = 0;
  // The ETag / Last-Modified of the latest successful (200 or 304) fetch of `url` that sent any;
  // nullopt when there is none. A 304 needs only RecordFetch: it confirms the latest version and
  // writes no new one.
  // While a suspect snapshot of `url` is held (HoldSuspect), nullopt: the next fetch must be a
  // full one.
  virtual std::optional<Validators> GetValidators(const std::string& url) = 0;
  // Holds the extraction of `url` from `fetch_id` (data hash `data_sha256`) as suspect instead of
  // saving it. Returns true when the suspect already held had the same data hash — a second fetch
  // confirms it; the hold is then dropped and the caller saves the extraction. Otherwise holds this
  // one (replacing any earlier) and returns false.
  virtual bool HoldSuspect(const std::string& url, int64_t fetch_id,
                           const std::string& data_sha256) = 0;
  // Forgets the suspect held for `url`, if any (a normal extraction was saved).
  virtual void DropSuspect(const std::string& url) = 0;

  // --- frontier (crawl state survives a kill) ---
  // Adds `entry` unless the URL is already known to this frontier; returns whether it was added.
  virtual bool Enqueue(const FrontierEntry& entry) = 0;
  // Up to `limit` pending entries with an id above `after_id`, oldest first: a crawl pages through
  // its frontier by id (the frontier stays on disk; only a window of it is held in memory).
  virtual std::vector<FrontierEntry> PendingEntries(size_t limit, int64_t after_id = 0) = 0;
  virtual void MarkDone(const std::string& url, const std::string& outcome) = 0;
  virtual int64_t PendingCount() = 0;
  // Pending entries found on `parent_url` (FrontierEntry::parent), `except_url` not counted: a
  // page's pictures are read together once the last of them is in.
  virtual int64_t PendingChildren(const std::string& parent_url, const std::string& except_url) = 0;
  // Counts one failed analysis of the pending entry `url` (its last reason kept with it); returns
  // how many it has had. The entry stays pending; MarkDone gives it up.
  virtual int RecordAnalysisFailure(const std::string& url, const std::string& reason) = 0;
  // Forgets finished entries of `seed` so that a new scheduled crawl can revisit them.
  virtual void ResetFrontier(const std::string& seed) = 0;

  // --- documents ---
  // The stored (decompressed) body with this hex SHA-256; nullopt when not stored.
  virtual std::optional<StoredDocument> GetDocument(const std::string& sha256) = 0;
  // The body `url` served in its latest successful fetch whose body is archived; nullopt when none.
  virtual std::optional<ArchivedDocument> LatestDocument(const std::string& url) = 0;
  // The attachments linked to `page_url` from a report page (page kind "report", or unknown), each
  // attachment URL once with its latest archived body, in the order they were first seen.
  virtual std::vector<ArchivedDocument> ReportAttachments(const std::string& page_url) = 0;
  // The report pages that link `attachment_url` as a copy of their report (see ReportAttachments).
  virtual std::vector<std::string> PagesLinking(const std::string& attachment_url) = 0;
  // What `reextract --all` visits: every URL with a stored report or an archived body, except
  // attachments of report pages (those are read with their page), in first-seen order.
  virtual std::vector<std::string> ArchivedPages() = 0;

  // --- read by the commands (history, diff, show, export) ---
  // Every version of the report at `url`, oldest first. Throws NotFoundError for an unknown URL.
  virtual std::vector<VersionInfo> History(const std::string& url) = 0;
  // The changes from version `from` to version `to` (default: the last two versions). Throws
  // NotFoundError for an unknown URL or version, or when the report has a single version and no
  // versions were named.
  virtual VersionDiff Diff(const std::string& url, std::optional<int> from = std::nullopt,
                           std::optional<int> to = std::nullopt) = 0;
  // The stored extraction of `version` (default: the latest), fields in the order they were saved
  // (the extractor's fields.tsv order). Throws NotFoundError.
  virtual StoredExtraction Show(const std::string& url,
                                std::optional<int> version = std::nullopt) = 0;
  // Writes the CSV described by `options` to `out`, streaming from a cursor (memory does not grow
  // with the number of rows). Throws StoreError; a failing stream throws StoreError too.
  virtual ExportStats Export(const ExportOptions& options, std::ostream& out) = 0;
  // The same rows and columns handed to `sink` (store/export_sink.h: CSV, JSON Lines, XLSX).
  virtual ExportStats Export(const ExportOptions& options, ExportSink& sink) = 0;

  // --- the daemon's schedule (state survives restarts) ---
  // Adds the seed or updates its schedule; its crawl history and next due time are kept.
  virtual void UpsertSeed(const std::string& url, const std::string& schedule) = 0;
  // Removes seeds not in `urls` (e.g. dropped from the config); their crawl records go with them.
  virtual void RetainSeeds(const std::vector<std::string>& urls) = 0;
  virtual std::vector<SeedState> SeedStates() = 0;
  // Records one finished crawl of `seed` (times in unix seconds; `summary_json` a JSON object).
  virtual void RecordCrawl(const std::string& seed, int64_t started, int64_t finished,
                           const std::string& summary_json) = 0;
  // When `seed` is next due (unix seconds); 0 means now.
  virtual void SetNextDue(const std::string& seed, int64_t next_due) = 0;
  // http(s) report URLs whose latest fetch is older than `before` (unix seconds), least recently
  // fetched first: what a re-check with conditional GET should visit (imported file:// reports
  // are not fetched).
  virtual std::vector<std::string> ReportsFetchedBefore(int64_t before, int limit) = 0;
  // Counts for `nianbao status`; "last day" means since `now` - 86400.
  virtual StoreStatus Status(int64_t now) = 0;

  // --- bodies and coverage (store/coverage.h) ---
  // Stores the seeded bodies and deadlines of `bodies`, and links every report whose issuer (or
  // tables) changed since it was last linked to its body: the issuer resolved by `bodies`, else
  // the body of the seed it was crawled from. A department's government is stored too. One
  // transaction; a crawl, an import and a re-extraction call it when they end.
  virtual void SyncBodies(const BodyRules& bodies) = 0;
  // One row per expected body of `query.year` (the `coverage` view), by province, level, body.
  virtual std::vector<CoverageRow> Coverage(const CoverageQuery& query) = 0;
  // The latest version of each report matching `query`, by year, body, URL.
  virtual std::vector<ReportRow> Reports(const ReportQuery& query) = 0;
  // The URLs whose latest fetch failed (an error, or HTTP status >= 400) at or after `since`,
  // most recent first.
  virtual std::vector<ErrorRow> Errors(int64_t since) = 0;
  // The snapshot versions written by fetches at or after `since`, oldest first, each with what
  // changed from the version before.
  virtual std::vector<ChangeRow> Changes(int64_t since) = 0;
  // --- checks (`nianbao checks`, the exports' quality columns; store/cross_year.h) ---
  // Each report's latest version with every identity's status and its failed checks, by body,
  // year and URL; only those `options` select.
  virtual std::vector<ReportChecks> LatestReportChecks(const ChecksOptions& options) = 0;
  // The year-against-year checks over each body's latest versions (store/cross_year.h).
  virtual std::vector<CrossYearCheck> CrossYearChecks(const ChecksOptions& options) = 0;
  // Report URL (as stored) → its cross-year checks that failed or warned; a report with none is
  // absent. One call per export: it reads the whole store once.
  virtual std::map<std::string, CrossYearQuality> CrossYearQualityByReport() = 0;
};

}  // namespace nianbao

#endif  // NIANBAO_STORE_STORE_H_
