#include "cmd/scheduler.h"

#include <algorithm>
#include <cmath>

namespace nianbao {

bool InPublicationSeason(TimePoint t) {
  using namespace std::chrono;
  // Civil date arithmetic (std::chrono calendar types): no time zone database and no global state.
  sys_days day = floor<days>(t + hours(8));
  unsigned month = static_cast<unsigned>(year_month_day(day).month());
  return month >= 1 && month <= 4;
}

std::chrono::seconds EffectiveInterval(const Schedule& schedule, TimePoint now,
                                       double season_factor) {
  double seconds = static_cast<double>(schedule.interval.count());
  if (InPublicationSeason(now)) seconds *= season_factor;
  return std::chrono::seconds(std::max<int64_t>(1, std::llround(seconds)));
}

std::vector<Job> JobsOf(const Config& config) {
  std::vector<Job> jobs;
  jobs.reserve(config.seeds.size() + 1);
  for (const SeedConfig& seed : config.seeds) jobs.push_back({seed.url, seed.schedule, seed});
  jobs.push_back({std::string(kRecheckJobId), config.recheck, std::nullopt});
  return jobs;
}

TimePoint NextRun(const Schedule& schedule, std::optional<TimePoint> last_run, TimePoint now,
                  double season_factor) {
  if (!last_run) return now;
  return *last_run + EffectiveInterval(schedule, now, season_factor);
}

std::optional<size_t> PickDueJob(const std::vector<Job>& jobs,
                                 const std::vector<std::optional<TimePoint>>& last_runs,
                                 TimePoint now, double season_factor) {
  std::optional<size_t> best;
  TimePoint best_next{};
  for (size_t i = 0; i < jobs.size(); ++i) {
    TimePoint next = NextRun(jobs[i].schedule, last_runs[i], now, season_factor);
    // A job that never ran is more overdue than any other.
    if (!last_runs[i]) next = TimePoint::min();
    if (next > now) continue;
    if (!best || next < best_next) {
      best = i;
      best_next = next;
    }
  }
  return best;
}

std::optional<TimePoint> EarliestNextRun(const std::vector<Job>& jobs,
                                         const std::vector<std::optional<TimePoint>>& last_runs,
                                         TimePoint now, double season_factor) {
  std::optional<TimePoint> earliest;
  for (size_t i = 0; i < jobs.size(); ++i) {
    TimePoint next = NextRun(jobs[i].schedule, last_runs[i], now, season_factor);
    if (!earliest || next < *earliest) earliest = next;
  }
  return earliest;
}

}  // namespace nianbao
