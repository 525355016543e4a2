// `nianbao daemon` and `nianbao status`.
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cmd/commands.h"
#include "cmd/common.h"
#include "cmd/daemon.h"
#include "cmd/help.h"
#include "store/store.h"

namespace nianbao {
namespace {

std::string IsoTime(int64_t unix_seconds) {
  if (unix_seconds == 0) return "";
  time_t seconds = static_cast<time_t>(unix_seconds);
  tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

nlohmann::ordered_json StatusJson(const StoreStatus& status, const std::vector<SeedState>& seeds,
                                  int64_t now) {
  nlohmann::ordered_json json;
  json["database_schema"] = status.schema_version;
  json["seeds"] = nlohmann::ordered_json::array();
  for (const SeedState& seed : seeds) {
    nlohmann::ordered_json entry;
    entry["url"] = seed.url;
    entry["schedule"] = seed.schedule;
    entry["crawls"] = seed.crawls;
    entry["last_crawl_started"] = seed.last_started
                                      ? nlohmann::ordered_json(IsoTime(seed.last_started))
                                      : nlohmann::ordered_json(nullptr);
    entry["last_crawl_finished"] = seed.last_finished
                                       ? nlohmann::ordered_json(IsoTime(seed.last_finished))
                                       : nlohmann::ordered_json(nullptr);
    entry["next_crawl"] = IsoTime(std::max(seed.next_due, now));
    nlohmann::ordered_json summary = nullptr;
    if (!seed.last_summary_json.empty()) {
      summary = nlohmann::ordered_json::parse(seed.last_summary_json, nullptr, false);
      if (summary.is_discarded()) summary = seed.last_summary_json;
    }
    entry["last_crawl"] = summary;
    // A dead or blocked seed page: its error kind and how many crawls in a row (it is backed off).
    bool seed_failed = summary.is_object() && summary.contains("seed_error");
    entry["seed_error"] = seed_failed ? summary["seed_error"] : nlohmann::ordered_json(nullptr);
    entry["seed_failures"] = seed_failed ? summary.value("seed_failures", 1) : 0;
    json["seeds"].push_back(entry);
  }
  json["sources"] = status.sources;
  json["reports"] = status.reports;
  json["versions"] = status.versions;
  json["documents"] = status.documents;
  json["fetches"] = status.fetches;
  json["fetches_last_day"] = status.fetches_last_day;
  json["errors_last_day"] = status.fetch_errors_last_day;
  json["frontier_pending"] = status.pending;
  return json;
}

// "complete: fetched 2, new versions 1, unchanged 0, not modified 0, errors http_404 2" from the
// crawl summary the daemon records (see daemon.cc).
std::string SummaryLine(const std::string& summary_json) {
  nlohmann::json summary = nlohmann::json::parse(summary_json, nullptr, false);
  if (!summary.is_object()) return summary_json;
  std::string line = summary.value("interrupted", false) ? "interrupted"
                     : summary.contains("failure") ? "failed (" + summary.value("failure", "") + ")"
                                                   : "complete";
  line += ": fetched " + std::to_string(summary.value("fetched", int64_t{0})) + ", new versions " +
          std::to_string(summary.value("new_versions", int64_t{0})) + ", unchanged " +
          std::to_string(summary.value("unchanged", int64_t{0})) + ", not modified " +
          std::to_string(summary.value("not_modified", int64_t{0})) + ", errors";
  const nlohmann::json& errors = summary["errors"];
  if (!errors.is_object() || errors.empty()) return line + " none";
  std::string separator = " ";
  for (const auto& [kind, count] : errors.items()) {
    line += separator + kind + " " + count.dump();
    separator = ", ";
  }
  return line;
}

void PrintStatusText(const StoreStatus& status, const std::vector<SeedState>& seeds, int64_t now,
                     const std::string& database, std::ostream& out) {
  out << "database   " << database << "\n";
  out << "reports    " << status.reports << " (" << status.versions << " versions, "
      << status.documents << " documents)\n";
  out << "fetches    " << status.fetches << " (last day: " << status.fetches_last_day << ", errors "
      << status.fetch_errors_last_day << ")\n";
  out << "frontier   " << status.pending << " pending\n";
  out << "seeds      " << seeds.size() << "\n";
  for (const SeedState& seed : seeds) {
    out << "  " << seed.url << "\n";
    out << "    schedule " << seed.schedule << ", " << seed.crawls << " crawls, last "
        << (seed.last_started ? IsoTime(seed.last_started) : "never") << ", next "
        << IsoTime(std::max(seed.next_due, now)) << "\n";
    if (!seed.last_summary_json.empty()) {
      out << "    last crawl " << SummaryLine(seed.last_summary_json) << "\n";
      nlohmann::json last = nlohmann::json::parse(seed.last_summary_json, nullptr, false);
      if (last.is_object() && last.contains("seed_error")) {
        out << "    seed error " << last.value("seed_error", "") << " ("
            << last.value("seed_failures", 1) << " crawls in a row; backed off)\n";
      }
    }
  }
}

}  // namespace

void AddDaemonCommands(CLI::App& app, int* exit_code) {
  auto daemon_options = std::make_shared<DaemonOptions>();
  CLI::App* daemon = app.add_subcommand(
      "daemon",
      "Crawl the configured seeds on their schedules until SIGTERM (systemd Type=notify)");
  daemon
      ->add_option("--config", daemon_options->config_path,
                   "TOML config (default: the embedded one; see systemd/nianbao.toml)")
      ->check(CLI::ExistingFile);
  SetExample(daemon, {"nianbao daemon --config /etc/nianbao/nianbao.toml"});
  daemon->callback([daemon_options, exit_code] {
    Logger logger;
    *exit_code = RunDaemon(*daemon_options, logger);
  });

  struct StatusOptions {
    std::string db;
    std::string format = "text";
  };
  auto status_options = std::make_shared<StatusOptions>();
  CLI::App* status = app.add_subcommand(
      "status", "Show the seeds (last and next crawl), reports, versions and recent errors");
  status
      ->add_option("--db", status_options->db,
                   "the database (default: the config's, else ./var/nianbao.db)")
      ->check(NotEmpty());
  status->add_option("--format", status_options->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  SetExample(status, {"nianbao status --format json"});
  status->callback([status_options, exit_code] {
    std::string path = status_options->db.empty() ? DefaultDatabasePath() : status_options->db;
    try {
      std::unique_ptr<Store> store = Store::OpenForReading(path);
      int64_t now = static_cast<int64_t>(std::time(nullptr));
      StoreStatus counts = store->Status(now);
      std::vector<SeedState> seeds = store->SeedStates();
      if (status_options->format == "json") {
        nlohmann::ordered_json json = StatusJson(counts, seeds, now);
        json["database"] = path;
        std::cout << json.dump(2) << "\n";
      } else {
        PrintStatusText(counts, seeds, now, path, std::cout);
      }
      *exit_code = 0;
    } catch (const std::exception& e) {
      std::cerr << "nianbao: " << e.what() << "\n";
      *exit_code = 1;
    }
  });
}

}  // namespace nianbao
