#include "cmd/common.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "cmd/config.h"

namespace nianbao {

std::string DefaultDatabasePath() {
  if (const char* db = std::getenv("NIANBAO_DB"); db && *db) return db;
  std::string config = "/etc/nianbao/nianbao.toml";
  if (const char* env = std::getenv("NIANBAO_CONFIG"); env && *env) config = env;
  std::error_code ignored;
  if (std::filesystem::exists(config, ignored)) {
    try {
      return LoadConfigFile(config).database;
    } catch (const ConfigError&) {
      // A broken config is reported by the daemon, which owns it; the default still works here.
    }
  }
  return "var/nianbao.db";
}

std::shared_ptr<const RuleSet> LoadRules(const std::string& dir) {
  return dir.empty() ? RuleSet::LoadEmbedded() : RuleSet::LoadDirectory(dir);
}

std::string UserAgentProblem(std::string_view user_agent) {
  for (char c : user_agent) {
    if (c == '\r' || c == '\n') return "contains a line break (CR or LF)";
    if ((static_cast<unsigned char>(c) < ' ' && c != '\t') || c == '\x7f') {
      return "contains a control character";
    }
  }
  return {};
}

CLI::Validator NotEmpty() {
  return CLI::Validator(
      [](const std::string& value) { return value.empty() ? std::string("is empty") : ""; },
      "");  // no type suffix in --help: the option's own text says what it wants
}

CLI::Validator HeaderSafe() {
  return CLI::Validator([](const std::string& value) { return UserAgentProblem(value); }, "TEXT");
}

CLI::Validator Seconds0To3600() {
  return CLI::Validator(
      [](const std::string& value) -> std::string {
        char* end = nullptr;
        double seconds = std::strtod(value.c_str(), &end);
        bool number = !value.empty() && end == value.c_str() + value.size();
        if (number && std::isfinite(seconds) && seconds >= 0 && seconds <= 3600) return "";
        return "must be a number of seconds from 0 to 3600, not \"" + value + "\"";
      },
      "");  // the option's text gives the range
}

}  // namespace nianbao
