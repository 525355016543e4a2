#include "extract/map/match.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "extract/map/values.h"

namespace nianbao {
namespace {

enum class CellKind { kBlank, kValue, kUnit, kLabel };
enum class RowKind { kEmpty, kData, kHeader, kSection, kGroup };

CellKind Classify(const std::string& text) {
  std::string collapsed = CollapseSpace(text);
  if (collapsed.empty()) return CellKind::kBlank;
  if (IsUnitWord(collapsed)) return CellKind::kUnit;
  if (ParseValue(collapsed).kind != CellValue::Kind::kInvalid) return CellKind::kValue;
  return CellKind::kLabel;
}

// One level of a row or column path.
struct PathLabel {
  const Label* label;
  int cell;  // index into the grid's cells (identity of a spanned label); kEarlierGrid for a label
             // an earlier table left on the stack
  int level;
};
using Path = std::vector<PathLabel>;

std::string PathText(const Path& path) {
  std::string out;
  for (const PathLabel& p : path) {
    if (!out.empty()) out += '/';
    out += p.label->shown;
  }
  return out;
}

int EffectiveLevel(const Label& label) {
  return label.level == kNoNumbering ? kLevelAmong : label.level;
}

// The numbering hierarchy of the rows read so far: each row's labels pop the deeper levels.
constexpr int kEarlierGrid = -1;

class RowStack {
 public:
  // `labels` are one row's labels, left to right: each is the child of the one before it.
  void PushRow(const Path& labels) {
    for (size_t i = 0; i < labels.size(); ++i) {
      const PathLabel& label = labels[i];
      auto same = std::find_if(stack_.begin(), stack_.end(),
                               [&](const PathLabel& p) { return p.cell == label.cell; });
      if (same != stack_.end()) {  // a label spanning rows: keep it, drop what was below it
        stack_.erase(same + 1, stack_.end());
        continue;
      }
      if (i == 0) {
        while (!stack_.empty() && stack_.back().level >= label.level) stack_.pop_back();
      }
      stack_.push_back(label);
    }
  }
  // Keeps only levels above `level` (a table that continues the previous one at a deeper level).
  // What is kept belongs to the previous grid, whose cell indices mean nothing in this one: a
  // kept label must not be taken for a label of this grid spanning rows.
  void KeepAbove(int level) {
    while (!stack_.empty() && stack_.back().level >= level) stack_.pop_back();
    for (PathLabel& p : stack_) p.cell = kEarlierGrid;
  }
  void Clear() { stack_.clear(); }
  const Path& path() const { return stack_; }

 private:
  Path stack_;
};

// Which rules of a dimension match a label, memoised per (dimension, label): the same labels recur
// in every path of a table, and a pattern is the costly part of a match.
class RuleMemo {
 public:
  bool Matches(const Dimension& dim, int rule, const Label& label) {
    const std::vector<int>& matching = Matching(dim, label);
    return std::binary_search(matching.begin(), matching.end(), rule);
  }
  const std::vector<int>& Matching(const Dimension& dim, const Label& label) {
    auto [it, inserted] = memo_.try_emplace({&dim, &label});
    if (inserted) it->second = dim.MatchingRules(label.text);
    return it->second;
  }

 private:
  std::map<std::pair<const Dimension*, const Label*>, std::vector<int>> memo_;
};

bool UnderSatisfied(const Dimension& dim, const LabelRule& rule, const Path& path, size_t at,
                    RuleMemo& memo) {
  if (rule.under < 0) return true;
  for (size_t j = 0; j < at; ++j) {
    if (memo.Matches(dim, rule.under, *path[j].label)) return true;
  }
  return false;
}

// The first rule of `dim` matching path[at] with its context satisfied, or nullptr.
const LabelRule* MatchAt(const Dimension& dim, const Path& path, size_t at, RuleMemo& memo) {
  if (path[at].label->text.empty()) return nullptr;
  for (int r : memo.Matching(dim, *path[at].label)) {
    const LabelRule& rule = dim.rules[r];
    if (UnderSatisfied(dim, rule, path, at, memo)) return &rule;
  }
  return nullptr;
}

struct DimMatch {
  const LabelRule* rule = nullptr;
  int position = -1;
};

// The deepest label of `path` that `dim` matches.
DimMatch MatchDimension(const Dimension& dim, const Path& path, RuleMemo& memo) {
  for (size_t i = path.size(); i-- > 0;) {
    if (const LabelRule* rule = MatchAt(dim, path, i, memo)) return {rule, static_cast<int>(i)};
  }
  return {};
}

// Index of the deepest label that carries meaning (not an empty or note-only label).
int DeepestMeaningful(const Path& path) {
  for (size_t i = path.size(); i-- > 0;) {
    if (!path[i].label->text.empty()) return static_cast<int>(i);
  }
  return -1;
}

// Matches of a dimension against a path, memoised: all values of a row share its row path and all
// values of a column its column path, so each pair is matched once. Looked up by a hash of the
// path's labels, without building a key; the stored labels confirm a hit.
class DimCache {
 public:
  DimMatch Get(const Dimension& dim, const Path& path) {
    size_t hash = std::hash<const void*>()(&dim);
    for (const PathLabel& p : path) hash = hash * 1000003u ^ std::hash<const void*>()(p.label);
    auto [first, last] = cache_.equal_range(hash);
    for (auto it = first; it != last; ++it) {
      if (it->second.dim == &dim && SameLabels(it->second.labels, path)) return it->second.match;
    }
    Entry entry{&dim, {}, MatchDimension(dim, path, rules_)};
    entry.labels.reserve(path.size());
    for (const PathLabel& p : path) entry.labels.push_back(p.label);
    DimMatch match = entry.match;
    cache_.emplace(hash, std::move(entry));
    return match;
  }

