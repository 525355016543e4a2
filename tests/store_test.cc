// The store against real database files: schema and migrations, refusing what is not ours,
// versioning by data hash, documents, frontier, schedule.
#include "store/store.h"

#include <SQLiteCpp/Database.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <random>

#include "store/schema.h"
#include "tests/support/store_fixtures.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

using testing::CountRows;
using testing::QueryInt;
using testing::QueryText;
using testing::ReadFileBytes;
using testing::RecordOkFetch;
using testing::SampleExtraction;
using testing::TempDir;
using testing::WriteFileBytes;

constexpr char kUrl[] = "https://www.pingtan.gov.cn/zwgk/zfxxgknb/202503/t20250310_97791.htm";

// The schema as SQLite prints it, one statement per line, sorted: two databases with the same
// text have the same tables, columns and indexes.
std::string SchemaText(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  SQLite::Statement query(db, "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name");
  std::string text;
  while (query.executeStep()) text += query.getColumn(0).getString() + "\n";
  return text;
}

// A file with a database at `version`, in rollback-journal mode so that the file alone is the
// whole database (no -wal beside it).
void BuildDatabaseAtVersion(const std::string& path, int version) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  store_internal::Migrate(db, version);
}

class StoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> OpenStore() { return Store::Open(path_); }
  TempDir dir_;
  std::string path_ = dir_.File("nianbao.db");
};

