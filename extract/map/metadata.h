// What a report page says about itself: title, issuer, report year and publication date.
// Title: <meta name="ArticleTitle">, else <title> without the site suffix (after "_", " - ", "|"),
// else the first heading-like line of the text that names a 年度报告/年报. Issuer: the title's
// words before the year (平潭综合实验区2024年度… → 平潭综合实验区) or between the year and
// 政府信息公开 (2018年南昌市政府信息公开工作年报 → 南昌市) — refined to <meta name="Author"> when that is
// the same place with an organ word (平潭综合实验区 → 平潭综合实验区管委会) —, else 填报单位, else <meta
// name="ContentSource">, else 发布机构/发文机关 in the page's info box. Year: the report year
// printed in the title (2024年度), not the publication year. Published: <meta
// PubDate|firstpublishedtime|…>, else 发布日期/发文日期/发布时间/成文日期 in the text, as ISO
// YYYY-MM-DD.
#ifndef NIANBAO_EXTRACT_MAP_METADATA_H_
#define NIANBAO_EXTRACT_MAP_METADATA_H_

#include <optional>
#include <string>
#include <string_view>

#include "extract/read/page.h"

namespace nianbao {

struct Metadata {
  std::optional<std::string> title, issuer, published;
  std::optional<int> year;
};

Metadata ReadMetadata(const Page& page);

// "2025-03-10 15:35", "2025年3月10日", "2025/03/10", "2025.3.10" → "2025-03-10"; nullopt otherwise.
std::optional<std::string> IsoDate(std::string_view text);

// The report year a title names ("2024年度", "2018年"), nullopt when none.
std::optional<int> ReportYear(std::string_view title);

// The issuer a title names, nullopt when none.
std::optional<std::string> IssuerFromTitle(std::string_view title);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_MAP_METADATA_H_
