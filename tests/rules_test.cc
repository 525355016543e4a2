#include "extract/map/rules.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "extract/map/rule_files.h"
#include "extract/read/page.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFields =
    "template\tfield\tsection\trow_label\tcolumn_label\tunit\n"
    "mini\trequests.new.natural_person\t三\t本年新收\t自然人\t件\n"
    "mini\trequests.new.total\t三\t本年新收\t总计\t件\n"
    "mini\tfees\t七\t收费\t统计数\t万元\n";

constexpr const char* kGoodRules = R"(template = "mini"
markers = ["本年新收", "自然人"]
[[table]]
name = "t3"
[[table.dimension]]
name = "row"
axis = "row"
[[table.dimension.rule]]
key = "requests.new"
labels = ["一、本年新收政府信息公开申请数量"]
patterns = [".*新收.*"]
[[table.dimension]]
name = "applicant"
axis = "column"
[[table.dimension.rule]]
key = "natural_person"
labels = ["自然人"]
[[table.dimension.rule]]
key = "total"
labels = ["总计"]
[[table]]
name = "list"
[[table.dimension]]
name = "item"
[[table.dimension.rule]]
key = "fees"
labels = ["收费"]
)";

class RulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("nianbao-rules-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Write("fields.tsv", kFields);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name) << content;
  }
  // The RuleError message of loading the directory, or "" when it loads.
  std::string LoadError() {
    try {
      RuleSet::LoadDirectory(dir_.string());
    } catch (const RuleError& e) {
      return e.what();
    }
    return "";
  }
  static std::string Replace(std::string text, const std::string& from, const std::string& to) {
    size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  }

  fs::path dir_;
};

TEST_F(RulesTest, GoodRulesLoad) {
  Write("mini.toml", kGoodRules);
  Write("links.toml", "[[other]]\nthing = 1\n");  // someone else's file: ignored
  EXPECT_EQ(LoadError(), "");
  auto rules = RuleSet::LoadDirectory(dir_.string());
  ASSERT_NE(rules->FindTemplate("mini"), nullptr);
  EXPECT_EQ(rules->Fields("mini").size(), 3u);
  EXPECT_EQ(rules->FindTemplate("mini")->tables.size(), 2u);
}

TEST_F(RulesTest, UnknownFieldIdNamesFileAndLine) {
  Write("mini.toml", Replace(kGoodRules, "key = \"total\"", "key = \"grand_total\""));
  std::string error = LoadError();
  EXPECT_NE(error.find("mini.toml:19:"), std::string::npos) << error;
  EXPECT_NE(error.find("grand_total"), std::string::npos) << error;
}

TEST_F(RulesTest, DuplicateKeyNamesFileAndLine) {
  Write("mini.toml", std::string(kGoodRules) +
                         "[[table.dimension.rule]]\nkey = \"fees\"\nlabels = [\"费用\"]\n");
  std::string error = LoadError();
  EXPECT_NE(error.find("mini.toml:29:"), std::string::npos) << error;
  EXPECT_NE(error.find("duplicate"), std::string::npos) << error;
}

TEST_F(RulesTest, DuplicateLabelIsAnError) {
  Write("mini.toml", Replace(kGoodRules, "labels = [\"总计\"]", "labels = [\"自然人\"]"));
  std::string error = LoadError();
  EXPECT_NE(error.find("mini.toml:20:"), std::string::npos) << error;
  EXPECT_NE(error.find("duplicate label"), std::string::npos) << error;
}

TEST_F(RulesTest, TooManyDimensionsIsAnError) {
  std::string extra;
  for (int i = 0; i < 4; ++i)
    extra += "[[table.dimension]]\nname = \"d" + std::to_string(i) +
             "\"\n[[table.dimension.rule]]\nkey = \"k\"\nlabels = [\"标签\"]\n";
  Write("mini.toml", std::string(kGoodRules) + extra);
  std::string error = LoadError();
  EXPECT_NE(error.find("mini.toml:"), std::string::npos) << error;
  EXPECT_NE(error.find("more than 4 dimensions"), std::string::npos) << error;
}

TEST_F(RulesTest, BadPatternNamesFileAndLine) {
  Write("mini.toml", Replace(kGoodRules, "\".*新收.*\"", "\"(新收\""));
  std::string error = LoadError();
  EXPECT_NE(error.find("mini.toml:11:"), std::string::npos) << error;
  EXPECT_NE(error.find("does not compile"), std::string::npos) << error;
}

