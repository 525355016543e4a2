// The store under hostile conditions, through the Store interface and the real binary: a damaged
// schema (a dropped table or column), a checkpointing writer in another process, read-only files,
// directories and mounts, a full disk, and SIGKILL during a checkpoint or on a full disk.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "tests/support/http_server.h"
#include "tests/support/paths.h"
#include "tests/support/report_pages.h"
#include "tests/support/store_fixtures.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

namespace fs = std::filesystem;
using testing::CountRows;
using testing::HttpRequest;
using testing::HttpResponse;
using testing::HttpServer;
using testing::QueryText;
using testing::ReadFileBytes;
using testing::RecordOkFetch;
using testing::Respond;
using testing::SampleExtraction;
using testing::TempDir;

constexpr char kUrl[] = "https://www.pingtan.gov.cn/zwgk/zfxxgknb/202503/t20250310_97791.htm";
constexpr uid_t kNobody = 65534;

struct CliRun {
  int exit_code = -1;  // 128 + N when killed by signal N
  std::string out, err;
  std::string Describe() const {
    return "exit " + std::to_string(exit_code) + "\nstdout: " + out + "\nstderr: " + err;
  }
};

// Runs the nianbao binary with `args` (as `uid` when it is not the current user), its output
// captured in files of `dir`.
CliRun Nianbao(const TempDir& dir, std::vector<std::string> args, uid_t uid = geteuid()) {
  static int counter = 0;
  std::string stem = dir.File("run" + std::to_string(++counter));
  std::string out_path = stem + ".out", err_path = stem + ".err";
  pid_t child = fork();
  if (child == 0) {
    if (!freopen(out_path.c_str(), "w", stdout) || !freopen(err_path.c_str(), "w", stderr))
      _exit(99);
    if (uid != geteuid() && (setgid(uid) != 0 || setuid(uid) != 0)) _exit(97);
    std::string binary = testing::NianbaoBinary();
    std::vector<char*> argv = {binary.data()};
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    setenv("NIANBAO_CONFIG", "/nonexistent/nianbao.toml", 1);  // never the machine's config
    execv(binary.c_str(), argv.data());
    _exit(98);
  }
  int status = 0;
  waitpid(child, &status, 0);
  CliRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = ReadFileBytes(out_path);
  run.err = ReadFileBytes(err_path);
  return run;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A database holding two versions of kUrl (so that diff has something to compare).
void FillTwoVersions(const std::string& path) {
  auto store = Store::Open(path);
  store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl, 1741600000), SampleExtraction(20, 1),
                        "a");
  store->SaveExtraction(kUrl, RecordOkFetch(*store, kUrl, 1741700000), SampleExtraction(20, 2),
                        "b");
}

void Exec(const std::string& path, const std::string& sql) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  db.exec(sql);
}

// --- failure 1: a statement that cannot be prepared ---

TEST(StoreReliability, StatementThatCannotBePreparedIsAStoreErrorNotACrash) {
  TempDir dir;
  std::string path = dir.File("n.db");
  FillTwoVersions(path);
  auto store = Store::Open(path);
  Exec(path, "DROP TABLE warnings");               // behind the open store's back
  for (int attempt = 0; attempt < 2; ++attempt) {  // no null statement is left cached either
    try {
      store->Show(kUrl);
      FAIL() << "Show read a snapshot without its warnings table";
    } catch (const StoreError& e) {
      EXPECT_TRUE(Contains(e.what(), path)) << e.what();
      EXPECT_TRUE(Contains(e.what(), "SELECT message FROM warnings")) << e.what();
      EXPECT_TRUE(Contains(e.what(), "no such table: warnings")) << e.what();
    }
  }
  EXPECT_EQ(store->History(kUrl).size(), 2u);  // what does not need the table still works
}

