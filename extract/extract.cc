#include "extract/extract.h"

#include <algorithm>
#include <exception>
#include <unordered_map>

#include "extract/map/checks.h"
#include "extract/map/match.h"
#include "extract/map/metadata.h"
#include "extract/map/values.h"
#include "extract/read/decode.h"
#include "extract/read/page.h"

namespace nianbao {
namespace {

bool Cancelled(const ExtractOptions& options) {
  return options.cancel && options.cancel->load(std::memory_order_relaxed);
}

Page ParsePage(std::string_view bytes, const ExtractOptions& options,
               std::vector<std::string>* warnings, bool* is_text) {
  Decoded decoded = DecodeToUtf8(bytes, options.encoding);
  if (Cancelled(options)) return Page();
  for (std::string& w : decoded.warnings) warnings->push_back(std::move(w));
  bool html = options.input == ExtractOptions::Input::kHtml ||
              (options.input == ExtractOptions::Input::kAuto && LooksLikeHtml(decoded.utf8));
  *is_text = !html;
  Page page = html ? ParseHtml(decoded.utf8) : ParseText(decoded.utf8, options.cancel);
  for (std::string& w : page.warnings) warnings->push_back(std::move(w));
  return page;
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

void ExtractInto(std::string_view bytes, const RuleSet& rules, const ExtractOptions& options,
                 Extraction* out, std::string* page_text) {
  bool is_text = false;
  Page page = ParsePage(bytes, options, &out->warnings, &is_text);
  if (Cancelled(options)) return;
  out->format = is_text ? "text" : "html";
  if (page_text) *page_text = NormalisedText(page.text);
  Metadata meta = ReadMetadata(page);
  out->title = meta.title;
  out->issuer = meta.issuer;
  out->year = meta.year;
  out->published = meta.published;

  LabelCache labels(rules.normalizer());
  const TemplateRules* tmpl = DetectTemplate(page.tables, rules, labels, meta.year, options.cancel);
  if (!tmpl || Cancelled(options)) return;
  MatchResult match = MatchGrids(page.tables, *tmpl, labels, is_text);
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

}  // namespace

Extraction Extract(std::string_view bytes, const RuleSet& rules, const ExtractOptions& options,
                   std::string* page_text) {
  Extraction extraction;
  try {
    ExtractInto(bytes, rules, options, &extraction, page_text);
  } catch (const std::exception& e) {
    // Extract never throws: what went wrong is reported with what was read so far.
    extraction.warnings.push_back(std::string("extraction stopped: ") + e.what());
  }
  return extraction;
}

}  // namespace nianbao
