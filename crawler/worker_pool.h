// A fixed set of threads that run submitted tasks in submission order (several at once). The
// crawler hands each fetched page's CPU work (decode, parse, extract, link discovery) to one, so
// that pages are analysed on every core while the crawl thread keeps the transfers and the store.
// Tasks must not throw (one that does ends the process, as any uncaught exception would).
#ifndef NIANBAO_CRAWLER_WORKER_POOL_H_
#define NIANBAO_CRAWLER_WORKER_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace nianbao {

class WorkerPool {
 public:
  // `threads` < 1 means one per core.
  explicit WorkerPool(int threads);
  // Runs the tasks already submitted, then joins the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(std::function<void()> task);
  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace nianbao

#endif  // NIANBAO_CRAWLER_WORKER_POOL_H_
