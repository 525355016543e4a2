#include "extract/map/rules.h"

#include <openssl/evp.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "rules/embedded_rules.h"

namespace nianbao {
namespace {

std::string Sha256Of(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw RuleError("SHA-256 of the rule files failed (OpenSSL EVP)");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

std::string Where(const std::string& file, const toml::node& node) {
  return file + ":" + std::to_string(node.source().begin.line);
}

[[noreturn]] void Fail(const std::string& where, const std::string& what) {
  throw RuleError(where + ": " + what);
}

std::vector<std::string> Split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(line);
  while (std::getline(in, part, sep)) out.push_back(part);
  return out;
}

std::vector<FieldSpec> ParseFields(const std::string& content) {
  std::vector<FieldSpec> fields;
  std::istringstream in(content);
  std::string line;
  int number = 0;
  std::set<std::pair<std::string, std::string>> seen;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1 || line.empty()) continue;  // header
    std::vector<std::string> parts = Split(line, '\t');
    if (parts.size() != 6) {
      Fail("fields.tsv:" + std::to_string(number), "expected 6 tab-separated columns");
    }
    if (!seen.insert({parts[0], parts[1]}).second) {
      Fail("fields.tsv:" + std::to_string(number), "duplicate field " + parts[1]);
    }
    fields.push_back({parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]});
  }
  return fields;
}

std::vector<std::string> StringArray(const toml::node* node, const std::string& file,
                                     const char* what) {
  std::vector<std::string> out;
  if (!node) return out;
  const toml::array* array = node->as_array();
  if (!array) Fail(Where(file, *node), std::string(what) + " must be an array of strings");
  for (const toml::node& item : *array) {
    auto value = item.value<std::string>();
    if (!value) Fail(Where(file, item), std::string(what) + " must be an array of strings");
    out.push_back(*value);
  }
  return out;
}

const toml::array* ArrayOfTables(const toml::table& table, const char* key,
                                 const std::string& file) {
  const toml::node* node = table.get(key);
  if (!node) return nullptr;
  const toml::array* array = node->as_array();
  if (!array || !array->is_array_of_tables())
    Fail(Where(file, *node), std::string(key) + " must be [[" + key + "]] tables");
  return array;
}

Axis ParseAxis(const toml::table& table, const std::string& file) {
  std::string axis = table["axis"].value_or(std::string("any"));
  if (axis == "row") return Axis::kRow;
  if (axis == "column") return Axis::kColumn;
  if (axis == "any") return Axis::kAny;
  Fail(Where(file, table), "axis must be row, column or any, not " + axis);
}

LabelRule ParseRule(const toml::table& table, const std::string& file, const Normalizer& normalizer,
                    std::string* under_key) {
  LabelRule rule;
  rule.source = Where(file, table);
  auto key = table["key"].value<std::string>();
  if (!key || key->empty()) Fail(rule.source, "a rule needs a key");
  rule.source = Where(file, *table.get("key"));  // messages about the rule point at its key
  rule.key = *key;
  rule.group = table["group"].value_or(false);
  rule.check_only = table["check_only"].value_or(false);
  if (rule.group && rule.check_only) Fail(rule.source, "a rule is a group or check_only, not both");
  for (const std::string& label : StringArray(table.get("labels"), file, "labels")) {
    std::string text = normalizer.ParseLabel(label).text;
    if (text.empty()) Fail(rule.source, "label \"" + label + "\" is empty once normalised");
    rule.labels.insert(text);
  }
  if (const toml::node* labels = table.get("labels")) rule.labels_source = Where(file, *labels);
  if (const toml::array* patterns = table["patterns"].as_array()) {
    for (const toml::node& node : *patterns) {
      std::string pattern = node.value_or(std::string());
      auto re = std::make_unique<RE2>(pattern, RE2::Quiet);
      if (!node.is_string() || !re->ok()) {
        Fail(Where(file, node), "pattern \"" + pattern + "\" does not compile: " + re->error());
      }
      rule.patterns.push_back(std::move(re));
    }
  } else if (const toml::node* patterns = table.get("patterns")) {
    Fail(Where(file, *patterns), "patterns must be an array of strings");
  }
  if (rule.labels.empty() && rule.patterns.empty())
    Fail(rule.source, "rule " + rule.key + " has no labels or patterns");
  *under_key = table["under"].value_or(std::string());
  if (const toml::node* under = table.get("under")) rule.under_source = Where(file, *under);
  rule.columns = StringArray(table.get("columns"), file, "columns");
  return rule;
}

