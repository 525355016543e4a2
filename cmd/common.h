// What every subcommand shares: where the database and the rules are by default.
#ifndef NIANBAO_CMD_COMMON_H_
#define NIANBAO_CMD_COMMON_H_

#include <memory>
#include <string>

#include "extract/map/rules.h"

namespace nianbao {

// The database a command uses when --db is not given: $NIANBAO_DB when set (scripts/run sets it to
// the repo's var/nianbao.db), else the `database` of the config file named by $NIANBAO_CONFIG (else
// /etc/nianbao/nianbao.toml when it exists), else ./var/nianbao.db.
std::string DefaultDatabasePath();

// Rules from `dir` when it is not empty, else the copy compiled into the binary. Throws RuleError.
std::shared_ptr<const RuleSet> LoadRules(const std::string& dir);

}  // namespace nianbao

#endif  // NIANBAO_CMD_COMMON_H_
