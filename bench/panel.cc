// bench/panel: how fast `export --layout panel` writes, and how much memory it needs, as the
// database grows.
//   build/bench/panel [--sizes 10000,100000] [--dir DIR] [--format csv|jsonl]
//                     [--layouts panel,wide,long] [--keep]
// Builds the database synthetically through the store (Store::SaveExtraction in batches): reports
// of the real catalogue's v2019 and v2021 fields (every field of the template, about 200 each),
// 20,000 bodies over 5 years, every 7th with a failed check, every 11th with an unmatched label,
// every 13th with a warning. Then, for each size, the panel export of all of it to /dev/null in a
// child process (so that its peak RSS is the export's alone): rows/s (wall and CPU) and peak RSS,
// with the load average beside (the machine is shared). Targets (panel): >= 100,000 rows/s, peak
// RSS < 64 MB and flat as the database grows. A second child runs the cross-year checks alone
// (the quality columns' year-against-year part). `--layouts` also times wide and long (long writes
// about 200 rows per report). `--keep` keeps DIR/panel.db and, when it is there already, fills only
// the reports it lacks (to time a change without rebuilding the database).
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

#include "bench/measure.h"
#include "cmd/codebook.h"
#include "cmd/export_formats.h"
#include "store/store.h"

namespace nianbao {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
         usage.ru_stime.tv_usec / 1e6;
}

double PeakRssMiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return 0;
}

Extraction Report(int n, const std::vector<FieldSpec>& catalogue) {
  Extraction e;
  e.template_id = n % 5 < 2 ? "v2019" : "v2021";
  e.year = 2019 + n % 5;
  e.issuer = "某省某市第" + std::to_string(n / 5) + "区人民政府";
  e.title = *e.issuer + std::to_string(*e.year) + "年政府信息公开工作年度报告";
  e.published = "2025-03-10";
  e.format = "html";
  int i = 0;
  for (const FieldSpec& spec : catalogue) {
    if (spec.template_id != *e.template_id) continue;
    Value value = (i % 17 == 5) ? Value() : Value((n * 31 + i * 7) % 5000);
    e.fields.emplace_back(spec.field, value);
    if (value) {
      e.cells[spec.field] =
          FieldCell{std::to_string(static_cast<int>(*value)),
                    spec.row_label + "/" + spec.column_label, 1, 3 + i / 7, 1 + i % 7};
    }
    ++i;
  }
  if (n % 7 == 0) {
    CheckFailure failure;
    failure.identity = "t3.row_total.requests.new";
    failure.total_field = "requests.new.total";
    failure.fields = {"requests.new.natural_person"};
    failure.expected = 10;
    failure.found = 11;
    e.checks.push_back(failure);
  }
  if (n % 11 == 0) e.unmatched.push_back(Unmatched{"row", "其他（说明）", 2, 9, 0});
  if (n % 13 == 0) e.warnings.push_back("table 2: a blank cell read as not reported");
  return e;
}

void Fill(Store& store, int from, int to, const std::vector<FieldSpec>& catalogue) {
  constexpr int kBatch = 500;
  for (int start = from; start < to; start += kBatch) {
    store.Batch([&] {
      for (int n = start; n < std::min(to, start + kBatch); ++n) {
        std::string url = "https://www.gov" + std::to_string(n % 500) + ".gov.cn/zfxxgk/nb/" +
                          std::to_string(n) + ".htm";
        FetchRecord fetch;
        fetch.url = url;
        fetch.final_url = url;
        fetch.fetched_at = 1741600000 + n;
        fetch.status = 200;
        fetch.bytes = 50000;
        int64_t id = store.RecordFetch(fetch);
        store.SaveExtraction(url, id, Report(n, catalogue), "page " + url);
      }
    });
  }
}

struct Figures {
  long long rows = 0;
  double seconds = 0, cpu_seconds = 0, peak_rss_mib = 0, start_rss_mib = 0;
};

