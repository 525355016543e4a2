#include "extract/extraction_json.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>
#include <vector>

#include "extract/read/utf8.h"

namespace nianbao {
namespace {

// True when `s` is well-formed UTF-8 that JSON prints as it is (no quote, backslash or control
// character).
bool PrintsVerbatim(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == '"' || c == '\\') return false;
      ++i;
      continue;
    }
    size_t length = Utf8SequenceLength(s, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

// Writes JSON values with nlohmann's layout: one line, or `indent` spaces a level, "key": value.
class Writer {
 public:
  Writer(std::string* out, int indent) : out_(*out), pretty_(indent >= 0), step_(indent) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }

  // The next member of the open object.
  void Key(std::string_view key) {
    NextItem();
    String(key);
    out_.append(pretty_ ? ": " : ":");
  }
  // The next element of the open array.
  void Element() { NextItem(); }

  void String(std::string_view s) {
    if (PrintsVerbatim(s)) {
      out_ += '"';
      out_.append(s);
      out_ += '"';
    } else {
      // Escapes and invalid bytes are rare: nlohmann itself writes them, so they stay identical.
      out_.append(nlohmann::json(std::string(s))
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }
  void Null() { out_.append("null"); }
  void Int(int64_t v) {
    char buffer[24];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
    out_.append(buffer, result.ptr);
  }
  // As ValueToJson: integral values as integers, others as nlohmann prints a double.
  void Number(const Value& value) {
    if (!value) return Null();
    if (IsJsonInteger(*value)) return Int(static_cast<int64_t>(*value));
    out_.append(nlohmann::json(*value).dump());
  }
  void OptionalString(const std::optional<std::string>& s) { s ? String(*s) : Null(); }
  void StringOrNull(const std::string& s) { s.empty() ? Null() : String(s); }

 private:
  void Open(char bracket) {
    out_ += bracket;
    items_.push_back(0);
  }
  void Close(char bracket) {
    size_t items = items_.back();
    items_.pop_back();
    if (items > 0 && pretty_) NewLine();
    out_ += bracket;
  }
  void NextItem() {
    if (items_.back()++ > 0) out_ += ',';
    if (pretty_) NewLine();
  }
  void NewLine() {
    out_ += '\n';
    out_.append(items_.size() * static_cast<size_t>(step_), ' ');
  }

  std::string& out_;
  bool pretty_;
  int step_;
  std::vector<size_t> items_;  // items written so far in each open object or array
};

using Counts = std::vector<std::pair<std::string_view, int64_t>>;

void Count(Counts& counts, std::string_view status) {
  for (auto& [name, n] : counts) {
    if (name == status) {
      ++n;
      return;
    }
  }
  counts.emplace_back(status, 1);
}

void WriteCounts(Writer& w, const Counts& counts) {
  for (const auto& [name, n] : counts) {
    w.Key(name);
    w.Int(n);
  }
}

// As ToJson's check_summary: {"pass": 3, "fail": 1, "not_assessable": 0, "tables": {...}}.
void WriteCheckSummary(Writer& w, const std::vector<CheckStatus>& statuses) {
  const Counts empty = {{"pass", 0}, {"fail", 0}, {"not_assessable", 0}};
  Counts summary = empty;
  std::vector<std::pair<std::string_view, Counts>> tables;
  for (const CheckStatus& s : statuses) {
    Count(summary, s.status);
    auto table = tables.begin();
    while (table != tables.end() && table->first != s.table) ++table;
    if (table == tables.end()) table = tables.insert(tables.end(), {s.table, empty});
    Count(table->second, s.status);
  }
  w.BeginObject();
  WriteCounts(w, summary);
  w.Key("tables");
  w.BeginObject();
  for (const auto& [table, counts] : tables) {
    w.Key(table);
    w.BeginObject();
    WriteCounts(w, counts);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
}

void WriteCells(Writer& w, const std::map<std::string, FieldCell>& cells) {
  w.BeginObject();
  for (const auto& [id, cell] : cells) {
    w.Key(id);
    w.BeginObject();
    w.Key("raw");
    w.String(cell.raw);
    w.Key("label");
    w.String(cell.label);
    w.Key("table");
    w.Int(cell.table);
    w.Key("row");
    w.Int(cell.row);
    w.Key("column");
    w.Int(cell.column);
    if (cell.page > 0) {
      w.Key("page");
      w.Int(cell.page);
    }
    if (cell.ocr.confidence >= 0) {  // OCR: where in the page image, and how sure
      w.Key("box");
      w.BeginArray();
      for (int v : {cell.ocr.x0, cell.ocr.y0, cell.ocr.x1, cell.ocr.y1}) {
        w.Element();
        w.Int(v);
      }
      w.EndArray();
      w.Key("confidence");
      w.Number(cell.ocr.confidence);
      if (!cell.ocr.alternative.empty()) {
        w.Key("alternative");
        w.String(cell.ocr.alternative);
      }
    }
    w.EndObject();
  }
  w.EndObject();
}

void WriteChecks(Writer& w, const std::vector<CheckFailure>& checks) {
  w.BeginArray();
  for (const CheckFailure& c : checks) {
    w.Element();
    w.BeginObject();
    w.Key("kind");
    w.String(c.kind);
    w.Key("identity");
    w.String(c.identity);
    w.Key("total_field");
    w.String(c.total_field);
    w.Key("fields");
    w.BeginArray();
    for (const std::string& field : c.fields) {
      w.Element();
      w.String(field);
    }
    w.EndArray();
    w.Key("expected");
    w.Number(c.expected);
    w.Key("found");
    w.Number(c.found);
    if (!c.document_url.empty()) {
      w.Key("document");
      w.String(c.document_url);
    }
    if (!c.document_sha256.empty()) {
      w.Key("document_sha256");
      w.String(c.document_sha256);
    }
    w.EndObject();
  }
  w.EndArray();
}

void WriteCheckStatus(Writer& w, const std::vector<CheckStatus>& statuses) {
  w.BeginArray();
  for (const CheckStatus& s : statuses) {
    w.Element();
    w.BeginObject();
    w.Key("identity");
    w.String(s.identity);
    w.Key("table");
    w.String(s.table);
    w.Key("status");
    w.String(s.status);
    w.EndObject();
  }
  w.EndArray();
}

void WriteUnmatched(Writer& w, const std::vector<Unmatched>& unmatched) {
  w.BeginArray();
  for (const Unmatched& u : unmatched) {
    w.Element();
    w.BeginObject();
    w.Key("kind");
    w.String(u.kind);
    w.Key("label");
    w.String(u.label);
    w.Key("table");
    w.Int(u.table);
    w.Key("row");
    w.Int(u.row);
    w.Key("column");
    w.Int(u.column);
    w.EndObject();
  }
  w.EndArray();
}

void WriteNarrative(Writer& w, const std::vector<NarrativeFact>& narrative) {
  w.BeginArray();
  for (const NarrativeFact& n : narrative) {
    w.Element();
    w.BeginObject();
    w.Key("field");
    w.StringOrNull(n.field);
    w.Key("value");
    w.Number(n.value);
    w.Key("bound");
    w.StringOrNull(n.bound);
    w.Key("text");
    w.String(n.text);
    w.Key("sentence");
    w.String(n.sentence);
    w.Key("offset");
    w.Int(n.offset);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

void AppendJsonText(const Extraction& e, int indent, const std::string* file, std::string* out) {
  Writer w(out, indent);
  w.BeginObject();
  if (file) {
    w.Key("file");
    w.String(*file);
  }
  w.Key("template");
  w.OptionalString(e.template_id);
  w.Key("year");
  e.year ? w.Int(*e.year) : w.Null();
  w.Key("issuer");
  w.OptionalString(e.issuer);
  w.Key("title");
  w.OptionalString(e.title);
  w.Key("published");
  w.OptionalString(e.published);
  if (!e.format.empty()) {
    w.Key("format");
    w.String(e.format);
  }
  w.Key("fields");
  w.BeginObject();
  for (const auto& [id, value] : e.fields) {
    w.Key(id);
    w.Number(value);
  }
  w.EndObject();
  w.Key("cells");
  WriteCells(w, e.cells);
  w.Key("checks");
  WriteChecks(w, e.checks);
  w.Key("check_status");
  WriteCheckStatus(w, e.check_status);
  w.Key("check_summary");
  WriteCheckSummary(w, e.check_status);
  w.Key("unmatched");
  WriteUnmatched(w, e.unmatched);
  w.Key("warnings");
  w.BeginArray();
  for (const std::string& warning : e.warnings) {
    w.Element();
    w.String(warning);
  }
  w.EndArray();
  w.Key("narrative");
  WriteNarrative(w, e.narrative);
  w.EndObject();
}

}  // namespace nianbao
