#include "cmd/codebook.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "extract/map/rule_files.h"
#include "store/csv.h"

namespace nianbao {
namespace {

std::map<std::string, std::string> LoadGlossary(const std::string& content) {
  std::map<std::string, std::string> glossary;
  for (auto& [number, parts, where] : ReadTsv("glossary.tsv", content, "part\tenglish")) {
    if (parts[0].empty() || parts[1].empty()) throw RuleError(where + "empty part or gloss");
    if (!glossary.emplace(parts[0], parts[1]).second)
      throw RuleError(where + "duplicate part " + parts[0]);
  }
  return glossary;
}

std::vector<std::string> SplitSum(const std::string& formula) {
  std::vector<std::string> fields;
  if (formula.empty()) return fields;
  size_t start = 0;
  while (true) {
    size_t plus = formula.find(" + ", start);
    fields.push_back(formula.substr(start, plus - start));
    if (plus == std::string::npos) return fields;
    start = plus + 3;
  }
}

std::vector<CrosswalkEntry> LoadCrosswalk(const std::string& content, const RuleSet& rules) {
  std::set<std::pair<std::string, std::string>> known;  // (template, field)
  for (const FieldSpec& spec : rules.Fields()) known.emplace(spec.template_id, spec.field);
  std::set<std::pair<std::string, std::string>> seen;  // (harmonised, template)
  std::vector<CrosswalkEntry> crosswalk;
  for (auto& [number, parts, where] :
       ReadTsv("harmonised.tsv", content, "harmonised\ttemplate\tfields\tcomparability\tnote")) {
    CrosswalkEntry entry{parts[0], parts[1], SplitSum(parts[2]),
                         parts[3], parts[4], "harmonised.tsv:" + std::to_string(number)};
    if (entry.harmonised.empty()) throw RuleError(where + "empty harmonised id");
    if (!rules.FindTemplate(entry.template_id))
      throw RuleError(where + "unknown template " + entry.template_id);
    if (entry.comparability != "exact" && entry.comparability != "approximate" &&
        entry.comparability != "none") {
      throw RuleError(where + "comparability must be exact, approximate or none, not \"" +
                      entry.comparability + "\"");
    }
    if ((entry.comparability == "none") != entry.fields.empty()) {
      throw RuleError(where + (entry.fields.empty() ? "no field for a mapped indicator"
                                                    : "comparability none maps no field"));
    }
    if (entry.comparability != "exact" && entry.note.empty())
      throw RuleError(where + "a note must say how the meaning differs");
    for (const std::string& field : entry.fields) {
      if (!known.count({entry.template_id, field}))
        throw RuleError(where + "unknown field " + field + " of template " + entry.template_id +
                        " (not in fields.tsv)");
    }
    if (!seen.emplace(entry.harmonised, entry.template_id).second)
      throw RuleError(where + "duplicate " + entry.harmonised + " for " + entry.template_id);
    crosswalk.push_back(std::move(entry));
  }
  return crosswalk;
}

std::string Gloss(const FieldSpec& spec, const std::map<std::string, std::string>& glossary) {
  std::string gloss;
  size_t start = 0;
  while (true) {
    size_t dot = spec.field.find('.', start);
    std::string part = spec.field.substr(start, dot - start);
    auto found = glossary.find(part);
    if (found == glossary.end()) {
      throw RuleError("glossary.tsv: no gloss for \"" + part + "\" (of field " + spec.field +
                      " in fields.tsv)");
    }
    gloss += (gloss.empty() ? "" : " / ") + found->second;
    if (dot == std::string::npos) return gloss;
    start = dot + 1;
  }
}

}  // namespace

Codebook LoadCodebook(const std::string& rules_dir, const RuleSet& rules) {
  auto prefixed = [&](auto load) {
    try {
      return load();
    } catch (const RuleError& e) {
      if (rules_dir.empty()) throw;
      throw RuleError(rules_dir + "/" + e.what());
    }
  };
  Codebook codebook;
  std::map<std::string, std::string> glossary =
      prefixed([&] { return LoadGlossary(ReadRuleFile(rules_dir, "glossary.tsv")); });
  codebook.crosswalk =
      prefixed([&] { return LoadCrosswalk(ReadRuleFile(rules_dir, "harmonised.tsv"), rules); });
  std::map<std::pair<std::string, std::string>, std::string> feeds;  // (template, field) → ids
  for (const CrosswalkEntry& entry : codebook.crosswalk) {
    for (const std::string& field : entry.fields) {
      std::string& ids = feeds[{entry.template_id, field}];
      ids += (ids.empty() ? "" : ";") + entry.harmonised;
    }
  }
  for (const FieldSpec& spec : rules.Fields()) {
    CodebookField field{spec, prefixed([&] { return Gloss(spec, glossary); }), ""};
    auto found = feeds.find({spec.template_id, spec.field});
    if (found != feeds.end()) field.harmonised = found->second;
    codebook.fields.push_back(std::move(field));
  }
  return codebook;
}

void WriteCodebook(const Codebook& codebook, const std::string& template_id,
                   const std::string& format, std::ostream& out) {
  auto columns = [](const CodebookField& f) {
    return std::vector<std::string>{
        f.spec.field,        f.spec.template_id, f.spec.section, f.spec.row_label,
        f.spec.column_label, f.spec.unit,        f.harmonised,   f.gloss};
  };
  static const std::vector<std::string> kNames = {
      "field", "template", "section", "row_label", "column_label", "unit", "harmonised", "gloss"};
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  if (format != "json") {
    for (size_t i = 0; i < kNames.size(); ++i)
      out << (i ? (format == "csv" ? "," : "\t") : "") << kNames[i];
    out << (format == "csv" ? "\r\n" : "\n");
  }
  for (const CodebookField& field : codebook.fields) {
    if (!template_id.empty() && field.spec.template_id != template_id) continue;
    std::vector<std::string> cells = columns(field);
    if (format == "csv") {
      for (size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << CsvCell(cells[i]);
      out << "\r\n";
    } else if (format == "json") {
      nlohmann::ordered_json object;
      for (size_t i = 0; i < cells.size(); ++i) object[kNames[i]] = cells[i];
      array.push_back(std::move(object));
    } else {  // text: tab-separated, "-" for an empty cell
      for (size_t i = 0; i < cells.size(); ++i)
        out << (i ? "\t" : "") << (cells[i].empty() ? "-" : cells[i]);
      out << "\n";
    }
  }
  if (format == "json") out << array.dump(1) << "\n";
}

void WriteCodebookFile(const std::string& path, const std::string& template_id) {
  std::shared_ptr<const RuleSet> rules = RuleSet::LoadEmbedded();
  Codebook codebook = LoadCodebook("", *rules);
  std::string partial = path + ".partial";
  {
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    if (!file) throw std::runtime_error("cannot write the codebook " + partial);
    WriteCodebook(codebook, template_id, path.ends_with(".json") ? "json" : "csv", file);
    file.flush();
    if (!file) {
      std::remove(partial.c_str());
      throw std::runtime_error("cannot write the codebook " + partial);
    }
  }
  std::filesystem::rename(partial, path);
}

}  // namespace nianbao
