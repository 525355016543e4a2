// Bodies: who issued a report. The issuer as printed ("福建省福州市财政局", "平潭综合实验区管委会")
// becomes a body record: canonical name, level, province, GB/T 2260 region code, and for a
// department the government it belongs to. The tables are data, loaded from a rules directory (or
// the built-in copy) and validated at load — a bad line is a RuleError naming FILE:LINE:
//   regions.tsv    GB/T 2260 division codes (provinces, prefectures, counties), public source cited
//   bodies.tsv     aliases and bodies the regions cannot name (name → canonical record)
//   seeds.tsv      the seed list: its body, level, province and region_code columns (expected
//   bodies) deadlines.tsv  when each level must publish (条例 2019 Article 49, and local rules)
// Resolution never guesses: a name whose region is ambiguous keeps an empty region code, a name
// with no known region and no table entry keeps an empty level. Immutable after load; safe to share
// between threads.
#ifndef NIANBAO_EXTRACT_MAP_BODIES_H_
#define NIANBAO_EXTRACT_MAP_BODIES_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nianbao {

// The levels a body can have ("" when unknown).
inline constexpr std::string_view kBodyLevels[] = {"national", "provincial", "prefecture",
                                                   "county",   "township",   "department"};

struct BodyRecord {
  std::string printed;      // as the report or seed names it
  std::string canonical;    // one name per body ("福州市财政局", "福州市人民政府")
  std::string level;        // one of kBodyLevels, or "" (unknown)
  std::string province;     // full name ("福建省"); "" national or unknown
  std::string region_code;  // 6 digits; "" unknown. National bodies: 100000 (as seeds.tsv has it)
  std::string government;   // a department's government (its canonical name); "" otherwise
};

struct Region {  // one line of regions.tsv
  std::string code, name, level, parent_code, province;
};

struct SeededBody {
  std::string seed_url;
  BodyRecord body;
  std::string source;  // "seeds.tsv:LINE"
};

// One line of deadlines.tsv: bodies of `level` (in `province` and under `region_code`, "*" for
// any) publish the report of year Y by month-day `due` of year Y+1.
struct Deadline {
  std::string level, province, region_code, due, rule;
  std::string source;  // "deadlines.tsv:LINE"
};

class BodyRules {
 public:
  // Loads the four files from `rules_dir`, or the built-in copies when it is empty. Throws
  // RuleError (extract/map/rules.h) naming FILE:LINE.
  static std::shared_ptr<const BodyRules> Load(const std::string& rules_dir);
  // The same from the files' contents (name → text), for tests and the loader.
  static std::shared_ptr<const BodyRules> FromContents(const std::map<std::string, std::string>&);

  // The body that `printed` names; `province_hint` (a province's full or short name) settles a
  // region name that several provinces have. A blank name gives an empty canonical name.
  BodyRecord Resolve(std::string_view printed, std::string_view province_hint = "") const;

  const std::vector<SeededBody>& seeds() const { return seeds_; }
  const std::vector<Deadline>& deadlines() const { return deadlines_; }
  const Region* FindRegion(std::string_view code) const;
  // "福建" or "福建省" → "福建省"; "" when it names no province.
  std::string ProvinceName(std::string_view name) const;
  // SHA-256 of the four files: a report resolved with other tables is resolved again.
  const std::string& sha256() const { return sha256_; }

 private:
  BodyRules() = default;
  void LoadRegions(const std::string& content);
  void LoadBodies(const std::string& content);
  void LoadSeeds(const std::string& content);
  void LoadDeadlines(const std::string& content);
  BodyRecord ResolveByRegion(const std::string& name, std::string_view province) const;
  // The canonical prefix of a region: its name, or its parent's name and its own when several
  // regions share the name (鼓楼区 → 福州市鼓楼区).
  std::string UniqueName(const Region& region) const;
  bool IsWithin(const Region& region, const std::string& ancestor_code) const;

  std::vector<Region> regions_;
  std::map<std::string, size_t, std::less<>> region_by_code_;
  std::multimap<std::string, size_t, std::less<>> regions_by_name_;
  size_t longest_region_name_ = 0;
  std::map<std::string, BodyRecord, std::less<>> table_;  // bodies.tsv and seeds: name → record
  std::vector<SeededBody> seeds_;
  std::vector<Deadline> deadlines_;
  std::string sha256_;
};

// Strips what is not part of a name: blanks and a trailing note in brackets
// ("鄂尔多斯市卫生健康委员会（据域名推断）" → "鄂尔多斯市卫生健康委员会").
std::string CleanBodyName(std::string_view printed);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_MAP_BODIES_H_
