#include "extract/read/ocr.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "extract/map/values.h"
#include "extract/read/temp_file.h"

namespace nianbao {
// Named, around the anonymous namespace: the unity build puts this file beside other readers.
namespace ocr_reader {
namespace {

// The glyph height, in points, of a typical report's table text: measured on the corpus's
// huaian-2024.pdf rendered at 300 dpi (median 28 px). An image of unknown resolution is scaled so
// that its median Chinese glyph has this height, which puts the layout engine's point tolerances
// in the same proportion to the text as on a PDF.
constexpr double kGlyphPoints = 28 * 72.0 / 300;
// kOcrMinConfidence (ocr.h) is 50, measured with bench/ocr's eight sets of huaian-2024 (150–300
// dpi, rotated, JPEG 40, grey, noise): of 827 numbers both passes read alike, none was wrong at
// any confidence, 51 of them under 80; where the passes disagree the value is null whatever its
// confidence. 50 keeps a margin under the agreed readings that were right.
//
// A glyph's ink is about 0.8 of its font size, and pdftotext's word boxes, for which the layout
// engine's tolerances were made, are the font size: OCR heights are scaled by this.
constexpr double kFontBox = 1.25;
// Words of a line closer than this × their (font box) height are one run of text.
constexpr double kOcrJoinGap = 1.2;
// A chi_sim word below this confidence is no evidence of text: 「打」 (0) for a 5, 「昱」 (0) for a
// quotation mark.
constexpr double kUnsureText = 30;

uint32_t Be32(std::string_view b, size_t at) {
  return uint32_t(uint8_t(b[at])) << 24 | uint32_t(uint8_t(b[at + 1])) << 16 |
         uint32_t(uint8_t(b[at + 2])) << 8 | uint8_t(b[at + 3]);
}
uint32_t Be16(std::string_view b, size_t at) {
  return uint32_t(uint8_t(b[at])) << 8 | uint8_t(b[at + 1]);
}
uint32_t Le16(std::string_view b, size_t at) {
  return uint32_t(uint8_t(b[at + 1])) << 8 | uint8_t(b[at]);
}
int32_t Le32(std::string_view b, size_t at) { return int32_t(Le16(b, at + 2) << 16 | Le16(b, at)); }

// JPEG: the first start-of-frame marker's size, walking the segments before the scan.
std::optional<ImageSize> JpegSize(std::string_view b) {
  size_t at = 2;
  while (at + 9 < b.size()) {
    if (uint8_t(b[at]) != 0xFF) return std::nullopt;
    uint8_t marker = uint8_t(b[at + 1]);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    bool sof =
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) return ImageSize{Be16(b, at + 7), Be16(b, at + 5)};
    if (marker == 0xDA || marker == 0xD9) return std::nullopt;  // scan data: no frame before it
    at += 2 + Be16(b, at + 2);
  }
  return std::nullopt;
}

struct TsvWord {
  int block, paragraph, line;
  double left, top, width, height, confidence;
  std::string text;
  std::string alternative{};                     // see PixelBox::alternative
  bool ruled_left = false, ruled_right = false;  // a ruling line glued to that side ("|12")
  bool rule = false;                             // only a ruling line: text empty
  double Right() const { return left + width; }
  double Bottom() const { return top + height; }
};

bool CleanNumber(std::string_view text) {
  int dots = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '.') {
      if (++dots > 1 || i == 0 || i + 1 == text.size()) return false;
    } else if (text[i] < '0' || text[i] > '9') {
      return false;
    }
  }
  // "05": a leading zero is no way a table prints a count, but an OCR slip ("65", "0.5").
  return !text.empty() && !(text.size() > 1 && text[0] == '0' && text[1] != '.');
}

// A table's ruling lines come out as "|", "｜", "丨", glued to a cell's text ("|12") or alone.
// Not "[" or "]": chi_sim reads a lone 1 as "]".
bool IsRuleGlyph(std::string_view ch) {
  return ch == "|" || ch == "\xEF\xBD\x9C" /* ｜ */ || ch == "\xE4\xB8\xA8" /* 丨 */;
}

