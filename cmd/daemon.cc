#include "cmd/daemon.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "cmd/common.h"
#include "crawler/crawler.h"
#include "store/store.h"
#include "web/server.h"

namespace nianbao {
namespace {

using std::chrono::steady_clock;

constexpr auto kStopGrace = std::chrono::seconds(10);  // issue 5: in-flight fetches end within 10 s
constexpr auto kMaxLoopSleep = std::chrono::milliseconds(500);  // STATUS refresh while crawling
constexpr int kRecheckBatch = 50;  // reports per re-check job; the next batch follows at once

int64_t UnixSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
TimePoint FromUnixSeconds(int64_t s) { return TimePoint(std::chrono::seconds(s)); }

std::string FormatTime(TimePoint t) {
  time_t seconds = static_cast<time_t>(UnixSeconds(t));
  tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &utc);
  return text;
}

// A config with the rules it names: what a reload replaces as one.
struct Settings {
  Config config;
  std::shared_ptr<const RuleSet> rules;
  std::shared_ptr<const BodyRules> bodies;  // regions, aliases, seeded bodies, deadlines
};

// Throws ConfigError or RuleError.
Settings LoadSettings(const std::string& config_path) {
  Settings settings;
  settings.config = config_path.empty() ? DefaultConfig() : LoadConfigFile(config_path);
  try {
    settings.rules = LoadRules(settings.config.rules_dir);
    settings.bodies = BodyRules::Load(settings.config.rules_dir);
  } catch (const RuleError& e) {
    throw RuleError(std::string("rules: ") + e.what());
  }
  return settings;
}

std::string RulesOrigin(const Config& config) {
  return config.rules_dir.empty() ? "the embedded rules" : "rules from " + config.rules_dir;
}

CrawlOptions OptionsFor(const Config& config, const Job& job) {
  CrawlOptions options;
  options.user_agent = config.user_agent;
  options.delay_seconds = config.politeness.delay_seconds;
  options.max_connections_per_host = config.politeness.max_connections_per_host;
  options.max_connections = config.politeness.max_connections;
  options.allow_private_addresses = config.network.allow_private_addresses;
  options.allowed_private_ranges = config.network.allowed_private_ranges;
  options.connect_timeout_seconds = config.network.connect_timeout_seconds;
  options.total_timeout_seconds = config.network.timeout_seconds;
  options.rules_dir = config.rules_dir;
  if (job.seed) {
    options.max_pages = job.seed->max_pages;
    options.max_depth = job.seed->max_depth;
  }
  return options;
}

// The one log line of what a job did.
std::string SummaryLine(const CrawlSummary& s) {
  std::ostringstream text;
  text << "fetched " << s.fetched << ", new versions " << s.new_versions << ", unchanged "
       << s.unchanged << ", not modified " << s.not_modified << ", errors ";
  if (s.errors.empty()) text << "none";
  bool first = true;
  for (const auto& [kind, count] : s.errors) {
    text << (first ? "" : ", ") << kind << " " << count;
    first = false;
  }
  return text.str();
}

// What one job did. `complete` is false when it was stopped or failed before the end.
struct JobOutcome {
  bool complete = false;
  std::string error;  // a store failure, empty otherwise
  CrawlSummary summary;
  int reports_rechecked = 0;
  TimePoint started{}, finished{};
};

// Runs one job on its own thread. The daemon's Store is lent to it: the main thread does not touch
// the Store from the Worker's construction until Join() (a Store is used by one thread at a time).
// One Store for the whole process also matters because opening a second connection to the same
// file in one process runs the store's checks, which are costly on a large database.
// The main loop polls `done_fd`, which becomes readable when the job ends.
class Worker {
 public:
  Worker(Job job, Settings settings, Store& store, const Clock& clock, const Logger& logger,
         int done_fd)
      : job_(std::move(job)),
        settings_(std::move(settings)),
        store_(store),
        clock_(clock),
        logger_(logger),
        done_fd_(done_fd) {
    outcome_.started = clock_.Now();
    // Set before the thread runs, so that the job shows in STATUS however quickly it ends.
    progress_ = job_.seed ? "crawling " + job_.id + ": starting" : "re-checking known reports";
    thread_ = std::thread([this] { Run(); });
  }
  ~Worker() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }

  const Job& job() const { return job_; }
  TimePoint started() const { return outcome_.started; }
  void RequestStop() { stop_.store(true); }
  bool finished() const { return finished_.load(); }
  JobOutcome Join() {
    thread_.join();
    return outcome_;
  }
  std::string Progress() const {
    std::lock_guard lock(mutex_);
    return progress_;
  }

