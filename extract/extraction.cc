#include "extract/extraction.h"

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>

namespace nianbao {
namespace {

template <typename Json>
Json OptionalString(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

std::optional<std::string> StringOrNull(const nlohmann::json& json, const char* key) {
  if (!json.contains(key) || json.at(key).is_null()) return std::nullopt;
  return json.at(key).get<std::string>();
}

// Counts per status, overall and per table: {"pass": 3, "fail": 1, "not_assessable": 0,
// "tables": {"t3": {...}, "t4": {...}}}.
template <typename Json>
Json CheckSummary(const std::vector<CheckStatus>& statuses) {
  auto empty_counts = [] { return Json{{"pass", 0}, {"fail", 0}, {"not_assessable", 0}}; };
  Json summary = empty_counts();
  Json tables = Json::object();
  for (const CheckStatus& s : statuses) {
    if (!tables.contains(s.table)) tables[s.table] = empty_counts();
    summary[s.status] = summary.value(s.status, 0) + 1;
    tables[s.table][s.status] = tables[s.table].value(s.status, 0) + 1;
  }
  summary["tables"] = std::move(tables);
  return summary;
}

}  // namespace

bool IsJsonInteger(double v) {
  constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53
  return std::isfinite(v) && std::trunc(v) == v && std::fabs(v) <= kMaxExactInteger;
}

nlohmann::json ValueToJson(const Value& value) {
  if (!value) return nullptr;
  if (IsJsonInteger(*value)) return static_cast<int64_t>(*value);
  return *value;
}

nlohmann::ordered_json ToJson(const Extraction& e) {
  using Json = nlohmann::ordered_json;
  Json out;
  out["template"] = OptionalString<Json>(e.template_id);
  out["year"] = e.year ? Json(*e.year) : Json(nullptr);
  out["issuer"] = OptionalString<Json>(e.issuer);
  out["title"] = OptionalString<Json>(e.title);
  out["published"] = OptionalString<Json>(e.published);
  if (!e.format.empty()) out["format"] = e.format;
  Json fields = Json::object();
  for (const auto& [id, value] : e.fields) fields[id] = ValueToJson(value);
  out["fields"] = std::move(fields);
  Json cells = Json::object();
  for (const auto& [id, cell] : e.cells) {
    cells[id] = {{"raw", cell.raw},
                 {"label", cell.label},
                 {"table", cell.table},
                 {"row", cell.row},
                 {"column", cell.column}};
    if (cell.page > 0) cells[id]["page"] = cell.page;
    if (cell.ocr.confidence >= 0) {
      cells[id]["box"] = {cell.ocr.x0, cell.ocr.y0, cell.ocr.x1, cell.ocr.y1};
      cells[id]["confidence"] = ValueToJson(cell.ocr.confidence);
      if (!cell.ocr.alternative.empty()) cells[id]["alternative"] = cell.ocr.alternative;
    }
  }
  out["cells"] = std::move(cells);
  Json checks = Json::array();
  for (const auto& c : e.checks) {
    checks.push_back({{"kind", c.kind},
                      {"identity", c.identity},
                      {"total_field", c.total_field},
                      {"fields", c.fields},
                      {"expected", ValueToJson(c.expected)},
                      {"found", ValueToJson(c.found)},
                      {"kind", c.kind}});
    if (!c.document_url.empty()) checks.back()["document"] = c.document_url;
    if (!c.document_sha256.empty()) checks.back()["document_sha256"] = c.document_sha256;
  }
  out["checks"] = std::move(checks);
  Json status = Json::array();
  for (const auto& s : e.check_status) {
    status.push_back({{"identity", s.identity}, {"table", s.table}, {"status", s.status}});
  }
  out["check_status"] = std::move(status);
  out["check_summary"] = CheckSummary<Json>(e.check_status);
  Json unmatched = Json::array();
  for (const auto& u : e.unmatched) {
    unmatched.push_back({{"kind", u.kind},
                         {"label", u.label},
                         {"table", u.table},
                         {"row", u.row},
                         {"column", u.column}});
  }
  out["unmatched"] = std::move(unmatched);
  out["warnings"] = e.warnings;
  Json narrative = Json::array();
  for (const auto& n : e.narrative) {
    narrative.push_back({{"field", n.field.empty() ? Json(nullptr) : Json(n.field)},
                         {"value", ValueToJson(n.value)},
                         {"bound", n.bound.empty() ? Json(nullptr) : Json(n.bound)},
                         {"text", n.text},
                         {"sentence", n.sentence},
                         {"offset", n.offset}});
  }
  out["narrative"] = std::move(narrative);
  return out;
}

Extraction FromJson(const nlohmann::json& json) {
  Extraction e;
  e.template_id = StringOrNull(json, "template");
  if (json.contains("year") && !json.at("year").is_null()) e.year = json.at("year").get<int>();
  e.issuer = StringOrNull(json, "issuer");
  e.title = StringOrNull(json, "title");
  e.published = StringOrNull(json, "published");
  e.format = StringOrNull(json, "format").value_or("");
  // nlohmann::json sorts object keys; the catalogue order is restored by the caller when it
  // matters.
  for (const auto& [id, value] : json.at("fields").items()) {
    e.fields.emplace_back(id, value.is_null() ? Value() : Value(value.get<double>()));
  }
  for (const auto& [id, cell] : json.at("cells").items()) {
    e.cells[id] = FieldCell{cell.at("raw").get<std::string>(), cell.at("label").get<std::string>(),
                            cell.at("table").get<int>(),       cell.at("row").get<int>(),
                            cell.at("column").get<int>(),      cell.value("page", 0)};
    if (cell.contains("box")) {
      const auto& box = cell.at("box");
      e.cells[id].ocr = PixelBox{box.at(0).get<int>(), box.at(1).get<int>(), box.at(2).get<int>(),
                                 box.at(3).get<int>(), cell.at("confidence").get<double>(),
                                 cell.value("alternative", std::string())};
    }
  }
  for (const auto& c : json.at("checks")) {
    const auto& found = c.at("found");
    e.checks.push_back(CheckFailure{
        c.at("identity").get<std::string>(), c.at("total_field").get<std::string>(),
        c.at("fields").get<std::vector<std::string>>(), c.at("expected").get<double>(),
        found.is_null() ? Value() : Value(found.get<double>()), c.value("kind", std::string("sum")),
        c.value("document", std::string()), c.value("document_sha256", std::string())});
  }
  // Absent in documents written before statuses and narrative facts.
  for (const auto& s : json.value("check_status", nlohmann::json::array())) {
    e.check_status.push_back(CheckStatus{s.at("identity").get<std::string>(),
                                         s.at("table").get<std::string>(),
                                         s.at("status").get<std::string>()});
  }
  for (const auto& n : json.value("narrative", nlohmann::json::array())) {
    e.narrative.push_back(
        NarrativeFact{StringOrNull(n, "field").value_or(""), n.at("value").get<double>(),
                      StringOrNull(n, "bound").value_or(""), n.at("text").get<std::string>(),
                      n.at("sentence").get<std::string>(), n.at("offset").get<int>()});
  }
  for (const auto& u : json.at("unmatched")) {
    e.unmatched.push_back(Unmatched{u.at("kind").get<std::string>(),
                                    u.at("label").get<std::string>(), u.at("table").get<int>(),
                                    u.at("row").get<int>(), u.at("column").get<int>()});
  }
  e.warnings = json.at("warnings").get<std::vector<std::string>>();
  return e;
}

}  // namespace nianbao