size_t GlyphLength(unsigned char c) { return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

// Strips ruling-line glyphs from the word's ends (a word of nothing else becomes a rule: it
// separates cells). True when nothing worth reading is left: a lone mark of punctuation read with
// a low confidence (a speck read as "。" would end the table as a sentence would).
bool IsNoise(TsvWord* w) {
  std::string& t = w->text;
  while (!t.empty() && IsRuleGlyph(t.substr(0, GlyphLength(t[0])))) {
    t.erase(0, GlyphLength(t[0]));
    w->ruled_left = true;
  }
  for (bool again = true; again && !t.empty();) {
    again = false;
    for (size_t len : {1, 3}) {
      if (t.size() >= len && IsRuleGlyph(std::string_view(t).substr(t.size() - len))) {
        t.resize(t.size() - len);
        again = w->ruled_right = true;
        break;
      }
    }
  }
  if (t.empty()) {
    w->rule = true;
    return false;
  }
  bool word = false;
  for (size_t i = 0; i < t.size(); i += GlyphLength(t[i])) {
    unsigned char c = static_cast<unsigned char>(t[i]);
    word |= (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= 0xE4 && c <= 0xE9);
  }
  return !word && w->confidence < kOcrMinConfidence;
}

// The words (level 5) of tesseract's TSV; `*height` gets the page's (level 1) height in pixels.
std::vector<TsvWord> ParseTsv(std::string_view tsv, double* height) {
  std::vector<TsvWord> words;
  std::istringstream in{std::string(tsv)};
  std::string row;
  while (std::getline(in, row)) {
    std::vector<std::string> f;
    size_t start = 0;
    for (size_t tab; (tab = row.find('\t', start)) != std::string::npos; start = tab + 1)
      f.push_back(row.substr(start, tab - start));
    f.push_back(row.substr(start));
    if (f.size() >= 12 && f[0] == "1") *height = std::max(*height, std::atof(f[9].c_str()));
    if (f.size() < 12 || f[0] != "5") continue;  // level 5: a word
    std::string text = CollapseSpace(f[11]);
    if (text.empty()) continue;
    try {
      TsvWord w{std::stoi(f[2]), std::stoi(f[3]),  std::stoi(f[4]),
                std::stod(f[6]), std::stod(f[7]),  std::stod(f[8]),
                std::stod(f[9]), std::stod(f[10]), std::move(text)};
      if (w.width > 0 && w.height > 0 && w.confidence >= 0 && !IsNoise(&w))
        words.push_back(std::move(w));
    } catch (const std::exception&) {
      // a malformed row: skipped
    }
  }
  return words;
}

// A CJK ideograph (U+3400–U+9FFF: bytes E3 90 … E9 BF) — not the punctuation of U+3000–U+303F.
bool HasIdeograph(std::string_view text) {
  for (size_t i = 0; i + 2 < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]),
                  d = static_cast<unsigned char>(text[i + 1]);
    if ((c >= 0xE4 && c <= 0xE9) || (c == 0xE3 && d >= 0x90)) return true;
  }
  return false;
}

// chi_sim reads the full-width "（" of a label's numbering as "〈" and now and then drops it
// ("一)予以公开"): the numbering is what places a damaged label in the template's fixed rows.
std::string RepairedBrackets(std::string text) {
  for (auto [from, to] :
       {std::pair<std::string_view, std::string_view>{"〈", "（"}, {"〉", "）"}}) {
    for (size_t at; (at = text.find(from)) != std::string::npos;) text.replace(at, from.size(), to);
  }
  static const std::string_view kNumerals[] = {"一", "二", "三", "四", "五",
                                               "六", "七", "八", "九", "十"};
  for (std::string_view n : kNumerals) {
    std::string_view t = text;
    if (t.starts_with(n) &&
        (t.substr(n.size()).starts_with(")") || t.substr(n.size()).starts_with("）")))
      return "（" + text;
  }
  return text;
}

// The word's box in the image before straightening: its centre turned back, its size kept.
PixelBox Unturned(const TsvWord& w, const Straightened& turn) {
  double a = -turn.degrees * M_PI / 180, x = w.left + w.width / 2 - turn.cx,
         y = w.top + w.height / 2 - turn.cy;
  double cx = turn.cx + x * std::cos(a) - y * std::sin(a);
  double cy = turn.cy + x * std::sin(a) + y * std::cos(a);
  if (turn.degrees == 0) cx = w.left + w.width / 2, cy = w.top + w.height / 2;
  return PixelBox{static_cast<int>(std::lround(cx - w.width / 2)),
                  static_cast<int>(std::lround(cy - w.height / 2)),
                  static_cast<int>(std::lround(cx + w.width / 2)),
                  static_cast<int>(std::lround(cy + w.height / 2)),
                  w.confidence,
                  w.alternative};
}

