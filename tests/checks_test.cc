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
  EXPECT_TRUE(RunChecks(ids, "legacy", {{"t", 3}, {"a", 1}, {"b", 2}}).empty());
}

TEST(ChecksTest, FailureNamesEverything) {
  std::vector<Identity> ids = {Sum("s", "t", {"a", "b"})};
  auto failures = RunChecks(ids, "legacy", {{"t", 4}, {"a", 1}, {"b", 2}});
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].identity, "s");
  EXPECT_EQ(failures[0].total_field, "t");
  EXPECT_EQ(failures[0].fields, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(failures[0].expected, 3);
  EXPECT_EQ(failures[0].found, 4);
}

TEST(ChecksTest, NullTermsCountAsZeroAndAllNullIsNotChecked) {
  std::vector<Identity> ids = {Sum("s", "t", {"a", "b"})};
  EXPECT_TRUE(RunChecks(ids, "legacy", {{"t", 1}, {"a", 1}, {"b", std::nullopt}}).empty());
  EXPECT_TRUE(RunChecks(ids, "legacy", {{"t", 5}}).empty());
  EXPECT_TRUE(RunChecks(ids, "legacy", {{"a", 5}}).empty());  // no total printed
  EXPECT_EQ(RunChecks(ids, "legacy", {{"t", 2}, {"a", 1}}).size(), 1u);
}

TEST(ChecksTest, OtherTemplatesAreNotChecked) {
  std::vector<Identity> ids = {Sum("s", "t", {"a"})};
  EXPECT_TRUE(RunChecks(ids, "v2021", {{"t", 2}, {"a", 1}}).empty());
}

TEST(ChecksTest, DecimalsHaveATolerance) {
  std::vector<Identity> ids = {Sum("s", "t", {"a", "b"})};
  EXPECT_TRUE(RunChecks(ids, "legacy", {{"t", 0.3}, {"a", 0.1}, {"b", 0.2}}).empty());
  EXPECT_EQ(RunChecks(ids, "legacy", {{"t", 0.31}, {"a", 0.1}, {"b", 0.2}}).size(), 1u);
}

TEST(ChecksTest, SubtractedTermsAndAlternatives) {
  Identity balance = Sum("b", "t", {"a", "-c"});
  EXPECT_TRUE(RunChecks({balance}, "legacy", {{"t", 3}, {"a", 5}, {"c", 2}}).empty());
  Identity either{"e", {"legacy"}, "t", {}};
  Term term;
  term.alternatives = {{"whole"}, {"part1", "part2"}};
  either.terms.push_back(term);
  EXPECT_TRUE(RunChecks({either}, "legacy", {{"t", 3}, {"part1", 1}, {"part2", 2}}).empty());
  EXPECT_TRUE(
      RunChecks({either}, "legacy", {{"t", 3}, {"whole", 3}, {"part1", 1}, {"part2", 2}}).empty());
  EXPECT_EQ(RunChecks({either}, "legacy", {{"t", 3}, {"whole", 4}}).size(), 1u);
}

TEST(ChecksTest, ShippedIdentitiesHoldOnAConsistentReport) {
  auto rules = RuleSet::LoadEmbedded();
  std::unordered_map<std::string, Value> values = {
      {"requests.received", 10},     {"requests.received.in_person", 1},
      {"requests.received.fax", 2},  {"requests.received.online", 3},
      {"requests.received.mail", 4}, {"org.staff", 3},
      {"org.staff.full_time", 1},    {"org.staff.part_time", 2}};
  EXPECT_TRUE(RunChecks(rules->identities(), "legacy", values).empty());
  values["org.staff"] = 4;
  auto failures = RunChecks(rules->identities(), "legacy", values);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].identity, "legacy.org.staff");
}

}  // namespace
}  // namespace nianbao
