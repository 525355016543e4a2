// A page reduced to what the extractor reads: its tables as grids, its title, its <meta> pairs and
// its visible text. HTML goes through Gumbo; plain text (pdftotext -layout output, a copied page,
// one cell per line) through the text grid builder, so everything downstream has one
// implementation.
//
// Grid model: a table is a rectangle of slots. Each slot names its origin cell (or none, for a
// ragged row). A label fills every slot it spans; a value is read once, at its origin.
#ifndef NIANBAO_EXTRACT_READ_PAGE_H_
#define NIANBAO_EXTRACT_READ_PAGE_H_

#include <atomic>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extraction.h"

namespace nianbao {

struct GridCell {
  std::string text;  // visible text, UTF-8; <br>, <p> and block boundaries become '\n'
  int row = 0;       // origin slot
  int column = 0;
  int rowspan = 1;
  int colspan = 1;
  int page = 0;    // 1-based page of a paged document (PDF) the cell was printed on; 0 otherwise
  PixelBox ocr{};  // OCR: the pixels its words were read from and their lowest confidence
};

struct Grid {
  int rows = 0;
  int columns = 0;
  std::vector<GridCell> cells;
  std::vector<int> slots;  // rows * columns; index into cells, or -1 for an empty slot
  // Text whose table cells were saved glued together (see glued.h): each row is a label and one
  // run of digits holding all of its values, split by extract/map/glued.h.
  bool glued = false;

  const GridCell* At(int row, int column) const {
    if (row < 0 || column < 0 || row >= rows || column >= columns) return nullptr;
    int index = slots[static_cast<size_t>(row) * columns + column];
    return index < 0 ? nullptr : &cells[index];
  }
};

struct Page {
  std::vector<Grid> tables;  // in document order; nested tables after their parent
  std::string title;         // <title>, or the first heading line of a text page
  std::multimap<std::string, std::string>
      meta;          // <meta name|http-equiv|property → content>, name lower-cased
  std::string text;  // visible text outside scripts/styles, one block per line
  std::vector<std::string> warnings;
  // The grids were built from positions (plain text, PDF word boxes), so a value's column may not
  // line up with its header: the matcher then also reads rows positionally.
  bool positional = false;
};

class HtmlTree;  // html_tree.h

// `html` must be UTF-8 (see decode.h). Never throws on any input.
Page ParseHtml(std::string_view html);
// The same from a parse the caller keeps (to read its links too).
Page ParseHtml(const HtmlTree& tree);
// `text` must be UTF-8. Cells split on '|', tabs or runs of 2+ spaces (pdftotext -layout: label
// pieces over several lines are joined, page numbers and running headers at form feeds dropped); a
// page with one cell per line becomes rows of its label line(s) and value line(s) — one value a
// row for the legacy list, several for the 2019/2021 tables. Never throws on any input. Once
// `*cancel` reads true it returns early with part of the page.
Page ParseText(std::string_view text, const std::atomic<bool>* cancel = nullptr);
// The title of a document from its first lines (paragraphs, PDF lines): the first line naming a
// report (年度报告, 年报, 工作报告), with a short issuer line above it joined on ("淮安市人民政府"
// + "2024 年政府信息公开工作年度报告"); blanks next to Chinese characters dropped.
std::string DocumentTitle(const std::vector<std::string>& lines);
// True when the decoded input looks like HTML rather than plain text.
bool LooksLikeHtml(std::string_view utf8);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_READ_PAGE_H_
