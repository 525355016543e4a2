// CsvSink: RFC 4180 with the formula guard, written in large pieces.
#include "store/csv.h"
#include "store/export_sink.h"
#include "store/store.h"

namespace nianbao {
namespace {

constexpr size_t kFlushAt = 1 << 16;

}  // namespace

CsvSink::CsvSink(std::ostream& out, bool guard, bool bom) : out_(out), guard_(guard) {
  buffer_.reserve(kFlushAt + 4096);
  if (bom) buffer_ += "\xEF\xBB\xBF";
}

void CsvSink::Begin(const std::vector<ExportColumn>& columns) {
  text_.clear();
  for (const ExportColumn& column : columns) {
    text_.push_back(column.type != ExportColumn::Type::kInteger &&
                    column.type != ExportColumn::Type::kNumber);
    Cell(column.name, true);
  }
  EndLine();
}

void CsvSink::Row(const ExportRow& cells) {
  for (size_t i = 0; i < cells.size(); ++i) Cell(cells[i], text_[i]);
  EndLine();
}

void CsvSink::End() {
  Flush();
  out_.flush();
  if (!out_) throw StoreError("writing the export failed");
}

void CsvSink::Cell(std::string_view cell, bool text) {
  if (!first_in_row_) buffer_ += ',';
  first_in_row_ = false;
  if (!text) {  // a number (or empty): never guarded, never quoted
    buffer_ += cell;
    return;
  }
  AppendCsvCell(cell, guard_, &buffer_);
}

void CsvSink::EndLine() {
  buffer_ += "\r\n";
  first_in_row_ = true;
  if (buffer_.size() >= kFlushAt) Flush();
}

void CsvSink::Flush() {
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
  if (!out_) throw StoreError("writing the export failed");
}

}  // namespace nianbao
