// The daemon's config: every key parsed, every mistake rejected with FILE:LINE and the reason, the
// schedule strings, the embedded default and the shipped systemd/nianbao.toml.
#include "cmd/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cmd/common.h"
#include "tests/support/paths.h"

namespace nianbao {
namespace {

using std::chrono::seconds;

// The message of the ConfigError that parsing `text` throws, or "" when it parses.
std::string ErrorOf(const std::string& text) {
  try {
    ParseConfig(text, "test.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ScheduleTest, ParsesNamedAndEverySchedules) {
  EXPECT_EQ(ParseSchedule("daily").interval, seconds(86400));
  EXPECT_EQ(ParseSchedule("weekly").interval, seconds(7 * 86400));
  EXPECT_EQ(ParseSchedule("every 30s").interval, seconds(30));
  EXPECT_EQ(ParseSchedule("every 10m").interval, seconds(600));
  EXPECT_EQ(ParseSchedule("every 6h").interval, seconds(6 * 3600));
  EXPECT_EQ(ParseSchedule("every 2d").interval, seconds(2 * 86400));
  EXPECT_EQ(ParseSchedule("every 6h").text, "every 6h");
}

TEST(ScheduleTest, RejectsMalformedSchedules) {
  for (const char* bad :
       {"", "Daily", "hourly", "every", "every s", "every 0s", "every -5m", "every 5", "every 5x",
        "every 5 m", "every  5m", "every 1.5h", "5m", "every 5mm", "every 99999999999999999999s"}) {
    EXPECT_THROW(ParseSchedule(bad), ConfigError) << bad;
  }
}

TEST(ConfigTest, ParsesEveryKey) {
  Config config = ParseConfig(R"toml(
database = "/tmp/x.db"
user_agent = "nianbao-test/1 (+https://example.org)"
log_level = "debug"
rules_dir = "/usr/share/nianbao/rules"
recheck = "every 3d"
season_factor = 0.25

[politeness]
delay_seconds = 1
max_connections_per_host = 2
max_connections = 4

[[seed]]
url = "https://www.example.gov.cn/zfxxgk/zfxxgknb/"
schedule = "daily"

[[seed]]
url = "http://example.gov.cn/nb/index.html"
schedule = "every 30s"
max_pages = 50
max_depth = 1
)toml",
                              "test.toml");
  EXPECT_EQ(config.source, "test.toml");
  EXPECT_EQ(config.database, "/tmp/x.db");
  EXPECT_EQ(config.user_agent, "nianbao-test/1 (+https://example.org)");
  EXPECT_EQ(config.log_level, LogLevel::kDebug);
  EXPECT_EQ(config.rules_dir, "/usr/share/nianbao/rules");
  EXPECT_EQ(config.recheck.interval, seconds(3 * 86400));
  EXPECT_DOUBLE_EQ(config.season_factor, 0.25);
  EXPECT_DOUBLE_EQ(config.politeness.delay_seconds, 1.0);
  EXPECT_EQ(config.politeness.max_connections_per_host, 2);
  EXPECT_EQ(config.politeness.max_connections, 4);
  ASSERT_EQ(config.seeds.size(), 2u);
  EXPECT_EQ(config.seeds[0].url, "https://www.example.gov.cn/zfxxgk/zfxxgknb/");
  EXPECT_EQ(config.seeds[0].schedule.interval, seconds(86400));
  EXPECT_EQ(config.seeds[0].max_pages, 1000);
  EXPECT_EQ(config.seeds[0].max_depth, 3);
  EXPECT_EQ(config.seeds[1].schedule.interval, seconds(30));
  EXPECT_EQ(config.seeds[1].max_pages, 50);
  EXPECT_EQ(config.seeds[1].max_depth, 1);
}

TEST(ConfigTest, DefaultsWhenKeysAreAbsent) {
  ::unsetenv("STATE_DIRECTORY");
  Config config = ParseConfig("", "empty.toml");
  EXPECT_EQ(config.database, "var/nianbao.db");
  EXPECT_EQ(config.log_level, LogLevel::kInfo);
  EXPECT_EQ(config.recheck.interval, seconds(7 * 86400));
  EXPECT_DOUBLE_EQ(config.season_factor, 0.5);
  EXPECT_DOUBLE_EQ(config.politeness.delay_seconds, 3.0);
  EXPECT_EQ(config.politeness.max_connections_per_host, 1);
  EXPECT_TRUE(config.rules_dir.empty());
  EXPECT_TRUE(config.seeds.empty());
}

TEST(ConfigTest, DatabaseDefaultsToStateDirectoryUnderSystemd) {
  ::setenv("STATE_DIRECTORY", "/var/lib/nianbao:/var/lib/other", 1);
  EXPECT_EQ(ParseConfig("", "x.toml").database, "/var/lib/nianbao/nianbao.db");
  EXPECT_EQ(DefaultConfig().database, "/var/lib/nianbao/nianbao.db");
  ::unsetenv("STATE_DIRECTORY");
  EXPECT_EQ(DefaultConfig().database, "var/nianbao.db");
}

TEST(ConfigTest, ErrorsNameFileLineAndReason) {
  EXPECT_EQ(ErrorOf("database = \"a.db\"\nbogus = 1\n"), "test.toml:2: unknown key \"bogus\"");
  EXPECT_EQ(ErrorOf("\n\n[politeness]\ndelay = 3\n"),
            "test.toml:4: unknown key \"politeness.delay\"");
  EXPECT_EQ(ErrorOf("database = 5\n"),
            "test.toml:1: \"database\" must be a string, not an integer");
  EXPECT_EQ(ErrorOf("[politeness]\nmax_connections = \"8\"\n"),
            "test.toml:2: \"politeness.max_connections\" must be an integer, not a string");
  EXPECT_EQ(ErrorOf("[politeness]\nmax_connections = 0\n"),
            "test.toml:2: \"politeness.max_connections\" must be between 1 and 1024, not 0");
  EXPECT_EQ(ErrorOf("log_level = \"loud\"\n"),
            "test.toml:1: \"log_level\" must be \"error\", \"warning\", \"info\" or \"debug\", not "
            "\"loud\"");
  EXPECT_EQ(ErrorOf("season_factor = 2.0\n"),
            "test.toml:1: \"season_factor\" must be between 0.01 and 1, not 2");
  EXPECT_EQ(ErrorOf("politeness = 3\n"), "test.toml:1: \"politeness\" must be a table");
}

TEST(ConfigTest, NetworkTable) {
  Config config = ParseConfig(
      "[network]\nallow_private_addresses = true\nconnect_timeout_seconds = 2\n"
      "timeout_seconds = 7.5\n",
      "test.toml");
  EXPECT_TRUE(config.network.allow_private_addresses);
  EXPECT_DOUBLE_EQ(config.network.connect_timeout_seconds, 2.0);
  EXPECT_DOUBLE_EQ(config.network.timeout_seconds, 7.5);
  EXPECT_FALSE(ParseConfig("", "test.toml").network.allow_private_addresses);  // refused by default
  EXPECT_EQ(ErrorOf("[network]\nallow_private_addresses = \"yes\"\n"),
            "test.toml:2: \"network.allow_private_addresses\" must be a boolean or an array of "
            "address ranges, not a string");
  EXPECT_EQ(ErrorOf("[network]\ntimeout_seconds = 0\n"),
            "test.toml:2: \"network.timeout_seconds\" must be between 0.1 and 3600, not 0");
  EXPECT_EQ(ErrorOf("[network]\nproxy = \"x\"\n"), "test.toml:2: unknown key \"network.proxy\"");
}

// allow_private_addresses = [ranges]: only those non-public ranges are reached (tests allow
// 127.0.0.1/32 and still see a redirect to 10.0.0.1 refused).
TEST(ConfigTest, AllowPrivateAddressesTakesRanges) {
  Config config = ParseConfig(
      "[network]\nallow_private_addresses = [\"127.0.0.1/32\", \"10.0.0.0/8\", \"::1\"]\n",
      "test.toml");
  EXPECT_FALSE(config.network.allow_private_addresses);  // not every range
  ASSERT_EQ(config.network.allowed_private_ranges.size(), 3u);
  EXPECT_EQ(config.network.allowed_private_ranges[0], *ParseAddressRange("127.0.0.1/32"));
  EXPECT_EQ(config.network.allowed_private_ranges[1].prefix, 8);
  EXPECT_EQ(
      ErrorOf("[network]\nallow_private_addresses = [\n  \"127.0.0.1/32\",\n  \"10.0.0.0/40\"]\n"),
      "test.toml:4: \"network.allow_private_addresses\": \"10.0.0.0/40\" is not an address "
      "range (e.g. \"127.0.0.1/32\", \"10.0.0.0/8\", \"::1/128\")");
  EXPECT_EQ(ErrorOf("[network]\nallow_private_addresses = [1]\n"),
            "test.toml:2: \"network.allow_private_addresses\": an integer is not an address range "
            "(e.g. \"127.0.0.1/32\", \"10.0.0.0/8\", \"::1/128\")");
}

TEST(ConfigTest, SeedErrors) {
  std::string bad_schedule = ErrorOf(
      "[[seed]]\nurl = \"https://a.gov.cn/\"\nschedule = \"daily\"\n\n[[seed]]\n"
      "url = \"https://b.gov.cn/\"\nschedule = \"every 5x\"\n");
  EXPECT_EQ(bad_schedule.rfind("test.toml:7: \"seed[1].schedule\": bad schedule \"every 5x\"", 0),
            0u)
      << bad_schedule;
  EXPECT_EQ(ErrorOf("[[seed]]\nurl = \"ftp://a.gov.cn/x\"\nschedule = \"daily\"\n"),
            "test.toml:2: seed URL \"ftp://a.gov.cn/x\" is not an http or https URL");
  EXPECT_EQ(ErrorOf("[[seed]]\nurl = \"www.a.gov.cn/x\"\nschedule = \"daily\"\n"),
            "test.toml:2: seed URL \"www.a.gov.cn/x\" is not an absolute URL");
  EXPECT_EQ(ErrorOf("[[seed]]\nurl = \"https:///x\"\nschedule = \"daily\"\n"),
            "test.toml:2: seed URL \"https:///x\" has no host");
  EXPECT_EQ(ErrorOf("\n[[seed]]\nschedule = \"daily\"\n"), "test.toml:2: [[seed]] without \"url\"");
  EXPECT_EQ(ErrorOf("[[seed]]\nurl = \"https://a.gov.cn/\"\n"),
            "test.toml:1: [[seed]] without \"schedule\"");
  EXPECT_EQ(ErrorOf("[[seed]]\nurl = \"https://a.gov.cn/\"\nschedule = \"daily\"\nmaxpages = 3\n"),
            "test.toml:4: unknown key \"seed[0].maxpages\"");
  EXPECT_EQ(
      ErrorOf("[[seed]]\nurl = \"https://a.gov.cn/\"\nschedule = \"daily\"\nmax_depth = -1\n"),
      "test.toml:4: \"seed[0].max_depth\" must be between 0 and 100, not -1");
  EXPECT_EQ(ErrorOf("seed = \"https://a.gov.cn/\"\n"),
            "test.toml:1: \"seed\" must be an array of tables ([[seed]])");
  EXPECT_EQ(ErrorOf("[[seed]]\nurl = \"https://a.gov.cn/\"\nschedule = \"daily\"\n[[seed]]\n"
                    "url = \"https://a.gov.cn/\"\nschedule = \"weekly\"\n"),
            "test.toml: seed \"https://a.gov.cn/\" is listed twice");
}

TEST(ConfigTest, TomlSyntaxErrorsHaveALine) {
  std::string error = ErrorOf("database = \"a.db\"\n\nuser_agent = \n");
  EXPECT_EQ(error.rfind("test.toml:3: ", 0), 0u) << error;
}

TEST(ConfigTest, SeedsFileIsResolvedAgainstTheConfigDirectory) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "nianbao_config_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "seeds.tsv") << "url\tbody\n# a comment\n\nhttps://a.gov.cn/nb/\tA\n"
                                      "http://b.gov.cn/\tB\n";
  std::ofstream(dir / "nianbao.toml")
      << "seeds_file = \"seeds.tsv\"\nseeds_schedule = \"every 2d\"\n"
         "[[seed]]\nurl = \"https://c.gov.cn/\"\n"
         "schedule = \"daily\"\n";
  Config config = LoadConfigFile((dir / "nianbao.toml").string());
  ASSERT_EQ(config.seeds.size(), 3u);
  EXPECT_EQ(config.seeds[0].url, "https://c.gov.cn/");
  EXPECT_EQ(config.seeds[1].url, "https://a.gov.cn/nb/");
  EXPECT_EQ(config.seeds[1].schedule.interval, seconds(2 * 86400));
  EXPECT_EQ(config.seeds[2].url, "http://b.gov.cn/");

  std::ofstream(dir / "seeds.tsv") << "url\tbody\nhttps://a.gov.cn/\tA\nnot a url\tB\n";
  try {
    LoadConfigFile((dir / "nianbao.toml").string());
    ADD_FAILURE() << "a bad seeds file was accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir / "seeds.tsv").string() + ":3: seed URL \"not a url\" is not an absolute URL");
  }
  std::filesystem::remove(dir / "seeds.tsv");
  EXPECT_THROW(LoadConfigFile((dir / "nianbao.toml").string()), ConfigError);
  std::filesystem::remove_all(dir);
}

TEST(ConfigTest, MissingFileIsAConfigError) {
  try {
    LoadConfigFile("/nonexistent/nianbao.toml");
    ADD_FAILURE() << "a missing file was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/nianbao.toml"), std::string::npos);
  }
}

