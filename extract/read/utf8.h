// UTF-8 by code point: counting and cutting for the readers' length limits, which do not validate
// (a continuation byte, 10xxxxxx, belongs to the code point before it, whatever came first), the
// one well-formedness test of the decoder and the JSON writer, and the one test for a blank.
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

// Length of the well-formed UTF-8 sequence at s[i], or 0 when it is not one (Unicode Table 3-7:
// no overlongs, no surrogates, nothing above U+10FFFF, no truncation).
inline size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  size_t left = s.size() - i;
  if (b0 < 0x80) return 1;
  const auto cont = [&](size_t k) { return k < left && (byte(i + k) & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 2) return 0;
    unsigned char b1 = byte(i + 1);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;
    if (b0 == 0xED && b1 > 0x9F) return 0;
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 2) return 0;
    unsigned char b1 = byte(i + 1);
    if (b0 == 0xF0 && b1 < 0x90) return 0;
    if (b0 == 0xF4 && b1 > 0x8F) return 0;
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

// Length of the blank character at s[i] that is not a line break, or 0: ASCII space, tab, form
// feed, vertical tab, a stray CR, U+00A0, U+2000–U+200B (the typographic spaces, thin and
// zero-width) and U+3000. The text reader splits lines on '\n' and '\r' first; the value parser and
// the narrative also drop line breaks. Looks at the lead byte first: this runs on every byte.
inline size_t BlankAt(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r') return 1;
  if (c == 0xC2) return i + 1 < s.size() && byte(i + 1) == 0xA0 ? 2 : 0;
  if (c == 0xE2) return i + 2 < s.size() && byte(i + 1) == 0x80 && byte(i + 2) <= 0x8B ? 3 : 0;
  if (c == 0xE3) return i + 2 < s.size() && byte(i + 1) == 0x80 && byte(i + 2) == 0x80 ? 3 : 0;
  return 0;
}

// Length of a blank (BlankAt) or a line break at s[i], or 0: what the value parser and the
// narrative drop, and what is dropped where a label is looked for across the cells and lines it was
// printed over.
inline size_t BlankOrBreakAt(std::string_view s, size_t i) {
  return i < s.size() && s[i] == '\n' ? 1 : BlankAt(s, i);
}

// Appends `s` to `out` without its blanks and line breaks (BlankOrBreakAt).
inline void AppendWithoutBlanks(std::string_view s, std::string* out) {
  for (size_t i = 0; i < s.size();) {
    if (size_t n = BlankOrBreakAt(s, i)) {
      i += n;
    } else {
      out->push_back(s[i++]);
    }
  }
}

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_READ_UTF8_H_
