// The rule files compiled into the binary (see rules/CMakeLists.txt): file name → content.
#ifndef NIANBAO_RULES_EMBEDDED_RULES_H_
#define NIANBAO_RULES_EMBEDDED_RULES_H_

#include <string_view>
#include <vector>

namespace nianbao {

struct EmbeddedFile {
  std::string_view name;
  std::string_view content;
};

const std::vector<EmbeddedFile>& EmbeddedRuleFiles();

}  // namespace nianbao

#endif  // NIANBAO_RULES_EMBEDDED_RULES_H_
