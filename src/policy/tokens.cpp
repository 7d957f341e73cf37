#include "policy/tokens.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "common/base64.h"
#include "common/display.h"
#include "common/text.h"
#include "policy/directory_rules.h"

namespace tessera::policy {
namespace {

constexpr std::string_view kPrefix = "tsr_";
constexpr size_t kIdChars = 16;
constexpr size_t kSecretBytes = 32;
constexpr size_t kSecretChars = 43;  // base64url of 32 bytes, no padding
constexpr std::string_view kSessionPrefix = "tss_";
constexpr std::string_view kKeyedPrefix = "$tsr-b2k$";
constexpr std::string_view kArgon2idPrefix = "$argon2id$";
constexpr size_t kKeyBytes = crypto_generichash_KEYBYTES;  // 32
constexpr size_t kHashBytes = 32;
constexpr int kMaxConcurrentLegacyHashes = 2;
constexpr size_t kMaxCachedTokens = 100'000;
constexpr size_t kMaxFailureEntries = 100'000;  // per map; see CountFailure

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool IsBase64Url(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
           c == '_';
  });
}

// Unkeyed BLAKE2b of the token: what the in-memory cache compares (never stored).
std::string Digest(std::string_view token) {
  std::array<unsigned char, crypto_generichash_BYTES> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(out.data()), out.size());
}

// The stored form: "$tsr-b2k$" + hex(BLAKE2b-256(token, key)).
std::string KeyedHash(std::string_view token, const std::string& key) {
  std::array<unsigned char, kHashBytes> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), reinterpret_cast<const unsigned char*>(key.data()), key.size());
  std::array<char, kHashBytes * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), out.data(), out.size());
  return std::string(kKeyedPrefix) + hex.data();
}

// The hub's token key from the directory, made (32 random bytes, hex) when the hub has none.
Result<std::string> LoadKey(store::Directory& directory) {
  std::array<unsigned char, kKeyBytes> fresh{};
  randombytes_buf(fresh.data(), fresh.size());
  std::array<char, kKeyBytes * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), fresh.data(), fresh.size());
  sodium_memzero(fresh.data(), fresh.size());
  auto stored = directory.InitSetting(kSettingTokenKey, hex.data());
  sodium_memzero(hex.data(), hex.size());
  if (!stored.ok()) return stored.status();
  std::string key(kKeyBytes, '\0');
  size_t len = 0;
  if (stored->size() != kKeyBytes * 2 ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), stored->data(),
                     stored->size(), nullptr, &len, nullptr) != 0 ||
      len != kKeyBytes) {
    return Corrupt("the hub's token key (setting " + std::string(kSettingTokenKey) +
                   ") is not 64 hex characters");
  }
  return key;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The address part of "ip:port", "[v6]:port", "ip" or "v6".
std::string ClientAddress(std::string_view client) {
  if (client.starts_with('[')) {
    const size_t close = client.find(']');
    if (close != std::string_view::npos) return std::string(client.substr(1, close - 1));
  }
  const size_t colon = client.rfind(':');
  if (colon != std::string_view::npos && client.find(':') == colon) {
    return std::string(client.substr(0, colon));  // one colon: IPv4 (or a name) with a port
  }
  return std::string(client);
}

// The <id> of `text` when it is `<prefix><16 hex>_<43 base64url>` (a token, a session), else
// nullopt.
std::optional<std::string_view> SecretId(std::string_view prefix, std::string_view text) {
  if (text.size() != prefix.size() + kIdChars + 1 + kSecretChars || !text.starts_with(prefix) ||
      text[prefix.size() + kIdChars] != '_') {
    return std::nullopt;
  }
  const std::string_view id = text.substr(prefix.size(), kIdChars);
  const std::string_view secret = text.substr(prefix.size() + kIdChars + 1);
  if (!IsLowerHex(id) || !IsBase64Url(secret)) return std::nullopt;
  return id;
}

