// `nianbao extract` as a user runs it: the real binary, exit statuses, JSON, JSON Lines, CSV.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

struct RunResult {
  int status = -1;
  std::string out;
};

// Runs the binary with `args` (shell-quoted by the caller); stderr goes to `err_file` when given.
RunResult Nianbao(const std::string& args, const std::string& err_file = "/dev/null") {
  std::string command = testing::NianbaoBinary() + " " + args + " 2>" + err_file;
  RunResult run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.out.append(buffer.data(), n);
  int raw = ::pclose(pipe);
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return run;
}

std::string Corpus(const std::string& name) { return testing::CorpusDir() + "/" + name; }

TEST(ExtractCli, OneFileGivesOneJsonObject) {
  RunResult run = Nianbao("extract " + Corpus("pingtan-2024.html"));
  ASSERT_EQ(run.status, 0);
  auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["template"], "v2021");
  EXPECT_EQ(json["year"], 2024);
  EXPECT_EQ(json["fields"]["requests.new.total"], 218);
  EXPECT_EQ(json["fields"]["active.fees.amount"], 18651.06);
  EXPECT_EQ(json["cells"]["requests.new.total"]["raw"], "218");
  EXPECT_TRUE(json["checks"].empty());
  EXPECT_FALSE(json.contains("file"));
}

TEST(ExtractCli, NoStatisticsTableExitsThree) {
  RunResult run = Nianbao("extract " + Corpus("lists/pingtan-zfxxgknb-index.html"));
  EXPECT_EQ(run.status, 3);
  auto json = nlohmann::json::parse(run.out);
  EXPECT_TRUE(json["template"].is_null());
}

TEST(ExtractCli, UnreadableFileExitsTwo) {
  std::string err = ::testing::TempDir() + "/nianbao-cli-err.txt";
  RunResult run = Nianbao("extract /nonexistent/report.html", err);
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(testing::ReadFileBytes(err).find("nianbao: cannot read /nonexistent/report.html: "),
            std::string::npos)
      << testing::ReadFileBytes(err);
}

TEST(ExtractCli, BadUsageExitsTwo) {
  EXPECT_EQ(Nianbao("extract").status, 2);
  EXPECT_EQ(Nianbao("extract --format xml " + Corpus("pingtan-2024.html")).status, 2);
  EXPECT_EQ(Nianbao("extract --rules /nonexistent " + Corpus("pingtan-2024.html")).status, 2);
}

TEST(ExtractCli, SeveralFilesGiveJsonLinesInOrder) {
  std::string list = Corpus("lists/ordos-engebei-xxgknb.html");
  RunResult run = Nianbao("extract " + Corpus("nanchang-2018.txt") + " " +
                          Corpus("pingtan-2024.html") + " " + list);
  EXPECT_EQ(run.status, 3);  // the list page has no table
  std::istringstream lines(run.out);
  std::vector<nlohmann::ordered_json> objects;
  for (std::string line; std::getline(lines, line);)
    objects.push_back(nlohmann::ordered_json::parse(line));
  ASSERT_EQ(objects.size(), 3u);
  EXPECT_EQ(objects[0]["file"], Corpus("nanchang-2018.txt"));
  EXPECT_EQ(objects[0]["template"], "legacy");
  EXPECT_EQ(objects[1]["file"], Corpus("pingtan-2024.html"));
  EXPECT_EQ(objects[1]["template"], "v2021");
  EXPECT_TRUE(objects[2]["template"].is_null());
  EXPECT_EQ(objects[0].begin().key(), "file");
}

