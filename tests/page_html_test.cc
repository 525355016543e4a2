// ParseHtml: the grid model (rowspan/colspan, row groups, nested tables), visible text, title and
// <meta>, on the real Pingtan page and on small hand-made pages.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "extract/read/decode.h"
#include "extract/read/page.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

// The text of the cell covering (row, column); "<none>" for an empty slot.
std::string TextAt(const Grid& grid, int row, int column) {
  const GridCell* cell = grid.At(row, column);
  return cell == nullptr ? "<none>" : cell->text;
}

// The cell covering (row, column); a failure (not a crash) when there is none.
const GridCell& CellAt(const Grid& grid, int row, int column) {
  static const GridCell kNone{"<none>", -1, -1, 0, 0};
  const GridCell* cell = grid.At(row, column);
  if (cell == nullptr) ADD_FAILURE() << "no cell at " << row << "," << column;
  return cell == nullptr ? kNone : *cell;
}

// The cell covering (row, column) must have its origin at (origin_row, origin_column).
void ExpectOrigin(const Grid& grid, int row, int column, int origin_row, int origin_column) {
  const GridCell* cell = grid.At(row, column);
  ASSERT_NE(cell, nullptr) << row << "," << column;
  EXPECT_EQ(cell->row, origin_row) << row << "," << column;
  EXPECT_EQ(cell->column, origin_column) << row << "," << column;
}

void ExpectGridConsistent(const Grid& grid) {
  ASSERT_EQ(grid.slots.size(), static_cast<size_t>(grid.rows) * grid.columns);
  for (int r = 0; r < grid.rows; ++r) {
    for (int c = 0; c < grid.columns; ++c) {
      const GridCell* cell = grid.At(r, c);
      if (cell == nullptr) continue;
      EXPECT_LE(cell->row, r);
      EXPECT_LE(cell->column, c);
      EXPECT_LT(r, cell->row + cell->rowspan);
      EXPECT_LT(c, cell->column + cell->colspan);
    }
  }
  for (const GridCell& cell : grid.cells) {
    EXPECT_EQ(grid.At(cell.row, cell.column), &cell) << cell.text;
  }
}

class PingtanTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Decoded decoded =
        DecodeToUtf8(testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html"));
    page_ = new Page(ParseHtml(decoded.utf8));
  }
  static void TearDownTestSuite() { delete page_; }
  static Page* page_;
};
Page* PingtanTest::page_ = nullptr;

TEST_F(PingtanTest, FindsTheThreeTablesAndNoWarnings) {
  ASSERT_EQ(page_->tables.size(), 3u);
  EXPECT_TRUE(page_->warnings.empty());
  for (const Grid& grid : page_->tables) ExpectGridConsistent(grid);
  EXPECT_EQ(page_->tables[0].rows, 14);
  EXPECT_EQ(page_->tables[0].columns, 4);
  EXPECT_EQ(page_->tables[1].rows, 28);
  EXPECT_EQ(page_->tables[1].columns, 10);
  EXPECT_EQ(page_->tables[2].rows, 4);
  EXPECT_EQ(page_->tables[2].columns, 15);
}

TEST_F(PingtanTest, TitleAndMeta) {
  EXPECT_EQ(
      page_->title,
      "平潭综合实验区2024年度政府信息公开工作年度报告_政府信息公开年报_平潭综合实验区党工委管委会");
  auto pub = page_->meta.find("pubdate");
  ASSERT_NE(pub, page_->meta.end());
  EXPECT_EQ(pub->second, "2025-03-10 15:35");
  auto title = page_->meta.find("articletitle");
  ASSERT_NE(title, page_->meta.end());
  EXPECT_EQ(title->second, "平潭综合实验区2024年度政府信息公开工作年度报告");
  EXPECT_EQ(page_->meta.count("x-ua-compatible"), 1u);
}

TEST_F(PingtanTest, Table1ColspanTitleRowsAndValues) {
  const Grid& t = page_->tables[0];
  EXPECT_EQ(TextAt(t, 0, 0), "第二十条第（一）项");
  for (int c = 0; c < 4; ++c) ExpectOrigin(t, 0, c, 0, 0);
  EXPECT_EQ(TextAt(t, 1, 1), "本年制发件数");
  EXPECT_EQ(TextAt(t, 3, 0), "行政规范性文件");
  EXPECT_EQ(TextAt(t, 3, 1), "62");
  EXPECT_EQ(TextAt(t, 3, 2), "33");
  EXPECT_EQ(TextAt(t, 3, 3), "440");
  EXPECT_EQ(TextAt(t, 12, 1), "本年收费金额（单位：万元）");
  ExpectOrigin(t, 13, 3, 13, 1);  // the value cell spans three columns: read once at its origin
  EXPECT_EQ(CellAt(t, 13, 1).colspan, 3);
  EXPECT_EQ(TextAt(t, 13, 1), "18651.06");
}

