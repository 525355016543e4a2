// CSV export: parsed back with an RFC 4180 reader and compared value by value, with Chinese text,
// commas, quotes and newlines in cells; the BOM and the formula guard only in Excel (--bom) output.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "store/store.h"
#include "tests/support/store_fixtures.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

using testing::RecordOkFetch;
using testing::TempDir;
using Rows = std::vector<std::vector<std::string>>;

// RFC 4180: fields separated by commas, records by CRLF; a quoted field may hold commas, CR, LF and
// doubled quotes. Fails the test on anything else (a bare LF ending a record, a stray quote).
Rows ParseCsv(const std::string& text) {
  Rows rows;
  std::vector<std::string> row;
  std::string field;
  size_t i = 0;
  bool field_started = false;
  while (i < text.size()) {
    char c = text[i];
    if (c == '"' && !field_started) {
      field_started = true;
      ++i;
      for (;;) {
        if (i >= text.size()) {
          ADD_FAILURE() << "unterminated quoted field";
          return rows;
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += text[i++];
      }
      if (i < text.size() && text[i] != ',' && text[i] != '\r') {
        ADD_FAILURE() << "text after a closing quote at byte " << i;
        return rows;
      }
      continue;
    }
    if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
      ++i;
    } else if (c == '\r') {
      if (i + 1 >= text.size() || text[i + 1] != '\n') {
        ADD_FAILURE() << "CR not followed by LF at byte " << i;
        return rows;
      }
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
      rows.push_back(std::move(row));
      row.clear();
      i += 2;
    } else if (c == '\n' || c == '"') {
      ADD_FAILURE() << "bare " << (c == '\n' ? "LF" : "quote") << " in an unquoted field at byte "
                    << i;
      return rows;
    } else {
      field += c;
      field_started = true;
      ++i;
    }
  }
  if (field_started || !row.empty()) ADD_FAILURE() << "the last record does not end with CRLF";
  return rows;
}

// Two templates' worth of catalogue, as RuleSet::Fields() gives it.
std::vector<FieldSpec> Catalogue() {
  return {
      {"v2021", "requests.new.total", "三", "一、本年新收政府信息公开申请数量", "总计", "件"},
      {"v2021", "active.fees.amount", "二", "行政事业性收费", "本年收费金额（单位：万元）", "万元"},
      {"v2021", "active.licensing.change", "二", "行政许可", "本年增/减", "项"},
      {"legacy", "requests.received", "", "收到申请数", "统计数", "件"},
      {"legacy", "requests.new.total", "", "（重复的 id 只占一列）", "统计数", "件"},
  };
}

const char kUrlA[] = "https://www.pingtan.gov.cn/zfxxgk/2024.htm";
const char kUrlB[] = "https://xxgk.example.gov.cn/nb/2015,report.htm";

Extraction ReportA() {
  Extraction e;
  e.template_id = "v2021";
  e.year = 2024;
  e.format = "html";
  e.issuer = "平潭综合实验区管理委员会, \"办公室\"\n第二行";
  e.title = "=HYPERLINK(\"http://evil\")";
  e.published = "2025-03-10";
  e.fields = {{"requests.new.total", 218},
              {"active.fees.amount", 18651.06},
              {"active.licensing.change", -8}};
  e.cells["requests.new.total"] = {"218", "一、本年新收 | 总计", 1, 3, 9};
  e.cells["active.fees.amount"] = {"18651.06万元", "行政事业性收费 | 本年收费金额", 0, 9, 3};
  e.cells["active.licensing.change"] = {"-8", "行政许可 | 本年增/减", 0, 4, 2};
  return e;
}

