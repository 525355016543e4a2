#include "extract/map/checks.h"

#include <algorithm>
#include <cmath>

namespace nianbao {
namespace {

// Printed numbers have at most a few decimals (万元 with 2–4); anything closer is equal.
constexpr double kTolerance = 1e-6;

Value Lookup(const std::unordered_map<std::string, Value>& values, const std::string& field) {
  auto it = values.find(field);
  return it == values.end() ? Value() : it->second;
}

}  // namespace

std::vector<CheckFailure> RunChecks(const std::vector<Identity>& identities,
                                    std::string_view template_id,
                                    const std::unordered_map<std::string, Value>& values) {
  std::vector<CheckFailure> failures;
  for (const Identity& identity : identities) {
    if (std::find(identity.templates.begin(), identity.templates.end(), template_id) ==
        identity.templates.end()) {
      continue;
    }
    Value total = Lookup(values, identity.total);
    if (!total) continue;
    double expected = 0;
    bool any_term = false;
    std::vector<std::string> fields;
    for (const Term& term : identity.terms) {
      // The first alternative with any value; with none, the first one names the term.
      const std::vector<std::string>* chosen = &term.alternatives.front();
      for (const auto& alternative : term.alternatives) {
        bool has_value =
            std::any_of(alternative.begin(), alternative.end(),
                        [&](const std::string& id) { return Lookup(values, id).has_value(); });
        if (has_value) {
          chosen = &alternative;
          break;
        }
      }
      for (const std::string& id : *chosen) {
        Value v = Lookup(values, id);
        any_term |= v.has_value();
        expected += term.sign * v.value_or(0);
        fields.push_back(term.sign < 0 ? "-" + id : id);
      }
    }
    if (!any_term) continue;
    double scale = std::max({1.0, std::fabs(expected), std::fabs(*total)});
    if (std::fabs(expected - *total) <= kTolerance * scale) continue;
    // Round away binary noise from decimal sums (0.1 + 0.2).
    expected = std::round(expected * 1e6) / 1e6;
    failures.push_back({identity.name, identity.total, std::move(fields), expected, *total});
  }
  return failures;
}

}  // namespace nianbao
