#include "extract/map/values.h"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "extract/read/utf8.h"

namespace nianbao {
namespace {

constexpr std::array<std::string_view, 18> kUnits = {"人次", "亿元", "万元", "千元", "元", "件",
                                                     "条",   "个",   "次",   "人",   "篇", "项",
                                                     "家",   "份",   "场",   "期",   "%",  "％"};

// Full-width digits and signs to ASCII; spaces dropped.
std::string ToAsciiForm(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (size_t n = BlankOrBreakAt(s, i); n > 0) {
      i += n;
      continue;
    }
    unsigned char c = s[i];
    if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBC) {
      unsigned char d = s[i + 2];
      if (d >= 0x90 && d <= 0x99) {
        out += static_cast<char>('0' + (d - 0x90));
        i += 3;
        continue;
      }
      char mapped = d == 0x8C   ? ','
                    : d == 0x8E ? '.'
                    : d == 0x8B ? '+'
                    : d == 0x8D ? '-'
                    : d == 0x88 ? '('
                    : d == 0x89 ? ')'
                                : 0;
      if (mapped) {
        out += mapped;
        i += 3;
        continue;
      }
    }
    if (s.substr(i, 3) == "\xE2\x88\x92" || s.substr(i, 3) == "\xEF\xB9\xA3") {  // − ﹣
      out += '-';
      i += 3;
      continue;
    }
    if (s.substr(i, 3) == "\xEF\xB9\xA2") {  // ﹢
      out += '+';
      i += 3;
      continue;
    }
    out += static_cast<char>(c);
    ++i;
  }
  return out;
}

bool IsNullMarker(std::string_view s) {
  if (s.empty() || s == "/" || s == "／" || s == "\\" || s == "不适用" || s == "无此项" ||
      s == "N/A" || s == "n/a" || s == "NA")
    return true;
  // Any run of dashes: "-", "--", "—", "——", "―", "–", "一一" is not used for null.
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '-') {
      ++i;
    } else if (s.substr(i, 3) == "—" || s.substr(i, 3) == "―" || s.substr(i, 3) == "–" ||
               s.substr(i, 3) == "─") {
      i += 3;
    } else {
      return false;
    }
  }
  return true;
}

std::string_view UnitSuffix(std::string_view s) {
  for (std::string_view unit : kUnits) {
    if (s.size() > unit.size() && s.substr(s.size() - unit.size()) == unit) return unit;
  }
  return {};
}

// Money units in 元.
double MoneyScale(std::string_view unit) {
  if (unit == "元") return 1;
  if (unit == "千元") return 1e3;
  if (unit == "万元") return 1e4;
  if (unit == "亿元") return 1e8;
  return 0;
}

}  // namespace

std::string CollapseSpace(std::string_view text) {
  std::string out;
  bool pending_space = false;
  for (size_t i = 0; i < text.size();) {
    if (size_t n = BlankOrBreakAt(text, i); n > 0) {
      pending_space = !out.empty();
      i += n;
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += text[i++];
  }
  return out;
}

bool IsUnitWord(std::string_view text) {
  std::string s = ToAsciiForm(text);
  for (std::string_view unit : kUnits) {
    if (s == unit) return true;
  }
  return false;
}

// "0(件)" and "(无)": a unit, or 无 or a dash, in parentheses reads as if printed bare. A number in
// parentheses is not unwrapped: "(1)" is a numbering.
std::string WithoutParentheses(std::string s) {
  if (s.size() < 3 || s.back() != ')') return s;
  size_t open = s.rfind('(');
  if (open == std::string::npos) return s;
  std::string inner = s.substr(open + 1, s.size() - open - 2);
  if (open == 0) return inner == "无" || (!inner.empty() && IsNullMarker(inner)) ? inner : s;
  if (std::find(kUnits.begin(), kUnits.end(), inner) != kUnits.end())
    return s.substr(0, open) + inner;
  return s;
}

CellValue ParseValue(std::string_view text) {
  CellValue value;
  std::string s = WithoutParentheses(ToAsciiForm(text));
  if (IsNullMarker(s)) return value;  // kNull
  if (s == "无" || s == "0") {
    value.kind = CellValue::Kind::kNumber;
    return value;
  }
  std::string_view body = s;
  std::string_view unit = UnitSuffix(body);
  body.remove_suffix(unit.size());
  std::string digits;
  size_t i = 0;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) digits += body[i++];
  bool seen_digit = false, seen_point = false;
  for (; i < body.size(); ++i) {
    char c = body[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      seen_digit = true;
    } else if (c == ',' && seen_digit && !seen_point && i + 1 < body.size() && body[i + 1] >= '0' &&
               body[i + 1] <= '9') {
      continue;  // thousands separator
    } else if (c == '.' && seen_digit && !seen_point) {
      digits += c;  // "12." (a stray point at the end) still reads as 12
      seen_point = true;
    } else {
      value.kind = CellValue::Kind::kInvalid;
      return value;
    }
  }
  if (!seen_digit) {
    value.kind = CellValue::Kind::kInvalid;
    return value;
  }
  value.kind = CellValue::Kind::kNumber;
  value.number = std::strtod(digits.c_str(), nullptr);
  value.unit = std::string(unit);
  return value;
}

std::optional<double> ConvertUnit(double number, std::string_view from, std::string_view to) {
  if (from.empty() || to.empty() || from == to) return number;
  double from_scale = MoneyScale(from), to_scale = MoneyScale(to);
  if (from_scale > 0 && to_scale > 0) return number * from_scale / to_scale;
  if (from_scale > 0 || to_scale > 0) return std::nullopt;  // money vs a count
  return number;  // count units (件, 条, 项 …) are used loosely by real reports
}

}  // namespace nianbao
