// ParseText: delimited rows ('|', tabs, runs of blanks) and one-cell-per-line pages become grids;
// prose does not. The Nanchang 2018 report (corpus) is the one-cell-per-line example.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "extract/read/page.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

std::string TextAt(const Grid& grid, int row, int column) {
  const GridCell* cell = grid.At(row, column);
  return cell == nullptr ? "<none>" : cell->text;
}

// Row `row` as "label|unit|value".
std::string RowOf(const Grid& grid, int row) {
  std::string out;
  for (int c = 0; c < grid.columns; ++c) {
    if (c > 0) out += "|";
    out += TextAt(grid, row, c);
  }
  return out;
}

class NanchangTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    page_ =
        new Page(ParseText(testing::ReadFileBytes(testing::CorpusDir() + "/nanchang-2018.txt")));
  }
  static void TearDownTestSuite() { delete page_; }
  static Page* page_;
};
Page* NanchangTest::page_ = nullptr;

TEST_F(NanchangTest, OneGridOfLabelUnitValueRows) {
  ASSERT_EQ(page_->tables.size(), 1u);
  const Grid& t = page_->tables[0];
  EXPECT_EQ(t.columns, 3);
  EXPECT_EQ(t.rows, 66);  // the header row and 65 statistics rows; no prose
  EXPECT_EQ(RowOf(t, 0), "统 计 指 标|单位|统计数");
  EXPECT_EQ(RowOf(t, 1), "一、主动公开情况||——");
  EXPECT_EQ(RowOf(t, t.rows - 1), "(三)接受培训人员数|人次|424");
}

TEST_F(NanchangTest, ExplanatoryParenthesisStaysWithItsLabel) {
  const Grid& t = page_->tables[0];
  EXPECT_EQ(RowOf(t, 2), "(一)主动公开政府信息数\n(不同渠道和方式公开相同信息计1条)||212653");
  EXPECT_EQ(RowOf(t, 3), "其中:主动公开规范性文件数||8093");
  EXPECT_EQ(RowOf(t, 12), "(一)回应公众关注热点或重大舆情数\n(不同方式回应同一热点或舆情计1次)||6");
}

TEST_F(NanchangTest, WrappedLabelAndUnitLines) {
  const Grid& t = page_->tables[0];
  bool found_fee = false, found_wrapped = false;
  for (int r = 0; r < t.rows; ++r) {
    std::string row = RowOf(t, r);
    if (row == "七、依申请公开信息收取的费用|万元|0") found_fee = true;
    if (row ==
        "(四)政府信息公开专项经费(不包括用于政府公报编辑管理及政府网站建设维\n护等方面的经费)|万元|"
        "110") {
      found_wrapped = true;
    }
  }
  EXPECT_TRUE(found_fee);
  EXPECT_TRUE(found_wrapped);
}

TEST_F(NanchangTest, NoProseRows) {
  const Grid& t = page_->tables[0];
  for (int r = 0; r < t.rows; ++r) {
    EXPECT_LT(TextAt(t, r, 0).size(), 200u) << r;
    EXPECT_FALSE(TextAt(t, r, 2).empty()) << "row without a value: " << RowOf(t, r);
  }
}

TEST_F(NanchangTest, TitleAndText) {
  EXPECT_EQ(page_->title, "2018年南昌市政府信息公开工作年报");
  EXPECT_NE(page_->text.find("填报单位(盖章):"), std::string::npos);
}

TEST(ParseTextTest, PipeTable) {
  Page page = ParseText(
      "前言一段文字。\n\n| 指标 | 单位 | 数量 |\n|---|:---:|---:|\n| 收到申请数 | 件 | 782 |\n"
      "| 网络申请 | 件 | 582 |\n\n结尾。");
  ASSERT_EQ(page.tables.size(), 1u);
  const Grid& t = page.tables[0];
  EXPECT_EQ(t.rows, 3);
  EXPECT_EQ(t.columns, 3);
  EXPECT_EQ(RowOf(t, 0), "指标|单位|数量");
  EXPECT_EQ(RowOf(t, 2), "网络申请|件|582");
}

TEST(ParseTextTest, PipeTableWithoutOuterBars) {
  Page page = ParseText("a | b\n1 | 2\n");
  ASSERT_EQ(page.tables.size(), 1u);
  EXPECT_EQ(RowOf(page.tables[0], 1), "1|2");
}

TEST(ParseTextTest, TabSeparatedKeepsEmptyCells) {
  Page page = ParseText("项目\t自然人\t总计\n一、本年新收\t217\t218\n二、上年结转\t\t0\n");
  ASSERT_EQ(page.tables.size(), 1u);
  const Grid& t = page.tables[0];
  EXPECT_EQ(t.columns, 3);
  EXPECT_EQ(RowOf(t, 2), "二、上年结转||0");
}

