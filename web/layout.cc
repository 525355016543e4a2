#include "web/layout.h"

#include <algorithm>
#include <map>

namespace nianbao::web {
namespace {

size_t IndexOf(std::vector<std::string>& list, const std::string& item) {
  auto found = std::find(list.begin(), list.end(), item);
  if (found != list.end()) return static_cast<size_t>(found - list.begin());
  list.push_back(item);
  return list.size() - 1;
}

}  // namespace

std::vector<SectionLayout> TemplateLayout(const RuleSet& rules, const std::string& template_id) {
  std::vector<SectionLayout> sections;
  std::map<std::string, size_t> by_name;
  std::vector<FieldSpec> fields = rules.Fields(template_id);
  for (const FieldSpec& spec : fields) {
    if (spec.template_id != template_id) continue;
    auto [it, added] = by_name.emplace(spec.section, sections.size());
    if (added) sections.push_back(SectionLayout{spec.section, {}, {}, {}, {}});
    SectionLayout& s = sections[it->second];
    size_t row = IndexOf(s.rows, spec.row_label);
    size_t column = IndexOf(s.columns, spec.column_label);
    if (s.cells.size() <= row) s.cells.resize(row + 1), s.units.resize(row + 1);
    for (auto& cells : s.cells) cells.resize(s.columns.size());
    s.cells[row][column] = spec.field;
    s.units[row] = spec.unit;
  }
  return sections;
}

}  // namespace nianbao::web
