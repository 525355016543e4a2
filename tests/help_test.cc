// cmd/help.h: --help shows defaults and an example for every command, a mistyped command gets the
// nearest one, range errors read plainly, and the man pages carry the --help text (checked against
// the real binary's output, and the pages the build installs against the binary that wrote them).
#include "cmd/help.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

namespace fs = std::filesystem;

struct CommandResult {
  int exit_status = -1;
  std::string output;  // stdout and stderr
};

CommandResult Nianbao(const std::string& arguments) {
  CommandResult result;
  std::string command = "'" + testing::NianbaoBinary() + "' " + arguments + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) result.output.append(buffer, n);
  int status = ::pclose(pipe);
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// The commands `nianbao --help` lists (the lines under "Subcommands:").
std::vector<std::string> Commands() {
  std::istringstream in(Nianbao("--help").output);
  std::vector<std::string> commands;
  bool in_list = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("Subcommands:")) {
      in_list = true;
    } else if (in_list && line.starts_with("  ")) {
      commands.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
  }
  return commands;
}

// How the man page writes a piece of help text (roff escapes - as \-).
std::string Roff(std::string text) {
  std::string out;
  for (char c : text) out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out;
}

std::string Gunzip(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) return "";
  std::string text;
  char buffer[4096];
  for (int n; (n = gzread(file, buffer, sizeof buffer)) > 0;) text.append(buffer, n);
  gzclose(file);
  return text;
}

TEST(HelpTest, ListsTheCommands) {
  std::vector<std::string> commands = Commands();
  std::set<std::string> names(commands.begin(), commands.end());
  for (const char* name : {"extract", "fetch", "crawl", "export", "daemon", "status", "help"}) {
    EXPECT_TRUE(names.count(name)) << name;
  }
}

TEST(HelpTest, EveryCommandShowsAnExampleAndItsDefaults) {
  for (const std::string& command : Commands()) {
    CommandResult help = Nianbao(command + " --help");
    EXPECT_EQ(help.exit_status, 0) << command;
    EXPECT_NE(help.output.find("Example:\n  nianbao " + command), std::string::npos) << help.output;
    // `nianbao help COMMAND` is the same text.
    EXPECT_EQ(Nianbao("help " + command).output, help.output) << command;
  }
  std::string crawl = Nianbao("crawl --help").output;
  EXPECT_NE(crawl.find("--max-pages INT=1000"), std::string::npos) << crawl;
  EXPECT_NE(crawl.find("--max-depth INT=3"), std::string::npos) << crawl;
  EXPECT_NE(crawl.find("--delay FLOAT=3"), std::string::npos) << crawl;
  std::string extract = Nianbao("extract --help").output;
  EXPECT_NE(extract.find("=json"), std::string::npos) << extract;
  std::string exp = Nianbao("export --help").output;
  EXPECT_NE(exp.find("=long"), std::string::npos) << exp;
}

TEST(HelpTest, RangeErrorsReadPlainly) {
  CommandResult result = Nianbao("crawl --seed http://127.0.0.1:9/ --delay -1");
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.output.find("--delay: must be a number of seconds from 0 to 3600, not \"-1\""),
            std::string::npos)
      << result.output;
  EXPECT_EQ(result.output.find("1.79"), std::string::npos) << result.output;
  result = Nianbao("crawl --seed http://127.0.0.1:9/ --max-pages 0");
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.output.find("--max-pages: must be at least 1, not 0"), std::string::npos)
      << result.output;
  result = Nianbao("show --version 0 http://x.example/");
  EXPECT_NE(result.output.find("must be at least 1, not 0"), std::string::npos) << result.output;
  for (const std::string& command : Commands()) {
    EXPECT_EQ(Nianbao(command + " --help").output.find("1.79"), std::string::npos) << command;
  }
}

TEST(HelpTest, MistypedCommandSuggestsTheNearest) {
  CommandResult result = Nianbao("fetc http://x.example/");
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.output.find("\"fetc\" is not a command; did you mean \"fetch\"?"),
            std::string::npos)
      << result.output;
  EXPECT_NE(Nianbao("exprot").output.find("did you mean \"export\"?"), std::string::npos);
  EXPECT_NE(Nianbao("histroy").output.find("did you mean \"history\"?"), std::string::npos);
  result = Nianbao("zzzzzzzz");
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.output.find("\"zzzzzzzz\" is not a command"), std::string::npos);
  EXPECT_EQ(result.output.find("did you mean"), std::string::npos) << result.output;
  EXPECT_NE(Nianbao("help fetc").output.find("did you mean fetch?"), std::string::npos);
}

TEST(HelpTest, NearestCommandByEditDistanceOrUniquePrefix) {
  CLI::App app;
  for (const char* name : {"fetch", "crawl", "export", "extract", "status", "show"}) {
    app.add_subcommand(name, "x");
  }
  EXPECT_EQ(NearestCommand(app, "fecth"), "fetch");
  EXPECT_EQ(NearestCommand(app, "crawll"), "crawl");
  EXPECT_EQ(NearestCommand(app, "stat"), "status");    // distance 2
  EXPECT_EQ(NearestCommand(app, "expo"), "export");    // unique prefix
  EXPECT_EQ(NearestCommand(app, "ex"), std::nullopt);  // extract or export
  EXPECT_EQ(NearestCommand(app, "qqqqqq"), std::nullopt);
}

