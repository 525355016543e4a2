// The crawler against a hostile loopback server, driven through the real binary (`nianbao fetch`
// and `nianbao crawl`): malformed status lines and headers, bodies shorter than they say, 304s
// nobody asked for, silences in each phase of a request, private addresses, reports served under
// the wrong Content-Type, a huge robots.txt, a Retry-After past the cap, tables that end early, a
// SIGTERM while a page is analysed. Each scenario asserts the error kind, what the database holds
// (nothing stored wrong), how many requests the server saw (no retry storm) and a loose time bound.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_server.h"
#include "tests/support/paths.h"
#include "tests/support/process_stat.h"
#include "tests/support/report_pages.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

using std::chrono::steady_clock;
using testing::HttpRequest;
using testing::HttpResponse;
using testing::HttpServer;
using testing::ListLink;
using testing::ReportPageHtml;
using testing::Respond;

struct Outcome {
  int status = -1;  // exit status; 128 + N when killed by signal N
  std::string out, err;
  double seconds = 0;
};

// Runs the binary with `args`; `while_running` (if given) is called with its pid.
Outcome RunBinary(const std::vector<std::string>& args, const testing::TempDir& dir,
                  const std::function<void(pid_t)>& while_running = {}) {
  static int counter = 0;
  std::string out_path = dir.File("out" + std::to_string(++counter));
  std::string err_path = out_path + ".err";
  auto start = steady_clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> argv;
    std::string binary = testing::NianbaoBinary();
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& arg : copy) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  if (while_running) while_running(pid);
  Outcome run;
  int status = 0;
  // A hang is a failure, not a stuck suite: 60 s at most.
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (steady_clock::now() - start > std::chrono::seconds(60)) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ADD_FAILURE() << "nianbao did not finish within 60 s";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  run.seconds = std::chrono::duration<double>(steady_clock::now() - start).count();
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = testing::ReadFileBytes(out_path);
  run.err = testing::ReadFileBytes(err_path);
  return run;
}

HttpResponse Raw(std::string bytes, bool hang = false) {
  HttpResponse response;
  response.raw = std::move(bytes);
  response.hang_after_raw = hang;
  return response;
}

HttpResponse Html(std::string body, std::string type = "text/html; charset=utf-8") {
  return Respond(200, std::move(body), {{"Content-Type", std::move(type)}});
}

class HostileServerTest : public ::testing::Test {
 protected:
  // `nianbao fetch` with small timeouts, no delay, loopback allowed (the server is on 127.0.0.1).
  Outcome Fetch(const std::string& path, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"fetch", "--db",        db_,   "--delay",
                                     "0",     "--timeout",   "0.8", "--connect-timeout",
                                     "0.8",   "--max-tries", "1",   "--allow-private-addresses"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(path.rfind("http", 0) == 0 ? path : server_.Url(path));
    return RunBinary(args, dir_);
  }

  int64_t Count(const std::string& sql) {
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt64();
  }
  std::string Text(const std::string& sql) {
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    SQLite::Statement query(db, sql);
    return query.executeStep() && !query.getColumn(0).isNull() ? query.getColumn(0).getString()
                                                               : "";
  }
  std::string LastError() { return Text("SELECT error FROM fetches ORDER BY id DESC LIMIT 1"); }
  int64_t Snapshots() { return Count("SELECT count(*) FROM snapshots"); }
  int64_t Documents() { return Count("SELECT count(*) FROM documents"); }

  // Expects `nianbao fetch` to fail with `kind`, one request for `path`, nothing stored.
  void ExpectRefused(const std::string& path, const std::string& kind,
                     std::vector<std::string> extra = {}) {
    Outcome run = Fetch(path, extra);
    EXPECT_EQ(run.status, 1) << path << "\n" << run.err;
    EXPECT_NE(run.err.find(": " + kind), std::string::npos) << path << "\n" << run.err;
    EXPECT_EQ(LastError(), kind) << path;
    EXPECT_EQ(server_.RequestCount(path), 1u) << path << ": not retried";
    EXPECT_EQ(Snapshots(), 0) << path;
    EXPECT_EQ(Documents(), 0) << path;
    EXPECT_LT(run.seconds, 10) << path;
  }

