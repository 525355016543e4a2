#include "crawler/address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace nianbao {

namespace {

bool InV4Block(uint32_t address, uint32_t block, int prefix) {
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return (address & mask) == (block & mask);
}

// `address` in host byte order.
bool IsNonPublicV4(uint32_t address) {
  struct Block {
    uint32_t base;
    int prefix;
  };
  static constexpr Block kBlocks[] = {
      {0x00000000, 8},   // 0/8 "this network"
      {0x0A000000, 8},   // 10/8
      {0x64400000, 10},  // 100.64/10 shared (CGNAT)
      {0x7F000000, 8},   // 127/8 loopback
      {0xA9FE0000, 16},  // 169.254/16 link-local, metadata
      {0xAC100000, 12},  // 172.16/12
      {0xC0A80000, 16},  // 192.168/16
      {0xE0000000, 4},   // 224/4 multicast
      {0xF0000000, 4},   // 240/4 reserved, broadcast
  };
  for (const Block& block : kBlocks) {
    if (InV4Block(address, block.base, block.prefix)) return true;
  }
  return false;
}

bool IsNonPublicV6(const in6_addr& address) {
  const uint8_t* b = address.s6_addr;
  static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(b, kMappedPrefix, 12) == 0) {
    return IsNonPublicV4(uint32_t{b[12]} << 24 | uint32_t{b[13]} << 16 | uint32_t{b[14]} << 8 |
                         b[15]);
  }
  bool zero_prefix = true;  // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
  for (int i = 0; i < 12; ++i) zero_prefix = zero_prefix && b[i] == 0;
  if (zero_prefix) return true;
  if ((b[0] & 0xFE) == 0xFC) return true;                  // fc00::/7 unique-local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;  // fe80::/10 link-local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return true;  // fec0::/10 site-local (deprecated)
  if (b[0] == 0xFF) return true;                           // ff00::/8 multicast
  return false;
}

}  // namespace

bool IsNonPublicAddress(const sockaddr* address) {
  if (!address) return true;
  if (address->sa_family == AF_INET) {
    sockaddr_in v4;
    std::memcpy(&v4, address, sizeof v4);
    return IsNonPublicV4(ntohl(v4.sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6;
    std::memcpy(&v6, address, sizeof v6);
    return IsNonPublicV6(v6.sin6_addr);
  }
  return true;
}

bool IsNonPublicIpLiteral(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  std::string host(text);
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return IsNonPublicV4(ntohl(v4.s_addr));
  in6_addr v6;
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IsNonPublicV6(v6);
  return false;
}

namespace {

bool PrefixAgrees(const uint8_t* a, const uint8_t* b, int prefix) {
  int whole = prefix / 8, rest = prefix % 8;
  if (std::memcmp(a, b, static_cast<size_t>(whole)) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<AddressRange> ParseAddressRange(std::string_view text) {
  text = TrimBlanks(text);
  size_t slash = text.find('/');
  std::string address(text.substr(0, slash));
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']')
    address = address.substr(1, address.size() - 2);
  AddressRange range;
  int max_prefix = 0;
  if (inet_pton(AF_INET, address.c_str(), range.bytes) == 1) {
    range.family = AF_INET;
    max_prefix = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), range.bytes) == 1) {
    range.family = AF_INET6;
    max_prefix = 128;
  } else {
    return std::nullopt;
  }
  range.prefix = max_prefix;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    int prefix = -1;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
        prefix < 0 || prefix > max_prefix)
      return std::nullopt;
    range.prefix = prefix;
  }
  return range;
}

std::vector<AddressRange> ParseAddressRanges(std::string_view list) {
  std::vector<AddressRange> ranges;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = std::min(list.find(',', start), list.size());
    std::string_view item = TrimBlanks(list.substr(start, comma - start));
    std::optional<AddressRange> range = ParseAddressRange(item);
    if (!range) {
      throw std::invalid_argument(
          "\"" + std::string(item) +
          "\" is not an address range (e.g. 127.0.0.1/32, 10.0.0.0/8, ::1/128)");
    }
    ranges.push_back(*range);
    start = comma + 1;
  }
  return ranges;
}

bool InAddressRanges(const sockaddr* address, const std::vector<AddressRange>& ranges) {
  if (!address || ranges.empty()) return false;
  uint8_t bytes[16];
  int family = address->sa_family;
  if (family == AF_INET) {
    sockaddr_in v4;
    std::memcpy(&v4, address, sizeof v4);
    std::memcpy(bytes, &v4.sin_addr, 4);
  } else if (family == AF_INET6) {
    sockaddr_in6 v6;
    std::memcpy(&v6, address, sizeof v6);
    std::memcpy(bytes, &v6.sin6_addr, 16);
    static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::memcmp(bytes, kMappedPrefix, 12) == 0) {
      family = AF_INET;
      std::memmove(bytes, bytes + 12, 4);
    }
  } else {
    return false;
  }
  for (const AddressRange& range : ranges) {
    if (range.family == family && PrefixAgrees(bytes, range.bytes, range.prefix)) return true;
  }
  return false;
}

}  // namespace nianbao
