// Comparing an extraction with a *.truth.json file (format in shared/spec/README.md): the template,
// every field of it present, and each field the truth lists equal (null where the truth says null).
#ifndef NIANBAO_TESTS_SUPPORT_TRUTH_H_
#define NIANBAO_TESTS_SUPPORT_TRUTH_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "extract/extraction.h"
#include "extract/map/rules.h"

namespace nianbao::testing {

// Adds a gtest failure for each difference. Returns the fields the extractor left null, with a
// warning quoting the glued digit run it would not split, where the truth has a number: the one
// kind of null accepted in place of a number (callers say how many they expect).
std::vector<std::string> ExpectFieldsAsTruth(const Extraction& e, const nlohmann::json& truth,
                                             const RuleSet& rules);

}  // namespace nianbao::testing

#endif  // NIANBAO_TESTS_SUPPORT_TRUTH_H_
