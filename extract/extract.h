// extract/: a pure function of (bytes, options, rules) → Extraction. No network, no database, no
// globals. Errors: rule files are validated when a RuleSet is built (RuleError, an exception naming
// file and line); Extract itself never throws on any input — what it could not read becomes a
// warning.
#ifndef NIANBAO_EXTRACT_EXTRACT_H_
#define NIANBAO_EXTRACT_EXTRACT_H_

#include <atomic>
#include <optional>
#include <string>
#include <string_view>

#include "extract/extraction.h"
#include "extract/map/rules.h"

namespace nianbao {

struct ExtractOptions {
  std::optional<std::string> encoding;  // overrides BOM-less detection, e.g. "GBK"
  enum class Input { kAuto, kHtml, kText } input = Input::kAuto;
  // A cancel token: once it reads true, Extract returns soon (it is checked between the phases and
  // in the text grid builder's loops) with an incomplete result that the caller must discard.
  const std::atomic<bool>* cancel = nullptr;
};

// `page_text`, when given, receives the page's visible text, decoded and whitespace-normalised, one
// block per line: what a person reads, for change detection. It comes from the same parse.
Extraction Extract(std::string_view bytes, const RuleSet& rules, const ExtractOptions& options = {},
                   std::string* page_text = nullptr);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_EXTRACT_H_
