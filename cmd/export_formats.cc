#include "cmd/export_formats.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "store/csv.h"

namespace nianbao {
namespace {

constexpr auto kReplaceInvalidUtf8 = nlohmann::json::error_handler_t::replace;
constexpr size_t kFlushAt = 1 << 16;

bool IsNumeric(const ExportColumn& column) {
  return column.type == ExportColumn::Type::kInteger || column.type == ExportColumn::Type::kNumber;
}

const char* TypeName(ExportColumn::Type type) {
  switch (type) {
    case ExportColumn::Type::kInteger:
      return "integer";
    case ExportColumn::Type::kNumber:
      return "number";
    case ExportColumn::Type::kDate:
      return "date";
    case ExportColumn::Type::kDateTime:
      return "datetime";
    case ExportColumn::Type::kString:
      break;
  }
  return "string";
}

// Excel keeps at most 32,767 characters in a cell: longer text is cut at a UTF-8 boundary.
std::string CellText(const std::string& text) {
  constexpr size_t kMax = 32767;
  if (text.size() <= kMax) return text;
  size_t end = kMax;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

// --- JSON Lines ---

void JsonlSink::Begin(const std::vector<ExportColumn>& columns) {
  columns_ = columns;
  buffer_.reserve(kFlushAt + 4096);
}

void JsonlSink::Row(const ExportRow& cells) {
  buffer_ += '{';
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) buffer_ += ',';
    buffer_ += nlohmann::json(columns_[i].name).dump(-1, ' ', false, kReplaceInvalidUtf8);
    buffer_ += ':';
    if (cells[i].empty()) {
      buffer_ += "null";
    } else if (IsNumeric(columns_[i])) {
      buffer_ += cells[i];  // FormatValue's decimal text is a JSON number
    } else {
      buffer_ += nlohmann::json(cells[i]).dump(-1, ' ', false, kReplaceInvalidUtf8);
    }
  }
  buffer_ += "}\n";
  if (buffer_.size() >= kFlushAt) {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
    if (!out_) throw std::runtime_error("writing the export failed");
  }
}

void JsonlSink::End() {
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
  out_.flush();
  if (!out_) throw std::runtime_error("writing the export failed");
}

// --- XLSX ---

struct XlsxSink::Workbook {
  lxw_workbook* book = nullptr;
  lxw_worksheet* sheet = nullptr;
  lxw_format* header = nullptr;
};

XlsxSink::XlsxSink(std::string path, int64_t sheet_rows, const Codebook* codebook,
                   std::string template_id)
    : path_(std::move(path)),
      sheet_rows_(std::clamp<int64_t>(sheet_rows, 2, kXlsxMaxRows)),
      codebook_(codebook),
      template_id_(std::move(template_id)),
      book_(std::make_unique<Workbook>()) {
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;  // rows are written to a temporary file as they come
  options.use_zip64 = LXW_TRUE;        // a long export can pass 4 GB
  book_->book = workbook_new_opt(path_.c_str(), &options);
  if (!book_->book) throw std::runtime_error("cannot create the workbook " + path_);
  book_->header = workbook_add_format(book_->book);
  format_set_bold(book_->header);
}

XlsxSink::~XlsxSink() {
  if (book_->book) workbook_close(book_->book);  // only after a failure: End closes it
}

void XlsxSink::NewSheet() {
  ++sheets_;
  std::string name = sheets_ == 1 ? "data" : "data" + std::to_string(sheets_);
  book_->sheet = workbook_add_worksheet(book_->book, name.c_str());
  if (!book_->sheet) throw std::runtime_error("cannot add the sheet " + name + " to " + path_);
  for (size_t i = 0; i < columns_.size(); ++i) {
    worksheet_write_string(book_->sheet, 0, static_cast<lxw_col_t>(i), columns_[i].name.c_str(),
                           book_->header);
  }
  worksheet_freeze_panes(book_->sheet, 1, 0);
  row_in_sheet_ = 1;
}

void XlsxSink::Begin(const std::vector<ExportColumn>& columns) {
  columns_ = columns;
  NewSheet();
}

void XlsxSink::Row(const ExportRow& cells) {
  if (row_in_sheet_ >= sheet_rows_) NewSheet();
  auto row = static_cast<lxw_row_t>(row_in_sheet_);
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i].empty()) continue;
    auto column = static_cast<lxw_col_t>(i);
    lxw_error error;
    if (IsNumeric(columns_[i])) {
      error = worksheet_write_number(book_->sheet, row, column,
                                     std::strtod(cells[i].c_str(), nullptr), nullptr);
    } else {
      error =
          worksheet_write_string(book_->sheet, row, column, CellText(cells[i]).c_str(), nullptr);
    }
    if (error != LXW_NO_ERROR) {
      throw std::runtime_error(path_ + ": cannot write a cell: " + lxw_strerror(error));
    }
  }
  ++row_in_sheet_;
}

