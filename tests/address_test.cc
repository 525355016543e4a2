// crawler/address: which addresses a crawler of public sites must not reach (SSRF).
#include "crawler/address.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

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

sockaddr_in V4(const char* text) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  inet_pton(AF_INET, text, &v4.sin_addr);
  return v4;
}

sockaddr_in6 V6(const char* text) {
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, text, &v6.sin6_addr);
  return v6;
}

bool In(const char* address, const std::vector<AddressRange>& ranges) {
  if (std::string_view(address).find(':') != std::string_view::npos) {
    sockaddr_in6 v6 = V6(address);
    return InAddressRanges(reinterpret_cast<sockaddr*>(&v6), ranges);
  }
  sockaddr_in v4 = V4(address);
  return InAddressRanges(reinterpret_cast<sockaddr*>(&v4), ranges);
}

TEST(AddressRangeTest, RangesAreParsedWithTheirPrefix) {
  std::optional<AddressRange> loopback = ParseAddressRange("127.0.0.1/32");
  ASSERT_TRUE(loopback);
  EXPECT_EQ(loopback->family, AF_INET);
  EXPECT_EQ(loopback->prefix, 32);
  EXPECT_EQ(ParseAddressRange("127.0.0.1"), loopback);  // an address alone is its /32
  EXPECT_EQ(ParseAddressRange(" 10.0.0.0/8 ")->prefix, 8);
  EXPECT_EQ(ParseAddressRange("::1")->prefix, 128);
  EXPECT_EQ(ParseAddressRange("[fd00::]/8")->family, AF_INET6);
  EXPECT_EQ(ParseAddressRange("0.0.0.0/0")->prefix, 0);
  for (const char* bad : {"", "/8", "127.0.0.1/33", "::1/129", "10.0.0.0/-1", "10.0.0.0/8x",
                          "10.0.0.0/", "localhost", "10.0.0", "10.0.0.0/ 8"}) {
    EXPECT_FALSE(ParseAddressRange(bad)) << bad;
  }
}

TEST(AddressRangeTest, ListsAreCommaSeparatedAndAnErrorNamesTheBadRange) {
  std::vector<AddressRange> ranges = ParseAddressRanges("127.0.0.1/32, 10.0.0.0/8,::1");
  ASSERT_EQ(ranges.size(), 3u);
  EXPECT_EQ(ranges[1].prefix, 8);
  try {
    ParseAddressRanges("127.0.0.1/32,10.0.0.300/8");
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("\"10.0.0.300/8\" is not an address range"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(ParseAddressRanges("127.0.0.1/32,"), std::invalid_argument);  // an empty item
}

TEST(AddressRangeTest, AnAddressIsInARangeByItsPrefixAlone) {
  std::vector<AddressRange> ranges = ParseAddressRanges("127.0.0.1/32,10.1.0.0/16,fd00::/8");
  EXPECT_TRUE(In("127.0.0.1", ranges));
  EXPECT_FALSE(In("127.0.0.2", ranges));  // loopback, but not the one allowed
  EXPECT_TRUE(In("10.1.255.7", ranges));
  EXPECT_FALSE(In("10.2.0.1", ranges));
  EXPECT_FALSE(In("169.254.169.254", ranges));
  EXPECT_TRUE(In("fd12::1", ranges));
  EXPECT_FALSE(In("fe80::1", ranges));
  EXPECT_TRUE(In("::ffff:127.0.0.1", ranges));  // IPv4-mapped: judged as 127.0.0.1
  EXPECT_FALSE(In("::ffff:127.0.0.2", ranges));
  EXPECT_FALSE(In("::1", ranges));  // an IPv4 range never holds an IPv6 address
  EXPECT_FALSE(In("127.0.0.1", {}));
  std::vector<AddressRange> odd = ParseAddressRanges("192.168.0.0/23");  // a prefix not on a byte
  EXPECT_TRUE(In("192.168.1.200", odd));
  EXPECT_FALSE(In("192.168.2.1", odd));
}

}  // namespace
}  // namespace nianbao
