// The web view's request handling, without sockets: authentication, routing to the pages and the
// JSON API, and the headers every response carries. Read-only: only GET and HEAD are served; no
// endpoint writes. Paths are matched exactly against a fixed list (no file is ever served from a
// path, so there is nothing to traverse); a report, version or document is named by query
// parameters that are validated (a document by its 64-digit SHA-256).
//
// Every response carries Content-Security-Policy "default-src 'self'" (documents: "sandbox"),
// X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer, X-Frame-Options: DENY and
// Cache-Control: no-store. With a token, every path but /login and /style.css needs it, as
// "Authorization: Bearer TOKEN" or the cookie that /login?token=TOKEN sets (HttpOnly,
// SameSite=Strict); a wrong or missing token is 401. Errors never escape Handle: a bad parameter
// is 400, an unknown URL or version 404, a database failure 500, each with a one-line reason.
#ifndef NIANBAO_WEB_APP_H_
#define NIANBAO_WEB_APP_H_

#include <cstdint>
#include <stdexcept>
#include <string>

#include "extract/map/rules.h"
#include "store/browse.h"
#include "store/store.h"
#include "web/coverage.h"
#include "web/http.h"
#include "web/tables.h"

namespace nianbao::web {

// What one request reads from: the database (through this thread's connections) and the rules.
struct View {
  Store& store;
  Browser& browser;
  CoverageSource& coverage;
  const RuleSet& rules;
  const TableRenderer& tables;  // made once from `rules`
  int64_t now;                  // unix seconds
};

// A parameter that is not valid (400 with its message).
class BadRequest : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Answers `request`; `token` empty means no authentication.
Response Handle(const Request& request, View& view, const std::string& token);

// True when `request` carries `token` (bearer header or cookie); compared in constant time.
bool Authorized(const Request& request, const std::string& token);

}  // namespace nianbao::web

#endif  // NIANBAO_WEB_APP_H_
