// DecodeToUtf8: forced charset → BOM → NUL pattern → the claims (HTTP header, <meta> in the first
// 4 KiB, else the fallback) weighed against the bytes → detection; each charset tried is converted
// once and kept. UTF-8 input (the common case) is validated and copied by hand; everything else
// goes through an ICU converter whose error callback writes U+FFFD and records the byte offset.
#include "extract/read/decode.h"

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <initializer_list>
#include <optional>
#include <utility>

#include "extract/read/utf8.h"

namespace nianbao {
namespace {

constexpr size_t kMetaSniffBytes = 4096;
constexpr size_t kDetectBytes = 64 * 1024;
constexpr int kMaxOffsetWarnings = 10;

// Collects the offsets of invalid byte sequences while converting; owned by one conversion call.
struct InvalidBytes {
  int count = 0;
  std::vector<size_t> offsets;  // the first kMaxOffsetWarnings

  void Add(size_t offset) {
    if (count++ < kMaxOffsetWarnings) offsets.push_back(offset);
  }
  void Report(const std::string& charset, std::vector<std::string>* warnings) const {
    for (size_t offset : offsets) {
      warnings->push_back("invalid " + charset + " byte sequence at byte " +
                          std::to_string(offset) + " (replaced by U+FFFD)");
    }
    if (count > kMaxOffsetWarnings) {
      warnings->push_back(std::to_string(count - kMaxOffsetWarnings) + " more invalid " + charset +
                          " byte sequences (replaced by U+FFFD)");
    }
  }
};

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string AsciiLowerCopy(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) out.push_back(AsciiLower(c));
  return out;
}

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The length of the maximal prefix of an ill-formed sequence that ICU and browsers replace by one
// U+FFFD: a lead byte plus the continuation bytes that could still have completed it.
size_t Utf8InvalidLength(std::string_view s, size_t i) {
  unsigned char b0 = static_cast<unsigned char>(s[i]);
  size_t want = (b0 >= 0xC2 && b0 <= 0xDF)   ? 2
                : (b0 >= 0xE0 && b0 <= 0xEF) ? 3
                : (b0 >= 0xF0 && b0 <= 0xF4) ? 4
                                             : 1;
  size_t n = 1;
  while (n < want && i + n < s.size()) {
    // Test whether the prefix up to and including byte n could still be a valid sequence start.
    char probe[4] = {'\x80', '\x80', '\x80', '\x80'};
    std::memcpy(probe, s.data() + i, n + 1);
    if (Utf8SequenceLength(std::string_view(probe, want), 0) != want) break;
    ++n;
  }
  return n;
}

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    // Skip ASCII eight bytes at a time: most report pages are markup.
    while (i + 8 <= s.size()) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if (word & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= s.size()) break;
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Whether the body is valid UTF-8, found out once: several decisions ask, and the answer costs a
// pass over the page.
class Utf8Validity {
 public:
  explicit Utf8Validity(std::string_view bytes) : bytes_(bytes) {}
  bool Get() {
    if (!valid_) valid_ = IsValidUtf8(bytes_);
    return *valid_;
  }