TEST_F(StoreTest, CreatesCurrentSchemaInWalMode) {
  auto store = OpenStore();
  EXPECT_EQ(QueryInt(path_, "PRAGMA user_version"), store_internal::kSchemaVersion);
  EXPECT_EQ(QueryText(path_, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(store->Status(0).schema_version, store_internal::kSchemaVersion);
}

// True when a process other than this one sees a lock on SQLite's shared-lock byte range of `path`
// (POSIX locks are per process, so only a child can see the parent's).
bool OtherProcessSeesSharedLock(const std::string& path) {
  pid_t child = fork();
  if (child == 0) {
    int fd = ::open(path.c_str(), O_RDWR);
    struct flock probe = {};
    probe.l_type = F_WRLCK;
    probe.l_whence = SEEK_SET;
    probe.l_start = 0x40000000 + 2;  // SQLite's SHARED_FIRST: PENDING_BYTE + 2
    probe.l_len = 510;               // SHARED_SIZE
    bool locked = fd >= 0 && fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK;
    _exit(locked ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Opening a second Store must not drop the first one's locks: closing any descriptor of a file
// releases every POSIX lock the process holds on it, so the open checks read through SQLite's VFS.
TEST_F(StoreTest, SecondOpenInOneProcessKeepsTheFirstOnesLocks) {
  auto first = OpenStore();
  RecordOkFetch(*first, kUrl);
  ASSERT_TRUE(OtherProcessSeesSharedLock(path_));
  auto second = OpenStore();
  EXPECT_TRUE(OtherProcessSeesSharedLock(path_));
}

TEST_F(StoreTest, CreatesMissingParentDirectory) {
  std::string nested = dir_.File("var/sub/nianbao.db");
  auto store = Store::Open(nested);
  EXPECT_EQ(QueryInt(nested, "PRAGMA user_version"), store_internal::kSchemaVersion);
}

TEST_F(StoreTest, OpensZeroByteFileAsNewDatabase) {
  WriteFileBytes(path_, "");
  auto store = OpenStore();
  EXPECT_EQ(QueryInt(path_, "PRAGMA user_version"), store_internal::kSchemaVersion);
}

TEST_F(StoreTest, ReopeningKeepsDataAndSchema) {
  {
    auto store = OpenStore();
    store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl), SampleExtraction(), "text");
  }
  std::string before = SchemaText(path_);
  auto store = OpenStore();
  EXPECT_EQ(store->History(kUrl).size(), 1u);
  EXPECT_EQ(SchemaText(path_), before);
}

TEST_F(StoreTest, MigratesFromEveryEarlierVersion) {
  std::string fresh = dir_.File("fresh.db");
  Store::Open(fresh);
  const std::string expected_schema = SchemaText(fresh);
  for (int version = 0; version < store_internal::kSchemaVersion; ++version) {
    SCOPED_TRACE("from schema version " + std::to_string(version));
    std::string path = dir_.File(std::string("v").append(std::to_string(version)).append(".db"));
    BuildDatabaseAtVersion(path, version);
    if (version >= 1) {  // data written by that version survives the migration
      SQLite::Database db(path, SQLite::OPEN_READWRITE);
      db.exec(
          "INSERT INTO sources VALUES (1, 'https://a.gov.cn/r.htm', 'https://a.gov.cn/r.htm', "
          "'a.gov.cn', 1);"
          "INSERT INTO fetches (id, source_id, final_url, fetched_at, status, error, redirects, "
          "etag, "
          "last_modified, content_type, charset, bytes, body_sha256, duration_seconds) VALUES "
          "(1, 1, 'https://a.gov.cn/r.htm', 1700000000, 200, '', '[]', 'e1', '', 'text/html', "
          "'UTF-8', 10, 'abc', 0.1);"
          // Columns named: later versions add columns to these tables.
          "INSERT INTO reports (id, source_id, latest_snapshot_id) VALUES (1, 1, 1);"
          "INSERT INTO snapshots (id, report_id, version, fetch_id, data_sha256, template, year, "
          "issuer, title, published) VALUES (1, 1, 1, 1, 'hash', 'legacy', 2017, '某局', 't', NULL);"
          "INSERT INTO field_names VALUES (1, 'requests.received');"
          "INSERT INTO labels VALUES (1, '收到申请数');"
          "INSERT INTO field_values (snapshot_id, ordinal, field_id, listed, value, raw, label_id, "
          "table_no, row_no, column_no) VALUES (1, 0, 1, 1, 42, '42', 1, 0, 3, 2);"
          "INSERT INTO check_failures (snapshot_id, ordinal, identity, total_field, fields, "
          "expected, found) VALUES (1, 0, 'legacy.requests.received', "
          "'requests.received', '[\"requests.received.online\"]', 40, 42);");
    }
    EXPECT_EQ(QueryInt(path, "PRAGMA user_version"), version);
    auto store = Store::Open(path);
    EXPECT_EQ(QueryInt(path, "PRAGMA user_version"), store_internal::kSchemaVersion);
    EXPECT_EQ(SchemaText(path), expected_schema);
    if (version >= 1) {
      StoredExtraction shown = store->Show("https://a.gov.cn/r.htm");
      ASSERT_EQ(shown.extraction.fields.size(), 1u);
      EXPECT_EQ(shown.extraction.fields[0].first, "requests.received");
      EXPECT_EQ(shown.extraction.fields[0].second, 42);
      EXPECT_EQ(shown.extraction.cells.at("requests.received").label, "收到申请数");
      // A failure stored before kinds is a sum failure with its printed total.
      ASSERT_EQ(shown.extraction.checks.size(), 1u);
      EXPECT_EQ(shown.extraction.checks[0].kind, "sum");
      EXPECT_EQ(shown.extraction.checks[0].found, 42);
      EXPECT_TRUE(shown.extraction.check_status.empty());
      EXPECT_EQ(store->GetValidators("https://a.gov.cn/r.htm")->etag, "e1");
    }
    // The migrated database works like a new one.
    auto result = store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl), SampleExtraction(), "x");
    EXPECT_EQ(result.version, 1);
    store->UpsertSeed("https://a.gov.cn/", "daily");
    EXPECT_EQ(store->SeedStates().size(), 1u);
  }
}

TEST_F(StoreTest, EveryMigrationIsItsOwnStep) {
  // Migrating one step at a time gives the same schema as a fresh database.
  std::string fresh = dir_.File("fresh.db");
  Store::Open(fresh);
  SQLite::Database db(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  for (int version = 1; version <= store_internal::kSchemaVersion; ++version) {
    store_internal::Migrate(db, version);
    EXPECT_EQ(store_internal::UserVersion(db), version);
  }
  EXPECT_EQ(SchemaText(path_), SchemaText(fresh));
}

TEST_F(StoreTest, RefusesNewerDatabaseAndLeavesItUntouched) {
  BuildDatabaseAtVersion(path_, store_internal::kSchemaVersion);
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = " + std::to_string(store_internal::kSchemaVersion + 1));
  }
  const std::string before = ReadFileBytes(path_);
  try {
    OpenStore();
    FAIL() << "a newer database was opened";
  } catch (const StoreError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(path_), std::string::npos) << message;
    EXPECT_NE(message.find("newer nianbao"), std::string::npos) << message;
  }
  EXPECT_EQ(ReadFileBytes(path_), before);
}

