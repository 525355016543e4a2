#include "web/html.h"

#include <cmath>
#include <cstdio>
#include <ctime>

#include "extract/read/utf8.h"

namespace nianbao::web {

void AppendHtml(std::string& out, std::string_view text) {
  // Runs of bytes that stay as they are (printable ASCII but the five, \n, \t, valid UTF-8) are
  // appended whole; a report page escapes about 100 KB of mostly Chinese text per request.
  const char* data = text.data();
  size_t run = 0;  // start of the pending run
  auto replace = [&](size_t i, const char* with) {
    out.append(data + run, i - run);
    out += with;
    run = i + 1;
  };
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(text, i);
      if (n == 0) {
        replace(i++, "\xEF\xBF\xBD");
      } else {
        i += n;
      }
      continue;
    }
    switch (c) {
      case '&':
        replace(i, "&amp;");
        break;
      case '<':
        replace(i, "&lt;");
        break;
      case '>':
        replace(i, "&gt;");
        break;
      case '"':
        replace(i, "&quot;");
        break;
      case '\'':
        replace(i, "&#39;");
        break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t') replace(i, "\xEF\xBF\xBD");  // not text
    }
    ++i;
  }
  out.append(data + run, text.size() - run);
}

std::string Html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  AppendHtml(out, text);
  return out;
}

std::string Html(const std::string& text) { return Html(std::string_view(text)); }
std::string Html(const char* text) { return Html(std::string_view(text)); }
std::string Html(const std::optional<std::string>& text) {
  return text ? Html(std::string_view(*text)) : "";
}

std::string QueryEscape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string QueryUnescape(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 &&
               hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::optional<std::string> SafeHref(std::string_view url) {
  auto starts = [&](std::string_view prefix) {
    if (url.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      char c = url[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i]) return false;
    }
    return true;
  };
  if (!starts("http://") && !starts("https://")) return std::nullopt;
  for (unsigned char c : url) {
    if (c <= ' ' || c == 0x7f) return std::nullopt;  // not one URL
  }
  return Html(url);
}

namespace {
std::string FormatTime(int64_t unix_seconds, const char* format) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, format, &tm);
  return buffer;
}
}  // namespace

std::string ShortTime(int64_t unix_seconds) { return FormatTime(unix_seconds, "%Y-%m-%d %H:%M"); }
std::string IsoTime(int64_t unix_seconds) { return FormatTime(unix_seconds, "%Y-%m-%dT%H:%M:%SZ"); }

std::string NumberText(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.4f", value);
  std::string text = buffer;
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

}  // namespace nianbao::web