TEST(ExtractCli, StdinAndCsv) {
  RunResult run = Nianbao("extract --format csv - < " + Corpus("nanchang-2018.txt"));
  ASSERT_EQ(run.status, 0);
  std::istringstream lines(run.out);
  std::string header;
  std::getline(lines, header);
  EXPECT_EQ(header, "field,value,raw,label\r");
  int rows = 0;
  bool saw_total = false;
  for (std::string line; std::getline(lines, line);) {
    ++rows;
    if (line.rfind("active.total,212653,212653,", 0) == 0) saw_total = true;
  }
  EXPECT_EQ(rows, 59);  // every legacy field (58 + requests.received.email, fields.tsv)
  EXPECT_TRUE(saw_total) << run.out.substr(0, 400);
}

TEST(ExtractCli, CsvWithSeveralFilesHasAFileColumn) {
  RunResult run = Nianbao("extract --format csv " + Corpus("nanchang-2018.txt") + " " +
                          Corpus("pingtan-2024.html"));
  ASSERT_EQ(run.status, 0);
  EXPECT_EQ(run.out.rfind("file,field,value,raw,label\r\n", 0), 0u);
  EXPECT_NE(run.out.find(Corpus("pingtan-2024.html") + ",requests.new.total,218,218,"),
            std::string::npos);
}

TEST(ExtractCli, RulesDirectoryOverride) {
  RunResult run =
      Nianbao("extract --rules " + testing::SourceDir() + "/rules " + Corpus("pingtan-2024.html"));
  EXPECT_EQ(run.status, 0);
}

