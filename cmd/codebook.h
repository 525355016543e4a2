// The codebook: every catalogued field (rules/fields.tsv) with its official Chinese labels, unit,
// an English gloss (composed from rules/glossary.tsv) and the harmonised indicators it feeds
// (rules/harmonised.tsv, the crosswalk). Loaded from a rules directory or the built-in copy, and
// validated at load: a crosswalk line naming a field that fields.tsv does not hold for its
// template, a bad comparability, or a field id part without a gloss is a RuleError naming
// file:line.
#ifndef NIANBAO_CMD_CODEBOOK_H_
#define NIANBAO_CMD_CODEBOOK_H_

#include <ostream>
#include <string>
#include <vector>

#include "extract/map/rules.h"
#include "store/crosswalk.h"  // CrosswalkEntry: one line of harmonised.tsv

namespace nianbao {

struct CodebookField {
  FieldSpec spec;
  std::string gloss;       // English
  std::string harmonised;  // the harmonised ids it feeds, joined by ";" (empty: none)
};

struct Codebook {
  std::vector<CodebookField> fields;      // in fields.tsv order
  std::vector<CrosswalkEntry> crosswalk;  // in file order
};

// The codebook of `rules`, with glossary.tsv and harmonised.tsv read from `rules_dir` (empty: the
// built-in rules). Throws RuleError.
Codebook LoadCodebook(const std::string& rules_dir, const RuleSet& rules);

// Writes the fields of `template_id` (empty: all) as "text" (tab-separated with a header line, "-"
// for an empty cell), "csv" (RFC 4180 with a header) or "json" (an array of objects). Columns:
// field, template, section, row_label, column_label, unit, harmonised, gloss.
void WriteCodebook(const Codebook& codebook, const std::string& template_id,
                   const std::string& format, std::ostream& out);

// Writes the codebook of the built-in rules' `template_id` (empty: all) to `path`: JSON when the
// name ends in ".json", else CSV. Written beside it and renamed when complete. Throws RuleError or
// std::runtime_error naming the path.
void WriteCodebookFile(const std::string& path, const std::string& template_id);

}  // namespace nianbao

#endif  // NIANBAO_CMD_CODEBOOK_H_
