// API tokens: format, keyed hashing (and the Argon2id hashes of older hubs), expiry bounds,
// authentication by HTTP Basic and Bearer with revocation, expiry and disabled users taking
// effect at once, one answer for every refusal, failure bounds, the verification cache, and the
// revocation a promotion implies; browser sessions (sign-in, cookie, CSRF token, sign-out, their
// end with their token or user, their bounds).

#include "policy/tokens.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "store/store.h"

namespace tessera::policy {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string Basic(const std::string& user, const std::string& token) {
  const std::string plain = user + ":" + token;
  std::string out(sodium_base64_ENCODED_LEN(plain.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(plain.data()),
                    plain.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return "Basic " + out;
}

class TokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tessera-token-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    auto s = store::OpenStore(root_ + "/data", store::OpenMode::kCreateIfMissing);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    org_ = *store_->directory().CreateOrganization("ACME");
    user_ = *store_->directory().CreateUser("alice", org_.id, store::Role::kAnalyst);
    auto g = store_->directory().CreateGroup("g", "");
    ASSERT_TRUE(store_->directory().AddGroupMember(g->id, org_.id).ok());
    group_ = g->id;
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(root_);
  }

  IssuedToken Issue(std::optional<Timestamp> expires = std::nullopt) {
    auto t = CreateToken(store_->directory(), user_.id, expires, "test");
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : IssuedToken{};
  }

  void RawExec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((fs::path(root_) / "data" / store::kStoreFileName).c_str(), &db),
              SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }

  std::string root_;
  std::unique_ptr<store::Store> store_;
  store::Organization org_;
  store::User user_;
  int64_t group_ = 0;
};

TEST_F(TokenTest, TokenHasTheDocumentedFormAndOnlyItsKeyedHashIsStored) {
  const IssuedToken t = Issue();
  ASSERT_EQ(t.token.size(), 4u + 16 + 1 + 43) << t.token;
  EXPECT_TRUE(t.token.starts_with("tsr_")) << t.token;
  EXPECT_EQ(t.token[20], '_') << t.token;
  EXPECT_EQ(t.token.substr(4, 16).find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(t.token.substr(21).find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos)
      << t.token;
  EXPECT_EQ(*TokenId(t.token), t.record.id);
  auto stored = store_->directory().GetToken(t.record.id);
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored->hash.starts_with("$tsr-b2k$")) << stored->hash;
  EXPECT_EQ(stored->hash.size(), 9u + 64);
  EXPECT_EQ(stored->hash.find(t.token.substr(21)), std::string::npos);
  // Keyed with the hub's key: not the plain BLAKE2b of the token, and recomputable with the key.
  auto key_hex = store_->directory().GetSetting(kSettingTokenKey);
  ASSERT_TRUE(key_hex.ok());
  ASSERT_EQ(key_hex->size(), 64u);
  unsigned char key[32], out[32];
  ASSERT_EQ(
      sodium_hex2bin(key, sizeof key, key_hex->data(), key_hex->size(), nullptr, nullptr, nullptr),
      0);
  char hex[65];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(t.token.data()),
                     t.token.size(), nullptr, 0);
  EXPECT_NE(stored->hash.substr(9), sodium_bin2hex(hex, sizeof hex, out, sizeof out));
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(t.token.data()),
                     t.token.size(), key, sizeof key);
  EXPECT_EQ(stored->hash.substr(9), sodium_bin2hex(hex, sizeof hex, out, sizeof out));
  // One key per hub: a second token uses the same one.
  EXPECT_NE(Issue().token, t.token);
  EXPECT_EQ(*store_->directory().GetSetting(kSettingTokenKey), *key_hex);
  EXPECT_EQ(CreateToken(store_->directory(), user_.id + 100, std::nullopt, "").status().code(),
            ErrorCode::kNotFound);
}

