// store/csv.h: the one RFC 4180 cell rule, with and without the formula guard.
#include "store/csv.h"

#include <gtest/gtest.h>

#include <string>

namespace nianbao {
namespace {

TEST(CsvCellTest, QuotesOnlyCellsWithACommaQuoteOrLineBreak) {
  EXPECT_EQ(CsvCell("平潭综合实验区"), "平潭综合实验区");
  EXPECT_EQ(CsvCell(""), "");
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvCell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvCell("cr\r"), "\"cr\r\"");
  EXPECT_EQ(CsvCell("=SUM(A1)"), "=SUM(A1)");  // unguarded: as it is
}

TEST(CsvCellTest, GuardPrefixesWhatASpreadsheetWouldRunAsAFormula) {
  EXPECT_EQ(GuardedCsvCell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(GuardedCsvCell("+cmd"), "'+cmd");
  EXPECT_EQ(GuardedCsvCell("-cmd"), "'-cmd");
  EXPECT_EQ(GuardedCsvCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(GuardedCsvCell("\tx"), "'\tx");
  EXPECT_EQ(GuardedCsvCell("\rx"), "\"'\rx\"");
  EXPECT_EQ(GuardedCsvCell("a=b"), "a=b");  // only a leading sign counts
  EXPECT_EQ(GuardedCsvCell(""), "");
}

TEST(CsvCellTest, NumbersAreNeverGuarded) {
  for (std::string number : {"-12", "-8", "+1036", "3.5", "-0.25", "1e5"}) {
    EXPECT_EQ(GuardedCsvCell(number), number);
  }
  EXPECT_EQ(GuardedCsvCell("++1"), "'++1");
  EXPECT_EQ(GuardedCsvCell("-"), "'-");
  EXPECT_EQ(GuardedCsvCell("-12 件"), "'-12 件");
}

TEST(CsvCellTest, AppendAddsToWhatIsThere) {
  std::string line = "a,";
  AppendCsvCell("b,c", false, &line);
  line += ',';
  AppendCsvCell("=1+1", true, &line);
  EXPECT_EQ(line, "a,\"b,c\",'=1+1");
}

}  // namespace
}  // namespace nianbao
