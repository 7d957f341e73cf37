#pragma once
// API tokens and authentication.
//
// A token is `tsr_<id>_<secret>`: <id> is 16 lowercase hex characters (public: the key of its
// row), <secret> 43 base64url characters of 32 random bytes. The hub keeps only a keyed hash of
// the whole token: BLAKE2b-256 keyed with the hub's token key (32 random bytes made once per hub
// and kept in the store's settings, kSettingTokenKey), stored as "$tsr-b2k$<64 hex>". A token is
// a 256-bit random secret, not a password a person chose: a fast keyed hash compared in constant
// time protects it as well as a slow one, and costs a request microseconds instead of the tens of
// milliseconds and 64 MiB of Argon2id that anyone knowing a (public) token id could make the hub
// spend at will. Tokens made before this (stored as Argon2id, "$argon2id$...") still work: the
// first successful use verifies them with Argon2id once and rewrites the hash in the keyed form
// (at most kMaxConcurrentLegacyHashes such verifications run at once).
//
// Authenticating a request checks the token's row as of the directory's current generation
// (store::Directory::Generation), so revocation, expiry, a disabled user, a new role or group take
// effect at once, also when another process (the CLI) made the change. A successful
// authentication is remembered in memory with the generation it was read at, so a request whose
// generation is the remembered one reads no token row at all.
//
// Failures are counted per client address and per token id: after AuthLimits::max_failures of
// either within AuthLimits::window, that client (or anyone presenting that token id) is refused
// with kLimitExceeded, reading and hashing nothing, until the window ends. Every other failure
// gets one answer, kUnauthenticated kInvalidCredentials, whatever the cause (unknown, revoked or
// expired token, disabled user, wrong secret or user name): the cause goes to the server log
// (spdlog info, with the token id and the client address), never to the caller.
//
// Browser sessions. A person signs in once with user name and token (StartSession) and gets a
// session: `tss_<16 hex id>_<43 base64url secret>`, sent back as a cookie (kSessionCookie), and a
// CSRF token of 256 random bits. The hub keeps sessions in memory (docs/security.md says why),
// each with BLAKE2b digests of its secret and of its CSRF token (never either in plain), the id of
// the token it was made from, and an expiry: AuthLimits::session_lifetime after sign-in, never
// later than the token's own. A request that presents the cookie is authenticated by the same
// Authenticate as a token, which checks the session's token row as of the directory's current
// generation: a revoked or expired token, a disabled user, a new role or group take effect on the
// session's next request too, and a session whose token is no longer valid is forgotten. A request
// that changes something (any method but GET, HEAD and OPTIONS) authenticated by the cookie alone
// must carry the session's CSRF token in the X-CSRF-Token header, else kPermissionDenied. An
// Authorization header, when present, is what counts: the cookie is then ignored.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "policy/principal.h"
#include "store/directory.h"

