// Bad input through DecodeToUtf8 + ParseHtml/ParseText: every case gives output or a warning, never
// a crash, an exception or unbounded memory. (Run under ASan/UBSan in the sanitizer tree.)
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "extract/read/decode.h"
#include "extract/read/page.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

// The charset as the caller forces it (--force-encoding).
CharsetHints Forced(const std::string& charset) {
  CharsetHints hints;
  hints.forced = charset;
  return hints;
}

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 generator(seed);
  std::string bytes(n, '\0');
  for (char& c : bytes) c = static_cast<char>(generator() & 0xFF);
  return bytes;
}

bool IsValidUtf8(const std::string& s) {
  // Forced UTF-8 replaces every invalid sequence (and warns of a <meta> naming another charset).
  Decoded again = DecodeToUtf8(s, Forced("UTF-8"));
  return again.utf8 == s;
}

bool HasWarningContaining(const std::vector<std::string>& warnings, const std::string& part) {
  for (const std::string& w : warnings) {
    if (w.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string TextAt(const Grid& grid, int row, int column) {
  const GridCell* cell = grid.At(row, column);
  return cell == nullptr ? "<none>" : cell->text;
}

void ExpectGridsConsistent(const Page& page) {
  for (const Grid& grid : page.tables) {
    ASSERT_EQ(grid.slots.size(), static_cast<size_t>(grid.rows) * grid.columns);
    for (int slot : grid.slots) {
      ASSERT_LT(slot, static_cast<int>(grid.cells.size()));
    }
    for (const GridCell& cell : grid.cells) {
      EXPECT_GE(cell.rowspan, 1);
      EXPECT_GE(cell.colspan, 1);
      EXPECT_LE(cell.row + cell.rowspan, grid.rows);
      EXPECT_LE(cell.column + cell.colspan, grid.columns);
    }
  }
}

// Runs the whole bottom half of the extractor on `bytes`, both ways.
void ParseBothWays(const std::string& bytes, Page* html, Page* text) {
  Decoded decoded = DecodeToUtf8(bytes);
  EXPECT_TRUE(IsValidUtf8(decoded.utf8));
  *html = ParseHtml(decoded.utf8);
  *text = ParseText(decoded.utf8);
  ExpectGridsConsistent(*html);
  ExpectGridsConsistent(*text);
}

TEST(RobustnessTest, EmptyInput) {
  Page html, text;
  ParseBothWays("", &html, &text);
  EXPECT_TRUE(html.tables.empty());
  EXPECT_TRUE(text.tables.empty());
  EXPECT_EQ(html.text, "");
  EXPECT_EQ(text.title, "");
  EXPECT_FALSE(LooksLikeHtml(""));
}

TEST(RobustnessTest, RandomBinary) {
  for (unsigned seed = 1; seed <= 4; ++seed) {
    std::string bytes = RandomBytes(256 * 1024, seed);
    Decoded decoded = DecodeToUtf8(bytes);
    EXPECT_FALSE(decoded.warnings.empty()) << "random bytes decode without complaint";
    EXPECT_TRUE(IsValidUtf8(decoded.utf8));
    Page html, text;
    ParseBothWays(bytes, &html, &text);
    for (const char* charset : {"UTF-8", "GBK", "UTF-16LE", "Big5", "Shift_JIS"}) {
      Decoded forced = DecodeToUtf8(bytes, Forced(charset));
      EXPECT_TRUE(IsValidUtf8(forced.utf8)) << charset;
    }
  }
}

TEST(RobustnessTest, BinaryWithNulsAndControlCharacters) {
  std::string bytes("<table>\0<tr><td>\x01\x02\0x</td></tr></table>\0\0|a|\0|\n", 43);
  Page html, text;
  ParseBothWays(bytes, &html, &text);
  EXPECT_EQ(html.tables.size(), 1u);
}

TEST(RobustnessTest, FiftyMegabytePage) {
  // The real page's tables once, then 50 MB of long paragraphs. (Gumbo alone needs several seconds
  // for 50 MB; the test shows that nothing on top of it grows faster than the input.)
  std::string page = testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html");
  ASSERT_FALSE(page.empty());
  std::string sentence = "本年度主动公开政府信息情况良好，全年办理申请 218 件。";
  std::string paragraph = "<p>";
  while (paragraph.size() < 64 * 1024) paragraph += sentence;
  paragraph += "</p>\n";
  std::string big;
  big.reserve(51u << 20);
  big += page;
  while (big.size() < (50u << 20)) big += paragraph;
  big += "<p>END-OF-PAGE</p>";
  Decoded decoded = DecodeToUtf8(big);
  EXPECT_EQ(decoded.charset, "UTF-8");
  EXPECT_TRUE(decoded.warnings.empty());
  Page html = ParseHtml(decoded.utf8);
  EXPECT_EQ(html.tables.size(), 3u);
  EXPECT_TRUE(html.warnings.empty());
  EXPECT_NE(html.text.rfind("END-OF-PAGE"), std::string::npos);
}

TEST(RobustnessTest, TenThousandNestedTags) {
  std::string html;
  for (int i = 0; i < 10000; ++i) html += "<div><span>";
  html += "deep text";
  Page page = ParseHtml(DecodeToUtf8(html).utf8);
  EXPECT_NE(page.text.find("deep text"), std::string::npos);
  EXPECT_TRUE(HasWarningContaining(page.warnings, "nested deeper"));
}

TEST(RobustnessTest, TenThousandNestedTables) {
  std::string html;
  for (int i = 0; i < 10000; ++i) html += "<table><tr><td>c" + std::to_string(i);
  html += "<b>innermost</b>";
  Page page = ParseHtml(html);
  ASSERT_FALSE(page.tables.empty());
  EXPECT_TRUE(HasWarningContaining(page.warnings, "nested deeper"));
  EXPECT_EQ(TextAt(page.tables[0], 0, 0), "c0");
  ExpectGridsConsistent(page);
}

TEST(RobustnessTest, HundredThousandNestedTagsStayFast) {
  // Without the nesting guard Gumbo needs ~45 s for this; with it, well under a second.
  std::string html(600000, ' ');
  html.clear();
  for (int i = 0; i < 100000; ++i) html += "<div>";
  html += "x";
  Page page = ParseHtml(html);
  EXPECT_EQ(page.text, "x");
}

TEST(RobustnessTest, NestingGuardIgnoresFlatTags) {
  // Thousands of unclosed <p>/<li>/<td> do not nest, so nothing is dropped.
  std::string html = "<table>";
  for (int i = 0; i < 3000; ++i) html += "<tr><td>" + std::to_string(i) + "<td>v";
  html += "</table><ul>";
  for (int i = 0; i < 3000; ++i) html += "<li><p>item";
  Page page = ParseHtml(html);
  EXPECT_TRUE(page.warnings.empty());
  ASSERT_EQ(page.tables.size(), 1u);
  EXPECT_EQ(page.tables[0].rows, 3000);
  EXPECT_EQ(TextAt(page.tables[0], 2999, 0), "2999");
}

TEST(RobustnessTest, TruncatedUtf8) {
  std::string page = testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html");
  size_t cut = page.find("收到和处理");
  ASSERT_NE(cut, std::string::npos);
  std::string truncated = page.substr(0, cut + 1);  // one byte of a three-byte character
  Decoded decoded = DecodeToUtf8(truncated);
  EXPECT_EQ(decoded.charset, "UTF-8");
  ASSERT_EQ(decoded.warnings.size(), 1u);
  EXPECT_EQ(decoded.warnings[0],
            "invalid UTF-8 byte sequence at byte " + std::to_string(cut) + " (replaced by U+FFFD)");
  Page html = ParseHtml(decoded.utf8);
  EXPECT_FALSE(html.text.empty());
}

TEST(RobustnessTest, TruncatedGb18030) {
  std::string page = testing::ReadFileBytes(testing::DataDir() + "/pingtan-2024.gb18030.html");
  ASSERT_GT(page.size(), 50000u);
  // Find a two-byte character near the middle and cut after its lead byte.
  size_t cut = page.size() / 2;
  while (static_cast<unsigned char>(page[cut]) < 0x81) ++cut;
  Decoded decoded = DecodeToUtf8(page.substr(0, cut + 1));
  EXPECT_EQ(decoded.charset, "GB18030");
  EXPECT_TRUE(HasWarningContaining(decoded.warnings, "invalid GB18030 byte sequence at byte"));
  EXPECT_TRUE(IsValidUtf8(decoded.utf8));
  EXPECT_NE(decoded.utf8.find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(RobustnessTest, AbsurdSpans) {
  Page page = ParseHtml(
      "<table><tr><td rowspan=99999999999 colspan=4294967297>a</td><td rowspan=-3 colspan=-1>b</td>"
      "<td rowspan='  7x' colspan='x'>c</td></tr><tr><td>d</td></tr></table>");
  ExpectGridsConsistent(page);
  const Grid& t = page.tables.at(0);
  EXPECT_LE(t.columns, 1000);
  EXPECT_EQ(t.rows, 2);
  ASSERT_NE(t.At(0, 0), nullptr);
  EXPECT_EQ(t.At(0, 0)->colspan, 200);
  EXPECT_EQ(t.At(0, 0)->rowspan, 2);  // clamped to 1000, then clipped to the rows that exist
  EXPECT_EQ(TextAt(t, 1, 199), "a");
  EXPECT_EQ(TextAt(t, 0, 200), "b");  // negative spans read as 1
  EXPECT_EQ(TextAt(t, 0, 201), "c");
  EXPECT_EQ(TextAt(t, 1, 201), "c");  // "  7x" reads as 7
  EXPECT_EQ(TextAt(t, 1, 200), "d");
  EXPECT_TRUE(HasWarningContaining(page.warnings, "clamped"));
}

TEST(RobustnessTest, HugeTablesAreCapped) {
  std::string html = "<table><tr><td colspan=200>x</td>";
  for (int i = 0; i < 5000; ++i) html += "<td>c</td>";
  html += "</tr>";
  for (int i = 0; i < 20000; ++i) html += "<tr><td rowspan=1000>r</td></tr>";
  html += "</table>";
  Page page = ParseHtml(html);
  ExpectGridsConsistent(page);
  const Grid& t = page.tables.at(0);
  EXPECT_EQ(t.columns, 1000);
  EXPECT_LE(static_cast<size_t>(t.rows) * t.columns, 4u << 20);
  EXPECT_TRUE(HasWarningContaining(page.warnings, "more than 1000 columns"));
  EXPECT_TRUE(HasWarningContaining(page.warnings, "too large"));
}

TEST(RobustnessTest, UnterminatedConstructs) {
  for (const char* html : {"<!--", "<!-- <table><tr><td>1", "<script>", "<table", "<td colspan=",
                           "<table><tr><td>", "<title>", "</table></tr></td>", "<![CDATA[x",
                           "<meta charset=", "<svg><table><tr><td>x</td></tr></table></svg>"}) {
    Page page = ParseHtml(DecodeToUtf8(html).utf8);
    ExpectGridsConsistent(page);
  }
}

TEST(RobustnessTest, PathologicalText) {
  Page pipes = ParseText(std::string(1 << 20, '|'));
  ExpectGridsConsistent(pipes);
  std::string rows;
  for (int i = 0; i < 20000; ++i)
    rows += "label " + std::to_string(i) + "  " + std::to_string(i) + "\n";
  Page many = ParseText(rows);
  ASSERT_EQ(many.tables.size(), 1u);
  EXPECT_EQ(many.tables[0].rows, 20000);
  std::string brackets;
  for (int i = 0; i < 20000; ++i) brackets += "（一）未闭合（括号\n";
  brackets += "1\n";
  ExpectGridsConsistent(ParseText(brackets));
  std::string long_line(2 << 20, 'x');
  ExpectGridsConsistent(ParseText(long_line));
  std::string values;
  for (int i = 0; i < 20000; ++i) values += "——\n";
  EXPECT_TRUE(ParseText(values).tables.empty());
}

}  // namespace
}  // namespace nianbao