 private:
  struct Entry {
    const Dimension* dim;
    std::vector<const Label*> labels;
    DimMatch match;
  };
  static bool SameLabels(const std::vector<const Label*>& labels, const Path& path) {
    if (labels.size() != path.size()) return false;
    for (size_t i = 0; i < labels.size(); ++i) {
      if (labels[i] != path[i].label) return false;
    }
    return true;
  }
  std::unordered_multimap<size_t, Entry> cache_;
  RuleMemo rules_;
};

struct TableMatch {
  std::string field;         // empty when no field
  bool row_ok = false;       // the row path was understood
  bool column_ok = false;    // the column path was understood
  bool by_position = false;  // `field` comes from the row's printed order, not its labels
  int printed_columns = 0;   // values the row's printed order has, when the row was understood
};

bool SearchesRow(Axis axis) { return axis == Axis::kRow || axis == Axis::kAny; }
bool SearchesColumn(Axis axis) { return axis == Axis::kColumn || axis == Axis::kAny; }

// Field of a value with these paths in `table`; `position`/`count` place it among its row's values
// for the positional fallback (count 0: no fallback).
TableMatch MatchInTable(const TableRules& table, const TemplateRules& tmpl, const Path& row,
                        const Path& column, int position, int count, bool positional_first,
                        DimCache& cache) {
  TableMatch result;
  const size_t dims = table.dimensions.size();  // at most kMaxDimensions (checked at load)
  std::array<const std::string*, kMaxDimensions> keys{};
  std::array<DimMatch, kMaxDimensions> row_matches{}, column_matches{};
  bool has_row_dim = false, has_column_dim = false;
  const LabelRule* row_rule = nullptr;
  for (size_t d = 0; d < dims; ++d) {
    const Dimension& dim = table.dimensions[d];
    has_row_dim |= dim.axis == Axis::kRow;
    has_column_dim |= dim.axis == Axis::kColumn;
    if (SearchesColumn(dim.axis)) column_matches[d] = cache.Get(dim, column);
    if (SearchesRow(dim.axis)) row_matches[d] = cache.Get(dim, row);
  }
  // The deepest label of a path must itself be understood: falling back to its parent would put a
  // sub-row's number (其中：…) into the parent's field.
  auto deepest_matched = [&](const Path& path,
                             const std::array<DimMatch, kMaxDimensions>& matches) {
    int deepest = DeepestMeaningful(path);
    if (deepest < 0) return false;
    for (size_t d = 0; d < dims; ++d) {
      if (matches[d].rule && matches[d].position == deepest) return true;
    }
    return false;
  };
  result.row_ok = !has_row_dim || deepest_matched(row, row_matches);
  result.column_ok = !has_column_dim || deepest_matched(column, column_matches);
  bool all_keys = true;
  for (size_t d = 0; d < dims; ++d) {
    const DimMatch& m = column_matches[d].rule ? column_matches[d] : row_matches[d];
    if (table.dimensions[d].axis == Axis::kRow && row_matches[d].rule)
      row_rule = row_matches[d].rule;
    if (!m.rule || m.rule->group) {
      all_keys = false;
      continue;
    }
    keys[d] = &m.rule->key;
  }
  auto join = [&] {
    std::string id;
    for (size_t d = 0; d < dims; ++d) {
      if (d > 0) id += '.';
      id += *keys[d];
    }
    return id;
  };
  // Positional reading: the row's values in the format's printed order.
  std::string positional;
  // Only under a row label that is itself understood, as for the labels' reading: a row whose own
  // label matched nothing ((七)总计 read by OCR under a lost 三、本年度办理结果) is not its
  // parent's row.
  if (count > 0 && ((row_rule && result.row_ok) || !has_row_dim)) {
    const std::vector<std::string>& order =
        row_rule && !row_rule->columns.empty() ? row_rule->columns : table.fallback;
    result.printed_columns = static_cast<int>(order.size());
    if (static_cast<int>(order.size()) == count && position < count) {
      positional =
          row_rule && !row_rule->group ? row_rule->key + "." + order[position] : order[position];
      if (!tmpl.field_units.count(positional)) positional.clear();
    }
  }
  std::string by_labels;
  if (all_keys && result.row_ok && result.column_ok) {
    by_labels = join();
    // A check quantity (小计) is read by its labels only, never by position.
    if (!tmpl.field_units.count(by_labels) && !tmpl.check_units.count(by_labels)) by_labels.clear();
  }
  if (positional_first && !positional.empty()) {
    result.field = positional;
    result.by_position = true;
  } else if (!by_labels.empty()) {
    result.field = by_labels;
  } else if (!positional.empty() && column.empty()) {
    // No header at all above this row: the printed order is the only evidence.
    result.field = positional;
    result.by_position = true;
  }
  if (!result.field.empty()) result.row_ok = result.column_ok = true;
  return result;
}

// --- Grid reading -------------------------------------------------------------------------------

struct GridInfo {
  const Grid* grid;
  std::vector<CellKind> kinds;     // per cell
  std::vector<bool> value_column;  // per column
  std::vector<RowKind> row_kinds;  // per row
};

GridInfo Analyse(const Grid& grid) {
  GridInfo info{&grid,
                {},
                std::vector<bool>(grid.columns, false),
                std::vector<RowKind>(grid.rows, RowKind::kEmpty)};
  info.kinds.reserve(grid.cells.size());
  for (const GridCell& cell : grid.cells) info.kinds.push_back(Classify(cell.text));
  for (size_t i = 0; i < grid.cells.size(); ++i) {
    if (info.kinds[i] != CellKind::kValue) continue;
    if (ParseValue(CollapseSpace(grid.cells[i].text)).kind != CellValue::Kind::kNumber) continue;
    const GridCell& cell = grid.cells[i];
    for (int c = cell.column; c < std::min(grid.columns, cell.column + cell.colspan); ++c)
      info.value_column[c] = true;
  }
  for (int r = 0; r < grid.rows; ++r) {
    bool has_value = false, label_in_value_column = false, has_label = false;
    std::set<int> distinct;
    int first_label = -1;
    for (int c = 0; c < grid.columns; ++c) {
      int index = grid.slots[static_cast<size_t>(r) * grid.columns + c];
      if (index < 0) continue;
      CellKind kind = info.kinds[index];
      if (kind == CellKind::kBlank) continue;
      distinct.insert(index);
      if (kind == CellKind::kValue && grid.cells[index].row == r) has_value = true;
      if (kind == CellKind::kLabel) {
        has_label = true;
        if (first_label < 0) first_label = index;
        if (info.value_column[c]) label_in_value_column = true;
      }
    }
    RowKind kind = RowKind::kEmpty;
    if (has_value) {
      kind = RowKind::kData;
    } else if (distinct.size() == 1 && has_label && label_in_value_column &&
               !info.value_column[grid.cells[first_label].column]) {
      kind = RowKind::kSection;  // one label across the table: 第二十条第（五）项, （三）不予公开 …
    } else if (label_in_value_column && distinct.size() == 1 &&
               grid.cells[first_label].colspan == 1) {
      kind = RowKind::kGroup;  // one narrow label: a row heading shifted right, not a header
    } else if (label_in_value_column) {
      kind = RowKind::kHeader;
    } else if (has_label) {
      kind = RowKind::kGroup;
    }
    info.row_kinds[r] = kind;
  }
  return info;
}

PathLabel MakePathLabel(const Grid& grid, int index, LabelCache& labels) {
  const Label& label = labels.Get(grid.cells[index].text);
  return {&label, index, EffectiveLevel(label)};
}

// Column paths of one header block: for each column, its distinct labels top-down.
using ColumnPaths = std::vector<Path>;

ColumnPaths HeaderPaths(const GridInfo& info, int first, int last, LabelCache& labels) {
  const Grid& grid = *info.grid;
  ColumnPaths paths(grid.columns);
  for (int c = 0; c < grid.columns; ++c) {
    for (int r = first; r <= last; ++r) {
      int index = grid.slots[static_cast<size_t>(r) * grid.columns + c];
      if (index < 0 || info.kinds[index] != CellKind::kLabel) continue;
      if (!paths[c].empty() && paths[c].back().cell == index) continue;
      paths[c].push_back(MakePathLabel(grid, index, labels));
    }
  }
  return paths;
}

struct Candidate {  // a value cell with its context
  int table, row, column;
  int cell;
  Path row_path, column_path;
  int position, count;
  std::string row_unit;
  int slots;  // the row's value cells, blank ones included
};

// Text grids may glue the next line's label to a value ("4\n第二十条第（五）项" when the text
// parser took the section line for a wrapped cell): a value's first line is the cell.
Grid WithoutTrailingLines(const Grid& grid) {
  Grid out = grid;
  for (GridCell& cell : out.cells) {
    size_t newline = cell.text.find('\n');
    if (newline == std::string::npos) continue;
    std::string first = cell.text.substr(0, newline);
    if (Classify(first) == CellKind::kValue && !CollapseSpace(first).empty()) cell.text = first;
  }
  return out;
}

// --- Labels damaged in conversion --------------------------------------------------------------

// The number a numbering gives ("2." → 2, "(三)" → 3, "十一、" → 11); 0 when there is none.
int NumberingValue(const std::string& numbering) {
  static const std::string kDigits[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九"};
  int arabic = 0;
  bool has_arabic = false;
  for (char c : numbering) {
    if (c >= '0' && c <= '9') arabic = arabic * 10 + (c - '0'), has_arabic = true;
  }
  if (has_arabic) return arabic;
  int value = 0, digit = 0;
  for (size_t i = 0; i + 3 <= numbering.size();) {
    std::string ch = numbering.substr(i, 3);
    if (ch == "十") {
      value += (digit == 0 ? 1 : digit) * 10, digit = 0, i += 3;
      continue;
    }
    auto it = std::find(std::begin(kDigits), std::end(kDigits), ch);
    if (it != std::end(kDigits)) {
      digit = static_cast<int>(it - std::begin(kDigits)) + 1, i += 3;
      continue;
    }
    ++i;
  }
  return value + digit;
}

std::vector<std::string> CodePointsOf(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    size_t n = 1;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0xF0)
      n = 4;
    else if (c >= 0xE0)
      n = 3;
    else if (c >= 0xC0)
      n = 2;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

// A damaged label is close to the template's wording when most of the wording's characters are
// in it, in order, and it adds little of its own: "其他法律行政止公开" for
// 其他法律行政法规禁止公开.
bool CloseMatch(const std::string& damaged, const std::string& wording) {
  std::vector<std::string> a = CodePointsOf(damaged), b = CodePointsOf(wording);
  if (a.empty() || b.empty()) return false;
  std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      lcs[i][j] =
          a[i - 1] == b[j - 1] ? lcs[i - 1][j - 1] + 1 : std::max(lcs[i - 1][j], lcs[i][j - 1]);
    }
  }
  double common = lcs[a.size()][b.size()];
  return common >= 0.6 * b.size() && a.size() - common <= 2 && common >= 2;
}

// One character alone, unnumbered: a piece of a label printed vertically.
bool IsStubCharacter(const Label& label) {
  return label.level == kNoNumbering && label.text.size() >= 3 &&
         CodePointsOf(label.text).size() == 1;
}

// The rules of `dim` one level below `parent` (its key plus one part), in file order: the items
// of a block the template fixes, in their printed numbering.
std::vector<const LabelRule*> BlockItems(const Dimension& dim, const LabelRule& parent) {
  std::vector<const LabelRule*> items;
  const std::string prefix = parent.key + ".";
  for (const LabelRule& rule : dim.rules) {
    if (!rule.key.starts_with(prefix)) continue;
    if (rule.key.find('.', prefix.size()) != std::string::npos) continue;
    items.push_back(&rule);
  }
  return items;
}

// The top-level rules of `dim` (no other rule's key is a prefix of theirs), in file order: 表三's
// 一、 to 四、.
std::vector<const LabelRule*> TopLevelItems(const Dimension& dim) {
  std::vector<const LabelRule*> items;
  for (const LabelRule& rule : dim.rules) {
    bool nested = std::any_of(dim.rules.begin(), dim.rules.end(), [&](const LabelRule& other) {
      return &other != &rule && rule.key.starts_with(other.key + ".");
    });
    if (!nested) items.push_back(&rule);
  }
  return items;
}

// A heading printed vertically, one character a line, read back as its numbering and the first
// characters only, blank-separated ("三、 本 年" for 三、本年度办理结果): the top-level item its
// number names, when those characters begin its wording in order.
const LabelRule* VerticalStubItem(const Dimension& dim, const Label& label) {
  if (label.level != kLevelChinese || label.text.empty()) return nullptr;
  std::string rest = label.shown.substr(label.shown.find_first_of(' ') == std::string::npos
                                            ? label.shown.size()
                                            : label.shown.find_first_of(' '));
  size_t tokens = 0;
  for (size_t i = 0; i < rest.size();) {
    while (i < rest.size() && rest[i] == ' ') ++i;
    size_t end = rest.find(' ', i);
    if (end == std::string::npos) end = rest.size();
    if (end > i) {
      if (CodePointsOf(rest.substr(i, end - i)).size() != 1) return nullptr;
      ++tokens;
    }
    i = end;
  }
  if (tokens < 2 || tokens != CodePointsOf(label.text).size()) return nullptr;
  std::vector<const LabelRule*> items = TopLevelItems(dim);
  int number = NumberingValue(label.numbering);
  if (number <= 0 || number > static_cast<int>(items.size())) return nullptr;
  const LabelRule* item = items[number - 1];
  if (item->labels.empty()) return nullptr;
  std::vector<std::string> wording = CodePointsOf(*item->labels.begin());
  std::vector<std::string> printed = CodePointsOf(label.text);
  if (printed.size() > wording.size() ||
      !std::equal(printed.begin(), printed.end(), wording.begin()))
    return nullptr;
  return item;
}

class GridMatcher {
 public:
  GridMatcher(const TemplateRules& tmpl, LabelCache& labels, bool text_input)
      : tmpl_(tmpl), labels_(labels), text_input_(text_input) {
    result_.cells.reserve(tmpl.fields.size());
  }

