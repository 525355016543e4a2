// A fixed set of threads that run submitted tasks in submission order (several at once). The
// crawler hands each fetched page's CPU work (decode, parse, extract, link discovery) to one, so
// that pages are analysed on every core while the crawl thread keeps the transfers and the store.
// Tasks must not throw (one that does ends the process, as any uncaught exception would). A pool
// can be detached: its threads then finish the task they are running on their own and the
// destructor does not wait for them (tasks must then own, through shared pointers, everything
// they touch).
#ifndef NIANBAO_CRAWLER_WORKER_POOL_H_
#define NIANBAO_CRAWLER_WORKER_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace nianbao {

class WorkerPool {
 public:
  // `threads` < 1 means one per core.
  explicit WorkerPool(int threads);
  // Runs the tasks already submitted, then joins the threads (unless detached).
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(std::function<void()> task);
  // Drops the tasks not yet started and detaches the threads: each ends after its current task.
  void Detach();
  int size() const { return size_; }

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<std::function<void()>> tasks;
    bool stopping = false;
  };
  static void Run(std::shared_ptr<State> state);

  std::shared_ptr<State> state_ = std::make_shared<State>();
  std::vector<std::thread> threads_;
  int size_ = 0;
};

}  // namespace nianbao

#endif  // NIANBAO_CRAWLER_WORKER_POOL_H_