 private:
  void Run() {
    try {
      Crawler crawler(store_, settings_.rules, OptionsFor(settings_.config, job_));
      if (job_.seed) {
        RunSeed(crawler);
      } else {
        RunRecheck(crawler);
      }
      outcome_.complete = !stop_.load();
    } catch (const std::exception& e) {
      outcome_.error = e.what();
    }
    outcome_.finished = clock_.Now();
    finished_.store(true);
    uint64_t one = 1;
    if (::write(done_fd_, &one, sizeof one) < 0) {
      // The main loop also polls `finished()` on its timeout; nothing is lost.
    }
  }

  // The crawler resumes an interrupted crawl's pending entries, or else revisits everything (with
  // conditional GETs for the reports it already knows).
  void RunSeed(Crawler& crawler) {
    outcome_.summary = crawler.Crawl({job_.id}, stop_, [this](const CrawlProgress& p) {
      std::ostringstream text;
      text << "crawling " << job_.id << ": " << p.done << " done, " << p.queued << " queued, "
           << p.errors << " errors, " << static_cast<int>(p.pages_per_second * 10) / 10.0
           << " pages/s";
      SetProgress(text.str());
    });
  }

  // Fetches again, with the stored validators, the reports whose latest fetch is older than the
  // re-check interval.
  void RunRecheck(Crawler& crawler) {
    TimePoint now = clock_.Now();
    auto interval =
        EffectiveInterval(settings_.config.recheck, now, settings_.config.season_factor);
    std::vector<std::string> urls =
        store_.ReportsFetchedBefore(UnixSeconds(now - interval), kRecheckBatch);
    for (const std::string& url : urls) {
      if (stop_.load()) return;
      SetProgress("re-checking known reports: " + std::to_string(outcome_.reports_rechecked) +
                  " of " + std::to_string(urls.size()));
      FetchOneResult result = crawler.FetchOne(url);
      ++outcome_.reports_rechecked;
      ++outcome_.summary.fetched;
      if (result.kind == "not_modified") ++outcome_.summary.not_modified;
      if (result.kind == "error")
        ++outcome_.summary
              .errors[result.fetch.error.empty() ? "http_" + std::to_string(result.fetch.status)
                                                 : result.fetch.error];
      if (result.snapshot) {
        ++(result.snapshot->new_version ? outcome_.summary.new_versions
                                        : outcome_.summary.unchanged);
      }
      logger_.Debug("re-checked " + url + ": " + result.kind);
    }
  }

  void SetProgress(std::string text) {
    std::lock_guard lock(mutex_);
    progress_ = std::move(text);
  }

  const Job job_;
  const Settings settings_;
  Store& store_;
  const Clock& clock_;
  const Logger& logger_;
  const int done_fd_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  JobOutcome outcome_;  // written by the worker thread until `finished_`, then read by Join()
  mutable std::mutex mutex_;
  std::string progress_;
  std::thread thread_;
};

// Blocks SIGTERM, SIGINT and SIGHUP for this thread and every thread it starts, and returns a
// signalfd that reads them; the previous mask is restored by the destructor.
class SignalChannel {
 public:
  SignalChannel() {
    sigemptyset(&mask_);
    sigaddset(&mask_, SIGTERM);
    sigaddset(&mask_, SIGINT);
    sigaddset(&mask_, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &mask_, &old_mask_);
    fd_ = signalfd(-1, &mask_, SFD_CLOEXEC | SFD_NONBLOCK);
  }
  ~SignalChannel() {
    if (fd_ >= 0) ::close(fd_);
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  int fd() const { return fd_; }
  // The next pending signal number, or 0.
  int Read() {
    signalfd_siginfo info{};
    if (::read(fd_, &info, sizeof info) != sizeof info) return 0;
    return static_cast<int>(info.ssi_signo);
  }

 private:
  sigset_t mask_{}, old_mask_{};
  int fd_ = -1;
};

class Daemon {
 public:
  Daemon(const DaemonOptions& options, Logger& logger)
      : options_(options),
        clock_(options.clock ? *options.clock : system_clock_),
        logger_(logger) {}

  int Run();