  MatchResult Run(const std::vector<Grid>& grids) {
    for (size_t t = 0; t < grids.size(); ++t) ReadGrid(static_cast<int>(t), grids[t]);
    ResolveByNumbering();
    return std::move(result_);
  }

 private:
  // A row whose label no rule matched, but whose numbering and parent name an item of a block the
  // template fixes, with a close wording. Decided once every row has been read.
  struct ByNumbering {
    std::string field;
    std::string item;  // the item's key: two rows claiming one item are ambiguous
    MatchedCell cell;
    Unmatched unmatched;
    std::string label;  // as printed
  };

  // The field of candidate `c` if its deepest row label is item n of the block its parent opens.
  std::optional<ByNumbering> ByItemNumber(const Candidate& c, const Unmatched& unmatched,
                                          const GridCell& cell) {
    if (c.row_path.size() < 2) return std::nullopt;
    const PathLabel& deepest = c.row_path.back();
    int number = NumberingValue(deepest.label->numbering);
    if (number <= 0 || deepest.label->text.empty()) return std::nullopt;
    for (const TableRules& table : tmpl_.tables) {
      for (const Dimension& dim : table.dimensions) {
        if (dim.axis != Axis::kRow) continue;
        Path parents(c.row_path.begin(), c.row_path.end() - 1);
        DimMatch parent = dim_cache_.Get(dim, parents);
        if (!parent.rule || parent.position != static_cast<int>(parents.size()) - 1) {
          const LabelRule* stub = VerticalStubItem(dim, *parents.back().label);
          if (!stub) continue;
          parents.back().label =
              &labels_.Get(parents.back().label->numbering + *stub->labels.begin());
          parent = {stub, static_cast<int>(parents.size()) - 1};
        }
        std::vector<const LabelRule*> items = BlockItems(dim, *parent.rule);
        if (number > static_cast<int>(items.size())) continue;
        const LabelRule& item = *items[number - 1];
        if (item.labels.empty() || item.group) continue;
        const std::string& wording = *item.labels.begin();
        if (!CloseMatch(deepest.label->text, wording)) continue;
        // Read the row as if it had the template's wording.
        Path repaired = parents;
        repaired.push_back(deepest);
        repaired.back().label = &labels_.Get(deepest.label->numbering + wording);
        TableMatch m = MatchInTable(table, tmpl_, repaired, c.column_path, c.position, c.count,
                                    text_input_, dim_cache_);
        if (m.field.empty()) continue;
        std::string label = PathText(c.row_path) + " | " + PathText(c.column_path);
        return ByNumbering{
            m.field, item.key,
            MatchedCell{m.field,
                        FieldCell{CollapseSpace(cell.text), label, c.table, c.row, c.column},
                        c.row_unit},
            unmatched, PathText(c.row_path)};
      }
    }
    return std::nullopt;
  }

