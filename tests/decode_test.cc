// DecodeToUtf8: BOMs, declared and <meta> charsets, detection, and the U+FFFD/offset warnings.
// The GBK/GB18030 inputs are made here by re-encoding UTF-8 text with ICU (no real GBK report page
// is available; see tests/data/SOURCE.md for the committed GB18030 fixture made with iconv).
#include "extract/read/decode.h"

#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include <fstream>
#include <sstream>
#include <string>

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

std::string Encode(const std::string& utf8, const char* charset) {
  UErrorCode status = U_ZERO_ERROR;
  std::string out(utf8.size() * 4 + 16, '\0');
  int32_t n = ucnv_convert(charset, "UTF-8", out.data(), static_cast<int32_t>(out.size()),
                           utf8.data(), static_cast<int32_t>(utf8.size()), &status);
  EXPECT_TRUE(U_SUCCESS(status)) << u_errorName(status);
  out.resize(n);
  return out;
}

const std::string kChinese = "政府信息公开工作年度报告：收到申请数 782 件，其中网络申请 582 件。";

TEST(DecodeTest, EmptyInputIsEmptyUtf8) {
  Decoded d = DecodeToUtf8("");
  EXPECT_EQ(d.utf8, "");
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_TRUE(d.warnings.empty());
}

TEST(DecodeTest, ValidUtf8PassesThroughUnchanged) {
  Decoded d = DecodeToUtf8(kChinese);
  EXPECT_EQ(d.utf8, kChinese);
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_TRUE(d.warnings.empty());
}

TEST(DecodeTest, Utf8BomIsStripped) {
  Decoded d = DecodeToUtf8("\xEF\xBB\xBF" + kChinese);
  EXPECT_EQ(d.utf8, kChinese);
  EXPECT_EQ(d.charset, "UTF-8");
}

TEST(DecodeTest, Utf16BomsSelectUtf16) {
  Decoded le = DecodeToUtf8("\xFF\xFE" + Encode(kChinese, "UTF-16LE"));
  EXPECT_EQ(le.utf8, kChinese);
  EXPECT_EQ(le.charset, "UTF-16LE");
  Decoded be = DecodeToUtf8("\xFE\xFF" + Encode(kChinese, "UTF-16BE"));
  EXPECT_EQ(be.utf8, kChinese);
  EXPECT_EQ(be.charset, "UTF-16BE");
  EXPECT_TRUE(le.warnings.empty());
  EXPECT_TRUE(be.warnings.empty());
}

TEST(DecodeTest, BomWinsOverTheHttpCharsetWithAWarning) {
  CharsetHints hints;
  hints.http = "GBK";
  Decoded d = DecodeToUtf8("\xEF\xBB\xBF" + kChinese, hints);
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_EQ(d.utf8, kChinese);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("byte order mark"), std::string::npos) << d.warnings[0];
}

TEST(DecodeTest, ForcedCharsetWinsOverTheBom) {
  // The BOM's bytes are read as GB18030 too: forced means every byte.
  std::string bytes = "\xEF\xBB\xBF" + kChinese;
  Decoded d = DecodeToUtf8(bytes, Forced("GBK"));
  EXPECT_EQ(d.charset, "GB18030");
  EXPECT_EQ(d.utf8.find(kChinese), std::string::npos);
  ASSERT_FALSE(d.warnings.empty());
  EXPECT_NE(d.warnings[0].find("byte order mark says UTF-8"), std::string::npos) << d.warnings[0];
}

TEST(DecodeTest, GbLabelsDecodeAsGb18030) {
  // 镕 and 堃 are GBK-only (not GB2312) characters; 𠀀 needs GB18030's four-byte form.
  std::string text = kChinese + "朱镕基 王堃 𠀀";
  std::string bytes = Encode(text, "GB18030");
  for (const char* label : {"GB2312", "gbk", "x-gbk", "GB_2312-80", "gb18030", " GBK "}) {
    Decoded d = DecodeToUtf8(bytes, Forced(label));
    EXPECT_EQ(d.charset, "GB18030") << label;
    EXPECT_EQ(d.utf8, text) << label;
    EXPECT_TRUE(d.warnings.empty()) << label;
  }
}

TEST(DecodeTest, MetaCharsetIsHonoured) {
  for (const char* meta :
       {"<meta charset=\"gb2312\">", "<META CHARSET=GBK>", "<meta charset='gbk' />",
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">",
        "<META HTTP-EQUIV=Content-Type CONTENT='text/html;charset=GBK'>"}) {
    std::string html =
        std::string("<html><head>") + meta + "</head><body>" + kChinese + "</body></html>";
    Decoded d = DecodeToUtf8(Encode(html, "GB18030"));
    EXPECT_EQ(d.charset, "GB18030") << meta;
    EXPECT_EQ(d.utf8, html) << meta;
    EXPECT_TRUE(d.warnings.empty()) << meta;
  }
}

