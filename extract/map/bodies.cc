#include "extract/map/bodies.h"

#include <openssl/evp.h>

#include <algorithm>
#include <set>

#include "extract/map/rule_files.h"
#include "extract/map/rules.h"

namespace nianbao {
namespace {

constexpr const char* kFiles[] = {"regions.tsv", "bodies.tsv", "seeds.tsv", "deadlines.tsv"};

bool IsKnownLevel(std::string_view level) {
  return std::find(std::begin(kBodyLevels), std::end(kBodyLevels), level) != std::end(kBodyLevels);
}

bool IsSixDigits(std::string_view code) {
  return code.size() == 6 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool EndsWith(std::string_view text, std::string_view suffix) { return text.ends_with(suffix); }

// The government level of a region of regions.tsv.
std::string GovernmentLevel(const Region& region) {
  if (region.level == "province") return "provincial";
  return region.level;  // prefecture, county
}

std::string Sha256Of(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

// What follows a region's name when the body is that region's government.
constexpr std::string_view kGovernmentSuffixes[] = {"人民政府", "行政公署", "政府"};
// What ends a township government's name (after the township's own name).
constexpr std::string_view kTownshipSuffixes[] = {"镇人民政府", "乡人民政府", "街道办事处",
                                                  "镇政府", "乡政府"};

}  // namespace

std::string CleanBodyName(std::string_view printed) {
  std::string name(printed);
  auto trim = [&name] {
    static constexpr std::string_view kBlanks[] = {" ", "\t", "\xE3\x80\x80", "\xC2\xA0"};
    bool changed = true;
    while (changed) {
      changed = false;
      for (std::string_view blank : kBlanks) {
        while (name.starts_with(blank)) name.erase(0, blank.size()), changed = true;
        while (name.ends_with(blank)) name.erase(name.size() - blank.size()), changed = true;
      }
    }
  };
  trim();
  // A trailing note: （…） or (...).
  for (auto [open, close] : {std::pair<std::string_view, std::string_view>{"（", "）"},
                             std::pair<std::string_view, std::string_view>{"(", ")"}}) {
    if (!name.ends_with(close)) continue;
    size_t at = name.rfind(open);
    if (at != std::string::npos && at > 0) name.erase(at);
  }
  trim();
  return name;
}

std::shared_ptr<const BodyRules> BodyRules::Load(const std::string& rules_dir) {
  std::map<std::string, std::string> contents;
  for (const char* name : kFiles) contents[name] = ReadRuleFile(rules_dir, name);
  return FromContents(contents);
}

std::shared_ptr<const BodyRules> BodyRules::FromContents(
    const std::map<std::string, std::string>& contents) {
  auto content = [&](const char* name) -> const std::string& {
    auto it = contents.find(name);
    if (it == contents.end()) throw RuleError(std::string(name) + ": missing");
    return it->second;
  };
  std::shared_ptr<BodyRules> rules(new BodyRules);
  rules->LoadRegions(content("regions.tsv"));
  rules->LoadBodies(content("bodies.tsv"));
  rules->LoadSeeds(content("seeds.tsv"));
  rules->LoadDeadlines(content("deadlines.tsv"));
  std::string all;
  for (const char* name : kFiles) all += Sha256Of(content(name));
  rules->sha256_ = Sha256Of(all);
  return rules;
}

void BodyRules::LoadRegions(const std::string& content) {
  const std::set<std::string> levels = {"province", "prefecture", "county"};
  for (TsvLine& line :
       ReadTsv("regions.tsv", content, "code\tname\tlevel\tparent_code\tprovince\tsource_year")) {
    Region region{line.cells[0], line.cells[1], line.cells[2], line.cells[3], line.cells[4]};
    if (!IsSixDigits(region.code))
      throw RuleError(line.where + "code \"" + region.code + "\" is not 6 digits");
    if (region.name.empty()) throw RuleError(line.where + "empty name");
    if (!levels.contains(region.level)) {
      throw RuleError(line.where + "level must be province, prefecture or county, not \"" +
                      region.level + "\"");
    }
    if (region.level == "province" ? !region.parent_code.empty()
                                   : !region_by_code_.contains(region.parent_code)) {
      throw RuleError(line.where + "parent_code \"" + region.parent_code +
                      "\" is not a division listed above it");
    }
    if (region.province.empty()) throw RuleError(line.where + "empty province");
    if (!region_by_code_.emplace(region.code, regions_.size()).second)
      throw RuleError(line.where + "duplicate code " + region.code);
    regions_by_name_.emplace(region.name, regions_.size());
    longest_region_name_ = std::max(longest_region_name_, region.name.size());
    regions_.push_back(std::move(region));
  }
}

const Region* BodyRules::FindRegion(std::string_view code) const {
  auto it = region_by_code_.find(code);
  return it == region_by_code_.end() ? nullptr : &regions_[it->second];
}

std::string BodyRules::ProvinceName(std::string_view name) const {
  if (name.empty()) return "";
  std::string found;
  for (const Region& region : regions_) {
    if (region.level != "province") continue;
    if (region.name == name) return region.name;
    if (region.name.starts_with(name)) {
      if (!found.empty()) return "";  // a prefix of two provinces names neither
      found = region.name;
    }
  }
  return found;
}

bool BodyRules::IsWithin(const Region& region, const std::string& ancestor_code) const {
  const Region* at = &region;
  for (int depth = 0; at && depth < 4; ++depth) {
    if (at->code == ancestor_code) return true;
    at = FindRegion(at->parent_code);
  }
  return false;
}

std::string BodyRules::UniqueName(const Region& region) const {
  if (regions_by_name_.count(region.name) <= 1) return region.name;
  const Region* parent = FindRegion(region.parent_code);
  return parent ? parent->name + region.name : region.name;
}

// Checks one record of bodies.tsv or seeds.tsv: level, province and region code.
static void CheckRecord(const BodyRules& rules, const std::string& where, BodyRecord& record) {
  if (!record.level.empty() && !IsKnownLevel(record.level)) {
    throw RuleError(where + "unknown level \"" + record.level +
                    "\" (national, provincial, prefecture, county, township or department)");
  }
  if (!record.province.empty()) {
    std::string full = rules.ProvinceName(record.province);
    if (full.empty()) throw RuleError(where + "unknown province \"" + record.province + "\"");
    record.province = full;
  }
  if (!record.region_code.empty() && record.region_code != "100000") {
    const Region* region = rules.FindRegion(record.region_code);
    if (!region) {
      throw RuleError(where + "region code \"" + record.region_code +
                      "\" is not in regions.tsv (nor 100000, national)");
    }
    if (!record.province.empty() && region->province != record.province) {
      throw RuleError(where + "region code " + record.region_code + " is in " + region->province +
                      ", not " + record.province);
    }
    if (record.province.empty()) record.province = region->province;
  }
}

void BodyRules::LoadBodies(const std::string& content) {
  for (TsvLine& line : ReadTsv("bodies.tsv", content,
                               "name\tcanonical\tlevel\tprovince\tregion_code\tgovernment")) {
    BodyRecord record{line.cells[0], line.cells[1], line.cells[2],
                      line.cells[3], line.cells[4], line.cells[5]};
    if (record.printed.empty() || record.canonical.empty())
      throw RuleError(line.where + "empty name or canonical name");
    if (record.level.empty()) throw RuleError(line.where + "empty level");
    CheckRecord(*this, line.where, record);
    if ((record.level == "department") == record.government.empty()) {
      throw RuleError(line.where + (record.government.empty()
                                        ? "a department names its government"
                                        : "only a department names a government"));
    }
    if (!table_.emplace(record.printed, record).second)
      throw RuleError(line.where + "duplicate name " + record.printed);
    // The canonical name resolves to the same record.
    BodyRecord canonical = record;
    canonical.printed = record.canonical;
    table_.emplace(record.canonical, canonical);
  }
}

void BodyRules::LoadSeeds(const std::string& content) {
  std::set<std::string> urls;
  for (TsvLine& line :
       ReadTsv("seeds.tsv", content,
               "url\tbody\tlevel\tprovince\tregion_code\tsource\tevidence\tchecked")) {
    const std::string& url = line.cells[0];
    if (!urls.insert(url).second) throw RuleError(line.where + "duplicate seed URL " + url);
    std::string name = CleanBodyName(line.cells[1]);
    if (name.empty()) continue;  // a seed without a body: crawled, expects no one
    std::string level = line.cells[2] == "city" ? "prefecture" : line.cells[2];  // older spelling
    BodyRecord seed{line.cells[1], name, level, line.cells[3], line.cells[4], ""};
    CheckRecord(*this, line.where, seed);
    // The name refines what the seed says when it agrees with it: a county inside the seed's
    // prefecture, a department's government.
    BodyRecord resolved = Resolve(name, seed.province);
    bool agrees =
        (resolved.level == seed.level || (seed.level == "national" && resolved.level.empty())) &&
        (seed.region_code.empty() ||
         (!resolved.region_code.empty() && FindRegion(resolved.region_code) &&
          FindRegion(seed.region_code) &&
          IsWithin(*FindRegion(resolved.region_code), seed.region_code)));
    BodyRecord body = agrees ? resolved : seed;
    body.printed = line.cells[1];
    if (body.level.empty()) body.level = seed.level;
    if (body.province.empty()) body.province = seed.province;
    if (body.region_code.empty()) body.region_code = seed.region_code;
    BodyRecord named = body;
    named.printed = body.canonical;
    table_.emplace(body.canonical, named);
    seeds_.push_back({url, std::move(body), "seeds.tsv:" + std::to_string(line.number)});
  }
}

void BodyRules::LoadDeadlines(const std::string& content) {
  std::set<std::string> keys;
  for (TsvLine& line :
       ReadTsv("deadlines.tsv", content, "level\tprovince\tregion_code\tdue\trule")) {
    Deadline deadline{line.cells[0], line.cells[1], line.cells[2],
                      line.cells[3], line.cells[4], "deadlines.tsv:" + std::to_string(line.number)};
    if (!IsKnownLevel(deadline.level))
      throw RuleError(line.where + "unknown level \"" + deadline.level + "\"");
    if (deadline.province != "*") {
      std::string full = ProvinceName(deadline.province);
      if (full.empty())
        throw RuleError(line.where + "unknown province \"" + deadline.province + "\"");
      deadline.province = full;
    }
    if (deadline.region_code != "*" && !FindRegion(deadline.region_code)) {
      throw RuleError(line.where + "region code \"" + deadline.region_code +
                      "\" is not in regions.tsv");
    }
    const std::string& due = deadline.due;
    int month = 0, day = 0;
    bool shaped =
        due.size() == 5 && due[2] == '-' && std::sscanf(due.c_str(), "%2d-%2d", &month, &day) == 2;
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!shaped || month < 1 || month > 12 || day < 1 || day > kDays[month - 1] ||
        (month == 2 && day == 29)) {
      throw RuleError(line.where + "due must be MM-DD of the next year (not 02-29), not \"" + due +
                      "\"");
    }
    if (deadline.rule.empty()) throw RuleError(line.where + "empty rule: say which rule sets it");
    if (!keys.insert(deadline.level + "\t" + deadline.province + "\t" + deadline.region_code)
             .second) {
      throw RuleError(line.where + "a second deadline for the same level, province and region");
    }
    deadlines_.push_back(std::move(deadline));
  }
}

BodyRecord BodyRules::Resolve(std::string_view printed, std::string_view province_hint) const {
  std::string name = CleanBodyName(printed);
  BodyRecord record;
  if (name.empty()) {
    record.printed = std::string(printed);
    return record;
  }
  if (auto it = table_.find(name); it != table_.end()) {
    record = it->second;
  } else {
    record = ResolveByRegion(name, ProvinceName(province_hint));
  }
  record.printed = std::string(printed);
  return record;
}

BodyRecord BodyRules::ResolveByRegion(const std::string& name, std::string_view province) const {
  // The chain of region names the name starts with (福建省 福州市 鼓楼区 …), each inside the one
  // before; the longest name first. An ambiguous name (two regions, no context) ends the chain.
  const Region* region = nullptr;
  size_t at = 0;
  while (at < name.size()) {
    const Region* next = nullptr;
    size_t next_length = 0;
    size_t longest = std::min(longest_region_name_, name.size() - at);
    for (size_t length = longest; length > 0 && !next; --length) {
      auto [first, last] = regions_by_name_.equal_range(std::string_view(name).substr(at, length));
      std::vector<const Region*> candidates;
      for (auto it = first; it != last; ++it) {
        const Region& candidate = regions_[it->second];
        if (region ? IsWithin(candidate, region->code)
                   : (province.empty() || candidate.province == province)) {
          candidates.push_back(&candidate);
        }
      }
      if (candidates.size() == 1) {
        next = candidates[0];
        next_length = length;
      } else if (candidates.size() > 1) {
        break;  // two regions of this name: not guessed
      }
    }
    if (!next) break;
    region = next;
    at += next_length;
  }
  BodyRecord record;
  record.canonical = name;
  if (!region) return record;  // no known region: the level is not guessed
  std::string rest = name.substr(at);
  std::string prefix = UniqueName(*region);
  record.province = region->province;
  record.region_code = region->code;
  if (rest.empty() || std::find(std::begin(kGovernmentSuffixes), std::end(kGovernmentSuffixes),
                                rest) != std::end(kGovernmentSuffixes)) {
    record.level = GovernmentLevel(*region);
    record.canonical = prefix + (region->name.ends_with("盟") ? "行政公署" : "人民政府");
    return record;
  }
  for (std::string_view suffix : kTownshipSuffixes) {
    if (EndsWith(rest, suffix) && rest.size() > suffix.size()) {
      record.level = "township";
      record.canonical = prefix + rest;
      return record;
    }
  }
  record.level = "department";
  record.canonical = prefix + rest;
  record.government = prefix + (region->name.ends_with("盟") ? "行政公署" : "人民政府");
  return record;
}

}  // namespace nianbao
