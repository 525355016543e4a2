// Several processes on one database file: two writers at once both succeed with nothing lost, and a
// writer killed with SIGKILL at any moment leaves a sound file holding every committed snapshot.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <string>

#include "store/store.h"
#include "tests/support/store_fixtures.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

using testing::CountRows;
using testing::QueryText;
using testing::RecordOkFetch;
using testing::SampleExtraction;
using testing::TempDir;

std::string UrlOf(int writer, int i) {
  return "https://w" + std::to_string(writer) + ".gov.cn/report/" + std::to_string(i) + ".htm";
}

// In a child process: opens the store and saves `count` snapshots (each new data, each a fetch, a
// document and a frontier entry too), writing each committed index to `report_fd` (-1: none).
// Never returns; exits 0 on success, 1 with the error on stderr otherwise.
[[noreturn]] void WriterChild(const std::string& path, int writer, int count, int fields,
                              int report_fd) {
  int status = 0;
  try {
    auto store = Store::Open(path);
    for (int i = 0; i < count; ++i) {
      std::string url = UrlOf(writer, i);
      store->Enqueue({url, "report", 1, "", "seed"});
      int64_t fetch = RecordOkFetch(*store, url, 1700000000 + i);
      store->PutDocument("<html>" + url + "</html>", "text/html", url, fetch);
      auto result = store->SaveExtraction(url, fetch, SampleExtraction(fields, writer * 100000 + i),
                                          "page " + url);
      store->MarkDone(url, "ok");
      if (!result.new_version) throw StoreError("no new version for " + url);
      if (report_fd >= 0 && write(report_fd, &i, sizeof i) != sizeof i) _exit(3);
    }
  } catch (const std::exception& e) {
    fprintf(stderr, "writer %d: %s\n", writer, e.what());
    status = 1;
  }
  _exit(status);
}

std::string IntegrityCheck(const std::string& path) {
  return QueryText(path, "PRAGMA integrity_check");
}

TEST(StoreConcurrency, TwoWriterProcessesBothSucceedAndNothingIsLost) {
  TempDir dir;
  const std::string path = dir.File("shared.db");
  Store::Open(path);  // created once, so both children race only on writes
  constexpr int kPerWriter = 300;
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  pid_t children[2];
  for (int writer = 0; writer < 2; ++writer) {
    children[writer] = fork();
    ASSERT_GE(children[writer], 0);
    if (children[writer] == 0) {
      close(go[1]);
      char byte;
      if (read(go[0], &byte, 1) != 1) _exit(4);  // start together
      WriterChild(path, writer, kPerWriter, 30, -1);
    }
  }
  close(go[0]);
  ASSERT_EQ(write(go[1], "GG", 2), 2);
  close(go[1]);
  for (pid_t child : children) {
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "a writer failed (see its stderr)";
  }
  EXPECT_EQ(IntegrityCheck(path), "ok");
  EXPECT_EQ(CountRows(path, "snapshots"), 2 * kPerWriter);
  EXPECT_EQ(CountRows(path, "fetches"), 2 * kPerWriter);
  EXPECT_EQ(CountRows(path, "documents"), 2 * kPerWriter);
  EXPECT_EQ(CountRows(path, "field_values"), 2 * kPerWriter * 30);
  auto store = Store::Open(path);
  EXPECT_EQ(store->PendingCount(), 0);
  for (int writer = 0; writer < 2; ++writer) {
    for (int i = 0; i < kPerWriter; i += 37) {
      EXPECT_EQ(store->Show(UrlOf(writer, i)).extraction,
                SampleExtraction(30, writer * 100000 + i));
    }
  }
}

// Kills a writer after it has reported `kill_after` commits; returns every index it reported.
std::set<int> RunAndKillWriter(const std::string& path, int writer, int kill_after, int fields) {
  int reports[2];
  EXPECT_EQ(pipe(reports), 0);
  pid_t child = fork();
  EXPECT_GE(child, 0);
  if (child == 0) {
    close(reports[0]);
    WriterChild(path, writer, 1000000, fields, reports[1]);
  }
  close(reports[1]);
  std::set<int> committed;
  int index = 0;
  while (static_cast<int>(committed.size()) < kill_after &&
         read(reports[0], &index, sizeof index) == sizeof index) {
    committed.insert(index);
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "the writer ended on its own";
  while (read(reports[0], &index, sizeof index) == sizeof index) committed.insert(index);
  close(reports[0]);
  return committed;
}

TEST(StoreConcurrency, SigkillMidBatchKeepsEveryCommittedSnapshot) {
  TempDir dir;
  const std::string path = dir.File("killed.db");
  int64_t expected_at_least = 0;
  // Several rounds into one file, each killed at a different point, with small and large snapshots.
  const int kill_points[] = {1, 25, 60, 7};
  const int field_counts[] = {20, 400, 50, 1500};
  for (int round = 0; round < 4; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::set<int> committed =
        RunAndKillWriter(path, round, kill_points[round], field_counts[round]);
    ASSERT_GE(static_cast<int>(committed.size()), kill_points[round]);
    expected_at_least += static_cast<int64_t>(committed.size());
    ASSERT_EQ(IntegrityCheck(path), "ok");
    EXPECT_GE(CountRows(path, "snapshots"), expected_at_least);
    auto store = Store::Open(path);  // reopens (recovering the WAL) and can read every one
    for (int i : committed) {
      EXPECT_EQ(store->Show(UrlOf(round, i)).extraction,
                SampleExtraction(field_counts[round], round * 100000 + i))
          << UrlOf(round, i);
    }
    // A snapshot is whole or absent: every stored version has all its fields.
    EXPECT_EQ(testing::QueryInt(path,
                                "SELECT count(*) FROM snapshots s WHERE (SELECT count(*) FROM "
                                "field_values v WHERE v.snapshot_id = s.id) = 0"),
              0);
  }
}

}  // namespace
}  // namespace nianbao
