#include "crawler/url.h"

#include <unicode/bytestream.h>
#include <unicode/idna.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <vector>

namespace nianbao {

namespace {

// The five generic components of RFC 3986 Appendix B; each optional part remembers if it was
// present.
struct Components {
  std::optional<std::string> scheme, authority, query;
  std::string path;
};

bool IsSubDelim(unsigned char c) {
  return c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' ||
         c == '+' || c == ',' || c == ';' || c == '=';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendEncoded(unsigned char c, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('%');
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 15]);
}

// Decodes escapes of unreserved characters, upper-cases the hex of the others, and encodes every
// byte that may not appear literally in a path (or, with `is_query`, a query).
std::string NormalizePercent(std::string_view in, bool is_query) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c == '%') {
      bool complete = i + 2 < in.size();
      int hi = complete ? HexValue(in[i + 1]) : -1;
      int lo = complete ? HexValue(in[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        unsigned char decoded = static_cast<unsigned char>(hi * 16 + lo);
        if (IsUrlUnreserved(decoded)) {
          out.push_back(static_cast<char>(decoded));
        } else {
          AppendEncoded(decoded, &out);
        }
        i += 2;
      } else {
        out += "%25";
      }
    } else if (IsUrlUnreserved(c) || IsSubDelim(c) || c == ':' || c == '@' || c == '/' ||
               (is_query && c == '?')) {
      out.push_back(static_cast<char>(c));
    } else {
      AppendEncoded(c, &out);
    }
  }
  return out;
}

// RFC 3986 §5.2.4 for an absolute path.
std::string RemoveDotSegments(std::string_view path) {
  std::vector<std::string_view> kept;
  std::string_view rest = path.substr(1);
  while (true) {
    size_t slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    bool last = slash == std::string_view::npos;
    if (segment == "." || segment == "..") {
      if (segment == ".." && !kept.empty()) kept.pop_back();
      if (last) kept.push_back("");
    } else {
      kept.push_back(segment);
    }
    if (last) break;
    rest.remove_prefix(slash + 1);
  }
  std::string out;
  for (std::string_view segment : kept) {
    out.push_back('/');
    out.append(segment);
  }
  return out.empty() ? "/" : out;
}

// Trims C0 controls and spaces at both ends and drops tabs and newlines inside (WHATWG URL).
std::string CleanInput(std::string_view text) {
  while (!text.empty() && static_cast<unsigned char>(text.front()) <= 0x20) text.remove_prefix(1);
  while (!text.empty() && static_cast<unsigned char>(text.back()) <= 0x20) text.remove_suffix(1);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '\t' && c != '\n' && c != '\r') out.push_back(c);
  }
  return out;
}

Components Split(std::string_view s) {
  Components parts;
  size_t hash = s.find('#');
  if (hash != std::string_view::npos) s = s.substr(0, hash);
  size_t colon = s.find_first_of(":/?");
  if (colon != std::string_view::npos && s[colon] == ':' && colon > 0 &&
      std::isalpha(static_cast<unsigned char>(s[0]))) {
    std::string scheme(s.substr(0, colon));
    bool valid = true;
    for (char c : scheme) {
      valid = valid &&
              (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.');
    }
    if (valid) {
      for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      parts.scheme = scheme;
      s.remove_prefix(colon + 1);
    }
  }
  size_t question = s.find('?');
  if (question != std::string_view::npos) {
    parts.query = std::string(s.substr(question + 1));
    s = s.substr(0, question);
  }
  if (s.substr(0, 2) == "//") {
    s.remove_prefix(2);
    size_t slash = s.find('/');
    parts.authority = std::string(s.substr(0, slash));
    s = slash == std::string_view::npos ? std::string_view() : s.substr(slash);
  }
  parts.path = std::string(s);
  return parts;
}

bool IsWebScheme(const std::optional<std::string>& scheme) {
  return scheme && (*scheme == "http" || *scheme == "https");
}

// Backslashes count as slashes before the query in http(s) URLs, as in browsers.
std::string SlashBackslashes(std::string s) {
  size_t end = s.find_first_of("?#");
  for (size_t i = 0; i < s.size() && i < end; ++i) {
    if (s[i] == '\\') s[i] = '/';
  }
  return s;
}

// An internationalised host name (政府.政务, 例子。中国) in its ASCII form (xn--…), by UTS #46 as
// browsers do, so that both spellings are one host; nullopt when it is not a valid name.
std::optional<std::string> IdnToAscii(std::string_view host) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::IDNA> idna(
      icu::IDNA::createUTS46Instance(UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_CHECK_BIDI, status));
  if (U_FAILURE(status)) return std::nullopt;
  std::string ascii;
  icu::StringByteSink<std::string> sink(&ascii);
  icu::IDNAInfo info;
  idna->nameToASCII_UTF8(icu::StringPiece(host.data(), static_cast<int32_t>(host.size())), sink,
                         info, status);
  if (U_FAILURE(status) || info.hasErrors()) return std::nullopt;
  return ascii;
}

