// crawler/url: normalisation, resolution and the de-duplication key.
#include "crawler/url.h"

#include <gtest/gtest.h>

namespace nianbao {
namespace {

std::string Norm(std::string_view text) { return NormalizeUrl(text).value_or("<none>"); }
std::string Resolve(std::string_view base, std::string_view ref) {
  return ResolveUrl(base, ref).value_or("<none>");
}

TEST(UrlTest, NormalisesSchemeHostPortAndPath) {
  EXPECT_EQ(Norm("HTTP://WWW.Example.GOV.cn:80"), "http://www.example.gov.cn/");
  EXPECT_EQ(Norm("https://a.cn:443/x"), "https://a.cn/x");
  EXPECT_EQ(Norm("https://a.cn:8443/x"), "https://a.cn:8443/x");
  EXPECT_EQ(Norm("http://a.cn:443/x"), "http://a.cn:443/x");
  EXPECT_EQ(Norm("http://a.cn/a/./b/../c/index.html#top"), "http://a.cn/a/c/index.html");
  EXPECT_EQ(Norm("http://a.cn/a/b/.."), "http://a.cn/a/");
  EXPECT_EQ(Norm("http://a.cn/../../x"), "http://a.cn/x");
  EXPECT_EQ(Norm("  http://a.cn/x\n "), "http://a.cn/x");
  EXPECT_EQ(Norm("http://a.cn./x"), "http://a.cn/x");
  EXPECT_EQ(Norm("http://user:pw@a.cn/x"), "http://a.cn/x");
  EXPECT_EQ(Norm("http://a.cn/x?"), "http://a.cn/x");
  EXPECT_EQ(Norm("http://a.cn/x?b=1&a=2"), "http://a.cn/x?b=1&a=2");
  EXPECT_EQ(Norm("http://a.cn\\zfxxgk\\nb.html"), "http://a.cn/zfxxgk/nb.html");
}

TEST(UrlTest, NormalisesPercentEncoding) {
  EXPECT_EQ(Norm("http://a.cn/%7euser/%41b%2fc%2Fd"), "http://a.cn/~user/Ab%2Fc%2Fd");
  EXPECT_EQ(Norm("http://a.cn/a b"), "http://a.cn/a%20b");
  EXPECT_EQ(Norm("http://a.cn/年报.html"), "http://a.cn/%E5%B9%B4%E6%8A%A5.html");
  EXPECT_EQ(Norm("http://a.cn/%e5%b9%b4"), "http://a.cn/%E5%B9%B4");
  EXPECT_EQ(Norm("http://a.cn/100%"), "http://a.cn/100%25");
  EXPECT_EQ(Norm("http://a.cn/?q=%2e%7E"), "http://a.cn/?q=.~");
}

TEST(UrlTest, RejectsWhatIsNotHttp) {
  EXPECT_FALSE(NormalizeUrl("ftp://a.cn/x"));
  EXPECT_FALSE(NormalizeUrl("file:///etc/passwd"));
  EXPECT_FALSE(NormalizeUrl("javascript:void(0)"));
  EXPECT_FALSE(NormalizeUrl("http:///x"));
  EXPECT_FALSE(NormalizeUrl("http://a.cn:99999/"));
  EXPECT_FALSE(NormalizeUrl("http://a.cn:x/"));
  EXPECT_FALSE(NormalizeUrl("/relative/only"));
}

TEST(UrlTest, ResolvesRelativeReferences) {
  // RFC 3986 §5.4.1 examples (base http://a/b/c/d;p?q), http only.
  const std::string base = "http://a/b/c/d;p?q";
  EXPECT_EQ(Resolve(base, "g"), "http://a/b/c/g");
  EXPECT_EQ(Resolve(base, "./g"), "http://a/b/c/g");
  EXPECT_EQ(Resolve(base, "g/"), "http://a/b/c/g/");
  EXPECT_EQ(Resolve(base, "/g"), "http://a/g");
  EXPECT_EQ(Resolve(base, "//g"), "http://g/");
  EXPECT_EQ(Resolve(base, "?y"), "http://a/b/c/d;p?y");
  EXPECT_EQ(Resolve(base, "g?y"), "http://a/b/c/g?y");
  EXPECT_EQ(Resolve(base, "#s"), "http://a/b/c/d;p?q");
  EXPECT_EQ(Resolve(base, ""), "http://a/b/c/d;p?q");
  EXPECT_EQ(Resolve(base, "."), "http://a/b/c/");
  EXPECT_EQ(Resolve(base, ".."), "http://a/b/");
  EXPECT_EQ(Resolve(base, "../g"), "http://a/b/g");
  EXPECT_EQ(Resolve(base, "../../../g"), "http://a/g");
  EXPECT_EQ(Resolve(base, "g;x=1/../y"), "http://a/b/c/y");
  // What list pages of government sites write.
  const std::string list = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/";
  EXPECT_EQ(Resolve(list, "./202503/t20250310_97791.htm"),
            "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202503/t20250310_97791.htm");
  EXPECT_EQ(Resolve("http://x.gov.cn/xxgk/xxgknb/index.html", "../../"), "http://x.gov.cn/");
  EXPECT_EQ(Resolve("http://x.gov.cn:8080/a/", "index_1.html"),
            "http://x.gov.cn:8080/a/index_1.html");
  EXPECT_EQ(Resolve(list, "https://OTHER.cn"), "https://other.cn/");
  EXPECT_FALSE(ResolveUrl(list, "javascript:;"));
  EXPECT_FALSE(ResolveUrl(list, "mailto:a@b.cn"));
  EXPECT_FALSE(ResolveUrl(list, "file:///etc/passwd"));
  EXPECT_FALSE(ResolveUrl(list, "ftp://a.cn/x.pdf"));
}

TEST(UrlTest, InternationalisedHostsBecomePunycode) {
  EXPECT_EQ(NormalizeUrl("http://政府.政务/zfxxgk/"), "http://xn--mxtq1m.xn--zfr164b/zfxxgk/");
  // Full-width letters and the ideographic full stop are the same name (UTS #46 mapping).
  EXPECT_EQ(NormalizeUrl("http://政府。政务/zfxxgk/"), "http://xn--mxtq1m.xn--zfr164b/zfxxgk/");
  EXPECT_EQ(NormalizeUrl("http://ＷＷＷ.例子.cn/"), "http://www.xn--fsqu00a.cn/");
  EXPECT_EQ(NormalizeUrl("HTTP://XN--MXTQ1M.xn--zfr164b/"), "http://xn--mxtq1m.xn--zfr164b/");
  EXPECT_EQ(ResolveUrl("http://政府.政务/a/", "b.html"), "http://xn--mxtq1m.xn--zfr164b/a/b.html");
  EXPECT_EQ(NormalizeUrl("http://a​�.cn/"), std::nullopt);  // not a valid name
}

TEST(UrlTest, OneKeyPerResource) {
  auto a = ParseUrl("HTTP://A.cn:80/x/../y/%7Ez#f");
  auto b = ParseUrl("http://a.cn/y/~z");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(DedupKey(*a), DedupKey(*b));
  EXPECT_EQ(a->Origin(), "http://a.cn");
  EXPECT_EQ(PathExtension(*ParseUrl("http://a.cn/f/Report.PDF?x=1")), "pdf");
  EXPECT_EQ(PathExtension(*ParseUrl("http://a.cn/f.d/report")), "");
}

}  // namespace
}  // namespace nianbao
