#include "extract/extract.h"

#include <algorithm>
#include <exception>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "extract/map/checks.h"
#include "extract/map/glued.h"
#include "extract/map/match.h"
#include "extract/map/metadata.h"
#include "extract/map/narrative.h"
#include "extract/map/values.h"
#include "extract/read/decode.h"
#include "extract/read/html_tree.h"
#include "extract/read/ocr.h"
#include "extract/read/office.h"
#include "extract/read/ooxml.h"
#include "extract/read/page.h"
#include "extract/read/pdf.h"
#include "extract/read/sniff.h"
#include "extract/read/utf8.h"

namespace nianbao {
namespace {

bool Cancelled(const ExtractOptions& options) {
  return options.cancel && options.cancel->load(std::memory_order_relaxed);
}

// `tree` receives the HTML parse when the input is read as HTML.
Page ParseMarkup(std::string_view bytes, bool html, const ExtractOptions& options,
                 std::shared_ptr<const HtmlTree>* tree) {
  Decoded decoded = DecodeToUtf8(
      bytes, CharsetHints{options.force_encoding, options.http_charset, options.encoding});
  if (Cancelled(options)) return Page();
  Page page;
  if (html) {
    *tree = std::make_shared<const HtmlTree>(std::move(decoded.utf8));
    page = ParseHtml(**tree);
  } else {
    page = ParseText(decoded.utf8, options.cancel);
  }
  page.warnings.insert(page.warnings.begin(), decoded.warnings.begin(), decoded.warnings.end());
  return page;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return out;
}

Page Unsupported(Format format) {
  Page page;
  std::string name = Upper(FormatName(format));
  switch (format) {
    case Format::kEmpty:
      page.warnings.push_back("empty document (no bytes to read)");
      break;
    case Format::kPng:
    case Format::kJpeg:
    case Format::kTiff:
    case Format::kBmp:
    case Format::kGif:
      page.warnings.push_back("unsupported format " + name + ": an image needs OCR, which runs " +
                              "only in a child process (isolation is off)");
      break;
    case Format::kZip:
    case Format::kRar:
      page.warnings.push_back("unsupported format " + name +
                              ": an archive; extract the report inside it and read that");
      break;
    case Format::kBinary:
      page.warnings.push_back("unsupported format: binary data of no known document format");
      break;
    default:
      page.warnings.push_back("unsupported format " + name);
      break;
  }
  return page;
}

// The reader for the document's format: the one place formats plug in.
Page ReadDocument(std::string_view bytes, Format format, const ExtractOptions& options,
                  std::shared_ptr<const HtmlTree>* tree) {
  switch (format) {
    case Format::kHtml:
      return ParseMarkup(bytes, true, options, tree);
    case Format::kText:
      return ParseMarkup(bytes, false, options, tree);
    case Format::kPdf:
      if (!options.isolate) return Unsupported(format);
      return ReadPdf(bytes, options.limits);
    case Format::kPng:
    case Format::kJpeg:
    case Format::kTiff:
    case Format::kBmp:
    case Format::kGif:
      if (!options.isolate) return Unsupported(format);
      return ReadImage(bytes, options.limits);
    case Format::kDocx:
    case Format::kXlsx:
      if (!options.isolate) return format == Format::kDocx ? ParseDocx(bytes) : ParseXlsx(bytes);
      return ReadOoxmlIsolated(bytes, format, options.limits);
    case Format::kDoc:
    case Format::kWps:
    case Format::kXls:
      if (!options.isolate) return Unsupported(format);
      return ReadLegacyOffice(bytes, format, options.limits);
    default:
      return Unsupported(format);
  }
}

Format InputFormat(std::string_view bytes, const ExtractOptions& options) {
  switch (options.input) {
    case ExtractOptions::Input::kHtml:
      return Format::kHtml;
    case ExtractOptions::Input::kText:
      return Format::kText;
    case ExtractOptions::Input::kAuto:
      break;
  }
  return SniffFormat(bytes);
}

std::string Where(const FieldCell& cell) {
  return "table " + std::to_string(cell.table) + " row " + std::to_string(cell.row) + " column " +
         std::to_string(cell.column);
}

// The cell's number in the field's unit; nullopt with a warning when it cannot be read.
Value ReadValue(const MatchedCell& matched, const std::string& field_unit,
                std::vector<std::string>* warnings) {
  CellValue value = ParseValue(matched.cell.raw);
  if (value.kind == CellValue::Kind::kNull) return std::nullopt;
  // Never guess: an OCR'd number that is not sure, or not cleanly a number, stays null.
  if (std::optional<std::string> doubt = OcrDoubt(matched.cell)) {
    warnings->push_back(Where(matched.cell) + ": " + *doubt + " (" + matched.field + ")");
    return std::nullopt;
  }
  if (value.kind == CellValue::Kind::kInvalid) {
    warnings->push_back(Where(matched.cell) + ": cannot read \"" + matched.cell.raw +
                        "\" as a number (" + matched.field + ")");
    return std::nullopt;
  }
  std::string unit = value.unit.empty() ? matched.label_unit : value.unit;
  std::optional<double> converted = ConvertUnit(value.number, unit, field_unit);
  if (!converted) {
    warnings->push_back(Where(matched.cell) + ": \"" + matched.cell.raw + "\" is in " + unit +
                        ", " + matched.field + " is in " + field_unit);
  }
  return converted;
}

// The visible text with each line's whitespace collapsed and empty lines dropped.
std::string NormalisedText(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = std::min(text.find('\n', start), text.size());
    std::string line = CollapseSpace(text.substr(start, end - start));
    if (!line.empty()) {
      out += line;
      out += '\n';
    }
    start = end + 1;
  }
  return out;
}

// Identities that an unmatched statistic row or column leaves incomplete: its numbers are part
// of some sum, so the sum cannot be judged. Legacy lists: the identity whose total is the row the
// unmatched one is printed under. Grid formats: an unmatched row takes out the column sums of
// 表三, an unmatched column its row sums.
bool LeftIncomplete(const Identity& identity, const std::vector<Unmatched>& unmatched,
                    const std::map<std::string, FieldCell>& cells, bool list_layout) {
  for (const Unmatched& u : unmatched) {
    if (list_layout) {
      // The unmatched row follows the total with nothing but the identity's own rows between.
      auto total = cells.find(identity.total);
      if (total == cells.end() || total->second.table != u.table || total->second.row >= u.row)
        continue;
      std::set<std::string> own = {identity.total};
      for (const Term& term : identity.terms) {
        for (const auto& alternative : term.alternatives)
          own.insert(alternative.begin(), alternative.end());
      }
      bool interrupted = false;
      for (const auto& [id, cell] : cells) {
        interrupted |= cell.table == u.table && cell.row > total->second.row && cell.row < u.row &&
                       !own.contains(id);
      }
      if (!interrupted) return true;
    } else if (u.kind == "row") {
      if (identity.name.starts_with("t3.column_total") || identity.name.starts_with("t3.balance"))
        return true;
    } else if (identity.name.starts_with("t3.row_total")) {
      return true;
    }
  }
  return false;
}

void MarkIncomplete(const RuleSet& rules, const Extraction& e, bool list_layout,
                    CheckResults* checks) {
  if (e.unmatched.empty()) return;
  std::set<std::string> incomplete;
  for (const Identity& identity : rules.identities()) {
    if (LeftIncomplete(identity, e.unmatched, e.cells, list_layout))
      incomplete.insert(identity.name);
  }
  for (CheckStatus& s : checks->statuses) {
    if (incomplete.contains(s.identity)) s.status = "not_assessable";
  }
  std::erase_if(checks->failures,
                [&](const CheckFailure& f) { return incomplete.contains(f.identity); });
}

// A sum that fails on OCR'd cells may be the OCR's misreading rather than the report's error: a
// warning names the cells involved, each with its page and pixel box, for a person to look at.
void WarnOcrMisreadings(const Extraction& e, std::vector<std::string>* warnings) {
  auto ocr = [&](const std::string& field) -> const FieldCell* {
    auto it = e.cells.find(field);
    return it != e.cells.end() && it->second.ocr.confidence >= 0 ? &it->second : nullptr;
  };
  for (const CheckFailure& f : e.checks) {
    std::vector<std::string> involved = f.fields;
    involved.insert(involved.begin(), f.total_field);
    std::string where;
    for (std::string field : involved) {
      if (field.starts_with("-")) field.erase(0, 1);
      if (const FieldCell* cell = ocr(field)) {
        const PixelBox& b = cell->ocr;
        where += (where.empty() ? "" : ", ") + field + " \"" + cell->raw + "\" page " +
                 std::to_string(cell->page) + " (" + std::to_string(b.x0) + "," +
                 std::to_string(b.y0) + ")-(" + std::to_string(b.x1) + "," + std::to_string(b.y1) +
                 ")";
      }
    }
    if (!where.empty())
      warnings->push_back("ocr: " + f.identity +
                          " fails on OCR'd cells, possibly a misreading: " + where);
  }
}

// The prose's figures; without a statistics table their field ids are those of the format in use
// in the report year.
std::vector<NarrativeFact> ReadNarrative(const std::string& text, const TemplateRules* tmpl,
                                         const RuleSet& rules, std::optional<int> year) {
  const TemplateRules* fields_of =
      tmpl ? tmpl : rules.FindTemplate(year && *year < 2019 ? "legacy" : "v2021");
  std::unordered_set<std::string> has_field;
  if (fields_of) has_field.insert(fields_of->fields.begin(), fields_of->fields.end());
  return FindNarrativeFacts(text, tmpl ? std::optional<std::string>(tmpl->id) : std::nullopt, year,
                            has_field);
}

// A page whose text names a format's columns (本年制发件数, 现行有效件数 …) but in which no table
// of values was found says so: "no template" alone would not tell a report read badly from a page
// that is no report. Only the first MiB of text is searched (reports are far shorter).
void WarnOfTablesNotFound(std::string_view text, const RuleSet& rules,
                          std::vector<std::string>* warnings) {
  constexpr size_t kSearchedBytes = 1 << 20;
  std::string packed;
  AppendWithoutBlanks(text.substr(0, kSearchedBytes), &packed);
  const TemplateRules* best = nullptr;
  std::vector<std::string> best_found;
  for (const TemplateRules& tmpl : rules.templates()) {
    std::vector<std::string> found;
    for (const std::string& marker : tmpl.markers) {
      if (packed.find(marker) != std::string::npos) found.push_back(marker);
    }
    if (static_cast<int>(found.size()) >= tmpl.min_markers && found.size() > best_found.size()) {
      best = &tmpl;
      best_found = std::move(found);
    }
  }
  if (!best) return;
  std::string names;
  for (size_t i = 0; i < best_found.size() && i < 3; ++i) names += (i ? ", " : "") + best_found[i];
  warnings->push_back("the text names columns of the " + best->id + " format (" + names +
                      "), but no table of its values was found in it");
}

// Metadata, template, values and checks of a page already read (glued digit runs are split in
// its grids first).
void MapPage(Page& page, const RuleSet& rules, const ExtractOptions& options, Extraction* out) {
  for (const std::string& w : page.warnings) out->warnings.push_back(w);
  Metadata meta = ReadMetadata(page);
  out->title = meta.title;
  out->issuer = meta.issuer;
  out->year = meta.year;
  out->published = meta.published;

  LabelCache labels(rules.normalizer());
  const TemplateRules* tmpl = DetectTemplate(page.tables, rules, labels, meta.year, options.cancel);
  if (Cancelled(options)) return;
  out->narrative = ReadNarrative(page.text, tmpl, rules, meta.year);
  if (!tmpl) {
    WarnOfTablesNotFound(page.text, rules, &out->warnings);
    return;
  }
  GluedSplit glued = SplitGluedRuns(&page.tables, *tmpl, rules.identities(), labels);
  MatchResult match = MatchGrids(page.tables, *tmpl, labels, page.positional);
  if (match.cells.empty()) {
    out->warnings.push_back("labels of the " + tmpl->id +
                            " format found, but no value could be read");
    return;
  }
  out->template_id = tmpl->id;
  for (std::string& w : glued.warnings) out->warnings.push_back(std::move(w));
  for (std::string& w : match.warnings) out->warnings.push_back(std::move(w));
  out->unmatched = std::move(match.unmatched);

  std::unordered_map<std::string, Value> values;
  std::unordered_set<std::string> unreadable;
  values.reserve(match.cells.size());
  for (const MatchedCell& matched : match.cells) {
    // A check quantity (the 小计 of 法人或其他组织) is no field: its value serves the checks only.
    auto unit = tmpl->field_units.find(matched.field);
    bool field = unit != tmpl->field_units.end();
    const std::string& unit_name = field ? unit->second : tmpl->check_units.at(matched.field);
    if (field) out->cells[matched.field] = matched.cell;
    if (glued.unreadable.contains({matched.cell.table, matched.cell.row, matched.cell.column})) {
      values[matched.field] = std::nullopt;  // a glued run that cannot be split (warned above)
      unreadable.insert(matched.field);
      continue;
    }
    size_t warnings_before = out->warnings.size();
    values[matched.field] = ReadValue(matched, unit_name, &out->warnings);
    if (out->warnings.size() > warnings_before) unreadable.insert(matched.field);
  }
  out->fields.reserve(tmpl->fields.size());
  for (const std::string& field : tmpl->fields) {
    auto it = values.find(field);
    out->fields.emplace_back(field, it == values.end() ? Value() : it->second);
  }
  CheckResults checks = RunChecks(rules.identities(), tmpl->id, values, unreadable);
  MarkIncomplete(rules, *out, tmpl->list_layout, &checks);
  out->checks = std::move(checks.failures);
  out->check_status = std::move(checks.statuses);
  WarnOcrMisreadings(*out, &out->warnings);
  NarrativeChecks text_checks = CheckNarrative(out->narrative, values, unreadable);
  for (CheckFailure& f : text_checks.failures) out->checks.push_back(std::move(f));
  for (CheckStatus& s : text_checks.statuses) out->check_status.push_back(std::move(s));
}

void ExtractInto(std::string_view bytes, const RuleSet& rules, const ExtractOptions& options,
                 Extraction* out, ExtractedPage* extracted) {
  Format format = InputFormat(bytes, options);
  out->format = std::string(FormatName(format));
  std::shared_ptr<const HtmlTree> tree;
  Page page = ReadDocument(bytes, format, options, &tree);
  if (Cancelled(options)) return;
  if (!extracted) tree.reset();  // nobody reads it: free the parse before mapping
  MapPage(page, rules, options, out);
  if (format == Format::kPdf && !out->template_id && !page.text.empty()) {
    // The word boxes gave no statistics table: the -layout text is the fallback reading.
    Extraction layout;
    layout.format = out->format;
    Page text_page = ReadPdfLayoutText(bytes, options.limits);
    MapPage(text_page, rules, options, &layout);
    if (layout.template_id) {
      layout.warnings.insert(layout.warnings.begin(),
                             "pdf: no table from the word boxes; read from the -layout text");
      *out = std::move(layout);
      page = std::move(text_page);
    }
  }
  if (extracted) {
    extracted->text = NormalisedText(page.text);
    extracted->html = std::move(tree);
  }
}

bool IsPicture(Format format) {
  return format == Format::kPng || format == Format::kJpeg || format == Format::kTiff ||
         format == Format::kBmp || format == Format::kGif;
}

// Appends the grids, text and warnings of picture `index` (1-based) to `page`.
void AppendPicture(Page picture, int index, Page* page) {
  for (Grid& grid : picture.tables) {
    for (GridCell& cell : grid.cells) cell.page = index;
    page->tables.push_back(std::move(grid));
  }
  page->positional |= picture.positional;
  if (!picture.text.empty()) page->text += "\n" + picture.text;
  for (std::string& w : picture.warnings)
    page->warnings.push_back("picture " + std::to_string(index) + ": " + w);
}

void ExtractWithPicturesInto(std::string_view bytes, const std::vector<std::string_view>& pictures,
                             const RuleSet& rules, const ExtractOptions& options, Extraction* out) {
  std::shared_ptr<const HtmlTree> tree;
  Format format = InputFormat(bytes, options);
  Page page = format == Format::kHtml || format == Format::kText
                  ? ReadDocument(bytes, format, options, &tree)
                  : Page();
  tree.reset();
  for (size_t i = 0; i < pictures.size(); ++i) {
    if (Cancelled(options)) return;
    int index = static_cast<int>(i) + 1;
    Format picture = SniffFormat(pictures[i]);
    if (!IsPicture(picture)) {
      page.warnings.push_back("picture " + std::to_string(index) + ": not an image (" +
                              std::string(FormatName(picture)) + "), skipped");
      continue;
    }
    AppendPicture(ReadDocument(pictures[i], picture, options, &tree), index, &page);
  }
  out->format = "ocr";
  MapPage(page, rules, options, out);
}

}  // namespace

Extraction Extract(std::string_view bytes, const RuleSet& rules, const ExtractOptions& options,
                   ExtractedPage* page) {
  Extraction extraction;
  try {
    ExtractInto(bytes, rules, options, &extraction, page);
  } catch (const std::exception& e) {
    // Extract never throws: what went wrong is reported with what was read so far.
    extraction.warnings.push_back(std::string("extraction stopped: ") + e.what());
  }
  return extraction;
}

Extraction ExtractWithPictures(std::string_view page, const std::vector<std::string_view>& pictures,
                               const RuleSet& rules, const ExtractOptions& options) {
  Extraction extraction;
  try {
    ExtractWithPicturesInto(page, pictures, rules, options, &extraction);
  } catch (const std::exception& e) {
    extraction.warnings.push_back(std::string("extraction stopped: ") + e.what());
  }
  return extraction;
}

bool IsPicture(std::string_view bytes) { return IsPicture(SniffFormat(bytes)); }

}  // namespace nianbao
