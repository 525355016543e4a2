// The daemon's TOML configuration (see systemd/nianbao.toml, which documents every key). Loading
// validates everything: an unknown key, a value of the wrong type or range, a bad schedule string
// or a seed URL that is not http(s) throws ConfigError whose message is "FILE:LINE: reason". A
// Config is plain data; reload = load a new one and swap.
#ifndef NIANBAO_CMD_CONFIG_H_
#define NIANBAO_CMD_CONFIG_H_

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "crawler/address.h"

namespace nianbao {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How often a job runs: "daily", "weekly" or "every N" + s|m|h|d ("every 30s", "every 6h").
struct Schedule {
  std::chrono::seconds interval{0};
  std::string text;  // as written in the config, for logs and `nianbao status`
  bool operator==(const Schedule&) const = default;
};

// Parses a schedule string; throws ConfigError naming the string (without a file position).
Schedule ParseSchedule(std::string_view text);

enum class LogLevel { kError = 3, kWarning = 4, kInfo = 6, kDebug = 7 };  // syslog priorities

struct SeedConfig {
  std::string url;
  Schedule schedule;
  int max_pages = 1000;
  int max_depth = 3;
  bool operator==(const SeedConfig&) const = default;
};

struct PolitenessConfig {
  double delay_seconds = 3.0;
  int max_connections_per_host = 1;
  int max_connections = 8;
  bool operator==(const PolitenessConfig&) const = default;
};

// The [network] table.
struct NetworkConfig {
  bool allow_private_addresses = false;  // reach loopback, private, link-local (metadata) hosts
  // allow_private_addresses = ["127.0.0.1/32", …]: only these non-public ranges.
  std::vector<AddressRange> allowed_private_ranges;
  double connect_timeout_seconds = 15;
  double timeout_seconds = 60;  // a whole request, headers and body
  bool operator==(const NetworkConfig&) const = default;
};

// The [web] table: the daemon serves the web view (web/server.h) when `listen` is set.
struct WebConfig {
  std::string listen;  // "ADDR:PORT"; empty: no web view
  std::string token;   // required for a non-loopback `listen`
  bool operator==(const WebConfig&) const = default;
};

struct Config {
  std::string source;    // the file it came from, or "<embedded default>"
  std::string database;  // path of the SQLite file
  std::string user_agent = "nianbao/0.1 (+https://github.com/nianbao/nianbao)";
  LogLevel log_level = LogLevel::kInfo;
  std::string rules_dir;  // empty: the rules compiled into the binary
  PolitenessConfig politeness;
  NetworkConfig network;
  WebConfig web;
  Schedule recheck;               // conditional re-fetch of every known report
  double season_factor = 0.5;     // intervals are multiplied by it from January to April
  std::vector<SeedConfig> seeds;  // [[seed]] entries, then those of seeds_file
  bool operator==(const Config&) const = default;
};

// The database used when the config names none: $NIANBAO_DB when set, else
// $STATE_DIRECTORY/nianbao.db when systemd sets STATE_DIRECTORY, else var/nianbao.db (relative to
// the working directory).
std::string DefaultDatabaseLocation();

// Parses `text` as a config; `source` names it in errors. Relative paths (seeds_file) are resolved
// against the directory of `source`.
Config ParseConfig(std::string_view text, const std::string& source);

// Reads and parses the file at `path`; an unreadable file is a ConfigError too.
Config LoadConfigFile(const std::string& path);

// The configuration used without --config: the default database location, the embedded rules and
// every seed of the embedded rules/seeds.tsv on a weekly schedule.
Config DefaultConfig();

// The text of the embedded default config (what DefaultConfig parses, before its seeds are added).
std::string_view DefaultConfigText();

}  // namespace nianbao

#endif  // NIANBAO_CMD_CONFIG_H_
