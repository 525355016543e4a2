// rules/seeds.tsv, the national seed list: every line parses into its eight columns, has a known
// level, a province where one applies, a GB/T 2260 region code of that province, a normalised
// http(s) URL, a source, and says whether the URL was checked.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "crawler/url.h"
#include "tests/support/paths.h"

namespace nianbao {
namespace {

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  for (std::string cell; std::getline(in, cell, '\t');) cells.push_back(cell);
  if (!line.empty() && line.back() == '\t') cells.push_back("");
  return cells;
}

// 北京市 → 北京, 广西壮族自治区 → 广西: the short names seeds.tsv uses.
std::string ShortProvince(std::string name) {
  for (const char* suffix :
       {"壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市"}) {
    std::string s = suffix;
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      return name.substr(0, name.size() - s.size());
    }
  }
  return name;
}

TEST(SeedsTest, EveryLineIsACompleteNormalisedSeed) {
  std::map<std::string, std::string> province_of_code;  // code → short province name
  std::ifstream regions(testing::DataDir() + "/regions.tsv");
  ASSERT_TRUE(regions);
  for (std::string line; std::getline(regions, line);) {
    std::vector<std::string> cells = Split(line);
    if (cells.size() >= 5 && cells[0] != "code")
      province_of_code[cells[0]] = ShortProvince(cells[4]);
  }
  std::set<std::string> provinces;
  for (const auto& [code, province] : province_of_code) provinces.insert(province);

  std::ifstream in(testing::SourceDir() + "/rules/seeds.tsv");
  ASSERT_TRUE(in);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "url\tbody\tlevel\tprovince\tregion_code\tsource\tevidence\tchecked");
  const std::set<std::string> levels = {"national", "provincial", "prefecture",
                                        "city",     "county",     "department"};
  std::set<std::string> urls;
  int line_number = 1, seeds = 0;
  std::set<std::string> prefectures;  // region codes of prefecture-level governments
  std::set<std::string> provincial;   // provinces with a line for their government
  int national = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (!line.empty() && line[0] == '#') continue;  // the header's notes
    SCOPED_TRACE("rules/seeds.tsv:" + std::to_string(line_number));
    std::vector<std::string> cells = Split(line);
    ASSERT_EQ(cells.size(), 8u) << line;
    const std::string &url = cells[0], &body = cells[1], &level = cells[2], &province = cells[3],
                      &code = cells[4], &source = cells[5], &evidence = cells[6],
                      &checked = cells[7];
    ++seeds;
    EXPECT_FALSE(body.empty());
    EXPECT_TRUE(levels.count(level)) << level;
    EXPECT_TRUE(url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) << url;
    EXPECT_EQ(NormalizeUrl(url).value_or("<not a URL>"), url);
    EXPECT_TRUE(urls.insert(url).second) << "duplicate " << url;
    EXPECT_FALSE(source.empty());
    EXPECT_TRUE(evidence == "seen" || evidence == "derived" || evidence == "home") << evidence;
    if (evidence == "home") {  // a site's home page, standing in for a column not found
      EXPECT_EQ(checked, "unverified");
      std::optional<Url> parsed = ParseUrl(url);
      ASSERT_TRUE(parsed);
      EXPECT_EQ(parsed->PathAndQuery(), "/") << url;
    }
    if (level == "prefecture") prefectures.insert(code);
    if (level == "provincial") provincial.insert(province);
    national += level == "national";
    EXPECT_TRUE(checked == "unverified" || checked == "verified") << checked;
    if (level == "national") {
      EXPECT_EQ(province, "");
      EXPECT_EQ(code, "100000");  // the country as a whole
    } else {
      EXPECT_TRUE(provinces.count(province)) << province;
      ASSERT_TRUE(province_of_code.count(code)) << code;
      EXPECT_EQ(province_of_code[code], province) << code;
    }
  }
  EXPECT_GE(seeds, 490);
  EXPECT_GE(prefectures.size(), 310u);  // of the 333 prefecture-level divisions
  EXPECT_GE(national, 64);
  EXPECT_EQ(provincial, provinces);  // every one of the 31 provinces' governments
}

}  // namespace
}  // namespace nianbao