Extraction ReportB() {
  Extraction e;
  e.template_id = "legacy";
  e.year = 2015;
  e.format = "pdf";
  e.issuer = "@某县人民政府办公室";
  e.title = "+某县2015年报";
  e.fields = {{"requests.received", 12}, {"requests.new.total", std::nullopt}};
  e.cells["requests.received"] = {"十二,（12）", "收到申请数", 0, 2, 2};
  e.cells["requests.new.total"] = {"—", "申请总数", 0, 3, 2};
  return e;
}

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = Store::Open(dir_.File("export.db"));
    store_->SaveExtraction(kUrlA, RecordOkFetch(*store_, kUrlA, 1741600000), ReportA(), "a");
    store_->SaveExtraction(kUrlB, RecordOkFetch(*store_, kUrlB, 1741600100), ReportB(), "b");
  }

  std::string Export(ExportOptions options) {
    options.catalogue = Catalogue();
    std::ostringstream out;
    store_->Export(options, out);
    return out.str();
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ExportTest, LongRoundTripsEveryValue) {
  ExportOptions unguarded;
  unguarded.guard = false;  // the text exactly as stored
  std::string csv = Export(unguarded);
  ASSERT_FALSE(csv.starts_with("\xEF\xBB\xBF"));
  Rows rows = ParseCsv(csv);
  // Columns after format (label, label_zh, published, the quality columns) are checked below.
  ASSERT_EQ(rows.size(), 6u);
  ASSERT_EQ(rows[0].size(), 26u);  // ... rules_sha256, checks_warned_ids, then 5 body columns
  EXPECT_EQ(rows[0][11], "label");
  EXPECT_EQ(rows[0][12], "label_zh");
  EXPECT_EQ(rows[0][14], "checks_failed");
  for (Rows::value_type& row : rows) row.resize(11);
  Rows expected = {
      {"url", "issuer", "year", "template", "version", "fetched_at", "field", "value", "raw",
       "unit", "format"},
      {kUrlA, *ReportA().issuer, "2024", "v2021", "1", "2025-03-10T09:46:40Z", "requests.new.total",
       "218", "218", "件", "html"},
      {kUrlA, *ReportA().issuer, "2024", "v2021", "1", "2025-03-10T09:46:40Z", "active.fees.amount",
       "18651.06", "18651.06万元", "万元", "html"},
      {kUrlA, *ReportA().issuer, "2024", "v2021", "1", "2025-03-10T09:46:40Z",
       "active.licensing.change", "-8", "-8", "项", "html"},
      {kUrlB, "@某县人民政府办公室", "2015", "legacy", "1", "2025-03-10T09:48:20Z",
       "requests.received", "12", "十二,（12）", "件", "pdf"},
      {kUrlB, "@某县人民政府办公室", "2015", "legacy", "1", "2025-03-10T09:48:20Z",
       "requests.new.total", "", "—", "件", "pdf"},
  };
  EXPECT_EQ(rows, expected);
}

TEST_F(ExportTest, WideHasCatalogueColumnsAndBlanksWhereAFieldDoesNotApply) {
  ExportOptions options;
  options.layout = ExportOptions::Layout::kWide;
  options.guard = false;  // the text exactly as stored
  Rows rows = ParseCsv(Export(options));
  // After format: the quality columns (no failed check, no unmatched label in these reports).
  ASSERT_EQ(rows.size(), 3u);
  ASSERT_EQ(rows[0].size(), 25u);
  EXPECT_EQ(rows[0][13], "checks_failed");
  EXPECT_EQ(rows[0][18], "rules_sha256");
  EXPECT_EQ(rows[1][13], "0");
  EXPECT_EQ(rows[2][16], "0");  // unmatched
  for (Rows::value_type& row : rows) row.resize(13);
  Rows expected = {
      {"url", "issuer", "year", "template", "version", "fetched_at", "title", "published",
       "requests.new.total", "active.fees.amount", "active.licensing.change", "requests.received",
       "format"},
      {kUrlA, *ReportA().issuer, "2024", "v2021", "1", "2025-03-10T09:46:40Z", *ReportA().title,
       "2025-03-10", "218", "18651.06", "-8", "", "html"},
      {kUrlB, "@某县人民政府办公室", "2015", "legacy", "1", "2025-03-10T09:48:20Z", "+某县2015年报",
       "", "", "", "", "12", "pdf"},
  };
  EXPECT_EQ(rows, expected);
}

TEST_F(ExportTest, WideWithTemplateHasOnlyThatTemplatesColumns) {
  ExportOptions options;
  options.layout = ExportOptions::Layout::kWide;
  options.template_id = "legacy";
  Rows rows = ParseCsv(Export(options));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(std::vector<std::string>(rows[0].begin() + 8, rows[0].begin() + 11),
            (std::vector<std::string>{"requests.received", "requests.new.total", "format"}));
  EXPECT_EQ(rows[1][0], kUrlB);
  EXPECT_EQ(std::vector<std::string>(rows[1].begin() + 8, rows[1].begin() + 11),
            (std::vector<std::string>{"12", "", "pdf"}));
}

