// What every subcommand shares: where the database and the rules are by default.
#ifndef NIANBAO_CMD_COMMON_H_
#define NIANBAO_CMD_COMMON_H_

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "extract/map/rules.h"

namespace nianbao {

// The database a command uses when --db is not given: $NIANBAO_DB when set (scripts/run sets it to
// the repo's var/nianbao.db), else the `database` of the config file named by $NIANBAO_CONFIG (else
// /etc/nianbao/nianbao.toml when it exists), else ./var/nianbao.db.
std::string DefaultDatabasePath();

// Rules from `dir` when it is not empty, else the copy compiled into the binary. Throws RuleError.
std::shared_ptr<const RuleSet> LoadRules(const std::string& dir);

// Why `user_agent` cannot be sent as a User-Agent header (it holds CR, LF or another control
// character), or empty when it can.
std::string UserAgentProblem(std::string_view user_agent);

// Option checks: a value that is not empty (`--db ""` is a mistake, not "the default"); a
// User-Agent without control characters; a finite number of seconds between 0 and 3600.
CLI::Validator NotEmpty();
CLI::Validator HeaderSafe();
CLI::Validator Seconds0To3600();

// Runs a subcommand's `body` (returning its exit status), mapping what it throws to an exit status
// and a line on stderr naming the command: bad input (std::invalid_argument) or bad rules
// (RuleError) 2, anything else 1.
template <typename Body>
void Guarded(const char* command, int* exit_code, Body body) {
  try {
    *exit_code = body();
  } catch (const std::invalid_argument& e) {
    std::cerr << "nianbao: " << command << ": " << e.what() << "\n";
    *exit_code = 2;
  } catch (const RuleError& e) {
    std::cerr << "nianbao: " << command << ": " << e.what() << "\n";
    *exit_code = 2;
  } catch (const std::exception& e) {
    std::cerr << "nianbao: " << command << ": " << e.what() << "\n";
    *exit_code = 1;
  }
}

}  // namespace nianbao

#endif  // NIANBAO_CMD_COMMON_H_
