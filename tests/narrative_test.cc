// Figures of a report's prose and their check against the table (extract/map/narrative.h), on
// sentences written here and on the real 淮安 2024 report as pdftotext prints it.
#include "extract/map/narrative.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "extract/extract.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

std::unordered_set<std::string> FieldsOf(const std::string& template_id) {
  auto rules = RuleSet::LoadEmbedded();
  const TemplateRules* tmpl = rules->FindTemplate(template_id);
  return {tmpl->fields.begin(), tmpl->fields.end()};
}

std::map<std::string, double> ByField(const std::vector<NarrativeFact>& facts) {
  std::map<std::string, double> out;
  for (const NarrativeFact& f : facts) {
    if (!f.field.empty()) out[f.field] = f.value;
  }
  return out;
}

const NarrativeFact* FactWithText(const std::vector<NarrativeFact>& facts,
                                  const std::string& text) {
  for (const NarrativeFact& f : facts) {
    if (f.text == text) return &f;
  }
  return nullptr;
}

constexpr const char* kProse =
    "一、总体情况\n（一）主动公开情况。2024年，主动公开政府信息 5500 余条。\n"
    "（二）依申请公开情况。全年共受理政府信息公开申请120件，答复118件（含上年度结转申请5件，\n"
    "另有7件顺延到下年度答复）。政府信息公开行政复议3件，其中结果维持1件，结果纠正1件，其他结果1件"
    "，"
    "尚未审结0件；政府信息公开行政诉讼2件，其中结果维持2件。全年收取信息处理费3940元。\n";

TEST(NarrativeFacts, NamesTheFieldsOfTheTemplate) {
  auto facts = FindNarrativeFacts(kProse, "v2021", 2024, FieldsOf("v2021"));
  EXPECT_EQ(ByField(facts), (std::map<std::string, double>{{"requests.new.total", 120},
                                                           {"outcome.total.total", 118},
                                                           {"requests.carried_over.total", 5},
                                                           {"requests.carried_forward.total", 7},
                                                           {"review.total", 3},
                                                           {"review.upheld", 1},
                                                           {"review.corrected", 1},
                                                           {"review.other", 1},
                                                           {"review.pending", 0}}));
  // v2021 has no active-disclosure total and no litigation total: facts without a field.
  const NarrativeFact* active = FactWithText(facts, "5500余条");
  ASSERT_NE(active, nullptr);
  EXPECT_EQ(active->field, "");
  EXPECT_EQ(active->bound, "at_least");
  const NarrativeFact* litigation = FactWithText(facts, "2件");
  ASSERT_NE(litigation, nullptr);
  EXPECT_EQ(litigation->field, "");
  // The information-processing fee is not a table field.
  for (const NarrativeFact& f : facts) EXPECT_EQ(f.text.find("3940"), std::string::npos);
}

TEST(NarrativeFacts, SentenceAndOffsetPointIntoTheText) {
  std::string text = kProse;
  auto facts = FindNarrativeFacts(text, "v2021", 2024, FieldsOf("v2021"));
  const NarrativeFact* active = FactWithText(facts, "5500余条");
  ASSERT_NE(active, nullptr);
  EXPECT_EQ(text.substr(active->offset, 4), "5500");  // the printed text has blanks around it
  EXPECT_EQ(active->sentence, "2024年，主动公开政府信息5500余条。");  // from the last 。
  const NarrativeFact* received = FactWithText(facts, "120件");
  ASSERT_NE(received, nullptr);
  EXPECT_EQ(text.substr(received->offset, 3), "120");
  EXPECT_NE(received->sentence.find("共受理政府信息公开申请120件"), std::string::npos);
}

TEST(NarrativeFacts, LegacyFieldIdsAndNoTemplateByYear) {
  auto legacy = ByField(FindNarrativeFacts(kProse, "legacy", 2015, FieldsOf("legacy")));
  EXPECT_EQ(legacy["active.total"], 5500);
  EXPECT_EQ(legacy["requests.received"], 120);
  EXPECT_EQ(legacy["review.total"], 3);
  EXPECT_EQ(legacy["litigation.total"], 2);
  EXPECT_EQ(legacy["litigation.upheld"], 2);
  EXPECT_FALSE(legacy.contains("review.pending"));  // the legacy forms have no such field
  // No template: the report year chooses the ids.
  auto none = ByField(FindNarrativeFacts(kProse, std::nullopt, 2016, FieldsOf("legacy")));
  EXPECT_EQ(none["requests.received"], 120);
}

