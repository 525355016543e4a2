#include "tests/support/truth.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace nianbao::testing {

namespace {

// A null where the truth has a number is acceptable only as the extractor's "cannot tell": a glued
// digit run it refused to split, kept as the cell's raw text and quoted by a warning.
bool WithheldGluedRun(const Extraction& e, const std::string& id) {
  auto cell = e.cells.find(id);
  if (cell == e.cells.end()) return false;
  std::string quoted = "glued digits \"" + cell->second.raw + "\"";
  for (const std::string& w : e.warnings) {
    if (w.find(quoted) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> ExpectFieldsAsTruth(const Extraction& e, const nlohmann::json& truth,
                                             const RuleSet& rules) {
  std::vector<std::string> withheld;
  EXPECT_TRUE(e.template_id.has_value());
  if (!e.template_id) return withheld;
  EXPECT_EQ(*e.template_id, truth["template"].get<std::string>());
  std::map<std::string, Value> fields(e.fields.begin(), e.fields.end());
  EXPECT_EQ(fields.size(), rules.Fields(*e.template_id).size())
      << "every field of the template is present";
  for (const auto& [id, expected] : truth["fields"].items()) {
    EXPECT_TRUE(fields.count(id)) << id;
    if (!fields.count(id)) continue;
    if (expected.is_null()) {
      EXPECT_FALSE(fields[id].has_value()) << id << " should be null";
    } else if (!fields[id].has_value() && WithheldGluedRun(e, id)) {
      withheld.push_back(id);
    } else {
      EXPECT_TRUE(fields[id].has_value()) << id << " should be " << expected;
      if (fields[id]) {
        EXPECT_DOUBLE_EQ(*fields[id], expected.get<double>()) << id;
      }
    }
  }
  return withheld;
}

}  // namespace nianbao::testing
