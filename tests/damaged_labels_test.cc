// Labels damaged in conversion (extract/map/match.h): rows matched by their numbering inside the
// blocks the template fixes, and vertical stubs. Pages: the real corpus/pingtan-2024.html with one
// label changed here as a PDF text layer or OCR damages it (its truth file gives every number), and
// text written here in the layout pdftotext gives the 淮安 2024 PDF.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "extract/extract.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

std::string Pingtan() {
  return testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html");
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::map<std::string, Value> Fields(const Extraction& e) {
  return {e.fields.begin(), e.fields.end()};
}

nlohmann::json Truth() {
  return nlohmann::json::parse(
      testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html.truth.json"))["fields"];
}

bool Warned(const Extraction& e, const std::string& what) {
  for (const std::string& w : e.warnings) {
    if (w.find(what) != std::string::npos) return true;
  }
  return false;
}

TEST(DamagedLabels, CloseWordingIsMatchedByItsNumbering) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e =
      Extract(Replace(Pingtan(), "2.其他法律行政法规禁止公开", "2.其他法律行政止公开"), *rules);
  auto f = Fields(e);
  auto truth = Truth();
  for (const char* column : {"natural_person", "commercial", "total"}) {
    std::string id = std::string("outcome.withheld.law_prohibited.") + column;
    EXPECT_EQ(f[id], truth[id].get<double>()) << id;
  }
  EXPECT_TRUE(
      Warned(e, "/（三）不予公开/2.其他法律行政止公开\" read as outcome.withheld.law_prohibited"))
      << ::testing::PrintToString(e.warnings);
  EXPECT_TRUE(e.unmatched.empty()) << e.unmatched.front().label;
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
}

TEST(DamagedLabels, FarWordingStaysUnmatched) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e =
      Extract(Replace(Pingtan(), "2.其他法律行政法规禁止公开", "2.本单位自定事项"), *rules);
  auto f = Fields(e);
  EXPECT_FALSE(f["outcome.withheld.law_prohibited.total"].has_value());
  ASSERT_EQ(e.unmatched.size(), 1u);
  EXPECT_NE(e.unmatched[0].label.find("2.本单位自定事项"), std::string::npos);
  EXPECT_FALSE(Warned(e, "matched_by_numbering"));
  // Its numbers are terms of the column sums: those cannot be judged, and do not fail.
  for (const CheckFailure& c : e.checks) EXPECT_NE(c.identity.rfind("t3.column_total", 0), 0u);
}

TEST(DamagedLabels, AnItemClaimedTwiceIsAmbiguous) {
  auto rules = RuleSet::LoadEmbedded();
  // Two damaged rows both numbered 2: neither is read.
  std::string page = Replace(Pingtan(), "2.其他法律行政法规禁止公开", "2.其他法律行政止公开");
  page = Replace(page, "3.危及“三安全一稳定”", "2.其他法律行政法规止公开");
  Extraction e = Extract(page, *rules);
  auto f = Fields(e);
  EXPECT_FALSE(f["outcome.withheld.law_prohibited.total"].has_value());
  EXPECT_EQ(e.unmatched.size(), 2u);
  EXPECT_FALSE(Warned(e, "matched_by_numbering"));
}

TEST(DamagedLabels, AnItemAlreadyReadIsNotTakenAgain) {
  auto rules = RuleSet::LoadEmbedded();
  // 4. damaged into the wording of 2., whose own row is intact: 2. keeps its row, 4. is unmatched.
  Extraction e =
      Extract(Replace(Pingtan(), "4.保护第三方合法权益", "2.其他法律行政止公开"), *rules);
  auto f = Fields(e);
  auto truth = Truth();
  EXPECT_EQ(f["outcome.withheld.law_prohibited.total"],
            truth["outcome.withheld.law_prohibited.total"].get<double>());
  EXPECT_FALSE(f["outcome.withheld.third_party.total"].has_value());
  EXPECT_EQ(e.unmatched.size(), 1u);
}

TEST(DamagedLabels, VerticalStubInPdftotextOutput) {
  auto rules = RuleSet::LoadEmbedded();
  // The real 淮安 2024 PDF as pdftotext -layout prints it: 三、本年度办理结果 one character a line,
  // scattered into the rows; on the next page only "三、 本 年" is left above （七）总计.
  Extraction e = Extract(
      testing::ReadFileBytes(testing::DataDir() + "/pages/huaian-2024-pdftotext.txt"), *rules);
  ASSERT_EQ(e.template_id, "v2021");
  auto f = Fields(e);
  EXPECT_EQ(f["outcome.total.natural_person"], 2932);
  EXPECT_EQ(f["outcome.total.total"], 3050);
  EXPECT_EQ(f["outcome.withheld.law_prohibited.total"], 31);
  EXPECT_TRUE(Warned(e, "matched_by_numbering \"三、 本 年/（七）总计\""))
      << ::testing::PrintToString(e.warnings);
  EXPECT_TRUE(e.unmatched.empty()) << e.unmatched.front().label;
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
  auto truth = nlohmann::json::parse(
      testing::ReadFileBytes(testing::DataDir() + "/pages/huaian-2024-pdftotext.txt.truth.json"));
  int exact = 0;
  for (const auto& [id, expected] : truth["fields"].items()) {
    bool same = expected.is_null() ? !f[id].has_value()
                                   : f[id].has_value() && *f[id] == expected.get<double>();
    exact += same ? 1 : 0;
    if (!same)
      ADD_FAILURE() << id << " is " << ::testing::PrintToString(f[id]) << ", truth " << expected;
  }
  EXPECT_EQ(exact, static_cast<int>(truth["fields"].size()));
}

}  // namespace
}  // namespace nianbao
