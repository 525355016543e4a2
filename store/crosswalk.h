// One line of the crosswalk rules/harmonised.tsv, as the codebook (cmd/codebook.h loads and
// validates the file) and the panel export (store/export_panel.cc) use it: the harmonised indicator
// `harmonised` is, in reports of `template_id`, the sum of `fields` — none when comparability is
// "none" (the meanings differ: the note says how).
#ifndef NIANBAO_STORE_CROSSWALK_H_
#define NIANBAO_STORE_CROSSWALK_H_

#include <string>
#include <vector>

namespace nianbao {

struct CrosswalkEntry {
  std::string harmonised, template_id;
  std::vector<std::string> fields;
  std::string comparability;  // "exact", "approximate" or "none"
  std::string note;
  std::string source;  // "harmonised.tsv:LINE"
};

}  // namespace nianbao

#endif  // NIANBAO_STORE_CROSSWALK_H_
