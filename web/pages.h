// The HTML pages (and their CSV downloads) of the web view: server-rendered, no script, one small
// stylesheet, Chinese labels with English beside them. Each function reads what it shows through
// the View and returns a complete response; BadRequest and NotFoundError/StoreError escape to
// Handle (web/app.h), which turns them into 400/404/500.
#ifndef NIANBAO_WEB_PAGES_H_
#define NIANBAO_WEB_PAGES_H_

#include "web/app.h"
#include "web/http.h"

namespace nianbao::web {

Response OverviewPage(const Request& request, View& view);      // /
Response ReportsPage(const Request& request, View& view);       // /reports (format=csv)
Response ReportPage(const Request& request, View& view);        // /report?url=&version=
Response HistoryPage(const Request& request, View& view);       // /history?url= (format=csv)
Response DiffPage(const Request& request, View& view);          // /diff?url=&from=&to=
Response CoveragePage(const Request& request, View& view);      // /coverage?year= (format=csv)
Response ErrorsPage(const Request& request, View& view);        // /errors?days=&kind= (format=csv)
Response DocumentDownload(const Request& request, View& view);  // /document?sha256=
Response StyleSheet();                                          // /style.css

// Parameter parsing shared with the API; each throws BadRequest naming the parameter.
ReportFilter FilterFromQuery(const Request& request);
int ParseInt(const Request& request, const std::string& key, int fallback, int low, int high);
std::optional<int> ParseOptionalInt(const Request& request, const std::string& key, int low,
                                    int high);
std::string RequiredUrl(const Request& request);  // the url parameter
std::string Sha256Param(const Request& request);  // 64 hex digits, lower-cased
int DefaultCoverageYear(View& view);              // the latest year with reports, else last year

}  // namespace nianbao::web

#endif  // NIANBAO_WEB_PAGES_H_
