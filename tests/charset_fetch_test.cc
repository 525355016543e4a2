// The HTTP charset is one hint among the BOM, <meta> and the bytes (extract/read/decode.h): pages
// whose server declares the wrong charset are still stored as reports, with a warning. And a list
// page nested 200,000 <div>s deep is parsed once, through the nesting guard. A real loopback
// server, the real crawler and a real SQLite file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "crawler/crawler.h"
#include "extract/map/rules.h"
#include "store/store.h"
#include "tests/support/http_server.h"
#include "tests/support/report_pages.h"

namespace nianbao {
namespace {

using testing::HttpServer;
using testing::Respond;

bool HasWarningContaining(const std::vector<std::string>& warnings, const std::string& part) {
  for (const std::string& w : warnings) {
    if (w.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string WithoutMeta(std::string html) {
  size_t meta = html.find("<meta charset=");
  size_t end = html.find('>', meta);
  html.erase(meta, end - meta + 1);
  return html;
}

class CharsetFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("nianbao-charset-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    server_.Serve("/robots.txt",
                  Respond(200, "User-agent: *\nAllow: /\n", {{"Content-Type", "text/plain"}}));
    rules_ = RuleSet::LoadEmbedded();
    store_ = Store::Open((dir_ / "nianbao.db").string());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Serve(const std::string& path, const std::string& body, const std::string& content_type) {
    server_.Serve(path, Respond(200, body, {{"Content-Type", content_type}}));
  }

  FetchOneResult Fetch(const std::string& path) {
    CrawlOptions options;
    options.allow_private_addresses = true;  // the test server is on 127.0.0.1
    options.user_agent = "nianbao/test (+https://example.org/nianbao)";
    options.delay_seconds = 0.01;
    options.max_body_bytes = 8 << 20;
    Crawler crawler(*store_, rules_, options);
    return crawler.FetchOne(server_.Url(path));
  }

  void ExpectReport(const FetchOneResult& result, const std::string& warning) {
    EXPECT_EQ(result.kind, "report");
    ASSERT_TRUE(result.extraction);
    EXPECT_EQ(result.extraction->template_id, "v2021");
    ASSERT_TRUE(result.snapshot);
    EXPECT_TRUE(result.snapshot->new_version);
    EXPECT_TRUE(HasWarningContaining(result.extraction->warnings, warning))
        << "no warning containing \"" << warning << "\"";
    EXPECT_EQ(store_->History(result.fetch.url).size(), 1u);
  }

  std::filesystem::path dir_;
  HttpServer server_;
  std::shared_ptr<const RuleSet> rules_;
  std::unique_ptr<Store> store_;
};

TEST_F(CharsetFetchTest, GbkPageBehindAUtf8HeaderIsAReportWithAWarning) {
  std::string gbk = testing::ToGbk(testing::ReportPageHtml("v2021", 2023, 1, "gb2312"));
  Serve("/r1.html", gbk, "text/html; charset=utf-8");
  ExpectReport(Fetch("/r1.html"), "the HTTP header says UTF-8");
}

TEST_F(CharsetFetchTest, GbkPageWithoutMetaBehindAUtf8HeaderIsAReportWithAWarning) {
  std::string gbk = testing::ToGbk(WithoutMeta(testing::ReportPageHtml("v2021", 2023, 2)));
  Serve("/r2.html", gbk, "text/html; charset=utf-8");
  ExpectReport(Fetch("/r2.html"), "invalid in it and none in GB18030");
}

TEST_F(CharsetFetchTest, Utf8PageBehindAGbkHeaderIsAReportWithAWarning) {
  std::string utf8 = WithoutMeta(testing::ReportPageHtml("v2021", 2023, 3));
  Serve("/r3.html", utf8, "text/html; charset=GBK");
  ExpectReport(Fetch("/r3.html"), "valid UTF-8");
}

TEST_F(CharsetFetchTest, Utf8PageWithMetaBehindAGbkHeaderIsAReportWithAWarning) {
  Serve("/r4.html", testing::ReportPageHtml("v2021", 2023, 4), "text/html; charset=gb2312");
  ExpectReport(Fetch("/r4.html"), "charsets disagree");
}

TEST_F(CharsetFetchTest, ListPageNestedTwoHundredThousandDivsDeepGivesItsLinks) {
  std::string nested;
  for (int i = 0; i < 200000; ++i) nested += "<div>";
  nested += "<a href=\"/r5.html\">某县2023年政府信息公开工作年度报告</a>";
  for (int i = 0; i < 200000; ++i) nested += "</div>";
  Serve("/list.html",
        testing::ListPageHtml({{"/r6.html", "某县2022年政府信息公开工作年度报告"}}, nested),
        "text/html; charset=utf-8");
  FetchOneResult result = Fetch("/list.html");
  EXPECT_EQ(result.kind, "list");
  EXPECT_EQ(result.report_links,
            (std::vector<std::string>{server_.Url("/r6.html"), server_.Url("/r5.html")}));
}

}  // namespace
}  // namespace nianbao