TEST(ConfigTest, CommandsTakeTheDatabaseFromTheConfig) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("nianbao_config_db_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ::setenv("NIANBAO_CONFIG", (dir / "nianbao.toml").c_str(), 1);
  std::ofstream(dir / "nianbao.toml") << "database = \"/srv/nianbao/x.db\"\n";
  EXPECT_EQ(DefaultDatabasePath(), "/srv/nianbao/x.db");
  // A broken config is the daemon's to report; the commands fall back to the default.
  std::ofstream(dir / "nianbao.toml") << "database = \"/srv/nianbao/x.db\"\nbogus = 1\n";
  EXPECT_EQ(DefaultDatabasePath(), "var/nianbao.db");
  ::unsetenv("NIANBAO_CONFIG");
  std::filesystem::remove_all(dir);
}

// scripts/run sets $NIANBAO_DB to the repo's var/nianbao.db so that it works from any directory: it
// wins over a config's database, for the commands and for the daemon's default config.
TEST(ConfigTest, NianbaoDbEnvironmentNamesTheDefaultDatabase) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("nianbao_env_db_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "nianbao.toml") << "database = \"/srv/nianbao/x.db\"\n";
  ::setenv("NIANBAO_CONFIG", (dir / "nianbao.toml").c_str(), 1);
  ::setenv("NIANBAO_DB", "/repo/var/nianbao.db", 1);
  EXPECT_EQ(DefaultDatabasePath(), "/repo/var/nianbao.db");
  EXPECT_EQ(DefaultConfig().database, "/repo/var/nianbao.db");
  // A config that names its database keeps it.
  EXPECT_EQ(ParseConfig("database = \"/srv/y.db\"\n", "c.toml").database, "/srv/y.db");
  ::unsetenv("NIANBAO_DB");
  EXPECT_EQ(DefaultDatabasePath(), "/srv/nianbao/x.db");
  ::unsetenv("NIANBAO_CONFIG");
  std::filesystem::remove_all(dir);
}

