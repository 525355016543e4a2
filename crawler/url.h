// URLs as the crawler keeps them: absolute http/https only, normalised so that one resource has one
// spelling (RFC 3986 §6: scheme and host lower-cased, default port dropped, dot segments removed,
// percent-encoding with upper-case hex, unreserved characters decoded, bytes outside the URL
// alphabet encoded, empty path → "/", fragment removed, a bare "?" removed). Backslashes in the
// path are read as
// '/', as browsers do. Internationalised host names become their ASCII (punycode) form, by UTS #46.
// Errors are values: nullopt for anything that is not an http(s) URL with a host.
#ifndef NIANBAO_CRAWLER_URL_H_
#define NIANBAO_CRAWLER_URL_H_

#include <optional>
#include <string>
#include <string_view>

namespace nianbao {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower-case
  int port = 0;        // explicit port, 0 for the scheme's default
  std::string path;    // starts with '/'
  std::string query;   // without '?'; empty when absent

  std::string ToString() const;
  std::string Origin() const;        // "https://host[:port]": the unit of robots.txt and politeness
  std::string PathAndQuery() const;  // what robots.txt rules match against
  int EffectivePort() const { return port ? port : (scheme == "https" ? 443 : 80); }
};

// RFC 3986 §2.3: the characters a URL never needs to percent-encode (letters, digits, - . _ ~).
bool IsUrlUnreserved(unsigned char c);

// Parses and normalises an absolute http(s) URL.
std::optional<Url> ParseUrl(std::string_view text);
std::optional<std::string> NormalizeUrl(std::string_view text);

// Resolves `reference` (an href as written, possibly relative) against the absolute `base`
// (RFC 3986 §5.2) and normalises the result. nullopt for other schemes (mailto:, javascript:,
// file:, ftp: …) and for unusable references.
std::optional<std::string> ResolveUrl(std::string_view base, std::string_view reference);

// The de-duplication key of a normalised URL: the URL itself (normalisation already merged the
// spellings); kept as a function so the rule lives in one place.
inline std::string DedupKey(const Url& url) { return url.ToString(); }

// The file extension of the URL's last path segment, lower-cased and without the dot ("pdf"), or
// "".
std::string PathExtension(const Url& url);

}  // namespace nianbao

#endif  // NIANBAO_CRAWLER_URL_H_
