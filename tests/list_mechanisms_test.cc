// The list mechanisms of rules/links.toml ([[list]], crawler/list_rules.h) on the real captured
// list pages of tests/data/corpus/lists/real/, crawled from the in-process HTTP server. Each API
// endpoint answers in the shape the spiders cited in the corpus README read (same keys), with rows
// made from the real page's own rows (their markup and titles; a few titles are turned into annual
// reports so that pages 2–3 hold reports to find). The assertions: the exact requests sent (method,
// form fields), every report of pages 1–3 found and nothing else, no rule firing on another
// mechanism's page, and a bad reply or a blocked host named as such.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "crawler/crawler.h"
#include "crawler/discovery.h"
#include "crawler/junk.h"
#include "crawler/list_rules.h"
#include "extract/map/rules.h"
#include "store/store.h"
#include "tests/support/http_server.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"
#include "tests/support/truth.h"

namespace nianbao {
namespace {

using testing::HttpRequest;
using testing::HttpResponse;
using testing::HttpServer;
using testing::Respond;

std::string RealPage(const std::string& name) {
  std::string bytes = testing::ReadFileBytes(testing::CorpusDir() + "/lists/real/" + name);
  EXPECT_FALSE(bytes.empty()) << name;
  return bytes;
}

std::string Decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// name → value of a form body or a query, in order (names may repeat: first one wins here).
std::vector<std::pair<std::string, std::string>> Fields(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> fields;
  while (!body.empty()) {
    std::string_view pair = body.substr(0, body.find('&'));
    body.remove_prefix(std::min(body.size(), pair.size() + 1));
    size_t eq = pair.find('=');
    fields.emplace_back(Decode(pair.substr(0, eq)),
                        eq == std::string_view::npos ? "" : Decode(pair.substr(eq + 1)));
  }
  return fields;
}

std::string Field(const std::vector<std::pair<std::string, std::string>>& fields,
                  const std::string& name) {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return "<absent>";
}

HttpResponse Html(std::string body) {
  return Respond(200, std::move(body), {{"Content-Type", "text/html; charset=utf-8"}});
}
HttpResponse Json(const nlohmann::json& body) {
  return Respond(200, body.dump(), {{"Content-Type", "application/json;charset=UTF-8"}});
}

CrawlOptions Options() {
  CrawlOptions options;
  options.allow_private_addresses = true;  // the test server is on 127.0.0.1
  options.user_agent = "nianbao/test";
  options.delay_seconds = 0.01;
  options.connect_timeout_seconds = 2;
  options.total_timeout_seconds = 2;
  options.retry_base_seconds = 0.05;
  options.max_depth = 1;  // reports are fetched, not followed further
  return options;
}

class ListMechanismsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Report pages: any page not registered is a small HTML page (not a report template).
    server_.SetDefault([](const HttpRequest& request) {
      if (request.path == "/robots.txt") return Respond(404, "none");
      return Html("<html><body><p>" + request.path + "</p></body></html>");
    });
  }

  CrawlSummary Crawl(const std::string& seed) {
    std::unique_ptr<Store> store = Store::Open(dir_.File("nianbao.db"));
    Crawler crawler(*store, rules_, Options());
    std::atomic<bool> stop{false};
    return crawler.Crawl({seed}, stop);
  }

  // Frontier entries of `kind`, as paths (and queries) on the test server.
  std::set<std::string> Entries(const std::string& kind) {
    SQLite::Database db(dir_.File("nianbao.db"));
    SQLite::Statement query(db, "SELECT url FROM frontier WHERE kind = ?");
    query.bind(1, kind);
    std::set<std::string> out;
    while (query.executeStep()) {
      std::string url = query.getColumn(0).getString();
      out.insert(url.rfind(server_.Origin(), 0) == 0 ? url.substr(server_.Origin().size()) : url);
    }
    return out;
  }

  std::vector<HttpRequest> RequestsTo(const std::string& path) const {
    std::vector<HttpRequest> out;
    for (const HttpRequest& request : server_.Requests()) {
      if (request.path == path) out.push_back(request);
    }
    return out;
  }

  // The reports DiscoverLinks finds on the page itself (page 1), as server paths.
  std::set<std::string> PageOneReports(const std::string& html, const std::string& path) {
    std::set<std::string> out;
    for (const std::string& url : DiscoverLinks(html, server_.Url(path), *links_).reports) {
      out.insert(url.substr(server_.Origin().size()));
    }
    return out;
  }

  HttpServer server_;
  testing::TempDir dir_;
  std::shared_ptr<const RuleSet> rules_ = RuleSet::LoadEmbedded();
  std::shared_ptr<const LinkRules> links_ = LinkRules::Load();
};

// --- Fujian 集约化 list2.trsapi → POST /fjdzapp/search ---

TEST_F(ListMechanismsTest, FujianTrsApiPostsTheSpidersFormAndStopsAtThePageCount) {
  const std::string path = "/zwgk/zfxxgk/zfxxgknb/";
  std::string page = RealPage("02-fujian-trsapi_pingtan-zfxxgknb-index.html");
  server_.Serve(path, Html(page));
  // Page 2: the rows of the real page's own pager shape (doctitle, docpuburl, chnldocurl,
  // docreltime); the recordCount says 20 rows in 10-row pages, so a page 3 must never be asked.
  server_.Handle("/fjdzapp/search", [](const HttpRequest& request) {
    auto form = Fields(request.body);
    int page = std::stoi(Field(form, "page"));
    nlohmann::json data = nlohmann::json::array();
    if (page == 2) {
      data.push_back({{"doctitle", "平潭综合实验区2015年政府信息公开工作年度报告"},
                      {"docpuburl", "/zwgk/zfxxgk/zfxxgknb/201601/t20160120_1.htm"},
                      {"docreltime", "2016-01-20 10:00:00"}});
      data.push_back({{"doctitle", "平潭综合实验区2014年政府信息公开工作年度报告"},
                      {"docpuburl", ""},
                      {"chnldocurl", "/zwgk/zfxxgk/zfxxgknb/201501/t20150120_2.pdf"},
                      {"docreltime", "2015-01-20"}});
      data.push_back({{"doctitle", "关于公布2015年度行政许可事项的通知"},
                      {"docpuburl", "/zwgk/tzgg/201601/t20160101_3.htm"}});
    }
    return Json({{"pageCount", 2}, {"data", data}});
  });
  CrawlSummary summary = Crawl(server_.Url(path));

  std::vector<HttpRequest> posts = RequestsTo("/fjdzapp/search");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].method, "POST");
  EXPECT_EQ(posts[0].Header("content-type"), "application/x-www-form-urlencoded");
  auto form = Fields(posts[0].body);
  EXPECT_EQ(Field(form, "channelid"), "200210");
  EXPECT_EQ(Field(form, "classsql"), "chnlid=1813");
  EXPECT_EQ(Field(form, "sortfield"), "-docorderpri,-docreltime");
  EXPECT_EQ(Field(form, "page"), "2");
  EXPECT_EQ(Field(form, "prepage"), "10");

  std::set<std::string> expected = PageOneReports(page, path);
  EXPECT_EQ(expected.size(), 10u);  // the ten reports 2016–2025 (the 年报 column link is absolute)
  expected.insert("/zwgk/zfxxgk/zfxxgknb/201601/t20160120_1.htm");
  EXPECT_EQ(Entries("report"), expected);
  // The 2014 row is the report's PDF itself (a list row that is a document).
  EXPECT_EQ(Entries("attachment"),
            (std::set<std::string>{"/zwgk/zfxxgk/zfxxgknb/201501/t20150120_2.pdf"}));
  EXPECT_TRUE(summary.errors.empty()) << summary.errors.begin()->first;
}

