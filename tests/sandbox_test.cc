// The document readers work inside the shipped systemd unit's sandbox (systemd/nianbao.service).
// systemd is not PID 1 on every build machine, so `systemd-run -p SystemCallFilter=…` cannot
// always run; instead each setting is checked on its own, for real:
//  - MemoryDenyWriteExecute=yes: the binary runs under prctl(PR_SET_MDWE, REFUSE_EXEC_GAIN) — the
//    kernel's own form of the same rule, inherited by the readers it starts;
//  - SystemCallFilter=@system-service ~@privileged: every system call the binary and its readers
//    make (strace -f) is in the set systemd-analyze expands for those names.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "extract/read/isolate.h"
#include "extract/read/office.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif

std::string Documents() { return testing::DataDir() + "/documents/"; }

// Runs `nianbao extract FILE` with W^X enforced by the kernel; its stdout, or "" when the kernel
// has no PR_SET_MDWE (before Linux 6.3).
std::string ExtractUnderMdwe(const std::string& file, int* status, bool* supported) {
  testing::TempDir dir;
  std::string out = dir.path() + "/out.json";
  pid_t pid = fork();
  if (pid == 0) {
    if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0) _exit(77);
    int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    std::string binary = testing::NianbaoBinary();
    execl(binary.c_str(), binary.c_str(), "extract", file.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  waitpid(pid, status, 0);
  *supported = !(WIFEXITED(*status) && WEXITSTATUS(*status) == 77);
  return testing::ReadFileBytes(out);
}

class Mdwe : public ::testing::TestWithParam<std::string> {};

TEST_P(Mdwe, ReaderWorksWithMemoryDenyWriteExecute) {
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
  // The sanitizer runtime maps its shadow memory and makes system calls of its own that the unit
  // never sees: this test is for the binary as shipped (the release tree runs it).
  GTEST_SKIP() << "not under AddressSanitizer";
#endif
#endif
  std::string file = GetParam();
  if (file.ends_with(".doc") && !HaveLibreOffice()) GTEST_SKIP() << "LibreOffice is not installed";
  int status = 0;
  bool supported = true;
  std::string json = ExtractUnderMdwe(file, &status, &supported);
  if (!supported) GTEST_SKIP() << "this kernel has no PR_SET_MDWE (Linux 6.3+)";
  ASSERT_TRUE(WIFEXITED(status)) << "signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0) << json;
  EXPECT_NE(json.find("\"template\": \"v2021\""), std::string::npos) << json;
}

INSTANTIATE_TEST_SUITE_P(Documents, Mdwe,
                         ::testing::Values(testing::CorpusDir() + "/huaian-2024.pdf",
                                           Documents() + "pingtan-2024-form.docx",
                                           Documents() + "pingtan-2024-form.doc"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(info.param.rfind('/') + 1);
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

std::string Capture(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

// The system calls of a systemd set, nested sets expanded.
void ExpandSet(const std::string& name, std::set<std::string>* out, std::set<std::string>* seen) {
  if (!seen->insert(name).second) return;
  std::istringstream in(Capture("systemd-analyze syscall-filter " + name + " 2>/dev/null"));
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (first) {  // the set's own name
      first = false;
      continue;
    }
    size_t start = line.find_first_not_of(' ');
    if (start == std::string::npos || line[start] == '#') continue;
    std::string item = line.substr(start);
    if (item[0] == '@') {
      ExpandSet(item, out, seen);
    } else {
      out->insert(item);
    }
  }
}

class SyscallFilter : public ::testing::TestWithParam<std::string> {};

TEST_P(SyscallFilter, ReaderStaysInsideTheUnitsFilter) {
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
  // The sanitizer runtime maps its shadow memory and makes system calls of its own that the unit
  // never sees: this test is for the binary as shipped (the release tree runs it).
  GTEST_SKIP() << "not under AddressSanitizer";
#endif
#endif
  if (FindProgram("strace").empty() || FindProgram("systemd-analyze").empty())
    GTEST_SKIP() << "needs strace and systemd-analyze";
  std::set<std::string> allowed, privileged, seen;
  ExpandSet("@system-service", &allowed, &seen);
  seen.clear();
  ExpandSet("@privileged", &privileged, &seen);
  ASSERT_GT(allowed.size(), 100u);
  testing::TempDir dir;
  std::string trace = dir.path() + "/trace";
  std::string json = Capture("strace -f -qq -o " + trace + " " + testing::NianbaoBinary() +
                             " extract " + GetParam() + " 2>/dev/null");
  if (json.find("Operation not permitted") != std::string::npos || !std::ifstream(trace))
    GTEST_SKIP() << "ptrace is not allowed here";
  EXPECT_NE(json.find("\"template\": \"v2021\""), std::string::npos) << json;
  std::istringstream lines(testing::ReadFileBytes(trace));
  std::regex call(R"(^\d+\s+([a-z_0-9]+)\()");
  std::string line;
  std::set<std::string> used;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_search(line, m, call)) used.insert(m[1]);
  }
  ASSERT_FALSE(used.empty());
  for (const std::string& name : used) {
    EXPECT_TRUE(allowed.count(name) && !privileged.count(name))
        << name << " is outside SystemCallFilter=@system-service ~@privileged";
  }
}

INSTANTIATE_TEST_SUITE_P(Documents, SyscallFilter,
                         ::testing::Values(testing::CorpusDir() + "/huaian-2024.pdf",
                                           Documents() + "pingtan-2024-form.docx"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(info.param.rfind('/') + 1);
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace nianbao