TEST_F(RulesTest, UncoveredFieldIsAnError) {
  Write("mini.toml", Replace(kGoodRules, "key = \"fees\"\nlabels = [\"收费\"]\n",
                             "key = \"fees\"\nlabels = [\"收费\"]\n"));
  Write("fields.tsv", std::string(kFields) + "mini\tcomplaints\t六\t举报投诉\t统计数\t件\n");
  std::string error = LoadError();
  EXPECT_NE(error.find("mini.toml:1:"), std::string::npos) << error;
  EXPECT_NE(error.find("complaints"), std::string::npos) << error;
}

TEST_F(RulesTest, UnknownUnderAndSyntaxErrors) {
  Write("mini.toml", Replace(kGoodRules, "key = \"fees\"", "key = \"fees\"\nunder = \"nothing\""));
  std::string error = LoadError();
  EXPECT_NE(error.find("mini.toml:27:"), std::string::npos) << error;
  Write("mini.toml", Replace(kGoodRules, "name = \"row\"", "name = = \"row\""));
  error = LoadError();
  EXPECT_NE(error.find("mini.toml:6:"), std::string::npos) << error;
}

TEST_F(RulesTest, ChecksNameUnknownFields) {
  Write("mini.toml", kGoodRules);
  Write("checks.toml",
        "[[identity]]\nname = \"x\"\ntemplates = [\"mini\"]\ntotal = \"requests.new.total\"\n"
        "terms = [\"requests.new.natural_person\"]\n\n"
        "[[identity]]\nname = \"y\"\ntemplates = [\"mini\"]\ntotal = \"requests.new.total\"\n"
        "terms = [\"requests.new.robots\"]\n");
  std::string error = LoadError();
  EXPECT_NE(error.find("checks.toml:7:"), std::string::npos) << error;
  EXPECT_NE(error.find("requests.new.robots"), std::string::npos) << error;
}

// A check_only key forms quantities for the checks (with a sibling field's unit), not fields; an
// identity may name them (checks.toml is read after the templates, whatever the file order).
TEST_F(RulesTest, CheckOnlyKeysFormQuantitiesTheChecksMayName) {
  std::string subtotal =
      "[[table.dimension.rule]]\nkey = \"subtotal\"\ncheck_only = true\n"
      "labels = [\"小计\"]\n[[table.dimension.rule]]\nkey = \"total\"";
  Write("mini.toml", Replace(kGoodRules, "[[table.dimension.rule]]\nkey = \"total\"", subtotal));
  Write("checks.toml",
        "[[identity]]\nname = \"x\"\ntemplates = [\"mini\"]\nwhen_printed = true\n"
        "total = \"requests.new.subtotal\"\nterms = [\"requests.new.natural_person\"]\n");
  ASSERT_EQ(LoadError(), "");
  auto rules = RuleSet::LoadDirectory(dir_.string());
  const TemplateRules* mini = rules->FindTemplate("mini");
  EXPECT_EQ(mini->check_units.size(), 1u);
  EXPECT_EQ(mini->check_units.at("requests.new.subtotal"), "件");
  EXPECT_EQ(mini->fields.size(), 3u);  // no field more
  ASSERT_EQ(rules->identities().size(), 1u);
  EXPECT_TRUE(rules->identities()[0].when_printed);
  // A check_only key that forms nothing a field stands beside, and one that is also a group.
  Write("checks.toml", "");
  Write("mini.toml",
        Replace(kGoodRules, "key = \"fees\"\n", "key = \"fees\"\ncheck_only = true\n"));
  std::string error = LoadError();
  EXPECT_NE(error.find("mini.toml:26:"), std::string::npos) << error;
  EXPECT_NE(error.find("forms no quantity"), std::string::npos) << error;
  Write("mini.toml", Replace(kGoodRules, "key = \"total\"\n",
                             "key = \"total\"\ngroup = true\ncheck_only = true\n"));
  error = LoadError();
  EXPECT_NE(error.find("group or check_only"), std::string::npos) << error;
}

TEST_F(RulesTest, MissingRuleFileForATemplate) {
  std::string error = LoadError();
  EXPECT_NE(error.find("mini"), std::string::npos) << error;
}

TEST(ShippedRules, EmbeddedAndDirectoryAgree) {
  auto embedded = RuleSet::LoadEmbedded();
  auto directory = RuleSet::LoadDirectory(std::string(NIANBAO_SOURCE_DIR) + "/rules");
  for (const char* id : {"legacy", "v2019", "v2021"}) {
    ASSERT_NE(embedded->FindTemplate(id), nullptr) << id;
    EXPECT_EQ(embedded->Fields(id).size(), directory->Fields(id).size());
  }
  EXPECT_EQ(embedded->identities().size(), directory->identities().size());
  EXPECT_GT(embedded->identities().size(), 50u);
}

