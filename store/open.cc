// Opening a database: refuse what is not ours before anything is written, then configure and
// migrate.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

#include "store/schema.h"
#include "store/sqlite_store.h"

namespace nianbao {
namespace store_internal {
namespace {

constexpr char kSqliteMagic[] = "SQLite format 3";  // 16 bytes with its NUL

// PRAGMA quick_check reads every page: about a second per 100 MiB on a busy machine. Files up to
// this size are checked in full on every open; larger ones in full before a migration, and
// otherwise by their header, size and schema (corruption met later is a StoreError naming the
// file).
constexpr uint64_t kFullCheckMaxBytes = 128ull << 20;

uint32_t BigEndian32(const unsigned char* bytes) {
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
         uint32_t{bytes[3]};
}

// The file is at least as long as its header says (a truncated copy is refused).
void CheckLength(const std::string& path, const unsigned char* header, uint64_t file_size) {
  uint32_t page_size = (uint32_t{header[16]} << 8) | header[17];
  if (page_size == 1) page_size = 65536;
  bool count_valid = BigEndian32(header + 24) == BigEndian32(header + 92);
  uint64_t pages = BigEndian32(header + 28);
  if (count_valid && pages > 0 && file_size < pages * page_size) {
    throw StoreError(path + ": the database is truncated (" + std::to_string(file_size) +
                     " bytes, its header says " + std::to_string(pages * page_size) +
                     "); left untouched");
  }
}

// Reads the 100-byte file header through SQLite's own VFS, not a plain file descriptor: closing any
// descriptor of a file drops every POSIX lock this process holds on it, including the locks of
// another Store open on the same database; the unix VFS defers that close while locks are held.
std::string ReadHeader(const std::string& path) {
  sqlite3_vfs* vfs = sqlite3_vfs_find(nullptr);
  std::unique_ptr<char[]> storage(new char[vfs->szOsFile]());
  auto* file = reinterpret_cast<sqlite3_file*>(storage.get());
  int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_MAIN_DB;
  if (vfs->xOpen(vfs, path.c_str(), file, flags, &flags) != SQLITE_OK) {
    if (file->pMethods) file->pMethods->xClose(file);
    throw StoreError(path + ": cannot read the database file");
  }
  std::string header(100, '\0');
  int read = file->pMethods->xRead(file, header.data(), static_cast<int>(header.size()), 0);
  file->pMethods->xClose(file);
  if (read != SQLITE_OK) header.clear();  // SQLITE_IOERR_SHORT_READ: shorter than a header
  return header;
}

// A file that does not start like a SQLite database is refused before SQLite is given a chance to
// treat it as anything else.
void CheckHeader(const std::string& path, uint64_t file_size) {
  std::string header = ReadHeader(path);
  if (header.size() < 100 ||
      std::string_view(header.data(), 16) != std::string_view(kSqliteMagic, 16)) {
    throw StoreError(path + ": not a SQLite database (the file header is wrong); left untouched");
  }
  CheckLength(path, reinterpret_cast<const unsigned char*>(header.data()), file_size);
}

// Opens an existing database read-only and checks, without writing, that nianbao may use it: not
// newer than this nianbao, not someone else's database, not corrupt.
void CheckExisting(const std::string& path, uint64_t file_size) {
  CheckHeader(path, file_size);
  try {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    db.setBusyTimeout(kBusyTimeoutMs);
    RetryWhileBusy([&] {
      int version = UserVersion(db);
      if (version > kSchemaVersion) {
        throw StoreError(path + ": written by a newer nianbao (schema version " +
                         std::to_string(version) + "; this nianbao knows up to " +
                         std::to_string(kSchemaVersion) + "); left untouched — upgrade nianbao");
      }
      if (version == 0 && db.execAndGet("SELECT count(*) FROM sqlite_schema").getInt64() > 0) {
        throw StoreError(path +
                         ": a SQLite database, but not a nianbao one (it has tables and no "
                         "nianbao schema version); left untouched");
      }
      bool full = file_size <= kFullCheckMaxBytes || version < kSchemaVersion;
      std::string check = full ? db.execAndGet("PRAGMA quick_check").getString() : "ok";
      if (!full) {  // the schema at least must read back
        SQLite::Statement schema(db, "SELECT name, sql FROM sqlite_schema");
        while (schema.executeStep()) {
        }
      }
      if (check != "ok") {
        throw StoreError(path + ": the database is corrupt (" + check + "); left untouched");
      }
    });
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& e) {
    throw StoreError(path + ": not a usable SQLite database (" + e.what() + "); left untouched");
  }
}

void Configure(SQLite::Database& db) {
  db.setBusyTimeout(kBusyTimeoutMs);
  RetryWhileBusy([&] {
    std::string mode = db.execAndGet("PRAGMA journal_mode = WAL").getString();
    if (mode != "wal")
      throw SQLite::Exception("cannot switch to WAL mode (journal_mode " + mode + ")");
  });
  // In WAL mode NORMAL loses no committed transaction when the process dies; only a power cut
  // can take back the last commits, and the file stays consistent either way.
  db.exec("PRAGMA synchronous = NORMAL");
  // Checkpoints (which fsync) every ~32 MiB of WAL rather than every 4 MiB, and a 16 MiB page
  // cache.
  db.exec("PRAGMA wal_autocheckpoint = 8000");
  db.exec("PRAGMA cache_size = -16000");
  db.exec("PRAGMA foreign_keys = ON");
}

}  // namespace

[[noreturn]] void ThrowStoreError(const std::string& path, const char* what,
                                  const std::exception& e) {
  throw StoreError(path + ": " + what + ": " + e.what());
}

SqliteStore::SqliteStore(std::string path, std::unique_ptr<SQLite::Database> db)
    : path_(std::move(path)), db_(std::move(db)) {}

SQLite::Statement& SqliteStore::Prepared(const char* sql) {
  auto& slot = statements_[sql];
  if (!slot) {
    slot = std::make_unique<SQLite::Statement>(*db_, sql);
  } else {
    slot->tryReset();
    slot->clearBindings();
  }
  return *slot;
}

void SqliteStore::ResetStatements() noexcept {
  for (auto& [sql, statement] : statements_) statement->tryReset();
}

}  // namespace store_internal

std::unique_ptr<Store> Store::Open(const std::string& path) {
  using namespace store_internal;
  namespace fs = std::filesystem;
  if (path.empty()) throw StoreError("the database path is empty");
  std::error_code error;
  auto status = fs::status(path, error);
  if (fs::exists(status)) {
    if (!fs::is_regular_file(status)) throw StoreError(path + ": not a regular file");
    uint64_t size = fs::file_size(path, error);
    if (size > 0) CheckExisting(path, size);
  } else {
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, error);
  }
  try {
    auto db =
        std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    Configure(*db);
    Migrate(*db);
    int version = UserVersion(*db);
    if (version != kSchemaVersion) {  // a newer nianbao migrated it between our check and now
      throw StoreError(path + ": written by a newer nianbao (schema version " +
                       std::to_string(version) + "); upgrade nianbao");
    }
    return std::make_unique<SqliteStore>(path, std::move(db));
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& e) {
    throw StoreError(path + ": cannot open the database: " + e.what());
  }
}

}  // namespace nianbao
