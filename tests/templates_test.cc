// Hand-made pages (tests/data/pages, see SOURCE.md) for each template and the variants real reports
// show: GBK and UTF-8, Word markup, split tables, every numbering style, Traditional characters,
// extra and missing rows, blank/dash cells, header blocks of 1–3 rows, failing sums, text layout.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "extract/extract.h"
#include "extract/read/html_tree.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

std::string ReadPage(const std::string& name) {
  return testing::ReadFileBytes(testing::DataDir() + "/pages/" + name);
}

class TemplatesTest : public ::testing::Test {
 protected:
  static const RuleSet& rules() {
    static const auto* r = new std::shared_ptr<const RuleSet>(RuleSet::LoadEmbedded());
    return **r;
  }
  static Extraction Run(const std::string& name, ExtractOptions options = {}) {
    return Extract(ReadPage(name), rules(), options);
  }
  static Value Field(const Extraction& e, const std::string& id) {
    for (const auto& [field, value] : e.fields) {
      if (field == id) return value;
    }
    ADD_FAILURE() << id << " is not among the fields";
    return std::nullopt;
  }
  static std::vector<std::string> CheckNames(const Extraction& e) {
    std::vector<std::string> names;
    for (const CheckFailure& c : e.checks) names.push_back(c.identity);
    std::sort(names.begin(), names.end());
    return names;
  }
};

TEST_F(TemplatesTest, V2021WordMarkupInGbk) {
  Extraction e = Run("v2021-word-gbk.html");
  ASSERT_EQ(e.template_id, "v2021");
  EXPECT_EQ(e.year, 2021);
  EXPECT_EQ(e.issuer, "示例县人民政府");
  EXPECT_EQ(e.published, "2022-03-01");
  EXPECT_EQ(e.fields.size(), rules().Fields("v2021").size());
  // 3-row header block, Traditional labels (辦理結果, 屬於國家秘密, 無法提供, 行政復議).
  EXPECT_EQ(Field(e, "requests.new.total"), 33);
  EXPECT_EQ(Field(e, "requests.new.nonprofit"), 1);
  EXPECT_EQ(Field(e, "outcome.withheld.state_secret.natural_person"), 1);
  EXPECT_EQ(Field(e, "outcome.unavailable.not_held.total"), 8);
  EXPECT_EQ(Field(e, "outcome.other.no_correction.total"), 1);
  EXPECT_EQ(Field(e, "outcome.total.total"), 32);
  EXPECT_EQ(Field(e, "requests.carried_forward.total"), 3);
  EXPECT_EQ(Field(e, "review.total"), 4);
  EXPECT_EQ(Field(e, "litigation.direct.upheld"), 1);
  // Blank and dash cells are null, not 0.
  EXPECT_EQ(Field(e, "requests.carried_over.research"), std::nullopt);
  EXPECT_EQ(Field(e, "outcome.unavailable.needs_creation.nonprofit"), std::nullopt);
  EXPECT_EQ(Field(e, "active.enforcement.decisions"), std::nullopt);
  EXPECT_EQ(Field(e, "litigation.after_review.other"), std::nullopt);
  EXPECT_EQ(Field(e, "litigation.after_review.upheld"), 0);
  // A missing row is null; the page prints (六) as three sub-rows, so the one-row shape is null.
  EXPECT_EQ(Field(e, "outcome.withheld.admin_query.total"), std::nullopt);
  EXPECT_EQ(Field(e, "outcome.other.total"), std::nullopt);
  // 251000 in a 元 column of a 万元 field.
  EXPECT_DOUBLE_EQ(*Field(e, "active.fees.amount"), 25.1);
  EXPECT_EQ(e.cells.at("active.fees.amount").raw, "251000");
  EXPECT_EQ(Field(e, "active.normative_docs.in_force"), 20);
  // The agency's own row is reported, never forced into a field.
  ASSERT_EQ(e.unmatched.size(), 1u);
  EXPECT_EQ(e.unmatched[0].kind, "row");
  EXPECT_EQ(e.unmatched[0].label, "其他主动公开文件");
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
}

TEST_F(TemplatesTest, SameGbkPageWithExplicitEncoding) {
  ExtractOptions options;
  options.encoding = "GBK";
  Extraction e = Run("v2021-word-gbk.html", options);
  EXPECT_EQ(e.template_id, "v2021");
  EXPECT_EQ(Field(e, "requests.new.total"), 33);
}

