#include "store/csv.h"

#include <charconv>

namespace nianbao {
namespace {

bool IsFormulaStart(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

// "-8", "+1036", "3.5": a number cannot be a formula, so it is left as it is.
bool IsNumber(std::string_view cell) {
  if (cell.front() == '+') cell.remove_prefix(1);
  if (cell.empty() || cell.front() == '+') return false;
  double value = 0;
  auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  return ec == std::errc() && end == cell.data() + cell.size();
}

}  // namespace

void AppendCsvCell(std::string_view cell, bool guard, std::string* out) {
  guard = guard && !cell.empty() && IsFormulaStart(cell.front()) && !IsNumber(cell);
  bool quote = cell.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote && !guard) {
    *out += cell;
    return;
  }
  if (quote) *out += '"';
  if (guard) *out += '\'';
  for (char c : cell) {
    if (c == '"') *out += '"';
    *out += c;
  }
  if (quote) *out += '"';
}

std::string CsvCell(std::string_view cell) {
  std::string out;
  AppendCsvCell(cell, false, &out);
  return out;
}

std::string GuardedCsvCell(std::string_view cell) {
  std::string out;
  AppendCsvCell(cell, true, &out);
  return out;
}

}  // namespace nianbao
