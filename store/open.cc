// Opening a database: refuse what is not ours before anything is written, then configure and
// migrate.
#include <sqlite3.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
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

uint64_t FileSize(const std::string& path) {
  std::error_code error;
  uint64_t size = std::filesystem::file_size(path, error);
  return error ? 0 : size;
}

bool Exists(const std::string& path) {
  std::error_code error;
  return std::filesystem::exists(path, error);
}

// A file without a -wal beside it is at least as long as its header says (a truncated copy is
// refused). With a -wal the check says nothing: a checkpoint writes page 1, with the new page
// count, before it grows the file, and SQLite recovers a WAL left by a kill or a full disk by
// itself; quick_check and SQLite's own reads judge such a file. The size is read after the -wal
// was looked for: a WAL is deleted only once its checkpoint has finished, so a file found without
// one is as long as it will get.
void CheckLength(const std::string& path, const unsigned char* header) {
  if (Exists(path + "-wal")) return;
  uint64_t file_size = FileSize(path);
  uint32_t page_size = (uint32_t{header[16]} << 8) | header[17];
  if (page_size == 1) page_size = 65536;
  bool count_valid = BigEndian32(header + 24) == BigEndian32(header + 92);
  uint64_t pages = BigEndian32(header + 28);
  if (count_valid && pages > 0 && file_size < pages * page_size) {
    throw StoreError(path + ": the file is shorter than its header says (" +
                     std::to_string(file_size) + " bytes of " + std::to_string(pages * page_size) +
                     ") and has no -wal file beside it: a truncated file or an incomplete copy; "
                     "left untouched (a copy must be made with nianbao stopped, with its -wal "
                     "file if there is one)");
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
void CheckHeader(const std::string& path) {
  std::string header = ReadHeader(path);
  if (header.size() < 100 ||
      std::string_view(header.data(), 16) != std::string_view(kSqliteMagic, 16)) {
    throw StoreError(path + ": not a SQLite database (the file header is wrong); left untouched");
  }
  CheckLength(path, reinterpret_cast<const unsigned char*>(header.data()));
}

// A path as a file: URI (RFC 3986 escapes for what SQLite's URI parser would read as syntax).
std::string FileUri(const std::string& path, const char* parameters) {
  std::string uri = "file:";
  for (unsigned char c : path) {
    if (c == '%' || c == '?' || c == '#' || c <= ' ' || c >= 0x7f) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 15];
    } else {
      uri += static_cast<char>(c);
    }
  }
  return uri + "?" + parameters;
}

// A read-only connection that sees what writers commit (through the -wal and -shm files). Where
// those cannot be made (a read-only directory or file system) and there is no -wal whose commits
// would be missed, the file alone is the whole database and is opened immutable=1.
// NOMUTEX: a Store or Browser is used by one thread at a time (store.h, browse.h), so SQLite's own
// per-call locking is not needed; it was a tenth of the web view's report page.
std::unique_ptr<SQLite::Database> OpenReadOnly(const std::string& path) {
  auto open = [&](const char* parameters) {
    auto db = std::make_unique<SQLite::Database>(
        FileUri(path, parameters), SQLite::OPEN_READONLY | SQLite::OPEN_URI | SQLite::OPEN_NOMUTEX);
    db->setBusyTimeout(kBusyTimeoutMs);
    RetryWhileBusy([&] { db->execAndGet("SELECT count(*) FROM sqlite_schema"); });
    return db;
  };
  try {
    return open("mode=ro");
  } catch (const SQLite::Exception& e) {
    int code = e.getErrorCode() & 0xff;
    if (code != SQLITE_READONLY && code != SQLITE_CANTOPEN) throw;
    if (FileSize(path + "-wal") > 0) {
      throw StoreError(path +
                       ": cannot be read here: its -wal file holds commits not yet in the main "
                       "file, and SQLite needs write access to the directory to read them (" +
                       e.what() + "); copy the database with its -wal file somewhere writable");
    }
  }
  return open("immutable=1");
}

std::string NewerMessage(const std::string& path, int version) {
  return path + ": made by a newer nianbao (its schema version is " + std::to_string(version) +
         ", this nianbao knows versions up to " + std::to_string(kSchemaVersion) +
         "); left untouched — use a newer nianbao";
}