// Every field id the dimensions can form: the cartesian product of their non-group keys, with the
// keys that formed it.
struct Product {
  std::string id;
  std::vector<std::string> keys;
};

void Products(const std::vector<Dimension>& dims, size_t at, Product prefix,
              std::vector<Product>* out) {
  if (at == dims.size()) {
    out->push_back(std::move(prefix));
    return;
  }
  std::set<std::string> keys;
  for (const LabelRule& rule : dims[at].rules) {
    if (!rule.group) keys.insert(rule.key);
  }
  for (const std::string& key : keys) {
    Product next = prefix;
    next.id = next.id.empty() ? key : next.id + "." + key;
    next.keys.push_back(key);
    Products(dims, at + 1, std::move(next), out);
  }
}

// `transpose`: the table's copy with rows and columns swapped (its name + "_transposed"), for a
// table printed the other way round; its values are read by their labels only (no printed order).
TableRules ParseTable(const toml::table& table, const std::string& file,
                      const Normalizer& normalizer, bool transpose = false) {
  TableRules rules;
  auto name = table["name"].value<std::string>();
  if (!name) Fail(Where(file, table), "a [[table]] needs a name");
  rules.name = *name + (transpose ? "_transposed" : "");
  if (!transpose) rules.fallback = StringArray(table.get("fallback"), file, "fallback");
  const toml::array* dims = ArrayOfTables(table, "dimension", file);
  if (!dims || dims->empty())
    Fail(Where(file, table), "table " + rules.name + " has no [[table.dimension]]");
  if (dims->size() > kMaxDimensions)
    Fail(Where(file, table), "table " + rules.name + " has more than " +
                                 std::to_string(kMaxDimensions) + " dimensions");
  for (const toml::node& node : *dims) {
    const toml::table& dim_table = *node.as_table();
    Dimension dim;
    dim.name = dim_table["name"].value_or(std::string());
    dim.axis = ParseAxis(dim_table, file);
    if (transpose && dim.axis != Axis::kAny)
      dim.axis = dim.axis == Axis::kRow ? Axis::kColumn : Axis::kRow;
    const toml::array* rule_nodes = ArrayOfTables(dim_table, "rule", file);
    if (!rule_nodes) Fail(Where(file, dim_table), "dimension " + dim.name + " has no rules");
    std::vector<std::string> unders;
    std::map<std::string, int> index;
    for (const toml::node& rule_node : *rule_nodes) {
      std::string under;
      LabelRule rule = ParseRule(*rule_node.as_table(), file, normalizer, &under);
      if (transpose) rule.columns.clear();
      if (!index.emplace(rule.key, static_cast<int>(dim.rules.size())).second) {
        Fail(rule.source, "duplicate key " + rule.key + " in dimension " + dim.name);
      }
      unders.push_back(under);
      dim.rules.push_back(std::move(rule));
    }
    for (size_t i = 0; i < dim.rules.size(); ++i) {
      if (unders[i].empty()) continue;
      auto it = index.find(unders[i]);
      if (it == index.end())
        Fail(dim.rules[i].under_source,
             "under = \"" + unders[i] + "\" names no rule of dimension " + dim.name);
      dim.rules[i].under = it->second;
    }
    // The same exact label in two rules with the same context would make matching depend on order.
    for (size_t i = 0; i < dim.rules.size(); ++i) {
      for (size_t j = i + 1; j < dim.rules.size(); ++j) {
        if (dim.rules[i].under != dim.rules[j].under) continue;
        for (const std::string& label : dim.rules[j].labels) {
          if (dim.rules[i].labels.count(label)) {
            Fail(dim.rules[j].labels_source,
                 "duplicate label \"" + label + "\" (also in rule " + dim.rules[i].key + ")");
          }
        }
      }
    }
    dim.Index();
    rules.dimensions.push_back(std::move(dim));
  }
  return rules;
}

