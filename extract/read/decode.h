// Bytes of unknown encoding → UTF-8. Evidence, strongest first: a forced charset (the caller's
// override, --force-encoding); a BOM (UTF-8, UTF-16, UTF-32); the NUL pattern of BOM-less UTF-16
// and UTF-32; the charsets the page is said to be in — the HTTP Content-Type and <meta charset> /
// http-equiv in the first 4 KiB, both only hints; the caller's fallback (--encoding) when neither
// names one; otherwise ICU charset detection. Hints are weighed against the bytes: bytes that are
// valid UTF-8 are UTF-8; when the hints disagree the one that fits the bytes wins (a tie: <meta>,
// which is the page's own); a charset under which many sequences are invalid gives way to one
// under which none are (GB18030, the hints', ICU's guess). Every disagreement is a warning. GB2312
// and GBK decode as GB18030. Never throws: invalid sequences become U+FFFD and add a warning
// naming the byte offset.
#ifndef NIANBAO_EXTRACT_READ_DECODE_H_
#define NIANBAO_EXTRACT_READ_DECODE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nianbao {

struct CharsetHints {
  std::optional<std::string> forced;    // decode as this, whatever the page and its bytes say
  std::optional<std::string> http;      // the transport's charset (HTTP Content-Type): a hint
  std::optional<std::string> fallback;  // when nothing names a charset: this instead of detection
};

struct Decoded {
  std::string utf8;
  std::string charset;  // canonical name actually used, e.g. "UTF-8", "GB18030"
  std::vector<std::string> warnings;
};

Decoded DecodeToUtf8(std::string_view bytes, const CharsetHints& hints = {});

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_READ_DECODE_H_