void XlsxSink::End() {
  lxw_worksheet* sheet = workbook_add_worksheet(book_->book, "columns");
  const char* column_heads[] = {"name", "type", "unit", "label_zh", "description"};
  for (lxw_col_t c = 0; c < 5; ++c)
    worksheet_write_string(sheet, 0, c, column_heads[c], book_->header);
  for (size_t i = 0; i < columns_.size(); ++i) {
    const ExportColumn& col = columns_[i];
    auto r = static_cast<lxw_row_t>(i + 1);
    const std::string cells[] = {col.name, TypeName(col.type), col.unit, col.label_zh,
                                 col.description};
    for (lxw_col_t c = 0; c < 5; ++c)
      worksheet_write_string(sheet, r, c, cells[c].c_str(), nullptr);
  }
  if (codebook_) {
    sheet = workbook_add_worksheet(book_->book, "codebook");
    const char* heads[] = {"field",        "template", "section",    "row_label",
                           "column_label", "unit",     "harmonised", "gloss"};
    for (lxw_col_t c = 0; c < 8; ++c) worksheet_write_string(sheet, 0, c, heads[c], book_->header);
    lxw_row_t r = 1;
    for (const CodebookField& f : codebook_->fields) {
      if (!template_id_.empty() && f.spec.template_id != template_id_) continue;
      const std::string cells[] = {
          f.spec.field,        f.spec.template_id, f.spec.section, f.spec.row_label,
          f.spec.column_label, f.spec.unit,        f.harmonised,   f.gloss};
      for (lxw_col_t c = 0; c < 8; ++c)
        worksheet_write_string(sheet, r, c, cells[c].c_str(), nullptr);
      ++r;
    }
  }
  lxw_error error = workbook_close(book_->book);
  book_->book = nullptr;
  if (error != LXW_NO_ERROR) {
    throw std::runtime_error("cannot write the workbook " + path_ + ": " + lxw_strerror(error));
  }
}

// --- short names ---

std::vector<std::string> ShortNames(const std::vector<std::string>& names) {
  constexpr size_t kMax = 32;
  static const std::set<std::string> kReserved = {
      "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if",    "in",  "int",
      "long", "_n", "_pi",  "_pred", "_rc",   "_skip",  "strl",  "using", "with"};
  std::vector<std::string> out;
  std::set<std::string> taken;  // lower case: Stata compares names with case, SAS without
  for (const std::string& name : names) {
    std::string safe;
    for (char c : name) {
      bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_';
      if (!ok) c = '_';
      if (c == '_' && !safe.empty() && safe.back() == '_') continue;
      safe += c;
    }
    if (safe.empty() || std::isdigit(static_cast<unsigned char>(safe[0]))) safe = "v_" + safe;
    if (kReserved.count(Lower(safe))) safe += "_";
    if (safe.size() > kMax) safe = safe.substr(0, 15) + "_" + safe.substr(safe.size() - 16);
    std::string candidate = safe;
    for (int n = 2; taken.count(Lower(candidate)); ++n) {
      std::string suffix = std::string("_").append(std::to_string(n));
      candidate = safe.substr(0, std::min(safe.size(), kMax - suffix.size())) + suffix;
    }
    taken.insert(Lower(candidate));
    out.push_back(candidate);
  }
  return out;
}