 private:
  std::string_view bytes_;
  std::optional<bool> valid_;
};

// UTF-8 → UTF-8 with ill-formed sequences replaced; `base` is added to reported offsets.
std::string RepairUtf8(std::string_view s, size_t base, InvalidBytes* invalid,
                       Utf8Validity& validity) {
  if (validity.Get()) return std::string(s);
  std::string out;
  out.reserve(s.size() + 16);
  size_t i = 0;
  while (i < s.size()) {
    size_t n = Utf8SequenceLength(s, i);
    if (n > 0) {
      out.append(s.data() + i, n);
      i += n;
    } else {
      invalid->Add(base + i);
      AppendUtf8(0xFFFD, &out);
      i += Utf8InvalidLength(s, i);
    }
  }
  return out;
}

// The name for labels ICU must not be left to interpret: GB2312 and GBK are subsets of GB18030 and
// real "GB2312" pages routinely contain GBK-only characters. nullptr for other labels.
const char* KnownCharset(std::string_view lower) {
  static constexpr std::string_view kGbLabels[] = {
      "gb2312",          "gbk",    "x-gbk",    "gb_2312-80",  "gb_2312",  "gb2312-80",
      "csgb2312",        "cp936",  "ms936",    "windows-936", "chinese",  "iso-ir-58",
      "csiso58gb231280", "euc-cn", "x-euc-cn", "gb18030",     "gb-18030", "csgb18030"};
  for (std::string_view gb : kGbLabels) {
    if (lower == gb) return "GB18030";
  }
  if (lower == "utf8" || lower == "utf-8" || lower == "unicode-1-1-utf-8" ||
      lower == "x-unicode20utf8") {
    return "UTF-8";
  }
  static constexpr std::pair<std::string_view, const char*> kWide[] = {
      {"utf-16", "UTF-16"},     {"utf-16le", "UTF-16LE"}, {"utf-16be", "UTF-16BE"},
      {"unicode", "UTF-16"},    {"ucs-2", "UTF-16"},      {"utf-32", "UTF-32"},
      {"utf-32le", "UTF-32LE"}, {"utf-32be", "UTF-32BE"}};
  for (const auto& [label, name] : kWide) {
    if (lower == label) return name;
  }
  return nullptr;
}

// The IANA/MIME name ICU knows for `label`, or "" when ICU has no such converter.
std::string CanonicalCharset(std::string_view label) {
  std::string lower = AsciiLowerCopy(TrimAscii(label));
  if (lower.empty()) return "";
  if (const char* known = KnownCharset(lower)) return known;
  // ICU resolves aliases when it opens a converter (ucnv_getCanonicalName("big5", "") finds none).
  UErrorCode status = U_ZERO_ERROR;
  UConverter* converter = ucnv_open(lower.c_str(), &status);
  if (U_FAILURE(status) || converter == nullptr) return "";
  std::string name = ucnv_getName(converter, &status);
  ucnv_close(converter);
  if (U_FAILURE(status)) return "";
  std::string result = name;
  for (const char* standard : {"MIME", "IANA"}) {
    status = U_ZERO_ERROR;
    const char* standard_name = ucnv_getStandardName(name.c_str(), standard, &status);
    if (U_SUCCESS(status) && standard_name != nullptr) {
      result = standard_name;
      break;
    }
  }
  if (AsciiLowerCopy(result) == "utf-8") return "UTF-8";
  if (AsciiLowerCopy(result) == "gb18030") return "GB18030";
  return result;
}

// The charset named by a <meta charset=…> or <meta http-equiv=Content-Type content="…charset=…">
// within the first 4 KiB, as written; "" when there is none.
std::string SniffMetaCharset(std::string_view bytes) {
  std::string head = AsciiLowerCopy(bytes.substr(0, kMetaSniffBytes));
  size_t pos = 0;
  while ((pos = head.find("<meta", pos)) != std::string::npos) {
    size_t end = head.find('>', pos);
    if (end == std::string::npos) end = head.size();
    std::string_view tag(head.data() + pos, end - pos);
    pos = end;
    size_t at = tag.find("charset");
    if (at == std::string_view::npos) continue;
    size_t i = at + 7;
    while (i < tag.size() && (tag[i] == ' ' || tag[i] == '\t' || tag[i] == '\n' || tag[i] == '\r'))
      ++i;
    if (i >= tag.size() || tag[i] != '=') continue;
    ++i;
    while (i < tag.size() && (tag[i] == ' ' || tag[i] == '"' || tag[i] == '\'')) ++i;
    size_t start = i;
    while (i < tag.size()) {
      char c = tag[i];
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                c == '.' || c == ':';
      if (!ok) break;
      ++i;
    }
    if (i > start) return std::string(tag.substr(start, i - start));
  }
  return "";
}

// ICU's guess for bytes that are not UTF-8; "" when it has none.
std::string DetectCharset(std::string_view bytes) {
  UErrorCode status = U_ZERO_ERROR;
  UCharsetDetector* detector = ucsdet_open(&status);
  if (U_FAILURE(status)) return "";
  std::string result;
  std::string_view sample = bytes.substr(0, kDetectBytes);
  ucsdet_enableInputFilter(detector, true);  // ignore markup, judge the text
  ucsdet_setText(detector, sample.data(), static_cast<int32_t>(sample.size()), &status);
  const UCharsetMatch* match = U_SUCCESS(status) ? ucsdet_detect(detector, &status) : nullptr;
  if (U_SUCCESS(status) && match != nullptr) {
    const char* name = ucsdet_getName(match, &status);
    if (U_SUCCESS(status) && name != nullptr) result = name;
  }
  ucsdet_close(detector);
  return result;
}

struct CallbackContext {
  const char* base;    // start of the converted buffer
  size_t base_offset;  // its offset in the caller's bytes (after a BOM)
  InvalidBytes* invalid;
};

void ReplaceInvalid(const void* context, UConverterToUnicodeArgs* args, const char* /*units*/,
                    int32_t length, UConverterCallbackReason reason, UErrorCode* err) {
  if (reason > UCNV_IRREGULAR) return;  // reset/close/clone: nothing to replace
  const auto* ctx = static_cast<const CallbackContext*>(context);
  // args->source points just past the offending bytes (it stays inside our single input buffer).
  ptrdiff_t consumed = args->source - ctx->base;
  ptrdiff_t offset = std::max<ptrdiff_t>(0, consumed - length);
  ctx->invalid->Add(ctx->base_offset + static_cast<size_t>(offset));
  *err = U_ZERO_ERROR;
  static const UChar kReplacement = 0xFFFD;
  ucnv_cbToUWriteUChars(args, &kReplacement, 1, 0, err);
}

// Appends UTF-16 code units as UTF-8; `pending_high` carries a high surrogate across chunks.
void AppendUtf16(const UChar* units, size_t n, char32_t* pending_high, std::string* out) {
  for (size_t i = 0; i < n; ++i) {
    char32_t u = units[i];
    if (*pending_high != 0) {
      if (u >= 0xDC00 && u <= 0xDFFF) {
        AppendUtf8(0x10000 + ((*pending_high - 0xD800) << 10) + (u - 0xDC00), out);
        *pending_high = 0;
        continue;
      }
      AppendUtf8(0xFFFD, out);
      *pending_high = 0;
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
      *pending_high = u;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      AppendUtf8(0xFFFD, out);
    } else {
      AppendUtf8(u, out);
    }
  }
}

// Converts with ICU; false when ICU cannot open a converter for `charset`.
bool ConvertWithIcu(std::string_view bytes, size_t base_offset, const std::string& charset,
                    std::string* out, InvalidBytes* invalid) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter* converter = ucnv_open(charset.c_str(), &status);
  if (U_FAILURE(status) || converter == nullptr) return false;
  CallbackContext context{bytes.data(), base_offset, invalid};
  ucnv_setToUCallBack(converter, ReplaceInvalid, &context, nullptr, nullptr, &status);
  if (U_FAILURE(status)) {
    ucnv_close(converter);
    return false;
  }
  out->reserve(bytes.size() + bytes.size() / 2);
  constexpr size_t kChunk = 16 * 1024;
  UChar buffer[kChunk];
  const char* source = bytes.data();
  const char* source_limit = bytes.data() + bytes.size();
  char32_t pending_high = 0;
  for (;;) {
    UChar* target = buffer;
    status = U_ZERO_ERROR;
    ucnv_toUnicode(converter, &target, buffer + kChunk, &source, source_limit, nullptr,
                   /*flush=*/true, &status);
    AppendUtf16(buffer, static_cast<size_t>(target - buffer), &pending_high, out);
    if (status != U_BUFFER_OVERFLOW_ERROR) break;
  }
  if (pending_high != 0) AppendUtf8(0xFFFD, out);
  ucnv_close(converter);
  return true;
}

