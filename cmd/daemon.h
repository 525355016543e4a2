// `nianbao daemon`: crawls every seed of the config on its schedule and re-checks known reports
// with conditional GETs, until SIGTERM or SIGINT. One crawl runs at a time, on a worker thread,
// while the main loop keeps talking to systemd (READY, STATUS, WATCHDOG, RELOADING, STOPPING) and
// reads signals from a signalfd (SIGTERM/SIGINT/SIGHUP are blocked for every thread; no work
// happens in a handler).
//   SIGTERM/SIGINT: no new fetches; the running crawl is told to stop and is waited for (at most
//                   10 s); exit status 0.
//   SIGHUP:         config and rules re-read; a broken one is logged and the old one keeps running.
// The schedule state lives in the database (Store seed methods), so it survives restarts.
// Exit statuses: 0 after a signal, 1 runtime failure (database), 2 unusable config or rules at
// start.
#ifndef NIANBAO_CMD_DAEMON_H_
#define NIANBAO_CMD_DAEMON_H_

#include <string>

#include "cmd/notify.h"
#include "cmd/scheduler.h"

namespace nianbao {

struct DaemonOptions {
  std::string config_path;       // empty: DefaultConfig()
  const Clock* clock = nullptr;  // nullptr: the system clock
};

int RunDaemon(const DaemonOptions& options, Logger& logger);

}  // namespace nianbao

#endif  // NIANBAO_CMD_DAEMON_H_
