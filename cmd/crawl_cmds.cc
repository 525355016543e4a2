// `nianbao fetch` and `nianbao crawl`: thin wiring of crawler/ (Crawler) to the store and the
// rules.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cmd/commands.h"
#include "cmd/common.h"
#include "cmd/help.h"
#include "crawler/crawler.h"
#include "crawler/url.h"
#include "extract/extraction.h"
#include "store/store.h"

namespace nianbao {

namespace {

// Set by SIGINT/SIGTERM during a crawl; a signal handler can reach nothing else.
std::atomic<bool> g_stop_crawl{false};

extern "C" void OnStopSignal(int) { g_stop_crawl.store(true); }

struct CommonFlags {
  std::string db;
  std::string rules_dir;
  std::string user_agent;
  // --allow-private-addresses: "true" (given without a value) for every range, else the ranges.
  std::vector<std::string> allow_private_addresses;
  double connect_timeout = CrawlOptions{}.connect_timeout_seconds;
  double timeout = CrawlOptions{}.total_timeout_seconds;
  int max_tries = CrawlOptions{}.max_tries;
  double delay = CrawlOptions{}.delay_seconds;
  double max_analysis_seconds = CrawlOptions{}.max_analysis_seconds;  // crawl only
  int max_analysis_tries = CrawlOptions{}.max_analysis_tries;         // crawl only
};

void AddCommonFlags(CLI::App* command, CommonFlags* flags) {
  command
      ->add_option("--db", flags->db,
                   "the database (default: from the config, else var/nianbao.db)")
      ->check(NotEmpty());
  command->add_option("--rules", flags->rules_dir,
                      "a rules directory instead of the built-in rules");
  command
      ->add_option("--user-agent", flags->user_agent,
                   "the User-Agent (must name nianbao and a contact URL)")
      ->check(HeaderSafe());
  command
      ->add_flag("--allow-private-addresses", flags->allow_private_addresses,
                 "reach loopback, private and link-local hosts (refused by default: SSRF); "
                 "=RANGES: only those, e.g. =127.0.0.1/32,10.0.0.0/8")
      ->check(CLI::Validator(
          [](const std::string& value) -> std::string {
            if (value == "true") return "";
            try {
              ParseAddressRanges(value);
              return "";
            } catch (const std::invalid_argument& e) {
              return e.what();
            }
          },
          ""));
  command
      ->add_option("--connect-timeout", flags->connect_timeout, "seconds to connect (default 15)")
      ->check(CLI::Range(0.1, 600.0).description(""));
  command->add_option("--timeout", flags->timeout, "seconds for a whole request (default 60)")
      ->check(CLI::Range(0.1, 3600.0).description(""));
  command
      ->add_option("--max-tries", flags->max_tries,
                   "attempts of a URL after timeouts, resets and 5xx (default 3)")
      ->check(CLI::Range(1, 10).description(""))
      ->take_last();
  command
      ->add_option("--delay", flags->delay, "seconds between two requests to one host (0 to 3600)")
      ->check(Seconds0To3600());
}

std::unique_ptr<Store> OpenStore(const CommonFlags& flags) {
  std::string path = flags.db.empty() ? DefaultDatabasePath() : flags.db;
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ignored;
  if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
  return Store::Open(path);
}

CrawlOptions OptionsFrom(const CommonFlags& flags) {
  CrawlOptions options;
  if (!flags.user_agent.empty()) options.user_agent = flags.user_agent;
  options.rules_dir = flags.rules_dir;
  for (const std::string& value : flags.allow_private_addresses) {
    if (value == "true") {
      options.allow_private_addresses = true;
    } else {
      for (const AddressRange& range : ParseAddressRanges(value))
        options.allowed_private_ranges.push_back(range);
    }
  }
  options.connect_timeout_seconds = flags.connect_timeout;
  options.total_timeout_seconds = flags.timeout;
  options.max_tries = flags.max_tries;
  options.delay_seconds = flags.delay;
  options.max_analysis_seconds = flags.max_analysis_seconds;
  options.max_analysis_tries = flags.max_analysis_tries;
  return options;
}

// One URL per line, or a TSV whose first column is the URL (a header line starting with "url" is
// skipped). Blank lines and lines starting with '#' are ignored.
std::vector<std::string> ReadSeedFile(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw std::invalid_argument("the seed file " + path + " is a directory");
  }
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("cannot read seed file " + path);
  std::vector<std::string> seeds;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);  // a UTF-8 BOM
    std::string first = line.substr(0, line.find('\t'));
    first.erase(0, first.find_first_not_of(" "));
    if (first.empty() || first[0] == '#' || (number == 1 && first == "url")) continue;
    seeds.push_back(first);
  }
  return seeds;
}