TEST_F(StoreTest, RefusesNonSqliteFileAndLeavesItUntouched) {
  const std::string text = "url,value\nhttps://a.gov.cn,1\n" + std::string(4000, 'x');
  WriteFileBytes(path_, text);
  try {
    OpenStore();
    FAIL() << "a text file was opened as a database";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find(path_), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a SQLite database"), std::string::npos) << e.what();
  }
  EXPECT_EQ(ReadFileBytes(path_), text);
}

TEST_F(StoreTest, RefusesShortFileAndLeavesItUntouched) {
  WriteFileBytes(path_, "SQLite format 3");
  EXPECT_THROW(OpenStore(), StoreError);
  EXPECT_EQ(ReadFileBytes(path_), "SQLite format 3");
}

TEST_F(StoreTest, RefusesCorruptDatabaseAndLeavesItUntouched) {
  {
    auto store = OpenStore();
    for (int i = 0; i < 30; ++i) {
      std::string url = std::string(kUrl) + "?n=" + std::to_string(i);
      store->SaveExtraction(url, RecordOkFetch(*store, url), SampleExtraction(50, i), "t");
    }
  }
  {  // fold the WAL into the file, so that the file alone is the database
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA journal_mode = DELETE");
  }
  std::string bytes = ReadFileBytes(path_);
  ASSERT_GT(bytes.size(), 4096u * 8);
  // Scribble over the middle pages (the header and schema page stay valid).
  std::mt19937 random(7);
  for (size_t i = 4096 * 3; i < bytes.size() - 4096; i += 7) bytes[i] = static_cast<char>(random());
  WriteFileBytes(path_, bytes);
  try {
    OpenStore();
    FAIL() << "a corrupt database was opened";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find(path_), std::string::npos) << e.what();
  }
  EXPECT_EQ(ReadFileBytes(path_), bytes);
}

TEST_F(StoreTest, RefusesTruncatedDatabaseAndLeavesItUntouched) {
  {
    auto store = OpenStore();
    for (int i = 0; i < 20; ++i) {
      std::string url = std::string(kUrl) + "?n=" + std::to_string(i);
      store->SaveExtraction(url, RecordOkFetch(*store, url), SampleExtraction(50, i), "t");
    }
  }
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA journal_mode = DELETE");
  }
  std::string bytes = ReadFileBytes(path_);
  bytes.resize(bytes.size() / 2);
  WriteFileBytes(path_, bytes);
  try {
    OpenStore();
    FAIL() << "a truncated database was opened";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
  EXPECT_EQ(ReadFileBytes(path_), bytes);
}

TEST_F(StoreTest, RefusesOtherSqliteDatabaseAndLeavesItUntouched) {
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x')");
  }
  const std::string before = ReadFileBytes(path_);
  try {
    OpenStore();
    FAIL() << "someone else's database was opened";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("not a nianbao"), std::string::npos) << e.what();
  }
  EXPECT_EQ(ReadFileBytes(path_), before);
}

TEST_F(StoreTest, SameDataIsOneVersion) {
  auto store = OpenStore();
  Extraction e = SampleExtraction();
  auto first = store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl, 100), e, "page");
  auto second = store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl, 200), e, "page");
  EXPECT_TRUE(first.new_version);
  EXPECT_EQ(first.version, 1);
  EXPECT_FALSE(second.new_version);
  EXPECT_EQ(second.version, 1);
  EXPECT_EQ(second.report_id, first.report_id);
  EXPECT_EQ(store->History(kUrl).size(), 1u);
  EXPECT_EQ(CountRows(path_, "fetches"), 2);
  EXPECT_EQ(CountRows(path_, "snapshots"), 1);
}

TEST_F(StoreTest, FieldOrderDoesNotMakeAVersion) {
  auto store = OpenStore();
  Extraction e = SampleExtraction();
  Extraction shuffled = e;
  std::reverse(shuffled.fields.begin(), shuffled.fields.end());
  EXPECT_EQ(DataHash(e), DataHash(shuffled));
  store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl), e, "page");
  EXPECT_FALSE(
      store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl), shuffled, "page").new_version);
}

