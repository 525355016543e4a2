// Regional legacy forms (2008–2018), on pages made here with invented numbers: the
// 指标名称 | 计量单位 | 年度 | 历年累计 shape, 电子邮件申请数, and rows no field holds.
#include <gtest/gtest.h>

#include <map>

#include "extract/extract.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"
#include "tests/support/truth.h"

namespace nianbao {
namespace {

std::string Table(const std::vector<std::vector<std::string>>& rows) {
  std::string html =
      "<html><head><title>某县2017年政府信息公开工作年度报告</title></head><body>"
      "<p>某县2017年政府信息公开工作年度报告</p><table>";
  for (const auto& row : rows) {
    html += "<tr>";
    for (const std::string& cell : row) html += "<td>" + cell + "</td>";
    html += "</tr>";
  }
  return html + "</table></body></html>";
}

std::map<std::string, Value> Fields(const Extraction& e) {
  return {e.fields.begin(), e.fields.end()};
}

TEST(LegacyRegional, ReportYearColumnNeverTheCumulativeOne) {
  auto rules = RuleSet::LoadEmbedded();
  // The cumulative column printed first: its numbers must not be read.
  Extraction e = Extract(Table({{"指标名称", "计量单位", "历年累计", "2017年度"},
                                {"主动公开文件数", "条", "9000", "812"},
                                {"其中：1.政府网站公开数", "条", "8000", "800"},
                                {"2.政府公报公开数", "条", "1000", "12"},
                                {"受理依申请公开信息总数", "条", "300", "21"},
                                {"其中：1.当面申请数", "条", "100", "5"},
                                {"2.网上申请数", "条", "150", "10"},
                                {"3.电子邮件申请数", "条", "50", "6"},
                                {"对申请的答复总数", "条", "300", "21"},
                                {"其中：1.同意公开答复数", "条", "200", "15"},
                                {"2.同意部分公开答复数", "条", "50", "3"},
                                {"3.不予公开答复数", "条", "50", "3"},
                                {"行政复议数", "件", "4", "1"},
                                {"行政诉讼数", "件", "2", "0"}}),
                         *rules);
  ASSERT_EQ(e.template_id, "legacy");
  auto f = Fields(e);
  EXPECT_EQ(f["active.total"], 812);
  EXPECT_EQ(f["active.channel.website"], 800);
  EXPECT_EQ(f["active.channel.gazette"], 12);
  EXPECT_EQ(f["requests.received"], 21);
  EXPECT_EQ(f["requests.received.in_person"], 5);
  EXPECT_EQ(f["requests.received.online"], 10);
  EXPECT_EQ(f["requests.received.email"], 6);
  EXPECT_EQ(f["replies.total"], 21);
  EXPECT_EQ(f["replies.granted"], 15);
  EXPECT_EQ(f["replies.partial"], 3);
  EXPECT_EQ(f["replies.denied"], 3);
  EXPECT_EQ(f["review.total"], 1);
  EXPECT_EQ(f["litigation.total"], 0);
  // 5 + 10 + 6 = 21: 电子邮件申请数 is a term of requests.received.
  for (const CheckStatus& s : e.check_status) {
    if (s.identity == "legacy.requests.received") {
      EXPECT_EQ(s.status, "pass");
    }
  }
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
  EXPECT_TRUE(e.unmatched.empty()) << e.unmatched.front().label;
}

TEST(LegacyRegional, CombinedAndUnknownRowsStayUnmatched) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e = Extract(Table({{"指标名称", "计量单位", "2017年度", "历年累计"},
                                {"主动公开文件数", "条", "812", "9000"},
                                {"受理依申请公开信息总数", "条", "9", "300"},
                                {"其中：1.当面申请数", "条", "5", "100"},
                                {"2.信函、传真申请数", "条", "4", "200"},
                                {"对申请的答复总数", "条", "9", "300"},
                                {"1.其他类型答复数", "条", "9", "300"},
                                {"行政复议数", "件", "1", "4"}}),
                         *rules);
  ASSERT_EQ(e.template_id, "legacy");
  auto f = Fields(e);
  // Fax and mail together belong to neither field.
  EXPECT_FALSE(f["requests.received.fax"].has_value());
  EXPECT_FALSE(f["requests.received.mail"].has_value());
  EXPECT_EQ(f["requests.received"], 9);
  EXPECT_EQ(f["review.total"], 1);
  std::vector<std::string> unmatched;
  for (const Unmatched& u : e.unmatched) unmatched.push_back(u.label);
  ASSERT_EQ(unmatched.size(), 2u) << ::testing::PrintToString(unmatched);
  EXPECT_NE(unmatched[0].find("信函、传真申请数"), std::string::npos);
  EXPECT_NE(unmatched[1].find("其他类型答复数"), std::string::npos);
  // The sums those rows are terms of cannot be judged: no false alarm.
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
  for (const CheckStatus& s : e.check_status) {
    if (s.identity == "legacy.requests.received" || s.identity == "legacy.replies.total") {
      EXPECT_EQ(s.status, "not_assessable") << s.identity;
    }
  }
}

TEST(LegacyRegional, RealPingtan2018AsItsTruthSays) {
  auto rules = RuleSet::LoadEmbedded();
  std::string page = testing::CorpusDir() + "/pingtan-2018.html";
  Extraction e = Extract(testing::ReadFileBytes(page), *rules);
  auto truth = nlohmann::json::parse(testing::ReadFileBytes(page + ".truth.json"));
  EXPECT_TRUE(testing::ExpectFieldsAsTruth(e, truth, *rules).empty());
  EXPECT_EQ(e.year, 2018);
  // The 历年累计 column (12106 for 主动公开文件数) is never read.
  EXPECT_EQ(e.cells.at("active.total").raw, "2069");
  // Rows the catalogue has no field for stay unmatched.
  std::vector<std::string> unmatched;
  for (const Unmatched& u : e.unmatched) unmatched.push_back(u.label);
  ASSERT_EQ(unmatched.size(), 3u) << ::testing::PrintToString(unmatched);
  EXPECT_NE(unmatched[0].find("信函、传真申请数"), std::string::npos);
  EXPECT_NE(unmatched[1].find("其他类型答复数"), std::string::npos);
  EXPECT_NE(unmatched[2].find("接受行政诉讼、举报数"), std::string::npos);
  EXPECT_TRUE(e.checks.empty()) << e.checks.front().identity;
}

}  // namespace
}  // namespace nianbao
