#include "tests/support/truth.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace nianbao::testing {

void ExpectFieldsAsTruth(const Extraction& e, const nlohmann::json& truth, const RuleSet& rules) {
  ASSERT_TRUE(e.template_id.has_value());
  EXPECT_EQ(*e.template_id, truth["template"].get<std::string>());
  std::map<std::string, Value> fields(e.fields.begin(), e.fields.end());
  EXPECT_EQ(fields.size(), rules.Fields(*e.template_id).size())
      << "every field of the template is present";
  for (const auto& [id, expected] : truth["fields"].items()) {
    ASSERT_TRUE(fields.count(id)) << id;
    if (expected.is_null()) {
      EXPECT_FALSE(fields[id].has_value()) << id << " should be null";
    } else {
      ASSERT_TRUE(fields[id].has_value()) << id << " should be " << expected;
      EXPECT_DOUBLE_EQ(*fields[id], expected.get<double>()) << id;
    }
  }
}

}  // namespace nianbao::testing
