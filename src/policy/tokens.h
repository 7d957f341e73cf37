#pragma once
// API tokens and authentication.
//
// A token is `tsr_<id>_<secret>`: <id> is 16 lowercase hex characters (public: the key of its
// row), <secret> 43 base64url characters of 32 random bytes. The hub keeps only an Argon2id hash
// of the whole token (crypto_pwhash_str), so a token is shown once, when it is made.
//
// Authenticating a request checks the token's row as of the directory's current generation
// (store::Directory::Generation), so revocation, expiry, a disabled user, a new role or group take
// effect at once, also when another process (the CLI) made the change. Argon2id is deliberately
// slow (tens of milliseconds, 64 MiB), so a successful verification is remembered in memory: a
// BLAKE2b digest of the whole token, keyed by <id>, compared in constant time, with the principal
// it gave and the generation it was read at. Argon2id thus runs once per token per process, and
// a request whose generation is the remembered one reads no token row at all.
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
  // read. Reads the directory's generation itself.
  Result<Principal> Authenticate(std::string_view authorization_header);
  // The same, against the directory as of `directory_generation`, which the caller read from
  // Directory::Generation() (or store::Store::ReadGenerations()) at the start of the request.
  Result<Principal> Authenticate(std::string_view authorization_header,
                                 int64_t directory_generation);

  // Whether the header carries a token this process has verified before, so that authenticating
  // it will run no Argon2id (the result may still be a refusal). Cheap: no directory read.
  bool Remembers(std::string_view authorization_header) const;

  // Forgets every remembered verification (e.g. after tokens were rotated).
  void ClearCache();

 private:
  struct Credentials;
  struct Known {
    std::string digest;  // BLAKE2b of the whole token
    int64_t generation;  // of the directory the principal was read at
    Principal principal;
    std::optional<Timestamp> expires;
  };

  static Result<Credentials> Parse(std::string_view header);
  Result<Principal> Authenticate(const Credentials& creds, int64_t generation);
  // Whether the token matches `hash`: by the remembered digest, else by Argon2id.
  bool Verify(const Credentials& creds, const std::string& hash);

  store::Directory& directory_;
  mutable std::shared_mutex cache_mu_;
  std::unordered_map<std::string, Known> known_;  // token id -> what it was; guarded by cache_mu_
  // At most kMaxConcurrentHashes Argon2id verifications at once: each takes 64 MiB, and a client
  // sending bad tokens must not be able to exhaust memory.
  std::mutex hash_mu_;
  std::condition_variable hash_cv_;
  int hashing_ = 0;  // guarded by hash_mu_
};

}  // namespace tessera::policy
