// crawler/discovery: reports, pagination and attachments on real list pages and small made-up ones.
#include "crawler/discovery.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "extract/map/rules.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

class DiscoveryTest : public ::testing::Test {
 protected:
  std::shared_ptr<const LinkRules> rules_ = LinkRules::Load();
};

TEST_F(DiscoveryTest, EmbeddedAndDirectoryRulesLoad) {
  EXPECT_NE(LinkRules::Load(testing::SourceDir() + "/rules"), nullptr);
  EXPECT_THROW(LinkRules::Parse("[report]\ntext = ['(']\n", "bad.toml"), RuleError);
  EXPECT_THROW(LinkRules::Parse("[report\n", "bad.toml"), RuleError);
}

TEST_F(DiscoveryTest, PingtanListPage) {
  std::string html =
      testing::ReadFileBytes(testing::CorpusDir() + "/lists/pingtan-zfxxgknb-index.html");
  DiscoveredLinks links =
      DiscoverLinks(html, "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/", *rules_);
  // The ten reports 2016–2025, and the column link 政府信息公开年报 (nlist.htm), which names 年报.
  std::vector<std::string> expected_reports = {
      "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/nlist.htm",
      "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202603/t20260313_105587.htm",
      "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202503/t20250310_97791.htm",
      "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202403/t20240308_87885.htm",
      "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202302/t20230220_80629.htm",
      "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202202/t20220208_80613.htm",
      "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202103/t20210305_80595.htm",
      "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202001/t20200120_80576.htm",
      "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201901/t20190110_80529.htm",
      "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201801/t20180123_80506.htm",
      "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201701/t20170118_80485.htm",
  };
  EXPECT_EQ(links.reports, expected_reports);
  EXPECT_TRUE(links.pages.empty());
  EXPECT_TRUE(links.attachments.empty());
}

TEST_F(DiscoveryTest, OrdosListPageWithScriptPagination) {
  std::string html =
      testing::ReadFileBytes(testing::CorpusDir() + "/lists/ordos-engebei-xxgknb.html");
  const std::string base = "http://www.egb.gov.cn/xxgk/xxgknb/index.html";
  DiscoveredLinks links = DiscoverLinks(html, base, *rules_);
  std::vector<std::string> expected_reports = {
      "http://www.egb.gov.cn/xxgk/xxgknb/",  // the column link 信息公开年报 (the same list, no
                                             // index.html)
      "http://www.egb.gov.cn/xxgk/xxgknb/202009/t20200903_2748784.html",
      "http://www.egb.gov.cn/xxgk/xxgknb/202003/t20200311_2593126.html",
      "http://www.egb.gov.cn/xxgk/xxgknb/201905/t20190530_2380968.html",
      "http://www.egb.gov.cn/xxgk/xxgknb/201905/t20190530_2380967.html",
  };
  EXPECT_EQ(links.reports, expected_reports);
  EXPECT_EQ(links.pages,
            std::vector<std::string>{"http://www.egb.gov.cn/xxgk/xxgknb/index_1.html"});
}

TEST_F(DiscoveryTest, AttachmentsPaginationAndIgnoredLinks) {
  const char* html = R"(<html><head><base href="/col/"></head><body>
    <a href="2023/report.html">某某县2023年度政府信息公开工作年度报告</a>
    <a href="x.html" title="2022年政府信息公开年报">更多…</a>
    <a href="files/nb2021.PDF">附件：2021年报</a>
    <a href="https://files.other.cn/a.docx">下载</a>
    <a href="index_2.html">3</a>
    <a href="list.jsp?page=4">下一页</a>
    <a href="/elsewhere/9.html">9</a>
    <a href="news.html">新闻动态</a>
    <a href="2024/plan.html">2024年政务公开工作要点暨信息公开年报编制</a>
    <a href="https://other.cn/nb.html">外站年度报告</a>
    <a href="mailto:a@b.cn">年报邮箱</a>
    <a href="index_99.html">尾页</a>
    <script>createPageHTML(3, 0, "index", "shtml");</script>
    </body></html>)";
  DiscoveredLinks links = DiscoverLinks(html, "http://www.x.gov.cn/col/index.html", *rules_);
  EXPECT_EQ(links.reports, (std::vector<std::string>{"http://www.x.gov.cn/col/2023/report.html",
                                                     "http://www.x.gov.cn/col/x.html"}));
  EXPECT_EQ(links.attachments, (std::vector<std::string>{"http://www.x.gov.cn/col/files/nb2021.PDF",
                                                         "https://files.other.cn/a.docx"}));
  EXPECT_EQ(links.pages,
            (std::vector<std::string>{
                "http://www.x.gov.cn/col/index_2.html", "http://www.x.gov.cn/col/list.jsp?page=4",
                "http://www.x.gov.cn/col/index.shtml", "http://www.x.gov.cn/col/index_1.shtml",
                "http://www.x.gov.cn/col/index_2.shtml"}));
}

TEST_F(DiscoveryTest, AttachmentsOfAReportPageByHrefScan) {
  const char* html = R"(<html><body><A HREF="files/a.PDF">全文</A>
    <a class=x href='../b.docx?x=1&amp;y=2'>b</a> <a href=c.xls>c</a> <a href="d.html">d</a>
    <a href="files/a.PDF">again</a> <img src="e.pdf"> <a href="ftp://x.cn/f.pdf">f</a></body></html>)";
  EXPECT_EQ(DiscoverAttachments(html, "http://x.gov.cn/col/2023/r.html", *rules_),
            (std::vector<std::string>{"http://x.gov.cn/col/2023/files/a.PDF",
                                      "http://x.gov.cn/col/b.docx?x=1&y=2",
                                      "http://x.gov.cn/col/2023/c.xls"}));
  EXPECT_EQ(DiscoverAttachments("<base href=\"/up/\"><a href=\"g.ofd\">g</a>",
                                "http://x.cn/a/b.html", *rules_),
            std::vector<std::string>{"http://x.cn/up/g.ofd"});
}

TEST_F(DiscoveryTest, MayLinkAttachmentsIsACheapPrefilter) {
  EXPECT_TRUE(MayLinkAttachments("<a href=\"x.PDF\">", *rules_));
  EXPECT_TRUE(MayLinkAttachments("a.docx", *rules_));
  EXPECT_FALSE(MayLinkAttachments("<a href=\"x.html\">.pd", *rules_));
  EXPECT_FALSE(MayLinkAttachments("", *rules_));
}

}  // namespace
}  // namespace nianbao