// Boxes that overlap over half of the smaller one, across and down.
bool SameSpot(const TsvWord& a, const TsvWord& b) {
  double across = std::min(a.Right(), b.Right()) - std::max(a.left, b.left);
  double down = std::min(a.Bottom(), b.Bottom()) - std::max(a.top, b.top);
  return across > 0.5 * std::min(a.width, b.width) && down > 0.5 * std::min(a.height, b.height);
}

// Two readings of every number. chi_sim reads the labels but misreads digits now and then with a
// high confidence (3985758 as 3983738 at 90); eng reads digits better but no Chinese. A number is
// taken from the eng pass, and kept only where the chi_sim pass read the same digits at the same
// spot: otherwise the word records the chi_sim reading as its alternative, which makes the value
// null. The confidence of an agreed number is the lower of the two.
void Reconcile(std::vector<TsvWord>* text, const std::vector<TsvWord>& digits, double glyph) {
  std::vector<bool> taken(text->size(), false);
  std::vector<TsvWord> added;
  for (const TsvWord& d : digits) {
    if (d.rule || !CleanNumber(d.text)) continue;
    std::vector<size_t> here;
    for (size_t i = 0; i < text->size(); ++i) {
      if (!taken[i] && !(*text)[i].rule && SameSpot((*text)[i], d)) here.push_back(i);
    }
    // eng reads Chinese as letters and digits ("行政" as "47"): a number over Chinese text is
    // such a misreading. A number the text pass saw nothing at (both drop lone 1s and 0s now and
    // then) keeps its cell's place in the row, null: of a glyph's height, not a ruling line's.
    // Unless chi_sim had no idea either: 「打」 at confidence 0 where eng read the 5 of a value
    // column. The number then keeps its place, null (the chi_sim reading is its alternative).
    bool over_text = std::any_of(here.begin(), here.end(), [&](size_t i) {
      return HasIdeograph((*text)[i].text) && (*text)[i].confidence >= kUnsureText;
    });
    if (over_text) continue;
    if (here.empty()) {
      if (d.height > 1.5 * glyph) continue;
      TsvWord word = d;
      word.alternative = "(nothing)";
      // A line of its own: eng's line numbers are not the text pass's.
      word.block = -1 - static_cast<int>(added.size());
      added.push_back(std::move(word));
      continue;
    }
    std::sort(here.begin(), here.end(),
              [&](size_t a, size_t b) { return (*text)[a].left < (*text)[b].left; });
    std::string read;
    double confidence = d.confidence;
    for (size_t i : here) {
      read += (*text)[i].text;
      confidence = std::min(confidence, (*text)[i].confidence);
      taken[i] = true;
    }
    TsvWord word = d;
    word.confidence = confidence;
    if (read != d.text) word.alternative = read;
    const TsvWord& first = (*text)[here.front()];
    word.block = first.block;  // keeps the line of the text pass (the skew is measured on it)
    word.paragraph = first.paragraph;
    word.line = first.line;
    added.push_back(std::move(word));
  }
  // A number only the text pass read: no second reading.
  for (size_t i = 0; i < text->size(); ++i) {
    if (!taken[i] && CleanNumber((*text)[i].text)) (*text)[i].alternative = "(nothing)";
  }
  std::vector<TsvWord> out;
  for (size_t i = 0; i < text->size(); ++i) {
    if (!taken[i]) out.push_back(std::move((*text)[i]));
  }
  for (TsvWord& w : added) out.push_back(std::move(w));
  *text = std::move(out);
}

