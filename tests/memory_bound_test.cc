// The memory an analysis takes, as the README documents it: the real binary, run as a child on the
// inputs that took the most memory (issue 9), its peak RSS read from wait4's ru_maxrss. The bounds
// are generous (a loaded machine changes timings, not peak memory), so the test is deterministic; a
// path that starts copying the input once more per cell or per line crosses them. Not in the ASan
// tree, whose shadow memory and quarantine multiply every figure.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "tests/support/paths.h"
#include "tests/support/sanitizer.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

// The README's bound on `nianbao extract` of a body (fetch and crawl, "Politeness and limits"):
// 64 MB + 60 × the body. Measured: 16 MB of text rows 473 MB, 10 MB of random bytes 94 MB.
constexpr double kPeakPerBodyByte = 60;
constexpr double kPeakFixedMb = 64;

struct ChildRun {
  int status = -1;
  double peak_mb = 0;
};

ChildRun ExtractAsChild(const std::string& file) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::string binary = testing::NianbaoBinary();
    std::vector<std::string> args = {binary, "extract", "--text", file};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ChildRun run;
  int status = 0;
  rusage usage{};
  if (::wait4(pid, &status, 0, &usage) != pid) return run;
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.peak_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB
  return run;
}

class MemoryBoundTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifdef NIANBAO_ASAN
    GTEST_SKIP() << "AddressSanitizer multiplies memory: the bound is the release binary's";
#endif
  }
  void ExpectWithinBound(const std::string& name, const std::string& body) {
    std::string file = dir_.File(name);
    std::ofstream(file, std::ios::binary) << body;
    ChildRun run = ExtractAsChild(file);
    // Exit 0 (a table) or 3 (no statistics table): never a crash or an out-of-memory kill.
    EXPECT_TRUE(run.status == 0 || run.status == 3) << name << ": status " << run.status;
    double bound = kPeakFixedMb + kPeakPerBodyByte * static_cast<double>(body.size()) / (1 << 20);
    EXPECT_LE(run.peak_mb, bound) << name << ": " << body.size() << " bytes";
    RecordProperty(name + "_peak_mb", static_cast<int>(run.peak_mb));
  }
  testing::TempDir dir_;
};

TEST_F(MemoryBoundTest, SixteenMegabytesOfDelimitedTextRows) {
  std::string text;
  while (text.size() < (16u << 20))
    text += "第" + std::to_string(text.size()) + "项  统计  1  2  3\n";
  ExpectWithinBound("rows.txt", text);
}

TEST_F(MemoryBoundTest, TenMegabytesOfRandomBytes) {
  std::mt19937 generator(1);
  std::string bytes(10u << 20, '\0');
  for (char& c : bytes) c = static_cast<char>(generator() & 0xFF);
  ExpectWithinBound("random.bin", bytes);
}

}  // namespace
}  // namespace nianbao
