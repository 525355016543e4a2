#include "crawler/fetcher.h"

#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>

#include "crawler/address.h"

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

constexpr size_t kMaxHeaderBytes = 64 << 10;  // all header lines of one response together
constexpr int kMaxHeaderLines = 256;

// libcurl's result as a kind a person can act on (see FetchResponse::error).
std::string ErrorKind(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      return "connect";
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return "dns";
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return "reset";
    case CURLE_PARTIAL_FILE:
      return "truncated";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
      return "tls";
    case CURLE_BAD_CONTENT_ENCODING:
      return "bad_encoding";
    case CURLE_WEIRD_SERVER_REPLY:
      return "bad_status_line";
    case CURLE_OUT_OF_MEMORY:  // libcurl's answer to one header line over its 100 KB buffer
      return "header_too_large";
    default:
      return "curl_" + std::to_string(static_cast<int>(code));
  }
}

}  // namespace

bool FetchResponse::Retryable() const {
  if (error.empty()) return status >= 500 || status == 429;
  return error.rfind("timeout", 0) == 0 || error == "reset" || error == "connect" ||
         error == "truncated";
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
  bool keep_prefix = false;
  bool conditional = false;
  bool allow_private = false;
  const std::vector<AddressRange>* allowed_ranges = nullptr;  // the Fetcher's options
  // What went wrong on our side of the callbacks; libcurl only sees a refused write or socket.
  bool too_large = false;
  bool refused_private = false;
  std::string header_error;   // "header_too_large" or "too_many_headers"
  bool got_response = false;  // a status line arrived
  size_t header_bytes = 0;
  int header_lines = 0;
  std::chrono::steady_clock::time_point started;

  ~Transfer() {
    if (headers) curl_slist_free_all(headers);
    if (easy) curl_easy_cleanup(easy);
  }

  static size_t OnBody(char* data, size_t size, size_t count, void* self_ptr) {
    auto* self = static_cast<Transfer*>(self_ptr);
    size_t n = size * count;
    std::string& body = self->response.body;
    if (static_cast<int64_t>(body.size() + n) > self->max_body_bytes) {
      if (self->keep_prefix) {
        body.append(data, static_cast<size_t>(self->max_body_bytes) - body.size());
        self->response.body_cut = true;
      } else {
        self->too_large = true;
      }
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    body.append(data, n);
    return n;
  }

  static size_t OnHeader(char* data, size_t size, size_t count, void* self_ptr) {
    auto* self = static_cast<Transfer*>(self_ptr);
    size_t n = size * count;
    std::string_view line(data, n);
    FetchResponse& r = self->response;
    if (line.substr(0, 5) == "HTTP/") {  // a new response (after 1xx): forget earlier headers
      r.content_type.clear(), r.etag.clear(), r.last_modified.clear(), r.location.clear();
      r.retry_after.reset();
      self->got_response = true;
      self->header_bytes = n;
      self->header_lines = 0;
      return n;
    }
    self->header_bytes += n;
    if (self->header_bytes > kMaxHeaderBytes) {
      self->header_error = "header_too_large";
      return 0;  // aborts the transfer
    }
    if (line != "\r\n" && line != "\n" && ++self->header_lines > kMaxHeaderLines) {
      self->header_error = "too_many_headers";
      return 0;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return n;
    std::string name = Lower(std::string(line.substr(0, colon)));
    std::string value = Trim(line.substr(colon + 1));
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

  // Every connection libcurl opens passes here with the resolved address: the one place where a
  // host name that resolves to a private address (or a redirect to one) can be stopped.
  static curl_socket_t OnOpenSocket(void* self_ptr, curlsocktype purpose, curl_sockaddr* address) {
    auto* self = static_cast<Transfer*>(self_ptr);
    if (purpose == CURLSOCKTYPE_IPCXN && !self->allow_private &&
        IsNonPublicAddress(&address->addr) &&
        !InAddressRanges(&address->addr, *self->allowed_ranges)) {
      self->refused_private = true;
      return CURL_SOCKET_BAD;  // libcurl tries the host's other addresses, then
                               // CURLE_COULDNT_CONNECT
    }
    return ::socket(address->family, address->socktype, address->protocol);
  }

  // Whether the request went out (on a new or a reused connection).
  bool RequestSent() const {
    long request_bytes = 0;
    curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &request_bytes);
    return request_bytes > 0;
  }

  // The kind of a failed transfer (libcurl's code, read with what the callbacks saw).
  std::string Error(CURLcode code) const {
    if (too_large) return "too_large";
    if (!header_error.empty()) return header_error;
    if (code == CURLE_COULDNT_CONNECT && refused_private) return "private_address";
    if (code == CURLE_OPERATION_TIMEDOUT) {
      if (!RequestSent()) return "timeout_connect";
      return got_response ? "timeout_body" : "timeout_first_byte";
    }
    if (code == CURLE_UNSUPPORTED_PROTOCOL) {
      // The URL's scheme is checked before any request (PROTOCOLS_STR); this code after the
      // request went out is libcurl refusing a status line (HTTP/0.9, an unknown version).
      return RequestSent() ? "bad_status_line" : "scheme";
    }
    return ErrorKind(code);
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
  transfer->max_body_bytes =
      request.max_body_bytes > 0 ? request.max_body_bytes : impl_->options.max_body_bytes;
  transfer->keep_prefix = request.keep_prefix;
  transfer->conditional = !request.if_none_match.empty() || !request.if_modified_since.empty();
  transfer->allow_private = impl_->options.allow_private_addresses;
  transfer->allowed_ranges = &impl_->options.allowed_private_ranges;
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
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Transfer::OnOpenSocket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, transfer.get());
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
      if (code == CURLE_WRITE_ERROR && t.response.body_cut) code = CURLE_OK;  // kept its prefix
      if (code != CURLE_OK) {
        t.response.error = t.Error(code);
        t.response.body.clear();
      } else if (status == 304 && !t.conditional) {
        t.response.error = "unsolicited_304";  // nothing was asked to be confirmed
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

int64_t Fetcher::BufferedBytes() const {
  int64_t bytes = 0;
  for (const auto& [easy, transfer] : impl_->transfers) {
    bytes += static_cast<int64_t>(transfer->response.body.size());
  }
  return bytes;
}

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
