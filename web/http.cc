#include "web/http.h"

namespace nianbao::web {

std::string Request::Param(const std::string& key) const {
  auto found = query.find(key);
  return found == query.end() ? "" : found->second;
}

std::optional<std::string> Request::OptionalParam(const std::string& key) const {
  auto found = query.find(key);
  if (found == query.end()) return std::nullopt;
  return found->second;
}

std::string Request::Header(const std::string& lower_name) const {
  auto found = headers.find(lower_name);
  return found == headers.end() ? "" : found->second;
}

Response ErrorResponse(int status, const std::string& reason) {
  Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = reason + "\n";
  return response;
}

}  // namespace nianbao::web
