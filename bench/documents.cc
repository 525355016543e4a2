// bench/documents: milliseconds per document for each format, through Extract as the crawler and
// `nianbao extract` call it (readers isolated in child processes), and for OOXML also in-process.
//
//   build/bench/documents [--iterations N]
//
// Documents: corpus/huaian-2024.pdf (real, WPS, 6 pages), documents/pingtan-2024-form.pdf
// (LibreOffice export, 3 pages), .docx, .xlsx, and .doc/.xls when LibreOffice is installed (one
// iteration: each costs a LibreOffice start), plus corpus/pingtan-2024.html for comparison.
// Prints wall and CPU (this process + its children) milliseconds. Targets: PDF text path ≤ 150 ms
// for a 5-page report; DOCX ≤ 20 ms.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench/measure.h"
#include "extract/extract.h"
#include "extract/read/office.h"

namespace {

struct Case {
  std::string label;
  std::string path;
  bool isolate;
  bool needs_office;
};

}  // namespace

int main(int argc, char** argv) {
  int iterations = 10;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--iterations") == 0) iterations = std::max(1, std::atoi(argv[i + 1]));
  }
  std::string data = std::string(NIANBAO_SOURCE_DIR) + "/tests/data/";
  std::vector<Case> cases = {
      {"html (pingtan-2024.html)", data + "corpus/pingtan-2024.html", true, false},
      {"pdf WPS 6 pages (huaian-2024.pdf)", data + "corpus/huaian-2024.pdf", true, false},
      {"pdf LibreOffice 3 pages (form)", data + "documents/pingtan-2024-form.pdf", true, false},
      {"docx isolated (form)", data + "documents/pingtan-2024-form.docx", true, false},
      {"docx in-process (form)", data + "documents/pingtan-2024-form.docx", false, false},
      {"xlsx isolated (calc)", data + "documents/pingtan-2024-calc.xlsx", true, false},
      {"xlsx in-process (calc)", data + "documents/pingtan-2024-calc.xlsx", false, false},
      {"doc via LibreOffice (form)", data + "documents/pingtan-2024-form.doc", true, true},
      {"xls via LibreOffice (calc)", data + "documents/pingtan-2024-calc.xls", true, true},
  };
  auto rules = nianbao::RuleSet::LoadEmbedded();
  std::printf("%-36s %6s %12s %12s %s\n", "document", "runs", "wall ms/doc", "cpu ms/doc",
              "template");
  for (const Case& c : cases) {
    if (c.needs_office && !nianbao::HaveLibreOffice()) {
      std::printf("%-36s  skipped: LibreOffice is not installed\n", c.label.c_str());
      continue;
    }
    std::string bytes = nianbao::bench::ReadFile(c.path);
    nianbao::ExtractOptions options;
    options.isolate = c.isolate;
    int runs = c.needs_office ? 1 : iterations;
    std::string tmpl = "null";
    auto start = std::chrono::steady_clock::now();
    double cpu_start = nianbao::bench::ProcessAndChildrenSeconds();
    for (int i = 0; i < runs; ++i) {
      nianbao::Extraction e = nianbao::Extract(bytes, *rules, options);
      tmpl = e.template_id.value_or("null");
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count() /
                runs;
    double cpu_ms = (nianbao::bench::ProcessAndChildrenSeconds() - cpu_start) * 1000 / runs;
    std::printf("%-36s %6d %12.1f %12.1f %s\n", c.label.c_str(), runs, ms, cpu_ms, tmpl.c_str());
  }
  return 0;
}
