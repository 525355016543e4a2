// bench/crawl_scale: the crawler at scale (issue 12), printing pages/s, peak RSS and the
// scheduler's CPU time per URL.
//
//   build/bench/crawl_scale --seeds 10000 --hosts 2000 [--delay S] [--crawl N]
//     crawls 10,000 seeds spread over 2,000 simulated hosts (addresses 127.1.x.y of one server in a
//     child process, so the RSS printed is the crawler's alone); each seed is a list page linking
//     one small report. --crawl N stops after N pages (default: all, two a seed).
//   build/bench/crawl_scale --queued 1000000 --hosts 2000 [--crawl N]
//     puts 1,000,000 report URLs in the frontier first, then crawls N of them (default 5,000) and
//     prints the RSS with the rest queued on disk.
// bench/crawl is the throughput benchmark (fetch + extract + store on an 8-host site).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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

// The address of simulated host `k`: 127.1.0.1, 127.1.0.2, … (200 a /24).
std::string HostAddress(int k) {
  return "127.1." + std::to_string(k / 200) + "." + std::to_string(k % 200 + 1);
}

// Serves the simulated hosts from a child process: /sN/ a list page linking r.html, /sN/r.html
// and /qN.html small reports, anything else 404. Returns the port; the child ends when the
// parent closes `*keep_alive` (or dies).
int StartServerProcess(pid_t* child, int* keep_alive) {
  int port_pipe[2], alive_pipe[2];
  if (::pipe(port_pipe) != 0 || ::pipe(alive_pipe) != 0) return -1;
  *child = ::fork();
  if (*child == 0) {
    ::close(port_pipe[0]);
    ::close(alive_pipe[1]);
    {
      HttpServer server(HttpServer::kAnyLoopback);
      server.SetDefault([](const HttpRequest& request) {
        int n = 0;
        char tail[8] = {0};
        if (std::sscanf(request.path.c_str(), "/q%d.htm%1s", &n, tail) == 2 ||
            std::sscanf(request.path.c_str(), "/s%d/r.htm%1s", &n, tail) == 2) {
          return Respond(200, nianbao::testing::ReportPageHtml("v2021", 2022, n),
                         {{"Content-Type", "text/html; charset=utf-8"}});
        }
        if (std::sscanf(request.path.c_str(), "/s%d/", &n) == 1 &&
            request.path == "/s" + std::to_string(n) + "/") {
          std::vector<nianbao::testing::ListLink> links = {
              {"r.html", "某某局" + std::to_string(n) + " 2024年度政府信息公开工作年度报告"}};
          return Respond(200, nianbao::testing::ListPageHtml(links),
                         {{"Content-Type", "text/html; charset=utf-8"}});
        }
        return Respond(404, "not found");
      });
      int port = server.port();
      [[maybe_unused]] ssize_t w = ::write(port_pipe[1], &port, sizeof port);
      char byte;
      while (::read(alive_pipe[0], &byte, 1) > 0) {
      }
    }
    ::_exit(0);
  }
  ::close(port_pipe[1]);
  ::close(alive_pipe[0]);
  int port = -1;
  if (::read(port_pipe[0], &port, sizeof port) != sizeof port) port = -1;
  ::close(port_pipe[0]);
  *keep_alive = alive_pipe[1];
  return port;
}

