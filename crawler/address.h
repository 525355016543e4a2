// Which IP addresses a crawler of public web sites must not reach unless told to (SSRF): loopback,
// "this network", private (RFC 1918, unique-local), shared (CGNAT, RFC 6598), link-local (which
// holds the cloud metadata service 169.254.169.254), multicast and broadcast. IPv4-mapped IPv6
// addresses are judged by their IPv4 address. A pure function of the address; no lookups.
#ifndef NIANBAO_CRAWLER_ADDRESS_H_
#define NIANBAO_CRAWLER_ADDRESS_H_

#include <sys/socket.h>

#include <string_view>

namespace nianbao {

// `address` is a sockaddr_in or sockaddr_in6; any other family counts as not public.
bool IsNonPublicAddress(const sockaddr* address);

// The same for a numeric address in text ("10.0.0.1", "::1", "[fe80::1]"); false when `text` is not
// a numeric IP address (a host name is judged only once it is resolved).
bool IsNonPublicIpLiteral(std::string_view text);

}  // namespace nianbao

#endif  // NIANBAO_CRAWLER_ADDRESS_H_
