// The export's output formats beyond CSV (store/export_sink.h) and the files written beside an
// export: JSON Lines, XLSX (libxlsxwriter, constant memory, split across sheets at the row
// limit, with a codebook sheet), Stata/SAS-safe short column names with their labels file, and
// the Frictionless datapackage.json of a CSV export. Sinks throw std::runtime_error naming the
// file when writing fails.
#ifndef NIANBAO_CMD_EXPORT_FORMATS_H_
#define NIANBAO_CMD_EXPORT_FORMATS_H_

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "cmd/codebook.h"
#include "store/export_sink.h"

namespace nianbao {

// One JSON object per line: {"column": value, ...}, numbers as numbers, "" cells as null.
class JsonlSink : public ExportSink {
 public:
  explicit JsonlSink(std::ostream& out) : out_(out) {}
  void Begin(const std::vector<ExportColumn>& columns) override;
  void Row(const ExportRow& cells) override;
  void End() override;

 private:
  std::ostream& out_;
  std::vector<ExportColumn> columns_;
  std::string buffer_;
};

// Excel's limit: 1,048,576 rows a sheet, the header included.
constexpr int64_t kXlsxMaxRows = 1048576;

// An XLSX workbook at `path`: the rows on sheets "data", "data2", ... of at most `sheet_rows` rows
// each (the header repeated on each), then a "columns" sheet (name, type, unit, label_zh,
// description) and a "codebook" sheet (the fields of `codebook` in `template_id`, empty: all).
// Numbers are numeric cells, text is text (never a formula). Constant memory: rows go to disk as
// written.
class XlsxSink : public ExportSink {
 public:
  XlsxSink(std::string path, int64_t sheet_rows, const Codebook* codebook, std::string template_id);
  ~XlsxSink() override;
  void Begin(const std::vector<ExportColumn>& columns) override;
  void Row(const ExportRow& cells) override;
  void End() override;

 private:
  struct Workbook;
  void NewSheet();
  std::string path_;
  int64_t sheet_rows_;
  const Codebook* codebook_;
  std::string template_id_;
  std::unique_ptr<Workbook> book_;
  std::vector<ExportColumn> columns_;
  int64_t row_in_sheet_ = 0;
  int sheets_ = 0;
};

// Stata- and SAS-safe names: [A-Za-z_][A-Za-z0-9_]*, at most 32 characters, unique (compared
// without case), in the order given. Long names are shortened, keeping their end (the part that
// tells fields apart), with a number added where two would be the same.
std::vector<std::string> ShortNames(const std::vector<std::string>& names);

// Passes everything to `inner`; at Begin fills in each field column's English description from
// `codebook` (when given) and, with `short_names`, renames the columns (ShortNames). Columns()
// are the columns as written, Originals() their names before renaming.
class ColumnNaming : public ExportSink {
 public:
  ColumnNaming(ExportSink& inner, bool short_names, const Codebook* codebook)
      : inner_(inner), short_names_(short_names), codebook_(codebook) {}
  void Begin(const std::vector<ExportColumn>& columns) override;
  void Row(const ExportRow& cells) override { inner_.Row(cells); }
  void End() override { inner_.End(); }
  const std::vector<ExportColumn>& Columns() const { return columns_; }
  const std::vector<std::string>& Originals() const { return originals_; }

 private:
  ExportSink& inner_;
  bool short_names_;
  const Codebook* codebook_;
  std::vector<ExportColumn> columns_;
  std::vector<std::string> originals_;
};

// The labels file of --names short: CSV "name,original,label_zh,unit,description", one line a
// column. Throws std::runtime_error naming the path.
void WriteLabelsFile(const std::string& path, const std::vector<ExportColumn>& columns,
                     const std::vector<std::string>& originals);

// datapackage.json for the CSV `csv_path`, written in its directory: a tabular-data-package with
// one tabular-data-resource (name, path, profile, schema with every column's name, type, title =
// Chinese label, description and unit). Returns the descriptor's path. Throws std::runtime_error.
std::string WriteDatapackage(const std::string& csv_path, const std::vector<ExportColumn>& columns,
                             const std::string& title);

}  // namespace nianbao

#endif  // NIANBAO_CMD_EXPORT_FORMATS_H_
