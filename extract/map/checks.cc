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

// The term fields that count: for each term, the first alternative with any value (with none, the
// first one names the term), each id prefixed with "-" when subtracted.
struct Terms {
  std::vector<std::string> fields;
  double sum = 0;
  bool any_value = false;
  bool any_unreadable = false;
};

Terms CollectTerms(const Identity& identity, const std::unordered_map<std::string, Value>& values,
                   const std::unordered_set<std::string>& unreadable) {
  Terms out;
  for (const Term& term : identity.terms) {
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
      out.any_value |= v.has_value();
      out.any_unreadable |= unreadable.contains(id);
      out.sum += term.sign * v.value_or(0);
      out.fields.push_back(term.sign < 0 ? "-" + id : id);
    }
  }
  return out;
}

}  // namespace

std::string IdentityTable(std::string_view identity_name) {
  return std::string(identity_name.substr(0, identity_name.find('.')));
}

CheckResults RunChecks(const std::vector<Identity>& identities, std::string_view template_id,
                       const std::unordered_map<std::string, Value>& values,
                       const std::unordered_set<std::string>& unreadable) {
  CheckResults results;
  for (const Identity& identity : identities) {
    if (std::find(identity.templates.begin(), identity.templates.end(), template_id) ==
        identity.templates.end()) {
      continue;
    }
    if (identity.when_printed && !values.contains(identity.total)) continue;  // no such column
    results.statuses.push_back({identity.name, IdentityTable(identity.name), "not_assessable"});
    CheckStatus& status = results.statuses.back();
    Terms terms = CollectTerms(identity, values, unreadable);
    bool total_printed = values.contains(identity.total);
    if (!terms.any_value || !total_printed || terms.any_unreadable ||
        unreadable.contains(identity.total)) {
      continue;
    }
    Value total = Lookup(values, identity.total);
    // Round away binary noise from decimal sums (0.1 + 0.2).
    double expected = std::round(terms.sum * 1e6) / 1e6;
    if (!total) {
      status.status = "fail";
      results.failures.push_back({identity.name, identity.total, std::move(terms.fields), expected,
                                  std::nullopt, "total_missing"});
      continue;
    }
    double scale = std::max({1.0, std::fabs(terms.sum), std::fabs(*total)});
    if (std::fabs(terms.sum - *total) <= kTolerance * scale) {
      status.status = "pass";
      continue;
    }
    status.status = "fail";
    results.failures.push_back(
        {identity.name, identity.total, std::move(terms.fields), expected, *total, "sum"});
  }
  return results;
}

}  // namespace nianbao
