#pragma once
// API tokens and authentication.
//
// A token is `tsr_<id>_<secret>`: <id> is 16 lowercase hex characters (public: the key of its
// row), <secret> 43 base64url characters of 32 random bytes. The hub keeps only an Argon2id hash
// of the whole token (crypto_pwhash_str), so a token is shown once, when it is made.
//
// Authenticating a request reads the token's row every time (revocation, expiry and a disabled
// user take effect at once), then verifies the token against the hash. Argon2id is deliberately
// slow (tens of milliseconds, 64 MiB), so a successful verification is remembered in memory: a
// BLAKE2b digest of the whole token, keyed by <id>, compared in constant time. Argon2id thus runs
// once per token per process.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"
#include "common/time.h"
#include "policy/principal.h"
#include "store/directory.h"

namespace tessera::policy {

// Initializes libsodium once per process (thread-safe, cheap after the first call). kInternal
// when libsodium cannot initialize (no usable random source).
Status InitCrypto();

// How hard the token hash is to compute. Tokens are 256-bit random secrets, so the cost guards
// against a stolen database only; kInteractive is libsodium's interactive Argon2id level.
struct HashCost {
  unsigned long long ops;
  size_t mem_bytes;
};
HashCost InteractiveHashCost();  // crypto_pwhash_OPSLIMIT/MEMLIMIT_INTERACTIVE (the default)
HashCost MinimalHashCost();      // the least libsodium accepts: for tests only

struct IssuedToken {
  std::string token;  // the plain token; shown once, never stored
  store::TokenRecord record;
};

// Makes a token for `user_id`, stores its hash, and returns it. kNotFound when the user does not
// exist; storage errors as the directory's. `expires` nullopt: never.
Result<IssuedToken> CreateToken(store::Directory& directory, int64_t user_id,
                                std::optional<Timestamp> expires, const std::string& label,
                                HashCost cost = InteractiveHashCost());

// The <id> part of a well-formed token; kInvalidArgument when `token` is not `tsr_<id>_<secret>`.
Result<std::string> TokenId(std::string_view token);

// Longest Authorization header looked at; longer ones are refused before any parsing.
constexpr size_t kMaxAuthorizationBytes = 1024;

// Authenticates requests. Thread-safe; owns the verification cache. The directory must outlive
// it.
class Authenticator {
 public:
  explicit Authenticator(store::Directory& directory) : directory_(directory) {}

  // The principal behind an Authorization header value:
  //   "Basic base64(user:token)" (the user name must be the token's user) or "Bearer token".
  // kUnauthenticated (with the reason: missing, malformed, unknown, revoked or expired token,
  // disabled user, wrong user name) on failure; kUnavailable / kIo when the directory cannot be
  // read.
  Result<Principal> Authenticate(std::string_view authorization_header);

  // Forgets every remembered verification (e.g. after tokens were rotated).
  void ClearCache();

 private:
  // Whether `token` matches `hash`, from the cache or by Argon2id (then remembered).
  bool Verify(const std::string& id, std::string_view token, const std::string& hash);

  store::Directory& directory_;
  std::shared_mutex cache_mu_;
  std::unordered_map<std::string, std::string> verified_;  // id -> BLAKE2b(token); cache_mu_

  // At most kMaxConcurrentHashes Argon2id verifications at once: each takes 64 MiB, and a client
  // sending bad tokens must not be able to exhaust memory.
  std::mutex hash_mu_;
  std::condition_variable hash_cv_;
  int hashing_ = 0;  // guarded by hash_mu_
};

}  // namespace tessera::policy