TEST(DecodeTest, ForcedCharsetWinsOverMeta) {
  std::string html = "<meta charset=\"utf-8\"><p>" + kChinese;
  Decoded d = DecodeToUtf8(Encode(html, "GB18030"), Forced("GBK"));
  EXPECT_EQ(d.charset, "GB18030");
  EXPECT_EQ(d.utf8, html);
}

TEST(DecodeTest, MetaAfterFirst4KiBIsNotRead) {
  std::string html = "<html><head>" + std::string(5000, ' ') +
                     "<meta charset=\"big5\"></head><body>" + kChinese + "</body></html>";
  Decoded d = DecodeToUtf8(html);
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_EQ(d.utf8, html);
}

TEST(DecodeTest, MetaClaimingGbkOnUtf8BytesDecodesAsUtf8WithWarning) {
  std::string html = "<meta charset=\"gb2312\"><p>" + kChinese;
  Decoded d = DecodeToUtf8(html);
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_EQ(d.utf8, html);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("valid UTF-8"), std::string::npos) << d.warnings[0];
}

TEST(DecodeTest, MetaClaimingUtf8OnGbBytesDecodesAsGb18030WithWarning) {
  std::string html = "<meta charset=\"utf-8\"><p>" + kChinese;
  Decoded d = DecodeToUtf8(Encode(html, "GB18030"));
  EXPECT_EQ(d.charset, "GB18030");
  EXPECT_EQ(d.utf8, html);
  EXPECT_EQ(d.warnings.size(), 1u);
}

TEST(DecodeTest, UndeclaredGbTextIsDetected) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += kChinese + "\n";
  Decoded d = DecodeToUtf8(Encode(text, "GB18030"));
  EXPECT_EQ(d.charset, "GB18030");
  EXPECT_EQ(d.utf8, text);
  EXPECT_TRUE(d.warnings.empty());
}

TEST(DecodeTest, UnknownDeclaredCharsetFallsBackToDetectionWithWarning) {
  Decoded d = DecodeToUtf8(kChinese, Forced("no-such-charset"));
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_EQ(d.utf8, kChinese);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("no-such-charset"), std::string::npos);
}

TEST(DecodeTest, UnknownMetaCharsetFallsBackToDetectionWithWarning) {
  std::string html = "<meta charset=\"x-klingon\"><p>" + kChinese;
  Decoded d = DecodeToUtf8(html);
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_EQ(d.utf8, html);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("x-klingon"), std::string::npos);
}

TEST(DecodeTest, InvalidUtf8IsReplacedAndLocated) {
  // "中" (3 bytes), a stray continuation byte at offset 3, then "文".
  Decoded d = DecodeToUtf8(std::string("中\x80文"), Forced("UTF-8"));
  EXPECT_EQ(d.utf8, "中\xEF\xBF\xBD文");
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0], "invalid UTF-8 byte sequence at byte 3 (replaced by U+FFFD)");
}

TEST(DecodeTest, TruncatedUtf8AtEndIsOneReplacement) {
  Decoded d = DecodeToUtf8(std::string("中文\xE4\xB8"), Forced("UTF-8"));
  EXPECT_EQ(d.utf8, "中文\xEF\xBF\xBD");
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0], "invalid UTF-8 byte sequence at byte 6 (replaced by U+FFFD)");
}

TEST(DecodeTest, OffsetsCountTheBom) {
  Decoded d =
      DecodeToUtf8(std::string("\xEF\xBB\xBF"
                               "ab\xFF"));
  EXPECT_EQ(d.utf8, "ab\xEF\xBF\xBD");
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0], "invalid UTF-8 byte sequence at byte 5 (replaced by U+FFFD)");
}

TEST(DecodeTest, InvalidGb18030IsReplacedAndLocated) {
  std::string bytes = Encode("公开", "GB18030");  // 4 bytes
  bytes += "\xFF";                                // never valid in GB18030, at offset 4
  bytes += Encode("年报", "GB18030");
  Decoded d = DecodeToUtf8(bytes, Forced("GBK"));
  EXPECT_EQ(d.utf8, "公开\xEF\xBF\xBD年报");
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0], "invalid GB18030 byte sequence at byte 4 (replaced by U+FFFD)");
}

TEST(DecodeTest, TruncatedGb18030AtEndIsReplaced) {
  std::string bytes = Encode("公开", "GB18030") + "\xB9";  // a lead byte without its trail
  Decoded d = DecodeToUtf8(bytes, Forced("GB2312"));
  EXPECT_EQ(d.utf8, "公开\xEF\xBF\xBD");
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0], "invalid GB18030 byte sequence at byte 4 (replaced by U+FFFD)");
}

