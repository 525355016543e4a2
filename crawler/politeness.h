// Per-host politeness and retry arithmetic. HostSchedule decides when the next request to a host
// (an origin: scheme://host:port) may start: at most `max_per_host` at once, and at least the
// host's delay between the end of one request and the start of the next — the delay being the
// larger of the configured one and the host's robots.txt Crawl-delay (capped). A Retry-After defers
// the whole host. Plain bookkeeping over time points given by the caller, so it can be tested
// without clocks.
#ifndef NIANBAO_CRAWLER_POLITENESS_H_
#define NIANBAO_CRAWLER_POLITENESS_H_

#include <chrono>
#include <map>
#include <random>
#include <string>

namespace nianbao {

using SteadyTime = std::chrono::steady_clock::time_point;

// A number of seconds (a delay, a Retry-After, a TTL) as a steady-clock duration.
inline std::chrono::steady_clock::duration SteadySeconds(double seconds) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(seconds));
}

class HostSchedule {
 public:
  HostSchedule(double delay_seconds, int max_per_host, int max_total,
               double max_crawl_delay_seconds);

  bool CanStart(const std::string& origin, SteadyTime now) const;
  // Whether `origin` has a connection free (its own limit only, not the total's, nor time).
  bool HasFreeConnection(const std::string& origin) const;
  bool TotalFull() const { return active_total_ >= max_total_; }
  // When a request to `origin` could start, ignoring the connection limits.
  SteadyTime NextStart(const std::string& origin) const;
  void Started(const std::string& origin, SteadyTime now);
  void Finished(const std::string& origin, SteadyTime now);
  // No request to `origin` before `until` (Retry-After).
  void Defer(const std::string& origin, SteadyTime until);
  void SetCrawlDelay(const std::string& origin, double seconds);
  double DelaySeconds(const std::string& origin) const;
  int active() const { return active_total_; }

 private:
  struct Host {
    int active = 0;
    SteadyTime next_start{};
    double delay_seconds = 0;
  };
  const Host* Find(const std::string& origin) const;
  Host& Get(const std::string& origin);

  double delay_seconds_;
  int max_per_host_;
  int max_total_;
  double max_crawl_delay_seconds_;
  int active_total_ = 0;
  std::map<std::string, Host> hosts_;
};

// Exponential backoff with jitter for try number `tries` (1 = the first retry):
// base · 2^(tries-1) · uniform[0.5, 1.5), at most `cap`.
double BackoffSeconds(int tries, double base, double cap, std::mt19937_64& random);

}  // namespace nianbao

#endif  // NIANBAO_CRAWLER_POLITENESS_H_