struct Bom {
  std::string charset;
  size_t length = 0;
};

Bom DetectBom(std::string_view bytes) {
  auto starts = [&](std::string_view prefix) { return bytes.substr(0, prefix.size()) == prefix; };
  if (starts("\xEF\xBB\xBF")) return {"UTF-8", 3};
  if (starts(std::string_view("\xFF\xFE\x00\x00", 4))) return {"UTF-32LE", 4};
  if (starts(std::string_view("\x00\x00\xFE\xFF", 4))) return {"UTF-32BE", 4};
  if (starts("\xFF\xFE")) return {"UTF-16LE", 2};
  if (starts("\xFE\xFF")) return {"UTF-16BE", 2};
  return {};
}

bool IsUtf8(const std::string& charset) { return charset == "UTF-8"; }

bool IsWideUnicode(const std::string& charset) {
  return charset.rfind("UTF-16", 0) == 0 || charset.rfind("UTF-32", 0) == 0;
}

// BOM-less UTF-16 or UTF-32 from where the NUL bytes fall in the first 4 KiB: ASCII characters
// (markup, digits, line ends) leave a NUL beside every byte in UTF-16 and three in UTF-32, always
// on the same side; 8-bit text has no NULs at all. "" when the pattern is not there.
std::string DetectWideUnicode(std::string_view bytes) {
  std::string_view sample = bytes.substr(0, kMetaSniffBytes);
  sample = sample.substr(0, sample.size() & ~size_t{3});
  if (sample.size() < 8) return "";
  size_t zeros[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < sample.size(); ++i) zeros[i % 4] += sample[i] == '\0';
  size_t units32 = sample.size() / 4;
  // UTF-32: the top byte is always 0, the next one is 0 for every BMP character.
  if (zeros[3] == units32 && zeros[2] * 10 >= units32 * 9 && zeros[0] < units32) return "UTF-32LE";
  if (zeros[0] == units32 && zeros[1] * 10 >= units32 * 9 && zeros[3] < units32) return "UTF-32BE";
  size_t units16 = sample.size() / 2;
  size_t even = zeros[0] + zeros[2], odd = zeros[1] + zeros[3];
  if (odd * 10 >= units16 && even * 8 <= odd) return "UTF-16LE";
  if (even * 10 >= units16 && odd * 8 <= even) return "UTF-16BE";
  return "";
}

