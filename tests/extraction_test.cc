#include "extract/extraction.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nianbao {
namespace {

Extraction Sample() {
  Extraction e;
  e.template_id = "v2021";
  e.year = 2024;
  e.issuer = "平潭综合实验区";
  e.title = "平潭综合实验区2024年度政府信息公开工作年度报告";
  e.published = "2025-03-10";
  e.fields = {{"active.fees.amount", 18651.06}, {"requests.new.total", 218}, {"review.total", {}}};
  e.cells["requests.new.total"] = {"218", "一、本年新收政府信息公开申请数量 | 总计", 1, 3, 9};
  e.checks.push_back({"t3.row_total.requests.new",
                      "requests.new.total",
                      {"requests.new.natural_person", "requests.new.commercial"},
                      218,
                      219});
  e.checks.push_back({"t3.row_total.requests.carried_over",
                      "requests.carried_over.total",
                      {"requests.carried_over.natural_person"},
                      2,
                      std::nullopt,
                      "total_missing"});
  e.check_status = {{"t3.row_total.requests.new", "t3", "fail"},
                    {"t3.row_total.requests.carried_over", "t3", "fail"},
                    {"t4.review.total", "t4", "pass"},
                    {"t4.litigation.direct.total", "t4", "not_assessable"}};
  e.narrative.push_back(
      {"requests.new.total", 218, "", "218件", "共受理政府信息公开申请218件", 40});
  e.narrative.push_back({"", 5500, "at_least", "5500余条", "主动公开政府信息5500余条", 10});
  e.unmatched.push_back({"row", "其他主动公开文件", 0, 5, 0});
  e.warnings = {"table 1 row 4: cannot read \"约20\" as a number"};
  return e;
}

TEST(ExtractionJson, IntegersPrintWithoutFraction) {
  auto json = ToJson(Sample());
  EXPECT_EQ(json["fields"]["requests.new.total"].dump(), "218");
  EXPECT_EQ(json["fields"]["active.fees.amount"].dump(), "18651.06");
  EXPECT_TRUE(json["fields"]["review.total"].is_null());
  EXPECT_EQ(json["checks"][0]["found"].dump(), "219");
  EXPECT_EQ(json["checks"][0]["kind"], "sum");
  EXPECT_TRUE(json["checks"][1]["found"].is_null());
  EXPECT_EQ(json["checks"][1]["kind"], "total_missing");
}

TEST(ExtractionJson, CheckSummaryCountsPerStatusAndTable) {
  auto summary = ToJson(Sample())["check_summary"];
  EXPECT_EQ(summary["pass"], 1);
  EXPECT_EQ(summary["fail"], 2);
  EXPECT_EQ(summary["not_assessable"], 1);
  EXPECT_EQ(summary["tables"]["t3"]["fail"], 2);
  EXPECT_EQ(summary["tables"]["t3"]["pass"], 0);
  EXPECT_EQ(summary["tables"]["t4"]["pass"], 1);
  EXPECT_EQ(summary["tables"]["t4"]["not_assessable"], 1);
}

TEST(ExtractionJson, NarrativeFactsKeepSentenceAndOffset) {
  auto narrative = ToJson(Sample())["narrative"];
  ASSERT_EQ(narrative.size(), 2u);
  EXPECT_EQ(narrative[0]["field"], "requests.new.total");
  EXPECT_EQ(narrative[0]["offset"], 40);
  EXPECT_TRUE(narrative[0]["bound"].is_null());
  EXPECT_TRUE(narrative[1]["field"].is_null());
  EXPECT_EQ(narrative[1]["bound"], "at_least");
}

TEST(ExtractionJson, DocumentsWithoutStatusesStillRead) {
  auto json = nlohmann::json::parse(ToJson(Sample()).dump());
  json.erase("check_status");
  json.erase("check_summary");
  json.erase("narrative");
  json["checks"][0].erase("kind");
  Extraction back = FromJson(json);
  EXPECT_TRUE(back.check_status.empty());
  EXPECT_TRUE(back.narrative.empty());
  EXPECT_EQ(back.checks[0].kind, "sum");
}

TEST(ExtractionJson, KeysInPublicOrder) {
  auto json = ToJson(Sample());
  std::vector<std::string> keys;
  for (const auto& item : json.items()) keys.push_back(item.key());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"template", "year", "issuer", "title", "published", "fields",
                                      "cells", "checks", "check_status", "check_summary",
                                      "unmatched", "warnings", "narrative"}));
}

TEST(ExtractionJson, RoundTrips) {
  Extraction original = Sample();
  Extraction back = FromJson(nlohmann::json::parse(ToJson(original).dump()));
  // FromJson returns fields in key order; compare as a set.
  std::sort(original.fields.begin(), original.fields.end());
  std::sort(back.fields.begin(), back.fields.end());
  EXPECT_EQ(back, original);
}

TEST(ExtractionJson, ChecksSayTheirKindAndASourceMismatchNamesTheOtherDocument) {
  Extraction e = Sample();
  CheckFailure mismatch;
  mismatch.kind = "source_mismatch";
  mismatch.identity = "source_mismatch.requests.new.total";
  mismatch.total_field = "requests.new.total";
  mismatch.fields = {"requests.new.total"};
  mismatch.found = 218;
  mismatch.expected = 219;
  mismatch.document_url = "https://a.gov.cn/2024.pdf";
  mismatch.document_sha256 = "ab12";
  e.checks.push_back(mismatch);
  auto json = ToJson(e);
  EXPECT_EQ(json["checks"][0]["kind"], "sum");
  EXPECT_FALSE(json["checks"][0].contains("document"));
  EXPECT_EQ(json["checks"].back()["kind"], "source_mismatch");
  EXPECT_EQ(json["checks"].back()["document"], "https://a.gov.cn/2024.pdf");
  EXPECT_EQ(json["checks"].back()["document_sha256"], "ab12");
  EXPECT_EQ(FromJson(nlohmann::json::parse(json.dump())).checks, e.checks);
}

TEST(ExtractionJson, NoTemplateIsNull) {
  auto json = ToJson(Extraction{});
  EXPECT_TRUE(json["template"].is_null());
  EXPECT_TRUE(json["fields"].is_object());
  EXPECT_TRUE(json["fields"].empty());
}

}  // namespace
}  // namespace nianbao
