#include "policy/tokens.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace tessera::policy {
namespace {

constexpr std::string_view kPrefix = "tsr_";
constexpr size_t kIdChars = 16;
constexpr size_t kSecretBytes = 32;
constexpr size_t kSecretChars = 43;  // base64url of 32 bytes, no padding
constexpr size_t kTokenChars = kPrefix.size() + kIdChars + 1 + kSecretChars;
constexpr int kMaxConcurrentHashes = 2;
constexpr size_t kMaxCachedTokens = 100'000;

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

std::string Digest(std::string_view token) {
  std::array<unsigned char, crypto_generichash_BYTES> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(out.data()), out.size());
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Status InitCrypto() {
  static const int rc = sodium_init();  // thread-safe static initialization: runs once
  if (rc < 0) return Internal("libsodium could not initialize (no random source?)");
  return Status::Ok();
}

HashCost InteractiveHashCost() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

HashCost MinimalHashCost() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

Result<std::string> TokenId(std::string_view token) {
  if (token.size() != kTokenChars || !token.starts_with(kPrefix) ||
      token[kPrefix.size() + kIdChars] != '_') {
    return InvalidArgument("not a Tessera token (tsr_<16 hex>_<43 base64url>)");
  }
  const std::string_view id = token.substr(kPrefix.size(), kIdChars);
  const std::string_view secret = token.substr(kPrefix.size() + kIdChars + 1);
  if (!IsLowerHex(id) || !IsBase64Url(secret)) {
    return InvalidArgument("not a Tessera token (tsr_<16 hex>_<43 base64url>)");
  }
  return std::string(id);
}

Result<IssuedToken> CreateToken(store::Directory& directory, int64_t user_id,
                                std::optional<Timestamp> expires, const std::string& label,
                                HashCost cost) {
  TESSERA_RETURN_IF_ERROR(InitCrypto());
  std::array<unsigned char, kIdChars / 2> id_bytes{};
  std::array<unsigned char, kSecretBytes> secret{};
  randombytes_buf(id_bytes.data(), id_bytes.size());
  randombytes_buf(secret.data(), secret.size());
  std::array<char, kIdChars + 1> id_hex{};
  sodium_bin2hex(id_hex.data(), id_hex.size(), id_bytes.data(), id_bytes.size());
  std::array<char,
             sodium_base64_ENCODED_LEN(kSecretBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)>
      secret_b64{};
  sodium_bin2base64(secret_b64.data(), secret_b64.size(), secret.data(), secret.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(secret.data(), secret.size());

  IssuedToken out;
  out.token = std::string(kPrefix) + id_hex.data() + "_" + secret_b64.data();
  sodium_memzero(secret_b64.data(), secret_b64.size());

  std::array<char, crypto_pwhash_STRBYTES> hash{};
  if (crypto_pwhash_str_alg(hash.data(), out.token.data(), out.token.size(), cost.ops,
                            cost.mem_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Internal("hashing a token failed (out of memory?)");
  }
  out.record.id = id_hex.data();
  out.record.user_id = user_id;
  out.record.hash = hash.data();
  out.record.created = Timestamp::Now();
  out.record.expires = expires;
  out.record.label = label;
  TESSERA_RETURN_IF_ERROR(directory.AddToken(out.record));
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
  header = Trim(header);
  if (header.empty()) return Unauthenticated("authentication required");
  if (header.size() > kMaxAuthorizationBytes) {
    return Unauthenticated("the Authorization header is too long");
  }
  const size_t space = header.find(' ');
  if (space == std::string_view::npos) {
    return Unauthenticated("the Authorization header is not 'Basic ...' or 'Bearer ...'");
  }
  const std::string_view scheme = header.substr(0, space);
  const std::string_view credentials = Trim(header.substr(space + 1));

  Credentials out;
  if (EqualsIgnoreCase(scheme, "Bearer")) {
    out.token = std::string(credentials);
  } else if (EqualsIgnoreCase(scheme, "Basic")) {
    std::string decoded(credentials.size(), '\0');
    size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                          credentials.data(), credentials.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
      return Unauthenticated("HTTP Basic credentials are not base64");
    }
    decoded.resize(len);
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

Result<Principal> Authenticator::Authenticate(std::string_view header) {
  TESSERA_ASSIGN_OR_RETURN(Credentials creds, Parse(header));
  TESSERA_ASSIGN_OR_RETURN(int64_t generation, directory_.Generation());
  return Authenticate(creds, generation);
}

Result<Principal> Authenticator::Authenticate(std::string_view header,
                                              int64_t directory_generation) {
  TESSERA_ASSIGN_OR_RETURN(Credentials creds, Parse(header));
  return Authenticate(creds, directory_generation);
}

bool Authenticator::Remembers(std::string_view header) const {
  auto creds = Parse(header);
  if (!creds.ok()) return false;
  std::shared_lock<std::shared_mutex> lock(cache_mu_);
  auto it = known_.find(creds->id);
  return it != known_.end() &&
         sodium_memcmp(it->second.digest.data(), creds->digest.data(), creds->digest.size()) == 0;
}

Result<Principal> Authenticator::Authenticate(const Credentials& creds, int64_t generation) {
  // Checked on every request: expiry against the clock, the rest against the directory as of
  // `generation`, so that revocation, a disabled user or a new role take effect at once.
  auto check = [&](const Principal& p, const std::optional<Timestamp>& expires) -> Status {
    if (expires && *expires <= Timestamp::Now()) return Unauthenticated("the token has expired");
    if (creds.basic_user && *creds.basic_user != p.user) {
      return Unauthenticated("the token does not belong to user '" + *creds.basic_user + "'");
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
    if (owner.status().code() == ErrorCode::kNotFound) return Unauthenticated("invalid token");
    return owner.status();
  }
  // Before the hash, so that a revoked token costs no Argon2id.
  if (owner->token.revoked) return Unauthenticated("the token has been revoked");
  if (owner->user.disabled) return Unauthenticated("the user is disabled");
  const std::optional<Role> role = ParseRole(owner->user.role);
  if (!role) return Corrupt("user " + owner->user.name + " has an unknown role");

  Principal p;
  p.user_id = owner->user.id;
  p.user = owner->user.name;
  p.org_id = owner->org.id;
  p.org_identity = owner->org.identity_id;
  p.role = *role;
  p.groups = std::move(owner->groups);
  TESSERA_RETURN_IF_ERROR(check(p, owner->token.expires));
  if (!Verify(creds, owner->token.hash)) return Unauthenticated("invalid token");
  {
    std::unique_lock<std::shared_mutex> lock(cache_mu_);
    if (known_.size() >= kMaxCachedTokens && known_.count(creds.id) == 0) known_.clear();
    known_[creds.id] = Known{creds.digest, generation, p, owner->token.expires};
  }
  return p;
}

bool Authenticator::Verify(const Credentials& creds, const std::string& hash) {
  {
    std::shared_lock<std::shared_mutex> lock(cache_mu_);
    auto it = known_.find(creds.id);
    if (it != known_.end()) {
      // A remembered digest that differs means a wrong secret for a known id: fall through to
      // Argon2id, which will refuse it (the cache never says no on its own).
      if (sodium_memcmp(it->second.digest.data(), creds.digest.data(), creds.digest.size()) == 0) {
        return true;
      }
    }
  }
  {
    std::unique_lock<std::mutex> lock(hash_mu_);
    hash_cv_.wait(lock, [this] { return hashing_ < kMaxConcurrentHashes; });
    ++hashing_;
  }
  const bool ok =
      crypto_pwhash_str_verify(hash.c_str(), creds.token.data(), creds.token.size()) == 0;
  {
    std::lock_guard<std::mutex> lock(hash_mu_);
    --hashing_;
  }
  hash_cv_.notify_one();
  return ok;
}

void Authenticator::ClearCache() {
  std::unique_lock<std::shared_mutex> lock(cache_mu_);
  known_.clear();
}

}  // namespace tessera::policy
