// Which IP addresses a crawler of public web sites must not reach unless told to (SSRF): loopback,
// "this network", private (RFC 1918, unique-local), shared (CGNAT, RFC 6598), link-local (which
// holds the cloud metadata service 169.254.169.254), multicast and broadcast. IPv4-mapped IPv6
// addresses are judged by their IPv4 address. A pure function of the address; no lookups.
#ifndef NIANBAO_CRAWLER_ADDRESS_H_
#define NIANBAO_CRAWLER_ADDRESS_H_

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nianbao {

// `address` is a sockaddr_in or sockaddr_in6; any other family counts as not public.
bool IsNonPublicAddress(const sockaddr* address);

// The same for a numeric address in text ("10.0.0.1", "::1", "[fe80::1]"); false when `text` is not
// a numeric IP address (a host name is judged only once it is resolved).
bool IsNonPublicIpLiteral(std::string_view text);

// A block of addresses, "10.0.0.0/8", "127.0.0.1/32", "::1/128" (an address alone is /32 or /128):
// the non-public addresses reached anyway when --allow-private-addresses names ranges.
struct AddressRange {
  int family = 0;       // AF_INET or AF_INET6
  uint8_t bytes[16]{};  // network byte order; 4 used for AF_INET
  int prefix = 0;       // leading bits that must agree

  bool operator==(const AddressRange&) const = default;
};

// nullopt when `text` is not an address with an optional /PREFIX in range (host bits may be set:
// 10.1.2.3/8 is 10/8).
std::optional<AddressRange> ParseAddressRange(std::string_view text);

// Ranges separated by commas (blanks ignored); throws std::invalid_argument naming the range that
// is not one.
std::vector<AddressRange> ParseAddressRanges(std::string_view list);

// Whether `address` (sockaddr_in or sockaddr_in6) lies in one of `ranges`; an IPv4-mapped IPv6
// address is judged by its IPv4 address.
bool InAddressRanges(const sockaddr* address, const std::vector<AddressRange>& ranges);

}  // namespace nianbao

#endif  // NIANBAO_CRAWLER_ADDRESS_H_
