// Runs a reader of a hostile binary format in a child process with limits, so that a crash, a hang
// or a memory blow-up costs one document, not the crawl or the daemon. Two forms: a program (exec,
// e.g. pdftotext, soffice) and a function of this process (fork, e.g. the OOXML reader) whose
// result string comes back over a pipe. Both: a new process group, RLIMIT_CPU, RLIMIT_AS,
// RLIMIT_FSIZE, a wall-clock limit after which the whole group is killed, and a cap on the output
// read back. Only fork/exec/pipe/poll/setrlimit/kill/wait — all inside systemd's @system-service
// set, and nothing maps memory writable and executable. Never throws.
#ifndef NIANBAO_EXTRACT_READ_ISOLATE_H_
#define NIANBAO_EXTRACT_READ_ISOLATE_H_

#include <functional>
#include <string>
#include <vector>

namespace nianbao {

struct ChildLimits {
  int cpu_seconds = 20;
  size_t address_space = size_t{2} << 30;  // bytes; 0 = unlimited (LibreOffice reserves a lot)
  int wall_milliseconds = 30000;
  size_t max_output = size_t{64} << 20;  // bytes read back; more is an error
  size_t max_file = size_t{512} << 20;   // largest file the child may write
};

struct ChildResult {
  bool ok = false;     // exited 0 within the limits with output under max_output
  std::string output;  // the child's stdout (a program) or the function's result
  // When !ok: what went wrong, e.g. "killed after the 30000 ms time limit", "crashed (signal 11)",
  // "exceeded the CPU time limit", "exited with status 1: <last line of stderr>".
  std::string error;
};

// Runs argv[0] (looked up in PATH) with argv, stdin from /dev/null, stdout captured, stderr's first
// KiB kept for the error. `env` entries (NAME=value) are added to the environment.
ChildResult RunProgram(const std::vector<std::string>& argv, const ChildLimits& limits,
                       const std::vector<std::string>& env = {});

// Forks; the child runs `work` and writes its result back. The child exits with _exit, never
// returning into the caller's stack. Use only for code that needs nothing but memory (no locks
// other threads may hold: glibc's malloc is safe across fork).
ChildResult RunForked(const std::function<std::string()>& work, const ChildLimits& limits);

// The directory of `name` in PATH, or "" when it is not installed.
std::string FindProgram(const std::string& name);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_READ_ISOLATE_H_