// --- Hanweb jpage: <datastore> records, then POST dataproxy.jsp by groups ---

// A <datastore> reply of `records` (real record markup).
std::string DatastoreReply(const std::vector<std::pair<std::string, std::string>>& records) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><datastore><recordset>";
  for (const auto& [href, title] : records) {
    xml += "<record><![CDATA[\n<li class=\"clearfix\">    <a target=\"_blank\" href=\"" + href +
           "\" title=\"" + title + "\">" + title + "</a>    <b>2021-01-20</b></li>]]></record>";
  }
  return xml + "</recordset></datastore>";
}

TEST_F(ListMechanismsTest, HanwebJpageReadsTheInlineRecordsThenPostsEachGroup) {
  const std::string path = "/col/col12377/index.html";
  std::string page = RealPage("03-hanweb-jpage-datastore_dingxi-col12377.datastore.xml");
  server_.Serve(path, Html(page));
  server_.Handle("/module/web/jpage/dataproxy.jsp", [](const HttpRequest& request) {
    auto form = Fields(request.body);
    int start = std::stoi(Field(form, "startrecord"));
    if (start == 46) {
      return Html(DatastoreReply(
          {{"/art/2021/1/20/art_12377_1.html", "定西市2020年政府信息公开工作年度报告"},
           {"/art/2021/1/19/art_12377_2.html", "定西市新冠肺炎疫情联防联控领导小组办公室通告"}}));
    }
    if (start == 91) {
      return Html(DatastoreReply(
          {{"/art/2020/1/20/art_12377_3.html", "定西市2019年政府信息公开工作年度报告"}}));
    }
    return Html(DatastoreReply({}));
  });
  CrawlSummary summary = Crawl(server_.Url(path));

  std::vector<HttpRequest> posts = RequestsTo("/module/web/jpage/dataproxy.jsp");
  ASSERT_EQ(posts.size(), 3u);  // groups 2 and 3, then the empty group 4 ends it
  std::vector<std::string> ranges;
  for (const HttpRequest& post : posts) {
    EXPECT_EQ(post.method, "POST");
    auto form = Fields(post.body);
    EXPECT_EQ(Field(form, "columnid"), "12377");
    EXPECT_EQ(Field(form, "unitid"), "38486");
    EXPECT_EQ(Field(form, "webid"), "110");
    EXPECT_EQ(Field(form, "webname"), "定西市政府信息公开平台");
    EXPECT_EQ(Field(form, "perpage"), "15");
    ranges.push_back(Field(form, "startrecord") + "-" + Field(form, "endrecord"));
  }
  EXPECT_EQ(ranges, (std::vector<std::string>{"46-90", "91-135", "136-180"}));
  // Page 1's 45 records hold no annual report (2021年度政府网站年度工作报表 is another form).
  EXPECT_TRUE(PageOneReports(page, path).empty());
  EXPECT_EQ(Entries("report"), (std::set<std::string>{"/art/2021/1/20/art_12377_1.html",
                                                      "/art/2020/1/20/art_12377_3.html"}));
  EXPECT_TRUE(summary.errors.empty());
}

TEST_F(ListMechanismsTest, HanwebJpageOlderProxyPathAndQuotedParameters) {
  std::string page =
      RealPage("04-hanweb-jpage-datastore_nantong-zfcg-col31685.datastore.derived.xml");
  std::vector<ListPageMatch> matches =
      links_->lists().ReadPage(page, "http://zfcg.nantong.gov.cn/col/col31685/index.html", 50);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].rule, "hanweb_jpage");
  EXPECT_EQ(matches[0].error, "");
  ASSERT_EQ(matches[0].items.size(), 25u);
  EXPECT_EQ(matches[0].items[0].url,
            "http://zfcg.nantong.gov.cn/art/2017/4/24/art_31685_2451995.html");
  ASSERT_TRUE(matches[0].next);
  EXPECT_EQ(matches[0].next->url,
            "http://zfcg.nantong.gov.cn/module/jslib/jquery/jpage/dataproxy.jsp");
  auto form = Fields(matches[0].next->form);
  EXPECT_EQ(Field(form, "webname"), "南通市政府采购网");
  EXPECT_EQ(Field(form, "unitid"), "80325");
  EXPECT_EQ(Field(form, "webid"), "60");
}

// --- Hanweb queryList: an empty container, every page from POST /queryList ---

