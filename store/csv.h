// RFC 4180 cells, the one rule for every CSV that nianbao writes (exports, codebook, coverage,
// checks, `extract --format csv`, the web view's downloads): a cell holding a comma, a quote or a
// line break is quoted, its quotes doubled. With `guard`, a text that Excel or LibreOffice would
// run as a formula (starting with = + - @, tab or CR, and not a number such as -8 or +1036) gets a
// leading ' (OWASP's CSV injection advice).
#ifndef NIANBAO_STORE_CSV_H_
#define NIANBAO_STORE_CSV_H_

#include <string>
#include <string_view>

namespace nianbao {

void AppendCsvCell(std::string_view cell, bool guard, std::string* out);
std::string CsvCell(std::string_view cell);         // not guarded
std::string GuardedCsvCell(std::string_view cell);  // guarded

}  // namespace nianbao

#endif  // NIANBAO_STORE_CSV_H_
