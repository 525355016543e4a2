// The sum identities of rules/checks.toml evaluated against extracted values. A null term counts as
// 0; an identity whose total is null or whose terms are all null is not checked; decimals compare
// with a small tolerance. A failure is reported, never repaired.
#ifndef NIANBAO_EXTRACT_MAP_CHECKS_H_
#define NIANBAO_EXTRACT_MAP_CHECKS_H_

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "extract/extraction.h"
#include "extract/map/rules.h"

namespace nianbao {

std::vector<CheckFailure> RunChecks(const std::vector<Identity>& identities,
                                    std::string_view template_id,
                                    const std::unordered_map<std::string, Value>& values);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_MAP_CHECKS_H_