size_t NonAsciiBytes(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += static_cast<unsigned char>(c) >= 0x80;
  return n;
}

// One charset tried on the body: its UTF-8 and its invalid sequences. Trials are kept, so the
// charset finally chosen is not converted twice.
struct Trial {
  bool ok = false;  // a converter exists
  std::string utf8;
  InvalidBytes invalid;
};

class Trials {
 public:
  Trials(std::string_view body, size_t base, Utf8Validity& validity)
      : body_(body), base_(base), validity_(validity) {}

  Trial& Get(const std::string& charset) {
    auto it = std::find_if(trials_.begin(), trials_.end(),
                           [&](const auto& entry) { return entry.first == charset; });
    if (it != trials_.end()) return it->second;
    Trial trial;
    if (IsUtf8(charset)) {
      trial.ok = true;
      trial.utf8 = RepairUtf8(body_, base_, &trial.invalid, validity_);
    } else {
      trial.ok = ConvertWithIcu(body_, base_, charset, &trial.utf8, &trial.invalid);
    }
    trials_.emplace_back(charset, std::move(trial));
    return trials_.back().second;
  }

  // Whether `charset` leaves many sequences invalid: enough that the page was not written in it
  // (a stray byte in a long page is not enough).
  bool ManyInvalid(const std::string& charset) {
    const Trial& trial = Get(charset);
    if (!trial.ok) return true;
    size_t count = static_cast<size_t>(trial.invalid.count);
    return count > 0 && (count >= 16 || count * 100 >= NonAsciiBytes(body_));
  }

  bool Clean(const std::string& charset) {
    const Trial& trial = Get(charset);
    return trial.ok && trial.invalid.count == 0;
  }

