#include "web/pages.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <set>
#include <sstream>

#include "extract/read/sniff.h"
#include "store/csv.h"
#include "web/html.h"
#include "web/tables.h"

namespace nianbao::web {
namespace {

constexpr int kPageSize = 50;
constexpr int64_t kCsvMaxRows = 100000;

std::string Page(const std::string& title, const std::string& main) {
  return "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" +
         Html(title) +
         " — nianbao</title><link rel=\"stylesheet\" href=\"/style.css\"></head><body>"
         "<header><a class=\"brand\" href=\"/\">nianbao 年报</a><nav>"
         "<a href=\"/\">概览 Overview</a><a href=\"/reports\">报告 Reports</a>"
         "<a href=\"/coverage\">覆盖 Coverage</a><a href=\"/errors\">错误 Errors</a>"
         "</nav></header><main>\n" +
         main + "\n</main></body></html>\n";
}

Response HtmlResponse(const std::string& title, const std::string& main) {
  Response response;
  response.body = Page(title, main);
  return response;
}

Response CsvResponse(const std::string& name, const std::string& csv) {
  Response response;
  response.content_type = "text/csv; charset=utf-8";
  response.body = csv;
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
  return response;
}

bool WantsCsv(const Request& request) {
  std::string format = request.Param("format");
  if (format.empty() || format == "html") return false;
  if (format == "csv") return true;
  throw BadRequest("format must be html or csv, not \"" + format + "\"");
}

std::string Opt(const std::optional<std::string>& text) { return text.value_or(""); }
std::string OptYear(const std::optional<int>& year) { return year ? std::to_string(*year) : ""; }

// A link to a page of this site; `params` are (key, value) pairs, empty values left out.
std::string Link(const std::string& path,
                 const std::vector<std::pair<std::string, std::string>>& params) {
  std::string target = path;
  char separator = '?';
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;
    target += separator + key + "=" + QueryEscape(value);
    separator = '&';
  }
  return Html(target);
}

std::string ReportLink(const std::string& url, const std::string& text, int version = 0) {
  return "<a href=\"" +
         Link("/report", {{"url", url}, {"version", version ? std::to_string(version) : ""}}) +
         "\">" + Html(text) + "</a>";
}

// An external URL: a link when it is http(s), else text.
std::string External(const std::string& url) {
  auto href = SafeHref(url);
  if (!href) return "<span class=\"url\">" + Html(url) + "</span>";
  return "<a class=\"url\" rel=\"noreferrer noopener\" href=\"" + *href + "\">" + Html(url) +
         "</a>";
}

std::string ValueOrBlank(const Value& value) { return value ? NumberText(*value) : ""; }

}  // namespace

// --- parameters ---

int ParseInt(const Request& request, const std::string& key, int fallback, int low, int high) {
  return ParseOptionalInt(request, key, low, high).value_or(fallback);
}

std::optional<int> ParseOptionalInt(const Request& request, const std::string& key, int low,
                                    int high) {
  std::string text = request.Param(key);
  if (text.empty()) return std::nullopt;
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    throw BadRequest(key + " must be a whole number from " + std::to_string(low) + " to " +
                     std::to_string(high) + ", not \"" + text + "\"");
  }
  return value;
}

ReportFilter FilterFromQuery(const Request& request) {
  ReportFilter filter;
  filter.year = ParseOptionalInt(request, "year", 1990, 2100);
  std::string templ = request.Param("template");
  if (!templ.empty()) {
    if (templ != "v2021" && templ != "v2019" && templ != "legacy") {
      throw BadRequest("template must be v2021, v2019 or legacy, not \"" + templ + "\"");
    }
    filter.template_id = templ;
  }
  filter.body = request.Param("body");
  filter.province = request.Param("province");
  filter.level = request.Param("level");
  if (!filter.level.empty() && filter.level != "government" && filter.level != "department") {
    throw BadRequest("level must be government or department, not \"" + filter.level + "\"");
  }
  std::string failed = request.Param("failed");
  filter.failed_only = !failed.empty() && failed != "0";
  return filter;
}

std::string RequiredUrl(const Request& request) {
  std::string url = request.Param("url");
  if (url.empty()) throw BadRequest("the url parameter (the report's URL) is missing");
  if (url.size() > 4096) throw BadRequest("the url parameter is longer than 4096 bytes");
  return url;
}