std::string SummaryText(const CrawlSummary& s) {
  std::ostringstream text;
  text << "fetched " << s.fetched << ", new versions " << s.new_versions << ", unchanged "
       << s.unchanged << ", not modified " << s.not_modified << ", documents " << s.documents
       << ", retries " << s.retries << "\nerrors: ";
  if (s.errors.empty()) text << "none";
  bool first = true;
  for (const auto& [kind, count] : s.errors) {
    text << (first ? "" : ", ") << kind << " " << count;
    first = false;
  }
  if (s.stopped) text << "\nstopped before the frontier was empty; run again to resume";
  return text.str();
}

int RunCrawl(const CommonFlags& flags, std::vector<std::string> seeds, const std::string& seed_file,
             int max_pages, int max_depth) {
  if (!seed_file.empty()) {
    std::vector<std::string> more = ReadSeedFile(seed_file);
    seeds.insert(seeds.end(), more.begin(), more.end());
  }
  if (seeds.empty()) {
    std::cerr << "nianbao: crawl: no seed (give --seed URL or --seeds FILE)\n";
    return 2;
  }
  for (const std::string& seed : seeds) {
    if (!NormalizeUrl(seed)) {
      std::cerr << "nianbao: crawl: not an http(s) URL: " << seed << "\n";
      return 2;
    }
  }
  CrawlOptions options = OptionsFrom(flags);
  options.max_pages = max_pages;
  options.max_depth = max_depth;
  std::shared_ptr<const RuleSet> rules = LoadRules(flags.rules_dir);
  std::shared_ptr<const BodyRules> bodies = BodyRules::Load(flags.rules_dir);
  std::unique_ptr<Store> store = OpenStore(flags);
  Crawler crawler(*store, rules, options);

  g_stop_crawl.store(false);
  auto old_int = std::signal(SIGINT, OnStopSignal);
  auto old_term = std::signal(SIGTERM, OnStopSignal);
  auto last = std::chrono::steady_clock::time_point{};
  CrawlSummary summary = crawler.Crawl(seeds, g_stop_crawl, [&last](const CrawlProgress& p) {
    auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::seconds(1)) return;
    last = now;
    char line[160];
    std::snprintf(line, sizeof line, "crawl: %lld done, %lld queued, %lld errors, %.1f pages/s\n",
                  static_cast<long long>(p.done), static_cast<long long>(p.queued),
                  static_cast<long long>(p.errors), p.pages_per_second);
    std::cerr << line << std::flush;
  });
  std::signal(SIGINT, old_int);
  std::signal(SIGTERM, old_term);
  store->SyncBodies(*bodies);
  std::cout << SummaryText(summary) << std::endl;
  if (summary.abandoned_analyses > 0) {
    // An analysis still runs on a detached thread: leave without running static destructors
    // under it (the store is closed and everything is flushed).
    store.reset();
    std::cerr << std::flush;
    std::_Exit(0);
  }
  return 0;
}

// A few words on the error kinds a user may not guess.
const char* Explain(const std::string& error) {
  if (error == "too_large") return "the decoded body exceeds the size cap";
  if (error == "truncated") return "the connection ended before the whole body arrived";
  if (error == "bad_status_line") return "the server's answer is not an HTTP status line";
  if (error == "header_too_large") return "the response headers exceed 64 KiB";
  if (error == "too_many_headers") return "the response has more than 256 header lines";
  if (error == "unsolicited_304") return "a 304 Not Modified to a request that asked for none";
  if (error == "timeout_connect") return "no connection within the connect timeout";
  if (error == "timeout_first_byte") return "connected, but no answer within the timeout";
  if (error == "timeout_body") return "the response did not end within the timeout";
  if (error == "retry_after_too_long") return "the server asked to retry later than the cap";
  if (error == "redirect_scheme") return "redirected to a scheme other than http(s)";
  if (error == "too_many_redirects") return "more than 5 redirects";
  return nullptr;
}

nlohmann::ordered_json LinksJson(const std::string& url, const FetchOneResult& result) {
  nlohmann::ordered_json json;
  json["url"] = url;
  json["kind"] = result.kind;
  json["reports"] = result.report_links;
  json["pages"] = result.page_links;
  json["attachments"] = result.attachment_links;
  return json;
}

