// nianbao web [--db PATH] [--listen ADDR:PORT] [--token T] [--rules DIR]: serves the read-only web
// view and JSON API of a database (web/server.h) until SIGTERM or SIGINT, without the daemon.
// Exit 0 after a signal, 1 when the database cannot be read or the address cannot be bound, 2 for
// bad usage (a listen address that does not parse, or a non-loopback one without a token).
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "cmd/commands.h"
#include "cmd/common.h"
#include "cmd/help.h"
#include "web/server.h"

namespace nianbao {
namespace {

struct WebArgs {
  std::string db;
  std::string listen = web::kDefaultListen;
  std::string token;
  std::string rules_dir;
  int threads = 4;
};

int RunWeb(const WebArgs& args) {
  web::WebOptions options;
  options.database = args.db.empty() ? DefaultDatabasePath() : args.db;
  options.listen = args.listen;
  options.token = args.token;
  if (options.token.empty()) {
    if (const char* token = std::getenv("NIANBAO_WEB_TOKEN")) options.token = token;
  }
  options.threads = args.threads;
  try {
    web::CheckListen(options.listen, options.token);
  } catch (const web::WebError& e) {
    std::cerr << "nianbao: " << e.what() << "\n";
    return 2;
  }
  // SIGTERM and SIGINT are waited for by this thread; blocked before any server thread exists,
  // so that none of them takes the signal.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::unique_ptr<web::WebServer> server;
  try {
    options.rules = LoadRules(args.rules_dir);
    server = web::WebServer::Start(std::move(options));
  } catch (const std::exception& e) {
    std::cerr << "nianbao: " << e.what() << "\n";
    return 1;
  }
  std::cout << "nianbao web: serving " << server->Origin() << "/ (read-only"
            << (args.token.empty() && !std::getenv("NIANBAO_WEB_TOKEN") ? "" : ", token required")
            << "); Ctrl-C stops" << std::endl;
  int signal = 0;
  sigwait(&stop_signals, &signal);
  server.reset();
  return 0;
}

}  // namespace

void AddWebCommands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<WebArgs>();
  CLI::App* cmd = app.add_subcommand(
      "web",
      "Serve the read-only web view and JSON API of a database (reports, checks, versions, "
      "coverage, errors) until SIGTERM");
  cmd->add_option("--db", args->db, "the database (default: the config's, else ./var/nianbao.db)")
      ->check(NotEmpty());
  cmd->add_option("--listen", args->listen,
                  "ADDR:PORT to listen on; any address but loopback needs --token")
      ->check(NotEmpty());
  cmd->add_option("--token", args->token,
                  "bearer token every request must carry (default: $NIANBAO_WEB_TOKEN)");
  cmd->add_option("--rules", args->rules_dir,
                  "rules directory for the table layouts (default: the built-in rules)");
  cmd->add_option("--threads", args->threads, "request threads")
      ->check(CLI::Range(1, 64).description(""));
  SetExample(cmd, {"nianbao web --db var/nianbao.db --listen 127.0.0.1:8047"});
  cmd->callback([args, exit_code] { *exit_code = RunWeb(*args); });
}

}  // namespace nianbao
