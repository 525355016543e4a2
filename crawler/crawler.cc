#include "crawler/crawler.h"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <deque>
#include <exception>
#include <limits>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>

#include "crawler/discovery.h"
#include "crawler/fetcher.h"
#include "crawler/junk.h"
#include "crawler/politeness.h"
#include "crawler/reextract.h"
#include "crawler/report_sources.h"
#include "crawler/robots.h"
#include "crawler/url.h"
#include "crawler/worker_pool.h"
#include "extract/extract.h"
#include "extract/read/decode.h"
#include "extract/read/html_tree.h"

namespace nianbao {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxPollMillis = 200;  // `stop` is seen within this
constexpr double kRobotsTtlSeconds = 24 * 3600;
constexpr double kRobotsRetryAfterFailureSeconds = 600;
constexpr double kProgressEverySeconds = 0.25;
// A host that answered with a challenge, a WAF page or a login wall is not asked again for this
// long (by this crawler; the daemon backs the seed off across crawls). Never bypassed.
constexpr double kBlockedBackoffSeconds = 6 * 3600;
constexpr size_t kMaxProblems = 20;             // CrawlSummary::problems kept
constexpr int64_t kMaxRobotsBytes = 500 << 10;  // RFC 9309 §2.5: parse at least the first 500 KiB
// After `stop`, analyses still running are cancelled and waited for this long; a page analysis
// that does not notice its cancel token by then is left to finish on a detached thread.
constexpr double kStopAnalysisGraceSeconds = 3;
// A report whose latest version had at least kSuspectMinFields numbers, and whose new extraction
// has fewer than kSuspectKeptShare of them, is held as suspect (tables that end early).
constexpr int kSuspectMinFields = 8;
constexpr double kSuspectKeptShare = 0.5;

// The CPU time of the calling thread spent between Start and Stop calls (the scheduler's share).
class ThreadCpuClock {
 public:
  void Start() { start_ = Now(); }
  void Stop() { total_ += Now() - start_; }
  double seconds() const { return total_; }

 private:
  static double Now() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
  }
  double start_ = 0, total_ = 0;
};

