// The help of `nianbao`: --help, `nianbao help` and the man pages are all generated from the one
// CLI::App that parses the command line, so they cannot drift from each other or from the options.
//   - ConfigureHelp (before any subcommand is added): every option's help shows its default.
//   - SetExample: a subcommand's example, shown under its --help and in its man page's EXAMPLE.
//   - AddHelpCommand (after every subcommand): `nianbao help [COMMAND]`, and the hidden
//     `nianbao help --man [COMMAND]` / `nianbao help --man-dir DIR` that write roff man pages
//     (nianbao(1), nianbao-COMMAND(1)); the build makes share/man from them.
//   - UnknownCommand: "did you mean" for a mistyped subcommand.
//   - AtLeast: a range check whose error reads "must be at least 1, not 0".
#ifndef NIANBAO_CMD_HELP_H_
#define NIANBAO_CMD_HELP_H_

#include <CLI/CLI.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace nianbao {

void ConfigureHelp(CLI::App& app);

// `lines`: one or more command lines, each printed indented under "Example:".
void SetExample(CLI::App* command, const std::vector<std::string>& lines);

void AddHelpCommand(CLI::App& app, int* exit_code);

// The man page of `command` (a subcommand of `app`), or of `app` itself when command is null.
std::string ManPage(const CLI::App& app, const CLI::App* command);

// Writes nianbao.1 and nianbao-COMMAND.1 for every visible subcommand into `dir`. Throws
// std::runtime_error naming the file that could not be written.
void WriteManPages(const CLI::App& app, const std::string& dir);

// The visible subcommand nearest to `word` (edit distance at most 2, or `word` a prefix of exactly
// one name), if any.
std::optional<std::string> NearestCommand(const CLI::App& app, std::string_view word);

// When argv[1] is neither an option nor a subcommand of `app`: prints the error (with the nearest
// command) on `err` and returns exit status 2. Otherwise nullopt: parse as usual.
std::optional<int> UnknownCommand(const CLI::App& app, int argc, const char* const* argv,
                                  std::ostream& err);

// A validator for numbers >= min; its error says so in plain words ("must be at least 0, not -1").
CLI::Validator AtLeast(double min);

}  // namespace nianbao

#endif  // NIANBAO_CMD_HELP_H_