// 32 random bytes as 43 base64url characters.
std::string RandomSecret() {
  std::array<unsigned char, kSecretBytes> secret{};
  randombytes_buf(secret.data(), secret.size());
  std::array<char,
             sodium_base64_ENCODED_LEN(kSecretBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)>
      b64{};
  sodium_bin2base64(b64.data(), b64.size(), secret.data(), secret.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(secret.data(), secret.size());
  std::string out(b64.data());
  sodium_memzero(b64.data(), b64.size());
  return out;
}

// A new `<prefix><16 hex id>_<secret>`; its id in `*id`.
std::string NewSecret(std::string_view prefix, std::string* id) {
  std::array<unsigned char, kIdChars / 2> id_bytes{};
  randombytes_buf(id_bytes.data(), id_bytes.size());
  std::array<char, kIdChars + 1> id_hex{};
  sodium_bin2hex(id_hex.data(), id_hex.size(), id_bytes.data(), id_bytes.size());
  *id = id_hex.data();
  return std::string(prefix) + *id + "_" + RandomSecret();
}

// The principal a token's owner acts as.
Principal PrincipalOf(store::TokenOwner owner) {
  Principal p;
  p.user_id = owner.user.id;
  p.user = std::move(owner.user.name);
  p.org_id = owner.org.id;
  p.org_identity = std::move(owner.org.identity_id);
  p.role = owner.user.role;
  p.groups = std::move(owner.groups);
  return p;
}

}  // namespace

Status InitCrypto() {
  static const int rc = sodium_init();  // thread-safe static initialization: runs once
  if (rc < 0) return Internal("libsodium could not initialize (no random source?)");
  return Status::Ok();
}

Result<std::string> TokenId(std::string_view token) {
  std::optional<std::string_view> id = SecretId(kPrefix, token);
  if (!id) return InvalidArgument("not a Tessera token (tsr_<16 hex>_<43 base64url>)");
  return std::string(*id);
}

std::string RedactTokens(std::string_view text) {
  constexpr std::string_view kHead = "tsr_";
  constexpr size_t kIdChars = 16;
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  auto secret_char = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  };
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t at = text.find(kHead, i);
    if (at == std::string_view::npos) break;
    size_t p = at + kHead.size();
    size_t n = 0;
    while (p + n < text.size() && n < kIdChars && hex(text[p + n])) ++n;
    const size_t sep = p + kIdChars;
    if (n < kIdChars || sep >= text.size() || text[sep] != '_') {
      out.append(text.substr(i, p - i));
      i = p;
      continue;
    }
    size_t end = sep + 1;
    while (end < text.size() && secret_char(text[end])) ++end;
    out.append(text.substr(i, sep + 1 - i));
    out.append("…");
    i = end;
  }
  out.append(text.substr(i));
  return out;
}

Status CheckTokenExpiry(const std::optional<Timestamp>& expires, Timestamp now) {
  if (!expires) return Status::Ok();
  if (*expires <= now) return InvalidArgument("the expiry is not in the future");
  if (expires->seconds - now.seconds > kMaxTokenLifetime.count()) {
    return InvalidArgument(
        "the expiry is more than 100 years ahead (a token that should not expire needs none)");
  }
  return Status::Ok();
}

Result<IssuedToken> CreateToken(store::Directory& directory, int64_t user_id,
                                std::optional<Timestamp> expires, const std::string& label) {
  TESSERA_RETURN_IF_ERROR(InitCrypto());
  const Timestamp now = Timestamp::Now();
  TESSERA_RETURN_IF_ERROR(CheckTokenExpiry(expires, now));
  TESSERA_ASSIGN_OR_RETURN(std::string key, LoadKey(directory));
  IssuedToken out;
  out.token = NewSecret(kPrefix, &out.record.id);
  out.record.user_id = user_id;
  out.record.hash = KeyedHash(out.token, key);
  sodium_memzero(key.data(), key.size());
  out.record.created = now;
  out.record.expires = expires;
  out.record.label = label;
  TESSERA_RETURN_IF_ERROR(directory.AddToken(out.record));
  return out;
}

