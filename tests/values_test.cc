#include "extract/map/values.h"

#include <gtest/gtest.h>

namespace nianbao {
namespace {

using Kind = CellValue::Kind;

TEST(ValuesTest, Numbers) {
  EXPECT_EQ(ParseValue("218").number, 218);
  EXPECT_EQ(ParseValue("212,653").number, 212653);
  EXPECT_EQ(ParseValue("２１８").number, 218);
  EXPECT_EQ(ParseValue("１，２３４").number, 1234);
  EXPECT_DOUBLE_EQ(ParseValue("18651.06").number, 18651.06);
  EXPECT_EQ(ParseValue(" 12 ").number, 12);
  EXPECT_EQ(ParseValue("\xC2\xA0"
                       "7")
                .number,
            7);
  EXPECT_EQ(ParseValue("218").kind, Kind::kNumber);
}

TEST(ValuesTest, Signed) {
  EXPECT_EQ(ParseValue("-8").number, -8);
  EXPECT_EQ(ParseValue("-8").kind, Kind::kNumber);
  EXPECT_EQ(ParseValue("+1036").number, 1036);
  EXPECT_EQ(ParseValue("－3").number, -3);
}

TEST(ValuesTest, ZeroAndNone) {
  EXPECT_EQ(ParseValue("0").kind, Kind::kNumber);
  EXPECT_EQ(ParseValue("0").number, 0);
  EXPECT_EQ(ParseValue("无").kind, Kind::kNumber);
  EXPECT_EQ(ParseValue("无").number, 0);
}

TEST(ValuesTest, NullMarkers) {
  for (const char* text :
       {"", "  ", "—", "——", "-", "--", "/", "／", "不适用", "―", "\xE3\x80\x80"}) {
    EXPECT_EQ(ParseValue(text).kind, Kind::kNull) << text;
  }
}

TEST(ValuesTest, Units) {
  CellValue yuan = ParseValue("251000元");
  EXPECT_EQ(yuan.kind, Kind::kNumber);
  EXPECT_EQ(yuan.number, 251000);
  EXPECT_EQ(yuan.unit, "元");
  EXPECT_EQ(ParseValue("12件").unit, "件");
  EXPECT_DOUBLE_EQ(*ConvertUnit(251000, "元", "万元"), 25.1);
  EXPECT_DOUBLE_EQ(*ConvertUnit(2.5, "万元", "元"), 25000);
  EXPECT_DOUBLE_EQ(*ConvertUnit(1.2, "亿元", "万元"), 12000);
  EXPECT_EQ(*ConvertUnit(12, "", "万元"), 12);
  EXPECT_EQ(*ConvertUnit(12, "件", "件"), 12);
  EXPECT_FALSE(ConvertUnit(12, "件", "万元").has_value());
}

// Variants met in real tables: a unit or the whole value in parentheses, small and mathematical
// signs, a stray point at the end, N/A.
TEST(ValuesTest, PrintedVariants) {
  EXPECT_EQ(ParseValue("1036（件）").number, 1036);
  EXPECT_EQ(ParseValue("1036（件）").unit, "件");
  EXPECT_EQ(ParseValue("0(件)").kind, Kind::kNumber);
  EXPECT_EQ(ParseValue("（无）").kind, Kind::kNumber);
  EXPECT_EQ(ParseValue("（无）").number, 0);
  EXPECT_EQ(ParseValue("(1)").kind, Kind::kInvalid);  // a numbering, not a value
  EXPECT_EQ(ParseValue("﹣3").number, -3);
  EXPECT_EQ(ParseValue("−3").number, -3);
  EXPECT_EQ(ParseValue("﹢5").number, 5);
  EXPECT_EQ(ParseValue("12.").number, 12);
  EXPECT_EQ(ParseValue("12.").kind, Kind::kNumber);
  for (const char* text : {"N/A", "n/a", "NA", "（—）"}) {
    EXPECT_EQ(ParseValue(text).kind, Kind::kNull) << text;
  }
  EXPECT_EQ(ParseValue("12(见附件)").kind, Kind::kInvalid);  // a note is not a unit
}

TEST(ValuesTest, Invalid) {
  for (const char* text : {"约20", "20余", "见附件", "1.2.3", "12abc", "."}) {
    EXPECT_EQ(ParseValue(text).kind, Kind::kInvalid) << text;
  }
}

TEST(ValuesTest, UnitWordsAndSpaces) {
  EXPECT_TRUE(IsUnitWord("万元"));
  EXPECT_TRUE(IsUnitWord("件"));
  EXPECT_TRUE(IsUnitWord("人次"));
  EXPECT_FALSE(IsUnitWord("单位"));
  EXPECT_FALSE(IsUnitWord("12"));
  EXPECT_EQ(CollapseSpace("  a \n\t b\xE3\x80\x80"), "a b");
}

}  // namespace
}  // namespace nianbao
