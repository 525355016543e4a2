// The label rules (rules/*.toml, one file per template, plus rules/checks) loaded into an immutable
// RuleSet. Loading validates everything: an unknown field id, a duplicate, a pattern that does not
// compile or a field of fields.tsv that no rule covers throws RuleError naming the file and line.
// A RuleSet is immutable after construction and safe to share between threads; reload = build a new
// one and swap.
#ifndef NIANBAO_EXTRACT_RULES_H_
#define NIANBAO_EXTRACT_RULES_H_

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nianbao {

class RuleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FieldSpec {  // one row of fields.tsv
  std::string template_id, field, section, row_label, column_label, unit;
};

class RuleSet {
 public:
  // Loads fields.tsv, the template rule files and the checks from `dir`.
  static std::shared_ptr<const RuleSet> LoadDirectory(const std::string& dir);
  // The copy of rules/ compiled into the binary.
  static std::shared_ptr<const RuleSet> LoadEmbedded();

  // The catalogue, in fields.tsv order; `template_id` empty means all templates.
  std::vector<FieldSpec> Fields(std::string_view template_id = {}) const;

  ~RuleSet();
  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  explicit RuleSet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_RULES_H_
