// The sum identities of rules/checks.toml evaluated against extracted values, as
// shared/spec/README.md states them: a null term counts as 0; an identity whose terms are all null
// is not checked (not_assessable); a blank total beside non-blank terms is a failure of kind
// "total_missing" with `found` null. Decimals compare with a small tolerance. A failure is
// reported, never repaired.
//
// `values` holds the fields that have a cell on the page (nullopt: the cell is blank). A total
// without a cell — its row is not on the page — is not_assessable, never total_missing. A field in
// `unreadable` (a cell whose number could not be read; a warning says why) makes every identity
// it is part of not_assessable: counting it as 0 would raise a false alarm. An identity marked
// when_printed (of an optional column) is listed only when its total has a cell.
#ifndef NIANBAO_EXTRACT_MAP_CHECKS_H_
#define NIANBAO_EXTRACT_MAP_CHECKS_H_

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "extract/extraction.h"
#include "extract/map/rules.h"

namespace nianbao {

struct CheckResults {
  std::vector<CheckStatus> statuses;  // one per identity of the template, in rules order
  std::vector<CheckFailure> failures;
};

CheckResults RunChecks(const std::vector<Identity>& identities, std::string_view template_id,
                       const std::unordered_map<std::string, Value>& values,
                       const std::unordered_set<std::string>& unreadable = {});

// The part of the report an identity checks: its name up to the first '.' ("t3", "t4",
// "legacy").
std::string IdentityTable(std::string_view identity_name);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_MAP_CHECKS_H_
