// The daemon: its scheduler with an injected clock (publication-season tightening, due order), and
// the real `nianbao daemon` binary started as systemd would start it — NOTIFY_SOCKET pointing at a
// datagram socket this test owns, WATCHDOG_USEC set — crawling a real HTTP server on 127.0.0.1.
#include <SQLiteCpp/Database.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cmd/scheduler.h"
#include "store/store.h"
#include "tests/support/http_server.h"
#include "tests/support/paths.h"
#include "tests/support/process_stat.h"

namespace nianbao {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// Scheduler, with an injected clock

class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint now) : now_(now) {}
  TimePoint Now() const override { return now_; }
  void Advance(std::chrono::seconds by) { now_ += by; }

 private:
  TimePoint now_;
};

TimePoint Utc(int year, unsigned month, unsigned day, int hour = 0, int minute = 0) {
  using namespace std::chrono;
  return sys_days(std::chrono::year(year) / std::chrono::month(month) / std::chrono::day(day)) +
         hours(hour) + minutes(minute);
}

TEST(SchedulerTest, PublicationSeasonIsJanuaryToAprilInChinaTime) {
  EXPECT_FALSE(InPublicationSeason(Utc(2026, 12, 31, 15, 59)));  // 23:59 on 31 Dec in Beijing
  EXPECT_TRUE(InPublicationSeason(Utc(2026, 12, 31, 16, 0)));    // 00:00 on 1 Jan in Beijing
  EXPECT_TRUE(InPublicationSeason(Utc(2027, 2, 28)));
  EXPECT_TRUE(InPublicationSeason(Utc(2027, 4, 30, 15, 59)));
  EXPECT_FALSE(InPublicationSeason(Utc(2027, 4, 30, 16, 0)));  // 1 May in Beijing
  EXPECT_FALSE(InPublicationSeason(Utc(2027, 8, 1)));
}

TEST(SchedulerTest, SeasonTightensEveryInterval) {
  Schedule weekly = ParseSchedule("weekly");
  EXPECT_EQ(EffectiveInterval(weekly, Utc(2026, 6, 15), 0.5), hours(7 * 24));
  EXPECT_EQ(EffectiveInterval(weekly, Utc(2027, 3, 15), 0.5), hours(7 * 12));
  EXPECT_EQ(EffectiveInterval(weekly, Utc(2027, 3, 15), 1.0), hours(7 * 24));
  EXPECT_EQ(EffectiveInterval(ParseSchedule("every 1s"), Utc(2027, 3, 15), 0.1), seconds(1));
}

// Runs a daily seed for 30 simulated days from `start`, hour by hour, as the daemon's loop would:
// returns how many crawls started.
int CrawlsIn30Days(TimePoint start, double season_factor) {
  FakeClock clock(start);
  Config config;
  config.recheck = ParseSchedule("weekly");
  config.seeds.push_back({"https://a.gov.cn/nb/", ParseSchedule("daily")});
  std::vector<Job> jobs = JobsOf(config);
  jobs.pop_back();  // the seed only
  std::vector<std::optional<TimePoint>> last_runs(jobs.size());
  int crawls = 0;
  for (int hour = 0; hour < 30 * 24; ++hour, clock.Advance(hours(1))) {
    if (std::optional<size_t> due = PickDueJob(jobs, last_runs, clock.Now(), season_factor)) {
      last_runs[*due] = clock.Now();
      ++crawls;
    }
  }
  return crawls;
}

TEST(SchedulerTest, InjectedClockSeesTwiceAsManyCrawlsInSeason) {
  EXPECT_EQ(CrawlsIn30Days(Utc(2026, 6, 1), 0.5), 30);
  EXPECT_EQ(CrawlsIn30Days(Utc(2027, 3, 1), 0.5), 60);
  EXPECT_EQ(CrawlsIn30Days(Utc(2027, 3, 1), 1.0), 30);
}

TEST(SchedulerTest, NeverRunFirstThenMostOverdue) {
  FakeClock clock(Utc(2026, 7, 1, 12));
  std::vector<Job> jobs = {{"a", ParseSchedule("daily"), std::nullopt},
                           {"b", ParseSchedule("every 1h"), std::nullopt},
                           {"c", ParseSchedule("weekly"), std::nullopt}};
  TimePoint now = clock.Now();
  std::vector<std::optional<TimePoint>> last = {now - hours(25), now - hours(3), std::nullopt};
  EXPECT_EQ(PickDueJob(jobs, last, now, 0.5), 2u);  // never crawled
  last[2] = now - hours(1);
  EXPECT_EQ(PickDueJob(jobs, last, now, 0.5), 1u);  // b was due 2 h ago, a 1 h ago
  last[1] = now;
  EXPECT_EQ(PickDueJob(jobs, last, now, 0.5), 0u);
  last[0] = now;
  EXPECT_EQ(PickDueJob(jobs, last, now, 0.5), std::nullopt);
  EXPECT_EQ(EarliestNextRun(jobs, last, now, 0.5), now + hours(1));
  EXPECT_EQ(NextRun(jobs[2].schedule, last[2], now, 0.5), now + hours(7 * 24 - 1));
}

