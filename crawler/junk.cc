#include "crawler/junk.h"

#include <re2/re2.h>

#include <algorithm>

namespace nianbao {

namespace {

// Interstitials are small; a page longer than this is read as a page whatever it carries.
constexpr size_t kMaxInterstitialBytes = 256 << 10;
// A shell (challenge stub, moved page, login wall) links to almost nothing.
constexpr int kShellMaxLinks = 5;

int CountLinks(std::string_view body) {
  static const RE2 link_pattern(R"((?i)<a\s[^>]*href\s*=)");
  re2::StringPiece input(body.data(), body.size());
  int links = 0;
  while (links <= kShellMaxLinks && RE2::FindAndConsume(&input, link_pattern)) ++links;
  return links;
}

// 瑞数 (RiverSecurity): `$_ts=window['$_ts']` with `r='m'` on its meta and scripts.
bool IsRiverSecurity(std::string_view body) {
  static const RE2 ts_pattern(R"(\$_ts\s*=\s*window\[)");
  static const RE2 mark_pattern(R"re(<(?:meta|script)\b[^>]*\br\s*=\s*['"]?m['"]?)re");
  return RE2::PartialMatch(body, ts_pattern) && RE2::PartialMatch(body, mark_pattern);
}

// Other WAF and bot-check pages, by the marks their vendors print.
bool IsWafPage(std::string_view body) {
  static const RE2 waf_pattern(
      "(?i)(?:"
      "safedog|\xE5\xAE\x89\xE5\x85\xA8\xE7\x8B\x97"            // 安全狗
      "|yunsuo_session|\xE4\xBA\x91\xE9\x94\x81"                // 云锁
      "|wzws-waf|wzwschallenge|_guard/auto\\.js"                // 360 网站卫士, 创宇
      "|cf-browser-verification|cf_chl_opt|challenge-platform"  // Cloudflare
      "|The requested URL was rejected\\. Please consult with your administrator"  // F5 ASM
      "|\xE8\xAE\xBF\xE9\x97\xAE\xE8\xA2\xAB\xE6\x8B\xA6\xE6\x88\xAA"  // 访问被拦截
      "|\xE6\x82\xA8\xE7\x9A\x84\xE8\xAE\xBF\xE9\x97\xAE\xE8\xA2\xAB\xE9\x98\xBB\xE6\x96\xAD"  // 您的访问被阻断
      "|\xE7\xBD\x91\xE7\xAB\x99\xE9\x98\xB2\xE7\x81\xAB\xE5\xA2\x99"  // 网站防火墙
      ")");
  return RE2::PartialMatch(body, waf_pattern);
}

bool IsLoginWall(std::string_view body) {
  static const RE2 password_pattern(R"re((?i)<input\b[^>]*\btype\s*=\s*['"]?password)re");
  static const RE2 login_pattern(
      "(?i)(?:\xE7\x99\xBB\xE5\xBD\x95|\xE7\x99\xBB\xE9\x99\x86|log\\s*in|sign\\s*in)");  // 登录
                                                                                          // 登陆
  return RE2::PartialMatch(body, password_pattern) && RE2::PartialMatch(body, login_pattern);
}

bool MetaRefresh(std::string_view body, std::string* target) {
  static const RE2 refresh_pattern(
      R"re((?i)<meta\b[^>]*http-equiv\s*=\s*['"]?refresh['"]?[^>]*content\s*=\s*['"]?\s*\d*\s*[;,]\s*url\s*=\s*['"]?([^'">\s]+))re");
  static const RE2 refresh_reversed(
      R"re((?i)<meta\b[^>]*content\s*=\s*['"]?\s*\d*\s*[;,]\s*url\s*=\s*['"]?([^'">\s]+)['"]?[^>]*http-equiv\s*=\s*['"]?refresh)re");
  return RE2::PartialMatch(body, refresh_pattern, target) ||
         RE2::PartialMatch(body, refresh_reversed, target);
}

bool ScriptRedirect(std::string_view body) {
  static const RE2 script_pattern(
      R"re((?i)(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*=\s*['"]|location\.(?:replace|assign)\s*\()re");
  return RE2::PartialMatch(body, script_pattern);
}

}  // namespace

JunkVerdict ClassifyAnswer(int status, std::string_view body) {
  JunkVerdict verdict;
  if (status == 401 || status == 407) {
    verdict.kind = "login_required";
    verdict.reason = "HTTP " + std::to_string(status);
    return verdict;
  }
  if (body.size() > kMaxInterstitialBytes) return verdict;
  bool shell = CountLinks(body) <= kShellMaxLinks;
  if (IsRiverSecurity(body) && (status == 412 || status == 202 || shell)) {
    verdict.kind = "blocked";
    verdict.reason = "RiverSecurity ($_ts challenge), HTTP " + std::to_string(status);
    return verdict;
  }
  if ((status >= 400 || shell) && IsWafPage(body)) {
    verdict.kind = "blocked";
    verdict.reason = "WAF interstitial, HTTP " + std::to_string(status);
    return verdict;
  }
  if (status / 100 != 2) return verdict;
  if (shell && IsLoginWall(body)) {
    verdict.kind = "login_required";
    verdict.reason = "a password form";
    return verdict;
  }
  std::string target;
  if (shell && MetaRefresh(body, &target)) {
    verdict.kind = "moved";
    verdict.target = target;
    verdict.reason = "meta refresh";
    return verdict;
  }
  if (shell && CountLinks(body) == 0 && ScriptRedirect(body)) {
    verdict.kind = "script_redirect";
    verdict.reason = "a page that only redirects by script";
  }
  return verdict;
}

}  // namespace nianbao
