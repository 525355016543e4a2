#include "extract/map/glued.h"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "extract/map/checks.h"
#include "extract/map/match.h"
#include "extract/map/values.h"

namespace nianbao {
namespace {

constexpr size_t kMaxSplitsPerRow = 20000;
constexpr size_t kMaxCombinations = 20000;

using Position = std::tuple<int, int, int>;  // table, row, column

// One row of a glued grid: its label (if any) and its digit run (if any), then what became of it.
struct GluedRow {
  int table = 0, row = 0;
  const GridCell* label = nullptr;
  std::string run;
  int count = 0;                                 // cells the run holds; 0: unknown
  std::vector<std::vector<std::string>> splits;  // candidates still possible
  std::vector<std::string> fields;               // field of each cell, "" when none
  std::optional<size_t> chosen;                  // index into splits
  std::string why;                               // why it stays unsplit
};

void SplitInto(const std::string& digits, size_t at, int count, size_t limit,
               std::vector<std::string>* parts, std::vector<std::vector<std::string>>* out,
               bool* complete) {
  if (out->size() >= limit) {
    *complete = false;
    return;
  }
  size_t left = digits.size() - at;
  if (count == 1) {
    if (left == 0 || (left > 1 && digits[at] == '0')) return;
    parts->push_back(digits.substr(at));
    out->push_back(*parts);
    parts->pop_back();
    return;
  }
  size_t longest = digits[at] == '0' ? 1 : left - (count - 1);
  for (size_t len = 1; len <= longest && left - len >= static_cast<size_t>(count - 1); ++len) {
    parts->push_back(digits.substr(at, len));
    SplitInto(digits, at + len, count - 1, limit, parts, out, complete);
    parts->pop_back();
  }
}

// The number of cells a row with this label holds: a 表二 row's own column list, or the column
// order of a table whose rows are labelled; a row without label holds a table's values whose
// dimensions are all in its header (表四). 0 when the label names no row, or tables disagree.
int CellCount(const GridCell* label, const TemplateRules& tmpl, LabelCache& labels) {
  std::set<size_t> counts;
  for (const TableRules& table : tmpl.tables) {
    bool has_row_dimension = false;
    for (const Dimension& dim : table.dimensions) {
      if (dim.axis != Axis::kRow) continue;
      has_row_dimension = true;
      if (!label) continue;
      for (int index : dim.MatchingRules(labels.Get(label->text).text)) {
        const LabelRule& rule = dim.rules[index];
        if (rule.group) continue;
        size_t n = rule.columns.empty() ? table.fallback.size() : rule.columns.size();
        if (n > 0) counts.insert(n);
      }
    }
    if (!label && !has_row_dimension && !table.fallback.empty())
      counts.insert(table.fallback.size());
  }
  return counts.size() == 1 ? static_cast<int>(*counts.begin()) : 0;
}

// `original` with each row's value cells replaced by `cells_by_row`.
Grid BuildGrid(const Grid& original, const std::vector<std::vector<std::string>>& cells_by_row) {
  Grid grid;
  grid.glued = true;
  grid.rows = original.rows;
  grid.columns = 1;
  for (const auto& cells : cells_by_row)
    grid.columns = std::max<int>(grid.columns, 1 + cells.size());
  grid.slots.assign(static_cast<size_t>(grid.rows) * grid.columns, -1);
  auto add = [&](int r, int c, std::string text) {
    GridCell cell;
    cell.text = std::move(text);
    cell.row = r;
    cell.column = c;
    grid.slots[static_cast<size_t>(r) * grid.columns + c] = static_cast<int>(grid.cells.size());
    grid.cells.push_back(std::move(cell));
  };
  for (int r = 0; r < original.rows; ++r) {
    if (const GridCell* label = original.At(r, 0)) add(r, 0, label->text);
    for (size_t c = 0; c < cells_by_row[r].size(); ++c) add(r, 1 + c, cells_by_row[r][c]);
  }
  return grid;
}

// The cells each row of glued grid `table` holds: the chosen split, else the run in each cell.
std::vector<std::vector<std::string>> RowCells(const Grid& grid, int table,
                                               const std::vector<GluedRow>& rows, bool trial) {
  std::vector<std::vector<std::string>> cells(grid.rows);
  for (int r = 0; r < grid.rows; ++r) {
    if (const GridCell* run = grid.At(r, 1)) cells[r] = {run->text};
  }
  for (const GluedRow& row : rows) {
    if (row.table != table || row.count == 0) continue;
    if (row.chosen) {
      cells[row.row] = row.splits[*row.chosen];
    } else if (trial && !row.splits.empty()) {
      cells[row.row] = row.splits.front();
    } else {
      cells[row.row].assign(row.count, row.run);
    }
  }
  return cells;
}

std::vector<std::string> IdentityFields(const Identity& identity) {
  std::vector<std::string> fields = {identity.total};
  for (const Term& term : identity.terms) {
    for (const auto& alternative : term.alternatives) {
      fields.insert(fields.end(), alternative.begin(), alternative.end());
    }
  }
  return fields;
}

class Solver {
 public:
  Solver(const TemplateRules& tmpl, const std::vector<Identity>& identities,
         std::unordered_map<std::string, Value> values)
      : tmpl_(tmpl), values_(std::move(values)) {
    for (const Identity& identity : identities) {
      if (std::find(identity.templates.begin(), identity.templates.end(), tmpl.id) ==
          identity.templates.end())
        continue;
      identities_.push_back(&identity);
      fields_.push_back(IdentityFields(identity));
    }
  }

