// robots.txt per RFC 9309. Parse() keeps the groups whose user-agent line names our product token
// (case-insensitive; "nianbao" for the User-Agent "nianbao/0.1 (+…)"), else the `*` groups; several
// matching groups are merged. Allowed() picks the longest matching rule (pattern length in octets),
// Allow winning a tie; `*` matches any run of characters and a final `$` anchors the end; both
// sides are compared in normalised percent-encoding. /robots.txt itself is always allowed.
// Crawl-delay (not in the RFC, but common) is read from the chosen groups. What to do when
// robots.txt cannot be had (4xx → allow all, 5xx or unreachable → disallow all for now) is the
// caller's; see AllowAll/DisallowAll.
#ifndef NIANBAO_CRAWLER_ROBOTS_H_
#define NIANBAO_CRAWLER_ROBOTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nianbao {

class RobotsRules {
 public:
  static RobotsRules Parse(std::string_view body, std::string_view product_token);
  static RobotsRules AllowAll();
  static RobotsRules DisallowAll();

  // `path_and_query` as sent in the request line, e.g. "/a/b.html?x=1".
  bool Allowed(std::string_view path_and_query) const;
  std::optional<double> crawl_delay() const { return crawl_delay_; }

 private:
  struct Rule {
    bool allow;
    std::string pattern;  // normalised
  };
  std::vector<Rule> rules_;
  std::optional<double> crawl_delay_;
};

// The product token of a User-Agent: its first word up to '/' ("nianbao/0.1 (+url)" → "nianbao").
std::string ProductToken(std::string_view user_agent);

// Whether `path` matches the robots pattern (`*` wildcards, optional final `$`). Exposed for tests.
bool RobotsPatternMatches(std::string_view pattern, std::string_view path);

}  // namespace nianbao

#endif  // NIANBAO_CRAWLER_ROBOTS_H_
