// When the daemon's jobs run. A job is one seed's crawl or the re-check of every known report; it
// is due when it never ran or when its interval has passed since it last started. From January to
// April (China Standard Time), when most annual reports are published, every interval is multiplied
// by the config's season_factor. Pure functions of their arguments: the clock is injected, the
// last-run times come from the database, so the schedule survives restarts and tests need no
// waiting.
#ifndef NIANBAO_CMD_SCHEDULER_H_
#define NIANBAO_CMD_SCHEDULER_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cmd/config.h"

namespace nianbao {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

// The schedule row id of the re-check job (seeds use their URL).
inline constexpr std::string_view kRecheckJobId = "recheck:known-reports";

// January to April in China Standard Time (UTC+8; China has no daylight saving time).
bool InPublicationSeason(TimePoint t);

// The interval in force at `now`: the schedule's, times `season_factor` in season, at least 1 s.
std::chrono::seconds EffectiveInterval(const Schedule& schedule, TimePoint now,
                                       double season_factor);

struct Job {
  std::string id;  // a seed URL, or kRecheckJobId
  Schedule schedule;
  std::optional<SeedConfig> seed;  // nullopt for the re-check job
};

// Every job of `config`: its seeds in order, then the re-check job.
std::vector<Job> JobsOf(const Config& config);

// When a job that last started at `last_run` (nullopt: never) runs next, as seen at `now`.
TimePoint NextRun(const Schedule& schedule, std::optional<TimePoint> last_run, TimePoint now,
                  double season_factor);

// The index in `jobs` of the job to run now — the most overdue due one, ties in list order — or
// nullopt when none is due. `last_runs[i]` belongs to `jobs[i]`.
std::optional<size_t> PickDueJob(const std::vector<Job>& jobs,
                                 const std::vector<std::optional<TimePoint>>& last_runs,
                                 TimePoint now, double season_factor);

// The earliest NextRun over all jobs (now when one is due; nullopt for no jobs).
std::optional<TimePoint> EarliestNextRun(const std::vector<Job>& jobs,
                                         const std::vector<std::optional<TimePoint>>& last_runs,
                                         TimePoint now, double season_factor);

}  // namespace nianbao

#endif  // NIANBAO_CMD_SCHEDULER_H_
