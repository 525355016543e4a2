// nianbao import and fields (the codebook) and export --codebook, run as the real binary: import on
// real corpus pages copied into a temporary directory, into a real SQLite file, read back with
// `nianbao show` and SQL; the codebook from the built-in rules and from edited copies of rules/.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "store/store.h"
#include "tests/support/paths.h"
#include "tests/support/store_fixtures.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

using testing::QueryInt;
using testing::QueryText;
using testing::ReadFileBytes;
using testing::TempDir;
using testing::WriteFileBytes;

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

CliRun Nianbao(const TempDir& dir, std::vector<std::string> args) {
  std::string out_path = dir.File("stdout"), err_path = dir.File("stderr");
  pid_t child = fork();
  if (child == 0) {
    if (!freopen(out_path.c_str(), "w", stdout) || !freopen(err_path.c_str(), "w", stderr))
      _exit(99);
    std::string binary = testing::NianbaoBinary();
    std::vector<char*> argv = {binary.data()};
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    setenv("NIANBAO_CONFIG", "/nonexistent/nianbao.toml", 1);
    execv(binary.c_str(), argv.data());
    _exit(98);
  }
  int status = 0;
  waitpid(child, &status, 0);
  CliRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = ReadFileBytes(out_path);
  run.err = ReadFileBytes(err_path);
  return run;
}

std::string Corpus(const std::string& name) {
  return ReadFileBytes(testing::CorpusDir() + "/" + name);
}

nlohmann::json Truth(const std::string& name) {
  return nlohmann::json::parse(Corpus(name + ".truth.json"));
}

nlohmann::json Shown(const TempDir& dir, const std::string& db, const std::string& url) {
  CliRun show = Nianbao(dir, {"show", "--db", db, "--format", "json", url});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  return nlohmann::json::parse(show.out);
}

// The reports directory: three real pages (one in a subdirectory) and a file with no table.
std::string MakeDownloads(const TempDir& dir) {
  std::string root = dir.File("downloads");
  std::filesystem::create_directories(root + "/2019");
  WriteFileBytes(root + "/pingtan-2024.html", Corpus("pingtan-2024.html"));
  WriteFileBytes(root + "/nanchang-2018.txt", Corpus("nanchang-2018.txt"));
  WriteFileBytes(root + "/2019/shanghai.html", Corpus("shanghai-2019-condensed.html"));
  WriteFileBytes(root + "/README.md", Corpus("INDEX.md"));
  return root;
}

TEST(ImportCli, DirectoryBecomesReportsInSortedOrderAndAFileWithoutTableIsNotStored) {
  TempDir dir;
  std::string root = MakeDownloads(dir);
  std::string db = dir.File("nianbao.db");
  CliRun run = Nianbao(dir, {"import", "--db", db, root});
  EXPECT_EQ(run.exit_code, 3) << run.err;  // README.md has no statistics table
  // One line per file, in sorted path order.
  std::vector<std::string> order = {root + "/2019/shanghai.html", root + "/README.md",
                                    root + "/nanchang-2018.txt", root + "/pingtan-2024.html"};
  size_t at = 0;
  for (const std::string& file : order) {
    size_t found = run.out.find("\t" + file + "\t", at);
    ASSERT_NE(found, std::string::npos) << file << " not after offset " << at << ":\n" << run.out;
    at = found;
  }
  EXPECT_NE(run.out.find("no table\t" + root + "/README.md"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("4 files, 3 reports, 1 without a statistics table"), std::string::npos)
      << run.err;
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM reports"), 3);
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM sources WHERE url LIKE '%README.md'"), 0);

  // Each report keeps the values Extract read, and its fetch names the file's SHA-256.
  struct Case {
    std::string file, corpus;
  } cases[] = {{root + "/pingtan-2024.html", "pingtan-2024.html"},
               {root + "/nanchang-2018.txt", "nanchang-2018.txt"},
               {root + "/2019/shanghai.html", "shanghai-2019-condensed.html"}};
  for (const Case& c : cases) {
    std::string url = "file://" + c.file;
    nlohmann::json shown = Shown(dir, db, url);
    nlohmann::json truth = Truth(c.corpus);
    EXPECT_EQ(shown["template"], truth["template"]) << c.file;
    EXPECT_EQ(shown["year"], truth["year"]) << c.file;
    EXPECT_EQ(QueryText(db,
                        "SELECT f.final_url FROM fetches f JOIN sources s ON s.id = "
                        "f.source_id WHERE s.url = '" +
                            url + "'"),
              url + "#sha256=" + Sha256Hex(Corpus(c.corpus)));
  }
  nlohmann::json pingtan = Shown(dir, db, "file://" + root + "/pingtan-2024.html");
  EXPECT_EQ(pingtan["fields"]["requests.new.total"], 218);
  // The document itself is archived under its hash.
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM documents WHERE sha256 = '" +
                             Sha256Hex(Corpus("pingtan-2024.html")) + "'"),
            1);
}

