// systemd/nianbao.service: systemd-analyze accepts it (verify) and rates its exposure 2.0 or lower
// (security --offline), and it carries what issue 5 requires of it.
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cmd/config.h"
#include "extract/map/rules.h"
#include "tests/support/paths.h"

namespace nianbao {
namespace {

namespace fs = std::filesystem;

struct CommandResult {
  int exit_status = -1;
  std::string output;  // stdout and stderr
};

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) result.output.append(buffer, n);
  int status = ::pclose(pipe);
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string SystemdAnalyze() {
  for (const char* path : {"/usr/bin/systemd-analyze", "/bin/systemd-analyze"}) {
    if (::access(path, X_OK) == 0) return path;
  }
  return "";
}

class SystemdUnitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    analyze_ = SystemdAnalyze();
    unit_text_ = ReadText(testing::SourceDir() + "/systemd/nianbao.service");
    ASSERT_FALSE(unit_text_.empty()) << "systemd/nianbao.service is missing";
    dir_ = fs::temp_directory_path() / ("nianbao_unit_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A copy of the unit whose ExecStart names the built binary, so that verify finds it.
  std::string UnitForBuiltBinary() {
    std::string text = unit_text_;
    const std::string installed = "/usr/bin/nianbao";
    size_t at = text.find("ExecStart=" + installed);
    EXPECT_NE(at, std::string::npos);
    if (at != std::string::npos) {
      text.replace(at + 10, installed.size(), testing::NianbaoBinary());
    }
    std::string path = (dir_ / "nianbao.service").string();
    std::ofstream(path) << text;
    return path;
  }

  std::string analyze_;
  std::string unit_text_;
  fs::path dir_;
};

TEST_F(SystemdUnitTest, CarriesTheRequiredSettings) {
  for (const char* line :
       {"Type=notify", "ExecStart=/usr/bin/nianbao daemon --config /etc/nianbao/nianbao.toml",
        "ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure", "DynamicUser=yes",
        "StateDirectory=nianbao", "ConfigurationDirectory=nianbao", "ProtectSystem=strict",
        "ProtectHome=yes", "PrivateTmp=yes", "NoNewPrivileges=yes",
        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6", "SystemCallFilter=@system-service",
        "CapabilityBoundingSet=\n", "MemoryDenyWriteExecute=yes", "UMask=0077"}) {
    EXPECT_NE(unit_text_.find(std::string("\n") + line), std::string::npos) << line;
  }
  EXPECT_TRUE(std::regex_search(unit_text_, std::regex("\nWatchdogSec=[1-9]")));
}

TEST_F(SystemdUnitTest, VerifyAcceptsTheUnit) {
  if (analyze_.empty()) GTEST_SKIP() << "systemd-analyze is not installed (package systemd)";
  std::string unit = UnitForBuiltBinary();
  CommandResult result = RunCommand(analyze_ + " verify '" + unit + "'");
  EXPECT_EQ(result.exit_status, 0) << result.output;
  // Warnings about other units of this machine may appear; none may be about ours.
  EXPECT_EQ(result.output.find("nianbao.service"), std::string::npos) << result.output;
}

TEST_F(SystemdUnitTest, VerifyRejectsABrokenUnit) {
  // Proves the verify test can fail: a unit whose binary does not exist.
  if (analyze_.empty()) GTEST_SKIP() << "systemd-analyze is not installed (package systemd)";
  std::string path = (dir_ / "nianbao.service").string();
  std::ofstream(path) << "[Service]\nType=notify\nExecStart=/nonexistent/nianbao daemon\n";
  CommandResult result = RunCommand(analyze_ + " verify '" + path + "'");
  EXPECT_NE(result.exit_status, 0) << result.output;
}

TEST_F(SystemdUnitTest, SecurityExposureIsAtMostTwo) {
  if (analyze_.empty()) GTEST_SKIP() << "systemd-analyze is not installed (package systemd)";
  std::string unit = UnitForBuiltBinary();
  CommandResult result =
      RunCommand(analyze_ + " security --offline=true --no-pager '" + unit + "'");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(result.output, match,
                                std::regex("Overall exposure level for nianbao\\.service: "
                                           "([0-9]+\\.[0-9])")))
      << result.output;
  double exposure = std::stod(match[1].str());
  EXPECT_LE(exposure, 2.0) << result.output;
  std::cout << "systemd-analyze security: " << match[1].str() << "\n";
}

// `cmake --install` (into a DESTDIR) puts the binary, the unit, the config and the rules where they
// name each other: ExecStart names the installed binary, its --config the installed config, and the
// config's rules_dir and seeds_file the installed rules, which load.
TEST_F(SystemdUnitTest, InstallLaysOutFilesThatFindEachOther) {
  fs::path build_dir = fs::path(testing::NianbaoBinary()).parent_path().parent_path();
  fs::path destdir = dir_ / "root";
  CommandResult install =
      RunCommand("DESTDIR='" + destdir.string() + "' cmake --install '" + build_dir.string() + "'");
  ASSERT_EQ(install.exit_status, 0) << install.output;

  std::vector<fs::path> units;
  for (const auto& entry : fs::recursive_directory_iterator(destdir)) {
    if (entry.path().filename() == "nianbao.service") units.push_back(entry.path());
  }
  ASSERT_EQ(units.size(), 1u) << install.output;
  EXPECT_EQ(units[0].parent_path().filename(), "system");
  std::string unit = ReadText(units[0].string());
  std::smatch exec;
  ASSERT_TRUE(
      std::regex_search(unit, exec, std::regex("\nExecStart=(\\S+) daemon --config (\\S+)\n")))
      << unit;
  EXPECT_EQ(::access((destdir.string() + exec[1].str()).c_str(), X_OK), 0) << exec[1];
  EXPECT_EQ(exec[2].str(), "/etc/nianbao/nianbao.toml");
  std::string config = ReadText(destdir.string() + exec[2].str());
  ASSERT_FALSE(config.empty()) << "no " << exec[2];

  std::smatch rules;
  ASSERT_TRUE(std::regex_search(config, rules, std::regex("\nrules_dir = \"([^\"]+)\"")));
  const std::string rules_dir = rules[1].str();  // a copy: `rules` points into `config`
  fs::path installed_rules = destdir.string() + rules_dir;
  EXPECT_NO_THROW(RuleSet::LoadDirectory(installed_rules.string()));
  // The config parses once its absolute paths are taken inside DESTDIR.
  for (size_t at = 0; (at = config.find(rules_dir, at)) != std::string::npos;) {
    config.replace(at, rules_dir.size(), installed_rules.string());
    at += installed_rules.string().size();
  }
  Config parsed = ParseConfig(config, (destdir / "etc/nianbao/nianbao.toml").string());
  EXPECT_EQ(parsed.rules_dir, installed_rules.string());
  EXPECT_EQ(parsed.seeds.size(), DefaultConfig().seeds.size());
}

}  // namespace
}  // namespace nianbao
