// Where an export's rows go. The store's layouts (long, wide, panel: store/export.cc,
// store/export_panel.cc) describe their columns once and then hand over one row at a time; a sink
// writes them in one format (CSV here; JSON Lines and XLSX in cmd/export_formats.h). A sink never
// holds more than its current row (and a write buffer). Sink methods throw StoreError (or
// std::runtime_error) when writing fails; the export passes it on.
#ifndef NIANBAO_STORE_EXPORT_SINK_H_
#define NIANBAO_STORE_EXPORT_SINK_H_

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace nianbao {

// One column of an export: what a codebook, a datapackage.json or a labels file says about it.
struct ExportColumn {
  enum class Type { kString, kInteger, kNumber, kDate, kDateTime };
  std::string name;  // as in the header, e.g. "requests.new.total" or "checks_failed"
  Type type = Type::kString;
  std::string unit;         // "件", "万元"; empty when the column has none
  std::string label_zh;     // the official Chinese label (fields.tsv), empty for metadata columns
  std::string description;  // English, one line
};

// A row's cell: its text as exported ("" is empty: null in JSON, blank in CSV and XLSX). Integer
// and number cells hold a decimal number (FormatValue) or "".
using ExportRow = std::vector<std::string>;

class ExportSink {
 public:
  virtual ~ExportSink() = default;
  virtual void Begin(const std::vector<ExportColumn>& columns) = 0;
  virtual void Row(const ExportRow& cells) = 0;  // cells.size() == columns.size()
  virtual void End() = 0;                        // flushes; after the last row
};

// RFC 4180 CSV, UTF-8, CRLF line ends, a header line of the column names. `guard`: a text cell
// that Excel or LibreOffice would run as a formula (starting with = + - @, tab or CR, and not a
// number) gets a leading '. `bom`: a UTF-8 byte order mark first (Excel reads UTF-8 then).
class CsvSink : public ExportSink {
 public:
  CsvSink(std::ostream& out, bool guard, bool bom);
  void Begin(const std::vector<ExportColumn>& columns) override;
  void Row(const ExportRow& cells) override;
  void End() override;

 private:
  void Cell(std::string_view cell, bool text);
  void EndLine();
  void Flush();

  std::ostream& out_;
  bool guard_;
  bool first_in_row_ = true;
  std::vector<bool> text_;  // per column: a text column (guarded), else a number
  std::string buffer_;
};

}  // namespace nianbao

#endif  // NIANBAO_STORE_EXPORT_SINK_H_