TEST(RedactTokens, CutsEverySecretAndKeepsTheId) {
  const std::string a = "tsr_0123456789abcdef_oyWJYSGR3O_DC9Rb8lLIvJd13KO2N8LnvvGFMp8M7qY";
  EXPECT_EQ(RedactTokens("token rotate " + a + " --data /d"),
            "token rotate tsr_0123456789abcdef_… --data /d");
  EXPECT_EQ(RedactTokens("/api/v1/tokens/" + a), "/api/v1/tokens/tsr_0123456789abcdef_…");
  EXPECT_EQ(RedactTokens(a + "," + a), "tsr_0123456789abcdef_…,tsr_0123456789abcdef_…");
  EXPECT_EQ(RedactTokens("tsr_0123456789abcdef_x"), "tsr_0123456789abcdef_…");  // malformed secret
  // Nothing else changes: a token id alone, a short id, other text.
  for (const char* kept :
       {"0123456789abcdef", "tsr_0123_abc", "tsr_", "tsr_0123456789abcdeF_x", "user:alice", ""}) {
    EXPECT_EQ(RedactTokens(kept), kept);
  }
}

TEST_F(TokenTest, ExpiryIsBoundedTheSameWayAsADuration) {
  const Timestamp now = Timestamp::Now();
  const int64_t year = 366LL * 24 * 3600;
  // #15.23: an absolute expiry in year 9999 was accepted while a duration stopped at 100 years.
  auto far = ParseTimestamp("9999-12-31T00:00:00Z");
  ASSERT_TRUE(far.ok());
  auto refused = CreateToken(store_->directory(), user_.id, *far, "");
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("100 years"));
  EXPECT_EQ(CreateToken(store_->directory(), user_.id, Timestamp{now.seconds + 101 * year, 0}, "")
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      CreateToken(store_->directory(), user_.id, Timestamp{now.seconds - 1, 0}, "").status().code(),
      ErrorCode::kInvalidArgument);
  EXPECT_TRUE(
      CreateToken(store_->directory(), user_.id, Timestamp{now.seconds + 99 * year, 0}, "").ok());
  EXPECT_TRUE(CheckTokenExpiry(std::nullopt, now).ok());
  EXPECT_TRUE(
      CheckTokenExpiry(Timestamp{now.seconds + kMaxTokenLifetime.count(), now.nanos}, now).ok());
}

TEST_F(TokenTest, LabelsThatWouldForgeOrHideTextAreRefused) {
  for (const std::string label : {"ci\nabcdef0123456789  alice  admin", "x\xe2\x80\xae", "tab\tx",
                                  "bad\xff", "zw\xe2\x80\x8b"}) {
    auto t = CreateToken(store_->directory(), user_.id, std::nullopt, label);
    EXPECT_EQ(t.status().code(), ErrorCode::kInvalidArgument) << label;
  }
  EXPECT_TRUE(
      CreateToken(store_->directory(), user_.id, std::nullopt, "CI pipeline (Zürich)").ok());
}

TEST_F(TokenTest, BearerAndBasicAuthenticate) {
  const IssuedToken t = Issue();
  Authenticator auth(store_->directory());
  for (const std::string& header :
       {"Bearer " + t.token, "bearer   " + t.token, Basic("alice", t.token)}) {
    auto p = auth.Authenticate(header, "127.0.0.1:4000");
    ASSERT_TRUE(p.ok()) << header << ": " << p.status().ToString();
    EXPECT_EQ(p->user, "alice");
    EXPECT_EQ(p->user_id, user_.id);
    EXPECT_EQ(p->org_id, org_.id);
    EXPECT_EQ(p->org_identity, org_.identity_id);
    EXPECT_EQ(p->role, Role::kAnalyst);
    EXPECT_EQ(p->groups, std::vector<int64_t>{group_});
  }
}