double CpuSeconds(const rusage& usage) {
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// The --seeds / --queued runs (see the file comment).
int ScaleRun(int seeds, int queued, int hosts, int crawl, double delay) {
  pid_t child = 0;
  int keep_alive = -1;
  int port = StartServerProcess(&child, &keep_alive);
  if (port <= 0) {
    std::fprintf(stderr, "bench/crawl: could not start the server process\n");
    return 1;
  }
  auto origin = [&](int k) {
    return "http://" + HostAddress(k % hosts) + ":" + std::to_string(port);
  };
  auto dir = std::filesystem::temp_directory_path() /
             ("nianbao-bench-scale-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  int status = 0;
  {
    std::unique_ptr<nianbao::Store> store = nianbao::Store::Open((dir / "scale.db").string());
    std::vector<std::string> seed_urls;
    for (int i = 0; i < seeds; ++i) seed_urls.push_back(origin(i) + "/s" + std::to_string(i) + "/");
    auto fill_start = std::chrono::steady_clock::now();
    for (int done = 0; done < queued;) {  // batches of 10,000 entries, one transaction each
      int end = std::min(queued, done + 10000);
      store->Batch([&] {
        for (int j = done; j < end; ++j) {
          std::string url = origin(j) + "/q" + std::to_string(j) + ".html";
          store->Enqueue(
              nianbao::FrontierEntry{url, "report", 1, origin(j) + "/", origin(j) + "/", ""});
        }
      });
      done = end;
    }
    double fill_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - fill_start).count();
    rusage before{};
    getrusage(RUSAGE_SELF, &before);
    nianbao::CrawlOptions options;
    options.delay_seconds = delay;
    options.allow_private_addresses = true;  // the simulated hosts are on 127.1.0.0/16
    options.max_connections_per_host = 1;
    options.max_connections = 8;
    options.max_pages = queued > 0 || crawl > 0 ? crawl : 2 * seeds + 10;
    options.max_depth = 3;
    nianbao::Crawler crawler(*store, nianbao::RuleSet::LoadEmbedded(), options);
    std::atomic<bool> stop{false};
    auto start = std::chrono::steady_clock::now();
    nianbao::CrawlSummary summary =
        crawler.Crawl(seed_urls, stop, [](const nianbao::CrawlProgress& p) {
          static auto last = std::chrono::steady_clock::now();
          if (std::chrono::steady_clock::now() - last < std::chrono::seconds(5)) return;
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
    std::printf("hosts           %d simulated (127.1.x.y, one server process)\n", hosts);
    if (queued > 0)
      std::printf("queued first    %d frontier entries in %.1f s\n", queued, fill_seconds);
    std::printf("seeds           %d\n", seeds);
    std::printf("pages fetched   %lld (entries started %lld), new versions %lld, errors %lld\n",
                static_cast<long long>(summary.fetched), static_cast<long long>(summary.started),
                static_cast<long long>(summary.new_versions), static_cast<long long>(errors));
    for (const auto& [kind, count] : summary.errors)
      std::printf("  error %-20s %lld\n", kind.c_str(), static_cast<long long>(count));
    std::printf("still queued    %lld (on disk)\n", static_cast<long long>(store->PendingCount()));
    std::printf("time            %.2f s\n", seconds);
    std::printf("pages/s         %.1f\n", static_cast<double>(summary.fetched) / seconds);
    std::printf("crawl CPU       %.2f s (this process; the server is another)\n",
                CpuSeconds(usage) - CpuSeconds(before));
    std::printf("scheduler CPU   %.2f us per URL (%.3f s over %lld entries)\n",
                summary.started
                    ? 1e6 * summary.scheduler_cpu_seconds / static_cast<double>(summary.started)
                    : 0.0,
                summary.scheduler_cpu_seconds, static_cast<long long>(summary.started));
    std::printf("in memory       at most %lld frontier entries (window %d)\n",
                static_cast<long long>(summary.peak_entries_in_memory), options.frontier_window);
    std::printf("peak RSS        %.1f MB (before the crawl %.1f MB)\n",
                static_cast<double>(usage.ru_maxrss) / 1024.0,
                static_cast<double>(before.ru_maxrss) / 1024.0);
    if (errors) status = 1;
  }
  ::close(keep_alive);
  int child_status = 0;
  ::waitpid(child, &child_status, 0);
  std::filesystem::remove_all(dir);
  return status;
}


}  // namespace

int main(int argc, char** argv) {
  int seeds = 0, queued = 0, hosts = 2000, crawl = 0;
  double delay = 0.2;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seeds") == 0 && i + 1 < argc) {
      seeds = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--queued") == 0 && i + 1 < argc) {
      queued = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--hosts") == 0 && i + 1 < argc) {
      hosts = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--crawl") == 0 && i + 1 < argc) {
      crawl = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--delay") == 0 && i + 1 < argc) {
      delay = std::atof(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "usage: crawl_scale (--seeds N | --queued N) [--hosts H] [--crawl N] "
                   "[--delay S]\n");
      return 2;
    }
  }
  if (seeds <= 0 && queued <= 0) {
    std::fprintf(stderr, "crawl_scale: give --seeds N or --queued N\n");
    return 2;
  }
  if (queued > 0 && crawl == 0) crawl = 5000;
  return ScaleRun(seeds, queued, hosts, crawl, delay);
}
