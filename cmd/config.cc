#include "cmd/config.h"

#include <toml++/toml.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "cmd/common.h"
#include "rules/embedded_rules.h"
#include "web/server.h"

namespace nianbao {
namespace {

constexpr std::string_view kEmbeddedSource = "<embedded default>";

// The default config: no [[seed]] here; DefaultConfig adds the embedded rules/seeds.tsv.
constexpr std::string_view kDefaultConfigText = R"toml(# nianbao's embedded default configuration.
log_level = "info"
recheck = "weekly"
season_factor = 0.5

[politeness]
delay_seconds = 3.0
max_connections_per_host = 1
max_connections = 8
)toml";

constexpr std::string_view kDefaultSeedSchedule = "weekly";

[[noreturn]] void Fail(const std::string& source, int64_t line, const std::string& reason) {
  throw ConfigError(source + ":" + std::to_string(line) + ": " + reason);
}

std::string TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    default:
      return "a date or time";
  }
}

// Reads typed values out of one TOML table, remembering which keys were used so that the rest can
// be rejected as unknown.
class TableReader {
 public:
  TableReader(const toml::table& table, const std::string& source, std::string prefix)
      : table_(table), source_(source), prefix_(std::move(prefix)) {}

  const toml::node* Node(std::string_view key) {
    known_.insert(std::string(key));
    return table_.get(key);
  }

  std::optional<std::string> String(std::string_view key) {
    const toml::node* node = Node(key);
    if (!node) return std::nullopt;
    if (!node->is_string()) Fail(*node, Name(key) + " must be a string, not " + TypeName(*node));
    return node->value<std::string>();
  }

  std::optional<int64_t> Integer(std::string_view key, int64_t min, int64_t max) {
    const toml::node* node = Node(key);
    if (!node) return std::nullopt;
    if (!node->is_integer()) Fail(*node, Name(key) + " must be an integer, not " + TypeName(*node));
    int64_t value = *node->value<int64_t>();
    if (value < min || value > max) {
      Fail(*node, Name(key) + " must be between " + std::to_string(min) + " and " +
                      std::to_string(max) + ", not " + std::to_string(value));
    }
    return value;
  }

  // Accepts integers too: `delay_seconds = 1` means 1.0.
  std::optional<double> Number(std::string_view key, double min, double max) {
    const toml::node* node = Node(key);
    if (!node) return std::nullopt;
    if (!node->is_number()) Fail(*node, Name(key) + " must be a number, not " + TypeName(*node));
    double value = *node->value<double>();
    if (!(value >= min && value <= max)) {
      std::ostringstream reason;
      reason << Name(key) << " must be between " << min << " and " << max << ", not " << value;
      Fail(*node, reason.str());
    }
    return value;
  }

  std::optional<bool> Boolean(std::string_view key) {
    const toml::node* node = Node(key);
    if (!node) return std::nullopt;
    if (!node->is_boolean()) Fail(*node, Name(key) + " must be a boolean, not " + TypeName(*node));
    return node->value<bool>();
  }

  std::optional<Schedule> ScheduleValue(std::string_view key) {
    std::optional<std::string> text = String(key);
    if (!text) return std::nullopt;
    try {
      return ParseSchedule(*text);
    } catch (const ConfigError& e) {
      Fail(*table_.get(key), Name(key) + ": " + e.what());
    }
  }

  void RejectUnknownKeys() const {
    for (const auto& [key, node] : table_) {
      if (!known_.count(std::string(key.str()))) {
        nianbao::Fail(source_, key.source().begin.line, "unknown key " + Name(key.str()));
      }
    }
  }

  [[noreturn]] void Fail(const toml::node& node, const std::string& reason) const {
    nianbao::Fail(source_, node.source().begin.line, reason);
  }

  std::string Name(std::string_view key) const { return "\"" + prefix_ + std::string(key) + "\""; }
  const std::string& source() const { return source_; }
  const toml::table& table() const { return table_; }

 private:
  const toml::table& table_;
  const std::string& source_;
  std::string prefix_;
  std::set<std::string> known_;
};

// Why `url` cannot be crawled, or empty when it can.
std::string UrlProblem(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "is not an absolute URL";
  std::string scheme(url.substr(0, scheme_end));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "http" && scheme != "https") return "is not an http or https URL";
  std::string_view rest = url.substr(scheme_end + 3);
  std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  if (host.empty() || host.front() == ':') return "has no host";
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ') return "contains white space or a control character";
  }
  return {};
}

