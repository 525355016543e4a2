// Reports whose statistics tables are pictures in the page (issue 17): ArticleImages finds the
// body's pictures and not the site's furniture; ExtractWithPictures reads a page with its pictures
// as one report; a crawl fetches the pictures of such a page and stores the report they give under
// the page, and reextract reads them so again. The pictures are pages 4 and 5 of the corpus's real
// huaian-2024.pdf at 300 dpi, made by the ocr_data fixture (label ocr); the furniture is the real
// Pingtan page's.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "crawler/crawler.h"
#include "crawler/discovery.h"
#include "crawler/reextract.h"
#include "extract/extract.h"
#include "extract/read/html_tree.h"
#include "extract/read/ocr.h"
#include "store/store.h"
#include "tests/support/http_server.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

using testing::HttpRequest;
using testing::HttpServer;
using testing::Respond;

const RuleSet& Rules() {
  static const auto* rules = new std::shared_ptr<const RuleSet>(RuleSet::LoadEmbedded());
  return **rules;
}

std::string Picture(const std::string& name) {
  return testing::ReadFileBytes(std::string(NIANBAO_OCR_DATA) + "/" + name);
}

const nlohmann::json& Truth() {
  static const nlohmann::json truth = nlohmann::json::parse(
      testing::ReadFileBytes(testing::CorpusDir() + "/huaian-2024.pdf.truth.json"))["fields"];
  return truth;
}

// The real pingtan-2024 page with each statistics table replaced by a picture of it: its header
// and footer keep the site's 14 logos, banners, QR codes and icons.
std::string PingtanWithPictures() {
  std::string page = testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html");
  std::string out;
  int n = 0;
  size_t last = 0;
  for (size_t start = page.find("<table"); start != std::string::npos;
       start = page.find("<table", last)) {
    size_t end = page.find("</table>", start);
    if (end == std::string::npos) break;
    out += page.substr(last, start - last);
    out += "<p><img src=\"/upload/2024/table" + std::to_string(++n) + ".png\" width=\"800\"></p>";
    last = end + 8;
  }
  return out + page.substr(last);
}

// A report page of the kind the pictures come from: the site's furniture around the report's
// prose, and pictures where 表一–表四 should be.
std::string HuaianPage(const std::string& first, const std::string& second) {
  return "<html><head><meta charset=\"utf-8\"><title>淮安市人民政府2024年政府信息公开工作年度报告"
         "</title></head><body><div class=\"head\"><img src=\"/images/logo.png\">"
         "<img src=\"/upload/banner-2024.jpg\"></div><div class=\"article\">"
         "<h1>淮安市人民政府2024年政府信息公开工作年度报告</h1>"
         "<p>一、总体情况</p><p>2024年，淮安市人民政府认真贯彻落实政府信息公开条例。</p>"
         "<p>二、主动公开政府信息情况</p><p><img src=\"" +
         first + "\"></p><p><img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\"></p>" +
         "<p><img data-src=\"" + second + "\" src=\"/static/loading.gif\"></p>" +
         "<p>五、存在的主要问题及改进情况</p><p>一是公开质量有待提高。</p>"
         "<p><img src=\"/upload/2024/after-the-tables.jpg\"></p></div>"
         "<div class=\"foot\"><img src=\"/images/jiucuo.png\">版权所有</div></body></html>";
}

TEST(ArticleImages, TheBodysPicturesInPageOrderAndNoneOfTheSitesFurniture) {
  std::string page = PingtanWithPictures();
  std::vector<std::string> images =
      ArticleImages(HtmlTree(page), "http://www.pingtan.gov.cn/report.html", *LinkRules::Load());
  EXPECT_EQ(images, (std::vector<std::string>{"http://www.pingtan.gov.cn/upload/2024/table1.png",
                                              "http://www.pingtan.gov.cn/upload/2024/table2.png",
                                              "http://www.pingtan.gov.cn/upload/2024/table3.png"}));
  // The page as published: its pictures are all furniture.
  std::string real = testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html");
  ASSERT_NE(real.find("gh_logo.png"), std::string::npos);
  EXPECT_TRUE(ArticleImages(HtmlTree(real), "http://x/", *LinkRules::Load()).empty());
}

TEST(ArticleImages, LazySourcesDataUrlsPlaceholdersAndTheEndOfTheBody) {
  std::string page = HuaianPage("p4.jpg", "/upload/p5.jpg");
  EXPECT_EQ(ArticleImages(HtmlTree(page), "http://h/a/report.html", *LinkRules::Load()),
            (std::vector<std::string>{"http://h/a/p4.jpg", "http://h/upload/p5.jpg"}));
}

