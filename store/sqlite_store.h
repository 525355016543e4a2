// SqliteStore: the one implementation of Store. Its methods live in several files by concern:
// open.cc (opening, checking, migrating), write.cc (fetches, documents, snapshots, frontier),
// read.cc (history, diff, show, status), cross_year.cc (checks), bodies.cc and coverage.cc,
// schedule.cc (seeds and crawls), export*.cc (long, wide and panel exports). Internal to store/.
#ifndef NIANBAO_STORE_SQLITE_STORE_H_
#define NIANBAO_STORE_SQLITE_STORE_H_

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>

#include "store/sqlite_util.h"
#include "store/store.h"

namespace nianbao::store_internal {

// A read-only connection to the existing database at `path` (checked by Store::OpenForReading
// first): mode=ro, or immutable=1 where the -wal and -shm files cannot be made.
std::unique_ptr<SQLite::Database> ReadOnlyConnection(const std::string& path);

// The SQL functions the store's queries use, on every connection it opens (cross_year.cc):
// nianbao_cross_year_group(body_id, issuer) is CrossYearGroup.
void RegisterSqlFunctions(SQLite::Database& db);

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, std::unique_ptr<SQLite::Database> db);

  void Batch(const std::function<void()>& writes) override;
  int64_t RecordFetch(const FetchRecord& fetch) override;
  std::string PutDocument(const std::string& body, const std::string& media_type,
                          const std::string& url, int64_t fetch_id) override;
  std::string PutDocument(const PreparedDocument& document, const std::string& media_type,
                          const std::string& url, int64_t fetch_id) override;
  void LinkAttachment(const std::string& page_url, const std::string& attachment_url,
                      const std::string& sha256, const std::string& page_kind) override;
  SnapshotResult SaveExtraction(const std::string& url, int64_t fetch_id,
                                const Extraction& extraction, const std::string& page_text,
                                const SnapshotOrigin& origin) override;
  void SetSourceChecks(const std::string& url, const std::string& document_url,
                       const std::vector<CheckFailure>& checks) override;
  std::optional<Validators> GetValidators(const std::string& url) override;

  bool Enqueue(const FrontierEntry& entry) override;
  std::vector<FrontierEntry> PendingEntries(size_t limit, int64_t after_id) override;
  void MarkDone(const std::string& url, const std::string& outcome) override;
  int64_t PendingCount() override;
  int64_t PendingChildren(const std::string& parent_url, const std::string& except_url) override;
  int RecordAnalysisFailure(const std::string& url, const std::string& reason) override;
  bool HoldSuspect(const std::string& url, int64_t fetch_id,
                   const std::string& data_sha256) override;
  void DropSuspect(const std::string& url) override;
  void ResetFrontier(const std::string& seed) override;

  std::optional<StoredDocument> GetDocument(const std::string& sha256) override;
  std::optional<ArchivedDocument> LatestDocument(const std::string& url) override;
  std::vector<ArchivedDocument> ReportAttachments(const std::string& page_url) override;
  std::vector<std::string> PagesLinking(const std::string& attachment_url) override;
  std::vector<std::string> ArchivedPages() override;

  std::vector<VersionInfo> History(const std::string& url) override;
  VersionDiff Diff(const std::string& url, std::optional<int> from, std::optional<int> to) override;
  StoredExtraction Show(const std::string& url, std::optional<int> version) override;
  ExportStats Export(const ExportOptions& options, std::ostream& out) override;
  ExportStats Export(const ExportOptions& options, ExportSink& sink) override;

  void UpsertSeed(const std::string& url, const std::string& schedule) override;
  void RetainSeeds(const std::vector<std::string>& urls) override;
  std::vector<SeedState> SeedStates() override;
  void RecordCrawl(const std::string& seed, int64_t started, int64_t finished,
                   const std::string& summary_json) override;
  void SetNextDue(const std::string& seed, int64_t next_due) override;
  std::vector<std::string> ReportsFetchedBefore(int64_t before, int limit) override;
  StoreStatus Status(int64_t now) override;

  void SyncBodies(const BodyRules& bodies) override;                       // bodies.cc
  std::vector<CoverageRow> Coverage(const CoverageQuery& query) override;  // coverage.cc
  std::vector<ReportRow> Reports(const ReportQuery& query) override;
  std::vector<ErrorRow> Errors(int64_t since) override;
  std::vector<ChangeRow> Changes(int64_t since) override;
  std::vector<ReportChecks> LatestReportChecks(const ChecksOptions& options) override;
  std::vector<CrossYearCheck> CrossYearChecks(const ChecksOptions& options) override;
  std::map<std::string, CrossYearQuality> CrossYearQualityByReport() override;

 private:
  // Runs `body` as one write transaction, retried while another process holds the write lock;
  // SQLite errors become StoreError naming the database and `what`.
  template <typename Body>
  auto Write(const char* what, Body&& body) -> decltype(body());
  // Runs `body` inside one read transaction (a consistent view), with the same retries and errors.
  template <typename Body>
  auto Read(const char* what, Body&& body) -> decltype(body());

  // A prepared statement; a statement that cannot be prepared (a table or column missing) throws
  // StoreError naming it.
  std::unique_ptr<SQLite::Statement> Prepare(const char* sql);
  // A cached prepared statement (keyed by the literal's address), reset, bindings cleared;
  // Prepare's errors.
  SQLite::Statement& Prepared(const char* sql);
  // Resets every cached statement, so that none keeps a read snapshot open between calls.
  void ResetStatements() noexcept;
  // Calls ResetStatements when it goes out of scope, however the scope is left.
  struct StatementReset {
    SqliteStore* store;
    ~StatementReset() { store->ResetStatements(); }
  };

  // Within a write transaction: the id of the source for `url`, created when new.
  int64_t SourceId(const std::string& url);
  bool HasDocument(const std::string& sha256);  // whether `documents` holds this body
  // The id of a known source, or 0.
  int64_t FindSourceId(const std::string& url);
  int64_t FieldId(const std::string& name);
  int64_t LabelId(const std::string& text);
  // The report at `url`, or NotFoundError.
  int64_t ReportIdOrThrow(const std::string& url);
  int LatestVersion(int64_t report_id);
  // Inserts `checks` as check_failures rows of `snapshot_id` from ordinal `first` on.
  void InsertChecks(int64_t snapshot_id, int64_t first, const std::vector<CheckFailure>& checks);
  // Within a write transaction: the id of the body `record` (created, or its record updated when
  // `seeded`); 0 for a record without a name.
  int64_t BodyId(const BodyRules& bodies, const BodyRecord& record, bool seeded);
  // Within a read transaction: each report's latest version that names a body (containing `body`
  // when given) and a year, with the fields the cross-year checks read (cross_year.cc).
  std::vector<YearSnapshot> YearSnapshots(const std::optional<std::string>& body);
  // Within a read transaction: the same snapshots, one body (CrossYearGroup) at a time, so that
  // memory holds one body's reports, never all of them.
  void ForEachCrossYearBody(const std::function<void(std::vector<YearSnapshot>&)>& body);
  // The cross-year checks that failed or warned, per report (its latest version), body by body.
  void ForEachCrossYearQuality(const std::function<void(const std::string& url, int64_t snapshot_id,
                                                        const CrossYearQuality& quality)>& report);
  // Within a read transaction: the table temp.export_cross_year (snapshot_id, failed, warned:
  // ;-joined identities) of ForEachCrossYearQuality, that the export cursors join
  // (kVersionJoinsSql). SQLite keeps it in a temporary file beyond its cache: memory stays flat.
  // The transaction's end (a rollback) drops it.
  void StageCrossYearQuality();
  // The panel layout (export_panel.cc).
  ExportStats ExportPanel(const ExportOptions& options, ExportSink& sink);
  // Loads one stored snapshot (inside a read transaction).
  StoredExtraction LoadSnapshot(int64_t report_id, int version, const std::string& url);

  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> statements_;
  int batch_depth_ = 0;  // > 0 inside Batch: Write and Read run in the batch's transaction
  // Caches of field_names and labels (rows are never deleted, so a committed id stays valid).
  std::unordered_map<std::string, int64_t> field_ids_;
  std::unordered_map<std::string, int64_t> label_ids_;
};

