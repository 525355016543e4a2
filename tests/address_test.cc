// crawler/address: which addresses a crawler of public sites must not reach (SSRF).
#include "crawler/address.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

namespace nianbao {
namespace {

TEST(AddressTest, NonPublicRangesAreRecognised) {
  for (const char* address : {"127.0.0.1",
                              "127.255.255.254",
                              "0.0.0.0",
                              "0.1.2.3",
                              "10.0.0.1",
                              "10.255.255.255",
                              "172.16.0.1",
                              "172.31.255.255",
                              "192.168.1.1",
                              "169.254.169.254",
                              "100.64.0.1",
                              "100.127.255.255",
                              "224.0.0.1",
                              "255.255.255.255",
                              "::1",
                              "::",
                              "fc00::1",
                              "fd00:ec2::254",
                              "fe80::1",
                              "[fe80::1]",
                              "ff02::1",
                              "::ffff:127.0.0.1",
                              "::ffff:10.1.2.3",
                              "::ffff:169.254.169.254"}) {
    EXPECT_TRUE(IsNonPublicIpLiteral(address)) << address;
  }
}

TEST(AddressTest, PublicAddressesAndNamesAreNot) {
  for (const char* address :
       {"8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1",
        "169.253.0.1", "192.167.1.1", "11.0.0.1", "223.255.255.255", "2001:db8::1", "2400:cb00::1",
        "::ffff:8.8.8.8", "[2606:4700::1111]", "www.gov.cn", "localhost", ""}) {
    EXPECT_FALSE(IsNonPublicIpLiteral(address)) << address;
  }
}

TEST(AddressTest, SocketAddresses) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  inet_pton(AF_INET, "192.168.0.10", &v4.sin_addr);
  EXPECT_TRUE(IsNonPublicAddress(reinterpret_cast<sockaddr*>(&v4)));
  inet_pton(AF_INET, "203.0.114.1", &v4.sin_addr);
  EXPECT_FALSE(IsNonPublicAddress(reinterpret_cast<sockaddr*>(&v4)));
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "::1", &v6.sin6_addr);
  EXPECT_TRUE(IsNonPublicAddress(reinterpret_cast<sockaddr*>(&v6)));
  inet_pton(AF_INET6, "2a00:1450::1", &v6.sin6_addr);
  EXPECT_FALSE(IsNonPublicAddress(reinterpret_cast<sockaddr*>(&v6)));
  sockaddr other{};
  other.sa_family = AF_UNIX;
  EXPECT_TRUE(IsNonPublicAddress(&other));  // not an IP address: not reachable as a web site
  EXPECT_TRUE(IsNonPublicAddress(nullptr));
}

}  // namespace
}  // namespace nianbao