TEST_F(PingtanTest, Table2HeaderBlock) {
  const Grid& t = page_->tables[1];
  // Corner cell: rowspan=3 colspan=3.
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) ExpectOrigin(t, r, c, 0, 0);
  EXPECT_EQ(CellAt(t, 0, 0).rowspan, 3);
  EXPECT_EQ(CellAt(t, 0, 0).colspan, 3);
  EXPECT_EQ(TextAt(t, 0, 3), "申请人情况");
  EXPECT_EQ(CellAt(t, 0, 3).colspan, 7);
  EXPECT_EQ(TextAt(t, 1, 3), "自然人");
  ExpectOrigin(t, 2, 3, 1, 3);  // 自然人: rowspan=2
  // 法人或其他组织: colspan=5 over 商业企业 … 其他.
  EXPECT_EQ(TextAt(t, 1, 4), "法人或其他组织");
  EXPECT_EQ(CellAt(t, 1, 4).colspan, 5);
  for (int c = 4; c < 9; ++c) ExpectOrigin(t, 1, c, 1, 4);
  EXPECT_EQ(TextAt(t, 1, 9), "总计");
  ExpectOrigin(t, 2, 9, 1, 9);
  // Labels split over several <p>s keep their line breaks; &nbsp; padding is trimmed away.
  EXPECT_EQ(TextAt(t, 2, 4), "商业\n企业");
  EXPECT_EQ(TextAt(t, 2, 5), "科研\n机构");
  EXPECT_EQ(TextAt(t, 2, 6), "社会\n公益\n组织");
  EXPECT_EQ(TextAt(t, 2, 7), "法律\n服务\n机构");
  EXPECT_EQ(TextAt(t, 2, 8), "其他");
}

TEST_F(PingtanTest, Table2OutcomeBlockSpans22Rows) {
  const Grid& t = page_->tables[1];
  const GridCell* outcome = t.At(5, 0);
  ASSERT_NE(outcome, nullptr);
  EXPECT_EQ(outcome->text, "三、本\n年度办\n理结果");
  EXPECT_EQ(outcome->rowspan, 22);
  for (int r = 5; r < 27; ++r) ExpectOrigin(t, r, 0, 5, 0);
  ExpectOrigin(t, 27, 0, 27, 0);
  EXPECT_EQ(TextAt(t, 27, 0), "四、结转下年度继续办理");
  // （三）不予公开 spans its eight reasons.
  EXPECT_EQ(TextAt(t, 7, 1), "（三）不予公开");
  EXPECT_EQ(CellAt(t, 7, 1).rowspan, 8);
  ExpectOrigin(t, 14, 1, 7, 1);
  EXPECT_EQ(TextAt(t, 14, 2), "8.属于行政查询事项");
  // Values: 一、本年新收 row and the 总计 row.
  EXPECT_EQ(TextAt(t, 3, 0), "一、本年新收政府信息公开申请数量");
  EXPECT_EQ(TextAt(t, 3, 3), "217");
  EXPECT_EQ(TextAt(t, 3, 9), "218");
  EXPECT_EQ(TextAt(t, 26, 1), "（七）总计");
  EXPECT_EQ(TextAt(t, 26, 9), "218");
  EXPECT_EQ(TextAt(t, 25, 2), "3.其他");
  EXPECT_EQ(TextAt(t, 25, 4), "1");
}

TEST_F(PingtanTest, Table3TwoLevelHeaders) {
  const Grid& t = page_->tables[2];
  EXPECT_EQ(TextAt(t, 0, 0), "行政复议");
  EXPECT_EQ(CellAt(t, 0, 0).colspan, 5);
  EXPECT_EQ(TextAt(t, 0, 5), "行政诉讼");
  EXPECT_EQ(CellAt(t, 0, 5).colspan, 10);
  EXPECT_EQ(TextAt(t, 1, 0), "结果维持");
  ExpectOrigin(t, 2, 0, 1, 0);
  EXPECT_EQ(TextAt(t, 1, 5), "未经复议直接起诉");
  EXPECT_EQ(TextAt(t, 1, 10), "复议后起诉");
  EXPECT_EQ(TextAt(t, 2, 14), "总计");
  EXPECT_EQ(TextAt(t, 3, 4), "7");
  EXPECT_EQ(TextAt(t, 3, 14), "19");
}