// Throws StoreError naming `path`, `what` was being done and why `e` happened; a full disk or a
// missing permission (read from `db`'s last system error) is said in those words.
[[noreturn]] void ThrowStoreError(const std::string& path, const char* what,
                                  const std::exception& e, sqlite3* db = nullptr);

template <typename Body>
auto SqliteStore::Write(const char* what, Body&& body) -> decltype(body()) {
  try {
    if (batch_depth_ > 0) {
      StatementReset reset{this};
      return body();
    }
    return RetryWhileBusy([&] {
      WriteTransaction transaction(*db_);
      StatementReset reset{this};
      if constexpr (std::is_void_v<decltype(body())>) {
        body();
        ResetStatements();
        transaction.Commit();
      } else {
        auto result = body();
        ResetStatements();
        transaction.Commit();
        return result;
      }
    });
  } catch (const NotFoundError&) {
    throw;
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& e) {
    ThrowStoreError(path_, what, e, db_->getHandle());
  }
}

template <typename Body>
auto SqliteStore::Read(const char* what, Body&& body) -> decltype(body()) {
  try {
    if (batch_depth_ > 0) {
      StatementReset reset{this};
      return body();
    }
    return RetryWhileBusy([&] {
      ReadTransaction transaction(*db_);
      StatementReset reset{this};
      return body();
    });
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& e) {
    ThrowStoreError(path_, what, e, db_->getHandle());
  }
}

}  // namespace nianbao::store_internal

#endif  // NIANBAO_STORE_SQLITE_STORE_H_