 private:
  void Start();
  void Loop();
  void Shutdown();
  void Reload();
  void SyncSeeds();
  // Starts, restarts or stops the web view as the config's [web] says; a failure is logged (at
  // start it stops the daemon: a listen address it cannot serve is a config mistake).
  void ApplyWebConfig(bool at_start);
  // The due job, if any, from the seeds' crawl records and the reports' fetch times.
  std::optional<Job> DueJob(TimePoint now);
  void StartJob(Job job);
  void FinishJob();
  // Links the job's reports to their bodies, and logs the URL of each new version and of each
  // fetch error since `since` (unix seconds), at most kMaxEventLines of each. The fetch errors of
  // `failed_seeds` and of every configured seed page are left out: the seed's crawl says it in its
  // own warning line (one line a crawl), and another job's window may hold that fetch too.
  void LogNewVersionsAndErrors(int64_t since,
                               const std::map<std::string, std::string>& failed_seeds);
  int PreviousSeedFailures(const std::string& seed);  // failed crawls in a row before this one
  void PingWatchdogIfDue();
  void UpdateStatus();
  std::string IdleStatus();
  // How long the loop may sleep: until the next watchdog ping, at most kMaxLoopSleep (a due job
  // starts within that; schedules are in seconds at the finest).
  steady_clock::duration SleepBudget() const;

  const DaemonOptions& options_;
  SystemClock system_clock_;
  const Clock& clock_;
  Logger& logger_;
  Notifier notifier_;
  SignalChannel signals_;
  int done_fd_ = -1;
  Settings settings_;
  std::unique_ptr<Store> store_;  // lent to worker_ while it runs; see Worker
  bool seeds_need_sync_ = false;  // a reload changed the seeds while a job held the Store
  std::unique_ptr<Worker> worker_;
  std::unique_ptr<web::WebServer> web_;  // its own threads and read-only connections
  WebConfig web_config_;                 // what web_ was started with
  bool stopping_ = false;
  steady_clock::time_point next_watchdog_{};
  steady_clock::time_point next_recheck_probe_{};
  std::string last_status_;
};

int Daemon::Run() {
  if (signals_.fd() < 0) {
    logger_.Error(std::string("signalfd: ") + std::strerror(errno));
    return 1;
  }
  done_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (done_fd_ < 0) {
    logger_.Error(std::string("eventfd: ") + std::strerror(errno));
    return 1;
  }
  try {
    settings_ = LoadSettings(options_.config_path);
  } catch (const std::exception& e) {
    logger_.Error(std::string("cannot start: ") + e.what());
    ::close(done_fd_);
    return 2;
  }
  logger_.set_level(settings_.config.log_level);
  int status = 0;
  try {
    Start();
    Loop();
  } catch (const std::exception& e) {
    logger_.Error(std::string("stopping on error: ") + e.what());
    status = 1;
  }
  Shutdown();
  ::close(done_fd_);
  return status;
}

void Daemon::Start() {
  const Config& config = settings_.config;
  std::filesystem::path parent = std::filesystem::path(config.database).parent_path();
  std::error_code error;
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  store_ = Store::Open(config.database);
  SyncSeeds();
  store_->SyncBodies(*settings_.bodies);
  ApplyWebConfig(true);
  logger_.Info(
      "nianbao " NIANBAO_VERSION " daemon started: config " + config.source + ", database " +
      config.database + ", " + std::to_string(config.seeds.size()) + " seeds, " +
      RulesOrigin(config) +
      (notifier_.watchdog_timeout()
           ? ", watchdog " + std::to_string(notifier_.watchdog_timeout()->count() / 1000) + " ms"
           : ""));
  notifier_.Ready(IdleStatus());
  last_status_.clear();
}

void Daemon::SyncSeeds() {
  std::vector<std::string> urls;
  for (const SeedConfig& seed : settings_.config.seeds) {
    store_->UpsertSeed(seed.url, seed.schedule.text);
    urls.push_back(seed.url);
  }
  store_->RetainSeeds(urls);
}

void Daemon::Loop() {
  while (true) {
    PingWatchdogIfDue();
    while (int signal = signals_.Read()) {
      if (signal == SIGHUP) {
        Reload();
      } else if (!stopping_) {
        logger_.Info(std::string(signal == SIGTERM ? "SIGTERM" : "SIGINT") +
                     ": stopping (no new fetches)");
        stopping_ = true;
      }
    }
    if (stopping_) return;
    if (worker_ && worker_->finished()) FinishJob();
    if (!worker_ && seeds_need_sync_) {
      SyncSeeds();
      seeds_need_sync_ = false;
    }
    if (!worker_) {
      TimePoint now = clock_.Now();
      if (std::optional<Job> job = DueJob(now)) StartJob(std::move(*job));
    }
    UpdateStatus();

    auto budget = SleepBudget();
    pollfd fds[2] = {{signals_.fd(), POLLIN, 0}, {done_fd_, POLLIN, 0}};
    int timeout_ms =
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(budget).count());
    if (::poll(fds, 2, std::max(timeout_ms, 1)) > 0 && (fds[1].revents & POLLIN)) {
      uint64_t count;
      if (::read(done_fd_, &count, sizeof count) < 0) {
        // Spurious wake-up; the worker's finished() flag decides.
      }
    }
  }
}

