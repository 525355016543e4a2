// ParseText: plain text → the same grid model as HTML. Three shapes are recognised:
//  (a) delimited rows — cells separated by '|', tabs, or runs of 2+ blanks (pdftotext -layout); a
//      run of at least two such lines is one grid, with label pieces on lines of their own joined
//      to the row they belong to;
//  (c) one cell per line, several values a row — the 2019/2021 tables copied from a page: label
//      line(s), then the row's value lines; a run with at least three rows of several values;
//  (b) one cell per line, one value a row — a label line, an optional unit line, then a value
//      line (the legacy list copied from a page); a run of at least three such records is one grid
//      with the columns label, unit, value.
// Each shape looks only at the lines the ones before it left. Prose outside the runs never becomes
// rows.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "extract/read/glued.h"
#include "extract/read/page.h"
#include "extract/read/utf8.h"

namespace nianbao {
namespace {

constexpr int kMinDelimitedRows = 2;
constexpr int kMinRecords = 3;
constexpr size_t kMaxLabelCodePoints = 80;  // longer lines are prose, not labels
constexpr int kMaxLabelOnlyGap = 2;         // label lines without a value allowed inside a run
constexpr int kMaxContinuationLines = 3;    // a label wraps over at most this many more lines
// Limits that keep hostile text linear and bounded in memory (real tables are far smaller): the
// grid's shape (as for HTML tables), label fragments merged into one row, cells of a fragment line,
// wrapped lines joined to one row.
constexpr size_t kMaxGridColumns = 1000;
constexpr size_t kMaxGridSlots = 4u << 20;
constexpr size_t kMaxFragmentLines = 8;
constexpr size_t kMaxFragmentCells = 8;
constexpr int kMaxWrappedLines = 8;
constexpr size_t kMinGluedLineBytes = 600;   // a whole table saved in one line is longer
constexpr size_t kMaxTitleCodePoints = 200;  // a page without a title line: its first line, cut

// ---- UTF-8 helpers --------------------------------------------------------------------------

// Length of the blank character (ASCII space/tab, NBSP, U+3000) at s[i], or 0.
bool Cancelled(const std::atomic<bool>* cancel) {
  return cancel && cancel->load(std::memory_order_relaxed);
}

std::string_view Trim(std::string_view s) {
  while (size_t n = BlankAt(s, 0)) s.remove_prefix(n);
  for (;;) {
    size_t n = s.empty() ? 0 : BlankAt(s, s.size() - 1);  // the ASCII ones
    if (n == 0 && s.size() >= 2) n = BlankAt(s, s.size() - 2) == 2 ? 2 : 0;
    if (n == 0 && s.size() >= 3) n = BlankAt(s, s.size() - 3) == 3 ? 3 : 0;
    if (n == 0) return s;
    s.remove_suffix(n);
  }
}

// Display position in code points of byte offset `i` (pdftotext -layout places one character per
// column, whatever its width).
size_t ColumnOf(std::string_view line, size_t i) { return CodePoints(line.substr(0, i)); }

std::string RemoveBlanks(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (size_t n = BlankAt(s, i)) {
      i += n;
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      lines.push_back(text.substr(start, i - start));
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

// ---- what a line is ---------------------------------------------------------------------------

// Numbering that starts a new row: 一、 （一） (一) 1. 1、 （1） (1) 第一
bool StartsWithNumbering(std::string_view s) {
  static constexpr std::string_view kChineseDigits[] = {"一", "二", "三", "四", "五",
                                                        "六", "七", "八", "九", "十"};
  auto chinese_digit_at = [&](std::string_view t) -> size_t {
    for (std::string_view d : kChineseDigits) {
      if (t.starts_with(d)) return d.size();
    }
    return 0;
  };
  auto digits_at = [&](std::string_view t) -> size_t {
    size_t n = 0;
    while (n < t.size() && t[n] >= '0' && t[n] <= '9') ++n;
    return n;
  };
  std::string_view t = s;
  bool open = false;
  if (t.starts_with("(")) {
    t.remove_prefix(1), open = true;
  } else if (t.starts_with("（")) {
    t.remove_prefix(3), open = true;
  }
  size_t n = 0;
  while (size_t d = chinese_digit_at(t.substr(n))) n += d;
  if (n == 0) n = digits_at(t);
  if (n == 0) return false;
  t.remove_prefix(n);
  if (open) return t.starts_with(")") || t.starts_with("）");
  return t.starts_with("、") || t.starts_with(".") || t.starts_with("．") || t.starts_with("，");
}

// "第二十条第（五）项": names the paragraph of the regulation a part of table 二 reports on.
bool IsSectionLine(std::string_view s) {
  if (!s.starts_with("第") || CodePoints(s) > 20) return false;
  return s.find("条") != std::string_view::npos || s.ends_with("项");
}

// A line wholly inside one pair of brackets, like (不同渠道和方式公开相同信息计1条): an explanation
// belonging to the label above, even though it contains digits.
bool IsParenthetical(std::string_view s) {
  bool ascii_open = s.starts_with("(");
  bool wide_open = s.starts_with("（");
  if (!ascii_open && !wide_open) return false;
  if (!s.ends_with(")") && !s.ends_with("）")) return false;
  // The bracket opened first must be the one closed last.
  int depth = 0;
  for (size_t i = 0; i < s.size();) {
    bool open = s.substr(i).starts_with("(") || s.substr(i).starts_with("（");
    bool close = s.substr(i).starts_with(")") || s.substr(i).starts_with("）");
    size_t width = (s[i] == '(' || s[i] == ')') ? 1 : (open || close) ? 3 : 1;
    if (open) ++depth;
    if (close && --depth == 0 && i + width < s.size()) return false;
    i += width;
  }
  return true;
}

// More opening than closing brackets: the label continues on the next line.
bool HasUnclosedBracket(std::string_view s) {
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(') {
      ++depth;
    } else if (s[i] == ')') {
      --depth;
    } else if (s[i] == '\xEF' || s[i] == '\xE3') {  // the lead bytes of （）and 〔〕
      std::string_view rest = s.substr(i);
      if (rest.starts_with("（") || rest.starts_with("〔")) ++depth;
      if (rest.starts_with("）") || rest.starts_with("〕")) --depth;
    }
  }
  return depth > 0;
}

constexpr std::string_view kUnits[] = {"万元", "元", "亿元",   "件",   "条",   "个",  "次",
                                       "人次", "人", "项",     "篇",   "期",   "份",  "家",
                                       "天",   "户", "场",     "批",   "名",   "位",  "起",
                                       "%",    "％", "万人次", "个次", "件次", "期次"};

bool IsUnit(std::string_view s) {
  return std::find(std::begin(kUnits), std::end(kUnits), s) != std::end(kUnits);
}

// Values, units and header words are short: a longer line is none of them, and is not copied to
// find out (most lines of a page are prose).
constexpr size_t kMaxTokenBytes = 64;

// A number as printed, or a "not reported" mark, optionally followed by a unit.
bool IsValueToken(std::string_view raw) {
  if (raw.size() > kMaxTokenBytes) return false;
  // Exact first look, before any copy: every mark, sign and number below starts with 无, 不 or
  // one of these bytes (a digit, + - , . /, or the lead byte of — – ― － ／ ＋ ，．０–９). Not
  // with the lead bytes of 无 and 不 alone: they start most Chinese labels (总计 is E6 80 BB).
  size_t first = 0;
  while (size_t n = BlankAt(raw, first)) first += n;
  if (first == raw.size()) return false;
  static constexpr std::string_view kFirstBytes = "0123456789+-,./\xE2\xEF";
  std::string_view head = raw.substr(first);
  if (kFirstBytes.find(head[0]) == std::string_view::npos && !head.starts_with("无") &&
      !head.starts_with("不")) {
    return false;
  }
  std::string s = RemoveBlanks(raw);
  std::string_view t = s;
  static constexpr std::string_view kMarks[] = {"——", "—",  "－", "-",      "–",  "―",
                                                "/",  "／", "无", "不适用", "—/—"};
  for (std::string_view mark : kMarks) {
    if (t == mark) return true;
  }
  // Strip a trailing unit (longest first so 万元 wins over 元).
  for (std::string_view unit : kUnits) {
    if (t.ends_with(unit) && t.size() > unit.size()) {
      std::string_view rest = t.substr(0, t.size() - unit.size());
      if (IsValueToken(rest)) return true;
    }
  }
  if (t.starts_with("+") || t.starts_with("-"))
    t.remove_prefix(1);
  else if (t.starts_with("＋") || t.starts_with("－"))
    t.remove_prefix(3);
  int digits = 0;
  while (!t.empty()) {
    unsigned char c = static_cast<unsigned char>(t[0]);
    if (c >= '0' && c <= '9') {
      ++digits;
      t.remove_prefix(1);
    } else if (c == ',' || c == '.') {
      t.remove_prefix(1);
    } else if (t.starts_with("，") || t.starts_with("．")) {
      t.remove_prefix(3);
    } else if (t.size() >= 3 && c == 0xEF && static_cast<unsigned char>(t[1]) == 0xBC &&
               static_cast<unsigned char>(t[2]) >= 0x90 &&
               static_cast<unsigned char>(t[2]) <= 0x99) {
      ++digits;  // full-width digit ０–９
      t.remove_prefix(3);
    } else {
      return false;
    }
  }
  return digits > 0;
}

enum class HeaderRole { kNone, kLabel, kUnit, kValue };

HeaderRole HeaderRoleOf(std::string_view line) {
  if (line.size() > kMaxTokenBytes) return HeaderRole::kNone;
  std::string s = RemoveBlanks(line);
  if (s == "统计指标" || s == "指标" || s == "指标名称" || s == "项目") return HeaderRole::kLabel;
  if (s == "单位" || s == "计量单位") return HeaderRole::kUnit;
  if (s == "统计数" || s == "数量" || s == "数值" || s == "统计数据") return HeaderRole::kValue;
  return HeaderRole::kNone;
}

// ---- (a) delimited rows ----------------------------------------------------------------------

// Cells are views into the page's text, or into the run's TextArena for labels joined from
// pieces: a run of millions of cells costs no allocation per cell.
struct SplitCell {
  std::string_view text;
  size_t start = 0;    // display column (positional rows only)
  bool taken = false;  // joined to another row's label (MergeLabelFragments)
};

struct SplitRow {
  std::vector<SplitCell> cells;
  bool rule = false;        // a |---|---| line
  bool positional = false;  // cells separated by blanks, with their starts: place them by position
};

// The labels of a run joined from pieces on several lines. A deque never moves what it holds, so
// the views into it stay valid while the run is built.
using TextArena = std::deque<std::string>;

std::string_view JoinLines(TextArena* arena, std::string_view first, std::string_view second) {
  std::string& joined = arena->emplace_back();
  joined.reserve(first.size() + 1 + second.size());
  joined.append(first).append("\n").append(second);
  return joined;
}

bool IsRuleCell(std::string_view cell) {
  if (cell.empty()) return true;
  for (char c : cell) {
    if (c != '-' && c != ':' && c != '=' && c != '+' && c != ' ') return false;
  }
  return true;
}

// Splits a line into cells; an empty result means the line is not a multi-cell row. At most
// kMaxGridColumns + 1 cells are kept: the grid keeps kMaxGridColumns and warns that it was cut, and
// a hostile line of millions of cells costs no more than that.
SplitRow SplitDelimited(std::string_view raw) {
  constexpr size_t kMaxCells = kMaxGridColumns + 1;
  SplitRow row;
  std::string_view line = Trim(raw);
  if (line.empty()) return row;
  if (line.find('|') != std::string_view::npos) {
    std::vector<SplitCell>& parts = row.cells;
    size_t start = 0;
    bool whole = true;  // every part of the line was read (not stopped at kMaxCells)
    for (size_t i = 0; i <= line.size(); ++i) {
      if (i == line.size() || line[i] == '|') {
        if (parts.size() == kMaxCells + 1) {  // one more for a leading '|'
          whole = false;
          break;
        }
        parts.push_back({Trim(line.substr(start, i - start))});
        start = i + 1;
      }
    }
    bool framed = line.front() == '|' || line.back() == '|';
    if (line.front() == '|') parts.erase(parts.begin());
    if (whole && line.back() == '|' && !parts.empty()) parts.pop_back();
    if (parts.size() < 2 && !framed) {
      parts.clear();
      return row;
    }
    row.rule = !parts.empty() && std::all_of(parts.begin(), parts.end(), [](const SplitCell& part) {
      return IsRuleCell(part.text);
    }) && line.find('-') != std::string_view::npos;
    if (row.rule) parts.clear();
    return row;
  }
  if (line.find('\t') != std::string_view::npos) {
    size_t start = 0;
    for (size_t i = 0; i <= line.size() && row.cells.size() < kMaxCells; ++i) {
      if (i == line.size() || line[i] == '\t') {
        row.cells.push_back({Trim(line.substr(start, i - start))});
        start = i + 1;
      }
    }
    if (row.cells.size() < 2) row.cells.clear();
    return row;
  }
  // Runs of two or more blanks separate cells; positions are measured in the untrimmed line.
  size_t offset = static_cast<size_t>(line.data() - raw.data());
  // Display columns counted as the cells go (increasing offsets), not from the line's start for
  // each cell: a line of many cells stays linear.
  size_t counted_bytes = 0, counted_columns = 0;
  auto column_of = [&](size_t byte) {
    counted_columns += CodePoints(raw.substr(counted_bytes, byte - counted_bytes));
    counted_bytes = byte;
    return counted_columns;
  };
  size_t cell_start = 0;
  size_t i = 0;
  while (i < line.size() && row.cells.size() < kMaxCells) {
    size_t n = BlankAt(line, i);
    if (n == 0) {
      ++i;
      continue;
    }
    size_t run_start = i;
    int blanks = 0;
    while (size_t m = BlankAt(line, i)) {
      i += m;
      ++blanks;
    }
    if (blanks >= 2) {
      row.cells.push_back(
          {line.substr(cell_start, run_start - cell_start), column_of(offset + cell_start)});
      cell_start = i;
    }
  }
  if (row.cells.size() < kMaxCells) {
    row.cells.push_back({line.substr(cell_start), column_of(offset + cell_start)});
  }
  if (row.cells.size() < 2) row.cells.clear();
  row.positional = true;
  return row;
}

struct TextGrid {
  size_t first_line;
  Grid grid;
  bool clipped = false;  // cut to kMaxGridColumns / kMaxGridSlots
};

// How many rows of `columns` slots fit in a grid.
size_t RowsThatFit(size_t columns) { return kMaxGridSlots / std::max<size_t>(columns, 1); }

// Builds a grid from rows of cells (strings or views): cells[r][c] → slot (r, c); empty rows of
// `columns` are allowed. Rows past RowsThatFit(columns) are dropped and `*clipped` set. The cells
// are moved out of `rows`, which are freed as they are read: a large table is held once, not twice.
template <typename Text>
Grid MakeGrid(std::vector<std::vector<Text>> rows, int columns, bool* clipped) {
  Grid grid;
  size_t kept = std::min(rows.size(), RowsThatFit(static_cast<size_t>(columns)));
  if (kept < rows.size()) *clipped = true;
  grid.rows = static_cast<int>(kept);
  grid.columns = columns;
  grid.slots.assign(static_cast<size_t>(grid.rows) * columns, -1);
  for (int r = 0; r < grid.rows; ++r) {
    for (int c = 0; c < columns && c < static_cast<int>(rows[r].size()); ++c) {
      GridCell cell;
      cell.text = std::string(std::move(rows[r][c]));
      cell.row = r;
      cell.column = c;
      grid.slots[static_cast<size_t>(r) * columns + c] = static_cast<int>(grid.cells.size());
      grid.cells.push_back(std::move(cell));
    }
    std::vector<Text>().swap(rows[r]);
  }
  return grid;
}

// Places the cells of a blank-separated row with fewer cells than the widest rows at the columns
// whose positions they are nearest to, keeping their order.
std::vector<std::string_view> PlaceByPosition(const SplitRow& row,
                                              const std::vector<double>& anchors) {
  std::vector<std::string_view> placed(anchors.size());
  size_t next = 0;
  for (size_t k = 0; k < row.cells.size(); ++k) {
    size_t remaining = row.cells.size() - k - 1;
    size_t last_allowed = anchors.size() - 1 - remaining;
    size_t best = next;
    double best_distance = 1e18;
    // Anchors increase from column to column, so the distance falls to its minimum and then only
    // grows: stop there (a wide row stays linear in its width).
    for (size_t c = next; c <= last_allowed; ++c) {
      double distance = std::abs(anchors[c] - static_cast<double>(row.cells[k].start));
      if (distance >= best_distance) break;
      best_distance = distance, best = c;
    }
    placed[best] = row.cells[k].text;
    next = best + 1;
  }
  return placed;
}

// pdftotext -layout breaks a long label over lines, and prints a label spanning rows
// (三、本年度办理 结果, （三）不予公开) on a line of its own or beside another row's label,
// wherever the middle of its rows falls. Label-only lines between two rows of values are such
// fragments when they lie left of the values: unnumbered ones that line up with a label of the row
// above continue it; the others belong to the row below (a numbered head over an unnumbered rest
// joins it, a label in a column where that row has none becomes its label there). A fragment that
// lines up with a numbered label of the row below is a heading of its own and stays a row.
constexpr size_t kAlignTolerance = 4;  // columns a continuation line may be shifted by

// What MergeLabelFragments knows of each row of the run, beside the row itself.
struct RowLayout {
  bool has_value = false;
  size_t first_value = 0;  // start of its first value cell
  bool fragment = false;   // label cells only, no section line
};

bool Aligned(size_t a, size_t b) { return (a > b ? a - b : b - a) <= kAlignTolerance; }

// Index of the label cell of `row` (left of its values) starting near `start`, or -1.
int AlignedLabel(const SplitRow& row, const RowLayout& layout, size_t start) {
  for (size_t c = 0; c < row.cells.size(); ++c) {
    if (layout.has_value && row.cells[c].start >= layout.first_value) break;
    if (Aligned(row.cells[c].start, start)) return static_cast<int>(c);
  }
  return -1;
}

void InsertLabel(SplitRow* row, std::string_view text, size_t start) {
  size_t at = 0;
  while (at < row->cells.size() && row->cells[at].start < start) ++at;
  row->cells.insert(row->cells.begin() + static_cast<std::ptrdiff_t>(at), {text, start});
}

RowLayout LayoutOf(const SplitRow& row) {
  RowLayout layout;
  bool labels_only = row.positional && !row.cells.empty();
  for (const SplitCell& cell : row.cells) {
    if (!row.positional) break;
    if (IsValueToken(cell.text)) {
      if (!layout.has_value) layout.first_value = cell.start;
      layout.has_value = true;
      labels_only = false;
    } else if (IsSectionLine(cell.text) || IsUnit(cell.text)) {
      labels_only = false;
    }
  }
  layout.fragment = labels_only && row.cells.size() <= kMaxFragmentCells;
  return layout;
}

// Joins the fragments rows[begin, end) to the row above and the row below; marks what it joined
// as taken.
void JoinFragments(std::vector<SplitRow>* run, std::vector<RowLayout>* layouts, size_t begin,
                   size_t end, TextArena* arena) {
  std::vector<SplitRow>& rows = *run;
  SplitRow* above = begin > 0 && (*layouts)[begin - 1].has_value ? &rows[begin - 1] : nullptr;
  SplitRow* below = end < rows.size() && (*layouts)[end].has_value ? &rows[end] : nullptr;
  RowLayout* above_layout = above ? &(*layouts)[begin - 1] : nullptr;
  RowLayout* below_layout = below ? &(*layouts)[end] : nullptr;
  // Labels lie left of the values of both rows: a line reaching further is a header.
  size_t zone = std::min(above ? above_layout->first_value : SIZE_MAX,
                         below ? below_layout->first_value : SIZE_MAX);
  // Continuations of the row above, top down, until a numbered fragment.
  size_t k = begin;
  for (; above && k < end && k - begin < kMaxFragmentLines; ++k) {
    SplitRow& f = rows[k];
    bool numbered = false, all_taken = true;
    for (SplitCell& cell : f.cells) {
      if (StartsWithNumbering(cell.text)) {
        numbered = true;
        all_taken = false;
        continue;
      }
      int target = cell.start < zone ? AlignedLabel(*above, *above_layout, cell.start) : -1;
      if (target < 0) {
        all_taken = false;
        continue;
      }
      std::string_view& label = above->cells[target].text;
      label = JoinLines(arena, label, cell.text);
      cell.taken = true;
    }
    if (numbered || !all_taken) break;
  }
  // Heads and spanning labels of the row below, bottom up.
  for (size_t j = end; below && j > k && end - j < kMaxFragmentLines;) {
    --j;
    SplitRow& f = rows[j];
    bool stop = false;
    for (size_t c = f.cells.size(); c-- > 0;) {
      if (f.cells[c].taken) continue;
      size_t start = f.cells[c].start;
      if (start >= zone) {
        stop = true;
        break;
      }
      int target = AlignedLabel(*below, *below_layout, start);
      if (target >= 0 && StartsWithNumbering(below->cells[target].text)) {
        stop = true;
        break;
      }
      if (target >= 0) {
        SplitCell& label = below->cells[target];
        label.text = JoinLines(arena, f.cells[c].text, label.text);
        label.start = std::min(label.start, start);
      } else {
        InsertLabel(below, f.cells[c].text, start);
      }
      below_layout->first_value = std::max(below_layout->first_value, start + 1);
      f.cells[c].taken = true;
    }
    if (stop) break;
  }
}

// Drops the cells joined to other rows, and the rows wholly joined to others.
void DropTaken(std::vector<SplitRow>* run) {
  size_t kept = 0;
  for (size_t r = 0; r < run->size(); ++r) {
    SplitRow& row = (*run)[r];
    bool had_cells = !row.cells.empty();
    std::erase_if(row.cells, [](const SplitCell& cell) { return cell.taken; });
    if (had_cells && row.cells.empty()) continue;  // wholly merged into a row
    if (kept != r) (*run)[kept] = std::move(row);  // never onto itself: that would empty it
    ++kept;
  }
  run->resize(kept);
}

void MergeLabelFragments(std::vector<SplitRow>* run, TextArena* arena) {
  std::vector<RowLayout> layouts;
  layouts.reserve(run->size());
  for (const SplitRow& row : *run) layouts.push_back(LayoutOf(row));
  // The table's label zone ends where its values begin (rows of several values say where best):
  // a label-only line reaching past it is a header line, not a piece of a label.
  size_t run_zone = SIZE_MAX, any_zone = SIZE_MAX;
  for (size_t r = 0; r < run->size(); ++r) {
    if (!layouts[r].has_value) continue;
    any_zone = std::min(any_zone, layouts[r].first_value);
    if ((*run)[r].cells.size() >= 3) run_zone = std::min(run_zone, layouts[r].first_value);
  }
  if (run_zone == SIZE_MAX) run_zone = any_zone;
  for (size_t r = 0; r < run->size(); ++r) {
    for (const SplitCell& cell : (*run)[r].cells) {
      if (cell.start >= run_zone) layouts[r].fragment = false;
    }
  }
  for (size_t i = 0; i < run->size();) {
    if (!layouts[i].fragment) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < run->size() && layouts[end].fragment) ++end;
    JoinFragments(run, &layouts, i, end, arena);
    i = end;
  }
  DropTaken(run);
}

// The header rows of a '|' or tab table (those before its first row of values) with more cells
// than that row: the row's blank cells were lost (a rendering put them on lines of their own), and
// the header's spans too ("自然人 | 法人或其他组织 | 总计" over "一、本年新收… | 25"), so a header
// cell's index is not the column it stands over, and reading the row's values under them would put
// a number in another column's field. They become one header cell, and such rows give no value.
// (A row as wide as the table is read in the format's printed order whatever its header.)
void MergeHeaderRowsWiderThanTheirRows(std::vector<std::vector<std::string_view>>* rows,
                                       TextArena* arena) {
  size_t header_rows = 0, header_width = 0;
  for (const std::vector<std::string_view>& row : *rows) {
    bool values = std::any_of(row.begin() + (row.empty() ? 0 : 1), row.end(),
                              [](std::string_view cell) { return IsValueToken(cell); });
    if (values) break;
    header_width = std::max(header_width, row.size());
    ++header_rows;
  }
  if (header_rows == 0 || header_rows == rows->size()) return;
  if ((*rows)[header_rows].size() >= header_width) return;
  std::string_view joined;
  for (size_t r = 0; r < header_rows; ++r) {
    for (std::string_view cell : (*rows)[r]) {
      if (cell.empty()) continue;
      joined = joined.empty() ? cell : JoinLines(arena, joined, cell);
    }
  }
  rows->erase(rows->begin(), rows->begin() + static_cast<std::ptrdiff_t>(header_rows));
  rows->insert(rows->begin(), std::vector<std::string_view>{joined});
}

// Turns a run of split rows (and the single-cell lines inside it) into a grid. Each stage frees
// the one before it (a run of millions of cells is held at most twice at once).
Grid BuildDelimitedGrid(std::vector<SplitRow> run, bool* clipped) {
  TextArena arena;
  MergeLabelFragments(&run, &arena);
  bool delimited = std::any_of(run.begin(), run.end(), [](const SplitRow& row) {
    return !row.positional && !row.cells.empty();  // '|' or tab rows, not blank-separated ones
  });
  size_t width = 0;
  for (SplitRow& row : run) {
    if (row.cells.size() > kMaxGridColumns) {
      row.cells.resize(kMaxGridColumns);
      *clipped = true;
    }
    width = std::max(width, row.cells.size());
  }
  size_t max_rows = RowsThatFit(width);
  // Column anchors: the mean start position of each column over the widest positional rows.
  std::vector<double> anchors(width, 0);
  int widest = 0;
  for (const SplitRow& row : run) {
    if (!row.positional || row.cells.size() != width) continue;
    for (size_t c = 0; c < width; ++c) anchors[c] += static_cast<double>(row.cells[c].start);
    ++widest;
  }
  for (double& anchor : anchors) anchor = widest > 0 ? anchor / widest : 0;

  std::vector<std::vector<std::string_view>> rows;
  int wrapped = 0;  // lines joined to rows.back()
  for (SplitRow& row : run) {
    if (rows.size() >= max_rows) {
      *clipped = true;
      break;
    }
    if (row.cells.size() == 1 && !rows.empty() && row.positional && wrapped < kMaxWrappedLines &&
        !StartsWithNumbering(row.cells[0].text) && !IsSectionLine(row.cells[0].text)) {
      // A wrapped line: join it to the cell of the row above that it lines up with.
      std::vector<std::string_view>& above = rows.back();
      size_t best = 0;
      double best_distance = 1e18;
      for (size_t c = 0; c < above.size(); ++c) {
        if (above[c].empty()) continue;
        double anchor = widest > 0 && c < anchors.size() ? anchors[c] : static_cast<double>(c);
        double distance = std::abs(anchor - static_cast<double>(row.cells[0].start));
        if (distance < best_distance) best_distance = distance, best = c;
      }
      // Never into a value: a line centred over the values (a section line, a heading) is a row.
      if (!above.empty() && !IsValueToken(above[best])) {
        above[best] = above[best].empty() ? row.cells[0].text
                                          : JoinLines(&arena, above[best], row.cells[0].text);
        ++wrapped;
        continue;
      }
    }
    wrapped = 0;
    if (row.positional && widest > 0 && row.cells.size() < width) {
      rows.push_back(PlaceByPosition(row, anchors));
    } else {
      std::vector<std::string_view> texts;
      texts.reserve(row.cells.size());
      for (const SplitCell& cell : row.cells) texts.push_back(cell.text);
      rows.push_back(std::move(texts));
    }
    std::vector<SplitCell>().swap(row.cells);
  }
  std::vector<SplitRow>().swap(run);
  if (delimited) MergeHeaderRowsWiderThanTheirRows(&rows, &arena);
  return MakeGrid(std::move(rows), static_cast<int>(width), clipped);
}

// A heading of the report (三、收到和处理政府信息公开申请情况) between two tables: a top-level
// numbered line set off by blank lines, or naming a 情况. Table rows of that level
// (三、本年度办理结果) sit between other rows.
bool IsReportHeading(const std::vector<std::string_view>& lines, size_t i) {
  std::string_view line = Trim(lines[i]);
  static constexpr std::string_view kDigits[] = {"一", "二", "三", "四", "五",
                                                 "六", "七", "八", "九", "十"};
  size_t n = 0;
  for (bool more = true; more;) {
    more = false;
    for (std::string_view d : kDigits) {
      if (line.substr(n).starts_with(d)) n += d.size(), more = true;
    }
  }
  if (n == 0 || !line.substr(n).starts_with("、")) return false;
  if (line.ends_with("情况")) return true;
  bool blank_before = i == 0 || Trim(lines[i - 1]).empty();
  bool blank_after = i + 1 >= lines.size() || Trim(lines[i + 1]).empty();
  return blank_before && blank_after;
}

// Finds the delimited runs; marks their lines as used.
std::vector<TextGrid> FindDelimitedGrids(const std::vector<std::string_view>& lines,
                                         std::vector<bool>* used, const std::atomic<bool>* cancel) {
  std::vector<TextGrid> grids;
  size_t i = 0;
  while (i < lines.size() && !Cancelled(cancel)) {
    SplitRow first = SplitDelimited(lines[i]);
    if (first.cells.empty()) {
      ++i;
      continue;
    }
    std::vector<SplitRow> run;
    std::vector<size_t> run_lines;
    size_t multi = 0;
    size_t end = i;  // one past the last line of the run
    size_t j = i;
    while (j < lines.size()) {
      std::string_view trimmed = Trim(lines[j]);
      if (trimmed.empty()) {
        ++j;
        continue;
      }
      SplitRow row = j == i ? std::move(first) : SplitDelimited(lines[j]);
      if (row.rule) {
        run_lines.push_back(j);
        end = ++j;
        continue;
      }
      if (row.cells.empty()) {
        // A single-cell line continues the run only if a multi-cell row follows it soon, or it is
        // the wrapped tail of the row above.
        if (CodePoints(trimmed) > kMaxLabelCodePoints) break;
        if (multi >= static_cast<size_t>(kMinDelimitedRows) && IsReportHeading(lines, j)) break;
        // A row of cells soon after, past a few more short lines (labels over several lines:
        // （六）其他处理 / 1.申请人… / its values).
        bool next_is_row = false;
        size_t k = j + 1;
        for (int singles = 0; k < lines.size() && singles <= kMaxContinuationLines; ++k) {
          std::string_view next = Trim(lines[k]);
          if (next.empty()) continue;
          if (!SplitDelimited(lines[k]).cells.empty()) {
            next_is_row = true;
            break;
          }
          if (CodePoints(next) > kMaxLabelCodePoints) break;
          ++singles;
        }
        if (!next_is_row && !(j > 0 && !Trim(lines[j - 1]).empty())) break;
        if (!next_is_row && StartsWithNumbering(trimmed)) break;
        SplitRow single;
        single.cells.push_back(
            {trimmed, ColumnOf(lines[j], static_cast<size_t>(trimmed.data() - lines[j].data()))});
        single.positional = true;
        run.push_back(std::move(single));
        run_lines.push_back(j);
        end = ++j;
        continue;
      }
      run.push_back(std::move(row));
      run_lines.push_back(j);
      ++multi;
      end = ++j;
    }
    if (multi >= kMinDelimitedRows) {
      for (size_t line : run_lines) (*used)[line] = true;
      TextGrid grid{i, {}};
      grid.grid = BuildDelimitedGrid(std::move(run), &grid.clipped);
      grids.push_back(std::move(grid));
      i = end;
    } else {
      ++i;
    }
  }
  return grids;
}

// ---- (b) one cell per line -------------------------------------------------------------------

struct Record {
  std::string label, unit, value;
  size_t first_line = 0;
  int continuation_lines = 0;
  bool has_value = false;
  bool header = false;
  bool prose = false;  // too long to be a label
};

bool IsLabelOnly(const Record& r) { return !r.has_value && !r.header && !r.prose; }

// Appends a record once the last one is closed. A label-only record that follows
// kMaxLabelOnlyGap + 1 others can never be part of a table: FindPerLineGrids ends a run at the
// first label-only record past the gap, and a run starts only at a valued record. So it is dropped,
// and a page of a million label lines holds a few records, not a million.
void AppendRecord(std::vector<Record>* records, Record record) {
  constexpr size_t kKept = kMaxLabelOnlyGap + 2;
  if (records->size() >= kKept &&
      std::all_of(records->end() - kKept, records->end(), IsLabelOnly)) {
    records->pop_back();
  }
  records->push_back(std::move(record));
}

// Groups the unused lines into records: label (+ continuation lines) [+ unit] + value.
std::vector<Record> ReadRecords(const std::vector<std::string_view>& lines,
                                const std::vector<bool>& used) {
  std::vector<Record> records;
  bool open = false;  // records.back() is a label still waiting for its value
  auto close_open = [&] { open = false; };
  for (size_t i = 0; i < lines.size(); ++i) {
    if (used[i]) {
      close_open();
      continue;
    }
    std::string_view line = Trim(lines[i]);
    if (line.empty()) continue;
    if (HeaderRole role = HeaderRoleOf(line); role != HeaderRole::kNone) {
      if (records.empty() || !records.back().header || open) {
        close_open();
        Record header;
        header.header = true;
        header.first_line = i;
        AppendRecord(&records, std::move(header));
      }
      Record& header = records.back();
      std::string& slot = role == HeaderRole::kLabel  ? header.label
                          : role == HeaderRole::kUnit ? header.unit
                                                      : header.value;
      slot = std::string(line);
      continue;
    }
    if (open && IsValueToken(line)) {
      records.back().value = std::string(line);
      records.back().has_value = true;
      close_open();
      continue;
    }
    if (open && line.size() <= kMaxTokenBytes && IsUnit(RemoveBlanks(line)) &&
        records.back().unit.empty()) {
      records.back().unit = RemoveBlanks(line);
      continue;
    }
    if (IsValueToken(line)) {  // a value without a label: not part of any record
      close_open();
      Record orphan;
      orphan.first_line = i;
      orphan.prose = true;
      AppendRecord(&records, std::move(orphan));
      continue;
    }
    if (open && records.back().unit.empty() &&
        records.back().continuation_lines < kMaxContinuationLines &&
        (IsParenthetical(line) || HasUnclosedBracket(records.back().label))) {
      ++records.back().continuation_lines;
      records.back().label += "\n";
      records.back().label += line;
      continue;
    }
    close_open();
    Record record;
    record.label = std::string(line);
    record.first_line = i;
    record.prose = CodePoints(line) > kMaxLabelCodePoints;
    open = !record.prose;
    AppendRecord(&records, std::move(record));
  }
  return records;
}

// Cuts runs out of the records: from the first valued record to the last one, with at most a few
// label-only records between them; a prose line or a header ends a run.
std::vector<TextGrid> FindPerLineGrids(const std::vector<std::string_view>& lines,
                                       const std::vector<bool>& used) {
  std::vector<Record> records = ReadRecords(lines, used);
  std::vector<TextGrid> grids;
  size_t i = 0;
  while (i < records.size()) {
    if (!records[i].has_value) {
      ++i;
      continue;
    }
    size_t last_valued = i;
    int gap = 0;
    size_t j = i + 1;
    for (; j < records.size(); ++j) {
      const Record& r = records[j];
      if (r.prose || r.header) break;
      if (r.has_value) {
        last_valued = j;
        gap = 0;
      } else if (++gap > kMaxLabelOnlyGap) {
        break;
      }
    }
    int valued = 0;
    for (size_t k = i; k <= last_valued; ++k) valued += records[k].has_value;
    if (valued >= kMinRecords) {
      size_t begin = i;
      if (begin > 0 && records[begin - 1].header) --begin;  // the 统计指标/单位/统计数 line(s)
      std::vector<std::vector<std::string>> rows;
      for (size_t k = begin; k <= last_valued; ++k) {
        rows.push_back({records[k].label, records[k].unit, records[k].value});
      }
      TextGrid grid{records[begin].first_line, {}};
      grid.grid = MakeGrid(std::move(rows), 3, &grid.clipped);
      grids.push_back(std::move(grid));
    }
    i = last_valued + 1;
  }
  return grids;
}

// ---- (c) one cell per line, several values a row (2019/2021 tables copied from a page) --------
//
// A row is its label line(s) followed by its value lines; the lines before the first row of a
// table are its section line (第二十条第（一）项) and header cells. Header cells cannot be placed
// under their values when the header had spans (申请人情况 over 自然人 … 总计): such a header is
// kept as one section cell, so the matcher reads the row's values in the format's printed order
// and never guesses a column from a misplaced header.

constexpr int kMinMultiValueRows = 3;    // rows of two or more values that make a table
constexpr size_t kMaxRowLabelLines = 6;  // label lines (continuations included) of one row

// A column heading of tables 二–四 (or a piece of one): never the label of a row.
bool IsColumnHeading(std::string_view line) {
  if (line.size() > kMaxTokenBytes || StartsWithNumbering(line)) return false;
  std::string s = RemoveBlanks(line);
  static constexpr std::string_view kHeadings[] = {
      "申请人情况",   "自然人",   "法人或其他组织", "商业企业", "科研机构", "社会公益组织",
      "法律服务机构", "其他",     "总计",           "合计",     "信息内容", "结果维持",
      "结果纠正",     "其他结果", "尚未审结",       "行政复议", "行政诉讼", "未经复议直接起诉",
      "复议后起诉"};
  for (std::string_view heading : kHeadings) {
    if (s == heading) return true;
  }
  // Measure columns: 本年制发件数, 对外公开总数量, 本年收费金额（单位：万元）, 本年增/减 …
  return s.ends_with("数量") || s.ends_with("件数") || s.find("金额") != std::string::npos ||
         s.find("增/减") != std::string::npos || s.find("单位") != std::string::npos;
}

struct CellRow {
  struct Cell {
    std::string text;
    int column, colspan;
  };
  std::vector<Cell> cells;
};

struct MultiRow {
  std::vector<size_t> pre;     // lines before the row's own labels: section, header, headings
  std::vector<size_t> labels;  // the row's label lines
  std::vector<size_t> values;
};

// The row's own labels: the lines at the end of its label block up to a column heading, a
// section line or prose, at most kMaxRowLabelLines. A block that ends in a column heading has none
// (the values of table 四 follow its header directly).
size_t OwnLabelsStart(const std::vector<std::string_view>& trimmed,
                      const std::vector<size_t>& block) {
  size_t start = block.size();
  while (start > 0 && block.size() - start < kMaxRowLabelLines) {
    std::string_view line = trimmed[block[start - 1]];
    if (IsColumnHeading(line) || IsSectionLine(line) || line.find("勾稽") != std::string_view::npos)
      break;
    --start;
  }
  return start;
}

// Joins a row's label lines into cells: a numbered line starts a cell, other lines continue it.
std::vector<std::string> LabelCells(const std::vector<std::string_view>& trimmed,
                                    const std::vector<size_t>& lines) {
  std::vector<std::string> cells;
  for (size_t line : lines) {
    std::string_view text = trimmed[line];
    if (cells.empty() || StartsWithNumbering(text)) {
      cells.emplace_back(text);
    } else {
      cells.back() += "\n";
      cells.back() += text;
    }
  }
  return cells;
}

// Rows past RowsThatFit(columns) are dropped and `*clipped` set.
Grid MakeSpannedGrid(const std::vector<CellRow>& rows, int columns, bool* clipped) {
  Grid grid;
  size_t kept = std::min(rows.size(), RowsThatFit(static_cast<size_t>(columns)));
  if (kept < rows.size()) *clipped = true;
  grid.rows = static_cast<int>(kept);
  grid.columns = columns;
  grid.slots.assign(static_cast<size_t>(grid.rows) * columns, -1);
  for (int r = 0; r < grid.rows; ++r) {
    for (const CellRow::Cell& c : rows[r].cells) {
      if (c.column < 0 || c.column + c.colspan > columns) continue;
      GridCell cell;
      cell.text = c.text;
      cell.row = r;
      cell.column = c.column;
      cell.colspan = c.colspan;
      for (int k = c.column; k < c.column + c.colspan; ++k)
        grid.slots[static_cast<size_t>(r) * columns + k] = static_cast<int>(grid.cells.size());
      grid.cells.push_back(std::move(cell));
    }
  }
  return grid;
}

// Builds the grids of one run of rows: a new grid wherever lines come before a row's labels.
void BuildMultiValueGrids(const std::vector<std::string_view>& trimmed,
                          const std::vector<MultiRow>& rows, std::vector<TextGrid>* grids) {
  size_t i = 0;
  while (i < rows.size()) {
    size_t end = i + 1;
    while (end < rows.size() && rows[end].pre.empty()) ++end;
    // Lines before the first row: drop headings before the last section or numbered line; what
    // follows it is the header.
    const std::vector<size_t>& pre = rows[i].pre;
    size_t header_start = 0;
    std::string section;
    for (size_t k = 0; k < pre.size(); ++k) {
      std::string_view line = trimmed[pre[k]];
      if (IsSectionLine(line)) {
        section = std::string(line);
        header_start = k + 1;
      } else if (StartsWithNumbering(line) || CodePoints(line) > kMaxLabelCodePoints) {
        section.clear();
        header_start = k + 1;
      }
    }
    // A row keeps at most kMaxGridColumns values (more is no table of a report).
    bool clipped = false;
    auto values_of = [&](const MultiRow& row) {
      if (row.values.size() > kMaxGridColumns) clipped = true;
      return std::min(row.values.size(), kMaxGridColumns);
    };
    std::vector<std::vector<std::string>> labels;
    size_t label_columns = 1, value_columns = 1;
    for (size_t r = i; r < end; ++r) {
      labels.push_back(LabelCells(trimmed, rows[r].labels));
      label_columns = std::max(label_columns, labels.back().size());
      value_columns = std::max(value_columns, values_of(rows[r]));
    }
    int columns = static_cast<int>(label_columns + value_columns);
    int first_value = static_cast<int>(label_columns);
    std::vector<CellRow> cells;
    if (!section.empty()) cells.push_back({{{section, 0, columns}}});
    size_t headers = pre.size() - header_start;
    size_t first_values = values_of(rows[i]);
    if (headers > 0) {
      CellRow header;
      if (headers == first_values + 1 || headers == first_values) {
        size_t k = header_start;
        if (headers == first_values + 1)
          header.cells.push_back({std::string(trimmed[pre[k++]]), 0, first_value});
        for (int c = columns - static_cast<int>(first_values); k < pre.size(); ++k, ++c)
          header.cells.push_back({std::string(trimmed[pre[k]]), c, 1});
      } else {
        std::string joined;
        for (size_t k = header_start; k < pre.size(); ++k) {
          if (!joined.empty()) joined += "\n";
          joined += trimmed[pre[k]];
        }
        header.cells.push_back({std::move(joined), 0, columns});
      }
      cells.push_back(std::move(header));
    }
    for (size_t r = i; r < end; ++r) {
      CellRow row;
      const std::vector<std::string>& own = labels[r - i];
      for (size_t c = 0; c < own.size(); ++c) row.cells.push_back({own[c], static_cast<int>(c), 1});
      size_t values = values_of(rows[r]);
      int c = columns - static_cast<int>(values);
      for (size_t v = 0; v < values; ++v)
        row.cells.push_back({std::string(trimmed[rows[r].values[v]]), c++, 1});
      cells.push_back(std::move(row));
    }
    size_t first_line =
        pre.empty() ? (rows[i].labels.empty() ? rows[i].values.front() : rows[i].labels.front())
                    : pre[header_start > 0 ? header_start - 1 : 0];
    TextGrid grid{first_line, {}, clipped};
    grid.grid = MakeSpannedGrid(cells, columns, &grid.clipped);
    grids->push_back(std::move(grid));
    i = end;
  }
}

// Cheap first look: a value starts with a digit, a sign, a dash, a slash, 无 or 不 (不适用).
bool MayBeValue(std::string_view s) {
  if (s.empty() || s.size() > kMaxTokenBytes) return false;
  unsigned char c = static_cast<unsigned char>(s[0]);
  if (c < 0x80) return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '/' || c == '.';
  return s.starts_with("—") || s.starts_with("－") || s.starts_with("–") || s.starts_with("―") ||
         s.starts_with("／") || s.starts_with("无") || s.starts_with("不") || s.starts_with("＋") ||
         s.starts_with("\xEF\xBC");  // full-width digits and signs
}

// Finds the runs of rows with several value lines each; marks their lines as used.
std::vector<TextGrid> FindMultiValueGrids(const std::vector<std::string_view>& lines,
                                          std::vector<bool>* used) {
  std::vector<TextGrid> grids;
  std::vector<std::string_view> trimmed(lines.size());
  enum Kind : unsigned char { kSkip, kBarrier, kLabel, kValue };
  std::vector<Kind> kinds(lines.size(), kSkip);
  int value_lines = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if ((*used)[i]) {
      kinds[i] = kBarrier;
      continue;
    }
    trimmed[i] = Trim(lines[i]);
    if (trimmed[i].empty()) continue;
    if (MayBeValue(trimmed[i]) && IsValueToken(trimmed[i])) {
      kinds[i] = kValue;
      ++value_lines;
    } else {
      kinds[i] = CodePoints(trimmed[i]) > kMaxLabelCodePoints ? kBarrier : kLabel;
    }
  }
  if (value_lines < 2 * kMinMultiValueRows) return grids;  // most pages: nothing to look at
  int pairs = 0;  // a value line after a value line: rows of several values
  Kind previous = kSkip;
  for (Kind kind : kinds) {
    if (kind == kSkip) continue;
    pairs += previous == kValue && kind == kValue;
    previous = kind;
  }
  if (pairs < kMinMultiValueRows) return grids;