Result<RoleChange> ChangeUserRole(store::Directory& directory, const store::User& user, Role to) {
  RoleChange out;
  if (RoleChangeRevokesTokens(user.role, to)) {
    TESSERA_ASSIGN_OR_RETURN(out.revoked, directory.RevokeUserTokens(user.id));
  }
  TESSERA_ASSIGN_OR_RETURN(out.user, directory.SetUserRole(user.id, to));
  return out;
}

// The token and, for Basic, the user name an Authorization header value carries.
struct Authenticator::Credentials {
  std::string token;
  std::optional<std::string> basic_user;
  std::string id;      // TokenId(token)
  std::string digest;  // Digest(token)
};

Result<Authenticator::Credentials> Authenticator::Parse(std::string_view header) {
  TESSERA_RETURN_IF_ERROR(InitCrypto());
  header = Trim(header, kBlanks);
  if (header.empty()) return Unauthenticated("authentication required");
  if (header.size() > kMaxAuthorizationBytes) {
    return Unauthenticated("the Authorization header is too long");
  }
  const size_t space = header.find(' ');
  if (space == std::string_view::npos) {
    return Unauthenticated("the Authorization header is not 'Basic ...' or 'Bearer ...'");
  }
  const std::string_view scheme = header.substr(0, space);
  const std::string_view credentials = Trim(header.substr(space + 1), kBlanks);

  Credentials out;
  if (EqualsIgnoreCase(scheme, "Bearer")) {
    out.token = std::string(credentials);
  } else if (EqualsIgnoreCase(scheme, "Basic")) {
    std::string decoded;
    if (!DecodeBase64(credentials, &decoded)) {
      sodium_memzero(decoded.data(), decoded.size());
      return Unauthenticated("HTTP Basic credentials are not base64");
    }
    const size_t colon = decoded.find(':');
    if (colon == std::string::npos) {
      return Unauthenticated("HTTP Basic credentials are not user:token");
    }
    out.basic_user = decoded.substr(0, colon);
    out.token = decoded.substr(colon + 1);
    sodium_memzero(decoded.data(), decoded.size());
  } else {
    return Unauthenticated("unsupported authentication scheme (use Basic or Bearer)");
  }
  auto id = TokenId(out.token);
  if (!id.ok()) return Unauthenticated("invalid token");
  out.id = std::move(*id);
  out.digest = Digest(out.token);
  return out;
}

Result<Principal> Authenticator::Authenticate(std::string_view header, std::string_view client) {
  TESSERA_ASSIGN_OR_RETURN(int64_t generation, directory_.Generation());
  return Authenticate(header, client, generation);
}

Result<Principal> Authenticator::Authenticate(std::string_view header, std::string_view client,
                                              int64_t directory_generation) {
  if (Trim(header, kBlanks).empty()) return Unauthenticated("authentication required");
  return AuthenticateCredentials(Parse(header), client, directory_generation);
}

Result<Principal> Authenticator::AuthenticateCredentials(const Result<Credentials>& creds,
                                                         std::string_view client,
                                                         int64_t directory_generation) {
  const std::string address = ClientAddress(client);
  const std::string token_id = creds.ok() ? creds->id : std::string();
  // A token under attack keeps working for whoever presents the secret this process has seen
  // before: only the id is public.
  bool remembered = false;
  if (creds.ok()) {
    std::shared_lock<std::shared_mutex> lock(cache_mu_);
    auto it = known_.find(creds->id);
    remembered = it != known_.end() && sodium_memcmp(it->second.digest.data(), creds->digest.data(),
                                                     creds->digest.size()) == 0;
  }
  if (Throttled(address, remembered ? std::string() : token_id)) {
    return LimitExceeded("too many failed authentications; retry in " +
                         std::to_string(limits_.window.count()) + " seconds");
  }
  std::string why;
  Result<Principal> out =
      creds.ok() ? Check(*creds, directory_generation, why) : Result<Principal>(creds.status());
  if (out.ok()) {
    NoteTokenUse(creds->id);
    return out;
  }
  if (out.status().code() != ErrorCode::kUnauthenticated) return out;  // the store failed
  if (why.empty()) why = out.status().message();
  CountFailure(address, token_id);
  spdlog::info("authentication refused from {}{}{}: {}", EscapeForDisplay(address),
               token_id.empty() ? "" : " for token ", token_id, EscapeForDisplay(why));
  return Unauthenticated(std::string(kInvalidCredentials));
}

