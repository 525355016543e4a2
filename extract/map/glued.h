// Splits the digit runs of glued text grids (Grid::glued, extract/read/glued.h) into their row's
// cells. "15130000154" beside 一、本年新收… is seven cells; only the template can say which seven.
// A run is split only when exactly one split satisfies every constraint that holds for it: the
// column count of its row (a 表二 row's own columns, the 7 applicant columns of 表三, the 15 of
// 表四), no leading zeros ("0" alone is a cell), and the sum identities of rules/checks.toml over
// the row and the other rows together. Otherwise the row's values are unknown: their cells keep the
// run as raw text, are listed in `unreadable`, and a warning quotes the run. A wrong split is worse
// than a null.
#ifndef NIANBAO_EXTRACT_MAP_GLUED_H_
#define NIANBAO_EXTRACT_MAP_GLUED_H_

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "extract/map/normalize.h"
#include "extract/map/rules.h"
#include "extract/read/page.h"

namespace nianbao {

struct GluedSplit {
  std::vector<std::string> warnings;
  std::set<std::tuple<int, int, int>> unreadable;  // (table, row, column) whose value is unknown
};

// Rewrites the glued grids of `grids` in place; other grids are left as they are.
GluedSplit SplitGluedRuns(std::vector<Grid>* grids, const TemplateRules& tmpl,
                          const std::vector<Identity>& identities, LabelCache& labels);

// Every way to cut `digits` into `count` numbers without leading zeros, at most `limit` of them
// (more: the result is cut short and `*complete` is false). A minus sign starts a number
// ("35-15" in two: 35 and -15, the 本年增/减 of a 表二 row).
std::vector<std::vector<std::string>> SplitDigits(const std::string& digits, int count,
                                                  size_t limit, bool* complete);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_MAP_GLUED_H_
