// A template's statistics tables as the national form draws them, from rules/fields.tsv: each
// section (二, 三, 四; the legacy form's 一 … 九) is a grid whose rows are the distinct row labels
// and whose columns the distinct column labels, in catalogue order; a cell names the field printed
// there, or is empty where the form has no field. A column label "A/B" is a two-level header.
#ifndef NIANBAO_WEB_LAYOUT_H_
#define NIANBAO_WEB_LAYOUT_H_

#include <string>
#include <vector>

#include "extract/map/rules.h"

namespace nianbao::web {

struct SectionLayout {
  std::string section;                          // "二", "三", ...
  std::vector<std::string> rows;                // row labels as in fields.tsv ("A/B" paths)
  std::vector<std::string> columns;             // column labels ("A/B" paths)
  std::vector<std::vector<std::string>> cells;  // [row][column] → field id, "" where none
  std::vector<std::string> units;               // [row] unit of the row's fields
};

// The sections of `template_id` in catalogue order; empty for an unknown template.
std::vector<SectionLayout> TemplateLayout(const RuleSet& rules, const std::string& template_id);

}  // namespace nianbao::web

#endif  // NIANBAO_WEB_LAYOUT_H_