std::string Sha256Of(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

std::string MediaType(const std::string& content_type) {
  std::string media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  for (char& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return media;
}

// Counts the numbers (non-null fields) of an extraction.
int NumbersIn(const Extraction& extraction) {
  int n = 0;
  for (const auto& [field, value] : extraction.fields) n += value.has_value();
  return n;
}

std::string OriginOf(const std::string& url) {
  std::optional<Url> parsed = ParseUrl(url);
  return parsed ? parsed->Origin() : "";
}

std::string PathAndQueryOf(const std::string& url) {
  std::optional<Url> parsed = ParseUrl(url);
  return parsed ? parsed->PathAndQuery() : "/";
}

}  // namespace

struct Crawler::Impl {
  // One frontier entry on its way through robots, politeness, retries and redirects.
  struct Job {
    FrontierEntry entry;  // entry.url: the requested, normalised URL
    std::string hop_url;  // the URL of the current hop
    std::vector<std::string> redirects;
    int tries = 0;  // attempts made of the current hop
    Clock::time_point not_before{};
    bool robots_fetch = false;  // fetching robots.txt for `robots_origin`
    std::string robots_origin;
    std::optional<ListRequest> api;  // a list mechanism's request (entry.kind "api")
    std::string refused;             // why it finished without a fetch ("robots", "blocked", …)
  };

  struct RobotsEntry {
    enum class State { kUnknown, kFetching, kReady } state = State::kUnknown;
    RobotsRules rules;
    bool unavailable = false;  // 5xx or unreachable: everything disallowed for now
    std::string why;           // when unavailable: the fetch's error kind or http_<status>
    Clock::time_point expires{};
  };

  struct PageAnalysis {
    Extraction extraction;
    std::string text;  // the page's visible text
    DiscoveredLinks links;
    // The body's SHA-256 and zlib form, made on the analysing thread: the crawl thread, which
    // writes the store for every page, then neither hashes nor compresses.
    PreparedDocument document;
  };

  // What happened to one finished frontier entry.
  struct Outcome {
    // "report", "suspect", "list", "attachment", "not_modified", "error"
    std::string kind;
    // For an error: what exactly happened, in words (also recorded as the frontier's outcome when
    // it says more than the kind).
    std::string detail;
    FetchRecord fetch;
    int64_t fetch_id = 0;
    std::optional<Extraction> extraction;
    std::optional<SnapshotResult> snapshot;
    DiscoveredLinks links;
  };

  Store& store;
  std::shared_ptr<const RuleSet> rules;
  CrawlOptions options;
  std::shared_ptr<const LinkRules> link_rules;
  Fetcher fetcher;
  HostSchedule schedule;
  std::mt19937_64 random{std::random_device{}()};
  // The jobs waiting for one host: its robots.txt fetch first, then retries whose backoff has
  // ended, then the others in order (redirect hops at the front). `key`: its place in `ready_at`.
  struct HostQueue {
    std::optional<Job> robots;
    std::multimap<Clock::time_point, Job> delayed;  // by not_before
    std::deque<Job> fresh;
    Clock::time_point key = Clock::time_point::max();  // max: not in ready_at (parked)
    bool empty() const { return !robots && delayed.empty() && fresh.empty(); }
  };

  std::map<std::string, RobotsEntry> robots;  // by origin; kept across crawls
  std::map<std::string, HostQueue> waiting;   // by origin; only hosts with waiting jobs
  // The hosts with a job waiting, by when it could start. A host is parked (left out) while all
  // its connections are busy or its robots.txt is being fetched, and put back by that transfer's
  // end. Dispatch and NextWake look at the head only: scheduling a URL costs O(log hosts + log
  // jobs of its host), whatever the number of hosts.
  std::set<std::pair<Clock::time_point, std::string>> ready_at;
  size_t waiting_jobs = 0;            // jobs in `waiting` (robots.txt fetches included)
  std::map<uint64_t, Job> in_flight;  // by fetch id
  std::map<std::string, Clock::time_point> blocked_until;  // by origin; kept across crawls
  uint64_t next_fetch_id = 1;

  Impl(Store& store, std::shared_ptr<const RuleSet> rules, CrawlOptions options)
      : store(store),
        rules(std::move(rules)),
        options(std::move(options)),
        link_rules(LinkRules::Load(this->options.rules_dir)),
        fetcher(FetcherOptionsFrom(this->options)),
        schedule(this->options.delay_seconds, this->options.max_connections_per_host,
                 this->options.max_connections, this->options.max_crawl_delay_seconds) {}

  static FetcherOptions FetcherOptionsFrom(const CrawlOptions& o) {
    FetcherOptions f;
    f.user_agent = o.user_agent;
    f.max_body_bytes = o.max_body_bytes;
    f.connect_timeout_seconds = o.connect_timeout_seconds;
    f.total_timeout_seconds = o.total_timeout_seconds;
    f.max_connections_per_host = o.max_connections_per_host;
    f.max_connections = o.max_connections;
    f.allow_private_addresses = o.allow_private_addresses;
    f.allowed_private_ranges = o.allowed_private_ranges;
    return f;
  }

  size_t WaitingCount() const { return waiting_jobs; }

  void AddJob(Job job, bool front = false) {
    std::string origin = OriginOf(job.hop_url);
    HostQueue& queue = waiting[origin];
    if (job.robots_fetch) {
      queue.robots = std::move(job);
    } else if (job.not_before != Clock::time_point{}) {
      queue.delayed.emplace(job.not_before, std::move(job));
    } else if (front) {
      queue.fresh.push_front(std::move(job));
    } else {
      queue.fresh.push_back(std::move(job));
    }
    ++waiting_jobs;
    Rekey(origin);
  }

  void ClearWaiting() {
    waiting.clear();
    ready_at.clear();
    waiting_jobs = 0;
  }

  // Puts `origin` back in `ready_at` at the time its next job could start (or parks it, or forgets
  // it when nothing waits for it). Called after anything that changes that time.
  void Rekey(const std::string& origin) {
    auto it = waiting.find(origin);
    if (it == waiting.end()) return;
    HostQueue& queue = it->second;
    if (queue.key != Clock::time_point::max()) ready_at.erase({queue.key, origin});
    queue.key = Clock::time_point::max();
    if (queue.empty()) {
      waiting.erase(it);
      return;
    }
    if (!schedule.HasFreeConnection(origin)) return;
    Clock::time_point job_time{};
    if (queue.robots) {
      job_time = queue.robots->not_before;
    } else if (RobotsInFlight(origin)) {
      return;  // the answer decides for every job of the host
    } else if (queue.fresh.empty()) {
      job_time = queue.delayed.begin()->first;
    }
    queue.key = std::max(schedule.NextStart(origin), job_time);
    ready_at.emplace(queue.key, origin);
  }

  bool RobotsInFlight(const std::string& origin) const {
    if (!options.obey_robots) return false;
    auto it = robots.find(origin);
    return it != robots.end() && it->second.state == RobotsEntry::State::kFetching;
  }

  // The job of `queue` to start next at `now` (see HostQueue), or nullptr when none is due.
  static Job* NextJob(HostQueue& queue, Clock::time_point now) {
    if (queue.robots) return queue.robots->not_before <= now ? &*queue.robots : nullptr;
    if (!queue.delayed.empty() && queue.delayed.begin()->first <= now)
      return &queue.delayed.begin()->second;
    return queue.fresh.empty() ? nullptr : &queue.fresh.front();
  }

  static Job TakeJob(HostQueue& queue, Job* job) {
    Job taken = std::move(*job);
    if (queue.robots && job == &*queue.robots) {
      queue.robots.reset();
    } else if (!queue.delayed.empty() && job == &queue.delayed.begin()->second) {
      queue.delayed.erase(queue.delayed.begin());
    } else {
      queue.fresh.pop_front();
    }
    return taken;
  }

  static Job JobFor(const FrontierEntry& entry) {
    Job job;
    job.entry = entry;
    job.hop_url = entry.url;
    if (entry.kind == "api") {
      job.api = ListRequest::FromJson(entry.request);
      if (job.api) job.hop_url = job.api->url;
    }
    return job;
  }

  bool Blocked(const std::string& origin, Clock::time_point now) const {
    auto it = blocked_until.find(origin);
    return it != blocked_until.end() && now < it->second;
  }

  // --- robots.txt ---

  // nullopt while the host's robots.txt is still unknown (a fetch is then started or pending).
  std::optional<bool> RobotsAllows(const std::string& origin, const std::string& url,
                                   Clock::time_point now) {
    if (!options.obey_robots) return true;
    RobotsEntry& entry = robots[origin];
    if (entry.state == RobotsEntry::State::kReady && now >= entry.expires) {
      entry.state = RobotsEntry::State::kUnknown;
    }
    if (entry.state == RobotsEntry::State::kUnknown) {
      entry.state = RobotsEntry::State::kFetching;
      Job job;
      job.robots_fetch = true;
      job.robots_origin = origin;
      job.hop_url = origin + "/robots.txt";
      job.entry.url = job.hop_url;
      AddJob(std::move(job), /*front=*/true);
      return std::nullopt;
    }
    if (entry.state == RobotsEntry::State::kFetching) return std::nullopt;
    return entry.rules.Allowed(PathAndQueryOf(url));
  }

  // Why robots.txt of `origin` could not be had ("" when it was read).
  std::string RobotsUnavailable(const std::string& origin) const {
    auto it = robots.find(origin);
    return it != robots.end() && it->second.unavailable ? it->second.why : "";
  }

  void FinishRobots(const Job& job, const FetchResponse& response, Clock::time_point now) {
    RobotsEntry& entry = robots[job.robots_origin];
    entry.state = RobotsEntry::State::kReady;
    entry.unavailable = false;
    double ttl = kRobotsTtlSeconds;
    if (response.error.empty() && response.status >= 200 && response.status < 300) {
      entry.rules = RobotsRules::Parse(response.body, ProductToken(options.user_agent));
      if (auto delay = entry.rules.crawl_delay()) schedule.SetCrawlDelay(job.robots_origin, *delay);
    } else if (response.error.empty() && response.status >= 400 && response.status < 500 &&
               response.status != 429) {
      entry.rules = RobotsRules::AllowAll();  // RFC 9309 §2.3.1.3: unavailable
    } else {
      entry.rules = RobotsRules::DisallowAll();  // §2.3.1.4: unreachable, for now
      entry.unavailable = true;
      entry.why =
          !response.error.empty() ? response.error : "http_" + std::to_string(response.status);
      ttl = kRobotsRetryAfterFailureSeconds;
    }
    entry.expires = now + SteadySeconds(ttl);
    Rekey(job.robots_origin);  // its other jobs wait for this answer
  }

  // --- dispatch ---

  // Starts every waiting job whose host, robots.txt and time allow it, taking hosts from the head
  // of `ready_at`. Jobs that robots.txt forbids, or of a blocked host, finish here without a fetch.
  void Dispatch(Clock::time_point now, std::vector<std::pair<Job, Outcome>>* finished_now) {
    while (!ready_at.empty() && ready_at.begin()->first <= now && !schedule.TotalFull()) {
      const std::string origin = ready_at.begin()->second;
      HostQueue& queue = waiting.at(origin);
      Job* next = schedule.CanStart(origin, now) ? NextJob(queue, now) : nullptr;
      if (!next) {
        Rekey(origin);  // a later time, or parked: never the same head again
        continue;
      }
      if (!next->robots_fetch && Blocked(origin, now)) {
        Job job = TakeJob(queue, next);
        --waiting_jobs;
        job.refused = "blocked";
        finished_now->emplace_back(std::move(job), Outcome{});
        Rekey(origin);
        continue;
      }
      if (!next->robots_fetch) {
        std::optional<bool> allowed = RobotsAllows(origin, next->hop_url, now);
        if (!allowed) {  // robots.txt first: it was queued (AddJob rekeyed the host)
          Rekey(origin);
          continue;
        }
        if (!*allowed) {
          Job job = TakeJob(queue, next);
          --waiting_jobs;
          finished_now->emplace_back(std::move(job), Outcome{});
          Rekey(origin);
          continue;
        }
      }
      Job job = TakeJob(queue, next);
      --waiting_jobs;
      StartFetch(std::move(job), origin, now);
      Rekey(origin);
    }
  }

  void StartFetch(Job job, const std::string& origin, Clock::time_point now) {
    FetchRequest request;
    request.id = next_fetch_id++;
    request.url = job.hop_url;
    if (job.robots_fetch) {  // a longer robots.txt is read up to the limit, not refused
      request.max_body_bytes = kMaxRobotsBytes;
      request.keep_prefix = true;
    }
    if (job.api && job.redirects.empty()) {
      request.post = job.api->method == "POST";
      request.body = job.api->form;
      request.headers = job.api->headers;
    } else if (!job.robots_fetch && job.hop_url == job.entry.url && job.entry.kind != "list") {
      if (std::optional<Validators> validators = store.GetValidators(job.entry.url)) {
        request.if_none_match = validators->etag;
        request.if_modified_since = validators->last_modified;
      }
    }
    ++job.tries;
    schedule.Started(origin, now);
    fetcher.Start(request);
    in_flight.emplace(request.id, std::move(job));
  }

  // When the next waiting job could start (for the poll timeout). A parked host wakes us through
  // its transfer ending, not a timer.
  Clock::time_point NextWake(Clock::time_point now) const {
    Clock::time_point wake = now + std::chrono::milliseconds(kMaxPollMillis);
    if (!ready_at.empty()) wake = std::min(wake, ready_at.begin()->first);
    return std::max(wake, now);
  }

  // --- responses ---

  // Handles one finished transfer: retries and redirect hops go back to the queues; a final answer
  // is returned as (job, response) for the caller to record.
  std::optional<std::pair<Job, FetchResponse>> OnResponse(FetchResponse response,
                                                          Clock::time_point now,
                                                          CrawlSummary* summary) {
    auto it = in_flight.find(response.id);
    if (it == in_flight.end()) return std::nullopt;
    Job job = std::move(it->second);
    in_flight.erase(it);
    std::string origin = OriginOf(job.hop_url);
    if (job.robots_fetch && response.error.empty() && response.status / 100 == 2) {
      // The Crawl-delay governs the gap after this very request too.
      RobotsRules rules = RobotsRules::Parse(response.body, ProductToken(options.user_agent));
      if (auto delay = rules.crawl_delay()) schedule.SetCrawlDelay(origin, *delay);
    }
    schedule.Finished(origin, now);
    Rekey(origin);
    if (response.error == "private_address" && !job.redirects.empty()) {
      response.error = "redirect_private";
    }
    if (!job.robots_fetch) NameJunk(job, origin, now, &response);

    if (response.Retryable() && job.tries < options.max_tries) {
      double wait = BackoffSeconds(job.tries, options.retry_base_seconds,
                                   options.max_backoff_seconds, random);
      bool give_up = false;
      if (response.retry_after && (response.status == 429 || response.status == 503)) {
        if (std::optional<double> after =
                ParseRetryAfter(*response.retry_after, std::time(nullptr))) {
          if (*after > options.max_retry_after_seconds) {
            // This URL is given up for this crawl; the host's other URLs go on at its usual pace.
            give_up = true;
            response.error = "retry_after_too_long";
          } else {
            wait = std::max(wait, *after);
            schedule.Defer(origin, now + SteadySeconds(*after));
            Rekey(origin);
          }
        }
      }
      if (!give_up) {
        if (!job.robots_fetch) RecordAttempt(job, response, summary);
        ++summary->retries;
        job.not_before = now + SteadySeconds(wait);
        AddJob(std::move(job), /*front=*/true);
        return std::nullopt;
      }
    }
    if (response.error.empty() && response.status >= 300 && response.status < 400 &&
        response.status != 304 && !response.location.empty()) {
      std::optional<std::string> next = ResolveUrl(response.url, response.location);
      if (!next) {
        response.error = "redirect_scheme";
      } else if (static_cast<int>(job.redirects.size()) >= options.max_redirects) {
        response.error = "too_many_redirects";
      } else {
        job.redirects.push_back(*next);
        job.hop_url = *next;
        job.tries = 0;
        AddJob(std::move(job), /*front=*/true);
        return std::nullopt;
      }
    }
    if (job.robots_fetch) {
      FinishRobots(job, response, now);
      return std::nullopt;
    }
    return std::make_pair(std::move(job), std::move(response));
  }

  // A challenge, WAF page or login wall becomes an error of its kind (not retried; the host is left
  // alone for hours); a meta-refresh shell becomes a redirect hop to its target (scripts are never
  // run: a page that only redirects by script is the error "script_redirect").
  void NameJunk(const Job& job, const std::string& origin, Clock::time_point now,
                FetchResponse* response) {
    if (!response->error.empty() || (response->status >= 300 && response->status < 400)) return;
    JunkVerdict verdict = ClassifyAnswer(response->status, response->body);
    if (verdict.kind.empty()) return;
    if (verdict.kind == "moved") {
      if (job.api) return;
      response->status = 302;  // followed as a redirect, with its checks and its limit
      response->location = verdict.target;
      return;
    }
    response->error = verdict.kind;
    if (verdict.kind != "script_redirect") {
      blocked_until[origin] = now + SteadySeconds(kBlockedBackoffSeconds);
    }
  }

  // `body_sha256`: the body's hash when already computed (PageAnalysis::document).
  FetchRecord RecordOf(const Job& job, const FetchResponse& response,
                       const std::string* body_sha256 = nullptr) const {
    FetchRecord record;
    record.url = job.entry.url;
    record.final_url = job.hop_url;
    record.fetched_at = static_cast<int64_t>(std::time(nullptr));
    record.status = response.status;
    record.error = response.error;
    if (record.error.empty() && (response.status >= 400 || response.status < 200 ||
                                 (response.status >= 300 && response.status != 304))) {
      record.error = "http_" + std::to_string(response.status);
    }
    record.redirects = job.redirects;
    record.etag = response.etag;
    record.last_modified = response.last_modified;
    record.content_type = response.content_type;
    record.charset = response.charset;
    record.bytes = static_cast<int64_t>(response.body.size());
    if (!response.body.empty())
      record.body_sha256 = body_sha256 ? *body_sha256 : Sha256Of(response.body);
    record.duration_seconds = response.duration_seconds;
    return record;
  }

  void RecordAttempt(const Job& job, const FetchResponse& response, CrawlSummary* summary) {
    store.RecordFetch(RecordOf(job, response));
    ++summary->fetched;
  }

  // Records the final answer of `job` and stores what it holds. Does not touch the frontier.
  Outcome Process(const Job& job, const FetchResponse* response, CrawlSummary* summary) {
    Outcome outcome;
    if (NeedsAnalysis(job, response)) {
      PageAnalysis analysis = AnalysePage(job, *response, *rules, *link_rules, nullptr);
      store.Batch([&] { StorePage(job, *response, std::move(analysis), summary, &outcome); });
    } else {
      store.Batch([&] { Settle(job, response, summary, &outcome); });
    }
    return outcome;
  }

  // Whether the final answer is a body to extract (the CPU-heavy part) — a page, to search for
  // links too, or an attachment — rather than a refusal, an error or a 304.
  static bool NeedsAnalysis(const Job&, const FetchResponse* response) {
    return response && response->error.empty() && response->status / 100 == 2;
  }

  // A picture found on a page (its parent), to be read with it.
  static bool IsPictureOfAPage(const Job& job, std::string_view body) {
    return !job.api && job.entry.kind == "attachment" && !job.entry.parent.empty() &&
           IsPicture(body);
  }

  // An attachment: a document that is not a page, by the frontier, the URL or its bytes (the format
  // Extract sniffed: anything but HTML and text), never by the Content-Type, which these sites get
  // wrong both ways.
  static bool IsAttachment(const Job& job, const std::string& format, const LinkRules& link_rules) {
    return job.entry.kind == "attachment" || IsAttachmentUrl(job.hop_url, link_rules) ||
           (format != "html" && format != "text");
  }
  // The kind of a refusal without a fetch (robots.txt, or the robots.txt fetch itself refused).
  std::string RefusalOf(const Job& job, std::string* detail) const {
    std::string why = RobotsUnavailable(OriginOf(job.hop_url));
    if (why.empty()) {
      *detail = "robots.txt disallows it";
      return "robots";
    }
    if (why == "private_address") {  // robots.txt lives at the same address: refused for both
      *detail = "its host has a non-public address (not allowed by allow_private_addresses)";
      return job.redirects.empty() ? "private_address" : "redirect_private";
    }
    *detail = "robots.txt could not be fetched (" + why + "); retried in 10 minutes";
    return "robots_unavailable";
  }

  // Records and settles a final answer that needs no analysis: a refusal, an error or a 304.
  void Settle(const Job& job, const FetchResponse* response, CrawlSummary* summary,
              Outcome* outcome) {
    if (!response) {  // refused before any fetch: nothing to record
      outcome->kind = "error";
      outcome->fetch.url = job.entry.url;
      outcome->fetch.final_url = job.hop_url;
      outcome->fetch.error = !job.refused.empty() && job.refused != "robots"
                                 ? job.refused
                                 : RefusalOf(job, &outcome->detail);
      outcome->fetch.redirects = job.redirects;
      ++summary->errors[outcome->fetch.error];
      return;
    }
    outcome->fetch = RecordOf(job, *response);
    outcome->fetch_id = store.RecordFetch(outcome->fetch);
    ++summary->fetched;
    if (!outcome->fetch.error.empty()) {
      outcome->kind = "error";
      ++summary->errors[outcome->fetch.error];
      return;
    }
    if (response->status == 304) {
      outcome->kind = "not_modified";
      ++summary->not_modified;
      return;
    }
  }

  // What a body holds: CPU work only, no store and no shared mutable state, so any thread may run
  // it (it takes the rules as arguments so that a detached analysis owns what it reads). Once
  // `*cancel` reads true it returns soon with a result to discard.
  static PageAnalysis AnalysePage(const Job& job, const FetchResponse& response,
                                  const RuleSet& rules, const LinkRules& link_rules,
                                  const std::atomic<bool>* cancel) {
    PageAnalysis analysis;
    analysis.document = PrepareDocument(response.body);
    ExtractOptions extract_options;
    if (!response.charset.empty()) extract_options.http_charset = response.charset;
    extract_options.cancel = cancel;
    if (job.api) {  // a list mechanism's reply: rows and the next request, nothing to extract
      Decoded decoded = DecodeToUtf8(
          response.body, CharsetHints{std::nullopt, extract_options.http_charset, std::nullopt});
      if (job.api->kind == "detail") {
        PageAnalysis detail = AnalyseDetail(job, decoded.utf8, rules, link_rules, cancel);
        detail.document = std::move(analysis.document);  // the reply is archived as it came
        return detail;
      }
      auto base = job.api->vars.find("_base");
      analysis.links =
          DiscoverReply(*job.api, decoded.utf8,
                        base == job.api->vars.end() ? job.api->url : base->second, link_rules);
      return analysis;
    }
    // A picture of a page is read with the page once all its pictures are in (StorePicture):
    // alone it is not read at all.
    if (IsPictureOfAPage(job, response.body)) return analysis;
    ExtractedPage page;
    analysis.extraction = Extract(response.body, rules, extract_options, &page);
    analysis.text = std::move(page.text);
    if (cancel && cancel->load()) return analysis;
    // A leaf: an attachment's links are not followed, and a binary body is never searched for
    // links.
    if (IsAttachment(job, analysis.extraction.format, link_rules)) return analysis;
    // Links are read from the extractor's own decoding and parse (one parse a page, one charset).
    // Only a page not read as HTML is decoded again, and parsed for links here.
    auto decoded_source = [&] {
      return DecodeToUtf8(response.body,
                          CharsetHints{std::nullopt, extract_options.http_charset, std::nullopt})
          .utf8;
    };
    // A report page matters only for its attachments: most link none (then nothing more is
    // read), and the others need only their hrefs scanned.
    if (!analysis.extraction.template_id) {
      analysis.links = page.html ? DiscoverLinks(*page.html, job.hop_url, link_rules)
                                 : DiscoverLinks(decoded_source(), job.hop_url, link_rules);
      // No statistics table read: the report may print its tables as pictures.
      if (page.html) {
        std::vector<std::string>& attachments = analysis.links.attachments;
        for (std::string& url : ArticleImages(*page.html, job.hop_url, link_rules)) {
          if (std::find(attachments.begin(), attachments.end(), url) == attachments.end())
            attachments.push_back(std::move(url));
        }
      }
    } else if (MayLinkAttachments(response.body, link_rules)) {
      std::string source = page.html ? std::string() : decoded_source();
      analysis.links.attachments = DiscoverAttachments(
          page.html ? page.html->source() : std::string_view(source), job.hop_url, link_rules);
    }
    return analysis;
  }

  // A [[detail]] reply: the report body of the shell page (the entry's parent), extracted as that
  // page's report; its attachments are the shell's.
  static PageAnalysis AnalyseDetail(const Job& job, const std::string& body, const RuleSet& rules,
                                    const LinkRules& link_rules, const std::atomic<bool>* cancel) {
    PageAnalysis analysis;
    analysis.links.mechanisms.push_back(job.api->rule);
    ListReply reply = link_rules.lists().ReadReply(*job.api, body, 1);
    if (!reply.error.empty()) {
      analysis.links.errors.push_back(std::move(reply.error));
      return analysis;
    }
    ExtractOptions extract_options;
    extract_options.http_charset = "utf-8";  // the document is made of the decoded reply
    extract_options.cancel = cancel;
    ExtractedPage page;
    analysis.extraction = Extract(reply.document, rules, extract_options, &page);
    analysis.text = std::move(page.text);
    const std::string& shell = job.entry.parent.empty() ? job.hop_url : job.entry.parent;
    if (MayLinkAttachments(reply.document, link_rules))
      analysis.links.attachments = DiscoverAttachments(reply.document, shell, link_rules);
    return analysis;
  }

  // Whether `extraction` of `url` lost most of the numbers its latest version has: tables that end
  // early (a body cut short without the server saying so) look like this.
  bool DroppedSharply(const std::string& url, const Extraction& extraction) {
    int before = 0;
    try {
      before = NumbersIn(store.Show(url).extraction);
    } catch (const NotFoundError&) {
      return false;  // the first version
    }
    return before >= kSuspectMinFields && NumbersIn(extraction) < before * kSuspectKeptShare;
  }

  // Records the fetch of an analysed body, archives it and stores what it holds (see
  // crawler/report_sources.h for which document a report's snapshot comes from).
  void StorePage(const Job& job, const FetchResponse& response, PageAnalysis analysis,
                 CrawlSummary* summary, Outcome* outcome) {
    const std::string& url = job.entry.url;
    outcome->fetch = RecordOf(job, response, &analysis.document.sha256);
    bool bad_reply = job.api && !analysis.links.errors.empty();
    if (bad_reply) outcome->fetch.error = "bad_reply";
    outcome->fetch_id = store.RecordFetch(outcome->fetch);
    ++summary->fetched;
    const std::string& format = analysis.extraction.format;
    const bool binary = format != "html" && format != "text";
    const bool attachment = !job.api && IsAttachment(job, format, *link_rules);
    // The stored media type: the server's, unless it is missing, or text for binary bytes.
    std::string media = MediaType(response.content_type);
    if (media.empty() || (binary && media.rfind("text/", 0) == 0)) {
      media = attachment || job.api || binary ? "application/octet-stream" : "text/html";
    }
    const std::string sha = store.PutDocument(analysis.document, media, url, outcome->fetch_id);
    const SnapshotOrigin origin{url, sha, rules->sha256()};
    outcome->links = std::move(analysis.links);
    for (const std::string& problem : outcome->links.errors) {
      if (summary->problems.size() < kMaxProblems) summary->problems.push_back(problem);
      outcome->detail = problem;
    }
    if (bad_reply) {
      outcome->kind = "error";
      ++summary->errors["bad_reply"];
      return;
    }
    if (job.api && job.api->kind == "detail") {  // the shell page's report, read from its API
      const std::string& shell = job.entry.parent.empty() ? url : job.entry.parent;
      if (!analysis.extraction.template_id) {  // an article that is no report
        outcome->kind = "list";
        ++summary->documents;
      } else if (Snapshot(shell, outcome->fetch_id, analysis, origin, summary, outcome)) {
        outcome->kind = "report";
      }
      outcome->extraction = std::move(analysis.extraction);
      return;
    }
    if (job.api) {  // the reply is kept (archived above) as the document it is
      outcome->kind = "list";
      ++summary->documents;
      return;
    }
    if (attachment && IsPictureOfAPage(job, response.body)) {
      StorePicture(job, analysis, summary, outcome);
    } else if (attachment) {
      StoreAttachment(job, sha, analysis, origin, summary, outcome);
    } else if (analysis.extraction.template_id) {
      if (Snapshot(url, outcome->fetch_id, analysis, origin, summary, outcome))
        outcome->kind = "report";
    } else {
      outcome->kind = "list";
      ++summary->documents;
    }
    outcome->extraction = std::move(analysis.extraction);
  }

  // Saves the report's snapshot, unless it lost most of the numbers of the latest version: then it
  // is held as suspect (kind "suspect"), not made the latest version, and the next fetch (a full
  // one) confirms or replaces it. Returns whether it was saved.
  bool Snapshot(const std::string& report_url, int64_t fetch_id, const PageAnalysis& analysis,
                const SnapshotOrigin& origin, CrawlSummary* summary, Outcome* outcome) {
    if (DroppedSharply(report_url, analysis.extraction) &&
        !store.HoldSuspect(report_url, fetch_id, DataHash(analysis.extraction))) {
      outcome->kind = "suspect";
      ++summary->suspect;
      return false;
    }
    store.DropSuspect(report_url);
    outcome->snapshot =
        store.SaveExtraction(report_url, fetch_id, analysis.extraction, analysis.text, origin);
    ++(outcome->snapshot->new_version ? summary->new_versions : summary->unchanged);
    return true;
  }

  // An attachment is linked to its page. With a statistics table it is the report of a report
  // page that has none (or whose snapshot it made before), a cross-check of one that has, or —
  // found on a list page, or fetched alone — a report of its own.
  void StoreAttachment(const Job& job, const std::string& sha, const PageAnalysis& analysis,
                       const SnapshotOrigin& origin, CrawlSummary* summary, Outcome* outcome) {
    const FrontierEntry& entry = job.entry;
    outcome->kind = "attachment";
    ++summary->documents;
    if (!entry.parent.empty())
      store.LinkAttachment(entry.parent, entry.url, sha, entry.parent_kind);
    if (!analysis.extraction.template_id) return;
    if (entry.parent.empty() || entry.parent_kind == "list") {
      if (Snapshot(entry.url, outcome->fetch_id, analysis, origin, summary, outcome))
        outcome->kind = "report";
      return;
    }
    std::optional<StoredExtraction> latest;
    try {
      latest = store.Show(entry.parent);
    } catch (const NotFoundError&) {
      // The page has no snapshot: this attachment makes it.
    }
    if (!latest || latest->origin.document_url == entry.url) {
      Snapshot(entry.parent, outcome->fetch_id, analysis, origin, summary, outcome);
      return;
    }
    store.SetSourceChecks(
        entry.parent, entry.url,
        SourceMismatches(latest->extraction, analysis.extraction, entry.url, sha));
  }

  // A picture found on a page (ArticleImages, or a linked image file) is linked to it. Once the
  // last of the page's pending children is in, the page is read again with all its pictures
  // (ExtractWithPictures) and, when that gives a statistics table and the page has none of its
  // own, that is the page's report: origin the page, each OCR'd cell's `page` its picture.
  void StorePicture(const Job& job, const PageAnalysis& analysis, CrawlSummary* summary,
                    Outcome* outcome) {
    const FrontierEntry& entry = job.entry;
    outcome->kind = "attachment";
    ++summary->documents;
    store.LinkAttachment(entry.parent, entry.url, analysis.document.sha256, entry.parent_kind);
    if (store.PendingChildren(entry.parent, entry.url) > 0) return;  // the last one reads them
    std::optional<ArchivedDocument> page = store.LatestDocument(entry.parent);
    if (!page) return;
    std::vector<StoredDocument> pictures;
    for (const ArchivedDocument& attachment : store.ReportAttachments(entry.parent)) {
      std::optional<StoredDocument> body = store.GetDocument(attachment.sha256);
      if (body && IsPicture(body->body)) pictures.push_back(std::move(*body));
    }
    std::optional<Extraction> extraction = ReadWithPictures(store, *rules, *page, pictures);
    if (!extraction || !extraction->template_id) return;
    PageAnalysis read;
    read.extraction = std::move(*extraction);
    const SnapshotOrigin origin{page->url, page->sha256, rules->sha256()};
    if (Snapshot(entry.parent, page->fetch_id, read, origin, summary, outcome))
      outcome->kind = "report";
  }

  // An analysis that was cancelled (stop, deadline) or threw: counted; the entry stays pending
  // until it has failed max_analysis_tries times, then is given up as "analysis_failed" with its
  // body kept as a document. Returns whether it was given up.
  bool FailAnalysis(const Job& job, const FetchResponse& response, const std::string& reason,
                    CrawlSummary* summary) {
    int failures = store.RecordAnalysisFailure(job.entry.url, reason);
    if (failures < options.max_analysis_tries) return false;
    FetchRecord record = RecordOf(job, response);
    record.error = "analysis_failed";
    int64_t fetch_id = store.RecordFetch(record);
    ++summary->fetched;
    std::string media = MediaType(response.content_type);
    store.PutDocument(response.body, media.empty() ? "application/octet-stream" : media,
                      job.entry.url, fetch_id);
    ++summary->errors["analysis_failed"];
    return true;
  }

  // Puts what a finished page links to into the frontier (before the page is marked done, so that a
  // kill in between loses nothing).
  // Returns how many were new to the frontier.
  int64_t EnqueueLinks(const FrontierEntry& parent, const DiscoveredLinks& links) {
    int64_t added = 0;
    auto enqueue = [&](const std::string& url, const std::string& kind, int depth) {
      added +=
          store.Enqueue(FrontierEntry{url, kind, depth, parent.url, parent.seed, "", parent.kind});
    };
    int child_depth = parent.depth + 1;
    if (child_depth <= options.max_depth) {
      for (const std::string& url : links.reports) enqueue(url, "report", child_depth);
    }
    // Further pages of a list stay at the list's depth: links.toml's max_pages bounds them.
    for (const std::string& url : links.pages) enqueue(url, "list", parent.depth);
    for (const ListRequest& request : links.requests) {
      added += store.Enqueue(FrontierEntry{request.Key(), "api", parent.depth, parent.url,
                                           parent.seed, request.ToJson()});
    }
    // Attachments are leaves: fetched whatever the depth.
    for (const std::string& url : links.attachments) enqueue(url, "attachment", child_depth);
    return added;
  }
};

Crawler::Crawler(Store& store, std::shared_ptr<const RuleSet> rules, CrawlOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(rules), std::move(options))) {}