bool IsChineseGlyph(const std::string& text) {
  return text.size() == 3 && static_cast<unsigned char>(text[0]) >= 0xE4 &&
         static_cast<unsigned char>(text[0]) <= 0xE9;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// The page's skew as a slope (dy/dx): the median of the least-squares slopes of word centres
// along tesseract's lines that span several glyph heights. A scan tilted by 2° moves the end of
// a table row by a row's height; its words would otherwise fall into other rows.
double Skew(const std::vector<TsvWord>& words) {
  std::map<std::tuple<int, int, int>, std::vector<const TsvWord*>> lines;
  std::vector<double> heights;
  for (const TsvWord& w : words) {
    if (w.rule) continue;
    lines[{w.block, w.paragraph, w.line}].push_back(&w);
    heights.push_back(w.height);
  }
  double glyph = Median(heights);
  std::vector<double> slopes;
  for (const auto& [key, line] : lines) {
    if (line.size() < 3) continue;
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, lo = 1e300, hi = -1e300;
    for (const TsvWord* w : line) {
      double x = w->left + w->width / 2, y = w->top + w->height / 2;
      n += 1;
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
    double d = n * sxx - sx * sx;
    if (hi - lo < 8 * glyph || d <= 0) continue;
    slopes.push_back((n * sxy - sx * sy) / d);
  }
  double slope = Median(slopes);
  return std::fabs(slope) < 0.1 ? slope : 0;  // more than ~6° is no scanner's skew
}

ChildResult RunTesseract(const std::string& path, const std::string& language,
                         const ChildLimits& limits) {
  if (FindProgram("tesseract").empty())
    return ChildResult{false, "",
                       "tesseract is not installed (install tesseract-ocr and "
                       "tesseract-ocr-chi-sim)"};
  // --psm 4 (one column of text of variable sizes) measured best on huaian-2024 at 300 dpi: both
  // passes find 92 of the numbers of page 4 where --psm 3 (automatic) finds 82, dropping lone 0s
  // of a column, and --psm 6 (one block) reads a ruled table's rows as noise. One thread: the
  // daemon reads several documents at once.
  return RunProgram({"tesseract", path, "stdout", "-l", language, "--psm", "4", "tsv"}, limits,
                    {"OMP_THREAD_LIMIT=1"});
}

std::string SizeText(const ImageSize& s) {
  return std::to_string(s.width) + "×" + std::to_string(s.height);
}

// Why an image of this size is refused, or "".
std::string Refusal(const ImageSize& s) {
  if (s.width < kMinImageSide || s.height < kMinImageSide)
    return "image " + SizeText(s) + " pixels is too small to hold a table: not OCR'd";
  if (s.width * s.height > kMaxImagePixels)
    return "image " + SizeText(s) + " pixels is more than the " +
           std::to_string(kMaxImagePixels / 1'000'000) +
           " million pixel limit: refused (a page scanned at 600 dpi has 35 million)";
  return "";
}

// Words tesseract is sure of (confidence ≥ 80): which of two readings of a page read more.
int SureWords(std::string_view tsv) {
  double height = 0;
  int sure = 0;
  for (const TsvWord& w : ParseTsv(tsv, &height)) sure += !w.rule && w.confidence >= 80;
  return sure;
}

// A tilted scan (2°: a phone photo, a sheet fed askew) defeats tesseract's table reading (188
// words of page 4 instead of 600): measured on its first reading, the page is turned straight by
// ImageMagick (`-distort SRT`, in a child process like every decoder of hostile images) and read
// again; the better of the two readings is kept.
constexpr double kMinSkew = 0.008;  // slope dy/dx: about 0.5°

// OCR of one image file → its words, or a warning. `format` is the image's ImageMagick coder
// ("png", "jpeg" …), named so that ImageMagick never guesses one; `size` is its size when known.
std::optional<LayoutPage> OcrFile(const std::string& path, const std::string& format,
                                  const std::optional<ImageSize>& size, const std::string& dir,
                                  double dpi, const ChildLimits& limits,
                                  std::vector<std::string>* warnings, std::string* error) {
  ChildResult text = RunTesseract(path, "chi_sim", limits);
  if (!text.ok) {
    *error = "ocr (tesseract): " + text.error;
    return std::nullopt;
  }
  std::string read_path = path;
  Straightened turn;
  double height = 0;
  double slope = Skew(ParseTsv(text.output, &height));
  if (std::fabs(slope) > kMinSkew && size && !dir.empty()) {
    double degrees = -std::atan(slope) * 180 / M_PI;
    std::ostringstream angle;
    angle.precision(3);
    angle << std::fixed << degrees;
    if (FindProgram("convert").empty()) {
      warnings->push_back("ocr: the page is tilted by " + angle.str() +
                          "°; install imagemagick to have it straightened before OCR");
    } else {
      std::string straight = dir + "/straight.png";
      ChildResult turned =
          RunProgram({"convert", format + ":" + path, "-background", "white", "-virtual-pixel",
                      "background", "-distort", "SRT", angle.str(), "png:" + straight},
                     limits);
      ChildResult again = turned.ok ? RunTesseract(straight, "chi_sim", limits) : turned;
      if (again.ok && SureWords(again.output) > SureWords(text.output)) {
        text = std::move(again);
        read_path = straight;
        turn = {std::stod(angle.str()), size->width / 2.0, size->height / 2.0};
        warnings->push_back("ocr: the page was tilted by " + angle.str() +
                            "° and was straightened before OCR");
      } else if (!turned.ok) {
        warnings->push_back("ocr: straightening the page (convert) failed: " + turned.error);
      }
    }
  }
  ChildResult digits = RunTesseract(read_path, "eng", limits);
  if (!digits.ok) {
    *error = "ocr (tesseract): " + digits.error;
    return std::nullopt;
  }
  return WordsFromTsv(text.output, digits.output, dpi, turn);
}

// ImageMagick's coder for a sniffed image.
std::string CoderOf(std::string_view bytes) {
  if (bytes.starts_with("\x89PNG")) return "png";
  if (bytes.starts_with("\xFF\xD8\xFF")) return "jpeg";
  if (bytes.starts_with("GIF8")) return "gif";
  if (bytes.starts_with("BM")) return "bmp";
  return "tiff";
}

void WarnWithoutTable(const std::vector<LayoutPage>& pages, Page* page) {
  if (!page->tables.empty()) return;
  size_t words = 0;
  for (const LayoutPage& p : pages) words += p.words.size();
  page->warnings.push_back("ocr: no table found among the " + std::to_string(words) +
                           " words read");
}

std::string ReadFile(const std::string& path, size_t most) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes(most, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(most));
  bytes.resize(static_cast<size_t>(in.gcount()));
  return bytes;
}

}  // namespace
}  // namespace ocr_reader