  void ResolveByNumbering() {
    std::map<std::string, std::set<std::pair<int, int>>> rows_by_item;  // item → (table, row)
    for (const ByNumbering& b : by_numbering_)
      rows_by_item[b.item].insert({b.cell.cell.table, b.cell.cell.row});
    std::set<std::string> warned;
    for (ByNumbering& b : by_numbering_) {
      bool claimed = seen_.contains(b.field) || rows_by_item[b.item].size() > 1;
      if (claimed) {
        if (reported_.insert(b.unmatched.kind + "\n" + b.unmatched.label).second)
          result_.unmatched.push_back(b.unmatched);
        continue;
      }
      seen_.emplace(b.field, static_cast<int>(result_.cells.size()));
      if (warned.insert(b.item + "\n" + b.label).second) {
        result_.warnings.push_back("table " + std::to_string(b.cell.cell.table) + " row " +
                                   std::to_string(b.cell.cell.row) + ": matched_by_numbering \"" +
                                   b.label + "\" read as " + b.item);
      }
      result_.cells.push_back(std::move(b.cell));
    }
  }

  void ReadGrid(int table, const Grid& original) {
    if (original.rows == 0 || original.columns == 0) return;
    Grid cleaned;
    const Grid& grid = text_input_ ? (cleaned = WithoutTrailingLines(original)) : original;
    GridInfo info = Analyse(grid);
    bool first_label_seen = false;
    int header_first = -1, header_last = -1;
    ColumnPaths header;
    bool own_header = false, saw_data = false;
    // Text grids break where the text parser saw a gap: values wrapped below the previous grid's
    // last label still belong to it.
    RowKind last_kind = text_input_ ? previous_grid_last_kind_ : RowKind::kEmpty;
    // Text grids have no spans except a first row that the one-cell-per-line builder made of
    // header lines it could not place under their columns: the table has a header of its own, so
    // the previous table's must not carry over (its units least of all).
    const GridCell* first = grid.At(0, 0);
    bool unplaced_header = text_input_ && first && first->colspan == grid.columns &&
                           grid.columns > 1 && info.row_kinds[0] == RowKind::kSection;
    int matched_before = static_cast<int>(result_.cells.size());
    std::vector<Unmatched> unmatched;
    std::vector<int> last_row_columns;  // of the last row of values read under this grid's header
    for (int r = 0; r < grid.rows; ++r) {
      RowKind kind = info.row_kinds[r];
      if (kind == RowKind::kHeader) {
        if (header_last != r - 1 || header_first < 0) header_first = r;
        header_last = r;
        header = HeaderPaths(info, header_first, header_last, labels_);
        own_header = true;
        last_kind = kind;
        continue;
      }
      if (kind == RowKind::kEmpty) continue;
      // This row's labels: left of its first value (all of them for a section or group row).
      Path row_labels;
      std::vector<int> value_cells;
      std::string row_unit;
      for (int c = 0; c < grid.columns; ++c) {
        int index = grid.slots[static_cast<size_t>(r) * grid.columns + c];
        if (index < 0) continue;
        CellKind cell_kind = info.kinds[index];
        bool in_value_column = info.value_column[c];
        if (cell_kind == CellKind::kUnit) {
          row_unit = CollapseSpace(grid.cells[index].text);
        } else if (kind == RowKind::kData && in_value_column &&
                   (cell_kind == CellKind::kValue || cell_kind == CellKind::kBlank ||
                    cell_kind == CellKind::kLabel) &&
                   grid.cells[index].row == r && grid.cells[index].column == c) {
          // Blank slots before the row's first label or value belong to nothing.
          if (cell_kind == CellKind::kBlank && value_cells.empty() && row_labels.empty()) continue;
          if (cell_kind == CellKind::kLabel && value_cells.empty()) {
            if (row_labels.empty() || row_labels.back().cell != index)
              row_labels.push_back(MakePathLabel(grid, index, labels_));
            continue;
          }
          value_cells.push_back(index);
        } else if (cell_kind == CellKind::kLabel && value_cells.empty()) {
          if (row_labels.empty() || row_labels.back().cell != index)
            row_labels.push_back(MakePathLabel(grid, index, labels_));
        }
      }
      // Drop note-only labels: they explain, they do not name.
      std::erase_if(row_labels, [](const PathLabel& p) { return p.label->text.empty(); });
      // A vertical stub printed one character a line (三、本年度办理结果 in a PDF's text layer)
      // scatters single characters beside the rows' own labels: they name nothing.
      if (row_labels.size() > 1) {
        PathLabel own = row_labels.back();
        row_labels.pop_back();
        std::erase_if(row_labels, [](const PathLabel& p) { return IsStubCharacter(*p.label); });
        row_labels.push_back(own);
      }
      if (!row_labels.empty()) {
        if (!first_label_seen) {
          first_label_seen = true;
          // A table that starts below the top level continues the previous table's hierarchy.
          const PathLabel& first = row_labels.front();
          if (first.label->level > kLevelChinese && first.label->level != kNoNumbering &&
              !own_header) {
            stack_.KeepAbove(first.level);
          } else {
            stack_.Clear();
          }
        }
        stack_.PushRow(row_labels);
      }
      RowKind previous_kind = last_kind;
      last_kind = kind;
      if (kind != RowKind::kData) continue;
      saw_data = true;
      // A row of values under a row of labels alone: the label wrapped and its values went to the
      // next line (pdftotext -layout).
      bool wrapped = row_labels.empty() && previous_kind == RowKind::kGroup;
      Path row_path = row_labels.empty() && !wrapped ? Path() : stack_.path();
      const ColumnPaths* columns =
          own_header ? &header : (inherited_.empty() || unplaced_header ? nullptr : &inherited_);
      int offset = own_header || !columns ? 0 : inherited_columns_ - grid.columns;
      std::vector<int> header_columns;  // the column of `columns` each value is read under
      for (int index : value_cells) header_columns.push_back(grid.cells[index].column + offset);
      if (columns == &inherited_ && !text_input_ &&
          !AlignUnderInheritedHeader(table, r, row_path, &header_columns))
        continue;
      if (own_header && !value_cells.empty()) last_row_columns = header_columns;
      // Text rows are read positionally by their printed values: blank slots are alignment noise.
      int count = 0;
      std::vector<int> positions;
      for (int index : value_cells) {
        bool counts = !text_input_ || info.kinds[index] != CellKind::kBlank;
        positions.push_back(counts ? count++ : -1);
      }
      for (size_t i = 0; i < value_cells.size(); ++i) {
        if (positions[i] < 0) continue;  // a blank alignment slot of a text row
        const GridCell& cell = grid.cells[value_cells[i]];
        Path column_path;
        int c = header_columns[i];
        if (columns && c >= 0 && c < static_cast<int>(columns->size())) column_path = (*columns)[c];
        Candidate candidate{table,        r,
                            cell.column,  value_cells[i],
                            row_path,     column_path,
                            positions[i], count,
                            row_unit,     static_cast<int>(value_cells.size())};
        Resolve(grid, candidate, &unmatched);
      }
    }
    previous_grid_last_kind_ = last_kind;
    if (own_header) {
      inherited_ = header;
      inherited_columns_ = grid.columns;
      inherited_value_columns_ = std::move(last_row_columns);
    } else if (!saw_data || unplaced_header) {
      inherited_.clear();  // what came before does not continue here
    }
    // Unmatched rows only count in a statistics table: one where something matched.
    if (static_cast<int>(result_.cells.size()) > matched_before) {
      for (Unmatched& u : unmatched) {
        if (reported_.insert(u.kind + "\n" + u.label).second)
          result_.unmatched.push_back(std::move(u));
      }
    }
  }

