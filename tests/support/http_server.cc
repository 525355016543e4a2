#include "tests/support/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace nianbao::testing {

namespace {

constexpr int kPollMillis = 50;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

// Parses "GET /x?y HTTP/1.1\r\nName: v\r\n..." (without the final blank line).
bool ParseHead(std::string_view head, HttpRequest* request) {
  size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return false;
  request->method = std::string(line.substr(0, sp1));
  request->target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  size_t q = request->target.find('?');
  request->path = request->target.substr(0, q);
  request->query = q == std::string::npos ? "" : request->target.substr(q + 1);
  while (line_end != std::string_view::npos) {
    size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    std::string_view header = head.substr(
        start, line_end == std::string_view::npos ? std::string_view::npos : line_end - start);
    size_t colon = header.find(':');
    if (colon == std::string_view::npos) continue;
    request->headers[Lower(std::string(header.substr(0, colon)))] = Trim(header.substr(colon + 1));
  }
  return true;
}

std::string Deflate(std::string_view data, bool zeros, size_t zero_count) {
  z_stream stream{};
  if (deflateInit2(&stream, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out;
  std::vector<unsigned char> buffer(1 << 16);
  std::vector<unsigned char> zero_chunk(zeros ? 1 << 20 : 0, 0);
  size_t remaining = zero_count;
  bool input_done = false;
  if (!zeros) {
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    input_done = true;
  }
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    if (zeros && stream.avail_in == 0 && !input_done) {
      size_t n = std::min(remaining, zero_chunk.size());
      stream.next_in = zero_chunk.data();
      stream.avail_in = static_cast<uInt>(n);
      remaining -= n;
      input_done = remaining == 0;
    }
    stream.next_out = buffer.data();
    stream.avail_out = static_cast<uInt>(buffer.size());
    status = deflate(&stream, input_done ? Z_FINISH : Z_NO_FLUSH);
    out.append(reinterpret_cast<char*>(buffer.data()), buffer.size() - stream.avail_out);
  }
  deflateEnd(&stream);
  return out;
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

std::string HttpRequest::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

HttpResponse Respond(int status, std::string body,
                     std::vector<std::pair<std::string, std::string>> headers) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

std::string Gzip(std::string_view data) { return Deflate(data, false, 0); }
std::string GzipOfZeros(size_t decoded_bytes) { return Deflate({}, true, decoded_bytes); }

struct HttpServer::Impl {
  int listen_fd = -1;
  int port = 0;
  std::string address;  // the loopback address it listens on
  std::atomic<bool> keep_log{true};
  int wake_pipe[2] = {-1, -1};  // written once on stop: wakes every poll
  std::atomic<bool> stopping{false};
  std::thread accept_thread;

  mutable std::mutex mu;  // guards everything below
  std::map<std::string, HttpHandler> handlers;
  HttpHandler default_handler;
  std::vector<HttpRequest> log;
  std::map<std::thread::id, std::thread> connection_threads;
  std::vector<std::thread::id> finished_threads;  // to join: a long run opens many connections
  std::vector<int> open_fds;
  bool any_loopback = false;  // bound to 0.0.0.0, answering 127.0.0.0/8 peers only

  // Waits until `fd` is readable (true) or the server stops (false).
  bool WaitReadable(int fd) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_pipe[0], POLLIN, 0}};
    while (!stopping) {
      int n = ::poll(fds, 2, kPollMillis);
      if (n < 0 && errno != EINTR) return false;
      if (fds[1].revents) return false;
      if (fds[0].revents) return true;
    }
    return false;
  }

  // Sleeps `seconds` unless the server stops first; returns false if it stopped.
  bool SleepUnlessStopped(double seconds) {
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (!stopping && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return !stopping;
  }

  void AcceptLoop() {
    while (WaitReadable(listen_fd)) {
      sockaddr_in peer{};
      socklen_t peer_length = sizeof peer;
      int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &peer_length, SOCK_CLOEXEC);
      if (fd < 0) continue;
      if (any_loopback && (ntohl(peer.sin_addr.s_addr) >> 24) != 127) {
        ::close(fd);  // bound to every address for the 127/8 ones; nobody else is answered
        continue;
      }
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      std::vector<std::thread> ended;
      {
        std::lock_guard<std::mutex> lock(mu);
        for (std::thread::id id : finished_threads) {
          auto it = connection_threads.find(id);
          if (it == connection_threads.end()) continue;
          ended.push_back(std::move(it->second));
          connection_threads.erase(it);
        }
        finished_threads.clear();
        open_fds.push_back(fd);
        std::thread thread([this, fd] { ServeConnection(fd); });
        std::thread::id id = thread.get_id();
        connection_threads.emplace(id, std::move(thread));
      }
      for (std::thread& thread : ended) thread.join();
    }
  }

