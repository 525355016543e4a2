// OCR of scanned and image-only reports (issue 17), on pictures of the corpus's real
// huaian-2024.pdf made at test time by tests/data/ocr/make-images.sh (ctest fixture ocr_data, label
// ocr): page 4 at 300 dpi as PNG and JPEG, pages 4–5 as a scanned PDF, and bad inputs. The rule
// under test is the product's first: every number read must be the truth's, or null with a warning
// — never a silent wrong number. Accuracy figures are bench/ocr's, not these tests'.
#include "extract/read/ocr.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "extract/extract.h"
#include "extract/read/isolate.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"
#include "tests/support/truth.h"

namespace nianbao {
namespace {

std::string Data(const std::string& name) {
  return testing::ReadFileBytes(std::string(NIANBAO_OCR_DATA) + "/" + name);
}

const nlohmann::json& Truth() {
  static const nlohmann::json truth = nlohmann::json::parse(
      testing::ReadFileBytes(testing::CorpusDir() + "/huaian-2024.pdf.truth.json"))["fields"];
  return truth;
}

bool HasWarning(const Extraction& e, const std::string& part) {
  for (const std::string& w : e.warnings) {
    if (w.find(part) != std::string::npos) return true;
  }
  return false;
}

// The checks every OCR'd extraction must pass: each number equals the truth, carries its page,
// pixel box and a confidence of at least kOcrMinConfidence; each value OCR read but left null has
// a warning naming its field. Returns how many numbers were read.
int ExpectNeverWrong(const Extraction& e, int pages, int width, int height) {
  int read = 0;
  for (const auto& [field, value] : e.fields) {
    auto cell = e.cells.find(field);
    if (!value) {
      bool seen = cell != e.cells.end() && cell->second.ocr.confidence >= 0 &&
                  !cell->second.raw.empty() && cell->second.raw != "—";
      if (seen) {
        EXPECT_TRUE(HasWarning(e, "(" + field + ")"))
            << field << ": OCR read \"" << cell->second.raw << "\", null without a warning";
      }
      continue;
    }
    ++read;
    if (!Truth().contains(field)) {
      ADD_FAILURE() << field << " is not in the truth";
      continue;
    }
    EXPECT_EQ(*value, Truth()[field].get<double>())
        << field << " read as \"" << (cell == e.cells.end() ? "" : cell->second.raw) << "\"";
    if (cell == e.cells.end()) {
      ADD_FAILURE() << field << " has no cell";
      continue;
    }
    const FieldCell& c = cell->second;
    EXPECT_GE(c.page, 1) << field;
    EXPECT_LE(c.page, pages) << field;
    EXPECT_GE(c.ocr.confidence, kOcrMinConfidence) << field;
    EXPECT_TRUE(c.ocr.alternative.empty()) << field;
    EXPECT_TRUE(c.ocr.x0 >= 0 && c.ocr.x0 < c.ocr.x1 && c.ocr.x1 <= width) << field;
    EXPECT_TRUE(c.ocr.y0 >= 0 && c.ocr.y0 < c.ocr.y1 && c.ocr.y1 <= height) << field;
  }
  return read;
}

// A4 at 300 dpi.
constexpr int kWidth = 2480, kHeight = 3509;

TEST(Ocr, TesseractAndItsLanguagesAreInstalled) {
  ASSERT_FALSE(FindProgram("tesseract").empty())
      << "tesseract is missing: scripts/deps installs tesseract-ocr and tesseract-ocr-chi-sim";
  ChildResult langs = RunProgram({"tesseract", "--list-langs"}, ChildLimits{});
  ASSERT_TRUE(langs.ok) << langs.error;
  EXPECT_NE(langs.output.find("chi_sim"), std::string::npos) << "install tesseract-ocr-chi-sim";
  EXPECT_NE(langs.output.find("eng"), std::string::npos) << "install tesseract-ocr-eng";
}

TEST(Ocr, RealPageAt300DpiPngReadsOnlyTrueNumbers) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e = Extract(Data("page4-300.png"), *rules);
  EXPECT_EQ(e.format, "png");
  ASSERT_EQ(e.template_id, "v2021") << ::testing::PrintToString(e.warnings);
  int read = ExpectNeverWrong(e, 1, kWidth, kHeight);
  // Page 4 holds the end of 表二 and most of 表三: 48 numbers read when this test was written.
  EXPECT_GE(read, 40);
  EXPECT_EQ(e.cells.at("requests.new.total").raw, "3119");
  // The provenance (page, pixel box, confidence) survives the JSON.
  EXPECT_EQ(FromJson(nlohmann::json::parse(ToJson(e).dump())).cells, e.cells);
}

TEST(Ocr, RealPageAsJpegReadsOnlyTrueNumbers) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e = Extract(Data("page4-300.jpg"), *rules);
  EXPECT_EQ(e.format, "jpeg");
  ASSERT_EQ(e.template_id, "v2021") << ::testing::PrintToString(e.warnings);
  EXPECT_GE(ExpectNeverWrong(e, 1, kWidth, kHeight), 40);
}

