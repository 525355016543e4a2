// libFuzzer target over the robots.txt parser (RFC 9309) and its matcher: the input is a robots.txt
// body; it is parsed for two product tokens, and every path the input itself names (each line's
// text after its first ':' and the raw lines) is asked for, so that long and wildcard-heavy
// patterns meet long paths. Any crash, sanitizer report, exception, leak or timeout is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "crawler/robots.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  nianbao::RobotsRules ours = nianbao::RobotsRules::Parse(body, "nianbao");
  nianbao::RobotsRules star = nianbao::RobotsRules::Parse(body, "other");
  (void)ours.crawl_delay();
  int asked = 0;
  size_t start = 0;
  while (start < body.size() && asked < 64) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(start, end - start);
    start = end + 1;
    size_t colon = line.find(':');
    std::string path(colon == std::string_view::npos ? line : line.substr(colon + 1));
    if (path.empty() || path[0] != '/') path.insert(path.begin(), '/');
    (void)ours.Allowed(path);
    (void)star.Allowed(path);
    (void)nianbao::RobotsPatternMatches(line, path);
    ++asked;
  }
  (void)ours.Allowed("/robots.txt");
  (void)ours.Allowed("/");
  return 0;
}