namespace tessera::policy {

// Initializes libsodium once per process (thread-safe, cheap after the first call). kInternal
// when libsodium cannot initialize (no usable random source).
Status InitCrypto();

// The setting (store::Directory) that holds the hub's token key, 64 hex characters. Made by the
// first CreateToken or Authenticator that needs it; never shown.
inline constexpr std::string_view kSettingTokenKey = "token_hash_key";

// The longest lifetime a token may be given: 100 years, whether as a duration (`expires_in`,
// `--expires`) or as an absolute time (`expires`). A token that should not expire has none.
constexpr std::chrono::seconds kMaxTokenLifetime{100LL * 366 * 24 * 3600};

// Checks a token's expiry as given at creation: nullopt (never) or after `now` and at most
// kMaxTokenLifetime after it. kInvalidArgument saying which otherwise.
Status CheckTokenExpiry(const std::optional<Timestamp>& expires, Timestamp now);

struct IssuedToken {
  std::string token;  // the plain token; shown once, never stored
  store::TokenRecord record;
};

// Makes a token for `user_id`, stores its keyed hash, and returns it. kNotFound when the user does
// not exist; kInvalidArgument for an expiry CheckTokenExpiry refuses or a label the directory
// refuses (one line, at most store::kMaxNameBytes, no control or format characters); storage
// errors as the directory's. `expires` nullopt: never.
Result<IssuedToken> CreateToken(store::Directory& directory, int64_t user_id,
                                std::optional<Timestamp> expires, const std::string& label);

// What ChangeUserRole did.
struct RoleChange {
  store::User user;                  // as stored afterwards
  std::vector<std::string> revoked;  // ids of the tokens it revoked (empty: none)
};

// Gives `user` the role `to`. When policy::RoleChangeRevokesTokens(from, to) (directory_rules.h:
// the tokens could have been made by someone who may not make them for `to`), every token of the
// user is revoked first, so that a failure in between leaves the user with fewer rights, never
// more. Authorization (MayAssignRole) is the caller's. The directory's errors.
Result<RoleChange> ChangeUserRole(store::Directory& directory, const store::User& user, Role to);

// The <id> part of a well-formed token; kInvalidArgument when `token` is not `tsr_<id>_<secret>`.
Result<std::string> TokenId(std::string_view token);

// `text` with the secret of every token in it (`tsr_<id>_<secret>`, even a malformed secret) cut
// to "…": what the audit log and the logs keep of a command line or a path where a token was
// pasted. The id stays, so the entry still names the token.
std::string RedactTokens(std::string_view text);

// Longest Authorization header looked at; longer ones are refused before any parsing.
constexpr size_t kMaxAuthorizationBytes = 1024;

// The one message of every refused credential (kUnauthenticated), whatever the cause.
inline constexpr std::string_view kInvalidCredentials = "the credentials are not valid";

// Bounds on failed authentications (see the top of this file).
struct AuthLimits {
  int max_failures_per_client = 50;  // per client address (the port is ignored)
  int max_failures_per_token = 10;   // per token id, from any client
  std::chrono::seconds window{60};   // failures older than this are forgotten
  // Browser sessions (see the top of this file): how long one lasts at most, how many the hub
  // holds at once (then StartSession first forgets expired ones, and refuses with kLimitExceeded
  // when none has expired), and how many one user holds (a new one ends the user's oldest).
  std::chrono::seconds session_lifetime{8 * 3600};
  size_t max_sessions = 10'000;
  size_t max_sessions_per_user = 16;
};

// The name of the session cookie.
inline constexpr std::string_view kSessionCookie = "tessera_session";
// The request header that carries a session's CSRF token.
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// What one request presents to be authenticated: the values of its Authorization header, of its
// session cookie (kSessionCookie) and of its kCsrfHeader header ("" when absent), and whether its
// method changes something (every method but GET, HEAD and OPTIONS). The views are borrowed from
// the request for the call.
struct Presented {
  std::string_view authorization;
  std::string_view session_cookie;
  std::string_view csrf_token;
  bool changes_state = false;
};

// A session StartSession made: the cookie value and the CSRF token (shown to the browser once,
// kept only as digests), when it ends, and who it is for.
struct IssuedSession {
  std::string cookie;
  std::string csrf_token;
  Timestamp expires;
  Principal principal;
};

// Authenticates requests. Thread-safe; owns the verification cache and the failure counts (both
// bounded in memory). The directory must outlive it.
class Authenticator {
 public:
  explicit Authenticator(store::Directory& directory, AuthLimits limits = {})
      : directory_(directory), limits_(limits) {}
  // Writes the token uses not written yet (FlushTokenUses) and stops the thread that writes them.
  ~Authenticator();
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  // A token's last use (Directory::RecordTokenUse) is written when it authenticates a request
  // (by header or through a session) and its last written use is older than this: at most one
  // write a minute per token, made by a thread of the Authenticator's own, never on the request.
  static constexpr std::chrono::seconds kTokenUseInterval{60};
  // Writes the uses noted and not written yet, now, on the calling thread (the writer thread
  // does it soon after each is noted). Failures are logged: a use is a hint, not a record.
  void FlushTokenUses();

  // The principal behind an Authorization header value sent from `client` (the peer address,
  // "127.0.0.1:53124", "[::1]:53124" or without a port; "" when unknown, counted as one client):
  //   "Basic base64(user:token)" (the user name must be the token's user) or "Bearer token".
  // Works on the header alone, never on a request body: callers authenticate before they read
  // one. Returns
  //   kUnauthenticated "authentication required" when the header is empty (not counted as a
  //     failure), and kInvalidCredentials for every other refusal (counted);
  //   kLimitExceeded when the client or the token id has failed too often (RetryAfter());
  //   kUnavailable / kIo / kCorrupt when the directory cannot be read.
  // The directory is read as of `directory_generation`, which the caller read from
  // Directory::Generation() (or store::Store::ReadGenerations()) at the start of the request.
  Result<Principal> Authenticate(std::string_view authorization_header, std::string_view client,
                                 int64_t directory_generation);
  // The same, reading the directory's generation itself.
  Result<Principal> Authenticate(std::string_view authorization_header, std::string_view client);

  // The principal behind what a request presents (see Presented): its Authorization header when
  // it has one (exactly as above, the cookie ignored), else its session cookie. For the cookie:
  //   kUnauthenticated "authentication required" when there is neither (not counted), and
  //     kInvalidCredentials for an unknown, ended or expired session, or one whose token or user
  //     is no longer valid (counted as a failure of the client);
  //   kPermissionDenied when the request changes something and its CSRF token is missing or is
  //     not the session's (the session stays valid);
  //   kLimitExceeded, and the directory's errors, as above.
  Result<Principal> Authenticate(const Presented& presented, std::string_view client,
                                 int64_t directory_generation);
  Result<Principal> Authenticate(const Presented& presented, std::string_view client);

