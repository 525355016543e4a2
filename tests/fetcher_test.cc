// crawler/fetcher and crawler/politeness against the in-process HTTP server.
#include "crawler/fetcher.h"

#include <gtest/gtest.h>

#include <chrono>

#include "crawler/politeness.h"
#include "tests/support/http_server.h"

namespace nianbao {
namespace {

using testing::HttpRequest;
using testing::HttpResponse;
using testing::HttpServer;
using testing::Respond;

FetcherOptions FastOptions() {
  FetcherOptions options;
  options.user_agent = "nianbao/test (+https://example.org/nianbao)";
  options.max_body_bytes = 1 << 20;
  options.connect_timeout_seconds = 2;
  options.total_timeout_seconds = 1;
  options.allow_private_addresses = true;  // the test server is on 127.0.0.1
  return options;
}

FetchResponse Get(Fetcher& fetcher, const std::string& url, std::string etag = "",
                  std::string modified = "") {
  static uint64_t id = 0;
  return fetcher.FetchNow({++id, url, std::move(etag), std::move(modified)});
}

TEST(FetcherTest, DecodesGzipAndReadsHeaders) {
  HttpServer server;
  HttpResponse page = Respond(200, "<html>年报</html>",
                              {{"Content-Type", "text/html; charset=\"GBK\""},
                               {"ETag", "\"v1\""},
                               {"Last-Modified", "Tue, 01 Apr 2025 00:00:00 GMT"}});
  page.gzip = true;
  server.Serve("/page.html", page);
  Fetcher fetcher(FastOptions());
  FetchResponse response = Get(fetcher, server.Url("/page.html"));
  EXPECT_EQ(response.error, "");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "<html>年报</html>");
  EXPECT_EQ(response.charset, "GBK");
  EXPECT_EQ(response.etag, "\"v1\"");
  EXPECT_EQ(response.last_modified, "Tue, 01 Apr 2025 00:00:00 GMT");
  HttpRequest request = server.Requests().at(0);
  EXPECT_EQ(request.Header("user-agent"), "nianbao/test (+https://example.org/nianbao)");
  EXPECT_NE(request.Header("accept-encoding").find("gzip"), std::string::npos);
}

TEST(FetcherTest, SendsValidators) {
  HttpServer server;
  server.Handle("/c", [](const HttpRequest& request) {
    return request.Header("if-none-match") == "\"v1\"" ? Respond(304) : Respond(200, "body");
  });
  Fetcher fetcher(FastOptions());
  EXPECT_EQ(Get(fetcher, server.Url("/c")).status, 200);
  FetchResponse again = Get(fetcher, server.Url("/c"), "\"v1\"", "Tue, 01 Apr 2025 00:00:00 GMT");
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(server.Requests().at(1).Header("if-modified-since"), "Tue, 01 Apr 2025 00:00:00 GMT");
}

TEST(FetcherTest, ReturnsRedirectsWithoutFollowing) {
  HttpServer server;
  server.Serve("/r", Respond(302, "", {{"Location", "file:///etc/passwd"}}));
  Fetcher fetcher(FastOptions());
  FetchResponse response = Get(fetcher, server.Url("/r"));
  EXPECT_EQ(response.status, 302);
  EXPECT_EQ(response.location, "file:///etc/passwd");
  EXPECT_EQ(server.RequestCount(), 1u);
}

TEST(FetcherTest, GzipBombStopsAtTheDecodedCap) {
  HttpServer server;
  std::string bomb = testing::GzipOfZeros(64 << 20);  // 64 MiB decoded, ~64 KiB on the wire
  server.Serve("/bomb", Respond(200, bomb, {{"Content-Encoding", "gzip"}}));
  Fetcher fetcher(FastOptions());  // cap 1 MiB
  FetchResponse response = Get(fetcher, server.Url("/bomb"));
  EXPECT_EQ(response.error, "too_large");
  EXPECT_TRUE(response.body.empty());
  EXPECT_FALSE(response.Retryable());
}

TEST(FetcherTest, EndlessBodyStopsAtTheCap) {
  HttpServer server;
  HttpResponse endless = Respond(200);
  endless.endless_body = true;
  server.Serve("/endless", endless);
  Fetcher fetcher(FastOptions());
  FetchResponse response = Get(fetcher, server.Url("/endless"));
  EXPECT_EQ(response.error, "too_large");
}

TEST(FetcherTest, TimesOutAndFailsToConnect) {
  HttpServer server;
  HttpResponse never = Respond(200);
  never.never_answer = true;
  server.Serve("/never", never);
  Fetcher fetcher(FastOptions());
  auto start = std::chrono::steady_clock::now();
  FetchResponse response = Get(fetcher, server.Url("/never"));
  EXPECT_EQ(response.error, "timeout_first_byte");
  EXPECT_TRUE(response.Retryable());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  int port = 0;
  {
    HttpServer closed;
    port = closed.port();
  }
  FetchResponse refused = Get(fetcher, "http://127.0.0.1:" + std::to_string(port) + "/");
  EXPECT_EQ(refused.error, "connect");
}

TEST(FetcherTest, ManyTransfersAtOnce) {
  HttpServer server;
  server.SetDefault([](const HttpRequest& request) { return Respond(200, request.path); });
  FetcherOptions options = FastOptions();
  options.max_connections_per_host = 4;
  Fetcher fetcher(options);
  for (uint64_t i = 0; i < 20; ++i)
    fetcher.Start({i, server.Url("/p" + std::to_string(i)), "", ""});
  std::vector<FetchResponse> done;
  while (done.size() < 20) {
    for (FetchResponse& response : fetcher.Poll(200)) done.push_back(std::move(response));
  }
  for (const FetchResponse& response : done) {
    EXPECT_EQ(response.body, "/p" + std::to_string(response.id));
  }
  EXPECT_EQ(fetcher.InFlight(), 0u);
}

TEST(FetcherTest, ParsesRetryAfterAndCharset) {
  EXPECT_EQ(ParseRetryAfter("120", 0), 120.0);
  EXPECT_EQ(ParseRetryAfter(" 0 ", 0), 0.0);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470), 10.0);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490), 0.0);
  EXPECT_FALSE(ParseRetryAfter("soon", 0));
  EXPECT_EQ(CharsetFromContentType("text/html;Charset=gb2312"), "gb2312");
  EXPECT_EQ(CharsetFromContentType("text/html"), "");
}

