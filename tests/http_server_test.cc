// The test HTTP server itself: routing, logging, gzip, keep-alive, custom status and headers.
#include "tests/support/http_server.h"

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace nianbao::testing {
namespace {

size_t Append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

struct Got {
  long status = 0;
  std::string body;
  std::string headers;
};

Got Get(const std::string& url, bool decode = true) {
  Got got;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &got.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &got.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  if (decode) curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &got.status);
  curl_easy_cleanup(curl);
  return got;
}

TEST(HttpServerTest, RoutesLogsAndEncodes) {
  HttpServer server;
  server.Serve("/a", Respond(200, "hello", {{"X-Test", "yes"}}));
  HttpResponse zipped = Respond(200, "zipped text");
  zipped.gzip = true;
  server.Serve("/z", zipped);
  Got a = Get(server.Url("/a?q=1"));
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "hello");
  EXPECT_NE(a.headers.find("X-Test: yes"), std::string::npos);
  EXPECT_EQ(Get(server.Url("/missing")).status, 404);
  Got z = Get(server.Url("/z"));
  EXPECT_EQ(z.body, "zipped text");
  ASSERT_EQ(server.RequestCount(), 3u);
  auto log = server.Requests();
  EXPECT_EQ(log[0].path, "/a");
  EXPECT_EQ(log[0].query, "q=1");
  EXPECT_LE(log[0].received, log[1].received);
  EXPECT_EQ(server.RequestCount("/z"), 1u);
}

TEST(HttpServerTest, GzipOfZerosInflatesToTheSize) {
  std::string bomb = GzipOfZeros(3 << 20);
  EXPECT_LT(bomb.size(), 10000u);
  std::string out(3 << 20, 'x');
  z_stream stream{};
  inflateInit2(&stream, 15 + 16);
  stream.next_in = reinterpret_cast<Bytef*>(bomb.data());
  stream.avail_in = static_cast<uInt>(bomb.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  EXPECT_EQ(stream.total_out, 3u << 20);
  inflateEnd(&stream);
  EXPECT_EQ(out.find_first_not_of('\0'), std::string::npos);
}

TEST(HttpServerTest, StopsWhileAConnectionWaitsForever) {
  HttpServer server;
  HttpResponse never = Respond(200);
  never.never_answer = true;
  server.Serve("/never", never);
  CURL* curl = curl_easy_init();
  std::string url = server.Url("/never");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 300L);
  EXPECT_EQ(curl_easy_perform(curl), CURLE_OPERATION_TIMEDOUT);
  curl_easy_cleanup(curl);
  EXPECT_EQ(server.RequestCount("/never"), 1u);
}

}  // namespace
}  // namespace nianbao::testing
