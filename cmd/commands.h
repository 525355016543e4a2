// The subcommands of `nianbao`. Each Add*Commands registers its subcommands on `app`; when one runs
// it stores its process exit status in `*exit_code`. Exit statuses: 0 success, 1 runtime failure,
// 2 bad usage or unreadable input, 3 no statistics table found (extract).
// Errors never cross this boundary: each command catches, prints "nianbao: …" on stderr and sets
// the exit status.
#ifndef NIANBAO_CMD_COMMANDS_H_
#define NIANBAO_CMD_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace nianbao {

void AddExtractCommands(CLI::App& app, int* exit_code);    // extract
void AddStoreCommands(CLI::App& app, int* exit_code);      // history, diff, show, export
void AddCrawlCommands(CLI::App& app, int* exit_code);      // fetch, crawl
void AddDaemonCommands(CLI::App& app, int* exit_code);     // daemon, status
void AddReextractCommands(CLI::App& app, int* exit_code);  // reextract
void AddDatasetCommands(CLI::App& app, int* exit_code);    // import, fields
void AddCoverageCommands(CLI::App& app, int* exit_code);   // coverage, reports, errors, changes
void AddChecksCommands(CLI::App& app, int* exit_code);     // checks
void AddExportCommand(CLI::App& app, int* exit_code);      // export (by AddStoreCommands)
void AddWebCommands(CLI::App& app, int* exit_code);        // web

}  // namespace nianbao

#endif  // NIANBAO_CMD_COMMANDS_H_