TEST(ConfigTest, EmbeddedDefaultCarriesTheShippedSeeds) {
  Config config = DefaultConfig();
  EXPECT_EQ(config.source, "<embedded default>");
  EXPECT_TRUE(config.rules_dir.empty());
  // rules/seeds.tsv: one header line, `#` notes, then one seed per line.
  std::ifstream in(testing::SourceDir() + "/rules/seeds.tsv");
  size_t lines = 0;
  for (std::string line; std::getline(in, line);) lines += !line.empty() && line[0] != '#';
  ASSERT_GT(lines, 1u);
  EXPECT_EQ(config.seeds.size(), lines - 1);
  for (const SeedConfig& seed : config.seeds) EXPECT_EQ(seed.schedule.text, "weekly");
}

TEST(ConfigTest, ShippedConfigParses) {
  // The shipped config names the installed seeds file; point it at the source tree's copy.
  std::ifstream in(testing::SourceDir() + "/systemd/nianbao.toml");
  ASSERT_TRUE(in) << "systemd/nianbao.toml is missing";
  std::stringstream text;
  text << in.rdbuf();
  std::string shipped = text.str();
  const std::string installed_rules = "/usr/share/nianbao/rules";
  for (size_t at; (at = shipped.find(installed_rules)) != std::string::npos;) {
    shipped.replace(at, installed_rules.size(), testing::SourceDir() + "/rules");
  }
  Config config = ParseConfig(shipped, testing::SourceDir() + "/systemd/nianbao.toml");
  EXPECT_EQ(config.database, "/var/lib/nianbao/nianbao.db");
  EXPECT_EQ(config.rules_dir, testing::SourceDir() + "/rules");
  EXPECT_EQ(config.seeds.size(), DefaultConfig().seeds.size());
  EXPECT_EQ(config.log_level, LogLevel::kInfo);
}

