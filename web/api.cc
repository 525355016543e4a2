#include "web/api.h"

#include <nlohmann/json.hpp>

#include "web/html.h"
#include "web/pages.h"

namespace nianbao::web {
namespace {

using Json = nlohmann::ordered_json;
constexpr auto kReplaceInvalidUtf8 = nlohmann::json::error_handler_t::replace;

Json OrNull(const std::optional<std::string>& text) { return text ? Json(*text) : Json(nullptr); }
Json OrNull(const std::optional<int>& number) { return number ? Json(*number) : Json(nullptr); }
Json EmptyNull(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

Response JsonResponse(const Json& json) {
  Response response;
  response.content_type = "application/json";
  response.body = json.dump(1, ' ', false, kReplaceInvalidUtf8) + "\n";
  return response;
}

Json ReportJson(const ListedReport& r) {
  return {{"url", r.url},
          {"version", r.version},
          {"fetched_at", IsoTime(r.fetched_at)},
          {"template", OrNull(r.template_id)},
          {"year", OrNull(r.year)},
          {"issuer", OrNull(r.issuer)},
          {"title", OrNull(r.title)},
          {"published", OrNull(r.published)},
          {"format", EmptyNull(r.format)},
          {"failed_checks", r.failed_checks}};
}

Json Overview(View& view) {
  nianbao::Overview o = view.browser.GetOverview(view.now);
  Json out = {
      {"reports", o.reports}, {"versions", o.versions}, {"errors_last_day", o.errors_last_day}};
  out["counts"] = Json::array();
  for (const auto& c : o.counts) {
    out["counts"].push_back(
        {{"year", OrNull(c.year)}, {"template", OrNull(c.template_id)}, {"reports", c.reports}});
  }
  out["crawls"] = Json::array();
  for (const auto& c : o.crawls) {
    Json summary = Json::parse(c.summary_json, nullptr, false);
    out["crawls"].push_back({{"seed", c.seed},
                             {"started_at", IsoTime(c.started_at)},
                             {"finished_at", IsoTime(c.finished_at)},
                             {"summary", summary.is_discarded() ? Json(c.summary_json) : summary}});
  }
  out["newest"] = Json::array();
  for (const auto& r : o.newest) out["newest"].push_back(ReportJson(r));
  return out;
}

Json Reports(const Request& request, View& view) {
  ReportFilter filter = FilterFromQuery(request);
  int offset = ParseInt(request, "offset", 0, 0, 1000000000);
  int limit = ParseInt(request, "limit", 100, 1, 1000);
  ReportList list = view.browser.Reports(filter, offset, limit);
  Json out = {{"total", list.total}, {"offset", offset}, {"limit", limit}};
  out["reports"] = Json::array();
  for (const auto& r : list.rows) out["reports"].push_back(ReportJson(r));
  return out;
}

Json Report(const Request& request, View& view) {
  StoredExtraction stored =
      view.store.Show(RequiredUrl(request), ParseOptionalInt(request, "version", 1, 1000000000));
  Json out = ToJson(stored.extraction);
  out["source"] = {{"url", EmptyNull(stored.origin.document_url)},
                   {"sha256", EmptyNull(stored.origin.document_sha256)},
                   {"format", EmptyNull(stored.extraction.format)},
                   {"rules_sha256", EmptyNull(stored.origin.rules_sha256)}};
  out["url"] = stored.url;
  out["version"] = stored.version;
  out["fetched_at"] = IsoTime(stored.fetched_at);
  return out;
}

Json Versions(const Request& request, View& view) {
  std::string url = RequiredUrl(request);
  Json out = {{"url", url}, {"versions", Json::array()}};
  for (const auto& v : view.store.History(url)) {
    out["versions"].push_back({{"version", v.version},
                               {"fetched_at", IsoTime(v.fetched_at)},
                               {"fetch_id", v.fetch_id},
                               {"template", OrNull(v.template_id)},
                               {"year", OrNull(v.year)},
                               {"issuer", OrNull(v.issuer)},
                               {"title", OrNull(v.title)},
                               {"published", OrNull(v.published)},
                               {"fields", v.fields},
                               {"fields_changed", v.fields_changed},
                               {"data_sha256", v.data_sha256}});
  }
  return out;
}

Json Diff(const Request& request, View& view) {
  std::optional<int> from = ParseOptionalInt(request, "from", 1, 1000000000);
  std::optional<int> to = ParseOptionalInt(request, "to", 1, 1000000000);
  if (from.has_value() != to.has_value()) throw BadRequest("give both from and to, or neither");
  VersionDiff diff = view.store.Diff(RequiredUrl(request), from, to);
  Json out = {{"url", diff.url}, {"from", diff.from}, {"to", diff.to}};
  out["metadata"] = Json::array();
  for (const auto& m : diff.metadata) {
    out["metadata"].push_back(
        {{"name", m.name}, {"old", OrNull(m.old_value)}, {"new", OrNull(m.new_value)}});
  }
  out["fields"] = Json::array();
  for (const auto& f : diff.fields) {
    out["fields"].push_back({{"field", f.field},
                             {"old", ValueToJson(f.old_value)},
                             {"new", ValueToJson(f.new_value)},
                             {"old_raw", OrNull(f.old_raw)},
                             {"new_raw", OrNull(f.new_raw)},
                             {"old_present", f.old_present},
                             {"new_present", f.new_present}});
  }
  return out;
}

Json Coverage(const Request& request, View& view) {
  CoverageQuery query;
  query.year = ParseOptionalInt(request, "year", 1990, 2100).value_or(0);
  if (query.year == 0) query.year = DefaultCoverageYear(view);
  query.province = request.Param("province");
  query.level = request.Param("level");
  Json out = {{"year", query.year}, {"bodies", Json::array()}};
  for (const auto& r : view.coverage.Rows(query)) {
    out["bodies"].push_back({{"body", r.body},
                             {"province", EmptyNull(r.province)},
                             {"level", r.level},
                             {"status", r.status},
                             {"url", EmptyNull(r.url)},
                             {"published", OrNull(r.published)},
                             {"deadline", r.deadline},
                             {"failed_checks", r.failed_checks}});
  }
  return out;
}

Json Errors(const Request& request, View& view) {
  int days = ParseInt(request, "days", 7, 1, 3650);
  Json out = {{"days", days}, {"errors", Json::array()}};
  for (const auto& r :
       view.browser.Errors(view.now - int64_t{days} * 86400, request.Param("kind"), 100000)) {
    out["errors"].push_back({{"url", r.url},
                             {"kind", r.kind},
                             {"status", r.status},
                             {"attempts", r.attempts},
                             {"last_attempt", IsoTime(r.fetched_at)}});
  }
  return out;
}

}  // namespace

Response ApiResponse(const std::string& name, const Request& request, View& view) {
  if (name == "overview") return JsonResponse(Overview(view));
  if (name == "reports") return JsonResponse(Reports(request, view));
  if (name == "report") return JsonResponse(Report(request, view));
  if (name == "versions") return JsonResponse(Versions(request, view));
  if (name == "diff") return JsonResponse(Diff(request, view));
  if (name == "coverage") return JsonResponse(Coverage(request, view));
  if (name == "errors") return JsonResponse(Errors(request, view));
  Response response = JsonResponse({{"error", "no such API: /api/" + name}});
  response.status = 404;
  return response;
}

}  // namespace nianbao::web