  void Fix(const GluedRow& row, const std::vector<std::string>& split) {
    for (size_t c = 0; c < row.fields.size(); ++c) {
      if (!row.fields[c].empty()) values_[row.fields[c]] = std::stod(split[c]);
    }
  }
  void Unfix(const GluedRow& row) {
    for (const std::string& field : row.fields) {
      if (!field.empty()) values_.erase(field);
    }
  }
  // False when an identity that involves `row` fails, among those whose other fields are not
  // `open` (fields of rows not yet decided).
  bool Holds(const GluedRow& row, const std::unordered_set<std::string>& open) const {
    std::unordered_set<std::string> mine(row.fields.begin(), row.fields.end());
    for (size_t i = 0; i < identities_.size(); ++i) {
      const auto& fields = fields_[i];
      bool involves = std::any_of(fields.begin(), fields.end(),
                                  [&](const std::string& f) { return mine.contains(f); });
      bool decided = std::none_of(fields.begin(), fields.end(), [&](const std::string& f) {
        return open.contains(f) && !mine.contains(f);
      });
      if (involves && decided && Fails(*identities_[i])) return false;
    }
    return true;
  }

 private:
  bool Fails(const Identity& identity) const {
    return !RunChecks({identity}, tmpl_.id, values_).failures.empty();
  }
  const TemplateRules& tmpl_;
  std::unordered_map<std::string, Value> values_;
  std::vector<const Identity*> identities_;
  std::vector<std::vector<std::string>> fields_;
};

// `unknown`: fields of rows that cannot be split at all; they never decide an identity.
void Enumerate(std::vector<GluedRow*>& open, size_t at, Solver& solver,
               const std::unordered_set<std::string>& unknown, std::vector<size_t>& pick,
               std::vector<std::set<size_t>>& seen, size_t* visited, size_t* solutions) {
  if (*visited >= kMaxCombinations) return;
  if (at == open.size()) {
    ++*solutions;
    for (size_t i = 0; i < open.size(); ++i) seen[i].insert(pick[i]);
    return;
  }
  GluedRow& row = *open[at];
  // Fields of the rows after this one are still open.
  std::unordered_set<std::string> later = unknown;
  for (size_t i = at + 1; i < open.size(); ++i)
    later.insert(open[i]->fields.begin(), open[i]->fields.end());
  for (size_t s = 0; s < row.splits.size(); ++s) {
    ++*visited;
    solver.Fix(row, row.splits[s]);
    if (solver.Holds(row, later)) {
      pick[at] = s;
      Enumerate(open, at + 1, solver, unknown, pick, seen, visited, solutions);
    }
    solver.Unfix(row);
    if (*visited >= kMaxCombinations) return;
  }
}

std::string RowName(const GluedRow& row) {
  return "table " + std::to_string(row.table) + " row " + std::to_string(row.row) +
         (row.label ? " (" + row.label->text + ")" : std::string());
}

}  // namespace

namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The pieces of a run cut at its blanks and before each minus sign, both certain cell boundaries:
// "35-15" → {"35", "-15"}, "230 000023" → {"230", "000023"}. Empty when a sign is not followed by a
// digit.
std::vector<std::string> RunPieces(const std::string& run) {
  std::vector<std::string> pieces;
  std::string piece;
  auto close = [&] {
    if (!piece.empty()) pieces.push_back(std::move(piece));
    piece.clear();
  };
  for (char c : run) {
    if (c == ' ' || c == '\t') {
      close();
    } else if (c == '-') {
      close();
      piece = "-";
    } else {
      piece += c;
    }
  }
  close();
  for (const std::string& p : pieces) {
    if (!AllDigits(p[0] == '-' ? std::string_view(p).substr(1) : std::string_view(p))) return {};
  }
  return pieces;
}

// Every split of pieces[at…] into `count` numbers, each piece into at least one; a piece's sign
// goes with its first number.
void SplitPieces(const std::vector<std::string>& pieces, size_t at, int count, size_t limit,
                 std::vector<std::string>* parts, std::vector<std::vector<std::string>>* out,
                 bool* complete) {
  int pieces_left = static_cast<int>(pieces.size() - at);
  if (pieces_left == 0) {
    if (count == 0) out->push_back(*parts);
    return;
  }
  bool negative = pieces[at][0] == '-';
  std::string digits = negative ? pieces[at].substr(1) : pieces[at];
  for (int k = 1; k <= count - (pieces_left - 1); ++k) {
    bool piece_complete = true;
    for (std::vector<std::string>& split : SplitDigits(digits, k, limit, &piece_complete)) {
      if (out->size() >= limit) {
        *complete = false;
        return;
      }
      if (negative) split[0].insert(0, "-");
      size_t before = parts->size();
      parts->insert(parts->end(), split.begin(), split.end());
      SplitPieces(pieces, at + 1, count - k, limit, parts, out, complete);
      parts->resize(before);
    }
    if (!piece_complete) *complete = false;
  }
}

}  // namespace