Authenticator::~Authenticator() {
  {
    std::lock_guard<std::mutex> lock(use_mu_);
    use_stopping_ = true;
  }
  use_cv_.notify_all();
  if (use_writer_.joinable()) use_writer_.join();
  FlushTokenUses();
}

void Authenticator::NoteTokenUse(const std::string& token_id) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(use_mu_);
  auto it = use_noted_.find(token_id);
  if (it != use_noted_.end() && now - it->second < kTokenUseInterval) return;
  if (use_noted_.size() >= kMaxCachedTokens && it == use_noted_.end()) use_noted_.clear();
  use_noted_[token_id] = now;
  use_pending_[token_id] = Timestamp::Now();
  if (use_stopping_) return;  // the destructor's flush writes it
  if (!use_writer_.joinable()) use_writer_ = std::thread([this] { WriteTokenUses(); });
  use_cv_.notify_one();
}

void Authenticator::WriteTokenUses() {
  std::unique_lock<std::mutex> lock(use_mu_);
  while (true) {
    use_cv_.wait(lock, [this] { return use_stopping_ || !use_pending_.empty(); });
    if (use_stopping_) return;
    std::unordered_map<std::string, Timestamp> batch;
    batch.swap(use_pending_);
    use_writing_ = true;
    lock.unlock();
    for (const auto& [id, when] : batch) {
      if (Status st = directory_.RecordTokenUse(id, when); !st.ok()) {
        spdlog::warn("recording the use of token {}: {}", id, st.ToString());
      }
    }
    lock.lock();
    use_writing_ = false;
    use_cv_.notify_all();
  }
}

void Authenticator::FlushTokenUses() {
  std::unordered_map<std::string, Timestamp> batch;
  {
    // A batch the writer thread took is written before this returns.
    std::unique_lock<std::mutex> lock(use_mu_);
    use_cv_.wait(lock, [this] { return !use_writing_; });
    batch.swap(use_pending_);
  }
  for (const auto& [id, when] : batch) {
    if (Status st = directory_.RecordTokenUse(id, when); !st.ok()) {
      spdlog::warn("recording the use of token {}: {}", id, st.ToString());
    }
  }
}

bool Authenticator::Remembers(std::string_view header) const {
  auto creds = Parse(header);
  if (!creds.ok()) return false;
  std::shared_lock<std::shared_mutex> lock(cache_mu_);
  auto it = known_.find(creds->id);
  return it != known_.end() &&
         sodium_memcmp(it->second.digest.data(), creds->digest.data(), creds->digest.size()) == 0;
}

Result<Principal> Authenticator::Check(const Credentials& creds, int64_t generation,
                                       std::string& why) {
  // Checked on every request: expiry against the clock, the rest against the directory as of
  // `generation`, so that revocation, a disabled user or a new role take effect at once.
  auto check = [&](const Principal& p, const std::optional<Timestamp>& expires) -> Status {
    if (expires && *expires <= Timestamp::Now()) {
      why = "the token has expired";
      return Unauthenticated(why);
    }
    if (creds.basic_user && *creds.basic_user != p.user) {
      why = "the token belongs to user '" + p.user + "', not to '" + *creds.basic_user + "'";
      return Unauthenticated(why);
    }
    return Status::Ok();
  };
  {
    std::shared_lock<std::shared_mutex> lock(cache_mu_);
    auto it = known_.find(creds.id);
    if (it != known_.end() && it->second.generation == generation &&
        sodium_memcmp(it->second.digest.data(), creds.digest.data(), creds.digest.size()) == 0) {
      Principal p = it->second.principal;
      const std::optional<Timestamp> expires = it->second.expires;
      lock.unlock();
      TESSERA_RETURN_IF_ERROR(check(p, expires));
      return p;
    }
  }

  auto owner = directory_.LookupToken(creds.id);
  if (!owner.ok()) {
    if (owner.status().code() == ErrorCode::kNotFound) {
      why = "no such token";
      return Unauthenticated(why);
    }
    return owner.status();
  }
  // The secret first: whatever else is wrong with the token is told (in the log) only to someone
  // who holds it.
  TESSERA_ASSIGN_OR_RETURN(bool matches, Verify(creds, owner->token.hash));
  if (!matches) {
    why = "wrong secret";
    return Unauthenticated(why);
  }
  if (owner->token.revoked) {
    why = "the token has been revoked";
    return Unauthenticated(why);
  }
  if (owner->user.disabled) {
    why = "user '" + owner->user.name + "' is disabled";
    return Unauthenticated(why);
  }
  if (owner->org.disabled) {
    why = "organization '" + owner->org.name + "' of user '" + owner->user.name + "' is disabled";
    return Unauthenticated(why);
  }

  const std::optional<Timestamp> expires = owner->token.expires;
  Principal p = PrincipalOf(std::move(*owner));
  TESSERA_RETURN_IF_ERROR(check(p, expires));
  {
    std::unique_lock<std::shared_mutex> lock(cache_mu_);
    if (known_.size() >= kMaxCachedTokens && known_.count(creds.id) == 0) known_.clear();
    known_[creds.id] = Known{creds.digest, generation, p, expires};
  }
  return p;
}

