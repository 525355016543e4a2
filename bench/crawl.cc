// bench/crawl: crawls a loopback site of several hosts — fetch, extract and store included,
// robots.txt obeyed, one connection per host, no delay — and prints pages/s, CPU per page, cores
// used and the resident set, each next to the floor (a bare Gumbo parse of the report page) and its
// ratio.
//
//   build/bench/crawl [--pages N] [--hosts H] [--small] [--analysis-threads T]
//   build/bench/crawl --serve [--pages N] [--hosts H] [--small]
//
// The site: H hosts (127.0.0.1 … 127.0.0.H, distinct addresses, so that any crawler sees H hosts),
// each with a robots.txt, a chain of list pages of 50 links joined by 下一页, and N / H reports.
// Each report is the real Pingtan 2024 page (tests/data/corpus/pingtan-2024.html, 109 KB) with a
// title of its own, so every one is a new snapshot (--small: the tests' tiny made-up pages).
// Defaults: 8 hosts, 800 reports. The site runs in a child process, so the CPU and the RSS printed
// are the crawler's alone. --serve only serves it: one seed URL per line on stdout, then it serves
// until its standard input closes (bench/compare crawls it with nianbao and Scrapy).
// RSS is sampled when 1,000 pages are done and at the end: flat means within ± 10 %.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench/measure.h"
#include "crawler/crawler.h"
#include "extract/map/rules.h"
#include "store/store.h"
#include "tests/support/http_server.h"
#include "tests/support/report_pages.h"

