// The real pages of tests/data/corpus extract exactly as their *.truth.json say.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
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

TEST_P(CorpusTest, MatchesTruth) {
  const fs::path& page = GetParam();
  auto truth = nlohmann::json::parse(testing::ReadFileBytes(page.string() + ".truth.json"));
  auto rules = RuleSet::LoadEmbedded();
  Extraction e = Extract(testing::ReadFileBytes(page.string()), *rules);
  ASSERT_TRUE(e.template_id.has_value()) << page;
  testing::ExpectFieldsAsTruth(e, truth, *rules);
  if (truth.contains("year")) {
    EXPECT_EQ(e.year, truth["year"].get<int>());
  }
  if (truth.contains("issuer")) {
    EXPECT_EQ(e.issuer.value_or(""), truth["issuer"].get<std::string>());
  }
  if (truth.contains("violations")) {
    std::vector<std::string> names;
    for (const CheckFailure& c : e.checks) names.push_back(c.identity);
    EXPECT_EQ(names.size(), truth["violations"].size()) << ::testing::PrintToString(names);
  }
  EXPECT_TRUE(e.unmatched.empty()) << e.unmatched.front().label;
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
