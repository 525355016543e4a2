#include "extract/map/metadata.h"

#include <re2/re2.h>

#include <cstdio>
#include <sstream>

#include "extract/map/values.h"

namespace nianbao {
namespace {

std::optional<std::string> Meta(const Page& page, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto it = page.meta.find(name);
    if (it != page.meta.end()) {
      std::string value = CollapseSpace(it->second);
      if (!value.empty()) return value;
    }
  }
  return std::nullopt;
}

bool NamesReport(std::string_view text) {
  return text.find("报告") != std::string_view::npos || text.find("年报") != std::string_view::npos;
}

// The site suffix: "报告_政府信息公开年报_平潭…" → "报告".
std::string WithoutSiteSuffix(std::string text) {
  for (std::string_view sep : {"_", " - ", "|", " — ", "－", " -"}) {
    size_t at = text.find(sep);
    if (at != std::string::npos && at > 0) text.resize(at);
  }
  return CollapseSpace(text);
}

std::optional<std::string> TitleFromText(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  int seen = 0;
  while (std::getline(in, line) && seen++ < 400) {
    std::string collapsed = CollapseSpace(line);
    if (collapsed.size() > 150 || collapsed.find("政府信息公开") == std::string::npos) continue;
    if (NamesReport(collapsed) && ReportYear(collapsed)) return collapsed;
  }
  return std::nullopt;
}

// A title names the place (平潭综合实验区2018年度…); the page's Author meta may name the organ of
// that place that issued it (平潭综合实验区管委会). Only the place followed by an organ word
// counts: an Author is as often an editor's name or an office that merely posted the page.
std::optional<std::string> OrganOf(const std::string& place,
                                   const std::optional<std::string>& author) {
  if (!author || !author->starts_with(place)) return std::nullopt;
  std::string_view rest = std::string_view(*author).substr(place.size());
  for (std::string_view organ : {"管委会", "管理委员会", "人民政府", "政府"}) {
    if (rest == organ) return author;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> IsoDate(std::string_view text) {
  static const RE2 kDate(R"((20\d{2}|19\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2}))");
  int year = 0, month = 0, day = 0;
  if (!RE2::PartialMatch(text, kDate, &year, &month, &day)) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
  return std::string(buffer);
}

std::optional<int> ReportYear(std::string_view title) {
  static const RE2 kYear(R"(((?:19|20)\d{2})\s*年)");
  int year = 0;
  if (RE2::PartialMatch(title, kYear, &year)) return year;
  return std::nullopt;
}

std::optional<std::string> IssuerFromTitle(std::string_view title) {
  static const RE2 kShape(
      R"(^(.*?)((?:19|20)\d{2})\s*年度?(.*?)(?:政府信息公开|政务公开|信息公开))");
  std::string before, year, after;
  if (!RE2::PartialMatch(title, kShape, &before, &year, &after)) return std::nullopt;
  auto trim = [](std::string s) {
    s = CollapseSpace(s);
    static const RE2 kEdges(R"(^[\s:：,，、（(]+|[\s:：,，、）)关于的]+$)");
    RE2::GlobalReplace(&s, kEdges, "");
    return s;
  };
  before = trim(before);
  after = trim(after);
  if (!before.empty()) return before;
  if (!after.empty()) return after;
  return std::nullopt;
}

Metadata ReadMetadata(const Page& page) {
  Metadata meta;
  if (auto article = Meta(page, {"articletitle", "title", "dc.title"});
      article && NamesReport(*article)) {
    meta.title = article;
  } else if (std::string title = WithoutSiteSuffix(page.title);
             !title.empty() && NamesReport(title)) {
    meta.title = title;
  } else if (auto from_text = TitleFromText(page.text)) {
    meta.title = from_text;
  } else if (!page.title.empty()) {
    meta.title = WithoutSiteSuffix(page.title);
  }
  if (meta.title) {
    meta.year = ReportYear(*meta.title);
    meta.issuer = IssuerFromTitle(*meta.title);
  }
  if (meta.issuer) {
    if (auto organ = OrganOf(*meta.issuer, Meta(page, {"author"}))) meta.issuer = organ;
  }
  if (!meta.issuer) {
    static const RE2 kFiler(R"(填报单位\s*(?:\(盖章\)|（盖章）)?\s*[:：]\s*([^\s:：]{2,40}))");
    std::string filer;
    if (RE2::PartialMatch(page.text, kFiler, &filer)) meta.issuer = filer;
  }
  // The page's own record of who published it: the CMS's ContentSource, or the 发布机构 line of
  // the document's info box.
  if (!meta.issuer) meta.issuer = Meta(page, {"contentsource"});
  if (!meta.issuer) {
    static const RE2 kPublisher(
        R"((?:发布机构|发文机关|发布单位|发文单位)\s*[:：]\s*([^\s:：|]{2,40}))");
    std::string publisher;
    if (RE2::PartialMatch(page.text, kPublisher, &publisher)) meta.issuer = publisher;
  }
  if (auto date = Meta(page, {"pubdate", "firstpublishedtime", "publishdate", "published_time",
                              "article:published_time", "dc.date", "lastmodifiedtime"})) {
    meta.published = IsoDate(*date);
  }
  if (!meta.published) {
    static const RE2 kLabelled(
        R"((?:发布日期|发文日期|发布时间|成文日期|发布于|日期)\s*[:：]?\s*((?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}))");
    std::string date;
    if (RE2::PartialMatch(page.text, kLabelled, &date)) meta.published = IsoDate(date);
  }
  return meta;
}

}  // namespace nianbao
