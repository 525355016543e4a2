// Text made safe for where the web view puts it: HTML text and attribute values, URL query
// components, CSV cells, and times. Every value the pages show goes through Html(); a link taken
// from the database goes through SafeHref(), so no stored text can become markup or script.
#ifndef NIANBAO_WEB_HTML_H_
#define NIANBAO_WEB_HTML_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nianbao::web {

// & < > " ' escaped (safe in text and in a quoted attribute); invalid UTF-8 becomes U+FFFD.
std::string Html(std::string_view text);
std::string Html(const std::string& text);
std::string Html(const char* text);
std::string Html(const std::optional<std::string>& text);  // nullopt: ""
// Html(text) appended to `out` (the pages build one string, not one per value).
void AppendHtml(std::string& out, std::string_view text);

// A URL query component: everything but A-Z a-z 0-9 - _ . ~ percent-encoded (UTF-8 bytes).
std::string QueryEscape(std::string_view text);
// Decodes %XX and '+' (as a space); a malformed escape is kept as written.
std::string QueryUnescape(std::string_view text);

// The href for an external link from the database: the URL itself when it is http(s) (escaped for
// an attribute), else nullopt (a javascript:, data: or file: URL is shown as text, never linked).
std::optional<std::string> SafeHref(std::string_view url);

// Unix seconds as "YYYY-MM-DD HH:MM" (UTC) and as ISO 8601 "YYYY-MM-DDTHH:MM:SSZ".
std::string ShortTime(int64_t unix_seconds);
std::string IsoTime(int64_t unix_seconds);

// A value as the pages print it: integral values without a decimal point, others with up to 4
// decimals.
std::string NumberText(double value);

}  // namespace nianbao::web

#endif  // NIANBAO_WEB_HTML_H_
