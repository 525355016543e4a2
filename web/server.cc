#include "web/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <mutex>
#include <vector>

#include "store/browse.h"
#include "store/store.h"
#include "web/app.h"

namespace nianbao::web {

ListenAddress ParseListen(const std::string& listen) {
  auto fail = [&](const std::string& why) {
    return WebError("listen address \"" + listen + "\": " + why +
                    " (write ADDR:PORT, e.g. 127.0.0.1:8047 or [::1]:8047)");
  };
  ListenAddress address;
  size_t colon;
  if (!listen.empty() && listen[0] == '[') {
    size_t close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      throw fail("an IPv6 address is written [ADDR]:PORT");
    }
    address.host = listen.substr(1, close - 1);
    address.ipv6 = true;
    colon = close + 1;
  } else {
    colon = listen.rfind(':');
    if (colon == std::string::npos) throw fail("no port");
    address.host = listen.substr(0, colon);
  }
  std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    throw fail("the port must be a number from 0 to 65535");
  }
  address.port = static_cast<uint16_t>(std::stoi(port));
  if (address.host == "localhost") address.host = "127.0.0.1";
  if (address.ipv6) {
    in6_addr a6{};
    if (inet_pton(AF_INET6, address.host.c_str(), &a6) != 1) throw fail("not an IPv6 address");
    address.loopback = IN6_IS_ADDR_LOOPBACK(&a6);
  } else {
    in_addr a4{};
    if (inet_pton(AF_INET, address.host.c_str(), &a4) != 1) {
      throw fail("not an IPv4 address (host names other than localhost are not resolved)");
    }
    address.loopback = (ntohl(a4.s_addr) >> 24) == 127;
  }
  return address;
}

void CheckListen(const std::string& listen, const std::string& token) {
  ListenAddress address = ParseListen(listen);
  if (!address.loopback && token.empty()) {
    throw WebError("listen address \"" + listen +
                   "\" is not loopback: the web view serves it only with a token — set [web] "
                   "token in the config (or --token), or listen on 127.0.0.1");
  }
}

namespace {

// One thread's read-only connections.
struct Readers {
  std::unique_ptr<Store> store;
  std::unique_ptr<Browser> browser;
  std::unique_ptr<CoverageSource> coverage;
};

// Read-only connections handed to request threads, one set per thread at a time; made when
// needed, kept for reuse (opening checks the file, so it is not done per request).
class ReaderPool {
 public:
  ReaderPool(std::string database, CoverageFactory coverage)
      : database_(std::move(database)), coverage_(std::move(coverage)) {}

  std::unique_ptr<Readers> Take() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) {
        auto readers = std::move(free_.back());
        free_.pop_back();
        return readers;
      }
    }
    auto readers = std::make_unique<Readers>();
    readers->store = Store::OpenForReading(database_);
    readers->browser = Browser::Open(database_);
    readers->coverage = coverage_(*readers->store, *readers->browser);
    return readers;
  }

  void Give(std::unique_ptr<Readers> readers) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(std::move(readers));
  }

 private:
  std::string database_;
  CoverageFactory coverage_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Readers>> free_;
};

// Lowers the calling thread's scheduling priority by `increment` nice levels (at most to 19),
// once per thread: libmicrohttpd makes its threads itself, so each does it on its first request.
// Linux applies setpriority to one thread when given its thread id.
void LowerThisThreadOnce(int increment) {
  thread_local bool lowered = false;
  if (lowered || increment <= 0) return;
  lowered = true;
  const id_t thread = static_cast<id_t>(::gettid());
  errno = 0;
  int nice = ::getpriority(PRIO_PROCESS, thread);
  if (errno != 0) return;
  ::setpriority(PRIO_PROCESS, thread, std::min(19, nice + increment));  // raising nice never fails
}

MHD_Result CollectValue(void* target, MHD_ValueKind, const char* key, const char* value) {
  auto* map = static_cast<std::map<std::string, std::string>*>(target);
  map->emplace(key ? key : "", value ? value : "");
  return MHD_YES;
}

MHD_Result CollectHeader(void* target, MHD_ValueKind, const char* key, const char* value) {
  auto* map = static_cast<std::map<std::string, std::string>*>(target);
  std::string name = key ? key : "";
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  map->emplace(name, value ? value : "");
  return MHD_YES;
}

// The body is handed to libmicrohttpd without a copy (a report page is ~100 KB): it owns the
// string until it has sent it.
void FreeBody(void* body) { delete static_cast<std::string*>(body); }

MHD_Result Queue(MHD_Connection* connection, Response& response) {
  auto* body = new std::string(std::move(response.body));
  MHD_Response* mhd = MHD_create_response_from_buffer_with_free_callback_cls(
      body->size(), body->data(), &FreeBody, body);
  if (!mhd) {
    delete body;
    return MHD_NO;
  }
  MHD_add_response_header(mhd, MHD_HTTP_HEADER_CONTENT_TYPE, response.content_type.c_str());
  for (const auto& [name, value] : response.headers) {
    MHD_add_response_header(mhd, name.c_str(), value.c_str());
  }
  MHD_Result result = MHD_queue_response(connection, static_cast<unsigned>(response.status), mhd);
  MHD_destroy_response(mhd);
  return result;
}

}  // namespace

