#include "crawler/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace nianbao {
namespace {

TEST(WorkerPool, RunsEveryTaskOnceBeforeItIsDestroyed) {
  std::mutex mutex;
  std::multiset<int> ran;
  {
    WorkerPool pool(3);
    EXPECT_EQ(pool.size(), 3);
    for (int i = 0; i < 500; ++i) {
      pool.Submit([&, i] {
        std::lock_guard<std::mutex> lock(mutex);
        ran.insert(i);
      });
    }
  }  // the destructor runs what was submitted
  ASSERT_EQ(ran.size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(ran.count(i), 1u) << i;
}

// Two tasks that each wait for the other can only both finish when they run at the same time.
TEST(WorkerPool, RunsTasksAtTheSameTime) {
  std::mutex mutex;
  std::condition_variable changed;
  int arrived = 0;
  std::atomic<int> met{0};
  {
    WorkerPool pool(2);
    for (int i = 0; i < 2; ++i) {
      pool.Submit([&] {
        std::unique_lock<std::mutex> lock(mutex);
        ++arrived;
        changed.notify_all();
        if (changed.wait_for(lock, std::chrono::seconds(20), [&] { return arrived == 2; })) ++met;
      });
    }
  }
  EXPECT_EQ(met.load(), 2);
}

// A detached pool does not wait for its running task, drops the queued ones, and the running task
// still ends on its own with what it owns.
TEST(WorkerPool, DetachReturnsWithoutWaitingForTheRunningTask) {
  auto release = std::make_shared<std::atomic<bool>>(false);
  auto finished = std::make_shared<std::atomic<bool>>(false);
  auto queued_ran = std::make_shared<std::atomic<bool>>(false);
  auto started = std::make_shared<std::atomic<bool>>(false);
  {
    WorkerPool pool(1);
    pool.Submit([release, finished, started] {
      started->store(true);
      while (!release->load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      finished->store(true);
    });
    pool.Submit([queued_ran] { queued_ran->store(true); });
    while (!started->load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    pool.Detach();
  }  // the destructor returns although the task still runs
  EXPECT_FALSE(finished->load());
  release->store(true);
  for (int i = 0; i < 2000 && !finished->load(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(finished->load());
  EXPECT_FALSE(queued_ran->load());
}

TEST(WorkerPool, ZeroThreadsMeansOnePerCore) {
  WorkerPool pool(0);
  EXPECT_EQ(pool.size(), static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

}  // namespace
}  // namespace nianbao