// ---------------------------------------------------------------------------------------------
// The real daemon

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct NotifyMessage {
  steady_clock::time_point at;
  std::string text;
};

// An AF_UNIX datagram socket standing in for systemd's notification socket. Like systemd, it reads
// every datagram as it comes (on its own thread): a full socket buffer would block the daemon's
// sd_notify.
class NotifySocket {
 public:
  explicit NotifySocket(const fs::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string text = path.string();
    EXPECT_LT(text.size(), sizeof address.sun_path);
    std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    timeval tick{0, 50'000};  // recv wakes up every 50 ms to notice the destructor
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof tick);
    reader_ = std::thread([this] { Read(); });
  }
  ~NotifySocket() {
    done_.store(true);
    reader_.join();
    ::close(fd_);
    fs::remove(path_);
  }
  const fs::path& path() const { return path_; }

  // Waits until a message satisfying `match` has arrived (at or after index `from`); returns its
  // index, or -1 on timeout.
  int WaitFor(const std::function<bool(const std::string&)>& match, std::chrono::seconds timeout,
              size_t from = 0) {
    auto deadline = steady_clock::now() + timeout;
    while (true) {
      std::vector<NotifyMessage> all = messages();
      for (size_t i = from; i < all.size(); ++i) {
        if (match(all[i].text)) return int(i);
      }
      if (steady_clock::now() > deadline) return -1;
      std::this_thread::sleep_for(milliseconds(20));
    }
  }
  int WaitForLine(const std::string& line, std::chrono::seconds timeout, size_t from = 0) {
    return WaitFor([&](const std::string& m) { return HasLine(m, line); }, timeout, from);
  }
  static bool HasLine(const std::string& message, const std::string& line) {
    std::istringstream lines(message);
    for (std::string l; std::getline(lines, l);) {
      if (l == line) return true;
    }
    return false;
  }
  std::vector<NotifyMessage> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  std::string All() const {
    std::string all;
    for (const NotifyMessage& m : messages()) all += "[" + m.text + "]\n";
    return all;
  }

 private:
  void Read() {
    char buffer[4096];
    while (!done_.load()) {
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      std::lock_guard lock(mutex_);
      messages_.push_back({steady_clock::now(), std::string(buffer, size_t(n))});
    }
  }

  fs::path path_;
  int fd_ = -1;
  std::atomic<bool> done_{false};
  mutable std::mutex mutex_;
  std::vector<NotifyMessage> messages_;
  std::thread reader_;
};