steady_clock::duration Daemon::SleepBudget() const {
  steady_clock::duration budget = kMaxLoopSleep;
  if (notifier_.watchdog_timeout()) {
    budget = std::min(
        budget, std::max(steady_clock::duration::zero(), next_watchdog_ - steady_clock::now()));
  }
  return budget;
}

void Daemon::PingWatchdogIfDue() {
  if (!notifier_.watchdog_timeout()) return;
  auto now = steady_clock::now();
  if (now < next_watchdog_) return;
  notifier_.Watchdog();
  next_watchdog_ = now + *notifier_.watchdog_timeout() / 2;
}

std::optional<Job> Daemon::DueJob(TimePoint now) {
  const Config& config = settings_.config;
  std::vector<Job> jobs = JobsOf(config);
  jobs.pop_back();  // the re-check job is due by the reports' fetch times, below
  std::vector<SeedState> states = store_->SeedStates();
  std::vector<std::optional<TimePoint>> last_runs(jobs.size());
  std::vector<bool> backed_off(jobs.size(), false);
  for (size_t i = 0; i < jobs.size(); ++i) {
    auto state = std::find_if(states.begin(), states.end(),
                              [&](const SeedState& s) { return s.url == jobs[i].id; });
    if (state == states.end() || state->last_started == 0) continue;
    // A crawl interrupted by a stop is due at once, to resume its frontier.
    bool interrupted = false, seed_failed = false;
    try {
      nlohmann::json last = nlohmann::json::parse(state->last_summary_json);
      interrupted = last.value("interrupted", false);
      seed_failed = last.contains("seed_error");
    } catch (const nlohmann::json::exception&) {
    }
    if (!interrupted) last_runs[i] = FromUnixSeconds(state->last_started);
    // A dead or blocked seed waits out its backoff (next_due), whatever its schedule says.
    backed_off[i] = seed_failed && state->next_due > UnixSeconds(now);
  }
  for (size_t i = jobs.size(); i-- > 0;) {
    if (!backed_off[i]) continue;
    jobs.erase(jobs.begin() + static_cast<std::ptrdiff_t>(i));
    last_runs.erase(last_runs.begin() + static_cast<std::ptrdiff_t>(i));
  }
  if (std::optional<size_t> due = PickDueJob(jobs, last_runs, now, config.season_factor)) {
    return jobs[*due];
  }
  // Probing the reports costs a query: at most once a minute (or once per re-check interval when
  // that is shorter). This also bounds the retries of a report whose re-check records no fetch.
  auto interval = EffectiveInterval(config.recheck, now, config.season_factor);
  if (steady_clock::now() < next_recheck_probe_) return std::nullopt;
  next_recheck_probe_ =
      steady_clock::now() + std::min<steady_clock::duration>(std::chrono::minutes(1), interval);
  if (store_->ReportsFetchedBefore(UnixSeconds(now - interval), 1).empty()) return std::nullopt;
  return Job{std::string(kRecheckJobId), config.recheck, std::nullopt};
}

void Daemon::StartJob(Job job) {
  if (job.seed) {
    logger_.Info("crawl of " + job.id + " started (schedule " + job.schedule.text + ")");
  } else {
    logger_.Info("re-check of known reports started (schedule " + job.schedule.text + ")");
  }
  worker_ = std::make_unique<Worker>(std::move(job), settings_, *store_, clock_, logger_, done_fd_);
  UpdateStatus();
}