// The typographic spaces (U+2002 en, U+2003 em, U+2009 thin, U+200B zero-width) are blanks like
// U+0020 and U+3000 (extract/read/utf8.h BlankAt, the one test the value parser and the narrative
// use too): a run of two separates cells, and a cell is trimmed of them.
TEST(ParseTextTest, TypographicSpacesSeparateAndTrimCellsLikeSpaces) {
  Page page = ParseText(
      "\u2003指标\u2002\u2002单位\u2003\u2003数量\u2009\n"
      "收到申请数\u2009\u2009件\u200B\u200B782\n"
      "网络申请\u3000\u3000件\u2002\u2002582\u200B\n");
  ASSERT_EQ(page.tables.size(), 1u);
  const Grid& t = page.tables[0];
  EXPECT_EQ(t.columns, 3);
  EXPECT_EQ(RowOf(t, 0), "指标|单位|数量");
  EXPECT_EQ(RowOf(t, 1), "收到申请数|件|782");
  EXPECT_EQ(RowOf(t, 2), "网络申请|件|582");
}

TEST(ParseTextTest, LayoutColumnsFromRunsOfBlanks) {
  // pdftotext -layout style: cells separated by runs of spaces (and U+3000), values right-aligned.
  Page page = ParseText(
      "    统计指标                               单位        统计数\n"
      "一、主动公开情况                                      ——\n"
      "（一）主动公开政府信息数                   条         212653\n"
      "（二）收到申请数　　　　　　　　　　　　　件            782\n");
  ASSERT_EQ(page.tables.size(), 1u);
  const Grid& t = page.tables[0];
  EXPECT_EQ(t.columns, 3);
  EXPECT_EQ(RowOf(t, 0), "统计指标|单位|统计数");
  EXPECT_EQ(RowOf(t, 1), "一、主动公开情况||——");
  EXPECT_EQ(RowOf(t, 2), "（一）主动公开政府信息数|条|212653");
  EXPECT_EQ(RowOf(t, 3), "（二）收到申请数|件|782");
}

TEST(ParseTextTest, LayoutWrappedLabelJoinsTheRowAbove) {
  Page page = ParseText(
      "（三）从事政府信息公开工作人员数          人          764\n"
      "（四）政府信息公开专项经费（不包括用于    万元        110\n"
      "政府公报编辑管理及政府网站建设维护等方面的经费）\n"
      "九、政府信息公开会议和培训情况            ——          ——\n");
  ASSERT_EQ(page.tables.size(), 1u);
  const Grid& t = page.tables[0];
  EXPECT_EQ(t.rows, 3);
  EXPECT_EQ(
      TextAt(t, 1, 0),
      "（四）政府信息公开专项经费（不包括用于\n政府公报编辑管理及政府网站建设维护等方面的经费）");
  EXPECT_EQ(TextAt(t, 1, 2), "110");
}

TEST(ParseTextTest, SingleSpacesDoNotSplit) {
  Page page = ParseText("统 计 指 标 单位\n这是 一段 普通 文字\n");
  EXPECT_TRUE(page.tables.empty());
}

TEST(ParseTextTest, ProseIsNotAGrid) {
  Page page = ParseText(
      "2019年工作报告\n\n一、概述\n\n全年共受理申请782件。\n\n二、问题\n\n存在的问题如下。\n");
  EXPECT_TRUE(page.tables.empty());
  EXPECT_EQ(page.title, "2019年工作报告");
}

TEST(ParseTextTest, ValueTokens) {
  Page page = ParseText(
      "统计指标\n单位\n统计数\n"
      "一、甲\n1,234\n二、乙\n－8\n三、丙\n+1036\n四、丁\n１２３\n五、戊\n无\n六、己\n不适用\n"
      "七、庚\n／\n八、辛\n251000元\n九、壬\n3.5万元\n");
  ASSERT_EQ(page.tables.size(), 1u);
  const Grid& t = page.tables[0];
  ASSERT_EQ(t.rows, 10);
  EXPECT_EQ(RowOf(t, 1), "一、甲||1,234");
  EXPECT_EQ(RowOf(t, 2), "二、乙||－8");
  EXPECT_EQ(RowOf(t, 3), "三、丙||+1036");
  EXPECT_EQ(RowOf(t, 4), "四、丁||１２３");
  EXPECT_EQ(RowOf(t, 5), "五、戊||无");
  EXPECT_EQ(RowOf(t, 6), "六、己||不适用");
  EXPECT_EQ(RowOf(t, 7), "七、庚||／");
  EXPECT_EQ(RowOf(t, 8), "八、辛||251000元");
  EXPECT_EQ(RowOf(t, 9), "九、壬||3.5万元");
}

TEST(ParseTextTest, TitleFallsBackToFirstLine) {
  Page page = ParseText("\n\n  平潭综合实验区政府信息公开  \n正文");
  EXPECT_EQ(page.title, "平潭综合实验区政府信息公开");
  EXPECT_EQ(page.text, "\n\n  平潭综合实验区政府信息公开  \n正文");
}

TEST(ParseTextTest, CrlfLines) {
  Page page = ParseText("一、甲\r\n1\r\n二、乙\r\n2\r\n三、丙\r\n3\r\n");
  ASSERT_EQ(page.tables.size(), 1u);
  EXPECT_EQ(RowOf(page.tables[0], 2), "三、丙||3");
}

}  // namespace
}  // namespace nianbao