TEST_F(StoreTest, ChangedCellIsANewVersionAndDiffShowsExactlyIt) {
  auto store = OpenStore();
  Extraction e = SampleExtraction();
  store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl, 100), e, "page");
  Extraction changed = e;
  changed.fields[5].second = 999;
  changed.cells["f005"].raw = "999";
  auto result = store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl, 200), changed, "page 2");
  EXPECT_TRUE(result.new_version);
  EXPECT_EQ(result.version, 2);

  auto history = store->History(kUrl);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].version, 1);
  EXPECT_EQ(history[0].fetched_at, 100);
  EXPECT_EQ(history[0].fields_changed, 20);
  EXPECT_EQ(history[1].fetched_at, 200);
  EXPECT_EQ(history[1].fields_changed, 1);

  VersionDiff diff = store->Diff(kUrl);
  EXPECT_EQ(diff.from, 1);
  EXPECT_EQ(diff.to, 2);
  EXPECT_TRUE(diff.metadata.empty());
  ASSERT_EQ(diff.fields.size(), 1u);
  EXPECT_EQ(diff.fields[0].field, "f005");
  EXPECT_EQ(diff.fields[0].old_value, 6);
  EXPECT_EQ(diff.fields[0].new_value, 999);
  EXPECT_EQ(diff.fields[0].old_raw, "6");
  EXPECT_EQ(diff.fields[0].new_raw, "999");
  EXPECT_EQ(store->Show(kUrl).extraction, changed);
  EXPECT_EQ(store->Show(kUrl, 1).extraction, e);
}

TEST_F(StoreTest, DiffReportsMetadataAndAddedAndRemovedFields) {
  auto store = OpenStore();
  Extraction e = SampleExtraction(5);
  store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl), e, "page");
  Extraction changed = e;
  changed.issuer = "平潭综合实验区管委会";
  changed.fields.pop_back();  // f004 dropped
  changed.cells.erase("f004");
  changed.fields.emplace_back("g000", std::nullopt);  // a new field, not reported
  store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl), changed, "page");
  VersionDiff diff = store->Diff(kUrl, 1, 2);
  ASSERT_EQ(diff.metadata.size(), 1u);
  EXPECT_EQ(diff.metadata[0].name, "issuer");
  EXPECT_EQ(diff.metadata[0].old_value, e.issuer);
  EXPECT_EQ(diff.metadata[0].new_value, changed.issuer);
  ASSERT_EQ(diff.fields.size(), 2u);
  EXPECT_EQ(diff.fields[0].field, "g000");
  EXPECT_FALSE(diff.fields[0].old_present);
  EXPECT_TRUE(diff.fields[0].new_present);
  EXPECT_EQ(diff.fields[1].field, "f004");
  EXPECT_TRUE(diff.fields[1].old_present);
  EXPECT_FALSE(diff.fields[1].new_present);
}

TEST_F(StoreTest, NoiseOnlyPageChangeIsOneVersionButItsTextHashIsKept) {
  auto store = OpenStore();
  Extraction e = SampleExtraction();
  int64_t first = RecordOkFetch(*store, kUrl, 100);
  store->SaveExtraction(kUrl, first, e, "正文 浏览次数：15");
  int64_t second = RecordOkFetch(*store, kUrl, 200);
  auto result = store->SaveExtraction(kUrl, second, e, "正文 浏览次数：16");
  EXPECT_FALSE(result.new_version);
  EXPECT_EQ(store->History(kUrl).size(), 1u);
  std::string hashes =
      "SELECT count(DISTINCT text_sha256) || '/' || count(DISTINCT data_sha256) FROM fetches";
  EXPECT_EQ(QueryText(path_, hashes), "2/1");
  EXPECT_EQ(
      QueryText(path_, "SELECT text_sha256 FROM fetches WHERE id = " + std::to_string(second)),
      Sha256Hex("正文 浏览次数：16"));
}

TEST_F(StoreTest, NotModifiedIsAFetchAndNoVersion) {
  auto store = OpenStore();
  store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl, 100, "\"v1\""), SampleExtraction(), "p");
  FetchRecord not_modified;
  not_modified.url = kUrl;
  not_modified.fetched_at = 200;
  not_modified.status = 304;
  int64_t id = store->RecordFetch(not_modified);
  EXPECT_GT(id, 0);
  EXPECT_EQ(CountRows(path_, "fetches"), 2);
  EXPECT_EQ(CountRows(path_, "snapshots"), 1);
  EXPECT_EQ(store->History(kUrl).size(), 1u);
  ASSERT_TRUE(store->GetValidators(kUrl));
  EXPECT_EQ(store->GetValidators(kUrl)->etag, "\"v1\"");
}