TEST(StoreReliability, OpenRefusesADamagedSchemaNamingWhatIsMissing) {
  TempDir dir;
  std::string path = dir.File("n.db");
  FillTwoVersions(path);
  Exec(path, "DROP TABLE warnings; ALTER TABLE fetches DROP COLUMN etag");
  std::string before = ReadFileBytes(path);
  try {
    Store::Open(path);
    FAIL() << "a damaged schema was opened";
  } catch (const StoreError& e) {
    std::string message = e.what();
    EXPECT_TRUE(Contains(message, "schema is damaged")) << message;
    EXPECT_TRUE(Contains(message, "table \"warnings\" is missing")) << message;
    EXPECT_TRUE(Contains(message, "column \"fetches.etag\" is missing")) << message;
    EXPECT_FALSE(Contains(message, "newer")) << message;
  }
  EXPECT_THROW(Store::OpenForReading(path), StoreError);
  EXPECT_EQ(ReadFileBytes(path), before);
}

TEST(StoreReliability, ExtraTablesAndColumnsOfTheUserAreNotDamage) {
  TempDir dir;
  std::string path = dir.File("n.db");
  FillTwoVersions(path);
  Exec(path,
       "CREATE TABLE my_notes (url TEXT); ALTER TABLE reports ADD COLUMN my_tag TEXT; "
       "CREATE VIEW my_view AS SELECT * FROM sources");
  EXPECT_EQ(Store::Open(path)->History(kUrl).size(), 2u);
}

TEST(StoreReliability, UnmigratableSchemaVersionsAreSaidInWords) {
  TempDir dir;
  std::string path = dir.File("n.db");
  FillTwoVersions(path);
  Exec(path, "PRAGMA user_version = 99");
  try {
    Store::Open(path);
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_TRUE(Contains(e.what(), "made by a newer nianbao")) << e.what();
    EXPECT_FALSE(Contains(e.what(), "damaged")) << e.what();
  }
  Exec(path, "PRAGMA user_version = -3");
  try {
    Store::Open(path);
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_TRUE(Contains(e.what(), "damaged or not nianbao's")) << e.what();
    EXPECT_FALSE(Contains(e.what(), "cannot be migrated to")) << e.what();
  }
}

// The real binary on a database whose warnings table was dropped: show, diff and a fetch answered
// by a 304 each exit 1 with a message naming the damage (they died of SIGSEGV before).
TEST(StoreReliability, CommandsOnADroppedTableExitWithAMessage) {
  TempDir dir;
  std::string path = dir.File("n.db");
  HttpServer server;
  server.Handle("/nb/report.html", [](const HttpRequest& request) {
    if (request.Header("if-none-match") == "\"v1\"") return Respond(304, "", {{"ETag", "\"v1\""}});
    HttpResponse page = Respond(200, testing::ReportPageHtml("v2021", 2024, 7),
                                {{"Content-Type", "text/html; charset=utf-8"}, {"ETag", "\"v1\""}});
    return page;
  });
  std::string url = server.Url("/nb/report.html");
  CliRun first = Nianbao(dir, {"fetch", "--db", path, "--allow-private-addresses", url});
  ASSERT_EQ(first.exit_code, 0) << first.Describe();
  FillTwoVersions(path);
  Exec(path, "DROP TABLE warnings");
  for (std::vector<std::string> args :
       {std::vector<std::string>{"show", kUrl, "--db", path},
        {"diff", kUrl, "--db", path},
        {"history", kUrl, "--db", path},
        {"status", "--db", path},
        {"fetch", "--db", path, "--allow-private-addresses", url}}) {
    SCOPED_TRACE(args[0]);
    CliRun run = Nianbao(dir, args);
    EXPECT_EQ(run.exit_code, 1) << run.Describe();
    EXPECT_TRUE(Contains(run.err, "table \"warnings\" is missing")) << run.Describe();
  }
}

// --- failure 2: a healthy WAL database refused as truncated ---

