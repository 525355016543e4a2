#include "store/codec.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "store/store.h"

namespace nianbao {

std::string Sha256Hex(std::string_view bytes) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest, &length) != 1) {
    throw StoreError("SHA-256 failed (OpenSSL EVP)");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

namespace {

// Appends `text` with its length in front, so that no choice of text can imitate a boundary.
void AppendField(std::string& out, std::string_view text) {
  out += std::to_string(text.size());
  out += ':';
  out += text;
}

void AppendOptional(std::string& out, const std::optional<std::string>& text) {
  if (text) {
    AppendField(out, *text);
  } else {
    out += '-';
  }
}

}  // namespace

std::string DataHash(const Extraction& e) {
  // Canonical form: the metadata, then the fields sorted by id (so the order of
  // Extraction::fields does not matter), each with its value as ValueToJson prints it (5 and 5.0
  // alike) and its raw text; every string length-prefixed.
  std::string canonical = "nianbao-data-1|";
  AppendOptional(canonical, e.template_id);
  canonical += e.year ? std::to_string(*e.year) : std::string("-");
  canonical += '|';
  AppendOptional(canonical, e.issuer);
  AppendOptional(canonical, e.title);
  AppendOptional(canonical, e.published);
  std::vector<const std::pair<std::string, Value>*> fields;
  fields.reserve(e.fields.size());
  for (const auto& field : e.fields) fields.push_back(&field);
  std::stable_sort(fields.begin(), fields.end(),
                   [](const auto* a, const auto* b) { return a->first < b->first; });
  const std::string* previous = nullptr;
  for (const auto* field : fields) {
    if (previous && *previous == field->first) continue;  // a duplicate id: the first counts
    previous = &field->first;
    canonical += '|';
    AppendField(canonical, field->first);
    canonical += field->second ? store_internal::FormatValue(field->second) : std::string("null");
    auto cell = e.cells.find(field->first);
    canonical += cell == e.cells.end() ? std::string("-") : std::string();
    if (cell != e.cells.end()) AppendField(canonical, cell->second.raw);
  }
  // Cells of fields that are not listed are data too (a raw text without a value).
  for (const auto& [id, cell] : e.cells) {
    auto listed =
        std::lower_bound(fields.begin(), fields.end(), id,
                         [](const auto* f, const std::string& key) { return f->first < key; });
    if (listed != fields.end() && (*listed)->first == id) continue;
    canonical += "|cell";
    AppendField(canonical, id);
    AppendField(canonical, cell.raw);
  }
  return Sha256Hex(canonical);
}

PreparedDocument PrepareDocument(std::string_view body) {
  return {Sha256Hex(body), static_cast<int64_t>(body.size()), store_internal::Compress(body)};
}

namespace store_internal {

std::string Compress(std::string_view bytes) {
  uLongf capacity = compressBound(static_cast<uLong>(bytes.size()));
  std::string out(capacity, '\0');
  int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &capacity,
                     reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uLong>(bytes.size()),
                     Z_DEFAULT_COMPRESSION);
  if (rc != Z_OK) throw StoreError("zlib compression failed (" + std::to_string(rc) + ")");
  out.resize(capacity);
  return out;
}

std::string Decompress(std::string_view compressed, int64_t size) {
  std::string out(static_cast<size_t>(size), '\0');
  uLongf length = static_cast<uLongf>(size);
  int rc = uncompress(reinterpret_cast<Bytef*>(out.data()), &length,
                      reinterpret_cast<const Bytef*>(compressed.data()),
                      static_cast<uLong>(compressed.size()));
  if (rc != Z_OK || static_cast<int64_t>(length) != size) {
    throw StoreError("a stored document does not decompress (zlib " + std::to_string(rc) + ")");
  }
  return out;
}

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

struct UrlParts {
  std::string scheme, authority, rest;  // rest: path, query (no fragment)
  bool ok = false;
};

UrlParts Split(std::string_view url) {
  UrlParts parts;
  size_t colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) return parts;
  parts.scheme = Lower(url.substr(0, colon));
  std::string_view after = url.substr(colon + 3);
  size_t hash = after.find('#');
  if (hash != std::string_view::npos) after = after.substr(0, hash);
  size_t slash = after.find_first_of("/?");
  parts.authority = std::string(after.substr(0, slash));
  parts.rest = slash == std::string_view::npos ? "" : std::string(after.substr(slash));
  parts.ok = true;
  return parts;
}

}  // namespace

std::string UrlKey(std::string_view url) {
  UrlParts parts = Split(url);
  if (!parts.ok) return std::string(url);
  size_t at = parts.authority.rfind('@');
  std::string userinfo = at == std::string::npos ? "" : parts.authority.substr(0, at + 1);
  std::string host =
      Lower(at == std::string::npos ? parts.authority : parts.authority.substr(at + 1));
  if ((parts.scheme == "http" && host.ends_with(":80")) ||
      (parts.scheme == "https" && host.ends_with(":443"))) {
    host.resize(host.rfind(':'));
  }
  // Appended piece by piece: GCC 12 at -O3 reports a false -Wrestrict for string::insert(0, "/")
  // (GCC bug 105329).
  std::string key = parts.scheme + "://" + userinfo + host;
  if (parts.rest.empty() || parts.rest.front() == '?') key += '/';
  key += parts.rest;
  return key;
}

std::string UrlSite(std::string_view url) {
  UrlParts parts = Split(url);
  if (!parts.ok) return "";
  size_t at = parts.authority.rfind('@');
  std::string host =
      Lower(at == std::string::npos ? parts.authority : parts.authority.substr(at + 1));
  if (!host.empty() && host.front() != '[') {
    size_t port = host.find(':');
    if (port != std::string::npos) host.resize(port);
  }
  return host;
}

std::string FormatValue(const Value& value) {
  if (!value) return "";
  double v = *value;
  if (std::isfinite(v) && std::trunc(v) == v && std::fabs(v) < 9007199254740992.0) {
    return std::to_string(static_cast<int64_t>(v));
  }
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  if (ec != std::errc()) return std::to_string(v);
  return std::string(buffer, end);
}

std::string IsoTime(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace store_internal
}  // namespace nianbao
