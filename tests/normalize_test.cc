#include "extract/map/normalize.h"

#include <gtest/gtest.h>

namespace nianbao {
namespace {

class NormalizeTest : public ::testing::Test {
 protected:
  static const Normalizer& normalizer() {
    static const Normalizer* n =
        new Normalizer();  // built once: the transliterator is slow to build
    return *n;
  }
};

TEST_F(NormalizeTest, RemovesEveryKindOfWhitespace) {
  EXPECT_EQ(normalizer().Clean("三、本年度办 理结果"), "三、本年度办理结果");
  EXPECT_EQ(normalizer().Clean("社会公益\n组织"), "社会公益组织");
  EXPECT_EQ(normalizer().Clean("\xC2\xA0\xC2\xA0自然人\xE3\x80\x80"), "自然人");
  EXPECT_EQ(normalizer().Clean("统 计 指 标"), "统计指标");
}

TEST_F(NormalizeTest, NfkcAndVariants) {
  EXPECT_EQ(normalizer().Clean("（一）予以公开"), "(一)予以公开");
  EXPECT_EQ(normalizer().Clean("１．属于国家秘密"), "1.属于国家秘密");
  EXPECT_EQ(normalizer().Clean("【一】"), "(一)");
  EXPECT_EQ(normalizer().Clean("单位：万元"), "单位:万元");
  EXPECT_EQ(normalizer().Clean("本年增／减"), "本年增/减");
  EXPECT_EQ(normalizer().Clean("危及“三安全一稳定”"), "危及三安全一稳定");
  EXPECT_EQ(normalizer().Clean("危及\"三安全一稳定\""), "危及三安全一稳定");
  EXPECT_EQ(normalizer().Clean("a—b"), "a-b");
}

TEST_F(NormalizeTest, TraditionalToSimplified) {
  EXPECT_EQ(normalizer().Clean("三、本年度辦理結果"), "三、本年度办理结果");
  EXPECT_EQ(normalizer().Clean("行政復議"), "行政复议");
  EXPECT_EQ(normalizer().Clean("屬於國家秘密"), "属于国家秘密");
  EXPECT_EQ(normalizer().Clean("自然人"), "自然人");
}

// Binary noise (control characters with U+FFFDs) is no label: it skips the slow transliterator,
// which 10 MB of random bytes would otherwise run on ~100,000 cells. A damaged printed label (a
// U+FFFD, no control character) is still read as Traditional.
TEST_F(NormalizeTest, NoiseSkipsTraditionalToSimplified) {
  EXPECT_EQ(normalizer().Clean("\x01\xEF\xBF\xBD\x02辦理結果"), "\xEF\xBF\xBD辦理結果");
  EXPECT_EQ(normalizer().Clean("辦\x7F理\xEF\xBF\xBD結果"), "辦理\xEF\xBF\xBD結果");
  EXPECT_EQ(normalizer().Clean("本年度辦\xEF\xBF\xBD結果"), "本年度办\xEF\xBF\xBD结果");
  EXPECT_EQ(normalizer().Clean("\xEF\xBF\xBD\xEF\xBF\xBD辦理"), "\xEF\xBF\xBD\xEF\xBF\xBD办理");
  // One control character and no U+FFFD: still a label.
  EXPECT_EQ(normalizer().Clean("\x01三、本年度辦理結果"), "三、本年度办理结果");
}

// IsBinaryNoise reads the same rule from the bytes, without ICU (template detection skips such
// cells unnormalised): the noise above is noise, the labels above are not.
TEST_F(NormalizeTest, BinaryNoiseIsToldFromTheBytes) {
  EXPECT_TRUE(IsBinaryNoise("\x01\xEF\xBF\xBD\x02辦理結果"));
  EXPECT_TRUE(IsBinaryNoise("辦\x7F理\xEF\xBF\xBD結果"));
  EXPECT_TRUE(IsBinaryNoise("\xC2\x80\xEF\xBF\xBD\xEF\xBF\xBD"));  // U+0080 is a C1 control
  EXPECT_FALSE(IsBinaryNoise("本年度辦\xEF\xBF\xBD結果"));         // no control character
  EXPECT_FALSE(IsBinaryNoise("\xEF\xBF\xBD\xEF\xBF\xBD辦理"));
  EXPECT_FALSE(IsBinaryNoise("\x01三、本年度辦理結果"));  // no U+FFFD
  EXPECT_FALSE(
      IsBinaryNoise("\t\n\r三、本年度\xEF\xBF\xBD\xEF\xBF\xBD"));   // whitespace is no control
  EXPECT_FALSE(IsBinaryNoise("\xC2\x85\xEF\xBF\xBD\xEF\xBF\xBD"));  // U+0085 (NEL) is whitespace
  // Two U+FFFDs and a control in a long label are under one in eight: a damaged label.
  EXPECT_FALSE(IsBinaryNoise(
      "\x01\xEF\xBF\xBD\xEF\xBF\xBD三、本年度新收政府信息公开申请数量总计（单位：件）"));
  EXPECT_FALSE(IsBinaryNoise(""));
}

struct NumberingCase {
  const char* raw;
  const char* numbering;
  int level;
  const char* text;
};

TEST_F(NormalizeTest, SplitsEveryNumberingStyle) {
  const NumberingCase cases[] = {
      {"一、本年新收政府信息公开申请数量", "一、", kLevelChinese, "本年新收政府信息公开申请数量"},
      {"十二、其他", "十二、", kLevelChinese, "其他"},
      {"（一）予以公开", "(一)", kLevelParenChinese, "予以公开"},
      {"(三)不予公开", "(三)", kLevelParenChinese, "不予公开"},
      {"1.属于国家秘密", "1.", kLevelArabic, "属于国家秘密"},
      {"1、属于国家秘密", "1、", kLevelArabic, "属于国家秘密"},
      {"１．属于国家秘密", "1.", kLevelArabic, "属于国家秘密"},
      {"（1）当面申请数", "(1)", kLevelParenArabic, "当面申请数"},
      {"第一、主动公开情况", "第一、", kLevelChinese, "主动公开情况"},
      {"第一部分 主动公开", "第一部分", kLevelChinese, "主动公开"},
      {"其中：主动公开规范性文件数", "其中:", kLevelAmong, "主动公开规范性文件数"},
      {"自然人", "", kNoNumbering, "自然人"},
      {"2019年度", "", kNoNumbering, "2019年度"},
      {"第二十条第（五）项", "", kNoNumbering, "第二十条第项"},
  };
  for (const NumberingCase& c : cases) {
    Label label = normalizer().ParseLabel(c.raw);
    EXPECT_EQ(label.numbering, c.numbering) << c.raw;
    EXPECT_EQ(label.level, c.level) << c.raw;
    EXPECT_EQ(label.text, c.text) << c.raw;
    EXPECT_EQ(label.raw, c.raw);
  }
}

TEST_F(NormalizeTest, StripsExplanatoryParenthesesAndKeepsUnits) {
  Label partial =
      normalizer().ParseLabel("（二）部分公开（区分处理的，只计这一情形，不计其他情形）");
  EXPECT_EQ(partial.text, "部分公开");
  EXPECT_EQ(partial.numbering, "(二)");
  Label fee = normalizer().ParseLabel("本年收费金额（单位：万元）");
  EXPECT_EQ(fee.text, "本年收费金额");
  EXPECT_EQ(fee.unit, "万元");
  Label yuan = normalizer().ParseLabel("本年收费金额(元)");
  EXPECT_EQ(yuan.unit, "元");
  Label hint = normalizer().ParseLabel("上一年项目数量(指2019年事项数)");
  EXPECT_EQ(hint.text, "上一年项目数量");
  EXPECT_TRUE(hint.unit.empty());
}

TEST_F(NormalizeTest, WrappedNotes) {
  Label note = normalizer().ParseLabel("(不同渠道和方式公开相同信息计1条)");
  EXPECT_TRUE(note.note_only);
  EXPECT_TRUE(note.text.empty());
  Label opened = normalizer().ParseLabel(
      "(四)政府信息公开专项经费(不包括用于政府公报编辑管理及政府网站建设维");
  EXPECT_TRUE(opened.opens_note);
  EXPECT_EQ(opened.text, "政府信息公开专项经费");
  Label closed = normalizer().ParseLabel("护等方面的经费)");
  EXPECT_TRUE(closed.closes_note);
}

TEST_F(NormalizeTest, CacheReturnsTheSameLabel) {
  LabelCache cache(normalizer());
  const Label& a = cache.Get("（一）予以公开");
  const Label& b = cache.Get("（一）予以公开");
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(a.text, "予以公开");
}

}  // namespace
}  // namespace nianbao