TEST_F(PingtanTest, PageTextHasTheProseAndNoScript) {
  EXPECT_NE(page_->text.find("全年办理政府信息公开申请218件。"), std::string::npos);
  EXPECT_EQ(page_->text.find("function"), std::string::npos);
  EXPECT_EQ(page_->text.find("<"), std::string::npos);
}

TEST(ParseHtmlTest, RowspanColspanAndRowGroups) {
  Page page = ParseHtml(
      "<table><thead><tr><th rowspan=2>A</th><th colspan=2>B</th></tr>"
      "<tr><th>B1</th><th>B2</th></tr></thead>"
      "<tbody><tr><td "
      "rowspan=5>x</td><td>1</td><td>2</td></tr><tr><td>3</td><td>4</td></tr></tbody>"
      "<tfoot><tr><td>f</td></tr></tfoot></table>");
  ASSERT_EQ(page.tables.size(), 1u);
  const Grid& t = page.tables[0];
  ExpectGridConsistent(t);
  EXPECT_EQ(t.rows, 5);
  EXPECT_EQ(t.columns, 3);
  ExpectOrigin(t, 1, 0, 0, 0);
  EXPECT_EQ(TextAt(t, 1, 1), "B1");
  ExpectOrigin(t, 0, 2, 0, 1);
  // rowspan=5 is clipped at the end of its tbody (2 rows); the tfoot row starts at column 0.
  EXPECT_EQ(CellAt(t, 2, 0).rowspan, 2);
  ExpectOrigin(t, 3, 0, 2, 0);
  EXPECT_EQ(TextAt(t, 3, 1), "3");
  EXPECT_EQ(TextAt(t, 4, 0), "f");
  EXPECT_EQ(t.At(4, 1), nullptr);
}

TEST(ParseHtmlTest, RowspanZeroExtendsToTheEndOfTheRowGroup) {
  Page page = ParseHtml(
      "<table><tbody><tr><td rowspan=0>L</td><td>1</td></tr><tr><td>2</td></tr>"
      "<tr><td>3</td></tr></tbody><tbody><tr><td>n</td></tr></tbody></table>");
  const Grid& t = page.tables.at(0);
  ExpectGridConsistent(t);
  EXPECT_EQ(CellAt(t, 0, 0).rowspan, 3);
  EXPECT_EQ(TextAt(t, 2, 0), "L");
  EXPECT_EQ(TextAt(t, 2, 1), "3");
  EXPECT_EQ(TextAt(t, 3, 0), "n");
}

TEST(ParseHtmlTest, RowsWithoutTbodyAndThCells) {
  Page page =
      ParseHtml("<table><tr><th>h</th><td>1</td></tr><tr><td colspan=0>z</td></tr></table>");
  const Grid& t = page.tables.at(0);
  EXPECT_EQ(t.rows, 2);
  EXPECT_EQ(TextAt(t, 0, 0), "h");
  EXPECT_EQ(TextAt(t, 0, 1), "1");
  EXPECT_EQ(TextAt(t, 1, 0), "z");
  EXPECT_EQ(CellAt(t, 1, 0).colspan, 1);  // colspan=0 means 1
}

TEST(ParseHtmlTest, NestedTableIsItsOwnGridAfterItsParent) {
  Page page = ParseHtml(
      "<table><tr><td>outer<table><tr><td>inner</td><td>9</td></tr></table>after</td>"
      "<td>o2</td></tr></table><table><tr><td>third</td></tr></table>");
  ASSERT_EQ(page.tables.size(), 3u);
  EXPECT_EQ(TextAt(page.tables[0], 0, 0), "outer\nafter");
  EXPECT_EQ(TextAt(page.tables[0], 0, 1), "o2");
  EXPECT_EQ(TextAt(page.tables[1], 0, 0), "inner");
  EXPECT_EQ(TextAt(page.tables[1], 0, 1), "9");
  EXPECT_EQ(TextAt(page.tables[2], 0, 0), "third");
}

