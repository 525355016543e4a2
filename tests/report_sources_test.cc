// crawler/report_sources.h: which document is a report's source, and the source_mismatch checks.
#include "crawler/report_sources.h"

#include <gtest/gtest.h>

namespace nianbao {
namespace {

Extraction WithTable(std::vector<std::pair<std::string, Value>> fields) {
  Extraction e;
  e.template_id = "v2021";
  e.fields = std::move(fields);
  return e;
}

TEST(ReportSourcesTest, ThePageIsTheSourceWhenItHasATable) {
  Extraction page = WithTable({{"a", 1}});
  Extraction attachment = WithTable({{"a", 2}});
  EXPECT_EQ(ChooseSource({&page, &attachment}), 0u);
}

TEST(ReportSourcesTest, ElseTheFirstAttachmentWithATable) {
  Extraction page;  // no statistics table
  Extraction scan;  // an attachment nothing could read
  Extraction first = WithTable({{"a", 1}});
  Extraction second = WithTable({{"a", 2}});
  EXPECT_EQ(ChooseSource({&page, nullptr, &scan, &first, &second}), 3u);
  EXPECT_EQ(ChooseSource({&page, &scan}), std::nullopt);
  EXPECT_EQ(ChooseSource({}), std::nullopt);
}

TEST(ReportSourcesTest, OnlyFieldsBothGiveAndThatDifferAreMismatches) {
  Extraction source = WithTable({{"same", 5},
                                 {"differs", 7},
                                 {"only_source", 1},
                                 {"null_in_copy", 3},
                                 {"null_in_source", std::nullopt},
                                 {"fraction", 18651.06}});
  Extraction copy = WithTable({{"fraction", 18651.06},
                               {"differs", 8},
                               {"same", 5},
                               {"null_in_copy", std::nullopt},
                               {"null_in_source", 4},
                               {"only_copy", 2}});
  std::vector<CheckFailure> checks =
      SourceMismatches(source, copy, "https://a.gov.cn/r.pdf", "ab12");
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].kind, "source_mismatch");
  EXPECT_EQ(checks[0].identity, "source_mismatch.differs");
  EXPECT_EQ(checks[0].total_field, "differs");
  EXPECT_EQ(checks[0].fields, std::vector<std::string>{"differs"});
  EXPECT_EQ(checks[0].found, 7);     // the source's value
  EXPECT_EQ(checks[0].expected, 8);  // the copy's
  EXPECT_EQ(checks[0].document_url, "https://a.gov.cn/r.pdf");
  EXPECT_EQ(checks[0].document_sha256, "ab12");
}

TEST(ReportSourcesTest, MismatchesFollowTheSourcesFieldOrder) {
  Extraction source = WithTable({{"z", 1}, {"a", 1}, {"m", 1}});
  Extraction copy = WithTable({{"a", 2}, {"m", 2}, {"z", 2}});
  std::vector<CheckFailure> checks = SourceMismatches(source, copy, "u", "s");
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[0].total_field, "z");
  EXPECT_EQ(checks[1].total_field, "a");
  EXPECT_EQ(checks[2].total_field, "m");
  EXPECT_TRUE(SourceMismatches(source, source, "u", "s").empty());
}

}  // namespace
}  // namespace nianbao
