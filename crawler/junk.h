// Answers that are not the page asked for, named instead of parsed: a bot challenge or WAF
// interstitial ("blocked": 瑞数/RiverSecurity's $_ts + <meta r="m"> stub, Safedog, Yunsuo, 360
// wzws, Cloudflare and F5 ASM pages), a login wall ("login_required": 401, or a short page whose
// form asks for a password), a page-moved shell that only redirects by script ("script_redirect":
// scripts are never run), and a page-moved shell with a meta refresh ("moved", with its target,
// which the crawler follows like a redirect). A real page that merely carries a WAF's bootstrap
// script (瑞数 adds it to every page it serves) is not junk. Pure functions over the answer's
// status and body; never throw.
#ifndef NIANBAO_CRAWLER_JUNK_H_
#define NIANBAO_CRAWLER_JUNK_H_

#include <string>
#include <string_view>

namespace nianbao {

struct JunkVerdict {
  std::string kind;  // "" (a real answer), "blocked", "login_required", "script_redirect", "moved"
  std::string target;  // for "moved": the refresh URL as written (resolve it against the page)
  std::string reason;  // what gave it away, for logs and tests
};

// `body` is the answer's bytes in any ASCII-compatible encoding.
JunkVerdict ClassifyAnswer(int status, std::string_view body);

}  // namespace nianbao

#endif  // NIANBAO_CRAWLER_JUNK_H_
