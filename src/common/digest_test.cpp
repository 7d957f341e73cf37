#include "common/digest.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
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

// The stream gives the digest of the pieces' concatenation, however the data is cut.
TEST(Sha256StreamTest, PiecesGiveTheDigestOfTheWhole) {
  const std::string msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  for (size_t cut = 0; cut <= msg.size(); cut += 7) {
    Sha256Stream s;
    s.Update(std::string_view(msg).substr(0, cut));
    s.Update("");
    s.Update(std::string_view(msg).substr(cut));
    EXPECT_EQ(Sha256Hex(s.Finish()),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        << cut;
  }
  EXPECT_EQ(Sha256Hex(Sha256Stream().Finish()), Hex(Sha256("")));
}

class Sha256FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("tessera-digest-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::filesystem::path dir_;
};

// FIPS 180-4's long example (a million 'a', under one block) and a file of three million 'a'
// (three blocks, the last one partial; its digest is `sha256sum`'s and Python hashlib's).
TEST_F(Sha256FileTest, KnownDigestsOfFilesSmallerAndLargerThanABlock) {
  static_assert(kSha256FileBlockBytes < 3'000'000);
  auto small = Sha256File(Write("million", std::string(1'000'000, 'a')));
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  EXPECT_EQ(small->bytes, 1'000'000);
  EXPECT_EQ(small->hex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

  const std::string big_content(3'000'000, 'a');
  const std::string big = Write("three-million", big_content);
  std::string seen;
  size_t blocks = 0;
  auto large = Sha256File(big, [&](std::string_view block) {
    seen.append(block);
    ++blocks;
    return Status::Ok();
  });
  ASSERT_TRUE(large.ok()) << large.status().ToString();
  EXPECT_EQ(large->bytes, 3'000'000);
  EXPECT_EQ(large->hex(), "2a152c894398719c0570f83fac34ac03a0f6e8e474b995c2403aa5434f7b9dd4");
  EXPECT_EQ(large->sha256, Sha256(big_content));
  EXPECT_EQ(blocks, 3u);
  EXPECT_TRUE(seen == big_content);

  auto empty = Sha256File(Write("empty", ""));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->bytes, 0);
  EXPECT_EQ(empty->hex(), Hex(Sha256("")));
}

TEST_F(Sha256FileTest, MissingFileAndAFailingBlockCallback) {
  auto missing = Sha256File((dir_ / "nothing").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nothing"), std::string::npos);

  const std::string path = Write("two-blocks", std::string(kSha256FileBlockBytes + 1, 'x'));
  size_t calls = 0;
  auto stopped = Sha256File(path, [&](std::string_view) {
    ++calls;
    return IoError("disk full");
  });
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.status().message(), "disk full");
  EXPECT_EQ(calls, 1u);
  EXPECT_EQ(Sha256File(dir_.string()).status().code(), ErrorCode::kIo);  // a directory
}

}  // namespace
}  // namespace tessera