// In a child process: grows the database by `rounds` × `bytes_per_round` of documents, each round
// one commit into the WAL (no automatic checkpoint) followed by a checkpoint, which writes page 1
// (the new page count) before it grows the file. Never returns.
[[noreturn]] void CheckpointingWriter(const std::string& path, int rounds, int bytes_per_round) {
  int status = 0;
  try {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.setBusyTimeout(10000);
    db.exec("PRAGMA wal_autocheckpoint = 0");
    std::string body(256 << 10, '\0');
    std::mt19937_64 random(11);
    for (size_t i = 0; i + 8 <= body.size(); i += 8) {
      uint64_t r = random();
      memcpy(&body[i], &r, 8);
    }
    uint64_t serial = 0;
    for (int round = 0; round < rounds; ++round) {
      db.exec("BEGIN IMMEDIATE");
      for (int piece = 0; piece < bytes_per_round / static_cast<int>(body.size()); ++piece) {
        ++serial;
        memcpy(&body[0], &serial, sizeof serial);  // each body its own hash
        SQLite::Statement insert(db,
                                 "INSERT INTO documents (sha256, media_type, size, compression, "
                                 "body, stored_at) VALUES (?, 'application/octet-stream', ?, "
                                 "'zlib', ?, 0)");
        insert.bind(1, Sha256Hex(body));
        insert.bind(2, static_cast<int64_t>(body.size()));
        insert.bind(3, body.data(), static_cast<int>(body.size()));
        insert.exec();
      }
      db.exec("COMMIT");
      db.execAndGet("PRAGMA wal_checkpoint(PASSIVE)");
    }
  } catch (const std::exception& e) {
    fprintf(stderr, "checkpointing writer: %s\n", e.what());
    status = 1;
  }
  _exit(status);
}

TEST(StoreReliability, StatusWhileAnotherProcessCheckpointsNeverFails) {
  TempDir dir;
  std::string path = dir.File("n.db");
  FillTwoVersions(path);
  pid_t writer = fork();
  ASSERT_GE(writer, 0);
  if (writer == 0) CheckpointingWriter(path, 8, 16 << 20);
  int runs = 0, failures = 0;
  std::string first_failure;
  for (;;) {
    int status = 0;
    bool writer_done = waitpid(writer, &status, WNOHANG) == writer;
    CliRun run = Nianbao(dir, {"status", "--db", path, "--format", "json"});
    ++runs;
    if (run.exit_code != 0 && failures++ == 0) first_failure = run.Describe();
    if (writer_done) {
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the writer failed";
      break;
    }
  }
  EXPECT_GE(runs, 5);
  EXPECT_EQ(failures, 0) << "of " << runs << " status runs; the first:\n" << first_failure;
  EXPECT_EQ(QueryText(path, "PRAGMA integrity_check"), "ok");
}

TEST(StoreReliability, TruncatedFileWithoutAWalIsRefusedWithoutInvitingDeletion) {
  TempDir dir;
  std::string path = dir.File("n.db");
  FillTwoVersions(path);
  for (int i = 0; i < 30; ++i) {
    auto store = Store::Open(path);
    store->PutDocument(std::string(20000, static_cast<char>('a' + i % 26)) + std::to_string(i),
                       "text/plain", kUrl, 0);
  }
  std::string bytes = ReadFileBytes(path);
  ASSERT_FALSE(fs::exists(path + "-wal"));
  bytes.resize(bytes.size() / 2);
  testing::WriteFileBytes(path, bytes);
  CliRun run = Nianbao(dir, {"status", "--db", path});
  EXPECT_EQ(run.exit_code, 1) << run.Describe();
  EXPECT_TRUE(Contains(run.err, "shorter than its header says")) << run.Describe();
  EXPECT_TRUE(Contains(run.err, "left untouched")) << run.Describe();
  EXPECT_FALSE(Contains(run.err, "delete")) << run.Describe();
  EXPECT_EQ(ReadFileBytes(path), bytes);
}

// --- read commands: never create, and work read-only ---

TEST(StoreReliability, ReadCommandsNeverCreateADatabase) {
  TempDir dir;
  std::string missing = dir.File("sub/none.db");
  for (std::vector<std::string> args : {std::vector<std::string>{"show", kUrl, "--db", missing},
                                        {"diff", kUrl, "--db", missing},
                                        {"history", kUrl, "--db", missing},
                                        {"export", "--db", missing},
                                        {"status", "--db", missing}}) {
    SCOPED_TRACE(args[0]);
    CliRun run = Nianbao(dir, args);
    EXPECT_EQ(run.exit_code, 1) << run.Describe();
    EXPECT_TRUE(Contains(run.err, missing + ": no database here (no such file)")) << run.Describe();
    EXPECT_FALSE(fs::exists(missing));
    EXPECT_FALSE(fs::exists(dir.File("sub")));
  }
  // An empty file is not a database either, and stays empty.
  testing::WriteFileBytes(dir.File("empty.db"), "");
  CliRun run = Nianbao(dir, {"status", "--db", dir.File("empty.db")});
  EXPECT_EQ(run.exit_code, 1) << run.Describe();
  EXPECT_TRUE(Contains(run.err, "the file is empty")) << run.Describe();
  EXPECT_EQ(fs::file_size(dir.File("empty.db")), 0u);
}

