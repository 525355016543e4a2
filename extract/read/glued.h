// Text whose table cells were saved in one run, without separators, as archiving crawlers save a
// page's text content: "一、本年新收政府信息公开申请数量15130000154二、上年结转…". A reader cannot
// tell where one number ends and the next begins (that takes the template's column counts and sum
// identities: extract/map/glued.h); it finds the table part of such a line and cuts it into rows of
// a label and the digit run that follows it.
//
// The table part starts at the first statistics header (信息内容, 申请人情况) whose rows hold
// values (the word may be in the prose before: then the next one is tried) and ends at the first
// number followed by a unit of prose (2025年, 154件). Labels are cut where a numbering starts (一、
// （一） 1.); the digit of a numbering glued to the values before it ("00000002.其他…") goes with
// its label. A header glued to the row label after it ("…现行有效件数规章") is cut after its last
// header word; the 表四 header (结果维持 …) is a row of its own, its values a row without a label.
#ifndef NIANBAO_EXTRACT_READ_GLUED_H_
#define NIANBAO_EXTRACT_READ_GLUED_H_

#include <optional>
#include <string_view>

#include "extract/read/page.h"

namespace nianbao {

// The glued table of `line` as a grid of two columns (label, digit run; label-only rows for
// headings), with Grid::glued set; nullopt when the line holds no such table.
std::optional<Grid> FindGluedGrid(std::string_view line);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_READ_GLUED_H_