TEST_F(ListMechanismsTest, HanwebQueryListPostsParamsFromPageOne) {
  const std::string path = "/jxssthjt/col/col42150/index.html";
  server_.Serve(path, Html(RealPage("05-hanweb-handlebars-queryList_jiangxi-sthjt-col42150.html")));
  server_.Handle("/queryList", [](const HttpRequest& request) {
    int current = std::stoi(Field(Fields(request.body), "current"));
    nlohmann::json results = nlohmann::json::array();
    auto row = [&](const std::string& title, const std::string& url) {
      results.push_back({{"source",
                          {{"title", title},
                           {"pubDate", "2024-01-30"},
                           {"urls", nlohmann::json({{"pc", url}}).dump()}}}});
    };
    if (current <= 3) {
      row("江西省生态环境厅" + std::to_string(2024 - current) + "年政府信息公开工作年度报告",
          "/jxssthjt/art/" + std::to_string(current) + "/a.html");
      row("以案释法：典型案例" + std::to_string(current),
          "/jxssthjt/art/x" + std::to_string(current) + ".html");
    }
    return Json({{"data", {{"results", results}}}});
  });
  CrawlSummary summary = Crawl(server_.Url(path));

  std::vector<HttpRequest> posts = RequestsTo("/queryList");
  ASSERT_EQ(posts.size(), 4u);  // pages 1–3, then the empty page 4
  for (size_t i = 0; i < posts.size(); ++i) {
    auto form = Fields(posts[i].body);
    EXPECT_EQ(Field(form, "current"), std::to_string(i + 1));
    EXPECT_EQ(Field(form, "unitid"), "380055");
    EXPECT_EQ(Field(form, "webSiteCode[]"), "jxssthjt");
    EXPECT_EQ(Field(form, "channelCode[]"), "col42150");
    EXPECT_EQ(Field(form, "perPage"), "15");
    EXPECT_EQ(Field(form, "pageSize"), "15");
    EXPECT_EQ(Field(form, "templateContainerId"), "div380055");
    EXPECT_EQ(Field(form, "themeName"), "lucidity");
  }
  EXPECT_EQ(Entries("report"),
            (std::set<std::string>{"/jxssthjt/art/1/a.html", "/jxssthjt/art/2/a.html",
                                   "/jxssthjt/art/3/a.html"}));
  EXPECT_TRUE(summary.errors.empty());
}

// --- Gansu 政务云: rows in an HTML comment, then GET /common/search/{channelId} ---

TEST_F(ListMechanismsTest, GansuCommonSearchReadsCommentedRowsThenGetsTheSearchPages) {
  const std::string path = "/jyt/c110634/zwgklist.shtml";
  std::string page = RealPage("06-gansu-commonsearch_jyt-c110634-zwgklist.html");
  server_.Serve(path, Html(page));
  const std::string search = "/common/search/e5eb2abb5014415399847ba2bb99b31f";
  server_.Handle(search, [](const HttpRequest& request) {
    int n = std::stoi(Field(Fields(request.query), "page"));
    std::string body = "<ul id=\"body\">";
    if (n <= 3) {
      body += "<li><div class=\"title\"><a href=\"/jyt/c110634/2021/" + std::to_string(n) +
              ".shtml\">甘肃省教育厅" + std::to_string(2021 - n) +
              "年政府信息公开工作年度报告</a></div><div class=\"date\">2021-01-2" +
              std::to_string(n) + "</div></li>";
      body += "<li><div class=\"title\"><a href=\"/jyt/c110634/2021/n" + std::to_string(n) +
              ".shtml\">关于做好招生工作的通知</a></div><div class=\"date\">2021-01-01</div></li>";
    }
    return Html(body + "</ul>");
  });
  CrawlSummary summary = Crawl(server_.Url(path));

  std::vector<HttpRequest> gets = RequestsTo(search);
  ASSERT_EQ(gets.size(), 3u);  // pages 2, 3 and the empty 4 (the count says 10)
  for (size_t i = 0; i < gets.size(); ++i) {
    EXPECT_EQ(gets[i].method, "GET");
    EXPECT_EQ(gets[i].query,
              "sort=&_isAgg=false&_isJson=false&_pageSize=20&_template=index&_"
              "channelName=&page=" +
                  std::to_string(i + 2));
  }
  // The commented-out createPageHTML is not also read as static pages zwgklist_1.shtml …
  for (const HttpRequest& request : server_.Requests()) {
    EXPECT_EQ(request.path.find("zwgklist_"), std::string::npos) << request.path;
  }
  // Page 1's 20 commented rows are notices, no report.
  std::vector<ListPageMatch> matches = links_->lists().ReadPage(page, server_.Url(path), 50);
  size_t commented_rows = 0;
  for (const ListPageMatch& match : matches) {
    if (match.rule == "gansu_commonsearch") commented_rows = match.items.size();
  }
  EXPECT_EQ(commented_rows, 20u);
  // Page 1 holds the real rows (notices); pages 2 and 3 each hold one report.
  EXPECT_EQ(Entries("report"),
            (std::set<std::string>{"/jyt/c110634/2021/2.shtml", "/jyt/c110634/2021/3.shtml"}));
  EXPECT_TRUE(summary.errors.empty());
}

// --- mechanisms with no captured page: minimal pages in the shape the spiders describe ---

TEST_F(ListMechanismsTest, GkmlptApiPagesByCategoryAndSid) {
  const std::string path = "/gkmlpt/index";
  server_.Serve(path,
                Html("<html><head><script>window._CONFIG = {SID: '2', TREE: [{\"id\": 2629, "
                     "\"name\": \"年度报告\"}]};</script><script src=\"/gkmlpt/static/"
                     "index.js\"></script></head><body><div id=\"app\"></div></body></html>"));
  server_.Handle("/gkmlpt/api/all/2629", [](const HttpRequest& request) {
    auto query = Fields(request.query);
    int n = std::stoi(Field(query, "page"));
    nlohmann::json articles = nlohmann::json::array();
    if (n <= 3 && Field(query, "sid") == "2") {
      articles.push_back(
          {{"id", n},
           {"title",
            "广东省文化和旅游厅" + std::to_string(2024 - n) + "年政府信息公开工作年度报告"},
           {"url", "/gkmlpt/content/" + std::to_string(n) + "/post_" + std::to_string(n) + ".html"},
           {"created_at", "2024-01-20"}});
    }
    return Json({{"classify", {{"post_count", 3}}}, {"articles", articles}});
  });
  CrawlSummary summary = Crawl(server_.Url(path));
  EXPECT_EQ(RequestsTo("/gkmlpt/api/all/2629").size(), 4u);
  EXPECT_EQ(Entries("report"),
            (std::set<std::string>{"/gkmlpt/content/1/post_1.html", "/gkmlpt/content/2/post_2.html",
                                   "/gkmlpt/content/3/post_3.html"}));
  EXPECT_TRUE(summary.errors.empty());
}