TEST(StoreReliability, EmptyDbPathIsBadUsage) {
  TempDir dir;
  for (std::vector<std::string> args : {std::vector<std::string>{"show", kUrl, "--db", ""},
                                        {"export", "--db", ""},
                                        {"status", "--db", ""},
                                        {"fetch", "--db", "", "http://127.0.0.1:9/"},
                                        {"crawl", "--db", "", "--seed", "http://127.0.0.1:9/"}}) {
    SCOPED_TRACE(args[0]);
    CliRun run = Nianbao(dir, args);
    EXPECT_EQ(run.exit_code, 2) << run.Describe();
    EXPECT_TRUE(Contains(run.err, "--db")) << run.Describe();
    EXPECT_TRUE(Contains(run.err, "empty")) << run.Describe();
  }
}

// Makes `path` read-only for the user the commands run as (nobody, when the tests run as root,
// since root writes whatever the permission bits say); returns that user.
uid_t ReadOnlyUser() { return geteuid() == 0 ? kNobody : geteuid(); }

void ExpectEveryReadCommandWorks(const TempDir& dir, const std::string& path, uid_t uid) {
  CliRun status = Nianbao(dir, {"status", "--db", path}, uid);
  EXPECT_EQ(status.exit_code, 0) << status.Describe();
  EXPECT_TRUE(Contains(status.out, "reports    1 (2 versions")) << status.out;
  CliRun history = Nianbao(dir, {"history", kUrl, "--db", path}, uid);
  EXPECT_EQ(history.exit_code, 0) << history.Describe();
  EXPECT_TRUE(Contains(history.out, "2 versions")) << history.out;
  CliRun show = Nianbao(dir, {"show", kUrl, "--db", path, "--format", "json"}, uid);
  EXPECT_EQ(show.exit_code, 0) << show.Describe();
  EXPECT_TRUE(Contains(show.out, "\"f001\": 3")) << show.out;
  CliRun diff = Nianbao(dir, {"diff", kUrl, "--db", path}, uid);
  EXPECT_EQ(diff.exit_code, 0) << diff.Describe();
  EXPECT_TRUE(Contains(diff.out, "version 1 → 2")) << diff.out;
  CliRun csv = Nianbao(dir, {"export", "--db", path}, uid);
  EXPECT_EQ(csv.exit_code, 0) << csv.Describe();
  EXPECT_TRUE(Contains(csv.out, "f001")) << csv.out;
}

TEST(StoreReliability, ReadCommandsWorkOnAReadOnlyFileAndDirectory) {
  TempDir dir;
  fs::permissions(dir.path(), fs::perms(0755));
  std::string data = dir.File("data");
  fs::create_directory(data);
  std::string path = data + "/n.db";
  FillTwoVersions(path);
  std::string before = ReadFileBytes(path);
  uid_t user = ReadOnlyUser();
  fs::permissions(path, fs::perms(0444));
  fs::permissions(data, fs::perms(0555));
  {
    SCOPED_TRACE("read-only file in a read-only directory");
    ExpectEveryReadCommandWorks(dir, path, user);
  }
  // A writing command says what is wrong: a permission, not the database.
  HttpServer server;
  server.Serve("/r.html", Respond(200, testing::ReportPageHtml("v2021", 2024, 9),
                                  {{"Content-Type", "text/html; charset=utf-8"}}));
  CliRun fetch = Nianbao(
      dir, {"fetch", "--db", path, "--allow-private-addresses", server.Url("/r.html")}, user);
  EXPECT_EQ(fetch.exit_code, 1) << fetch.Describe();
  EXPECT_TRUE(Contains(fetch.err, "no permission to write")) << fetch.Describe();
  EXPECT_FALSE(Contains(fetch.err, "corrupt")) << fetch.Describe();
  EXPECT_FALSE(Contains(fetch.err, "not a usable")) << fetch.Describe();

  fs::permissions(data, fs::perms(0755));
  ASSERT_EQ(chown(data.c_str(), user, static_cast<gid_t>(-1)), 0);  // the user's own directory
  {
    SCOPED_TRACE("read-only file in a writable directory");
    ExpectEveryReadCommandWorks(dir, path, user);
  }
  fs::permissions(path, fs::perms(0644));
  EXPECT_EQ(ReadFileBytes(path), before);
}