  testing::TempDir dir_;
  std::string db_ = dir_.File("nianbao.db");
  HttpServer server_;
};

TEST_F(HostileServerTest, MalformedStatusLinesAndHeadersAreNamedAndNotRetried) {
  server_.Serve("/version", Raw("HTTP/1.1 abc OK\r\nContent-Length: 2\r\n\r\nhi"));
  server_.Serve("/garbage", Raw("FOO BAR\r\n\r\nhi"));
  server_.Serve("/one-huge-header", Raw("HTTP/1.1 200 OK\r\nX-Big: " + std::string(200 << 10, 'a') +
                                        "\r\nContent-Length: 2\r\n\r\nhi"));
  std::string many_long;  // 100 lines of 1 KiB: every line fine, together over 64 KiB
  for (int i = 0; i < 100; ++i)
    many_long += "X-L" + std::to_string(i) + ": " + std::string(1024, 'b') + "\r\n";
  server_.Serve("/long-headers",
                Raw("HTTP/1.1 200 OK\r\n" + many_long + "Content-Length: 2\r\n\r\nhi"));
  std::string many;
  for (int i = 0; i < 300; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  server_.Serve("/many-headers", Raw("HTTP/1.1 200 OK\r\n" + many + "Content-Length: 2\r\n\r\nhi"));
  std::vector<std::string> three_tries = {"--max-tries", "3"};  // deterministic: still one request
  ExpectRefused("/version", "bad_status_line", three_tries);
  ExpectRefused("/garbage", "bad_status_line", three_tries);
  ExpectRefused("/one-huge-header", "header_too_large", three_tries);
  ExpectRefused("/long-headers", "header_too_large", three_tries);
  ExpectRefused("/many-headers", "too_many_headers", three_tries);
}

TEST_F(HostileServerTest, ABodyShorterThanItsLengthIsAnErrorAndNothingIsStored) {
  std::string page = ReportPageHtml("v2021", 2024, 7);
  server_.Serve("/short",
                Raw("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " +
                    std::to_string(page.size()) + "\r\n\r\n" + page.substr(0, page.size() / 2)));
  server_.Serve(
      "/short-chunked",
      Raw("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n" + [&] {
        std::string half = page.substr(0, page.size() / 2);
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", half.size());
        return size + half + "\r\n";  // no last chunk
      }()));
  ExpectRefused("/short", "truncated");
  ExpectRefused("/short-chunked", "truncated");
  // A truncation may be the network's fault: it is retried, within max_tries and no more.
  Outcome again = Fetch("/short", {"--max-tries", "2"});
  EXPECT_EQ(again.status, 1);
  EXPECT_EQ(server_.RequestCount("/short"), 3u);
  EXPECT_EQ(Count("SELECT count(*) FROM fetches WHERE error = 'truncated'"), 4);
  EXPECT_EQ(Snapshots(), 0);
}

TEST_F(HostileServerTest, A304ToAnUnconditionalGetIsAProtocolError) {
  server_.Serve("/fresh", Respond(304, "", {{"ETag", "\"x\""}}));
  ExpectRefused("/fresh", "unsolicited_304");
  EXPECT_EQ(server_.Requests().back().Header("if-none-match"), "");
}

TEST_F(HostileServerTest, EachTimeoutNamesItsPhase) {
  HttpResponse silent = Respond(200);
  silent.never_answer = true;
  server_.Serve("/silent", silent);
  server_.Serve("/stalls", Raw("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
                               "5000\r\n\r\n<html><body>年报",
                               /*hang=*/true));
  ExpectRefused("/silent", "timeout_first_byte");
  ExpectRefused("/stalls", "timeout_body");

  // A listener whose accept queue is full and never drained: the kernel drops further SYNs, so
  // the connect itself times out.
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 0), 0);
  socklen_t length = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  std::vector<int> fillers;
  for (int i = 0; i < 3; ++i) {
    int filler = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ::connect(filler, reinterpret_cast<sockaddr*>(&address), sizeof address);
    fillers.push_back(filler);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::string url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/x";
  // robots.txt is the first request to the host: it times out connecting, so the page is refused
  // for an unavailable robots.txt, and the message names the real reason.
  Outcome run = Fetch(url);
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("robots_unavailable (robots.txt could not be fetched (timeout_connect)"),
            std::string::npos)
      << run.err;
  EXPECT_LT(run.seconds, 10);
  for (int fd : fillers) ::close(fd);
  ::close(listener);
}