// Opens an existing database read-only and checks, without writing, that nianbao may use it: not
// newer than this nianbao, not someone else's database, not corrupt, no table or column of its
// schema version missing.
void CheckExisting(const std::string& path, uint64_t file_size) {
  CheckHeader(path);
  try {
    std::unique_ptr<SQLite::Database> connection = OpenReadOnly(path);
    SQLite::Database& db = *connection;
    RetryWhileBusy([&] {
      int version = UserVersion(db);
      if (version > kSchemaVersion) throw StoreError(NewerMessage(path, version));
      if (version < 0) {
        throw StoreError(path + ": its schema version (" + std::to_string(version) +
                         ") is not one nianbao ever wrote: the database is damaged or not "
                         "nianbao's; left untouched");
      }
      if (version == 0 && db.execAndGet("SELECT count(*) FROM sqlite_schema").getInt64() > 0) {
        throw StoreError(path +
                         ": a SQLite database, but not a nianbao one (it has tables and no "
                         "nianbao schema version); left untouched");
      }
      bool full = file_size <= kFullCheckMaxBytes || version < kSchemaVersion;
      std::string check = full ? db.execAndGet("PRAGMA quick_check").getString() : "ok";
      if (check != "ok") {
        throw StoreError(path + ": the database is corrupt (" + check + "); left untouched");
      }
      if (std::string problem = SchemaProblem(db, version); !problem.empty()) {
        throw StoreError(path + ": the database schema is damaged (" + problem +
                         ", though its schema version " + std::to_string(version) +
                         " has them); left untouched — restore it from a backup");
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

// Why a SQLite call failed, in the user's words where the cause is the machine (a full disk, a
// missing permission) rather than the database.
std::string Reason(const std::exception& e, sqlite3* db) {
  const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&e);
  if (!sqlite) return e.what();
  int code = sqlite->getErrorCode() & 0xff;
  bool io = code == SQLITE_IOERR || code == SQLITE_CANTOPEN || code == SQLITE_FULL ||
            code == SQLITE_READONLY || code == SQLITE_PERM;
  int system_errno = db && io ? sqlite3_system_errno(db) : 0;
  if (code == SQLITE_FULL || system_errno == ENOSPC || system_errno == EDQUOT) {
    return std::string("the disk is full (") + e.what() +
           "); nothing committed was lost: free some space and run again";
  }
  if (code == SQLITE_READONLY || code == SQLITE_PERM || system_errno == EACCES ||
      system_errno == EPERM || system_errno == EROFS) {
    return std::string(
               "no permission to write the database, its directory or its -wal/-shm "
               "files (") +
           e.what() + (system_errno ? std::string(": ") + std::strerror(system_errno) : "") +
           "); history, diff, show, export and status can still read it";
  }
  if (code == SQLITE_CANTOPEN && system_errno) {
    return std::string(e.what()) + ": " + std::strerror(system_errno);
  }
  return e.what();
}

}  // namespace

[[noreturn]] void ThrowStoreError(const std::string& path, const char* what,
                                  const std::exception& e, sqlite3* db) {
  throw StoreError(path + ": " + what + ": " + Reason(e, db));
}

SqliteStore::SqliteStore(std::string path, std::unique_ptr<SQLite::Database> db)
    : path_(std::move(path)), db_(std::move(db)) {
  RegisterSqlFunctions(*db_);
}

std::unique_ptr<SQLite::Statement> SqliteStore::Prepare(const char* sql) {
  try {
    return std::make_unique<SQLite::Statement>(*db_, sql);
  } catch (const std::exception& e) {
    throw StoreError(path_ + ": cannot prepare the statement \"" + sql + "\": " + e.what() +
                     " (the database schema is damaged, or another program changed it)");
  }
}

SQLite::Statement& SqliteStore::Prepared(const char* sql) {
  auto found = statements_.find(sql);
  if (found != statements_.end()) {
    found->second->tryReset();
    found->second->clearBindings();
    return *found->second;
  }
  // Prepared before it is cached: a statement that cannot be prepared leaves no slot behind.
  return *statements_.emplace(sql, Prepare(sql)).first->second;
}

void SqliteStore::ResetStatements() noexcept {
  for (auto& [sql, statement] : statements_) statement->tryReset();
}

std::unique_ptr<SQLite::Database> ReadOnlyConnection(const std::string& path) {
  return OpenReadOnly(path);
}

}  // namespace store_internal

namespace {

// An existing file's checks; false when there is no file (or an empty one) at `path`.
bool CheckFile(const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty()) throw StoreError("the database path is empty");
  std::error_code error;
  auto status = fs::status(path, error);
  if (!fs::exists(status)) return false;
  if (!fs::is_regular_file(status)) throw StoreError(path + ": not a regular file");
  uint64_t size = store_internal::FileSize(path);
  if (size == 0) return false;
  store_internal::CheckExisting(path, size);
  return true;
}

std::unique_ptr<Store> OpenWritable(const std::string& path) {
  using namespace store_internal;
  try {
    auto db =
        std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    try {
      Configure(*db);
      Migrate(*db);
    } catch (const std::exception& e) {
      throw StoreError(path + ": cannot open the database: " + Reason(e, db->getHandle()));
    }
    int version = UserVersion(*db);
    if (version != kSchemaVersion) {  // a newer nianbao migrated it between our check and now
      throw StoreError(NewerMessage(path, version));
    }
    return std::make_unique<SqliteStore>(path, std::move(db));
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& e) {
    int system_errno = errno;
    throw StoreError(path + ": cannot open the database: " + e.what() +
                     (system_errno ? std::string(" (") + std::strerror(system_errno) + ")" : ""));
  }
}

}  // namespace

std::unique_ptr<Store> Store::Open(const std::string& path) {
  namespace fs = std::filesystem;
  if (!CheckFile(path)) {
    std::error_code error;
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, error);
  }
  return OpenWritable(path);
}

std::unique_ptr<Store> Store::OpenForReading(const std::string& path) {
  using namespace store_internal;
  if (!CheckFile(path)) {
    throw StoreError(path + ": no database here (" +
                     (Exists(path) ? "the file is empty" : "no such file") +
                     "); history, diff, show, export and status never create one — give the "
                     "right --db, or fetch or crawl first");
  }
  std::unique_ptr<SQLite::Database> db;
  try {
    db = OpenReadOnly(path);
    int version = UserVersion(*db);
    if (version < kSchemaVersion) {
      throw StoreError(path + ": made by an older nianbao (schema version " +
                       std::to_string(version) + ", this one reads " +
                       std::to_string(kSchemaVersion) +
                       "); run any writing command (fetch, crawl, daemon) on it once to upgrade "
                       "it");
    }
    if (version > kSchemaVersion) throw StoreError(NewerMessage(path, version));
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& e) {
    throw StoreError(path + ": cannot open the database for reading: " +
                     Reason(e, db ? db->getHandle() : nullptr));
  }
  return std::make_unique<SqliteStore>(path, std::move(db));
}

}  // namespace nianbao