TEST_F(ListMechanismsTest, JpaasUnitPagesThroughParamJson) {
  const std::string path = "/col/nb/index.html";
  const std::string unit = "/api-gateway/jpaas-publish-server/front/page/build/unit";
  server_.Serve(path, Html("<ul id=\"list\"><li><a "
                           "href=\"/art/nb2023.html\">2023年政府信息公开工作年度报告</a></li></ul>"
                           "<script>var pageUriTemplate = '" +
                           unit +
                           "?parseType=bulidstatic&webId=8a8a&tplSetId=52f1&pageType=column&tagId=%"
                           "E5%88%97%E8%A1%A8&"
                           "editType=null&pageId=ab12&paramJson=%7B%22pageNo%22%3A{page}%2C%"
                           "22pageSize%22%3A10%7D';</script>"));
  server_.Handle(unit, [](const HttpRequest& request) {
    auto query = Fields(request.query);
    nlohmann::json param = nlohmann::json::parse(Field(query, "paramJson"));
    int n = param["pageNo"].get<int>();
    std::string html;
    if (n <= 3)
      html = "<li><a href=\"/art/nb" + std::to_string(2023 - n + 1) + "x.html\">" +
             std::to_string(2023 - n) + "年政府信息公开工作年度报告</a></li>";
    return Json({{"success", true}, {"data", {{"html", html}}}});
  });
  Crawl(server_.Url(path));
  std::vector<HttpRequest> gets = RequestsTo(unit);
  ASSERT_EQ(gets.size(), 3u);  // pages 2, 3, then an empty 4
  EXPECT_EQ(Field(Fields(gets[0].query), "tagId"), "列表");
  EXPECT_EQ(Field(Fields(gets[0].query), "webId"), "8a8a");
  EXPECT_EQ(Entries("report"),
            (std::set<std::string>{"/art/nb2023.html", "/art/nb2022x.html", "/art/nb2021x.html"}));
}

TEST_F(ListMechanismsTest, HanwebAnnualReportPageAsksForEachEarlierYear) {
  const std::string path = "/module/xxgk/xxgkAnnualReport.jsp";
  server_.Handle(path, [](const HttpRequest& request) {
    int year = std::stoi(Field(Fields(request.query), "fbtime"));
    return Html("<table><tr><td><a href=\"/art/" + std::to_string(year) + "/nb.html\">某市" +
                std::to_string(year) + "年政府信息公开工作年度报告</a></td></tr></table>");
  });
  Crawl(server_.Url(path + "?area=11&fbtime=2010"));
  std::vector<std::string> years;
  for (const HttpRequest& request : RequestsTo(path)) {
    auto query = Fields(request.query);
    EXPECT_EQ(Field(query, "area"), "11");
    years.push_back(Field(query, "fbtime"));
  }
  EXPECT_EQ(years, (std::vector<std::string>{"2010", "2009", "2008"}));  // none before 2008
  EXPECT_EQ(Entries("report"),
            (std::set<std::string>{"/art/2010/nb.html", "/art/2009/nb.html", "/art/2008/nb.html"}));
}

// --- article shells: the report body comes from a detail API ([[detail]]) ---

std::string ShellPage(const std::string& name) {
  std::string bytes = testing::ReadFileBytes(testing::DataDir() + "/shells/" + name);
  EXPECT_FALSE(bytes.empty()) << name;
  return bytes;
}

// The real Shanghai 2019 report (corpus/shanghai-2019-condensed.html) as a detail API holds it:
// the article's HTML, its title apart.
constexpr char kShanghaiTitle[] = "2019年上海市人民政府办公厅政府信息公开工作年度报告";
std::string ShanghaiReportBody() {
  std::string page = testing::ReadFileBytes(testing::CorpusDir() + "/shanghai-2019-condensed.html");
  size_t start = page.find("<body>");
  size_t end = page.rfind("</body>");
  EXPECT_NE(start, std::string::npos);
  EXPECT_NE(end, std::string::npos);
  return page.substr(start + 6, end - start - 6);
}
nlohmann::json ShanghaiTruth() {
  return nlohmann::json::parse(
      testing::ReadFileBytes(testing::CorpusDir() + "/shanghai-2019-condensed.html.truth.json"));
}
// The same year's 解读 (an explanation, no tables): a shell the report filter follows that holds
// no report.
constexpr char kExplanationTitle[] = "《2019年上海市人民政府办公厅政府信息公开工作年度报告》解读";
constexpr char kExplanationBody[] =
    "<p>一、年度报告编制情况</p><p>本年度报告根据《中华人民共和国政府信息公开条例》的要求编制，"
    "对照条例规定的格式，全面反映了本年度政府信息公开工作情况。</p>";

TEST_F(ListMechanismsTest, EpointShellReadsItsReportFromGetGovInfoDetail) {
  const std::string report_guid = "3f2b8c1e-5d4a-4e7b-9a61-0c2d3e4f5a6b";
  const std::string explanation_guid = "9a0c4d2e-1b3f-4c5d-8e6f-7a8b9c0d1e2f";
  const std::string shell_path = "/shhk-zwgk/showinfo/showinfo.html";
  const std::string api = "/shhk-zwgk/rest/shhkZwgkFrontAppNotNeedLoginAction/getGovInfoDetail";
  server_.Serve(
      "/shhk-zwgk/zfxxgk/zfxxgknb/",
      Html("<ul><li><a href=\"" + shell_path + "?infoGuid=" + report_guid + "\">" + kShanghaiTitle +
           "</a></li><li><a href=\"" + shell_path + "?infoGuid=" + explanation_guid + "\">" +
           kExplanationTitle +
           "</a></li><li><a href=\"/shhk-zwgk/news/1.html\">区政府召开常务会议</a></li></ul>"));
  server_.Serve(shell_path, Html(ShellPage("epoint-showinfo.html")));
  // The API as WebBuilder answers: {"custom": {title, infodate, infocontent, …}, "status": …}.
  server_.Handle(api, [&](const HttpRequest& request) {
    nlohmann::json params = nlohmann::json::parse(Field(Fields(request.body), "params"), nullptr,
                                                  /*allow_exceptions=*/false);
    std::string id = params.is_object() ? params.value("infoid", "") : "";
    nlohmann::json custom = {
        {"infodate", "2020-01-31"}, {"infotype", "html"}, {"pdflist", nlohmann::json::array()}};
    if (id == report_guid) {
      custom["title"] = kShanghaiTitle;
      custom["infocontent"] = ShanghaiReportBody();
    } else if (id == explanation_guid) {
      custom["title"] = kExplanationTitle;
      custom["infocontent"] = kExplanationBody;
    } else {
      custom = {{"status", "false"}};
    }
    return Json({{"custom", custom}, {"status", {{"code", 1}, {"text", ""}}}});
  });
  CrawlSummary summary = Crawl(server_.Url("/shhk-zwgk/zfxxgk/zfxxgknb/"));

  std::vector<HttpRequest> posts = RequestsTo(api);
  ASSERT_EQ(posts.size(), 2u);  // one per shell, never retried
  std::set<std::string> asked;
  for (const HttpRequest& post : posts) {
    EXPECT_EQ(post.method, "POST");
    EXPECT_EQ(post.Header("x-requested-with"), "XMLHttpRequest");
    nlohmann::json params = nlohmann::json::parse(Field(Fields(post.body), "params"));
    EXPECT_EQ(params["siteGuid"], "7eb5f7f1-9041-43ad-8e13-8fcb82ea831a");  // from var siteInfo
    asked.insert(params["infoid"].get<std::string>());
  }
  EXPECT_EQ(asked, (std::set<std::string>{report_guid, explanation_guid}));
  EXPECT_TRUE(summary.errors.empty()) << summary.errors.begin()->first;
  EXPECT_EQ(summary.new_versions, 1);  // the report, and nothing else

  // The report is the shell page's, read from the API's reply.
  std::unique_ptr<Store> store = Store::Open(dir_.File("nianbao.db"));
  StoredExtraction report = store->Show(server_.Url(shell_path + "?infoGuid=" + report_guid));
  EXPECT_EQ(report.origin.document_url.rfind(server_.Url(api), 0), 0u);
  EXPECT_EQ(report.extraction.year, 2019);
  EXPECT_TRUE(testing::ExpectFieldsAsTruth(report.extraction, ShanghaiTruth(), *rules_).empty());
  EXPECT_THROW(store->Show(server_.Url(shell_path + "?infoGuid=" + explanation_guid)),
               NotFoundError);
}

