// Text whose table cells are glued together (extract/read/glued.h, extract/map/glued.h), on pages
// made here: the v2021 tables with invented numbers, saved in one run the way an archiving crawler
// saves a page's text content.
#include "extract/map/glued.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "extract/extract.h"
#include "extract/read/glued.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

struct Row {
  std::string label;
  std::vector<std::string> cells;
};

std::string Glue(const std::vector<Row>& rows) {
  std::string out;
  for (const Row& row : rows) {
    out += row.label;
    for (const std::string& cell : row.cells) out += cell;
  }
  return out;
}

// The numbers of one table-three row: the six applicant columns, then their total.
std::vector<std::string> T3(std::vector<int> six) {
  int total = 0;
  std::vector<std::string> out;
  for (int n : six) out.push_back(std::to_string(n)), total += n;
  out.push_back(std::to_string(total));
  return out;
}

// A v2021 report as one line. `t3` gives each outcome row's six applicant numbers by label.
std::string Page(const std::map<std::string, std::vector<int>>& t3,
                 std::vector<std::string> normative = {"5", "0", "37"},
                 std::vector<std::string> new_requests = {}) {
  auto row = [&](const std::string& label) {
    auto it = t3.find(label);
    return Row{label, T3(it == t3.end() ? std::vector<int>(6, 0) : it->second)};
  };
  std::vector<Row> rows = {
      {"本报告由某区政府办公室编制，数据统计期限为2024年1月1日至2024年12月31日。二、主动公开政府信"
       "息情况"
       "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章",
       {"0", "0", "0"}},
      {"行政规范性文件", normative},
      {"第二十条第（五）项信息内容本年处理决定数量行政许可", {"812"}},
      {"第二十条第（六）项信息内容本年处理决定数量行政处罚", {"96"}},
      {"行政强制", {"7"}},
      {"第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费", {"12.5"}},
      {"三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加"
       "第四项之和）申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他",
       {}},
  };
  Row requests = row("一、本年新收政府信息公开申请数量");
  if (!new_requests.empty()) requests.cells = new_requests;
  rows.push_back(requests);
  rows.push_back(row("二、上年结转政府信息公开申请数量"));
  rows.push_back({"三、本年度办理结果", {}});
  rows.push_back(row("（一）予以公开"));
  rows.push_back(row("（二）部分公开（区分处理的，只计这一情形，不计其他情形）"));
  rows.push_back({"（三）不予公开", {}});
  for (const char* item : {"1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
                           "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
                           "7.属于行政执法案卷", "8.属于行政查询事项"})
    rows.push_back(row(item));
  rows.push_back({"（四）无法提供", {}});
  for (const char* item :
       {"1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"})
    rows.push_back(row(item));
  rows.push_back({"（五）不予处理", {}});
  for (const char* item : {"1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
                           "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息"})
    rows.push_back(row(item));
  rows.push_back({"（六）其他处理", {}});
  for (const char* item :
       {"1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"})
    rows.push_back(row(item));
  rows.push_back(row("（七）总计"));
  rows.push_back(row("四、结转下年度继续办理"));
  rows.push_back(
      {"四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
       "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他"
       "结果尚未审结总计",
       {"2", "1", "0", "0", "3", "1", "0", "0", "0", "1", "0", "0", "0", "0", "0"}});
  rows.push_back({"五、存在的主要问题及改进情况2024年，本区政府信息公开工作仍有不足。", {}});
  return "标题: 某区2024年度政府信息公开工作年度报告\n" + Glue(rows) + "\n";
}

