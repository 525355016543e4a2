#include "extract/map/checks.h"

#include <gtest/gtest.h>

namespace nianbao {
namespace {

Identity Sum(std::string name, std::string total, std::vector<std::string> terms) {
  Identity identity{std::move(name), {"legacy"}, std::move(total), {}};
  for (std::string& t : terms) {
    Term term;
    if (t[0] == '-') term.sign = -1, t.erase(0, 1);
    term.alternatives.push_back({t});
    identity.terms.push_back(term);
  }
  return identity;
}

TEST(ChecksTest, ConsistentValuesGiveNoFailure) {
  std::vector<Identity> ids = {Sum("s", "t", {"a", "b"})};
  EXPECT_TRUE(RunChecks(ids, "legacy", {{"t", 3}, {"a", 1}, {"b", 2}}).failures.empty());
}

TEST(ChecksTest, FailureNamesEverything) {
  std::vector<Identity> ids = {Sum("s", "t", {"a", "b"})};
  auto failures = RunChecks(ids, "legacy", {{"t", 4}, {"a", 1}, {"b", 2}}).failures;
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].identity, "s");
  EXPECT_EQ(failures[0].total_field, "t");
  EXPECT_EQ(failures[0].fields, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(failures[0].expected, 3);
  EXPECT_EQ(failures[0].found, 4);
}

TEST(ChecksTest, NullTermsCountAsZeroAndAllNullIsNotChecked) {
  std::vector<Identity> ids = {Sum("s", "t", {"a", "b"})};
  EXPECT_TRUE(RunChecks(ids, "legacy", {{"t", 1}, {"a", 1}, {"b", std::nullopt}}).failures.empty());
  EXPECT_TRUE(RunChecks(ids, "legacy", {{"t", 5}}).failures.empty());
  EXPECT_TRUE(RunChecks(ids, "legacy", {{"a", 5}}).failures.empty());  // no total printed
  EXPECT_EQ(RunChecks(ids, "legacy", {{"t", 2}, {"a", 1}}).failures.size(), 1u);
}

TEST(ChecksTest, OtherTemplatesAreNotChecked) {
  std::vector<Identity> ids = {Sum("s", "t", {"a"})};
  EXPECT_TRUE(RunChecks(ids, "v2021", {{"t", 2}, {"a", 1}}).failures.empty());
}

TEST(ChecksTest, DecimalsHaveATolerance) {
  std::vector<Identity> ids = {Sum("s", "t", {"a", "b"})};
  EXPECT_TRUE(RunChecks(ids, "legacy", {{"t", 0.3}, {"a", 0.1}, {"b", 0.2}}).failures.empty());
  EXPECT_EQ(RunChecks(ids, "legacy", {{"t", 0.31}, {"a", 0.1}, {"b", 0.2}}).failures.size(), 1u);
}

TEST(ChecksTest, SubtractedTermsAndAlternatives) {
  Identity balance = Sum("b", "t", {"a", "-c"});
  EXPECT_TRUE(RunChecks({balance}, "legacy", {{"t", 3}, {"a", 5}, {"c", 2}}).failures.empty());
  Identity either{"e", {"legacy"}, "t", {}};
  Term term;
  term.alternatives = {{"whole"}, {"part1", "part2"}};
  either.terms.push_back(term);
  EXPECT_TRUE(
      RunChecks({either}, "legacy", {{"t", 3}, {"part1", 1}, {"part2", 2}}).failures.empty());
  EXPECT_TRUE(RunChecks({either}, "legacy", {{"t", 3}, {"whole", 3}, {"part1", 1}, {"part2", 2}})
                  .failures.empty());
  EXPECT_EQ(RunChecks({either}, "legacy", {{"t", 3}, {"whole", 4}}).failures.size(), 1u);
}

TEST(ChecksTest, ShippedIdentitiesHoldOnAConsistentReport) {
  auto rules = RuleSet::LoadEmbedded();
  std::unordered_map<std::string, Value> values = {
      {"requests.received", 10},     {"requests.received.in_person", 1},
      {"requests.received.fax", 2},  {"requests.received.online", 3},
      {"requests.received.mail", 4}, {"org.staff", 3},
      {"org.staff.full_time", 1},    {"org.staff.part_time", 2}};
  EXPECT_TRUE(RunChecks(rules->identities(), "legacy", values).failures.empty());
  values["org.staff"] = 4;
  auto failures = RunChecks(rules->identities(), "legacy", values).failures;
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].identity, "legacy.org.staff");
}