TEST_F(StoreTest, ValidatorsComeFromTheLatestSuccessfulFetch) {
  auto store = OpenStore();
  EXPECT_FALSE(store->GetValidators(kUrl));
  RecordOkFetch(*store, kUrl, 100, "\"a\"");
  FetchRecord failed;
  failed.url = kUrl;
  failed.status = 503;
  failed.etag = "\"error page\"";
  store->RecordFetch(failed);
  EXPECT_EQ(store->GetValidators(kUrl)->etag, "\"a\"");
  RecordOkFetch(*store, kUrl, 300, "");  // a 200 without validators: nothing to send
  EXPECT_FALSE(store->GetValidators(kUrl));
}

TEST_F(StoreTest, UrlsAreFoundWhateverTheirCaseOfHostOrFragment) {
  auto store = OpenStore();
  store->SaveExtraction("HTTPS://WWW.Example.gov.cn:443/a/b.htm#top",
                        RecordOkFetch(*store, "https://www.example.gov.cn/a/b.htm"),
                        SampleExtraction(), "p");
  EXPECT_EQ(store->History("https://www.example.gov.cn/a/b.htm").size(), 1u);
  EXPECT_EQ(CountRows(path_, "sources"), 1);
  EXPECT_EQ(QueryText(path_, "SELECT site FROM sources"), "www.example.gov.cn");
}

TEST_F(StoreTest, UnknownUrlAndVersionAreNotFound) {
  auto store = OpenStore();
  EXPECT_THROW(store->History(kUrl), NotFoundError);
  EXPECT_THROW(store->Show(kUrl), NotFoundError);
  store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl), SampleExtraction(), "p");
  EXPECT_THROW(store->Show(kUrl, 2), NotFoundError);
  EXPECT_THROW(store->Diff(kUrl), NotFoundError);  // a single version
  EXPECT_THROW(store->Diff(kUrl, 1, 3), NotFoundError);
}

TEST_F(StoreTest, SnapshotWithoutStatisticsTableRoundTrips) {
  auto store = OpenStore();
  Extraction none;
  none.title = "某县2023年政府信息公开工作年度报告";
  none.warnings = {"no statistics table"};
  store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl), none, "p");
  EXPECT_EQ(store->Show(kUrl).extraction, none);
}

TEST_F(StoreTest, SaveExtractionNeedsARecordedFetch) {
  auto store = OpenStore();
  EXPECT_THROW(store->SaveExtraction(kUrl, 12345, SampleExtraction(), "p"), StoreError);
  EXPECT_EQ(CountRows(path_, "snapshots"), 0);
}

TEST_F(StoreTest, DocumentsAreStoredOncePerHashAndCompressed) {
  auto store = OpenStore();
  std::string body;
  for (int i = 0; i < 2000; ++i)
    body += "<tr><td>收到申请数</td><td>" + std::to_string(i) + "</td></tr>";
  int64_t fetch = RecordOkFetch(*store, kUrl);
  std::string sha = store->PutDocument(body, "text/html", kUrl, fetch);
  EXPECT_EQ(sha, Sha256Hex(body));
  EXPECT_EQ(store->PutDocument(body, "text/html", "https://mirror.gov.cn/x.htm", 0), sha);
  EXPECT_EQ(CountRows(path_, "documents"), 1);
  EXPECT_EQ(CountRows(path_, "document_sources"), 2);
  EXPECT_LT(QueryInt(path_, "SELECT length(body) FROM documents"),
            static_cast<int64_t>(body.size() / 4));
  auto stored = store->GetDocument(sha);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->body, body);
  EXPECT_EQ(stored->media_type, "text/html");
  EXPECT_FALSE(store->GetDocument(Sha256Hex("nothing")));

  std::string pdf = "%PDF-1.4 binary \x01\x02";
  pdf.push_back('\0');
  std::string pdf_sha = store->PutDocument(pdf, "application/pdf", kUrl + std::string(".pdf"), 0);
  store->LinkAttachment(kUrl, kUrl + std::string(".pdf"), pdf_sha);
  store->LinkAttachment(kUrl, kUrl + std::string(".pdf"), pdf_sha);
  EXPECT_EQ(CountRows(path_, "attachments"), 1);
  EXPECT_EQ(store->GetDocument(pdf_sha)->body, pdf);
}