// Runs `argv` with extra environment variables; stdout and stderr go to `log`.
pid_t Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
            const fs::path& log) {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  ::dup2(fd, 1);
  ::dup2(fd, 2);
  for (const std::string& e : env) ::putenv(const_cast<char*>(e.c_str()));
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

// The exit status of `pid`, waiting at most `timeout`; -1 on timeout (the process is then killed).
int WaitExit(pid_t pid, std::chrono::seconds timeout, double* seconds_taken = nullptr) {
  auto start = steady_clock::now();
  while (steady_clock::now() - start < timeout) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      if (seconds_taken) {
        *seconds_taken = std::chrono::duration<double>(steady_clock::now() - start).count();
      }
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return -1;
}

struct CommandResult {
  int status = -1;
  std::string output;
};

CommandResult RunNianbao(const std::vector<std::string>& args, const fs::path& dir) {
  static int counter = 0;
  fs::path log = dir / ("command-" + std::to_string(++counter) + ".out");
  std::vector<std::string> argv = {testing::NianbaoBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = Spawn(argv, {}, log);
  CommandResult result;
  result.status = WaitExit(pid, seconds(60));
  result.output = ReadText(log);
  return result;
}

// A site with a report column: /nb/ lists one report, the real Pingtan 2024 report (template
// v2021).
class TestSite {
 public:
  TestSite() {
    report_ = ReadText(testing::CorpusDir() + "/pingtan-2024.html");
    server_.Serve("/nb/",
                  HtmlResponse("<html><head><meta charset=\"utf-8\"><title>政府信息公开年报</title>"
                               "</head><body><ul><li><a href=\"/nb/202503/t20250310_97791.htm\">"
                               "平潭综合实验区2024年度政府信息公开工作年度报告</a></li></ul>"
                               "</body></html>"));
    server_.Serve("/nb/202503/t20250310_97791.htm", HtmlResponse(report_));
  }
  static testing::HttpResponse HtmlResponse(std::string body) {
    return testing::Respond(200, std::move(body), {{"Content-Type", "text/html; charset=utf-8"}});
  }
  std::string SeedUrl() const { return server_.Url("/nb/"); }
  std::string ReportUrl() const { return server_.Url("/nb/202503/t20250310_97791.htm"); }
  testing::HttpServer& server() { return server_; }
  const std::string& report() const { return report_; }

 private:
  testing::HttpServer server_;
  std::string report_;
};

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = fs::temp_directory_path() /
           ("nianbao_daemon_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = dir_ / "var" / "nianbao.db";
    config_ = dir_ / "nianbao.toml";
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (HasFailure()) {
      std::cerr << "daemon log:\n"
                << Log() << "\nnotifications:\n"
                << (notify_ ? notify_->All() : "");
    }
    notify_.reset();
    fs::remove_all(dir_);
  }

  std::string ConfigText(const std::string& seed, const std::string& schedule,
                         const std::string& extra = "") {
    return "database = \"" + db_.string() +
           "\"\n"
           "user_agent = \"nianbao-test/1 (+https://example.org)\"\n"
           "log_level = \"debug\"\n" +
           extra +
           "[politeness]\n"
           "delay_seconds = 0.05\n"
           "[[seed]]\n"
           "url = \"" +
           seed + "\"\nschedule = \"" + schedule +
           "\"\nmax_pages = 20\nmax_depth = 2\n"
           "[network]\n"
           "allow_private_addresses = true\n";  // the test site is on 127.0.0.1
  }
  void WriteConfig(const std::string& text) { std::ofstream(config_) << text; }

  void StartDaemon(int64_t watchdog_usec = 1'000'000) {
    // Each start gets a fresh socket, so that a restart's READY=1 is told apart from the first.
    notify_ = std::make_unique<NotifySocket>(
        fs::temp_directory_path() /
        ("nbd-" + std::to_string(::getpid()) + "-" + std::to_string(++starts_) + ".sock"));
    std::vector<std::string> env = {"NOTIFY_SOCKET=" + notify_->path().string()};
    if (watchdog_usec > 0) env.push_back("WATCHDOG_USEC=" + std::to_string(watchdog_usec));
    pid_ = Spawn({testing::NianbaoBinary(), "daemon", "--config", config_.string()}, env,
                 dir_ / "daemon.log");
    ASSERT_GT(pid_, 0);
  }
  int StopDaemon(int signal = SIGTERM, double* seconds_taken = nullptr) {
    ::kill(pid_, signal);
    int status = WaitExit(pid_, seconds(15), seconds_taken);
    pid_ = -1;
    return status;
  }
  std::string Log() const { return ReadText(dir_ / "daemon.log"); }
  bool WaitForLog(const std::string& text, std::chrono::seconds timeout) {
    auto deadline = steady_clock::now() + timeout;
    while (steady_clock::now() < deadline) {
      if (Log().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(milliseconds(50));
    }
    return false;
  }
  int64_t Versions(const std::string& url) {
    try {
      return int64_t(Store::Open(db_.string())->History(url).size());
    } catch (const NotFoundError&) {
      return 0;
    }
  }

  fs::path dir_, db_, config_;
  std::unique_ptr<NotifySocket> notify_;
  pid_t pid_ = -1;
  int starts_ = 0;
};

TEST_F(DaemonTest, ReadyStatusWatchdogAndScheduledCrawls) {
  TestSite site;
  WriteConfig(ConfigText(site.SeedUrl(), "every 2s"));
  StartDaemon(1'000'000);  // pings expected every 0.5 s
  int ready = notify_->WaitForLine("READY=1", seconds(20));
  ASSERT_GE(ready, 0) << "no READY=1";
  EXPECT_TRUE(notify_->WaitFor([](const std::string& m) { return m.starts_with("STATUS="); },
                               seconds(1)) >= 0);

  // The report is crawled and stored.
  auto deadline = steady_clock::now() + seconds(30);
  while (Versions(site.ReportUrl()) == 0 && steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(200));
  }
  ASSERT_EQ(Versions(site.ReportUrl()), 1);

  // Watchdog pings over a 4 s window: ~8 expected at half of WATCHDOG_USEC.
  auto window_start = steady_clock::now();
  std::this_thread::sleep_for(seconds(4));
  auto window_end = steady_clock::now();
  double window = std::chrono::duration<double>(window_end - window_start).count();
  int pings = 0;
  for (const NotifyMessage& m : notify_->messages()) {
    pings +=
        m.at >= window_start && m.at < window_end && NotifySocket::HasLine(m.text, "WATCHDOG=1");
  }
  EXPECT_GE(pings, int(window / 0.5) - 3) << "window " << window << " s";
  EXPECT_LE(pings, int(window / 0.5) + 3) << "window " << window << " s";

  // The schedule ("every 2s") brings the seed back: at least 3 crawls of the list page by now.
  EXPECT_GE(site.server().RequestCount("/nb/"), 3u);
  // Progress reached systemd.
  EXPECT_GE(notify_->WaitFor([](const std::string& m) { return m.starts_with("STATUS=crawling "); },
                             seconds(1)),
            0);
  EXPECT_EQ(Versions(site.ReportUrl()), 1) << "an unchanged report makes no new version";

  double taken = 0;
  EXPECT_EQ(StopDaemon(SIGTERM, &taken), 0);
  EXPECT_LT(taken, 10.0);
  EXPECT_GE(notify_->WaitFor([](const std::string& m) { return m.starts_with("STOPPING=1"); },
                             seconds(1)),
            0);
  std::string log = Log();
  EXPECT_NE(log.find("<6>nianbao "), std::string::npos) << log;
  EXPECT_NE(log.find("<6>crawl of " + site.SeedUrl() + " started"), std::string::npos);
  EXPECT_NE(log.find("<6>crawl of " + site.SeedUrl() + " finished"), std::string::npos);
  EXPECT_NE(log.find("<6>SIGTERM: stopping"), std::string::npos);
  EXPECT_NE(log.find("<6>stopped"), std::string::npos);

  // `nianbao status` shows the seed, its crawls and the report.
  CommandResult status = RunNianbao({"status", "--db", db_.string(), "--format", "json"}, dir_);
  ASSERT_EQ(status.status, 0) << status.output;
  nlohmann::json json = nlohmann::json::parse(status.output);
  ASSERT_EQ(json["seeds"].size(), 1u);
  EXPECT_EQ(json["seeds"][0]["url"], site.SeedUrl());
  EXPECT_EQ(json["seeds"][0]["schedule"], "every 2s");
  EXPECT_GE(json["seeds"][0]["crawls"].get<int>(), 3);
  EXPECT_TRUE(json["seeds"][0]["last_crawl_started"].is_string());
  EXPECT_TRUE(json["seeds"][0]["next_crawl"].is_string());
  EXPECT_EQ(json["reports"], 1);
  EXPECT_EQ(json["versions"], 1);
  CommandResult text = RunNianbao({"status", "--db", db_.string()}, dir_);
  ASSERT_EQ(text.status, 0) << text.output;
  EXPECT_NE(text.output.find(site.SeedUrl()), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("schedule every 2s"), std::string::npos) << text.output;
  // The last crawl may have been interrupted by the SIGTERM.
  EXPECT_TRUE(std::regex_search(text.output,
                                std::regex("last crawl (complete|interrupted): fetched [0-9]+")))
      << text.output;
  EXPECT_NE(text.output.find("reports    1 (1 versions"), std::string::npos) << text.output;
}

// After each crawl the log names the URL of each new version (with its body) and of each failed
// fetch.
TEST_F(DaemonTest, LogNamesEachNewVersionAndEachFailedUrl) {
  TestSite site;
  site.server().Serve(
      "/nb/",
      TestSite::HtmlResponse(
          "<html><head><meta charset=\"utf-8\"><title>政府信息公开年报</title></head><body><ul>"
          "<li><a href=\"/nb/202503/t20250310_97791.htm\">平潭综合实验区2024年度政府信息公开工作"
          "年度报告</a></li><li><a href=\"/nb/202403/gone.htm\">平潭综合实验区2023年度政府信息"
          "公开工作年度报告</a></li></ul></body></html>"));
  site.server().Serve("/nb/202403/gone.htm", testing::Respond(404, "gone"));
  WriteConfig(ConfigText(site.SeedUrl(), "every 1h"));
  StartDaemon();
  ASSERT_TRUE(
      WaitForLog("<6>new version 1 of " + site.ReportUrl() + " (平潭综合实验区)", seconds(30)))
      << Log();
  EXPECT_TRUE(WaitForLog("<4>fetch error http_404: " + site.server().Url("/nb/202403/gone.htm"),
                         seconds(5)))
      << Log();
  EXPECT_EQ(StopDaemon(), 0);
}

TEST_F(DaemonTest, BrokenConfigOnSighupKeepsTheOldOne) {
  TestSite site;
  WriteConfig(ConfigText(site.SeedUrl(), "every 2s"));
  StartDaemon();
  int ready = notify_->WaitForLine("READY=1", seconds(20));
  ASSERT_GE(ready, 0);
  ASSERT_TRUE(WaitForLog("crawl of " + site.SeedUrl() + " finished", seconds(30)));

  // Line 8 has a bad schedule.
  WriteConfig(ConfigText(site.SeedUrl(), "every 2 s"));
  ::kill(pid_, SIGHUP);
  int reloading = notify_->WaitFor(
      [](const std::string& m) {
        return NotifySocket::HasLine(m, "RELOADING=1") && m.find("MONOTONIC_USEC=") != m.npos;
      },
      seconds(10), ready + 1);
  ASSERT_GE(reloading, 0);
  EXPECT_GE(notify_->WaitForLine("READY=1", seconds(10), reloading + 1), 0);
  ASSERT_TRUE(WaitForLog("reload rejected", seconds(10)));
  std::string log = Log();
  EXPECT_NE(log.find("<3>reload rejected, keeping the previous configuration: " + config_.string() +
                     ":8: \"seed[0].schedule\": bad schedule \"every 2 s\""),
            std::string::npos)
      << log;

  // The old config keeps running: the seed is crawled again on its 2 s schedule.
  size_t before = site.server().RequestCount("/nb/");
  std::this_thread::sleep_for(seconds(5));
  EXPECT_GE(site.server().RequestCount("/nb/"), before + 1);

  // A good config is taken: the seed's schedule changes to one hour, so crawling stops.
  WriteConfig(ConfigText(site.SeedUrl(), "every 1h"));
  ::kill(pid_, SIGHUP);
  ASSERT_TRUE(WaitForLog("<6>reloaded " + config_.string() + ": 1 seeds", seconds(10))) << Log();
  std::this_thread::sleep_for(seconds(2));  // a crawl in flight at the reload may still finish
  size_t after_reload = site.server().RequestCount("/nb/");
  std::this_thread::sleep_for(seconds(4));
  EXPECT_EQ(site.server().RequestCount("/nb/"), after_reload);
  EXPECT_EQ(StopDaemon(), 0);
}

TEST_F(DaemonTest, BrokenRulesOnSighupKeepTheOldOnes) {
  TestSite site;
  fs::path rules = dir_ / "rules";
  fs::copy(testing::SourceDir() + "/rules", rules);
  WriteConfig(ConfigText(site.SeedUrl(), "every 2s", "rules_dir = \"" + rules.string() + "\"\n"));
  StartDaemon();
  ASSERT_GE(notify_->WaitForLine("READY=1", seconds(20)), 0);
  ASSERT_TRUE(WaitForLog("rules from " + rules.string(), seconds(5))) << Log();
  ASSERT_TRUE(WaitForLog("crawl of " + site.SeedUrl() + " finished", seconds(30)));

  std::ofstream(rules / "v2021.toml", std::ios::app) << "\n[[[ not toml\n";
  ::kill(pid_, SIGHUP);
  ASSERT_TRUE(WaitForLog("reload rejected", seconds(10))) << Log();
  std::string log = Log();
  size_t rejected = log.find("<3>reload rejected, keeping the previous configuration: rules: ");
  ASSERT_NE(rejected, std::string::npos) << log;
  EXPECT_NE(log.find("v2021.toml", rejected), std::string::npos) << log;

  // Still crawling, with the rules loaded at start: the report keeps its one version.
  size_t before = site.server().RequestCount("/nb/");
  std::this_thread::sleep_for(seconds(5));
  EXPECT_GE(site.server().RequestCount("/nb/"), before + 1);
  EXPECT_EQ(Versions(site.ReportUrl()), 1);
  EXPECT_EQ(StopDaemon(), 0);
}

TEST_F(DaemonTest, KnownReportsAreRecheckedWithConditionalGet) {
  TestSite site;
  const std::string report = site.report();
  site.server().Handle("/known/2024.htm", [report](const testing::HttpRequest& request) {
    if (request.Header("if-none-match") == "\"v1\"") return testing::Respond(304);
    return testing::Respond(200, report,
                            {{"Content-Type", "text/html; charset=utf-8"}, {"ETag", "\"v1\""}});
  });
  std::string url = site.server().Url("/known/2024.htm");
  CommandResult fetch =
      RunNianbao({"fetch", "--db", db_.string(), "--allow-private-addresses", url}, dir_);
  ASSERT_EQ(fetch.status, 0) << fetch.output;
  ASSERT_EQ(Versions(url), 1);

  // No seeds: only the re-check job runs.
  WriteConfig("database = \"" + db_.string() +
              "\"\nrecheck = \"every 2s\"\n"
              "[politeness]\ndelay_seconds = 0.05\n[network]\nallow_private_addresses = true\n");
  StartDaemon();
  ASSERT_GE(notify_->WaitForLine("READY=1", seconds(20)), 0);
  auto conditional = [&] {
    size_t n = 0;
    for (const testing::HttpRequest& r : site.server().Requests()) {
      n += r.path == "/known/2024.htm" && r.Header("if-none-match") == "\"v1\"";
    }
    return n;
  };
  auto deadline = steady_clock::now() + seconds(20);
  while (conditional() < 2 && steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_GE(conditional(), 2u) << "the known report was not re-checked twice with If-None-Match";
  EXPECT_EQ(StopDaemon(), 0);
  EXPECT_NE(Log().find("<6>re-check of known reports finished"), std::string::npos) << Log();
  EXPECT_NE(Log().find("not modified 1"), std::string::npos) << Log();
  EXPECT_EQ(Versions(url), 1);
}

TEST_F(DaemonTest, BrokenConfigAtStartExitsWithFileAndLine) {
  WriteConfig("database = \"" + db_.string() + "\"\n\n[politeness]\ndelay = 3\n");
  StartDaemon();
  EXPECT_EQ(WaitExit(pid_, seconds(20)), 2);
  pid_ = -1;
  EXPECT_NE(
      Log().find("<3>cannot start: " + config_.string() + ":4: unknown key \"politeness.delay\""),
      std::string::npos)
      << Log();
  EXPECT_LT(notify_->WaitForLine("READY=1", seconds(0)), 0);
}

TEST_F(DaemonTest, SigtermDuringACrawlExitsCleanlyWithin10Seconds) {
  TestSite site;
  // Twenty reports, each answered after 3 s: the crawl is busy when SIGTERM comes.
  std::string list = "<html><head><meta charset=\"utf-8\"></head><body><ul>";
  for (int i = 0; i < 20; ++i) {
    std::string path = "/slow/" + std::to_string(i) + ".htm";
    testing::HttpResponse response = TestSite::HtmlResponse(site.report());
    response.delay_seconds = 3;
    site.server().Serve(path, response);
    list += "<li><a href=\"" + path + "\">平潭综合实验区" + std::to_string(2000 + i) +
            "年度政府信息公开工作年度报告</a></li>";
  }
  site.server().Serve("/slow/", TestSite::HtmlResponse(list + "</ul></body></html>"));
  WriteConfig(ConfigText(site.server().Url("/slow/"), "every 2s"));
  StartDaemon();
  ASSERT_GE(notify_->WaitForLine("READY=1", seconds(20)), 0);
  auto deadline = steady_clock::now() + seconds(30);
  while (site.server().RequestCount("/slow/0.htm") + site.server().RequestCount("/slow/1.htm") ==
             0 &&
         steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_LT(steady_clock::now(), deadline) << "the crawl never reached the reports";
  std::this_thread::sleep_for(milliseconds(500));  // a fetch is in flight

  double taken = 0;
  EXPECT_EQ(StopDaemon(SIGTERM, &taken), 0);
  EXPECT_LT(taken, 10.0);
  std::string log = Log();
  EXPECT_NE(log.find("waiting for the running crawl"), std::string::npos) << log;
  EXPECT_NE(log.find("<6>stopped"), std::string::npos) << log;

  SQLite::Database db(db_.string());
  EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");

  // The interrupted crawl is recorded as such, so the next start resumes it.
  CommandResult status = RunNianbao({"status", "--db", db_.string(), "--format", "json"}, dir_);
  ASSERT_EQ(status.status, 0) << status.output;
  nlohmann::json json = nlohmann::json::parse(status.output);
  ASSERT_EQ(json["seeds"].size(), 1u);
  EXPECT_EQ(json["seeds"][0]["last_crawl"]["complete"], false) << status.output;
}

// SIGTERM while the daemon's crawl analyses a page (16 MB of text rows, tens of seconds of
// analysis): the analysis is cancelled, the daemon exits 0 within its 10 s promise, and the page
// stays pending in the frontier (its cancelled analysis counted), to be analysed by the next crawl.
TEST_F(DaemonTest, SigtermWhileAPageIsAnalysedExitsCleanlyWithin10Seconds) {
  TestSite site;
  std::string text;
  while (text.size() < (16u << 20))
    text += "第" + std::to_string(text.size()) + "项  统计  1  2  3\n";
  site.server().Serve(
      "/big.txt",
      testing::Respond(200, std::move(text), {{"Content-Type", "text/plain; charset=utf-8"}}));
  WriteConfig(ConfigText(site.server().Url("/big.txt"), "every 1h"));
  StartDaemon();
  ASSERT_GE(notify_->WaitForLine("READY=1", seconds(20)), 0);
  auto deadline = steady_clock::now() + seconds(30);
  while (site.server().RequestCount("/big.txt") == 0 && steady_clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds(20));
  ASSERT_LT(steady_clock::now(), deadline) << "the crawl never fetched the page";
  // Fetching the body costs the daemon a few tens of ms of CPU; its analysis takes tens of
  // seconds. So a second of CPU spent after the request means the analysis runs, however loaded
  // the machine is.
  double at_request = testing::CpuSeconds(pid_);
  while (testing::CpuSeconds(pid_) - at_request < 1.0 &&
         steady_clock::now() < deadline + seconds(90))
    std::this_thread::sleep_for(milliseconds(20));

  double taken = 0;
  EXPECT_EQ(StopDaemon(SIGTERM, &taken), 0) << Log();
  EXPECT_LT(taken, 10.0);
  std::string log = Log();
  EXPECT_EQ(log.find("did not stop within"), std::string::npos) << log;
  EXPECT_NE(log.find("<6>stopped"), std::string::npos) << log;

  SQLite::Database db(db_.string());
  EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM frontier WHERE done = 0").getInt(), 1);
  EXPECT_EQ(db.execAndGet("SELECT analysis_failures FROM frontier").getInt(), 1);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM snapshots").getInt(), 0);
}

TEST_F(DaemonTest, SigintStopsTheDaemonToo) {
  TestSite site;
  WriteConfig(ConfigText(site.SeedUrl(), "every 1h"));
  StartDaemon(0);
  ASSERT_GE(notify_->WaitForLine("READY=1", seconds(20)), 0);
  EXPECT_EQ(StopDaemon(SIGINT), 0);
  EXPECT_NE(Log().find("<6>SIGINT: stopping"), std::string::npos) << Log();
  for (const NotifyMessage& m : notify_->messages()) {
    EXPECT_FALSE(NotifySocket::HasLine(m.text, "WATCHDOG=1")) << "no WATCHDOG_USEC, no pings";
  }
}

TEST_F(DaemonTest, DeadAndBlockedSeedsLogOneLineAndAreBackedOff) {
  TestSite live;
  testing::HttpServer dead, blocked;
  dead.Serve("/gone/", testing::Respond(404, "<html><body>404 Not Found</body></html>"));
  // The real 瑞数 page of the shared corpus, served with the challenge's 412.
  blocked.Serve(
      "/jyt/c110634/zwgklist.shtml",
      testing::Respond(412,
                       ReadText(testing::CorpusDir() +
                                "/lists/real/06-gansu-commonsearch_jyt-c110634-zwgklist.html"),
                       {{"Content-Type", "text/html"}}));
  const std::string dead_url = dead.Url("/gone/"),
                    blocked_url = blocked.Url("/jyt/c110634/zwgklist.shtml");
  std::string config = ConfigText(live.SeedUrl(), "every 2s");
  for (const std::string& url : {dead_url, blocked_url}) {
    config += "[[seed]]\nurl = \"" + url + "\"\nschedule = \"every 2s\"\n";
  }
  WriteConfig(config);
  StartDaemon();
  ASSERT_GE(notify_->WaitForLine("READY=1", seconds(20)), 0);
  // The live seed comes back on its 2 s schedule: by its 4th crawl the others would have had
  // theirs again had they not been backed off.
  auto deadline = steady_clock::now() + seconds(60);
  while (live.server().RequestCount("/nb/") < 4 && steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(100));
  }
  ASSERT_GE(live.server().RequestCount("/nb/"), 4u) << Log();
  EXPECT_EQ(StopDaemon(), 0);

  // One request each (no retry storm: neither a 404 nor a challenge is retried), one warning each.
  EXPECT_EQ(dead.RequestCount("/gone/"), 1u);
  EXPECT_EQ(blocked.RequestCount("/jyt/c110634/zwgklist.shtml"), 1u);
  std::string log = Log();
  auto count = [&](const std::string& text) {
    size_t n = 0;
    for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<4>crawl of " + dead_url + ": the seed page failed (http_404), backing off"), 1u)
      << log;
  EXPECT_EQ(count("<4>crawl of " + blocked_url + ": the seed page failed (blocked), backing off"),
            1u)
      << log;
  EXPECT_EQ(count("crawl of " + live.SeedUrl() + ": the seed page failed"), 0u) << log;
  // …and that warning is the only warning or error line naming the seed (its fetch error is not
  // listed again among the crawl's fetch errors).
  auto alarms = [&](const std::string& url) {
    size_t n = 0;
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);) {
      bool alarm = line.rfind("<4>", 0) == 0 || line.rfind("<3>", 0) == 0;
      n += alarm && line.find(url) != std::string::npos;
    }
    return n;
  };
  EXPECT_EQ(alarms(dead_url), 1u) << log;
  EXPECT_EQ(alarms(blocked_url), 1u) << log;

  // `nianbao status`: the seed_error column, the next crawl hours away (6 h for a first failure).
  CommandResult status = RunNianbao({"status", "--db", db_.string(), "--format", "json"}, dir_);
  ASSERT_EQ(status.status, 0) << status.output;
  nlohmann::json json = nlohmann::json::parse(status.output);
  std::map<std::string, nlohmann::json> by_url;
  for (const nlohmann::json& seed : json["seeds"]) by_url[seed["url"]] = seed;
  ASSERT_EQ(by_url.size(), 3u);
  EXPECT_EQ(by_url[dead_url]["seed_error"], "http_404");
  EXPECT_EQ(by_url[dead_url]["seed_failures"], 1);
  EXPECT_EQ(by_url[blocked_url]["seed_error"], "blocked");
  EXPECT_TRUE(by_url[live.SeedUrl()]["seed_error"].is_null());
  EXPECT_EQ(by_url[live.SeedUrl()]["seed_failures"], 0);
  EXPECT_EQ(by_url[dead_url]["crawls"], 1);
  {
    std::unique_ptr<Store> store = Store::Open(db_.string());
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    for (const SeedState& seed : store->SeedStates()) {
      if (seed.url == live.SeedUrl()) continue;
      EXPECT_GE(seed.next_due, now + 5 * 3600) << seed.url;  // backed off by hours, not 2 s
    }
  }
  CommandResult text = RunNianbao({"status", "--db", db_.string()}, dir_);
  ASSERT_EQ(text.status, 0) << text.output;
  EXPECT_NE(text.output.find("seed error http_404 (1 crawls in a row; backed off)"),
            std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("seed error blocked (1 crawls in a row; backed off)"),
            std::string::npos)
      << text.output;
}

TEST_F(DaemonTest, ScheduleStateSurvivesARestart) {
  TestSite site;
  WriteConfig(ConfigText(site.SeedUrl(), "every 1h"));
  StartDaemon();
  ASSERT_GE(notify_->WaitForLine("READY=1", seconds(20)), 0);
  ASSERT_TRUE(WaitForLog("crawl of " + site.SeedUrl() + " finished", seconds(30))) << Log();
  ASSERT_EQ(StopDaemon(), 0);
  size_t crawled = site.server().RequestCount("/nb/");
  ASSERT_GE(crawled, 1u);

  StartDaemon();
  ASSERT_GE(notify_->WaitForLine("READY=1", seconds(20)), 0);
  std::this_thread::sleep_for(seconds(3));
  EXPECT_EQ(site.server().RequestCount("/nb/"), crawled) << "crawled again right after a restart";
  EXPECT_EQ(StopDaemon(), 0);

  CommandResult status = RunNianbao({"status", "--db", db_.string(), "--format", "json"}, dir_);
  ASSERT_EQ(status.status, 0) << status.output;
  nlohmann::json json = nlohmann::json::parse(status.output);
  EXPECT_EQ(json["seeds"][0]["crawls"], 1);
}

TEST_F(DaemonTest, FetchWorksBesideTheRunningDaemon) {
  TestSite site;
  WriteConfig(ConfigText(site.SeedUrl(), "every 2s"));
  StartDaemon();
  ASSERT_GE(notify_->WaitForLine("READY=1", seconds(20)), 0);
  ASSERT_TRUE(WaitForLog("crawl of " + site.SeedUrl() + " started", seconds(30)));

  // A second report, only fetched by hand, while the daemon keeps crawling the same database.
  site.server().Serve("/other/2024.htm", TestSite::HtmlResponse(site.report()));
  for (int i = 0; i < 3; ++i) {
    CommandResult fetch = RunNianbao({"fetch", "--db", db_.string(), "--allow-private-addresses",
                                      site.server().Url("/other/2024.htm")},
                                     dir_);
    ASSERT_EQ(fetch.status, 0) << fetch.output;
  }
  EXPECT_EQ(Versions(site.server().Url("/other/2024.htm")), 1);
  EXPECT_EQ(StopDaemon(), 0);
  EXPECT_EQ(Log().find("<3>"), std::string::npos) << Log();
}

}  // namespace
}  // namespace nianbao
