// bench/measure.h: what every benchmark prints beside its figures, so that a figure taken on a
// loaded machine can be judged: the floor (a bare Gumbo parse of the same bytes, the least any
// HTML extractor must spend), CPU time (process and thread), cores used (CPU / wall) and the
// resident set (now and peak). Header-only; each bench/NAME.cc is its own program.
#ifndef NIANBAO_BENCH_MEASURE_H_
#define NIANBAO_BENCH_MEASURE_H_

#include <gumbo.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

namespace nianbao::bench {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline double ThreadSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// User + system CPU seconds of this process (every thread), or of its waited-for children.
inline double ProcessSeconds(int who = RUSAGE_SELF) {
  rusage usage{};
  getrusage(who, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// CPU seconds of this process and of its waited-for children (isolated readers, OCR): on a loaded
// machine wall time says more about the neighbours than about the reader.
inline double ProcessAndChildrenSeconds() {
  return ProcessSeconds(RUSAGE_SELF) + ProcessSeconds(RUSAGE_CHILDREN);
}

inline double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// The resident set now (not the peak): /proc/self/statm's second field.
inline double CurrentRssMb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1048576.0;
}

// The floor: thread CPU seconds of gumbo_parse + gumbo_destroy_output of `bytes` with the options
// the extractor parses with (no error list), the best of `iterations` runs.
inline double GumboFloorSeconds(const std::string& bytes, int iterations = 20) {
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;
  double best = 1e30;
  for (int i = 0; i < iterations; ++i) {
    double start = ThreadSeconds();
    GumboOutput* output = gumbo_parse_with_options(&options, bytes.data(), bytes.size());
    gumbo_destroy_output(&options, output);
    best = std::min(best, ThreadSeconds() - start);
  }
  return best;
}

// The 1-, 5- and 15-minute load averages, as the figures' context on a shared machine.
inline std::string LoadAverage() {
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) != 3) return "unknown";
  char text[64];
  std::snprintf(text, sizeof text, "%.2f %.2f %.2f", load[0], load[1], load[2]);
  return text;
}

}  // namespace nianbao::bench

#endif  // NIANBAO_BENCH_MEASURE_H_
