// Hostile input that used to cost quadratic time: every input here took from minutes to days
// before its fix. Tests never time anything: ctest's TIMEOUT for this binary (tests/CMakeLists.txt)
// is what fails when a path turns super-linear again; the assertions check that the result is
// still right. bench/hostile prints the times.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

#include "crawler/discovery.h"
#include "extract/read/html_tree.h"
#include "extract/read/page.h"
#include "tests/support/hostile_inputs.h"
#include "tests/support/paths.h"
#include "tests/support/sanitizer.h"
#include "tests/support/temp_dir.h"

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

// ---- any bytes, through the real binary ------------------------------------------------------

struct BinaryRun {
  int status = -1;
  std::string out;
};

BinaryRun RunNianbao(const std::string& args) {
  std::string command = testing::NianbaoBinary() + " " + args + " 2>/dev/null";
  BinaryRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 65536> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.out.append(buffer.data(), n);
  int raw = ::pclose(pipe);
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return run;
}

size_t CodePointCount(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Each input of the "10 MB of any bytes" target, read by `nianbao extract` as the crawler reads a
// body (by its bytes), as text and as HTML: every one ends with a clear answer, no statistics table
// (exit 3) and a JSON object per file, not a crash or a hang (ctest's TIMEOUT). bench/hostile
// prints their CPU seconds at 10 MB.
TEST(HostileInputTest, AMegabyteOfEachHostileInputThroughTheBinary) {
#ifdef NIANBAO_ASAN
  constexpr size_t kSize = 128 << 10;  // AddressSanitizer is ~10x slower; the shapes are the same
#else
  constexpr size_t kSize = 1 << 20;
#endif
  testing::TempDir dir;
  std::vector<std::pair<std::string, std::string>> inputs = testing::HostileInputs(kSize);
  std::string files;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::string file = dir.File("input" + std::to_string(i));
    testing::WriteFileBytes(file, inputs[i].second);
    files += " " + file;
  }
  // By its bytes: random bytes are binary data, form feeds alone an empty page, the rest text.
  const std::vector<std::string> sniffed = {"binary", "empty", "text", "text",
                                            "text",   "text",  "text", "text"};
  for (std::string mode : {"", "--text", "--html"}) {
    SCOPED_TRACE("mode '" + mode + "'");
    BinaryRun run = RunNianbao("extract --jobs 1 " + mode + files);
    EXPECT_EQ(run.status, 3) << "no statistics table in any of them";
    std::istringstream lines(run.out);
    std::string line;
    size_t index = 0;
    for (; std::getline(lines, line); ++index) {
      ASSERT_LT(index, inputs.size());
      SCOPED_TRACE(inputs[index].first);
      nlohmann::json json = nlohmann::json::parse(line);
      EXPECT_EQ(json["file"], dir.File("input" + std::to_string(index)));
      EXPECT_TRUE(json["template"].is_null());
      EXPECT_TRUE(json["fields"].empty());
      std::string expected = mode == "--text" ? "text" : mode == "--html" ? "html" : sniffed[index];
      EXPECT_EQ(json["format"], expected);
      // A page without a title line is titled by its first line, cut (was the whole 1 MB line).
      if (json["title"].is_string()) {
        EXPECT_LE(CodePointCount(json["title"].get<std::string>()), 200u);
      }
    }
    EXPECT_EQ(index, inputs.size()) << "one JSON object per file";
  }
}

TEST(HostileInputTest, FormattingTagsPastTheirLimitAreDroppedKeepingTheText) {
  // Thousands of <b>s, each with other attributes (so HTML's "three alike" limit does not apply),
  // closed by an end tag around them: Gumbo reopened all of them at every character after it.
  std::string html = "<html><body>";
  for (int i = 0; i < 20000; ++i)
    html += "<div><b id=" + std::to_string(i) + ">w" + std::to_string(i) + "</div>";
  html += "<p>年度报告</p></body></html>";
  HtmlTree tree(html);
  ASSERT_NE(tree.root(), nullptr);
  EXPECT_TRUE(tree.warnings().empty()) << "formatting tags carry no text: nothing to warn about";
  EXPECT_LE(Depth(tree.root()), 64 + 4 + 32);
  Page page = ParseHtml(html);
  EXPECT_NE(page.text.find("w19999"), std::string::npos);
  EXPECT_NE(page.text.find("年度报告"), std::string::npos);
  // Closed formatting elements are no part of the limit: a page of them all is untouched.
  std::string closed =
      "<html><body>" + Repeat("<p><b>x</b><font size=2>y</font></p>", 20000) + "</body></html>";
  HtmlTree closed_tree(closed);
  ASSERT_NE(closed_tree.root(), nullptr);
  const GumboNode* body =
      static_cast<const GumboNode*>(closed_tree.root()->v.element.children.data[1]);
  ASSERT_EQ(body->v.element.tag, GUMBO_TAG_BODY);
  const GumboNode* last_p = static_cast<const GumboNode*>(
      body->v.element.children.data[body->v.element.children.length - 1]);
  ASSERT_EQ(last_p->v.element.tag, GUMBO_TAG_P);
  EXPECT_EQ(static_cast<const GumboNode*>(last_p->v.element.children.data[0])->v.element.tag,
            GUMBO_TAG_B);
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

TEST(HostileInputTest, PipeAndTabRowsOfManyCellsAreCutToAThousandColumnsAndSayIt) {
  // The splitter stops reading a line after the cells a grid can keep (and one more, so the cut
  // is reported): a framed pipe row, an unframed one and a tab row.
  for (const std::string& line :
       {"|" + Repeat("ab|", 5000), Repeat("ab|", 5000) + "ab", Repeat("ab\t", 5000) + "ab"}) {
    Page page = ParseText(line + "\n" + line + "\n");
    ASSERT_EQ(page.tables.size(), 1u) << line.substr(0, 8);
    EXPECT_EQ(page.tables[0].columns, 1000) << line.substr(0, 8);
    EXPECT_EQ(page.tables[0].rows, 2);
    EXPECT_EQ(page.tables[0].At(1, 999)->text, "ab");
    EXPECT_TRUE(HasWarningContaining(page.warnings, "too large")) << line.substr(0, 8);
  }
  // 1000 cells exactly are kept whole, with no warning.
  for (const std::string& line : {"|" + Repeat("ab|", 1000), Repeat("ab\t", 999) + "ab"}) {
    Page page = ParseText(line + "\n" + line + "\n");
    ASSERT_EQ(page.tables.size(), 1u);
    EXPECT_EQ(page.tables[0].columns, 1000) << line.substr(0, 8);
    EXPECT_FALSE(HasWarningContaining(page.warnings, "too large")) << line.substr(0, 8);
  }
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
