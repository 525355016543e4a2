// bench/store: how fast the store writes snapshots and exports CSV, and how much memory an export
// needs as the database grows.
//   build/bench/store [--snapshots N] [--sizes 10000,100000] [--dir DIR]
// Prints snapshots/s (200 fields each, one transaction per snapshot), the time to open (and check)
// each database, and for each size the long and wide export's rows/s and peak RSS (VmHWM of a child
// process that does only the export). Targets: >= 1,000 snapshots/s, >= 300,000 rows/s, flat RSS.
#include "store/store.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace nianbao {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// CPU seconds (user + system) this process has used: on a shared machine the wall clock measures
// the neighbours too, so the figures are given both ways.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
         usage.ru_stime.tv_usec / 1e6;
}

// Peak resident set of this process, in MiB (VmHWM of /proc/self/status).
double PeakRssMiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return 0;
}

constexpr int kFields = 200;

// Field ids shaped like the catalogue's (the store interns them; only their count matters).
const std::vector<std::string>& FieldNames() {
  static const std::vector<std::string> names = [] {
    static const char* rows[] = {"requests.new",
                                 "requests.carried_over",
                                 "outcome.granted",
                                 "outcome.partly_granted",
                                 "outcome.denied.state_secret",
                                 "outcome.denied.law_forbids",
                                 "outcome.unable.not_held",
                                 "outcome.not_processed.letters",
                                 "outcome.other.overdue_fee",
                                 "outcome.total"};
    static const char* columns[] = {"natural_person", "commercial", "research", "nonprofit",
                                    "legal_services", "other_org",  "total"};
    std::vector<std::string> out;
    for (int i = 0; static_cast<int>(out.size()) < kFields; ++i) {
      out.push_back(std::string(rows[i / 7 % 10]) + "." + columns[i % 7] +
                    (i >= 70 ? std::string(".").append(std::to_string(i / 70)) : ""));
    }
    return out;
  }();
  return names;
}

Extraction Report(int n) {
  Extraction e;
  e.template_id = n % 3 == 0 ? "v2019" : "v2021";
  e.year = 2019 + n % 6;
  e.issuer = "某市第" + std::to_string(n % 977) + "区人民政府办公室";
  e.title = *e.issuer + std::to_string(*e.year) + "年政府信息公开工作年度报告";
  e.published = "2025-03-10";
  const auto& names = FieldNames();
  for (int i = 0; i < kFields; ++i) {
    Value value = (i % 17 == 5) ? Value() : Value((n * 31 + i * 7) % 5000);
    e.fields.emplace_back(names[i], value);
    if (value) {
      e.cells[names[i]] = FieldCell{std::to_string(static_cast<int>(*value)),
                                    "三、本年度办理结果/（三）不予公开/1.属于国家秘密 | 自然人", 1,
                                    3 + i / 7, 1 + i % 7};
    }
  }
  return e;
}

// Saves reports [from, to) into `store`, one fetch and one snapshot transaction each.
void Fill(Store& store, int from, int to) {
  for (int n = from; n < to; ++n) {
    std::string url = "https://www.gov" + std::to_string(n % 500) + ".gov.cn/zfxxgk/nb/" +
                      std::to_string(n) + ".htm";
    FetchRecord fetch;
    fetch.url = url;
    fetch.final_url = url;
    fetch.fetched_at = 1741600000 + n;
    fetch.status = 200;
    fetch.bytes = 50000;
    int64_t id = store.RecordFetch(fetch);
    store.SaveExtraction(url, id, Report(n), "page " + url);
  }
}

std::vector<FieldSpec> Catalogue() {
  std::vector<FieldSpec> out;
  for (const char* t : {"v2019", "v2021"}) {
    for (const auto& name : FieldNames()) out.push_back({t, name, "三", "", "", "件"});
  }
  return out;
}

struct ExportFigures {
  long long rows = 0;
  double seconds = 0, cpu_seconds = 0, peak_rss_mib = 0, start_rss_mib = 0;
};