Crawler::~Crawler() = default;

CrawlSummary Crawler::Crawl(const std::vector<std::string>& seeds, const std::atomic<bool>& stop,
                            const std::function<void(const CrawlProgress&)>& progress) {
  Impl& m = *impl_;
  CrawlSummary summary;
  // The frontier stays on disk; it is read by id in windows. `discovered`: pending entries read
  // and not yet started, oldest first; `cursor`: the last id read (each entry is taken once per
  // run); `frontier_more`: the store may hold pending entries past the cursor.
  std::deque<FrontierEntry> discovered;
  int64_t cursor = 0;
  bool frontier_more = true;
  const size_t window = std::max<size_t>(1, static_cast<size_t>(m.options.frontier_window));
  ThreadCpuClock scheduler_cpu;
  std::vector<std::string> normalized;
  for (const std::string& seed : seeds) {
    if (std::optional<std::string> url = NormalizeUrl(seed))
      normalized.push_back(*url);
    else
      ++summary.errors["bad_url"];
  }
  if (m.store.PendingCount() == 0) {
    for (const std::string& seed : normalized) m.store.ResetFrontier(seed);
  }
  m.store.Batch([&] {
    for (const std::string& seed : normalized)
      m.store.Enqueue(FrontierEntry{seed, "list", 0, "", seed, ""});
  });
  // Entries pending, for the progress line: counted once here, then kept up to date (a count of
  // a large frontier is a scan, too slow to repeat four times a second).
  int64_t pending = m.store.PendingCount();
  // What a killed crawl left pending comes first (lower ids), then the seeds and what they lead
  // to, in the order added.
  auto refill = [&] {
    if (!discovered.empty() || !frontier_more) return;
    size_t held = m.WaitingCount();
    if (held >= window / 2 + 1) return;
    size_t want = window - held;
    std::vector<FrontierEntry> read = m.store.PendingEntries(want, cursor);
    frontier_more = read.size() == want;
    for (FrontierEntry& entry : read) {
      cursor = std::max(cursor, entry.id);
      discovered.push_back(std::move(entry));
    }
    summary.peak_entries_in_memory = std::max<int64_t>(
        summary.peak_entries_in_memory, static_cast<int64_t>(discovered.size() + held));
  };

  int64_t started = 0, done = 0;
  const auto crawl_start = Clock::now();
  auto last_progress = crawl_start - std::chrono::hours(1);
  auto report_progress = [&](bool force) {
    auto now = Clock::now();
    if (!progress || (!force && now - last_progress < SteadySeconds(kProgressEverySeconds))) return;
    last_progress = now;
    CrawlProgress p;
    p.done = done;
    p.queued = std::max<int64_t>(0, pending);
    for (const auto& [kind, count] : summary.errors) p.errors += count;
    double elapsed = std::chrono::duration<double>(now - crawl_start).count();
    p.pages_per_second = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    progress(p);
  };
  auto next_entry = [&]() -> std::optional<FrontierEntry> {
    refill();
    if (discovered.empty()) return std::nullopt;
    FrontierEntry entry = std::move(discovered.front());
    discovered.pop_front();
    return entry;
  };
  // The frontier side of a finished entry: its links queued, then the entry marked done.
  auto complete = [&](const Impl::Job& job, const Impl::Outcome& outcome) {
    int64_t added = 0;
    if (job.api && job.api->kind == "detail" && !job.entry.parent.empty()) {
      // The body's attachments belong to the shell page, the report.
      FrontierEntry shell{job.entry.parent, "report", job.entry.depth, "", job.entry.seed, ""};
      added = m.EnqueueLinks(shell, outcome.links);
    } else if (outcome.kind == "list" || outcome.kind == "report") {
      added = m.EnqueueLinks(job.entry, outcome.links);
    }
    if (added > 0) frontier_more = true;
    pending += added - 1;  // the links in, this entry out
    if (job.entry.parent.empty() && outcome.kind == "error") {
      summary.seed_errors[job.entry.url] = outcome.fetch.error;
    }
    std::string done_as = outcome.kind == "error" ? outcome.fetch.error : outcome.kind;
    if (!outcome.detail.empty()) done_as += ": " + outcome.detail;
    m.store.MarkDone(job.entry.url, done_as);
    ++done;
    report_progress(false);
  };

  // Pages are analysed on the pool; the results come back here to be stored in this thread. What
  // an analysis touches is owned through shared pointers, so one that outlives a stopped crawl (on
  // a detached thread) reads and writes nothing freed.
  struct Analysed {
    Impl::Job job;
    FetchResponse response;
    Impl::Outcome outcome;
    Impl::PageAnalysis analysis;
    std::atomic<bool> cancel{false};  // the analysis's cancel token (stop or deadline)
    Clock::time_point deadline;
    std::string failure;    // why it was cancelled (set on the crawl thread)
    std::string thrown;     // what the analysis threw
    bool complete = false;  // the analysis ended before its cancel token was set
  };
  struct Results {
    std::mutex mutex;
    std::vector<std::shared_ptr<Analysed>> ready;
    Fetcher* wake = nullptr;  // cleared when Crawl returns
  };
  auto results = std::make_shared<Results>();
  results->wake = &m.fetcher;
  std::vector<std::shared_ptr<Analysed>> running;  // submitted, not yet stored
  int64_t running_bytes = 0;                       // their bodies
  WorkerPool pool(m.options.analysis_threads);
  // Bodies waiting for analysis are held in memory: past this many (or this many bytes, counting
  // the transfers' bodies so far), no new transfer starts.
  const size_t max_analysing = 2 * static_cast<size_t>(pool.size()) + 2;
  auto may_dispatch = [&] {
    return running.size() < max_analysing &&
           running_bytes + m.fetcher.BufferedBytes() < m.options.max_buffered_bytes;
  };

  // A final answer: a page goes to the pool, anything else is recorded and done at once. Each
  // entry's records and its frontier update are one batch: a kill leaves all of them or none.
  auto finish = [&](Impl::Job& job, FetchResponse* response) {
    if (!m.NeedsAnalysis(job, response)) {
      Impl::Outcome outcome;
      m.store.Batch([&] {
        m.Settle(job, response, &summary, &outcome);
        complete(job, outcome);
      });
      return;
    }
    auto item = std::make_shared<Analysed>();
    item->job = std::move(job);
    item->response = std::move(*response);
    item->deadline = Clock::now() + SteadySeconds(m.options.max_analysis_seconds);
    running.push_back(item);
    running_bytes += static_cast<int64_t>(item->response.body.size());
    pool.Submit([results, item, rules = m.rules, link_rules = m.link_rules] {
      try {
        item->analysis =
            Impl::AnalysePage(item->job, item->response, *rules, *link_rules, &item->cancel);
        item->complete = !item->cancel.load();
      } catch (const std::exception& e) {
        item->thrown = e.what();
      } catch (...) {
        item->thrown = "unknown exception";
      }
      std::lock_guard<std::mutex> lock(results->mutex);
      results->ready.push_back(item);
      if (results->wake) results->wake->Wakeup();
    });
  };
  // Cancels the analyses past their deadline (or all of them, once `stop` is set).
  auto cancel_overdue = [&](bool all) {
    auto now = Clock::now();
    for (const std::shared_ptr<Analysed>& item : running) {
      if (item->failure.empty() && (all || now >= item->deadline)) {
        item->failure = all ? "cancelled: the crawl was stopped while the page was analysed"
                            : "cancelled: analysis took longer than " +
                                  std::to_string(static_cast<int>(m.options.max_analysis_seconds)) +
                                  " s";
        item->cancel.store(true);
      }
    }
  };
  auto store_analysed = [&] {
    std::vector<std::shared_ptr<Analysed>> ready;
    {
      std::lock_guard<std::mutex> lock(results->mutex);
      ready.swap(results->ready);
    }
    // One transaction per entry (its records, its links and its frontier update), never a group
    // of entries: a kill then repeats at most the transfers in flight. (A group commit made the
    // killed crawl fetch again every entry of the group, and was no faster here.)
    auto store_ready = [&] {
      for (std::shared_ptr<Analysed>& item : ready) {
        running.erase(std::find(running.begin(), running.end(), item));
        running_bytes -= static_cast<int64_t>(item->response.body.size());
        std::string failure = !item->thrown.empty() ? "analysis threw: " + item->thrown
                              : item->complete      ? ""
                                                    : item->failure;
        if (!failure.empty()) {
          m.store.Batch([&] {
            if (m.FailAnalysis(item->job, item->response, failure, &summary)) {
              m.store.MarkDone(item->job.entry.url, "analysis_failed");
              ++done;
              --pending;
            }
          });
          continue;
        }
        m.store.Batch([&] {
          m.StorePage(item->job, item->response, std::move(item->analysis), &summary,
                      &item->outcome);
          complete(item->job, item->outcome);
        });
      }
    };
    store_ready();
  };

  while (!stop.load()) {
    store_analysed();
    cancel_overdue(false);
    while (started < m.options.max_pages && m.WaitingCount() < window) {
      std::optional<FrontierEntry> entry = next_entry();
      if (!entry) break;
      ++started;
      scheduler_cpu.Start();
      m.AddJob(Impl::JobFor(*entry));
      scheduler_cpu.Stop();
    }
    std::vector<std::pair<Impl::Job, Impl::Outcome>> refused;
    auto now = Clock::now();
    scheduler_cpu.Start();
    if (may_dispatch()) m.Dispatch(now, &refused);
    scheduler_cpu.Stop();
    for (auto& [job, unused] : refused) finish(job, nullptr);
    // Idle after a refill that found nothing: the frontier is empty (or the page budget spent).
    // Refusals and stored pages may have added entries, so they get another round.
    bool more = (!discovered.empty() || frontier_more) && started < m.options.max_pages;
    if (m.in_flight.empty() && m.WaitingCount() == 0 && running.empty() && !more && refused.empty())
      break;
    scheduler_cpu.Start();
    auto wake = m.NextWake(now);
    scheduler_cpu.Stop();
    int timeout_ms =
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count());
    // A finished page may have queued new entries: then the next round starts at once.
    if (more && m.WaitingCount() < window) timeout_ms = 0;
    for (FetchResponse& response : m.fetcher.Poll(std::clamp(timeout_ms, 0, kMaxPollMillis))) {
      auto final_answer = m.OnResponse(std::move(response), Clock::now(), &summary);
      if (final_answer) finish(final_answer->first, &final_answer->second);
    }
  }
  if (stop.load()) {
    summary.stopped = true;
    m.fetcher.AbandonAll();
    for (auto& [id, job] : m.in_flight) m.schedule.Finished(OriginOf(job.hop_url), Clock::now());
    m.in_flight.clear();
    // Analyses in progress are cancelled: each stays pending (one failed analysis more).
    cancel_overdue(true);
  }
  // What is being analysed is stored (or counted as failed) before returning; after a stop, an
  // analysis that does not notice its cancel token within the grace is left behind, its entry
  // pending.
  const auto grace_end = Clock::now() + SteadySeconds(kStopAnalysisGraceSeconds);
  while (!running.empty() && (!stop.load() || Clock::now() < grace_end)) {
    m.fetcher.Poll(kMaxPollMillis);
    store_analysed();
    if (stop.load())
      cancel_overdue(true);
    else
      cancel_overdue(false);
  }
  {
    std::lock_guard<std::mutex> lock(results->mutex);
    results->wake = nullptr;
  }
  if (!running.empty()) {
    // Left to end on their own; each counts as a failed analysis, so that a page no crawl can
    // finish analysing before it is stopped is still given up in the end.
    summary.abandoned_analyses = static_cast<int64_t>(running.size());
    pool.Detach();
    for (const std::shared_ptr<Analysed>& item : running) {
      m.store.Batch([&] {
        if (m.FailAnalysis(item->job, item->response, item->failure + " (abandoned)", &summary)) {
          m.store.MarkDone(item->job.entry.url, "analysis_failed");
        }
      });
    }
  }
  m.ClearWaiting();
  summary.scheduler_cpu_seconds = scheduler_cpu.seconds();
  summary.started = started;
  report_progress(true);
  return summary;
}