namespace {

using nianbao::bench::CurrentRssMb;
using nianbao::bench::ProcessSeconds;
using nianbao::testing::HttpRequest;
using nianbao::testing::HttpServer;
using nianbao::testing::Respond;

constexpr int kLinksPerList = 50;

struct SiteShape {
  int reports = 800;
  int hosts = 8;
  bool small = false;
  int ReportsPerHost() const { return std::max(1, reports / hosts); }
  int ListsPerHost() const { return (ReportsPerHost() + kLinksPerList - 1) / kLinksPerList; }
};

// The template page with a title of its own: same tables, a distinct snapshot per URL.
std::string NumberedPage(const std::string& page, int n) {
  std::string out = page;
  size_t title = out.find("<title>");
  if (title != std::string::npos) out.insert(title + 7, "第" + std::to_string(n) + "号 ");
  return out;
}

std::string ReportTemplate() {
  return nianbao::bench::ReadFile(std::string(NIANBAO_SOURCE_DIR) +
                                  "/tests/data/corpus/pingtan-2024.html");
}

// Serves the site until `stop_fd` reads end-of-file; writes the seeds, one a line and an empty line
// after them, to `seeds_fd` once every host listens.
void ServeSite(const SiteShape& shape, int seeds_fd, int stop_fd) {
  const std::string report = ReportTemplate();
  std::vector<std::unique_ptr<HttpServer>> servers;
  std::string seeds;
  for (int h = 0; h < shape.hosts; ++h) {
    auto server = std::make_unique<HttpServer>("127.0.0." + std::to_string(h + 1));
    server->KeepLog(false);
    const int first = h * shape.ReportsPerHost(), count = shape.ReportsPerHost();
    const int lists = shape.ListsPerHost();
    server->Serve("/robots.txt",
                  Respond(200, "User-agent: *\nAllow: /\n", {{"Content-Type", "text/plain"}}));
    server->SetDefault([&report, &shape, first, count, lists](const HttpRequest& request) {
      int n = 0;
      if (std::sscanf(request.path.c_str(), "/r%d.html", &n) == 1 && n >= first &&
          n < first + count) {
        std::string body = shape.small ? nianbao::testing::ReportPageHtml("v2021", 2022, n)
                                       : NumberedPage(report, n);
        return Respond(200, std::move(body), {{"Content-Type", "text/html; charset=utf-8"}});
      }
      if (std::sscanf(request.path.c_str(), "/list%d.html", &n) == 1 && n >= 0 && n < lists) {
        std::vector<nianbao::testing::ListLink> links;
        for (int i = first + n * kLinksPerList;
             i < std::min(first + count, first + (n + 1) * kLinksPerList); ++i) {
          std::string href = "r", text = "某某县2024年度政府信息公开工作年度报告（";
          href.append(std::to_string(i)).append(".html");  // appends: GCC 12's false -Wrestrict
          text.append(std::to_string(i)).append("）");
          links.push_back({std::move(href), std::move(text)});
        }
        std::string next =
            n + 1 < lists ? "<a href=\"list" + std::to_string(n + 1) + ".html\">下一页</a>" : "";
        return Respond(200, nianbao::testing::ListPageHtml(links, next),
                       {{"Content-Type", "text/html; charset=utf-8"}});
      }
      return Respond(404, "not found");
    });
    seeds += server->Url("/list0.html") + "\n";
    servers.push_back(std::move(server));
  }
  seeds += "\n";
  for (size_t done = 0; done < seeds.size();) {
    ssize_t n = ::write(seeds_fd, seeds.data() + done, seeds.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
  char byte;
  while (::read(stop_fd, &byte, 1) > 0) {
  }
}

// Reads the seeds a ServeSite child writes (up to the empty line).
std::vector<std::string> ReadSeeds(int fd) {
  std::string text;
  char buffer[4096];
  while (text.find("\n\n") == std::string::npos) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  std::vector<std::string> seeds;
  for (size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos;
       start = end + 1) {
    if (end > start) seeds.push_back(text.substr(start, end - start));
  }
  return seeds;
}

int Crawl(const SiteShape& shape, int analysis_threads, const std::vector<std::string>& seeds,
          double floor_seconds) {
  const int lists = shape.ListsPerHost() * shape.hosts;
  const int reports = shape.ReportsPerHost() * shape.hosts;
  auto dir = std::filesystem::temp_directory_path() /
             ("nianbao-bench-crawl-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string load_before = nianbao::bench::LoadAverage();
  int status = 0;
  {
    std::unique_ptr<nianbao::Store> store = nianbao::Store::Open((dir / "bench.db").string());
    nianbao::CrawlOptions options;
    options.delay_seconds = 0;
    options.allow_private_addresses = true;  // the bench site is on 127.0.0.x
    options.max_connections_per_host = 1;
    options.max_connections = shape.hosts;
    options.max_pages = reports + lists + shape.hosts + 10;
    options.max_depth = 3;
    options.analysis_threads = analysis_threads;
    nianbao::Crawler crawler(*store, nianbao::RuleSet::LoadEmbedded(), options);
    std::atomic<bool> stop{false};
    double rss_at_1000 = 0;
    const double cpu_start = ProcessSeconds();
    auto start = std::chrono::steady_clock::now();
    auto last = start;
    nianbao::CrawlSummary summary =
        crawler.Crawl(seeds, stop, [&](const nianbao::CrawlProgress& p) {
          if (rss_at_1000 == 0 && p.done >= 1000) rss_at_1000 = CurrentRssMb();
          if (std::chrono::steady_clock::now() - last < std::chrono::seconds(5)) return;
          last = std::chrono::steady_clock::now();
          std::fprintf(stderr, "  %lld done, %lld queued, %.1f pages/s, RSS %.1f MB\n",
                       static_cast<long long>(p.done), static_cast<long long>(p.queued),
                       p.pages_per_second, CurrentRssMb());
        });
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double cpu = ProcessSeconds() - cpu_start;
    double rss_end = CurrentRssMb();
    int64_t errors = 0;
    for (const auto& [kind, count] : summary.errors) errors += count;
    const double fetched = static_cast<double>(summary.fetched);
    const double pages_per_second = fetched / wall, cpu_per_page = cpu / fetched;
    const double cores = cpu / wall;
    const unsigned online = std::max(1L, sysconf(_SC_NPROCESSORS_ONLN));
    // The floor's throughput: every online core doing nothing but parse report pages.
    const double floor_pages_per_second = online / floor_seconds;
    std::printf("load average    %s before, %s after (1, 5, 15 min; %u cores)\n",
                load_before.c_str(), nianbao::bench::LoadAverage().c_str(), online);
    std::printf("site            %d hosts, %d reports (%s), %d list pages, robots.txt obeyed\n",
                shape.hosts, reports, shape.small ? "small made-up pages" : "real 109 KB page",
                lists);
    std::printf("pages fetched   %lld; new versions %lld, documents %lld, errors %lld\n",
                static_cast<long long>(summary.fetched),
                static_cast<long long>(summary.new_versions),
                static_cast<long long>(summary.documents), static_cast<long long>(errors));
    std::printf(
        "floor           bare Gumbo parse of the report page: %.3f ms (%.0f pages/s on %u "
        "cores)\n",
        floor_seconds * 1e3, floor_pages_per_second, online);
    std::printf("pages/s         %.1f  (floor %.0f; ratio floor / this %.2f)\n", pages_per_second,
                floor_pages_per_second, floor_pages_per_second / pages_per_second);
    std::printf("CPU per page    %.2f ms  (floor %.3f ms; ratio %.2f)  [%.2f s CPU over %.2f s]\n",
                cpu_per_page * 1e3, floor_seconds * 1e3, cpu_per_page / floor_seconds, cpu, wall);
    std::printf("cores used      %.2f of %u\n", cores, online);
    std::printf(
        "RSS             %.1f MB at 1,000 pages, %.1f MB at the end (%lld pages): ratio "
        "%.2f; peak %.1f MB\n",
        rss_at_1000, rss_end, static_cast<long long>(summary.fetched),
        rss_at_1000 > 0 ? rss_end / rss_at_1000 : NAN, nianbao::bench::PeakRssMb());
    std::printf(
        "RESULT pages_per_s=%.1f cpu_ms_per_page=%.3f cores=%.2f floor_ms=%.3f "
        "rss_1000_mb=%.1f rss_end_mb=%.1f peak_rss_mb=%.1f pages=%lld\n",
        pages_per_second, cpu_per_page * 1e3, cores, floor_seconds * 1e3, rss_at_1000, rss_end,
        nianbao::bench::PeakRssMb(), static_cast<long long>(summary.fetched));
    if (summary.fetched != reports + lists || errors) {  // robots.txt fetches are not counted
      std::fprintf(stderr, "crawl bench: expected %d fetches (reports and lists), no errors\n",
                   reports + lists);
      status = 1;
    }
  }
  std::filesystem::remove_all(dir);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  SiteShape shape;
  bool serve = false;
  int analysis_threads = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--pages" && i + 1 < argc) {
      shape.reports = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--hosts" && i + 1 < argc) {
      shape.hosts = std::clamp(std::atoi(argv[++i]), 1, 254);
    } else if (arg == "--analysis-threads" && i + 1 < argc) {
      analysis_threads = std::atoi(argv[++i]);
    } else if (arg == "--small") {
      shape.small = true;
    } else if (arg == "--serve") {
      serve = true;
    } else {
      std::fprintf(stderr,
                   "usage: crawl [--pages N] [--hosts H] [--small] [--analysis-threads T] "
                   "[--serve]\n");
      return 2;
    }
  }
  if (serve) {
    ServeSite(shape, STDOUT_FILENO, STDIN_FILENO);
    return 0;
  }
  // The floor first, before any other thread runs.
  const std::string page =
      shape.small ? nianbao::testing::ReportPageHtml("v2021", 2022, 1) : ReportTemplate();
  const double floor_seconds = nianbao::bench::GumboFloorSeconds(page);
  int seeds_pipe[2], stop_pipe[2];
  if (::pipe(seeds_pipe) != 0 || ::pipe(stop_pipe) != 0) return 1;
  pid_t child = ::fork();
  if (child == 0) {
    ::close(seeds_pipe[0]);
    ::close(stop_pipe[1]);
    ServeSite(shape, seeds_pipe[1], stop_pipe[0]);
    std::_Exit(0);
  }
  ::close(seeds_pipe[1]);
  ::close(stop_pipe[0]);
  std::vector<std::string> seeds = ReadSeeds(seeds_pipe[0]);
  int status = seeds.size() == static_cast<size_t>(shape.hosts)
                   ? Crawl(shape, analysis_threads, seeds, floor_seconds)
                   : 1;
  ::close(stop_pipe[1]);
  ::waitpid(child, nullptr, 0);
  std::printf("server CPU      %.2f s (the site's child process, not counted above)\n",
              ProcessSeconds(RUSAGE_CHILDREN));
  return status;
}
