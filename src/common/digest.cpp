#include "common/digest.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace tessera {

namespace {

// The algorithm is fetched once (an implicit fetch per call costs more than the digest of a
// short key) and each thread keeps its context.
const EVP_MD* Sha256Md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

struct ContextDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

std::array<uint8_t, 32> Sha256(std::string_view data) {
  thread_local std::unique_ptr<EVP_MD_CTX, ContextDeleter> ctx(EVP_MD_CTX_new());
  std::array<uint8_t, 32> out;
  unsigned int len = 0;
  const EVP_MD* md = Sha256Md();
  const bool ok = md != nullptr && ctx != nullptr &&
                  EVP_DigestInit_ex2(ctx.get(), md, nullptr) == 1 &&
                  EVP_DigestUpdate(ctx.get(), data.data(), data.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1;
  if (!ok || len != out.size()) std::abort();
  return out;
}

std::string Sha256Hex(const std::array<uint8_t, 32>& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (const uint8_t b : digest) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

struct Sha256Stream::Context {
  std::unique_ptr<EVP_MD_CTX, ContextDeleter> ctx{EVP_MD_CTX_new()};
};

Sha256Stream::Sha256Stream() : ctx_(std::make_unique<Context>()) {
  const EVP_MD* md = Sha256Md();
  if (md == nullptr || ctx_->ctx == nullptr ||
      EVP_DigestInit_ex2(ctx_->ctx.get(), md, nullptr) != 1) {
    std::abort();
  }
}
Sha256Stream::~Sha256Stream() = default;
Sha256Stream::Sha256Stream(Sha256Stream&&) noexcept = default;
Sha256Stream& Sha256Stream::operator=(Sha256Stream&&) noexcept = default;

void Sha256Stream::Update(std::string_view piece) {
  if (EVP_DigestUpdate(ctx_->ctx.get(), piece.data(), piece.size()) != 1) std::abort();
}

std::array<uint8_t, 32> Sha256Stream::Finish() {
  std::array<uint8_t, 32> out;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_->ctx.get(), out.data(), &len) != 1 || len != out.size()) {
    std::abort();
  }
  return out;
}

Result<FileDigest> Sha256File(const std::string& path,
                              const std::function<Status(std::string_view)>& each_block) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const std::string why = path + ": " + std::strerror(errno);
    return errno == ENOENT ? NotFound(why) : IoError("opening " + why);
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  Sha256Stream hash;
  std::vector<char> buf(kSha256FileBlockBytes);
  FileDigest out;
  while (true) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError("reading " + path + ": " + std::strerror(errno));
    if (n == 0) break;
    const std::string_view block(buf.data(), static_cast<size_t>(n));
    hash.Update(block);
    out.bytes += n;
    if (each_block) TESSERA_RETURN_IF_ERROR(each_block(block));
  }
  out.sha256 = hash.Finish();
  return out;
}

}  // namespace tessera
