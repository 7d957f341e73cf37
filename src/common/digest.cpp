#include "common/digest.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

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

}  // namespace tessera