TEST(ParseHtmlTest, InvisibleContentIsSkipped) {
  Page page = ParseHtml(
      "<body><script>var a = '<td>';</script><style>td{}</style><noscript>ns</noscript>"
      "<!-- comment --><p>shown</p><p style=\"DISPLAY: none\">hidden</p><div hidden>h2</div>"
      "<table><tr><td>a<span style='display:none'>zz</span>b</td><td style='display:none'>gone</td>"
      "<td>c</td></tr></table><template><p>tpl</p></template></body>");
  EXPECT_EQ(page.text, "shown\nab\nc");
  const Grid& t = page.tables.at(0);
  EXPECT_EQ(t.columns, 2);
  EXPECT_EQ(TextAt(t, 0, 0), "ab");
  EXPECT_EQ(TextAt(t, 0, 1), "c");
}

TEST(ParseHtmlTest, LineBreaksAndWhitespace) {
  Page page = ParseHtml(
      "<table><tr><td>  一、 本年\n\t新收<br>申请<p>数量</p><div>  </div><li>x</li>&nbsp;</td>"
      "<td>&nbsp;</td><td>a&nbsp;b</td></tr></table>");
  const Grid& t = page.tables.at(0);
  EXPECT_EQ(TextAt(t, 0, 0), "一、 本年 新收\n申请\n数量\nx");
  EXPECT_EQ(TextAt(t, 0, 1), "");          // a blank cell
  EXPECT_EQ(TextAt(t, 0, 2), "a\u00A0b");  // NBSP inside a line is kept for normalisation
}

TEST(ParseHtmlTest, WordExportedMarkup) {
  Page page = ParseHtml(
      "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head><!--[if gte mso 9]><xml>"
      "<o:DocumentProperties></o:DocumentProperties></xml><![endif]--></head><body>"
      "<table class=MsoNormalTable><tr><td><p class=MsoNormal><span lang=EN-US "
      "style='font-size:10.5pt'>"
      "（一）<span>予以</span>公开<o:p></o:p></span></p></td><td><p class=MsoNormal align=center>"
      "<span lang=EN-US>71<o:p></o:p></span></p></td><td><v:shape "
      "id=x><v:textbox>t</v:textbox></v:shape>"
      "<![if !supportLists]>1.<![endif]>其他</td></tr></table></body></html>");
  const Grid& t = page.tables.at(0);
  EXPECT_EQ(TextAt(t, 0, 0), "（一）予以公开");
  EXPECT_EQ(TextAt(t, 0, 1), "71");
  EXPECT_EQ(TextAt(t, 0, 2), "t1.其他");
}

TEST(ParseHtmlTest, MetaNamesAreLowerCased) {
  Page page = ParseHtml(
      "<head><title> 年报 \n 2024 </title><meta name=\"PubDate\" content=\" 2025-03-10 \">"
      "<meta http-equiv=\"Content-Type\" content=\"text/html\"><meta property=\"og:title\" "
      "content=\"T\"><meta charset=utf-8></head>");
  EXPECT_EQ(page.title, "年报 2024");
  EXPECT_EQ(page.meta.size(), 3u);
  EXPECT_EQ(page.meta.find("pubdate")->second, "2025-03-10");
  EXPECT_EQ(page.meta.find("content-type")->second, "text/html");
  EXPECT_EQ(page.meta.find("og:title")->second, "T");
}

