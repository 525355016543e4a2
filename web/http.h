// The web view's requests and responses as plain data, so that the pages and the API are
// functions of (request, database) that tests call without a socket; web/server.cc moves them
// to and from libmicrohttpd.
#ifndef NIANBAO_WEB_HTTP_H_
#define NIANBAO_WEB_HTTP_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nianbao::web {

struct Request {
  std::string method;                          // "GET", "HEAD", ...
  std::string path;                            // as sent, without the query
  std::map<std::string, std::string> query;    // decoded; a repeated key keeps its first value
  std::map<std::string, std::string> headers;  // names lower-cased

  // The query value of `key`, or "" / nullopt when absent.
  std::string Param(const std::string& key) const;
  std::optional<std::string> OptionalParam(const std::string& key) const;
  std::string Header(const std::string& lower_name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond the ones every response has
};

// A plain-text error response (the status and a one-line reason).
Response ErrorResponse(int status, const std::string& reason);

}  // namespace nianbao::web

#endif  // NIANBAO_WEB_HTTP_H_