TEST(NarrativeFacts, QualifiedOrOutOfContextFiguresNameNoField) {
  auto facts = FindNarrativeFacts(
      "全年收到政府信息公开申请154件（含上年结转10件）。本机关作为被申请人的行政复议案件12件。",
      "v2021", 2024, FieldsOf("v2021"));
  auto fields = ByField(facts);
  EXPECT_FALSE(fields.contains("requests.new.total"));  // 154 includes the carried-over ones
  EXPECT_FALSE(fields.contains("review.total"));        // not about information disclosure
  EXPECT_EQ(fields["requests.carried_over.total"], 10);
  ASSERT_NE(FactWithText(facts, "154件"), nullptr);
  ASSERT_NE(FactWithText(facts, "12件"), nullptr);
}

TEST(NarrativeFacts, PartsAndRestatementsNameNoField) {
  // The real Pingtan 2018 sentences: the whole, then its parts.
  auto facts = FindNarrativeFacts(
      "2018年全区主动公开政府信息2069条。其中，区管委会及区直各部门主动公开政府信息1592条，占76.9%"
      "。"
      "各乡镇主动公开政府信息477条。全年主动公开政府信息2000余条。",
      "legacy", 2018, FieldsOf("legacy"));
  ASSERT_EQ(facts.size(), 4u);
  EXPECT_EQ(facts[0].field, "active.total");
  EXPECT_EQ(facts[1].field, "");
  EXPECT_EQ(facts[2].field, "");
  EXPECT_EQ(facts[3].field, "");  // a second figure for the same field
}

TEST(NarrativeFacts, ApproximationMarks) {
  auto facts = FindNarrativeFacts(
      "主动公开信息约300条。主动公开信息近300条。主动公开信息超过300条。主动公开信息300多条。",
      "legacy", 2015, FieldsOf("legacy"));
  ASSERT_EQ(facts.size(), 4u);
  EXPECT_EQ(facts[0].bound, "about");
  EXPECT_EQ(facts[1].bound, "at_most");
  EXPECT_EQ(facts[2].bound, "at_least");
  EXPECT_EQ(facts[3].bound, "at_least");
  EXPECT_EQ(facts[3].value, 300);
  for (const NarrativeFact& f : facts) EXPECT_EQ(f.field, "active.total");
}

TEST(NarrativeChecks, ComparesExactlyOrAsBounds) {
  std::vector<NarrativeFact> facts = {{"a", 10, "", "10件", "s", 0},
                                      {"b", 10, "", "10件", "s", 5},
                                      {"c", 5500, "at_least", "", "s", 9},
                                      {"d", 400, "at_most", "", "s", 9},
                                      {"e", 300, "about", "", "s", 9},
                                      {"f", 3, "", "", "s", 9},
                                      {"g", 1, "", "", "s", 9},
                                      {"", 7, "", "", "s", 9},
                                      {"a", 11, "", "11件", "s", 20}};
  std::unordered_map<std::string, Value> values = {
      {"a", 10}, {"b", 9}, {"c", 5600}, {"d", 420}, {"e", 320}, {"f", std::nullopt}, {"g", 1}};
  NarrativeChecks checks = CheckNarrative(facts, values, {"g"});
  std::vector<std::string> statuses;
  for (const CheckStatus& s : checks.statuses) statuses.push_back(s.identity + "=" + s.status);
  EXPECT_EQ(statuses, (std::vector<std::string>{
                          "text.a=pass", "text.b=fail", "text.c=pass", "text.d=fail", "text.e=pass",
                          "text.f=not_assessable", "text.g=not_assessable", "text.a#2=fail"}));
  ASSERT_EQ(checks.failures.size(), 3u);
  EXPECT_EQ(checks.failures[0].kind, "text_vs_table");
  EXPECT_EQ(checks.failures[0].expected, 10);
  EXPECT_EQ(checks.failures[0].found, 9);
  EXPECT_EQ(checks.statuses[0].table, "text");
}

TEST(NarrativeExtract, HuaianProseAgainstItsTable) {
  auto rules = RuleSet::LoadEmbedded();
  std::string text =
      testing::ReadFileBytes(testing::DataDir() + "/pages/huaian-2024-pdftotext.txt");
  Extraction e = Extract(text, *rules);
  auto fields = ByField(e.narrative);
  EXPECT_EQ(fields["requests.new.total"], 3119);
  EXPECT_EQ(fields["outcome.total.total"], 3050);
  EXPECT_EQ(fields["requests.carried_over.total"], 34);
  EXPECT_EQ(fields["requests.carried_forward.total"], 103);
  EXPECT_EQ(fields["review.total"], 351);
  EXPECT_EQ(fields["review.upheld"], 72);
  EXPECT_EQ(fields["review.pending"], 37);
  // The 3940 元 information-processing fee is not the table's 行政事业性收费.
  EXPECT_FALSE(fields.contains("active.fees.amount"));
  for (const NarrativeFact& f : e.narrative) EXPECT_EQ(f.text.find("3940"), std::string::npos);
  // Where the table was read, the prose agrees with it: no text_vs_table failure.
  for (const CheckFailure& c : e.checks) EXPECT_NE(c.kind, "text_vs_table") << c.identity;
}