FetchOneResult Crawler::FetchOne(const std::string& url_text) {
  Impl& m = *impl_;
  FetchOneResult result;
  std::optional<std::string> url = NormalizeUrl(url_text);
  if (!url) {
    result.kind = "error";
    result.fetch.url = url_text;
    result.fetch.error = "bad_url";
    return result;
  }
  CrawlSummary summary;
  FrontierEntry entry{*url, "report", 0, "", "", ""};
  m.AddJob(Impl::JobFor(entry));
  std::optional<Impl::Outcome> outcome;
  while (!outcome) {
    std::vector<std::pair<Impl::Job, Impl::Outcome>> refused;
    auto now = Clock::now();
    m.Dispatch(now, &refused);
    for (auto& [job, unused] : refused) outcome = m.Process(job, nullptr, &summary);
    if (outcome) break;
    auto wake = m.NextWake(now);
    int timeout_ms =
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count());
    // With nothing in flight Poll waits out the timeout: the host's delay before the next try.
    for (FetchResponse& response : m.fetcher.Poll(std::clamp(timeout_ms, 0, kMaxPollMillis))) {
      auto final_answer = m.OnResponse(std::move(response), Clock::now(), &summary);
      if (final_answer) outcome = m.Process(final_answer->first, &final_answer->second, &summary);
    }
  }
  m.ClearWaiting();
  result.fetch = std::move(outcome->fetch);
  result.kind = outcome->kind;
  result.detail = outcome->detail;
  result.extraction = std::move(outcome->extraction);
  result.snapshot = outcome->snapshot;
  result.report_links = std::move(outcome->links.reports);
  result.page_links = std::move(outcome->links.pages);
  result.attachment_links = std::move(outcome->links.attachments);
  return result;
}

}  // namespace nianbao