  // A table continued without its header (a page break in a Word or PDF copy) has rows pushed
  // sideways by the spans they lost or kept, so the previous table's width says nothing of where a
  // row's values stand. A row with as many value cells as the last row read under that header is
  // read under the same columns, in order; any other row is left null, with a warning (false).
  bool AlignUnderInheritedHeader(int table, int row, const Path& row_path,
                                 std::vector<int>* header_columns) {
    if (header_columns->size() == inherited_value_columns_.size()) {
      *header_columns = inherited_value_columns_;
      return true;
    }
    result_.warnings.push_back("table " + std::to_string(table) + " row " + std::to_string(row) +
                               ": " + std::to_string(header_columns->size()) +
                               " value cells of \"" + PathText(row_path) +
                               "\" where the rows of the table it continues have " +
                               std::to_string(inherited_value_columns_.size()) +
                               ": they do not line up under its header, so the row is left null");
    return false;
  }

  void Resolve(const Grid& grid, const Candidate& c, std::vector<Unmatched>* unmatched) {
    TableMatch best;
    bool any_row = false;
    for (const TableRules& table : tmpl_.tables) {
      TableMatch m = MatchInTable(table, tmpl_, c.row_path, c.column_path, c.position, c.count,
                                  text_input_, dim_cache_);
      bool has_row_dim = std::any_of(table.dimensions.begin(), table.dimensions.end(),
                                     [](const Dimension& d) { return d.axis == Axis::kRow; });
      // A table with row rules understood the row. The transposed copies (named so by the loader,
      // rules.cc) know applicant labels as rows: they do not make an outcome row understood.
      any_row |= has_row_dim && m.row_ok && !table.name.ends_with("_transposed");
      if (!m.field.empty()) {
        best = m;
        break;
      }
    }
    const GridCell& cell = grid.cells[c.cell];
    std::string label = PathText(c.row_path) + " | " + PathText(c.column_path);
    if (best.field.empty()) {
      bool row_problem = !any_row && !c.row_path.empty();
      Unmatched u{row_problem ? "row" : "column", row_problem ? PathText(c.row_path) : label,
                  c.table, c.row, c.column};
      if (row_problem) {
        if (std::optional<ByNumbering> b = ByItemNumber(c, u, cell)) {
          by_numbering_.push_back(std::move(*b));
          return;
        }
      }
      unmatched->push_back(std::move(u));
      return;
    }
    // A text row with fewer value cells than its printed order has columns lost one (a copy that
    // dropped a blank cell): its values cannot be told apart, and read by a header they would land
    // one column off.
    if (text_input_ && !best.by_position && best.printed_columns > c.slots) {
      if (short_rows_.insert({c.table, c.row}).second) {
        result_.warnings.push_back(
            "table " + std::to_string(c.table) + " row " + std::to_string(c.row) + ": " +
            std::to_string(c.slots) + " value cells where \"" + PathText(c.row_path) + "\" has " +
            std::to_string(best.printed_columns) +
            " columns (a cell lost?): which value is whose is unknown, the row is left null");
      }
      return;
    }
    auto [it, inserted] = seen_.emplace(best.field, static_cast<int>(result_.cells.size()));
    if (!inserted) {
      const FieldCell& first = result_.cells[it->second].cell;
      if (CollapseSpace(first.raw) != CollapseSpace(cell.text)) {
        result_.warnings.push_back(
            "table " + std::to_string(c.table) + " row " + std::to_string(c.row) + " column " +
            std::to_string(c.column) + ": " + best.field + " printed again as \"" +
            CollapseSpace(cell.text) + "\" (first \"" + first.raw + "\" kept)");
      }
      return;
    }
    std::string unit = c.row_unit;
    for (const Path* path : {&c.row_path, &c.column_path}) {
      for (const PathLabel& p : *path) {
        if (!p.label->unit.empty()) unit = p.label->unit;
      }
    }
    result_.cells.push_back(
        {best.field,
         FieldCell{CollapseSpace(cell.text), label, c.table, c.row, c.column, cell.page, cell.ocr},
         unit});
  }

