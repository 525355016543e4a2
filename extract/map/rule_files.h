// The rule files as text, and their TSV lines: one reader for the bodies, seeds and deadlines
// (bodies.h) and the codebook's glossary and crosswalk (cmd/codebook.h). Errors are RuleError
// (rules.h), naming the file and, for a line, file:line.
#ifndef NIANBAO_EXTRACT_MAP_RULE_FILES_H_
#define NIANBAO_EXTRACT_MAP_RULE_FILES_H_

#include <string>
#include <string_view>
#include <vector>

namespace nianbao {

// The rule file `name` from `rules_dir`, or from the rules built into the binary when `rules_dir`
// is empty.
std::string ReadRuleFile(const std::string& rules_dir, const std::string& name);

// The tab-separated cells of `line` (an empty line is one empty cell).
std::vector<std::string> SplitTabs(std::string_view line);

struct TsvLine {
  int number = 0;  // 1-based line number in the file
  std::vector<std::string> cells;
  std::string where;  // "file:line: ", to start a message with
};

// The data lines of the TSV file `name` after its header, which must equal `header`: a BOM, '#'
// comments, blank lines and CRs are skipped, and a line with another number of columns than the
// header is an error.
std::vector<TsvLine> ReadTsv(const std::string& name, const std::string& content,
                             const std::string& header);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_MAP_RULE_FILES_H_