TEST_F(StoreTest, FrontierKeepsOrderAndDoneState) {
  auto store = OpenStore();
  EXPECT_TRUE(store->PendingEntries(10).empty());
  EXPECT_TRUE(store->Enqueue({"https://a.gov.cn/list/", "list", 0, "", "https://a.gov.cn/list/"}));
  EXPECT_TRUE(store->Enqueue({"https://a.gov.cn/r1.htm", "report", 1, "https://a.gov.cn/list/",
                              "https://a.gov.cn/list/"}));
  EXPECT_FALSE(
      store->Enqueue({"https://a.gov.cn/r1.htm", "report", 1, "x", "https://a.gov.cn/list/"}));
  EXPECT_EQ(store->PendingCount(), 2);
  std::vector<FrontierEntry> pending = store->PendingEntries(10);
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].url, "https://a.gov.cn/list/");
  EXPECT_EQ(pending[0].kind, "list");
  EXPECT_EQ(pending[1].url, "https://a.gov.cn/r1.htm");
  ASSERT_EQ(store->PendingEntries(1).size(), 1u);
  EXPECT_EQ(store->PendingEntries(1)[0].url, "https://a.gov.cn/list/");
  store->MarkDone(pending[0].url, "ok");
  pending = store->PendingEntries(10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].url, "https://a.gov.cn/r1.htm");
  EXPECT_EQ(pending[0].depth, 1);
  EXPECT_EQ(pending[0].parent, "https://a.gov.cn/list/");
  store->MarkDone(pending[0].url, "ok");
  EXPECT_TRUE(store->PendingEntries(10).empty());
  EXPECT_FALSE(
      store->Enqueue({"https://a.gov.cn/r1.htm", "report", 1, "", "https://a.gov.cn/list/"}));
  store->ResetFrontier("https://a.gov.cn/list/");
  EXPECT_TRUE(
      store->Enqueue({"https://a.gov.cn/r1.htm", "report", 1, "", "https://a.gov.cn/list/"}));
  EXPECT_EQ(store->PendingCount(), 1);
}

// A batch is one transaction: a reader sees none of it until it commits, and a failure inside it
// leaves nothing behind — while what was stored before stays.
TEST_F(StoreTest, BatchCommitsTogetherOrNotAtAll) {
  auto store = OpenStore();
  auto reader = OpenStore();
  int64_t before = RecordOkFetch(*store, "https://a.gov.cn/0", 1750000000);
  store->SaveExtraction("https://a.gov.cn/0", before, SampleExtraction(), "p");
  store->Batch([&] {
    int64_t fetch = RecordOkFetch(*store, "https://a.gov.cn/1", 1750000001);
    store->SaveExtraction("https://a.gov.cn/1", fetch, SampleExtraction(), "p");
    store->Batch([&] {  // joins the outer batch
      store->Enqueue({"https://a.gov.cn/2", "report", 1, "", "s"});
    });
    store->MarkDone("https://a.gov.cn/2", "report");
    EXPECT_THROW(reader->History("https://a.gov.cn/1"), NotFoundError) << "seen before the commit";
    EXPECT_EQ(reader->PendingCount(), 0);
  });
  EXPECT_EQ(reader->History("https://a.gov.cn/1").size(), 1u);
  EXPECT_EQ(CountRows(path_, "fetches"), 2);
  EXPECT_EQ(CountRows(path_, "frontier"), 1);

  EXPECT_THROW(store->Batch([&] {
    int64_t fetch = RecordOkFetch(*store, "https://a.gov.cn/3", 1750000002);
    store->SaveExtraction("https://a.gov.cn/3", fetch, SampleExtraction(), "p");
    store->Enqueue({"https://a.gov.cn/4", "report", 1, "", "s"});
    throw std::runtime_error("the crawl thread failed");
  }),
               std::runtime_error);
  EXPECT_EQ(CountRows(path_, "fetches"), 2);
  EXPECT_EQ(CountRows(path_, "frontier"), 1);
  EXPECT_THROW(store->History("https://a.gov.cn/3"), NotFoundError);
  // The store goes on working, and what came before is intact.
  int64_t after = RecordOkFetch(*store, "https://a.gov.cn/3", 1750000003);
  EXPECT_TRUE(
      store->SaveExtraction("https://a.gov.cn/3", after, SampleExtraction(), "p").new_version);
  EXPECT_EQ(store->History("https://a.gov.cn/0").size(), 1u);
  EXPECT_EQ(store->Show("https://a.gov.cn/1", std::nullopt).extraction.fields.size(),
            SampleExtraction().fields.size());
}

