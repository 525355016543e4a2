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
#include "extract/read/page.h"

namespace nianbao {
namespace {

Page ParsePage(std::string_view bytes, const ExtractOptions& options,
               std::vector<std::string>* warnings, bool* is_text) {
  Decoded decoded = DecodeToUtf8(bytes, options.encoding);
  for (std::string& w : decoded.warnings) warnings->push_back(std::move(w));
  bool html = options.input == ExtractOptions::Input::kHtml ||
              (options.input == ExtractOptions::Input::kAuto && LooksLikeHtml(decoded.utf8));
  *is_text = !html;
  Page page = html ? ParseHtml(decoded.utf8) : ParseText(decoded.utf8);
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

void ExtractInto(std::string_view bytes, const RuleSet& rules, const ExtractOptions& options,
                 Extraction* out, std::string* page_text) {
  bool is_text = false;
  Page page = ParsePage(bytes, options, &out->warnings, &is_text);
  out->format = is_text ? "text" : "html";
  if (page_text) *page_text = NormalisedText(page.text);
  Metadata meta = ReadMetadata(page);
  out->title = meta.title;
  out->issuer = meta.issuer;
  out->year = meta.year;
  out->published = meta.published;

  LabelCache labels(rules.normalizer());
  const TemplateRules* tmpl = DetectTemplate(page.tables, rules, labels, meta.year);
  out->narrative = ReadNarrative(page.text, tmpl, rules, meta.year);
  if (!tmpl) return;
  GluedSplit glued = SplitGluedRuns(&page.tables, *tmpl, rules.identities(), labels);
  MatchResult match = MatchGrids(page.tables, *tmpl, labels, is_text);
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
    auto unit = tmpl->field_units.find(matched.field);
    out->cells[matched.field] = matched.cell;
    if (glued.unreadable.contains({matched.cell.table, matched.cell.row, matched.cell.column})) {
      values[matched.field] = std::nullopt;  // a glued run that cannot be split (warned above)
      unreadable.insert(matched.field);
      continue;
    }
    size_t warnings_before = out->warnings.size();
    values[matched.field] = ReadValue(matched, unit->second, &out->warnings);
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
  NarrativeChecks text_checks = CheckNarrative(out->narrative, values, unreadable);
  for (CheckFailure& f : text_checks.failures) out->checks.push_back(std::move(f));
  for (CheckStatus& s : text_checks.statuses) out->check_status.push_back(std::move(s));
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
