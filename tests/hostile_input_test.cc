// Hostile input that used to cost quadratic time: every input here took from minutes to days
// before its fix. Tests never time anything: ctest's TIMEOUT for this binary (tests/CMakeLists.txt)
// is what fails when a path turns super-linear again; the assertions check that the result is
// still right. bench/hostile prints the times.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "crawler/discovery.h"
#include "extract/read/html_tree.h"
#include "extract/read/page.h"

namespace nianbao {
namespace {

bool HasWarningContaining(const std::vector<std::string>& warnings, const std::string& part) {
  for (const std::string& w : warnings) {
    if (w.find(part) != std::string::npos) return true;
  }
  return false;
}

int Depth(const GumboNode* node) {
  // Iterative: the tree may be deep when the guard fails.
  int deepest = 0;
  std::vector<std::pair<const GumboNode*, int>> stack = {{node, 0}};
  while (!stack.empty()) {
    auto [n, depth] = stack.back();
    stack.pop_back();
    deepest = std::max(deepest, depth);
    if (n->type != GUMBO_NODE_ELEMENT) continue;
    for (unsigned i = 0; i < n->v.element.children.length; ++i) {
      stack.push_back({static_cast<const GumboNode*>(n->v.element.children.data[i]), depth + 1});
    }
  }
  return deepest;
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  out.reserve(s.size() * n);
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// ---- text: form feeds (PageFurniture compared every pair of page-edge lines) ----------------

TEST(HostileInputTest, FiftyThousandPagesKeepTheirRowsAndLoseTheirRunningHeader) {
  constexpr int kPages = 50000;
  std::string text;
  for (int i = 0; i < kPages; ++i) {
    text += "政府信息公开工作年度报告\n";
    text += "  甲" + std::to_string(i) + "    " + std::to_string(i) + "\n";
    text += "  乙" + std::to_string(i) + "    " + std::to_string(i + 1) + "\n\f";
  }
  Page page = ParseText(text);
  ASSERT_EQ(page.tables.size(), 1u);
  const Grid& grid = page.tables[0];
  EXPECT_EQ(grid.rows, 2 * kPages);
  EXPECT_EQ(grid.columns, 2);
  for (const GridCell& cell : grid.cells) {
    ASSERT_EQ(cell.text.find("年度报告"), std::string::npos)
        << "running header kept: " << cell.text;
  }
  EXPECT_EQ(grid.At(2 * kPages - 1, 0)->text, "乙" + std::to_string(kPages - 1));
}

TEST(HostileInputTest, TwelveKilobytesOfFormFeedsAndLines) {
  // The fuzz seed tests/fuzz/seeds/formfeeds.txt: 4096 one-line pages.
  Page page = ParseText(Repeat("x\n\f", 4096));
  EXPECT_TRUE(page.tables.empty());
  EXPECT_EQ(page.title, "x");
}

TEST(HostileInputTest, RandomBytesAsTextAndHtml) {
  std::mt19937 generator(9);
  std::string bytes(2 << 20, '\0');
  for (char& c : bytes) c = static_cast<char>(generator() & 0xFF);
  for (const Page& page : {ParseText(bytes), ParseHtml(bytes)}) {
    for (const Grid& grid : page.tables) {
      EXPECT_LE(grid.columns, 1000);
      EXPECT_LE(static_cast<size_t>(grid.rows) * grid.columns, size_t{4} << 20);
    }
  }
}

// ---- text: huge lines and huge tables -----------------------------------------------------

TEST(HostileInputTest, LineOfTwoHundredThousandCellsIsCutToAThousandColumns) {
  // Each cell's display column was counted from the start of the line: quadratic in its length.
  std::string line = Repeat("ab  ", 200000);
  Page page = ParseText(line + "\n" + line + "\n");
  ASSERT_EQ(page.tables.size(), 1u);
  EXPECT_EQ(page.tables[0].columns, 1000);
  EXPECT_EQ(page.tables[0].rows, 2);
  EXPECT_EQ(page.tables[0].At(1, 999)->text, "ab");
  EXPECT_TRUE(HasWarningContaining(page.warnings, "too large")) << page.warnings.size();
}

TEST(HostileInputTest, WideAndLongTableIsCutToFourMillionSlots) {
  std::string text = Repeat("ab  ", 1000) + "\n" + Repeat("cd  1\n", 10000);
  Page page = ParseText(text);
  ASSERT_FALSE(page.tables.empty());
  const Grid& grid = page.tables[0];
  EXPECT_EQ(grid.columns, 1000);
  EXPECT_LE(static_cast<size_t>(grid.rows) * grid.columns, size_t{4} << 20);
  EXPECT_EQ(grid.rows, 4194);  // (4 << 20) / 1000 rows fit
  EXPECT_TRUE(HasWarningContaining(page.warnings, "too large"));
}

TEST(HostileInputTest, HundredThousandLabelFragmentsStayRows) {
  // Label-only lines above a row were all prepended to its label, each copy longer than the last.
  constexpr int kFragments = 100000;
  std::string text = Repeat("ab  cd\n", kFragments) + "ef            2\n";
  Page page = ParseText(text);
  ASSERT_EQ(page.tables.size(), 1u);
  const Grid& grid = page.tables[0];
  EXPECT_GE(grid.rows, kFragments - 8);
  const GridCell* label = grid.At(grid.rows - 1, 0);
  ASSERT_NE(label, nullptr);
  EXPECT_LE(std::count(label->text.begin(), label->text.end(), '\n'), 16) << label->text.size();
  EXPECT_NE(label->text.find("ef"), std::string::npos);
}

TEST(HostileInputTest, RowOfTwoHundredThousandValuesIsCut) {
  std::string text = "甲\n1\n2\n乙\n3\n4\n丙\n5\n6\n丁\n" + Repeat("7\n", 200000);
  Page page = ParseText(text);
  ASSERT_EQ(page.tables.size(), 1u);
  EXPECT_LE(page.tables[0].columns, 1001);
  EXPECT_TRUE(HasWarningContaining(page.warnings, "too large"));
}

// ---- HTML: the nesting guard, for the extractor and for link discovery ------------------------

std::string NestedListPage(int depth) {
  return "<html><body>" + Repeat("<div>", depth) +
         "<a href=\"/col/r1.html\">某县2023年政府信息公开工作年度报告</a>" +
         Repeat("</div>", depth) + "</body></html>";
}

TEST(HostileInputTest, LinkDiscoveryOnTwoHundredThousandNestedDivs) {
  auto rules = LinkRules::Load();
  DiscoveredLinks links =
      DiscoverLinks(NestedListPage(200000), "http://127.0.0.1/col/index.html", *rules);
  EXPECT_EQ(links.reports, (std::vector<std::string>{"http://127.0.0.1/col/r1.html"}));
}

TEST(HostileInputTest, GuardCutsDeepNestingForEveryParse) {
  HtmlTree tree(NestedListPage(200000));
  ASSERT_NE(tree.root(), nullptr);
  EXPECT_LE(Depth(tree.root()), kMaxHtmlNesting + 4);
  EXPECT_TRUE(HasWarningContaining(tree.warnings(), "nested deeper than 400"));
  Page page = ParseHtml(NestedListPage(200000));
  EXPECT_NE(page.text.find("年度报告"), std::string::npos);
  EXPECT_TRUE(HasWarningContaining(page.warnings, "nested deeper than 400"));
}

TEST(HostileInputTest, StrayEndTagsDoNotTalkTheGuardDown) {
  // Stray end tags that Gumbo ignores used to lower the guard's count of open elements.
  std::string stray = "<html><body>" + Repeat(Repeat("<div>", 300) + Repeat("</zz>", 300), 300) +
                      "<a href=\"/col/r1.html\">年度报告</a></body></html>";
  HtmlTree tree(stray);
  ASSERT_NE(tree.root(), nullptr);
  EXPECT_LE(Depth(tree.root()), kMaxHtmlNesting + 4);
  // An end tag Gumbo ignores because a special element stands above its element.
  std::string shielded = "<html><body>" + Repeat("<span><div></span>", 50000) + "</body></html>";
  HtmlTree shielded_tree(shielded);
  ASSERT_NE(shielded_tree.root(), nullptr);
  EXPECT_LE(Depth(shielded_tree.root()), kMaxHtmlNesting + 4);
}

TEST(HostileInputTest, OrdinaryNestingIsUntouched) {
  std::string html = "<html><body>" + Repeat("<div><span>x</span><p>y</p></div>", 5000) +
                     Repeat("<div>", 300) + "deep" + Repeat("</div>", 300) + "</body></html>";
  HtmlTree tree(html);
  EXPECT_TRUE(tree.warnings().empty());
  EXPECT_EQ(tree.source(), html);
  Page page = ParseHtml(html);
  EXPECT_NE(page.text.find("deep"), std::string::npos);
  EXPECT_TRUE(page.warnings.empty());
}

}  // namespace
}  // namespace nianbao