TEST(ParseHtmlTest, GbkPageGivesTheSameGridsAsUtf8) {
  // The GB18030 fixture is the corpus page re-encoded with iconv (tests/data/SOURCE.md).
  Page utf8 = ParseHtml(
      DecodeToUtf8(testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html")).utf8);
  Page gbk = ParseHtml(
      DecodeToUtf8(testing::ReadFileBytes(testing::DataDir() + "/pingtan-2024.gb18030.html")).utf8);
  ASSERT_EQ(gbk.tables.size(), utf8.tables.size());
  for (size_t i = 0; i < utf8.tables.size(); ++i) {
    EXPECT_EQ(gbk.tables[i].slots, utf8.tables[i].slots);
    ASSERT_EQ(gbk.tables[i].cells.size(), utf8.tables[i].cells.size());
    for (size_t c = 0; c < utf8.tables[i].cells.size(); ++c) {
      EXPECT_EQ(gbk.tables[i].cells[c].text, utf8.tables[i].cells[c].text);
    }
  }
  EXPECT_EQ(gbk.title, utf8.title);
}

TEST(ParseHtmlTest, PreformattedLayoutTableBecomesAGrid) {
  Page page = ParseHtml(
      "<p>附件</p><pre>统计指标                 单位      统计数\n"
      "一、收到申请数           件        782\n"
      "二、申请办结数           件        700\n</pre><p>结束</p>");
  ASSERT_EQ(page.tables.size(), 1u);
  const Grid& t = page.tables[0];
  EXPECT_EQ(t.rows, 3);
  EXPECT_EQ(t.columns, 3);
  EXPECT_EQ(TextAt(t, 1, 0), "一、收到申请数");
  EXPECT_EQ(TextAt(t, 2, 2), "700");
  // The page text keeps the <pre>'s lines.
  EXPECT_EQ(page.text,
            "附件\n统计指标 单位 统计数\n一、收到申请数 件 782\n二、申请办结数 件 700\n结束");
}

TEST(ParseHtmlTest, OneCellPerParagraphOutsideTablesBecomesAGrid) {
  // Some pages lose their <table> markup and put each cell in its own paragraph.
  Page page = ParseHtml(
      "<table><tr><td>网站导航</td></tr></table><p>统计指标</p><p>单位</p><p>统计数</p>"
      "<p>（一）收到申请数</p><p>件</p><p>782</p><p>（二）申请办结数</p><p>700</p>"
      "<p>（三）申请答复数</p><p>——</p><p>联系我们</p>");
  ASSERT_EQ(page.tables.size(), 2u);
  EXPECT_EQ(TextAt(page.tables[0], 0, 0), "网站导航");
  const Grid& t = page.tables[1];
  EXPECT_EQ(t.rows, 4);
  EXPECT_EQ(TextAt(t, 0, 0), "统计指标");
  EXPECT_EQ(TextAt(t, 1, 1), "件");
  EXPECT_EQ(TextAt(t, 1, 2), "782");
  EXPECT_EQ(TextAt(t, 3, 2), "——");
}

TEST(ParseHtmlTest, DelimitedRowsInParagraphsBecomeAGridAndProseDoesNot) {
  Page page = ParseHtml(
      "<p>2023年，我局共收到申请12件，比上年增加3件。</p><p>信息内容 | 本年制发件数 | "
      "本年废止件数</p>"
      "<p>规章 | 0 | 0</p><p>行政规范性文件 | 12 | 3</p><p>其他文件 | 5 | 1</p>");
  ASSERT_EQ(page.tables.size(), 1u);
  EXPECT_EQ(TextAt(page.tables[0], 2, 1), "12");
  Page prose = ParseHtml(
      "<p>首页</p><p>政务公开</p><p>一、总体情况</p><p>2023年，我局共收到申请12件。</p>"
      "<p>12</p><p>联系我们</p>");
  EXPECT_TRUE(prose.tables.empty());
}

TEST(ParseHtmlTest, TableCellsDoNotFeedTheTextGrids) {
  // Label/value lines inside a real table are read from the table only, never twice.
  Page page = ParseHtml(
      "<table><tr><td>一、甲</td></tr><tr><td>1</td></tr><tr><td>二、乙</td></tr><tr><td>2</td></"
      "tr>"
      "<tr><td>三、丙</td></tr><tr><td>3</td></tr></table>");
  EXPECT_EQ(page.tables.size(), 1u);
}

TEST(LooksLikeHtmlTest, TellsMarkupFromText) {
  EXPECT_TRUE(LooksLikeHtml("<!DOCTYPE html><html>"));
  EXPECT_TRUE(LooksLikeHtml("\xEF\xBB\xBF  <html>"));
  EXPECT_TRUE(LooksLikeHtml("<table><tr><td>1</td></tr></table>"));
  EXPECT_TRUE(LooksLikeHtml("some words then <div>markup</div>"));
  EXPECT_FALSE(LooksLikeHtml("2018年南昌市政府信息公开工作年报\n统计指标\n单位\n"));
  EXPECT_FALSE(LooksLikeHtml("| a | b |\n|---|---|\n| 1 | 2 |"));
  EXPECT_FALSE(LooksLikeHtml(""));
  EXPECT_FALSE(LooksLikeHtml("x < y and y > z"));
}

}  // namespace
}  // namespace nianbao
