// Small helpers shared by the store's source files: write transactions that wait out other writers,
// and the conversions between SQLite columns and the store's types. Internal to store/.
#ifndef NIANBAO_STORE_SQLITE_UTIL_H_
#define NIANBAO_STORE_SQLITE_UTIL_H_

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

namespace nianbao::store_internal {

// How long a write waits for other writers in total before giving up, and the busy handler's own
// timeout per attempt. A crawl commits in milliseconds, so minutes mean something is stuck.
constexpr std::chrono::seconds kMaxBusyWait{300};
constexpr int kBusyTimeoutMs = 5000;

inline bool IsBusy(const SQLite::Exception& e) {
  int code = e.getErrorCode() & 0xff;
  return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

// Runs `attempt` until it does not fail with SQLITE_BUSY/SQLITE_LOCKED (sleeping a little longer
// each time), or kMaxBusyWait has passed; then the last exception escapes. `attempt` must be
// repeatable: a whole transaction, begun and committed inside it.
template <typename Attempt>
auto RetryWhileBusy(Attempt&& attempt) -> decltype(attempt()) {
  auto deadline = std::chrono::steady_clock::now() + kMaxBusyWait;
  std::chrono::milliseconds pause{5};
  for (;;) {
    try {
      return attempt();
    } catch (const SQLite::Exception& e) {
      if (!IsBusy(e) || std::chrono::steady_clock::now() > deadline) throw;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(200));
  }
}

// BEGIN IMMEDIATE (the write lock is taken up front, so no deadlock upgrades a reader to a writer);
// rolled back unless Commit() is called.
class WriteTransaction {
 public:
  explicit WriteTransaction(SQLite::Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
  ~WriteTransaction() {
    if (!committed_) sqlite3_exec(db_.getHandle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void Commit() {
    db_.exec("COMMIT");
    committed_ = true;
  }
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

 private:
  SQLite::Database& db_;
  bool committed_ = false;
};

// BEGIN (deferred): a consistent snapshot for several reads; always ends with COMMIT/ROLLBACK.
class ReadTransaction {
 public:
  explicit ReadTransaction(SQLite::Database& db) : db_(db) { db_.exec("BEGIN"); }
  ~ReadTransaction() { sqlite3_exec(db_.getHandle(), "ROLLBACK", nullptr, nullptr, nullptr); }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  SQLite::Database& db_;
};

inline void BindOptional(SQLite::Statement& stmt, int index, const std::optional<std::string>& v) {
  if (v) {
    stmt.bind(index, *v);
  } else {
    stmt.bind(index);
  }
}

inline std::optional<std::string> OptionalText(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getString();
}

inline std::optional<int> OptionalInt(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getInt();
}

inline std::optional<double> OptionalDouble(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getDouble();
}

}  // namespace nianbao::store_internal

#endif  // NIANBAO_STORE_SQLITE_UTIL_H_