Result<std::string> Authenticator::Key() {
  std::lock_guard<std::mutex> lock(key_mu_);
  if (key_.empty()) {
    TESSERA_ASSIGN_OR_RETURN(key_, LoadKey(directory_));
  }
  return key_;
}

Result<bool> Authenticator::Verify(const Credentials& creds, const std::string& hash) {
  if (hash.starts_with(kKeyedPrefix)) {
    TESSERA_ASSIGN_OR_RETURN(std::string key, Key());
    const std::string expected = KeyedHash(creds.token, key);
    sodium_memzero(key.data(), key.size());
    return expected.size() == hash.size() &&
           sodium_memcmp(expected.data(), hash.data(), hash.size()) == 0;
  }
  if (!hash.starts_with(kArgon2idPrefix)) return false;
  // A token made before keyed hashes: Argon2id once, bounded in concurrency, then rewritten.
  {
    std::unique_lock<std::mutex> lock(hash_mu_);
    hash_cv_.wait(lock, [this] { return hashing_ < kMaxConcurrentLegacyHashes; });
    ++hashing_;
  }
  const bool ok =
      crypto_pwhash_str_verify(hash.c_str(), creds.token.data(), creds.token.size()) == 0;
  {
    std::lock_guard<std::mutex> lock(hash_mu_);
    --hashing_;
  }
  hash_cv_.notify_one();
  if (ok) {
    TESSERA_ASSIGN_OR_RETURN(std::string key, Key());
    Status st = directory_.SetTokenHash(creds.id, KeyedHash(creds.token, key));
    sodium_memzero(key.data(), key.size());
    // Not fatal: the token stays valid under its Argon2id hash and is rewritten on a later use.
    if (!st.ok()) spdlog::warn("rewriting the hash of token {}: {}", creds.id, st.ToString());
  }
  return ok;
}

bool Authenticator::Throttled(const std::string& client, const std::string& token_id) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(failures_mu_);
  auto over = [&](const std::unordered_map<std::string, Failures>& map, const std::string& key,
                  int max) {
    auto it = map.find(key);
    return it != map.end() && now - it->second.since < limits_.window && it->second.count >= max;
  };
  return over(client_failures_, client, limits_.max_failures_per_client) ||
         (!token_id.empty() && over(token_failures_, token_id, limits_.max_failures_per_token));
}

void Authenticator::CountFailure(const std::string& client, const std::string& token_id) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(failures_mu_);
  auto count = [&](std::unordered_map<std::string, Failures>& map, const std::string& key) {
    if (map.size() >= kMaxFailureEntries && map.count(key) == 0) {
      // Bounded memory: forget the windows that are over; if every entry is current, this key
      // goes uncounted here (the other map still counts it).
      std::erase_if(map, [&](const auto& e) { return now - e.second.since >= limits_.window; });
      if (map.size() >= kMaxFailureEntries) return;
    }
    Failures& f = map[key];
    if (f.count == 0 || now - f.since >= limits_.window) {
      f.since = now;
      f.count = 0;
    }
    ++f.count;
  };
  count(client_failures_, client);
  if (!token_id.empty()) count(token_failures_, token_id);
}

