#include "crawler/fetcher.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>

namespace nianbao {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string ErrorKind(CURLcode code, bool too_large) {
  if (too_large) return "too_large";
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return "timeout";
    case CURLE_COULDNT_CONNECT:
      return "connect";
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return "dns";
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return "reset";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
      return "tls";
    case CURLE_BAD_CONTENT_ENCODING:
      return "bad_encoding";
    case CURLE_UNSUPPORTED_PROTOCOL:
      return "scheme";
    default:
      return "curl_" + std::to_string(static_cast<int>(code));
  }
}

}  // namespace

bool FetchResponse::Retryable() const {
  if (error.empty()) return status >= 500 || status == 429;
  return error == "timeout" || error == "reset" || error == "connect";
}

void GlobalCurlInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::optional<double> ParseRetryAfter(const std::string& value, int64_t now_unix) {
  std::string trimmed = Trim(value);
  if (trimmed.empty()) return std::nullopt;
  if (std::all_of(trimmed.begin(), trimmed.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (trimmed.size() > 9) return 1e9;
    return std::stod(trimmed);
  }
  time_t when = curl_getdate(trimmed.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  return std::max<double>(0, static_cast<double>(when - now_unix));
}

std::string CharsetFromContentType(const std::string& content_type) {
  std::string lower = Lower(content_type);
  size_t at = lower.find("charset=");
  if (at == std::string::npos) return "";
  std::string value = content_type.substr(at + 8);
  value = value.substr(0, value.find(';'));
  value = Trim(value);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
    value = value.substr(1, value.size() - 2);
  }
  return value;
}

struct Fetcher::Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string post_body;  // kept alive for CURLOPT_POSTFIELDS
  FetchResponse response;
  int64_t max_body_bytes = 0;
  bool too_large = false;
  std::chrono::steady_clock::time_point started;

  ~Transfer() {
    if (headers) curl_slist_free_all(headers);
    if (easy) curl_easy_cleanup(easy);
  }

  static size_t OnBody(char* data, size_t size, size_t count, void* self_ptr) {
    auto* self = static_cast<Transfer*>(self_ptr);
    size_t n = size * count;
    if (static_cast<int64_t>(self->response.body.size() + n) > self->max_body_bytes) {
      self->too_large = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    self->response.body.append(data, n);
    return n;
  }

  static size_t OnHeader(char* data, size_t size, size_t count, void* self_ptr) {
    auto* self = static_cast<Transfer*>(self_ptr);
    size_t n = size * count;
    std::string_view line(data, n);
    if (line.substr(0, 5) == "HTTP/") {  // a new response (after 1xx): forget earlier headers
      FetchResponse& r = self->response;
      r.content_type.clear(), r.etag.clear(), r.last_modified.clear(), r.location.clear();
      r.retry_after.reset();
      return n;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return n;
    std::string name = Lower(std::string(line.substr(0, colon)));
    std::string value = Trim(line.substr(colon + 1));
    FetchResponse& r = self->response;
    if (name == "content-type")
      r.content_type = value;
    else if (name == "etag")
      r.etag = value;
    else if (name == "last-modified")
      r.last_modified = value;
    else if (name == "location")
      r.location = value;
    else if (name == "retry-after")
      r.retry_after = value;
    return n;
  }
};

struct Fetcher::Impl {
  FetcherOptions options;
  CURLM* multi = nullptr;
  std::map<CURL*, std::unique_ptr<Transfer>> transfers;
};

Fetcher::Fetcher(FetcherOptions options) : impl_(std::make_unique<Impl>()) {
  GlobalCurlInit();
  impl_->options = std::move(options);
  impl_->multi = curl_multi_init();
  if (!impl_->multi) throw std::runtime_error("curl_multi_init failed");
  curl_multi_setopt(impl_->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                    static_cast<long>(std::max(1, impl_->options.max_connections_per_host)));
  curl_multi_setopt(impl_->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    static_cast<long>(std::max(1, impl_->options.max_connections)));
}

Fetcher::~Fetcher() {
  AbandonAll();
  curl_multi_cleanup(impl_->multi);
}

void Fetcher::Start(const FetchRequest& request) {
  auto transfer = std::make_unique<Transfer>();
  transfer->easy = curl_easy_init();
  if (!transfer->easy) throw std::runtime_error("curl_easy_init failed");
  transfer->response.id = request.id;
  transfer->response.url = request.url;
  transfer->max_body_bytes = impl_->options.max_body_bytes;
  transfer->started = std::chrono::steady_clock::now();
  CURL* easy = transfer->easy;
  const FetcherOptions& o = impl_->options;
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);  // each hop goes back to the crawler
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can decode
  curl_easy_setopt(easy, CURLOPT_USERAGENT, o.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(o.connect_timeout_seconds * 1000));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(o.total_timeout_seconds * 1000));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::OnBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Transfer::OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
  curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
  if (!request.if_none_match.empty()) {
    transfer->headers =
        curl_slist_append(transfer->headers, ("If-None-Match: " + request.if_none_match).c_str());
  }
  if (!request.if_modified_since.empty()) {
    transfer->headers = curl_slist_append(
        transfer->headers, ("If-Modified-Since: " + request.if_modified_since).c_str());
  }
  if (request.post) {
    transfer->post_body = request.body;
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, transfer->post_body.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(transfer->post_body.size()));
    transfer->headers = curl_slist_append(transfer->headers, "Expect:");
  }
  for (const auto& [name, value] : request.headers) {
    transfer->headers = curl_slist_append(transfer->headers, (name + ": " + value).c_str());
  }
  if (transfer->headers) curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
  curl_multi_add_handle(impl_->multi, easy);
  impl_->transfers.emplace(easy, std::move(transfer));
}

std::vector<FetchResponse> Fetcher::Poll(int timeout_ms) {
  std::vector<FetchResponse> done;
  auto collect = [&] {
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(impl_->multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      CURLcode code = message->data.result;
      auto it = impl_->transfers.find(easy);
      if (it == impl_->transfers.end()) continue;
      Transfer& t = *it->second;
      long status = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      t.response.status = static_cast<int>(status);
      if (code != CURLE_OK) {
        t.response.error = ErrorKind(code, t.too_large);
        t.response.body.clear();
      }
      t.response.charset = CharsetFromContentType(t.response.content_type);
      t.response.duration_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t.started).count();
      done.push_back(std::move(t.response));
      curl_multi_remove_handle(impl_->multi, easy);
      impl_->transfers.erase(it);
    }
  };
  int running = 0;
  curl_multi_perform(impl_->multi, &running);
  collect();
  if (done.empty()) {
    // Waits even with no transfer: the caller may be waiting for a Wakeup.
    curl_multi_poll(impl_->multi, nullptr, 0, std::max(0, timeout_ms), nullptr);
    curl_multi_perform(impl_->multi, &running);
    collect();
  }
  return done;
}

void Fetcher::Wakeup() { curl_multi_wakeup(impl_->multi); }

size_t Fetcher::InFlight() const { return impl_->transfers.size(); }

void Fetcher::AbandonAll() {
  for (auto& [easy, transfer] : impl_->transfers) curl_multi_remove_handle(impl_->multi, easy);
  impl_->transfers.clear();
}

FetchResponse Fetcher::FetchNow(const FetchRequest& request) {
  Start(request);
  while (true) {
    for (FetchResponse& response : Poll(200)) {
      if (response.id == request.id) return std::move(response);
    }
  }
}

}  // namespace nianbao