// Exports in a child process (so that its peak RSS is the export's alone) to /dev/null.
ExportFigures ExportInChild(const std::string& path, ExportOptions::Layout layout) {
  int fds[2];
  if (pipe(fds) != 0) std::abort();
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    ExportFigures figures;
    figures.start_rss_mib = PeakRssMiB();
    auto store = Store::Open(path);
    ExportOptions options;
    options.layout = layout;
    options.catalogue = Catalogue();
    std::ofstream out("/dev/null", std::ios::binary);
    auto start = Clock::now();
    double cpu_start = CpuSeconds();
    figures.rows = store->Export(options, out).rows;
    figures.seconds = Seconds(start);
    figures.cpu_seconds = CpuSeconds() - cpu_start;
    figures.peak_rss_mib = PeakRssMiB();
    if (write(fds[1], &figures, sizeof figures) != sizeof figures) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  ExportFigures figures;
  if (read(fds[0], &figures, sizeof figures) != sizeof figures) {
    std::fprintf(stderr, "export child failed\n");
  }
  close(fds[0]);
  waitpid(child, nullptr, 0);
  return figures;
}

int Main(int argc, char** argv) {
  int snapshots = 5000;
  std::vector<int> sizes = {10000, 100000};
  std::string dir = "/tmp/nianbao-bench-store";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--snapshots") snapshots = std::atoi(argv[i + 1]);
    if (flag == "--dir") dir = argv[i + 1];
    if (flag == "--sizes") {
      sizes.clear();
      std::string list = argv[i + 1];
      for (size_t at = 0; at < list.size();) {
        size_t comma = list.find(',', at);
        sizes.push_back(std::atoi(list.substr(at, comma - at).c_str()));
        at = comma == std::string::npos ? list.size() : comma + 1;
      }
    }
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  // Write throughput in a child process, so that the exports below start from a small parent.
  if (pid_t child = fork();
      child == 0) {  // SaveExtraction alone (the fetch is recorded beforehand)
    auto store = Store::Open(dir + "/write.db");
    std::vector<int64_t> fetches;
    for (int n = 0; n < snapshots; ++n) {
      FetchRecord fetch;
      fetch.url = "https://w.gov.cn/" + std::to_string(n);
      fetch.status = 200;
      fetches.push_back(store->RecordFetch(fetch));
    }
    std::vector<Extraction> reports;
    for (int n = 0; n < snapshots; ++n) reports.push_back(Report(n));
    auto start = Clock::now();
    double cpu_start = CpuSeconds();
    for (int n = 0; n < snapshots; ++n) {
      store->SaveExtraction("https://w.gov.cn/" + std::to_string(n), fetches[n], reports[n], "p");
    }
    double seconds = Seconds(start), cpu = CpuSeconds() - cpu_start;
    std::printf(
        "write: %d snapshots x %d fields, one transaction each: %.2f s wall = %.0f snapshots/s; "
        "%.2f s CPU = %.0f snapshots per CPU-second\n",
        snapshots, kFields, seconds, snapshots / seconds, cpu, snapshots / cpu);
    std::fflush(stdout);
    _exit(0);
  } else {
    waitpid(child, nullptr, 0);
  }

  std::string path = dir + "/export.db";
  int filled = 0;
  for (int size : sizes) {
    auto start = Clock::now();
    {
      auto store = Store::Open(path);
      Fill(*store, filled, size);
    }
    double fill_seconds = Seconds(start);
    std::printf(
        "fill: %d reports (fetch + snapshot each) in %.1f s = %.0f reports/s; file %.0f MiB\n",
        size - filled, fill_seconds, (size - filled) / fill_seconds,
        std::filesystem::file_size(path) / 1048576.0);
    filled = size;
    start = Clock::now();
    Store::Open(path);
    std::printf("open (header, version, quick_check, pragmas) at %d reports: %.2f s\n", size,
                Seconds(start));
    for (auto layout : {ExportOptions::Layout::kLong, ExportOptions::Layout::kWide}) {
      ExportFigures f = ExportInChild(path, layout);
      std::printf(
          "export %-4s %6d reports: %lld rows in %.2f s wall = %.0f rows/s, %.2f s CPU = %.0f "
          "rows per CPU-second; peak RSS %.1f MiB (%.1f MiB before opening)\n",
          layout == ExportOptions::Layout::kLong ? "long" : "wide", size, f.rows, f.seconds,
          f.rows / f.seconds, f.cpu_seconds, f.rows / f.cpu_seconds, f.peak_rss_mib,
          f.start_rss_mib);
    }
  }
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace nianbao

int main(int argc, char** argv) { return nianbao::Main(argc, argv); }