std::optional<ImageSize> ImageDimensions(std::string_view b) {
  using namespace ocr_reader;  // NOLINT: the byte readers above
  if (b.size() >= 24 && b.starts_with("\x89PNG\r\n\x1A\n") && b.substr(12, 4) == "IHDR")
    return ImageSize{Be32(b, 16), Be32(b, 20)};
  if (b.size() >= 4 && b.starts_with("\xFF\xD8\xFF")) return JpegSize(b);
  if (b.size() >= 10 && (b.starts_with("GIF87a") || b.starts_with("GIF89a")))
    return ImageSize{Le16(b, 6), Le16(b, 8)};
  if (b.size() >= 26 && b.starts_with("BM"))
    return ImageSize{std::llabs(Le32(b, 18)), std::llabs(Le32(b, 22))};
  return std::nullopt;
}

LayoutPage WordsFromTsv(std::string_view text_tsv, std::string_view digits_tsv, double dpi,
                        const Straightened& turn) {
  using namespace ocr_reader;  // NOLINT
  double height = 0;
  std::vector<TsvWord> words = ParseTsv(text_tsv, &height);
  std::vector<double> glyphs;
  for (const TsvWord& w : words) {
    if (IsChineseGlyph(w.text) && w.confidence >= kOcrMinConfidence) glyphs.push_back(w.height);
  }
  double glyph = Median(glyphs);
  // Specks: a mark under 0.4 glyphs tall that tesseract is unsure of (「人」 13 and 「昱」 0, six
  // and nine pixels tall, for the quotation marks of “三安全一稳定”) joins a label as letters.
  std::erase_if(words, [&](const TsvWord& w) {
    return !w.rule && glyph > 0 && w.height < 0.4 * glyph && w.confidence < kUnsureText;
  });
  Reconcile(&words, ParseTsv(digits_tsv, &height), glyph > 0 ? glyph : 1e9);
  double slope = Skew(words);
  double scale = dpi > 0 ? 72 / dpi : glyph > 0 ? kGlyphPoints / glyph : 72.0 / kOcrDpi;
  // Rotated back about the origin by the skew (small angle: a shear is exact enough).
  std::vector<double> xs, ys;
  for (const TsvWord& w : words) {
    double cx = w.left + w.width / 2, cy = w.top + w.height / 2;
    xs.push_back(cx + slope * cy);
    ys.push_back(cy - slope * cx);
  }
  // Tesseract's glyph boxes are loose down the page (「(四」 15 px below 「本」 on one line at
  // 300 dpi) and small marks are short, while the layout engine joins words into lines by their
  // centres and heights: each word takes its tesseract line's median centre, and at least the
  // page's median glyph height.
  std::map<std::tuple<int, int, int>, std::vector<size_t>> lines;
  for (size_t i = 0; i < words.size(); ++i)
    lines[{words[i].block, words[i].paragraph, words[i].line}].push_back(i);
  std::vector<double> middle(words.size()), tall(words.size());
  for (auto& [key, members] : lines) {
    std::vector<double> centres, heights;
    for (size_t i : members) {
      if (words[i].rule) continue;
      centres.push_back(ys[i]);
      heights.push_back(words[i].height);
    }
    double centre = Median(centres), h = std::max({Median(heights), glyph, 1.0}) * kFontBox;
    for (size_t i : members) {
      // Jitter is smoothed; a word far from its line's centre (tesseract's line took in a label
      // centred on several rows) keeps its own.
      middle[i] = std::fabs(ys[i] - centre) < 0.5 * h ? centre : ys[i];
      tall[i] = h;
    }
    std::sort(members.begin(), members.end(), [&](size_t x, size_t y) { return xs[x] < xs[y]; });
  }
  // Runs of a line's words, as pdftotext gives them: chi_sim makes a word of each character or
  // two, spaced wider than the layout engine's segment gap in a justified label (「(四)」 and
  // 「无」 of one label are 1.2 glyphs apart at 300 dpi); a ruling line between two words, or a gap
  // of kOcrJoinGap glyphs, ends a run (the headers 商业企业 | 科研机构 are 1 glyph apart).
  LayoutPage page;
  page.segment_gap = 0;
  for (const auto& [key, members] : lines) {
    std::optional<LayoutWord> run;
    double run_right = 0;
    bool ruled = false;
    auto flush = [&] {
      if (run) {
        run->text = RepairedBrackets(run->text);
        page.words.push_back(std::move(*run));
      }
      run.reset();
    };
    for (size_t i : members) {
      const TsvWord& w = words[i];
      if (w.rule) {
        ruled = true;
        continue;
      }
      double left = xs[i] - w.width / 2, right = xs[i] + w.width / 2;
      if (run && (ruled || w.ruled_left || left - run_right > kOcrJoinGap * tall[i])) flush();
      PixelBox box = Unturned(w, turn);
      if (!run) {
        run = LayoutWord{left * scale,  (middle[i] - tall[i] / 2) * scale,
                         right * scale, (middle[i] + tall[i] / 2) * scale,
                         w.text,        box};
        run_right = right;
      } else {
        bool ascii = static_cast<unsigned char>(run->text.back()) < 0x80 &&
                     static_cast<unsigned char>(w.text.front()) < 0x80;
        run->text += (ascii ? " " : "") + w.text;
        run->x1 = std::max(run->x1, right * scale);
        CoverBox(&run->ocr, box);
      }
      run_right = std::max(run_right, right);
      ruled = w.ruled_right;
      page.height = std::max(page.height, (middle[i] + tall[i]) * scale);
    }
    flush();
  }
  page.height = std::max(page.height, height * scale);
  return page;
}

