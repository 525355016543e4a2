// UTF-8 by code point, for the readers' length limits and cuts. The text is not validated: a
// continuation byte (10xxxxxx) belongs to the code point before it, whatever came first.
#ifndef NIANBAO_EXTRACT_READ_UTF8_H_
#define NIANBAO_EXTRACT_READ_UTF8_H_

#include <cstddef>
#include <string_view>

namespace nianbao {

inline bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The number of code points in `s`.
inline size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += !IsUtf8Continuation(c);
  return n;
}

// The first `n` code points of `s`.
inline std::string_view FirstCodePoints(std::string_view s, size_t n) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsUtf8Continuation(s[i]) && n-- == 0) return s.substr(0, i);
  }
  return s;
}

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_READ_UTF8_H_