TEST(PolitenessTest, KeepsTheDelayAndTheLimits) {
  using std::chrono::milliseconds;
  HostSchedule schedule(3.0, 1, 2, 30);
  SteadyTime t0{};
  t0 += std::chrono::hours(1);
  const std::string a = "http://a.cn", b = "http://b.cn", c = "http://c.cn";
  EXPECT_TRUE(schedule.CanStart(a, t0));
  schedule.Started(a, t0);
  EXPECT_FALSE(schedule.CanStart(a, t0));  // one connection per host
  EXPECT_TRUE(schedule.CanStart(b, t0));
  schedule.Started(b, t0);
  EXPECT_FALSE(schedule.CanStart(c, t0));  // global limit 2
  schedule.Finished(a, t0 + milliseconds(500));
  EXPECT_TRUE(schedule.CanStart(c, t0 + milliseconds(500)));
  EXPECT_FALSE(schedule.CanStart(a, t0 + milliseconds(3499)));  // 3 s after the end
  EXPECT_TRUE(schedule.CanStart(a, t0 + milliseconds(3500)));
  schedule.SetCrawlDelay(a, 10);
  EXPECT_EQ(schedule.DelaySeconds(a), 10.0);
  schedule.SetCrawlDelay(a, 1000);
  EXPECT_EQ(schedule.DelaySeconds(a), 30.0);  // capped
  schedule.SetCrawlDelay(a, 1);
  EXPECT_EQ(schedule.DelaySeconds(a), 3.0);  // never below the configured delay
  schedule.Defer(c, t0 + std::chrono::seconds(60));
  EXPECT_FALSE(schedule.CanStart(c, t0 + std::chrono::seconds(59)));
}

TEST(PolitenessTest, BackoffGrowsWithJitterAndCap) {
  std::mt19937_64 random(42);
  for (int i = 0; i < 100; ++i) {
    double first = BackoffSeconds(1, 2.0, 60, random);
    double second = BackoffSeconds(2, 2.0, 60, random);
    EXPECT_GE(first, 1.0);
    EXPECT_LT(first, 3.0);
    EXPECT_GE(second, 2.0);
    EXPECT_LT(second, 6.0);
    EXPECT_LE(BackoffSeconds(10, 2.0, 60, random), 60.0);
  }
}

}  // namespace
}  // namespace nianbao