void Authenticator::ClearCache() {
  {
    std::unique_lock<std::shared_mutex> lock(cache_mu_);
    known_.clear();
  }
  std::lock_guard<std::mutex> lock(failures_mu_);
  client_failures_.clear();
  token_failures_.clear();
}

// ---- browser sessions -----------------------------------------------------------------------

Result<Principal> Authenticator::Authenticate(const Presented& presented, std::string_view client) {
  TESSERA_ASSIGN_OR_RETURN(int64_t generation, directory_.Generation());
  return Authenticate(presented, client, generation);
}

Result<Principal> Authenticator::Authenticate(const Presented& presented, std::string_view client,
                                              int64_t directory_generation) {
  if (!Trim(presented.authorization, kBlanks).empty() || presented.session_cookie.empty()) {
    return Authenticate(presented.authorization, client, directory_generation);
  }
  return AuthenticateSession(presented, client, directory_generation);
}

Result<Principal> Authenticator::AuthenticateSession(const Presented& presented,
                                                     std::string_view client, int64_t generation) {
  TESSERA_RETURN_IF_ERROR(InitCrypto());
  const std::string address = ClientAddress(client);
  // Guessing session secrets counts against the client as guessing tokens does; there is no
  // token id to count against.
  if (Throttled(address, std::string())) {
    return LimitExceeded("too many failed authentications; retry in " +
                         std::to_string(limits_.window.count()) + " seconds");
  }
  auto refuse = [&](std::string_view why) -> Status {
    CountFailure(address, std::string());
    spdlog::info("session refused from {}: {}", EscapeForDisplay(address), why);
    return Unauthenticated(std::string(kInvalidCredentials));
  };
  const std::optional<std::string_view> id = SecretId(kSessionPrefix, presented.session_cookie);
  if (!id) return refuse("not a session cookie");
  const std::string key(*id);
  const std::string digest = Digest(presented.session_cookie);

  std::string token_id;
  int64_t user_id = 0;
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    auto it = sessions_.find(key);
    if (it == sessions_.end() ||
        sodium_memcmp(it->second.digest.data(), digest.data(), digest.size()) != 0) {
      return refuse("no such session (ended, expired or never made)");
    }
    Session& s = it->second;
    if (s.expires <= Timestamp::Now()) {
      sessions_.erase(it);
      return refuse("the session has expired");
    }
    if (presented.changes_state) {
      const std::string csrf = Digest(presented.csrf_token);
      if (presented.csrf_token.empty() ||
          sodium_memcmp(s.csrf_digest.data(), csrf.data(), csrf.size()) != 0) {
        return PermissionDenied(
            "a request that changes something, authenticated by the session cookie, needs the "
            "session's CSRF token in the " +
            std::string(kCsrfHeader) + " header");
      }
    }
    if (s.generation == generation) {
      NoteTokenUse(s.token_id);
      return s.principal;
    }
    token_id = s.token_id;
    user_id = s.user_id;
  }

  // The directory changed since the session was last used: read its token again, outside the
  // lock (a store read), so that revocation, a disabled user or a new role count at once.
  std::string why;
  auto owner = directory_.LookupToken(token_id);
  if (!owner.ok() && owner.status().code() != ErrorCode::kNotFound) return owner.status();
  if (!owner.ok()) {
    why = "its token no longer exists";
  } else if (owner->token.revoked) {
    why = "its token has been revoked";
  } else if (owner->user.disabled) {
    why = "user '" + owner->user.name + "' is disabled";
  } else if (owner->org.disabled) {
    why = "organization '" + owner->org.name + "' is disabled";
  } else if (owner->user.id != user_id) {
    why = "its token now belongs to another user";
  } else if (owner->token.expires && *owner->token.expires <= Timestamp::Now()) {
    why = "its token has expired";
  }
  std::lock_guard<std::mutex> lock(sessions_mu_);
  auto it = sessions_.find(key);
  if (!why.empty()) {
    if (it != sessions_.end() && it->second.token_id == token_id) sessions_.erase(it);
    return refuse(why);
  }
  if (it == sessions_.end()) return refuse("the session ended meanwhile");
  Principal p = PrincipalOf(std::move(*owner));
  it->second.principal = p;
  it->second.generation = generation;
  NoteTokenUse(token_id);
  return p;
}