  std::vector<MultiRow> run;
  std::vector<size_t> block;  // label lines since the last value
  auto finish_run = [&] {
    int multi = 0;
    for (const MultiRow& row : run) multi += row.values.size() >= 2;
    if (multi >= kMinMultiValueRows) {
      for (const MultiRow& row : run) {
        for (const std::vector<size_t>* part : {&row.pre, &row.labels, &row.values})
          for (size_t line : *part) (*used)[line] = true;
      }
      BuildMultiValueGrids(trimmed, run, &grids);
    }
    run.clear();
  };
  for (size_t i = 0; i <= lines.size(); ++i) {
    Kind kind = i < lines.size() ? kinds[i] : kBarrier;
    if (kind == kSkip) continue;
    if (kind == kLabel) {
      block.push_back(i);
      continue;
    }
    if (kind == kValue) {
      if (!block.empty() || run.empty()) {
        MultiRow row;
        size_t start = OwnLabelsStart(trimmed, block);
        row.pre.assign(block.begin(), block.begin() + static_cast<std::ptrdiff_t>(start));
        row.labels.assign(block.begin() + static_cast<std::ptrdiff_t>(start), block.end());
        run.push_back(std::move(row));
        block.clear();
      }
      run.back().values.push_back(i);
      continue;
    }
    finish_run();  // a barrier: prose, or lines another shape already took
    block.clear();
  }
  return grids;
}

// ---- page furniture (pdftotext output) ------------------------------------------------------

// "— 3 —", "- 3 -", "－3－", "第3页", "第 3 页 共 12 页": a page number line.
bool IsPageNumber(std::string_view line) {
  if (line.size() > kMaxTokenBytes) return false;
  // Cheap first look, as this runs on every line: 第, a dash (E2 80 93–95, EF BC 8D) or '-'.
  unsigned char first = line.empty() ? 0 : static_cast<unsigned char>(line[0]);
  if (first != '-' && first != 0xE2 && first != 0xE7 && first != 0xEF) return false;
  std::string s = RemoveBlanks(line);
  std::string_view t = s;
  auto digits = [&] {
    size_t n = 0;
    while (n < t.size() && t[n] >= '0' && t[n] <= '9') ++n;
    t.remove_prefix(n);
    return n > 0;
  };
  if (t.starts_with("第")) {
    t.remove_prefix(3);
    if (!digits() || !t.starts_with("页")) return false;
    t.remove_prefix(3);
    if (t.empty()) return true;
    if (!t.starts_with("共")) return false;
    t.remove_prefix(3);
    return digits() && t == "页";
  }
  static constexpr std::string_view kDashes[] = {"—", "－", "-", "–", "―"};
  auto dashes = [&] {
    int n = 0;
    for (bool more = true; more;) {
      more = false;
      for (std::string_view d : kDashes) {
        if (t.starts_with(d)) {
          t.remove_prefix(d.size());
          more = true;
          ++n;
        }
      }
    }
    return n > 0;
  };
  return dashes() && digits() && dashes() && t.empty();
}

// Page numbers, and the running header or footer: a line repeated at the top or bottom of
// several pages (pages end in a form feed). They would otherwise glue onto the table rows around a
// page break.
std::vector<bool> PageFurniture(const std::vector<std::string_view>& lines,
                                const std::atomic<bool>* cancel) {
  std::vector<bool> furniture(lines.size(), false);
  std::vector<size_t> edges;  // the first and last non-empty line of each page
  size_t last_nonempty = lines.size();
  bool page_start = true;
  for (size_t i = 0; i < lines.size(); ++i) {
    bool feed = lines[i].find('\f') != std::string_view::npos;
    if (feed) {
      if (last_nonempty < lines.size()) edges.push_back(last_nonempty);
      page_start = true;
    }
    std::string_view trimmed = Trim(lines[i]);
    if (trimmed.empty()) continue;
    if (IsPageNumber(trimmed)) {
      furniture[i] = true;
      continue;
    }
    if (page_start) edges.push_back(i);
    page_start = false;
    last_nonempty = i;
  }
  if (edges.size() < 3) return furniture;  // one page: nothing repeats
  // Edge lines grouped by their trimmed text in an open-addressing table of edge indices (one
  // probe sequence each, no allocation per line: a text of a million form feeds has two million
  // edges): a text on two different lines is furniture on all of them.
  std::vector<std::string_view> texts(edges.size());
  std::vector<size_t> hashes(edges.size());
  for (size_t e = 0; e < edges.size(); ++e) {
    texts[e] = Trim(lines[edges[e]]);
    hashes[e] = std::hash<std::string_view>{}(texts[e]);
  }
  size_t capacity = 1;
  while (capacity < 2 * edges.size()) capacity <<= 1;
  constexpr uint32_t kFree = UINT32_MAX;
  std::vector<uint32_t> table(capacity, kFree);  // the first edge of each text
  std::vector<uint32_t> first_of(edges.size());  // edge → the first edge of its text
  std::vector<bool> repeated(edges.size(), false);
  for (size_t e = 0; e < edges.size(); ++e) {
    if ((e & 0xFFFF) == 0 && Cancelled(cancel)) return furniture;
    size_t slot = hashes[e] & (capacity - 1);
    while (table[slot] != kFree &&
           (hashes[table[slot]] != hashes[e] || texts[table[slot]] != texts[e])) {
      slot = (slot + 1) & (capacity - 1);
    }
    if (table[slot] == kFree) table[slot] = static_cast<uint32_t>(e);
    first_of[e] = table[slot];
    if (edges[first_of[e]] != edges[e]) repeated[first_of[e]] = true;
  }
  for (size_t e = 0; e < edges.size(); ++e) {
    if (repeated[first_of[e]]) furniture[edges[e]] = true;
  }
  return furniture;
}

bool LooksLikeTitle(std::string_view line) {
  return (line.find("年度报告") != std::string_view::npos ||
          line.find("年报") != std::string_view::npos ||
          line.find("工作报告") != std::string_view::npos) &&
         CodePoints(line) <= kMaxLabelCodePoints;
}

// Drops ASCII blanks next to a non-ASCII character: PDF text layers print "2024 年".
std::string WithoutCjkSpacing(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ' ') {
      bool before = !out.empty() && static_cast<unsigned char>(out.back()) >= 0x80;
      bool after = i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80;
      if (before || after || (!out.empty() && out.back() == ' ')) continue;
    }
    out += s[i];
  }
  return std::string(Trim(out));
}

}  // namespace

