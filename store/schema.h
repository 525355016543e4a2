// The database schema as a list of migrations. Migration N takes a database from user_version N-1
// to N; each runs in one transaction (BEGIN IMMEDIATE) that also sets the new user_version, so a
// crash leaves the file at one version or the next. The DDL of every version is kept here forever:
// the tests build a database at each earlier version and migrate it. Internal to store/ (and its
// tests).
#ifndef NIANBAO_STORE_SCHEMA_H_
#define NIANBAO_STORE_SCHEMA_H_

#include <SQLiteCpp/Database.h>

#include <string>
#include <vector>

namespace nianbao::store_internal {

// The version this nianbao writes. A database with a higher user_version is refused.
constexpr int kSchemaVersion = 10;

// The DDL of migration N (1-based): the SQL that turns version N-1 into version N.
const std::vector<const char*>& Migrations();

// Migrates `db` to `target` (default: kSchemaVersion), one transaction per step. Concurrent
// processes may race to migrate; each step re-reads user_version inside its transaction.
// Throws SQLite::Exception (the caller names the path).
void Migrate(SQLite::Database& db, int target = kSchemaVersion);

// What is missing from `db`'s schema compared with the schema migration `version` builds: every
// table and column, as "table \"warnings\" is missing; …"; empty when nothing is. Extra tables,
// columns and indexes (a user's own) are not problems. Throws SQLite::Exception.
std::string SchemaProblem(SQLite::Database& db, int version);

// PRAGMA user_version.
int UserVersion(SQLite::Database& db);

}  // namespace nianbao::store_internal

#endif  // NIANBAO_STORE_SCHEMA_H_