  HttpResponse Dispatch(const HttpRequest& request) {
    HttpHandler handler;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (keep_log) log.push_back(request);
      auto it = handlers.find(request.path);
      handler = it != handlers.end() ? it->second : default_handler;
    }
    if (!handler) {
      HttpResponse not_found;
      not_found.status = 404;
      not_found.body = "not found";
      return not_found;
    }
    return handler(request);
  }

  // Returns whether the connection stays open.
  bool Answer(int fd, const HttpRequest& request, HttpResponse response) {
    if (response.delay_seconds > 0 && !SleepUnlessStopped(response.delay_seconds)) return false;
    if (response.never_answer) {
      SleepUnlessStopped(1e9);
      return false;
    }
    if (!response.raw.empty()) {
      if (SendAll(fd, response.raw) && response.hang_after_raw) SleepUnlessStopped(1e9);
      return false;
    }
    if (response.gzip) {
      response.body = Gzip(response.body);
      response.headers.emplace_back("Content-Encoding", "gzip");
    }
    std::string head =
        "HTTP/1.1 " + std::to_string(response.status) + " " + Reason(response.status) + "\r\n";
    bool has_length = false;
    for (const auto& [name, value] : response.headers) {
      head += name + ": " + value + "\r\n";
      if (Lower(name) == "content-length") has_length = true;
    }
    bool no_body = response.status == 304 || response.status == 204 || request.method == "HEAD";
    if (response.endless_body) {
      head += "Connection: close\r\n\r\n";
      if (!SendAll(fd, head)) return false;
      std::string chunk = response.body.empty() ? std::string(1 << 16, '\0') : response.body;
      while (!stopping && SendAll(fd, chunk)) {
      }
      return false;
    }
    if (!has_length && !no_body)
      head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    head += "\r\n";
    if (!SendAll(fd, head)) return false;
    if (!no_body && !SendAll(fd, response.body)) return false;
    return Lower(request.Header("connection")) != "close";
  }

  void ServeConnection(int fd) {
    std::string buffer;
    char chunk[8192];
    bool open = true;
    while (open && !stopping) {
      size_t head_end;
      while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        if (!WaitReadable(fd)) {
          open = false;
          break;
        }
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
          open = false;
          break;
        }
        buffer.append(chunk, static_cast<size_t>(n));
      }
      if (!open) break;
      HttpRequest request;
      request.received = std::chrono::steady_clock::now();
      if (!ParseHead(std::string_view(buffer).substr(0, head_end), &request)) break;
      size_t body_length = 0;
      if (std::string length = request.Header("content-length"); !length.empty()) {
        body_length = std::stoul(length);
      }
      while (buffer.size() < head_end + 4 + body_length) {
        if (!WaitReadable(fd)) {
          open = false;
          break;
        }
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
          open = false;
          break;
        }
        buffer.append(chunk, static_cast<size_t>(n));
      }
      if (!open) break;
      request.body = buffer.substr(head_end + 4, body_length);
      buffer.erase(0, head_end + 4 + body_length);
      open = Answer(fd, request, Dispatch(request));
    }
    std::lock_guard<std::mutex> lock(mu);
    auto it = std::find(open_fds.begin(), open_fds.end(), fd);
    if (it != open_fds.end()) open_fds.erase(it);
    ::close(fd);
    finished_threads.push_back(std::this_thread::get_id());
  }
};

HttpServer::HttpServer(const std::string& loopback_address) : impl_(std::make_unique<Impl>()) {
  impl_->any_loopback = loopback_address == kAnyLoopback;
  impl_->address = impl_->any_loopback ? "127.0.0.1" : loopback_address;
  if (::pipe2(impl_->wake_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  impl_->listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (impl_->listen_fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  if (impl_->any_loopback) {
    address.sin_addr.s_addr = htonl(INADDR_ANY);  // the accept loop refuses peers outside 127/8
  } else if (::inet_pton(AF_INET, loopback_address.c_str(), &address.sin_addr) != 1 ||
             (ntohl(address.sin_addr.s_addr) >> 24) != 127) {
    throw std::runtime_error("not an IPv4 loopback address: " + loopback_address);
  }
  address.sin_port = 0;
  if (::bind(impl_->listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(impl_->listen_fd, 128) != 0) {
    throw std::runtime_error("bind/listen on " + loopback_address +
                             " failed: " + std::strerror(errno));
  }
  socklen_t length = sizeof address;
  ::getsockname(impl_->listen_fd, reinterpret_cast<sockaddr*>(&address), &length);
  impl_->port = ntohs(address.sin_port);
  impl_->accept_thread = std::thread([this] { impl_->AcceptLoop(); });
}

HttpServer::~HttpServer() {
  impl_->stopping = true;
  [[maybe_unused]] ssize_t ignored = ::write(impl_->wake_pipe[1], "x", 1);
  impl_->accept_thread.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    for (int fd : impl_->open_fds) ::shutdown(fd, SHUT_RDWR);
    for (auto& [id, thread] : impl_->connection_threads) threads.push_back(std::move(thread));
    impl_->connection_threads.clear();
  }
  for (std::thread& thread : threads) thread.join();
  ::close(impl_->listen_fd);
  ::close(impl_->wake_pipe[0]);
  ::close(impl_->wake_pipe[1]);
}

int HttpServer::port() const { return impl_->port; }
std::string HttpServer::Origin() const {
  return "http://" + impl_->address + ":" + std::to_string(impl_->port);
}
std::string HttpServer::Url(std::string_view path) const { return Origin() + std::string(path); }
std::string HttpServer::OriginOn(const std::string& address) const {
  return "http://" + address + ":" + std::to_string(impl_->port);
}

void HttpServer::KeepLog(bool keep) { impl_->keep_log = keep; }

void HttpServer::Handle(const std::string& path, HttpHandler handler) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->handlers[path] = std::move(handler);
}

void HttpServer::Serve(const std::string& path, HttpResponse response) {
  Handle(path, [response](const HttpRequest&) { return response; });
}

void HttpServer::SetDefault(HttpHandler handler) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->default_handler = std::move(handler);
}

std::vector<HttpRequest> HttpServer::Requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->log;
}

size_t HttpServer::RequestCount() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->log.size();
}

size_t HttpServer::RequestCount(std::string_view path) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return std::count_if(impl_->log.begin(), impl_->log.end(),
                       [&](const HttpRequest& r) { return r.path == path; });
}

}  // namespace nianbao::testing