std::string DocumentTitle(const std::vector<std::string>& lines) {
  constexpr size_t kLinesLooked = 12;
  constexpr size_t kMaxIssuerLine = 25;  // code points of a line naming the issuer above
  for (size_t i = 0; i < lines.size() && i < kLinesLooked; ++i) {
    std::string line = WithoutCjkSpacing(lines[i]);
    if (!LooksLikeTitle(line)) continue;
    if (i > 0) {
      std::string above = WithoutCjkSpacing(lines[i - 1]);
      if (!above.empty() && CodePoints(above) <= kMaxIssuerLine && !above.ends_with("。") &&
          !above.ends_with("：") && above.find_first_of("0123456789") == std::string::npos)
        line = above + line;
    }
    return line;
  }
  for (const std::string& line : lines) {
    if (std::string t = WithoutCjkSpacing(line); !t.empty()) return t;
  }
  return "";
}

// Cells of a line split on '|' that hold more than blanks, up to two (all the caller asks).
int FilledPipeCells(std::string_view line) {
  int filled = 0;
  while (filled < 2) {
    size_t bar = line.find('|');
    if (!Trim(line.substr(0, bar)).empty()) ++filled;
    if (bar == std::string_view::npos) break;
    line.remove_prefix(bar + 1);
  }
  return filled;
}

