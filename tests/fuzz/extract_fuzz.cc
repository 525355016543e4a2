// libFuzzer target over the whole extractor: SniffFormat; DecodeToUtf8 → ParseHtml and ParseText;
// the in-process document readers (ParseDocx, ParseXlsx, PageFromWordBoxes for pdftotext's XHTML);
// then Extract with the embedded rules and isolate=false (OOXML read in this process). The first
// input byte also picks a charset and which hint it is (forced, HTTP, fallback: decode.h), so the
// ICU conversion paths and the weighing of hints against the bytes are fuzzed as well as
// detection. Any crash, sanitizer report, exception or leak is a finding.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "extract/extract.h"
#include "extract/map/rules.h"
#include "extract/read/decode.h"
#include "extract/read/ooxml.h"
#include "extract/read/page.h"
#include "extract/read/pdf.h"
#include "extract/read/sniff.h"

namespace {

std::optional<std::string> CharsetFor(uint8_t selector) {
  switch (selector % 8) {
    case 1:
      return "GBK";
    case 2:
      return "UTF-8";
    case 3:
      return "UTF-16LE";
    case 4:
      return "Big5";
    case 5:
      return "no-such-charset";
    default:
      return std::nullopt;  // BOM, <meta>, detection
  }
}

// Loaded once: the rules are immutable and the target is single-threaded.
const auto& Rules() {
  static const auto rules = nianbao::RuleSet::LoadEmbedded();
  return rules;
}

}  // namespace

// The rules (and ICU's transliterators) are built before the first input, so that their seconds of
// set-up never count against the first input's -timeout.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Rules();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& rules = Rules();
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::optional<std::string> charset = size > 0 ? CharsetFor(data[0]) : std::nullopt;
  nianbao::ExtractOptions options;
  switch (size > 0 ? (data[0] >> 3) % 3 : 0) {
    case 0:
      options.force_encoding = charset;
      break;
    case 1:
      options.http_charset = charset;
      break;
    default:
      options.encoding = charset;
      break;
  }
  nianbao::CharsetHints hints{options.force_encoding, options.http_charset, options.encoding};

  (void)nianbao::FormatName(nianbao::SniffFormat(bytes));
  nianbao::Decoded decoded = nianbao::DecodeToUtf8(bytes, hints);
  nianbao::Page html = nianbao::ParseHtml(decoded.utf8);
  nianbao::Page text = nianbao::ParseText(decoded.utf8);
  nianbao::Page docx = nianbao::ParseDocx(bytes);
  nianbao::Page xlsx = nianbao::ParseXlsx(bytes);
  nianbao::Page boxes = nianbao::PageFromWordBoxes(bytes);
  for (const nianbao::Page* page : {&html, &text, &docx, &xlsx, &boxes}) {
    for (const nianbao::Grid& grid : page->tables) {
      // Every slot must name a real cell that covers it.
      for (int r = 0; r < grid.rows; ++r) {
        for (int c = 0; c < grid.columns; ++c) {
          const nianbao::GridCell* cell = grid.At(r, c);
          if (cell != nullptr &&
              (cell->row > r || cell->column > c || r >= cell->row + cell->rowspan ||
               c >= cell->column + cell->colspan)) {
            __builtin_trap();
          }
        }
      }
    }
  }
  (void)nianbao::LooksLikeHtml(decoded.utf8);

  options.isolate = false;
  (void)nianbao::Extract(bytes, *rules, options);
  return 0;
}