std::optional<Url> FromComponents(const Components& parts) {
  if (!IsWebScheme(parts.scheme) || !parts.authority) return std::nullopt;
  Url url;
  url.scheme = *parts.scheme;
  std::string_view authority = *parts.authority;
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);  // credentials are never crawled with
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  std::string ascii_host;
  if (std::any_of(host.begin(), host.end(), [](char c) { return c & 0x80; })) {
    std::optional<std::string> ascii = IdnToAscii(host);
    if (!ascii) return std::nullopt;
    ascii_host = std::move(*ascii);
    host = ascii_host;
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty()) return std::nullopt;
  for (char c : host) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || c == '/' || c == '?' || c == '#' || c == '\\' || c == '%' || c == '<' ||
        c == '>' || c == '"') {
      return std::nullopt;
    }
    url.host.push_back(static_cast<char>(std::tolower(u)));
  }
  if (!port.empty()) {
    if (port.size() > 5) return std::nullopt;
    int value = 0;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      value = value * 10 + (c - '0');
    }
    if (value == 0 || value > 65535) return std::nullopt;
    url.port = value;
    if (value == (url.scheme == "https" ? 443 : 80)) url.port = 0;
  }
  std::string path = NormalizePercent(parts.path, false);
  if (path.empty() || path[0] != '/') path.insert(path.begin(), '/');
  url.path = RemoveDotSegments(path);
  if (parts.query) url.query = NormalizePercent(*parts.query, true);
  return url;
}

}  // namespace

namespace {

// ":8080", or "" for no port. Appended, not `":" + std::to_string(port)`: GCC 12 at -O3 reports a
// false -Wrestrict for operator+(const char*, std::string&&) (GCC bug 105329).
std::string PortSuffix(int port) {
  if (!port) return "";
  std::string suffix(1, ':');
  suffix += std::to_string(port);
  return suffix;
}

}  // namespace

std::string Url::Origin() const { return scheme + "://" + host + PortSuffix(port); }

std::string Url::PathAndQuery() const { return query.empty() ? path : path + "?" + query; }

std::string Url::ToString() const { return Origin() + PathAndQuery(); }

std::optional<Url> ParseUrl(std::string_view text) {
  return FromComponents(Split(SlashBackslashes(CleanInput(text))));
}

std::optional<std::string> NormalizeUrl(std::string_view text) {
  std::optional<Url> url = ParseUrl(text);
  if (!url) return std::nullopt;
  return url->ToString();
}

std::optional<std::string> ResolveUrl(std::string_view base_text, std::string_view reference) {
  std::optional<Url> base = ParseUrl(base_text);
  if (!base) return std::nullopt;
  Components ref = Split(SlashBackslashes(CleanInput(reference)));
  Components target;
  if (ref.scheme) {
    target = ref;  // strict RFC 3986: a scheme makes the reference absolute
  } else {
    target.scheme = base->scheme;
    if (ref.authority) {
      target.authority = ref.authority;
      target.path = ref.path;
      target.query = ref.query;
    } else {
      target.authority = base->host + PortSuffix(base->port);
      if (ref.path.empty()) {
        target.path = base->path;
        target.query = ref.query ? ref.query : std::optional<std::string>(base->query);
      } else {
        target.path = ref.path[0] == '/'
                          ? ref.path
                          : base->path.substr(0, base->path.rfind('/') + 1) + ref.path;
        target.query = ref.query;
      }
    }
  }
  std::optional<Url> url = FromComponents(target);
  if (!url) return std::nullopt;
  return url->ToString();
}

std::string PathExtension(const Url& url) {
  std::string_view path = url.path;
  std::string_view segment = path.substr(path.rfind('/') + 1);
  size_t dot = segment.rfind('.');
  if (dot == std::string_view::npos) return "";
  std::string extension(segment.substr(dot + 1));
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension;
}

bool IsUrlUnreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

}  // namespace nianbao
