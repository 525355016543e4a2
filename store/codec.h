// Byte-level helpers of the store: zlib for document bodies, URL keys, number and time text.
// Internal to store/.
#ifndef NIANBAO_STORE_CODEC_H_
#define NIANBAO_STORE_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "extract/extraction.h"

namespace nianbao::store_internal {

// zlib (RFC 1950) at the default level. Throw StoreError on failure.
std::string Compress(std::string_view bytes);
std::string Decompress(std::string_view compressed, int64_t size);

// The key a URL is stored under: scheme and host lower-cased, the default port and the fragment
// dropped, an empty path made "/". The crawler's fuller normalisation is left unchanged by this,
// and a URL typed on the command line finds the report the crawler stored.
std::string UrlKey(std::string_view url);
// The host of `url` (lower-cased), or "" when it has none.
std::string UrlSite(std::string_view url);

// A value as the CSV and the text output print it: integers without a fraction, other numbers in
// the shortest form that reads back exactly; "" for null.
std::string FormatValue(const Value& value);

// "2025-03-10T08:00:00Z" for unix seconds.
std::string IsoTime(int64_t unix_seconds);

}  // namespace nianbao::store_internal

#endif  // NIANBAO_STORE_CODEC_H_
