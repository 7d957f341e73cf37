#pragma once
// The `next` token of paging (TAXII's object listings, search's full-text pages): a sealed
// cursor, here because it is bound to a reader. For TAXII it holds the seq of the last row the
// previous page returned and the seq bound fixed when the first page was served (so that versions
// added while a client pages neither shift nor change "last"/"first" answers). Both are store-wide
// sequence numbers, which would tell a reader how many versions the hub holds in collections it
// cannot see, so the token is encrypted and authenticated with a key of the hub's
// (XChaCha20-Poly1305, libsodium): a reader can neither read the numbers nor make a token the
// server did not issue. Nonces never repeat under a key and tell nothing: each is a keyed hash
// (BLAKE2b, a secret the sealer draws once) of how many tokens the sealer sealed before, so that
// a page costs no getrandom system call and a reader cannot count the server's traffic.
//
// A token is also bound to what it was minted for (the `binding` text: the reader and the query,
// taxii::Service and search::SearchText build it): opened with any other binding it is refused, so
// a token handed to another reader, another collection or other filters is useless. It carries no
// access rights: every page is filtered again for the reader presenting it.

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/directory.h"

namespace tessera::policy {

struct PageCursor {
  int64_t after_seq = 0;  // rows with seq > after_seq
  int64_t up_to_seq = 0;  // rows with seq <= up_to_seq (> 0)

  bool operator==(const PageCursor&) const = default;
};

constexpr size_t kPageTokenKeyBytes = 32;
using PageTokenKey = std::array<uint8_t, kPageTokenKeyBytes>;

// The directory setting that keeps the hub's page-token key (64 hex digits), so that tokens stay
// valid across restarts and between the servers of one store.
inline constexpr std::string_view kSettingPageTokenKey = "taxii_page_token_key";

// The hub's key from the directory, made (random) and stored on first use. Needs libsodium
// initialized (policy::InitCrypto). The directory's errors; kCorrupt when the stored setting is
// not a key.
Result<PageTokenKey> LoadPageTokenKey(store::Directory& directory);

// Seals and opens tokens with one key. Thread-safe. Needs libsodium initialized.
class PageTokenSealer {
 public:
  explicit PageTokenSealer(const PageTokenKey& key);
  PageTokenSealer(const PageTokenSealer&) = delete;
  PageTokenSealer& operator=(const PageTokenSealer&) = delete;

  // A token of 76 characters (base64url, no padding) for `cursor`, bound to `binding`.
  std::string Seal(const PageCursor& cursor, std::string_view binding) const;

  // The cursor in `token`, or kInvalidArgument when it is not a token Seal made with this key
  // and this `binding` (wrong length or alphabet, failed authentication, inconsistent seqs).
  Result<PageCursor> Open(std::string_view token, std::string_view binding) const;

 private:
  PageTokenKey key_;
  std::array<uint8_t, 32> nonce_secret_{};   // random, drawn once
  mutable std::atomic<uint64_t> sealed_{0};  // tokens sealed so far
};

}  // namespace tessera::policy