TEST(ConfigTest, UserAgentWithALineBreakIsRefused) {
  EXPECT_EQ(ErrorOf("user_agent = \"nianbao/1\\r\\nX-Injected: 1\"\n"),
            "test.toml:1: \"user_agent\" contains a line break (CR or LF)");
  EXPECT_EQ(ErrorOf("\nuser_agent = \"nianbao/1\\n\"\n"),
            "test.toml:2: \"user_agent\" contains a line break (CR or LF)");
  EXPECT_EQ(ErrorOf("user_agent = \"nianbao/1\\u0000\"\n"),
            "test.toml:1: \"user_agent\" contains a control character");
  EXPECT_EQ(ErrorOf("user_agent = \"nianbao/1 (+https://a.org)\tx\"\n"), "");
}

TEST(ConfigTest, DelayMustBeFiniteAndInRange) {
  for (const char* bad : {"nan", "inf", "-inf", "-1", "3600.5", "1e400"}) {
    std::string error = ErrorOf(std::string("[politeness]\ndelay_seconds = ") + bad + "\n");
    EXPECT_EQ(error.rfind("test.toml:2: ", 0), 0u) << bad << ": " << error;
  }
  EXPECT_EQ(ErrorOf("[politeness]\ndelay_seconds = 3600\n"), "");
}