std::vector<std::vector<std::string>> SplitDigits(const std::string& digits, int count,
                                                  size_t limit, bool* complete) {
  std::vector<std::vector<std::string>> out;
  *complete = true;
  if (count <= 0) return out;
  if (!AllDigits(digits)) {
    if (digits.find_first_of("- \t") != std::string::npos &&
        digits.find('.') == std::string::npos) {
      std::vector<std::string> pieces = RunPieces(digits);
      std::vector<std::string> parts;
      if (!pieces.empty()) SplitPieces(pieces, 0, count, limit, &parts, &out, complete);
      return out;
    }
    if (count == 1) out.push_back({digits});  // a decimal is one cell
    return out;
  }
  if (digits.size() < static_cast<size_t>(count)) return out;
  std::vector<std::string> parts;
  SplitInto(digits, 0, count, limit, &parts, &out, complete);
  return out;
}

GluedSplit SplitGluedRuns(std::vector<Grid>* grids, const TemplateRules& tmpl,
                          const std::vector<Identity>& identities, LabelCache& labels) {
  GluedSplit result;
  std::vector<GluedRow> rows;
  for (int t = 0; t < static_cast<int>(grids->size()); ++t) {
    const Grid& grid = (*grids)[t];
    if (!grid.glued) continue;
    for (int r = 0; r < grid.rows; ++r) {
      const GridCell* run = grid.At(r, 1);
      if (!run) continue;
      GluedRow row;
      row.table = t;
      row.row = r;
      row.label = grid.At(r, 0);
      row.run = run->text;
      row.count = tmpl.list_layout ? 1 : CellCount(row.label, tmpl, labels);
      if (row.count == 0) continue;  // no row of the format: left for the matcher to report
      bool complete = true;
      row.splits = SplitDigits(row.run, row.count, kMaxSplitsPerRow, &complete);
      if (!complete) row.splits.clear(), row.why = "too many ways to split it";
      if (row.splits.empty() && row.why.empty()) {
        row.why = "no " + std::to_string(row.count) + " numbers without leading zeros make it";
      }
      if (row.splits.size() == 1) row.chosen = 0;
      rows.push_back(std::move(row));
    }
  }
  if (rows.empty()) return result;

  // Each cell's field, from matching a trial split (the fields depend on positions, not digits).
  std::vector<Grid> trial = *grids;
  for (int t = 0; t < static_cast<int>(trial.size()); ++t) {
    if (trial[t].glued) trial[t] = BuildGrid((*grids)[t], RowCells((*grids)[t], t, rows, true));
  }
  MatchResult match = MatchGrids(trial, tmpl, labels, true);
  std::map<Position, std::string> field_at;
  std::unordered_map<std::string, Value> values;
  std::set<std::pair<int, int>> glued_rows;
  for (const GluedRow& row : rows) glued_rows.insert({row.table, row.row});
  for (const MatchedCell& m : match.cells) {
    field_at[{m.cell.table, m.cell.row, m.cell.column}] = m.field;
    if (glued_rows.contains({m.cell.table, m.cell.row})) continue;
    CellValue v = ParseValue(m.cell.raw);
    values[m.field] = v.kind == CellValue::Kind::kNumber ? Value(v.number) : Value();
  }
  std::unordered_set<std::string> open_fields;
  for (GluedRow& row : rows) {
    for (int c = 0; c < row.count; ++c) {
      auto it = field_at.find({row.table, row.row, 1 + c});
      row.fields.push_back(it == field_at.end() ? "" : it->second);
    }
    if (!row.chosen) open_fields.insert(row.fields.begin(), row.fields.end());
  }
  open_fields.erase("");
  Solver solver(tmpl, identities, std::move(values));
  for (const GluedRow& row : rows) {
    if (row.chosen) solver.Fix(row, row.splits[*row.chosen]);
  }
  // Each open row alone first: identities over it and decided rows only.
  std::vector<GluedRow*> open;
  for (GluedRow& row : rows) {
    if (row.chosen || row.splits.empty()) continue;
    std::vector<std::vector<std::string>> kept;
    for (const auto& split : row.splits) {
      solver.Fix(row, split);
      if (solver.Holds(row, open_fields)) kept.push_back(split);
      solver.Unfix(row);
    }
    row.splits = std::move(kept);
    if (row.splits.empty()) row.why = "no split satisfies the sum identities";
    if (row.splits.size() == 1) {
      row.chosen = 0;
      solver.Fix(row, row.splits[0]);
      for (const std::string& f : row.fields) open_fields.erase(f);
    } else if (!row.splits.empty()) {
      open.push_back(&row);
    }
  }
  // Then the open rows together.
  if (!open.empty()) {
    std::vector<size_t> pick(open.size());
    std::vector<std::set<size_t>> seen(open.size());
    size_t visited = 0, solutions = 0;
    std::unordered_set<std::string> unknown;
    for (const GluedRow& row : rows) {
      if (!row.chosen && row.splits.empty()) unknown.insert(row.fields.begin(), row.fields.end());
    }
    unknown.erase("");
    Enumerate(open, 0, solver, unknown, pick, seen, &visited, &solutions);
    for (size_t i = 0; i < open.size(); ++i) {
      if (visited >= kMaxCombinations) {
        open[i]->why = "too many ways to split the rows together";
      } else if (solutions == 0) {
        open[i]->why = "no split satisfies the sum identities";
      } else if (seen[i].size() == 1) {
        open[i]->chosen = *seen[i].begin();
      } else {
        open[i]->why = std::to_string(seen[i].size()) + " splits satisfy every constraint";
      }
    }
  }
  for (const GluedRow& row : rows) {
    if (row.chosen) continue;
    result.warnings.push_back(RowName(row) + ": the glued digits \"" + row.run +
                              "\" are not split into its " + std::to_string(row.count) +
                              " cells: " + row.why + "; its values are null");
    for (int c = 0; c < row.count; ++c) result.unreadable.insert({row.table, row.row, 1 + c});
  }
  for (int t = 0; t < static_cast<int>(grids->size()); ++t) {
    if ((*grids)[t].glued)
      (*grids)[t] = BuildGrid((*grids)[t], RowCells((*grids)[t], t, rows, false));
  }
  return result;
}

}  // namespace nianbao
