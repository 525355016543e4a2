// bench/extract: the cost of extraction next to the cost of a bare Gumbo parse of the same bytes.
//
//   build/bench/extract [--iterations N] [--only] [PAGE...]
//
// Pages: every page of tests/data/corpus (HTML and text, list pages included) plus any PAGE given
// (--only: the PAGEs alone; bench/compare.py reads the floor of one page so).
// For each page and in total it prints pages/s and MB/s for (1) gumbo_parse + gumbo_destroy_output,
// (2) DecodeToUtf8 + ParseHtml/ParseText (the grid layer), (3) the full Extract with the embedded
// rules, (4) Extract and the JSON line `nianbao extract` prints for it, and the ratios of (3) and
// (4) to the floor, the bare Gumbo parse (issue 15's target: at most 1.3 per page and core).
#include "extract/extract.h"

#include <gumbo.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench/measure.h"
#include "extract/extraction_json.h"
#include "extract/map/rules.h"
#include "extract/read/decode.h"
#include "extract/read/page.h"

namespace {

struct Input {
  std::string name;
  std::string bytes;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<Input> CorpusPages() {
  std::vector<Input> pages;
  std::filesystem::path dir = std::filesystem::path(NIANBAO_SOURCE_DIR) / "tests/data/corpus";
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".html" || ext == ".htm" || ext == ".txt")) {
      paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    pages.push_back({std::filesystem::relative(path, dir).string(), ReadFile(path.string())});
  }
  return pages;
}

double ThreadSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Thread CPU seconds per run of each of `works`, the best of `iterations` runs. The works take
// turns within each iteration, so a disturbance (another process, a frequency change) hits all of
// them alike and their ratio holds.
template <typename... Works>
std::vector<double> BestSeconds(int iterations, Works... works) {
  std::vector<double> best(sizeof...(works), 1e30);
  for (int i = 0; i < iterations; ++i) {
    size_t slot = 0;
    auto run = [&](auto& work) {
      double start = ThreadSeconds();
      work();
      best[slot] = std::min(best[slot], ThreadSeconds() - start);
      ++slot;
    };
    (run(works), ...);
  }
  return best;
}

void PrintRow(const std::string& name, size_t bytes, double gumbo, double grid, double extract,
              double json) {
  double mb = static_cast<double>(bytes) / (1024.0 * 1024.0);
  std::printf(
      "%-40s %9.1f KB  gumbo %8.3f ms %7.1f MB/s  grid %8.3f ms  extract %8.3f ms %7.1f MB/s "
      "%8.1f pages/s  ratio %.2f  +json %8.3f ms ratio %.2f\n",
      name.c_str(), static_cast<double>(bytes) / 1024.0, gumbo * 1e3, mb / gumbo, grid * 1e3,
      extract * 1e3, mb / extract, 1.0 / extract, extract / gumbo, json * 1e3, json / gumbo);
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = 20;
  bool only = false;
  for (int i = 1; i < argc; ++i) only = only || std::string(argv[i]) == "--only";
  std::vector<Input> pages = only ? std::vector<Input>() : CorpusPages();
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--only") continue;
    if (arg == "--iterations" && i + 1 < argc) {
      iterations = std::max(1, std::atoi(argv[++i]));
    } else {
      std::string bytes = ReadFile(arg);
      if (bytes.empty()) {
        std::fprintf(stderr, "extract bench: cannot read %s\n", arg.c_str());
        return 2;
      }
      pages.push_back({arg, std::move(bytes)});
    }
  }
  auto rules = nianbao::RuleSet::LoadEmbedded();
  std::printf("%d iterations per page, best run reported (thread CPU time)\n", iterations);
  double total_gumbo = 0, total_grid = 0, total_extract = 0, total_json = 0;
  size_t total_bytes = 0;
  for (const Input& page : pages) {
    // The same options as ParseHtml (no error list), so the baseline is not slowed by work
    // the extractor skips.
    GumboOptions options = kGumboDefaultOptions;
    options.max_errors = 0;
    size_t sink = 0;
    auto bare_gumbo = [&] {
      GumboOutput* output =
          gumbo_parse_with_options(&options, page.bytes.data(), page.bytes.size());
      gumbo_destroy_output(&options, output);
    };
    auto grid_layer = [&] {
      nianbao::Decoded decoded = nianbao::DecodeToUtf8(page.bytes);
      nianbao::Page parsed = nianbao::LooksLikeHtml(decoded.utf8)
                                 ? nianbao::ParseHtml(decoded.utf8)
                                 : nianbao::ParseText(decoded.utf8);
      sink += parsed.tables.size();
    };
    auto full_extract = [&] {
      nianbao::Extraction extraction = nianbao::Extract(page.bytes, *rules);
      sink += extraction.fields.size();
    };
    auto with_json = [&] {
      nianbao::Extraction extraction = nianbao::Extract(page.bytes, *rules);
      sink += nianbao::ToJsonText(extraction).size();
    };
    std::vector<double> best =
        BestSeconds(iterations, bare_gumbo, grid_layer, full_extract, with_json);
    double gumbo = best[0], grid = best[1], extract = best[2], json = best[3];
    if (sink == 0 && page.bytes.empty()) std::printf("(empty page)\n");
    PrintRow(page.name, page.bytes.size(), gumbo, grid, extract, json);
    total_gumbo += gumbo;
    total_grid += grid;
    total_extract += extract;
    total_json += json;
    total_bytes += page.bytes.size();
  }
  std::printf("%s\n", std::string(100, '-').c_str());
  PrintRow("total (" + std::to_string(pages.size()) + " pages)", total_bytes, total_gumbo,
           total_grid, total_extract, total_json);
  std::printf(
      "extract pages/s over the set: %.1f; grid layer / gumbo: %.2f; extract / gumbo: %.2f; "
      "extract+json / gumbo: %.2f (target <= 1.3)\n",
      static_cast<double>(pages.size()) / total_extract, total_grid / total_gumbo,
      total_extract / total_gumbo, total_json / total_gumbo);
  std::printf("load average %s (1, 5, 15 min)\n", nianbao::bench::LoadAverage().c_str());
  return 0;
}