TEST_F(TemplatesTest, SplitTablesAndFailingSums) {
  Extraction e = Run("v2021-split-failing.html");
  ASSERT_EQ(e.template_id, "v2021");
  EXPECT_EQ(e.year, 2022);
  EXPECT_EQ(e.issuer, "示例市示例区");
  EXPECT_EQ(e.published, "2023-02-15");
  // The header is one <table>, each section another: the rows take the header of the table above.
  EXPECT_EQ(Field(e, "requests.new.natural_person"), 15);
  EXPECT_EQ(Field(e, "requests.new.other_org"), 1);
  EXPECT_EQ(Field(e, "outcome.disclosed.total"), 13);
  EXPECT_EQ(Field(e, "outcome.unavailable.not_held.commercial"), 1);  // （1） numbering
  EXPECT_EQ(Field(e, "outcome.withheld.admin_query.total"), 0);       // 8、 numbering
  EXPECT_EQ(Field(e, "outcome.other.total"), 0);  // (六) as one row: the sub-rows are null
  EXPECT_EQ(Field(e, "outcome.other.other.total"), std::nullopt);
  EXPECT_EQ(Field(e, "outcome.total.total"), 19);
  EXPECT_EQ(Field(e, "requests.carried_forward.total"), 0);
  EXPECT_EQ(Field(e, "active.licensing.decisions"), 30);
  EXPECT_TRUE(e.unmatched.empty()) << e.unmatched.front().label;
  // Printed: 一 total 20 ≠ 19 = its columns; hence 一 + 二 ≠ (七) in the 总计 column; 复议 5 ≠
  // 1+1+1+1.
  EXPECT_EQ(CheckNames(e),
            (std::vector<std::string>{"t3.balance.total", "t3.row_total.requests.new",
                                      "t4.review.total"}));
  for (const CheckFailure& c : e.checks) {
    if (c.identity == "t3.row_total.requests.new") {
      EXPECT_EQ(c.total_field, "requests.new.total");
      EXPECT_EQ(c.expected, 19);
      EXPECT_EQ(c.found, 20);
      EXPECT_EQ(c.fields.size(), 6u);
    }
  }
  // Never repaired.
  EXPECT_EQ(Field(e, "requests.new.total"), 20);
}

TEST_F(TemplatesTest, V2019) {
  Extraction e = Run("v2019.html");
  ASSERT_EQ(e.template_id, "v2019");
  EXPECT_EQ(e.year, 2019);
  EXPECT_EQ(e.published, "2020-01-20");
  EXPECT_EQ(e.fields.size(), rules().Fields("v2019").size());
  EXPECT_EQ(Field(e, "active.normative_docs.total_published"), 50);
  EXPECT_EQ(Field(e, "active.licensing.change"), -8);
  EXPECT_EQ(Field(e, "active.other_services.change"), 2);
  EXPECT_EQ(e.cells.at("active.other_services.change").raw, "+2");
  EXPECT_EQ(Field(e, "active.licensing.decisions"), 3456);
  EXPECT_EQ(Field(e, "active.enforcement.change"), std::nullopt);
  EXPECT_EQ(Field(e, "active.fees.change"), -1);
  EXPECT_DOUBLE_EQ(*Field(e, "active.procurement.amount"), 1234.5);
  // One-row applicant header; 三安全一稳定 without quotes.
  EXPECT_EQ(Field(e, "requests.new.total"), 8);
  EXPECT_EQ(Field(e, "outcome.withheld.security_stability.total"), 0);
  EXPECT_EQ(Field(e, "outcome.other.natural_person"), 1);
  EXPECT_EQ(Field(e, "requests.carried_forward.natural_person"), 2);
  EXPECT_EQ(Field(e, "review.corrected"), 1);
  EXPECT_TRUE(e.unmatched.empty()) << e.unmatched.front().label;
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
}

TEST_F(TemplatesTest, LegacyInHtml) {
  Extraction e = Run("legacy-2015.html");
  ASSERT_EQ(e.template_id, "legacy");
  EXPECT_EQ(e.year, 2015);
  EXPECT_EQ(e.issuer, "示例市人民政府办公室");  // from 填报单位: the title names none
  EXPECT_EQ(e.published, "2016-03-28");
  EXPECT_EQ(Field(e, "active.total"), 1200);
  EXPECT_EQ(Field(e, "active.normative_docs"), 15);
  EXPECT_EQ(Field(e, "active.normative_docs_issued"), 16);
  EXPECT_EQ(Field(e, "active.channel.weibo"), std::nullopt);   // row absent before 2016
  EXPECT_EQ(Field(e, "requests.received.fax"), std::nullopt);  // "—"
  EXPECT_EQ(Field(e, "replies.denied.privacy"), 1);
  EXPECT_EQ(Field(e, "review.other"), 1);
  EXPECT_EQ(Field(e, "litigation.upheld"), 1);
  EXPECT_EQ(Field(e, "litigation.other"), 0);
  EXPECT_DOUBLE_EQ(*Field(e, "fees"), 0.15);  // 1500 元 → 万元
  EXPECT_DOUBLE_EQ(*Field(e, "org.budget"), 5.5);
  EXPECT_EQ(Field(e, "meetings.trainees"), 40);
  ASSERT_EQ(e.unmatched.size(), 1u);
  EXPECT_NE(e.unmatched[0].label.find("依申请公开满意度"), std::string::npos);
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
}

