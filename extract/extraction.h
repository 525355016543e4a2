// The result of extracting one annual-report page: the contract between extract/, store/, the
// exports and the tests. Plain data; ToJson/FromJson give the public JSON shape of `nianbao
// extract` (see README "JSON output"), and FromJson(ToJson(x)) == x.
#ifndef NIANBAO_EXTRACT_EXTRACTION_H_
#define NIANBAO_EXTRACT_EXTRACTION_H_

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nianbao {

// A number as printed (converted to the field's unit), or nullopt for "not reported".
using Value = std::optional<double>;

// Where OCR read a cell in its page image: pixels from the image's top-left corner, and the
// engine's confidence (tesseract, 0–100) of its least sure word.
struct PixelBox {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  double confidence = -1;  // < 0: not read by OCR (the box is then meaningless)
  // The text pass's reading where it differs from the digits pass's (which gives the cell's text),
  // "(nothing)" when one pass read nothing there; empty when they agree. Such a value is null.
  std::string alternative{};
  bool operator==(const PixelBox&) const = default;
};

// Where a field's number came from.
struct FieldCell {
  std::string raw;  // the cell text as printed (whitespace collapsed)
  std::string label;  // row path, then column path, as printed: "三、本年度办理结果/（一）予以公开
                      // | 自然人"
  int table = 0;   // 0-based index of the table on the page (text input: of the text grid)
  int row = 0;     // 0-based grid row of the value's origin cell
  int column = 0;  // 0-based grid column of the value's origin cell
  int page = 0;    // 1-based page of a paged document (PDF); 0 when the format has no pages
  PixelBox ocr{};  // an OCR'd value: its box on page `page` and its confidence
  bool operator==(const FieldCell&) const = default;
};

// One failed check. `kind` "sum": a sum identity whose printed total differs from the sum of its
// terms; "total_missing": the total was left blank beside non-blank terms (`found` null);
// "text_vs_table": a figure of the report's prose differs from the table (`fields` names the
// field, `expected` the prose figure, `found` the table's value); "source_mismatch": the report's
// source document and another copy of it (e.g. the HTML page and its PDF attachment) disagree on
// field `total_field`: `found` is the source's value, `expected` the other document's, named by
// document_url and document_sha256.
struct CheckFailure {
  std::string identity;     // stable name from rules/checks, e.g. "t3.row_total.requests.new"
  std::string total_field;  // the field id on the total side
  std::vector<std::string> fields;  // the term field ids
  double expected = 0;
  Value found;  // the printed total; nullopt when it was left blank
  std::string kind = "sum";
  std::string document_url{};     // source_mismatch: the other document
  std::string document_sha256{};  // source_mismatch: its SHA-256
  bool operator==(const CheckFailure&) const = default;
};

// The outcome of one identity of the template: "pass", "fail" or "not_assessable" (its terms are
// all null, its total is not on the page, or a value it needs could not be read).
struct CheckStatus {
  std::string identity;
  std::string table;   // "t3", "t4", "legacy", "text": the part of the report it checks
  std::string status;  // "pass", "fail", "not_assessable"
  bool operator==(const CheckStatus&) const = default;
};

// A figure stated in the report's prose ("共受理政府信息公开申请3119件").
struct NarrativeFact {
  std::string field;     // the field the sentence names; empty when it names none
  double value = 0;      // the number as printed, in the field's unit
  std::string bound;     // "": exact; "at_least" (余, 超过, 多), "about" (约), "at_most" (近)
  std::string text;      // the figure as printed, e.g. "5500余条"
  std::string sentence;  // the sentence it is in
  int offset = 0;        // byte offset of `text` in the page's visible text
  bool operator==(const NarrativeFact&) const = default;
};

// A statistic row or column that no rule matched.
struct Unmatched {
  std::string kind;   // "row" or "column"
  std::string label;  // the label path as printed
  int table = 0;
  int row = 0;
  int column = 0;
  bool operator==(const Unmatched&) const = default;
};

struct Extraction {
  std::optional<std::string>
      template_id;          // "legacy", "v2019", "v2021"; nullopt: no statistics table
  std::optional<int> year;  // the report year (not the publication year)
  std::optional<std::string> issuer;
  std::optional<std::string> title;
  std::optional<std::string> published;  // ISO date "YYYY-MM-DD" when the page shows one
  // The format the document was read as, from its bytes: "html", "text", "pdf", "docx", "xlsx",
  // "doc", "wps", "xls", "ocr", ...; empty when unknown (an extraction stored before formats).
  std::string format;
  // Every field of the detected template, in fields.tsv order.
  std::vector<std::pair<std::string, Value>> fields;
  std::map<std::string, FieldCell> cells;  // only fields that were read from a cell
  std::vector<CheckFailure> checks;        // the failed checks only
  std::vector<CheckStatus> check_status;   // every identity of the template, in rules order
  std::vector<NarrativeFact> narrative;    // figures of the prose, in text order
  std::vector<Unmatched> unmatched;
  std::vector<std::string> warnings;  // human-readable, each naming what and where
  bool operator==(const Extraction&) const = default;
};

// Integral values are written as JSON integers, others as JSON numbers; null for nullopt.
nlohmann::json ValueToJson(const Value& value);
// Whether `v` is written as a JSON integer: integral and within ±2^53, where a double is exact.
bool IsJsonInteger(double v);
nlohmann::ordered_json ToJson(const Extraction& extraction);
// Throws nlohmann::json::exception on a malformed document.
Extraction FromJson(const nlohmann::json& json);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_EXTRACTION_H_
