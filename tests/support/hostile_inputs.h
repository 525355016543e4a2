// The inputs of "≤ 1 s for 10 MB of any bytes" (issue 9), each `size` bytes: what the extractor
// must read in linear time whatever the bytes. Shared by tests/hostile_input_test.cc (the real
// binary on each, at a small size) and bench/hostile.cc (CPU seconds at 10 MB). Header-only, so
// that the benchmark builds without the tests.
#ifndef NIANBAO_TESTS_SUPPORT_HOSTILE_INPUTS_H_
#define NIANBAO_TESTS_SUPPORT_HOSTILE_INPUTS_H_

#include <cstddef>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace nianbao::testing {

// `unit` repeated to exactly `size` bytes (the last copy may be cut).
inline std::string RepeatedTo(const std::string& unit, size_t size) {
  std::string out;
  out.reserve(size + unit.size());
  while (out.size() < size) out += unit;
  out.resize(size);
  return out;
}

// Name → bytes: random bytes, form feeds only, digits only, one line with no newline, digits and
// spaces alternating, "总计 1 2 3" lines, byte pairs of GBK's double-byte range, and one line of
// glued-table header words each followed by a figure of prose (each a table part tried and given
// up).
inline std::vector<std::pair<std::string, std::string>> HostileInputs(size_t size) {
  std::mt19937 generator(1);
  std::string random(size, '\0');
  for (char& c : random) c = static_cast<char>(generator() & 0xFF);
  std::string gbk(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    unsigned value = generator();
    // Lead bytes 0x81–0xFE, trail bytes 0x40–0xFE without 0x7F.
    unsigned byte = i % 2 == 0 ? 0x81 + value % 0x7E : 0x40 + value % 0xBE;
    if (i % 2 == 1 && byte == 0x7F) byte = 0x80;
    gbk[i] = static_cast<char>(byte);
  }
  return {{"random bytes", std::move(random)},
          {"form feeds", std::string(size, '\f')},
          {"digits", RepeatedTo("0123456789", size)},
          {"one line, no newline", RepeatedTo("统计 1 2 abc ", size)},
          {"digits and spaces", RepeatedTo("1 ", size)},
          {"\"总计 1 2 3\" lines", RepeatedTo("总计 1 2 3\n", size)},
          {"GBK double bytes", std::move(gbk)},
          {"glued header words", RepeatedTo("一、信息内容1年", size)}};
}

// The same bytes as the body of an HTML page.
inline std::string AsHtmlPage(const std::string& bytes) {
  return "<html><head><title>t</title></head><body>" + bytes + "</body></html>";
}

}  // namespace nianbao::testing

#endif  // NIANBAO_TESTS_SUPPORT_HOSTILE_INPUTS_H_
