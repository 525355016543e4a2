#include "crawler/politeness.h"

#include <algorithm>
#include <cmath>

namespace nianbao {

HostSchedule::HostSchedule(double delay_seconds, int max_per_host, int max_total,
                           double max_crawl_delay_seconds)
    : delay_seconds_(std::max(0.0, delay_seconds)),
      max_per_host_(std::max(1, max_per_host)),
      max_total_(std::max(1, max_total)),
      max_crawl_delay_seconds_(std::max(0.0, max_crawl_delay_seconds)) {}

const HostSchedule::Host* HostSchedule::Find(const std::string& origin) const {
  auto it = hosts_.find(origin);
  return it == hosts_.end() ? nullptr : &it->second;
}

HostSchedule::Host& HostSchedule::Get(const std::string& origin) {
  auto [it, added] = hosts_.try_emplace(origin);
  if (added) it->second.delay_seconds = delay_seconds_;
  return it->second;
}

bool HostSchedule::CanStart(const std::string& origin, SteadyTime now) const {
  if (active_total_ >= max_total_) return false;
  const Host* host = Find(origin);
  return !host || (host->active < max_per_host_ && now >= host->next_start);
}

bool HostSchedule::HasFreeConnection(const std::string& origin) const {
  const Host* host = Find(origin);
  return !host || host->active < max_per_host_;
}

SteadyTime HostSchedule::NextStart(const std::string& origin) const {
  const Host* host = Find(origin);
  return host ? host->next_start : SteadyTime{};
}

void HostSchedule::Started(const std::string& origin, SteadyTime now) {
  Host& host = Get(origin);
  ++host.active;
  ++active_total_;
  // Several connections per host still space their starts by the delay.
  host.next_start = std::max(host.next_start, now + SteadySeconds(host.delay_seconds));
}

void HostSchedule::Finished(const std::string& origin, SteadyTime now) {
  Host& host = Get(origin);
  host.active = std::max(0, host.active - 1);
  active_total_ = std::max(0, active_total_ - 1);
  host.next_start = std::max(host.next_start, now + SteadySeconds(host.delay_seconds));
}

void HostSchedule::Defer(const std::string& origin, SteadyTime until) {
  Host& host = Get(origin);
  host.next_start = std::max(host.next_start, until);
}

void HostSchedule::SetCrawlDelay(const std::string& origin, double seconds) {
  Host& host = Get(origin);
  host.delay_seconds = std::max(delay_seconds_, std::min(seconds, max_crawl_delay_seconds_));
}

double HostSchedule::DelaySeconds(const std::string& origin) const {
  const Host* host = Find(origin);
  return host ? host->delay_seconds : delay_seconds_;
}

double BackoffSeconds(int tries, double base, double cap, std::mt19937_64& random) {
  std::uniform_real_distribution<double> jitter(0.5, 1.5);
  double exponential = base * std::pow(2.0, std::max(0, tries - 1));
  return std::min(cap, exponential * jitter(random));
}

}  // namespace nianbao
