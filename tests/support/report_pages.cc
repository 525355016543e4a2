#include "tests/support/report_pages.h"

#include <iconv.h>

#include <stdexcept>

namespace nianbao::testing {

namespace {

std::string Row(const std::vector<std::string>& cells) {
  std::string row = "<tr>";
  for (const std::string& cell : cells) row += "<td>" + cell + "</td>";
  return row + "</tr>\n";
}

std::string N(int value) { return std::to_string(value); }

std::string Table(const std::string& template_id, int seed) {
  std::string rows;
  if (template_id == "v2021") {
    rows += Row({"信息内容", "本年制发件数", "本年废止件数", "现行有效件数"});
    rows += Row({"规章", N(seed % 7), N(seed % 3), N(10 + seed % 11)});
    rows += Row({"行政规范性文件", N(seed % 5), N(seed % 2), N(20 + seed % 13)});
  } else if (template_id == "v2019") {
    rows += Row({"信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"});
    rows += Row({"规章", N(seed % 7), N(seed % 7), N(10 + seed % 11)});
    rows += Row({"规范性文件", N(seed % 5), N(seed % 5), N(20 + seed % 13)});
  } else {
    rows += Row({"统计指标", "单位", "统计数"});
    rows += Row({"一、主动公开情况", "", ""});
    rows += Row({"（一）主动公开政府信息数", "条", N(100 + seed)});
    rows += Row({"二、依申请公开情况", "", ""});
    rows += Row({"（一）收到申请数", "件", N(10 + seed % 9)});
    rows += Row({"（三）申请答复数", "件", N(10 + seed % 9)});
  }
  return "<table border=\"1\">\n" + rows + "</table>\n";
}

}  // namespace

std::string ReportPageHtml(const std::string& template_id, int year, int seed,
                           const std::string& charset, const std::string& attachment_href) {
  std::string title = "某某县人民政府" + N(year) + "年政府信息公开工作年度报告";
  return "<!DOCTYPE html>\n<html><head><meta charset=\"" + charset + "\"><title>" + title +
         "</title></head>\n<body><h1>" + title +
         "</h1>\n<p>本报告依据《中华人民共和国政府信息公开条例》编制。</p>\n" +
         Table(template_id, seed) +
         (attachment_href.empty()
              ? ""
              : "<p>附件：<a href=\"" + attachment_href + "\">报告全文</a></p>\n") +
         "</body></html>\n";
}

std::string ListPageHtml(const std::vector<ListLink>& links, const std::string& extra,
                         const std::string& charset) {
  std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"" + charset +
                     "\"><title>政府信息公开年报</title></head>\n<body><ul>\n";
  html += "<li><a href=\"/\">首页</a></li><li><a href=\"/news/\">新闻动态</a></li>\n";
  for (const ListLink& link : links) {
    html += "<li><a href=\"" + link.href + "\" target=\"_blank\">" + link.text + "</a></li>\n";
  }
  return html + "</ul>\n" + extra + "</body></html>\n";
}

std::string ToGbk(const std::string& utf8) {
  iconv_t cd = iconv_open("GBK", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("iconv_open GBK failed");
  std::string out(utf8.size() * 2 + 16, '\0');
  char* in_ptr = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  size_t result = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  iconv_close(cd);
  if (result == static_cast<size_t>(-1)) throw std::runtime_error("not representable in GBK");
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace nianbao::testing
