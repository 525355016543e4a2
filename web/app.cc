#include "web/app.h"

#include <nlohmann/json.hpp>

#include "web/api.h"
#include "web/pages.h"

namespace nianbao::web {
namespace {

constexpr const char* kCookie = "nianbao_token";

bool ConstantTimeEqual(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

// The value of cookie `name` in a Cookie header, or "".
std::string CookieValue(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string pair = header.substr(pos, end - pos);
    size_t start = pair.find_first_not_of(' ');
    if (start != std::string::npos) pair = pair.substr(start);
    if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

Response Login(const Request& request, const std::string& token) {
  if (token.empty()) {
    Response response = ErrorResponse(303, "no token is needed here");
    response.headers.emplace_back("Location", "/");
    return response;
  }
  if (!ConstantTimeEqual(request.Param("token"), token)) {
    return ErrorResponse(401, "wrong token: open /login?token=TOKEN with the [web] token");
  }
  Response response = ErrorResponse(303, "logged in");
  response.headers.emplace_back("Location", "/");
  response.headers.emplace_back(
      "Set-Cookie", std::string(kCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict");
  return response;
}

Response Route(const Request& request, View& view) {
  const std::string& path = request.path;
  if (path == "/") return OverviewPage(request, view);
  if (path == "/reports") return ReportsPage(request, view);
  if (path == "/report") return ReportPage(request, view);
  if (path == "/history") return HistoryPage(request, view);
  if (path == "/diff") return DiffPage(request, view);
  if (path == "/coverage") return CoveragePage(request, view);
  if (path == "/errors") return ErrorsPage(request, view);
  if (path == "/document") return DocumentDownload(request, view);
  if (path.rfind("/api/", 0) == 0) return ApiResponse(path.substr(5), request, view);
  return ErrorResponse(404,
                       "no such page: the web view serves /, /reports, /report, /history, "
                       "/diff, /coverage, /errors, /document and /api/");
}

// The same error as JSON for the API, as text for the pages.
Response Failure(const Request& request, int status, const std::string& reason) {
  if (request.path.rfind("/api/", 0) != 0) return ErrorResponse(status, reason);
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = nlohmann::json{{"error", reason}}.dump(-1, ' ', false,
                                                         nlohmann::json::error_handler_t::replace) +
                  "\n";
  return response;
}

void AddSecurityHeaders(Response& response) {
  bool has_csp = false;
  for (const auto& [name, value] : response.headers) has_csp |= name == "Content-Security-Policy";
  if (!has_csp) response.headers.emplace_back("Content-Security-Policy", "default-src 'self'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Cache-Control", "no-store");
}

}  // namespace

bool Authorized(const Request& request, const std::string& token) {
  if (token.empty()) return true;
  std::string authorization = request.Header("authorization");
  if (authorization.rfind("Bearer ", 0) == 0 && ConstantTimeEqual(authorization.substr(7), token)) {
    return true;
  }
  return ConstantTimeEqual(CookieValue(request.Header("cookie"), kCookie), token);
}

Response Handle(const Request& request, View& view, const std::string& token) {
  Response response;
  if (request.method != "GET" && request.method != "HEAD") {
    response = ErrorResponse(405, "the web view is read-only: only GET and HEAD");
    response.headers.emplace_back("Allow", "GET, HEAD");
  } else if (request.path == "/style.css") {
    response = StyleSheet();
  } else if (request.path == "/login") {
    response = Login(request, token);
  } else if (!Authorized(request, token)) {
    response = Failure(request, 401,
                       "a token is needed: send \"Authorization: Bearer TOKEN\" or open "
                       "/login?token=TOKEN");
    response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"nianbao\"");
  } else {
    try {
      response = Route(request, view);
    } catch (const BadRequest& e) {
      response = Failure(request, 400, e.what());
    } catch (const NotFoundError& e) {
      response = Failure(request, 404, e.what());
    } catch (const std::exception& e) {
      response = Failure(request, 500, std::string("the database could not be read: ") + e.what());
    }
  }
  AddSecurityHeaders(response);
  return response;
}

}  // namespace nianbao::web
