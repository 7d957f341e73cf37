#pragma once
// Message digests, from OpenSSL's libcrypto (the one implementation the project uses).

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tessera {

// SHA-256 (FIPS 180-4) of `data`. Thread-safe; no allocation after a thread's first call.
// Aborts only if OpenSSL's default provider has no SHA-256, which it always has.
std::array<uint8_t, 32> Sha256(std::string_view data);

// The lowercase hexadecimal form of a SHA-256 digest (64 characters).
std::string Sha256Hex(const std::array<uint8_t, 32>& digest);

// SHA-256 computed over data given in pieces: Update any number of times, then Finish once.
// The digest is that of the pieces' concatenation. Not thread-safe (one per thread); movable.
class Sha256Stream {
 public:
  Sha256Stream();  // aborts as Sha256 does
  ~Sha256Stream();
  Sha256Stream(Sha256Stream&&) noexcept;
  Sha256Stream& operator=(Sha256Stream&&) noexcept;

  void Update(std::string_view piece);
  // The digest of everything given; the stream must not be used afterwards.
  std::array<uint8_t, 32> Finish();

 private:
  struct Context;
  std::unique_ptr<Context> ctx_;
};

// The size and SHA-256 of a file read to its end.
struct FileDigest {
  int64_t bytes = 0;
  std::array<uint8_t, 32> sha256{};
  std::string hex() const { return Sha256Hex(sha256); }
};

// Reads the file at `path` to its end in blocks of kSha256FileBlockBytes and returns its size and
// SHA-256; `each_block`, when set, is called with every block read (in order, before the next
// read), so a caller can copy the file in the same pass; an error it returns stops the read and is
// returned. kNotFound when there is no such file, kIo when it cannot be read. Memory: one block.
inline constexpr size_t kSha256FileBlockBytes = 1 << 20;
Result<FileDigest> Sha256File(const std::string& path,
                              const std::function<Status(std::string_view)>& each_block = {});

}  // namespace tessera
