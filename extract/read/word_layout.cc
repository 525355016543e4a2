#include "extract/read/word_layout.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "extract/map/values.h"
#include "extract/read/grid_builder.h"
#include "extract/read/utf8.h"

namespace nianbao {
// A named namespace around the anonymous one: the unity build puts this file in one translation
// unit with other readers, whose own helpers (Line, Segment …) must not meet these.
namespace word_layout {
namespace {

// ---- geometry ----------------------------------------------------------------------------------

using Word = LayoutWord;

// A cell's text on one line: words closer than a character's height.
struct Segment {
  double x0, x1, y0, y1;  // y in the stacked coordinate (pages one below the other)
  std::string text;
  int page;
  bool value;
  PixelBox ocr{};
  double Centre() const { return (x0 + x1) / 2; }
  double Middle() const { return (y0 + y1) / 2; }
  double Height() const { return y1 - y0; }
};

struct Line {
  double y0, y1;
  std::vector<Segment> segments;  // left to right
  bool data = false;              // has a value segment
  double Middle() const { return (y0 + y1) / 2; }
  double Height() const { return y1 - y0; }
};

constexpr double kSameLine = 0.4;     // centres closer than this × height: one line
constexpr double kWrapPitch = 2.3;    // label lines closer than this × height: one label
constexpr double kProseWidth = 0.45;  // a segment wider than this × text width is prose
constexpr double kColumnEdge = 8;     // points: label left edges this close are one column
constexpr double kMarginBand = 0.12;  // page numbers live in the top/bottom 12 % of a page
constexpr double kPageGap = 7;        // points between stacked pages

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// "-4-", "— 4 —", "－4－", "第4页", "第 4 页 共 12 页", "4", "4/12": a page number. Looser than a
// text page's page-number line (text.cc), because it is asked only of words in a page's margin
// band.
bool IsMarginPageNumber(std::string_view text) {
  std::string rest;
  bool digit = false;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    std::string_view ch = text.substr(i, len);
    i += len;
    if (len == 1 && IsAsciiDigit(ch[0])) {
      digit = true;
      continue;
    }
    if (ch == " " || ch == "-" || ch == "/" || ch == "—" || ch == "－" || ch == "–" || ch == "第" ||
        ch == "页" || ch == "共" || ch == "\xE3\x80\x80" || ch == "·")
      continue;
    return false;
  }
  return digit;
}

std::string JoinText(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  bool ascii_edge =
      static_cast<unsigned char>(a.back()) < 0x80 && static_cast<unsigned char>(b.front()) < 0x80;
  return a + (ascii_edge ? " " : "") + b;
}

bool IsValueText(std::string_view text) {
  std::string t = CollapseSpace(text);
  if (t.empty() || CodePoints(t) > 16) return false;
  return ParseValue(t).kind != CellValue::Kind::kInvalid;
}

// Words of one page grouped into lines by their vertical centres, each line's words merged into
// segments. `offset` moves the page into the stacked coordinate.
std::vector<Line> PageLines(std::vector<Word> words, int page, double offset, double gap) {
  std::sort(words.begin(), words.end(),
            [](const Word& a, const Word& b) { return a.y0 + a.y1 < b.y0 + b.y1; });
  std::vector<std::vector<Word>> groups;
  std::vector<double> centres, heights;
  for (Word& w : words) {
    double c = (w.y0 + w.y1) / 2, h = w.y1 - w.y0;
    if (!groups.empty() &&
        std::fabs(centres.back() - c) < kSameLine * std::min(h, heights.back())) {
      groups.back().push_back(std::move(w));
      continue;
    }
    groups.push_back({std::move(w)});
    centres.push_back(c);
    heights.push_back(h);
  }
  std::vector<Line> lines;
  for (std::vector<Word>& group : groups) {
    std::sort(group.begin(), group.end(), [](const Word& a, const Word& b) { return a.x0 < b.x0; });
    Line line{1e300, -1e300, {}, false};
    for (const Word& w : group) {
      line.y0 = std::min(line.y0, w.y0 + offset);
      line.y1 = std::max(line.y1, w.y1 + offset);
      Segment* last = line.segments.empty() ? nullptr : &line.segments.back();
      double h = w.y1 - w.y0;
      if (last && w.x0 - last->x1 < gap * std::min(h, last->Height())) {
        bool spaced = w.x0 - last->x1 > 0.15 * h;
        last->text = spaced ? last->text + " " + w.text : JoinText(last->text, w.text);
        last->x1 = std::max(last->x1, w.x1);
        last->y0 = std::min(last->y0, w.y0 + offset);
        last->y1 = std::max(last->y1, w.y1 + offset);
        CoverBox(&last->ocr, w.ocr);
        continue;
      }
      line.segments.push_back(
          {w.x0, w.x1, w.y0 + offset, w.y1 + offset, w.text, page, false, w.ocr});
    }
    for (Segment& s : line.segments) {
      s.value = IsValueText(s.text);
      line.data |= s.value;
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

std::string LineText(const Line& line) {
  std::string text;
  for (const Segment& s : line.segments) text = text.empty() ? s.text : text + " " + s.text;
  return text;
}

// Page numbers in the margins, and a line in the margins repeated (digits aside) on several pages.
std::vector<Line> WithoutFurniture(std::vector<std::vector<Line>> pages,
                                   const std::vector<LayoutPage>& raw,
                                   const std::vector<double>& offsets) {
  auto in_margin = [&](const Line& l, size_t p) {
    double y = l.Middle() - offsets[p], h = raw[p].height;
    return h > 0 && (y < kMarginBand * h || y > (1 - kMarginBand) * h);
  };
  auto shape = [](const std::string& text) {
    std::string s;
    for (char c : text) s += IsAsciiDigit(c) ? '#' : c;
    return s;
  };
  std::map<std::string, int> repeated;
  for (size_t p = 0; p < pages.size(); ++p) {
    std::set<std::string> seen;
    for (const Line& l : pages[p]) {
      if (in_margin(l, p) && seen.insert(shape(LineText(l))).second) ++repeated[shape(LineText(l))];
    }
  }
  std::vector<Line> out;
  for (size_t p = 0; p < pages.size(); ++p) {
    for (Line& l : pages[p]) {
      std::string text = LineText(l);
      if (in_margin(l, p) &&
          (IsMarginPageNumber(text) || (pages.size() > 2 && repeated[shape(text)] > 2)))
        continue;
      out.push_back(std::move(l));
    }
  }
  return out;
}

// ---- table runs
// ----------------------------------------------------------------------------------

bool StartsWithChineseNumeral(std::string_view s) {
  static const char* const kNumerals[] = {"一", "二", "三", "四", "五",
                                          "六", "七", "八", "九", "十"};
  size_t i = 0;
  bool any = false;
  for (bool again = true; again;) {
    again = false;
    for (const char* n : kNumerals) {
      std::string_view nv(n);
      if (s.substr(i, nv.size()) == nv) {
        i += nv.size();
        any = again = true;
      }
    }
  }
  return any && s.substr(i, 3) == "、";
}

// "第二十条 第（一）项": the section of table 二 a part reports on.
bool IsSectionText(std::string_view s) {
  return s.substr(0, 3) == "第" && s.find("条") != std::string_view::npos && CodePoints(s) <= 16;
}

enum class LineKind { kTable, kSingle, kBreak };

LineKind KindOf(const Line& line, double text_width) {
  for (const Segment& s : line.segments) {
    if (s.x1 - s.x0 > kProseWidth * text_width || s.text.find("。") != std::string::npos)
      return LineKind::kBreak;
  }
  if (line.data || line.segments.size() > 1) return LineKind::kTable;
  const std::string& text = line.segments.front().text;
  if (StartsWithChineseNumeral(text) && CodePoints(text) > 2) return LineKind::kBreak;
  return LineKind::kSingle;
}

// Maximal runs of table lines, with the single lines among and just above them.
std::vector<std::vector<Line>> TableRuns(const std::vector<Line>& lines, double text_width) {
  std::vector<std::vector<Line>> runs;
  std::vector<Line> run, above;  // `above`: single lines waiting for a table line
  auto close = [&] {
    while (!run.empty() && !run.back().data && run.back().segments.size() == 1) run.pop_back();
    bool has_data = std::any_of(run.begin(), run.end(), [](const Line& l) { return l.data; });
    if (has_data) runs.push_back(std::move(run));
    run.clear();
  };
  for (const Line& line : lines) {
    LineKind kind = KindOf(line, text_width);
    const Line* previous = run.empty() ? (above.empty() ? nullptr : &above.back()) : &run.back();
    bool far = previous && line.y0 - previous->y1 > 8 * std::max(line.Height(), 1.0);
    if (kind == LineKind::kBreak || far) {
      close();
      above.clear();
      if (kind == LineKind::kBreak) continue;
    }
    if (kind == LineKind::kTable) {
      if (run.empty()) {
        run = std::move(above);
        above.clear();
      }
      run.push_back(line);
    } else if (!run.empty()) {
      run.push_back(line);
    } else {
      above.push_back(line);
      if (above.size() > 4) above.erase(above.begin());
    }
  }
  close();
  return runs;
}

bool ValuesOverlap(const Line& a, const Line& b) {
  for (const Segment& x : a.segments) {
    for (const Segment& y : b.segments) {
      if (x.value && y.value && x.x0 < y.x1 && y.x0 < x.x1) return true;
    }
  }
  return false;
}

// Writers place the cells of one row on slightly different baselines (LibreOffice centres a
// one-line total beside a wrapped label): data lines less than a line apart whose values share
// no column are one row.
std::vector<Line> MergeSplitRows(std::vector<Line> run) {
  std::vector<Line> out;
  for (Line& line : run) {
    if (!out.empty() && line.data && out.back().data &&
        line.Middle() - out.back().Middle() < 0.8 * std::min(line.Height(), out.back().Height()) &&
        !ValuesOverlap(line, out.back())) {
      Line& last = out.back();
      last.y0 = std::min(last.y0, line.y0);
      last.y1 = std::max(last.y1, line.y1);
      for (Segment& seg : line.segments) last.segments.push_back(std::move(seg));
      std::sort(last.segments.begin(), last.segments.end(),
                [](const Segment& a, const Segment& b) { return a.x0 < b.x0; });
      continue;
    }
    out.push_back(std::move(line));
  }
  return out;
}

// Splits a run into the parts that have a header of their own: at section lines, and where a
// header line (text over the value columns, no values) follows data rows.
std::vector<std::vector<Line>> Parts(const std::vector<Line>& run) {
  double first_value = 1e300;
  for (const Line& l : run) {
    for (const Segment& s : l.segments) {
      if (s.value) first_value = std::min(first_value, s.x0);
    }
  }
  std::vector<std::vector<Line>> parts(1);
  bool saw_data = false;
  for (const Line& l : run) {
    bool section = l.segments.size() == 1 && !l.data && IsSectionText(l.segments[0].text);
    bool header = !l.data && std::any_of(l.segments.begin(), l.segments.end(),
                                         [&](const Segment& s) { return s.x0 >= first_value - 2; });
    if ((section || (header && saw_data)) && !parts.back().empty()) {
      parts.emplace_back();
      saw_data = false;
    }
    parts.back().push_back(l);
    saw_data |= l.data;
  }
  std::erase_if(parts, [](const std::vector<Line>& p) {
    return std::none_of(p.begin(), p.end(), [](const Line& l) { return l.data; });
  });
  return parts;
}

// ---- one part → grid
// -----------------------------------------------------------------------------

struct Range {
  double x0, x1;
  double Centre() const { return (x0 + x1) / 2; }
};

// Value columns: the x-ranges of value segments merged where they overlap.
std::vector<Range> ValueColumns(const std::vector<Line>& lines) {
  std::vector<Range> ranges;
  for (const Line& l : lines) {
    for (const Segment& s : l.segments) {
      if (l.data && s.value) ranges.push_back({s.x0, s.x1});
    }
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const Range& a, const Range& b) { return a.x0 < b.x0; });
  std::vector<Range> columns;
  for (const Range& r : ranges) {
    if (!columns.empty() && r.x0 <= columns.back().x1 + 2) {
      columns.back().x1 = std::max(columns.back().x1, r.x1);
    } else {
      columns.push_back(r);
    }
  }
  return columns;
}

// The value columns whose centres `s` covers, or the nearest one: [first, last].
std::pair<int, int> ValueSpan(const Segment& s, const std::vector<Range>& columns) {
  int first = -1, last = -1;
  for (int c = 0; c < static_cast<int>(columns.size()); ++c) {
    double centre = columns[c].Centre();
    if (centre >= s.x0 - 2 && centre <= s.x1 + 2) {
      if (first < 0) first = c;
      last = c;
    }
  }
  if (first >= 0) return {first, last};
  int nearest = 0;
  for (int c = 1; c < static_cast<int>(columns.size()); ++c) {
    if (std::fabs(columns[c].Centre() - s.Centre()) <
        std::fabs(columns[nearest].Centre() - s.Centre()))
      nearest = c;
  }
  return {nearest, nearest};
}

struct HeaderCell {
  int first, last;  // value columns
  double y0, y1;
  std::string text;
  int page;
  int depth = 0;
};

// Header segments over the value columns: wrapped pieces of one label joined, then nested by
// depth (a cell lies below the cells above it whose columns include its own).
std::vector<HeaderCell> HeaderCells(const std::vector<const Segment*>& segments,
                                    const std::vector<Range>& columns) {
  std::vector<HeaderCell> cells;
  for (const Segment* s : segments) {
    auto [first, last] = ValueSpan(*s, columns);
    bool joined = false;
    for (HeaderCell& c : cells) {
      if (c.first == first && c.last == last && s->y0 - c.y1 >= -1 &&
          s->Middle() - (c.y1 - s->Height() / 2) <= kWrapPitch * s->Height()) {
        c.text = JoinText(c.text, s->text);
        c.y1 = s->y1;
        joined = true;
        break;
      }
    }
    if (!joined) cells.push_back({first, last, s->y0, s->y1, s->text, s->page});
  }
  std::sort(cells.begin(), cells.end(),
            [](const HeaderCell& a, const HeaderCell& b) { return a.y0 < b.y0; });
  for (size_t i = 0; i < cells.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (cells[j].y1 <= cells[i].y0 + 1 && cells[j].first <= cells[i].first &&
          cells[j].last >= cells[i].last)
        cells[i].depth = std::max(cells[i].depth, cells[j].depth + 1);
    }
  }
  return cells;
}

// Label column starts: the left edges of the label segments, clustered.
std::vector<double> LabelColumns(const std::vector<const Segment*>& labels) {
  std::vector<double> edges;
  for (const Segment* s : labels) edges.push_back(s->x0);
  std::sort(edges.begin(), edges.end());
  std::vector<double> starts;
  for (double e : edges) {
    if (starts.empty() || e - starts.back() > kColumnEdge) starts.push_back(e);
  }
  return starts;
}

int LabelColumnOf(double x0, const std::vector<double>& starts) {
  int column = 0;
  for (int c = 0; c < static_cast<int>(starts.size()); ++c) {
    if (x0 >= starts[c] - kColumnEdge / 2) column = c;
  }
  return column;
}

// A label of one label column: its pieces joined, and the data rows it belongs to.
struct LabelBlock {
  double y0, y1;
  std::string text;
  int page;
  int colspan = 1;
  std::vector<int> anchors;  // data rows whose line holds a piece of it
  bool stub = false;         // printed a character a line
  int first_row = -1, last_row = -1;
};

struct LabelPiece {
  const Segment* segment;
  int anchor;  // data row of its line, or -1
};

std::vector<LabelBlock> Blocks(std::vector<LabelPiece> pieces, int column,
                               const std::vector<double>& starts) {
  std::vector<LabelBlock> blocks;
  auto colspan_of = [&](const Segment& s) {
    int span = 1;
    for (int c = column + 1; c < static_cast<int>(starts.size()); ++c) {
      if (s.x1 > starts[c] + 4) span = c - column + 1;
    }
    return span;
  };
  size_t i = 0;
  while (i < pieces.size()) {
    // A vertical stub: three or more pieces of one or two characters, a line apart.
    size_t j = i;
    while (j < pieces.size() && CodePoints(pieces[j].segment->text) <= 2 &&
           (j == i || pieces[j].segment->Middle() - pieces[j - 1].segment->Middle() <=
                          3 * pieces[j].segment->Height()))
      ++j;
    bool stub = j - i >= 3;
    if (!stub) j = i + 1;
    if (!stub) {
      // Wrapped pieces of one label: a line apart, at most one on a data line.
      int anchors = pieces[i].anchor >= 0;
      while (j < pieces.size() &&
             pieces[j].segment->Middle() - pieces[j - 1].segment->Middle() <=
                 kWrapPitch * pieces[j].segment->Height() &&
             anchors + (pieces[j].anchor >= 0) <= 1 && CodePoints(pieces[j].segment->text) > 0) {
        anchors += pieces[j].anchor >= 0;
        ++j;
      }
    }
    LabelBlock block;
    block.y0 = pieces[i].segment->y0;
    block.y1 = pieces[i].segment->y1;
    block.page = pieces[i].segment->page;
    block.stub = stub;
    for (size_t k = i; k < j; ++k) {
      const Segment& s = *pieces[k].segment;
      block.text = JoinText(block.text, s.text);
      block.y1 = std::max(block.y1, s.y1);
      block.colspan = std::max(block.colspan, colspan_of(s));
      if (pieces[k].anchor >= 0) block.anchors.push_back(pieces[k].anchor);
    }
    blocks.push_back(std::move(block));
    i = j;
  }
  return blocks;
}

// Assigns each block its rows: its own data row (a piece on it, or the one row whose middle lies
// inside it); a stub, or a block inside no row or over several, spans the rows between its
// neighbours.
void AssignRows(std::vector<LabelBlock>* blocks, const std::vector<double>& row_middles) {
  std::vector<bool> spanning(blocks->size(), false);
  for (size_t b = 0; b < blocks->size(); ++b) {
    LabelBlock& block = (*blocks)[b];
    std::vector<int> inside;
    for (int r = 0; r < static_cast<int>(row_middles.size()); ++r) {
      if (row_middles[r] >= block.y0 && row_middles[r] <= block.y1) inside.push_back(r);
    }
    if (!block.stub && block.anchors.size() == 1) {
      block.first_row = block.last_row = block.anchors[0];
    } else if (!block.stub && inside.size() == 1) {
      block.first_row = block.last_row = inside[0];
    } else {
      spanning[b] = true;
    }
  }
  for (size_t b = 0; b < blocks->size(); ++b) {
    if (!spanning[b]) continue;
    LabelBlock& block = (*blocks)[b];
    int after = -1, before = static_cast<int>(row_middles.size());
    for (size_t o = 0; o < blocks->size(); ++o) {
      if (spanning[o]) continue;
      const LabelBlock& other = (*blocks)[o];
      if (other.y1 <= block.y0 + 1) after = std::max(after, other.last_row);
      if (other.y0 >= block.y1 - 1) before = std::min(before, other.first_row);
    }
    if (after + 1 <= before - 1) {
      block.first_row = after + 1;
      block.last_row = before - 1;
    } else {  // nothing between: the nearest row
      int nearest = 0;
      double middle = (block.y0 + block.y1) / 2;
      for (int r = 1; r < static_cast<int>(row_middles.size()); ++r) {
        if (std::fabs(row_middles[r] - middle) < std::fabs(row_middles[nearest] - middle))
          nearest = r;
      }
      block.first_row = block.last_row = nearest;
    }
  }
}

// Places `text` at rows [r0, r1] × columns [c0, c0 + colspan): a new cell when the slots are
// free, else appended to the cell already there.
void PlaceSpan(GridBuilder* builder, int r0, int r1, int c0, int colspan, const std::string& text,
               int page, const PixelBox& ocr = {}) {
  for (int r = r0; r <= r1; ++r) {
    for (int c = c0; c < c0 + colspan; ++c) {
      if (int occupant = builder->At(r, c); occupant >= 0) {
        GridCell& cell = builder->Cell(occupant);
        cell.text = JoinText(cell.text, text);
        CoverBox(&cell.ocr, ocr);
        return;
      }
    }
  }
  int index = builder->Place(r0, c0, colspan, text, page);
  builder->Cell(index).ocr = ocr;
  builder->ExtendTo(index, r1);
}

Grid PartGrid(const std::vector<Line>& part) {
  std::vector<Range> columns = ValueColumns(part);
  double first_value = columns.front().x0;
  size_t first_data = 0;
  while (!part[first_data].data) ++first_data;
  // The section line (第二十条…) heads the part.
  size_t start = 0;
  std::string section;
  int section_page = 0;
  if (!part[0].data && part[0].segments.size() == 1 && IsSectionText(part[0].segments[0].text)) {
    section = part[0].segments[0].text;
    section_page = part[0].segments[0].page;
    start = 1;
  }
  std::vector<const Segment*> header_values, corner, labels;
  for (size_t i = start; i < first_data; ++i) {
    for (const Segment& s : part[i].segments) {
      (s.x1 <= first_value + 2 ? corner : header_values).push_back(&s);
    }
  }
  std::vector<double> row_middles;
  std::vector<int> row_of_line(part.size(), -1);
  for (size_t i = first_data; i < part.size(); ++i) {
    if (part[i].data) {
      row_of_line[i] = static_cast<int>(row_middles.size());
      row_middles.push_back(part[i].Middle());
    }
    for (const Segment& s : part[i].segments) {
      if (s.Centre() < first_value) labels.push_back(&s);
    }
  }
  std::vector<double> starts = LabelColumns(labels);
  int label_columns = static_cast<int>(starts.size());
  std::vector<HeaderCell> header = HeaderCells(header_values, columns);
  int header_rows = 0;
  for (const HeaderCell& h : header) header_rows = std::max(header_rows, h.depth + 1);
  if (header_rows == 0 && !corner.empty()) header_rows = 1;
  int top = section.empty() ? 0 : 1;
  int body = top + header_rows;
  int total_columns = label_columns + static_cast<int>(columns.size());

  GridBuilder builder;
  if (!section.empty()) builder.Place(0, 0, total_columns, section, section_page);
  if (!corner.empty() && label_columns > 0) {
    std::string text;
    for (const Segment* s : corner) text = JoinText(text, s->text);
    PlaceSpan(&builder, top, body - 1, 0, label_columns, text, corner.front()->page);
  }
  for (const HeaderCell& h : header) {
    // A cell with nothing below it reaches down to the last header row.
    bool below = std::any_of(header.begin(), header.end(), [&](const HeaderCell& o) {
      return o.depth > h.depth && o.first <= h.last && o.last >= h.first;
    });
    int r0 = top + h.depth, r1 = below ? r0 : body - 1;
    PlaceSpan(&builder, r0, r1, label_columns + h.first, h.last - h.first + 1, h.text, h.page);
  }
  // Labels, column by column.
  for (int column = 0; column < label_columns; ++column) {
    std::vector<LabelPiece> pieces;
    for (size_t i = first_data; i < part.size(); ++i) {
      for (const Segment& s : part[i].segments) {
        if (s.Centre() < first_value && LabelColumnOf(s.x0, starts) == column)
          pieces.push_back({&s, row_of_line[i]});
      }
    }
    std::vector<LabelBlock> blocks = Blocks(std::move(pieces), column, starts);
    AssignRows(&blocks, row_middles);
    for (const LabelBlock& b : blocks) {
      int colspan = std::min(b.colspan, label_columns - column);
      PlaceSpan(&builder, body + b.first_row, body + b.last_row, column, colspan, b.text, b.page);
    }
  }
  // Values, and text over the value columns on lines between rows (a wrapped value cell).
  for (size_t i = first_data; i < part.size(); ++i) {
    int row = row_of_line[i];
    if (row < 0) {
      double middle = part[i].Middle();
      int nearest = 0;
      for (int r = 1; r < static_cast<int>(row_middles.size()); ++r) {
        if (std::fabs(row_middles[r] - middle) < std::fabs(row_middles[nearest] - middle))
          nearest = r;
      }
      if (std::fabs(row_middles[nearest] - middle) > 1.5 * part[i].Height()) continue;
      row = nearest;
    }
    for (const Segment& s : part[i].segments) {
      if (s.Centre() < first_value) continue;
      auto [first, last] = ValueSpan(s, columns);
      PlaceSpan(&builder, body + row, body + row, label_columns + first, last - first + 1, s.text,
                s.page, s.ocr);
    }
  }
  return builder.Finish();
}

Page Layout(const std::vector<LayoutPage>& raw) {
  Page page;
  page.positional = true;
  std::vector<std::vector<Line>> per_page;
  std::vector<double> offsets;
  double offset = 0, min_x = 1e300, max_x = -1e300;
  for (size_t p = 0; p < raw.size(); ++p) {
    double top = 1e300, bottom = 0;
    for (const Word& w : raw[p].words) {
      top = std::min(top, w.y0);
      bottom = std::max(bottom, w.y1);
      min_x = std::min(min_x, w.x0);
      max_x = std::max(max_x, w.x1);
    }
    offsets.push_back(offset);
    per_page.push_back(
        PageLines(raw[p].words, static_cast<int>(p) + 1, offset, raw[p].segment_gap));
    offset += std::max(raw[p].height, bottom) + kPageGap;
  }
  // Stack the pages tightly: the content of each starts just below the last content of the
  // previous one (page numbers aside), so a row's pieces either side of a break stay a line apart.
  std::vector<Line> lines = WithoutFurniture(std::move(per_page), raw, offsets);
  double shift = 0, previous_bottom = -1;
  int previous_page = 0;
  for (Line& l : lines) {
    int p = l.segments.front().page;
    if (p != previous_page && previous_bottom >= 0) shift = l.y0 - (previous_bottom + kPageGap);
    if (p != previous_page) previous_page = p;
    l.y0 -= shift;
    l.y1 -= shift;
    for (Segment& s : l.segments) {
      s.y0 -= shift;
      s.y1 -= shift;
    }
    previous_bottom = std::max(previous_bottom, l.y1);
  }
  std::vector<std::string> text_lines;
  for (const Line& l : lines) {
    text_lines.push_back(LineText(l));
    page.text += text_lines.back() + "\n";
  }
  page.title = DocumentTitle(text_lines);
  double text_width = max_x > min_x ? max_x - min_x : 1;
  for (std::vector<Line>& run : TableRuns(lines, text_width)) {
    for (const std::vector<Line>& part : Parts(MergeSplitRows(std::move(run))))
      page.tables.push_back(PartGrid(part));
  }
  return page;
}

}  // namespace
}  // namespace word_layout

Page PageFromWords(const std::vector<LayoutPage>& pages) { return word_layout::Layout(pages); }

void CoverBox(PixelBox* into, const PixelBox& box) {
  if (box.confidence < 0) return;
  if (into->confidence < 0) {
    *into = box;
    return;
  }
  into->x0 = std::min(into->x0, box.x0);
  into->y0 = std::min(into->y0, box.y0);
  into->x1 = std::max(into->x1, box.x1);
  into->y1 = std::max(into->y1, box.y1);
  into->confidence = std::min(into->confidence, box.confidence);
  if (!box.alternative.empty())
    into->alternative += (into->alternative.empty() ? "" : " ") + box.alternative;
}

}  // namespace nianbao