// #15.17: whatever is wrong, a caller who does not hold the secret learns nothing of the token,
// its owner or its state.
TEST_F(TokenTest, EveryRefusalGetsTheSameAnswer) {
  const IssuedToken t = Issue();
  const IssuedToken revoked = Issue();
  const IssuedToken expired = Issue(Timestamp::FromMicros(Timestamp::Now().ToMicros() + 300'000));
  ASSERT_TRUE(store_->directory().RevokeToken(revoked.record.id).ok());
  auto bob = store_->directory().CreateUser("bob", org_.id, store::Role::kAnalyst);
  ASSERT_TRUE(bob.ok());
  auto bobs = CreateToken(store_->directory(), bob->id, std::nullopt, "");
  ASSERT_TRUE(bobs.ok());
  ASSERT_TRUE(store_->directory().SetUserDisabled(bob->id, true).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(400));

  Authenticator auth(store_->directory());
  ASSERT_TRUE(auth.Authenticate("Bearer " + t.token, "").ok());
  std::string wrong_secret = t.token;
  wrong_secret.back() = wrong_secret.back() == 'A' ? 'B' : 'A';
  const std::string unknown_id = "tsr_0000000000000000" + t.token.substr(20);
  for (const std::string& header :
       {std::string("Bearer"), "Bearer " + wrong_secret, "Bearer " + unknown_id,
        std::string("Bearer tsr_short"), Basic("bob", t.token), Basic("alice", wrong_secret),
        std::string("Basic not*base64"), Basic("alice", ""), "Digest " + t.token,
        "Bearer " + t.token + std::string(kMaxAuthorizationBytes, 'x'), "Bearer " + revoked.token,
        "Bearer " + expired.token, "Bearer " + bobs->token, Basic("alice", bobs->token)}) {
    auto p = auth.Authenticate(header, "");
    EXPECT_EQ(p.status().code(), ErrorCode::kUnauthenticated) << "'" << header.substr(0, 80) << "'";
    EXPECT_EQ(p.status().message(), kInvalidCredentials) << "'" << header.substr(0, 80) << "'";
  }
  EXPECT_EQ(auth.Authenticate("", "").status().message(), "authentication required");
}

TEST_F(TokenTest, RevocationExpiryAndDisablingTakeEffectAtOnce) {
  const IssuedToken t = Issue();
  const IssuedToken other = Issue();
  Authenticator auth(store_->directory());
  ASSERT_TRUE(auth.Authenticate("Bearer " + t.token, "").ok());  // now cached
  ASSERT_TRUE(store_->directory().RevokeToken(t.record.id).ok());
  EXPECT_EQ(auth.Authenticate("Bearer " + t.token, "").status().code(),
            ErrorCode::kUnauthenticated);

  ASSERT_TRUE(auth.Authenticate("Bearer " + other.token, "").ok());
  ASSERT_TRUE(store_->directory().SetUserDisabled(user_.id, true).ok());
  EXPECT_EQ(auth.Authenticate("Bearer " + other.token, "").status().code(),
            ErrorCode::kUnauthenticated);
  ASSERT_TRUE(store_->directory().SetUserDisabled(user_.id, false).ok());
  EXPECT_TRUE(auth.Authenticate("Bearer " + other.token, "").ok());

  const IssuedToken soon = Issue(Timestamp::FromMicros(Timestamp::Now().ToMicros() + 200'000));
  ASSERT_TRUE(auth.Authenticate("Bearer " + soon.token, "").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(auth.Authenticate("Bearer " + soon.token, "").status().code(),
            ErrorCode::kUnauthenticated);
  const IssuedToken future =
      Issue(Timestamp::FromMicros(Timestamp::Now().ToMicros() + 3'600'000'000));
  EXPECT_TRUE(auth.Authenticate("Bearer " + future.token, "").ok());
}

TEST_F(TokenTest, SuccessfulVerificationIsRememberedAndOnlyForTheSameToken) {
  const IssuedToken t = Issue();
  Authenticator auth(store_->directory());
  auto generation = store_->directory().Generation();
  ASSERT_TRUE(generation.ok());
  ASSERT_TRUE(auth.Authenticate("Bearer " + t.token, "", *generation).ok());
  EXPECT_TRUE(auth.Remembers("Bearer " + t.token));
  // Break the stored hash: as of the generation it was read at, only the cache can still accept
  // the token; the directory has changed since, so at the current generation the row is read
  // again and refuses it.
  RawExec("UPDATE tokens SET hash = '$tsr-b2k$broken' WHERE id = '" + t.record.id + "'");
  EXPECT_TRUE(auth.Authenticate("Bearer " + t.token, "", *generation).ok())
      << "the row was read again";
  std::string wrong = t.token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(auth.Remembers("Bearer " + wrong));
  EXPECT_EQ(auth.Authenticate("Bearer " + wrong, "", *generation).status().code(),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(auth.Authenticate("Bearer " + t.token, "").status().code(),
            ErrorCode::kUnauthenticated);
  Authenticator fresh(store_->directory());
  EXPECT_EQ(fresh.Authenticate("Bearer " + t.token, "", *generation).status().code(),
            ErrorCode::kUnauthenticated);
}

// #15.12: a token id is public; wrong secrets for it must cost the hub next to nothing (they cost
// an Argon2id each: 40 clients slowed every other request from 7 ms to 5.7 s).
TEST_F(TokenTest, WrongSecretsForAKnownIdCostNoSlowHash) {
  const IssuedToken t = Issue();
  AuthLimits generous;
  generous.max_failures_per_client = 1'000'000;
  generous.max_failures_per_token = 1'000'000;
  Authenticator auth(store_->directory(), generous);
  std::string wrong = t.token;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 500; ++i) {
    wrong[21 + i % 43] = wrong[21 + i % 43] == 'A' ? 'B' : 'A';
    ASSERT_EQ(auth.Authenticate("Bearer " + wrong, "").status().code(),
              ErrorCode::kUnauthenticated);
  }
  // Interactive Argon2id is tens of milliseconds each: 500 would take well over 5 s.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(auth.Authenticate("Bearer " + t.token, "").ok());
}

// Tokens stored before keyed hashes (Argon2id) keep working and are rewritten on first use.
TEST_F(TokenTest, Argon2idHashesAreVerifiedOnceAndRewritten) {
  const IssuedToken t = Issue();
  char legacy[crypto_pwhash_STRBYTES];
  ASSERT_EQ(
      crypto_pwhash_str_alg(legacy, t.token.data(), t.token.size(), crypto_pwhash_OPSLIMIT_MIN,
                            crypto_pwhash_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13),
      0);
  RawExec("UPDATE tokens SET hash = '" + std::string(legacy) + "' WHERE id = '" + t.record.id +
          "'");
  std::string wrong = t.token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  {
    Authenticator auth(store_->directory());
    EXPECT_EQ(auth.Authenticate("Bearer " + wrong, "").status().code(),
              ErrorCode::kUnauthenticated);
    EXPECT_TRUE(store_->directory().GetToken(t.record.id)->hash.starts_with("$argon2id$"));
    ASSERT_TRUE(auth.Authenticate("Bearer " + t.token, "").ok());
  }
  EXPECT_TRUE(store_->directory().GetToken(t.record.id)->hash.starts_with("$tsr-b2k$"));
  Authenticator fresh(store_->directory());
  EXPECT_TRUE(fresh.Authenticate("Bearer " + t.token, "").ok());
  EXPECT_EQ(fresh.Authenticate("Bearer " + wrong, "").status().code(), ErrorCode::kUnauthenticated);
}

TEST_F(TokenTest, RepeatedFailuresAreRefusedWithoutWorkPerClientAndPerToken) {
  const IssuedToken t = Issue();
  const IssuedToken other = Issue();
  AuthLimits limits;
  limits.max_failures_per_client = 5;
  limits.max_failures_per_token = 3;
  limits.window = std::chrono::seconds(1);
  Authenticator auth(store_->directory(), limits);
  ASSERT_TRUE(auth.Authenticate("Bearer " + other.token, "10.0.0.9:1").ok());  // remembered
  std::string wrong = t.token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  std::string wrong_other = other.token;
  wrong_other.back() = wrong_other.back() == 'A' ? 'B' : 'A';

  // Per token: three wrong secrets for t's id from three clients, then t's id is refused for a
  // while, whoever presents it, with its right secret too (it was not remembered)...
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(
        auth.Authenticate("Bearer " + wrong, "10.0.1." + std::to_string(i) + ":5").status().code(),
        ErrorCode::kUnauthenticated);
  }
  EXPECT_EQ(auth.Authenticate("Bearer " + t.token, "10.0.2.1:5").status().code(),
            ErrorCode::kLimitExceeded);
  // ... while a token under attack that this process has seen keeps working for its holder.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(
        auth.Authenticate("Bearer " + wrong_other, "10.0.3." + std::to_string(i)).status().code(),
        ErrorCode::kUnauthenticated);
  }
  EXPECT_EQ(auth.Authenticate("Bearer " + wrong_other, "10.0.3.9").status().code(),
            ErrorCode::kLimitExceeded);
  EXPECT_TRUE(auth.Authenticate("Bearer " + other.token, "10.0.2.2:7").ok());

  // Per client: five failures from one address (any port), then nothing from it passes.
  for (int i = 0; i < 5; ++i) {
    const std::string junk = "tsr_" + std::string(15, '0') + std::to_string(i) + t.token.substr(20);
    EXPECT_EQ(
        auth.Authenticate("Bearer " + junk, "[::1]:" + std::to_string(1000 + i)).status().code(),
        ErrorCode::kUnauthenticated);
  }
  auto throttled = auth.Authenticate("Bearer " + other.token, "[::1]:2000");
  EXPECT_EQ(throttled.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(auth.RetryAfter(), std::chrono::seconds(1));
  EXPECT_TRUE(auth.Authenticate("Bearer " + other.token, "127.0.0.1:3").ok());

  // The window ends: both are let through again.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_TRUE(auth.Authenticate("Bearer " + t.token, "[::1]:2001").ok());
}

// #15.7: an org-admin mints an analyst's token; an admin promotes the analyst; the token must not
// carry the new role.
TEST_F(TokenTest, PromotionBeyondWhatAnOrgAdminManagesRevokesTheTokens) {
  const IssuedToken a = Issue();
  const IssuedToken b = Issue();
  Authenticator auth(store_->directory());
  ASSERT_TRUE(auth.Authenticate("Bearer " + a.token, "").ok());

  auto same = ChangeUserRole(store_->directory(), user_, Role::kReadOnly);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->revoked.empty());
  EXPECT_EQ(same->user.role, store::Role::kReadOnly);
  auto up = ChangeUserRole(store_->directory(), same->user, Role::kAdmin);
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_EQ(up->user.role, store::Role::kAdmin);
  EXPECT_EQ(up->revoked, (std::vector<std::string>{a.record.id, b.record.id}));
  EXPECT_EQ(auth.Authenticate("Bearer " + a.token, "").status().code(),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(auth.Authenticate("Bearer " + b.token, "").status().code(),
            ErrorCode::kUnauthenticated);
  // An admin's own token survives a demotion.
  const IssuedToken c = Issue();
  auto down = ChangeUserRole(store_->directory(), up->user, Role::kAnalyst);
  ASSERT_TRUE(down.ok());
  EXPECT_TRUE(down->revoked.empty());
  auto p = auth.Authenticate("Bearer " + c.token, "");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->role, Role::kAnalyst);
}

// ---- browser sessions -----------------------------------------------------------------------

Presented Cookie(const std::string& cookie, bool changes_state = false,
                 const std::string& csrf = "") {
  // The views point into the caller's strings, which outlive the call.
  return Presented{"", cookie, csrf, changes_state};
}

TEST_F(TokenTest, ASessionIsItsTokensPrincipalAndItsCookieAndCsrfAreNeverStoredPlain) {
  const IssuedToken t = Issue();
  Authenticator auth(store_->directory());
  auto s = auth.StartSession("alice", t.token, "127.0.0.1:4000");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_THAT(s->cookie, ::testing::StartsWith("tss_"));
  EXPECT_EQ(s->cookie.size(), 4u + 16 + 1 + 43);
  EXPECT_EQ(s->csrf_token.size(), 43u);
  EXPECT_EQ(s->principal.user, "alice");
  const int64_t lifetime = s->expires.seconds - Timestamp::Now().seconds;
  EXPECT_GT(lifetime, AuthLimits{}.session_lifetime.count() - 60);
  EXPECT_LE(lifetime, AuthLimits{}.session_lifetime.count());

  auto p = auth.Authenticate(Cookie(s->cookie), "127.0.0.1:4001");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->user_id, user_.id);
  EXPECT_EQ(p->org_id, org_.id);
  EXPECT_EQ(p->groups, std::vector<int64_t>{group_});
  // Nothing of the session reaches the store.
  const std::string db = (fs::path(root_) / "data" / store::kStoreFileName).string();
  for (const std::string& secret : {s->cookie, s->csrf_token}) {
    for (const std::string& file : {db, db + "-wal"}) {
      if (!fs::exists(file)) continue;
      std::ifstream in(file, std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), {});
      EXPECT_EQ(bytes.find(secret.substr(20)), std::string::npos) << file;
    }
  }
}

TEST_F(TokenTest, SigningInRefusesEveryWrongPartWithTheSameAnswer) {
  const IssuedToken t = Issue();
  const IssuedToken revoked = Issue();
  ASSERT_TRUE(store_->directory().RevokeToken(revoked.record.id).ok());
  auto bob = store_->directory().CreateUser("bob", org_.id, store::Role::kAnalyst);
  ASSERT_TRUE(bob.ok());
  std::string wrong_secret = t.token;
  wrong_secret.back() = wrong_secret.back() == 'A' ? 'B' : 'A';
  Authenticator auth(store_->directory());
  const std::pair<std::string, std::string> cases[] = {
      {"bob", t.token},       {"alice", wrong_secret}, {"alice", revoked.token},
      {"alice", "tsr_short"}, {"", t.token},           {"nobody", t.token},
      {"alice", ""},          {"Alice", t.token},
  };
  for (const auto& [user, token] : cases) {
    auto s = auth.StartSession(user, token, "");
    EXPECT_EQ(s.status().code(), ErrorCode::kUnauthenticated) << user << " " << token;
    EXPECT_EQ(s.status().message(), kInvalidCredentials) << user << " " << token;
  }
  EXPECT_EQ(auth.SessionCount(), 0u);
}

TEST_F(TokenTest, EndedForgedAndCsrfLessSessionsAreRefused) {
  const IssuedToken t = Issue();
  Authenticator auth(store_->directory());
  auto s = auth.StartSession("alice", t.token, "");
  ASSERT_TRUE(s.ok());
  // A request that changes something needs the session's CSRF token, exactly.
  std::string wrong_csrf = s->csrf_token;
  wrong_csrf.back() = wrong_csrf.back() == 'A' ? 'B' : 'A';
  for (const std::string& csrf : {std::string(), wrong_csrf, s->csrf_token + "x"}) {
    EXPECT_EQ(auth.Authenticate(Cookie(s->cookie, true, csrf), "").status().code(),
              ErrorCode::kPermissionDenied)
        << csrf;
  }
  EXPECT_TRUE(auth.Authenticate(Cookie(s->cookie, true, s->csrf_token), "").ok());
  EXPECT_TRUE(auth.Authenticate(Cookie(s->cookie, false), "").ok());
  // An Authorization header is what counts when there is one, the cookie unread.
  EXPECT_TRUE(auth.Authenticate(Presented{"Bearer " + t.token, "junk", "", true}, "").ok());
  EXPECT_EQ(
      auth.Authenticate(Presented{"Bearer x", s->cookie, s->csrf_token, false}, "").status().code(),
      ErrorCode::kUnauthenticated);

  // Another session's secret under this session's id, and junk, are refused.
  std::string forged = s->cookie;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  for (const std::string& cookie : {forged, std::string("tss_x"), t.token}) {
    auto p = auth.Authenticate(Cookie(cookie), "");
    EXPECT_EQ(p.status().code(), ErrorCode::kUnauthenticated) << cookie;
    EXPECT_EQ(p.status().message(), kInvalidCredentials) << cookie;
  }
  EXPECT_FALSE(auth.EndSession(forged));
  EXPECT_TRUE(auth.EndSession(s->cookie));
  EXPECT_FALSE(auth.EndSession(s->cookie));
  EXPECT_EQ(auth.Authenticate(Cookie(s->cookie), "").status().message(), kInvalidCredentials);
  EXPECT_EQ(auth.Authenticate(Cookie(""), "").status().message(), "authentication required");
}

TEST_F(TokenTest, RevokingTheTokenOrDisablingTheUserEndsItsSessions) {
  const IssuedToken t = Issue();
  const IssuedToken other = Issue();
  Authenticator auth(store_->directory());
  auto by_t = auth.StartSession("alice", t.token, "");
  auto by_other = auth.StartSession("alice", other.token, "");
  ASSERT_TRUE(by_t.ok() && by_other.ok());
  ASSERT_TRUE(auth.Authenticate(Cookie(by_t->cookie), "").ok());
  ASSERT_TRUE(store_->directory().RevokeToken(t.record.id).ok());
  EXPECT_EQ(auth.Authenticate(Cookie(by_t->cookie), "").status().code(),
            ErrorCode::kUnauthenticated);
  EXPECT_TRUE(auth.Authenticate(Cookie(by_other->cookie), "").ok());
  EXPECT_EQ(auth.SessionCount(), 1u);  // the dead one is forgotten

  ASSERT_TRUE(store_->directory().SetUserDisabled(user_.id, true).ok());
  EXPECT_EQ(auth.Authenticate(Cookie(by_other->cookie), "").status().code(),
            ErrorCode::kUnauthenticated);
  // Enabling the user again does not bring an ended session back.
  ASSERT_TRUE(store_->directory().SetUserDisabled(user_.id, false).ok());
  EXPECT_EQ(auth.Authenticate(Cookie(by_other->cookie), "").status().code(),
            ErrorCode::kUnauthenticated);

  // A new role counts on the session's next request.
  auto fresh = auth.StartSession("alice", other.token, "");
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE(store_->directory().SetUserRole(user_.id, store::Role::kReadOnly).ok());
  auto p = auth.Authenticate(Cookie(fresh->cookie), "");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->role, Role::kReadOnly);
}

TEST_F(TokenTest, ASessionEndsNoLaterThanItsTokenAndTheTableIsBounded) {
  const IssuedToken soon = Issue(Timestamp::FromMicros(Timestamp::Now().ToMicros() + 1'500'000));
  AuthLimits limits;
  limits.max_sessions = 3;
  limits.max_sessions_per_user = 2;
  Authenticator auth(store_->directory(), limits);
  auto s = auth.StartSession("alice", soon.token, "");
  ASSERT_TRUE(s.ok());
  EXPECT_LE(s->expires, *soon.record.expires);
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));
  EXPECT_EQ(auth.Authenticate(Cookie(s->cookie), "").status().code(), ErrorCode::kUnauthenticated);

  // A user's third session ends its first.
  const IssuedToken t = Issue();
  auto first = auth.StartSession("alice", t.token, "");
  auto second = auth.StartSession("alice", t.token, "");
  auto third = auth.StartSession("alice", t.token, "");
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  EXPECT_FALSE(auth.Authenticate(Cookie(first->cookie), "").ok());
  EXPECT_TRUE(auth.Authenticate(Cookie(second->cookie), "").ok());
  EXPECT_TRUE(auth.Authenticate(Cookie(third->cookie), "").ok());
  // The table holds at most max_sessions unexpired sessions.
  auto bob = store_->directory().CreateUser("bob", org_.id, store::Role::kAnalyst);
  auto carol = store_->directory().CreateUser("carol", org_.id, store::Role::kAnalyst);
  ASSERT_TRUE(bob.ok() && carol.ok());
  auto bobs = CreateToken(store_->directory(), bob->id, std::nullopt, "");
  auto carols = CreateToken(store_->directory(), carol->id, std::nullopt, "");
  ASSERT_TRUE(bobs.ok() && carols.ok());
  EXPECT_TRUE(auth.StartSession("bob", bobs->token, "").ok());
  auto full = auth.StartSession("carol", carols->token, "");
  EXPECT_EQ(full.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(auth.SessionCount(), 3u);
}

