// End-to-end: the hub's account commands as an operator runs them — `tessera init`, `org`, `user`,
// `token`, `group` and `collection` — on a fresh store, through the real binary: outputs, --json
// documents, the token file, and the exit codes of success, refusal (1) and usage/I-O errors (2).

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli_runner.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using tessera::testing::CliRun;

// Shape checks (std::regex trips GCC 12's -Wmaybe-uninitialized at -O1).
bool IsHex(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}
// tsr_<16 lowercase hex>_<43 base64url>
bool IsToken(std::string_view s) {
  if (s.size() != 4 + 16 + 1 + 43 || !s.starts_with("tsr_") || s[20] != '_') return false;
  if (!IsHex(s.substr(4, 16), 16)) return false;
  for (char c : s.substr(21)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}
bool ContainsToken(std::string_view text) {
  for (size_t at = text.find("tsr_"); at != std::string_view::npos;
       at = text.find("tsr_", at + 1)) {
    if (IsToken(text.substr(at, 64))) return true;
  }
  return false;
}
// 8-4-4-4-12 lowercase hex, version 4.
bool IsUuid4(std::string_view s) {
  return s.size() == 36 && IsHex(s.substr(0, 8), 8) && s[8] == '-' && IsHex(s.substr(9, 4), 4) &&
         s[13] == '-' && s[14] == '4' && IsHex(s.substr(15, 3), 3) && s[18] == '-' &&
         IsHex(s.substr(19, 4), 4) && s[23] == '-' && IsHex(s.substr(24, 12), 12);
}
bool IsIdentityId(std::string_view s) {
  return s.starts_with("identity--") && IsUuid4(s.substr(10));
}
bool IsNumber(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}
// `s` without its one final newline ("" when it has none, so that checks on it fail).
std::string Line(const std::string& s) {
  return !s.empty() && s.back() == '\n' ? s.substr(0, s.size() - 1) : std::string("\x01");
}

class AdminCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tessera-admin-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    data_ = (dir_ / "data").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliRun Tessera(std::vector<std::string> args) {
    return tessera::testing::RunProgram(TESSERA_CLI_PATH, args, dir_);
  }
  // Runs a subcommand with --data appended.
  CliRun Cmd(std::vector<std::string> args) {
    args.push_back("--data");
    args.push_back(data_);
    return Tessera(args);
  }
  // Runs a subcommand with --data and --json; its output parsed (a failed test when not JSON).
  json::value Json(std::vector<std::string> args) {
    args.push_back("--json");
    CliRun r = Cmd(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    boost::system::error_code ec;
    json::value v = json::parse(r.out, ec);
    EXPECT_FALSE(ec) << "not JSON: " << r.out;
    return v;
  }
  void Init() {
    CliRun r = Tessera({"init", "--data", data_, "--admin-token-file", TokenFile()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string TokenFile() const { return (dir_ / "admin-token").string(); }

  fs::path dir_;
  std::string data_;
};

// ---- init -----------------------------------------------------------------------------------

TEST_F(AdminCliTest, InitSetsUpTheHubAndWritesTheTokenOwnerOnly) {
  CliRun r = Tessera({"init", "--data", data_, "--admin-token-file", TokenFile()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("created Tessera store"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("written to " + TokenFile()), std::string::npos) << r.out;
  EXPECT_FALSE(ContainsToken(r.out)) << "the token leaked to stdout: " << r.out;

  struct stat st {};
  ASSERT_EQ(::stat(TokenFile().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string token = tessera::testing::Slurp(TokenFile());
  EXPECT_TRUE(IsToken(Line(token))) << token;

  json::array orgs = Json({"org", "list"}).as_array();
  ASSERT_EQ(orgs.size(), 1u);
  EXPECT_EQ(orgs[0].at("name").as_string(), "Tessera hub");
  json::array users = Json({"user", "list"}).as_array();
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].at("name").as_string(), "admin");
  EXPECT_EQ(users[0].at("role").as_string(), "admin");
  EXPECT_EQ(users[0].at("org_id"), orgs[0].at("id"));
  json::array collections = Json({"collection", "list"}).as_array();
  ASSERT_EQ(collections.size(), 1u);
  EXPECT_EQ(collections[0].at("title").as_string(), "Default");
  EXPECT_EQ(collections[0].at("api_root").as_string(), "api");
  EXPECT_EQ(collections[0].at("default_tlp").as_string(), "amber");
  EXPECT_TRUE(collections[0].at("readers").at("all").as_bool());
  EXPECT_TRUE(collections[0].at("writers").at("all").as_bool());
  json::array tokens = Json({"token", "list"}).as_array();
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].at("status").as_string(), "active");
  EXPECT_EQ(token.substr(4, 16), std::string(tokens[0].at("id").as_string()));
}

TEST_F(AdminCliTest, InitAgainMakesNoSecondTokenUnlessAsked) {
  Init();
  const std::string first = tessera::testing::Slurp(TokenFile());
  CliRun again =
      Tessera({"init", "--data", data_, "--admin-token-file", TokenFile(), "--org", "Other name"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already exists"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("unchanged"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("--org ignored"), std::string::npos) << again.out;
  EXPECT_EQ(tessera::testing::Slurp(TokenFile()), first);
  EXPECT_EQ(Json({"token", "list"}).as_array().size(), 1u);
  EXPECT_EQ(Json({"org", "list"}).as_array().size(), 1u);

  CliRun fresh =
      Tessera({"init", "--data", data_, "--admin-token-file", TokenFile(), "--new-admin-token"});
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_NE(tessera::testing::Slurp(TokenFile()), first);
  EXPECT_EQ(Json({"token", "list", "--user", "admin"}).as_array().size(), 2u);
}

TEST_F(AdminCliTest, InitWithoutAFilePrintsTheTokenOnceAndNamesTheOrg) {
  CliRun r = Tessera({"init", "--data", data_, "--org", "National CSIRT"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(ContainsToken(r.out)) << r.out;
  EXPECT_NE(r.out.find("National CSIRT"), std::string::npos) << r.out;
  CliRun again = Tessera({"init", "--data", data_});
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_FALSE(ContainsToken(again.out)) << again.out;
}

TEST_F(AdminCliTest, InitJsonHasTheIdsScriptsNeed) {
  json::value v = Json({"init"});
  EXPECT_TRUE(v.at("store_created").as_bool());
  EXPECT_EQ(v.at("api_root").as_string(), "api");
  EXPECT_EQ(v.at("hub_org").at("name").as_string(), "Tessera hub");
  EXPECT_EQ(v.at("default_collection").at("title").as_string(), "Default");
  EXPECT_EQ(v.at("admin").at("name").as_string(), "admin");
  EXPECT_TRUE(IsToken(v.at("admin_token").as_string()));
  EXPECT_EQ(std::string(v.at("admin_token").as_string()).substr(4, 16),
            std::string(v.at("admin_token_id").as_string()));
}

TEST_F(AdminCliTest, InitFailsCleanlyWhenTheTokenFileCannotBeWritten) {
  CliRun r = Tessera(
      {"init", "--data", data_, "--admin-token-file", (dir_ / "no-such-dir" / "token").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("tessera token revoke"), std::string::npos) << r.err;
}

// ---- organizations --------------------------------------------------------------------------

TEST_F(AdminCliTest, OrgAddPrintsTheIdentityAndRefusesDuplicates) {
  Init();
  CliRun r = Cmd({"org", "add", "ACME CERT"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(IsIdentityId(Line(r.out))) << r.out;
  CliRun dup = Cmd({"org", "add", "ACME CERT"});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_FALSE(dup.err.empty());

  json::array orgs = Json({"org", "list"}).as_array();
  ASSERT_EQ(orgs.size(), 2u);
  EXPECT_EQ(orgs[1].at("identity_id").as_string(), r.out.substr(0, r.out.size() - 1));
  EXPECT_EQ(orgs[1].at("identity").at("identity_class").as_string(), "organization");
  CliRun table = Cmd({"org", "list"});
  EXPECT_NE(table.out.find("ACME CERT"), std::string::npos);
  EXPECT_NE(table.out.find("Tessera hub (hub)"), std::string::npos) << table.out;
}

TEST_F(AdminCliTest, CommandsOnAMissingStoreSayToRunInit) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"org", "list"},
                                             {"user", "list"},
                                             {"token", "list"},
                                             {"group", "list"},
                                             {"collection", "list"}}) {
    CliRun r = Cmd(args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_NE(r.err.find("tessera init"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(data_)) << "a listing must not create the store";
}

// ---- users ----------------------------------------------------------------------------------

TEST_F(AdminCliTest, UserLifecycle) {
  Init();
  ASSERT_EQ(Cmd({"org", "add", "ACME CERT"}).exit_code, 0);
  CliRun add = Cmd({"user", "add", "alice", "--org", "ACME CERT", "--role", "analyst"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_TRUE(IsNumber(Line(add.out))) << add.out;

  EXPECT_EQ(Cmd({"user", "add", "alice", "--org", "ACME CERT", "--role", "analyst"}).exit_code, 1);
  CliRun unknown_org = Cmd({"user", "add", "bob", "--org", "Initech", "--role", "analyst"});
  EXPECT_EQ(unknown_org.exit_code, 1);
  EXPECT_NE(unknown_org.err.find("Initech"), std::string::npos) << unknown_org.err;
  EXPECT_EQ(Cmd({"user", "add", "bob", "--org", "ACME CERT", "--role", "superuser"}).exit_code, 2);
  EXPECT_EQ(Cmd({"user", "add", "bob", "--role", "analyst"}).exit_code, 2);  // --org required

  json::array acme = Json({"user", "list", "--org", "ACME CERT"}).as_array();
  ASSERT_EQ(acme.size(), 1u);
  EXPECT_EQ(acme[0].at("name").as_string(), "alice");
  EXPECT_FALSE(acme[0].at("disabled").as_bool());
  EXPECT_EQ(Json({"user", "list"}).as_array().size(), 2u);

  CliRun disable = Cmd({"user", "disable", "alice"});
  ASSERT_EQ(disable.exit_code, 0) << disable.err;
  EXPECT_TRUE(Json({"user", "list", "--org", "ACME CERT"}).as_array()[0].at("disabled").as_bool());
  EXPECT_NE(Cmd({"user", "list"}).out.find("disabled"), std::string::npos);
  ASSERT_EQ(Cmd({"user", "enable", "alice"}).exit_code, 0);
  EXPECT_FALSE(Json({"user", "list", "--org", "ACME CERT"}).as_array()[0].at("disabled").as_bool());
  EXPECT_EQ(Cmd({"user", "disable", "nobody"}).exit_code, 1);
}

// ---- tokens ---------------------------------------------------------------------------------

TEST_F(AdminCliTest, TokenLifecycleNeverShowsSecretsAgain) {
  Init();
  ASSERT_EQ(Cmd({"org", "add", "ACME CERT"}).exit_code, 0);
  ASSERT_EQ(Cmd({"user", "add", "alice", "--org", "ACME CERT", "--role", "analyst"}).exit_code, 0);

  CliRun plain = Cmd({"token", "create", "alice", "--label", "feed"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ASSERT_TRUE(IsToken(Line(plain.out))) << plain.out;
  const std::string token = plain.out.substr(0, plain.out.size() - 1);
  const std::string id = token.substr(4, 16);

  json::value expiring = Json({"token", "create", "alice", "--expires", "12h"});
  ASSERT_TRUE(expiring.is_object());
  EXPECT_TRUE(IsToken(expiring.at("token").as_string()));
  EXPECT_FALSE(expiring.at("expires").is_null());
  EXPECT_EQ(expiring.at("user").as_string(), "alice");

  CliRun bad_duration = Cmd({"token", "create", "alice", "--expires", "12 hours"});
  EXPECT_EQ(bad_duration.exit_code, 2);
  EXPECT_NE(bad_duration.err.find("--expires"), std::string::npos) << bad_duration.err;
  EXPECT_EQ(Cmd({"token", "create", "nobody"}).exit_code, 1);

  CliRun listed = Cmd({"token", "list", "--user", "alice"});
  ASSERT_EQ(listed.exit_code, 0);
  EXPECT_NE(listed.out.find(id), std::string::npos);
  EXPECT_NE(listed.out.find("feed"), std::string::npos);
  EXPECT_FALSE(ContainsToken(listed.out)) << "a secret in: " << listed.out;
  CliRun listed_json = Cmd({"token", "list", "--json"});
  EXPECT_FALSE(ContainsToken(listed_json.out)) << listed_json.out;
  EXPECT_EQ(listed_json.out.find("argon2"), std::string::npos);

  CliRun revoke = Cmd({"token", "revoke", id});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  json::array alice = Json({"token", "list", "--user", "alice"}).as_array();
  ASSERT_EQ(alice.size(), 2u);
  for (const json::value& t : alice) {
    EXPECT_EQ(t.at("status").as_string(), t.at("id").as_string() == id ? "revoked" : "active");
  }
  // Revoking again is fine; pasting the whole (leaked) token works too.
  EXPECT_EQ(Cmd({"token", "revoke", token}).exit_code, 0);
  EXPECT_EQ(Cmd({"token", "revoke", "0000000000000000"}).exit_code, 1);
  EXPECT_EQ(Cmd({"token", "revoke", "not-an-id"}).exit_code, 1);
}

// #15.7: a promotion an org-admin could not have made revokes the user's tokens, and says so.
TEST_F(AdminCliTest, UserRoleSaysWhichTokensThePromotionRevoked) {
  Init();
  ASSERT_EQ(Cmd({"org", "add", "ACME CERT"}).exit_code, 0);
  ASSERT_EQ(Cmd({"user", "add", "alice", "--org", "ACME CERT", "--role", "analyst"}).exit_code, 0);
  const std::string first = Line(Cmd({"token", "create", "alice"}).out).substr(4, 16);
  const std::string second = Line(Cmd({"token", "create", "alice"}).out).substr(4, 16);

  CliRun same_level = Cmd({"user", "role", "alice", "read-only"});
  ASSERT_EQ(same_level.exit_code, 0) << same_level.err;
  EXPECT_EQ(Line(same_level.out), "user alice is now read-only");

  CliRun promoted = Cmd({"user", "role", "alice", "sync"});
  ASSERT_EQ(promoted.exit_code, 0) << promoted.err;
  EXPECT_NE(promoted.out.find("2 token(s) revoked"), std::string::npos) << promoted.out;
  EXPECT_NE(promoted.out.find(first + ", " + second), std::string::npos) << promoted.out;
  const json::value listed = Json({"token", "list", "--user", "alice"});
  for (const json::value& t : listed.as_array()) {
    EXPECT_EQ(t.at("status").as_string(), "revoked");
  }
  const std::string third = Line(Cmd({"token", "create", "alice"}).out).substr(4, 16);
  json::value to_admin = Json({"user", "role", "alice", "admin"});
  EXPECT_EQ(to_admin.at("role").as_string(), "admin");
  EXPECT_EQ(to_admin.at("revoked_tokens"), json::array()) << "sync tokens are made by admins";
  EXPECT_EQ(Cmd({"user", "role", "alice", "root"}).exit_code, 2);
  EXPECT_EQ(Cmd({"user", "role", "nobody", "analyst"}).exit_code, 1);
  (void)third;
}

// #15.24: names and labels cannot hold what would forge or hide text in a listing; what an older
// hub stored is printed escaped.
TEST_F(AdminCliTest, ListingsCannotBeForgedByNamesOrLabels) {
  Init();
  ASSERT_EQ(Cmd({"org", "add", "ACME CERT"}).exit_code, 0);
  ASSERT_EQ(Cmd({"user", "add", "alice", "--org", "ACME CERT", "--role", "analyst"}).exit_code, 0);
  const std::string forged_row =
      "feed\n0123456789abcdef  admin  x  2026-01-01T00:00:00Z  never  active";
  CliRun label = Cmd({"token", "create", "alice", "--label", forged_row});
  EXPECT_EQ(label.exit_code, 1);
  EXPECT_NE(label.err.find("one line"), std::string::npos) << label.err;
  EXPECT_EQ(Cmd({"user", "add", "admin\xe2\x80\xae", "--org", "ACME CERT", "--role", "analyst"})
                .exit_code,
            1);
  EXPECT_EQ(Cmd({"org", "add",
                 "ACME\xc2\x9b"
                 "CERT"})
                .exit_code,
            1);
  EXPECT_EQ(Cmd({"user", "add", "zero\xe2\x80\x8bwidth", "--org", "ACME CERT", "--role", "analyst"})
                .exit_code,
            1);

  // A label stored before the rule: written into the file directly.
  ASSERT_EQ(Cmd({"token", "create", "alice", "--label", "old"}).exit_code, 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((fs::path(data_) / "tessera.db").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  const std::string sql = "UPDATE tokens SET label = '" + forged_row + "' WHERE label = 'old'";
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  CliRun listed = Cmd({"token", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  size_t lines = 0;
  for (char c : listed.out) lines += c == '\n';
  EXPECT_EQ(lines, 3u) << "header, the init token of admin, alice's token:\n" << listed.out;
  EXPECT_NE(listed.out.find("feed\\u{000A}0123456789abcdef"), std::string::npos) << listed.out;
}

// ---- groups ---------------------------------------------------------------------------------

TEST_F(AdminCliTest, GroupMembership) {
  Init();
  for (const char* org : {"ACME CERT", "Globex SOC", "Initech"}) {
    ASSERT_EQ(Cmd({"org", "add", org}).exit_code, 0);
  }
  CliRun add = Cmd({"group", "add", "finance-isac", "--member", "ACME CERT", "--member",
                    "Globex SOC", "--description", "Banks"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_NE(add.out.find("ACME CERT,Globex SOC"), std::string::npos) << add.out;
  EXPECT_EQ(Cmd({"group", "add", "finance-isac"}).exit_code, 1);
  // An unknown member refuses the whole command: no group is created.
  EXPECT_EQ(Cmd({"group", "add", "energy", "--member", "ACME CERT", "--member", "Nope"}).exit_code,
            1);

  ASSERT_EQ(Cmd({"group", "add-member", "finance-isac", "Initech"}).exit_code, 0);
  json::array groups = Json({"group", "list"}).as_array();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].at("members").as_array().size(), 3u);
  EXPECT_EQ(groups[0].at("description").as_string(), "Banks");

  ASSERT_EQ(Cmd({"group", "remove-member", "finance-isac", "ACME CERT"}).exit_code, 0);
  EXPECT_EQ(Cmd({"group", "remove-member", "finance-isac", "ACME CERT"}).exit_code, 1);
  EXPECT_EQ(Cmd({"group", "add-member", "no-such-group", "Initech"}).exit_code, 1);
  EXPECT_EQ(Json({"group", "list"}).as_array()[0].at("members").as_array().size(), 2u);
  CliRun table = Cmd({"group", "list"});
  EXPECT_NE(table.out.find("Globex SOC,Initech"), std::string::npos) << table.out;
}

// ---- collections ----------------------------------------------------------------------------

TEST_F(AdminCliTest, CollectionWithReadersWritersAudienceAndAlias) {
  Init();
  ASSERT_EQ(Cmd({"org", "add", "ACME CERT"}).exit_code, 0);
  ASSERT_EQ(Cmd({"org", "add", "Globex SOC"}).exit_code, 0);
  ASSERT_EQ(Cmd({"group", "add", "finance-isac", "--member", "Globex SOC"}).exit_code, 0);

  CliRun add = Cmd({"collection", "add", "Finance feed", "--readers",
                    "ACME CERT,group:finance-isac", "--writers", "ACME CERT", "--audience",
                    "finance-isac", "--default-tlp", "green", "--alias", "finance"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_TRUE(IsUuid4(Line(add.out))) << add.out;
  const std::string id = add.out.substr(0, add.out.size() - 1);

  json::array all = Json({"collection", "list"}).as_array();
  ASSERT_EQ(all.size(), 2u);
  const json::value& c = all[1];
  EXPECT_EQ(c.at("id").as_string(), id);
  EXPECT_EQ(c.at("alias").as_string(), "finance");
  EXPECT_EQ(c.at("default_tlp").as_string(), "green");
  EXPECT_FALSE(c.at("readers").at("all").as_bool());
  EXPECT_EQ(c.at("readers").at("orgs").as_array().size(), 1u);
  EXPECT_EQ(c.at("readers").at("groups").as_array().size(), 1u);
  EXPECT_EQ(c.at("writers").at("orgs").as_array().size(), 1u);
  EXPECT_TRUE(c.at("writers").at("groups").as_array().empty());
  EXPECT_FALSE(c.at("audience_group").is_null());

  CliRun table = Cmd({"collection", "list"});
  EXPECT_NE(table.out.find("ACME CERT,group:finance-isac"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("Default (default)"), std::string::npos) << table.out;

  EXPECT_EQ(Cmd({"collection", "add", "X", "--default-tlp", "purple"}).exit_code, 2);
  CliRun unknown = Cmd({"collection", "add", "X", "--readers", "ACME CERT,Initech"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("--readers"), std::string::npos) << unknown.err;
  EXPECT_EQ(Cmd({"collection", "add", "X", "--api-root", "nope"}).exit_code, 1);
  EXPECT_EQ(Cmd({"collection", "add", "X", "--audience", "nope"}).exit_code, 1);
  EXPECT_EQ(Cmd({"collection", "add", "Y", "--alias", "finance"}).exit_code, 1);
  EXPECT_EQ(Json({"collection", "list"}).as_array().size(), 2u);
}

// ---- renaming, disabling, deleting (issue 17) ------------------------------------------------

// The steps of tests/data/accounts/cli_cases.json, in order, on one fresh store.
TEST_F(AdminCliTest, RenameDisableDeleteCasesFromData) {
  std::ifstream in(std::string(TESSERA_SOURCE_DIR) + "/tests/data/accounts/cli_cases.json");
  ASSERT_TRUE(in) << "tests/data/accounts/cli_cases.json";
  std::stringstream text;
  text << in.rdbuf();
  const json::value cases = json::parse(text.str());
  for (const auto& [name, content] : cases.at("files").as_object()) {
    std::ofstream(dir_ / std::string(name)) << json::serialize(content);
  }
  const json::array& steps = cases.at("steps").as_array();
  // The data is what is checked: an emptied file must not pass with nothing to check.
  ASSERT_GE(steps.size(), 40u);
  Init();
  // ${dir}: the directory the files above are written to (the commands run elsewhere).
  std::map<std::string, std::string> captured{{"dir", dir_.string()}};
  auto expand = [&](std::string arg) {
    for (const auto& [key, value] : captured) {
      const std::string var = "${" + key + "}";
      for (size_t at = arg.find(var); at != std::string::npos; at = arg.find(var)) {
        arg.replace(at, var.size(), value);
      }
    }
    return arg;
  };
  for (const json::value& step : steps) {
    std::vector<std::string> args;
    std::string shown = "tessera";
    for (const json::value& a : step.at("args").as_array()) {
      args.push_back(expand(std::string(a.as_string())));
      shown += " " + args.back();
    }
    CliRun r = Cmd(args);
    EXPECT_EQ(r.exit_code, step.at("exit").as_int64()) << shown << "\n" << r.out << r.err;
    const json::object& o = step.as_object();
    if (const json::value* out = o.if_contains("out")) {
      EXPECT_NE(r.out.find(std::string(out->as_string())), std::string::npos)
          << shown << ": standard output lacks '" << out->as_string() << "':\n"
          << r.out;
    }
    if (const json::value* err = o.if_contains("err")) {
      EXPECT_NE(r.err.find(std::string(err->as_string())), std::string::npos)
          << shown << ": standard error lacks '" << err->as_string() << "':\n"
          << r.err;
    }
    if (const json::value* key = o.if_contains("capture")) {
      captured[std::string(key->as_string())] = r.out.substr(0, r.out.find('\n'));
    }
  }
}

TEST_F(AdminCliTest, EveryAccountCommandHasHelp) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"init", "--help"},
                                             {"org", "--help"},
                                             {"org", "add", "--help"},
                                             {"user", "add", "--help"},
                                             {"user", "disable", "--help"},
                                             {"user", "role", "--help"},
                                             {"token", "create", "--help"},
                                             {"token", "revoke", "--help"},
                                             {"group", "add-member", "--help"},
                                             {"collection", "add", "--help"},
                                             {"org", "rename", "--help"},
                                             {"org", "disable", "--help"},
                                             {"org", "delete", "--help"},
                                             {"user", "rename", "--help"},
                                             {"user", "delete", "--help"},
                                             {"group", "rename", "--help"},
                                             {"group", "delete", "--help"},
                                             {"collection", "rename", "--help"},
                                             {"collection", "delete", "--help"},
                                             {"token", "rotate", "--help"}}) {
    CliRun r = Tessera(args);
    EXPECT_EQ(r.exit_code, 0) << args[0];
    EXPECT_FALSE(r.out.empty()) << args[0];
  }
  EXPECT_NE(Tessera({"init", "--help"}).out.find("--admin-token-file"), std::string::npos);
  EXPECT_NE(Tessera({"token", "create", "--help"}).out.find("90d"), std::string::npos);
  EXPECT_NE(Tessera({"collection", "add", "--help"}).out.find("group:NAME"), std::string::npos);
  EXPECT_EQ(Tessera({"org"}).exit_code, 2);  // a subcommand is required
}

}  // namespace