TEST(DecodeTest, WarningsAreCappedWithACount) {
  std::string bytes;
  for (int i = 0; i < 25; ++i) bytes += "a\xFF";
  Decoded d = DecodeToUtf8(bytes, Forced("UTF-8"));
  ASSERT_EQ(d.warnings.size(), 11u);
  EXPECT_EQ(d.warnings[0], "invalid UTF-8 byte sequence at byte 1 (replaced by U+FFFD)");
  EXPECT_EQ(d.warnings[9], "invalid UTF-8 byte sequence at byte 19 (replaced by U+FFFD)");
  EXPECT_EQ(d.warnings[10], "15 more invalid UTF-8 byte sequences (replaced by U+FFFD)");
}

TEST(DecodeTest, OverlongAndSurrogateUtf8AreInvalid) {
  // C0 80 is an overlong NUL; ED A0 80 a UTF-16 surrogate: neither may pass through.
  Decoded d = DecodeToUtf8(std::string("a\xC0\x80"
                                       "b\xED\xA0\x80"
                                       "c"),
                           Forced("UTF-8"));
  EXPECT_EQ(d.utf8.find("\xC0"), std::string::npos);
  EXPECT_EQ(d.utf8.find("\xED\xA0"), std::string::npos);
  EXPECT_EQ(d.utf8.front(), 'a');
  EXPECT_EQ(d.utf8.back(), 'c');
  EXPECT_FALSE(d.warnings.empty());
}

// ---- the HTTP charset is a hint, --encoding a fallback, --force-encoding an override ----------

CharsetHints Http(const std::string& charset) {
  CharsetHints hints;
  hints.http = charset;
  return hints;
}

CharsetHints Fallback(const std::string& charset) {
  CharsetHints hints;
  hints.fallback = charset;
  return hints;
}

bool HasWarning(const Decoded& d, const std::string& part) {
  for (const std::string& w : d.warnings) {
    if (w.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string LongText() {
  std::string text;
  for (int i = 0; i < 20; ++i) text += kChinese + "\n";
  return text;
}

TEST(DecodeTest, HttpUtf8OnGbBytesDecodesAsGb18030WithWarning) {
  std::string text = LongText();
  Decoded d = DecodeToUtf8(Encode(text, "GB18030"), Http("utf-8"));
  EXPECT_EQ(d.charset, "GB18030");
  EXPECT_EQ(d.utf8, text);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("the HTTP header says UTF-8 but"), std::string::npos)
      << d.warnings[0];
}

TEST(DecodeTest, HttpGbkOnUtf8BytesDecodesAsUtf8WithWarning) {
  std::string text = LongText();
  Decoded d = DecodeToUtf8(text, Http("GBK"));
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_EQ(d.utf8, text);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("valid UTF-8"), std::string::npos) << d.warnings[0];
}

TEST(DecodeTest, HttpAndMetaDisagreeingAreAWarningAndTheBytesDecide) {
  std::string html = "<meta charset=\"gbk\"><p>" + LongText();
  Decoded gb = DecodeToUtf8(Encode(html, "GB18030"), Http("UTF-8"));
  EXPECT_EQ(gb.charset, "GB18030");
  EXPECT_EQ(gb.utf8, html);
  EXPECT_TRUE(HasWarning(gb, "charsets disagree: <meta> says GB18030, the HTTP header says UTF-8"));
  std::string utf8_html = "<meta charset=\"utf-8\"><p>" + LongText();
  Decoded utf8 = DecodeToUtf8(utf8_html, Http("gb2312"));
  EXPECT_EQ(utf8.charset, "UTF-8");
  EXPECT_EQ(utf8.utf8, utf8_html);
  EXPECT_TRUE(HasWarning(utf8, "charsets disagree"));
}

TEST(DecodeTest, HttpAndMetaAgreeingAreSilent) {
  std::string html = "<meta charset=\"gb2312\"><p>" + LongText();
  Decoded d = DecodeToUtf8(Encode(html, "GB18030"), Http("GBK"));
  EXPECT_EQ(d.charset, "GB18030");
  EXPECT_TRUE(d.warnings.empty()) << d.warnings[0];
}

TEST(DecodeTest, AStrayByteInALongPageKeepsItsCharset) {
  // One invalid sequence is not "many": the page stays UTF-8, with the byte replaced.
  std::string text = LongText();
  std::string bytes = text.substr(0, 30) + "\xFF" + text.substr(30);
  Decoded d = DecodeToUtf8(bytes, Http("utf-8"));
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_TRUE(HasWarning(d, "invalid UTF-8 byte sequence at byte 30"));
}

TEST(DecodeTest, FallbackIsUsedOnlyWhenThePageSaysNothing) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "臺北市政府資訊公開年度報告：受理申請 782 件。\n";
  std::string big5 = Encode(text, "Big5");
  Decoded d = DecodeToUtf8(big5, Fallback("Big5"));
  EXPECT_EQ(d.charset, "Big5");
  EXPECT_EQ(d.utf8, text);
  EXPECT_TRUE(d.warnings.empty()) << d.warnings[0];
  // A <meta> says otherwise: the page's word wins over the fallback, silently.
  std::string html = "<meta charset=\"gbk\"><p>" + text;
  Decoded meta = DecodeToUtf8(Encode(html, "GB18030"), Fallback("Big5"));
  EXPECT_EQ(meta.charset, "GB18030");
  EXPECT_EQ(meta.utf8, html);
  EXPECT_TRUE(meta.warnings.empty()) << meta.warnings[0];
}