// A PDF-only article: the reply's infocontent is empty and the report is the file its pdflist
// names (as the public importer cited in tests/data/SOURCE.md reads it: infotype "pdf",
// pdflist records with attachname, attachtype, attachurl). A second article's body is only a
// link to its PDF. Both PDFs are the real corpus/huaian-2024.pdf: each is fetched as its shell's
// attachment and made the shell page's report.
TEST_F(ListMechanismsTest, EpointShellWhoseReplyHoldsOnlyAPdfGetsThePdfsReport) {
  constexpr char kTitle[] = "淮安市人民政府2024年政府信息公开工作年度报告";
  const std::string listed = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
  const std::string linked = "1c2d3e4f-5061-4b7c-9d8e-0f1a2b3c4d5e";
  const std::string shell_path = "/shhk-zwgk/showinfo/showinfo.html";
  const std::string api = "/shhk-zwgk/rest/shhkZwgkFrontAppNotNeedLoginAction/getGovInfoDetail";
  const std::string listed_pdf = "/shhk-zwgk/attach/2025/0b1c2d3e.pdf";
  const std::string linked_pdf = "/shhk-zwgk/attach/2025/1c2d3e4f.pdf";
  server_.Serve("/shhk-zwgk/zfxxgk/zfxxgknb/",
                Html("<ul><li><a href=\"" + shell_path + "?infoGuid=" + listed + "\">" + kTitle +
                     "</a></li><li><a href=\"" + shell_path + "?infoGuid=" + linked +
                     "\">淮安市人民政府2023年政府信息公开工作年度报告</a></li></ul>"));
  server_.Serve(shell_path, Html(ShellPage("epoint-showinfo.html")));
  const std::string pdf = testing::ReadFileBytes(testing::CorpusDir() + "/huaian-2024.pdf");
  ASSERT_FALSE(pdf.empty());
  for (const std::string& path : {listed_pdf, linked_pdf})
    server_.Serve(path, Respond(200, pdf, {{"Content-Type", "application/pdf"}}));
  server_.Handle(api, [&](const HttpRequest& request) {
    nlohmann::json params = nlohmann::json::parse(Field(Fields(request.body), "params"), nullptr,
                                                  /*allow_exceptions=*/false);
    std::string id = params.is_object() ? params.value("infoid", "") : "";
    nlohmann::json custom = {{"title", kTitle}, {"infodate", "2025-01-20"}};
    if (id == listed) {
      custom["infotype"] = "pdf";
      custom["infocontent"] = "";
      custom["pdflist"] = {{{"attachname", std::string(kTitle) + ".pdf"},
                            {"attachtype", "pdf"},
                            {"attachurl", listed_pdf}}};
    } else {
      custom["infotype"] = "html";
      custom["infocontent"] =
          "<p>详见附件：<a href=\"" + linked_pdf + "\">" + kTitle + ".pdf</a></p>";
      custom["pdflist"] = nlohmann::json::array();
    }
    return Json({{"custom", custom}, {"status", {{"code", 1}, {"text", ""}}}});
  });
  CrawlSummary summary = Crawl(server_.Url("/shhk-zwgk/zfxxgk/zfxxgknb/"));

  EXPECT_TRUE(summary.errors.empty()) << summary.errors.begin()->first;
  EXPECT_EQ(RequestsTo(api).size(), 2u);
  EXPECT_EQ(RequestsTo(listed_pdf).size(), 1u);
  EXPECT_EQ(RequestsTo(linked_pdf).size(), 1u);
  EXPECT_EQ(summary.new_versions, 2);
  std::unique_ptr<Store> store = Store::Open(dir_.File("nianbao.db"));
  nlohmann::json truth = nlohmann::json::parse(
      testing::ReadFileBytes(testing::CorpusDir() + "/huaian-2024.pdf.truth.json"));
  for (const auto& [guid, pdf_path] :
       {std::pair{listed, listed_pdf}, std::pair{linked, linked_pdf}}) {
    StoredExtraction report = store->Show(server_.Url(shell_path + "?infoGuid=" + guid));
    EXPECT_EQ(report.origin.document_url, server_.Url(pdf_path));
    EXPECT_EQ(report.extraction.format, "pdf");
    EXPECT_EQ(report.extraction.year, 2024);
    EXPECT_TRUE(testing::ExpectFieldsAsTruth(report.extraction, truth, *rules_).empty()) << guid;
  }
}

