// Reading a value cell. A number as printed: "1,234", full-width digits, decimals, signs ("-8",
// "+1036"), an optional unit ("251000元", "12件"); "0" and "无" are 0. Blank, dashes ("—", "——",
// "-"),
// "/", "／" and "不适用" are null: not reported, which is different from 0. Anything else is
// kInvalid: the caller reports it and the field stays null. Units are converted only between money
// units (元, 千元, 万元, 亿元); a count unit (件, 条 …) is accepted as printed.
#ifndef NIANBAO_EXTRACT_MAP_VALUES_H_
#define NIANBAO_EXTRACT_MAP_VALUES_H_

#include <optional>
#include <string>
#include <string_view>

namespace nianbao {

struct CellValue {
  enum class Kind { kNumber, kNull, kInvalid } kind = Kind::kNull;
  double number = 0;  // valid for kNumber
  std::string unit;   // the unit printed after the number, e.g. "元"; empty when none
};

// Collapses whitespace (ASCII, NBSP, U+3000) and trims: the cell text as the output quotes it.
std::string CollapseSpace(std::string_view text);

CellValue ParseValue(std::string_view text);

// True when `text` is a unit word on its own (件, 条, 万元 …): a unit column, not a label.
bool IsUnitWord(std::string_view text);

// `number` expressed in `from` converted to `to`; nullopt when the units are not convertible.
// An empty unit on either side means "as printed" and converts to anything unchanged.
std::optional<double> ConvertUnit(double number, std::string_view from, std::string_view to);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_MAP_VALUES_H_