TEST(Ocr, ScannedPdfPagesAreRenderedAndRead) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e = Extract(Data("scan.pdf"), *rules);
  EXPECT_EQ(e.format, "pdf");
  EXPECT_TRUE(HasWarning(e, "pdf: no text layer (0 characters on 2 pages): read by OCR"))
      << ::testing::PrintToString(e.warnings);
  ASSERT_EQ(e.template_id, "v2021") << ::testing::PrintToString(e.warnings);
  EXPECT_GE(ExpectNeverWrong(e, 2, kWidth, kHeight), 40);
  // 表三 runs over both pages: its last row is on the second.
  ASSERT_TRUE(e.cells.contains("requests.carried_forward.total"));
  EXPECT_EQ(e.cells.at("requests.carried_forward.total").page, 2);
}

TEST(Ocr, ValuesNotSureOrNotCleanNumbersAreNull) {
  FieldCell cell{"447", "", 0, 0, 0, 1, PixelBox{10, 20, 60, 50, 95, ""}};
  EXPECT_FALSE(OcrDoubt(cell));
  cell.ocr.confidence = kOcrMinConfidence - 1;
  std::optional<std::string> doubt = OcrDoubt(cell);
  ASSERT_TRUE(doubt);
  EXPECT_NE(doubt->find("\"447\" at page 1 pixels (10,20)-(60,50) with confidence " +
                        std::to_string(static_cast<int>(kOcrMinConfidence) - 1)),
            std::string::npos)
      << *doubt;
  cell.ocr.confidence = 95;
  cell.ocr.alternative = "441";
  ASSERT_TRUE(OcrDoubt(cell));
  EXPECT_NE(OcrDoubt(cell)->find("read \"441\""), std::string::npos);
  cell.ocr.alternative.clear();
  for (const char* raw : {"05", "4.4.7", "44,7", "447件", ".5"}) {
    cell.raw = raw;
    EXPECT_TRUE(OcrDoubt(cell)) << raw;
  }
  cell.raw = "96171.6";
  EXPECT_FALSE(OcrDoubt(cell));
  cell.ocr.confidence = -1;  // not OCR: the usual reading applies
  cell.raw = "05";
  EXPECT_FALSE(OcrDoubt(cell));
}

// ---- bad input: each a clear warning, no crash, within its limits
// --------------------------------

struct BadImage {
  const char* file;
  const char* format;
  const char* warning;
};

class OcrBadInput : public ::testing::TestWithParam<BadImage> {};

TEST_P(OcrBadInput, GivesAClearWarning) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e = Extract(Data(GetParam().file), *rules);
  EXPECT_EQ(e.format, GetParam().format);
  EXPECT_FALSE(e.template_id.has_value());
  EXPECT_TRUE(HasWarning(e, GetParam().warning)) << ::testing::PrintToString(e.warnings);
}

INSTANTIATE_TEST_SUITE_P(
    Images, OcrBadInput,
    ::testing::Values(
        BadImage{"bomb-30000.png", "png",
                 "ocr: image 30000×30000 pixels is more than the 50 million pixel limit: refused"},
        BadImage{"one-pixel.png", "png", "ocr: image 1×1 pixels is too small to hold a table"},
        BadImage{"truncated.jpg", "jpeg", "ocr: the JPEG is cut short (no end-of-image marker)"},
        BadImage{"prose-150.png", "png", "ocr: no table found among the"},
        BadImage{"300-pages.pdf", "pdf", "ocr: only the first 40 of 200 scanned pages were read"}),
    [](const ::testing::TestParamInfo<BadImage>& info) {
      std::string name = info.param.file;
      for (char& c : name) {
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace nianbao
