// From grids to fields: finds the statistics tables, their header rows and label columns from the
// labels (never from fixed positions) and gives each value cell its field id.
//
// Grid templates (2019/2021): a value's row path is the chain of labels to its left, extended by
// the numbering hierarchy of the rows above (一、 → （一） → 1.); its column path is the chain of
// labels of the nearest header block above it. Header blocks may repeat or change mid-table; a
// table without a header continues the previous table's (split tables). List templates (legacy):
// the grid is read as label → value pairs in reading order, the hierarchy coming from the numbering
// alone. A statistic row or column no rule matches is reported as Unmatched, never forced into a
// field.
#ifndef NIANBAO_EXTRACT_MAP_MATCH_H_
#define NIANBAO_EXTRACT_MAP_MATCH_H_

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "extract/extraction.h"
#include "extract/map/normalize.h"
#include "extract/map/rules.h"
#include "extract/read/page.h"

namespace nianbao {

struct MatchedCell {
  std::string field;
  FieldCell cell;          // raw text, label path, position
  std::string label_unit;  // a unit named by a label or unit cell of the value's row or column
};

struct MatchResult {
  std::vector<MatchedCell> cells;  // in page order; a field appears at most once
  std::vector<Unmatched> unmatched;
  std::vector<std::string> warnings;
};

// The template the page's labels identify, or nullptr. `year` only breaks ties between templates
// whose markers score the same. Once `*cancel` reads true it returns nullptr soon.
const TemplateRules* DetectTemplate(const std::vector<Grid>& grids, const RuleSet& rules,
                                    LabelCache& labels, std::optional<int> year,
                                    const std::atomic<bool>* cancel = nullptr);

// `text_input`: the grids come from plain text, where columns may not line up with their header;
// rows whose value count matches a known column order are then read positionally first.
MatchResult MatchGrids(const std::vector<Grid>& grids, const TemplateRules& tmpl,
                       LabelCache& labels, bool text_input);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_MAP_MATCH_H_