TEST(ShippedRules, ContextTellsSameLabelsApart) {
  auto rules = RuleSet::LoadEmbedded();
  const Dimension& legacy = rules->FindTemplate("legacy")->tables.front().dimensions.front();
  int other_rules = 0;
  for (const LabelRule& rule : legacy.rules) {
    if (rule.Matches("其他情形数")) {
      ++other_rules;
      EXPECT_GE(rule.under, 0) << rule.key;
    }
  }
  EXPECT_EQ(other_rules, 2);
}

// Every label text a real page or the catalogue offers: the dimension's one-pass lookup must agree
// with asking each rule in turn.
TEST(ShippedRules, OnePassMatchingAgreesWithEachRule) {
  auto rules = RuleSet::LoadEmbedded();
  std::set<std::string> texts;
  auto add = [&](const std::string& raw) {
    texts.insert(rules->normalizer().ParseLabel(raw).text);
  };
  for (const FieldSpec& spec : rules->Fields()) {
    add(spec.row_label);
    add(spec.column_label);
  }
  const fs::path corpus = fs::path(NIANBAO_SOURCE_DIR) / "tests/data/corpus";
  for (const char* name : {"pingtan-2024.html", "nanchang-2018.txt"}) {
    std::string bytes = testing::ReadFileBytes((corpus / name).string());
    Page page = LooksLikeHtml(bytes) ? ParseHtml(bytes) : ParseText(bytes);
    for (const Grid& grid : page.tables) {
      for (const GridCell& cell : grid.cells) add(cell.text);
    }
  }
  ASSERT_GT(texts.size(), 250u);
  int matched = 0;
  for (const TemplateRules& tmpl : rules->templates()) {
    for (const TableRules& table : tmpl.tables) {
      for (const Dimension& dim : table.dimensions) {
        for (const std::string& text : texts) {
          std::vector<int> expected;
          for (size_t r = 0; r < dim.rules.size(); ++r) {
            if (dim.rules[r].Matches(text)) expected.push_back(static_cast<int>(r));
          }
          EXPECT_EQ(dim.MatchingRules(text), expected) << tmpl.id << " " << dim.name << " " << text;
          matched += !expected.empty();
        }
      }
    }
  }
  EXPECT_GT(matched, 300);
}

// rule_files.h: the one TSV reader of the bodies, seeds and deadlines and of the codebook.
TEST(RuleFilesTest, ReadTsvSkipsBomCommentsBlanksAndCrsAndNamesTheLineOfAWrongRow) {
  std::string content = "\xEF\xBB\xBF# comment\r\ncode\tname\r\n\n350128\t平潭\r\n#\n350100\t\n";
  std::vector<TsvLine> lines = ReadTsv("regions.tsv", content, "code\tname");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].number, 4);
  EXPECT_EQ(lines[0].cells, (std::vector<std::string>{"350128", "平潭"}));
  EXPECT_EQ(lines[0].where, "regions.tsv:4: ");
  EXPECT_EQ(lines[1].cells, (std::vector<std::string>{"350100", ""}));
  auto error = [](const std::string& text) {
    try {
      ReadTsv("regions.tsv", text, "code\tname");
    } catch (const RuleError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error("code\tname\n1\t2\t3\n"),
            "regions.tsv:2: expected 2 tab-separated columns, got 3");
  EXPECT_EQ(error("code name\n"), "regions.tsv:1: expected the header \"code\tname\"");
  EXPECT_EQ(error("# only a comment\n"), "regions.tsv: no header line");
}

TEST(RuleFilesTest, ReadRuleFileReadsTheBuiltInFilesOrADirectory) {
  EXPECT_NE(ReadRuleFile("", "glossary.tsv").find("part\tenglish"), std::string::npos);
  EXPECT_THROW(ReadRuleFile("", "nothing.tsv"), RuleError);
  testing::TempDir dir;
  std::ofstream(dir.File("glossary.tsv")) << "part\tenglish\n";
  EXPECT_EQ(ReadRuleFile(dir.path(), "glossary.tsv"), "part\tenglish\n");
  try {
    ReadRuleFile(dir.path(), "seeds.tsv");
    ADD_FAILURE() << "a missing file is an error";
  } catch (const RuleError& e) {
    EXPECT_EQ(std::string(e.what()), dir.path() + "/seeds.tsv: cannot read");
  }
}

}  // namespace
}  // namespace nianbao