void ColumnNaming::Begin(const std::vector<ExportColumn>& columns) {
  columns_ = columns;
  originals_.clear();
  std::map<std::string, std::string> glosses;
  if (codebook_) {
    for (const CodebookField& f : codebook_->fields) glosses.emplace(f.spec.field, f.gloss);
  }
  for (ExportColumn& column : columns_) {
    originals_.push_back(column.name);
    if (column.description.empty()) {
      if (auto found = glosses.find(column.name); found != glosses.end())
        column.description = found->second;
    }
  }
  if (short_names_) {
    std::vector<std::string> names = ShortNames(originals_);
    for (size_t i = 0; i < columns_.size(); ++i) columns_[i].name = names[i];
  }
  inner_.Begin(columns_);
}

// --- files beside the export ---

namespace {

// Writes `content` to `path` through a partial file renamed when complete.
void WriteWhole(const std::string& path, const std::string& content) {
  std::string partial = path + ".partial";
  {
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    file << content;
    file.flush();
    if (!file) {
      std::remove(partial.c_str());
      throw std::runtime_error("cannot write " + path);
    }
  }
  std::filesystem::rename(partial, path);
}

// A Frictionless name: lower case ASCII letters, digits and . _ - only.
std::string PackageName(const std::string& stem) {
  std::string name;
  for (char c : Lower(stem)) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    if (static_cast<unsigned char>(c) >= 0x80) ok = false;
    if (!ok) c = '-';
    if (c == '-' && !name.empty() && name.back() == '-') continue;
    name += c;
  }
  while (!name.empty() && name.front() == '-') name.erase(name.begin());
  return name.empty() ? "export" : name;
}

}  // namespace

void WriteLabelsFile(const std::string& path, const std::vector<ExportColumn>& columns,
                     const std::vector<std::string>& originals) {
  std::string out = "name,original,label_zh,unit,description\r\n";
  for (size_t i = 0; i < columns.size(); ++i) {
    const ExportColumn& c = columns[i];
    out += CsvCell(c.name) + "," + CsvCell(originals[i]) + "," + CsvCell(c.label_zh) + "," +
           CsvCell(c.unit) + "," + CsvCell(c.description) + "\r\n";
  }
  WriteWhole(path, out);
}

std::string WriteDatapackage(const std::string& csv_path, const std::vector<ExportColumn>& columns,
                             const std::string& title) {
  std::filesystem::path csv(csv_path);
  nlohmann::ordered_json fields = nlohmann::ordered_json::array();
  for (const ExportColumn& c : columns) {
    nlohmann::ordered_json field = {{"name", c.name}, {"type", TypeName(c.type)}};
    if (!c.label_zh.empty()) field["title"] = c.label_zh;
    if (!c.description.empty()) field["description"] = c.description;
    if (!c.unit.empty()) field["unit"] = c.unit;
    fields.push_back(std::move(field));
  }
  char created[32];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::string name = PackageName(csv.stem().string());
  nlohmann::ordered_json package = {
      {"profile", "tabular-data-package"},
      {"name", name},
      {"title", title},
      {"created", created},
      {"resources",
       {{{"name", name},
         {"path", csv.filename().string()},
         {"profile", "tabular-data-resource"},
         {"format", "csv"},
         {"mediatype", "text/csv"},
         {"encoding", "utf-8"},
         {"dialect", {{"delimiter", ","}, {"lineTerminator", "\r\n"}, {"header", true}}},
         {"schema", {{"fields", fields}, {"missingValues", {""}}}}}}},
  };
  std::filesystem::path descriptor = csv.parent_path() / "datapackage.json";
  WriteWhole(descriptor.string(), package.dump(2, ' ', false, kReplaceInvalidUtf8) + "\n");
  return descriptor.string();
}

}  // namespace nianbao