TEST_F(ExportTest, ExcelOutputHasBomAndGuardsTextFormulasButNotNumbers) {
  ExportOptions options;
  options.excel = true;
  std::string csv = Export(options);
  ASSERT_TRUE(csv.starts_with("\xEF\xBB\xBF"));
  Rows rows = ParseCsv(csv.substr(3));
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[3][7], "-8");  // a number stays a number
  EXPECT_EQ(rows[3][8], "-8");  // numeric raw text cannot be a formula either
  EXPECT_EQ(rows[4][1], "'@某县人民政府办公室");
  EXPECT_EQ(rows[1][1], *ReportA().issuer);  // plain text is untouched

  options.layout = ExportOptions::Layout::kWide;
  rows = ParseCsv(Export(options).substr(3));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][6], "'" + *ReportA().title);
  EXPECT_EQ(rows[2][6], "'+某县2015年报");
  EXPECT_EQ(rows[1][10], "-8");
}

TEST_F(ExportTest, FormulaGuardIsOnWithoutBomAndOffWithGuardFalse) {
  ExportOptions options;  // no BOM: the guard is on by default
  std::string csv = Export(options);
  ASSERT_FALSE(csv.starts_with("\xEF\xBB\xBF"));
  Rows rows = ParseCsv(csv);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[4][1], "'@某县人民政府办公室");
  options.guard = false;  // --no-guard
  rows = ParseCsv(Export(options));
  EXPECT_EQ(rows[4][1], "@某县人民政府办公室");
  EXPECT_EQ(rows[3][7], "-8");
}

TEST_F(ExportTest, FiltersByTemplateYearAndIssuer) {
  ExportOptions options;
  options.layout = ExportOptions::Layout::kWide;
  options.year = 2015;
  Rows rows = ParseCsv(Export(options));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][0], kUrlB);
  options.year.reset();
  options.issuer = "平潭";
  rows = ParseCsv(Export(options));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][0], kUrlA);
  options.issuer.reset();
  options.template_id = "v2019";
  EXPECT_EQ(ParseCsv(Export(options)).size(), 1u);  // the header alone
}

TEST_F(ExportTest, LatestVersionUnlessAllVersions) {
  Extraction changed = ReportA();
  changed.fields[0].second = 219;
  changed.cells["requests.new.total"].raw = "219";
  store_->SaveExtraction(kUrlA, RecordOkFetch(*store_, kUrlA, 1741700000), changed, "a2");
  ExportOptions options;
  options.layout = ExportOptions::Layout::kWide;
  Rows rows = ParseCsv(Export(options));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][4], "2");
  EXPECT_EQ(rows[1][8], "219");
  options.all_versions = true;
  rows = ParseCsv(Export(options));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1][4], "1");
  EXPECT_EQ(rows[1][8], "218");
  EXPECT_EQ(rows[2][4], "2");
  EXPECT_EQ(rows[2][8], "219");
  EXPECT_EQ(rows[3][0], kUrlB);

  ExportOptions long_options;
  long_options.all_versions = true;
  EXPECT_EQ(ParseCsv(Export(long_options)).size(), 1u + 3 + 3 + 2);
}

TEST_F(ExportTest, ReportWithoutTableIsAWideRowWithBlankFields) {
  Extraction none;
  none.title = "某局2023年报";
  const char url[] = "https://c.gov.cn/none.htm";
  store_->SaveExtraction(url, RecordOkFetch(*store_, url), none, "c");
  ExportOptions options;
  options.layout = ExportOptions::Layout::kWide;
  Rows rows = ParseCsv(Export(options));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3][0], url);
  EXPECT_EQ(rows[3][6], "某局2023年报");
  EXPECT_EQ(rows[3][8], "");
  EXPECT_EQ(ParseCsv(Export({})).size(), 6u);  // long: no rows for it
}

TEST_F(ExportTest, EmptyDatabaseExportsTheHeaderOnly) {
  TempDir other;
  auto empty = Store::Open(other.File("empty.db"));
  std::ostringstream out;
  ExportOptions options;
  ExportStats stats = empty->Export(options, out);
  EXPECT_EQ(stats.rows, 0);
  EXPECT_EQ(
      out.str(),
      "url,issuer,year,template,version,fetched_at,field,value,raw,unit,format,label,label_zh,"
      "published,checks_failed,checks_failed_ids,checks_not_assessable,unmatched,warnings,"
      "rules_sha256,checks_warned_ids,body_id,body_name,body_level,body_province,"
      "body_region_code\r\n");
}

}  // namespace
}  // namespace nianbao
