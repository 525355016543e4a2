#include "extract/extract.h"

#include <algorithm>
#include <exception>
#include <unordered_map>

#include "extract/map/checks.h"
#include "extract/map/match.h"
#include "extract/map/metadata.h"
#include "extract/map/values.h"
#include "extract/read/decode.h"
#include "extract/read/html_tree.h"
#include "extract/read/office.h"
#include "extract/read/ooxml.h"
#include "extract/read/page.h"
#include "extract/read/pdf.h"
#include "extract/read/sniff.h"

namespace nianbao {
namespace {

// `tree` receives the HTML parse when the input is read as HTML.
Page ParseMarkup(std::string_view bytes, bool html, const ExtractOptions& options,
                 std::shared_ptr<const HtmlTree>* tree) {
  Decoded decoded = DecodeToUtf8(
      bytes, CharsetHints{options.force_encoding, options.http_charset, options.encoding});
  Page page;
  if (html) {
    *tree = std::make_shared<const HtmlTree>(std::move(decoded.utf8));
    page = ParseHtml(**tree);
  } else {
    page = ParseText(decoded.utf8);
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
      page.warnings.push_back("unsupported format " + name + ": an image needs OCR, not built yet");
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

// Metadata, template, values and checks of a page already read.
void MapPage(const Page& page, const RuleSet& rules, Extraction* out) {
  for (const std::string& w : page.warnings) out->warnings.push_back(w);
  Metadata meta = ReadMetadata(page);
  out->title = meta.title;
  out->issuer = meta.issuer;
  out->year = meta.year;
  out->published = meta.published;

  LabelCache labels(rules.normalizer());
  const TemplateRules* tmpl = DetectTemplate(page.tables, rules, labels, meta.year);
  if (!tmpl) return;
  MatchResult match = MatchGrids(page.tables, *tmpl, labels, page.positional);
  if (match.cells.empty()) {
    out->warnings.push_back("labels of the " + tmpl->id +
                            " format found, but no value could be read");
    return;
  }
  out->template_id = tmpl->id;
  for (std::string& w : match.warnings) out->warnings.push_back(std::move(w));
  out->unmatched = std::move(match.unmatched);

  std::unordered_map<std::string, Value> values;
  values.reserve(match.cells.size());
  for (const MatchedCell& matched : match.cells) {
    auto unit = tmpl->field_units.find(matched.field);
    values[matched.field] = ReadValue(matched, unit->second, &out->warnings);
    out->cells[matched.field] = matched.cell;
  }
  out->fields.reserve(tmpl->fields.size());
  for (const std::string& field : tmpl->fields) {
    auto it = values.find(field);
    out->fields.emplace_back(field, it == values.end() ? Value() : it->second);
  }
  out->checks = RunChecks(rules.identities(), tmpl->id, values);
}

void ExtractInto(std::string_view bytes, const RuleSet& rules, const ExtractOptions& options,
                 Extraction* out, ExtractedPage* extracted) {
  Format format = InputFormat(bytes, options);
  out->format = std::string(FormatName(format));
  std::shared_ptr<const HtmlTree> tree;
  Page page = ReadDocument(bytes, format, options, &tree);
  if (!extracted) tree.reset();  // nobody reads it: free the parse before mapping
  MapPage(page, rules, out);
  if (format == Format::kPdf && !out->template_id && !page.text.empty()) {
    // The word boxes gave no statistics table: the -layout text is the fallback reading.
    Extraction layout;
    layout.format = out->format;
    Page text_page = ReadPdfLayoutText(bytes, options.limits);
    MapPage(text_page, rules, &layout);
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

}  // namespace nianbao
