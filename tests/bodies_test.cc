// extract/map/bodies: the built-in regions.tsv, bodies.tsv, seeds.tsv and deadlines.tsv resolve
// real issuers (regions, aliases, departments and their governments, ambiguous names left without
// a region), and each loader error names FILE:LINE.
#include "extract/map/bodies.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "extract/map/rules.h"
#include "tests/support/paths.h"

namespace nianbao {
namespace {

std::string RuleFile(const std::string& name) {
  std::ifstream in(testing::SourceDir() + "/rules/" + name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::map<std::string, std::string> BuiltInContents() {
  std::map<std::string, std::string> contents;
  for (const char* name : {"regions.tsv", "bodies.tsv", "seeds.tsv", "deadlines.tsv"})
    contents[name] = RuleFile(name);
  return contents;
}

// The RuleError message of loading the built-in files with `file`'s text replaced by `text`.
std::string LoadError(const std::string& file, const std::string& text) {
  auto contents = BuiltInContents();
  contents[file] = text;
  try {
    BodyRules::FromContents(contents);
  } catch (const RuleError& e) {
    return e.what();
  }
  return "(loaded)";
}

class BodiesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { rules_ = BodyRules::Load(""); }
  static std::shared_ptr<const BodyRules> rules_;
};
std::shared_ptr<const BodyRules> BodiesTest::rules_;

TEST_F(BodiesTest, TheBuiltInTablesLoadAndAgreeWithTheFiles) {
  auto from_files = BodyRules::FromContents(BuiltInContents());
  EXPECT_EQ(from_files->sha256(), rules_->sha256());
  ASSERT_NE(rules_->FindRegion("350128"), nullptr);
  EXPECT_EQ(rules_->FindRegion("350128")->name, "平潭县");
  EXPECT_EQ(rules_->ProvinceName("福建"), "福建省");
  EXPECT_EQ(rules_->ProvinceName("内蒙古"), "内蒙古自治区");
  EXPECT_EQ(rules_->ProvinceName("福建省"), "福建省");
  EXPECT_EQ(rules_->ProvinceName("火星"), "");
  EXPECT_GT(rules_->seeds().size(), 150u);  // every seed with a body
  EXPECT_EQ(rules_->deadlines().size(), 5u);
}

TEST_F(BodiesTest, AliasesResolveToTheCanonicalBody) {
  for (const char* printed :
       {"平潭综合实验区管委会", "平潭综合实验区", " 平潭综合实验区管理委员会 "}) {
    BodyRecord body = rules_->Resolve(printed);
    EXPECT_EQ(body.printed, printed);
    EXPECT_EQ(body.canonical, "平潭综合实验区") << printed;
    EXPECT_EQ(body.level, "county") << printed;
    EXPECT_EQ(body.province, "福建省") << printed;
    EXPECT_EQ(body.region_code, "350128") << printed;
    EXPECT_EQ(body.government, "") << printed;
  }
}

TEST_F(BodiesTest, DepartmentsLinkToTheirGovernment) {
  for (const char* printed : {"福州市财政局", "福建省福州市财政局"}) {
    BodyRecord body = rules_->Resolve(printed);
    EXPECT_EQ(body.canonical, "福州市财政局") << printed;
    EXPECT_EQ(body.level, "department");
    EXPECT_EQ(body.province, "福建省");
    EXPECT_EQ(body.region_code, "350100");
    EXPECT_EQ(body.government, "福州市人民政府");
  }
  BodyRecord office = rules_->Resolve("上海市人民政府办公厅");
  EXPECT_EQ(office.level, "department");
  EXPECT_EQ(office.region_code, "310000");
  EXPECT_EQ(office.government, "上海市人民政府");
  BodyRecord government = rules_->Resolve(office.government);
  EXPECT_EQ(government.canonical, "上海市人民政府");
  EXPECT_EQ(government.level, "provincial");
}

TEST_F(BodiesTest, GovernmentsOfEachLevelByTheirRegion) {
  struct Case {
    const char *printed, *canonical, *level, *code;
  } cases[] = {
      {"南昌市", "南昌市人民政府", "prefecture", "360100"},
      {"淮安市人民政府", "淮安市人民政府", "prefecture", "320800"},
      {"福建省人民政府", "福建省人民政府", "provincial", "350000"},
      {"南京市江宁区人民政府", "江宁区人民政府", "county", "320115"},
      {"北京市朝阳区人民政府", "北京市朝阳区人民政府", "county", "110105"},
      {"锡林郭勒盟", "锡林郭勒盟行政公署", "prefecture", "152500"},
  };
  for (const Case& c : cases) {
    BodyRecord body = rules_->Resolve(c.printed);
    EXPECT_EQ(body.canonical, c.canonical) << c.printed;
    EXPECT_EQ(body.level, c.level) << c.printed;
    EXPECT_EQ(body.region_code, c.code) << c.printed;
  }
  BodyRecord town = rules_->Resolve("南京市江宁区汤山街道办事处");
  EXPECT_EQ(town.level, "township");
  EXPECT_EQ(town.region_code, "320115");
}

TEST_F(BodiesTest, AnAmbiguousRegionIsNotGuessedUnlessTheProvinceSettlesIt) {
  BodyRecord unknown = rules_->Resolve("鼓楼区人民政府");  // Fuzhou, Nanjing, Xuzhou, Kaifeng
  EXPECT_EQ(unknown.region_code, "");
  EXPECT_EQ(unknown.level, "");
  BodyRecord fuzhou = rules_->Resolve("鼓楼区人民政府", "福建");
  EXPECT_EQ(fuzhou.region_code, "350102");
  EXPECT_EQ(fuzhou.canonical, "福州市鼓楼区人民政府");  // unique across the country
  EXPECT_EQ(fuzhou.level, "county");
  BodyRecord nowhere = rules_->Resolve("某某委员会");
  EXPECT_EQ(nowhere.canonical, "某某委员会");
  EXPECT_EQ(nowhere.level, "");
  EXPECT_EQ(nowhere.region_code, "");
  EXPECT_EQ(rules_->Resolve("  ").canonical, "");
}

TEST_F(BodiesTest, SeedsKeepTheirColumnsAndTheNameRefinesThem) {
  const SeededBody* luquan = nullptr;
  const SeededBody* water = nullptr;
  for (const SeededBody& seed : rules_->seeds()) {
    if (seed.body.canonical == "禄劝彝族苗族自治县人民政府") luquan = &seed;
    if (seed.body.canonical == "水利部") water = &seed;
  }
  ASSERT_NE(luquan,
            nullptr);  // printed 昆明市禄劝彝族苗族自治县人民政府（据域名推断）, region 530100
  EXPECT_EQ(luquan->body.printed, "昆明市禄劝彝族苗族自治县人民政府（据域名推断）");
  EXPECT_EQ(luquan->body.level, "county");
  EXPECT_EQ(luquan->body.region_code, "530128");  // inside the seed's 530100
  EXPECT_EQ(luquan->body.province, "云南省");
  ASSERT_NE(water, nullptr);
  EXPECT_EQ(water->body.level, "national");
  EXPECT_EQ(water->body.region_code, "100000");
  // A report printed with a seeded name finds the seed's record.
  EXPECT_EQ(rules_->Resolve("水利部").level, "national");
}

TEST(BodiesLoad, ErrorsNameFileAndLine) {
  std::string header = "name\tcanonical\tlevel\tprovince\tregion_code\tgovernment\n";
  EXPECT_EQ(LoadError("bodies.tsv", "# c\n" + header + "甲\t甲\tcounty\t福建\t999999\t\n"),
            "bodies.tsv:3: region code \"999999\" is not in regions.tsv (nor 100000, national)");
  EXPECT_EQ(LoadError("bodies.tsv", header + "甲\t甲\tcity-ish\t福建\t350100\t\n"),
            "bodies.tsv:2: unknown level \"city-ish\" (national, provincial, prefecture, county, "
            "township or department)");
  EXPECT_EQ(LoadError("bodies.tsv", header + "甲局\t甲局\tdepartment\t福建\t350100\t\n"),
            "bodies.tsv:2: a department names its government");
  EXPECT_EQ(LoadError("bodies.tsv", header + "甲\t甲\tcounty\t江苏\t350128\t\n"),
            "bodies.tsv:2: region code 350128 is in 福建省, not 江苏省");
  EXPECT_EQ(LoadError("bodies.tsv", header + "甲\t甲\tcounty\n"),
            "bodies.tsv:2: expected 6 tab-separated columns, got 3");
  EXPECT_EQ(LoadError("bodies.tsv", "name\tcanonical\n"),
            "bodies.tsv:1: expected the header \"" + header.substr(0, header.size() - 1) + "\"");

  std::string deadlines = "level\tprovince\tregion_code\tdue\trule\n";
  EXPECT_EQ(LoadError("deadlines.tsv", deadlines + "county\t*\t*\t02-30\t某规定\n"),
            "deadlines.tsv:2: due must be MM-DD of the next year (not 02-29), not \"02-30\"");
  EXPECT_EQ(LoadError("deadlines.tsv", deadlines + "county\t*\t*\t03-31\t\n"),
            "deadlines.tsv:2: empty rule: say which rule sets it");
  EXPECT_EQ(
      LoadError("deadlines.tsv", deadlines + "county\t*\t*\t03-31\ta\ncounty\t*\t*\t03-15\tb\n"),
      "deadlines.tsv:3: a second deadline for the same level, province and region");
  EXPECT_EQ(LoadError("deadlines.tsv", deadlines + "county\t火星\t*\t03-31\ta\n"),
            "deadlines.tsv:2: unknown province \"火星\"");

  std::string regions = "code\tname\tlevel\tparent_code\tprovince\tsource_year\n";
  EXPECT_EQ(
      LoadError("regions.tsv", regions + "350000\t福建省\tprovince\t\t福建省\t2024\n"
                                         "350100\t福州市\tprefecture\t360000\t福建省\t2024\n"),
      "regions.tsv:3: parent_code \"360000\" is not a division listed above it");
  EXPECT_EQ(LoadError("regions.tsv", regions + "35000\t福建省\tprovince\t\t福建省\t2024\n"),
            "regions.tsv:2: code \"35000\" is not 6 digits");

  std::string seeds = RuleFile("seeds.tsv");
  std::string bad = seeds.substr(0, seeds.find('\n') + 1) +
                    "http://a.example/\t某局\tdepartment\t福建\t530100\ts\te\tc\n";
  EXPECT_EQ(LoadError("seeds.tsv", bad),
            "seeds.tsv:2: region code 530100 is in 云南省, not 福建省");
}

}  // namespace
}  // namespace nianbao
