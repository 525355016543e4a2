// web/: the read-only web view and JSON API of a nianbao database (`nianbao web`, and the daemon
// when `[web] listen` is set). WebServer serves web/app.h's Handle over HTTP/1.1 with
// libmicrohttpd, on its own threads (a pool of `threads` polling threads), reading through its own
// read-only SQLite connections (one Store and one Browser per thread that needs them, WAL), so a
// crawl never waits for it and it never waits for a crawl.
//
// Limits: at most `max_connections` connections at once (more are refused at accept), a
// connection idle for `timeout_seconds` is closed, a request line plus headers larger than
// `max_request_bytes` is refused by libmicrohttpd (431/414), and a request with a body (no
// endpoint takes one) is refused with 413.
//
// Errors: Start throws WebError for a listen address that is not ADDR:PORT, a non-loopback address
// without a token (refused, never served open), a database that cannot be read (Store's message),
// or an address that cannot be bound. Once started, nothing escapes: a request's failure is its
// response.
#ifndef NIANBAO_WEB_SERVER_H_
#define NIANBAO_WEB_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "extract/map/rules.h"
#include "web/coverage.h"

namespace nianbao::web {

class WebError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

constexpr const char* kDefaultListen = "127.0.0.1:8047";

struct WebOptions {
  std::string database;                  // the SQLite file (read only)
  std::string listen = kDefaultListen;   // "ADDR:PORT", "[V6]:PORT"; port 0: any free port
  std::string token;                     // required for any non-loopback address
  std::shared_ptr<const RuleSet> rules;  // the table layouts (fields.tsv)
  CoverageFactory coverage;              // empty: StoreCoverageFactory()
  int threads = 4;
  // The request threads run this many nice levels below the thread that started the server (at
  // most nice 19), so that a crawl in the same process or beside it takes the CPU first and the
  // view serves on what is left: a crawl never waits for it. 0: the same priority.
  int nice = 10;
  int max_connections = 128;
  int timeout_seconds = 10;
  size_t max_request_bytes = 32 * 1024;
};

// A parsed listen address.
struct ListenAddress {
  std::string host;  // the literal address, without brackets
  uint16_t port = 0;
  bool ipv6 = false;
  bool loopback = false;  // 127.0.0.0/8 or ::1
};

// Parses "127.0.0.1:8047", "[::1]:8047", "localhost:8047", "0.0.0.0:80". Throws WebError naming
// the text for anything else (a host name other than localhost, no port, a port above 65535).
ListenAddress ParseListen(const std::string& listen);

// Throws WebError when `listen` is not loopback and `token` is empty (the error says to set
// [web] token or --token), or when `listen` does not parse.
void CheckListen(const std::string& listen, const std::string& token);

class WebServer {
 public:
  static std::unique_ptr<WebServer> Start(WebOptions options);
  ~WebServer();  // stops accepting, finishes nothing in flight beyond MHD's own shutdown
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  uint16_t port() const;       // the bound port (useful with port 0)
  std::string Origin() const;  // "http://HOST:PORT"

  struct Impl;

 private:
  explicit WebServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nianbao::web

#endif  // NIANBAO_WEB_SERVER_H_
