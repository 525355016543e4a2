// The statistics tables of the report and diff pages, drawn in each template's own layout
// (web/layout.h). What depends on the template alone — the column headers, the group rows, the
// row labels and each cell's field name — is rendered once, when the server starts (the rules do
// not change while it runs); a request renders only the values and their marks. The output is
// exactly what drawing the whole table per request gave.
#ifndef NIANBAO_WEB_TABLES_H_
#define NIANBAO_WEB_TABLES_H_

#include <map>
#include <set>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "extract/map/rules.h"
#include "store/store.h"

namespace nianbao::web {

// How a cell of the tables is marked.
struct CellMarks {
  std::set<std::string> failed;                       // fields of failed identities
  std::map<std::string, const FieldChange*> changed;  // diff: fields changed
};

class TableRenderer {
 public:
  explicit TableRenderer(const RuleSet& rules);  // every template of `rules`

  // Appends `e`'s tables to `out`: a "no statistics table" note when it has no template, then
  // each section of its template (none for a template the rules do not know), then the fields
  // stored but outside the layout (an older catalogue), listed rather than lost.
  void Append(std::string& out, const Extraction& e, const CellMarks& marks) const;

 private:
  struct Cell {
    std::string field;  // "" where the form has no field
    std::string name;   // the field, HTML-escaped
  };
  struct Row {
    std::string head;  // the group rows that open before it, "<tr>" and its label
    std::vector<Cell> cells;
  };
  struct Section {
    std::string head;  // "<table …><caption>…</caption><thead>…</thead><tbody>"
    std::vector<Row> rows;
  };
  struct Template {
    std::vector<Section> sections;
    std::unordered_set<std::string> laid_out;  // every field some cell shows
  };

  std::map<std::string, Template, std::less<>> templates_;
  Template unknown_;  // a template the catalogue does not lay out: no sections
};

}  // namespace nianbao::web

#endif  // NIANBAO_WEB_TABLES_H_