// [network] allow_private_addresses: true or false, or an array of address ranges.
void ReadAllowPrivate(const toml::node& node, const std::string& source, NetworkConfig* network) {
  int64_t line = node.source().begin.line;
  if (node.is_boolean()) {
    network->allow_private_addresses = *node.value<bool>();
    return;
  }
  const toml::array* ranges = node.as_array();
  if (!ranges) {
    Fail(source, line,
         "\"network.allow_private_addresses\" must be a boolean or an array of address ranges, "
         "not " +
             TypeName(node));
  }
  for (const toml::node& item : *ranges) {
    std::optional<std::string> text = item.value<std::string>();
    std::optional<AddressRange> range;
    if (text && item.is_string()) range = ParseAddressRange(*text);
    if (!range) {
      Fail(source, item.source().begin.line,
           "\"network.allow_private_addresses\": " + (text ? "\"" + *text + "\"" : TypeName(item)) +
               " is not an address range (e.g. \"127.0.0.1/32\", \"10.0.0.0/8\", \"::1/128\")");
    }
    network->allowed_private_ranges.push_back(*range);
  }
}

void ParseSeedTable(const toml::table& table, const std::string& source, size_t index,
                    Config& config) {
  TableReader reader(table, source, "seed[" + std::to_string(index) + "].");
  SeedConfig seed;
  std::optional<std::string> url = reader.String("url");
  if (!url) Fail(source, table.source().begin.line, "[[seed]] without \"url\"");
  if (std::string problem = UrlProblem(*url); !problem.empty()) {
    reader.Fail(*table.get("url"), "seed URL \"" + *url + "\" " + problem);
  }
  seed.url = *url;
  std::optional<Schedule> schedule = reader.ScheduleValue("schedule");
  if (!schedule) Fail(source, table.source().begin.line, "[[seed]] without \"schedule\"");
  seed.schedule = *schedule;
  if (auto pages = reader.Integer("max_pages", 1, 1'000'000)) seed.max_pages = int(*pages);
  if (auto depth = reader.Integer("max_depth", 0, 100)) seed.max_depth = int(*depth);
  reader.RejectUnknownKeys();
  config.seeds.push_back(std::move(seed));
}

// Adds one seed per URL line of a seeds.tsv (header "url<TAB>…"; blank and # lines ignored).
void AddSeedsFromTsv(std::string_view text, const std::string& source, const Schedule& schedule,
                     Config& config) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 BOM (Excel, Notepad)
  int line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view url = line.substr(0, line.find('\t'));
    if (url.empty() || url.front() == '#' || (line_number == 1 && url == "url")) continue;
    if (std::string problem = UrlProblem(url); !problem.empty()) {
      Fail(source, line_number, "seed URL \"" + std::string(url) + "\" " + problem);
    }
    config.seeds.push_back({std::string(url), schedule});
  }
}

std::string ReadFile(const std::string& path, const std::string& referrer, int64_t line) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    if (line == 0) throw ConfigError(path + ": is a directory, not a config file");
    Fail(referrer, line, "\"" + path + "\" is a directory, not a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in && line == 0) throw ConfigError(path + ": cannot read: " + std::strerror(errno));
  if (!in) Fail(referrer, line, "cannot read \"" + path + "\": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<LogLevel> ParseLogLevel(std::string_view text) {
  if (text == "error") return LogLevel::kError;
  if (text == "warning") return LogLevel::kWarning;
  if (text == "info") return LogLevel::kInfo;
  if (text == "debug") return LogLevel::kDebug;
  return std::nullopt;
}

Config ParseTable(const toml::table& root, const std::string& source) {
  Config config;
  config.source = source;
  config.recheck = ParseSchedule("weekly");
  TableReader reader(root, source, "");
  config.database = reader.String("database").value_or(DefaultDatabaseLocation());
  if (config.database.empty()) reader.Fail(*root.get("database"), "\"database\" is empty");
  if (auto agent = reader.String("user_agent")) {
    if (agent->empty()) reader.Fail(*root.get("user_agent"), "\"user_agent\" is empty");
    if (std::string problem = UserAgentProblem(*agent); !problem.empty()) {
      reader.Fail(*root.get("user_agent"), "\"user_agent\" " + problem);
    }
    config.user_agent = *agent;
  }
  if (auto level = reader.String("log_level")) {
    std::optional<LogLevel> parsed = ParseLogLevel(*level);
    if (!parsed) {
      reader.Fail(*root.get("log_level"),
                  "\"log_level\" must be \"error\", \"warning\", \"info\" or "
                  "\"debug\", not \"" +
                      *level + "\"");
    }
    config.log_level = *parsed;
  }
  config.rules_dir = reader.String("rules_dir").value_or("");
  if (auto recheck = reader.ScheduleValue("recheck")) config.recheck = *recheck;
  if (auto factor = reader.Number("season_factor", 0.01, 1.0)) config.season_factor = *factor;

  if (const toml::node* node = reader.Node("politeness")) {
    if (!node->is_table()) reader.Fail(*node, "\"politeness\" must be a table");
    TableReader politeness(*node->as_table(), source, "politeness.");
    PolitenessConfig& p = config.politeness;
    if (auto delay = politeness.Number("delay_seconds", 0, 3600)) p.delay_seconds = *delay;
    if (auto n = politeness.Integer("max_connections_per_host", 1, 64)) {
      p.max_connections_per_host = int(*n);
    }
    if (auto n = politeness.Integer("max_connections", 1, 1024)) p.max_connections = int(*n);
    politeness.RejectUnknownKeys();
  }

  if (const toml::node* node = reader.Node("network")) {
    if (!node->is_table()) reader.Fail(*node, "\"network\" must be a table");
    TableReader network(*node->as_table(), source, "network.");
    NetworkConfig& n = config.network;
    if (const toml::node* allow = network.Node("allow_private_addresses")) {
      ReadAllowPrivate(*allow, source, &n);
    }
    if (auto t = network.Number("connect_timeout_seconds", 0.1, 600))
      n.connect_timeout_seconds = *t;
    if (auto t = network.Number("timeout_seconds", 0.1, 3600)) n.timeout_seconds = *t;
    network.RejectUnknownKeys();
  }

  if (const toml::node* node = reader.Node("web")) {
    if (!node->is_table()) reader.Fail(*node, "\"web\" must be a table");
    TableReader web_table(*node->as_table(), source, "web.");
    config.web.listen = web_table.String("listen").value_or("");
    config.web.token = web_table.String("token").value_or("");
    web_table.RejectUnknownKeys();
    if (!config.web.listen.empty()) {
      try {
        web::CheckListen(config.web.listen, config.web.token);
      } catch (const web::WebError& e) {
        reader.Fail(*node->as_table()->get("listen"), std::string("[web] ") + e.what());
      }
    }
  }

  if (const toml::node* node = reader.Node("seed")) {
    const toml::array* seeds = node->as_array();
    if (!seeds || !seeds->is_array_of_tables()) {
      reader.Fail(*node, "\"seed\" must be an array of tables ([[seed]])");
    }
    for (size_t i = 0; i < seeds->size(); ++i) {
      ParseSeedTable(*seeds->get(i)->as_table(), source, i, config);
    }
  }

  std::optional<Schedule> seeds_schedule = reader.ScheduleValue("seeds_schedule");
  if (auto seeds_file = reader.String("seeds_file")) {
    std::filesystem::path path(*seeds_file);
    if (path.is_relative()) path = std::filesystem::path(source).parent_path() / path;
    int64_t line = root.get("seeds_file")->source().begin.line;
    AddSeedsFromTsv(ReadFile(path.string(), source, line), path.string(),
                    seeds_schedule.value_or(ParseSchedule(kDefaultSeedSchedule)), config);
  } else if (seeds_schedule) {
    reader.Fail(*root.get("seeds_schedule"), "\"seeds_schedule\" without \"seeds_file\"");
  }
  reader.RejectUnknownKeys();

  std::set<std::string> urls;
  for (const SeedConfig& seed : config.seeds) {
    if (!urls.insert(seed.url).second) {
      throw ConfigError(source + ": seed \"" + seed.url + "\" is listed twice");
    }
  }
  return config;
}

}  // namespace