void Daemon::FinishJob() {
  JobOutcome outcome = worker_->Join();
  Job job = worker_->job();
  worker_.reset();
  double seconds = std::chrono::duration<double>(outcome.finished - outcome.started).count();
  std::ostringstream took;
  took.precision(1);
  took << std::fixed << seconds;
  std::string what = job.seed ? "crawl of " + job.id : "re-check of known reports";
  // A dead or blocked seed: one line a crawl, and the seed backed off (below).
  std::string seed_error;
  if (auto it = outcome.summary.seed_errors.find(job.id); it != outcome.summary.seed_errors.end()) {
    seed_error = it->second;
  }
  if (!outcome.error.empty()) {
    logger_.Error(what + " failed after " + took.str() + " s: " + outcome.error);
  } else if (!seed_error.empty()) {
    logger_.Warning(what + ": the seed page failed (" + seed_error + "), backing off");
  } else if (!outcome.complete) {
    logger_.Warning(what + " stopped after " + took.str() + " s: " + SummaryLine(outcome.summary));
  } else {
    logger_.Info(what + " finished in " + took.str() + " s: " + SummaryLine(outcome.summary));
  }
  LogNewVersionsAndErrors(UnixSeconds(outcome.started), outcome.summary.seed_errors);
  if (!job.seed) return;  // the reports' fetch times are the re-check's state

  // A failed crawl counts as a run, so a broken seed is retried on its schedule, not in a loop.
  bool interrupted = !outcome.complete && outcome.error.empty();
  nlohmann::json summary = {
      {"complete", outcome.complete},           {"interrupted", interrupted},
      {"fetched", outcome.summary.fetched},     {"new_versions", outcome.summary.new_versions},
      {"unchanged", outcome.summary.unchanged}, {"not_modified", outcome.summary.not_modified},
      {"errors", outcome.summary.errors}};
  if (!outcome.error.empty()) summary["failure"] = outcome.error;
  int seed_failures = 0;
  if (!seed_error.empty()) {
    seed_failures = 1 + PreviousSeedFailures(job.id);
    summary["seed_error"] = seed_error;
    summary["seed_failures"] = seed_failures;
  }
  store_->RecordCrawl(job.id, UnixSeconds(outcome.started), UnixSeconds(outcome.finished),
                      summary.dump());
  TimePoint now = clock_.Now();
  TimePoint next =
      interrupted ? now
                  : NextRun(job.schedule, outcome.started, now, settings_.config.season_factor);
  if (seed_failures > 0) {  // 6 h, doubling with each failed crawl in a row, at most a week
    auto backoff = std::chrono::hours(6) * (1LL << std::min(seed_failures - 1, 5));
    next = std::max(next, now + std::min<std::chrono::hours>(backoff, std::chrono::hours(24 * 7)));
  }
  store_->SetNextDue(job.id, UnixSeconds(next));
  logger_.Info("next crawl of " + job.id + " at " + FormatTime(next));
}

void Daemon::LogNewVersionsAndErrors(int64_t since,
                                     const std::map<std::string, std::string>& failed_seeds) {
  constexpr size_t kMaxEventLines = 50;
  try {
    store_->SyncBodies(*settings_.bodies);
    std::vector<ChangeRow> changes = store_->Changes(since);
    for (size_t i = 0; i < changes.size() && i < kMaxEventLines; ++i) {
      const ChangeRow& c = changes[i];
      std::string fields;
      for (const std::string& field : c.fields) fields += (fields.empty() ? "" : " ") + field;
      logger_.Info("new version " + std::to_string(c.version) + " of " + c.url +
                   (c.body.empty() ? "" : " (" + c.body + ")") +
                   (c.version > 1 ? ": " + std::to_string(c.fields.size()) + " fields changed" +
                                        (fields.empty() ? "" : " (" + fields + ")")
                                  : ""));
    }
    if (changes.size() > kMaxEventLines) {
      logger_.Info("… and " + std::to_string(changes.size() - kMaxEventLines) +
                   " more new versions (nianbao changes)");
    }
    std::vector<ErrorRow> errors = store_->Errors(since);
    // A seed page's failure is said by its own crawl's warning, whichever job's window it falls in.
    auto is_seed = [&](const std::string& url) {
      if (failed_seeds.count(url) > 0) return true;
      for (const SeedConfig& seed : settings_.config.seeds) {
        if (seed.url == url) return true;
      }
      return false;
    };
    std::erase_if(errors, [&](const ErrorRow& e) { return is_seed(e.url); });
    for (size_t i = 0; i < errors.size() && i < kMaxEventLines; ++i) {
      logger_.Warning("fetch error " + errors[i].error + ": " + errors[i].url);
    }
    if (errors.size() > kMaxEventLines) {
      logger_.Warning("… and " + std::to_string(errors.size() - kMaxEventLines) +
                      " more fetch errors (nianbao errors)");
    }
  } catch (const StoreError& e) {
    logger_.Error(std::string("reading the job's new versions and errors: ") + e.what());
  }
}