 private:
  std::string_view body_;
  size_t base_;
  Utf8Validity& validity_;
  std::deque<std::pair<std::string, Trial>> trials_;  // a deque: references stay valid
};

// A charset the page is said to be in, and who says so.
struct Claim {
  std::string charset;  // canonical
  std::string source;   // "the HTTP header", "<meta>", "--encoding"
};

std::string Says(const Claim& claim) { return claim.source + " says " + claim.charset; }

// The canonical charset of a hint, or nullopt (with a warning) when it names none ICU has.
std::optional<Claim> ClaimOf(const std::optional<std::string>& label, const std::string& source,
                             std::vector<std::string>* warnings) {
  if (!label.has_value() || TrimAscii(*label).empty()) return std::nullopt;
  std::string charset = CanonicalCharset(*label);
  if (charset.empty()) {
    warnings->push_back("unknown charset \"" + *label + "\" in " + source + "; ignored");
    return std::nullopt;
  }
  return Claim{charset, source};
}

// Detection for BOM-less, undeclared bytes. UTF-8 wins whenever the bytes are valid UTF-8; a Latin
// single-byte guess on bytes that are valid GB18030 is overridden (these are Chinese pages).
std::string ChooseByDetection(std::string_view bytes, Utf8Validity& validity, Trials& trials,
                              std::vector<std::string>* warnings) {
  if (validity.Get()) return "UTF-8";
  std::string detected = CanonicalCharset(DetectCharset(bytes));
  bool multibyte = !detected.empty() &&
                   (detected == "GB18030" || detected == "Big5" || detected.rfind("UTF-", 0) == 0 ||
                    detected == "EUC-JP" || detected == "Shift_JIS" || detected == "EUC-KR");
  if (IsWideUnicode(detected)) multibyte = false;  // without the NUL pattern it is not UTF-16/32
  if (!multibyte && trials.Clean("GB18030")) detected = "GB18030";
  if (detected.empty() || IsWideUnicode(detected)) {
    detected = "GB18030";
    warnings->push_back("charset detection failed; decoded as GB18030");
  }
  return detected;
}

// The claims weighed against the bytes (see decode.h). `claims` is not empty; the first is the
// preferred one when the bytes cannot tell them apart.
std::string ChooseByClaims(std::string_view body, const std::vector<Claim>& claims,
                           Utf8Validity& validity, Trials& trials,
                           std::vector<std::string>* warnings) {
  if (claims.size() > 1) {
    std::string said;
    for (const Claim& claim : claims) said += (said.empty() ? "" : ", ") + Says(claim);
    warnings->push_back("charsets disagree: " + said);
  }
  if (IsAscii(body)) return claims.front().charset;  // every claim reads it alike
  if (validity.Get()) {
    for (const Claim& claim : claims) {
      if (IsUtf8(claim.charset)) return "UTF-8";
    }
    warnings->push_back(Says(claims.front()) + " but the bytes are valid UTF-8; decoded as UTF-8");
    return "UTF-8";
  }
  // The claim under which the fewest sequences are invalid.
  const Claim* best = &claims.front();
  for (const Claim& claim : claims) {
    const Trial& trial = trials.Get(claim.charset);
    const Trial& best_trial = trials.Get(best->charset);
    if (trial.ok && (!best_trial.ok || trial.invalid.count < best_trial.invalid.count)) {
      best = &claim;
    }
  }
  if (best != &claims.front()) {
    warnings->push_back("decoded as " + best->charset + " (" + best->source +
                        "), under which fewer byte sequences are invalid than under " +
                        claims.front().charset);
  }
  if (!trials.ManyInvalid(best->charset)) return best->charset;
  // Many invalid sequences: the page is not in that charset. Take one that fits the bytes.
  std::vector<std::string> others = {"GB18030", CanonicalCharset(DetectCharset(body)), "Big5"};
  for (const std::string& other : others) {
    if (other.empty() || other == best->charset || IsWideUnicode(other)) continue;
    if (trials.Clean(other)) {
      warnings->push_back(
          Says(*best) + " but " + std::to_string(trials.Get(best->charset).invalid.count) +
          " byte sequences are invalid in it and none in " + other + "; decoded as " + other);
      return other;
    }
  }
  return best->charset;
}