// True when a warning of `e` holds `text`.
bool Warns(const Extraction& e, const std::string& text) {
  return std::any_of(e.warnings.begin(), e.warnings.end(),
                     [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

std::map<std::string, Value> Fields(const Extraction& e) {
  return {e.fields.begin(), e.fields.end()};
}

// (一)予以公开 30 for natural persons, 3 for firms; 1 carried forward. New: 33 + 1 = 34.
std::map<std::string, std::vector<int>> Consistent() {
  return {{"一、本年新收政府信息公开申请数量", {31, 3, 0, 0, 0, 0}},
          {"（一）予以公开", {30, 3, 0, 0, 0, 0}},
          {"（七）总计", {30, 3, 0, 0, 0, 0}},
          {"四、结转下年度继续办理", {1, 0, 0, 0, 0, 0}}};
}

TEST(SplitDigits, EverySplitWithoutLeadingZeros) {
  bool complete = false;
  auto splits = SplitDigits("1030", 2, 100, &complete);
  EXPECT_TRUE(complete);
  // 1|030 and 10|30 … : "030" and "0"+"30" are fine only as "0" alone.
  EXPECT_EQ(splits, (std::vector<std::vector<std::string>>{{"10", "30"}, {"103", "0"}}));
  EXPECT_EQ(SplitDigits("0000000", 7, 100, &complete).size(), 1u);
  EXPECT_EQ(SplitDigits("15130000154", 7, 100, &complete).size(), 31u);
  EXPECT_TRUE(SplitDigits("12", 3, 100, &complete).empty());
  EXPECT_EQ(SplitDigits("12.5", 1, 100, &complete).size(), 1u);
  EXPECT_TRUE(SplitDigits("12.5", 2, 100, &complete).empty());  // a decimal is one cell
  EXPECT_EQ(SplitDigits("123456789012", 6, 10, &complete).size(), 10u);
  EXPECT_FALSE(complete);
}

TEST(GluedReader, CutsLabelsAndRunsAndStopsAtProse) {
  std::optional<Grid> grid =
      FindGluedGrid(Glue({{"前言2024年。二、主动公开政府信息情况第二十条第（一）项信息内容本年制发"
                           "件数本年废止件数现行有效件数规章",
                           {"000"}},
                          {"（三）不予公开1.属于国家秘密", {"0000000"}},
                          {"2.其他法律行政法规禁止公开", {"3000003"}},
                          {"3.危及“三安全一稳定”", {"0000000"}},
                          {"4.保护第三方合法权益", {"1000001"}},
                          {"五、存在的主要问题2024年，", {"5"}}}));
  ASSERT_TRUE(grid.has_value());
  EXPECT_TRUE(grid->glued);
  std::vector<std::pair<std::string, std::string>> rows;
  for (int r = 0; r < grid->rows; ++r) {
    rows.emplace_back(grid->At(r, 0) ? grid->At(r, 0)->text : "",
                      grid->At(r, 1) ? grid->At(r, 1)->text : "");
  }
  EXPECT_EQ(
      rows,
      (std::vector<std::pair<std::string, std::string>>{
          {"二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数",
           ""},
          {"规章", "000"},
          {"（三）不予公开", ""},
          {"1.属于国家秘密", "0000000"},
          {"2.其他法律行政法规禁止公开", "3000003"},
          {"3.危及“三安全一稳定”", "0000000"},
          {"4.保护第三方合法权益", "1000001"},
      }));
}

TEST(GluedReader, ProseAloneIsNoTable) {
  EXPECT_FALSE(
      FindGluedGrid("全年共收到申请154件，办结148件，结转6件。信息内容丰富。").has_value());
}

TEST(GluedText, SplitsWhereOnlyOneSplitFitsAndWithholdsTheRest) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e = Extract(Page(Consistent()), *rules);
  ASSERT_EQ(e.template_id, "v2021");
  auto f = Fields(e);
  // "313000034": 31|3|0|0|0|0|34 and 3|13|0|0|0|0|… — the row total and the columns decide.
  EXPECT_EQ(f["requests.new.natural_person"], 31);
  EXPECT_EQ(f["requests.new.commercial"], 3);
  EXPECT_EQ(f["requests.new.total"], 34);
  // "303000033" fits 30|3|… and 3|30|…: only the commercial column total (3) tells them apart.
  EXPECT_EQ(f["outcome.disclosed.natural_person"], 30);
  EXPECT_EQ(f["outcome.disclosed.commercial"], 3);
  EXPECT_EQ(f["requests.carried_forward.natural_person"], 1);
  EXPECT_EQ(f["outcome.total.total"], 33);
  EXPECT_EQ(f["active.licensing.decisions"], 812);
  EXPECT_EQ(f["active.fees.amount"], 12.5);
  EXPECT_EQ(f["review.upheld"], 2);
  EXPECT_EQ(f["review.total"], 3);
  EXPECT_EQ(f["litigation.direct.total"], 1);
  EXPECT_EQ(f["active.rules.in_force"], 0);
  // "5037": 5|0|37, 50|3|7, 5|03… — no identity ties 表二's three columns: null, and said.
  EXPECT_FALSE(f["active.normative_docs.issued"].has_value());
  EXPECT_FALSE(f["active.normative_docs.in_force"].has_value());
  EXPECT_TRUE(Warns(e, "glued digits \"5037\""));
  EXPECT_EQ(e.cells.at("active.normative_docs.issued").raw, "5037");
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
  EXPECT_TRUE(e.unmatched.empty()) << e.unmatched.front().label;
}

TEST(GluedText, AmbiguousEverywhereStaysNullWithoutFalseAlarms) {
  auto rules = RuleSet::LoadEmbedded();
  // Every applicant row ambiguous alone and the column totals cannot tell "1|11" from "11|1":
  // natural persons 1 and firms 11, or 11 and 1, both balance when all rows swap together.
  std::map<std::string, std::vector<int>> t3 = {
      {"一、本年新收政府信息公开申请数量", {1, 11, 0, 0, 0, 0}},
      {"（一）予以公开", {1, 11, 0, 0, 0, 0}},
      {"（七）总计", {1, 11, 0, 0, 0, 0}}};
  Extraction e = Extract(Page(t3), *rules);
  ASSERT_EQ(e.template_id, "v2021");
  auto f = Fields(e);
  EXPECT_FALSE(f["requests.new.natural_person"].has_value());
  EXPECT_FALSE(f["outcome.disclosed.commercial"].has_value());
  EXPECT_FALSE(f["outcome.total.natural_person"].has_value());
  // Rows with one split only are still read.
  EXPECT_EQ(f["requests.carried_over.total"], 0);
  // Unknown values are not zeros: no identity over them fails.
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
  for (const CheckStatus& s : e.check_status) {
    if (s.identity == "t3.row_total.requests.new") {
      EXPECT_EQ(s.status, "not_assessable");
    }
  }
}

TEST(GluedText, NoSplitFitsAViolatedRow) {
  auto rules = RuleSet::LoadEmbedded();
  // The printed total 9 of "一、" is not the sum of 31 and 3: no split satisfies the row total,
  // so the row stays null (a wrong split would be worse) and nothing fails falsely.
  Extraction e =
      Extract(Page(Consistent(), {"5", "0", "37"}, {"31", "3", "0", "0", "0", "0", "9"}), *rules);
  auto f = Fields(e);
  EXPECT_FALSE(f["requests.new.total"].has_value());
  EXPECT_FALSE(f["requests.new.natural_person"].has_value());
  for (const CheckFailure& c : e.checks) EXPECT_NE(c.kind, "total_missing") << c.identity;
}

TEST(SplitDigits, AMinusSignStartsANumber) {
  bool complete = true;
  EXPECT_EQ(SplitDigits("35-15", 2, 100, &complete),
            (std::vector<std::vector<std::string>>{{"35", "-15"}}));
  EXPECT_EQ(SplitDigits("-15", 1, 100, &complete),
            (std::vector<std::vector<std::string>>{{"-15"}}));
  EXPECT_EQ(SplitDigits("2648-18538", 3, 100, &complete).size(), 7u);  // 3 + 4: no one split
  EXPECT_TRUE(SplitDigits("35-15", 1, 100, &complete).empty());  // the sign starts a second cell
  EXPECT_TRUE(SplitDigits("3--5", 2, 100, &complete).empty());
  EXPECT_TRUE(SplitDigits("35-", 2, 100, &complete).empty());
}

// The real page.txt of the 2020 Pingtan report (tests/data/SOURCE.md): 行政事业性收费35-15 is 35
// and -15 (the page's HTML prints them in two cells). Cut at the sign, the run "35" alone split
// into the row's two cells as 3 and 5: a wrong number, unflagged. 行政处罚2648-18538 has several
// splits (2648, -18, 538 among them), so its values are null with a warning quoting the run.
TEST(GluedRealPage, NegativeChangesOfTableTwoAreReadOrLeftNullNeverCut) {
  Extraction e =
      Extract(testing::ReadFileBytes(testing::DataDir() + "/archive/pingtan-2020-page.txt"),
              *RuleSet::LoadEmbedded());
  EXPECT_EQ(e.template_id, "v2019");
  std::map<std::string, Value> fields = Fields(e);
  EXPECT_EQ(fields.at("active.fees.prev_items"), Value(35.0));
  EXPECT_EQ(fields.at("active.fees.change"), Value(-15.0));
  for (const char* field :
       {"active.penalty.prev_items", "active.penalty.change", "active.penalty.decisions"}) {
    EXPECT_EQ(fields.at(field), Value()) << field;
  }
  EXPECT_TRUE(Warns(e, "\"2648-18538\""));
}

// A header word in the prose before the tables ("信息内容审核发布规范", as the 2022 Pingtan report
// writes it) is no table: the reader tries the next one, from where the first try stopped.
TEST(GluedText, AHeaderWordInTheProseBeforeTheTablesIsPassedOver) {
  std::string page = Page(Consistent());
  page.insert(page.find('\n') + 1, "我区制定《信息内容审核发布规范》，全年主动公开信息120条。");
  Extraction e = Extract(page, *RuleSet::LoadEmbedded());
  ASSERT_EQ(e.template_id, "v2021");
  auto f = Fields(e);
  EXPECT_EQ(f["requests.new.total"], 34);
  EXPECT_EQ(f["outcome.total.total"], 33);
}

// The real page.txt of the 2022 Pingtan report (tests/data/SOURCE.md): its tables glued, after
// prose that names 信息内容. The new requests 713000074 are 71, 3, 0, 0, 0, 0, 74; the prose says
// 75 of them, 72 by natural persons: two text-against-table failures, reported, not repaired.
TEST(GluedRealPage, TablesAfterAHeaderWordInTheProseAndTheirTextChecks) {
  Extraction e =
      Extract(testing::ReadFileBytes(testing::DataDir() + "/archive/pingtan-2022-page.txt"),
              *RuleSet::LoadEmbedded());
  ASSERT_EQ(e.template_id, "v2021");
  auto f = Fields(e);
  EXPECT_EQ(f["requests.new.natural_person"], 71);
  EXPECT_EQ(f["requests.new.commercial"], 3);
  EXPECT_EQ(f["requests.new.total"], 74);
  std::map<std::string, std::pair<double, double>> text_failures;
  for (const CheckFailure& c : e.checks) {
    if (c.kind == "text_vs_table")
      text_failures[c.total_field] = {c.expected, c.found.value_or(-1)};
  }
  EXPECT_EQ(text_failures,
            (std::map<std::string, std::pair<double, double>>{
                {"requests.new.total", {75, 74}}, {"requests.new.natural_person", {72, 71}}}));
}

// The real page.txt of the 2019 Pingtan report (tests/data/SOURCE.md). A blank inside a run is a
// certain cell boundary: "230 000023" is 23 | 0 | 0, 0, 0, 0 | 23 (the row's 7 cells). The v2019
// 采购总金额 printed with its unit ("13575394432.52元") is a cell, not the prose after the tables,
// so 表三 and 表四 after it are read; that row itself cannot be cut into its two cells and stays
// null, with a warning.
TEST(GluedRealPage, BlanksInARunAreCellBoundariesAndTheProcurementUnitIsNoProse) {
  Extraction e =
      Extract(testing::ReadFileBytes(testing::DataDir() + "/archive/pingtan-2019-page.txt"),
              *RuleSet::LoadEmbedded());
  ASSERT_EQ(e.template_id, "v2019");
  auto f = Fields(e);
  EXPECT_EQ(f["requests.new.natural_person"], 23);
  EXPECT_EQ(f["requests.new.total"], 23);
  EXPECT_EQ(f["outcome.disclosed.total"], 7);
  EXPECT_FALSE(f["active.procurement.amount"].has_value());
  EXPECT_TRUE(Warns(e, "\"13575394432.52\""));
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
}

TEST(SplitDigits, BlanksAreCellBoundaries) {
  bool complete = true;
  // 20 | 0 | 0,0 | 0 | 1,21 or 12,1 — or 2,0 | … | 121: three splits, for the identities to decide.
  EXPECT_EQ(SplitDigits("20 0 00 0 121", 7, 100, &complete).size(), 3u);
  EXPECT_EQ(SplitDigits("4 0 0 0 0 0 4", 7, 100, &complete),
            (std::vector<std::vector<std::string>>{{"4", "0", "0", "0", "0", "0", "4"}}));
  EXPECT_TRUE(SplitDigits("4 0 0", 2, 100, &complete).empty());  // three pieces, two cells
  EXPECT_EQ(SplitDigits("35 -15", 2, 100, &complete),
            (std::vector<std::vector<std::string>>{{"35", "-15"}}));
}

}  // namespace
}  // namespace nianbao