  // Signs `user` in with `token` (the Basic rules: the token must be valid and be that user's)
  // and starts a session for it. The same answers as Authenticate for refused credentials
  // (kInvalidCredentials whatever is wrong, counted; kLimitExceeded); kLimitExceeded "too many
  // sessions" when the table is full of unexpired sessions; the directory's errors.
  Result<IssuedSession> StartSession(std::string_view user, std::string_view token,
                                     std::string_view client);

  // Ends the session whose cookie value is `session_cookie`: true when there was one (the secret
  // must match), false otherwise. Its cookie is refused from then on.
  bool EndSession(std::string_view session_cookie);

  // Sessions held now (expired ones included until they are next swept).
  size_t SessionCount() const;

  // How long a client refused with kLimitExceeded should wait (the Retry-After of a 429): at most
  // the failure window.
  std::chrono::seconds RetryAfter() const { return limits_.window; }

  // Whether the header carries a token this process has authenticated before, so that
  // authenticating it will most likely read nothing (the result may still be a refusal). Cheap:
  // no directory read, no hashing beyond one BLAKE2b.
  bool Remembers(std::string_view authorization_header) const;

  // Forgets every remembered authentication and failure count.
  void ClearCache();

 private:
  struct Credentials;
  struct Known {
    std::string digest;  // unkeyed BLAKE2b of the whole token (what the cache compares)
    int64_t generation;  // of the directory the principal was read at
    Principal principal;
    std::optional<Timestamp> expires;
  };
  struct Failures {
    std::chrono::steady_clock::time_point since;  // start of the current window
    int count = 0;
  };

  struct Session {
    std::string digest;       // BLAKE2b of the whole cookie value
    std::string csrf_digest;  // BLAKE2b of the CSRF token
    std::string token_id;     // the token it was made from
    int64_t user_id = 0;
    Timestamp started;
    Timestamp expires;
    int64_t generation = -1;  // of the directory `principal` was read at
    Principal principal;
  };

  static Result<Credentials> Parse(std::string_view header);
  // Authenticate for parsed (or refused) credentials.
  Result<Principal> AuthenticateCredentials(const Result<Credentials>& creds,
                                            std::string_view client, int64_t generation);
  Result<Principal> AuthenticateSession(const Presented& presented, std::string_view client,
                                        int64_t generation);
  Result<Principal> Check(const Credentials& creds, int64_t generation, std::string& why);
  // The hub's token key (read or made once).
  Result<std::string> Key();
  // Whether the token matches the stored `hash` (keyed form, or legacy Argon2id which is then
  // rewritten).
  Result<bool> Verify(const Credentials& creds, const std::string& hash);
  bool Throttled(const std::string& client, const std::string& token_id);
  // Notes that `token_id` authenticated a request now; hands it to the writer thread when its
  // last use was written kTokenUseInterval ago or more (or never, in this process).
  void NoteTokenUse(const std::string& token_id);
  // The writer thread: writes the noted uses until the Authenticator is destroyed.
  void WriteTokenUses();
  void CountFailure(const std::string& client, const std::string& token_id);

  store::Directory& directory_;
  const AuthLimits limits_;
  mutable std::shared_mutex cache_mu_;
  std::unordered_map<std::string, Known> known_;  // token id -> what it was; guarded by cache_mu_
  std::mutex key_mu_;
  std::string key_;  // guarded by key_mu_; empty until read
  std::mutex failures_mu_;
  std::unordered_map<std::string, Failures> client_failures_;  // guarded by failures_mu_
  std::unordered_map<std::string, Failures> token_failures_;   // guarded by failures_mu_
  // Legacy Argon2id verifications in flight (each takes 64 MiB).
  std::mutex hash_mu_;
  std::condition_variable hash_cv_;
  int hashing_ = 0;  // guarded by hash_mu_
  std::mutex use_mu_;
  std::condition_variable use_cv_;
  // token id -> when its use was last handed to the writer; guarded by use_mu_
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> use_noted_;
  std::unordered_map<std::string, Timestamp> use_pending_;  // guarded by use_mu_
  bool use_stopping_ = false;                               // guarded by use_mu_
  bool use_writing_ = false;  // the writer thread is writing a batch; guarded by use_mu_
  std::thread use_writer_;    // started with the first use noted; guarded by use_mu_
  mutable std::mutex sessions_mu_;
  std::unordered_map<std::string, Session> sessions_;  // session id -> it; guarded by sessions_mu_
};

}  // namespace tessera::policy