// `layout` "cross-year": only the cross-year checks (Store::CrossYearQualityByReport), the part of
// the export that reads every report's year-against-year fields, to attribute the export's time.
Figures ExportInChild(const std::string& path, const std::string& format,
                      const std::string& layout) {
  int fds[2];
  if (pipe(fds) != 0) std::abort();
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    Figures figures;
    figures.start_rss_mib = PeakRssMiB();
    auto rules = RuleSet::LoadEmbedded();
    Codebook codebook = LoadCodebook("", *rules);
    auto store = Store::OpenForReading(path);
    ExportOptions options;
    options.layout = layout == "long"   ? ExportOptions::Layout::kLong
                     : layout == "wide" ? ExportOptions::Layout::kWide
                                        : ExportOptions::Layout::kPanel;
    options.catalogue = rules->Fields();
    options.crosswalk = codebook.crosswalk;
    std::ofstream out("/dev/null", std::ios::binary);
    std::unique_ptr<ExportSink> sink;
    if (format == "jsonl") {
      sink = std::make_unique<JsonlSink>(out);
    } else {
      sink = std::make_unique<CsvSink>(out, true, false);
    }
    auto start = Clock::now();
    double cpu_start = CpuSeconds();
    if (layout == "cross-year") {
      figures.rows = static_cast<long long>(store->CrossYearQualityByReport().size());
    } else {
      figures.rows = store->Export(options, *sink).rows;
    }
    figures.seconds = Seconds(start);
    figures.cpu_seconds = CpuSeconds() - cpu_start;
    figures.peak_rss_mib = PeakRssMiB();
    if (write(fds[1], &figures, sizeof figures) != sizeof figures) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  Figures figures;
  if (read(fds[0], &figures, sizeof figures) != sizeof figures) {
    std::fprintf(stderr, "export child failed\n");
  }
  close(fds[0]);
  waitpid(child, nullptr, 0);
  return figures;
}

std::vector<std::string> SplitCommas(const std::string& list) {
  std::vector<std::string> parts;
  for (size_t at = 0; at < list.size();) {
    size_t comma = list.find(',', at);
    parts.push_back(list.substr(at, comma - at));
    at = comma == std::string::npos ? list.size() : comma + 1;
  }
  return parts;
}

int Main(int argc, char** argv) {
  std::vector<int> sizes = {10000, 100000};
  std::vector<std::string> layouts = {"panel"};
  std::string dir = "/tmp/nianbao-bench-panel";
  std::string format = "csv";
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--keep") {
      keep = true;
      continue;
    }
    if (i + 1 >= argc) break;
    std::string value = argv[++i];
    if (flag == "--dir") dir = value;
    if (flag == "--format") format = value;
    if (flag == "--layouts") layouts = SplitCommas(value);
    if (flag == "--sizes") {
      sizes.clear();
      for (const std::string& size : SplitCommas(value)) sizes.push_back(std::atoi(size.c_str()));
    }
  }
  std::string path = dir + "/panel.db";
  std::string filled_path = dir + "/filled";  // --keep: how many reports panel.db holds
  int filled = 0;
  if (keep && std::filesystem::exists(path)) {
    std::ifstream(filled_path) >> filled;
  } else {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  const std::vector<FieldSpec> catalogue = RuleSet::LoadEmbedded()->Fields();
  for (int size : sizes) {
    if (size > filled) {
      auto start = Clock::now();
      {
        auto store = Store::Open(path);
        Fill(*store, filled, size, catalogue);
      }
      std::printf("fill: %d reports in %.1f s; file %.0f MiB\n", size - filled, Seconds(start),
                  std::filesystem::file_size(path) / 1048576.0);
      std::fflush(stdout);
      filled = size;
      std::ofstream(filled_path) << filled;
    } else if (size < filled) {
      std::printf("(%s holds %d reports: the figures below are for all of them)\n", path.c_str(),
                  filled);
    }
    for (const std::string& layout : layouts) {
      Figures f = ExportInChild(path, format, layout);
      std::printf(
          "export %s (%s) %6d reports: %lld rows in %.2f s wall = %.0f rows/s, %.2f s CPU = "
          "%.0f rows per CPU-second; peak RSS %.1f MiB (%.1f MiB before opening); load %s\n",
          layout.c_str(), format.c_str(), filled, f.rows, f.seconds, f.rows / f.seconds,
          f.cpu_seconds, f.rows / f.cpu_seconds, f.peak_rss_mib, f.start_rss_mib,
          bench::LoadAverage().c_str());
      std::fflush(stdout);
    }
    Figures c = ExportInChild(path, format, "cross-year");
    std::printf(
        "  the cross-year checks alone: %.2f s wall, %.2f s CPU, peak RSS %.1f MiB "
        "(%lld reports with a cross-year failure or warning)\n",
        c.seconds, c.cpu_seconds, c.peak_rss_mib, c.rows);
    std::fflush(stdout);
  }
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace nianbao

int main(int argc, char** argv) { return nianbao::Main(argc, argv); }