struct WebServer::Impl {
  WebOptions options;
  ListenAddress address;
  std::unique_ptr<ReaderPool> pool;
  std::unique_ptr<const TableRenderer> tables;  // the report tables' fixed parts, drawn once
  MHD_Daemon* daemon = nullptr;
  uint16_t port = 0;

  Response Answer(const Request& request) {
    std::unique_ptr<Readers> readers;
    try {
      readers = pool->Take();
    } catch (const std::exception& e) {
      return ErrorResponse(500, std::string("the database could not be opened: ") + e.what());
    }
    View view{*readers->store, *readers->browser, *readers->coverage,
              *options.rules,  *tables,           static_cast<int64_t>(std::time(nullptr))};
    Response response = Handle(request, view, options.token);
    pool->Give(std::move(readers));
    return response;
  }

  static MHD_Result OnRequest(void* self, MHD_Connection* connection, const char* url,
                              const char* method, const char*, const char*,
                              size_t* upload_data_size, void** state) {
    auto* impl = static_cast<Impl*>(self);
    LowerThisThreadOnce(impl->options.nice);
    static int marker;
    if (*state == nullptr) {
      *state = &marker;  // first call: the headers are in; answer now, never read a body
    } else if (*upload_data_size > 0) {
      *upload_data_size = 0;  // a body after the answer was queued: discarded
      return MHD_YES;
    } else {
      return MHD_YES;
    }
    Request request;
    request.method = method ? method : "";
    request.path = url ? url : "";
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, CollectValue, &request.query);
    MHD_get_connection_values(connection, MHD_HEADER_KIND, CollectHeader, &request.headers);
    std::string length = request.Header("content-length");
    bool has_body =
        (!length.empty() && length != "0") || !request.Header("transfer-encoding").empty();
    Response response;
    if (has_body) {
      response = ErrorResponse(413, "no endpoint of the web view takes a request body");
      response.headers.emplace_back("Connection", "close");
      response.headers.emplace_back("X-Content-Type-Options", "nosniff");
      response.headers.emplace_back("Content-Security-Policy", "default-src 'self'");
    } else {
      response = impl->Answer(request);
    }
    return Queue(connection, response);
  }
};

WebServer::WebServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WebServer::~WebServer() {
  if (impl_->daemon) MHD_stop_daemon(impl_->daemon);
}

uint16_t WebServer::port() const { return impl_->port; }

std::string WebServer::Origin() const {
  const ListenAddress& a = impl_->address;
  std::string host = a.ipv6 ? "[" + a.host + "]" : a.host;
  return "http://" + host + ":" + std::to_string(impl_->port);
}

std::unique_ptr<WebServer> WebServer::Start(WebOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->address = ParseListen(options.listen);
  CheckListen(options.listen, options.token);
  if (!options.rules) throw WebError("the web view needs the rules (fields.tsv) for its tables");
  if (!options.coverage) options.coverage = StoreCoverageFactory();
  impl->pool = std::make_unique<ReaderPool>(options.database, options.coverage);
  try {
    impl->pool->Give(impl->pool->Take());  // the database is readable, or a clear error now
  } catch (const std::exception& e) {
    throw WebError(e.what());
  }
  impl->options = std::move(options);
  impl->tables = std::make_unique<const TableRenderer>(*impl->options.rules);

  sockaddr_storage storage{};
  if (impl->address.ipv6) {
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&storage);
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(impl->address.port);
    inet_pton(AF_INET6, impl->address.host.c_str(), &a6->sin6_addr);
  } else {
    auto* a4 = reinterpret_cast<sockaddr_in*>(&storage);
    a4->sin_family = AF_INET;
    a4->sin_port = htons(impl->address.port);
    inet_pton(AF_INET, impl->address.host.c_str(), &a4->sin_addr);
  }
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
  if (impl->address.ipv6) flags |= MHD_USE_IPv6;
  const WebOptions& o = impl->options;
  errno = 0;
  impl->daemon = MHD_start_daemon(
      flags, impl->address.port, nullptr, nullptr, &Impl::OnRequest, impl.get(),
      MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&storage), MHD_OPTION_THREAD_POOL_SIZE,
      static_cast<unsigned>(std::max(1, o.threads)), MHD_OPTION_CONNECTION_LIMIT,
      static_cast<unsigned>(std::max(1, o.max_connections)), MHD_OPTION_CONNECTION_TIMEOUT,
      static_cast<unsigned>(std::max(1, o.timeout_seconds)), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
      o.max_request_bytes, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_END);
  if (!impl->daemon) {
    int error = errno;
    throw WebError("cannot listen on " + o.listen +
                   (error ? std::string(": ") + std::strerror(error) : std::string()));
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(impl->daemon, MHD_DAEMON_INFO_BIND_PORT);
  impl->port = info ? info->port : impl->address.port;
  return std::unique_ptr<WebServer>(new WebServer(std::move(impl)));
}

}  // namespace nianbao::web
