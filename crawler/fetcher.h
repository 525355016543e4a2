// One HTTP request at a time per transfer, many transfers at once: a thin, non-blocking layer over
// the libcurl multi interface. A transfer is a single hop — redirects are not followed here but
// returned (status 3xx + `location`), so that the crawler can check each hop's scheme, robots.txt
// and host politeness and record every hop. HTTP/1.1 and HTTP/2, gzip/deflate/br decoded by
// libcurl, only http and https, proxies from the environment (libcurl's default), TLS verification
// on. The decoded body is capped in the write callback: beyond `max_body_bytes` the transfer is
// aborted with error "too_large", whatever the Content-Encoding (a gzip bomb stops at the cap),
// unless the request asks to keep the first bytes (robots.txt: RFC 9309 parses the first 500 KiB).
// Headers are capped too (64 KiB in all, 256 lines). Unless allowed, a connection to a non-public
// address (crawler/address.h) is refused at connect time, after DNS, so no name can smuggle one in.
// Errors are values (FetchResponse::error, one of the kinds listed there); only curl
// initialisation failure throws.
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
  bool allow_private_addresses = false;  // connect to loopback, private, link-local, ... addresses
};

struct FetchRequest {
  uint64_t id = 0;  // the caller's handle, returned with the response
  std::string url;
  std::string if_none_match, if_modified_since;  // conditional GET when not empty
  // A POST when `post` (with `body` as application/x-www-form-urlencoded); extra request headers.
  bool post = false;
  std::string body = "";
  std::vector<std::pair<std::string, std::string>> headers = {};
  int64_t max_body_bytes = 0;  // 0: FetcherOptions::max_body_bytes
  bool keep_prefix = false;    // past the cap: keep the first max_body_bytes, no error
};

struct FetchResponse {
  uint64_t id = 0;
  std::string url;
  int status = 0;  // 0: no HTTP response
  // "" or a kind:
  //   timeout_connect, timeout_first_byte, timeout_body — the total timeout ran out while
  //   connecting,
  //     waiting for the response's first byte, or reading headers or body;
  //   connect, dns, reset (connection dropped), tls;
  //   truncated — the connection ended before the Content-Length (or the last chunk) arrived;
  //   too_large (decoded body over the cap), bad_encoding (Content-Encoding undecodable);
  //   bad_status_line (not an HTTP/1.x or HTTP/2 status line), header_too_large, too_many_headers;
  //   unsolicited_304 (304 Not Modified to a request that sent no validator);
  //   private_address (the host resolved to a non-public address, not allowed);
  //   scheme, curl_<code> (anything else libcurl reports).
  std::string error;
  std::string body;       // decoded; empty on error
  bool body_cut = false;  // keep_prefix: the body was longer than the cap and was cut there
  std::string content_type, charset, etag, last_modified, location;
  std::optional<std::string> retry_after;  // the header as sent
  double duration_seconds = 0;
  // Timeouts, resets, truncation, connect failures, 5xx and 429: what may go better next time.
  // Deterministic failures (malformed responses, caps, refused addresses) are not retried.
  bool Retryable() const;
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
  // The bytes of body received so far by the transfers in flight.
  int64_t BufferedBytes() const;
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
