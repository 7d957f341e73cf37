#include "common/ip.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "common/file.h"
#include "common/json.h"

namespace tessera::ip {
namespace {

std::string DataPath() {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  return std::string(src ? src : ".") + "/tests/data/ip/addresses.json";
}

// What inet_pton says of `text` as an address of `family`.
bool InetPton(int family, const std::string& text, std::array<uint8_t, 16>* bytes) {
  *bytes = {};
  return inet_pton(family, text.c_str(), bytes->data()) == 1;
}

// Every case of the shared table: the kind, the same network as `same_as`, and for addresses
// (no '/') the verdict and bytes of inet_pton.
TEST(Ip, TheSharedCases) {
  auto text = ReadInput(DataPath());
  ASSERT_TRUE(text.ok()) << text.status().message();
  auto doc = ParseJson(*text);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  const auto& cases = doc->as_object().at("cases").as_array();
  ASSERT_GT(cases.size(), 50u);
  for (const auto& c : cases) {
    const auto& o = c.as_object();
    const std::string input(o.at("text").as_string());
    const std::string kind(o.at("kind").as_string());
    SCOPED_TRACE("'" + input + "'");
    const auto net = ParseNetwork(input);
    if (kind == "none") {
      EXPECT_FALSE(net.has_value());
    } else {
      ASSERT_TRUE(net.has_value());
      EXPECT_EQ(net->address.is_v6, kind == "ipv6");
    }
    if (const auto* same = o.if_contains("same_as")) {
      const auto other = ParseNetwork(std::string(same->as_string()));
      ASSERT_TRUE(other.has_value());
      EXPECT_EQ(net, other);
    }
    if (input.find('/') != std::string::npos) {
      EXPECT_FALSE(ParseAddress(input).has_value());
      continue;
    }
    const auto address = ParseAddress(input);
    EXPECT_EQ(address.has_value(), net.has_value());
    // The IPv4 half agrees with the whole on every case.
    const auto v4_only = ParseV4Address(input);
    EXPECT_EQ(v4_only.has_value(), address && !address->is_v6) << input;
    if (v4_only && address) {
      EXPECT_EQ(*v4_only, address->V4()) << input;
    }
    std::array<uint8_t, 16> v4{}, v6{};
    const bool pton4 = InetPton(AF_INET, input, &v4);
    const bool pton6 = InetPton(AF_INET6, input, &v6);
    EXPECT_EQ(pton4, address && !address->is_v6) << "inet_pton(AF_INET) disagrees";
    EXPECT_EQ(pton6, address && address->is_v6) << "inet_pton(AF_INET6) disagrees";
    if (address) {
      EXPECT_EQ(address->bytes, address->is_v6 ? v6 : v4);
    }
  }
}

TEST(Ip, V4IsTheNumberInHostOrder) {
  EXPECT_EQ(ParseAddress("192.0.2.1")->V4(), 0xC0000201u);
  EXPECT_EQ(ParseAddress("255.255.255.255")->V4(), 0xFFFFFFFFu);
  EXPECT_EQ(ParseNetwork("10.1.2.3/8")->address.V4(), 0x0A000000u);
  EXPECT_EQ(ParseNetwork("10.1.2.3/8")->prefix_length, 8);
  EXPECT_EQ(ParseNetwork("10.1.2.3")->prefix_length, 32);
  EXPECT_EQ(ParseNetwork("2001:db8::1/33")->prefix_length, 33);
  EXPECT_EQ(ParseNetwork("2001:db8::1")->prefix_length, 128);
}

TEST(Ip, V4Mapped) {
  EXPECT_TRUE(IsV4Mapped(*ParseAddress("::ffff:192.0.2.1")));
  EXPECT_EQ(ParseAddress("::ffff:192.0.2.1")->bytes[15], 1);
  EXPECT_FALSE(IsV4Mapped(*ParseAddress("::192.0.2.1")));
  EXPECT_FALSE(IsV4Mapped(*ParseAddress("1::ffff:192.0.2.1")));
  EXPECT_FALSE(IsV4Mapped(*ParseAddress("192.0.2.1")));
}

TEST(Ip, Containment) {
  auto n = [](const char* s) {
    auto net = ParseNetwork(s);
    EXPECT_TRUE(net.has_value()) << s;
    return net.value_or(Network{});
  };
  EXPECT_TRUE(Contains(n("198.51.100.0/24"), n("198.51.100.7")));
  EXPECT_FALSE(Contains(n("198.51.100.7"), n("198.51.100.0/24")));
  EXPECT_FALSE(Contains(n("198.51.100.0/24"), n("198.51.101.7/32")));
  EXPECT_TRUE(Contains(n("198.51.100.0/24"), n("198.51.100.128/25")));
  EXPECT_TRUE(Contains(n("198.51.100.0/23"), n("198.51.101.7")));
  EXPECT_TRUE(Contains(n("0.0.0.0/0"), n("198.51.101.7")));
  EXPECT_TRUE(Contains(n("192.0.2.1"), n("192.0.2.1")));
  EXPECT_TRUE(Contains(n("2001:db8::/32"), n("2001:0db8:dead:beef:0000:0000:0000:0001")));
  EXPECT_FALSE(Contains(n("2001:db8::/32"), n("2001:db9::1")));
  EXPECT_TRUE(Contains(n("fe80::/10"), n("febf::1")));
  EXPECT_FALSE(Contains(n("fe80::/10"), n("fec0::1")));
  // Families never contain each other, IPv4-mapped addresses included.
  EXPECT_FALSE(Contains(n("::/0"), n("1.2.3.4")));
  EXPECT_FALSE(Contains(n("0.0.0.0/0"), n("::ffff:1.2.3.4")));
}

}  // namespace
}  // namespace tessera::ip
