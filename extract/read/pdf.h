// PDF with a text layer, read by poppler-utils' pdftotext run as a child process (isolate.h): the
// project links no GPL code (see README "Licence"). The grid comes from word boxes
// (`pdftotext -bbox-layout`):
//  - page numbers (-4-, — 4 —, 第4页) and running headers/footers in the page margins are dropped,
//    and the pages are stacked into one column, so a table over a page break is one table;
//  - lines are words whose vertical centres agree; words closer than a character's height are one
//    segment (a cell's text); prose (wide segments, 。) and report headings end a table;
//  - value columns are the x-ranges the value segments share; header segments take the value
//    columns whose centres they cover, nested by what lies above them; label columns are the left
//    edges of the label segments; a label printed over several lines is joined, and one that lies
//    between rows (a vertical stub printed a character a line, （三）不予公开 centred on its rows)
//    spans the rows between its neighbours in its column;
//  - each cell records its page.
// `pdftotext -layout` text (ParseText) is the fallback when the word boxes give no table.
#ifndef NIANBAO_EXTRACT_READ_PDF_H_
#define NIANBAO_EXTRACT_READ_PDF_H_

#include <string>
#include <string_view>

#include "extract/read/isolate.h"
#include "extract/read/page.h"

namespace nianbao {

constexpr int kMaxPdfPages = 200;  // pages read; a longer document gets a warning

// Runs pdftotext -bbox-layout on the bytes (written to a private temporary file) with `limits`.
// Errors (not installed, encrypted, damaged, a limit hit) become warnings; never throws.
Page ReadPdf(std::string_view bytes, const ChildLimits& limits);
// Runs pdftotext -layout and reads its text with ParseText.
Page ReadPdfLayoutText(std::string_view bytes, const ChildLimits& limits);

// The in-process half, for tests and fuzzing: pdftotext -bbox-layout XHTML → Page.
Page PageFromWordBoxes(std::string_view xhtml);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_READ_PDF_H_