void ValidateTemplate(const TemplateRules& tmpl, const std::string& file, const toml::table& root) {
  std::set<std::string> catalogue;
  for (const auto& [field, unit] : tmpl.field_units) catalogue.insert(field);
  std::set<std::string> formed;
  for (const TableRules& table : tmpl.tables) {
    std::vector<Product> products;
    Products(table.dimensions, 0, Product{}, &products);
    std::vector<std::set<std::string>> used(table.dimensions.size());
    for (const Product& product : products) {
      if (!catalogue.count(product.id)) continue;
      formed.insert(product.id);
      for (size_t d = 0; d < product.keys.size(); ++d) used[d].insert(product.keys[d]);
    }
    // Every non-group key must take part in at least one field of the catalogue.
    for (size_t d = 0; d < table.dimensions.size(); ++d) {
      for (const LabelRule& rule : table.dimensions[d].rules) {
        if (rule.check_only) {
          bool forms =
              std::any_of(tmpl.check_units.begin(), tmpl.check_units.end(), [&](const auto& entry) {
                return ("." + entry.first + ".").find("." + rule.key + ".") != std::string::npos;
              });
          if (!forms) Fail(rule.source, "check_only key " + rule.key + " forms no quantity");
          continue;
        }
        if (!rule.group && !used[d].count(rule.key)) {
          Fail(rule.source, "unknown field id: key " + rule.key + " forms no field of " + tmpl.id +
                                " in fields.tsv");
        }
      }
    }
  }
  for (const std::string& field : catalogue) {
    if (!formed.count(field)) {
      Fail(Where(file, *root.get("template")),
           "field " + field + " of fields.tsv is covered by no rule");
    }
  }
}

// The ids formed with a check_only key, each with the unit of the catalogue field that a sibling
// key of the same dimension forms in its place (R.org_subtotal: the unit of R.commercial).
void AddCheckQuantities(TemplateRules* tmpl) {
  for (const TableRules& table : tmpl->tables) {
    std::vector<Product> products;
    Products(table.dimensions, 0, Product{}, &products);
    std::map<std::string, std::set<std::string>> check_keys;  // dimension name → its keys
    for (const Dimension& dim : table.dimensions) {
      for (const LabelRule& rule : dim.rules) {
        if (rule.check_only) check_keys[dim.name].insert(rule.key);
      }
    }
    for (const Product& product : products) {
      for (size_t d = 0; d < product.keys.size(); ++d) {
        const Dimension& dim = table.dimensions[d];
        if (!check_keys[dim.name].contains(product.keys[d])) continue;
        for (const LabelRule& sibling : dim.rules) {
          if (sibling.group || sibling.check_only) continue;
          std::vector<std::string> keys = product.keys;
          keys[d] = sibling.key;
          std::string id;
          for (const std::string& key : keys) id += (id.empty() ? "" : ".") + key;
          auto unit = tmpl->field_units.find(id);
          if (unit == tmpl->field_units.end()) continue;
          tmpl->check_units.emplace(product.id, unit->second);
          break;
        }
      }
    }
  }
}

TemplateRules ParseTemplate(const toml::table& root, const std::string& file,
                            const std::vector<FieldSpec>& fields, const Normalizer& normalizer) {
  TemplateRules tmpl;
  tmpl.id = *root["template"].value<std::string>();
  for (const FieldSpec& spec : fields) {
    if (spec.template_id != tmpl.id) continue;
    tmpl.fields.push_back(spec.field);
    tmpl.field_units[spec.field] = spec.unit;
  }
  if (tmpl.field_units.empty())
    Fail(Where(file, *root.get("template")), "template " + tmpl.id + " has no field in fields.tsv");
  tmpl.list_layout = root["layout"].value_or(std::string("grid")) == "list";
  for (const std::string& marker : StringArray(root.get("markers"), file, "markers")) {
    tmpl.markers.push_back(normalizer.Clean(marker));
  }
  tmpl.min_markers = static_cast<int>(root["min_markers"].value_or(int64_t{2}));
  if (const toml::array* years = root["years"].as_array()) {
    if (years->size() != 2 || !(*years)[0].is_integer() || !(*years)[1].is_integer()) {
      Fail(Where(file, *years), "years must be [first, last]");
    }
    tmpl.first_year = static_cast<int>(*(*years)[0].value<int64_t>());
    tmpl.last_year = static_cast<int>(*(*years)[1].value<int64_t>());
  }
  const toml::array* tables = ArrayOfTables(root, "table", file);
  if (!tables) Fail(Where(file, root), "no [[table]]");
  for (const toml::node& node : *tables)
    tmpl.tables.push_back(ParseTable(*node.as_table(), file, normalizer));
  // Transposed copies come last: a value is read the usual way round whenever it can be.
  for (const toml::node& node : *tables) {
    const toml::table& table = *node.as_table();
    if (table["transposed"].value_or(false))
      tmpl.tables.push_back(ParseTable(table, file, normalizer, /*transpose=*/true));
  }
  AddCheckQuantities(&tmpl);
  ValidateTemplate(tmpl, file, root);
  return tmpl;
}

