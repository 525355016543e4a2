// The real pages of tests/data/corpus extract exactly as their *.truth.json say.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "extract/extract.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"
#include "tests/support/truth.h"

namespace nianbao {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> CorpusPages() {
  std::vector<fs::path> pages;
  for (const auto& entry : fs::directory_iterator(testing::CorpusDir())) {
    std::string name = entry.path().filename().string();
    if (name.ends_with(".truth.json"))
      pages.push_back(entry.path().parent_path() / name.substr(0, name.size() - 11));
  }
  std::sort(pages.begin(), pages.end());
  return pages;
}

class CorpusTest : public ::testing::TestWithParam<fs::path> {};

// Fields a page may leave null where its truth has a number: glued digit runs that more than one
// split fits (see extract/map/glued.h). Every other page must give every number.
std::vector<std::string> ExpectedWithheld(const std::string& page) {
  if (page == "pingtan-2025.txt") {
    // 表二 "行政规范性文件5845546": three cells, no identity ties them.
    return {"active.normative_docs.issued", "active.normative_docs.repealed",
            "active.normative_docs.in_force"};
  }
  return {};
}

// Statistic rows a page prints that no field of the catalogue holds: they stay unmatched (the
// legacy regional form of Pingtan 2018 has three), never forced into a field.
std::vector<std::string> ExpectedUnmatched(const std::string& page) {
  if (page == "pingtan-2018.html")
    return {"信函、传真申请数", "其他类型答复数", "接受行政诉讼、举报数"};
  return {};
}

TEST_P(CorpusTest, MatchesTruth) {
  const fs::path& page = GetParam();
  auto truth = nlohmann::json::parse(testing::ReadFileBytes(page.string() + ".truth.json"));
  auto rules = RuleSet::LoadEmbedded();
  Extraction e = Extract(testing::ReadFileBytes(page.string()), *rules);
  ASSERT_TRUE(e.template_id.has_value()) << page;
  std::vector<std::string> withheld = testing::ExpectFieldsAsTruth(e, truth, *rules);
  std::vector<std::string> expected_withheld = ExpectedWithheld(page.filename().string());
  std::sort(withheld.begin(), withheld.end());
  std::sort(expected_withheld.begin(), expected_withheld.end());
  EXPECT_EQ(withheld, expected_withheld);
  if (truth.contains("year")) {
    EXPECT_EQ(e.year, truth["year"].get<int>());
  }
  if (truth.contains("issuer")) {
    EXPECT_EQ(e.issuer.value_or(""), truth["issuer"].get<std::string>());
  }
  // The table checks that fail are the truth's violations: {"identity", "kind"} ("sum", or
  // "total_missing" for a blank total beside printed terms), or an identity name for a "sum".
  if (truth.contains("violations")) {
    std::set<std::pair<std::string, std::string>> failed, expected;
    for (const CheckFailure& c : e.checks) {
      if (c.kind != "text_vs_table") failed.insert({c.identity, c.kind});
    }
    for (const auto& v : truth["violations"]) {
      expected.insert(v.is_string() ? std::pair{v.get<std::string>(), std::string("sum")}
                                    : std::pair{v["identity"].get<std::string>(),
                                                v["kind"].get<std::string>()});
    }
    EXPECT_EQ(failed, expected);
  }
  // Every identity of the template has a status; a failure is listed once as a check.
  size_t identities = 0, failed = 0;
  for (const Identity& identity : rules->identities()) {
    // No corpus page prints an optional column (the 小计 of 法人或其他组织): its identities are
    // not listed (below).
    bool applies = std::find(identity.templates.begin(), identity.templates.end(),
                             *e.template_id) != identity.templates.end() &&
                   !identity.when_printed;
    identities += applies ? 1 : 0;
  }
  size_t table_statuses = 0;
  for (const CheckStatus& s : e.check_status) {
    if (s.table == "text") continue;
    EXPECT_FALSE(s.identity.starts_with("t3.org_subtotal.")) << s.identity;
    ++table_statuses;
    failed += s.status == "fail" ? 1 : 0;
  }
  EXPECT_EQ(table_statuses, identities);
  size_t table_failures = 0;
  for (const CheckFailure& c : e.checks) table_failures += c.kind == "text_vs_table" ? 0 : 1;
  EXPECT_EQ(failed, table_failures);
  std::vector<std::string> unmatched_expected = ExpectedUnmatched(page.filename().string());
  ASSERT_EQ(e.unmatched.size(), unmatched_expected.size())
      << (e.unmatched.empty() ? "" : e.unmatched.front().label);
  for (size_t i = 0; i < unmatched_expected.size(); ++i) {
    EXPECT_NE(e.unmatched[i].label.find(unmatched_expected[i]), std::string::npos)
        << e.unmatched[i].label;
  }
  for (const CheckFailure& c : e.checks) {
    if (c.kind == "total_missing") {
      EXPECT_FALSE(c.found.has_value()) << c.identity;
      ASSERT_TRUE(truth["fields"].contains(c.total_field)) << c.total_field;
      EXPECT_TRUE(truth["fields"][c.total_field].is_null())
          << c.total_field;  // the page left it blank
    }
  }
  // Every value read from a cell keeps its provenance.
  for (const auto& [id, cell] : e.cells) {
    EXPECT_FALSE(cell.label.empty()) << id;
    EXPECT_NE(cell.label.find(" | "), std::string::npos) << id;
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusTest, ::testing::ValuesIn(CorpusPages()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                           std::string name = info.param.filename().string();
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(CorpusMetadata, PingtanTitleAndDate) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e =
      Extract(testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html"), *rules);
  EXPECT_EQ(e.title, "平潭综合实验区2024年度政府信息公开工作年度报告");
  EXPECT_EQ(e.published, "2025-03-10");
  EXPECT_EQ(e.cells.at("requests.new.total").raw, "218");
}

TEST(CorpusMetadata, NanchangTitleFromText) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e =
      Extract(testing::ReadFileBytes(testing::CorpusDir() + "/nanchang-2018.txt"), *rules);
  EXPECT_EQ(e.title, "2018年南昌市政府信息公开工作年报");
  EXPECT_EQ(e.cells.at("fees").raw, "0");
}

}  // namespace
}  // namespace nianbao