TEST(PictureReport, APageAndItsPicturesAreReadAsOneReport) {
  std::string first = Picture("scan-4.jpg"), second = Picture("scan-5.jpg");
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  std::string page = HuaianPage("p4.jpg", "p5.jpg");
  Extraction e =
      ExtractWithPictures(page, {first, std::string_view("not a picture"), second}, Rules());
  ASSERT_TRUE(e.template_id.has_value());
  EXPECT_EQ(*e.template_id, "v2021");
  EXPECT_EQ(e.format, "ocr");
  EXPECT_EQ(e.year, 2024);
  EXPECT_EQ(e.title, "淮安市人民政府2024年政府信息公开工作年度报告");
  bool warned = false;
  for (const std::string& w : e.warnings) warned |= w.starts_with("picture 2: not an image");
  EXPECT_TRUE(warned);
  int read = 0;
  std::set<int> pictures;
  for (const auto& [field, value] : e.fields) {
    if (!value) continue;
    ++read;
    ASSERT_TRUE(Truth().contains(field)) << field;
    EXPECT_EQ(*value, Truth()[field].get<double>()) << field;
    const FieldCell& cell = e.cells.at(field);
    EXPECT_TRUE(cell.page == 1 || cell.page == 3) << field << " page " << cell.page;
    EXPECT_GE(cell.ocr.confidence, kOcrMinConfidence) << field;
    pictures.insert(cell.page);
  }
  // 表三 starts on the first picture and goes on over the second: both give fields.
  EXPECT_EQ(pictures, (std::set<int>{1, 3}));
  EXPECT_GE(read, 100);
  // Alone, neither picture's 表三 rows carry the header the other has: fewer fields.
  Extraction alone = Extract(second, Rules());
  int alone_read = 0;
  for (const auto& [field, value] : alone.fields) alone_read += value.has_value();
  EXPECT_LT(alone_read, read);
}

TEST(PictureReport, ACrawlFetchesAReportPagesPicturesAndStoresTheirReportUnderThePage) {
  HttpServer server;
  server.SetDefault([](const HttpRequest& request) {
    if (request.path == "/robots.txt") return Respond(404, "none");
    return Respond(404, "not here");
  });
  auto html = [](std::string body) {
    return Respond(200, std::move(body), {{"Content-Type", "text/html; charset=utf-8"}});
  };
  server.Serve("/col/nb/index.html",
               html("<ul><li><a href=\"/art/2025/1/20/report.html\">"
                    "淮安市人民政府2024年政府信息公开工作年度报告</a></li></ul>"));
  server.Serve("/art/2025/1/20/report.html",
               html(HuaianPage("/upload/2025/p4.jpg", "/upload/2025/p5.jpg")));
  server.Serve("/upload/2025/p4.jpg",
               Respond(200, Picture("scan-4.jpg"), {{"Content-Type", "image/jpeg"}}));
  server.Serve("/upload/2025/p5.jpg",
               Respond(200, Picture("scan-5.jpg"), {{"Content-Type", "image/jpeg"}}));
  testing::TempDir dir;
  std::unique_ptr<Store> store = Store::Open(dir.File("nianbao.db"));
  CrawlOptions options;
  options.allow_private_addresses = true;
  options.user_agent = "nianbao/test";
  options.delay_seconds = 0.01;
  options.max_depth = 1;
  std::shared_ptr<const RuleSet> rules = RuleSet::LoadEmbedded();
  Crawler crawler(*store, rules, options);
  std::atomic<bool> stop{false};
  CrawlSummary summary = crawler.Crawl({server.Url("/col/nb/index.html")}, stop);

  EXPECT_TRUE(summary.errors.empty()) << summary.errors.begin()->first;
  EXPECT_EQ(server.RequestCount("/upload/2025/p4.jpg"), 1u);
  EXPECT_EQ(server.RequestCount("/upload/2025/p5.jpg"), 1u);
  for (const char* furniture :
       {"/images/logo.png", "/upload/banner-2024.jpg", "/static/loading.gif",
        "/upload/2024/after-the-tables.jpg", "/images/jiucuo.png"}) {
    EXPECT_EQ(server.RequestCount(furniture), 0u) << furniture;
  }
  EXPECT_EQ(summary.new_versions, 1);
  StoredExtraction report = store->Show(server.Url("/art/2025/1/20/report.html"));
  EXPECT_EQ(report.origin.document_url, server.Url("/art/2025/1/20/report.html"));
  EXPECT_EQ(report.extraction.format, "ocr");
  EXPECT_EQ(report.extraction.year, 2024);
  int read = 0;
  for (const auto& [field, value] : report.extraction.fields) {
    if (!value) continue;
    ++read;
    ASSERT_TRUE(Truth().contains(field)) << field;
    EXPECT_EQ(*value, Truth()[field].get<double>()) << field;
  }
  EXPECT_GE(read, 100);
  EXPECT_EQ(store->ReportAttachments(server.Url("/art/2025/1/20/report.html")).size(), 2u);

  // Read again from the archive, the page is read with its pictures as the crawl read it.
  ReextractResult again = Reextract(*store, *rules, server.Url("/art/2025/1/20/report.html"));
  EXPECT_EQ(again.outcome, ReextractResult::Outcome::kUnchanged);
  EXPECT_EQ(again.source_url, server.Url("/art/2025/1/20/report.html"));
  EXPECT_EQ(again.format, "ocr");
  EXPECT_EQ(again.version, 1);
}

}  // namespace
}  // namespace nianbao
