#include "cmd/help.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace nianbao {
namespace {

constexpr std::string_view kExampleHeading = "Example:";

// What every man page says about the environment and the exit status (commands.h defines them).
constexpr std::string_view kExitStatus =
    ".TP\n0\nsuccess\n"
    ".TP\n1\na runtime failure: a fetch that failed, an unknown URL or version, a database error\n"
    ".TP\n2\nbad usage or unreadable input: an unknown option, a bad value, a rules or config file "
    "with a mistake\n"
    ".TP\n3\n(extract) a page had no statistics table\n";

constexpr std::string_view kEnvironment =
    ".TP\n.B NIANBAO_DB\nthe database when \\-\\-db is not given (scripts/run sets it to the "
    "repository's var/nianbao.db)\n"
    ".TP\n.B NIANBAO_CONFIG\nthe config file whose \\fBdatabase\\fR the commands use without "
    "\\-\\-db (default /etc/nianbao/nianbao.toml)\n";

bool Visible(const CLI::App* command) { return !command->get_group().empty(); }

std::vector<const CLI::App*> VisibleCommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* c) { return Visible(c); });
}

// Text escaped for roff: backslashes and hyphens, and a leading . or ' that would start a request.
std::string Roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// The example lines of a command, as SetExample put them into its footer.
std::vector<std::string> ExampleLines(const CLI::App& command) {
  std::vector<std::string> lines;
  std::string footer = command.get_footer();
  size_t at = footer.find(kExampleHeading);
  if (at == std::string::npos) return lines;
  std::istringstream in(footer.substr(at + kExampleHeading.size()));
  for (std::string line; std::getline(in, line);) {
    line.erase(0, line.find_first_not_of(' '));
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

bool IsHelpOption(const CLI::Option* option) { return option->get_name() == "--help"; }

std::vector<const CLI::Option*> DocumentedOptions(const CLI::App& command) {
  return command.get_options([](const CLI::Option* option) {
    return !option->get_group().empty() && !IsHelpOption(option);
  });
}

std::string OptionManEntry(const CLI::Option* option) {
  std::string entry = ".TP\n";
  bool positional = option->get_lnames().empty() && option->get_snames().empty();
  if (positional) {
    entry += "\\fI" + Roff(option->get_name()) + "\\fR";
    if (option->get_items_expected_max() > 1) entry += " ...";
  } else {
    entry += "\\fB" + Roff(option->get_name()) + "\\fR";
    if (option->get_type_size() != 0 && !option->get_type_name().empty()) {
      entry += " \\fI" + Roff(option->get_type_name()) + "\\fR";
    }
  }
  entry += "\n" + Roff(option->get_description());
  if (option->get_required()) entry += " (required)";
  if (!option->get_default_str().empty() && option->get_type_size() != 0) {
    entry += ". Default: " + Roff(option->get_default_str());
  }
  return entry + "\n";
}

std::string Synopsis(const CLI::App& command) {
  std::string synopsis = ".B nianbao " + Roff(command.get_name()) + "\n[\\fIOPTIONS\\fR]";
  for (const CLI::Option* option : DocumentedOptions(command)) {
    if (!option->get_lnames().empty() || !option->get_snames().empty()) continue;
    std::string name = "\\fI" + Roff(option->get_name()) + "\\fR";
    if (option->get_items_expected_max() > 1) name += " ...";
    synopsis += option->get_required() ? " " + name : " [" + name + "]";
  }
  return synopsis + "\n";
}

std::string Header(const std::string& name, int section, const std::string& summary) {
  return ".TH " + Upper(name) + " " + std::to_string(section) + " \"\" \"nianbao " +
         NIANBAO_VERSION + "\" \"nianbao manual\"\n.SH NAME\n" + Roff(name) + " \\- " +
         Roff(summary) + "\n";
}

std::string CommandPage(const CLI::App& command) {
  std::string page = Header("nianbao-" + command.get_name(), 1, command.get_description());
  page += ".SH SYNOPSIS\n" + Synopsis(command);
  page += ".SH DESCRIPTION\n" + Roff(command.get_description()) + ".\n";
  page += ".PP\nThe same text as \\fBnianbao " + Roff(command.get_name()) + " \\-\\-help\\fR.\n";
  page += ".SH OPTIONS\n";
  for (const CLI::Option* option : DocumentedOptions(command)) page += OptionManEntry(option);
  std::vector<std::string> examples = ExampleLines(command);
  if (!examples.empty()) {
    page += ".SH EXAMPLE\n.nf\n";
    for (const std::string& line : examples) page += Roff(line) + "\n";
    page += ".fi\n";
  }
  page += ".SH ENVIRONMENT\n" + std::string(kEnvironment);
  page += ".SH EXIT STATUS\n" + std::string(kExitStatus);
  page += ".SH SEE ALSO\n.BR nianbao (1),\n.BR nianbao.toml (5)\n";
  return page;
}

std::string MainPage(const CLI::App& app) {
  std::string page = Header("nianbao", 1, "harvests Chinese government annual-report statistics");
  page +=
      ".SH SYNOPSIS\n.B nianbao\n\\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n.br\n"
      ".B nianbao help\n[\\fICOMMAND\\fR]\n.br\n.B nianbao \\-\\-version\n";
  page += ".SH DESCRIPTION\n" + Roff(app.get_description()) + ".\n";
  page +=
      ".PP\nEach command has its own page, \\fBnianbao\\-\\fICOMMAND\\fR(1), with the text of "
      "\\fBnianbao \\fICOMMAND\\fB \\-\\-help\\fR.\n";
  page += ".SH COMMANDS\n";
  for (const CLI::App* command : VisibleCommands(app)) {
    page += ".TP\n.B " + Roff(command->get_name()) + "\n" + Roff(command->get_description()) + "\n";
  }
  page +=
      ".SH OPTIONS\n.TP\n.B \\-\\-help\nprint the commands and exit\n"
      ".TP\n.B \\-\\-version\nprint the version and exit\n";
  page += ".SH ENVIRONMENT\n" + std::string(kEnvironment);
  page +=
      ".SH FILES\n.TP\n/etc/nianbao/nianbao.toml\nthe configuration of \\fBnianbao daemon\\fR "
      "(the nianbao.service unit); see \\fBnianbao.toml\\fR(5)\n"
      ".TP\n/usr/share/nianbao/rules\nthe label rules, checks, link rules and seeds\n"
      ".TP\n/var/lib/nianbao/nianbao.db\nthe service's database\n";
  page += ".SH EXIT STATUS\n" + std::string(kExitStatus);
  page += ".SH SEE ALSO\n";
  for (const CLI::App* command : VisibleCommands(app)) {
    if (command->get_name() == "help") continue;
    page += ".BR nianbao\\-" + Roff(command->get_name()) + " (1),\n";
  }
  page += ".BR nianbao.toml (5),\n.BR systemctl (1)\n";
  return page;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string Readable(double number) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", number);
  return text;
}

struct HelpArgs {
  std::string command;
  bool man = false;
  std::string man_dir;
};

int RunHelp(const CLI::App& app, const HelpArgs& args) {
  const CLI::App* command = nullptr;
  if (!args.command.empty()) {
    for (const CLI::App* c : VisibleCommands(app)) {
      if (c->get_name() == args.command) command = c;
    }
    if (!command) {
      std::cerr << "nianbao: help: no command \"" << args.command << "\"";
      if (auto near = NearestCommand(app, args.command))
        std::cerr << "; did you mean " << *near << "?";
      std::cerr << "\n";
      return 2;
    }
  }
  if (!args.man_dir.empty()) {
    WriteManPages(app, args.man_dir);
    return 0;
  }
  if (args.man) {
    std::cout << ManPage(app, command);
  } else {
    std::cout << (command ? command->help("nianbao") : app.help());
  }
  return 0;
}

}  // namespace

void ConfigureHelp(CLI::App& app) {
  app.option_defaults()->always_capture_default();
  app.get_formatter()->column_width(34);
}

void SetExample(CLI::App* command, const std::vector<std::string>& lines) {
  std::string footer = "\n" + std::string(kExampleHeading);
  for (const std::string& line : lines) footer += "\n  " + line;
  command->footer(footer);
}

namespace {

// A repeatable option's empty default reads "[]"; say nothing instead.
void DropEmptyListDefaults(CLI::App& app) {
  for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
    for (CLI::Option* option : command->get_options()) {
      if (option->get_default_str() == "[]") option->default_str("");
    }
  }
}

}  // namespace

