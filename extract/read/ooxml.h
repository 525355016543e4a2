// DOCX and XLSX read as the XML they are (libzip + pugixml), straight into the grid model.
//  DOCX: w:body in order; each w:tbl a grid (w:tr/w:tc, w:gridBefore, w:gridSpan as colspan,
//        w:vMerge restart/continue as rowspan), nested tables after their parent, at most
//        kMaxTableDepth deep; text joined across runs, w:ins taken, w:del skipped; paragraphs
//        (w:p) feed Page::text, one a line, and the title.
//  XLSX: every worksheet a grid; shared strings, inline strings, numbers as printed (shortest
//        round trip), mergeCells as spans; empty cells cost nothing.
// Zip limits (a zip bomb is refused, with a warning naming the limit): at most kMaxZipEntries
// entries, kMaxEntryBytes per entry read and kMaxTotalBytes in all (counted as inflated, not as
// declared), and a compression ratio of at most kMaxRatio for entries over 1 MiB.
// In-process and never throws; hostile input should still go through ReadOoxmlIsolated.
#ifndef NIANBAO_EXTRACT_READ_OOXML_H_
#define NIANBAO_EXTRACT_READ_OOXML_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "extract/read/isolate.h"
#include "extract/read/page.h"
#include "extract/read/sniff.h"

namespace nianbao {

constexpr int kMaxZipEntries = 10000;
constexpr size_t kMaxEntryBytes = size_t{64} << 20;
constexpr size_t kMaxTotalBytes = size_t{256} << 20;
constexpr double kMaxRatio = 200;
constexpr int kMaxTableDepth = 32;

Page ParseDocx(std::string_view bytes);
Page ParseXlsx(std::string_view bytes);

// ParseDocx or ParseXlsx (by `format`) in a forked child with `limits`; the Page comes back
// serialized. A crash or a limit hit becomes a warning naming it.
Page ReadOoxmlIsolated(std::string_view bytes, Format format, const ChildLimits& limits);

// The Page as a string and back, for the pipe from a child reader. DeserializePage of anything
// else gives an empty Page with a warning.
std::string SerializePage(const Page& page);
Page DeserializePage(std::string_view data);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_READ_OOXML_H_