std::vector<std::string> Statuses(const CheckResults& results) {
  std::vector<std::string> out;
  for (const CheckStatus& s : results.statuses) out.push_back(s.identity + "=" + s.status);
  return out;
}

TEST(ChecksTest, EveryIdentityOfTheTemplateHasAStatus) {
  std::vector<Identity> ids = {Sum("t3.pass", "t", {"a", "b"}), Sum("t3.fail", "u", {"a", "b"}),
                               Sum("t4.none", "v", {"c", "d"}), Sum("legacy.gone", "w", {"a"})};
  ids[3].templates = {"v2021"};
  auto results = RunChecks(ids, "legacy", {{"t", 3}, {"u", 4}, {"v", 1}, {"a", 1}, {"b", 2}});
  EXPECT_EQ(Statuses(results),
            (std::vector<std::string>{"t3.pass=pass", "t3.fail=fail", "t4.none=not_assessable"}));
  EXPECT_EQ(results.statuses[0].table, "t3");
  EXPECT_EQ(results.statuses[2].table, "t4");
  ASSERT_EQ(results.failures.size(), 1u);
  EXPECT_EQ(results.failures[0].kind, "sum");
}

TEST(ChecksTest, BlankTotalBesideValuesIsTotalMissing) {
  std::vector<Identity> ids = {Sum("s", "t", {"a", "b"})};
  auto results = RunChecks(ids, "legacy", {{"t", std::nullopt}, {"a", 1}, {"b", std::nullopt}});
  ASSERT_EQ(results.failures.size(), 1u);
  EXPECT_EQ(results.failures[0].kind, "total_missing");
  EXPECT_FALSE(results.failures[0].found.has_value());
  EXPECT_EQ(results.failures[0].expected, 1);
  EXPECT_EQ(results.statuses[0].status, "fail");
  // Zeros are values: a blank total beside printed zeros is missing too.
  EXPECT_EQ(RunChecks(ids, "legacy", {{"t", std::nullopt}, {"a", 0}}).failures.size(), 1u);
}

TEST(ChecksTest, AllNullOrAbsentTotalIsNotAssessable) {
  std::vector<Identity> ids = {Sum("s", "t", {"a", "b"})};
  // All terms null: not checked, whether or not the total is printed.
  auto results = RunChecks(ids, "legacy", {{"t", std::nullopt}, {"a", std::nullopt}});
  EXPECT_TRUE(results.failures.empty());
  EXPECT_EQ(results.statuses[0].status, "not_assessable");
  // The total's row is not on the page at all: nothing was left blank.
  results = RunChecks(ids, "legacy", {{"a", 1}, {"b", 2}});
  EXPECT_TRUE(results.failures.empty());
  EXPECT_EQ(results.statuses[0].status, "not_assessable");
}

TEST(ChecksTest, UnreadableValueMakesTheIdentityNotAssessable) {
  std::vector<Identity> ids = {Sum("s", "t", {"a", "b"}), Sum("r", "u", {"c"})};
  // "b" had a cell that could not be read: counting it as 0 would be a false alarm.
  auto results = RunChecks(ids, "legacy",
                           {{"t", 3}, {"a", 1}, {"b", std::nullopt}, {"u", std::nullopt}, {"c", 2}},
                           {"b", "u"});
  EXPECT_TRUE(results.failures.empty());
  EXPECT_EQ(Statuses(results), (std::vector<std::string>{"s=not_assessable", "r=not_assessable"}));
}

TEST(ChecksTest, IdentityTableIsTheNamePrefix) {
  EXPECT_EQ(IdentityTable("t3.row_total.requests.new"), "t3");
  EXPECT_EQ(IdentityTable("legacy.org.staff"), "legacy");
  EXPECT_EQ(IdentityTable("plain"), "plain");
}

}  // namespace
}  // namespace nianbao