std::string Sha256Param(const Request& request) {
  std::string sha = request.Param("sha256");
  std::transform(sha.begin(), sha.end(), sha.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (sha.size() != 64 || sha.find_first_not_of("0123456789abcdef") != std::string::npos) {
    throw BadRequest("sha256 must be 64 hexadecimal digits");
  }
  return sha;
}

int DefaultCoverageYear(View& view) {
  nianbao::Overview overview = view.browser.GetOverview(view.now, 0, 0);
  for (const auto& count : overview.counts) {
    if (count.year) return *count.year;
  }
  return std::stoi(IsoTime(view.now).substr(0, 4)) - 1;
}

// --- overview ---

Response OverviewPage(const Request&, View& view) {
  nianbao::Overview o = view.browser.GetOverview(view.now);
  std::ostringstream h;
  h << "<h1>概览 <span class=\"en\">Overview</span></h1>";
  h << "<p class=\"stats\"><span id=\"total-reports\">" << o.reports << "</span> 份报告 reports · "
    << o.versions << " 个版本 versions · <a href=\"" << Link("/errors", {{"days", "1"}})
    << "\"><span id=\"errors-last-day\">" << o.errors_last_day
    << "</span> 次抓取错误（近一天） fetch errors in the last day</a></p>";
  // Years × templates.
  std::vector<std::string> templates = {"v2021", "v2019", "legacy", ""};
  std::map<std::optional<int>, std::map<std::string, int64_t>, std::greater<>> grid;
  for (const auto& c : o.counts) grid[c.year][c.template_id.value_or("")] += c.reports;
  h << "<h2>按年度和模板 <span class=\"en\">By year and template</span></h2><table "
       "id=\"counts\"><thead><tr><th>年度 Year</th>";
  for (const auto& t : templates) h << "<th>" << (t.empty() ? "无表 none" : t) << "</th>";
  h << "<th>合计 Total</th></tr></thead><tbody>";
  for (const auto& [year, by_template] : grid) {
    int64_t total = 0;
    h << "<tr><th>" << (year ? std::to_string(*year) : "—") << "</th>";
    for (const auto& t : templates) {
      auto found = by_template.find(t);
      int64_t n = found == by_template.end() ? 0 : found->second;
      total += n;
      if (n > 0 && year && !t.empty()) {
        h << "<td class=\"num\"><a href=\""
          << Link("/reports", {{"year", std::to_string(*year)}, {"template", t}}) << "\">" << n
          << "</a></td>";
      } else {
        h << "<td class=\"num\">" << n << "</td>";
      }
    }
    h << "<td class=\"num\">" << total << "</td></tr>";
  }
  h << "</tbody></table>";
  h << "<h2>最近抓取 <span class=\"en\">Last crawls</span></h2>";
  if (o.crawls.empty())
    h << "<p class=\"none\">尚无 none yet</p>";
  else {
    h << "<table><thead><tr><th>种子 Seed</th><th>开始 Started</th><th>结束 Finished</th>"
         "<th>摘要 Summary</th></tr></thead><tbody>";
    for (const auto& c : o.crawls) {
      h << "<tr><td>" << External(c.seed) << "</td><td>" << ShortTime(c.started_at) << "</td><td>"
        << ShortTime(c.finished_at) << "</td><td><code>" << Html(c.summary_json)
        << "</code></td></tr>";
    }
    h << "</tbody></table>";
  }
  h << "<h2>最新版本 <span class=\"en\">Newest versions</span></h2>";
  if (o.newest.empty())
    h << "<p class=\"none\">尚无 none yet</p>";
  else {
    h << "<table><thead><tr><th>抓取 Fetched</th><th>报告 Report</th><th>版本 Version</th>"
         "<th>发布机关 Issuer</th></tr></thead><tbody>";
    for (const auto& r : o.newest) {
      h << "<tr><td>" << ShortTime(r.fetched_at) << "</td><td>"
        << ReportLink(r.url, r.title.value_or(r.url), r.version) << "</td><td class=\"num\">"
        << r.version << "</td><td>" << Html(r.issuer) << "</td></tr>";
    }
    h << "</tbody></table>";
  }
  return HtmlResponse("概览 Overview", h.str());
}

// --- reports ---

namespace {

std::vector<std::pair<std::string, std::string>> FilterParams(const ReportFilter& f) {
  return {{"year", OptYear(f.year)}, {"template", Opt(f.template_id)},
          {"province", f.province},  {"level", f.level},
          {"body", f.body},          {"failed", f.failed_only ? "1" : ""}};
}

std::string Selected(bool yes) { return yes ? " selected" : ""; }

std::string FilterForm(const ReportFilter& f) {
  std::ostringstream h;
  h << "<form class=\"filters\" method=\"get\" action=\"/reports\">"
    << "<label>年度 Year <input name=\"year\" type=\"number\" min=\"1990\" max=\"2100\" value=\""
    << OptYear(f.year) << "\"></label>"
    << "<label>模板 Template <select name=\"template\"><option value=\"\">全部 any</option>";
  for (std::string t : {"v2021", "v2019", "legacy"}) {
    h << "<option" << Selected(f.template_id == t) << ">" << t << "</option>";
  }
  h << "</select></label><label>省份 Province <input name=\"province\" value=\"" << Html(f.province)
    << "\"></label><label>层级 Level <select name=\"level\">"
    << "<option value=\"\">全部 any</option><option value=\"government\""
    << Selected(f.level == "government") << ">政府 government</option>"
    << "<option value=\"department\"" << Selected(f.level == "department")
    << ">部门 department</option></select></label>"
    << "<label>机关 Body <input name=\"body\" value=\"" << Html(f.body) << "\"></label>"
    << "<label><input type=\"checkbox\" name=\"failed\" value=\"1\""
    << (f.failed_only ? " checked" : "") << "> 仅校验失败 failed checks only</label>"
    << "<button type=\"submit\">筛选 Filter</button></form>";
  return h.str();
}

std::string ReportsCsv(const std::vector<ListedReport>& rows) {
  std::string csv =
      "url,version,fetched_at,template,year,issuer,title,published,format,failed_checks\n";
  for (const auto& r : rows) {
    csv += GuardedCsvCell(r.url) + "," + std::to_string(r.version) + "," + IsoTime(r.fetched_at) +
           "," + GuardedCsvCell(Opt(r.template_id)) + "," + OptYear(r.year) + "," +
           GuardedCsvCell(Opt(r.issuer)) + "," + GuardedCsvCell(Opt(r.title)) + "," +
           GuardedCsvCell(Opt(r.published)) + "," + GuardedCsvCell(r.format) + "," +
           std::to_string(r.failed_checks) + "\n";
  }
  return csv;
}

}  // namespace

Response ReportsPage(const Request& request, View& view) {
  ReportFilter filter = FilterFromQuery(request);
  if (WantsCsv(request)) {
    return CsvResponse("reports.csv",
                       ReportsCsv(view.browser.Reports(filter, 0, kCsvMaxRows).rows));
  }
  int page = ParseInt(request, "page", 1, 1, 1000000);
  ReportList list = view.browser.Reports(filter, int64_t{page - 1} * kPageSize, kPageSize);
  int64_t pages = std::max<int64_t>(1, (list.total + kPageSize - 1) / kPageSize);
  auto params = FilterParams(filter);
  std::ostringstream h;
  h << "<h1>报告 <span class=\"en\">Reports</span></h1>" << FilterForm(filter);
  auto csv_params = params;
  csv_params.emplace_back("format", "csv");
  h << "<p class=\"stats\"><span id=\"matching\">" << list.total << "</span> 份 matching · 第 "
    << page << " / " << pages << " 页 page · <a href=\"" << Link("/reports", csv_params)
    << "\">CSV</a></p>";
  h << "<table id=\"reports\"><thead><tr><th>年度 Year</th><th>模板 Template</th>"
       "<th>发布机关 Issuer</th><th>标题 Title</th><th>发布 Published</th><th>版本 Version</th>"
       "<th>校验失败 Failed</th><th>抓取 Fetched</th></tr></thead><tbody>";
  for (const auto& r : list.rows) {
    h << "<tr" << (r.failed_checks ? " class=\"has-fail\"" : "") << "><td>" << OptYear(r.year)
      << "</td><td>" << Html(r.template_id) << "</td><td>" << Html(r.issuer) << "</td><td>"
      << ReportLink(r.url, r.title.value_or(r.url)) << "</td><td>" << Html(r.published)
      << "</td><td class=\"num\">" << r.version << "</td><td class=\"num\">" << r.failed_checks
      << "</td><td>" << ShortTime(r.fetched_at) << "</td></tr>";
  }
  h << "</tbody></table><p class=\"paging\">";
  if (page > 1) {
    auto prev = params;
    prev.emplace_back("page", std::to_string(page - 1));
    h << "<a rel=\"prev\" href=\"" << Link("/reports", prev) << "\">← 上一页 previous</a> ";
  }
  if (page < pages) {
    auto next = params;
    next.emplace_back("page", std::to_string(page + 1));
    h << "<a rel=\"next\" href=\"" << Link("/reports", next) << "\">下一页 next →</a>";
  }
  h << "</p>";
  return HtmlResponse("报告 Reports", h.str());
}

// --- one report: metadata, the tables, checks, provenance ---

namespace {

std::string Tables(View& view, const StoredExtraction& stored, const CellMarks& marks) {
  std::string html;
  view.tables.Append(html, stored.extraction, marks);
  return html;
}

std::string Metadata(const StoredExtraction& stored, int versions) {
  const Extraction& e = stored.extraction;
  std::ostringstream h;
  h << "<table class=\"meta\" id=\"metadata\"><tbody>"
    << "<tr><th>标题 Title</th><td id=\"title\">" << Html(e.title) << "</td></tr>"
    << "<tr><th>发布机关 Issuer</th><td id=\"issuer\">" << Html(e.issuer) << "</td></tr>"
    << "<tr><th>年度 Year</th><td id=\"year\">" << OptYear(e.year) << "</td></tr>"
    << "<tr><th>模板 Template</th><td id=\"template\">" << Html(e.template_id) << "</td></tr>"
    << "<tr><th>发布日期 Published</th><td>" << Html(e.published) << "</td></tr>"
    << "<tr><th>格式 Format</th><td>" << Html(e.format) << "</td></tr>"
    << "<tr><th>版本 Version</th><td>" << stored.version << " / " << versions << " · <a href=\""
    << Link("/history", {{"url", stored.url}}) << "\">历史 history</a>";
  if (stored.version > 1) {
    h << " · <a href=\""
      << Link("/diff", {{"url", stored.url},
                        {"from", std::to_string(stored.version - 1)},
                        {"to", std::to_string(stored.version)}})
      << "\">与上一版比较 diff with previous</a>";
  }
  h << "</td></tr><tr><th>抓取时间 Fetched</th><td>" << ShortTime(stored.fetched_at)
    << " UTC</td></tr><tr><th>来源网址 Source URL</th><td>" << External(stored.url)
    << "</td></tr><tr><th>文档 Document</th><td>";
  if (stored.origin.document_sha256.empty()) {
    h << "未存档 not archived";
  } else {
    h << External(stored.origin.document_url) << "<br><a class=\"doc\" href=\""
      << Link("/document", {{"sha256", stored.origin.document_sha256}})
      << "\">下载存档 download the stored document</a> <code>sha256 "
      << Html(stored.origin.document_sha256) << "</code>";
  }
  h << "</td></tr><tr><th>规则 Rules</th><td><code>" << Html(stored.origin.rules_sha256)
    << "</code></td></tr></tbody></table>";
  return h.str();
}

std::string Checks(const Extraction& e) {
  std::ostringstream h;
  int pass = 0, fail = 0, na = 0;
  for (const auto& s : e.check_status) {
    (s.status == "pass" ? pass : s.status == "fail" ? fail : na)++;
  }
  h << "<h2>校验 <span class=\"en\">Checks</span></h2><p class=\"stats\">" << pass
    << " 通过 pass · <span id=\"failed-count\">" << e.checks.size() << "</span> 失败 failed · "
    << na << " 无法校验 not assessable</p>";
  if (!e.checks.empty()) {
    h << "<table id=\"checks\"><thead><tr><th>恒等式 Identity</th><th>类型 Kind</th>"
         "<th>合计字段 Total</th><th>应为 Expected</th><th>实为 Found</th><th>涉及字段 Fields</th>"
         "</tr></thead><tbody>";
    for (const auto& c : e.checks) {
      h << "<tr class=\"fail\"><td><code>" << Html(c.identity) << "</code></td><td>" << Html(c.kind)
        << "</td><td><code>" << Html(c.total_field) << "</code></td><td "
        << "class=\"num\">" << NumberText(c.expected) << "</td><td class=\"num\">"
        << (c.found ? NumberText(*c.found) : "空白 blank") << "</td><td>";
      for (const auto& f : c.fields) h << "<code>" << Html(f) << "</code> ";
      if (!c.document_url.empty()) h << "vs " << External(c.document_url);
      h << "</td></tr>";
    }
    h << "</tbody></table>";
  }
  return h.str();
}

std::string Unmatched(const Extraction& e) {
  std::ostringstream h;
  h << "<h2>未匹配 <span class=\"en\">Unmatched rows and columns</span></h2>";
  if (e.unmatched.empty()) return h.str() + "<p class=\"none\">无 none</p>";
  h << "<table id=\"unmatched\"><thead><tr><th>类型 Kind</th><th>标签 Label</th>"
       "<th>位置 Position</th></tr></thead><tbody>";
  for (const auto& u : e.unmatched) {
    h << "<tr><td>" << Html(u.kind) << "</td><td>" << Html(u.label) << "</td><td>表 table "
      << u.table + 1 << ", 行 row " << u.row + 1 << ", 列 column " << u.column + 1 << "</td></tr>";
  }
  return h.str() + "</tbody></table>";
}

std::string Warnings(const Extraction& e) {
  std::string h = "<h2>警告 <span class=\"en\">Warnings</span></h2>";
  if (e.warnings.empty()) return h + "<p class=\"none\">无 none</p>";
  h += "<ul id=\"warnings\">";
  for (const auto& w : e.warnings) h += "<li>" + Html(w) + "</li>";
  return h + "</ul>";
}

// The provenance table has a row per field (hundreds): built in one string, not a stream.
std::string Provenance(const StoredExtraction& stored) {
  const Extraction& e = stored.extraction;
  std::string h = "<h2>来源 <span class=\"en\">Provenance</span></h2><p>文档 document: ";
  h += stored.origin.document_url.empty() ? Html(stored.url) : External(stored.origin.document_url);
  if (!stored.origin.document_sha256.empty()) {
    h += " <code>sha256 ";
    AppendHtml(h, stored.origin.document_sha256);
    h += "</code>";
  }
  h += "</p><table id=\"provenance\"><thead><tr><th>字段 Field</th><th>值 Value</th>"
       "<th>原文 Raw text</th><th>标签 Label</th><th>位置 Position</th></tr></thead><tbody>";
  auto number = [&](int n) { h += std::to_string(n); };
  for (const auto& [field, value] : e.fields) {
    h += "<tr id=\"p-";
    AppendHtml(h, field);
    h += "\"><td><code>";
    AppendHtml(h, field);
    h += "</code></td><td class=\"num\">";
    h += value ? NumberText(*value) : "空白 blank";
    h += "</td>";
    auto cell = e.cells.find(field);
    if (cell == e.cells.end()) {
      h += "<td colspan=\"3\" class=\"none\">未从单元格读取 not read from a cell</td></tr>";
      continue;
    }
    const FieldCell& c = cell->second;
    h += "<td class=\"raw\">";
    AppendHtml(h, c.raw);
    h += "</td><td>";
    AppendHtml(h, c.label);
    h += "</td><td>";
    if (c.page > 0) {
      h += "第 ";
      number(c.page);
      h += " 页 page ";
      number(c.page);
      h += ", ";
    }
    h += "表 table ";
    number(c.table + 1);
    h += ", 行 row ";
    number(c.row + 1);
    h += ", 列 column ";
    number(c.column + 1);
    h += "</td></tr>";
  }
  h += "</tbody></table>";
  return h;
}

CellMarks FailedMarks(const Extraction& e) {
  CellMarks marks;
  for (const auto& c : e.checks) {
    if (!c.total_field.empty()) marks.failed.insert(c.total_field);
    marks.failed.insert(c.fields.begin(), c.fields.end());
  }
  return marks;
}

std::string Legend() {
  return "<p class=\"legend\"><span class=\"swatch blank\">—</span> 空白（未填） blank · "
         "<span class=\"swatch\">0</span> 填写为 0 printed zero · <span class=\"swatch fail\">"
         "</span> 校验失败 in a failed check · <span class=\"swatch changed\"></span> 已变更 "
         "changed</p>";
}

}  // namespace

Response ReportPage(const Request& request, View& view) {
  std::string url = RequiredUrl(request);
  std::optional<int> version = ParseOptionalInt(request, "version", 1, 1000000000);
  StoredExtraction stored = view.store.Show(url, version);
  // The number of versions, without loading the history; Show's latest version is that number.
  int versions = version ? std::max(stored.version, view.browser.Versions(url)) : stored.version;
  const Extraction& e = stored.extraction;
  std::string h = "<h1>";
  AppendHtml(h, e.title.value_or(url));
  h += "</h1>";
  h += Metadata(stored, versions);
  h += Checks(e);
  h += "<h2>统计表 <span class=\"en\">Statistics tables</span></h2>";
  h += Legend();
  view.tables.Append(h, e, FailedMarks(e));
  h += Unmatched(e);
  h += Warnings(e);
  h += Provenance(stored);
  return HtmlResponse(e.title.value_or(url), h);
}

// --- history and diff ---

Response HistoryPage(const Request& request, View& view) {
  std::string url = RequiredUrl(request);
  std::vector<VersionInfo> versions = view.store.History(url);
  if (WantsCsv(request)) {
    std::string csv =
        "version,fetched_at,template,year,issuer,title,published,fields,"
        "fields_changed,data_sha256\n";
    for (const auto& v : versions) {
      csv += std::to_string(v.version) + "," + IsoTime(v.fetched_at) + "," +
             GuardedCsvCell(Opt(v.template_id)) + "," + OptYear(v.year) + "," +
             GuardedCsvCell(Opt(v.issuer)) + "," + GuardedCsvCell(Opt(v.title)) + "," +
             GuardedCsvCell(Opt(v.published)) + "," + std::to_string(v.fields) + "," +
             std::to_string(v.fields_changed) + "," + v.data_sha256 + "\n";
    }
    return CsvResponse("history.csv", csv);
  }
  std::ostringstream h;
  h << "<h1>历史 <span class=\"en\">History</span></h1><p>" << External(url) << " · "
    << ReportLink(url, "最新版本 latest version") << " · <a href=\""
    << Link("/history", {{"url", url}, {"format", "csv"}}) << "\">CSV</a></p>";
  h << "<table id=\"versions\"><thead><tr><th>版本 Version</th><th>抓取 Fetched</th>"
       "<th>年度 Year</th><th>模板 Template</th><th>字段 Fields</th><th>变更 Changed</th>"
       "<th>比较 Diff</th></tr></thead><tbody>";
  for (const auto& v : versions) {
    h << "<tr><td>" << ReportLink(url, std::to_string(v.version), v.version) << "</td><td>"
      << ShortTime(v.fetched_at) << "</td><td>" << OptYear(v.year) << "</td><td>"
      << Html(v.template_id) << "</td><td class=\"num\">" << v.fields << "</td><td class=\"num\">"
      << v.fields_changed << "</td><td>";
    if (v.version > 1) {
      h << "<a href=\""
        << Link("/diff", {{"url", url},
                          {"from", std::to_string(v.version - 1)},
                          {"to", std::to_string(v.version)}})
        << "\">" << v.version - 1 << " → " << v.version << "</a>";
    }
    h << "</td></tr>";
  }
  h << "</tbody></table>";
  if (versions.size() > 1) {
    h << "<form method=\"get\" action=\"/diff\"><input type=\"hidden\" name=\"url\" value=\""
      << Html(url)
      << "\"><label>从 from <input name=\"from\" type=\"number\" min=\"1\" value=\"1\">"
      << "</label><label>到 to <input name=\"to\" type=\"number\" min=\"1\" value=\""
      << versions.back().version
      << "\"></label><button type=\"submit\">比较 Compare</button></form>";
  }
  return HtmlResponse("历史 History", h.str());
}

Response DiffPage(const Request& request, View& view) {
  std::string url = RequiredUrl(request);
  std::optional<int> from = ParseOptionalInt(request, "from", 1, 1000000000);
  std::optional<int> to = ParseOptionalInt(request, "to", 1, 1000000000);
  if (from.has_value() != to.has_value()) throw BadRequest("give both from and to, or neither");
  VersionDiff diff = view.store.Diff(url, from, to);
  StoredExtraction stored = view.store.Show(url, diff.to);
  CellMarks marks;
  for (const auto& change : diff.fields) marks.changed[change.field] = &change;
  std::ostringstream h;
  h << "<h1>比较 <span class=\"en\">Diff</span>: " << diff.from << " → " << diff.to << "</h1><p>"
    << External(url) << " · <a href=\"" << Link("/history", {{"url", url}})
    << "\">历史 history</a></p>";
  h << "<h2>元数据 <span class=\"en\">Metadata</span></h2>";
  if (diff.metadata.empty())
    h << "<p class=\"none\">无变更 unchanged</p>";
  else {
    h << "<table id=\"metadata-changes\"><tbody>";
    for (const auto& m : diff.metadata) {
      h << "<tr><th>" << Html(m.name) << "</th><td class=\"old\">" << Html(m.old_value)
        << "</td><td class=\"new\">" << Html(m.new_value) << "</td></tr>";
    }
    h << "</tbody></table>";
  }
  h << "<h2>字段 <span class=\"en\">Fields</span>: <span id=\"changed-count\">"
    << diff.fields.size() << "</span> 处变更 changed</h2>";
  if (!diff.fields.empty()) {
    h << "<table id=\"field-changes\"><thead><tr><th>字段 Field</th><th>旧值 Old</th>"
         "<th>新值 New</th><th>旧原文 Old raw</th><th>新原文 New raw</th></tr></thead><tbody>";
    for (const auto& f : diff.fields) {
      h << "<tr><td><code>" << Html(f.field) << "</code></td><td class=\"num old\">"
        << (f.old_present ? ValueOrBlank(f.old_value) : "无 absent")
        << "</td><td class=\"num new\">"
        << (f.new_present ? ValueOrBlank(f.new_value) : "无 absent") << "</td><td>"
        << Html(f.old_raw) << "</td><td>" << Html(f.new_raw) << "</td></tr>";
    }
    h << "</tbody></table>";
  }
  h << "<h2>第 " << diff.to << " 版的表 <span class=\"en\">Tables of version " << diff.to
    << "</span></h2>" << Legend() << Tables(view, stored, marks);
  return HtmlResponse("比较 Diff", h.str());
}

// --- coverage ---

namespace {

std::string StatusLabel(const std::string& status) {
  if (status == "on_time") return "按时 on time";
  if (status == "late") return "逾期 late";
  if (status == "missing") return "缺失 missing";
  if (status == "no_deadline") return "无期限 no deadline";
  return status;
}

}  // namespace

Response CoveragePage(const Request& request, View& view) {
  CoverageQuery query;
  query.year = ParseOptionalInt(request, "year", 1990, 2100).value_or(0);
  if (query.year == 0) query.year = DefaultCoverageYear(view);
  query.province = request.Param("province");
  query.level = request.Param("level");
  std::vector<CoverageRow> rows = view.coverage.Rows(query);
  if (WantsCsv(request)) {
    std::string csv = "body,province,level,status,url,published,deadline,failed_checks\n";
    for (const auto& r : rows) {
      csv += GuardedCsvCell(r.body) + "," + GuardedCsvCell(r.province) + "," +
             GuardedCsvCell(r.level) + "," + r.status + "," + GuardedCsvCell(r.url) + "," +
             GuardedCsvCell(Opt(r.published)) + "," + r.deadline + "," +
             std::to_string(r.failed_checks) + "\n";
    }
    return CsvResponse("coverage-" + std::to_string(query.year) + ".csv", csv);
  }
  std::map<std::string, int> counts;
  for (const auto& r : rows) counts[r.status]++;
  std::ostringstream h;
  h << "<h1>覆盖 <span class=\"en\">Coverage</span> " << query.year << "</h1>"
    << "<form class=\"filters\" method=\"get\" action=\"/coverage\"><label>年度 Year <input "
       "name=\"year\" type=\"number\" min=\"1990\" max=\"2100\" value=\""
    << query.year << "\"></label><label>省份 Province <input name=\"province\" value=\""
    << Html(query.province) << "\"></label><label>层级 Level <input name=\"level\" value=\""
    << Html(query.level) << "\"></label><button type=\"submit\">筛选 Filter</button></form>";
  h << "<p class=\"stats\">" << counts["on_time"] << " 按时 on time · " << counts["late"]
    << " 逾期 late · " << counts["missing"] << " 缺失 missing · <a href=\""
    << Link("/coverage", {{"year", std::to_string(query.year)},
                          {"province", query.province},
                          {"level", query.level},
                          {"format", "csv"}})
    << "\">CSV</a></p>";
  h << "<table id=\"coverage\"><thead><tr><th>机关 Body</th><th>省份 Province</th>"
       "<th>层级 Level</th><th>状态 Status</th><th>发布 Published</th><th>期限 Deadline</th>"
       "<th>报告 Report</th><th>校验失败 Failed</th></tr></thead><tbody>";
  for (const auto& r : rows) {
    h << "<tr class=\"" << Html(r.status) << "\"><td>" << Html(r.body) << "</td><td>"
      << Html(r.province) << "</td><td>" << Html(r.level) << "</td><td>" << StatusLabel(r.status)
      << "</td><td>" << Html(r.published) << "</td><td>" << Html(r.deadline) << "</td><td>"
      << (r.url.empty() ? "" : ReportLink(r.url, "查看 view")) << "</td><td class=\"num\">"
      << r.failed_checks << "</td></tr>";
  }
  h << "</tbody></table>";
  return HtmlResponse("覆盖 Coverage", h.str());
}

// --- errors ---

Response ErrorsPage(const Request& request, View& view) {
  int days = ParseInt(request, "days", 7, 1, 3650);
  std::string kind = request.Param("kind");
  std::vector<FetchErrorRow> rows =
      view.browser.Errors(view.now - int64_t{days} * 86400, kind, kCsvMaxRows);
  if (WantsCsv(request)) {
    std::string csv = "url,kind,status,attempts,last_attempt\n";
    for (const auto& r : rows) {
      csv += GuardedCsvCell(r.url) + "," + GuardedCsvCell(r.kind) + "," + std::to_string(r.status) +
             "," + std::to_string(r.attempts) + "," + IsoTime(r.fetched_at) + "\n";
    }
    return CsvResponse("errors.csv", csv);
  }
  std::map<std::string, int64_t> by_kind;
  for (const auto& r : rows) by_kind[r.kind] += 1;
  std::ostringstream h;
  h << "<h1>抓取错误 <span class=\"en\">Fetch errors</span></h1><form class=\"filters\" "
       "method=\"get\" action=\"/errors\"><label>天数 Days <input name=\"days\" type=\"number\" "
       "min=\"1\" max=\"3650\" value=\""
    << days << "\"></label><label>类型 Kind <input name=\"kind\" value=\"" << Html(kind)
    << "\"></label><button type=\"submit\">筛选 Filter</button></form>";
  h << "<p class=\"stats\"><span id=\"error-urls\">" << rows.size() << "</span> 个网址 URLs · <a "
    << "href=\""
    << Link("/errors", {{"days", std::to_string(days)}, {"kind", kind}, {"format", "csv"}})
    << "\">CSV</a></p><ul class=\"kinds\">";
  for (const auto& [k, n] : by_kind) {
    h << "<li><a href=\"" << Link("/errors", {{"days", std::to_string(days)}, {"kind", k}}) << "\">"
      << Html(k) << "</a>: " << n << "</li>";
  }
  h << "</ul><table id=\"errors\"><thead><tr><th>网址 URL</th><th>类型 Kind</th>"
       "<th>状态 Status</th><th>次数 Attempts</th><th>最后 Last attempt</th></tr></thead><tbody>";
  for (const auto& r : rows) {
    h << "<tr><td>" << External(r.url) << "</td><td>" << Html(r.kind) << "</td><td class=\"num\">"
      << r.status << "</td><td class=\"num\">" << r.attempts << "</td><td>"
      << ShortTime(r.fetched_at) << "</td></tr>";
  }
  h << "</tbody></table>";
  return HtmlResponse("错误 Errors", h.str());
}

// --- the stored document, the stylesheet ---

namespace {

// The media type of a sniffed format, and the file name extension.
std::pair<std::string, std::string> MediaTypeOf(Format format) {
  switch (format) {
    case Format::kHtml:
      return {"text/html; charset=utf-8", "html"};
    case Format::kText:
      return {"text/plain; charset=utf-8", "txt"};
    case Format::kPdf:
      return {"application/pdf", "pdf"};
    case Format::kDocx:
      return {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"};
    case Format::kXlsx:
      return {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"};
    case Format::kPptx:
      return {"application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"};
    case Format::kDoc:
      return {"application/msword", "doc"};
    case Format::kWps:
      return {"application/vnd.ms-works", "wps"};
    case Format::kXls:
      return {"application/vnd.ms-excel", "xls"};
    case Format::kPpt:
      return {"application/vnd.ms-powerpoint", "ppt"};
    case Format::kOfd:
      return {"application/ofd", "ofd"};
    case Format::kPng:
      return {"image/png", "png"};
    case Format::kJpeg:
      return {"image/jpeg", "jpg"};
    case Format::kTiff:
      return {"image/tiff", "tif"};
    case Format::kBmp:
      return {"image/bmp", "bmp"};
    case Format::kGif:
      return {"image/gif", "gif"};
    case Format::kZip:
      return {"application/zip", "zip"};
    case Format::kRar:
      return {"application/vnd.rar", "rar"};
    default:
      return {"application/octet-stream", "bin"};
  }
}

}  // namespace

Response DocumentDownload(const Request& request, View& view) {
  std::string sha = Sha256Param(request);
  std::optional<StoredDocument> document = view.store.GetDocument(sha);
  if (!document) throw NotFoundError("no document with sha256 " + sha + " is stored");
  auto [type, extension] = MediaTypeOf(SniffFormat(document->body));
  Response response;
  response.content_type = type;
  response.body = std::move(document->body);
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"" + sha + "." + extension + "\"");
  response.headers.emplace_back("Content-Security-Policy", "sandbox; default-src 'none'");
  return response;
}

Response StyleSheet() {
  Response response;
  response.content_type = "text/css; charset=utf-8";
  response.body =
      R"css(body{font:14px/1.45 "Noto Sans CJK SC","Source Han Sans SC",system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header{display:flex;gap:1.5em;align-items:center;padding:.6em 1.2em;background:#7a1f1f;color:#fff}
header a{color:#fff;text-decoration:none;margin-right:1em}.brand{font-weight:bold}
main{padding:1em 1.5em;max-width:110em}h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}
.en{color:#666;font-weight:normal;font-size:.85em}header .en{color:#eee}
table{border-collapse:collapse;margin:.5em 0;background:#fff}th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
thead th{background:#f0e6e6}td.num,.form td{text-align:right;font-variant-numeric:tabular-nums}
.form caption{text-align:left;font-weight:bold;padding:.3em 0}.form tr.group th{background:#f6f2f2}
.form th.g1{padding-left:1.5em}.form th.g2{padding-left:2.5em}.form th.g3{padding-left:3.5em}
td.blank,.swatch.blank{color:#999;background:repeating-linear-gradient(45deg,#fff,#fff 4px,#eee 4px,#eee 8px)}
td.absent{background:#f3f3f3}td.none{background:#e9e9e9}
td.fail,.swatch.fail,tr.fail{background:#ffd7d2;outline:2px solid #c0392b}
td.changed,.swatch.changed{background:#fff3b0;outline:2px solid #d4a000}
.swatch{display:inline-block;min-width:1.5em;text-align:center;border:1px solid #ccc}
td a{color:inherit}tr.missing{background:#ffe5e0}tr.late{background:#fff3d6}
.filters label{margin-right:1em}.stats{color:#333}.none{color:#777}code{font-size:.9em}
.raw{font-family:monospace}.url{word-break:break-all}
)css";
  return response;
}

}  // namespace nianbao::web