Page ReadImage(std::string_view bytes, const ChildLimits& limits) {
  using namespace ocr_reader;  // NOLINT
  Page page;
  std::vector<std::string> warnings;
  if (std::optional<ImageSize> size = ImageDimensions(bytes)) {
    if (std::string refusal = Refusal(*size); !refusal.empty()) {
      page.warnings.push_back("ocr: " + refusal);
      return page;
    }
  }
  if (bytes.starts_with("\xFF\xD8\xFF") && bytes.rfind("\xFF\xD9") == std::string_view::npos)
    warnings.push_back(
        "ocr: the JPEG is cut short (no end-of-image marker): its lower part may "
        "be missing");
  TempFile file(bytes);
  TempDir dir;
  if (file.path().empty() || dir.path().empty()) {
    page.warnings.push_back("ocr: cannot write a temporary file");
    return page;
  }
  std::string error;
  std::optional<LayoutPage> words = OcrFile(file.path(), CoderOf(bytes), ImageDimensions(bytes),
                                            dir.path(), 0, limits, &warnings, &error);
  if (!words) {
    page.warnings = std::move(warnings);
    page.warnings.push_back(error);
    return page;
  }
  page = PageFromWords({*words});
  page.warnings.insert(page.warnings.begin(), warnings.begin(), warnings.end());
  WarnWithoutTable({*words}, &page);
  return page;
}