TEST_F(HostileServerTest, PrivateAddressesAreRefusedUnlessAllowed) {
  server_.Serve("/r.html", Html(ReportPageHtml("v2021", 2024, 3)));
  Outcome run = RunBinary({"fetch", "--db", db_, "--delay", "0", server_.Url("/r.html")}, dir_);
  EXPECT_EQ(run.status, 1) << run.err;
  EXPECT_NE(run.err.find("private_address (its host has a non-public address"), std::string::npos)
      << run.err;
  EXPECT_EQ(server_.RequestCount(), 0u);  // not even robots.txt: refused before a byte is sent
  EXPECT_EQ(Snapshots(), 0);
  // A host name is judged by the address it resolves to.
  std::string by_name = "http://localhost:" + std::to_string(server_.port()) + "/r.html";
  run = RunBinary({"fetch", "--db", db_, "--delay", "0", by_name}, dir_);
  EXPECT_EQ(run.status, 1) << run.err;
  EXPECT_NE(run.err.find("private_address"), std::string::npos) << run.err;
  EXPECT_EQ(server_.RequestCount(), 0u);
  run = Fetch("/r.html");  // --allow-private-addresses
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(Snapshots(), 1);
}

// --allow-private-addresses=127.0.0.1/32 reaches the test server and nothing else: a redirect from
// it into loopback, private or metadata ranges (127.0.0.2, 10.0.0.1, 169.254.169.254) is refused
// as redirect_private, and a link to them found on a list page is not followed, before a byte is
// sent (10.0.0.1 and 169.254.169.254 are never connected to).
TEST_F(HostileServerTest, RedirectsAndLinksIntoPrivateRangesAreRefusedOutsideTheAllowedOnes) {
  const std::string allow = "--allow-private-addresses=127.0.0.1/32";
  const std::string port = std::to_string(server_.port());
  server_.Serve("/r.html", Html(ReportPageHtml("v2021", 2024, 3)));
  const std::vector<std::string> targets = {"http://127.0.0.2:" + port + "/r.html",
                                            "http://10.0.0.1/r.html",
                                            "http://169.254.169.254/latest/meta-data/"};
  for (size_t i = 0; i < targets.size(); ++i) {
    std::string path = "/go" + std::to_string(i);
    server_.Serve(path, Respond(302, "", {{"Location", targets[i]}}));
    Outcome run = RunBinary({"fetch", "--db", db_, "--delay", "0", "--max-tries", "1", "--timeout",
                             "5", allow, server_.Url(path)},
                            dir_);
    EXPECT_EQ(run.status, 1) << targets[i] << "\n" << run.err;
    EXPECT_NE(run.err.find("redirect_private"), std::string::npos) << targets[i] << "\n" << run.err;
    // Refused at the hop's robots.txt, which lives at the same address: no fetch is recorded.
    EXPECT_EQ(LastError(), "") << targets[i];
    EXPECT_EQ(server_.RequestCount(path), 1u) << targets[i];
    EXPECT_LT(run.seconds, 10) << targets[i];
  }
  EXPECT_EQ(server_.RequestCount("/r.html"), 0u);  // 127.0.0.2 is the same server: never reached
  EXPECT_EQ(Snapshots(), 0);
  Outcome direct = RunBinary({"fetch", "--db", db_, "--delay", "0", allow, server_.Url("/r.html")},
                             dir_);  // the allowed range itself is reached
  EXPECT_EQ(direct.status, 0) << direct.err;
  EXPECT_EQ(Snapshots(), 1);

  // Discovered links: the three private targets are refused, the allowed page is read. The rules
  // follow report links off the list's site (same_site = false), so that the refusal is the
  // address check's, not discovery's.
  std::string rules = dir_.File("rules");
  std::filesystem::copy(testing::SourceDir() + "/rules", rules,
                        std::filesystem::copy_options::recursive);
  std::string links = testing::ReadFileBytes(rules + "/links.toml");
  size_t same_site = links.find("same_site = true");
  ASSERT_NE(same_site, std::string::npos);
  links.replace(same_site, 16, "same_site = false");
  std::ofstream(rules + "/links.toml", std::ios::trunc) << links;
  server_.Serve("/col/", Html(testing::ListPageHtml(
                             {{targets[0], "2023年政府信息公开工作年度报告"},
                              {"http://10.0.0.1/r.html", "2022年政府信息公开工作年度报告"},
                              {"http://169.254.169.254/r.html", "2021年政府信息公开工作年度报告"},
                              {"/col/r.html", "2020年政府信息公开工作年度报告"}})));
  server_.Serve("/col/r.html", Html(ReportPageHtml("v2021", 2020, 4)));
  Outcome crawl = RunBinary({"crawl", "--db", db_, "--delay", "0", "--max-tries", "1", allow,
                             "--seed", server_.Url("/col/")},
                            dir_);
  EXPECT_EQ(crawl.status, 0) << crawl.err;
  // Not followed: discovery keeps them, the address check refuses them, or both; the server
  // sees only its own pages and the counts below say nothing else was fetched.
  EXPECT_NE(crawl.out.find("fetched 2,"), std::string::npos) << crawl.out;
  EXPECT_EQ(server_.RequestCount("/col/r.html"), 1u);
  EXPECT_EQ(server_.RequestCount("/r.html"), 1u);  // only the direct fetch above
  EXPECT_EQ(Snapshots(), 2);
  EXPECT_LT(crawl.seconds, 20);

  // A list that is not a range is a usage error naming it.
  Outcome bad =
      RunBinary({"fetch", "--db", db_, "--allow-private-addresses=127.0.0.1/32,10.0.0.300",
                 server_.Url("/r.html")},
                dir_);
  EXPECT_EQ(bad.status, 2) << bad.err;
  EXPECT_NE(bad.err.find("\"10.0.0.300\" is not an address range"), std::string::npos) << bad.err;
}