Result<IssuedSession> Authenticator::StartSession(std::string_view user, std::string_view token,
                                                  std::string_view client) {
  TESSERA_RETURN_IF_ERROR(InitCrypto());
  TESSERA_ASSIGN_OR_RETURN(int64_t generation, directory_.Generation());
  // Exactly the Basic rules: the token must be valid and belong to `user`.
  Result<Credentials> creds = Unauthenticated("invalid token");
  if (auto id = TokenId(token); id.ok()) {
    Credentials c;
    c.token = std::string(token);
    c.basic_user = std::string(user);
    c.id = std::move(*id);
    c.digest = Digest(token);
    creds = std::move(c);
  }
  TESSERA_ASSIGN_OR_RETURN(Principal principal, AuthenticateCredentials(creds, client, generation));
  // The token's expiry bounds the session's: read where Check left it.
  std::optional<Timestamp> token_expires;
  {
    std::shared_lock<std::shared_mutex> lock(cache_mu_);
    auto it = known_.find(creds->id);
    if (it != known_.end()) token_expires = it->second.expires;
  }

  IssuedSession out;
  std::string id;
  out.cookie = NewSecret(kSessionPrefix, &id);
  out.csrf_token = RandomSecret();
  const Timestamp now = Timestamp::Now();
  out.expires = Timestamp{now.seconds + limits_.session_lifetime.count(), now.nanos};
  if (token_expires && *token_expires < out.expires) out.expires = *token_expires;
  out.principal = principal;

  Session s;
  s.digest = Digest(out.cookie);
  s.csrf_digest = Digest(out.csrf_token);
  s.token_id = creds->id;
  s.user_id = principal.user_id;
  s.started = now;
  s.expires = out.expires;
  s.generation = generation;
  s.principal = std::move(principal);

  std::lock_guard<std::mutex> lock(sessions_mu_);
  // The user's oldest sessions give way to the new one.
  std::vector<std::unordered_map<std::string, Session>::iterator> mine;
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (it->second.user_id == s.user_id) mine.push_back(it);
  }
  if (mine.size() >= limits_.max_sessions_per_user) {
    std::sort(mine.begin(), mine.end(),
              [](const auto& a, const auto& b) { return a->second.started < b->second.started; });
    const size_t drop = mine.size() + 1 - limits_.max_sessions_per_user;
    for (size_t i = 0; i < drop && i < mine.size(); ++i) sessions_.erase(mine[i]);
  }
  if (sessions_.size() >= limits_.max_sessions) {
    std::erase_if(sessions_, [&](const auto& e) { return e.second.expires <= now; });
    if (sessions_.size() >= limits_.max_sessions) {
      return LimitExceeded("too many sessions are open on this hub; retry later");
    }
  }
  sessions_.emplace(std::move(id), std::move(s));
  return out;
}

bool Authenticator::EndSession(std::string_view session_cookie) {
  const std::optional<std::string_view> id = SecretId(kSessionPrefix, session_cookie);
  if (!id || !InitCrypto().ok()) return false;
  const std::string digest = Digest(session_cookie);
  std::lock_guard<std::mutex> lock(sessions_mu_);
  auto it = sessions_.find(std::string(*id));
  if (it == sessions_.end() ||
      sodium_memcmp(it->second.digest.data(), digest.data(), digest.size()) != 0) {
    return false;
  }
  sessions_.erase(it);
  return true;
}

size_t Authenticator::SessionCount() const {
  std::lock_guard<std::mutex> lock(sessions_mu_);
  return sessions_.size();
}

}  // namespace tessera::policy