Schedule ParseSchedule(std::string_view text) {
  using std::chrono::seconds;
  if (text == "daily") return {seconds(86400), std::string(text)};
  if (text == "weekly") return {seconds(7 * 86400), std::string(text)};
  auto bad = [&]() -> ConfigError {
    return ConfigError("bad schedule \"" + std::string(text) +
                       "\": expected \"daily\", \"weekly\" or \"every N\" with N followed by s, m, "
                       "h or d (\"every 30s\", \"every 6h\")");
  };
  constexpr std::string_view kEvery = "every ";
  if (!text.starts_with(kEvery) || text.size() < kEvery.size() + 2) throw bad();
  std::string_view number = text.substr(kEvery.size(), text.size() - kEvery.size() - 1);
  int64_t count = 0;
  auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), count);
  if (error != std::errc() || end != number.data() + number.size() || count <= 0 ||
      count > 100'000'000) {
    throw bad();
  }
  int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      throw bad();
  }
  return {seconds(count * unit), std::string(text)};
}

std::string DefaultDatabaseLocation() {
  if (const char* db = std::getenv("NIANBAO_DB"); db && *db) return db;
  // STATE_DIRECTORY may list several directories separated by ':'; the first is ours.
  if (const char* state = std::getenv("STATE_DIRECTORY"); state && *state) {
    std::string_view dir(state);
    dir = dir.substr(0, dir.find(':'));
    return std::string(dir) + "/nianbao.db";
  }
  return "var/nianbao.db";
}

Config ParseConfig(std::string_view text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    Fail(source, e.source().begin.line, std::string(e.description()));
  }
  return ParseTable(root, source);
}

Config LoadConfigFile(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) throw ConfigError(path + ": is a directory");
  return ParseConfig(ReadFile(path, path, 0), path);
}

std::string_view DefaultConfigText() { return kDefaultConfigText; }

Config DefaultConfig() {
  Config config = ParseConfig(kDefaultConfigText, std::string(kEmbeddedSource));
  for (const EmbeddedFile& file : EmbeddedRuleFiles()) {
    if (file.name == "seeds.tsv") {
      AddSeedsFromTsv(file.content, "<embedded seeds.tsv>", ParseSchedule(kDefaultSeedSchedule),
                      config);
    }
  }
  return config;
}

}  // namespace nianbao