TEST_F(HostileServerTest, AReportIsReadByItsBytesNotItsContentType) {
  server_.Serve("/octet", Html(ReportPageHtml("v2021", 2024, 5), "application/octet-stream"));
  server_.Serve("/png", Html(ReportPageHtml("v2019", 2020, 6), "image/png"));
  std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(64, '\0') +
                    "<a href=\"/col/r1.html\">2024年政府信息公开工作年度报告</a>";
  server_.Serve("/really-png", Html(png, "text/html"));
  Outcome octet = Fetch("/octet");
  EXPECT_EQ(octet.status, 0) << octet.err;
  EXPECT_NE(octet.out.find("\"template\": \"v2021\""), std::string::npos) << octet.out;
  Outcome image = Fetch("/png");
  EXPECT_EQ(image.status, 0) << image.err;
  EXPECT_NE(image.out.find("\"template\": \"v2019\""), std::string::npos) << image.out;
  EXPECT_EQ(Snapshots(), 2);
  // Binary bytes under text/html: kept as a document (an attachment, by its bytes), never
  // searched for links.
  Outcome binary = Fetch("/really-png");
  EXPECT_EQ(binary.status, 0) << binary.err;
  EXPECT_NE(binary.out.find("\"kind\": \"attachment\""), std::string::npos) << binary.out;
  EXPECT_EQ(server_.RequestCount("/col/r1.html"), 0u);
  EXPECT_EQ(Text("SELECT d.media_type FROM documents d ORDER BY rowid DESC LIMIT 1"),
            "application/octet-stream");
}

