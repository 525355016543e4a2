// The JSON text of an Extraction, written straight into a string: byte for byte what
// ToJson(e).dump(indent, ' ', false, error_handler_t::replace) gives (invalid UTF-8 becomes
// U+FFFD), without building the nlohmann tree, which cost a third of `nianbao extract`'s
// extraction time for a page's 200 `cells`. `indent` < 0 is one line; >= 0 is pretty, as dump's.
// With `file`, a "file" member comes first (the JSON Lines form of `nianbao extract` over several
// files). Field ids are taken as unique, as Extract and FromJson give them.
// ToJson stays the tree form for callers that edit the document (the web API); the test
// extraction_json_test proves the two agree over the corpus and the documents.
#ifndef NIANBAO_EXTRACT_EXTRACTION_JSON_H_
#define NIANBAO_EXTRACT_EXTRACTION_JSON_H_

#include <string>

#include "extract/extraction.h"

namespace nianbao {

// Appends the JSON text of `e` to `out` (no trailing newline).
void AppendJsonText(const Extraction& e, int indent, const std::string* file, std::string* out);

inline std::string ToJsonText(const Extraction& e, int indent = -1,
                              const std::string* file = nullptr) {
  std::string out;
  AppendJsonText(e, indent, file, &out);
  return out;
}

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_EXTRACTION_JSON_H_
