// Plain text of the 2019/2021 formats: one table cell a line (text copied from a report page),
// pdftotext -layout output with section lines, wrapped labels and page furniture. The real
// pingtan-2024 page (corpus) and its truth file are the yardstick: rendered as text in each shape,
// every field must come back as the truth says.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "extract/extract.h"
#include "extract/read/page.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"
#include "tests/support/truth.h"

namespace nianbao {
namespace {

const RuleSet& Rules() {
  static const auto* rules = new std::shared_ptr<const RuleSet>(RuleSet::LoadEmbedded());
  return **rules;
}

Extraction ExtractText(const std::string& text) {
  ExtractOptions options;
  options.input = ExtractOptions::Input::kText;
  return Extract(text, Rules(), options);
}

Value Field(const Extraction& e, const std::string& id) {
  for (const auto& [field, value] : e.fields) {
    if (field == id) return value;
  }
  ADD_FAILURE() << id << " is not among the fields";
  return std::nullopt;
}

// Every field of the truth file comes back equal (null where the truth says null).
void ExpectTruth(const Extraction& e, const std::string& truth_path) {
  auto truth = nlohmann::json::parse(testing::ReadFileBytes(truth_path));
  EXPECT_TRUE(testing::ExpectFieldsAsTruth(e, truth, Rules()).empty());
  int compared = static_cast<int>(truth["fields"].size());
  EXPECT_GT(compared, 200);
  EXPECT_TRUE(e.unmatched.empty()) << e.unmatched.front().label;
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
  EXPECT_TRUE(e.warnings.empty()) << e.warnings.front();
}

std::string PingtanHtml() {
  return testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html");
}
std::string PingtanTruth() { return testing::CorpusDir() + "/pingtan-2024.html.truth.json"; }

// The page's tables, each cell on its own line in reading order (what a copy of the rendered
// tables gives), between the report's own headings and prose.
std::string PingtanOneCellALine() {
  Page html = ParseHtml(PingtanHtml());
  std::string text =
      "平潭综合实验区2024年政府信息公开工作年度报告\n\n"
      "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和国务院办公厅政府信息与"
      "政务公开办公室印发的《政府信息公开工作年度报告格式》要求编制。\n\n"
      "二、主动公开政府信息情况\n";
  const char* headings[] = {"三、收到和处理政府信息公开申请情况\n",
                            "四、政府信息公开行政复议、行政诉讼情况\n"};
  int table = 0;
  for (const Grid& grid : html.tables) {
    if (grid.cells.size() < 4) continue;  // layout tables of the site, if any
    if (table > 0 && table <= 2) text += headings[table - 1];
    for (const GridCell& cell : grid.cells) {
      std::string line;
      for (char c : cell.text) {
        if (c != '\n') line += c;
      }
      text += line + "\n";
    }
    ++table;
  }
  text +=
      "五、存在的主要问题及改进情况\n"
      "2024年，实验区政府信息公开工作取得了新进展新成果，但在工作中仍有不足，政策解读形式仍需创新，"
      "智能化、数字化手段运用还不够充分。\n";
  EXPECT_EQ(table, 3);
  return text;
}

TEST(OneCellALineTest, PingtanTablesRenderedOneCellALine) {
  std::string text = PingtanOneCellALine();
  Extraction e = ExtractText(text);
  ExpectTruth(e, PingtanTruth());
  EXPECT_EQ(e.year, 2024);
  EXPECT_EQ(e.cells.at("outcome.other.no_correction.total").raw, "1");
}

// The page's visible text as the HTML parser reads it: one block a line, so cells written as
// several <p> (三、本 / 年度办 / 理结果, 商业 / 企业) come as several lines.
TEST(OneCellALineTest, PingtanVisibleTextWithCellsOverSeveralLines) {
  Page html = ParseHtml(PingtanHtml());
  ASSERT_NE(html.text.find("年度办\n"), std::string::npos) << "a cell over several lines";
  ExpectTruth(ExtractText(html.text), PingtanTruth());
}

TEST(OneCellALineTest, GridsOfTheCopiedTables) {
  Page page = ParseText(PingtanOneCellALine());
  // 表二 as four grids (one per 第二十条 paragraph), 表三, 表四.
  ASSERT_EQ(page.tables.size(), 6u);
  const Grid& t2 = page.tables[0];
  EXPECT_EQ(t2.At(0, 0)->text, "第二十条第（一）项");
  EXPECT_EQ(t2.At(0, 0)->colspan, t2.columns);
  EXPECT_EQ(t2.At(1, 0)->text, "信息内容");
  EXPECT_EQ(t2.At(1, 3)->text, "现行有效件数");
  EXPECT_EQ(t2.At(3, 0)->text, "行政规范性文件");
  EXPECT_EQ(t2.At(3, 3)->text, "440");
  const Grid& t3 = page.tables[4];
  EXPECT_EQ(t3.columns, 9);  // two label columns and seven values
  // The applicant header had spans: kept as one cell, never placed under guessed columns.
  EXPECT_EQ(t3.At(0, 0)->colspan, 9);
  EXPECT_NE(t3.At(0, 0)->text.find("申请人情况"), std::string::npos);
  EXPECT_EQ(t3.At(3, 0)->text, "三、本年度办理结果");
  EXPECT_EQ(t3.At(3, 1)->text, "（一）予以公开");
  EXPECT_EQ(t3.At(3, 2)->text, "71");
  EXPECT_EQ(t3.At(1, 1), nullptr);
  EXPECT_EQ(t3.At(1, 8)->text, "218");
  const Grid& t4 = page.tables[5];
  EXPECT_EQ(t4.rows, 2);
  EXPECT_EQ(t4.columns, 16);
  EXPECT_EQ(t4.At(1, 0), nullptr);  // table 四 has no row label
  EXPECT_EQ(t4.At(1, 15)->text, "19");
}

TEST(OneCellALineTest, HandMadeV2019) {
  Extraction e =
      ExtractText(testing::ReadFileBytes(testing::DataDir() + "/pages/v2019-per-line.txt"));
  ASSERT_EQ(e.template_id, "v2019");
  EXPECT_EQ(e.year, 2019);
  EXPECT_EQ(e.published, "2020-01-20");
  EXPECT_EQ(Field(e, "active.normative_docs.total_published"), 50);
  EXPECT_EQ(Field(e, "active.licensing.change"), -8);
  EXPECT_EQ(Field(e, "active.licensing.decisions"), 3456);
  EXPECT_EQ(Field(e, "active.other_services.change"), 2);
  EXPECT_EQ(e.cells.at("active.other_services.change").raw, "+2");
  EXPECT_EQ(Field(e, "active.enforcement.change"), std::nullopt);  // "—"
  EXPECT_EQ(Field(e, "active.fees.change"), -1);
  EXPECT_DOUBLE_EQ(*Field(e, "active.procurement.amount"), 1234.5);
  EXPECT_EQ(Field(e, "requests.new.total"), 8);
  EXPECT_EQ(Field(e, "requests.carried_over.natural_person"), 1);
  EXPECT_EQ(Field(e, "outcome.disclosed.total"), 6);
  EXPECT_EQ(Field(e, "outcome.withheld.state_secret.total"), 0);
  EXPECT_EQ(Field(e, "outcome.other.natural_person"), 1);
  EXPECT_EQ(Field(e, "outcome.total.total"), 7);
  EXPECT_EQ(Field(e, "requests.carried_forward.natural_person"), 2);
  EXPECT_EQ(Field(e, "review.corrected"), 1);
  EXPECT_EQ(Field(e, "review.total"), 1);
  EXPECT_EQ(Field(e, "litigation.after_review.total"), 0);
  // A one-row applicant header lines up with the values: its labels name the columns.
  EXPECT_EQ(e.cells.at("requests.new.natural_person").label,
            "一、本年新收政府信息公开申请数量 | 自然人");
  int fields = 0;
  for (const auto& [id, value] : e.fields) fields += value.has_value();
  EXPECT_EQ(fields, 21 + 23 * 7 + 15);  // every value of 表二 but "—", of 表三 and 表四
  EXPECT_TRUE(e.unmatched.empty()) << e.unmatched.front().label;
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
}

// A row that lost a cell cannot be placed: it is reported, not shifted into other columns.
TEST(OneCellALineTest, RowWithAMissingValueIsUnmatched) {
  std::string text =
      "申请人情况\n自然人\n法人或其他组织\n总计\n商业企业\n科研机构\n社会公益组织\n法律服务机构\n"
      "其他\n"
      "一、本年新收政府信息公开申请数量\n3\n1\n0\n0\n0\n0\n4\n"
      "二、上年结转政府信息公开申请数量\n1\n0\n0\n0\n0\n1\n"
      "三、本年度办理结果\n（一）予以公开\n4\n1\n0\n0\n0\n0\n5\n"
      "四、结转下年度继续办理\n0\n0\n0\n0\n0\n0\n0\n";
  Extraction e = ExtractText(text);
  ASSERT_EQ(e.template_id, "v2021");
  EXPECT_EQ(Field(e, "requests.new.total"), 4);
  EXPECT_EQ(Field(e, "outcome.disclosed.commercial"), 1);
  for (const char* id : {"requests.carried_over.natural_person", "requests.carried_over.total",
                         "requests.carried_over.other_org"}) {
    EXPECT_EQ(Field(e, id), std::nullopt) << id;
  }
  ASSERT_FALSE(e.unmatched.empty());
  EXPECT_EQ(e.unmatched[0].row, 2);
}

TEST(OneCellALineTest, ProseWithNumbersIsNoTable) {
  Page page = ParseText(
      "2023年工作报告\n全年受理\n12\n件，办结\n12\n件。\n其中网上申请\n8\n件，信函\n4\n件。\n"
      "另有\n3\n件转下年度。\n");
  EXPECT_TRUE(page.tables.empty() || page.tables[0].columns <= 3);
}

// Label lines without a value end a one-cell-a-line table after kMaxLabelOnlyGap (2) of them. A
// long run of them is held as a few records (hostile text of a million label lines, issue 9), and
// still parts the tables around it.
TEST(OneCellALineTest, LabelLinesBetweenTablesPartThemHoweverMany) {
  const std::string before = "甲\n1\n乙\n2\n丙\n3\n", after = "丁\n4\n戊\n5\n己\n6\n";
  auto rows_of_tables = [&](int label_lines) {
    std::string text = before;
    for (int i = 0; i < label_lines; ++i) text += "标签" + std::to_string(i) + "\n";
    std::vector<int> rows;
    for (const Grid& grid : ParseText(text + after).tables) rows.push_back(grid.rows);
    return rows;
  };
  EXPECT_EQ(rows_of_tables(2), std::vector<int>{8});  // within the gap: one table
  for (int n : {3, 4, 5, 6, 50, 100000}) {
    EXPECT_EQ(rows_of_tables(n), (std::vector<int>{3, 3})) << n << " label lines";
  }
}

// Text of a grid cell, or "<none>".
std::string TextAt(const Grid& grid, int row, int column) {
  const GridCell* cell = grid.At(row, column);
  return cell == nullptr ? "<none>" : cell->text;
}

// The grid row whose first cells hold `label` (joined lines included), or -1.
int RowWithLabel(const Grid& grid, const std::string& label) {
  for (int r = 0; r < grid.rows; ++r) {
    for (int c = 0; c < grid.columns; ++c) {
      if (TextAt(grid, r, c) == label) return r;
    }
  }
  return -1;
}

// A whole v2021 report as pdftotext -layout prints it (tests/data/pages/pingtan-2024-layout.txt):
// section lines between the rows of 表二, a three-row applicant header, labels spanning rows
// printed in the middle of their rows, sub-row labels wrapped over 2–4 lines with the values on
// the first, middle or a line of their own, page footers "— 3 —" and a running header between
// the parts of 表三.
TEST(LayoutTest, PingtanWholeReport) {
  Extraction e =
      ExtractText(testing::ReadFileBytes(testing::DataDir() + "/pages/pingtan-2024-layout.txt"));
  ExpectTruth(e, PingtanTruth());
  EXPECT_EQ(e.year, 2024);
  EXPECT_EQ(e.cells.at("outcome.other.no_correction.total").raw, "1");
  EXPECT_EQ(e.cells.at("active.fees.amount").raw, "18651.06");
}

TEST(LayoutTest, WrappedLabelsAreJoinedAndPageFurnitureDropped) {
  Page page =
      ParseText(testing::ReadFileBytes(testing::DataDir() + "/pages/pingtan-2024-layout.txt"));
  const Grid* t3 = nullptr;
  for (const Grid& grid : page.tables) {
    if (RowWithLabel(grid, "（七）总计") >= 0) t3 = &grid;
    for (const GridCell& cell : grid.cells) {
      EXPECT_EQ(cell.text.find("—"), std::string::npos) << cell.text;
      EXPECT_EQ(cell.text.find("平潭综合实验区"), std::string::npos) << cell.text;
    }
  }
  ASSERT_NE(t3, nullptr);
  // Head line above the values, rest below; the (六) group printed beside sub-row 2.
  int row =
      RowWithLabel(*t3, "1.申请人无正当理由逾\n期不补正、行政机关不\n再处理其政府信息公开\n申请");
  ASSERT_GE(row, 0);
  row = RowWithLabel(
      *t3, "2.申请人逾期未按收费\n通知要求缴纳费用、行\n政机关不再处理其政府\n信息公开申请");
  ASSERT_GE(row, 0);
  EXPECT_EQ(RowWithLabel(*t3, "（六）其他处理"), row);
  // Values on a line of their own between the two lines of the label.
  EXPECT_GE(RowWithLabel(*t3, "2.其他法律行政法规\n禁止公开"), 0);
  // A label spanning rows, wrapped in its narrow column and printed beside another row's.
  row = RowWithLabel(*t3, "三、本年度\n办理结果");
  ASSERT_GE(row, 0);
  EXPECT_EQ(RowWithLabel(*t3, "1.本机关不掌握相关\n政府信息"), row);
  EXPECT_EQ(RowWithLabel(*t3, "（四）无法提供"), row);
}

TEST(LayoutTest, SectionLineBetweenRowsIsNotGluedToAValue) {
  Page page = ParseText(
      "                              第二十条第（一）项\n"
      "      信息内容            本年制发件数        本年废止件数        现行有效件数\n"
      "     行政规范性文件            62                  33                 440\n"
      "                              第二十条第（五）项\n"
      "      信息内容                             本年处理决定数量\n"
      "      行政许可                                    4529\n");
  ASSERT_EQ(page.tables.size(), 1u);
  const Grid& t = page.tables[0];
  int row = RowWithLabel(t, "行政规范性文件");
  ASSERT_GE(row, 0);
  for (int c = 1; c < t.columns; ++c) {
    EXPECT_EQ(TextAt(t, row, c).find('\n'), std::string::npos) << TextAt(t, row, c);
  }
  EXPECT_EQ(RowWithLabel(t, "第二十条第（五）项"), row + 1);
  EXPECT_EQ(TextAt(t, row + 2, 0), "信息内容");  // the header of the next part, unjoined
  EXPECT_EQ(RowWithLabel(t, "行政许可"), row + 3);
}

// A group label printed in the middle of its rows, on a line of its own: never glued to the
// values above it; it heads the row below.
TEST(LayoutTest, GroupLineBetweenRows) {
  Page page = ParseText(
      "                     3.危及“三安全一稳定”        0       0      0      0       0       0    "
      "   0\n"
      "                     4.保护第三方合法权益         3       0      0      0       0       0   "
      "    3\n"
      "         （三）不予公开\n"
      "                     5.属于三类内部事务信息       32       0      0      0       0       0  "
      "    32\n");
  ASSERT_EQ(page.tables.size(), 1u);
  const Grid& t = page.tables[0];
  EXPECT_EQ(t.rows, 3);
  int row = RowWithLabel(t, "5.属于三类内部事务信息");
  EXPECT_EQ(RowWithLabel(t, "（三）不予公开"), row);
  EXPECT_EQ(TextAt(t, 1, t.columns - 1), "3");
}

TEST(LayoutTest, PageNumbersAndRunningHeadersOnlyAtPageBreaks) {
  Page page = ParseText(
      "示例县2023年报告\n一、甲          1     2\n二、乙          3     4\n\n       — 1 —\n"
      "\f示例县2023年报告\n三、丙          5     6\n四、丁          7     8\n\n       — 2 —\n"
      "\f示例县2023年报告\n");
  ASSERT_EQ(page.tables.size(), 1u);
  EXPECT_EQ(page.tables[0].rows, 4);
  EXPECT_EQ(page.title, "示例县2023年报告");
}

// The header rows of a '|' table that lost their spans, as a search index rendered a real 2020
// report of a Guangdong district office (williamhillcn.org mirror, post_7036712): 自然人 |
// 法人或其他组织 | 总计 over seven value columns, 商业企业 … 其他 in five cells. Read under them by
// index, the natural persons' 25 was printed as requests.new.research, and three more numbers went
// to other columns' fields, unflagged. Such header rows now become one cell: no number under a
// misplaced header.
TEST(PipeTableTest, HeaderRowsThatLostTheirSpansPlaceNoValue) {
  const std::string text =
      "三、收到和处理政府信息公开申请情况\n"
      "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 |\n"
      "自然人 | 法人或其他组织 | 总计 |\n"
      "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |\n"
      "一、本年新收政府信息公开申请数量 | 25 |\n|\n|\n|\n|\n| 25 |\n"
      "二、上年结转政府信息公开申请数量 |\n|\n|\n|\n|\n|\n| 0 |\n"
      "三、本年度办理结果 | (一)予以公开 | 7 |\n|\n|\n|\n|\n| 7 |\n";
  ExtractOptions options;
  options.input = ExtractOptions::Input::kText;
  Extraction e = Extract(text, *RuleSet::LoadEmbedded(), options);
  for (const auto& [field, value] : e.fields) {
    if (field.starts_with("requests.") || field.starts_with("outcome.")) {
      EXPECT_FALSE(value.has_value()) << field << " = " << value.value_or(-1);
    }
  }
}

// A text copy that lost a cell of a row (pingtan-2024's 表三, rendered one '|' row a line, with one
// of the 予以公开 row's zeros gone): its six values could be any six of the seven columns, so the
// row is null with a warning; the rows around it read as before.
TEST(PipeTableTest, RowThatLostACellIsNullAndSaysSo) {
  auto table = [](const std::string& disclosed_values) {
    return "三、收到和处理政府信息公开申请情况\n\n"
           "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况\n"
           "自然人 | 法人或其他组织 | 总计\n"
           "商业企业 | 科研机构 | 社会公益 组织 | 法律服务 机构 | 其他\n"
           "一、本年新收政府信息公开申请数量 | 217 | 1 | 0 | 0 | 0 | 0 | 218\n"
           "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
           "三、本年度办 理结果 | （一）予以公开 | " +
           disclosed_values +
           "\n"
           "（二）部分公开（区分处理的，只计这一情形，不计其他情形） | 29 | 0 | 0 | 0 | 0 | 0 | "
           "29\n";
  };
  Extraction whole = ExtractText(table("71 | 0 | 0 | 0 | 0 | 0 | 71"));
  EXPECT_EQ(Field(whole, "outcome.disclosed.natural_person"), 71);
  EXPECT_EQ(Field(whole, "outcome.disclosed.nonprofit"), 0);
  EXPECT_EQ(Field(whole, "outcome.disclosed.total"), 71);

  Extraction short_row = ExtractText(table("71 | 0 | 0 | 0 | 0 | 71"));
  for (const char* column : {"natural_person", "commercial", "research", "nonprofit",
                             "legal_services", "other_org", "total"}) {
    EXPECT_EQ(Field(short_row, std::string("outcome.disclosed.") + column), std::nullopt) << column;
  }
  EXPECT_EQ(Field(short_row, "outcome.partial.natural_person"), 29);
  EXPECT_EQ(Field(short_row, "requests.new.total"), 218);
  int warned = 0;
  for (const std::string& w : short_row.warnings) {
    if (w.find("6 value cells") != std::string::npos &&
        w.find("has 7 columns") != std::string::npos && w.find("予以公开") != std::string::npos)
      ++warned;
  }
  EXPECT_EQ(warned, 1) << "one warning for the row, naming it";
}

// Traditional-character copies of reports (mirrors such as newton.com.tw; rows of its copy of
// 武汉市 生态环境局's 2020 report) write 文件 as 檔案: 規範性檔案 is the 规范性文件 row.
TEST(PipeTableTest, TraditionalCopyNamesNormativeDocumentsWithDangan) {
  Extraction e = ExtractText(
      "第二十條第(一)項 | ||||\n"
      "信息內容 | 本年新 製作數量 | 本年新 公開數量 | 對外公開總數量 | ||\n"
      "規章 | 0 | 0 | 0 | ||\n"
      "規範性檔案 | 2 | 2 | 19 | ||\n");
  EXPECT_EQ(Field(e, "active.normative_docs.new_made"), 2);
  EXPECT_EQ(Field(e, "active.normative_docs.new_published"), 2);
  EXPECT_EQ(Field(e, "active.normative_docs.total_published"), 19);
  EXPECT_TRUE(e.unmatched.empty()) << e.unmatched.front().label;
}

// Pages copied one cell a line from tables whose borders became bars: "规章 |" and "||||" lines
// (a real 岳阳南湖新区 report), or a "|" line after each cell (the 汉阳 / 石家庄 shape). No line
// holds two cells between bars, so the bars are borders: every row shown reads as its truth.
TEST(PerLineTextTest, BordersSavedAsBarsAreNotCellSeparators) {
  for (const char* name : {"yueyang-nanhu-2019-bars.txt", "xjnlk-2023-bars.txt"}) {
    std::string path = testing::DataDir() + "/pages/" + name;
    Extraction e = ExtractText(testing::ReadFileBytes(path));
    nlohmann::json truth = nlohmann::json::parse(testing::ReadFileBytes(path + ".truth.json"));
    EXPECT_EQ(e.template_id, truth["template"].get<std::string>()) << name;
    EXPECT_TRUE(testing::ExpectFieldsAsTruth(e, truth, Rules()).empty()) << name;
    int read = 0;
    for (const auto& [field, value] : e.fields) read += value.has_value();
    EXPECT_GE(read, 20) << name;
  }
}

// A page cut short inside 表一 (two rows of values: too few to be taken for a table) gives no
// template, and says that its text names the format's columns: "no template" alone would not tell
// a report read badly from a page that is no report.
TEST(PerLineTextTest, TextNamingAFormatsColumnsWithoutATableSaysSo) {
  std::string page = testing::ReadFileBytes(testing::DataDir() + "/pages/xjnlk-2023-bars.txt");
  page.resize(page.find("第二十条第(五)项"));
  Extraction e = ExtractText(page);
  EXPECT_FALSE(e.template_id.has_value());
  ASSERT_EQ(e.warnings.size(), 1u);
  EXPECT_EQ(
      e.warnings[0],
      "the text names columns of the v2021 format (本年制发件数, 本年废止件数, 现行有效件数), "
      "but no table of its values was found in it");
  EXPECT_TRUE(
      ExtractText("二、主动公开政府信息情况\n本机关今年主动公开信息25条。\n").warnings.empty());
}

}  // namespace
}  // namespace nianbao
