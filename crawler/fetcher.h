// One HTTP request at a time per transfer, many transfers at once: a thin, non-blocking layer over
// the libcurl multi interface. A transfer is a single hop — redirects are not followed here but
// returned (status 3xx + `location`), so that the crawler can check each hop's scheme, robots.txt
// and host politeness and record every hop. HTTP/1.1 and HTTP/2, gzip/deflate/br decoded by
// libcurl, only http and https, proxies from the environment (libcurl's default), TLS verification
// on. The decoded body is capped in the write callback: beyond `max_body_bytes` the transfer is
// aborted with error "too_large", whatever the Content-Encoding (a gzip bomb stops at the cap).
// Errors are values (FetchResponse::error); only curl initialisation failure throws.
// A Fetcher is used from one thread (Wakeup excepted). curl_global_init must have run (see
// GlobalCurlInit).
#ifndef NIANBAO_CRAWLER_FETCHER_H_
#define NIANBAO_CRAWLER_FETCHER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nianbao {

struct FetcherOptions {
  std::string user_agent = "nianbao/0.1 (+https://github.com/nianbao/nianbao)";
  int64_t max_body_bytes = 20 << 20;
  double connect_timeout_seconds = 15;
  double total_timeout_seconds = 60;
  int max_connections_per_host = 1;
  int max_connections = 8;
};

struct FetchRequest {
  uint64_t id = 0;  // the caller's handle, returned with the response
  std::string url;
  std::string if_none_match, if_modified_since;  // conditional GET when not empty
  // A POST when `post` (with `body` as application/x-www-form-urlencoded); extra request headers.
  bool post = false;
  std::string body = "";
  std::vector<std::pair<std::string, std::string>> headers = {};
};

struct FetchResponse {
  uint64_t id = 0;
  std::string url;
  int status = 0;     // 0: no HTTP response
  std::string error;  // "" or a kind: "timeout", "connect", "dns", "reset", "tls", "too_large",
                      // "bad_encoding", "scheme", "curl_<code>"
  std::string body;   // decoded
  std::string content_type, charset, etag, last_modified, location;
  std::optional<std::string> retry_after;  // the header as sent
  double duration_seconds = 0;
  bool Retryable() const;  // timeouts, resets, connect failures, 5xx and 429
};

class Fetcher {
 public:
  explicit Fetcher(FetcherOptions options);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  void Start(const FetchRequest& request);
  // Drives the transfers for at most `timeout_ms` (returns early when one finishes or Wakeup is
  // called) and returns the finished ones. Waits the timeout even when no transfer is running.
  std::vector<FetchResponse> Poll(int timeout_ms);
  // Makes a Poll in progress (or the next one) return at once. The one method safe to call from
  // another thread.
  void Wakeup();
  size_t InFlight() const;
  // Drops every transfer in flight without a response.
  void AbandonAll();
  // Start + Poll until done; for single fetches.
  FetchResponse FetchNow(const FetchRequest& request);

 private:
  struct Transfer;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// curl_global_init(CURL_GLOBAL_DEFAULT) once per process (thread-safe, idempotent).
void GlobalCurlInit();

// Seconds to wait from a Retry-After value (delta-seconds or an HTTP date), relative to `now_unix`;
// nullopt when unparseable. Never negative.
std::optional<double> ParseRetryAfter(const std::string& value, int64_t now_unix);

// The charset parameter of a Content-Type ("text/html; charset=GBK" → "GBK"), or "".
std::string CharsetFromContentType(const std::string& content_type);

}  // namespace nianbao

#endif  // NIANBAO_CRAWLER_FETCHER_H_
