// The matcher over hand-built grids: header blocks, spans, row hierarchy, split tables, unmatched.
#include "extract/map/match.h"

#include <gtest/gtest.h>

#include <map>

namespace nianbao {
namespace {

// Builds a Grid from rows of cells; "<" repeats the cell to the left (colspan), "^" the cell above
// (rowspan).
Grid MakeGrid(const std::vector<std::vector<std::string>>& rows) {
  Grid grid;
  grid.rows = static_cast<int>(rows.size());
  for (const auto& row : rows) grid.columns = std::max(grid.columns, static_cast<int>(row.size()));
  grid.slots.assign(static_cast<size_t>(grid.rows) * grid.columns, -1);
  for (int r = 0; r < grid.rows; ++r) {
    for (int c = 0; c < static_cast<int>(rows[r].size()); ++c) {
      const std::string& text = rows[r][c];
      int index;
      if (text == "<") {
        index = grid.slots[static_cast<size_t>(r) * grid.columns + c - 1];
        grid.cells[index].colspan = c - grid.cells[index].column + 1;
      } else if (text == "^") {
        index = grid.slots[static_cast<size_t>(r - 1) * grid.columns + c];
        grid.cells[index].rowspan = r - grid.cells[index].row + 1;
      } else {
        index = static_cast<int>(grid.cells.size());
        grid.cells.push_back({text, r, c, 1, 1});
      }
      grid.slots[static_cast<size_t>(r) * grid.columns + c] = index;
    }
  }
  return grid;
}

class MatchTest : public ::testing::Test {
 protected:
  static const RuleSet& rules() {
    static const auto* r = new std::shared_ptr<const RuleSet>(RuleSet::LoadEmbedded());
    return **r;
  }
  MatchResult Match(const std::vector<Grid>& grids, const char* tmpl, bool text = false) {
    LabelCache labels(rules().normalizer());
    return MatchGrids(grids, *rules().FindTemplate(tmpl), labels, text);
  }
  static std::map<std::string, std::string> Raw(const MatchResult& result) {
    std::map<std::string, std::string> out;
    for (const MatchedCell& c : result.cells) out[c.field] = c.cell.raw;
    return out;
  }
};

const std::vector<std::string> kApplicantHeader1 = {"",  "",  "申请人情况", "<", "<",
                                                    "<", "<", "<",          "<"};
const std::vector<std::string> kApplicantHeader2 = {"^", "^", "自然人", "法人或其他组织", "<", "<",
                                                    "<", "<", "总计"};
const std::vector<std::string> kApplicantHeader3 = {
    "^", "^", "^", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "^"};

TEST_F(MatchTest, ThreeRowHeaderWithSpans) {
  Grid grid =
      MakeGrid({kApplicantHeader1,
                kApplicantHeader2,
                kApplicantHeader3,
                {"一、本年新收政府信息公开申请数量", "<", "5", "1", "0", "0", "0", "2", "8"},
                {"三、本年度办理结果", "（三）不予公开", "", "", "", "", "", "", ""},
                {"^", "1.属于国家秘密", "4", "0", "0", "0", "0", "0", "4"},
                {"^", "（七）总计", "9", "1", "0", "0", "0", "2", "12"}});
  grid.slots[0] = grid.slots[1];  // corner: one blank cell
  MatchResult result = Match({grid}, "v2021");
  auto raw = Raw(result);
  EXPECT_EQ(raw["requests.new.natural_person"], "5");
  EXPECT_EQ(raw["requests.new.other_org"], "2");
  EXPECT_EQ(raw["requests.new.total"], "8");
  EXPECT_EQ(raw["outcome.withheld.state_secret.natural_person"], "4");
  EXPECT_EQ(raw["outcome.total.total"], "12");
  EXPECT_EQ(raw["outcome.total.commercial"], "1");
  EXPECT_TRUE(result.unmatched.empty());
  for (const MatchedCell& c : result.cells) {
    if (c.field == "outcome.total.total") {
      EXPECT_EQ(c.cell.label, "三、本年度办理结果/（七）总计 | 申请人情况/总计");
      EXPECT_EQ(c.cell.row, 6);
      EXPECT_EQ(c.cell.column, 8);
    }
  }
}

TEST_F(MatchTest, ColumnOrderMayVary) {
  Grid grid = MakeGrid(
      {{"", "总计", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"},
       {"一、本年新收政府信息公开申请数量", "8", "5", "1", "0", "0", "0", "2"}});
  auto raw = Raw(Match({grid}, "v2021"));
  EXPECT_EQ(raw["requests.new.total"], "8");
  EXPECT_EQ(raw["requests.new.natural_person"], "5");
}

TEST_F(MatchTest, FlatRowsTakeContextFromNumbering) {
  // (三) as a group row of its own, the sub-rows below it in the same column; (六) split in 2021
  // style.
  Grid grid = MakeGrid({{"", "自然人", "总计"},
                        {"（三）不予公开", "", ""},
                        {"1.属于国家秘密", "1", "1"},
                        {"（六）其他处理", "", ""},
                        {"3.其他", "2", "2"},
                        {"（七）总计", "3", "3"}});
  MatchResult result = Match({grid}, "v2021");
  auto raw = Raw(result);
  EXPECT_EQ(raw["outcome.withheld.state_secret.natural_person"], "1");
  EXPECT_EQ(raw["outcome.other.other.total"], "2");
  // （七）总计 needs 三、本年度办理结果 above it: without it the row is reported, not guessed.
  EXPECT_EQ(raw.count("outcome.total.total"), 0u);
}

TEST_F(MatchTest, ExtraRowsAreUnmatchedNotForced) {
  Grid grid = MakeGrid({{"", "自然人", "总计"},
                        {"一、本年新收政府信息公开申请数量", "5", "5"},
                        {"其中：网上申请", "3", "3"},
                        {"二、上年结转政府信息公开申请数量", "0", "0"}});
  MatchResult result = Match({grid}, "v2021");
  auto raw = Raw(result);
  EXPECT_EQ(raw["requests.new.total"], "5");
  EXPECT_EQ(raw["requests.carried_over.total"], "0");
  ASSERT_EQ(result.unmatched.size(), 1u);
  EXPECT_EQ(result.unmatched[0].kind, "row");
  EXPECT_NE(result.unmatched[0].label.find("网上申请"), std::string::npos);
  EXPECT_EQ(result.unmatched[0].row, 2);
}

TEST_F(MatchTest, RepeatedAndChangingHeaderRows) {
  Grid grid = MakeGrid({{"第二十条第（一）项", "<", "<", "<"},
                        {"信息内容", "本年制发件数", "本年废止件数", "现行有效件数"},
                        {"规章", "1", "2", "3"},
                        {"行政规范性文件", "4", "5", "6"},
                        {"第二十条第（五）项", "<", "<", "<"},
                        {"信息内容", "本年处理决定数量", "<", "<"},
                        {"行政许可", "7", "<", "<"},
                        {"第二十条第（八）项", "<", "<", "<"},
                        {"信息内容", "本年收费金额（单位：万元）", "<", "<"},
                        {"行政事业性收费", "1.5", "<", "<"}});
  MatchResult result = Match({grid}, "v2021");
  auto raw = Raw(result);
  EXPECT_EQ(raw["active.rules.issued"], "1");
  EXPECT_EQ(raw["active.normative_docs.in_force"], "6");
  EXPECT_EQ(raw["active.licensing.decisions"], "7");
  EXPECT_EQ(raw["active.fees.amount"], "1.5");
  EXPECT_TRUE(result.unmatched.empty());
}

TEST_F(MatchTest, SplitTableInheritsTheHeader) {
  Grid header = MakeGrid({kApplicantHeader1, kApplicantHeader2, kApplicantHeader3});
  Grid body =
      MakeGrid({{"一、本年新收政府信息公开申请数量", "<", "5", "1", "0", "0", "0", "2", "8"}});
  Grid rest = MakeGrid({{"（三）不予公开", "1.属于国家秘密", "4", "0", "0", "0", "0", "0", "4"}});
  auto raw = Raw(Match({header, body, rest}, "v2021"));
  EXPECT_EQ(raw["requests.new.total"], "8");
  EXPECT_EQ(raw["outcome.withheld.state_secret.total"], "4");
}

TEST_F(MatchTest, TableFourByColumnPathAlone) {
  Grid grid = MakeGrid(
      {{"行政复议", "<", "<", "<", "<", "行政诉讼", "<", "<", "<", "<", "<", "<", "<", "<", "<"},
       {"结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "<", "<", "<",
        "<", "复议后起诉", "<", "<", "<", "<"},
       {"^", "^", "^", "^", "^", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "结果维持",
        "结果纠正", "其他结果", "尚未审结", "总计"},
       {"2", "1", "3", "1", "7", "0", "0", "0", "0", "0", "13", "2", "4", "0", "19"}});
  MatchResult result = Match({grid}, "v2021");
  auto raw = Raw(result);
  EXPECT_EQ(raw["review.upheld"], "2");
  EXPECT_EQ(raw["review.total"], "7");
  EXPECT_EQ(raw["litigation.direct.total"], "0");
  EXPECT_EQ(raw["litigation.after_review.upheld"], "13");
  EXPECT_EQ(raw["litigation.after_review.total"], "19");
  EXPECT_EQ(result.cells.size(), 15u);
}

TEST_F(MatchTest, TextRowsArePositionalWhenCountsFit) {
  // pdftotext -layout: the header does not line up with the values.
  Grid grid = MakeGrid({{"自然人", "法人或其他组织", "总计"},
                        {"商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"},
                        {"一、本年新收政府信息公开申请数量", "5", "1", "0", "0", "0", "2", "8"}});
  auto raw = Raw(Match({grid}, "v2021", /*text=*/true));
  EXPECT_EQ(raw["requests.new.natural_person"], "5");
  EXPECT_EQ(raw["requests.new.other_org"], "2");
  EXPECT_EQ(raw["requests.new.total"], "8");
}

TEST_F(MatchTest, LegacyListFromLabelValuePairs) {
  Grid grid = MakeGrid({{"统计指标"}, {"单位"},
                        {"统计数"},   {"三、依申请公开情况"},
                        {"——"},       {"（一）收到申请数"},
                        {"10"},       {"1.当面申请数"},
                        {"4"},        {"四、行政复议数量"},
                        {"3"},        {"（三）其他情形数"},
                        {"1"},        {"五、行政诉讼数量"},
                        {"2"},        {"（三）其他情形数"},
                        {"2"},        {"十、本地新增指标"},
                        {"9"},        {"七、依申请公开信息收取的费用"},
                        {"万元"},     {"0.5"}});
  MatchResult result = Match({grid}, "legacy");
  auto raw = Raw(result);
  EXPECT_EQ(raw["requests.received"], "10");
  EXPECT_EQ(raw["requests.received.in_person"], "4");
  EXPECT_EQ(raw["review.other"], "1");
  EXPECT_EQ(raw["litigation.other"], "2");
  EXPECT_EQ(raw["fees"], "0.5");
  ASSERT_EQ(result.unmatched.size(), 1u);
  EXPECT_NE(result.unmatched[0].label.find("本地新增指标"), std::string::npos);
}

TEST_F(MatchTest, DetectsTemplatesFromLabels) {
  LabelCache labels(rules().normalizer());
  Grid v2021 = MakeGrid({{"信息内容", "本年制发件数", "本年废止件数", "现行有效件数"},
                         {"一、本年新收政府信息公开申请数量", "1"}});
  Grid v2019 = MakeGrid({{"信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"},
                         {"规章", "1", "2", "3"}});
  Grid legacy = MakeGrid({{"统计指标", "单位", "统计数"},
                          {"（一）收到申请数", "件", "3"},
                          {"1.当面申请数", "件", "1"}});
  Grid prose = MakeGrid({{"本机关依法做好政府信息公开工作"}});
  // The year never overrides the labels: a 2022 report in 2019 wording is v2019.
  EXPECT_EQ(DetectTemplate({v2021}, rules(), labels, 2019)->id, "v2021");
  EXPECT_EQ(DetectTemplate({v2019}, rules(), labels, 2022)->id, "v2019");
  EXPECT_EQ(DetectTemplate({legacy}, rules(), labels, std::nullopt)->id, "legacy");
  EXPECT_EQ(DetectTemplate({prose}, rules(), labels, 2020), nullptr);
}

}  // namespace
}  // namespace nianbao
