// Documents other than HTML and text: format sniffing, PDF word boxes, DOCX/XLSX, DOC/XLS via
// LibreOffice, and hostile documents. The documents under tests/data/documents were made from real
// corpus reports by tests/data/documents/make_documents.sh; each test names its source.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "extract/extract.h"
#include "extract/read/office.h"
#include "extract/read/ooxml.h"
#include "extract/read/pdf.h"
#include "extract/read/sniff.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"
#include "tests/support/truth.h"

namespace nianbao {
namespace {

std::string Doc(const std::string& name) {
  return testing::ReadFileBytes(testing::DataDir() + "/documents/" + name);
}

nlohmann::json PingtanTruth() {
  return nlohmann::json::parse(
      testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html.truth.json"));
}

bool HasWarning(const std::vector<std::string>& warnings, const std::string& part) {
  for (const std::string& w : warnings) {
    if (w.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string Warnings(const std::vector<std::string>& warnings) {
  return ::testing::PrintToString(warnings);
}

// ---- sniffing ---------------------------------------------------------------------------------

TEST(Sniff, RealDocumentsByTheirBytes) {
  EXPECT_EQ(SniffFormat(testing::ReadFileBytes(testing::CorpusDir() + "/huaian-2024.pdf")),
            Format::kPdf);
  EXPECT_EQ(SniffFormat(testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html")),
            Format::kHtml);
  EXPECT_EQ(SniffFormat(testing::ReadFileBytes(testing::CorpusDir() + "/nanchang-2018.txt")),
            Format::kText);
  EXPECT_EQ(SniffFormat(Doc("pingtan-2024-form.docx")), Format::kDocx);
  EXPECT_EQ(SniffFormat(Doc("pingtan-2024-form.doc")), Format::kDoc);
  EXPECT_EQ(SniffFormat(Doc("pingtan-2024-calc.xlsx")), Format::kXlsx);
  EXPECT_EQ(SniffFormat(Doc("pingtan-2024-calc.xls")), Format::kXls);
  EXPECT_EQ(SniffFormat(testing::ReadFileBytes(testing::DataDir() + "/pingtan-2024.gb18030.html")),
            Format::kHtml);
}

TEST(Sniff, ExtensionsThatLieAreIgnored) {
  EXPECT_EQ(SniffFormat(Doc("bad/huaian-2024-really-pdf.docx")), Format::kPdf);
  EXPECT_EQ(SniffFormat(Doc("bad/pingtan-2024-really-docx.html")), Format::kDocx);
  EXPECT_EQ(SniffFormat(Doc("bad/empty.docx")), Format::kEmpty);
}

TEST(Sniff, MagicNumbers) {
  EXPECT_EQ(SniffFormat(std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16)), Format::kPng);
  EXPECT_EQ(SniffFormat("\xFF\xD8\xFF\xE0\x00\x10JFIF"), Format::kJpeg);
  EXPECT_EQ(SniffFormat(std::string("II*\0\x08\0\0\0", 8)), Format::kTiff);
  EXPECT_EQ(SniffFormat(std::string("MM\0*\0\0\0\x08", 8)), Format::kTiff);
  EXPECT_EQ(SniffFormat("GIF89a\x01\x00\x01\x00"), Format::kGif);
  EXPECT_EQ(
      SniffFormat(std::string("BM\x46\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0\x01\0\0\0\x01\0\0\0", 26)),
      Format::kBmp);
  EXPECT_EQ(SniffFormat(std::string("Rar!\x1A\x07\x01\0", 8)), Format::kRar);
  EXPECT_EQ(SniffFormat("junk before the header\n%PDF-1.4\n"), Format::kPdf);
  EXPECT_EQ(SniffFormat(std::string("\x01\x02\x03\0\x05", 5)), Format::kBinary);
  EXPECT_EQ(SniffFormat("  \n\t "), Format::kEmpty);
  EXPECT_EQ(SniffFormat("BM is how this line of text starts"), Format::kText);
  // A zip that cannot be opened is still a zip: its reader says what is wrong.
  EXPECT_EQ(SniffFormat(std::string("PK\x03\x04", 4) + "not a real zip"), Format::kZip);
}

TEST(Sniff, FormatNames) {
  EXPECT_EQ(FormatName(Format::kDocx), "docx");
  EXPECT_EQ(FormatName(Format::kWps), "wps");
  EXPECT_EQ(FormatName(Format::kOfd), "ofd");
}

// ---- PDF ----------------------------------------------------------------------------------------

// Source: corpus/huaian-2024.pdf, the real WPS-made 2024 report of 淮安市人民政府 (its truth file
// is checked field by field by CorpusTest); here: where its cells came from.
TEST(Pdf, HuaianCellsRecordTheirPages) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e = Extract(testing::ReadFileBytes(testing::CorpusDir() + "/huaian-2024.pdf"), *rules);
  ASSERT_EQ(e.template_id, "v2021") << Warnings(e.warnings);
  EXPECT_EQ(e.format, "pdf");
  EXPECT_EQ(e.title, "淮安市人民政府2024年政府信息公开工作年度报告");
  EXPECT_EQ(e.cells.at("active.rules.in_force").page, 3);
  EXPECT_EQ(e.cells.at("active.penalty.decisions").page, 4);  // table 二 over a page break
  EXPECT_EQ(e.cells.at("requests.new.total").page, 4);
  // （四）无法提供 starts on page 4 and goes on on page 5, past the page footer -4-.
  EXPECT_EQ(e.cells.at("outcome.unavailable.not_held.total").page, 4);
  EXPECT_EQ(e.cells.at("outcome.unavailable.needs_creation.total").page, 5);
  EXPECT_EQ(e.cells.at("outcome.total.total").raw, "3050");
  EXPECT_EQ(e.cells.at("litigation.after_review.total").page, 5);
  EXPECT_TRUE(e.checks.empty());
}

// The word boxes alone (no -layout fallback) place the vertical stub and the wrapped labels.
TEST(Pdf, HuaianWordBoxGrid) {
  ChildLimits limits;
  Page page = ReadPdf(testing::ReadFileBytes(testing::CorpusDir() + "/huaian-2024.pdf"), limits);
  ASSERT_TRUE(page.positional);
  bool stub = false, wrapped = false, header = false, footer = false;
  for (const Grid& g : page.tables) {
    for (const GridCell& c : g.cells) {
      stub |= c.text == "三、本年度办理结果" && c.rowspan > 20;
      wrapped |= c.text == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）";
      header |= c.text == "商业企业";
      footer |= c.text.find("-4-") != std::string::npos;
    }
  }
  EXPECT_TRUE(stub);
  EXPECT_TRUE(wrapped);
  EXPECT_TRUE(header);
  EXPECT_FALSE(footer);
  EXPECT_NE(page.text.find("全市共受理政府信息公开申请 3119 件"), std::string::npos);
}

// Source: corpus/pingtan-2024.html's values in the official 2021 form (docs/template-2021.docx),
// exported to PDF by LibreOffice Writer: a ruled, Word-export-like PDF, unlike the WPS one.
// Wrapped sub-row labels of （五）5 and （六） are not all placed yet: what is read must be right,
// what is not read must be null.
TEST(Pdf, LibreOfficeExportOfTheFilledForm) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e = Extract(Doc("pingtan-2024-form.pdf"), *rules);
  ASSERT_EQ(e.template_id, "v2021") << Warnings(e.warnings);
  EXPECT_EQ(e.year, 2024);
  nlohmann::json truth = PingtanTruth();
  int exact = 0;
  for (const auto& [field, value] : e.fields) {
    if (!value) continue;
    ASSERT_TRUE(truth["fields"].contains(field)) << field;
    EXPECT_EQ(nlohmann::json(*value), truth["fields"][field]) << field;
    ++exact;
  }
  EXPECT_GE(exact, 185);
}

TEST(Pdf, WordBoxesOfGarbageAreAWarning) {
  Page page = PageFromWordBoxes("<html><body><doc><page width=\"1\"><word xMin=\"x\">");
  EXPECT_TRUE(page.tables.empty());
  EXPECT_TRUE(HasWarning(page.warnings, "malformed")) << Warnings(page.warnings);
  EXPECT_TRUE(PageFromWordBoxes("").tables.empty());
}

// ---- DOCX / XLSX ------------------------------------------------------------------------------

// Source: corpus/pingtan-2024.html (truth pingtan-2024.html.truth.json) filled into the official
// form docs/template-2021.docx by tests/data/documents/fill_template.py: 26 gridSpan and 58 vMerge
// merges, a tracked change in requests.new.total (999 deleted, 218 inserted), one number in two
// runs.
TEST(Docx, FilledOfficialFormExtractsAsTruth) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e = Extract(Doc("pingtan-2024-form.docx"), *rules);
  ASSERT_EQ(e.template_id, "v2021") << Warnings(e.warnings);
  EXPECT_EQ(e.format, "docx");
  nlohmann::json truth = PingtanTruth();
  truth.erase("violations");
  testing::ExpectFieldsAsTruth(e, truth, *rules);
  EXPECT_EQ(e.cells.at("requests.new.total").raw, "218");
  EXPECT_EQ(e.year, 2024);
  EXPECT_EQ(e.issuer, "平潭综合实验区");
  EXPECT_TRUE(e.unmatched.empty());
}

TEST(Docx, GridHasTheFormsMerges) {
  Page page = ParseDocx(Doc("pingtan-2024-form.docx"));
  ASSERT_EQ(page.tables.size(), 3u);
  EXPECT_EQ(page.title, "平潭综合实验区2024年度政府信息公开工作年度报告");
  const Grid& t3 = page.tables[1];
  bool stub = false, applicant = false;
  for (const GridCell& c : t3.cells) {
    stub |= c.text == "三、本年度办理结果" && c.rowspan == 22;
    applicant |= c.text == "申请人情况" && c.colspan == 7;
  }
  EXPECT_TRUE(stub);
  EXPECT_TRUE(applicant);
}

// Source: corpus/pingtan-2024.html opened in LibreOffice Calc and saved as XLSX: its three tables
// on one sheet, the page's spans as mergeCells, numbers as numbers.
TEST(Xlsx, CalcCopyOfThePageExtractsAsTruth) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e = Extract(Doc("pingtan-2024-calc.xlsx"), *rules);
  ASSERT_EQ(e.template_id, "v2021") << Warnings(e.warnings);
  EXPECT_EQ(e.format, "xlsx");
  nlohmann::json truth = PingtanTruth();
  truth.erase("violations");
  testing::ExpectFieldsAsTruth(e, truth, *rules);
  EXPECT_EQ(e.cells.at("active.fees.amount").raw, "18651.06");
}

TEST(Ooxml, PageSurvivesTheTripOverThePipe) {
  Page page = ParseDocx(Doc("pingtan-2024-form.docx"));
  Page back = DeserializePage(SerializePage(page));
  ASSERT_EQ(back.tables.size(), page.tables.size());
  EXPECT_EQ(back.title, page.title);
  EXPECT_EQ(back.text, page.text);
  EXPECT_EQ(back.tables[1].slots, page.tables[1].slots);
  EXPECT_EQ(back.tables[1].cells[5].text, page.tables[1].cells[5].text);
  EXPECT_TRUE(HasWarning(DeserializePage("{\"title\": 3}").warnings, "could not be read back"));
}

TEST(Ooxml, InProcessAndIsolatedReadersAgree) {
  auto rules = RuleSet::LoadEmbedded();
  ExtractOptions in_process;
  in_process.isolate = false;
  EXPECT_EQ(Extract(Doc("pingtan-2024-form.docx"), *rules, in_process),
            Extract(Doc("pingtan-2024-form.docx"), *rules));
}

// ---- DOC / XLS through LibreOffice ------------------------------------------------------------

// Source: the filled form above saved by LibreOffice as a Word 97 DOC.
TEST(LegacyOffice, DocThroughLibreOffice) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e = Extract(Doc("pingtan-2024-form.doc"), *rules);
  EXPECT_EQ(e.format, "doc");
  if (!HaveLibreOffice()) {
    EXPECT_TRUE(HasWarning(e.warnings, "unsupported format DOC: install libreoffice-writer-nogui"))
        << Warnings(e.warnings);
    GTEST_SKIP() << "LibreOffice (soffice) is not installed: the DOC gives only the warning";
  }
  ASSERT_EQ(e.template_id, "v2021") << Warnings(e.warnings);
  nlohmann::json truth = PingtanTruth();
  truth.erase("violations");
  testing::ExpectFieldsAsTruth(e, truth, *rules);
}

// Source: corpus/pingtan-2024.html saved by LibreOffice Calc as XLS.
TEST(LegacyOffice, XlsThroughLibreOffice) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e = Extract(Doc("pingtan-2024-calc.xls"), *rules);
  EXPECT_EQ(e.format, "xls");
  if (!HaveLibreOffice()) {
    EXPECT_TRUE(HasWarning(e.warnings, "unsupported format XLS: install libreoffice-calc-nogui"));
    GTEST_SKIP() << "LibreOffice (soffice) is not installed: the XLS gives only the warning";
  }
  ASSERT_EQ(e.template_id, "v2021") << Warnings(e.warnings);
  nlohmann::json truth = PingtanTruth();
  truth.erase("violations");
  testing::ExpectFieldsAsTruth(e, truth, *rules);
}