TEST(ImportCli, ReimportIsUnchangedAndAChangedFileIsANewVersionOfTheSameReport) {
  TempDir dir;
  std::string db = dir.File("nianbao.db");
  std::string file = dir.File("report.html");
  std::string url = "file://" + file;
  WriteFileBytes(file, Corpus("pingtan-2024.html"));
  CliRun first = Nianbao(dir, {"import", "--db", db, file});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(first.out.starts_with("stored\t" + file + "\t" + url + "\tversion 1\tv2021\t2024"))
      << first.out;
  CliRun again = Nianbao(dir, {"import", "--db", db, file});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(again.out.starts_with("unchanged\t" + file + "\t" + url + "\tversion 1"))
      << again.out;

  WriteFileBytes(file, Corpus("shanghai-2019-condensed.html"));  // the file was replaced
  CliRun changed = Nianbao(dir, {"import", "--db", db, file});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_TRUE(changed.out.starts_with("stored\t" + file + "\t" + url + "\tversion 2\tv2019"))
      << changed.out;
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM reports"), 1);
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM fetches"), 3);
  nlohmann::json shown = Shown(dir, db, url);
  EXPECT_EQ(shown["fields"]["requests.new.total"], 859);
}

TEST(ImportCli, BodyYearAndUrlSetWhatTheFileCannotTell) {
  TempDir dir;
  std::string db = dir.File("nianbao.db");
  std::string file = dir.File("nanchang.txt");
  WriteFileBytes(file, Corpus("nanchang-2018.txt"));
  std::string url = "https://www.nc.gov.cn/ncszf/zfxxgknb/2019/report.htm";
  CliRun run = Nianbao(dir, {"import", "--db", db, "--body", "南昌市人民政府", "--year", "2017",
                             "--url", url, file});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json shown = Shown(dir, db, url);
  EXPECT_EQ(shown["issuer"], "南昌市人民政府");
  EXPECT_EQ(shown["year"], 2017);
  std::string warnings = shown["warnings"].dump();
  EXPECT_NE(warnings.find("year set by --year; the document shows 2018"), std::string::npos)
      << warnings;
  EXPECT_NE(warnings.find("issuer set by --body"), std::string::npos) << warnings;
  // The fetch still names the file it came from.
  EXPECT_EQ(QueryText(db, "SELECT final_url FROM fetches"),
            "file://" + file + "#sha256=" + Sha256Hex(Corpus("nanchang-2018.txt")));
}