TEST(NarrativeExtract, ReportWithoutTableKeepsItsFacts) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e = Extract(
      "<html><head><title>某县民政局2015年政府信息公开工作年度报告</title></head><body>"
      "<p>某县民政局2015年政府信息公开工作年度报告</p>"
      "<p>2015年，我局主动公开政府信息320条，全年共受理政府信息公开申请4件，均按时答复。</p>"
      "</body></html>",
      *rules);
  EXPECT_FALSE(e.template_id.has_value());
  auto fields = ByField(e.narrative);
  EXPECT_EQ(fields["active.total"], 320);
  EXPECT_EQ(fields["requests.received"], 4);
  EXPECT_TRUE(e.checks.empty());
  auto json = ToJson(e);
  EXPECT_TRUE(json["template"].is_null());
  EXPECT_EQ(json["narrative"].size(), 2u);
}

// Sentences of the real 2021–2023 reports of 平潭综合实验区 (the public archive
// changwu/pingtan-gov-zwgk-archive, page.txt of each; none of them is in the corpus): the number
// before 件申请, a qualifier between 接收 and 申请, and the applicants listed after the total.
TEST(NarrativeFacts, NewRequestsAndTheirApplicantsAsRealReportsWordThem) {
  auto v2021 = FieldsOf("v2021");
  EXPECT_EQ(ByField(FindNarrativeFacts(
                "本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理。", "v2021",
                2021, v2021)),
            (std::map<std::string, double>{{"requests.new.total", 70},
                                           {"outcome.total.total", 69},
                                           {"requests.carried_forward.total", 1}}));
  EXPECT_EQ(ByField(FindNarrativeFacts("2022年，全区收到政府信息公开申请75件，涉及自然人72件、商业"
                                       "企业3件，均在法定期限内予以答复，办结率100%。",
                                       "v2021", 2022, v2021)),
            (std::map<std::string, double>{{"requests.new.total", 75},
                                           {"requests.new.natural_person", 72},
                                           {"requests.new.commercial", 3}}));
  EXPECT_EQ(
      ByField(FindNarrativeFacts("2023年全区接收通过邮寄、网络提交的各类政府信息公开申请共计81"
                                 "件，涉及自然人80件、商业企业1件。",
                                 "v2021", 2023, v2021)),
      (std::map<std::string, double>{{"requests.new.total", 81},
                                     {"requests.new.natural_person", 80},
                                     {"requests.new.commercial", 1}}));
}

// What the new phrases must not take: carried-over requests named in the qualifier, an applicant
// list after another figure (outcomes), a list after a total that counts a part, and 法人或其他组织
// (five columns, no one field), which is passed over.
TEST(NarrativeFacts, ApplicantListsOnlyAfterTheNewRequestsTotalTheyBreakDown) {
  auto v2021 = FieldsOf("v2021");
  EXPECT_EQ(
      ByField(FindNarrativeFacts("本年收到上年结转的政府信息公开申请3件。", "v2021", 2024, v2021)),
      (std::map<std::string, double>{{"requests.carried_over.total", 3}}));
  EXPECT_EQ(ByField(FindNarrativeFacts("全年办结申请60件，自然人50件、商业企业10件。", "v2021",
                                       2024, v2021)),
            (std::map<std::string, double>{{"outcome.total.total", 60}}));
  EXPECT_TRUE(
      ByField(FindNarrativeFacts("其中，区直各部门收到政府信息公开申请20件，涉及自然人18件、"
                                 "商业企业2件。",
                                 "v2021", 2024, v2021))
          .empty());
  EXPECT_EQ(ByField(FindNarrativeFacts("收到政府信息公开申请9件，涉及自然人5件、法人或其他组织4件、"
                                       "其他0件。",
                                       "v2021", 2024, v2021)),
            (std::map<std::string, double>{{"requests.new.total", 9},
                                           {"requests.new.natural_person", 5},
                                           {"requests.new.other_org", 0}}));
}

}  // namespace
}  // namespace nianbao