TEST_F(HostileServerTest, ALongRobotsTxtIsReadToItsFirst500KiB) {
  std::string robots = "User-agent: *\nDisallow: /private/\n";
  while (robots.size() < (600u << 10)) robots += "# " + std::string(78, '-') + "\n";
  robots += "Disallow: /late/\n";  // past 500 KiB: not read
  server_.Serve("/robots.txt", Respond(200, robots, {{"Content-Type", "text/plain"}}));
  server_.Serve("/private/r.html", Html(ReportPageHtml("v2021", 2024, 1)));
  server_.Serve("/late/r.html", Html(ReportPageHtml("v2021", 2024, 2)));
  Outcome refused = Fetch("/private/r.html");
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find(": robots (robots.txt disallows it)"), std::string::npos)
      << refused.err;
  EXPECT_EQ(server_.RequestCount("/private/r.html"), 0u);
  Outcome allowed = Fetch("/late/r.html");
  EXPECT_EQ(allowed.status, 0) << allowed.err;
  EXPECT_EQ(Snapshots(), 1);

  HttpServer broken;
  broken.Serve("/robots.txt", Respond(503, "down"));
  Outcome unavailable = Fetch(broken.Url("/r.html"));
  EXPECT_EQ(unavailable.status, 1);
  EXPECT_NE(unavailable.err.find("robots_unavailable (robots.txt could not be fetched (http_503)"),
            std::string::npos)
      << unavailable.err;
}

TEST_F(HostileServerTest, ARetryAfterPastTheCapGivesUpTheUrlNotTheHost) {
  server_.Serve("/col/",
                Html(testing::ListPageHtml({{"busy.html", "2024年政府信息公开工作年度报告（一）"},
                                            {"r2.html", "2023年政府信息公开工作年度报告"},
                                            {"r3.html", "2022年政府信息公开工作年度报告"}})));
  server_.Serve("/col/busy.html", Respond(503, "later", {{"Retry-After", "86400"}}));
  server_.Serve("/col/r2.html", Html(ReportPageHtml("v2021", 2023, 2)));
  server_.Serve("/col/r3.html", Html(ReportPageHtml("v2021", 2022, 3)));
  Outcome run = RunBinary({"crawl", "--db", db_, "--delay", "0", "--allow-private-addresses",
                           "--seed", server_.Url("/col/")},
                          dir_);
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find("retry_after_too_long 1"), std::string::npos) << run.out;
  EXPECT_EQ(server_.RequestCount("/col/busy.html"), 1u);
  EXPECT_EQ(Snapshots(), 2);   // the host's other reports were fetched at once
  EXPECT_LT(run.seconds, 20);  // not paused for the 300 s cap
}

// A report whose tables end early (a close-delimited body cut short: nothing on the wire says so)
// is held as suspect; only a second fetch that reads the same makes it a version.
TEST_F(HostileServerTest, ASnapshotThatLosesMostNumbersIsHeldUntilConfirmed) {
  // The real Pingtan 2024 report (v2021, about 200 numbers), cut where its second table starts:
  // still a v2021 report, with 10 numbers.
  std::string full = testing::ReadFileBytes(testing::CorpusDir() + "/pingtan-2024.html");
  size_t second_table = full.find("<table", full.find("<table") + 1);
  ASSERT_NE(second_table, std::string::npos);
  std::string cut = full.substr(0, second_table);
  std::atomic<int> phase = 0;
  server_.Handle("/r.html", [&](const HttpRequest&) {
    HttpResponse page = Html(phase == 0 ? full : cut);
    page.headers.emplace_back("ETag", phase == 0 ? "\"full\"" : "\"cut\"");
    return page;
  });
  ASSERT_EQ(Fetch("/r.html").status, 0);
  ASSERT_EQ(Snapshots(), 1);
  phase = 1;
  Outcome first_cut = Fetch("/r.html");
  EXPECT_EQ(first_cut.status, 0) << first_cut.err;
  EXPECT_NE(first_cut.err.find("held as suspect"), std::string::npos) << first_cut.err;
  EXPECT_EQ(Snapshots(), 1);  // not made the latest version
  EXPECT_EQ(Count("SELECT count(*) FROM suspect_snapshots"), 1);
  Outcome confirmed = Fetch("/r.html");
  EXPECT_EQ(confirmed.status, 0) << confirmed.err;
  EXPECT_EQ(confirmed.err.find("held as suspect"), std::string::npos) << confirmed.err;
  EXPECT_EQ(Snapshots(), 2);  // a second fetch read the same: now it is the latest version
  EXPECT_EQ(Count("SELECT count(*) FROM suspect_snapshots"), 0);
  // While the suspect was held, the fetch was a full one: a 304 to the cut body's ETag would have
  // confirmed nothing.
  std::vector<HttpRequest> page_requests;
  for (const HttpRequest& request : server_.Requests()) {
    if (request.path == "/r.html") page_requests.push_back(request);
  }
  ASSERT_EQ(page_requests.size(), 3u);
  EXPECT_EQ(page_requests[1].Header("if-none-match"), "\"full\"");
  EXPECT_EQ(page_requests[2].Header("if-none-match"), "");
}