TEST_F(ListMechanismsTest, ShanghaiDistrictShellReadsItsReportFromHtmlInfoDetail) {
  const std::string report = "/art/info/7195/i20200131-a1b2c3d4e5f6g7";
  const std::string explanation = "/art/info/7195/i20200131-z9y8x7w6v5u4t3";
  const std::string broken = "/art/info/7195/i20200131-broken000000";
  server_.Serve(
      "/xxgk/zfxxgknb/",
      Html(std::string("<ul><li><a href=\"") + report + "\">" + kShanghaiTitle +
           "</a></li><li><a href=\"" + explanation + "\">" + kExplanationTitle +
           "</a></li><li><a href=\"" + broken + "\">2018年政府信息公开工作年度报告</a></li></ul>"));
  for (const std::string& path : {report, explanation, broken})
    server_.Serve(path, Html(ShellPage("shanghai-art-info.html")));
  // The API: POST id=… → {"success": true, "data": {title, body, …}}; an unknown id gets
  // {"success": false, "data": null}, a reply without a body.
  server_.Handle("/html/info/detail", [&](const HttpRequest& request) {
    std::string id = Field(Fields(request.body), "id");
    if (id == "i20200131-a1b2c3d4e5f6g7")
      return Json({{"success", true},
                   {"data", {{"title", kShanghaiTitle}, {"body", ShanghaiReportBody()}}}});
    if (id == "i20200131-z9y8x7w6v5u4t3")
      return Json({{"success", true},
                   {"data", {{"title", kExplanationTitle}, {"content", kExplanationBody}}}});
    return Json({{"success", false}, {"data", nullptr}});
  });
  CrawlSummary summary = Crawl(server_.Url("/xxgk/zfxxgknb/"));

  std::vector<HttpRequest> posts = RequestsTo("/html/info/detail");
  ASSERT_EQ(posts.size(), 3u);
  std::set<std::string> ids;
  for (const HttpRequest& post : posts) {
    EXPECT_EQ(post.method, "POST");
    ids.insert(Field(Fields(post.body), "id"));
  }
  EXPECT_EQ(ids, (std::set<std::string>{"i20200131-a1b2c3d4e5f6g7", "i20200131-z9y8x7w6v5u4t3",
                                        "i20200131-broken000000"}));
  EXPECT_EQ(summary.new_versions, 1);
  // The reply without a body is an error naming the rule and the URL.
  EXPECT_EQ(summary.errors["bad_reply"], 1);
  ASSERT_EQ(summary.problems.size(), 1u);
  EXPECT_NE(summary.problems[0].find("rule shanghai_info_detail"), std::string::npos);
  EXPECT_NE(summary.problems[0].find(server_.Url("/html/info/detail")), std::string::npos);

  std::unique_ptr<Store> store = Store::Open(dir_.File("nianbao.db"));
  StoredExtraction stored = store->Show(server_.Url(report));
  EXPECT_EQ(stored.extraction.year, 2019);
  EXPECT_TRUE(testing::ExpectFieldsAsTruth(stored.extraction, ShanghaiTruth(), *rules_).empty());
  EXPECT_THROW(store->Show(server_.Url(explanation)), NotFoundError);
}

TEST(ListRulesTest, DetailRulesFireOnlyOnTheirShells) {
  std::shared_ptr<const LinkRules> links = LinkRules::Load();
  auto fired = [&](const std::string& html, const std::string& url) {
    std::set<std::string> names;
    for (const ListPageMatch& match : links->lists().ReadPage(html, url, 50)) {
      names.insert(match.rule);
      EXPECT_EQ(match.error, "") << url;
    }
    return names;
  };
  std::string epoint = ShellPage("epoint-showinfo.html");
  std::string spa = ShellPage("shanghai-art-info.html");
  const std::string guid = "3f2b8c1e-5d4a-4e7b-9a61-0c2d3e4f5a6b";
  EXPECT_EQ(
      fired(epoint, "https://www.shhk.gov.cn/shhk-zwgk/showinfo/showinfo.html?infoGuid=" + guid),
      (std::set<std::string>{"epoint_govinfo_detail"}));
  EXPECT_EQ(fired(spa, "https://xxgk.fengxian.gov.cn/art/info/9595/i20250408-mkbqe7v0xqibcfvdrs"),
            (std::set<std::string>{"shanghai_info_detail"}));
  // The SPA shell elsewhere than an article URL is no article; a list page is no shell.
  EXPECT_TRUE(fired(spa, "https://xxgk.fengxian.gov.cn/col/7195/").empty());
  EXPECT_TRUE(fired(ShellPage("shanghai-art-info.html"), "https://a.gov.cn/art/info/").empty());
  // The request each builds, from the page and its URL.
  std::vector<ListPageMatch> matches = links->lists().ReadPage(
      epoint, "https://www.shhk.gov.cn/shhk-zwgk/showinfo/showinfo.html?infoGuid=" + guid, 50);
  ASSERT_EQ(matches.size(), 1u);
  ASSERT_TRUE(matches[0].next);
  EXPECT_EQ(matches[0].next->kind, "detail");
  EXPECT_EQ(
      matches[0].next->url,
      "https://www.shhk.gov.cn/shhk-zwgk/rest/shhkZwgkFrontAppNotNeedLoginAction/getGovInfoDetail");
  EXPECT_EQ(
      matches[0].next->form,
      "params=%7B%22siteGuid%22%3A%227eb5f7f1-9041-43ad-8e13-8fcb82ea831a%22%2C%22infoid%22%3A%22" +
          guid + "%22%7D");
  EXPECT_FALSE(matches[0].owns_paging);
  std::optional<ListRequest> back = ListRequest::FromJson(matches[0].next->ToJson());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, "detail");
  // A reply that is no JSON, or holds no body, is an error naming the rule and the URL.
  ListReply bad = links->lists().ReadReply(*matches[0].next, "<html>error</html>", 50);
  EXPECT_NE(bad.error.find("rule epoint_govinfo_detail"), std::string::npos) << bad.error;
  EXPECT_NE(bad.error.find("not JSON"), std::string::npos) << bad.error;
  ListReply empty =
      links->lists().ReadReply(*matches[0].next, R"({"custom":{"status":"false"}})", 50);
  EXPECT_NE(empty.error.find("getGovInfoDetail"), std::string::npos) << empty.error;
  // A reply with no body but an attachment record is the attachment's link.
  ListReply attached = links->lists().ReadReply(
      *matches[0].next,
      R"({"custom":{"title":"年报","infocontent":"","pdflist":[{"attachname":"a&b.pdf","attachurl":"/f/a.pdf?x=1&y=2"}]}})",
      50);
  EXPECT_EQ(attached.error, "");
  EXPECT_NE(attached.document.find(
                "<a href=\"https://www.shhk.gov.cn/f/a.pdf?x=1&amp;y=2\">a&amp;b.pdf</a>"),
            std::string::npos)
      << attached.document;
  ListReply no_file = links->lists().ReadReply(
      *matches[0].next,
      R"({"custom":{"title":"年报","infotype":"pdf","pdflist":[{"attachname":"a.pdf"}]}})", 50);
  EXPECT_NE(no_file.error.find("no HTML text"), std::string::npos) << no_file.error;
  ListReply good = links->lists().ReadReply(
      *matches[0].next, R"({"custom":{"title":"某区<2019>年报","infocontent":"<p>正文</p>"}})", 50);
  EXPECT_EQ(good.error, "");
  EXPECT_NE(good.document.find("<title>某区&lt;2019>年报</title>"), std::string::npos);
  EXPECT_NE(good.document.find("<p>正文</p>"), std::string::npos);
}