  const TemplateRules& tmpl_;
  LabelCache& labels_;
  bool text_input_;
  MatchResult result_;
  RowStack stack_;
  ColumnPaths inherited_;
  int inherited_columns_ = 0;
  std::vector<int> inherited_value_columns_;  // of the last row of values read under inherited_
  RowKind previous_grid_last_kind_ = RowKind::kEmpty;
  DimCache dim_cache_;
  std::map<std::string, int> seen_;
  std::set<std::string> reported_;
  std::vector<ByNumbering> by_numbering_;
  std::set<std::pair<int, int>> short_rows_;  // (table, row) warned of as short
};

// --- List reading (legacy) ----------------------------------------------------------------------

class ListMatcher {
 public:
  ListMatcher(const TemplateRules& tmpl, LabelCache& labels) : tmpl_(tmpl), labels_(labels) {
    result_.cells.reserve(tmpl.fields.size());
  }

  MatchResult Run(const std::vector<Grid>& grids) {
    for (size_t t = 0; t < grids.size(); ++t) ReadGrid(static_cast<int>(t), grids[t]);
    return std::move(result_);
  }

 private:
  struct Pending {
    bool active = false;
    std::string raw;  // the label as printed, continuation lines joined
    std::string unit;
  };

  void ReadGrid(int table, const Grid& grid) {
    cumulative_column_ = -1;
    code_column_ = -1;
    grid_columns_ = grid.columns;
    for (int r = 0; r < grid.rows; ++r) {
      for (int c = 0; c < grid.columns; ++c) {
        int index = grid.slots[static_cast<size_t>(r) * grid.columns + c];
        if (index < 0) continue;
        const GridCell& cell = grid.cells[index];
        if (cell.row != r || cell.column != c) continue;  // read each cell once, at its origin
        Token(table, cell);
      }
    }
  }