Page ReadScannedPdf(std::string_view bytes, const std::vector<int>& scans,
                    const ChildLimits& limits) {
  using namespace ocr_reader;  // NOLINT
  Page page;
  if (FindProgram("pdftoppm").empty()) {
    page.warnings.push_back("ocr: pdftoppm is not installed (install poppler-utils)");
    return page;
  }
  TempFile pdf(bytes);
  TempDir dir;
  if (pdf.path().empty() || dir.path().empty()) {
    page.warnings.push_back("ocr: cannot write a temporary file");
    return page;
  }
  std::vector<std::string> warnings;
  std::vector<LayoutPage> read;
  size_t count = std::min(scans.size(), static_cast<size_t>(kMaxOcrPages));
  for (size_t i = 0; i < count; ++i) {
    int p = scans[i];
    read.resize(p - 1);  // pages before it that hold no scan stay empty
    std::string where = "ocr: page " + std::to_string(p) + ": ";
    std::string image = dir.path() + "/page";
    ChildResult render =
        RunProgram({"pdftoppm", "-r", std::to_string(kOcrDpi), "-gray", "-png", "-f",
                    std::to_string(p), "-l", std::to_string(p), "-singlefile", pdf.path(), image},
                   limits);
    image += ".png";
    std::optional<ImageSize> size = ImageDimensions(ReadFile(image, 32));
    std::string error;
    std::optional<LayoutPage> words;
    if (!render.ok) {
      error = "rendering (pdftoppm) failed: " + render.error;
    } else if (!size) {
      error = "pdftoppm wrote no image";
    } else if (error = Refusal(*size); error.empty()) {
      std::vector<std::string> notes;
      words = OcrFile(image, "png", size, dir.path(), kOcrDpi, limits, &notes, &error);
      for (const std::string& note : notes) warnings.push_back(where + note.substr(5));  // "ocr: "
    }
    std::remove(image.c_str());
    std::remove((dir.path() + "/straight.png").c_str());
    if (!words) {
      warnings.push_back(where + error);
      read.emplace_back();  // the page keeps its place (page numbers in provenance stay right)
      continue;
    }
    read.push_back(std::move(*words));
  }
  page = PageFromWords(read);
  page.warnings.insert(page.warnings.begin(), warnings.begin(), warnings.end());
  if (scans.size() > count)
    page.warnings.push_back("ocr: only the first " + std::to_string(kMaxOcrPages) + " of " +
                            std::to_string(scans.size()) + " scanned pages were read");
  WarnWithoutTable(read, &page);
  return page;
}

std::optional<std::string> OcrDoubt(const FieldCell& cell) {
  using namespace ocr_reader;  // NOLINT
  const PixelBox& box = cell.ocr;
  if (box.confidence < 0) return std::nullopt;
  bool low = box.confidence < kOcrMinConfidence;
  bool clean = CleanNumber(cell.raw);
  if (!low && clean && box.alternative.empty()) return std::nullopt;
  std::ostringstream why;
  why << "OCR read \"" << cell.raw << "\" at page " << cell.page << " pixels (" << box.x0 << ","
      << box.y0 << ")-(" << box.x1 << "," << box.y1 << ") with confidence "
      << static_cast<int>(std::floor(box.confidence)) << ": ";
  if (!box.alternative.empty())
    why << "the Chinese pass read \"" << box.alternative << "\" there";
  else if (!clean)
    why << "not cleanly a number";
  else
    why << "below " << static_cast<int>(kOcrMinConfidence) << ", not trusted";
  why << "; left null";
  return why.str();
}

}  // namespace nianbao