// --- errors ---

TEST_F(ListMechanismsTest, AReplyThatDoesNotParseIsAnErrorNamingTheRuleAndUrl) {
  const std::string path = "/jxssthjt/col/col42150/index.html";
  server_.Serve(path, Html(RealPage("05-hanweb-handlebars-queryList_jiangxi-sthjt-col42150.html")));
  server_.Serve("/queryList", Html("<html>系统繁忙</html>"));
  CrawlSummary summary = Crawl(server_.Url(path));
  EXPECT_EQ(summary.errors["bad_reply"], 1);
  ASSERT_EQ(summary.problems.size(), 1u);
  EXPECT_NE(summary.problems[0].find("rule hanweb_querylist"), std::string::npos);
  EXPECT_NE(summary.problems[0].find(server_.Url("/queryList")), std::string::npos);
  EXPECT_NE(summary.problems[0].find("not JSON"), std::string::npos);
  EXPECT_EQ(RequestsTo("/queryList").size(), 1u);  // not retried, no next page
}

TEST_F(ListMechanismsTest, RiverSecurityChallengeIsBlockedWithoutRetries) {
  // The real Gansu page carries the 瑞数 bootstrap; served with the challenge's 412 it is the stub
  // a crawler without a browser gets.
  std::string page = RealPage("06-gansu-commonsearch_jyt-c110634-zwgklist.html");
  server_.Serve("/jyt/c110634/zwgklist.shtml", Respond(412, page, {{"Content-Type", "text/html"}}));
  server_.Serve("/jyt/other.shtml", Html("<a href=\"/x\">x</a>"));
  std::unique_ptr<Store> store = Store::Open(dir_.File("nianbao.db"));
  Crawler crawler(*store, rules_, Options());
  std::atomic<bool> stop{false};
  CrawlSummary summary = crawler.Crawl(
      {server_.Url("/jyt/c110634/zwgklist.shtml"), server_.Url("/jyt/other.shtml")}, stop);
  EXPECT_EQ(server_.RequestCount("/jyt/c110634/zwgklist.shtml"), 1u);
  // The host is left alone: the second seed is not fetched either.
  EXPECT_EQ(server_.RequestCount("/jyt/other.shtml"), 0u);
  EXPECT_EQ(summary.errors["blocked"], 2);
  EXPECT_EQ(summary.retries, 0);
  EXPECT_EQ(summary.fetched, 1);
}

TEST_F(ListMechanismsTest, MetaRefreshShellIsFollowedAndLoginWallNamed) {
  server_.Serve("/old/", Html("<html><head><meta http-equiv=\"refresh\" content=\"0; url=/new/\">"
                              "</head><body>页面已迁移</body></html>"));
  server_.Serve("/new/", Html("<a href=\"/new/nb2023.html\">2023年政府信息公开工作年度报告</a>"));
  server_.Serve("/login/",
                Html("<title>用户登录</title><form><input type=\"password\" name=\"pw\"></form>"));
  std::unique_ptr<Store> store = Store::Open(dir_.File("nianbao.db"));
  Crawler crawler(*store, rules_, Options());
  std::atomic<bool> stop{false};
  CrawlSummary summary = crawler.Crawl({server_.Url("/old/")}, stop);
  EXPECT_EQ(Entries("report"), (std::set<std::string>{"/new/nb2023.html"}));
  FetchOneResult login = crawler.FetchOne(server_.Url("/login/"));
  EXPECT_EQ(login.kind, "error");
  EXPECT_EQ(login.fetch.error, "login_required");
}

// --- recognition: each rule only on its own pages ---

TEST(ListRulesTest, EachRuleFiresOnlyOnItsMechanismsPages) {
  std::shared_ptr<const LinkRules> links = LinkRules::Load();
  std::map<std::string, std::set<std::string>> expected = {
      {"01-trs-countpage_ordos-engebei-xxgknb.html", {}},
      {"02-fujian-trsapi_pingtan-zfxxgknb-index.html", {"fujian_trsapi"}},
      {"03-hanweb-jpage-datastore_dingxi-col12377.datastore.xml", {"hanweb_jpage"}},
      {"04-hanweb-jpage-datastore_nantong-zfcg-col31685.datastore.derived.xml", {"hanweb_jpage"}},
      {"05-hanweb-handlebars-queryList_jiangxi-sthjt-col42150.html", {"hanweb_querylist"}},
      {"06-gansu-commonsearch_jyt-c110634-zwgklist.html", {"gansu_commonsearch", "commented_rows"}},
      {"07-trs-attachment-only_xining-shj-article-snippet.html", {}},
  };
  for (const auto& [file, rules] : expected) {
    std::string page = testing::ReadFileBytes(testing::CorpusDir() + "/lists/real/" + file);
    ASSERT_FALSE(page.empty()) << file;
    std::set<std::string> fired;
    for (const ListPageMatch& match : links->lists().ReadPage(page, "https://a.gov.cn/col/", 50)) {
      fired.insert(match.rule);
      EXPECT_EQ(match.error, "") << file;
    }
    EXPECT_EQ(fired, rules) << file;
  }
}