int RunFetch(const CommonFlags& flags, const std::string& url_text, const std::string& format) {
  std::optional<std::string> url = NormalizeUrl(url_text);
  if (!url) {
    std::cerr << "nianbao: fetch: not an http(s) URL: " << url_text << "\n";
    return 2;
  }
  std::shared_ptr<const RuleSet> rules = LoadRules(flags.rules_dir);
  std::shared_ptr<const BodyRules> bodies = BodyRules::Load(flags.rules_dir);
  std::unique_ptr<Store> store = OpenStore(flags);
  Crawler crawler(*store, rules, OptionsFrom(flags));
  FetchOneResult result = crawler.FetchOne(*url);
  if (result.snapshot) store->SyncBodies(*bodies);
  if (result.kind == "error") {
    std::cerr << "nianbao: fetch " << *url << ": " << result.fetch.error;
    if (!result.detail.empty()) {
      std::cerr << " (" << result.detail << ")";
    } else if (const char* why = Explain(result.fetch.error)) {
      std::cerr << " (" << why << ")";
    }
    if (result.fetch.status) std::cerr << " (HTTP " << result.fetch.status << ")";
    std::cerr << "\n";
    return 1;
  }
  bool text = format == "text";
  if (result.kind == "suspect") {
    std::cerr << "nianbao: fetch " << *url
              << ": held as suspect, not made the latest version: it has under half the numbers "
                 "of the stored version; the next fetch that reads the same confirms it\n";
  }
  if (result.kind == "report" || result.kind == "suspect") {
    std::cout << ToJson(*result.extraction).dump(2) << "\n";
  } else if (result.kind == "list") {
    if (text) {
      for (const std::string& link : result.report_links) std::cout << link << "\n";
    } else {
      std::cout << LinksJson(*url, result).dump(2) << "\n";
    }
  } else if (result.kind == "not_modified") {
    // Unchanged since the last fetch: show what the database holds for it.
    try {
      std::cout << ToJson(store->Show(*url).extraction).dump(2) << "\n";
    } catch (const NotFoundError&) {
      std::cout << LinksJson(*url, result).dump(2) << "\n";
    }
  } else {  // attachment
    nlohmann::ordered_json json;
    json["url"] = *url;
    json["kind"] = result.kind;
    json["content_type"] = result.fetch.content_type;
    json["bytes"] = result.fetch.bytes;
    json["sha256"] = result.fetch.body_sha256;
    std::cout << json.dump(2) << "\n";
  }
  return 0;
}

}  // namespace

void AddCrawlCommands(CLI::App& app, int* exit_code) {
  struct FetchArgs {
    CommonFlags flags;
    std::string url;
    std::string format = "json";
  };
  auto fetch_args = std::make_shared<FetchArgs>();
  CLI::App* fetch = app.add_subcommand(
      "fetch", "Fetch one URL now (robots.txt obeyed), extract and store it, print the extraction");
  AddCommonFlags(fetch, &fetch_args->flags);
  fetch
      ->add_option("--format", fetch_args->format,
                   "json, or text (list pages: one report URL a line)")
      ->check(CLI::IsMember({"json", "text"}));
  fetch->add_option("url", fetch_args->url, "the page or attachment URL")->required();
  SetExample(fetch, {"nianbao fetch https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202503/"
                     "t20250310_97791.htm"});
  fetch->callback([fetch_args, exit_code] {
    Guarded("fetch", exit_code,
            [&] { return RunFetch(fetch_args->flags, fetch_args->url, fetch_args->format); });
  });

  struct CrawlArgs {
    CommonFlags flags;
    std::vector<std::string> seeds;
    std::string seed_file;
    int max_pages = CrawlOptions{}.max_pages;
    int max_depth = CrawlOptions{}.max_depth;
  };
  auto crawl_args = std::make_shared<CrawlArgs>();
  CLI::App* crawl = app.add_subcommand(
      "crawl", "Crawl from seed list pages to every report and attachment, politely; resumable");
  AddCommonFlags(crawl, &crawl_args->flags);
  crawl->add_option("--seed", crawl_args->seeds, "a list page (栏目) URL; repeatable");
  crawl->add_option("--seeds", crawl_args->seed_file,
                    "a file of seed URLs (one a line, or a TSV with a url column first)");
  crawl
      ->add_option("--max-pages", crawl_args->max_pages,
                   "fetches in this crawl at most (1 or more)")
      ->check(AtLeast(1));
  crawl
      ->add_option("--max-depth", crawl_args->max_depth,
                   "link hops from a seed at most (0 or more)")
      ->check(AtLeast(0));
  crawl
      ->add_option("--max-analysis-seconds", crawl_args->flags.max_analysis_seconds,
                   "a page's analysis past this is cancelled and counted as failed (default 60)")
      ->check(CLI::Range(0.001, 3600.0).description(""));
  crawl
      ->add_option("--max-analysis-tries", crawl_args->flags.max_analysis_tries,
                   "failed analyses before a page is given up as analysis_failed (default 3)")
      ->check(CLI::Range(1, 100).description(""));
  SetExample(
      crawl,
      {"nianbao crawl --seed https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/ --max-pages 200"});
  crawl->callback([crawl_args, exit_code] {
    Guarded("crawl", exit_code, [&] {
      const CrawlArgs& a = *crawl_args;
      return RunCrawl(a.flags, a.seeds, a.seed_file, a.max_pages, a.max_depth);
    });
  });
}

}  // namespace nianbao
