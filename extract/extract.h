// extract/: a pure function of (bytes, options, rules) → Extraction. No network, no database, no
// globals. Errors: rule files are validated when a RuleSet is built (RuleError, an exception naming
// file and line); Extract itself never throws on any input — what it could not read becomes a
// warning.
#ifndef NIANBAO_EXTRACT_EXTRACT_H_
#define NIANBAO_EXTRACT_EXTRACT_H_

#include <optional>
#include <string>
#include <string_view>

#include "extract/extraction.h"
#include "extract/map/rules.h"
#include "extract/read/isolate.h"

namespace nianbao {

// The format comes from the bytes (read/sniff.h): HTML, text, PDF (pdftotext), DOCX/XLSX, and
// DOC/WPS/XLS through LibreOffice when installed. A format that cannot be read is a warning naming
// it ("unsupported format DOC: install libreoffice-writer-nogui"), template null.
struct ExtractOptions {
  std::optional<std::string> encoding;  // overrides BOM-less detection, e.g. "GBK"
  // kAuto sniffs the format; kHtml/kText force that reading whatever the bytes are.
  enum class Input { kAuto, kHtml, kText } input = Input::kAuto;
  // Readers of binary formats (PDF, OOXML, LibreOffice) run in child processes with these limits.
  // false reads OOXML in this process and skips formats that need a program — for fuzzing only.
  bool isolate = true;
  ChildLimits limits;
};

// `page_text`, when given, receives the page's visible text, decoded and whitespace-normalised, one
// block per line: what a person reads, for change detection. It comes from the same parse.
Extraction Extract(std::string_view bytes, const RuleSet& rules, const ExtractOptions& options = {},
                   std::string* page_text = nullptr);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_EXTRACT_H_