// A forced charset, or nullopt (with a warning) when it names none ICU has.
std::optional<std::string> ForcedCharset(const CharsetHints& hints,
                                         std::vector<std::string>* warnings) {
  std::optional<Claim> forced = ClaimOf(hints.forced, "the forced encoding", warnings);
  if (!forced) return std::nullopt;
  return forced->charset;
}

}  // namespace

Decoded DecodeToUtf8(std::string_view bytes, const CharsetHints& hints) {
  Decoded result;
  std::vector<std::string>& warnings = result.warnings;
  Bom bom = DetectBom(bytes);
  std::optional<std::string> forced = ForcedCharset(hints, &warnings);
  if (forced && !bom.charset.empty() && bom.charset != *forced) {
    warnings.push_back("the byte order mark says " + bom.charset + "; decoded as " + *forced +
                       " as forced");
    bom = {};
  }
  std::string_view body = bytes.substr(bom.length);
  Utf8Validity validity(body);
  Trials trials(body, bom.length, validity);

  std::vector<Claim> claims;  // <meta> first: it is the page's own word
  std::string meta = SniffMetaCharset(body);
  if (!meta.empty()) {
    if (std::optional<Claim> claim = ClaimOf(meta, "<meta>", &warnings)) claims.push_back(*claim);
  }
  if (std::optional<Claim> http = ClaimOf(hints.http, "the HTTP header", &warnings)) {
    bool same = !claims.empty() && claims.front().charset == http->charset;
    if (!same) claims.push_back(*http);
  }

  std::string charset;
  if (forced) {
    charset = *forced;
    for (const Claim& claim : claims) {
      if (claim.charset != charset)
        warnings.push_back(Says(claim) + "; decoded as " + charset + " as forced");
    }
  } else if (!bom.charset.empty()) {
    charset = bom.charset;
    for (const Claim& claim : claims) {
      if (claim.charset != charset && !IsWideUnicode(claim.charset)) {
        warnings.push_back(Says(claim) + " but the byte order mark says " + charset +
                           "; decoded as " + charset);
      }
    }
  } else if (std::string wide = DetectWideUnicode(body); !wide.empty()) {
    charset = wide;
    for (const Claim& claim : claims) {
      bool same_family = claim.charset.substr(0, 6) == wide.substr(0, 6);
      if (!same_family) {
        warnings.push_back(Says(claim) + " but the bytes are " + wide +
                           " (NUL bytes beside ASCII); decoded as " + wide);
      }
    }
  } else {
    // Without a BOM or the NUL pattern, a UTF-16/32 claim cannot be right (the HTML standard reads
    // such a <meta> as UTF-8 too).
    std::erase_if(claims, [&](const Claim& claim) {
      if (!IsWideUnicode(claim.charset)) return false;
      warnings.push_back(Says(claim) +
                         " but the bytes have no byte order mark and no NUL bytes; "
                         "ignored");
      return true;
    });
    if (claims.empty()) {
      if (std::optional<Claim> fallback = ClaimOf(hints.fallback, "--encoding", &warnings)) {
        if (IsWideUnicode(fallback->charset)) {
          warnings.push_back(Says(*fallback) + " but the bytes are not " + fallback->charset +
                             " (no byte order mark, no NUL bytes); ignored");
        } else {
          claims.push_back(*fallback);
        }
      }
    }
    charset = claims.empty() ? ChooseByDetection(body, validity, trials, &warnings)
                             : ChooseByClaims(body, claims, validity, trials, &warnings);
  }

  Trial& trial = trials.Get(charset);
  if (!trial.ok) {
    warnings.push_back("cannot convert from " + charset + "; decoded as UTF-8");
    charset = "UTF-8";
  }
  Trial& chosen = trials.Get(charset);
  result.utf8 = std::move(chosen.utf8);
  result.charset = charset;
  chosen.invalid.Report(charset, &warnings);
  return result;
}

}  // namespace nianbao
