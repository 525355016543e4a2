// A small real HTTP/1.1 server on 127.0.0.1 (ephemeral port) for tests and benchmarks, running in
// the calling process: one accept thread (poll/accept) and one thread per connection, keep-alive
// supported. It can also misbehave on purpose (HttpResponse::raw) for the hostile-server tests.
// Every request is logged with a monotonic timestamp before its handler runs. Handlers are matched
// on the exact path (no query); unknown paths go to the default handler (404 unless set). A
// response can be delayed, never answered, streamed without end, gzip-encoded, or carry any status
// and headers. The destructor stops everything, closing connections that are still open.
#ifndef NIANBAO_TESTS_SUPPORT_HTTP_SERVER_H_
#define NIANBAO_TESTS_SUPPORT_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nianbao::testing {

struct HttpRequest {
  std::string method;
  std::string target;                          // as sent: path and query
  std::string path;                            // target without the query
  std::string query;                           // after '?', may be empty
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;                            // as sent (Content-Length bytes)
  std::chrono::steady_clock::time_point received;

  std::string Header(const std::string& lower_name) const;  // "" when absent
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Length is added when needed
  std::string body;
  bool gzip = false;          // gzip `body` and send Content-Encoding: gzip
  double delay_seconds = 0;   // wait before answering
  bool never_answer = false;  // keep the connection open and silent until the server stops
  bool endless_body = false;  // after the headers, stream `body` (or zeros) repeatedly, forever
  // A hostile server: when not empty, these bytes are sent verbatim instead of a response built
  // from the fields above (a malformed status line, oversized headers, a body shorter than its
  // Content-Length, ...), then the connection is closed — or, with `hang_after_raw`, kept open
  // and silent until the server stops.
  std::string raw;
  bool hang_after_raw = false;
};

// Shorthand, since designated initializers that skip members trip -Wmissing-field-initializers.
HttpResponse Respond(int status, std::string body = "",
                     std::vector<std::pair<std::string, std::string>> headers = {});

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  // Binds an ephemeral port of `loopback_address` (any 127.x.y.z: distinct addresses are distinct
  // hosts to a crawler) and starts serving; throws std::runtime_error on failure. kAnyLoopback:
  // every address of 127.0.0.0/8 reaches this one server (as many simulated hosts, told apart by
  // the address in the Host header; Origin() names 127.0.0.1); peers outside 127/8 are refused.
  static constexpr const char* kAnyLoopback = "127.0.0.0/8";
  explicit HttpServer(const std::string& loopback_address = "127.0.0.1");
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;
  std::string Origin() const;                              // "http://ADDRESS:PORT"
  std::string Url(std::string_view path) const;            // Origin() + path
  std::string OriginOn(const std::string& address) const;  // "http://ADDRESS:PORT" (kAnyLoopback)

  // Register before or while serving; thread-safe.
  void Handle(const std::string& path, HttpHandler handler);
  void Serve(const std::string& path, HttpResponse response);  // a fixed response
  void SetDefault(HttpHandler handler);

  std::vector<HttpRequest> Requests() const;  // the log, in arrival order
  // false: requests are no longer logged (a benchmark serving 100,000 pages keeps its memory flat).
  void KeepLog(bool keep);
  size_t RequestCount() const;
  size_t RequestCount(std::string_view path) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Helpers for bodies.
std::string Gzip(std::string_view data);
std::string GzipOfZeros(
    size_t decoded_bytes);  // a gzip bomb, built without holding the decoded data

}  // namespace nianbao::testing

#endif  // NIANBAO_TESTS_SUPPORT_HTTP_SERVER_H_