// --encoding is the charset when the page does not say it; --force-encoding overrides the page.
TEST(ExtractCli, EncodingYieldsToThePageAndForceEncodingDoesNot) {
  std::string gbk = testing::DataDir() + "/pages/v2021-word-gbk.html";  // <meta charset="gbk">
  RunResult fallback = Nianbao("extract --encoding UTF-8 " + gbk);
  ASSERT_EQ(fallback.status, 0);
  EXPECT_EQ(nlohmann::json::parse(fallback.out)["template"], "v2021");

  RunResult forced = Nianbao("extract --force-encoding UTF-8 " + gbk);
  EXPECT_EQ(forced.status, 3);  // read as UTF-8, as asked: no table can be found
  auto json = nlohmann::json::parse(forced.out);
  EXPECT_TRUE(json["template"].is_null());
  std::string warnings = json["warnings"].dump();
  EXPECT_NE(warnings.find("as forced"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("invalid UTF-8 byte sequence"), std::string::npos) << warnings;

  RunResult right = Nianbao("extract --force-encoding GB2312 " + gbk);
  ASSERT_EQ(right.status, 0);
  EXPECT_EQ(nlohmann::json::parse(right.out)["template"], "v2021");
}

// Every format through the one command; `-` sniffs stdin. Sources: corpus/huaian-2024.pdf (real),
// documents/pingtan-2024-form.docx and pingtan-2024-calc.xlsx (made from corpus/pingtan-2024.html).
TEST(ExtractCli, DocumentsFromFilesAndStdin) {
  std::string docs = testing::DataDir() + "/documents/";
  RunResult pdf = Nianbao("extract - < " + Corpus("huaian-2024.pdf"));
  ASSERT_EQ(pdf.status, 0) << pdf.out;
  auto json = nlohmann::json::parse(pdf.out);
  EXPECT_EQ(json["format"], "pdf");
  EXPECT_EQ(json["fields"]["requests.new.total"], 3119);
  RunResult several = Nianbao("extract " + docs + "pingtan-2024-form.docx " + docs +
                              "pingtan-2024-calc.xlsx " + docs + "bad/empty.docx");
  EXPECT_EQ(several.status, 3);  // the empty one has no table
  std::istringstream lines(several.out);
  std::vector<nlohmann::json> objects;
  for (std::string line; std::getline(lines, line);) objects.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(objects.size(), 3u);
  EXPECT_EQ(objects[0]["format"], "docx");
  EXPECT_EQ(objects[0]["fields"]["requests.new.total"], 218);
  EXPECT_EQ(objects[1]["format"], "xlsx");
  EXPECT_EQ(objects[1]["fields"]["requests.new.total"], 218);
  EXPECT_EQ(objects[2]["format"], "empty");
  EXPECT_EQ(objects[2]["warnings"][0], "empty document (no bytes to read)");
}

// --jobs N changes how many files are extracted at once, never what is printed: ~30 files (real
// pages repeated, an unreadable path, a list page without a table, stdin as `-`) give the same
// bytes, the same stderr and the same exit status with 1 and 4 workers, each file's output in input
// order.
TEST(ExtractCli, JobsDoNotChangeTheOutputOrItsOrder) {
  std::vector<std::string> pages = {Corpus("pingtan-2024.html"),
                                    Corpus("nanchang-2018.txt"),
                                    Corpus("shanghai-2019-condensed.html"),
                                    Corpus("pingtan-2025.txt"),
                                    testing::DataDir() + "/pages/v2019.html",
                                    testing::DataDir() + "/pages/legacy-2015.html"};
  std::vector<std::string> files;
  for (int round = 0; round < 5; ++round) files.insert(files.end(), pages.begin(), pages.end());
  files.insert(files.begin() + 7, "/nonexistent/report.html");
  files.insert(files.begin() + 13, Corpus("lists/pingtan-zfxxgknb-index.html"));
  files.insert(files.begin() + 20, "-");
  std::string list;
  for (const std::string& file : files) list += " " + file;
  list += " < " + Corpus("pingtan-2024.html");
  ASSERT_EQ(files.size(), 33u);

  for (std::string format : {"json", "csv"}) {
    SCOPED_TRACE(format);
    std::string err1 = ::testing::TempDir() + "/nianbao-jobs1-err.txt";
    std::string err4 = ::testing::TempDir() + "/nianbao-jobs4-err.txt";
    RunResult one = Nianbao("extract --format " + format + " --jobs 1" + list, err1);
    RunResult four = Nianbao("extract --format " + format + " --jobs 4" + list, err4);
    EXPECT_EQ(one.status, 2);  // the unreadable path wins over the page without a table
    EXPECT_EQ(four.status, one.status);
    EXPECT_EQ(four.out, one.out);
    EXPECT_EQ(testing::ReadFileBytes(err4), testing::ReadFileBytes(err1));
    EXPECT_EQ(testing::ReadFileBytes(err1),
              "nianbao: cannot read /nonexistent/report.html: No such file or directory\n");

    // Each readable file in input order: the "file" key of each line, or the CSV file column.
    std::vector<std::string> expected;
    for (const std::string& file : files)
      if (file != "/nonexistent/report.html") expected.push_back(file);
    std::vector<std::string> seen;
    std::istringstream lines(four.out);
    std::string line;
    if (format == "csv") std::getline(lines, line);  // the header
    int stdin_total = -1;
    while (std::getline(lines, line)) {
      std::string file = line.substr(0, line.find(','));
      if (format == "json") {
        auto object = nlohmann::json::parse(line);
        file = object["file"];
        if (file == "-") stdin_total = object["fields"]["requests.new.total"];
      } else if (file == "-" && line.rfind("-,requests.new.total,", 0) == 0) {
        stdin_total = std::stoi(line.substr(std::strlen("-,requests.new.total,")));
      }
      if (seen.empty() || seen.back() != file) seen.push_back(file);
    }
    EXPECT_EQ(stdin_total, 218);  // `-` is the page given on standard input
    if (format == "csv")
      std::erase(expected, Corpus("lists/pingtan-zfxxgknb-index.html"));            // no rows
    expected.erase(std::unique(expected.begin(), expected.end()), expected.end());  // as `seen`
    EXPECT_EQ(seen, expected);
  }
}

TEST(ExtractCli, JobsMustBePositive) {
  EXPECT_EQ(Nianbao("extract --jobs 0 " + Corpus("pingtan-2024.html")).status, 2);
}

}  // namespace
}  // namespace nianbao