TEST(ImportCli, BadInputIsAClearErrorAndStoresNothing) {
  TempDir dir;
  std::string db = dir.File("nianbao.db");
  std::string a = dir.File("a.html"), b = dir.File("b.html");
  WriteFileBytes(a, Corpus("pingtan-2024.html"));
  WriteFileBytes(b, Corpus("pingtan-2024.html"));
  CliRun two = Nianbao(dir, {"import", "--db", db, "--url", "https://x.gov.cn/r.htm", a, b});
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_NE(two.err.find("--url names one report: give exactly one file (got 2)"),
            std::string::npos)
      << two.err;
  CliRun missing = Nianbao(dir, {"import", "--db", db, dir.File("nothing-here.pdf")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no such file or directory: " + dir.File("nothing-here.pdf")),
            std::string::npos)
      << missing.err;
  EXPECT_FALSE(std::filesystem::exists(db));
}

TEST(ImportCli, ImportedReportsAreNotOfferedForHttpRecheck) {
  TempDir dir;
  std::string db = dir.File("nianbao.db");
  std::string file = dir.File("report.html");
  WriteFileBytes(file, Corpus("pingtan-2024.html"));
  ASSERT_EQ(Nianbao(dir, {"import", "--db", db, file}).exit_code, 0);
  std::unique_ptr<Store> store = Store::Open(db);
  EXPECT_TRUE(store->ReportsFetchedBefore(INT64_MAX, 10).empty());
  int64_t fetch = testing::RecordOkFetch(*store, "https://x.gov.cn/r.htm", 1);
  store->SaveExtraction("https://x.gov.cn/r.htm", fetch, testing::SampleExtraction(), "text");
  EXPECT_EQ(store->ReportsFetchedBefore(INT64_MAX, 10),
            std::vector<std::string>{"https://x.gov.cn/r.htm"});
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

TEST(FieldsCli, CsvHasEveryCatalogueFieldWithOfficialLabelsHarmonisedIdAndGloss) {
  TempDir dir;
  CliRun run = Nianbao(dir, {"fields", "--format", "csv"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> lines = Lines(run.out);
  std::vector<std::string> catalogue =
      Lines(ReadFileBytes(testing::SourceDir() + "/rules/fields.tsv"));
  ASSERT_EQ(lines.size(), catalogue.size());  // a header and one line per field
  EXPECT_EQ(lines[0], "field,template,section,row_label,column_label,unit,harmonised,gloss");
  auto has = [&](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  EXPECT_TRUE(
      has("requests.new.total,v2021,三,一、本年新收政府信息公开申请数量,总计,件,requests_new,"
          "requests for disclosure / new in the year / total"));
  EXPECT_TRUE(
      has("litigation.direct.total,v2019,四,行政诉讼/未经复议直接起诉,总计,件,litigation,"
          "administrative litigation / suit without prior review / total"));
  EXPECT_TRUE(
      has("requests.received,legacy,三,三、依申请公开情况/（一）收到申请数,统计数,件,"
          "requests_new,requests for disclosure / received"));
}

TEST(FieldsCli, JsonOfOneTemplateAndTextHaveOnlyThatTemplate) {
  TempDir dir;
  CliRun json = Nianbao(dir, {"fields", "--template", "v2019", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json array = nlohmann::json::parse(json.out);
  ASSERT_EQ(array.size(), 198u);  // the v2019 lines of rules/fields.tsv
  for (const auto& field : array) EXPECT_EQ(field["template"], "v2019") << field.dump();
  EXPECT_EQ(array[0]["field"], "active.rules.new_made");
  EXPECT_EQ(array[0]["row_label"], "规章");
  EXPECT_EQ(array[0]["column_label"], "本年新制作数量");
  EXPECT_EQ(array[0]["harmonised"], "");
  CliRun text = Nianbao(dir, {"fields", "--template", "v2021"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(Lines(text.out).size(), 1u + 207u);
  EXPECT_TRUE(text.out.starts_with("field\ttemplate\tsection\t")) << text.out.substr(0, 80);
  CliRun unknown = Nianbao(dir, {"fields", "--template", "v2030"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown template \"v2030\" (known: "), std::string::npos)
      << unknown.err;
}

// A copy of rules/ with `line` appended to `file`.
std::string RulesWith(const TempDir& dir, const std::string& file, const std::string& line) {
  std::string rules = dir.File("rules");
  std::filesystem::copy(testing::SourceDir() + "/rules", rules,
                        std::filesystem::copy_options::recursive);
  std::ofstream(rules + "/" + file, std::ios::app) << line << "\n";
  return rules;
}

TEST(FieldsCli, CrosswalkLineNamingAnUnknownFieldIsAnErrorNamingTheLine) {
  TempDir dir;
  std::string rules =
      RulesWith(dir, "harmonised.tsv", "requests_new\tv2019\trequests.bogus.total\texact\t");
  int line = static_cast<int>(Lines(ReadFileBytes(rules + "/harmonised.tsv")).size());
  CliRun run = Nianbao(dir, {"fields", "--rules", rules});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find(rules + "/harmonised.tsv:" + std::to_string(line) +
                         ": unknown field requests.bogus.total of template v2019"),
            std::string::npos)
      << run.err;
  EXPECT_TRUE(run.out.empty());
}

TEST(FieldsCli, CrosswalkFieldOfAnotherTemplateAndBadComparabilityAreErrors) {
  {
    TempDir dir;  // requests.received is a legacy field, not a v2021 one
    std::string rules =
        RulesWith(dir, "harmonised.tsv", "received\tv2021\trequests.received\texact\t");
    CliRun run = Nianbao(dir, {"fields", "--rules", rules});
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("unknown field requests.received of template v2021"), std::string::npos)
        << run.err;
  }
  {
    TempDir dir;
    std::string rules =
        RulesWith(dir, "harmonised.tsv", "fees\tv2021\tactive.fees.amount\tsimilar\tnote");
    CliRun run = Nianbao(dir, {"fields", "--rules", rules});
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("comparability must be exact, approximate or none, not \"similar\""),
              std::string::npos)
        << run.err;
  }
  {
    TempDir dir;  // approximate without saying how the meaning differs
    std::string rules =
        RulesWith(dir, "harmonised.tsv", "fees\tv2021\tactive.fees.amount\tapproximate\t");
    CliRun run = Nianbao(dir, {"fields", "--rules", rules});
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("a note must say how the meaning differs"), std::string::npos)
        << run.err;
  }
}

TEST(FieldsCli, AFieldPartWithoutGlossIsAnError) {
  TempDir dir;
  std::string rules = RulesWith(dir, "glossary.tsv", "");
  std::string glossary = ReadFileBytes(rules + "/glossary.tsv");
  size_t at = glossary.find("\nwithheld\twithheld\n");
  ASSERT_NE(at, std::string::npos);
  glossary.erase(at + 1, std::string("withheld\twithheld\n").size());
  WriteFileBytes(rules + "/glossary.tsv", glossary);
  CliRun run = Nianbao(dir, {"fields", "--rules", rules});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("glossary.tsv: no gloss for \"withheld\""), std::string::npos) << run.err;
}

TEST(ExportCli, CodebookIsWrittenBesideTheExport) {
  TempDir dir;
  std::string db = dir.File("nianbao.db");
  std::string file = dir.File("pingtan.html");
  WriteFileBytes(file, Corpus("pingtan-2024.html"));
  ASSERT_EQ(Nianbao(dir, {"import", "--db", db, file}).exit_code, 0);
  std::string out = dir.File("v2021.csv"), codebook = dir.File("v2021-codebook.csv");
  CliRun run = Nianbao(
      dir, {"export", "--db", db, "--template", "v2021", "--out", out, "--codebook", codebook});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(ReadFileBytes(out).find("requests.new.total"), std::string::npos);
  std::vector<std::string> lines = Lines(ReadFileBytes(codebook));
  ASSERT_EQ(lines.size(), 1u + 207u);
  for (size_t i = 1; i < lines.size(); ++i)
    EXPECT_NE(lines[i].find(",v2021,"), std::string::npos) << lines[i];
  EXPECT_FALSE(std::filesystem::exists(codebook + ".partial"));
  std::string json = dir.File("all.json");
  ASSERT_EQ(Nianbao(dir, {"export", "--db", db, "--out", out, "--codebook", json}).exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(ReadFileBytes(json)).size(),
            Lines(ReadFileBytes(testing::SourceDir() + "/rules/fields.tsv")).size() - 1);
}

TEST(DatasetViews, LatestReportsValuesAndChecksAreReadableWithPlainSql) {
  TempDir dir;
  std::string db = dir.File("nianbao.db");
  std::string file = dir.File("report.html");
  std::string url = "file://" + file;
  WriteFileBytes(file, Corpus("pingtan-2024.html"));
  ASSERT_EQ(Nianbao(dir, {"import", "--db", db, file}).exit_code, 0);
  WriteFileBytes(file, Corpus("shanghai-2019-condensed.html"));
  ASSERT_EQ(Nianbao(dir, {"import", "--db", db, file}).exit_code, 0);  // version 2
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM reports_latest"), 1);
  EXPECT_EQ(QueryInt(db, "SELECT version FROM reports_latest WHERE url = '" + url + "'"), 2);
  EXPECT_EQ(QueryText(db, "SELECT template FROM reports_latest"), "v2019");
  EXPECT_EQ(QueryInt(db, "SELECT value FROM values_latest WHERE field = 'requests.new.total'"),
            859);
  EXPECT_EQ(QueryInt(db, "SELECT count(DISTINCT version) FROM values_latest"), 1);
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM checks_latest WHERE kind = 'sum'"), 0);
  // Shanghai 2019 leaves 总计 blank on 11 outcome rows (see the corpus test): total_missing.
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM checks_latest WHERE kind = 'total_missing'"), 11);
  {
    std::unique_ptr<Store> store = Store::Open(db);
    int64_t fetch = testing::RecordOkFetch(*store, "https://x.gov.cn/r.htm", 1);
    store->SaveExtraction("https://x.gov.cn/r.htm", fetch, testing::SampleExtraction(), "text");
  }
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM reports_latest"), 2);
  EXPECT_EQ(QueryText(db, "SELECT url || ' ' || identity FROM checks_latest WHERE url LIKE 'https:%'"),
            "https://x.gov.cn/r.htm " + testing::SampleExtraction().checks[0].identity);
}

}  // namespace
}  // namespace nianbao
