#include "crawler/robots.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "crawler/url.h"

namespace nianbao {

namespace {

constexpr size_t kMaxRobotsBytes = 500 * 1024;  // RFC 9309 §2.5: parse at least 500 KiB

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Same spelling rules as crawler/url.cc: escapes of unreserved characters decoded, other escapes in
// upper-case hex, non-ASCII bytes escaped. `*` and `$` are left alone.
std::string NormalizeEncoding(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c == '%' && i + 2 < in.size() && Hex(in[i + 1]) >= 0 && Hex(in[i + 2]) >= 0) {
      unsigned char decoded = static_cast<unsigned char>(Hex(in[i + 1]) * 16 + Hex(in[i + 2]));
      if (IsUrlUnreserved(decoded)) {
        out.push_back(static_cast<char>(decoded));
      } else {
        out += {'%', kHex[decoded >> 4], kHex[decoded & 15]};
      }
      i += 2;
    } else if (c >= 0x80 || c <= 0x20) {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// Whether a user-agent line's value names `token` (RFC 9309 §2.2.1: case-insensitive product
// token).
bool NamesAgent(std::string_view value, std::string_view token) {
  std::string_view name = value.substr(0, value.find_first_of("/ \t"));
  return !name.empty() && Lower(name) == Lower(token);
}

}  // namespace

bool RobotsPatternMatches(std::string_view pattern, std::string_view path) {
  bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  // Greedy-with-backtracking glob over '*', the classic two-pointer algorithm.
  size_t p = 0, s = 0, star = std::string_view::npos, star_s = 0;
  while (s < path.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_s = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (p == pattern.size() && !anchored) {
      return true;  // the pattern is a prefix of what is left
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++star_s;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

RobotsRules RobotsRules::AllowAll() { return RobotsRules(); }

RobotsRules RobotsRules::DisallowAll() {
  RobotsRules rules;
  rules.rules_.push_back({false, "/"});
  return rules;
}

RobotsRules RobotsRules::Parse(std::string_view body, std::string_view product_token) {
  body = body.substr(0, kMaxRobotsBytes);
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  RobotsRules ours, star;
  bool any_ours = false, any_star = false;
  bool group_is_ours = false, group_is_star = false;
  bool in_agent_lines = false;  // consecutive user-agent lines form one group's head
  while (!body.empty()) {
    size_t end = body.find_first_of("\r\n");
    std::string_view line = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
    line = line.substr(0, line.find('#'));
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string key = Lower(Trim(line.substr(0, colon)));
    std::string_view value = Trim(line.substr(colon + 1));
    if (key == "user-agent" || key == "useragent" || key == "user agent") {
      if (!in_agent_lines) group_is_ours = group_is_star = false;
      in_agent_lines = true;
      if (value == "*") {
        group_is_star = any_star = true;
      } else if (NamesAgent(value, product_token)) {
        group_is_ours = any_ours = true;
      }
      continue;
    }
    if (key != "allow" && key != "disallow" && key != "crawl-delay") continue;  // sitemap, …
    in_agent_lines = false;
    for (RobotsRules* target : {group_is_ours ? &ours : nullptr, group_is_star ? &star : nullptr}) {
      if (!target) continue;
      if (key == "crawl-delay") {
        double seconds = 0;
        auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (ec == std::errc() && seconds >= 0) {
          target->crawl_delay_ = std::max(target->crawl_delay_.value_or(0), seconds);
        }
      } else if (!value.empty()) {  // an empty Disallow allows everything: no rule needed
        target->rules_.push_back({key == "allow", NormalizeEncoding(value)});
      }
    }
  }
  if (any_ours) return ours;
  if (any_star) return star;
  return AllowAll();
}

bool RobotsRules::Allowed(std::string_view path_and_query) const {
  std::string path = NormalizeEncoding(path_and_query);
  if (path == "/robots.txt") return true;
  const Rule* best = nullptr;
  for (const Rule& rule : rules_) {
    if (!RobotsPatternMatches(rule.pattern, path)) continue;
    if (!best || rule.pattern.size() > best->pattern.size() ||
        (rule.pattern.size() == best->pattern.size() && rule.allow && !best->allow)) {
      best = &rule;
    }
  }
  return !best || best->allow;
}

std::string ProductToken(std::string_view user_agent) {
  user_agent = Trim(user_agent);
  return std::string(user_agent.substr(0, user_agent.find_first_of("/ \t")));
}

}  // namespace nianbao
