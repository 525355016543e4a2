// The JSON API under /api/: the same data as the pages, as JSON (UTF-8, invalid bytes replaced).
//   /api/overview                                  counts, crawls, errors, newest versions
//   /api/reports?year&template&province&level&body&failed&offset&limit   latest versions
//   /api/report?url[&version]                      the shape of `nianbao show --format json`
//   /api/versions?url                              the shape of `nianbao history --format json`
//   /api/diff?url[&from&to]                        the shape of `nianbao diff --format json`
//   /api/coverage?year[&province&level]            one object per expected body
//   /api/errors?days&kind                          latest failure per URL
// Errors as in web/app.h, with a JSON body {"error": "..."}.
#ifndef NIANBAO_WEB_API_H_
#define NIANBAO_WEB_API_H_

#include "web/app.h"
#include "web/http.h"

namespace nianbao::web {

// Answers a path under /api/ (`name` is the part after "/api/"); 404 for an unknown name.
Response ApiResponse(const std::string& name, const Request& request, View& view);

}  // namespace nianbao::web

#endif  // NIANBAO_WEB_API_H_