Term ParseTerm(const toml::node& node, const std::string& file) {
  Term term;
  if (auto field = node.value<std::string>()) {
    std::string id = *field;
    if (!id.empty() && id[0] == '-') term.sign = -1, id.erase(0, 1);
    term.alternatives.push_back({id});
    return term;
  }
  // { either = [fields], or = [fields] }: the first alternative with any value counts.
  const toml::table* table = node.as_table();
  if (!table) Fail(Where(file, node), "a term is a field id or { either = [...], or = [...] }");
  for (const char* key : {"either", "or"}) {
    std::vector<std::string> ids = StringArray(table->get(key), file, key);
    if (ids.empty()) Fail(Where(file, node), std::string("term needs a non-empty ") + key);
    term.alternatives.push_back(ids);
  }
  return term;
}

// `templates`: to name, besides the catalogue's fields, each template's check quantities.
std::vector<Identity> ParseChecks(const toml::table& root, const std::string& file,
                                  const std::vector<FieldSpec>& fields,
                                  const std::vector<TemplateRules>& templates) {
  std::set<std::pair<std::string, std::string>> catalogue;
  for (const FieldSpec& spec : fields) catalogue.insert({spec.template_id, spec.field});
  for (const TemplateRules& tmpl : templates) {
    for (const auto& [id, unit] : tmpl.check_units) catalogue.insert({tmpl.id, id});
  }
  std::vector<Identity> identities;
  std::set<std::string> names;
  const toml::array* nodes = ArrayOfTables(root, "identity", file);
  if (!nodes) return identities;
  for (const toml::node& node : *nodes) {
    const toml::table& table = *node.as_table();
    std::string where = Where(file, table);
    Identity identity;
    identity.name = table["name"].value_or(std::string());
    if (identity.name.empty()) Fail(where, "an identity needs a name");
    if (!names.insert(identity.name).second) Fail(where, "duplicate identity " + identity.name);
    identity.templates = StringArray(table.get("templates"), file, "templates");
    identity.total = table["total"].value_or(std::string());
    const toml::array* terms = table["terms"].as_array();
    if (identity.templates.empty() || identity.total.empty() || !terms || terms->empty()) {
      Fail(where, "identity " + identity.name + " needs templates, total and terms");
    }
    for (const toml::node& term : *terms) identity.terms.push_back(ParseTerm(term, file));
    identity.when_printed = table["when_printed"].value_or(false);
    for (const std::string& tmpl : identity.templates) {
      auto check = [&](const std::string& id) {
        if (!catalogue.count({tmpl, id}))
          Fail(where, "unknown field id " + id + " for template " + tmpl);
      };
      check(identity.total);
      for (const Term& term : identity.terms) {
        for (const auto& alternative : term.alternatives) {
          for (const std::string& id : alternative) check(id);
        }
      }
    }
    identities.push_back(std::move(identity));
  }
  return identities;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RuleError(path.string() + ": cannot read");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

bool LabelRule::Matches(const std::string& text) const {
  if (labels.count(text)) return true;
  for (const auto& pattern : patterns) {
    if (RE2::FullMatch(text, *pattern)) return true;
  }
  return false;
}

void Dimension::Index() {
  rules_by_label_.clear();
  pattern_rule_.clear();
  RE2::Options options;
  options.set_log_errors(false);
  patterns_ = std::make_unique<RE2::Set>(options, RE2::ANCHOR_BOTH);
  for (size_t r = 0; r < rules.size(); ++r) {
    for (const std::string& label : rules[r].labels)
      rules_by_label_[label].push_back(static_cast<int>(r));
    for (const auto& pattern : rules[r].patterns) {
      std::string error;
      // Each pattern compiled on its own already; a set that refuses one falls back to them.
      if (patterns_->Add(pattern->pattern(), &error) < 0) {
        patterns_.reset();
        return;
      }
      pattern_rule_.push_back(static_cast<int>(r));
    }
  }
  if (pattern_rule_.empty() || !patterns_->Compile()) patterns_.reset();
}

std::vector<int> Dimension::MatchingRules(const std::string& text) const {
  std::vector<int> matching;
  if (auto it = rules_by_label_.find(text); it != rules_by_label_.end()) matching = it->second;
  std::vector<int> hits;
  RE2::Set::ErrorInfo error{};
  if (patterns_ && (patterns_->Match(text, &hits, &error) || error.kind == RE2::Set::kNoError)) {
    for (int hit : hits) matching.push_back(pattern_rule_[hit]);
  } else {
    // No set (none or refused) or the automaton ran out of memory: one pattern at a time.
    for (size_t r = 0; r < rules.size(); ++r) {
      for (const auto& pattern : rules[r].patterns) {
        if (RE2::FullMatch(text, *pattern)) {
          matching.push_back(static_cast<int>(r));
          break;
        }
      }
    }
  }
  std::sort(matching.begin(), matching.end());
  matching.erase(std::unique(matching.begin(), matching.end()), matching.end());
  return matching;
}

std::shared_ptr<const RuleSet> RuleSet::LoadFiles(const std::map<std::string, std::string>& files) {
  std::shared_ptr<RuleSet> rules(new RuleSet());
  std::set<std::string> shaping;  // the .toml files read as checks or templates
  auto fields_file = files.find("fields.tsv");
  if (fields_file == files.end()) throw RuleError("fields.tsv: missing");
  rules->fields_ = ParseFields(fields_file->second);
  std::optional<toml::table> checks;
  for (const auto& [name, content] : files) {
    if (name.size() < 5 || name.compare(name.size() - 5, 5, ".toml") != 0) continue;
    toml::table root;
    try {
      root = toml::parse(content, name);
    } catch (const toml::parse_error& e) {
      throw RuleError(name + ":" + std::to_string(e.source().begin.line) + ": " +
                      std::string(e.description()));
    }
    if (name == "checks.toml") {
      shaping.insert(name);
      checks = std::move(root);  // read once the templates are (it may name their quantities)
    } else if (root["template"].is_string()) {
      TemplateRules tmpl = ParseTemplate(root, name, rules->fields_, rules->normalizer_);
      if (rules->FindTemplate(tmpl.id))
        Fail(Where(name, *root.get("template")), "duplicate template " + tmpl.id);
      rules->templates_.push_back(std::move(tmpl));
      shaping.insert(name);
    }
    // Any other .toml (e.g. the crawler's) is not ours.
  }
  if (checks)
    rules->identities_ = ParseChecks(*checks, "checks.toml", rules->fields_, rules->templates_);
  std::string hashed;
  for (const auto& [name, content] : files) {
    if (name != "fields.tsv" && !shaping.contains(name)) continue;
    hashed += name + '\n' + std::to_string(content.size()) + '\n' + content;
  }
  rules->sha256_ = Sha256Of(hashed);
  std::set<std::string> catalogued, loaded;
  for (const FieldSpec& spec : rules->fields_) catalogued.insert(spec.template_id);
  for (const TemplateRules& tmpl : rules->templates_) loaded.insert(tmpl.id);
  for (const std::string& id : catalogued) {
    if (!loaded.count(id)) throw RuleError("fields.tsv: template " + id + " has no rule file");
  }
  return rules;
}

std::shared_ptr<const RuleSet> RuleSet::LoadDirectory(const std::string& dir) {
  std::map<std::string, std::string> files;
  std::error_code error;
  std::filesystem::directory_iterator it(dir, error);
  if (error) throw RuleError(dir + ": " + error.message());
  for (const auto& entry : it) {
    std::string name = entry.path().filename().string();
    if (!entry.is_regular_file()) continue;
    if (name.ends_with(".toml") || name == "fields.tsv") files[name] = ReadFile(entry.path());
  }
  try {
    return LoadFiles(files);
  } catch (const RuleError& e) {
    throw RuleError(dir + "/" + e.what());
  }
}

std::shared_ptr<const RuleSet> RuleSet::LoadEmbedded() {
  std::map<std::string, std::string> files;
  for (const EmbeddedFile& file : EmbeddedRuleFiles())
    files[std::string(file.name)] = std::string(file.content);
  return LoadFiles(files);
}

std::vector<FieldSpec> RuleSet::Fields(std::string_view template_id) const {
  std::vector<FieldSpec> out;
  for (const FieldSpec& spec : fields_) {
    if (template_id.empty() || spec.template_id == template_id) out.push_back(spec);
  }
  return out;
}

const TemplateRules* RuleSet::FindTemplate(std::string_view id) const {
  for (const TemplateRules& tmpl : templates_) {
    if (tmpl.id == id) return &tmpl;
  }
  return nullptr;
}

}  // namespace nianbao