int Daemon::PreviousSeedFailures(const std::string& seed) {
  for (const SeedState& state : store_->SeedStates()) {
    if (state.url != seed || state.last_summary_json.empty()) continue;
    nlohmann::json last = nlohmann::json::parse(state.last_summary_json, nullptr, false);
    if (last.is_object()) return last.value("seed_failures", 0);
  }
  return 0;
}

void Daemon::UpdateStatus() {
  std::string status = worker_ ? worker_->Progress() : IdleStatus();
  if (status.empty() || status == last_status_) return;
  notifier_.Status(status);
  logger_.Debug("status: " + status);
  last_status_ = status;
}

std::string Daemon::IdleStatus() {
  const Config& config = settings_.config;
  std::string status = "idle: " + std::to_string(config.seeds.size()) + " seeds";
  std::optional<TimePoint> next;
  for (const SeedState& state : store_->SeedStates()) {
    TimePoint due = FromUnixSeconds(state.next_due);
    if (!next || due < *next) next = due;
  }
  if (next) status += ", next crawl " + FormatTime(std::max(*next, clock_.Now()));
  return status;
}

void Daemon::ApplyWebConfig(bool at_start) {
  const WebConfig& wanted = settings_.config.web;
  if (!at_start && wanted == web_config_ && (web_ != nullptr) == !wanted.listen.empty()) return;
  web_.reset();
  web_config_ = wanted;
  if (wanted.listen.empty()) return;
  web::WebOptions options;
  options.database = settings_.config.database;
  options.listen = wanted.listen;
  options.token = wanted.token;
  options.rules = settings_.rules;
  try {
    web_ = web::WebServer::Start(std::move(options));
    logger_.Info("web view on " + web_->Origin() +
                 (wanted.token.empty() ? "" : " (token required)"));
  } catch (const std::exception& e) {
    if (at_start) throw;
    logger_.Error(std::string("web view not served: ") + e.what());
  }
}

void Daemon::Reload() {
  notifier_.Reloading();
  std::string name = options_.config_path.empty() ? "<embedded default>" : options_.config_path;
  logger_.Info("SIGHUP: reloading " + name);
  try {
    Settings fresh = LoadSettings(options_.config_path);
    if (fresh.config.database != settings_.config.database) {
      logger_.Warning("a new database (" + fresh.config.database +
                      ") needs a restart; still using " + settings_.config.database);
      fresh.config.database = settings_.config.database;
    }
    settings_ = std::move(fresh);
    logger_.set_level(settings_.config.log_level);
    ApplyWebConfig(false);
    if (worker_) {
      seeds_need_sync_ = true;
    } else {
      SyncSeeds();
    }
    logger_.Info("reloaded " + name + ": " + std::to_string(settings_.config.seeds.size()) +
                 " seeds, " + RulesOrigin(settings_.config) +
                 (worker_ ? " (the running crawl finishes with the previous settings)" : ""));
  } catch (const std::exception& e) {
    logger_.Error(std::string("reload rejected, keeping the previous configuration: ") + e.what());
  }
  notifier_.Ready(worker_ ? worker_->Progress() : IdleStatus());
  last_status_.clear();
}

void Daemon::Shutdown() {
  notifier_.Stopping("stopping");
  if (worker_) {
    logger_.Info("waiting for the running " +
                 std::string(worker_->job().seed ? "crawl of " + worker_->job().id
                                                 : "re-check of known reports") +
                 " to stop");
    worker_->RequestStop();
    auto deadline = steady_clock::now() + kStopGrace;
    while (!worker_->finished() && steady_clock::now() < deadline) {
      PingWatchdogIfDue();
      pollfd fd = {done_fd_, POLLIN, 0};
      ::poll(&fd, 1, 100);
    }
    if (!worker_->finished()) {
      // The crawler did not honour its stop flag in time. SQLite rolls back whatever transaction
      // it was in, so the database stays consistent; exiting now keeps systemd's stop bounded.
      logger_.Error("the running crawl did not stop within 10 s; exiting without it");
      ::_exit(1);
    }
    FinishJob();
  }
  web_.reset();
  store_.reset();
  logger_.Info("stopped");
}

}  // namespace

int RunDaemon(const DaemonOptions& options, Logger& logger) {
  Daemon daemon(options, logger);
  return daemon.Run();
}

}  // namespace nianbao
