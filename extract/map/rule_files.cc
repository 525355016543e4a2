#include "extract/map/rule_files.h"

#include <fstream>
#include <sstream>

#include "extract/map/rules.h"
#include "rules/embedded_rules.h"

namespace nianbao {

std::string ReadRuleFile(const std::string& rules_dir, const std::string& name) {
  if (rules_dir.empty()) {
    for (const EmbeddedFile& file : EmbeddedRuleFiles()) {
      if (file.name == name) return std::string(file.content);
    }
    throw RuleError(name + ": missing from the built-in rules");
  }
  std::string path = rules_dir + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RuleError(path + ": cannot read");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> SplitTabs(std::string_view line) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    parts.emplace_back(line.substr(start, tab - start));
    if (tab == std::string_view::npos) return parts;
    start = tab + 1;
  }
}

std::vector<TsvLine> ReadTsv(const std::string& name, const std::string& content,
                             const std::string& header) {
  std::vector<TsvLine> lines;
  std::istringstream in(content);
  std::string line;
  int number = 0;
  bool header_seen = false;
  size_t columns = SplitTabs(header).size();
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    if (line.empty() || line[0] == '#') continue;
    std::string where = name + ":" + std::to_string(number) + ": ";
    if (!header_seen) {
      if (line != header) throw RuleError(where + "expected the header \"" + header + "\"");
      header_seen = true;
      continue;
    }
    std::vector<std::string> cells = SplitTabs(line);
    if (cells.size() != columns) {
      throw RuleError(where + "expected " + std::to_string(columns) +
                      " tab-separated columns, got " + std::to_string(cells.size()));
    }
    lines.push_back({number, std::move(cells), where});
  }
  if (!header_seen) throw RuleError(name + ": no header line");
  return lines;
}

}  // namespace nianbao