TEST_F(TokenTest, GuessingSessionCookiesIsBoundedPerClient) {
  const IssuedToken t = Issue();
  AuthLimits limits;
  limits.max_failures_per_client = 3;
  Authenticator auth(store_->directory(), limits);
  auto s = auth.StartSession("alice", t.token, "");
  ASSERT_TRUE(s.ok());
  std::string forged = s->cookie;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(auth.Authenticate(Cookie(forged), "192.0.2.7:1").status().code(),
              ErrorCode::kUnauthenticated);
  }
  EXPECT_EQ(auth.Authenticate(Cookie(s->cookie), "192.0.2.7:2").status().code(),
            ErrorCode::kLimitExceeded);
  EXPECT_TRUE(auth.Authenticate(Cookie(s->cookie), "192.0.2.8:1").ok());
}

// Issue 17: disabling an organization stops its users' tokens and sessions at once; enabling it
// brings the tokens back (an ended session stays ended).
TEST_F(TokenTest, DisablingTheOrganizationStopsItsUsersTokensAndSessions) {
  const IssuedToken t = Issue();
  Authenticator auth(store_->directory());
  ASSERT_TRUE(auth.Authenticate("Bearer " + t.token, "").ok());  // now cached
  auto session = auth.StartSession("alice", t.token, "");
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(store_->directory().SetOrganizationDisabled(org_.id, true).ok());
  EXPECT_EQ(auth.Authenticate("Bearer " + t.token, "").status().code(),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(auth.Authenticate(Cookie(session->cookie), "").status().code(),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(auth.StartSession("alice", t.token, "").status().code(), ErrorCode::kUnauthenticated);
  ASSERT_TRUE(store_->directory().SetOrganizationDisabled(org_.id, false).ok());
  EXPECT_TRUE(auth.Authenticate("Bearer " + t.token, "").ok());
}

// Issue 17: a token's use is recorded (by header and through a session), at most once per
// kTokenUseInterval, and never moves the directory's generation (servers keep their caches).
TEST_F(TokenTest, UsesAreRecordedAtMostOnceAMinuteWithoutChangingTheDirectory) {
  const IssuedToken t = Issue();
  const IssuedToken by_session = Issue();
  const IssuedToken unused = Issue();
  Authenticator auth(store_->directory());
  ASSERT_TRUE(auth.Authenticate("Bearer " + t.token, "").ok());
  const int64_t generation = *store_->directory().Generation();
  auth.FlushTokenUses();
  auto first = store_->directory().GetToken(t.record.id);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->last_used.has_value()) << "the use was not recorded";
  EXPECT_LE(first->last_used->ToMicros(), Timestamp::Now().ToMicros());
  EXPECT_GE(first->last_used->ToMicros(), t.record.created.ToMicros());

  // Used again within the minute: nothing more is written.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(auth.Authenticate(Basic("alice", t.token), "").ok());
  auth.FlushTokenUses();
  EXPECT_EQ(store_->directory().GetToken(t.record.id)->last_used, first->last_used);
  EXPECT_EQ(*store_->directory().Generation(), generation);

  auto session = auth.StartSession("alice", by_session.token, "");
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(auth.Authenticate(Cookie(session->cookie), "").ok());
  auth.FlushTokenUses();
  EXPECT_TRUE(store_->directory().GetToken(by_session.record.id)->last_used.has_value());
  EXPECT_FALSE(store_->directory().GetToken(unused.record.id)->last_used.has_value());

  // The writer thread writes without being asked (the destructor's flush is not needed).
  const IssuedToken later = Issue();
  ASSERT_TRUE(auth.Authenticate("Bearer " + later.token, "").ok());
  bool written = false;
  for (int i = 0; i < 200 && !written; ++i) {
    written = store_->directory().GetToken(later.record.id)->last_used.has_value();
    if (!written) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(written) << "the writer thread did not record the use";
}

TEST(RoleTest, NamesRoundTrip) {
  for (Role r : {Role::kAdmin, Role::kOrgAdmin, Role::kAnalyst, Role::kReadOnly, Role::kSync}) {
    EXPECT_EQ(ParseRole(RoleName(r)), r);
  }
  EXPECT_EQ(ParseRole("root"), std::nullopt);
  EXPECT_FALSE(RoleCanWrite(Role::kReadOnly));
  EXPECT_TRUE(RoleMayActForOthers(Role::kSync));
  EXPECT_FALSE(RoleMayActForOthers(Role::kOrgAdmin));
}

}  // namespace
}  // namespace tessera::policy
