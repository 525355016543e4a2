#include "extract/read/pdf.h"

#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "extract/read/ocr.h"
#include "extract/read/temp_file.h"
#include "extract/read/word_layout.h"

namespace nianbao {
namespace {

constexpr size_t kMaxWords = 400000;

// ---- reading the XHTML ------------------------------------------------------------------------

std::vector<LayoutPage> ReadWordBoxes(std::string_view xhtml, std::vector<std::string>* warnings) {
  std::vector<LayoutPage> pages;
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(xhtml.data(), xhtml.size());
  if (!parsed) {
    warnings->push_back(std::string("pdf: the word boxes pdftotext printed are malformed: ") +
                        parsed.description());
    return pages;
  }
  size_t words = 0;
  std::vector<pugi::xml_node> stack{doc.document_element()};
  while (!stack.empty()) {
    pugi::xml_node node = stack.back();
    stack.pop_back();
    std::string_view name = node.name();
    if (name == "page") {
      pages.push_back({node.attribute("height").as_double(), {}});
    } else if (name == "word") {
      if (pages.empty() || ++words > kMaxWords) continue;
      LayoutWord w{node.attribute("xMin").as_double(), node.attribute("yMin").as_double(),
                   node.attribute("xMax").as_double(), node.attribute("yMax").as_double(),
                   node.text().get()};
      if (!w.text.empty() && w.x1 >= w.x0 && w.y1 >= w.y0) pages.back().words.push_back(w);
      continue;
    }
    for (pugi::xml_node c = node.last_child(); c; c = c.previous_sibling()) {
      if (c.type() == pugi::node_element) stack.push_back(c);
    }
  }
  if (words > kMaxWords)
    warnings->push_back("pdf: more than " + std::to_string(kMaxWords) + " words; the rest skipped");
  return pages;
}

}  // namespace

Page PageFromWordBoxes(std::string_view xhtml) {
  std::vector<std::string> warnings;
  std::vector<LayoutPage> pages = ReadWordBoxes(xhtml, &warnings);
  Page page = PageFromWords(pages);
  page.warnings.insert(page.warnings.begin(), warnings.begin(), warnings.end());
  if (static_cast<int>(pages.size()) >= kMaxPdfPages)
    page.warnings.push_back("pdf: only the first " + std::to_string(kMaxPdfPages) +
                            " pages were read");
  return page;
}

namespace {

ChildResult RunPdftotext(std::string_view bytes, const std::string& mode,
                         const ChildLimits& limits) {
  if (FindProgram("pdftotext").empty())
    return ChildResult{false, "", "pdftotext is not installed (install poppler-utils)"};
  TempFile file(bytes);
  if (file.path().empty()) return ChildResult{false, "", "cannot write a temporary file"};
  return RunProgram(
      {"pdftotext", mode, "-enc", "UTF-8", "-l", std::to_string(kMaxPdfPages), file.path(), "-"},
      limits);
}

// A page of a report with a text layer has hundreds of characters; a scan has none, or a few of
// a stamp or a page number.
constexpr size_t kMinTextPerPage = 30;
// A picture of at least 500 × 500 pixels: a page scanned at 60 dpi; logos and stamps are smaller.
constexpr long long kMinScanPixels = 500 * 500;

int CountPages(std::string_view xhtml) {
  int pages = 0;
  for (size_t at = 0; (at = xhtml.find("<page ", at)) != std::string_view::npos; at += 6) ++pages;
  return pages;
}

size_t TextCharacters(std::string_view text) {
  size_t count = 0;
  for (unsigned char c : text) count += c > ' ' && (c < 0x80 || c >= 0xC0);  // lead bytes only
  return count;
}

// The pages that hold a picture big enough to be a scanned page (pdfimages -list), in order.
std::vector<int> ScannedPages(std::string_view bytes, const ChildLimits& limits) {
  std::vector<int> pages;
  if (FindProgram("pdfimages").empty()) return pages;
  TempFile file(bytes);
  if (file.path().empty()) return pages;
  ChildResult list =
      RunProgram({"pdfimages", "-list", "-l", std::to_string(kMaxPdfPages), file.path()}, limits);
  if (!list.ok) return pages;
  std::istringstream in(list.output);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    int page = 0;
    std::string num, type;
    long long width = 0, height = 0;
    // page num type width height …; the two heading lines do not parse.
    if (!(row >> page >> num >> type >> width >> height)) continue;
    if (width * height >= kMinScanPixels && (pages.empty() || pages.back() != page))
      pages.push_back(page);
  }
  return pages;
}

std::string PdfError(const ChildResult& result) {
  std::string error = result.error;
  if (error.find("Incorrect password") != std::string::npos)
    error = "the PDF is encrypted: a password is needed to open it";
  else if (error.rfind("exited with status 1", 0) == 0)
    error = "cannot open the PDF, damaged or not a PDF (" + error + ")";
  else if (error.rfind("exited with status 3", 0) == 0)
    error = "the PDF is encrypted and does not allow copying its text";
  return "pdf reader (pdftotext): " + error;
}

}  // namespace

Page ReadPdf(std::string_view bytes, const ChildLimits& limits) {
  ChildResult result = RunPdftotext(bytes, "-bbox-layout", limits);
  if (!result.ok) {
    Page page;
    page.warnings.push_back(PdfError(result));
    return page;
  }
  Page page = PageFromWordBoxes(result.output);
  int pages = CountPages(result.output);
  std::vector<int> scans;
  if (pages > 0 && TextCharacters(page.text) < kMinTextPerPage * pages)
    scans = ScannedPages(bytes, limits);
  if (!scans.empty()) {
    // A scan (perhaps with a stamp or a page number in a text layer): its pages are pictures.
    Page scanned = ReadScannedPdf(bytes, scans, limits);
    scanned.warnings.insert(scanned.warnings.begin(),
                            "pdf: no text layer (" + std::to_string(TextCharacters(page.text)) +
                                " characters on " + std::to_string(pages) + " pages): read by OCR");
    return scanned;
  }
  if (page.text.empty()) page.warnings.push_back("pdf: no text layer, and no page image to OCR");
  return page;
}

Page ReadPdfLayoutText(std::string_view bytes, const ChildLimits& limits) {
  ChildResult result = RunPdftotext(bytes, "-layout", limits);
  if (!result.ok) {
    Page page;
    page.warnings.push_back(PdfError(result));
    return page;
  }
  return ParseText(result.output);
}

}  // namespace nianbao
