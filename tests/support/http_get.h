// A minimal HTTP/1.1 client for the web view's tests and benchmark: one request on a fresh
// connection to 127.0.0.1 (Connection: close), the raw request bytes given or built from a
// target, the response read to the end and split into status, headers and body.
#ifndef NIANBAO_TESTS_SUPPORT_HTTP_GET_H_
#define NIANBAO_TESTS_SUPPORT_HTTP_GET_H_

#include <map>
#include <string>

namespace nianbao::testing {

struct HttpReply {
  int status = 0;  // 0: no status line (the connection closed or sent garbage)
  std::map<std::string, std::string> headers;  // names lower-cased; the last of a repeated one
  std::string body;
  std::string raw;  // everything received
};

// GET `target` (path and query, sent as given) with `extra_headers` ("Name: value\r\n" lines).
HttpReply HttpGet(int port, const std::string& target, const std::string& extra_headers = "");
// Sends `request` verbatim and reads the reply until the server closes (at most 10 s).
HttpReply HttpRaw(int port, const std::string& request);

}  // namespace nianbao::testing

#endif  // NIANBAO_TESTS_SUPPORT_HTTP_GET_H_