TEST(DecodeTest, ForcedCharsetIsUsedEvenWhenTheBytesDisagree) {
  std::string text = LongText();
  Decoded d = DecodeToUtf8(text, Forced("GBK"));  // valid UTF-8, forced GBK: mojibake, as asked
  EXPECT_EQ(d.charset, "GB18030");
  EXPECT_NE(d.utf8, text);
}

// ---- UTF-16 and UTF-32 ------------------------------------------------------------------------

TEST(DecodeTest, Utf16WithoutBomIsDetectedFromItsNuls) {
  std::string html = "<html><head><title>t</title></head><body><p>" + LongText() + "</p></body>";
  for (const char* charset : {"UTF-16LE", "UTF-16BE"}) {
    Decoded d = DecodeToUtf8(Encode(html, charset));
    EXPECT_EQ(d.charset, charset);
    EXPECT_EQ(d.utf8, html) << charset;
    EXPECT_TRUE(d.warnings.empty()) << charset << ": " << d.warnings[0];
    // A header naming UTF-8 is overruled by the NUL pattern, with a warning.
    Decoded http = DecodeToUtf8(Encode(html, charset), Http("utf-8"));
    EXPECT_EQ(http.charset, charset);
    EXPECT_EQ(http.utf8, html);
    EXPECT_TRUE(HasWarning(http, "NUL bytes"));
  }
}

TEST(DecodeTest, Utf32IsDecodedWithOrWithoutBom) {
  std::string html = "<html><body><p>" + LongText() + "</p></body>";
  for (const char* charset : {"UTF-32LE", "UTF-32BE"}) {
    Decoded bare = DecodeToUtf8(Encode(html, charset));
    EXPECT_EQ(bare.charset, charset);
    EXPECT_EQ(bare.utf8, html) << charset;
    std::string bom = std::string(charset) == "UTF-32LE" ? std::string("\xFF\xFE\0\0", 4)
                                                         : std::string("\0\0\xFE\xFF", 4);
    Decoded marked = DecodeToUtf8(bom + Encode(html, charset));
    EXPECT_EQ(marked.charset, charset);
    EXPECT_EQ(marked.utf8, html) << charset;
    EXPECT_TRUE(marked.warnings.empty()) << charset;
  }
}

TEST(DecodeTest, Utf16ClaimOnEightBitBytesIsIgnoredWithWarning) {
  std::string html = "<meta charset=\"utf-16\"><p>" + LongText();
  Decoded d = DecodeToUtf8(html);
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_EQ(d.utf8, html);
  EXPECT_TRUE(HasWarning(d, "no NUL bytes"));
}

TEST(DecodeTest, ChineseOnlyTextWithNulsInPlaceIsNotUtf16) {
  // GB18030 text has no NUL bytes at all: never taken for UTF-16.
  Decoded d = DecodeToUtf8(Encode(LongText(), "GB18030"));
  EXPECT_EQ(d.charset, "GB18030");
}

TEST(DecodeTest, CorpusPageReencodedAsGb18030DecodesToTheOriginal) {
  // tests/data/pingtan-2024.gb18030.html is corpus/pingtan-2024.html through
  // `iconv -f UTF-8 -t GB18030` with its <meta charset> changed to gb2312 (see SOURCE.md).
  std::string original = testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html");
  std::string gbk = testing::ReadFileBytes(testing::DataDir() + "/pingtan-2024.gb18030.html");
  ASSERT_FALSE(gbk.empty());
  Decoded d = DecodeToUtf8(gbk);
  EXPECT_EQ(d.charset, "GB18030");
  EXPECT_TRUE(d.warnings.empty());
  std::string expected = original;
  size_t meta = expected.find("charset=\"utf-8\"");
  ASSERT_NE(meta, std::string::npos);
  expected.replace(meta, 15, "charset=\"gb2312\"");
  EXPECT_EQ(d.utf8, expected);
}

}  // namespace
}  // namespace nianbao