void AddHelpCommand(CLI::App& app, int* exit_code) {
  DropEmptyListDefaults(app);
  auto args = std::make_shared<HelpArgs>();
  CLI::App* help = app.add_subcommand("help", "Show the help of nianbao or of one command");
  help->add_option("command", args->command, "the command (default: the list of commands)");
  help->add_flag("--man", args->man, "print the man page instead")->group("");
  help->add_option("--man-dir", args->man_dir, "write every man page into this directory")
      ->group("");
  SetExample(help, {"nianbao help export"});
  help->callback([&app, args, exit_code] {
    try {
      *exit_code = RunHelp(app, *args);
    } catch (const std::exception& e) {
      std::cerr << "nianbao: help: " << e.what() << "\n";
      *exit_code = 1;
    }
  });
}

std::string ManPage(const CLI::App& app, const CLI::App* command) {
  return command ? CommandPage(*command) : MainPage(app);
}

void WriteManPages(const CLI::App& app, const std::string& dir) {
  auto write = [&dir](const std::string& name, const std::string& text) {
    std::string path = dir + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + path);
  };
  write("nianbao.1", MainPage(app));
  for (const CLI::App* command : VisibleCommands(app)) {
    if (command->get_name() == "help") continue;
    write("nianbao-" + command->get_name() + ".1", CommandPage(*command));
  }
}

std::optional<std::string> NearestCommand(const CLI::App& app, std::string_view word) {
  std::optional<std::string> best, prefixed;
  size_t best_distance = 3, prefixes = 0;
  for (const CLI::App* command : VisibleCommands(app)) {
    const std::string& name = command->get_name();
    if (!word.empty() && name.starts_with(word)) {
      ++prefixes;
      prefixed = name;
    }
    size_t distance = EditDistance(word, name);
    if (distance < best_distance && distance < name.size()) {
      best_distance = distance;
      best = name;
    }
  }
  if (best) return best;
  if (prefixes == 1) return prefixed;
  return std::nullopt;
}

std::optional<int> UnknownCommand(const CLI::App& app, int argc, const char* const* argv,
                                  std::ostream& err) {
  if (argc < 2 || argv[1][0] == '-' || argv[1][0] == '\0') return std::nullopt;
  std::string_view word = argv[1];
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (command->check_name(std::string(word))) return std::nullopt;
  }
  err << "nianbao: \"" << word << "\" is not a command";
  if (auto near = NearestCommand(app, word)) err << "; did you mean \"" << *near << "\"?";
  err << "\nRun 'nianbao --help' for the list of commands.\n";
  return 2;
}

CLI::Validator AtLeast(double min) {
  return CLI::Validator(
      [min](std::string& input) -> std::string {
        double value = 0;
        if (!CLI::detail::lexical_cast(input, value)) return "\"" + input + "\" is not a number";
        if (value < min) return "must be at least " + Readable(min) + ", not " + input;
        return {};
      },
      "", "");
}

}  // namespace nianbao