TEST(ListRulesTest, TemplatesAndRequestsRoundTrip) {
  std::map<std::string, std::string> vars = {
      {"page", "3"}, {"per", "15"}, {"name", "%25E5%25AE%259A"}};
  std::string missing;
  EXPECT_EQ(ExpandTemplate("s={(page - 1) * per * 3 + 1}&e={page*per*3}", vars, &missing),
            "s=91&e=135");
  EXPECT_EQ(ExpandTemplate("{name|decode|decode}", vars, &missing), "定");
  EXPECT_FALSE(ExpandTemplate("{nope}", vars, &missing));
  EXPECT_EQ(missing, "nope");
  EXPECT_FALSE(ExpandTemplate("{name + 1}", vars, &missing));
  EXPECT_EQ(ExpandTemplate("{{\"p\":{page}}}", vars, &missing), "{\"p\":3}");  // literal braces

  ListRequest request;
  request.rule = "r";
  request.page = 2;
  request.method = "POST";
  request.url = "https://a.gov.cn/queryList";
  request.form = "a=1&b=%E5";
  request.headers = {{"X-Requested-With", "XMLHttpRequest"}};
  request.vars = {{"x", "y"}};
  std::optional<ListRequest> back = ListRequest::FromJson(request.ToJson());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->ToJson(), request.ToJson());
  EXPECT_EQ(request.Key(), "https://a.gov.cn/queryList?a=1&b=%E5");
  EXPECT_FALSE(ListRequest::FromJson("{\"rule\": 1}"));
}

TEST(ListRulesTest, InvalidRulesAreErrorsWithFileAndLine) {
  auto error_of = [](const std::string& toml) {
    try {
      LinkRules::Parse("[report]\ntext = ['年报']\n" + toml, "links.toml");
    } catch (const RuleError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of("[[list]]\nname = 'a'\n"), "links.toml:3: [[list]] a needs `detect` patterns");
  EXPECT_NE(
      error_of("[[list]]\nname = 'a'\ndetect = ['(']\nurl = '/x'\n[list.reader]\ntype = 'html'\n")
          .find("links.toml:5: [[list]] a detect: bad pattern"),
      std::string::npos);
  EXPECT_NE(
      error_of("[[list]]\nname = 'a'\ndetect = ['x']\nurl = '/x'\n[list.reader]\ntype = 'csv'\n")
          .find("links.toml:7: [[list]] a: reader `type` must be html, xml or json"),
      std::string::npos);
  EXPECT_NE(error_of("[[list]]\nname = 'a'\ndetect = ['x']\ncapture = ['(\\d+)']\nurl = '/x'\n"
                     "[list.reader]\ntype = 'html'\n")
                .find("has no (?P<name>…) group"),
            std::string::npos);
  EXPECT_NE(
      error_of("[[list]]\nname = 'a'\ndetect = ['x']\nurl = '/x{'\n[list.reader]\ntype = 'html'\n")
          .find("unclosed"),
      std::string::npos);
}

// --- attachments and shells ---

TEST(AttachmentLinksTest, EveryWayAPageNamesADocument) {
  std::shared_ptr<const LinkRules> links = LinkRules::Load();
  const std::string base = "http://shj.xining.gov.cn/zwgk/xxgkml/xzsp/yslxm/202108/t1.html";
  std::string snippet = testing::ReadFileBytes(
      testing::CorpusDir() + "/lists/real/07-trs-attachment-only_xining-shj-article-snippet.html");
  const std::string pdf =
      "http://shj.xining.gov.cn/zwgk/xxgkml/xzsp/yslxm/202108/P020210830423761510808.pdf";
  EXPECT_EQ(DiscoverAttachments(snippet, base, *links), (std::vector<std::string>{pdf}));
  EXPECT_EQ(DiscoverLinks(snippet, base, *links).attachments, (std::vector<std::string>{pdf}));

  std::string page =
      "<iframe src=\"/pdfjs/web/viewer.html?file=%2Ffiles%2Fnb2023.pdf\"></iframe>"
      "<embed src=\"/files/b.pdf\"><object data=\"/files/c.docx\"></object>"
      "<a href=\"#\" onclick=\"window.open('/files/d.pdf')\">2023年报</a>"
      "<a href=\"javascript:openFile('/files/e.wps')\">附件</a>"
      "<a href=\"javascript:void(0)\">返回</a>";
  std::vector<std::string> expected = {
      "http://a.gov.cn/files/nb2023.pdf", "http://a.gov.cn/files/b.pdf",
      "http://a.gov.cn/files/c.docx", "http://a.gov.cn/files/d.pdf", "http://a.gov.cn/files/e.wps"};
  EXPECT_EQ(DiscoverLinks(page, "http://a.gov.cn/col/", *links).attachments, expected);
  EXPECT_EQ(DiscoverAttachments(page, "http://a.gov.cn/col/", *links), expected);
}

TEST(JunkTest, ChallengesWafPagesLoginWallsAndShells) {
  std::string gansu = testing::ReadFileBytes(
      testing::CorpusDir() + "/lists/real/06-gansu-commonsearch_jyt-c110634-zwgklist.html");
  EXPECT_EQ(ClassifyAnswer(412, gansu).kind, "blocked");
  // The same page as a browser gets it (200, real content under the bootstrap) is a page.
  EXPECT_EQ(ClassifyAnswer(200, gansu).kind, "");
  // The stub alone: its first 3 000 bytes (meta, $_ts script, the script tag), as a 200.
  size_t stub_end = gansu.find("</script>", gansu.find("$_ts"));
  ASSERT_NE(stub_end, std::string::npos);
  EXPECT_EQ(ClassifyAnswer(200, gansu.substr(0, stub_end + 9) + "</head></html>").kind, "blocked");
  EXPECT_EQ(ClassifyAnswer(403, "<html><title>网站防火墙</title>您的访问被阻断</html>").kind,
            "blocked");
  EXPECT_EQ(ClassifyAnswer(200, "<html>safedog 安全狗 提示</html>").kind, "blocked");
  EXPECT_EQ(ClassifyAnswer(401, "").kind, "login_required");
  EXPECT_EQ(ClassifyAnswer(200, "<script>window.location.href='/new/';</script>").kind,
            "script_redirect");
  JunkVerdict moved = ClassifyAnswer(200, "<meta content=\"0;URL='/x/'\" http-equiv=\"refresh\">");
  EXPECT_EQ(moved.kind, "moved");
  EXPECT_EQ(moved.target, "/x/");
  // Real list pages are not junk.
  for (const char* file : {"01-trs-countpage_ordos-engebei-xxgknb.html",
                           "02-fujian-trsapi_pingtan-zfxxgknb-index.html",
                           "05-hanweb-handlebars-queryList_jiangxi-sthjt-col42150.html"}) {
    EXPECT_EQ(
        ClassifyAnswer(200, testing::ReadFileBytes(testing::CorpusDir() + "/lists/real/" + file))
            .kind,
        "")
        << file;
  }
}

}  // namespace
}  // namespace nianbao
