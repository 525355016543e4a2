// Small made-up annual-report pages for crawler tests and the crawl benchmark: one statistics table
// with the marker labels of a template (v2021, v2019 or legacy), enough for Extract to detect it.
// Not real reports — the extractor's own tests use the corpus.
#ifndef NIANBAO_TESTS_SUPPORT_REPORT_PAGES_H_
#define NIANBAO_TESTS_SUPPORT_REPORT_PAGES_H_

#include <string>
#include <vector>

namespace nianbao::testing {

// A UTF-8 HTML report page of `template_id` ("v2021", "v2019", "legacy") for `year`, whose numbers
// vary with `seed`. `charset` goes into <meta charset>.
// `attachment_href`, when not empty, is linked as the report's full text.
std::string ReportPageHtml(const std::string& template_id, int year, int seed,
                           const std::string& charset = "utf-8",
                           const std::string& attachment_href = "");

struct ListLink {
  std::string href, text;
};
// A list page (栏目) with the given links and optional extra HTML (pagination, scripts).
std::string ListPageHtml(const std::vector<ListLink>& links, const std::string& extra = "",
                         const std::string& charset = "utf-8");

// UTF-8 → GBK (iconv); throws std::runtime_error on a character GBK lacks.
std::string ToGbk(const std::string& utf8);

}  // namespace nianbao::testing

#endif  // NIANBAO_TESTS_SUPPORT_REPORT_PAGES_H_
