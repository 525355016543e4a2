#include "extract/read/isolate.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>

namespace nianbao {
namespace {

void SetLimit(int resource, rlim_t soft, rlim_t hard) {
  struct rlimit limit {
    soft, hard
  };
  setrlimit(resource, &limit);
}

// In the child, before it runs anything: its own process group (so a wall-clock kill reaches its
// children too) and the resource limits.
void EnterLimits(const ChildLimits& limits) {
  setpgid(0, 0);
  SetLimit(RLIMIT_CPU, static_cast<rlim_t>(limits.cpu_seconds),
           static_cast<rlim_t>(limits.cpu_seconds) + 1);
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NIANBAO_NO_ADDRESS_LIMIT  // ASan reserves terabytes of shadow address space
#endif
#endif
#ifndef NIANBAO_NO_ADDRESS_LIMIT
  if (limits.address_space) SetLimit(RLIMIT_AS, limits.address_space, limits.address_space);
#endif
  SetLimit(RLIMIT_FSIZE, limits.max_file, limits.max_file);
  SetLimit(RLIMIT_CORE, 0, 0);
}

void WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data += n;
    size -= static_cast<size_t>(n);
  }
}

// The last complete line of what the child printed to stderr: tools end with their fatal message,
// after any warnings.
std::string LastLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  size_t start = text.rfind('\n');
  return start == std::string::npos ? text : text.substr(start + 1);
}

// Reads the child's stdout and stderr until both close or the deadline passes; then reaps it and
// describes how it ended.
ChildResult Collect(pid_t pid, int out_fd, int err_fd, const ChildLimits& limits) {
  ChildResult result;
  std::string err;
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(limits.wall_milliseconds);
  bool timed_out = false, too_much = false;
  struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  char buffer[65536];
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    int ready = poll(fds, 2, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        continue;
      }
      if (i == 0) {
        result.output.append(buffer, static_cast<size_t>(n));
        if (result.output.size() > limits.max_output) too_much = true;
      } else if (err.size() < 1024) {
        err.append(buffer, static_cast<size_t>(n));
      }
    }
    if (too_much) break;
  }
  for (struct pollfd& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  if (timed_out || too_much) kill(-pid, SIGKILL), kill(pid, SIGKILL);
  // Wait for the child's exit without reaping it, so that its pid — and with it its process group
  // id — cannot be reused yet; kill what it left running in its group (soffice's helpers); reap.
  siginfo_t info;
  while (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
  }
  kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    result.error =
        "killed after the " + std::to_string(limits.wall_milliseconds) + " ms time limit";
  } else if (too_much) {
    result.error = "output over the " + std::to_string(limits.max_output >> 20) + " MiB limit";
  } else if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    if (sig == SIGXCPU || sig == SIGKILL)
      result.error = "exceeded the " + std::to_string(limits.cpu_seconds) + " s CPU time limit";
    else
      result.error =
          std::string("crashed (signal ") + std::to_string(sig) + ", " + strsignal(sig) + ")";
  } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    std::string line = LastLine(err);
    result.error = "exited with status " + std::to_string(WEXITSTATUS(status)) +
                   (line.empty() ? "" : ": " + line);
  } else {
    result.ok = true;
  }
  if (!result.ok) result.output.clear();
  return result;
}

struct Pipes {
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  bool Open() { return pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0; }
  void CloseAll() {
    for (int fd : {out[0], out[1], err[0], err[1]}) {
      if (fd >= 0) close(fd);
    }
  }
};

ChildResult ForkFailed(Pipes* pipes) {
  ChildResult result;
  result.error = std::string("cannot start a child process: ") + std::strerror(errno);
  pipes->CloseAll();
  return result;
}

}  // namespace

ChildResult RunProgram(const std::vector<std::string>& argv, const ChildLimits& limits,
                       const std::vector<std::string>& env) {
  if (argv.empty()) return ChildResult{false, "", "no program to run"};
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> environment;
  for (char** e = environ; *e; ++e) environment.emplace_back(*e);
  for (const std::string& e : env) environment.push_back(e);
  std::vector<char*> envp;
  for (const std::string& e : environment) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  std::string path = FindProgram(argv[0]);
  std::string program = argv[0].find('/') != std::string::npos ? argv[0] : path + "/" + argv[0];
  if (argv[0].find('/') == std::string::npos && path.empty())
    return ChildResult{false, "", argv[0] + " is not installed (not found in PATH)"};

  Pipes pipes;
  if (!pipes.Open()) return ForkFailed(&pipes);
  pid_t pid = fork();
  if (pid < 0) return ForkFailed(&pipes);
  if (pid == 0) {
    EnterLimits(limits);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, 0);
    dup2(pipes.out[1], 1);
    dup2(pipes.err[1], 2);
    execve(program.c_str(), args.data(), envp.data());
    const char message[] = "cannot execute the program\n";
    WriteAll(2, message, sizeof message - 1);
    _exit(127);
  }
  close(pipes.out[1]);
  close(pipes.err[1]);
  return Collect(pid, pipes.out[0], pipes.err[0], limits);
}

ChildResult RunForked(const std::function<std::string()>& work, const ChildLimits& limits) {
  Pipes pipes;
  if (!pipes.Open()) return ForkFailed(&pipes);
  pid_t pid = fork();
  if (pid < 0) return ForkFailed(&pipes);
  if (pid == 0) {
    EnterLimits(limits);
    close(pipes.out[0]);
    close(pipes.err[0]);
    int code = 0;
    try {
      std::string result = work();
      WriteAll(pipes.out[1], result.data(), result.size());
    } catch (const std::bad_alloc&) {
      std::string message = "ran out of memory (address-space limit " +
                            std::to_string(limits.address_space >> 20) + " MiB)\n";
      WriteAll(pipes.err[1], message.data(), message.size());
      code = 3;
    } catch (const std::exception& e) {
      WriteAll(pipes.err[1], e.what(), std::strlen(e.what()));
      code = 4;
    }
    _exit(code);
  }
  close(pipes.out[1]);
  close(pipes.err[1]);
  ChildResult result = Collect(pid, pipes.out[0], pipes.err[0], limits);
  return result;
}

std::string FindProgram(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (!dir.empty()) {
      std::string candidate = dir + "/" + name;
      struct stat st;
      if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
          access(candidate.c_str(), X_OK) == 0)
        return dir;
    }
    start = end + 1;
  }
  return "";
}

}  // namespace nianbao
