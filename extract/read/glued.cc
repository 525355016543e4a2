#include "extract/read/glued.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <string>
#include <vector>

namespace nianbao {
namespace {

// Fewer value rows than this is prose with a few numbers, not a table.
constexpr int kMinValueRows = 5;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool StartsWithAny(std::string_view s, std::initializer_list<std::string_view> prefixes) {
  for (std::string_view p : prefixes) {
    if (s.substr(0, p.size()) == p) return true;
  }
  return false;
}

constexpr std::array<std::string_view, 10> kChineseDigits = {"一", "二", "三", "四", "五",
                                                             "六", "七", "八", "九", "十"};

size_t ChineseDigitsAt(std::string_view s) {
  size_t n = 0;
  for (bool more = true; more;) {
    more = false;
    for (std::string_view d : kChineseDigits) {
      if (s.substr(n, d.size()) == d) {
        n += d.size();
        more = true;
        break;
      }
    }
  }
  return n;
}

// Length of the numbering (一、 （一） (一) 1. 1、) that starts `s`, or 0.
size_t NumberingAt(std::string_view s) {
  size_t open = StartsWithAny(s, {"（"}) ? 3 : StartsWithAny(s, {"("}) ? 1 : 0;
  std::string_view rest = s.substr(open);
  size_t n = ChineseDigitsAt(rest);
  if (n == 0) {
    while (n < rest.size() && IsDigit(rest[n])) ++n;
  }
  if (n == 0) return 0;
  rest.remove_prefix(n);
  if (open) {
    if (StartsWithAny(rest, {"）"})) return open + n + 3;
    if (StartsWithAny(rest, {")"})) return open + n + 1;
    return 0;
  }
  if (StartsWithAny(rest, {"、", "．"})) return n + 3;
  if (StartsWithAny(rest, {"."})) return n + 1;
  return 0;
}

// A number glued to one of these is a figure of the prose ("2025年", "154件"): the table is over.
bool IsProseUnit(std::string_view s) {
  return StartsWithAny(s, {"年", "月", "日", "件", "条", "个", "次", "起", "人", "余",
                           "%",  "％", "万", "元", "号", "家", "项", "篇", "期", "份"});
}

// Cuts a label text at each numbering that starts an item (not "第（一）项", which names a
// paragraph of the regulation).
std::vector<std::string> CutAtNumbering(std::string_view text) {
  std::vector<std::string> pieces;
  size_t start = 0;
  for (size_t i = 1; i < text.size(); ++i) {
    if ((text[i] & 0xC0) == 0x80) continue;  // not at a character boundary
    if (NumberingAt(text.substr(i)) == 0) continue;
    if (i >= 3 && text.substr(i - 3, 3) == "第") continue;
    if (IsDigit(text[i]) && IsDigit(text[i - 1])) continue;
    pieces.emplace_back(text.substr(start, i - start));
    start = i;
  }
  pieces.emplace_back(text.substr(start));
  return pieces;
}

// "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章": the header, then the row
// label "规章". Cut after the last header word when the piece is a 表二 header.
std::vector<std::string> CutHeader(const std::string& piece) {
  if (piece.find("信息内容") == std::string::npos) return {piece};
  size_t end = std::string::npos;
  for (std::string_view word : {"件数", "数量", "（单位：万元）", "(单位:万元)", "增/减"}) {
    size_t at = piece.rfind(word);
    if (at != std::string::npos && (end == std::string::npos || at + word.size() > end))
      end = at + word.size();
  }
  if (end == std::string::npos || end >= piece.size()) return {piece};
  return {piece.substr(0, end), piece.substr(end)};
}

bool IsBlankText(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t') return false;
  }
  return true;
}

struct Row {
  std::string label;
  std::string run;  // empty: a heading without values
};

void AddLabelRows(std::string_view text, std::vector<Row>* rows) {
  for (const std::string& piece : CutAtNumbering(text)) {
    for (std::string& part : CutHeader(piece)) {
      if (!IsBlankText(part)) rows->push_back({std::move(part), ""});
    }
  }
}

// The statistics headers (信息内容, 申请人情况) of a line in order. Each word's next place is
// looked up again only once a try has passed it, so a line of many is searched once.
class HeaderWords {
 public:
  explicit HeaderWords(std::string_view line) : line_(line) {}
  // The first header word at or after `from`, or npos.
  size_t At(size_t from) {
    size_t first = std::string_view::npos;
    for (size_t w = 0; w < std::size(kWords); ++w) {
      if (next_[w] != std::string_view::npos && (!found_[w] || next_[w] < from)) {
        next_[w] = line_.find(kWords[w], from);
        found_[w] = true;
      }
      first = std::min(first, next_[w]);
    }
    return first;
  }

