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

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_EXTRACT_H_
