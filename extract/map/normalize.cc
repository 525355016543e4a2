#include "extract/map/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>

#include <array>

#include "extract/map/values.h"

namespace nianbao {
namespace {

bool IsDroppedSpace(UChar32 c) {
  return u_isUWhiteSpace(c) || c == 0x200B || c == 0x200C || c == 0x200D || c == 0xFEFF ||
         u_charType(c) == U_CONTROL_CHAR;
}

// A control character that is not whitespace: no printed label holds one, binary bytes do.
bool IsControl(UChar32 c) { return u_charType(c) == U_CONTROL_CHAR && !u_isUWhiteSpace(c); }

// A label of binary noise: a control character, and with the U+FFFDs at least two and one in eight
// of its characters (random bytes give ~25 %). A damaged printed label (a U+FFFD or two, which the
// checks report) holds no control character, so it is never taken for noise.
bool IsNoise(int32_t points, int32_t controls, int32_t garbage) {
  return controls >= 1 && garbage >= 2 && garbage * 8 >= points;
}

// Quotes carry no meaning in a label (三安全一稳定 is printed with and without them).
bool IsQuote(UChar32 c) {
  switch (c) {
    case '"':
    case '\'':
    case 0x2018:
    case 0x2019:
    case 0x201C:
    case 0x201D:
    case 0x300C:
    case 0x300D:
    case 0x300E:
    case 0x300F:
    case 0x301D:
    case 0x301E:
    case 0x301F:
    case 0x2033:
      return true;
    default:
      return false;
  }
}

UChar32 UnifyVariant(UChar32 c) {
  switch (c) {
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
    case 0x2500:
    case 0xFE58:
    case 0xFF0D:
      return '-';
    case '[':
    case 0x3010:
    case 0x3014:
    case 0x3016:
    case 0xFF3B:
    case 0x2474:
      return '(';
    case ']':
    case 0x3011:
    case 0x3015:
    case 0x3017:
    case 0xFF3D:
      return ')';
    case 0xFF1A:
    case 0xFE55:
    case 0x2236:
      return ':';
    case 0x3002:
    case 0xFF61:  // 。 as a numbering separator (1。) reads like "."
      return c;
    case 0xFF0E:
      return '.';
    default:
      return c;
  }
}

bool IsChineseDigit(std::string_view s, size_t pos, size_t* len) {
  static constexpr std::array<std::string_view, 12> kDigits = {"一", "二", "三", "四", "五", "六",
                                                               "七", "八", "九", "十", "〇", "零"};
  for (std::string_view d : kDigits) {
    if (s.substr(pos, d.size()) == d) {
      *len = d.size();
      return true;
    }
  }
  return false;
}

// Length of a run of Chinese numerals at `pos`.
size_t ChineseNumeralRun(std::string_view s, size_t pos) {
  size_t end = pos, len = 0;
  while (end < s.size() && IsChineseDigit(s, end, &len)) end += len;
  return end - pos;
}

size_t ArabicRun(std::string_view s, size_t pos) {
  size_t end = pos;
  while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
  return end - pos;
}

// Separators that may follow a numbering: 、 . , : and the ideographic full stop.
size_t SeparatorAt(std::string_view s, size_t pos) {
  if (pos >= s.size()) return 0;
  if (s[pos] == '.' || s[pos] == ',' || s[pos] == ':') return 1;
  for (std::string_view sep : {std::string_view("、"), std::string_view("。")}) {
    if (s.substr(pos, sep.size()) == sep) return sep.size();
  }
  return 0;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string_view FindUnit(std::string_view note) {
  // Longest first: 万元 before 元.
  for (std::string_view unit : {"亿元", "万元", "千元", "元", "人次"}) {
    if (note == unit) return unit;
    size_t at = note.find("单位");
    if (at != std::string_view::npos && note.find(unit, at) != std::string_view::npos) return unit;
  }
  return {};
}

}  // namespace

Normalizer::Normalizer() {
  UErrorCode status = U_ZERO_ERROR;
  nfkc_ = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) nfkc_ = nullptr;
  status = U_ZERO_ERROR;
  to_simplified_.reset(
      icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, status));
  if (U_FAILURE(status)) to_simplified_.reset();
  if (to_simplified_) {
    traditional_ = std::make_unique<icu::UnicodeSet>();
    to_simplified_->getSourceSet(*traditional_);
    traditional_->freeze();
  }
}

Normalizer::~Normalizer() = default;

std::string Normalizer::Clean(std::string_view raw) const {
  icu::UnicodeString in =
      icu::UnicodeString::fromUTF8(icu::StringPiece(raw.data(), static_cast<int32_t>(raw.size())));
  if (nfkc_) {
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString normalized = nfkc_->normalize(in, status);
    if (U_SUCCESS(status)) in = std::move(normalized);
  }
  icu::UnicodeString out;
  int32_t points = 0, controls = 0, garbage = 0;
  for (int32_t i = 0; i < in.length(); i = in.moveIndex32(i, 1)) {
    UChar32 c = in.char32At(i);
    ++points;
    if (IsControl(c)) ++controls, ++garbage;
    if (c == 0xFFFD) ++garbage;
    if (IsDroppedSpace(c) || IsQuote(c)) continue;
    out.append(UnifyVariant(c));
  }
  // Only Traditional characters send the label through the transliterator: most labels are
  // Simplified already and the transliterator is the slowest step. Binary noise (see IsNoise) is
  // no label in any script: it skips the transliterator, which costs ~10 µs per such cell.
  if (!IsNoise(points, controls, garbage) && HasTraditional(out)) {
    std::lock_guard<std::mutex> lock(transliterator_mutex_);
    to_simplified_->transliterate(out);
  }
  std::string result;
  out.toUTF8String(result);
  return result;
}

