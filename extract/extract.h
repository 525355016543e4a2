// extract/: a pure function of (bytes, options, rules) → Extraction. No network, no database, no
// globals. Errors: rule files are validated when a RuleSet is built (RuleError, an exception naming
// file and line); Extract itself never throws on any input — what it could not read becomes a
// warning.
#ifndef NIANBAO_EXTRACT_EXTRACT_H_
#define NIANBAO_EXTRACT_EXTRACT_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extraction.h"
#include "extract/map/rules.h"
#include "extract/read/isolate.h"

namespace nianbao {

class HtmlTree;  // extract/read/html_tree.h

// The format comes from the bytes (read/sniff.h): HTML, text, PDF (pdftotext), DOCX/XLSX, and
// DOC/WPS/XLS through LibreOffice when installed. A format that cannot be read is a warning naming
// it ("unsupported format DOC: install libreoffice-writer-nogui"), template null.
struct ExtractOptions {
  // How the bytes are decoded (extract/read/decode.h): what the page says (BOM, <meta>, its bytes)
  // weighed with these.
  std::optional<std::string> encoding;  // the charset when the page does not say it (--encoding)
  std::optional<std::string>
      force_encoding;                       // the charset whatever the page says (--force-encoding)
  std::optional<std::string> http_charset;  // the HTTP Content-Type charset: a hint, like <meta>
  // kAuto sniffs the format; kHtml/kText force that reading whatever the bytes are.
  enum class Input { kAuto, kHtml, kText } input = Input::kAuto;
  // Readers of binary formats (PDF, OOXML, LibreOffice) run in child processes with these limits.
  // false reads OOXML in this process and skips formats that need a program — for fuzzing only.
  bool isolate = true;
  ChildLimits limits;
  // A cancel token: once it reads true, Extract returns soon (it is checked between the phases and
  // in the text grid builder's loops) with an incomplete result that the caller must discard.
  const std::atomic<bool>* cancel = nullptr;
};

// What Extract read besides the extraction, from the same decoding and parse.
struct ExtractedPage {
  // The visible text, decoded and whitespace-normalised, one block per line: what a person reads,
  // for change detection.
  std::string text;
  // The parsed HTML (its decoded source and Gumbo tree) when the input was read as HTML, for link
  // discovery, so that a page is parsed once; null otherwise.
  std::shared_ptr<const HtmlTree> html;
};

// `page`, when given, receives the ExtractedPage.
Extraction Extract(std::string_view bytes, const RuleSet& rules, const ExtractOptions& options = {},
                   ExtractedPage* page = nullptr);

// A report page whose statistics tables are pictures (an <img> where 表一–表四 should be). The page
// (HTML or text) gives the title, metadata and prose; `pictures`, its article-body images in page
// order, are OCR'd like image files and give the tables, after any of the page's own. All are
// mapped as one page, so 表一 in the first picture and 表三 in the second make one extraction and a
// table cut over two pictures keeps its header. A picture's cells carry its 1-based index as their
// `page`; bytes that are no picture are skipped with a warning naming their index. Format "ocr".
Extraction ExtractWithPictures(std::string_view page, const std::vector<std::string_view>& pictures,
                               const RuleSet& rules, const ExtractOptions& options = {});
// Whether `bytes` are a picture (PNG, JPEG, TIFF, BMP, GIF) that ExtractWithPictures reads.
bool IsPicture(std::string_view bytes);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_EXTRACT_H_
