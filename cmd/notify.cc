#include "cmd/notify.h"

#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>

namespace nianbao {

void Logger::Log(LogLevel level, std::string_view message) const {
  if (static_cast<int>(level) > level_.load()) return;
  std::string line = "<";  // built step by step: GCC 12 -Wrestrict false positive on "<" + …
  line.append(std::to_string(static_cast<int>(level))).append(">");
  line.append(message);
  line.push_back('\n');
  // Best effort: a log line that cannot be written has nowhere better to go.
  for (size_t done = 0; done < line.size();) {
    ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
}

Notifier::Notifier() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    watchdog_timeout_ = std::chrono::microseconds(usec);
  }
}

void Notifier::Send(const std::string& message) const {
  // A failure to notify (no manager listening) must not stop the daemon; systemd notices by itself.
  sd_notify(0, message.c_str());
}

void Notifier::Ready(std::string_view status) const {
  Send("READY=1\nSTATUS=" + std::string(status));
}

void Notifier::Status(std::string_view status) const { Send("STATUS=" + std::string(status)); }

void Notifier::Watchdog() const { Send("WATCHDOG=1"); }

void Notifier::Reloading() const {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  uint64_t usec = uint64_t(now.tv_sec) * 1'000'000 + uint64_t(now.tv_nsec) / 1000;
  Send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void Notifier::Stopping(std::string_view status) const {
  Send("STOPPING=1\nSTATUS=" + std::string(status));
}

}  // namespace nianbao
