// bench/crawl: crawls 2,000 pages from an in-process HTTP server on 127.0.0.1 with politeness off
// (no delay, 8 connections) — fetch, extract and store included — and prints pages/s and peak RSS.
// The reports are the real Pingtan 2024 page (tests/data/corpus/pingtan-2024.html), each copy with
// its own title so that every one is a new snapshot; 20 list pages of 99 links chain by 下一页.
// Usage: build/bench/crawl [--pages N] [--small]   (--small: the tests' tiny made-up report pages)
// Peak RSS is the whole process: the crawler and the server thread (which holds one page template).
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "crawler/crawler.h"
#include "extract/map/rules.h"
#include "store/store.h"
#include "tests/support/http_server.h"
#include "tests/support/report_pages.h"

namespace {

using nianbao::testing::HttpRequest;
using nianbao::testing::HttpServer;
using nianbao::testing::Respond;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The template page with a title of its own: same tables, a distinct snapshot per URL.
std::string NumberedPage(const std::string& page, int n) {
  std::string out = page;
  size_t title = out.find("<title>");
  if (title != std::string::npos) out.insert(title + 7, "第" + std::to_string(n) + "号 ");
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int pages = 2000;
  bool small = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--pages") == 0 && i + 1 < argc)
      pages = std::atoi(argv[++i]);
    else if (std::strcmp(argv[i], "--small") == 0)
      small = true;
  }
  const int lists = 20;
  const int per_list = std::max(1, pages / lists - 1);
  const int reports = per_list * lists;

  std::string report =
      ReadFile(std::string(NIANBAO_SOURCE_DIR) + "/tests/data/corpus/pingtan-2024.html");
  HttpServer server;
  server.SetDefault([&](const HttpRequest& request) {
    int n = 0;
    if (std::sscanf(request.path.c_str(), "/r%d.html", &n) == 1) {
      std::string body =
          small ? nianbao::testing::ReportPageHtml("v2021", 2022, n) : NumberedPage(report, n);
      return Respond(200, std::move(body), {{"Content-Type", "text/html; charset=utf-8"}});
    }
    if (std::sscanf(request.path.c_str(), "/list%d.html", &n) == 1 && n < lists) {
      std::vector<nianbao::testing::ListLink> links;
      for (int i = n * per_list; i < (n + 1) * per_list; ++i) {
        links.push_back({"r" + std::to_string(i) + ".html",
                         "某某县2024年度政府信息公开工作年度报告（" + std::to_string(i) + "）"});
      }
      std::string next =
          n + 1 < lists ? "<a href=\"list" + std::to_string(n + 1) + ".html\">下一页</a>" : "";
      return Respond(200, nianbao::testing::ListPageHtml(links, next),
                     {{"Content-Type", "text/html; charset=utf-8"}});
    }
    return Respond(404, "not found");
  });
  // Pagination by 下一页 needs the pages in one directory: they are, at the root.

  auto dir = std::filesystem::temp_directory_path() /
             ("nianbao-bench-crawl-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string db_path = (dir / "bench.db").string();
  int status = 0;
  {
    std::unique_ptr<nianbao::Store> store = nianbao::Store::Open(db_path);
    nianbao::CrawlOptions options;
    options.delay_seconds = 0;
    options.allow_private_addresses = true;  // the bench site is on 127.0.0.1
    options.max_connections_per_host = 8;
    options.max_connections = 8;
    options.max_pages = reports + lists + 10;
    options.max_depth = 3;
    nianbao::Crawler crawler(*store, nianbao::RuleSet::LoadEmbedded(), options);
    std::atomic<bool> stop{false};
    auto start = std::chrono::steady_clock::now();
    nianbao::CrawlSummary summary =
        crawler.Crawl({server.Url("/list0.html")}, stop, [](const nianbao::CrawlProgress& p) {
          static auto last = std::chrono::steady_clock::now();
          if (std::chrono::steady_clock::now() - last < std::chrono::seconds(2)) return;
          last = std::chrono::steady_clock::now();
          std::fprintf(stderr, "  %lld done, %lld queued, %.1f pages/s\n",
                       static_cast<long long>(p.done), static_cast<long long>(p.queued),
                       p.pages_per_second);
        });
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    int64_t errors = 0;
    for (const auto& [kind, count] : summary.errors) errors += count;
    std::printf("pages fetched   %lld (%d reports, %d lists; %s report pages)\n",
                static_cast<long long>(summary.fetched), reports, lists,
                small ? "small" : "real 109 KB");
    std::printf("new versions    %lld, documents %lld, errors %lld\n",
                static_cast<long long>(summary.new_versions),
                static_cast<long long>(summary.documents), static_cast<long long>(errors));
    std::printf("time            %.2f s\n", seconds);
    std::printf("pages/s         %.1f\n", static_cast<double>(summary.fetched) / seconds);
    double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                 static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    // On a shared machine the wall clock says as much about the neighbours as about nianbao.
    std::printf("CPU time        %.2f s (pages per CPU second %.1f, server thread included)\n", cpu,
                static_cast<double>(summary.fetched) / cpu);
    std::printf("peak RSS        %.1f MB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
    if (summary.fetched != reports + lists || errors) status = 1;
  }
  std::filesystem::remove_all(dir);
  return status;
}
