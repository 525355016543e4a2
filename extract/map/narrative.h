// Figures stated in a report's prose ("共受理政府信息公开申请3119件",
// "行政复议351件，其中结果维持72件") and their check against the table (kind "text_vs_table"). Only
// phrasings that name one table field without doubt become facts with a field: the requests
// received, answered, carried over and carried forward, administrative review and its outcomes,
// active disclosure (legacy). A figure whose phrase qualifies it ("（含上年结转…）"), or that names
// no field of the template (v2021 has no litigation total), or counts a part (其中…, 各乡镇…), or
// restates a field with another figure than its first statement, stays a fact without field.
// 余/多/超过/逾 mark a lower bound, 近 an upper bound, 约 an approximation (within 10 %): those are
// compared as bounds. A mismatch is reported, never repaired.
#ifndef NIANBAO_EXTRACT_MAP_NARRATIVE_H_
#define NIANBAO_EXTRACT_MAP_NARRATIVE_H_

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "extract/extraction.h"

namespace nianbao {

// The facts of `text` (the page's visible text; offsets are byte offsets into it). `template_id`
// chooses the field ids (legacy or 2019/2021); with none, the report year does (before 2019:
// legacy), else 2021's. `has_field` says whether the template has a field id; a fact naming a field
// the template lacks keeps an empty field.
std::vector<NarrativeFact> FindNarrativeFacts(std::string_view text,
                                              const std::optional<std::string>& template_id,
                                              std::optional<int> year,
                                              const std::unordered_set<std::string>& has_field);

struct NarrativeChecks {
  std::vector<CheckStatus> statuses;  // table "text", one per fact with a field
  std::vector<CheckFailure> failures;
};

// Each fact with a field against the table's value: pass, fail, or not_assessable (the table's
// value is null, was not read, or could not be read).
NarrativeChecks CheckNarrative(const std::vector<NarrativeFact>& facts,
                               const std::unordered_map<std::string, Value>& values,
                               const std::unordered_set<std::string>& unreadable);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_MAP_NARRATIVE_H_