  void Token(int table, const GridCell& cell) {
    std::string text = CollapseSpace(cell.text);
    if (text.empty()) return;
    CellKind kind = Classify(text);
    if (kind == CellKind::kUnit) {
      pending_.unit = text;
      return;
    }
    if (kind == CellKind::kValue) {
      // 历年累计: the years up to now, never the report year's figure; 代码: the row's code.
      if (cell.column == cumulative_column_ || cell.column == code_column_) return;
      if (pending_.active) Value(table, cell, text);
      pending_.active = false;
      return;
    }
    // A cell may hold several lines: a label and its wrapped note.
    const Label& label = labels_.Get(cell.text);
    bool continuation = label.note_only || (label.closes_note && last_opened_note_);
    if (continuation && pending_.active) {
      pending_.raw += text;
      last_opened_note_ = label.opens_note;
      return;
    }
    last_opened_note_ = label.opens_note;
    if (label.text.empty()) return;
    if (IsCumulativeHeader(label.text)) {
      cumulative_column_ = cell.column;
      return;
    }
    if (IsCodeHeader(label.text) && grid_columns_ > 1) {  // a text list has no columns
      code_column_ = cell.column;
      return;
    }
    if (label.text == "统计数") column_label_ = text;  // the value column's header
    stack_.PushRow({PathLabel{&label, next_id_++, EffectiveLevel(label)}});
    pending_ = Pending{true, text, ""};
  }

  void Value(int table, const GridCell& cell, const std::string& text) {
    const Path& path = stack_.path();
    const TableRules& rules = tmpl_.tables.front();
    DimMatch m;
    if (!path.empty()) {
      const LabelRule* rule = MatchAt(rules.dimensions.front(), path, path.size() - 1, memo_);
      m = {rule, static_cast<int>(path.size()) - 1};
    }
    bool is_number = ParseValue(text).kind == CellValue::Kind::kNumber;
    if (!m.rule) {
      // Statistic rows the rules do not know; prose before the table is not one.
      if (started_ && is_number) {
        if (reported_.insert(PathText(path)).second) {
          result_.unmatched.push_back({"row", PathText(path), table, cell.row, cell.column});
        }
      }
      return;
    }
    started_ = true;
    if (m.rule->group) return;
    const std::string& field = m.rule->key;
    if (!seen_.insert(field).second) {
      result_.warnings.push_back("table " + std::to_string(table) + " row " +
                                 std::to_string(cell.row) + ": " + field +
                                 " printed again under \"" + pending_.raw + "\" (first kept)");
      return;
    }
    // The deepest level as printed, with its wrapped continuation lines.
    Path parents(path.begin(), path.end() - 1);
    std::string label = PathText(parents);
    label += (label.empty() ? "" : "/") + pending_.raw + " | " + column_label_;
    std::string unit = pending_.unit;
    if (unit.empty()) unit = path.back().label->unit;
    result_.cells.push_back(
        {field, FieldCell{text, label, table, cell.row, cell.column, cell.page, cell.ocr}, unit});
  }