// A page copied one table cell a line from a table whose borders became '|' (a line of bars after
// each cell, or a bar after each cell: "规章 |", "|||", "0 |") has no line of two cells. When no
// line holds two cells between bars and such lines are many, the bars are borders, not cell
// separators: they are dropped, leaving one cell a line.
void DropBorderBars(std::vector<std::string_view>* lines) {
  constexpr int kMinBorderLines = 4;
  int bordered = 0;
  for (std::string_view line : *lines) {
    if (line.find('|') == std::string_view::npos) continue;
    if (FilledPipeCells(line) > 1) return;  // a real '|' table
    ++bordered;
  }
  if (bordered < kMinBorderLines) return;
  for (std::string_view& line : *lines) {
    if (line.find('|') == std::string_view::npos) continue;
    std::string_view cell = Trim(line);
    while (!cell.empty() && cell.front() == '|') cell = Trim(cell.substr(1));
    while (!cell.empty() && cell.back() == '|') cell = Trim(cell.substr(0, cell.size() - 1));
    line = cell;
  }
}

Page ParseText(std::string_view text, const std::atomic<bool>* cancel) {
  Page page;
  page.positional = true;
  page.text = std::string(text);
  std::vector<std::string_view> lines = SplitLines(text);
  for (std::string_view line : lines) {
    std::string_view trimmed = Trim(line);
    // An archived page's text may name its fields: "标题: 平潭综合实验区2025年度…".
    for (std::string_view label : {"标题:", "标题：", "标题 :", "标题 ："}) {
      if (trimmed.starts_with(label)) trimmed = Trim(trimmed.substr(label.size()));
    }
    if (!trimmed.empty() && LooksLikeTitle(trimmed)) {
      page.title = std::string(trimmed);
      break;
    }
  }
  if (page.title.empty()) {
    for (std::string_view line : lines) {
      if (std::string_view trimmed = Trim(line); !trimmed.empty()) {
        page.title = std::string(FirstCodePoints(trimmed, kMaxTitleCodePoints));
        break;
      }
    }
  }
  if (text.find('\f') != std::string_view::npos) {  // pdftotext output: pages end in a form feed
    std::vector<bool> furniture = PageFurniture(lines, cancel);
    for (size_t i = 0; i < lines.size(); ++i) {
      if (furniture[i]) lines[i] = std::string_view();
    }
  }
  if (Cancelled(cancel)) return page;
  DropBorderBars(&lines);
  std::vector<bool> used(lines.size(), false);
  std::vector<TextGrid> grids = FindDelimitedGrids(lines, &used, cancel);
  if (Cancelled(cancel)) return page;
  std::vector<TextGrid> multi_value = FindMultiValueGrids(lines, &used);
  if (Cancelled(cancel)) return page;
  for (TextGrid& grid : multi_value) grids.push_back(std::move(grid));
  std::vector<TextGrid> per_line = FindPerLineGrids(lines, used);
  for (TextGrid& grid : per_line) grids.push_back(std::move(grid));
  if (grids.empty()) {  // a page saved in one run: its table cells glued together
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].size() < kMinGluedLineBytes) continue;
      if (std::optional<Grid> glued = FindGluedGrid(lines[i])) {
        grids.push_back(TextGrid{i, std::move(*glued)});
      }
    }
  }
  std::stable_sort(grids.begin(), grids.end(), [](const TextGrid& a, const TextGrid& b) {
    return a.first_line < b.first_line;
  });
  for (TextGrid& grid : grids) {
    if (grid.clipped) {
      page.warnings.push_back("text table " + std::to_string(page.tables.size() + 1) +
                              ": too large; cut to " + std::to_string(kMaxGridColumns) +
                              " columns and " + std::to_string(kMaxGridSlots) + " cells");
    }
    page.tables.push_back(std::move(grid.grid));
  }
  return page;
}

bool LooksLikeHtml(std::string_view utf8) {
  if (utf8.substr(0, 3) == "\xEF\xBB\xBF") utf8.remove_prefix(3);
  std::string head;
  for (char c : utf8.substr(0, 4096)) {
    head.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  size_t first = head.find_first_not_of(" \t\r\n\f");
  if (first != std::string::npos && head[first] == '<') {
    // Markup from the first character: a tag, a doctype or a comment.
    char next = first + 1 < head.size() ? head[first + 1] : '\0';
    if ((next >= 'a' && next <= 'z') || next == '!' || next == '?') return true;
  }
  for (std::string_view marker : {"<!doctype html", "<html", "<head", "<body", "<table", "<meta ",
                                  "<div", "<p>", "<p ", "<br"}) {
    if (head.find(marker) != std::string::npos) return true;
  }
  return false;
}

}  // namespace nianbao
