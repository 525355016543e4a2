// How the daemon talks to systemd: sd_notify(3) messages (READY, STATUS, WATCHDOG, RELOADING,
// STOPPING) and log lines on stderr with "<N>" priority prefixes, which journald turns into
// priorities (sd-daemon(3)). Both work without systemd: the notifier does nothing when
// NOTIFY_SOCKET is unset, and the prefixes are readable on a terminal. Both are safe to use from
// several threads.
#ifndef NIANBAO_CMD_NOTIFY_H_
#define NIANBAO_CMD_NOTIFY_H_

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "cmd/config.h"

namespace nianbao {

class Logger {
 public:
  explicit Logger(LogLevel level = LogLevel::kInfo) : level_(static_cast<int>(level)) {}
  void set_level(LogLevel level) { level_.store(static_cast<int>(level)); }

  // Writes "<N>message\n" in one write(2), so lines of different threads never interleave.
  void Log(LogLevel level, std::string_view message) const;
  void Error(std::string_view message) const { Log(LogLevel::kError, message); }
  void Warning(std::string_view message) const { Log(LogLevel::kWarning, message); }
  void Info(std::string_view message) const { Log(LogLevel::kInfo, message); }
  void Debug(std::string_view message) const { Log(LogLevel::kDebug, message); }

 private:
  std::atomic<int> level_;
};

class Notifier {
 public:
  // Reads NOTIFY_SOCKET and WATCHDOG_USEC (and WATCHDOG_PID) through libsystemd.
  Notifier();

  // How often the manager expects WATCHDOG=1, or nullopt when the watchdog is off.
  std::optional<std::chrono::microseconds> watchdog_timeout() const { return watchdog_timeout_; }

  void Ready(std::string_view status) const;  // READY=1 and STATUS=
  void Status(std::string_view status) const;
  void Watchdog() const;
  void Reloading() const;  // RELOADING=1 with MONOTONIC_USEC=now
  void Stopping(std::string_view status) const;

 private:
  void Send(const std::string& message) const;
  std::optional<std::chrono::microseconds> watchdog_timeout_;
};

}  // namespace nianbao

#endif  // NIANBAO_CMD_NOTIFY_H_