  // The header of a column of totals over the years (历年累计, 累计数).
  static bool IsCumulativeHeader(const std::string& text) {
    return text.starts_with("历年") || text == "累计" || text == "累计数" || text == "累计总数";
  }

  // The header of a column of row codes (定西's 统计报表: 指标名称 | 计量单位 | 代码 | 本期实际 |
  // 本年累计, 主动公开信息数 | 条 | 01 | …): 01 is the row's number, not its value.
  static bool IsCodeHeader(const std::string& text) {
    return text == "代码" || text == "指标代码" || text == "行次" || text == "栏次";
  }

  const TemplateRules& tmpl_;
  LabelCache& labels_;
  MatchResult result_;
  RowStack stack_;
  Pending pending_;
  int cumulative_column_ = -1;  // grid column of 历年累计 in the grid being read, or -1
  int code_column_ = -1;        // grid column of 代码 in the grid being read, or -1
  int grid_columns_ = 0;
  bool last_opened_note_ = false;
  bool started_ = false;
  int next_id_ = 0;
  std::string column_label_;
  std::set<std::string> seen_;
  std::set<std::string> reported_;
  RuleMemo memo_;
};

}  // namespace

namespace {

// Every marker of every template, found in one pass over each distinct label (an RE2::Set of the
// literal markers), instead of one search per marker and label.
class MarkerSearch {
 public:
  explicit MarkerSearch(const RuleSet& rules) : set_(RE2::DefaultOptions, RE2::UNANCHORED) {
    for (const TemplateRules& tmpl : rules.templates()) {
      for (const std::string& marker : tmpl.markers) {
        if (index_.try_emplace(marker, static_cast<int>(markers_.size())).second)
          markers_.push_back(&marker);
      }
    }
    for (const std::string* marker : markers_) set_.Add(RE2::QuoteMeta(*marker), nullptr);
    compiled_ = !markers_.empty() && set_.Compile();
    found_.assign(markers_.size(), false);
  }

  // Searches Clean(raw). Only the clean text is made: a page of a million distinct cells and no
  // template is never parsed into a million Labels (those are parsed for the template's matching).
  void Search(const std::string& raw, const Normalizer& normalizer) {
    if (!compiled_ || !searched_.insert(raw).second) return;  // a label met before adds nothing
    std::string text = normalizer.Clean(raw);
    std::vector<int> hits;
    RE2::Set::ErrorInfo error;
    if (set_.Match(text, &hits, &error)) {
      for (int hit : hits) found_[hit] = true;
    } else if (error.kind != RE2::Set::kNoError) {  // the DFA ran out of memory: search plainly
      for (size_t i = 0; i < markers_.size(); ++i)
        found_[i] = found_[i] || text.find(*markers_[i]) != std::string::npos;
    }
  }

  bool Found(const std::string& marker) const {
    auto it = index_.find(marker);
    return it != index_.end() && found_[it->second];
  }

 private:
  RE2::Set set_;
  bool compiled_ = false;
  std::vector<const std::string*> markers_;
  std::unordered_map<std::string, int> index_;
  std::vector<bool> found_;
  std::unordered_set<std::string_view> searched_;  // views of the grids' cell texts
};

}  // namespace

const TemplateRules* DetectTemplate(const std::vector<Grid>& grids, const RuleSet& rules,
                                    LabelCache& /*labels: parsed by the matching only*/,
                                    std::optional<int> year, const std::atomic<bool>* cancel) {
  MarkerSearch search(rules);
  for (const Grid& grid : grids) {
    for (const GridCell& cell : grid.cells) {
      if (cancel && cancel->load(std::memory_order_relaxed)) return nullptr;
      if (cell.text.size() > 400) continue;  // prose, not a label
      // Markers are Chinese: a cell of ASCII alone (a number, a dash) holds none.
      if (std::all_of(cell.text.begin(), cell.text.end(), [](char c) { return !(c & 0x80); }))
        continue;
      if (IsBinaryNoise(cell.text)) continue;  // no label in any script (random bytes)
      search.Search(cell.text, rules.normalizer());
    }
  }
  const TemplateRules* best = nullptr;
  int best_score = 0;
  for (const TemplateRules& tmpl : rules.templates()) {
    int score = 0;
    for (const std::string& marker : tmpl.markers) score += search.Found(marker);
    if (score < tmpl.min_markers) continue;
    bool in_years = year && *year >= tmpl.first_year && *year <= tmpl.last_year;
    bool best_in_years = best && year && *year >= best->first_year && *year <= best->last_year;
    if (score > best_score || (score == best_score && in_years && !best_in_years) ||
        (score == best_score && !year && best && tmpl.first_year > best->first_year)) {
      best = &tmpl;
      best_score = score;
    }
  }
  return best;
}

MatchResult MatchGrids(const std::vector<Grid>& grids, const TemplateRules& tmpl,
                       LabelCache& labels, bool text_input) {
  if (tmpl.list_layout) return ListMatcher(tmpl, labels).Run(grids);
  return GridMatcher(tmpl, labels, text_input).Run(grids);
}

}  // namespace nianbao
