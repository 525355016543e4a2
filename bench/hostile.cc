// bench/hostile: the cost of hostile inputs that were once super-linear (issue 9), each through the
// path the crawler takes. Prints CPU seconds and MB/s; the targets are < 1 s for the 1.1 MB nested
// list page and <= 1 s for 10 MB of any bytes.
//
//   build/bench/hostile [FILTER]    (FILTER: only the inputs whose name holds it)
#include <cstdio>
#include <ctime>
#include <functional>
#include <random>
#include <string>

#include "crawler/discovery.h"
#include "extract/extract.h"
#include "extract/map/rules.h"
#include "extract/read/decode.h"
#include "extract/read/page.h"
#include "tests/support/hostile_inputs.h"

namespace {

double ThreadSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 generator(seed);
  std::string bytes(n, '\0');
  for (char& c : bytes) c = static_cast<char>(generator() & 0xFF);
  return bytes;
}

void Measure(const char* name, const std::string& input, const std::function<void()>& run) {
  double start = ThreadSeconds();
  run();
  double seconds = ThreadSeconds() - start;
  std::printf("%-52s %9.2f MB %8.3f s %9.1f MB/s\n", name, static_cast<double>(input.size()) / 1e6,
              seconds, static_cast<double>(input.size()) / 1e6 / seconds);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string filter = argc > 1 ? argv[1] : "";
  auto measure = [&](const char* name, const std::string& input, const std::function<void()>& run) {
    if (std::string(name).find(filter) != std::string::npos) Measure(name, input, run);
  };
  auto rules = nianbao::RuleSet::LoadEmbedded();
  auto links = nianbao::LinkRules::Load();
  const std::string url = "http://www.example.gov.cn/col/index.html";

  std::string nested = "<html><body>" + Repeat("<div>", 100000) +
                       "<a href=\"r.html\">2023年政府信息公开工作年度报告</a>" +
                       Repeat("</div>", 100000) + "</body></html>";
  measure("nested divs x100000: Extract + DiscoverLinks (crawler)", nested, [&] {
    nianbao::ExtractedPage page;
    nianbao::Extract(nested, *rules, {}, &page);
    nianbao::DiscoverLinks(*page.html, url, *links);
  });
  measure("nested divs x100000: DiscoverLinks alone", nested,
          [&] { nianbao::DiscoverLinks(nested, url, *links); });
  std::string stray =
      "<html><body>" + Repeat(Repeat("<div>", 300) + Repeat("</zz>", 300), 300) + "</body></html>";
  measure("300 x (300 <div> + 300 stray </zz>): Extract", stray,
          [&] { nianbao::Extract(stray, *rules); });

  std::string feeds = Repeat("x\n\f", 16000);
  measure("16,000 form feeds (one-line pages): Extract", feeds,
          [&] { nianbao::Extract(feeds, *rules); });
  std::string pages;
  for (int i = 0; i < 200000; ++i) {
    pages +=
        "政府信息公开工作年度报告\n  甲" + std::to_string(i) + "    " + std::to_string(i) + "\n\f";
  }
  measure("200,000 pages with a running header: Extract", pages,
          [&] { nianbao::Extract(pages, *rules); });

  for (unsigned seed = 1; seed <= 3; ++seed) {
    std::string random = RandomBytes(10 << 20, seed);
    measure(("10 MB random bytes (seed " + std::to_string(seed) + "): Extract").c_str(), random,
            [&] { nianbao::Extract(random, *rules); });
    nianbao::ExtractOptions text;
    text.input = nianbao::ExtractOptions::Input::kText;
    measure(("10 MB random bytes (seed " + std::to_string(seed) + "): Extract --text").c_str(),
            random, [&] { nianbao::Extract(random, *rules, text); });
    nianbao::ExtractOptions html;
    html.input = nianbao::ExtractOptions::Input::kHtml;
    measure(("10 MB random bytes (seed " + std::to_string(seed) + "): Extract --html").c_str(),
            random, [&] { nianbao::Extract(random, *rules, html); });
  }
  // The "10 MB of any bytes" inputs (tests/support/hostile_inputs.h), by their bytes as the crawler
  // reads a body, and forced as text and as HTML.
  for (const auto& input : nianbao::testing::HostileInputs(10 << 20)) {
    const std::string& name = input.first;
    const std::string& bytes = input.second;  // a reference, not a binding: lambdas capture it
    nianbao::ExtractOptions text, html;
    text.input = nianbao::ExtractOptions::Input::kText;
    html.input = nianbao::ExtractOptions::Input::kHtml;
    measure(("10 MB " + name + ": Extract").c_str(), bytes,
            [&] { nianbao::Extract(bytes, *rules); });
    measure(("10 MB " + name + ": Extract --text").c_str(), bytes,
            [&] { nianbao::Extract(bytes, *rules, text); });
    measure(("10 MB " + name + ": Extract --html").c_str(), bytes,
            [&] { nianbao::Extract(bytes, *rules, html); });
  }
  std::string ascii_random = RandomBytes(10 << 20, 7);
  for (char& c : ascii_random) c = " \n\f\t|ab12-"[static_cast<unsigned char>(c) % 10];
  measure("10 MB random of ' \\n\\f\\t|ab12-': Extract", ascii_random,
          [&] { nianbao::Extract(ascii_random, *rules); });
  std::string wide = Repeat("ab  ", 2500000);
  measure("one 10 MB line of 2.5M cells (x2 lines): ParseText", wide,
          [&] { nianbao::ParseText(wide + "\n" + wide); });
  std::string fragments = Repeat("ab  cd\n", 1500000) + "ef            2\n";
  measure("1.5M label fragments over one row: ParseText", fragments,
          [&] { nianbao::ParseText(fragments); });
  std::string values = "甲\n1\n2\n乙\n3\n4\n丙\n5\n6\n丁\n" + Repeat("7\n", 5000000);
  measure("a row of 5M value lines: ParseText", values, [&] { nianbao::ParseText(values); });
  std::string tables = Repeat("<table><tr><td>1</td><td>2</td></tr></table>", 200000);
  measure("200,000 small tables: Extract", tables, [&] { nianbao::Extract(tables, *rules); });
  return 0;
}