bool Normalizer::HasTraditional(const icu::UnicodeString& label) const {
  if (!to_simplified_ || !traditional_->containsSome(label)) return false;
  std::lock_guard<std::mutex> lock(transliterator_mutex_);
  for (int32_t i = 0; i < label.length(); i = label.moveIndex32(i, 1)) {
    UChar32 c = label.char32At(i);
    if (!traditional_->contains(c)) continue;
    auto known = changes_alone_.find(c);
    if (known == changes_alone_.end()) {
      icu::UnicodeString alone(c);
      to_simplified_->transliterate(alone);
      known = changes_alone_.emplace(c, alone != icu::UnicodeString(c)).first;
    }
    if (known->second) return true;
  }
  return false;
}

bool IsBinaryNoise(std::string_view s) {
  int32_t points = 0, controls = 0, garbage = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte: part of the previous character
    ++points;
    bool control = c < 0x09 || (c >= 0x0E && c < 0x20) || c == 0x7F;
    if (c == 0xC2 && i + 1 < s.size()) {  // U+0080–U+009F, but U+0085 (NEL) is whitespace
      unsigned char next = static_cast<unsigned char>(s[i + 1]);
      control = next >= 0x80 && next <= 0x9F && next != 0x85;
    }
    if (control) ++controls, ++garbage;
    if (c == 0xEF && s.substr(i, 3) == "\uFFFD") ++garbage;
  }
  return IsNoise(points, controls, garbage);
}

int SplitNumbering(std::string_view s, std::string* numbering, std::string* rest) {
  size_t end = 0;
  int level = kNoNumbering;
  if (size_t n = ChineseNumeralRun(s, 0); n > 0) {
    if (size_t sep = SeparatorAt(s, n); sep > 0) end = n + sep, level = kLevelChinese;
  } else if (StartsWith(s, "(")) {
    if (size_t n = ChineseNumeralRun(s, 1); n > 0 && s.substr(1 + n, 1) == ")") {
      end = n + 2, level = kLevelParenChinese;
    } else if (size_t d = ArabicRun(s, 1); d > 0 && s.substr(1 + d, 1) == ")") {
      end = d + 2, level = kLevelParenArabic;
    }
    if (end > 0) end += SeparatorAt(s, end);
  } else if (size_t d = ArabicRun(s, 0); d > 0 && d < 3) {
    // "1." "1、" "1," — but not "2019年" or a bare number.
    if (size_t sep = SeparatorAt(s, d); sep > 0 && ArabicRun(s, d + sep) == 0) {
      end = d + sep, level = kLevelArabic;
    }
  } else if (StartsWith(s, "第")) {
    size_t n = ChineseNumeralRun(s, 3);
    if (n > 0) {
      size_t after = 3 + n;
      if (size_t sep = SeparatorAt(s, after); sep > 0) {
        end = after + sep, level = kLevelChinese;
      } else if (StartsWith(s.substr(after), "部分")) {
        end = after + 6, level = kLevelChinese;
        end += SeparatorAt(s, end);
      }
    }
  } else if (StartsWith(s, "其中")) {
    end = 6;
    end += SeparatorAt(s, end);
    level = kLevelAmong;
  }
  *numbering = std::string(s.substr(0, end));
  *rest = std::string(s.substr(end));
  return level;
}

std::string StripNotes(std::string_view s, std::string* unit) {
  std::string out;
  int depth = 0;
  size_t note_start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '(') {
      if (depth++ == 0) note_start = i + 1;
      continue;
    }
    if (c == ')' && depth > 0) {
      if (--depth == 0 && unit->empty()) *unit = FindUnit(s.substr(note_start, i - note_start));
      continue;
    }
    if (depth == 0) out += c;
  }
  // An unclosed "(" (a note cut by a line break) runs to the end of the label.
  if (depth > 0 && unit->empty()) *unit = FindUnit(s.substr(note_start));
  // A trailing unit written without parentheses: "本年收费金额万元" is rare; "单位:万元" is not a
  // label.
  return out;
}

Label Normalizer::ParseLabel(std::string_view raw) const {
  Label label;
  label.raw = std::string(raw);
  label.shown = CollapseSpace(raw);
  label.clean = Clean(raw);
  std::string rest;
  label.level = SplitNumbering(label.clean, &label.numbering, &rest);
  label.text = StripNotes(rest, &label.unit);
  // A stray trailing ")" of a wrapped note, or a numbering followed by nothing.
  while (!label.text.empty() && (label.text.back() == ')' || label.text.back() == ':')) {
    label.text.pop_back();
  }
  label.note_only = label.text.empty() && !rest.empty() && label.numbering.empty();
  int opens = 0, closes = 0;
  for (char c : label.clean) opens += c == '(', closes += c == ')';
  // Numbering parentheses are balanced, so they never tip the count.
  label.opens_note = opens > closes;
  label.closes_note = closes > opens;
  return label;
}

const Label& LabelCache::Get(std::string_view raw) {
  auto it = labels_.find(std::string(raw));
  if (it != labels_.end()) return it->second;
  return labels_.emplace(std::string(raw), normalizer_.ParseLabel(raw)).first->second;
}

}  // namespace nianbao
