#include "cmd/common.h"

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

}  // namespace nianbao
