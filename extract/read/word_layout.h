// The one layout engine of the readers that see a page as positioned words: PDF word boxes
// (pdftotext -bbox-layout, pdf.h) and OCR words (tesseract, ocr.h). Words → lines (vertical
// centres) → segments → table runs → grids (value columns from shared x-ranges, header cells,
// label columns, stubs), page furniture dropped and pages stacked; pdf.h describes the rules.
// Coordinates are points (1/72 inch) from the page's top-left corner, so every tolerance means the
// same for every reader: a reader of pixels scales its words to points first. A word may carry
// its pixel box and OCR confidence (PixelBox); a grid cell keeps the union of its words' boxes and
// their lowest confidence (GridCell::ocr). Never throws.
#ifndef NIANBAO_EXTRACT_READ_WORD_LAYOUT_H_
#define NIANBAO_EXTRACT_READ_WORD_LAYOUT_H_

#include <string>
#include <vector>

#include "extract/extraction.h"
#include "extract/read/page.h"

namespace nianbao {

struct LayoutWord {
  double x0, y0, x1, y1;  // points, y downwards
  std::string text;
  PixelBox ocr{};  // where OCR read it; confidence < 0 for a word of a text layer
};

struct LayoutPage {
  double height = 0;  // points
  std::vector<LayoutWord> words;
  // Words closer than this × their height are one segment (a cell's text on one line), as
  // pdftotext's words need. The OCR reader joins its words itself, cutting at ruling lines, which
  // only it sees: 0, nothing joined again.
  double segment_gap = 0.8;
};

// Widens `into` to cover `box`, keeping the lower confidence and every alternative reading; a box
// no OCR read (confidence < 0) is ignored, and one that was never read takes `box` whole.
void CoverBox(PixelBox* into, const PixelBox& box);

// The page's title, visible text (one line a line) and tables; `positional` is set. Cells record
// their 1-based page.
Page PageFromWords(const std::vector<LayoutPage>& pages);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_READ_WORD_LAYOUT_H_
