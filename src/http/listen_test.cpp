#include <gtest/gtest.h>

#include "http/server.h"

namespace tessera::http {
namespace {

TEST(ParseListenAddressTest, AcceptsHostPortForms) {
  auto v4 = ParseListenAddress("127.0.0.1:8080");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  auto v6 = ParseListenAddress("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  EXPECT_EQ(ParseListenAddress("localhost:65535")->port, 65535);
}

TEST(ParseListenAddressTest, RejectsMalformedAddresses) {
  for (const char* bad : {"8080", ":8080", "host:", "host:65536", "host:80x", "::1:8080", "host:-1",
                          "[]:80", "host:123456"}) {
    EXPECT_EQ(ParseListenAddress(bad).status().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

// `tessera serve` refuses a listen address other hosts can reach without TLS (issue #17).
TEST(ResolvesToLoopbackTest, TellsThisHostsLoopbackFromNetworkAddresses) {
  for (const char* local : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "localhost"}) {
    auto r = ResolvesToLoopback(local);
    ASSERT_TRUE(r.ok()) << local << ": " << r.status().ToString();
    EXPECT_TRUE(*r) << local;
  }
  for (const char* network : {"0.0.0.0", "::", "192.0.2.10", "2001:db8::1", "::ffff:192.0.2.1"}) {
    auto r = ResolvesToLoopback(network);
    ASSERT_TRUE(r.ok()) << network << ": " << r.status().ToString();
    EXPECT_FALSE(*r) << network;
  }
}

}  // namespace
}  // namespace tessera::http