TEST_F(StoreTest, FrontierSurvivesReopening) {
  {
    auto store = OpenStore();
    store->Enqueue({"https://a.gov.cn/1", "report", 1, "", "s"});
    store->Enqueue({"https://a.gov.cn/2", "report", 1, "", "s"});
    store->MarkDone("https://a.gov.cn/1", "ok");
  }
  auto store = OpenStore();
  EXPECT_EQ(store->PendingCount(), 1);
  ASSERT_EQ(store->PendingEntries(10).size(), 1u);
  EXPECT_EQ(store->PendingEntries(10)[0].url, "https://a.gov.cn/2");
}

TEST_F(StoreTest, SeedScheduleSurvivesReopening) {
  {
    auto store = OpenStore();
    store->UpsertSeed("https://a.gov.cn/list/", "daily");
    store->UpsertSeed("https://b.gov.cn/list/", "weekly");
    store->RecordCrawl("https://a.gov.cn/list/", 1000, 1100, R"({"fetched":3})");
    store->RecordCrawl("https://a.gov.cn/list/", 2000, 2100, R"({"fetched":5})");
    store->SetNextDue("https://a.gov.cn/list/", 88000);
    store->UpsertSeed("https://a.gov.cn/list/", "every 6h");  // keeps history and due time
  }
  auto store = OpenStore();
  auto seeds = store->SeedStates();
  ASSERT_EQ(seeds.size(), 2u);
  EXPECT_EQ(seeds[0].url, "https://a.gov.cn/list/");
  EXPECT_EQ(seeds[0].schedule, "every 6h");
  EXPECT_EQ(seeds[0].last_started, 2000);
  EXPECT_EQ(seeds[0].last_finished, 2100);
  EXPECT_EQ(seeds[0].last_summary_json, R"({"fetched":5})");
  EXPECT_EQ(seeds[0].next_due, 88000);
  EXPECT_EQ(seeds[0].crawls, 2);
  EXPECT_EQ(seeds[1].last_started, 0);
  EXPECT_EQ(seeds[1].crawls, 0);
  EXPECT_THROW(store->SetNextDue("https://unknown/", 1), NotFoundError);
  store->RetainSeeds({"https://b.gov.cn/list/"});
  seeds = store->SeedStates();
  ASSERT_EQ(seeds.size(), 1u);
  EXPECT_EQ(seeds[0].url, "https://b.gov.cn/list/");
  EXPECT_EQ(CountRows(path_, "crawls"), 0);
}

TEST_F(StoreTest, StatusCountsAndRecheckList) {
  auto store = OpenStore();
  store->UpsertSeed("https://a.gov.cn/list/", "daily");
  const int64_t now = 1750000000;
  store->SaveExtraction("https://a.gov.cn/1",
                        RecordOkFetch(*store, "https://a.gov.cn/1", now - 100), SampleExtraction(),
                        "p");
  store->SaveExtraction("https://a.gov.cn/2",
                        RecordOkFetch(*store, "https://a.gov.cn/2", now - 10 * 86400),
                        SampleExtraction(), "p");
  FetchRecord error;
  error.url = "https://a.gov.cn/3";
  error.fetched_at = now - 50;
  error.error = "timeout";
  store->RecordFetch(error);
  FetchRecord missing;
  missing.url = "https://a.gov.cn/4";
  missing.fetched_at = now - 40;
  missing.status = 404;
  store->RecordFetch(missing);
  store->Enqueue({"https://a.gov.cn/5", "report", 1, "", "https://a.gov.cn/list/"});
  StoreStatus status = store->Status(now);
  EXPECT_EQ(status.seeds, 1);
  EXPECT_EQ(status.reports, 2);
  EXPECT_EQ(status.versions, 2);
  EXPECT_EQ(status.fetches, 4);
  EXPECT_EQ(status.fetches_last_day, 3);
  EXPECT_EQ(status.fetch_errors_last_day, 2);
  EXPECT_EQ(status.pending, 1);
  EXPECT_EQ(store->ReportsFetchedBefore(now - 86400, 10),
            std::vector<std::string>{"https://a.gov.cn/2"});
}

}  // namespace
}  // namespace nianbao
