// nianbao: one binary, one subcommand per job. See README.md for every command.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cmd/commands.h"
#include "cmd/help.h"

int main(int argc, char** argv) {
  CLI::App app{
      "nianbao — harvests the statistics of Chinese government information-disclosure annual "
      "reports",
      "nianbao"};
  app.require_subcommand(1);
  app.set_version_flag("--version", NIANBAO_VERSION_STRING);
  nianbao::ConfigureHelp(app);  // before the subcommands: their options show their defaults
  int exit_code = 0;
  nianbao::AddExtractCommands(app, &exit_code);
  nianbao::AddStoreCommands(app, &exit_code);
  nianbao::AddCrawlCommands(app, &exit_code);
  nianbao::AddDaemonCommands(app, &exit_code);
  nianbao::AddReextractCommands(app, &exit_code);
  nianbao::AddDatasetCommands(app, &exit_code);
  nianbao::AddCoverageCommands(app, &exit_code);
  nianbao::AddChecksCommands(app, &exit_code);
  nianbao::AddWebCommands(app, &exit_code);
  nianbao::AddHelpCommand(app, &exit_code);  // last: it documents every subcommand above
  if (auto status = nianbao::UnknownCommand(app, argc, argv, std::cerr)) return *status;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int status = app.exit(e);
    return status == 0 ? 0 : 2;
  }
  return exit_code;
}
