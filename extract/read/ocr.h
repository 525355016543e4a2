// Scanned and image-only reports, read by OCR. Tesseract's CLI runs as a child process
// (isolate.h) — the project links no GPL or image-decoding code — twice a page, `-l chi_sim` for
// the page and `-l eng` for its digits (`--psm 4`, TSV: words with pixel boxes and confidences,
// never a text blob); a number is kept only where both read it alike. A page tilted over 0.5° is
// straightened by ImageMagick's `convert` (a child too) and read again. The words, scaled to
// points and joined into runs cut at ruling lines, go through the PDF reader's layout engine
// (word_layout.h); each grid cell keeps its pixel box (in the original image) and lowest
// confidence. A scanned PDF's pages are rendered by pdftoppm at kOcrDpi in a private directory,
// one child per page. Limits: images over kMaxImagePixels or under kMinImageSide are refused
// before decoding (dimensions read from the header), at most kMaxOcrPages pages are OCR'd. Never
// guessing is the caller's half: OcrDoubt says when an OCR'd value must be null. Errors become
// warnings; nothing here throws.
#ifndef NIANBAO_EXTRACT_READ_OCR_H_
#define NIANBAO_EXTRACT_READ_OCR_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extraction.h"
#include "extract/read/isolate.h"
#include "extract/read/page.h"
#include "extract/read/word_layout.h"

namespace nianbao {

constexpr int kOcrDpi = 300;              // a scanned PDF's pages are rendered at this
constexpr double kOcrMinConfidence = 50;  // a number below this is not trusted (measured: ocr.cc)
constexpr long long kMaxImagePixels = 50'000'000;  // an A3 page at 400 dpi is 31 million
constexpr int kMinImageSide = 16;                  // pixels: smaller holds no legible table
constexpr int kMaxOcrPages = 40;                   // pages of a scanned PDF OCR'd

// An image (PNG, JPEG, TIFF, BMP, GIF) → Page; cells record page 1 and their pixel box.
Page ReadImage(std::string_view bytes, const ChildLimits& limits);
// The PDF's pages `scans` (1-based, ascending; the first kMaxOcrPages of them) rendered and OCR'd;
// the other pages stay empty, so that cells keep their page numbers.
Page ReadScannedPdf(std::string_view bytes, const std::vector<int>& scans,
                    const ChildLimits& limits);

// Width and height from an image's header (PNG IHDR, JPEG SOFn, GIF, BMP); nullopt when the
// header does not say (TIFF, or damaged).
struct ImageSize {
  long long width = 0, height = 0;
};
std::optional<ImageSize> ImageDimensions(std::string_view bytes);

// The in-process half, for tests: tesseract's TSV of the chi_sim (text) pass and of the eng
// (digits) pass → words of one page in points (`dpi` known, or 0 to scale by the glyph height),
// numbers reconciled between the passes, skew removed, pixel boxes and confidences kept.
// When the image was straightened before OCR (rotated by `degrees` clockwise about (cx, cy), as
// ImageMagick's -distort SRT does), the boxes are mapped back into the original image.
struct Straightened {
  double degrees = 0, cx = 0, cy = 0;
};
LayoutPage WordsFromTsv(std::string_view text_tsv, std::string_view digits_tsv, double dpi,
                        const Straightened& turn = {});

// Why an OCR'd value cannot be trusted — the two passes read it differently, a confidence under
// kOcrMinConfidence, or text that is not cleanly a number (digits, at most one decimal point) — as
// a warning quoting the OCR text, its confidence and its box; nullopt when it can be (or the cell
// was not OCR'd).
std::optional<std::string> OcrDoubt(const FieldCell& cell);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_READ_OCR_H_
