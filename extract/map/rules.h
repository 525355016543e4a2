// The label rules (rules/*.toml, one file per template, plus rules/checks.toml) loaded into an
// immutable RuleSet. Loading validates everything: an unknown field id, a duplicate, a pattern that
// does not compile or a field of fields.tsv that no rule covers throws RuleError naming the file
// and line. A RuleSet is immutable after construction and safe to share between threads; reload =
// build a new one and swap.
//
// Rule model (see rules/v2021.toml): a template has tables (t2, t3, t4 of the 2019/2021 formats,
// one "legacy" list); a table has dimensions (t3: the row and the applicant column); a dimension
// has rules mapping normalised labels to a key. A value's field id is its dimensions' keys joined
// with ".", which must be a field of the template in fields.tsv.
#ifndef NIANBAO_EXTRACT_MAP_RULES_H_
#define NIANBAO_EXTRACT_MAP_RULES_H_

#include <re2/re2.h>
#include <re2/set.h>

#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "extract/map/normalize.h"

namespace nianbao {

class RuleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FieldSpec {  // one row of fields.tsv
  std::string template_id, field, section, row_label, column_label, unit;
};

enum class Axis { kRow, kColumn, kAny };

struct LabelRule {
  std::string key;     // a part of field ids ("outcome.withheld.state_secret", "natural_person")
  bool group = false;  // context only (e.g. 三、本年度办理结果): gives no field of its own
  // Its ids are no fields of the catalogue: values read for the checks only (the 小计 column of
  // 法人或其他组织), never output. TemplateRules::check_units lists them.
  bool check_only = false;
  std::set<std::string> labels;                // normalised label texts that match exactly
  std::vector<std::unique_ptr<RE2>> patterns;  // full match on the normalised text
  int under = -1;  // index of the rule (same dimension) some ancestor label must match, or -1
  std::vector<std::string>
      columns;         // column keys in printed order, when a row has no usable header
  std::string source;  // "file:line" of its key, for messages
  std::string labels_source, under_source;  // "file:line" of those entries

  bool Matches(const std::string& text) const;
};

struct Dimension {
  std::string name;
  Axis axis = Axis::kAny;
  std::vector<LabelRule> rules;

  // Indices of the rules that match `text`, ascending. Same answer as asking each rule's Matches,
  // in one hash lookup and one automaton pass instead of a pattern per rule.
  std::vector<int> MatchingRules(const std::string& text) const;
  // Builds the lookup tables above; called once the rules are final.
  void Index();

 private:
  std::map<std::string, std::vector<int>, std::less<>> rules_by_label_;
  std::unique_ptr<RE2::Set> patterns_;  // every rule's patterns, anchored at both ends
  std::vector<int> pattern_rule_;       // pattern index in patterns_ → rule index
};

// A field id joins one key per dimension; no format needs more than this many.
inline constexpr size_t kMaxDimensions = 4;

struct TableRules {
  std::string name;
  std::vector<Dimension> dimensions;  // field id = keys joined in this order
  std::vector<std::string> fallback;  // column-dimension keys in printed order, for headerless rows
};

struct TemplateRules {
  std::string id;
  bool list_layout = false;  // legacy: one label → one value list, hierarchy from numbering
  std::vector<std::string> markers;  // substrings of normalised labels that identify the template
  int min_markers = 2;
  int first_year = 0, last_year = 9999;  // the report years the format was in use: breaks ties
  std::vector<TableRules> tables;
  std::vector<std::string> fields;                           // its field ids, in fields.tsv order
  std::unordered_map<std::string, std::string> field_units;  // field id → unit, from fields.tsv
  // Ids formed with a check_only key → unit (that of the field formed with a sibling key instead):
  // quantities the identities of checks.toml may name, read from the page, never output.
  std::unordered_map<std::string, std::string> check_units;
};

struct Term {  // one term of an identity: a field, or alternatives (the first that has a value)
  std::vector<std::vector<std::string>> alternatives;  // each alternative a list of fields summed
  int sign = 1;
};

struct Identity {
  std::string name;
  std::vector<std::string> templates;
  std::string total;
  std::vector<Term> terms;
  // Listed only when its total has a cell on the page: an identity of an optional column
  // (`when_printed = true`, the 小计 of 法人或其他组织).
  bool when_printed = false;
};

class RuleSet {
 public:
  // Loads fields.tsv, the template rule files and checks.toml from `dir`. Other files are ignored.
  static std::shared_ptr<const RuleSet> LoadDirectory(const std::string& dir);
  // The copy of rules/ compiled into the binary.
  static std::shared_ptr<const RuleSet> LoadEmbedded();
  // From (file name, content) pairs: what both loaders use.
  static std::shared_ptr<const RuleSet> LoadFiles(const std::map<std::string, std::string>& files);

  // The catalogue, in fields.tsv order; `template_id` empty means all templates.
  std::vector<FieldSpec> Fields(std::string_view template_id = {}) const;

  const std::vector<TemplateRules>& templates() const { return templates_; }
  const TemplateRules* FindTemplate(std::string_view id) const;
  const std::vector<Identity>& identities() const { return identities_; }
  const Normalizer& normalizer() const { return normalizer_; }
  // Lower-case hex SHA-256 of the rule files that shape an extraction (fields.tsv, checks.toml and
  // the template files: each file's name, length and content, in name order). Stored with every
  // snapshot, so that a version says which rules made it; other files (links.toml) do not count.
  const std::string& sha256() const { return sha256_; }

  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

 private:
  RuleSet() = default;

  std::vector<FieldSpec> fields_;
  std::vector<TemplateRules> templates_;
  std::vector<Identity> identities_;
  Normalizer normalizer_;
  std::string sha256_;
};

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_MAP_RULES_H_