// Every option --help lists, with its description and default, is in the man page, and so is the
// example: the page is that text.
TEST(ManTest, EveryCommandPageCarriesItsHelpText) {
  std::vector<std::string> commands = Commands();
  ASSERT_FALSE(commands.empty());
  std::regex option_line(
      R"(^  (-[-\w]+|[a-z]+)(?: ([A-Z][^ =]*))?(?:=(\S+))?(?: \.\.\.)?(?: REQUIRED)?(?: Excludes: \S+)?\s+(.*)$)");
  const std::regex excludes(" Excludes: \\S+");
  for (const std::string& command : commands) {
    if (command == "help") continue;
    CommandResult man = Nianbao("help --man " + command);
    ASSERT_EQ(man.exit_status, 0) << man.output;
    std::string upper = command;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(man.output.starts_with(".TH NIANBAO-" + upper + " 1 ")) << man.output.substr(0, 80);
    const std::string help_text = Nianbao(command + " --help").output;
    std::istringstream help(help_text);
    int options = 0;
    for (std::string line; std::getline(help, line);) {
      std::smatch m;
      line = std::regex_replace(line, excludes, "");
      if (!std::regex_match(line, m, option_line) || m[1] == "-h") continue;
      ++options;
      EXPECT_NE(man.output.find(Roff(m[1])), std::string::npos) << command << ": " << line;
      EXPECT_NE(man.output.find(Roff(m[4])), std::string::npos) << command << ": " << line;
      if (m[3].matched) {
        EXPECT_NE(man.output.find("Default: " + Roff(m[3])), std::string::npos)
            << command << ": " << line;
      }
    }
    EXPECT_GT(options, 0) << command;
    size_t example = help_text.find("Example:\n  ");
    ASSERT_NE(example, std::string::npos) << command;
    std::string first = help_text.substr(example + 11);
    first = first.substr(0, first.find('\n'));
    EXPECT_NE(man.output.find(".SH EXAMPLE\n.nf\n" + Roff(first) + "\n"), std::string::npos)
        << command << "\n"
        << man.output;
  }
}

TEST(ManTest, MainPageListsEveryCommand) {
  std::string page = Nianbao("help --man").output;
  EXPECT_TRUE(page.starts_with(".TH NIANBAO 1 ")) << page.substr(0, 80);
  for (const std::string& command : Commands()) {
    EXPECT_NE(page.find(".B " + command + "\n"), std::string::npos) << command;
  }
}

// The pages the build wrote (and the package installs) are what this binary prints: not stale.
TEST(ManTest, BuiltPagesAreTheBinarysOutput) {
  fs::path pages = fs::path(testing::NianbaoBinary()).parent_path().parent_path() / "man/pages";
  if (!fs::exists(pages)) GTEST_SKIP() << "built with NIANBAO_MAN=OFF";
  std::vector<std::string> commands = Commands();
  EXPECT_EQ(Gunzip((pages / "nianbao.1.gz").string()), Nianbao("help --man").output);
  for (const std::string& command : commands) {
    if (command == "help") continue;
    fs::path page = pages / ("nianbao-" + command + ".1.gz");
    EXPECT_EQ(Gunzip(page.string()), Nianbao("help --man " + command).output) << page;
  }
  EXPECT_EQ(Gunzip((pages / "nianbao.toml.5.gz").string()),
            testing::ReadFileBytes(testing::SourceDir() + "/man/nianbao.toml.5"));
}

// nianbao.toml(5) documents every key of the shipped config (set or shown commented out).
TEST(ManTest, ConfigPageNamesEveryKeyOfTheShippedConfig) {
  std::string page = testing::ReadFileBytes(testing::SourceDir() + "/man/nianbao.toml.5");
  std::istringstream config(testing::ReadFileBytes(testing::SourceDir() + "/systemd/nianbao.toml"));
  std::regex key_line(R"(^#? ?([a-z_]+) = .*$)");
  std::set<std::string> keys;
  for (std::string line; std::getline(config, line);) {
    std::smatch m;
    if (std::regex_match(line, m, key_line)) keys.insert(m[1]);
  }
  EXPECT_GE(keys.size(), 14u);
  for (const std::string& key : keys) {
    EXPECT_NE(page.find(".BR " + key + " "), std::string::npos) << key;
  }
  for (const char* table : {".SS [politeness]", ".SS [[seed]]"}) {
    EXPECT_NE(page.find(table), std::string::npos) << table;
  }
}

TEST(ManTest, ManDirWritesEveryPage) {
  testing::TempDir dir;
  CommandResult result = Nianbao("help --man-dir '" + dir.path() + "'");
  ASSERT_EQ(result.exit_status, 0) << result.output;
  EXPECT_TRUE(fs::exists(dir.File("nianbao.1")));
  for (const std::string& command : Commands()) {
    if (command == "help") continue;
    EXPECT_EQ(testing::ReadFileBytes(dir.File("nianbao-" + command + ".1")),
              Nianbao("help --man " + command).output);
  }
  result = Nianbao("help --man-dir /nonexistent/dir");
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_NE(result.output.find("cannot write /nonexistent/dir/nianbao.1"), std::string::npos)
      << result.output;
}

}  // namespace
}  // namespace nianbao