// A read-only mount (a tmpfs remounted ro, in a mount namespace of this test process alone): the
// -shm file cannot be made by anyone, so the file is read immutable.
TEST(StoreReliability, ReadCommandsWorkOnAReadOnlyMount) {
  TempDir dir;
  std::string mount_point = dir.File("mnt");
  fs::create_directory(mount_point);
  if (geteuid() != 0 || unshare(CLONE_NEWNS) != 0 ||
      mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
      mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=16m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN); the read-only "
                    "directory test covers the same SQLite path";
  }
  std::string path = mount_point + "/n.db";
  FillTwoVersions(path);
  ASSERT_EQ(mount("tmpfs", mount_point.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, "size=16m"), 0);
  ExpectEveryReadCommandWorks(dir, path, geteuid());
  umount2(mount_point.c_str(), MNT_DETACH);
}

// --- full disk ---

// A small tmpfs at `mount_point`, in a mount namespace of this test process alone (it goes away
// with the process). False when this environment cannot mount.
bool MountSmallTmpfs(const std::string& mount_point, const char* size) {
  fs::create_directories(mount_point);
  return geteuid() == 0 && unshare(CLONE_NEWNS) == 0 &&
         mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
         mount("tmpfs", mount_point.c_str(), "tmpfs", 0, size) == 0;
}

// `bytes` that zlib cannot shrink, different for each `seed`.
std::string Incompressible(size_t bytes, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::string body(bytes, '\0');
  for (size_t i = 0; i + 8 <= bytes; i += 8) {
    uint64_t r = random();
    memcpy(&body[i], &r, 8);
  }
  return body;
}

TEST(StoreReliability, FullDiskSaysSoAndLosesNothing) {
  TempDir dir;
  std::string mount_point = dir.File("small");
  if (!MountSmallTmpfs(mount_point, "size=6m")) {
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)";
  }
  std::string path = mount_point + "/n.db";
  std::string filler = mount_point + "/filler";
  testing::WriteFileBytes(filler, std::string(1 << 20, 'x'));  // freed later, to make room
  std::vector<std::string> stored;
  std::string error;
  {
    auto store = Store::Open(path);
    for (int i = 0; i < 200 && error.empty(); ++i) {
      try {
        stored.push_back(store->PutDocument(Incompressible(200000, i), "text/plain", kUrl, 0));
      } catch (const StoreError& e) {
        error = e.what();
      }
    }
  }
  ASSERT_FALSE(error.empty()) << "6 MiB never filled up";
  EXPECT_TRUE(Contains(error, "the disk is full")) << error;
  EXPECT_FALSE(Contains(error, "corrupt")) << error;
  ASSERT_GE(stored.size(), 3u);

  // Still full: the database opens and reads whole, through the Store and the binary.
  {
    auto store = Store::OpenForReading(path);
    for (const std::string& sha : stored) EXPECT_TRUE(store->GetDocument(sha)) << sha;
  }
  CliRun status = Nianbao(dir, {"status", "--db", path, "--format", "json"});
  EXPECT_EQ(status.exit_code, 0) << status.Describe();
  EXPECT_TRUE(Contains(status.out, "\"documents\": " + std::to_string(stored.size())))
      << status.out;
  // Room again: writing resumes where it stopped.
  fs::remove(filler);
  {
    auto store = Store::Open(path);
    EXPECT_EQ(store->PutDocument("after", "text/plain", kUrl, 0), Sha256Hex("after"));
    for (const std::string& sha : stored) EXPECT_TRUE(store->GetDocument(sha)) << sha;
  }
  EXPECT_EQ(QueryText(path, "PRAGMA integrity_check"), "ok");
  umount2(mount_point.c_str(), MNT_DETACH);
}

