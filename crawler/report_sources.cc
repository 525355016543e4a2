#include "crawler/report_sources.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <unordered_map>

namespace nianbao {

std::optional<size_t> ChooseSource(const std::vector<const Extraction*>& documents) {
  for (size_t i = 0; i < documents.size(); ++i) {
    if (documents[i] && documents[i]->template_id) return i;
  }
  return std::nullopt;
}

std::vector<CheckFailure> SourceMismatches(const Extraction& source, const Extraction& copy,
                                           const std::string& copy_url,
                                           const std::string& copy_sha256) {
  std::unordered_map<std::string, double> copy_values;
  for (const auto& [field, value] : copy.fields) {
    if (value) copy_values.emplace(field, *value);
  }
  std::vector<CheckFailure> mismatches;
  for (const auto& [field, value] : source.fields) {
    if (!value) continue;
    auto other = copy_values.find(field);
    if (other == copy_values.end()) continue;
    // Values are parsed from printed decimals by one parser: equal text gives equal doubles, and a
    // relative tolerance keeps a unit conversion's rounding from counting as a disagreement.
    double scale = std::max({1.0, std::fabs(*value), std::fabs(other->second)});
    if (std::fabs(*value - other->second) <= 1e-9 * scale) continue;
    CheckFailure check;
    check.kind = "source_mismatch";
    check.identity = "source_mismatch." + field;
    check.total_field = field;
    check.fields = {field};
    check.found = *value;
    check.expected = other->second;
    check.document_url = copy_url;
    check.document_sha256 = copy_sha256;
    mismatches.push_back(std::move(check));
  }
  return mismatches;
}

}  // namespace nianbao
