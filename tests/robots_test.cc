// crawler/robots: RFC 9309 groups, longest match, Allow on ties, wildcards, Crawl-delay.
#include "crawler/robots.h"

#include <gtest/gtest.h>

namespace nianbao {
namespace {

TEST(RobotsTest, PicksOurGroupByProductToken) {
  const char* body =
      "User-agent: *\nDisallow: /\n\n"
      "User-agent: NianBao\nUser-agent: other\nDisallow: /private/\nCrawl-delay: 5\n\n"
      "User-agent: nianbaox\nDisallow: /x/\n";
  RobotsRules rules = RobotsRules::Parse(body, ProductToken("nianbao/0.1 (+https://x.cn)"));
  EXPECT_TRUE(rules.Allowed("/public/a.html"));
  EXPECT_FALSE(rules.Allowed("/private/a.html"));
  EXPECT_TRUE(rules.Allowed("/x/a.html"));  // "nianbaox" is another product
  EXPECT_EQ(rules.crawl_delay(), 5.0);
  RobotsRules others = RobotsRules::Parse(body, "somebot");
  EXPECT_FALSE(others.Allowed("/public/a.html"));
  EXPECT_TRUE(others.Allowed("/robots.txt"));
}

TEST(RobotsTest, MergesGroupsAndFallsBackToStar) {
  const char* body =
      "user-agent: a\ndisallow: /a\n"
      "user-agent: *\ndisallow: /s\ncrawl-delay: 2\n"
      "user-agent: *\ndisallow: /t\n";
  RobotsRules rules = RobotsRules::Parse(body, "nianbao");
  EXPECT_FALSE(rules.Allowed("/s1"));
  EXPECT_FALSE(rules.Allowed("/t1"));
  EXPECT_TRUE(rules.Allowed("/a1"));
  EXPECT_EQ(rules.crawl_delay(), 2.0);
  EXPECT_TRUE(RobotsRules::Parse("user-agent: a\ndisallow: /\n", "nianbao").Allowed("/x"));
  EXPECT_TRUE(RobotsRules::Parse("", "nianbao").Allowed("/x"));
}

TEST(RobotsTest, LongestMatchAndAllowOnTies) {
  const char* body =
      "User-agent: *\nDisallow: /zwgk/\nAllow: /zwgk/zfxxgknb/\n"
      "Disallow: /same\nAllow: /same\nDisallow: /zwgk/zfxxgknb/private\nDisallow:\n";
  RobotsRules rules = RobotsRules::Parse(body, "nianbao");
  EXPECT_FALSE(rules.Allowed("/zwgk/a.html"));
  EXPECT_TRUE(rules.Allowed("/zwgk/zfxxgknb/2024.html"));
  EXPECT_FALSE(rules.Allowed("/zwgk/zfxxgknb/private/1.html"));
  EXPECT_TRUE(rules.Allowed("/same/x"));
  EXPECT_TRUE(rules.Allowed("/other"));
}

TEST(RobotsTest, WildcardsAndEndAnchor) {
  const char* body =
      "User-agent: *\nDisallow: /*.php$\nDisallow: /search*q=\nDisallow: /fish$\n"
      "Disallow: /%e5%b9%b4\n";
  RobotsRules rules = RobotsRules::Parse(body, "nianbao");
  EXPECT_FALSE(rules.Allowed("/a/b.php"));
  EXPECT_TRUE(rules.Allowed("/a/b.php?x=1"));
  EXPECT_FALSE(rules.Allowed("/search?x=1&q=2"));
  EXPECT_TRUE(rules.Allowed("/search?x=1"));
  EXPECT_FALSE(rules.Allowed("/fish"));
  EXPECT_TRUE(rules.Allowed("/fish/"));
  EXPECT_FALSE(rules.Allowed("/%E5%B9%B4/report.html"));
  EXPECT_TRUE(RobotsPatternMatches("/*/x*", "/a/b/xyz"));
  EXPECT_FALSE(RobotsPatternMatches("/a*b$", "/a-b-c"));
  EXPECT_TRUE(RobotsPatternMatches("*", "/anything"));
}

TEST(RobotsTest, AllowAllAndDisallowAll) {
  EXPECT_TRUE(RobotsRules::AllowAll().Allowed("/x"));
  EXPECT_FALSE(RobotsRules::DisallowAll().Allowed("/x"));
  EXPECT_TRUE(RobotsRules::DisallowAll().Allowed("/robots.txt"));
}

}  // namespace
}  // namespace nianbao
