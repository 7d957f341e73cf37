// API tokens: format, hashing, and authentication by HTTP Basic and Bearer, with revocation,
// expiry and disabled users taking effect at once, and the verification cache.

#include "policy/tokens.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstring>
#include <filesystem>

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
    user_ = *store_->directory().CreateUser("alice", org_.id, "analyst");
    auto g = store_->directory().CreateGroup("g", "");
    ASSERT_TRUE(store_->directory().AddGroupMember(g->id, org_.id).ok());
    group_ = g->id;
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(root_);
  }

  IssuedToken Issue(std::optional<Timestamp> expires = std::nullopt) {
    auto t = CreateToken(store_->directory(), user_.id, expires, "test", MinimalHashCost());
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

TEST_F(TokenTest, TokenHasTheDocumentedFormAndOnlyItsHashIsStored) {
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
  EXPECT_TRUE(stored->hash.starts_with("$argon2id$")) << stored->hash;
  EXPECT_EQ(stored->hash.find(t.token.substr(21)), std::string::npos);
  EXPECT_NE(Issue().token, t.token);
}

TEST_F(TokenTest, DefaultCostIsInteractiveArgon2id) {
  auto t = CreateToken(store_->directory(), user_.id, std::nullopt, "");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(
      crypto_pwhash_str_needs_rehash(t->record.hash.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                     crypto_pwhash_MEMLIMIT_INTERACTIVE),
      0);
  EXPECT_EQ(CreateToken(store_->directory(), user_.id + 100, std::nullopt, "", MinimalHashCost())
                .status()
                .code(),
            ErrorCode::kNotFound);
}

TEST_F(TokenTest, BearerAndBasicAuthenticate) {
  const IssuedToken t = Issue();
  Authenticator auth(store_->directory());
  for (const std::string& header :
       {"Bearer " + t.token, "bearer   " + t.token, Basic("alice", t.token)}) {
    auto p = auth.Authenticate(header);
    ASSERT_TRUE(p.ok()) << header << ": " << p.status().ToString();
    EXPECT_EQ(p->user, "alice");
    EXPECT_EQ(p->user_id, user_.id);
    EXPECT_EQ(p->org_id, org_.id);
    EXPECT_EQ(p->org_identity, org_.identity_id);
    EXPECT_EQ(p->role, Role::kAnalyst);
    EXPECT_EQ(p->groups, std::vector<int64_t>{group_});
  }
}

TEST_F(TokenTest, WrongCredentialsAreUnauthenticated) {
  const IssuedToken t = Issue();
  Authenticator auth(store_->directory());
  ASSERT_TRUE(auth.Authenticate("Bearer " + t.token).ok());
  std::string wrong_secret = t.token;
  wrong_secret.back() = wrong_secret.back() == 'A' ? 'B' : 'A';
  const std::string unknown_id = "tsr_0000000000000000" + t.token.substr(20);
  for (const std::string& header :
       {std::string(), std::string("Bearer"), "Bearer " + wrong_secret, "Bearer " + unknown_id,
        std::string("Bearer tsr_short"), Basic("bob", t.token), Basic("alice", wrong_secret),
        std::string("Basic not*base64"), Basic("alice", ""), "Digest " + t.token,
        "Bearer " + t.token + std::string(kMaxAuthorizationBytes, 'x')}) {
    auto p = auth.Authenticate(header);
    EXPECT_EQ(p.status().code(), ErrorCode::kUnauthenticated) << "'" << header.substr(0, 80) << "'";
  }
  EXPECT_THAT(auth.Authenticate(Basic("bob", t.token)).status().message(), HasSubstr("bob"));
}

TEST_F(TokenTest, RevocationExpiryAndDisablingTakeEffectAtOnce) {
  const IssuedToken t = Issue();
  const IssuedToken other = Issue();
  Authenticator auth(store_->directory());
  ASSERT_TRUE(auth.Authenticate("Bearer " + t.token).ok());  // now cached
  ASSERT_TRUE(store_->directory().RevokeToken(t.record.id).ok());
  auto revoked = auth.Authenticate("Bearer " + t.token);
  EXPECT_EQ(revoked.status().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(revoked.status().message(), HasSubstr("revoked"));

  ASSERT_TRUE(auth.Authenticate("Bearer " + other.token).ok());
  ASSERT_TRUE(store_->directory().SetUserDisabled(user_.id, true).ok());
  EXPECT_THAT(auth.Authenticate("Bearer " + other.token).status().message(), HasSubstr("disabled"));
  ASSERT_TRUE(store_->directory().SetUserDisabled(user_.id, false).ok());
  EXPECT_TRUE(auth.Authenticate("Bearer " + other.token).ok());

  const IssuedToken past = Issue(Timestamp::FromMicros(Timestamp::Now().ToMicros() - 1'000'000));
  EXPECT_THAT(auth.Authenticate("Bearer " + past.token).status().message(), HasSubstr("expired"));
  const IssuedToken future =
      Issue(Timestamp::FromMicros(Timestamp::Now().ToMicros() + 3'600'000'000));
  EXPECT_TRUE(auth.Authenticate("Bearer " + future.token).ok());
}

TEST_F(TokenTest, SuccessfulVerificationIsRememberedAndOnlyForTheSameToken) {
  const IssuedToken t = Issue();
  Authenticator auth(store_->directory());
  ASSERT_TRUE(auth.Authenticate("Bearer " + t.token).ok());
  // Break the stored hash: only the cache can still accept the token now.
  RawExec("UPDATE tokens SET hash = '$argon2id$broken' WHERE id = '" + t.record.id + "'");
  EXPECT_TRUE(auth.Authenticate("Bearer " + t.token).ok()) << "Argon2id ran again";
  std::string wrong = t.token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(auth.Authenticate("Bearer " + wrong).status().code(), ErrorCode::kUnauthenticated);
  Authenticator fresh(store_->directory());
  EXPECT_EQ(fresh.Authenticate("Bearer " + t.token).status().code(), ErrorCode::kUnauthenticated);
  auth.ClearCache();
  EXPECT_EQ(auth.Authenticate("Bearer " + t.token).status().code(), ErrorCode::kUnauthenticated);
}

TEST(RoleTest, NamesRoundTrip) {
  for (Role r : {Role::kAdmin, Role::kOrgAdmin, Role::kAnalyst, Role::kReadOnly, Role::kSync}) {
    EXPECT_EQ(ParseRole(RoleName(r)), r);
    EXPECT_TRUE(store::IsKnownRole(RoleName(r)));
  }
  EXPECT_EQ(ParseRole("root"), std::nullopt);
  EXPECT_FALSE(RoleCanWrite(Role::kReadOnly));
  EXPECT_TRUE(RoleMayActForOthers(Role::kSync));
  EXPECT_FALSE(RoleMayActForOthers(Role::kOrgAdmin));
}

}  // namespace
}  // namespace tessera::policy