TEST(LegacyOffice, WithoutLibreOfficeTheWarningNamesThePackage) {
  std::string path = getenv("PATH") ? getenv("PATH") : "";
  setenv("PATH", "/nonexistent", 1);
  Page doc = ReadLegacyOffice(Doc("pingtan-2024-form.doc"), Format::kDoc, ChildLimits{});
  Page wps = ReadLegacyOffice(Doc("pingtan-2024-form.doc"), Format::kWps, ChildLimits{});
  setenv("PATH", path.c_str(), 1);
  EXPECT_EQ(doc.warnings,
            std::vector<std::string>{"unsupported format DOC: install libreoffice-writer-nogui"});
  EXPECT_EQ(wps.warnings,
            std::vector<std::string>{"unsupported format WPS: install libreoffice-writer-nogui"});
}

// ---- hostile documents (tests/data/documents/make_bad_documents.py) ---------------------------

struct BadCase {
  const char* file;
  const char* format;
  const char* warning;
};

class BadDocument : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadDocument, ClearWarningNoTable) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction e = Extract(Doc(std::string("bad/") + GetParam().file), *rules);
  EXPECT_EQ(e.format, GetParam().format);
  EXPECT_FALSE(e.template_id.has_value());
  EXPECT_TRUE(HasWarning(e.warnings, GetParam().warning)) << Warnings(e.warnings);
}