TEST(ConfigTest, SeedsFileMayStartWithABomAndMustNotBeADirectory) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "nianbao_config_bom_test";
  std::filesystem::create_directories(dir / "a_directory");
  std::ofstream(dir / "seeds.tsv") << "\xEF\xBB\xBFurl\tbody\nhttps://a.gov.cn/nb/\tA\n";
  std::ofstream(dir / "nianbao.toml") << "seeds_file = \"seeds.tsv\"\n";
  Config config = LoadConfigFile((dir / "nianbao.toml").string());
  ASSERT_EQ(config.seeds.size(), 1u);
  EXPECT_EQ(config.seeds[0].url, "https://a.gov.cn/nb/");
  std::ofstream(dir / "seeds.tsv") << "\xEF\xBB\xBFhttps://b.gov.cn/\n";  // no header line
  config = LoadConfigFile((dir / "nianbao.toml").string());
  ASSERT_EQ(config.seeds.size(), 1u);
  EXPECT_EQ(config.seeds[0].url, "https://b.gov.cn/");

  std::ofstream(dir / "nianbao.toml") << "\nseeds_file = \"a_directory\"\n";
  try {
    LoadConfigFile((dir / "nianbao.toml").string());
    ADD_FAILURE() << "a directory was taken for a seeds file";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "nianbao.toml").string() + ":2: \"" +
                                         (dir / "a_directory").string() +
                                         "\" is a directory, not a file");
  }
  EXPECT_THROW(LoadConfigFile(dir.string()), ConfigError);  // the config itself a directory
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nianbao