// --- SIGKILL during a checkpoint and on a full disk ---

// In a child: `rounds` commits of `bytes_per_round` of documents into the WAL (no automatic
// checkpoint), each followed by a checkpoint(TRUNCATE); after each commit it writes the round's
// number to `report_fd`, before the checkpoint starts. Never returns.
[[noreturn]] void CommitThenCheckpoint(const std::string& path, int rounds, int bytes_per_round,
                                       int report_fd, uint64_t seed) {
  int status = 0;
  try {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.setBusyTimeout(10000);
    db.exec("PRAGMA wal_autocheckpoint = 0");
    for (int round = 0; round < rounds; ++round) {
      db.exec("BEGIN IMMEDIATE");
      for (int piece = 0; piece < bytes_per_round / (128 << 10); ++piece) {
        std::string body = Incompressible(128 << 10, seed + round * 1000 + piece);
        SQLite::Statement insert(db,
                                 "INSERT INTO documents (sha256, media_type, size, compression, "
                                 "body, stored_at) VALUES (?, 'application/octet-stream', ?, "
                                 "'zlib', ?, ?)");
        insert.bind(1, Sha256Hex(body));
        insert.bind(2, static_cast<int64_t>(body.size()));
        insert.bind(3, body.data(), static_cast<int>(body.size()));
        insert.bind(4, round);
        insert.exec();
      }
      db.exec("COMMIT");
      if (write(report_fd, &round, sizeof round) != sizeof round) _exit(3);
      db.execAndGet("PRAGMA wal_checkpoint(TRUNCATE)");
    }
  } catch (const std::exception& e) {
    fprintf(stderr, "checkpointing writer: %s\n", e.what());
    status = 1;
  }
  _exit(status);
}

TEST(StoreReliability, SigkillDuringACheckpointLosesNothing) {
  TempDir dir;
  std::string path = dir.File("n.db");
  FillTwoVersions(path);
  const int kPiecesPerRound = 32;  // 4 MiB a commit
  // Each round kills the writer a different time after a commit, i.e. somewhere in the
  // checkpoint that follows it (or in the next commit).
  const int delays_ms[] = {0, 1, 3, 8, 15, 30, 60};
  int64_t committed = 0;
  for (int delay : delays_ms) {
    SCOPED_TRACE("killed " + std::to_string(delay) + " ms after a commit");
    int reports[2];
    ASSERT_EQ(pipe(reports), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(reports[0]);
      CommitThenCheckpoint(path, 1000, kPiecesPerRound * (128 << 10), reports[1],
                           (delay + 1) * 10'000'000ull);
    }
    close(reports[1]);
    int round = -1, rounds_seen = 0;
    while (rounds_seen < 2 && read(reports[0], &round, sizeof round) == sizeof round) ++rounds_seen;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer ended on its own";
    while (read(reports[0], &round, sizeof round) == sizeof round) ++rounds_seen;
    close(reports[0]);
    committed += rounds_seen;

    CliRun run = Nianbao(dir, {"status", "--db", path, "--format", "json"});
    EXPECT_EQ(run.exit_code, 0) << run.Describe();
    EXPECT_EQ(QueryText(path, "PRAGMA integrity_check"), "ok");
    // Every reported commit is there (one more may be, committed just before the kill).
    int64_t documents = CountRows(path, "documents");
    EXPECT_GE(documents, committed * kPiecesPerRound);
    EXPECT_LE(documents, (committed + 1) * kPiecesPerRound);
    committed = documents / kPiecesPerRound;
    EXPECT_EQ(Store::Open(path)->History(kUrl).size(), 2u);
  }
}