TEST_F(TemplatesTest, LayoutText) {
  Extraction e = Run("v2021-layout.txt");
  ASSERT_EQ(e.template_id, "v2021");
  EXPECT_EQ(e.year, 2023);
  EXPECT_EQ(e.issuer, "示例镇人民政府");
  EXPECT_EQ(Field(e, "active.normative_docs.issued"), 4);
  EXPECT_EQ(Field(e, "active.licensing.decisions"), 66);
  EXPECT_EQ(Field(e, "requests.new.natural_person"), 9);
  EXPECT_EQ(Field(e, "requests.new.total"), 10);
  EXPECT_EQ(Field(e, "outcome.disclosed.total"), 6);
  EXPECT_EQ(Field(e, "outcome.total.total"), 9);
  EXPECT_EQ(Field(e, "requests.carried_forward.total"), 1);
  EXPECT_EQ(Field(e, "review.total"), 1);
  EXPECT_EQ(Field(e, "litigation.after_review.total"), 0);
  // （六）其他处理 and its first sub-row each on a line of their own, the values on the next.
  EXPECT_EQ(Field(e, "outcome.other.no_correction.total"), 0);
  EXPECT_EQ(Field(e, "outcome.other.unpaid_fee.total"), 0);
  EXPECT_EQ(Field(e, "outcome.other.other.total"), 0);
  EXPECT_TRUE(e.unmatched.empty()) << e.unmatched.front().label;
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
}

TEST_F(TemplatesTest, NoStatisticsTable) {
  Extraction e = Extract(
      "<html><head><title>通知公告_某某网</title></head><body><p>今天天气很好。</p>"
      "<table><tr><td>首页</td><td>2023</td></tr></table></body></html>",
      rules());
  EXPECT_FALSE(e.template_id.has_value());
  EXPECT_TRUE(e.fields.empty());
}

TEST_F(TemplatesTest, BadInputNeverThrows) {
  for (const std::string& bytes :
       {std::string(), std::string("\xff\xfe\x00\x01garbage", 12), std::string(20000, '<'),
        std::string("<table><tr><td rowspan=100000 "
                    "colspan=100000>一、本年新收政府信息公开申请数量</td></tr></table>"),
        std::string("一、本年新收政府信息公开申请数量\n\xe4\xb8")}) {
    Extraction e = Extract(bytes, rules());
    (void)e;
  }
}

// The page text comes from the extraction's own parse: decoded (GBK here), one visible block per
// line, whitespace collapsed, no script or style, no empty lines.
TEST_F(TemplatesTest, PageTextComesWithTheExtraction) {
  ExtractedPage page;
  Extraction e = Extract(ReadPage("v2021-word-gbk.html"), rules(), {}, &page);
  const std::string& text = page.text;
  ASSERT_EQ(e.template_id, "v2021");
  EXPECT_NE(text.find("示例县人民政府"), std::string::npos) << text;
  EXPECT_EQ(text.find("\n\n"), std::string::npos);
  EXPECT_EQ(text.find("  "), std::string::npos);
  EXPECT_EQ(text.find("<"), std::string::npos);
  EXPECT_EQ(text.back(), '\n');
  // The parse comes back too, decoded from GBK: link discovery reads it instead of parsing again.
  ASSERT_NE(page.html, nullptr);
  EXPECT_NE(page.html->source().find("示例县人民政府"), std::string::npos);
  ASSERT_NE(page.html->root(), nullptr);
  ExtractedPage again;
  Extract(
      "<html><head><script>var x = 1;</script></head><body><p> a  b </p><p></p>"
      "<div>c\td</div></body></html>",
      rules(), {}, &again);
  EXPECT_EQ(again.text, "a b\nc d\n");
  ExtractedPage plain;
  Extract("a plain text page\n", rules(), {}, &plain);
  EXPECT_EQ(plain.html, nullptr);
  EXPECT_EQ(plain.text, "a plain text page\n");
  EXPECT_EQ(e.unmatched[0].label, "其他主动公开文件");
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
}

}  // namespace
}  // namespace nianbao
