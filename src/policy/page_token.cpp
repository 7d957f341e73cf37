#include "policy/page_token.h"

#include <sodium.h>

#include <array>

namespace tessera::policy {
namespace {

constexpr uint8_t kTokenVersion = 2;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;  // 24
constexpr size_t kPlainBytes = 16;                                            // two seqs
constexpr size_t kSealedBytes = kPlainBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kRawBytes = 1 + kNonceBytes + kSealedBytes;  // 57: 76 characters, no padding
constexpr size_t kTokenChars = kRawBytes / 3 * 4;
static_assert(kRawBytes % 3 == 0);
static_assert(kPageTokenKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

using Raw = std::array<uint8_t, kRawBytes>;

void PutU64(uint8_t* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(v & 0xff);
    v >>= 8;
  }
}

uint64_t GetU64(const uint8_t* in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in[i];
  return v;
}

const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

}  // namespace

Result<PageTokenKey> LoadPageTokenKey(store::Directory& directory) {
  auto stored = directory.GetSetting(kSettingPageTokenKey);
  if (!stored.ok() && stored.status().code() != ErrorCode::kNotFound) return stored.status();
  if (!stored.ok()) {
    PageTokenKey fresh;
    crypto_aead_xchacha20poly1305_ietf_keygen(fresh.data());
    std::array<char, kPageTokenKeyBytes * 2 + 1> hex{};
    sodium_bin2hex(hex.data(), hex.size(), fresh.data(), fresh.size());
    TESSERA_RETURN_IF_ERROR(
        directory.PutSetting(kSettingPageTokenKey, std::string_view(hex.data(), hex.size() - 1)));
    // Read back: when two servers start at once, both use the one that was stored last.
    stored = directory.GetSetting(kSettingPageTokenKey);
    if (!stored.ok()) return stored.status();
  }
  PageTokenKey key;
  size_t len = 0;
  if (stored->size() != kPageTokenKeyBytes * 2 ||
      sodium_hex2bin(key.data(), key.size(), stored->data(), stored->size(), nullptr, &len,
                     nullptr) != 0 ||
      len != key.size()) {
    return Corrupt("setting " + std::string(kSettingPageTokenKey) + " is not a 32-byte hex key");
  }
  return key;
}

PageTokenSealer::PageTokenSealer(const PageTokenKey& key) : key_(key) {
  randombytes_buf(nonce_secret_.data(), nonce_secret_.size());
}

std::string PageTokenSealer::Seal(const PageCursor& cursor, std::string_view binding) const {
  std::array<uint8_t, kPlainBytes> plain{};
  PutU64(&plain[0], static_cast<uint64_t>(cursor.after_seq));
  PutU64(&plain[8], static_cast<uint64_t>(cursor.up_to_seq));
  Raw raw{};
  raw[0] = kTokenVersion;
  uint8_t* nonce = &raw[1];
  std::array<uint8_t, 8> count{};
  PutU64(count.data(), sealed_.fetch_add(1, std::memory_order_relaxed));
  crypto_generichash(nonce, kNonceBytes, count.data(), count.size(), nonce_secret_.data(),
                     nonce_secret_.size());
  unsigned long long sealed_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(&raw[1 + kNonceBytes], &sealed_len, plain.data(),
                                             plain.size(), Bytes(binding), binding.size(), nullptr,
                                             nonce, key_.data());
  std::string out(sodium_base64_ENCODED_LEN(kRawBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(kTokenChars);
  return out;
}

Result<PageCursor> PageTokenSealer::Open(std::string_view token, std::string_view binding) const {
  const auto invalid = [] {
    return InvalidArgument(
        "'next' is not a paging token this server issued for you and this query (pass the "
        "'next' value of the previous page unchanged, with the same filters)");
  };
  if (token.size() != kTokenChars) return invalid();
  Raw raw{};
  size_t len = 0;
  if (sodium_base642bin(raw.data(), raw.size(), token.data(), token.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != kRawBytes || raw[0] != kTokenVersion) {
    return invalid();
  }
  std::array<uint8_t, kPlainBytes> plain{};
  unsigned long long plain_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          plain.data(), &plain_len, nullptr, &raw[1 + kNonceBytes], kSealedBytes, Bytes(binding),
          binding.size(), &raw[1], key_.data()) != 0 ||
      plain_len != kPlainBytes) {
    return invalid();
  }
  PageCursor cursor;
  cursor.after_seq = static_cast<int64_t>(GetU64(&plain[0]));
  cursor.up_to_seq = static_cast<int64_t>(GetU64(&plain[8]));
  if (cursor.after_seq < 0 || cursor.up_to_seq <= 0 || cursor.after_seq >= cursor.up_to_seq) {
    return invalid();
  }
  return cursor;
}

}  // namespace tessera::policy