TEST(StoreReliability, SigkillOnAFullDiskLosesNothing) {
  TempDir dir;
  std::string mount_point = dir.File("small");
  if (!MountSmallTmpfs(mount_point, "size=8m")) {
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)";
  }
  std::string path = mount_point + "/n.db";
  Store::Open(path);
  int reports[2];
  ASSERT_EQ(pipe(reports), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // writes until the disk is full, then keeps trying; reports each commit
    close(reports[0]);
    auto store = Store::Open(path);
    for (int i = 0;; ++i) {
      try {
        store->PutDocument(Incompressible(100000, i), "text/plain", kUrl, 0);
        if (write(reports[1], &i, sizeof i) != sizeof i) _exit(3);
      } catch (const StoreError& e) {
        int full = -1;
        if (!Contains(e.what(), "the disk is full")) full = -2;
        if (write(reports[1], &full, sizeof full) != sizeof full) _exit(3);
      }
    }
  }
  close(reports[1]);
  std::set<int> committed;
  int index = 0, failures = 0;
  while (failures < 5 && read(reports[0], &index, sizeof index) == sizeof index) {
    if (index == -2) ADD_FAILURE() << "a write failed for another reason than a full disk";
    if (index < 0) {
      ++failures;
    } else {
      committed.insert(index);
    }
  }
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  close(reports[0]);
  ASSERT_EQ(failures, 5);
  ASSERT_GE(committed.size(), 3u);
  CliRun run = Nianbao(dir, {"status", "--db", path, "--format", "json"});
  EXPECT_EQ(run.exit_code, 0) << run.Describe();
  {
    auto store = Store::OpenForReading(path);
    for (int i : committed) {
      EXPECT_TRUE(store->GetDocument(Sha256Hex(Incompressible(100000, i)))) << i;
    }
  }
  EXPECT_EQ(QueryText(path, "PRAGMA integrity_check"), "ok");
  umount2(mount_point.c_str(), MNT_DETACH);
}

// --- command-line values ---

TEST(CliValues, DelayMustBeAFiniteNumberOfSecondsUpTo3600) {
  TempDir dir;
  for (const char* bad : {"nan", "NaN", "inf", "-inf", "1e400", "-1", "3600.01", "abc", ""}) {
    SCOPED_TRACE(bad);
    CliRun run = Nianbao(
        dir, {"crawl", "--db", dir.File("n.db"), "--seed", "http://127.0.0.1:9/", "--delay", bad});
    EXPECT_EQ(run.exit_code, 2) << run.Describe();
    EXPECT_TRUE(Contains(run.err, "--delay")) << run.Describe();
    EXPECT_FALSE(fs::exists(dir.File("n.db")));
  }
}

TEST(CliValues, UserAgentWithALineBreakIsRefused) {
  TempDir dir;
  for (const char* agent : {"nianbao/1\r\nX-Injected: 1", "nianbao/1\n", "nianbao/1\r"}) {
    for (const char* command : {"fetch", "crawl"}) {
      SCOPED_TRACE(command);
      std::vector<std::string> args = {command, "--db", dir.File("n.db"), "--user-agent", agent};
      if (std::string(command) == "crawl") args.push_back("--seed");
      args.push_back("http://127.0.0.1:9/");
      CliRun run = Nianbao(dir, args);
      EXPECT_EQ(run.exit_code, 2) << run.Describe();
      EXPECT_TRUE(Contains(run.err, "line break")) << run.Describe();
    }
  }
}

TEST(CliValues, SeedsFileMayStartWithABom) {
  TempDir dir;
  HttpServer server;
  server.Serve("/list/", Respond(200, testing::ListPageHtml({}),
                                 {{"Content-Type", "text/html; charset=utf-8"}}));
  testing::WriteFileBytes(dir.File("seeds.txt"), "\xEF\xBB\xBF" + server.Url("/list/") + "\r\n");
  CliRun run = Nianbao(dir, {"crawl", "--db", dir.File("n.db"), "--seeds", dir.File("seeds.txt"),
                             "--delay", "0", "--max-pages", "1", "--allow-private-addresses"});
  EXPECT_EQ(run.exit_code, 0) << run.Describe();
  EXPECT_EQ(server.RequestCount("/list/"), 1u);
}

TEST(CliValues, SeedsDirectoryIsAnError) {
  TempDir dir;
  fs::create_directory(dir.File("seeds"));
  CliRun run = Nianbao(dir, {"crawl", "--db", dir.File("n.db"), "--seeds", dir.File("seeds")});
  EXPECT_EQ(run.exit_code, 2) << run.Describe();
  EXPECT_TRUE(Contains(run.err, dir.File("seeds") + " is a directory")) << run.Describe();
}

}  // namespace
}  // namespace nianbao
