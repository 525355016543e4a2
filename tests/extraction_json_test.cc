// AppendJsonText writes, byte for byte, what ToJson(e).dump(...) writes: over every page of the
// corpus and tests/data/pages, the DOCX, XLSX and PDF documents, and an Extraction made of the
// awkward cases (escapes, invalid UTF-8, fractions, non-finite numbers, unknown statuses, pages).
#include "extract/extraction_json.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>

#include "extract/extract.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

namespace fs = std::filesystem;

constexpr auto kReplace = nlohmann::json::error_handler_t::replace;

// The JSON text `nianbao extract` printed through the nlohmann tree: pretty for one file, one
// line with "file" first for several.
std::string TreeText(const Extraction& e, int indent, const std::string* file) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  if (file) json["file"] = *file;
  nlohmann::ordered_json rest = ToJson(e);
  for (auto& [key, value] : rest.items()) json[key] = value;
  return json.dump(indent, ' ', false, kReplace);
}

void ExpectSameText(const Extraction& e, const std::string& name) {
  SCOPED_TRACE(name);
  EXPECT_EQ(ToJsonText(e, 1), ToJson(e).dump(1, ' ', false, kReplace));
  EXPECT_EQ(ToJsonText(e, -1), ToJson(e).dump(-1, ' ', false, kReplace));
  EXPECT_EQ(ToJsonText(e, -1, &name), TreeText(e, -1, &name));
  EXPECT_EQ(ToJsonText(e, 4, &name), TreeText(e, 4, &name));
}

std::vector<fs::path> Inputs() {
  std::vector<fs::path> inputs;
  for (const char* dir : {"/corpus", "/pages"}) {
    for (const auto& entry : fs::directory_iterator(testing::DataDir() + dir)) {
      if (entry.is_regular_file() && entry.path().extension() != ".json" &&
          entry.path().extension() != ".md")
        inputs.push_back(entry.path());
    }
  }
  // LibreOffice's formats (.doc, .xls) are left out: converting them takes seconds.
  for (const char* name :
       {"pingtan-2024-form.docx", "pingtan-2024-calc.xlsx", "pingtan-2024-form.pdf",
        "bad/nested-tables.docx", "bad/empty.docx", "bad/pingtan-2024-really-docx.html"})
    inputs.push_back(testing::DataDir() + "/documents/" + name);
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

TEST(ExtractionJsonText, IsToJsonsDumpForEveryCorpusPageAndDocument) {
  auto rules = RuleSet::LoadEmbedded();
  std::vector<fs::path> inputs = Inputs();
  ASSERT_GE(inputs.size(), 20u);
  size_t with_table = 0, cells = 0;
  for (const fs::path& input : inputs) {
    Extraction e = Extract(testing::ReadFileBytes(input.string()), *rules);
    with_table += e.template_id ? 1 : 0;
    cells += e.cells.size();
    ExpectSameText(e, input.filename().string());
  }
  // The comparison covers real tables, not only empty extractions.
  EXPECT_GE(with_table, 14u);
  EXPECT_GE(cells, 2000u);
}

TEST(ExtractionJsonText, IsToJsonsDumpForAwkwardValues) {
  Extraction e;
  e.template_id = "v2021";
  e.year = -3;
  e.title = std::string("tab\there \"quoted\" back\\slash \x01\x1f\x7f end");
  e.published = std::nullopt;
  e.issuer =
      std::string("bad \xff\xfe utf-8 \xe5\xb9 cut, overlong \xc0\xaf, surrogate \xed\xa0\x80");
  e.format = "pdf";
  double nan = std::numeric_limits<double>::quiet_NaN();
  double inf = std::numeric_limits<double>::infinity();
  e.fields = {{"a", 18651.06}, {"b", -0.0},  {"c", 1e300}, {"d", 9007199254740993.0},
              {"e", nan},      {"f", -inf},  {"g", {}},    {"h", 0.1 + 0.2},
              {"i", 1e-7},     {"j", -42.0}, {"k", 5e15}};
  e.cells["a"] = {"18,651.06", "行 | 列\n", 0, 1, 2, 3};
  e.cells["b"] = {"", "", 0, 0, 0, 0};
  e.checks.push_back({"id",
                      "total",
                      {},
                      1.5,
                      std::nullopt,
                      "source_mismatch",
                      "https://example.org/a.pdf",
                      "ab12"});
  e.checks.push_back({"id2", "total2", {"x", "y"}, 2, 3, "sum"});
  e.check_status = {{"s1", "t3", "fail"},
                    {"s2", "t4", "odd_status"},
                    {"s3", "t3", "pass"},
                    {"s4", "text", "fail"},
                    {"s5", "t4", "odd_status"}};
  e.narrative.push_back({"", 0.5, "about", "约0.5", "句子\r\n", -1});
  e.unmatched.push_back({"column", "\xe4\xb8", 1, 2, 3});
  e.warnings = {"", "\"", "\\u0000"};
  ExpectSameText(e, "odd \"name\"\n\xff.html");

  ExpectSameText(Extraction{}, "empty");
  Extraction empty_strings;
  empty_strings.template_id = "";
  empty_strings.issuer = "";
  empty_strings.check_status = {{"", "", ""}};
  ExpectSameText(empty_strings, "");
}

}  // namespace
}  // namespace nianbao