 private:
  static constexpr std::string_view kWords[] = {"信息内容", "申请人情况"};
  std::string_view line_;
  size_t next_[std::size(kWords)] = {0, 0};
  bool found_[std::size(kWords)] = {false, false};
};

// Where the table part of the header word at `marker` starts: the heading before it
// (二、主动公开政府信息情况 …) when it is near and after `from`, else the word itself.
size_t TablePartStart(std::string_view line, size_t marker, size_t from) {
  for (size_t back = marker; back > from && marker - back < 120;) {
    --back;
    while (back > from && (line[back] & 0xC0) == 0x80) --back;
    bool names_paragraph = back >= 3 && line.substr(back - 3, 3) == "第";
    if (NumberingAt(line.substr(back)) > 0 && !IsDigit(line[back]) && !names_paragraph) {
      return back;
    }
  }
  return marker;
}

// The rows of the table part from `start` up to the first number followed by a unit of prose;
// returns where it stopped.
size_t ScanRows(std::string_view line, size_t start, std::vector<Row>* rows_out) {
  std::vector<Row>& rows = *rows_out;
  std::string text;  // label text since the last number
  size_t i = start;
  // A minus sign between label and digits, or between digits, is part of the run: a 表二 row's
  // 本年增/减 may be negative ("行政事业性收费35-15" is 35 and -15), and a run cut at the sign
  // would split its first part alone.
  auto signed_digit_at = [&](size_t k) {
    return k + 1 < line.size() && line[k] == '-' && IsDigit(line[k + 1]);
  };
  while (i < line.size()) {
    if (!IsDigit(line[i]) && !signed_digit_at(i)) {
      text += line[i++];
      continue;
    }
    size_t end = i;
    while (end < line.size() && (IsDigit(line[end]) || signed_digit_at(end))) ++end;
    if (end + 1 < line.size() && line[end] == '.' && IsDigit(line[end + 1])) {  // a decimal
      ++end;
      while (end < line.size() && IsDigit(line[end])) ++end;
    }
    std::string_view number = line.substr(i, end - i);
    std::string_view after = line.substr(end);
    // "00000002.其他…": the last digit numbers the next label.
    bool numbering_follows = number.find('.') == std::string_view::npos &&
                             StartsWithAny(after, {".", "．", "、"}) && after.size() > 1 &&
                             !IsDigit(after[StartsWithAny(after, {"."}) ? 1 : 3]);
    std::string_view run = numbering_follows ? number.substr(0, number.size() - 1) : number;
    std::string_view numbering =
        numbering_follows ? number.substr(number.size() - 1) : std::string_view();
    if (run.empty()) {  // only a numbering ("（四）无法提供1.本机关…")
      text += numbering;
      i = end;
      continue;
    }
    if (IsProseUnit(after)) return i;
    AddLabelRows(text, &rows);
    text.clear();
    if (!rows.empty() && rows.back().run.empty() &&
        rows.back().label.find("结果维持") == std::string::npos) {
      rows.back().run = std::string(run);
    } else {
      rows.push_back({"", std::string(run)});  // 表四: the header is a row, its values have none
    }
    text = std::string(numbering);
    i = end;
  }
  return i;
}

}  // namespace

std::optional<Grid> FindGluedGrid(std::string_view line) {
  // A statistics header word may be in the prose before the tables too ("信息内容审核发布规范"):
  // the table part is the first candidate whose rows hold values. Each try starts where the one
  // before stopped, so a line is read once, however many candidates it holds.
  std::vector<Row> rows;
  HeaderWords header_words(line);
  for (size_t from = 0;;) {
    size_t marker = header_words.At(from);
    if (marker == std::string_view::npos) return std::nullopt;
    rows.clear();
    size_t stopped = ScanRows(line, TablePartStart(line, marker, from), &rows);
    int value_rows = 0;
    for (const Row& row : rows) value_rows += row.run.empty() ? 0 : 1;
    if (value_rows >= kMinValueRows) break;
    from = std::max(stopped, marker + 1);
  }

  Grid grid;
  grid.glued = true;
  grid.rows = static_cast<int>(rows.size());
  grid.columns = 2;
  grid.slots.assign(static_cast<size_t>(grid.rows) * 2, -1);
  for (int r = 0; r < grid.rows; ++r) {
    const Row& row = rows[r];
    auto add = [&](int column, const std::string& cell_text) {
      GridCell cell;
      cell.text = cell_text;
      cell.row = r;
      cell.column = column;
      grid.slots[static_cast<size_t>(r) * 2 + column] = static_cast<int>(grid.cells.size());
      grid.cells.push_back(std::move(cell));
    };
    if (!row.label.empty()) add(0, row.label);
    if (!row.run.empty()) add(1, row.run);
  }
  return grid;
}

}  // namespace nianbao
