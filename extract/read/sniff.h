// The format of a document, from its bytes alone: magic numbers and structure (the entry names of
// a zip, the stream names of an OLE2 compound file), never a file name or a Content-Type, which are
// often wrong on government sites. Never throws; reads at most the zip's central directory and the
// OLE2 directory, with bounds on both.
#ifndef NIANBAO_EXTRACT_READ_SNIFF_H_
#define NIANBAO_EXTRACT_READ_SNIFF_H_

#include <string_view>

namespace nianbao {

enum class Format {
  kEmpty,  // zero bytes (or only blanks)
  kHtml,
  kText,
  kPdf,
  kDocx,
  kXlsx,
  kPptx,
  kDoc,  // OLE2 with a WordDocument stream
  kWps,  // OLE2 made by Kingsoft WPS Writer (no WordDocument stream of its own, or WPS-named)
  kXls,  // OLE2 with a Workbook/Book stream
  kPpt,
  kOle2,  // another OLE2 compound file
  kOfd,   // GB/T 33190 OFD: a zip with OFD.xml
  kPng,
  kJpeg,
  kTiff,
  kBmp,
  kGif,
  kZip,
  kRar,
  kBinary,  // none of the above and not text
};

Format SniffFormat(std::string_view bytes);

// Lower-case name as stored in Extraction::format: "html", "text", "pdf", "docx", "doc", ...
std::string_view FormatName(Format format);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_READ_SNIFF_H_