INSTANTIATE_TEST_SUITE_P(
    Documents, BadDocument,
    ::testing::Values(
        BadCase{"encrypted.pdf", "pdf", "the PDF is encrypted: a password is needed"},
        BadCase{"truncated.pdf", "pdf", "cannot open the PDF, damaged or not a PDF"},
        BadCase{"looping-streams.pdf", "pdf", "pdf: no text layer"},
        BadCase{"500-pages.pdf", "pdf", "only the first 200 pages were read"},
        BadCase{"zip-bomb.docx", "docx", "zip bomb refused: word/document.xml inflates"},
        BadCase{"nested-tables.docx", "docx", "tables nested over 32 deep were skipped"},
        BadCase{"empty.docx", "empty", "empty document"}),
    [](const ::testing::TestParamInfo<BadCase>& info) {
      std::string name = info.param.file;
      for (char& c : name) {
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(BadDocument, MillionEmptyCellsCostNothing) {
  Page page = ParseXlsx(Doc("bad/million-empty-cells.xlsx"));
  ASSERT_EQ(page.tables.size(), 1u) << Warnings(page.warnings);
  EXPECT_EQ(page.tables[0].cells.size(), 1u);
  EXPECT_EQ(page.tables[0].cells[0].text, "42");
  EXPECT_TRUE(page.warnings.empty()) << Warnings(page.warnings);
}

TEST(BadDocument, LyingExtensionsReadAsWhatTheyAre) {
  auto rules = RuleSet::LoadEmbedded();
  Extraction pdf = Extract(Doc("bad/huaian-2024-really-pdf.docx"), *rules);
  EXPECT_EQ(pdf.format, "pdf");
  EXPECT_EQ(pdf.template_id, "v2021");
  Extraction docx = Extract(Doc("bad/pingtan-2024-really-docx.html"), *rules);
  EXPECT_EQ(docx.format, "docx");
  EXPECT_EQ(docx.template_id, "v2021");
}

TEST(BadDocument, ZipBombRefusedByTheInflatedCountToo) {
  // The DOCX zip with its entry's declared sizes intact is refused by the ratio; a broken zip
  // header is refused as unreadable. Both are warnings, never an exception.
  std::string bomb = Doc("bad/zip-bomb.docx");
  Page page = ParseDocx(bomb);
  EXPECT_TRUE(HasWarning(page.warnings, "zip bomb refused")) << Warnings(page.warnings);
  Page cut = ParseDocx(bomb.substr(0, bomb.size() / 2));
  EXPECT_TRUE(HasWarning(cut.warnings, "docx: ")) << Warnings(cut.warnings);
}

}  // namespace
}  // namespace nianbao
