// Printed variants of the statistics tables, on pages made here with invented numbers: the outcome
// block's total printed as 合计 or 总 计; a 表三 with the 法人或其他组织 subtotal column (8 value
// columns); 表三 transposed (applicant types as rows); and legacy regional 统计表 shapes seen in
// real reports (a 代码 column of row codes, 本期实际 | 本年累计; 否决公开答复总数,
// 其中：1.政府网站, 申请总数, rows no field holds).
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "extract/extract.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"
#include "tests/support/truth.h"

namespace nianbao {
namespace {

struct Cell {
  std::string text;
  int rowspan = 1, colspan = 1;
};
using Row = std::vector<Cell>;

std::string Page(const std::vector<Row>& rows, const std::string& title) {
  std::string html = "<html><head><title>" + title + "</title></head><body><p>" + title +
                     "</p><p>三、收到和处理政府信息公开申请情况</p><table>";
  for (const Row& row : rows) {
    html += "<tr>";
    for (const Cell& c : row) {
      html += "<td";
      if (c.rowspan > 1) html += " rowspan=\"" + std::to_string(c.rowspan) + "\"";
      if (c.colspan > 1) html += " colspan=\"" + std::to_string(c.colspan) + "\"";
      html += ">" + c.text + "</td>";
    }
    html += "</tr>";
  }
  return html + "</table></body></html>";
}

std::map<std::string, Value> Fields(const Extraction& e) {
  return {e.fields.begin(), e.fields.end()};
}

// A row of label cells then values.
Row Values(std::vector<Cell> labels, const std::vector<int>& values) {
  for (int v : values) labels.push_back({std::to_string(v)});
  return labels;
}

// The v2021 表三 header: 申请人情况 over 自然人 | 法人或其他组织 (its five kinds, and a 小计
// column when `subtotal`) | 总计.
std::vector<Row> Header(bool subtotal) {
  int org = subtotal ? 6 : 5;
  Row kinds = {{"商业企业"}, {"科研机构"}, {"社会公益组织"}, {"法律服务机构"}, {"其他"}};
  if (subtotal) kinds.push_back({"小计"});
  return {{{"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3},
           {"申请人情况", 1, org + 2}},
          {{"自然人", 2}, {"法人或其他组织", 1, org}, {"总计", 2}},
          kinds};
}

// The rows of a small consistent 表三: 10 new requests (8 natural persons, 2 companies), all
// disclosed (7 + 1) or withheld as 国家秘密 (1 + 1); `total_label` names the outcome block's total.
std::vector<Row> Body(const std::string& total_label, bool subtotal) {
  auto v = [&](int np, int co) {
    std::vector<int> values = {np, co, 0, 0, 0, 0};
    if (subtotal) values.push_back(co);
    values.push_back(np + co);
    return values;
  };
  return {Values({{"一、本年新收政府信息公开申请数量", 1, 3}}, v(8, 2)),
          Values({{"二、上年结转政府信息公开申请数量", 1, 3}}, v(0, 0)),
          Values({{"三、本年度办理结果", 5}, {"（一）予以公开", 1, 2}}, v(7, 1)),
          Values({{"（三）不予公开", 2}, {"1.属于国家秘密"}}, v(1, 1)),
          Values({{"2.其他法律行政法规禁止公开"}}, v(0, 0)),
          Values({{"（六）其他处理", 1, 2}}, v(0, 0)),
          Values({{total_label, 1, 2}}, v(8, 2)),
          Values({{"四、结转下年度继续办理", 1, 3}}, v(0, 0))};
}

Extraction ExtractV2021(const std::vector<Row>& header, const std::vector<Row>& body) {
  std::vector<Row> rows = header;
  rows.insert(rows.end(), body.begin(), body.end());
  return Extract(Page(rows, "某县2023年政府信息公开工作年度报告"), *RuleSet::LoadEmbedded());
}

std::string StatusOf(const Extraction& e, const std::string& identity) {
  for (const CheckStatus& s : e.check_status) {
    if (s.identity == identity) return s.status;
  }
  return "absent";
}

TEST(TableVariants, OutcomeTotalPrintedAsHejiOrSpacedZongji) {
  for (const char* label : {"（七）总计", "（七）合计", "合计", "总 计", "（七）总 计", "合 计"}) {
    SCOPED_TRACE(label);
    Extraction e = ExtractV2021(Header(false), Body(label, false));
    ASSERT_EQ(e.template_id, "v2021");
    auto f = Fields(e);
    EXPECT_EQ(f["outcome.total.natural_person"], 8);
    EXPECT_EQ(f["outcome.total.commercial"], 2);
    EXPECT_EQ(f["outcome.total.total"], 10);
    EXPECT_EQ(f["requests.new.total"], 10);
    EXPECT_EQ(StatusOf(e, "t3.column_total.natural_person.2021"), "pass");
    EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
    EXPECT_TRUE(e.unmatched.empty()) << e.unmatched.front().label;
  }
}

TEST(TableVariants, SubtotalColumnOfLegalPersonsIsNoFieldAndShiftsNothing) {
  Extraction e = ExtractV2021(Header(true), Body("（七）总计", true));
  ASSERT_EQ(e.template_id, "v2021");
  auto f = Fields(e);
  EXPECT_EQ(f["requests.new.natural_person"], 8);
  EXPECT_EQ(f["requests.new.commercial"], 2);
  EXPECT_EQ(f["requests.new.other_org"], 0);
  EXPECT_EQ(f["requests.new.total"], 10);  // the 总计 column, not the 小计 one before it
  EXPECT_EQ(f["outcome.withheld.state_secret.total"], 2);
  EXPECT_EQ(f["outcome.total.total"], 10);
  EXPECT_EQ(e.cells.at("requests.new.total").column, 10);  // 3 label columns + 8 values, last
  // 小计 is a check quantity: no field, no cell, not unmatched; its identities are checked.
  EXPECT_FALSE(f.contains("requests.new.org_subtotal"));
  EXPECT_FALSE(e.cells.contains("requests.new.org_subtotal"));
  EXPECT_TRUE(e.unmatched.empty()) << e.unmatched.front().label;
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
  EXPECT_EQ(StatusOf(e, "t3.org_subtotal.requests.new"), "pass");
  EXPECT_EQ(StatusOf(e, "t3.org_subtotal.outcome.withheld.state_secret"), "pass");
  EXPECT_EQ(StatusOf(e, "t3.row_total.requests.new"), "pass");
  EXPECT_EQ(StatusOf(e, "t3.row_total.outcome.total"), "pass");
  EXPECT_EQ(StatusOf(e, "t3.column_total.natural_person.2021"), "pass");
  // Rows the page does not print have no 小计 either: those identities are not listed.
  EXPECT_EQ(StatusOf(e, "t3.org_subtotal.outcome.partial"), "absent");
  // Without the column, no subtotal identity is listed at all.
  Extraction plain = ExtractV2021(Header(false), Body("（七）总计", false));
  for (const CheckStatus& s : plain.check_status)
    EXPECT_FALSE(s.identity.starts_with("t3.org_subtotal")) << s.identity;
}

// The 小计 column against its five kinds and the 总计: a mismatch fails, and no value moves.
TEST(TableVariants, SubtotalThatDisagreesFailsItsIdentityAndMovesNothing) {
  std::vector<Row> body = Body("（七）总计", true);
  Row& new_requests = body[0];                    // 一、: 8 | 2 0 0 0 0 | 小计 2 | 10
  new_requests[new_requests.size() - 2] = {"3"};  // 小计 3 ≠ 2 + 0 + 0 + 0 + 0
  Extraction e = ExtractV2021(Header(true), body);
  auto f = Fields(e);
  EXPECT_EQ(f["requests.new.commercial"], 2);
  EXPECT_EQ(f["requests.new.total"], 10);
  ASSERT_EQ(e.checks.size(), 1u) << e.checks.back().identity;
  EXPECT_EQ(e.checks[0].identity, "t3.org_subtotal.requests.new");
  EXPECT_EQ(e.checks[0].kind, "sum");
  EXPECT_EQ(e.checks[0].expected, 2);
  EXPECT_EQ(e.checks[0].found, 3);
  EXPECT_EQ(StatusOf(e, "t3.row_total.requests.new"), "pass");  // 8 + the five kinds = 10

  // A 总计 that is neither 自然人 + the kinds nor 自然人 + 小计 fails the row total.
  body = Body("（七）总计", true);
  body[0].back() = {"11"};
  e = ExtractV2021(Header(true), body);
  ASSERT_EQ(e.checks.size(), 2u);  // the row total, and (一 + 二 = 三(七) + 四) of 总计
  EXPECT_EQ(e.checks[0].identity, "t3.row_total.requests.new");
  EXPECT_EQ(StatusOf(e, "t3.org_subtotal.requests.new"), "pass");

  // Only 小计 printed, its kinds blank: the row total is 自然人 + 小计.
  body = Body("（七）总计", true);
  for (size_t c = 2; c <= 6; ++c) body[0][c] = {"&nbsp;"};  // after the label and 自然人
  e = ExtractV2021(Header(true), body);
  f = Fields(e);
  EXPECT_EQ(f["requests.new.commercial"], std::nullopt);
  EXPECT_EQ(StatusOf(e, "t3.row_total.requests.new"), "pass");
  EXPECT_EQ(StatusOf(e, "t3.org_subtotal.requests.new"), "not_assessable");  // all terms blank
}

// The real Pingtan 2024 page with a 小计 column added (tests/data/variants/make.py): every field
// as its truth file says, every identity assessable, and a changed 小计 fails exactly its check.
TEST(TableVariants, RealPageWithASubtotalColumn) {
  auto rules = RuleSet::LoadEmbedded();
  std::string page =
      testing::ReadFileBytes(testing::DataDir() + "/variants/pingtan-2024-subtotal.html");
  Extraction e = Extract(page, *rules);
  ASSERT_EQ(e.template_id, "v2021");
  auto truth = nlohmann::json::parse(
      testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html.truth.json"));
  EXPECT_TRUE(testing::ExpectFieldsAsTruth(e, truth, *rules).empty());
  EXPECT_TRUE(e.unmatched.empty()) << e.unmatched.front().label;
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
  Extraction original =
      Extract(testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html"), *rules);
  std::map<std::string, std::string> before, after;
  for (const CheckStatus& s : original.check_status) before[s.identity] = s.status;
  int subtotals = 0;
  for (const CheckStatus& s : e.check_status) {
    if (s.identity.starts_with("t3.org_subtotal.")) {
      ++subtotals;
      EXPECT_EQ(s.status, "pass") << s.identity;
    } else {
      after[s.identity] = s.status;
    }
  }
  EXPECT_EQ(subtotals, 25);  // every value row of the page's 表三
  EXPECT_EQ(after, before);  // the other identities as on the page without the column
  EXPECT_EQ(before["t3.row_total.outcome.total"], "pass");

  // （七）总计's 小计: 1 → 2.
  size_t row = page.find("（七）总计");
  ASSERT_NE(row, std::string::npos);
  size_t row_end = page.find("</tr>", row);
  size_t total_cell = page.rfind("<td", row_end);
  size_t subtotal_value = page.rfind(">1<", total_cell);
  ASSERT_GT(subtotal_value, row);
  page.replace(subtotal_value, 3, ">2<");
  Extraction broken = Extract(page, *rules);
  EXPECT_TRUE(testing::ExpectFieldsAsTruth(broken, truth, *rules).empty());
  ASSERT_EQ(broken.checks.size(), 1u) << broken.checks.back().identity;
  EXPECT_EQ(broken.checks[0].identity, "t3.org_subtotal.outcome.total");
  EXPECT_EQ(broken.checks[0].expected, 1);
  EXPECT_EQ(broken.checks[0].found, 2);
}

TEST(TableVariants, TransposedTableThreeIsReadByItsLabels) {
  // Applicant types as rows, the outcomes as columns.
  std::vector<Row> rows = {{{"申请人情况", 2, 2},
                            {"一、本年新收政府信息公开申请数量", 2},
                            {"二、上年结转政府信息公开申请数量", 2},
                            {"三、本年度办理结果", 1, 3},
                            {"四、结转下年度继续办理", 2}},
                           {{"（一）予以公开"}, {"（二）部分公开"}, {"（七）总计"}},
                           Values({{"自然人", 1, 2}}, {8, 1, 7, 1, 8, 1}),
                           Values({{"法人或其他组织", 5}, {"商业企业"}}, {2, 0, 1, 1, 2, 0}),
                           Values({{"科研机构"}}, {0, 0, 0, 0, 0, 0}),
                           Values({{"社会公益组织"}}, {0, 0, 0, 0, 0, 0}),
                           Values({{"法律服务机构"}}, {0, 0, 0, 0, 0, 0}),
                           Values({{"其他"}}, {1, 0, 1, 0, 1, 0}),
                           Values({{"总计", 1, 2}}, {11, 1, 9, 2, 11, 1})};
  Extraction e =
      Extract(Page(rows, "某县2023年政府信息公开工作年度报告"), *RuleSet::LoadEmbedded());
  ASSERT_EQ(e.template_id, "v2021");
  auto f = Fields(e);
  EXPECT_EQ(f["requests.new.natural_person"], 8);
  EXPECT_EQ(f["requests.new.commercial"], 2);
  EXPECT_EQ(f["requests.new.other_org"], 1);
  EXPECT_EQ(f["requests.new.total"], 11);
  EXPECT_EQ(f["requests.carried_over.natural_person"], 1);
  EXPECT_EQ(f["outcome.disclosed.natural_person"], 7);
  EXPECT_EQ(f["outcome.partial.commercial"], 1);
  EXPECT_EQ(f["outcome.total.total"], 11);
  EXPECT_EQ(f["requests.carried_forward.natural_person"], 1);
  EXPECT_EQ(f["requests.carried_forward.total"], 1);
  EXPECT_EQ(e.cells.at("outcome.partial.commercial").label,
            "法人或其他组织/商业企业 | 三、本年度办理结果/（二）部分公开");
  EXPECT_TRUE(e.unmatched.empty()) << e.unmatched.front().label;
  EXPECT_EQ(StatusOf(e, "t3.row_total.requests.new"), "pass");
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
}

TEST(TableVariants, TheUsualTableIsNeverReadTransposed) {
  // A row the rules do not know, under applicant columns: it stays unmatched, whatever its label.
  std::vector<Row> body = Body("（七）总计", false);
  body.push_back(Values({{"五、自然人", 1, 3}}, {1, 0, 0, 0, 0, 0, 1}));
  Extraction e = ExtractV2021(Header(false), body);
  auto f = Fields(e);
  EXPECT_EQ(f["outcome.total.natural_person"], 8);
  ASSERT_EQ(e.unmatched.size(), 1u);
  EXPECT_EQ(e.unmatched[0].kind, "row");
  EXPECT_NE(e.unmatched[0].label.find("五、自然人"), std::string::npos) << e.unmatched[0].label;
  Extraction without = ExtractV2021(Header(false), Body("（七）总计", false));
  EXPECT_EQ(e.cells, without.cells);               // the extra row gave no field a value
  EXPECT_EQ(f["requests.new.natural_person"], 8);  // nothing read the other way round
}

// --- legacy regional 统计表 ---

std::string LegacyPage(const std::vector<std::vector<std::string>>& rows) {
  std::string html =
      "<html><head><title>某市2012年政府信息公开工作年度报告</title></head><body><table>";
  for (const auto& row : rows) {
    html += "<tr>";
    for (const std::string& cell : row) html += "<td>" + cell + "</td>";
    html += "</tr>";
  }
  return html + "</table></body></html>";
}

TEST(TableVariants, LegacyCodeColumnIsNeverReadAsAValue) {
  // 指标名称 | 计量单位 | 代码 | 本期实际 | 本年累计, with the column letters row 甲 乙 丙 1 2.
  Extraction e = Extract(LegacyPage({{"指标名称", "计量单位", "代码", "本期实际", "本年累计"},
                                     {"甲", "乙", "丙", "1", "2"},
                                     {"主动公开信息数", "条", "01", "530", "530"},
                                     {"其中：全文电子化的主动公开信息数", "条", "02", "520", "520"},
                                     {"申请总数", "条", "10", "17", "17"},
                                     {"其中：1.当面申请数", "条", "11", "4", "4"},
                                     {"2.传真申请数", "条", "12", "1", "1"},
                                     {"3.电子邮件申请数", "条", "13", "2", "2"},
                                     {"4.网上申请数", "条", "14", "9", "9"},
                                     {"5.信函申请数", "条", "15", "1", "1"},
                                     {"6.其他形式申请数", "条", "16", "0", "0"},
                                     {"对申请的答复总数", "条", "17", "17", "17"},
                                     {"其中：1.同意公开答复数", "条", "18", "12", "12"},
                                     {"2.同意部分公开答复数", "条", "19", "3", "3"},
                                     {"3.否决公开答复总数", "条", "20", "2", "2"},
                                     {"行政复议数", "件", "32", "1", "1"},
                                     {"行政诉讼数", "件", "33", "0", "0"}}),
                         *RuleSet::LoadEmbedded());
  ASSERT_EQ(e.template_id, "legacy");
  auto f = Fields(e);
  EXPECT_EQ(f["active.total"], 530);
  EXPECT_EQ(f["requests.received"], 17);
  EXPECT_EQ(f["requests.received.in_person"], 4);
  EXPECT_EQ(f["requests.received.fax"], 1);
  EXPECT_EQ(f["requests.received.email"], 2);
  EXPECT_EQ(f["requests.received.online"], 9);
  EXPECT_EQ(f["requests.received.mail"], 1);
  EXPECT_EQ(f["replies.total"], 17);
  EXPECT_EQ(f["replies.granted"], 12);
  EXPECT_EQ(f["replies.partial"], 3);
  EXPECT_EQ(f["replies.denied"], 2);
  EXPECT_EQ(f["review.total"], 1);
  EXPECT_EQ(f["litigation.total"], 0);
  EXPECT_EQ(e.cells.at("review.total").raw, "1");  // not its code 32
  // Rows no field holds stay unmatched: 全文电子化…, 其他形式申请数.
  std::vector<std::string> unmatched;
  for (const Unmatched& u : e.unmatched) unmatched.push_back(u.label);
  ASSERT_EQ(unmatched.size(), 2u) << ::testing::PrintToString(unmatched);
  EXPECT_NE(unmatched[0].find("全文电子化"), std::string::npos);
  EXPECT_NE(unmatched[1].find("其他形式申请数"), std::string::npos);
  // 其他形式申请数 is a term no field holds: the sum cannot be judged, so it is not checked.
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
}

TEST(TableVariants, LegacyShortLabelsOfTheRegionalForms) {
  Extraction e = Extract(LegacyPage({{"指标名称", "计量单位", "2009年度", "历年累计"},
                                     {"主动公开信息数", "条", "300", "1200"},
                                     {"其中：1.政府网站", "条", "290", "1100"},
                                     {"2.政府公报", "条", "10", "100"},
                                     {"受理依申请公开信息总数", "条", "6", "30"},
                                     {"其中：1.当面申请数", "条", "2", "10"},
                                     {"2.网上申请数", "条", "4", "20"},
                                     {"本年度对申请的答复总数", "条", "6", "30"},
                                     {"其中：1.同意公开答复数", "条", "5", "25"},
                                     {"2.否决公开答复总数", "条", "1", "5"},
                                     {"行政复议数", "件", "0", "1"},
                                     {"行政申诉数", "件", "0", "2"}}),
                         *RuleSet::LoadEmbedded());
  ASSERT_EQ(e.template_id, "legacy");
  auto f = Fields(e);
  EXPECT_EQ(f["active.total"], 300);
  EXPECT_EQ(f["active.channel.website"], 290);
  EXPECT_EQ(f["active.channel.gazette"], 10);
  EXPECT_EQ(f["requests.received"], 6);
  EXPECT_EQ(f["replies.total"], 6);
  EXPECT_EQ(f["replies.granted"], 5);
  EXPECT_EQ(f["replies.denied"], 1);
  EXPECT_EQ(f["review.total"], 0);
  ASSERT_EQ(e.unmatched.size(), 1u);
  EXPECT_NE(e.unmatched[0].label.find("行政申诉数"), std::string::npos);
}

// The real pingtan-2024 page with its 表三 split in two at （四）无法提供, as a Word or PDF copy
// breaks a table over pages: the second table has no header, and its rows are 8, 9 or 10 cells wide
// by the spans they lost (三、本年度办理结果, （三）不予公开) or kept (（四）'s rowspan pushes
// nothing, 四、结转下年度继续办理 spans three). Every value must be read under its own column: read
// by the previous table's width, the 8-cell rows landed one column left.
TEST(TableVariants, OutcomeTableContinuedAfterAPageBreakWithoutItsHeader) {
  std::string page = testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html");
  size_t label = page.find("（四）无法提供");
  ASSERT_NE(label, std::string::npos);
  size_t row = page.rfind("<tr", label);
  page.insert(row, "</table><p>第 3 页</p><table>");
  Extraction e = Extract(page, *RuleSet::LoadEmbedded());
  nlohmann::json truth = nlohmann::json::parse(
      testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html.truth.json"));
  EXPECT_TRUE(testing::ExpectFieldsAsTruth(e, truth, *RuleSet::LoadEmbedded()).empty());
  EXPECT_TRUE(e.checks.empty()) << e.checks.size() << " checks fail, the first "
                                << e.checks.front().identity;
}

// A continued row whose values cannot be lined up under the header it continues (a value cell
// lost: six under seven columns, and one of them under the header's label columns) is null with a
// warning, not read one column off.
TEST(TableVariants, ContinuedRowThatDoesNotLineUpIsNullAndSaysSo) {
  std::vector<Row> first = Header(false);
  first.push_back(Values({{"一、本年新收政府信息公开申请数量", 1, 3}}, {11, 2, 0, 0, 1, 0, 14}));
  std::string page = Page(first, "某县2024年政府信息公开工作年度报告");
  std::string rest =
      "<table><tr><td rowspan=\"2\">（四）无法提供</td><td>1.本机关不掌握相关政府信息</td>"
      "<td>4</td><td>1</td><td>0</td><td>0</td><td>0</td><td>5</td></tr></table>";
  page.insert(page.find("</body>"), rest);
  Extraction e = Extract(page, *RuleSet::LoadEmbedded());
  std::map<std::string, Value> fields = Fields(e);
  EXPECT_EQ(fields["requests.new.natural_person"], 11);
  for (const char* column : {"natural_person", "commercial", "research", "nonprofit",
                             "legal_services", "other_org", "total"}) {
    EXPECT_EQ(fields[std::string("outcome.unavailable.not_held.") + column], std::nullopt)
        << column;
  }
  bool warned = false;
  for (const std::string& w : e.warnings)
    warned |= w.find("do not line up under its header") != std::string::npos &&
              w.find("1.本机关不掌握相关政府信息") != std::string::npos;
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace nianbao
