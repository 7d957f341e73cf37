#include "common/digest.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include <fmt/core.h>

namespace tessera {
namespace {

std::string Hex(const std::array<uint8_t, 32>& d) {
  std::string out;
  for (uint8_t b : d) out += fmt::format("{:02x}", b);
  return out;
}

// The examples of FIPS 180-4's SHA-256 (NIST's "Cryptographic Standards and Guidelines"
// example values) and the digest of nothing.
TEST(Sha256Test, KnownDigests) {
  EXPECT_EQ(Hex(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Hex(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hex(Sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, EachThreadGetsTheSameDigest) {
  std::string other;
  std::thread t([&] { other = Hex(Sha256("abc")); });
  t.join();
  EXPECT_EQ(other, Hex(Sha256("abc")));
}

}  // namespace
}  // namespace tessera