// A page whose analysis runs past max_analysis_seconds is cancelled and stays pending; its third
// failed analysis gives it up as analysis_failed, its body kept.
TEST_F(HostileServerTest, AnAnalysisPastItsDeadlineFailsAndIsGivenUpAfterThreeTries) {
  std::string text;  // plain text of 8 MiB: several hundred milliseconds to read, at least
  while (text.size() < (8u << 20))
    text += "第" + std::to_string(text.size()) + "项  统计  1  2  3\n";
  server_.Serve("/big.txt", Html(text, "text/plain; charset=utf-8"));
  std::vector<std::string> args = {"crawl",
                                   "--db",
                                   db_,
                                   "--delay",
                                   "0",
                                   "--allow-private-addresses",
                                   "--max-analysis-seconds",
                                   "0.01",
                                   "--seed",
                                   server_.Url("/big.txt")};
  for (int attempt = 1; attempt <= 3; ++attempt) {
    Outcome run = RunBinary(args, dir_);
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(Count("SELECT analysis_failures FROM frontier"), attempt);
    EXPECT_NE(Text("SELECT failure FROM frontier").find("longer than"), std::string::npos);
    EXPECT_EQ(Count("SELECT done FROM frontier"), attempt == 3 ? 1 : 0) << attempt;
  }
  EXPECT_EQ(Text("SELECT outcome FROM frontier"), "analysis_failed");
  EXPECT_EQ(LastError(), "analysis_failed");
  EXPECT_EQ(Documents(), 1);  // the body is kept for a later re-extraction
  EXPECT_EQ(server_.RequestCount("/big.txt"), 3u);
}

// SIGTERM while a page is analysed: the crawl ends within its promise, the page stays pending.
TEST_F(HostileServerTest, SigtermWhileAnalysingEndsTheCrawlPromptly) {
  std::string text;
  while (text.size() < (16u << 20))
    text += "第" + std::to_string(text.size()) + "项  统计  1  2  3\n";
  server_.Serve("/big.txt", Html(text, "text/plain; charset=utf-8"));
  double signalled_after = 0;
  auto start = steady_clock::now();
  Outcome run = RunBinary({"crawl", "--db", db_, "--delay", "0", "--allow-private-addresses",
                           "--seed", server_.Url("/big.txt")},
                          dir_, [&](pid_t pid) {
                            while (server_.RequestCount("/big.txt") == 0 &&
                                   steady_clock::now() - start < std::chrono::seconds(20)) {
                              std::this_thread::sleep_for(std::chrono::milliseconds(5));
                            }
                            // Fetching the body costs the crawl a few tens of ms of CPU; its
                            // analysis takes tens of seconds. So a second of CPU spent after the
                            // request means the analysis runs, however loaded the machine is.
                            double at_request = testing::CpuSeconds(pid);
                            while (testing::CpuSeconds(pid) - at_request < 1.0 &&
                                   steady_clock::now() - start < std::chrono::seconds(120)) {
                              std::this_thread::sleep_for(std::chrono::milliseconds(20));
                            }
                            signalled_after =
                                std::chrono::duration<double>(steady_clock::now() - start).count();
                            ::kill(pid, SIGTERM);
                          });
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find("stopped before the frontier was empty"), std::string::npos) << run.out;
  EXPECT_LT(run.seconds - signalled_after, 5);       // the daemon's promise is 10 s
  EXPECT_EQ(Count("SELECT done FROM frontier"), 0);  // pending: the next crawl analyses it
  EXPECT_EQ(Count("SELECT analysis_failures FROM frontier"), 1);  // cancelled, and counted
  EXPECT_NE(Text("SELECT failure FROM frontier").find("stopped"), std::string::npos);
  EXPECT_EQ(Snapshots(), 0);
}

}  // namespace
}  // namespace nianbao
