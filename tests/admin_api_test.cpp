// End-to-end: the admin REST API (/api/v1/) and /metrics of a real `tessera serve` on a free
// loopback port, on a store set up by `tessera init` and the account commands. Checks what each
// role may do (admin, org-admin, analyst), the JSON errors and limits, and that revoking a token
// or disabling a user takes effect on the running server's next request; browser sessions (sign
// in, the cookie on every path, CSRF, sign out, their end with their token or user).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "common/time.h"
#include "http_client.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using tessera::testing::BasicAuth;
using tessera::testing::BearerAuth;
using tessera::testing::CliRun;
using tessera::testing::HttpClient;
using tessera::testing::HttpResponse;

const std::vector<std::pair<std::string, std::string>> kJson = {
    {"Content-Type", "application/json"}};

class AdminApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("tessera-admin-api-" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    data_ = new std::string((*dir_ / "data").string());
    const std::string token_file = (*dir_ / "admin-token").string();
    ASSERT_EQ(Tessera({"init", "--data", *data_, "--admin-token-file", token_file}).exit_code, 0);
    admin_token_ = new std::string(tessera::testing::Slurp(token_file));
    admin_token_->pop_back();  // the newline
    for (const char* org : {"ACME CERT", "Globex SOC"}) {
      ASSERT_EQ(Tessera({"org", "add", org, "--data", *data_}).exit_code, 0);
    }
    ASSERT_EQ(Tessera({"user", "add", "olga", "--org", "ACME CERT", "--role", "org-admin", "--data",
                       *data_})
                  .exit_code,
              0);
    ASSERT_EQ(Tessera({"user", "add", "alice", "--org", "ACME CERT", "--role", "analyst", "--data",
                       *data_})
                  .exit_code,
              0);
    ASSERT_EQ(Tessera({"user", "add", "gus", "--org", "Globex SOC", "--role", "analyst", "--data",
                       *data_})
                  .exit_code,
              0);
    ASSERT_EQ(
        Tessera({"user", "add", "syncer", "--org", "ACME CERT", "--role", "sync", "--data", *data_})
            .exit_code,
        0);
    olga_token_ = new std::string(NewToken("olga"));
    alice_token_ = new std::string(NewToken("alice"));
    server_ = new tessera::testing::ServerProcess();
    ASSERT_TRUE(server_->Start(TESSERA_CLI_PATH, {"serve", "--data", *data_, "--listen",
                                                  "127.0.0.1:0", "--threads", "2"}));
  }
  static void TearDownTestSuite() {
    if (server_) server_->Stop();
    delete server_;
    fs::remove_all(*dir_);
    delete dir_;
    delete data_;
    delete admin_token_;
    delete olga_token_;
    delete alice_token_;
  }

  static CliRun Tessera(const std::vector<std::string>& args) {
    return tessera::testing::RunProgram(TESSERA_CLI_PATH, args, *dir_);
  }
  static std::string NewToken(const std::string& user) {
    CliRun r = Tessera({"token", "create", user, "--data", *data_});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }

  // A client authenticated as `user` with `token` (HTTP Basic), accepting JSON.
  std::unique_ptr<HttpClient> As(const std::string& user, const std::string& token) {
    auto c = std::make_unique<HttpClient>("127.0.0.1", server_->port());
    c->SetAuthorization(BasicAuth(user, token));
    c->SetAccept("application/json");
    return c;
  }
  std::unique_ptr<HttpClient> Admin() { return As("admin", *admin_token_); }
  HttpResponse Post(HttpClient& c, const std::string& path, const std::string& body) {
    return c.Post(path, body, kJson);
  }
  HttpResponse Patch(HttpClient& c, const std::string& path, const std::string& body) {
    return c.Request("PATCH", path, body, kJson);
  }
  static int64_t UserId(HttpClient& admin, const std::string& name) {
    json::value v = admin.Get("/api/v1/users").Json();
    for (const json::value& u : v.at("items").as_array()) {
      if (u.at("name").as_string() == name) return u.at("id").as_int64();
    }
    ADD_FAILURE() << "no user " << name;
    return 0;
  }

  static fs::path* dir_;
  static std::string* data_;
  static std::string* admin_token_;
  static std::string* olga_token_;
  static std::string* alice_token_;
  static tessera::testing::ServerProcess* server_;
};

fs::path* AdminApiTest::dir_ = nullptr;
std::string* AdminApiTest::data_ = nullptr;
std::string* AdminApiTest::admin_token_ = nullptr;
std::string* AdminApiTest::olga_token_ = nullptr;
std::string* AdminApiTest::alice_token_ = nullptr;
tessera::testing::ServerProcess* AdminApiTest::server_ = nullptr;

// Expects `r` to be an error with the JSON body the API promises.
void ExpectError(const HttpResponse& r, int status) {
  EXPECT_EQ(r.status, status) << r.body;
  json::value v = r.Json();
  ASSERT_TRUE(v.is_object()) << r.body;
  EXPECT_EQ(v.at("http_status").as_string(), std::to_string(status));
  EXPECT_TRUE(v.as_object().contains("title"));
}

TEST_F(AdminApiTest, CredentialsAreRequiredAndChecked) {
  HttpClient anonymous("127.0.0.1", server_->port());
  HttpResponse r = anonymous.Get("/api/v1/whoami");
  ExpectError(r, 401);
  ASSERT_TRUE(r.Header("www-authenticate"));
  EXPECT_NE(r.Header("www-authenticate")->find("realm=\"tessera\""), std::string::npos);
  ExpectError(anonymous.Get("/api/v1/orgs"), 401);
  ExpectError(As("admin", "tsr_0000000000000000_" + std::string(43, 'A'))->Get("/api/v1/whoami"),
              401);
  ExpectError(As("alice", *admin_token_)->Get("/api/v1/whoami"), 401);  // not alice's token

  HttpResponse basic = Admin()->Get("/api/v1/whoami");
  ASSERT_EQ(basic.status, 200) << basic.body;
  EXPECT_EQ(basic.Json().at("user").at("name").as_string(), "admin");
  EXPECT_EQ(basic.Json().at("org").at("name").as_string(), "Tessera hub");
  HttpClient bearer("127.0.0.1", server_->port());
  bearer.SetAuthorization(BearerAuth(*alice_token_));
  HttpResponse who = bearer.Get("/api/v1/whoami");
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(who.Json().at("user").at("role").as_string(), "analyst");
  EXPECT_EQ(who.Header("content-type").value_or(""), "application/json");
}

TEST_F(AdminApiTest, OrganizationsAreForAdmins) {
  auto admin = Admin();
  HttpResponse created = Post(*admin, "/api/v1/orgs", R"({"name": "Initech"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const json::value org = created.Json();
  EXPECT_TRUE(std::string_view(org.at("identity_id").as_string()).starts_with("identity--"));
  EXPECT_EQ(created.Header("location").value_or(""),
            "/api/v1/orgs/" + std::to_string(org.at("id").as_int64()));
  HttpResponse one = admin->Get("/api/v1/orgs/" + std::to_string(org.at("id").as_int64()));
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.Json().at("name").as_string(), "Initech");
  EXPECT_GE(admin->Get("/api/v1/orgs").Json().at("items").as_array().size(), 4u);

  ExpectError(Post(*admin, "/api/v1/orgs", R"({"name": "Initech"})"), 409);
  ExpectError(Post(*admin, "/api/v1/orgs", R"({})"), 400);
  ExpectError(Post(*admin, "/api/v1/orgs", R"({"name": "X", "nmae": "typo"})"), 400);
  ExpectError(Post(*admin, "/api/v1/orgs", R"(["Initech"])"), 400);
  ExpectError(Post(*admin, "/api/v1/orgs", R"({"name": )"), 400);
  ExpectError(admin->Post("/api/v1/orgs", R"({"name": "Y"})", {{"Content-Type", "text/plain"}}),
              415);
  ExpectError(Post(*admin, "/api/v1/orgs", R"({"name": ")" + std::string(70000, 'x') + R"("})"),
              413);
  ExpectError(admin->Get("/api/v1/orgs/999999"), 404);
  ExpectError(admin->Get("/api/v1/orgs/abc"), 404);

  // Every user may look organizations up (EveryUserLooksUpOrganizationsToNameRecipients); only
  // admins add them.
  ExpectError(Post(*As("alice", *alice_token_), "/api/v1/orgs", R"({"name": "Evil"})"), 403);
  ExpectError(Post(*As("olga", *olga_token_), "/api/v1/orgs", R"({"name": "Evil"})"), 403);
}

TEST_F(AdminApiTest, OrgAdminsManageTheirOwnOrganizationOnly) {
  auto olga = As("olga", *olga_token_);
  HttpResponse list = olga->Get("/api/v1/users");
  ASSERT_EQ(list.status, 200) << list.body;
  const json::value users = list.Json();
  std::vector<std::string> names;
  for (const json::value& u : users.at("items").as_array()) {
    names.emplace_back(u.at("name").as_string());
  }
  // Its own organization's users it manages, itself included; not gus (Globex), not the hub's
  // admin, and not syncer, the sync user of its own organization (#15.24: docs/admin.md's rule).
  EXPECT_EQ(names, (std::vector<std::string>{"olga", "alice"}));
  ExpectError(olga->Get("/api/v1/users?org=Globex%20SOC"), 403);

  HttpResponse made = Post(*olga, "/api/v1/users", R"({"name": "andy", "role": "read-only"})");
  ASSERT_EQ(made.status, 201) << made.body;
  const int64_t andy = made.Json().at("id").as_int64();
  ExpectError(
      Post(*olga, "/api/v1/users", R"({"name": "eve", "org": "Globex SOC", "role": "analyst"})"),
      403);
  ExpectError(Post(*olga, "/api/v1/users", R"({"name": "eve", "role": "admin"})"), 403);
  ExpectError(Post(*olga, "/api/v1/users", R"({"name": "eve", "role": "sync"})"), 403);
  ExpectError(Post(*olga, "/api/v1/users", R"({"name": "eve", "role": "root"})"), 400);

  // Tokens for the users it manages; not for sync users, nor outside its organization: those do
  // not exist for it, exactly as a user that does not exist (#15.16).
  HttpResponse token =
      Post(*olga, "/api/v1/tokens", R"({"user": "andy", "expires_in": "1h", "label": "reader"})");
  ASSERT_EQ(token.status, 201) << token.body;
  EXPECT_EQ(token.Header("cache-control").value_or(""), "no-store");
  const std::string andy_token(token.Json().at("token").as_string());
  EXPECT_EQ(token.Json().at("status").as_string(), "active");
  EXPECT_FALSE(token.Json().at("expires").is_null());
  ASSERT_EQ(As("andy", andy_token)->Get("/api/v1/whoami").status, 200);
  HttpResponse for_syncer = Post(*olga, "/api/v1/tokens", R"({"user": "syncer"})");
  HttpResponse for_gus = Post(*olga, "/api/v1/tokens", R"({"user": "gus"})");
  HttpResponse for_nobody = Post(*olga, "/api/v1/tokens", R"({"user": "nobody"})");
  for (const HttpResponse* r : {&for_syncer, &for_gus, &for_nobody}) ExpectError(*r, 404);
  EXPECT_EQ(for_gus.Json().at("description"),
            json::value("no user 'gus' you may create tokens for"));
  EXPECT_EQ(for_nobody.Json().at("description"),
            json::value("no user 'nobody' you may create tokens for"));
  ExpectError(Post(*olga, "/api/v1/tokens", R"({"user": "andy", "expires_in": "soon"})"), 400);
  ExpectError(
      Post(*olga, "/api/v1/tokens", R"({"user": "andy", "expires": "2001-01-01T00:00:00Z"})"), 400);

  // Disabling a user stops its token on the next request; enabling restores it.
  HttpResponse off = Patch(*olga, "/api/v1/users/" + std::to_string(andy), R"({"disabled": true})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_TRUE(off.Json().at("disabled").as_bool());
  ExpectError(As("andy", andy_token)->Get("/api/v1/whoami"), 401);
  ASSERT_EQ(Patch(*olga, "/api/v1/users/" + std::to_string(andy), R"({"disabled": false})").status,
            200);
  EXPECT_EQ(As("andy", andy_token)->Get("/api/v1/whoami").status, 200);
  ExpectError(Patch(*olga, "/api/v1/users/" + std::to_string(andy), R"({"role": "admin"})"), 403);
  HttpResponse promoted =
      Patch(*olga, "/api/v1/users/" + std::to_string(andy), R"({"role": "analyst"})");
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  EXPECT_EQ(promoted.Json().at("role").as_string(), "analyst");

  auto admin = Admin();
  ExpectError(Patch(*olga, "/api/v1/users/" + std::to_string(UserId(*admin, "gus")),
                    R"({"disabled": true})"),
              404);
  ExpectError(Patch(*olga, "/api/v1/users/" + std::to_string(UserId(*admin, "admin")),
                    R"({"disabled": true})"),
              404);
  ExpectError(Patch(*olga, "/api/v1/users/" + std::to_string(UserId(*admin, "syncer")),
                    R"({"disabled": true})"),
              404);
  ExpectError(Patch(*olga, "/api/v1/users/" + std::to_string(andy), R"({"disabled": "yes"})"), 400);
}

TEST_F(AdminApiTest, EveryUserListsAndRevokesItsOwnTokensOnly) {
  const std::string mine = NewToken("gus");
  const std::string spare = NewToken("gus");
  auto gus = As("gus", mine);
  HttpResponse list = gus->Get("/api/v1/tokens");
  ASSERT_EQ(list.status, 200) << list.body;
  const json::array items = list.Json().at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  for (const json::value& t : items) {
    EXPECT_EQ(t.at("user").as_string(), "gus");
    EXPECT_FALSE(t.as_object().contains("token"));
  }
  EXPECT_EQ(list.body.find("tsr_"), std::string::npos) << "a secret in a listing";
  ExpectError(gus->Get("/api/v1/tokens?user=alice"), 404);
  ExpectError(gus->Get("/api/v1/tokens/" + alice_token_->substr(4, 16)), 404);
  ExpectError(gus->Delete("/api/v1/tokens/" + alice_token_->substr(4, 16)), 404);
  // Tokens for itself, whatever its role (issue 17: rotating its own); never for another.
  ExpectError(Post(*gus, "/api/v1/tokens", R"({"user": "alice"})"), 404);
  ExpectError(gus->Get("/api/v1/users"), 403);
  ExpectError(gus->Get("/api/v1/groups"), 403);
  ExpectError(gus->Get("/api/v1/collections"), 403);
  ExpectError(gus->Get("/metrics"), 403);
  EXPECT_EQ(gus->Get("/api/v1/tokens/" + mine.substr(4, 16)).status, 200);

  // Revoking the spare token: it stops at once, the other goes on.
  HttpResponse revoked = gus->Delete("/api/v1/tokens/" + spare.substr(4, 16));
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.Json().at("status").as_string(), "revoked");
  ExpectError(As("gus", spare)->Get("/api/v1/whoami"), 401);
  EXPECT_EQ(gus->Get("/api/v1/whoami").status, 200);
  // A token revoked from the command line (another process) is refused by the running server
  // on its next request, on the admin API and on TAXII alike, though TAXII served it a moment
  // before from what it keeps in memory.
  auto taxii = As("gus", mine);
  taxii->SetAccept("application/taxii+json;version=2.1");
  ASSERT_EQ(taxii->Get("/api/collections/").status, 200);
  ASSERT_EQ(taxii->Get("/api/collections/").status, 200);
  ASSERT_EQ(Tessera({"token", "revoke", mine.substr(4, 16), "--data", *data_}).exit_code, 0);
  EXPECT_EQ(taxii->Get("/api/collections/").status, 401);
  ExpectError(gus->Get("/api/v1/whoami"), 401);
}

TEST_F(AdminApiTest, AdminsManageGroupsAndCollections) {
  auto admin = Admin();
  HttpResponse group = Post(*admin, "/api/v1/groups",
                            R"({"name": "finance-isac", "description": "Banks",
                                "members": ["ACME CERT"]})");
  ASSERT_EQ(group.status, 201) << group.body;
  const std::string gid = std::to_string(group.Json().at("id").as_int64());
  EXPECT_EQ(group.Json().at("members").as_array().size(), 1u);
  ExpectError(Post(*admin, "/api/v1/groups", R"({"name": "x", "members": ["Nope"]})"), 404);

  HttpResponse added =
      Post(*admin, "/api/v1/groups/" + gid + "/members", R"({"org": "Globex SOC"})");
  ASSERT_EQ(added.status, 200) << added.body;
  ASSERT_EQ(added.Json().at("members").as_array().size(), 2u);
  const int64_t first_member = added.Json().at("members").as_array()[0].as_int64();
  HttpResponse removed =
      admin->Delete("/api/v1/groups/" + gid + "/members/" + std::to_string(first_member));
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(removed.Json().at("members").as_array().size(), 1u);
  ExpectError(admin->Delete("/api/v1/groups/" + gid + "/members/" + std::to_string(first_member)),
              404);
  ExpectError(admin->Get("/api/v1/groups/424242"), 404);

  HttpResponse coll = Post(*admin, "/api/v1/collections",
                           R"({"title": "Finance feed", "alias": "fin",
                               "readers": {"groups": ["finance-isac"], "orgs": ["ACME CERT"]},
                               "writers": {"orgs": ["ACME CERT"]},
                               "audience_group": "finance-isac", "default_tlp": "green"})");
  ASSERT_EQ(coll.status, 201) << coll.body;
  const json::value c = coll.Json();
  const std::string cid(c.at("id").as_string());
  EXPECT_EQ(c.at("api_root").as_string(), "api");
  EXPECT_FALSE(c.at("readers").at("all").as_bool());
  EXPECT_EQ(c.at("readers").at("groups").as_array().size(), 1u);
  EXPECT_EQ(c.at("default_tlp").as_string(), "green");
  EXPECT_EQ(coll.Header("location").value_or(""), "/api/v1/collections/" + cid);
  ExpectError(Post(*admin, "/api/v1/collections", R"({"title": "Y", "alias": "fin"})"), 409);
  ExpectError(Post(*admin, "/api/v1/collections", R"({"title": "Y", "default_tlp": "white"})"),
              400);
  ExpectError(Post(*admin, "/api/v1/collections", R"({"title": "Y", "api_root": "nope"})"), 404);
  ExpectError(Post(*admin, "/api/v1/collections", R"({"description": "no title"})"), 400);

  HttpResponse patched = Patch(*admin, "/api/v1/collections/" + cid,
                               R"({"readers": "all", "audience_group": null, "alias": null})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_TRUE(patched.Json().at("readers").at("all").as_bool());
  EXPECT_TRUE(patched.Json().at("audience_group").is_null());
  EXPECT_TRUE(patched.Json().at("alias").is_null());
  EXPECT_EQ(patched.Json().at("title").as_string(), "Finance feed");
  EXPECT_EQ(admin->Get("/api/v1/collections/" + cid).Json().at("default_tlp").as_string(), "green");
  EXPECT_GE(admin->Get("/api/v1/collections?api_root=api").Json().at("items").as_array().size(),
            2u);
  ExpectError(admin->Get("/api/v1/collections?bogus=1"), 400);

  // The CLI sees what the API made.
  CliRun listed = Tessera({"collection", "list", "--data", *data_});
  EXPECT_NE(listed.out.find("Finance feed"), std::string::npos) << listed.out;
}

TEST_F(AdminApiTest, MetricsAreAdminOnlyAndCountRequests) {
  HttpClient anonymous("127.0.0.1", server_->port());
  ExpectError(anonymous.Get("/metrics"), 401);
  auto admin = Admin();
  ASSERT_EQ(admin->Get("/api/v1/whoami").status, 200);
  // One TAXII POST into the default collection: one object added, counted by the TAXII service.
  const std::vector<std::pair<std::string, std::string>> taxii = {
      {"Accept", "application/taxii+json;version=2.1"},
      {"Content-Type", "application/taxii+json;version=2.1"}};
  HttpResponse colls = admin->Get("/api/collections/", taxii);
  ASSERT_EQ(colls.status, 200) << colls.body;
  const std::string coll(colls.Json().at("collections").at(0).at("id").as_string());
  HttpResponse posted =
      admin->Post("/api/collections/" + coll + "/objects/",
                  R"({"objects":[{"type":"indicator","spec_version":"2.1",)"
                  R"("id":"indicator--0f1a8c3e-5b2d-4c8e-9f00-1d2e3f4a5b6c",)"
                  R"("created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
                  R"("pattern":"[ipv4-addr:value = '203.0.113.9']","pattern_type":"stix",)"
                  R"("valid_from":"2026-01-01T00:00:00Z"}]})",
                  taxii);
  ASSERT_EQ(posted.status, 202) << posted.body;
  HttpResponse m = admin->Get("/metrics");
  ASSERT_EQ(m.status, 200) << m.body;
  EXPECT_EQ(m.Header("content-type").value_or("").rfind("text/plain; version=0.0.4", 0), 0u);
  EXPECT_NE(m.body.find("tessera_http_requests_total{route=\"admin\",method=\"GET\",code=\"200\"}"),
            std::string::npos)
      << m.body;
  EXPECT_NE(
      m.body.find("tessera_http_requests_total{route=\"metrics\",method=\"GET\",code=\"401\"}"),
      std::string::npos);
  EXPECT_NE(
      m.body.find("tessera_http_request_duration_seconds_bucket{route=\"admin\",le=\"+Inf\"}"),
      std::string::npos);
  const std::string failures = "\ntessera_auth_failures_total ";
  const size_t at = m.body.find(failures);
  ASSERT_NE(at, std::string::npos) << m.body;
  EXPECT_GE(std::stoi(m.body.substr(at + failures.size())), 1);
  EXPECT_NE(m.body.find("\ntessera_objects_stored "), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("\ntessera_imported_objects_total{result=\"added\"} 1\n"),
            std::string::npos)
      << m.body;
}

// Members look up each other's identity ids to name them as recipients (docs/hub.md): every
// role lists and reads organizations, but sees only their address; writes stay admin-only; a
// looked-up identity id then addresses a TLP:RED object to that organization alone.
TEST_F(AdminApiTest, EveryUserLooksUpOrganizationsToNameRecipients) {
  ASSERT_EQ(Tessera({"user", "add", "rita", "--org", "Globex SOC", "--role", "read-only", "--data",
                     *data_})
                .exit_code,
            0);
  const std::string rita_token = NewToken("rita");
  const std::string gus_token = NewToken("gus");
  const std::vector<std::string> kAddress = {"id", "name", "identity_id", "identity"};
  auto keys = [](const json::value& v) {
    std::vector<std::string> k;
    for (const auto& [key, value] : v.as_object()) k.emplace_back(key);
    return k;
  };

  // The admin's view is the full one, as before.
  auto admin = Admin();
  HttpResponse full = admin->Get("/api/v1/orgs");
  ASSERT_EQ(full.status, 200) << full.body;
  const json::array all = full.Json().at("items").as_array();
  ASSERT_GE(all.size(), 3u) << full.body;  // the hub, ACME CERT, Globex SOC (and Initech)
  for (const json::value& o : all) {
    EXPECT_EQ(keys(o), (std::vector<std::string>{"id", "name", "identity_id", "identity", "created",
                                                 "disabled"}));
  }

  // Every other role sees every organization, with its address only.
  const std::vector<std::pair<std::string, std::string>> members = {
      {"alice", *alice_token_}, {"rita", rita_token}, {"olga", *olga_token_}};
  for (const auto& [user, token] : members) {
    HttpResponse r = As(user, token)->Get("/api/v1/orgs");
    ASSERT_EQ(r.status, 200) << user << ": " << r.body;
    const json::array items = r.Json().at("items").as_array();
    ASSERT_EQ(items.size(), all.size()) << user;
    for (size_t i = 0; i < items.size(); ++i) {
      EXPECT_EQ(keys(items[i]), kAddress) << user << ": " << json::serialize(items[i]);
      for (const std::string& k : kAddress) {
        if (k == "identity") continue;
        EXPECT_EQ(items[i].at(k), all[i].at(k)) << user;
      }
      // The identity as the admin sees it, without the timestamps that tell when it joined.
      json::object undated = all[i].at("identity").as_object();
      undated.erase("created");
      undated.erase("modified");
      EXPECT_EQ(items[i].at("identity"), json::value(undated)) << user;
      const json::value& identity = items[i].at("identity");
      EXPECT_EQ(identity.at("type").as_string(), "identity");
      EXPECT_EQ(identity.at("id"), items[i].at("identity_id"));
      EXPECT_EQ(identity.at("identity_class").as_string(), "organization");
      EXPECT_EQ(identity.at("name"), items[i].at("name"));
    }
  }

  // One organization, by name, identity id or numeric id.
  auto alice = As("alice", *alice_token_);
  HttpResponse globex = alice->Get("/api/v1/orgs/Globex%20SOC");
  ASSERT_EQ(globex.status, 200) << globex.body;
  EXPECT_EQ(keys(globex.Json()), kAddress);
  const std::string globex_identity(globex.Json().at("identity_id").as_string());
  const std::string globex_id = std::to_string(globex.Json().at("id").as_int64());
  ASSERT_TRUE(globex_identity.starts_with("identity--")) << globex.body;
  EXPECT_EQ(As("rita", rita_token)->Get("/api/v1/orgs/" + globex_identity).Json(), globex.Json());
  EXPECT_EQ(alice->Get("/api/v1/orgs/" + globex_id).Json(), globex.Json());
  HttpResponse admin_one = admin->Get("/api/v1/orgs/" + globex_identity);
  ASSERT_EQ(admin_one.status, 200) << admin_one.body;
  EXPECT_TRUE(admin_one.Json().as_object().contains("created"));
  ExpectError(alice->Get("/api/v1/orgs/No%20Such%20Org"), 404);
  ExpectError(alice->Get("/api/v1/orgs/identity--00000000-0000-4000-8000-000000000000"), 404);
  ExpectError(alice->Get("/api/v1/orgs/999999"), 404);

  // Writes stay admin-only: adding, renaming, disabling and deleting (whether the organization
  // is another's or the member's own).
  ExpectError(Post(*alice, "/api/v1/orgs", R"({"name": "Evil"})"), 403);
  ExpectError(Post(*As("rita", rita_token), "/api/v1/orgs", R"({"name": "Evil"})"), 403);
  ExpectError(Patch(*alice, "/api/v1/orgs/" + globex_id, R"({"name": "Evil"})"), 403);
  ExpectError(Patch(*alice, "/api/v1/orgs/ACME%20CERT", R"({"disabled": true})"), 403);
  ExpectError(Patch(*As("olga", *olga_token_), "/api/v1/orgs/ACME%20CERT", R"({"name": "Evil"})"),
              403);
  ExpectError(alice->Delete("/api/v1/orgs/" + globex_id), 403);
  EXPECT_EQ(admin->Get("/api/v1/orgs").Json().at("items").as_array().size(), all.size());
  EXPECT_EQ(admin->Get("/api/v1/orgs/" + globex_id).Json().at("name").as_string(), "Globex SOC");
  // Sharing groups stay visible to their members only (and admins): not listed for members.
  ExpectError(alice->Get("/api/v1/groups"), 403);

  // alice addresses a TLP:RED indicator to Globex by the identity id it looked up: gus (Globex)
  // reads it, the admin (the hub's organization) does not.
  const std::vector<std::pair<std::string, std::string>> taxii = {
      {"Accept", "application/taxii+json;version=2.1"},
      {"Content-Type", "application/taxii+json;version=2.1"}};
  auto addressed = taxii;
  addressed.emplace_back("X-Tessera-Recipients", globex_identity);
  HttpResponse colls = alice->Get("/api/collections/", taxii);
  ASSERT_EQ(colls.status, 200) << colls.body;
  const std::string objects =
      "/api/collections/" + std::string(colls.Json().at("collections").at(0).at("id").as_string()) +
      "/objects/";
  const std::string indicator = "indicator--6d1f4b2a-9c3e-4f5a-8b7d-2e1c0a9f8b73";
  HttpResponse posted = alice->Post(
      objects,
      R"({"objects":[{"type":"indicator","spec_version":"2.1","id":")" + indicator +
          R"(","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
          R"("pattern":"[ipv4-addr:value = '198.51.100.77']","pattern_type":"stix",)"
          R"("valid_from":"2026-01-01T00:00:00Z","object_marking_refs":)"
          R"(["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]}]})",
      addressed);
  ASSERT_EQ(posted.status, 202) << posted.body;
  EXPECT_EQ(posted.Json().at("success_count").to_number<int64_t>(), 1) << posted.body;
  HttpResponse seen = As("gus", gus_token)->Get(objects + indicator + "/", taxii);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.Json().at("objects").at(0).at("id").as_string(), indicator);
  EXPECT_EQ(alice->Get(objects + indicator + "/", taxii).status, 200);  // the provider
  EXPECT_EQ(admin->Get(objects + indicator + "/", taxii).status, 404);
}

TEST_F(AdminApiTest, MembersLearnTheirOwnSharingGroupsNamesInWhoami) {
  auto admin = Admin();
  HttpResponse mine = Post(*admin, "/api/v1/groups",
                           R"({"name": "whoami-acme-circle", "description": "ACME's circle",
                               "members": ["ACME CERT"]})");
  ASSERT_EQ(mine.status, 201) << mine.body;
  HttpResponse theirs = Post(*admin, "/api/v1/groups",
                             R"({"name": "whoami-globex-circle", "description": "Globex only",
                                 "members": ["Globex SOC"]})");
  ASSERT_EQ(theirs.status, 201) << theirs.body;
  const int64_t mine_id = mine.Json().at("id").as_int64();
  const int64_t theirs_id = theirs.Json().at("id").as_int64();

  // The ids of `groups` and the entries of `sharing_groups`, which must name the same groups.
  auto groups_of = [](const json::value& who) {
    std::vector<int64_t> ids;
    for (const json::value& g : who.at("groups").as_array()) ids.push_back(g.as_int64());
    std::vector<int64_t> named;
    for (const json::value& g : who.at("sharing_groups").as_array()) {
      EXPECT_EQ(g.as_object().size(), 3u) << json::serialize(g);  // id, name, description only
      named.push_back(g.at("id").as_int64());
    }
    EXPECT_EQ(ids, named) << json::serialize(who);
    return who.at("sharing_groups").as_array();
  };
  auto find = [](const json::array& groups, int64_t id) -> const json::value* {
    for (const json::value& g : groups) {
      if (g.at("id").as_int64() == id) return &g;
    }
    return nullptr;
  };

  // alice (ACME CERT, analyst) sees her organization's group by name, and nothing of Globex's.
  auto alice = As("alice", *alice_token_);
  HttpResponse who = alice->Get("/api/v1/whoami");
  ASSERT_EQ(who.status, 200) << who.body;
  const json::array alice_groups = groups_of(who.Json());
  const json::value* circle = find(alice_groups, mine_id);
  ASSERT_NE(circle, nullptr) << who.body;
  EXPECT_EQ(circle->at("name").as_string(), "whoami-acme-circle");
  EXPECT_EQ(circle->at("description").as_string(), "ACME's circle");
  EXPECT_EQ(find(alice_groups, theirs_id), nullptr) << who.body;
  EXPECT_EQ(who.body.find("whoami-globex-circle"), std::string::npos) << who.body;
  EXPECT_EQ(who.body.find("Globex only"), std::string::npos) << who.body;

  // gus (Globex SOC) the other way round.
  HttpResponse gus_who = As("gus", NewToken("gus"))->Get("/api/v1/whoami");
  ASSERT_EQ(gus_who.status, 200) << gus_who.body;
  const json::array gus_groups = groups_of(gus_who.Json());
  ASSERT_NE(find(gus_groups, theirs_id), nullptr) << gus_who.body;
  EXPECT_EQ(find(gus_groups, theirs_id)->at("name").as_string(), "whoami-globex-circle");
  EXPECT_EQ(find(gus_groups, mine_id), nullptr) << gus_who.body;
  EXPECT_EQ(gus_who.body.find("whoami-acme-circle"), std::string::npos) << gus_who.body;

  // The admin's organization (the hub's) is in neither group: whoami is about the caller's own.
  HttpResponse admin_who = admin->Get("/api/v1/whoami");
  ASSERT_EQ(admin_who.status, 200) << admin_who.body;
  EXPECT_EQ(find(groups_of(admin_who.Json()), mine_id), nullptr) << admin_who.body;

  // The name alice learned is the one she posts with; Globex's is refused to her.
  const std::vector<std::pair<std::string, std::string>> taxii = {
      {"Accept", "application/taxii+json;version=2.1"},
      {"Content-Type", "application/taxii+json;version=2.1"}};
  HttpResponse colls = alice->Get("/api/collections/", taxii);
  ASSERT_EQ(colls.status, 200) << colls.body;
  const json::value listed = colls.Json();
  std::string objects;
  for (const json::value& c : listed.at("collections").as_array()) {
    if (c.at("can_write").as_bool()) {
      objects = "/api/collections/" + std::string(c.at("id").as_string()) + "/objects/";
      break;
    }
  }
  ASSERT_FALSE(objects.empty()) << colls.body;
  auto post_to_group = [&](const std::string& group, const std::string& uuid) {
    auto headers = taxii;
    headers.emplace_back("X-Tessera-Sharing-Group", group);
    HttpResponse r = alice->Post(
        objects,
        R"({"objects":[{"type":"indicator","spec_version":"2.1","id":"indicator--)" + uuid +
            R"(","created":"2026-02-01T00:00:00.000Z","modified":"2026-02-01T00:00:00.000Z",)"
            R"("pattern":"[ipv4-addr:value = '198.51.100.78']","pattern_type":"stix",)"
            R"("valid_from":"2026-02-01T00:00:00Z"}]})",
        headers);
    EXPECT_EQ(r.status, 202) << r.body;
    return r.Json().at("success_count").to_number<int64_t>();
  };
  EXPECT_EQ(post_to_group(std::string(circle->at("name").as_string()),
                          "3b9e1c7a-5d2f-4e8b-9a6c-1f0d2e3c4b5a"),
            1);
  EXPECT_EQ(post_to_group("whoami-globex-circle", "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"), 0);
}

// #15.16: a member cannot tell a user of another organization from one that does not exist.
TEST_F(AdminApiTest, TokenListsDoNotTellWhichUserNamesExist) {
  auto olga = As("olga", *olga_token_);
  auto alice = As("alice", *alice_token_);
  for (HttpClient* c : {olga.get(), alice.get()}) {
    HttpResponse other = c->Get("/api/v1/tokens?user=gus");
    HttpResponse missing = c->Get("/api/v1/tokens?user=no-such-user");
    HttpResponse hub_admin = c->Get("/api/v1/tokens?user=admin");
    for (const HttpResponse* r : {&other, &missing, &hub_admin}) ExpectError(*r, 404);
    EXPECT_EQ(other.Json().at("description"),
              json::value("no user 'gus' whose tokens you may see"));
    EXPECT_EQ(missing.Json().at("description"),
              json::value("no user 'no-such-user' whose tokens you may see"));
  }
  // The sync user of olga's own organization is not hers to see either.
  ExpectError(olga->Get("/api/v1/tokens?user=syncer"), 404);
  EXPECT_EQ(olga->Get("/api/v1/tokens?user=alice").status, 200);
}

// #15.17: a refused credential is answered the same whatever is wrong with it; the reason is in
// the server log only.
TEST_F(AdminApiTest, EveryRefusedCredentialGetsTheSameAnswer) {
  const std::string revoked = NewToken("gus");
  ASSERT_EQ(Tessera({"token", "revoke", revoked.substr(4, 16), "--data", *data_}).exit_code, 0);
  std::string wrong = *alice_token_;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  std::vector<std::unique_ptr<HttpClient>> clients;
  clients.push_back(As("gus", revoked));        // revoked
  clients.push_back(As("alice", wrong));        // wrong secret
  clients.push_back(As("gus", *alice_token_));  // another user's token
  clients.push_back(As("alice", "tsr_0123456789abcdef_" + std::string(43, 'x')));  // unknown
  clients.push_back(As("alice", "not-a-token"));                                   // malformed
  std::string first;
  for (auto& c : clients) {
    HttpResponse r = c->Get("/api/v1/whoami");
    ExpectError(r, 401);
    const std::string description(r.Json().at("description").as_string());
    if (first.empty()) first = description;
    EXPECT_EQ(description, first);
    for (const char* leak : {"gus", "alice", "revoked", "belong", "expired", "disabled user '"}) {
      EXPECT_EQ(description.find(leak), std::string::npos) << leak << " in: " << description;
    }
  }
}

// #15.12: wrong secrets for one (public) token id are refused with 429 and Retry-After after a
// few, without any work, while its holder, whom the server has seen, goes on.
TEST_F(AdminApiTest, RepeatedWrongSecretsForATokenAre429) {
  const std::string target = NewToken("alice");
  ASSERT_EQ(As("alice", target)->Get("/api/v1/whoami").status, 200);
  std::string wrong = target;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  auto attacker = As("alice", wrong);
  HttpResponse r;
  int refused = 0;
  for (int i = 0; i < 12 && r.status != 429; ++i) {
    r = attacker->Get("/api/v1/whoami");
    if (r.status == 401) ++refused;
  }
  ExpectError(r, 429);
  EXPECT_EQ(refused, 10) << "the documented bound: 10 failures per token id per minute";
  EXPECT_EQ(r.Header("retry-after").value_or(""), "60");
  EXPECT_EQ(As("alice", target)->Get("/api/v1/whoami").status, 200);
}

// #15.7: an org-admin mints a token for an analyst; an admin then promotes the analyst to admin
// or sync. The org-admin must not be left holding an admin's credentials.
TEST_F(AdminApiTest, PromotionToAdminOrSyncRevokesTokensAnOrgAdminCouldHaveMade) {
  auto olga = As("olga", *olga_token_);
  auto admin = Admin();
  for (const char* role : {"admin", "sync"}) {
    const std::string name = std::string("promoted-") + role;
    HttpResponse made =
        Post(*olga, "/api/v1/users", R"({"name": ")" + name + R"(", "role": "analyst"})");
    ASSERT_EQ(made.status, 201) << made.body;
    const std::string id = std::to_string(made.Json().at("id").as_int64());
    HttpResponse minted = Post(*olga, "/api/v1/tokens", R"({"user": ")" + name + R"("})");
    ASSERT_EQ(minted.status, 201) << minted.body;
    const std::string token(minted.Json().at("token").as_string());
    ASSERT_EQ(As(name, token)->Get("/api/v1/whoami").status, 200);

    HttpResponse promoted =
        Patch(*admin, "/api/v1/users/" + id, R"({"role": ")" + std::string(role) + R"("})");
    ASSERT_EQ(promoted.status, 200) << promoted.body;
    EXPECT_EQ(promoted.Json().at("role").as_string(), role);
    EXPECT_EQ(promoted.Json().at("revoked_tokens"),
              json::array({json::string(token.substr(4, 16))}));
    ExpectError(As(name, token)->Get("/api/v1/whoami"), 401);
    // The user is no longer olga's to see; an admin's fresh token carries the new role.
    ExpectError(olga->Get("/api/v1/users/" + id), 404);
    HttpResponse fresh = Post(*admin, "/api/v1/tokens", R"({"user": ")" + name + R"("})");
    ASSERT_EQ(fresh.status, 201) << fresh.body;
    HttpResponse who =
        As(name, std::string(fresh.Json().at("token").as_string()))->Get("/api/v1/whoami");
    ASSERT_EQ(who.status, 200) << who.body;
    EXPECT_EQ(who.Json().at("user").at("role").as_string(), role);
  }
  // A change an org-admin could have made itself revokes nothing.
  HttpResponse made = Post(*olga, "/api/v1/users", R"({"name": "kept", "role": "read-only"})");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string id = std::to_string(made.Json().at("id").as_int64());
  HttpResponse minted = Post(*olga, "/api/v1/tokens", R"({"user": "kept"})");
  ASSERT_EQ(minted.status, 201);
  HttpResponse changed = Patch(*olga, "/api/v1/users/" + id, R"({"role": "analyst"})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.Json().at("revoked_tokens"), json::array());
  EXPECT_EQ(
      As("kept", std::string(minted.Json().at("token").as_string()))->Get("/api/v1/whoami").status,
      200);
}

// #15.23: an absolute expiry is bounded as a duration is (100 years).
TEST_F(AdminApiTest, TokenExpiryIsBoundedEitherWay) {
  auto admin = Admin();
  ExpectError(
      Post(*admin, "/api/v1/tokens", R"({"user": "alice", "expires": "9999-12-31T00:00:00Z"})"),
      400);
  ExpectError(Post(*admin, "/api/v1/tokens", R"({"user": "alice", "expires_in": "101y"})"), 400);
  ExpectError(Post(*admin, "/api/v1/tokens", R"({"user": "alice", "expires_in": "5300w"})"), 400);
  EXPECT_EQ(
      Post(*admin, "/api/v1/tokens", R"({"user": "alice", "expires": "2090-01-01T00:00:00Z"})")
          .status,
      201);
}

// #15.24: names and labels that would print as something else are refused where they are made.
TEST_F(AdminApiTest, NamesAndLabelsWithControlOrFormatCharactersAreRefused) {
  auto admin = Admin();
  // JSON escapes: a newline, a C1 control, a right-to-left override, a zero-width space.
  for (const char* name :
       {R"(eve\nadmin)", R"(eve\u009b31m)", R"(eve\u202eadmin)", R"(ad\u200bmin)"}) {
    HttpResponse r =
        Post(*admin, "/api/v1/users",
             std::string(R"({"name": ")") + name + R"(", "org": "ACME CERT", "role": "analyst"})");
    ExpectError(r, 400);
    ExpectError(Post(*admin, "/api/v1/orgs", std::string(R"({"name": ")") + name + R"("})"), 400);
    ExpectError(Post(*admin, "/api/v1/tokens",
                     std::string(R"({"user": "alice", "label": ")") + name + R"("})"),
                400);
  }
  EXPECT_EQ(
      Post(*admin, "/api/v1/tokens", R"({"user": "alice", "label": "Zürich SOC – feed"})").status,
      201);
}

// #15.24: what a non-admin sees of an organization does not tell when it joined, not even through
// its identity's timestamps.
TEST_F(AdminApiTest, NonAdminsDoNotSeeWhenAnOrganizationJoined) {
  HttpResponse r = As("alice", *alice_token_)->Get("/api/v1/orgs/Globex%20SOC");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value org = r.Json();
  EXPECT_FALSE(org.as_object().contains("created"));
  const json::object& identity = org.at("identity").as_object();
  EXPECT_FALSE(identity.contains("created")) << r.body;
  EXPECT_FALSE(identity.contains("modified")) << r.body;
  EXPECT_EQ(identity.at("type").as_string(), "identity");
  HttpResponse full = Admin()->Get("/api/v1/orgs/Globex%20SOC");
  ASSERT_EQ(full.status, 200);
  EXPECT_TRUE(full.Json().at("identity").as_object().contains("created"));
}

}  // namespace

namespace {

// GET and POST /api/v1/search: each user finds what it may read, and what it may not read is
// answered as what nobody holds (issue 16).
TEST_F(AdminApiTest, SearchFindsWhatTheAskerMayReadAndNothingElse) {
  const std::string bundle =
      R"({"type":"bundle","id":"bundle--6b4f5c1e-2f0a-4c55-9d0e-0d1b2c3d4e5f","objects":[)"
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--5a1b6e0c-6f4d-4e2b-9a51-0c7d3e2f1a10",)"
      R"("created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"c2 range",)"
      R"("pattern":"[ipv4-addr:value = '203.0.113.0/24']","pattern_type":"stix",)"
      R"("valid_from":"2026-01-01T00:00:00Z","object_marking_refs":)"
      R"(["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]},)"
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--5a1b6e0c-6f4d-4e2b-9a51-0c7d3e2f1a11",)"
      R"("created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
      R"("pattern":"[ipv4-addr:value = '192.0.2.77']","pattern_type":"stix",)"
      R"("valid_from":"2026-01-01T00:00:00Z","object_marking_refs":)"
      R"(["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]}]})";
  const std::string file = (*dir_ / "search.json").string();
  {
    std::FILE* f = std::fopen(file.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(bundle.c_str(), f);
    std::fclose(f);
  }
  // The operator imports: the RED indicator is the hub organization's alone.
  ASSERT_EQ(Tessera({"import", file, "--data", *data_}).exit_code, 0);

  auto alice = As("alice", *alice_token_);
  HttpResponse r = alice->Get("/api/v1/search?value=203.0.113.66");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value answer = r.Json();
  const json::value& found = answer.at("results").at(0);
  EXPECT_EQ(found.at("value"), "203.0.113.66");
  EXPECT_EQ(found.at("found"), true);
  ASSERT_EQ(found.at("hits").as_array().size(), 1u);
  const json::value& hit = found.at("hits").at(0);
  EXPECT_EQ(hit.at("id"), "indicator--5a1b6e0c-6f4d-4e2b-9a51-0c7d3e2f1a10");
  EXPECT_EQ(hit.at("name"), "c2 range");
  EXPECT_EQ(hit.at("tlp"), "green");
  EXPECT_EQ(hit.at("matched"), "ip:203.0.113.0/24");

  // Another organization's RED indicator: the same answer as a value nobody holds.
  HttpResponse hidden = alice->Get("/api/v1/search?value=192.0.2.77");
  HttpResponse unknown = alice->Get("/api/v1/search?value=192.0.2.78");
  ASSERT_EQ(hidden.status, 200);
  ASSERT_EQ(unknown.status, 200);
  std::string unknown_body = unknown.body;
  unknown_body.replace(unknown_body.find("192.0.2.78"), 10, "192.0.2.77");
  EXPECT_EQ(hidden.body, unknown_body);
  // The operator's own organization reads it (admin is a user of the hub organization).
  const json::value admin_answer = Admin()->Get("/api/v1/search?value=192.0.2.77").Json();
  EXPECT_EQ(admin_answer.at("results").at(0).at("found"), true);

  // Bulk: each value answered in the order given.
  r = Post(*alice, "/api/v1/search", R"({"values": ["192.0.2.78", "203.0.113.1"]})");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value bulk = r.Json();
  EXPECT_EQ(bulk.at("results").at(0).at("found"), false);
  EXPECT_EQ(bulk.at("results").at(1).at("found"), true);

  // Errors.
  std::string many = R"({"values": [)";
  for (int i = 0; i < 10001; ++i) many += (i ? ",\"x" : "\"x") + std::to_string(i) + "\"";
  many += "]}";
  HttpResponse too_many = Post(*alice, "/api/v1/search", many);
  ExpectError(too_many, 400);
  EXPECT_NE(too_many.body.find("10000"), std::string::npos) << too_many.body;
  // Full text: the names alice may read; the RED indicator has none, and a word of another
  // organization's RED object answers as a word nobody used.
  r = alice->Get("/api/v1/search?text=c2+ran*&sort=relevance&limit=5");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json().at("hits").as_array().size(), 1u);
  EXPECT_EQ(r.Json().at("hits").at(0).at("id"), "indicator--5a1b6e0c-6f4d-4e2b-9a51-0c7d3e2f1a10");
  EXPECT_EQ(r.Json().at("hits").at(0).at("matched"), "text");
  r = Post(*alice, "/api/v1/search", R"({"text": "\"c2 range\"", "limit": 10})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json().at("found"), true);
  ExpectError(alice->Get("/api/v1/search?text="), 400);
  ExpectError(alice->Get("/api/v1/search?text=-c2"), 400);
  ExpectError(alice->Get("/api/v1/search?text=c2&value=1.2.3.4"), 400);
  ExpectError(alice->Get("/api/v1/search?text=c2&limit=0"), 400);
  ExpectError(alice->Get("/api/v1/search?text=c2&sort=size"), 400);
  ExpectError(alice->Get("/api/v1/search?value=1.2.3.4&limit=5"), 400);
  ExpectError(Post(*alice, "/api/v1/search", R"({"text": ["a", "b"]})"), 400);
  ExpectError(Post(*alice, "/api/v1/search", R"({"text": {"a": 1}})"), 400);
  ExpectError(alice->Get("/api/v1/search?sort=relevance"), 400);  // a listing is newest first
  ExpectError(alice->Get("/api/v1/search?q=1.2.3.4"), 400);
  ExpectError(alice->Get("/api/v1/search?value="), 400);
  ExpectError(Post(*alice, "/api/v1/search", R"({"values": "1.2.3.4"})"), 400);
  ExpectError(Post(*alice, "/api/v1/search", R"({"values": [1]})"), 400);
  ExpectError(alice->Post("/api/v1/search", R"({"values": []})", {{"Content-Type", "text/plain"}}),
              415);
  HttpClient anonymous("127.0.0.1", server_->port());
  EXPECT_EQ(anonymous.Get("/api/v1/search?value=203.0.113.66").status, 401);
}

// ---- the web interface's routes: patterns, the graph, the sharing preview -------------------

// Writes `text` to a file of the test directory named `name` and returns its path.
std::string WriteTestFile(const fs::path& dir, const std::string& name, const std::string& text) {
  const std::string file = (dir / name).string();
  std::FILE* f = std::fopen(file.c_str(), "w");
  EXPECT_NE(f, nullptr);
  if (f != nullptr) {
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
  return file;
}

// POST /api/v1/patterns/check answers what `tessera pattern check` says, as JSON.
TEST_F(AdminApiTest, PatternCheckTellsErrorsWarningsAndComparisons) {
  auto alice = As("alice", *alice_token_);
  const auto check = [&](const std::string& pattern) {
    json::object body{{"pattern", pattern}};
    HttpResponse r = Post(*alice, "/api/v1/patterns/check", json::serialize(body));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  };
  json::value v = check("[ipv4-addr:value = '203.0.113.66']");
  EXPECT_EQ(v.at("valid"), true);
  EXPECT_TRUE(v.at("warnings").as_array().empty());
  EXPECT_EQ(v.at("single_observation"), true);
  ASSERT_EQ(v.at("comparisons").as_array().size(), 1u);
  EXPECT_EQ(v.at("comparisons").at(0),
            json::parse(R"({"position": 1, "path": "ipv4-addr:value", "operator": "=",
                            "value": "203.0.113.66", "negated": false})"));

  v = check(
      "[ipv4-addr:value = '1.2.3.4'] AND [domain-name:value NOT IN ('a.example', 'b.example')]");
  EXPECT_EQ(v.at("valid"), true);
  EXPECT_EQ(v.at("single_observation"), false);
  ASSERT_EQ(v.at("comparisons").as_array().size(), 2u);
  EXPECT_EQ(v.at("comparisons").at(1),
            json::parse(R"j({"position": 35, "path": "domain-name:value", "operator": "IN",
                            "value": "('a.example', 'b.example')", "negated": true})j"));

  v = check("[ipv4-addr:value = '999.0.113.5']");
  EXPECT_EQ(v.at("valid"), true);
  ASSERT_EQ(v.at("warnings").as_array().size(), 1u);
  EXPECT_EQ(v.at("warnings").at(0).at("position"), 1);
  EXPECT_EQ(v.at("warnings").at(0).at("message"),
            "'999.0.113.5' can never match ipv4-addr:value, which is an IPv4 address or CIDR "
            "block");

  v = check("[ipv4-addr:value = ]");
  EXPECT_EQ(v, json::parse(R"({"valid": false, "error": {"position": 19, "message":
      "expected a constant (string, number, boolean, b'...', h'...' or t'...'), found ']'"}})"));
  v = check("[file:hashes.'SHA-256' = 'abc']");
  EXPECT_EQ(v.at("valid"), false);
  EXPECT_EQ(v.at("error").at("position"), 1);
  EXPECT_EQ(v.at("error").at("message"), "'abc' is not a valid SHA-256 hash (64 hex digits)");

  // The body: the pattern alone, a string, at most 64 KiB.
  ExpectError(Post(*alice, "/api/v1/patterns/check", R"({})"), 400);
  ExpectError(Post(*alice, "/api/v1/patterns/check", R"({"pattern": 7})"), 400);
  ExpectError(Post(*alice, "/api/v1/patterns/check", R"({"pattern": "[a:b = 'c']", "x": 1})"), 400);
  const std::string long_pattern = "[x-a:b = '" + std::string(64 * 1024, 'a') + "']";
  HttpResponse too_long = Post(*alice, "/api/v1/patterns/check",
                               json::serialize(json::object{{"pattern", long_pattern}}));
  ExpectError(too_long, 400);
  EXPECT_NE(too_long.body.find("65536"), std::string::npos) << too_long.body;
  ExpectError(alice->Post("/api/v1/patterns/check", R"({"pattern": "[a:b = 'c']"})",
                          {{"Content-Type", "text/plain"}}),
              415);
  HttpClient anonymous("127.0.0.1", server_->port());
  EXPECT_EQ(anonymous.Post("/api/v1/patterns/check", R"({"pattern": "[a:b = 'c']"})", kJson).status,
            401);
}

// The ids of the hits in `list`, in order.
std::vector<std::string> IdsOf(const json::value& list) {
  std::vector<std::string> ids;
  for (const json::value& h : list.as_array()) ids.emplace_back(h.at("id").as_string());
  return ids;
}

// GET /api/v1/objects/{id}/related: the relationships and sightings around an object and the
// objects at their other ends, as far as the asker reads them.
TEST_F(AdminApiTest, RelatedAnswersTheGraphTheAskerReads) {
  const std::string green =
      R"("object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"])";
  const std::string red =
      R"("object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"])";
  const std::string t =
      R"("created":"2026-02-01T00:00:00.000Z","modified":"2026-02-01T00:00:00.000Z",)";
  const std::string ind = "indicator--7a000000-0000-4000-8000-000000000001";
  const std::string mal = "malware--7a000000-0000-4000-8000-000000000002";
  const std::string red_mal = "malware--7a000000-0000-4000-8000-000000000003";
  const std::string rel = "relationship--7a000000-0000-4000-8000-000000000004";
  const std::string red_rel = "relationship--7a000000-0000-4000-8000-000000000005";
  const std::string sig = "sighting--7a000000-0000-4000-8000-000000000006";
  const std::string hub_target = "malware--7a000000-0000-4000-8000-000000000007";
  std::string objects =
      R"({"type":"indicator","spec_version":"2.1","id":")" + ind + R"(",)" + t +
      R"("name":"graph c2","pattern":"[ipv4-addr:value = '198.51.100.9']","pattern_type":"stix",)"
      R"("valid_from":"2026-01-01T00:00:00Z",)" +
      green + "}," + R"({"type":"malware","spec_version":"2.1","id":")" + mal + R"(",)" + t +
      R"("name":"graph malware","is_family":true,)" + green + "}," +
      R"({"type":"malware","spec_version":"2.1","id":")" + red_mal + R"(",)" + t +
      R"("name":"secret malware","is_family":true,)" + red + "}," +
      R"({"type":"relationship","spec_version":"2.1","id":")" + rel + R"(",)" + t +
      R"("relationship_type":"indicates","source_ref":")" + ind + R"(","target_ref":")" + mal +
      R"(",)" + green + "}," + R"({"type":"relationship","spec_version":"2.1","id":")" + red_rel +
      R"(",)" + t + R"("relationship_type":"indicates","source_ref":")" + ind +
      R"(","target_ref":")" + red_mal + R"(",)" + green + "}," +
      R"({"type":"sighting","spec_version":"2.1","id":")" + sig + R"(",)" + t +
      R"("count":3,"sighting_of_ref":")" + ind +
      R"(","where_sighted_refs":["identity--7a000000-0000-4000-8000-0000000000ff"],)" + green +
      "}," + R"({"type":"malware","spec_version":"2.1","id":")" + hub_target + R"(",)" + t +
      R"("name":"popular","is_family":true,)" + green + "}";
  // More relationships to one object than one answer holds.
  for (int i = 0; i < 101; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "relationship--7b000000-0000-4000-8000-%012d", i);
    objects += R"(,{"type":"relationship","spec_version":"2.1","id":")" + std::string(id) +
               R"(",)" + t + R"("relationship_type":"related-to","source_ref":")" + mal +
               R"(","target_ref":")" + hub_target + R"(",)" + green + "}";
  }
  const std::string file = WriteTestFile(
      *dir_, "graph.json",
      R"({"type":"bundle","id":"bundle--7a000000-0000-4000-8000-0000000000aa","objects":[)" +
          objects + "]}");
  ASSERT_EQ(Tessera({"import", file, "--data", *data_}).exit_code, 0);

  auto alice = As("alice", *alice_token_);
  const auto related = [&](HttpClient& c, const std::string& id, const std::string& query = "") {
    HttpResponse r = c.Get("/api/v1/objects/" + id + "/related" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r;
  };
  // The indicator: two relationships point from it and a sighting of it; the RED malware at the
  // end of one is no node for alice.
  json::value v = related(*alice, ind).Json();
  EXPECT_EQ(v.at("id"), json::value(ind));
  EXPECT_EQ(v.at("truncated"), false);
  std::vector<std::string> edges = IdsOf(v.at("edges"));
  EXPECT_THAT(edges, ::testing::UnorderedElementsAre(rel, red_rel, sig));
  EXPECT_THAT(IdsOf(v.at("nodes")), ::testing::ElementsAre(mal));
  for (const json::value& e : v.at("edges").as_array()) {
    EXPECT_EQ(e.at("matched"), json::value("ref:" + ind));
    EXPECT_EQ(e.at("tlp"), "green");
    EXPECT_EQ(e.at("object").at("id"), e.at("id"));
    const std::string id(e.at("id").as_string());
    if (id == sig) {
      EXPECT_EQ(e.at("object").at("count"), 3);
    }
    if (id == rel) {
      EXPECT_EQ(e.at("object").at("relationship_type"), "indicates");
    }
  }
  EXPECT_EQ(v.at("nodes").at(0).at("name"), "graph malware");
  EXPECT_EQ(v.at("nodes").at(0).at("matched"), "target_ref");
  // The admin's organization provided them all: it reads the RED malware too.
  json::value admin_view = related(*Admin(), ind).Json();
  EXPECT_THAT(IdsOf(admin_view.at("nodes")), ::testing::UnorderedElementsAre(mal, red_mal));

  // A relationship: itself, and its two ends.
  v = related(*alice, rel).Json();
  EXPECT_THAT(IdsOf(v.at("edges")), ::testing::ElementsAre(rel));
  EXPECT_EQ(v.at("edges").at(0).at("matched"), "self");
  EXPECT_THAT(IdsOf(v.at("nodes")), ::testing::ElementsAre(ind, mal));
  // The sighting: itself and what it sighted (where it was sighted is stored nowhere).
  v = related(*alice, sig).Json();
  EXPECT_THAT(IdsOf(v.at("edges")), ::testing::ElementsAre(sig));
  EXPECT_THAT(IdsOf(v.at("nodes")), ::testing::ElementsAre(ind));
  EXPECT_EQ(v.at("nodes").at(0).at("matched"), "sighting_of_ref");
  // A relationship whose other end alice may not read.
  v = related(*alice, red_rel).Json();
  EXPECT_THAT(IdsOf(v.at("nodes")), ::testing::ElementsAre(ind));

  // The RED malware answers alice exactly as an id nobody stored; the admin sees its edge.
  const std::string unknown = "malware--7a000000-0000-4000-8000-0000000000ee";
  std::string hidden_body = related(*alice, red_mal).body;
  std::string unknown_body = related(*alice, unknown).body;
  unknown_body.replace(unknown_body.find(unknown), unknown.size(), red_mal);
  EXPECT_EQ(hidden_body, unknown_body);
  EXPECT_EQ(json::parse(hidden_body),
            json::parse(R"({"id": ")" + red_mal + R"(", "edges": [], "nodes": [],
                            "truncated": false})"));
  EXPECT_THAT(IdsOf(related(*Admin(), red_mal).Json().at("edges")),
              ::testing::ElementsAre(red_rel));

  // More edges than one answer holds.
  v = related(*alice, hub_target).Json();
  EXPECT_EQ(v.at("truncated"), true);
  EXPECT_EQ(v.at("edges").as_array().size(), 100u);
  EXPECT_THAT(IdsOf(v.at("nodes")), ::testing::ElementsAre(mal));

  // The collection filter: a collection alice does not read (or that does not exist) holds
  // nothing.
  v = related(*alice, rel, "?collection=00000000-0000-4000-8000-000000000000").Json();
  EXPECT_TRUE(v.at("edges").as_array().empty());
  const std::string default_collection(
      related(*alice, rel).Json().at("edges").at(0).at("collection").as_string());
  v = related(*alice, rel, "?collection=" + default_collection).Json();
  EXPECT_THAT(IdsOf(v.at("edges")), ::testing::ElementsAre(rel));

  ExpectError(alice->Get("/api/v1/objects/not-an-id/related"), 400);
  ExpectError(alice->Get("/api/v1/objects/" + rel + "/related?type=malware"), 400);
  HttpClient anonymous("127.0.0.1", server_->port());
  EXPECT_EQ(anonymous.Get("/api/v1/objects/" + rel + "/related").status, 401);
}

// POST /api/v1/collections/{id}/audience: who would read what the asker shares, placed by the
// code that places a real write, naming only what the directory shows the asker.
TEST_F(AdminApiTest, AudiencePreviewNamesWhoWouldRead) {
  auto admin = Admin();
  ASSERT_EQ(Post(*admin, "/api/v1/orgs", R"({"name": "Hooli Labs"})").status, 201);
  ASSERT_EQ(Post(*admin, "/api/v1/groups",
                 R"({"name": "wapi-trusted", "members": ["ACME CERT", "Globex SOC"]})")
                .status,
            201);
  ASSERT_EQ(Post(*admin, "/api/v1/groups",
                 R"({"name": "wapi-secret", "members": ["Globex SOC", "Hooli Labs"]})")
                .status,
            201);
  const auto collection = [&](const std::string& body) {
    HttpResponse r = Post(*admin, "/api/v1/collections", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(r.Json().at("id").as_string());
  };
  const std::string open = collection(R"({"title": "wapi open", "default_tlp": "amber"})");
  const std::string secret_audience = collection(
      R"({"title": "wapi secret audience", "readers": {"orgs": ["ACME CERT"], "groups":
          ["wapi-secret"]}, "audience_group": "wapi-secret"})");
  const std::string read_only =
      collection(R"({"title": "wapi read only", "readers": {"orgs": ["ACME CERT"]},
                     "writers": {"orgs": ["Globex SOC"]}})");
  const std::string invisible = collection(
      R"({"title": "wapi invisible", "readers": {"orgs": ["Globex SOC"]}, "writers": {"orgs":
          ["Globex SOC"]}})");

  std::map<std::string, std::string> identity;  // name -> identity id
  std::vector<std::string> everyone;            // every organization's name, sorted
  const json::value orgs = admin->Get("/api/v1/orgs").Json();
  for (const json::value& o : orgs.at("items").as_array()) {
    identity[std::string(o.at("name").as_string())] = o.at("identity_id").as_string();
    everyone.emplace_back(o.at("name").as_string());
  }
  std::sort(everyone.begin(), everyone.end());

  auto alice = As("alice", *alice_token_);
  const auto preview = [&](HttpClient& c, const std::string& coll, const std::string& body) {
    return Post(c, "/api/v1/collections/" + coll + "/audience", body);
  };
  const auto names = [](const json::value& v) {
    std::vector<std::string> out;
    for (const json::value& o : v.at("organizations").as_array()) {
      out.emplace_back(o.at("name").as_string());
      EXPECT_TRUE(o.as_object().contains("id"));
    }
    return out;
  };
  const auto ok = [&](HttpClient& c, const std::string& coll, const std::string& body) {
    HttpResponse r = preview(c, coll, body);
    EXPECT_EQ(r.status, 200) << body << ": " << r.body;
    return r.Json();
  };

  // CLEAR and GREEN without an audience: the collection's readers, every organization.
  json::value v = ok(*alice, open, R"({"tlp": "clear"})");
  EXPECT_EQ(v.at("tlp"), "clear");
  EXPECT_EQ(names(v), everyone);
  EXPECT_EQ(v.at("others"), 0);
  EXPECT_EQ(v.at("note"), "");
  EXPECT_EQ(names(ok(*alice, open, R"({"tlp": "green"})")), everyone);
  // No TLP: the collection's default (AMBER, here to its readers).
  v = ok(*alice, open, R"({})");
  EXPECT_EQ(v.at("tlp"), "amber");
  EXPECT_EQ(names(v), everyone);
  // AMBER to named recipients, AMBER+STRICT to a group alice's organization is in.
  v = ok(*alice, open,
         R"({"tlp": "amber", "recipients": [")" + identity.at("Globex SOC") + R"("]})");
  EXPECT_EQ(names(v), (std::vector<std::string>{"ACME CERT", "Globex SOC"}));
  EXPECT_EQ(v.at("organizations").at(1).at("identity"), json::value(identity.at("Globex SOC")));
  v = ok(*alice, open, R"({"tlp": "amber+strict", "sharing_group": "wapi-trusted"})");
  EXPECT_EQ(names(v), (std::vector<std::string>{"ACME CERT", "Globex SOC"}));
  // RED: the named recipients only; none, the provider alone, with the note a write gets.
  v = ok(*alice, open, R"({"tlp": "red"})");
  EXPECT_EQ(names(v), (std::vector<std::string>{"ACME CERT"}));
  EXPECT_EQ(v.at("note"),
            "TLP:RED without named recipients: visible to the providing organization only");
  v = ok(*alice, open, R"({"tlp": "red", "recipients": [")" + identity.at("Hooli Labs") + R"("]})");
  EXPECT_EQ(names(v), (std::vector<std::string>{"ACME CERT", "Hooli Labs"}));
  EXPECT_EQ(v.at("note"), "");

  // The collection's audience group, which alice's organization is not in: its members are
  // counted, not named; the admin sees them.
  v = ok(*alice, secret_audience, R"({"tlp": "amber"})");
  EXPECT_EQ(names(v), (std::vector<std::string>{"ACME CERT"}));
  EXPECT_EQ(v.at("others"), 2);
  v = ok(*admin, secret_audience, R"({"tlp": "amber"})");
  EXPECT_EQ(names(v), (std::vector<std::string>{"Globex SOC", "Hooli Labs", "Tessera hub"}));
  EXPECT_EQ(v.at("others"), 0);

  // Errors, as a TAXII POST would give them.
  HttpResponse r = preview(*alice, open, R"({"tlp": "amber", "sharing_group": "wapi-secret"})");
  ExpectError(r, 400);
  EXPECT_THAT(r.body, ::testing::HasSubstr(
                          "sharing group 'wapi-secret' does not exist or your organization is "
                          "not a member"));
  HttpResponse unknown_group =
      preview(*alice, open, R"({"tlp": "amber", "sharing_group": "wapi-nope"})");
  ExpectError(unknown_group, 400);
  std::string same = unknown_group.body;
  same.replace(same.find("wapi-nope"), 9, "wapi-secret");
  EXPECT_EQ(same, r.body);
  const std::string stranger = "identity--7a000000-0000-4000-8000-0000000000dd";
  r = preview(*alice, open, R"({"tlp": "amber", "recipients": [")" + stranger + R"("]})");
  ExpectError(r, 400);
  EXPECT_THAT(r.body, ::testing::HasSubstr("recipient " + stranger +
                                           " is not a member organization of this hub"));
  r = preview(*alice, open, R"({"recipients": ["ACME CERT"]})");
  ExpectError(r, 400);
  EXPECT_THAT(r.body,
              ::testing::HasSubstr("X-Tessera-Recipients: 'ACME CERT' is not an identity id"));
  ExpectError(preview(*alice, open, R"({"recipients": "identity--x"})"), 400);
  ExpectError(preview(*alice, open, R"({"tlp": "purple"})"), 400);
  ExpectError(preview(*alice, open, R"({"tlp": "amber", "readers": "all"})"), 400);
  // Collections alice may see but not write (403), may not see, or that do not exist (404).
  ExpectError(preview(*alice, read_only, R"({"tlp": "amber"})"), 403);
  HttpResponse hidden = preview(*alice, invisible, R"({"tlp": "amber"})");
  HttpResponse missing =
      preview(*alice, "00000000-0000-4000-8000-000000000000", R"({"tlp": "amber"})");
  ExpectError(hidden, 404);
  ExpectError(missing, 404);
  EXPECT_EQ(hidden.body, missing.body);
  HttpClient anonymous("127.0.0.1", server_->port());
  EXPECT_EQ(anonymous.Post("/api/v1/collections/" + open + "/audience", "{}", kJson).status, 401);
}

// ---- browser sessions (POST/DELETE /api/v1/session) -------------------------------------------

// A signed-in browser: the session cookie and the CSRF token POST /api/v1/session answered.
struct BrowserSession {
  std::string cookie;  // "tessera_session=..."
  std::string csrf;
  std::string set_cookie;
};

// Issue 17: a hub's accounts are renamed and removed by name or id, under the rules of creating
// them; removing never orphans what was written nor changes who reads an object. The entries are
// made here (organization Initech), so that the other tests' directory stays as they expect.
class AccountAdminTest : public AdminApiTest {
 protected:
  void SetUp() override {
    if (made_) return;
    made_ = true;
    ASSERT_EQ(Tessera({"org", "add", "Initech", "--data", *data_}).exit_code, 0);
    for (const auto& [name, role] :
         std::vector<std::pair<std::string, std::string>>{{"ivan", "org-admin"},
                                                          {"ines", "analyst"},
                                                          {"iris", "read-only"},
                                                          {"irene", "analyst"}}) {
      ASSERT_EQ(Tessera({"user", "add", name, "--org", "Initech", "--role", role, "--data", *data_})
                    .exit_code,
                0);
    }
  }
  static inline bool made_ = false;  // once for the suite (its own hub: SetUpTestSuite)
};

// Posts one indicator as `client` into `collection`, addressed to `group` (when not empty);
// returns the TAXII status's success count.
int64_t PostIndicator(HttpClient& client, const std::string& collection, const std::string& uuid,
                      const std::string& group = "") {
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Accept", "application/taxii+json;version=2.1"},
      {"Content-Type", "application/taxii+json;version=2.1"}};
  if (!group.empty()) headers.emplace_back("X-Tessera-Sharing-Group", group);
  HttpResponse r = client.Post(
      "/api/collections/" + collection + "/objects/",
      R"({"objects":[{"type":"indicator","spec_version":"2.1","id":"indicator--)" + uuid +
          R"(","created":"2026-02-01T00:00:00.000Z","modified":"2026-02-01T00:00:00.000Z",)"
          R"("pattern":"[ipv4-addr:value = '198.51.100.17']","pattern_type":"stix",)"
          R"("valid_from":"2026-02-01T00:00:00Z"}]})",
      headers);
  EXPECT_EQ(r.status, 202) << r.body;
  return r.status == 202 ? r.Json().at("success_count").to_number<int64_t>() : 0;
}

std::string Description(const HttpResponse& r) {
  json::value v = r.Json();
  return v.is_object() && v.as_object().contains("description")
             ? std::string(v.at("description").as_string())
             : std::string();
}

TEST_F(AccountAdminTest, AccountsAreRenamedByNameOrIdUnderTheRulesOfCreatingThem) {
  auto admin = Admin();
  auto ivan = As("ivan", NewToken("ivan"));
  const std::string irene_token = NewToken("irene");
  // By name where the CLI takes names: a user the caller manages; another organization's user is
  // 404 by name and by id alike.
  HttpResponse irene = ivan->Get("/api/v1/users/irene");
  ASSERT_EQ(irene.status, 200) << irene.body;
  const int64_t irene_id = irene.Json().at("id").as_int64();
  EXPECT_EQ(ivan->Get("/api/v1/users/" + std::to_string(irene_id)).status, 200);
  ExpectError(ivan->Get("/api/v1/users/gus"), 404);
  ExpectError(ivan->Get("/api/v1/users/" + std::to_string(UserId(*admin, "gus"))), 404);
  EXPECT_EQ(Description(ivan->Get("/api/v1/users/gus")),
            Description(ivan->Get("/api/v1/users/nobody")));

  HttpResponse renamed = Patch(*ivan, "/api/v1/users/irene", R"({"name": "irene.b"})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.Json().at("name").as_string(), "irene.b");
  EXPECT_EQ(renamed.Json().at("id").as_int64(), irene_id);
  EXPECT_EQ(As("irene.b", irene_token)->Get("/api/v1/whoami").status, 200)
      << "its tokens follow it";
  ExpectError(Patch(*ivan, "/api/v1/users/irene.b", R"({"name": "gus"})"), 409);
  ExpectError(Patch(*ivan, "/api/v1/users/irene.b", R"({"name": "a:b"})"), 400);
  ExpectError(Patch(*As("olga", *olga_token_), "/api/v1/users/irene.b", R"({"name": "x"})"), 404);
  ExpectError(Patch(*As("alice", *alice_token_), "/api/v1/users/alice", R"({"name": "al"})"), 403);
  ExpectError(Patch(*ivan, "/api/v1/users/syncer", R"({"name": "x"})"), 404);

  // Organizations (admins): the identity keeps its id and takes the name.
  HttpResponse before = admin->Get("/api/v1/orgs/Initech");
  ASSERT_EQ(before.status, 200) << before.body;
  const std::string identity(before.Json().at("identity_id").as_string());
  ExpectError(Patch(*ivan, "/api/v1/orgs/Initech", R"({"name": "Initech Ltd"})"), 403);
  HttpResponse org = Patch(*admin, "/api/v1/orgs/Initech", R"({"name": "Initech Ltd"})");
  ASSERT_EQ(org.status, 200) << org.body;
  EXPECT_EQ(org.Json().at("identity_id").as_string(), identity);
  EXPECT_EQ(org.Json().at("identity").at("name").as_string(), "Initech Ltd");
  EXPECT_EQ(org.Json().at("identity").at("id").as_string(), identity);
  EXPECT_EQ(admin->Get("/api/v1/orgs/" + identity).Json().at("name").as_string(), "Initech Ltd");
  ExpectError(Patch(*admin, "/api/v1/orgs/Initech%20Ltd", R"({"name": "ACME CERT"})"), 409);

  // Sharing groups and collections (admins), by name and by alias.
  ASSERT_EQ(Post(*admin, "/api/v1/groups", R"({"name": "g17", "members": ["Initech Ltd"]})").status,
            201);
  ExpectError(Patch(*ivan, "/api/v1/groups/g17", R"({"name": "g17b"})"), 403);
  HttpResponse group = Patch(*admin, "/api/v1/groups/g17", R"({"name": "g17b"})");
  ASSERT_EQ(group.status, 200) << group.body;
  EXPECT_EQ(admin->Get("/api/v1/groups/g17b").Json().at("id"), group.Json().at("id"));
  ExpectError(admin->Get("/api/v1/groups/g17"), 404);
  HttpResponse coll =
      Post(*admin, "/api/v1/collections", R"({"title": "Seventeen", "alias": "c17"})");
  ASSERT_EQ(coll.status, 201) << coll.body;
  HttpResponse retitled =
      Patch(*admin, "/api/v1/collections/c17", R"({"title": "XVII", "alias": "c17b"})");
  ASSERT_EQ(retitled.status, 200) << retitled.body;
  EXPECT_EQ(retitled.Json().at("id"), coll.Json().at("id"));
  EXPECT_EQ(admin->Get("/api/v1/collections/c17b").Json().at("title").as_string(), "XVII");
  ExpectError(admin->Get("/api/v1/collections/c17"), 404);
  ExpectError(Patch(*ivan, "/api/v1/collections/c17b", R"({"title": "mine"})"), 403);
  ASSERT_EQ(Patch(*admin, "/api/v1/orgs/Initech%20Ltd", R"({"name": "Initech"})").status, 200);
}

TEST_F(AccountAdminTest, RemovingRefusesWhatWouldOrphanDataOrChangeWhoReads) {
  auto admin = Admin();
  auto ivan = As("ivan", NewToken("ivan"));
  const std::string iris_token = NewToken("iris");
  // A group, a collection, and an object Initech's analyst posts there addressed to the group.
  ASSERT_EQ(Post(*admin, "/api/v1/groups", R"({"name": "g-del", "members": ["Initech"]})").status,
            201);
  HttpResponse coll = Post(*admin, "/api/v1/collections", R"({"title": "Del", "alias": "del"})");
  ASSERT_EQ(coll.status, 201) << coll.body;
  const std::string cid(coll.Json().at("id").as_string());
  auto analyst = As("ines", NewToken("ines"));
  ASSERT_EQ(PostIndicator(*analyst, cid, "0d3f6a8e-2b1c-4e5d-9f7a-6b5c4d3e2f10", "g-del"), 1);

  HttpResponse group = admin->Delete("/api/v1/groups/g-del");
  ExpectError(group, 409);
  EXPECT_THAT(Description(group), ::testing::HasSubstr("addressed to it"));
  HttpResponse collection = admin->Delete("/api/v1/collections/del");
  ExpectError(collection, 409);
  EXPECT_THAT(Description(collection), ::testing::HasSubstr("holds 1 object version"));
  HttpResponse org = admin->Delete("/api/v1/orgs/Initech");
  ExpectError(org, 409);
  EXPECT_THAT(Description(org), ::testing::HasSubstr("user(s)"));
  ExpectError(admin->Delete("/api/v1/orgs/Tessera%20hub"), 409);
  ExpectError(Patch(*admin, "/api/v1/orgs/Tessera%20hub", R"({"disabled": true})"), 409);
  ExpectError(ivan->Delete("/api/v1/orgs/Initech"), 403);
  ExpectError(ivan->Delete("/api/v1/groups/g-del"), 403);
  ExpectError(ivan->Delete("/api/v1/collections/del"), 403);

  // A user that wrote is disabled, its tokens revoked; one that never wrote is deleted.
  ExpectError(ivan->Delete("/api/v1/users/ivan"), 403);
  ExpectError(As("olga", *olga_token_)->Delete("/api/v1/users/ines"), 404);
  ExpectError(As("alice", *alice_token_)->Delete("/api/v1/users/olga"), 404);
  HttpResponse kept = ivan->Delete("/api/v1/users/ines");
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_FALSE(kept.Json().at("deleted").as_bool());
  EXPECT_TRUE(kept.Json().at("user").at("disabled").as_bool());
  EXPECT_FALSE(kept.Json().at("revoked_tokens").as_array().empty());
  EXPECT_THAT(std::string(kept.Json().at("reason").as_string()), ::testing::HasSubstr("wrote"));
  ExpectError(analyst->Get("/api/v1/whoami"), 401);
  HttpResponse made = Post(*ivan, "/api/v1/users", R"({"name": "temp17", "role": "read-only"})");
  ASSERT_EQ(made.status, 201) << made.body;
  HttpResponse gone = ivan->Delete("/api/v1/users/temp17");
  ASSERT_EQ(gone.status, 200) << gone.body;
  EXPECT_TRUE(gone.Json().at("deleted").as_bool());
  ExpectError(ivan->Get("/api/v1/users/temp17"), 404);

  // Disabling the organization stops its users' tokens; enabling restores them.
  ASSERT_EQ(As("iris", iris_token)->Get("/api/v1/whoami").status, 200);
  HttpResponse off = Patch(*admin, "/api/v1/orgs/Initech", R"({"disabled": true})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_TRUE(off.Json().at("disabled").as_bool());
  ExpectError(As("iris", iris_token)->Get("/api/v1/whoami"), 401);
  ExpectError(ivan->Get("/api/v1/whoami"), 401);
  ASSERT_EQ(Patch(*admin, "/api/v1/orgs/Initech", R"({"disabled": false})").status, 200);
  EXPECT_EQ(As("iris", iris_token)->Get("/api/v1/whoami").status, 200);

  // What nothing depends on goes.
  ASSERT_EQ(Post(*admin, "/api/v1/orgs", R"({"name": "Empty Org"})").status, 201);
  EXPECT_EQ(admin->Delete("/api/v1/orgs/Empty%20Org").status, 204);
  ExpectError(admin->Get("/api/v1/orgs/Empty%20Org"), 404);
  ASSERT_EQ(Post(*admin, "/api/v1/groups", R"({"name": "g-free"})").status, 201);
  EXPECT_EQ(admin->Delete("/api/v1/groups/g-free").status, 204);
  ASSERT_EQ(Post(*admin, "/api/v1/collections", R"({"title": "Empty", "alias": "empty"})").status,
            201);
  EXPECT_EQ(admin->Delete("/api/v1/collections/empty").status, 204);
  ExpectError(admin->Get("/api/v1/collections/empty"), 404);
}

// A member's own tokens last at most 90 days (30 when it names none) and at most 10 are active
// at once: a stolen session or a short-lived token cannot be turned into lasting credentials.
// An admin or org-admin giving its user a token is not bound by that.
TEST_F(AccountAdminTest, AMembersOwnTokensAreFewAndExpire) {
  auto irene = As("irene", NewToken("irene"));  // active: 1
  HttpResponse plain = Post(*irene, "/api/v1/tokens", "{}");
  ASSERT_EQ(plain.status, 201) << plain.body;
  auto expires = tessera::ParseTimestamp(std::string(plain.Json().at("expires").as_string()));
  ASSERT_TRUE(expires.ok()) << plain.body;
  const int64_t in_days = (expires->seconds - tessera::Timestamp::Now().seconds) / 86400;
  EXPECT_TRUE(in_days == 29 || in_days == 30) << plain.body;
  ExpectError(Post(*irene, "/api/v1/tokens", R"({"expires_in": "91d"})"), 400);
  ExpectError(Post(*irene, "/api/v1/tokens", R"({"expires": "2099-01-01T00:00:00Z"})"), 400);
  HttpResponse longest = Post(*irene, "/api/v1/tokens", R"({"expires_in": "90d"})");
  ASSERT_EQ(longest.status, 201) << longest.body;
  for (int active = 3; active < 10; ++active) {
    ASSERT_EQ(Post(*irene, "/api/v1/tokens", "{}").status, 201) << active;
  }
  HttpResponse eleventh = Post(*irene, "/api/v1/tokens", "{}");
  ExpectError(eleventh, 409);
  EXPECT_THAT(Description(eleventh), ::testing::HasSubstr("revoke one first"));
  const std::string longest_id(longest.Json().at("id").as_string());
  ASSERT_EQ(irene->Delete("/api/v1/tokens/" + longest_id).status, 200);
  EXPECT_EQ(Post(*irene, "/api/v1/tokens", "{}").status, 201);

  auto ivan = As("ivan", NewToken("ivan"));  // its org-admin
  HttpResponse given = Post(*ivan, "/api/v1/tokens", R"({"user": "irene", "expires_in": "365d"})");
  EXPECT_EQ(given.status, 201) << given.body;
  HttpResponse own = Post(*ivan, "/api/v1/tokens", "{}");
  ASSERT_EQ(own.status, 201) << own.body;
  EXPECT_TRUE(own.Json().at("expires").is_null()) << own.body;
}

TEST_F(AccountAdminTest, MembersRotateTheirOwnTokensAndSeeWhenTheyWereLastUsed) {
  const std::string old_token = NewToken("iris");
  auto iris = As("iris", old_token);
  const std::string old_id = old_token.substr(4, 16);
  HttpResponse made = Post(*iris, "/api/v1/tokens", R"({"label": "rotated"})");
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.Json().at("user").as_string(), "iris");
  const std::string new_token(made.Json().at("token").as_string());
  ExpectError(Post(*iris, "/api/v1/tokens", R"({"user": "ivan"})"), 404);
  ExpectError(Post(*iris, "/api/v1/tokens", R"({"user": "gus"})"), 404);
  auto rotated = As("iris", new_token);
  ASSERT_EQ(rotated->Delete("/api/v1/tokens/" + old_id).status, 200);
  ExpectError(iris->Get("/api/v1/whoami"), 401);
  ASSERT_EQ(rotated->Get("/api/v1/whoami").status, 200);
  ExpectError(rotated->Delete("/api/v1/tokens/" + alice_token_->substr(4, 16)), 404);

  // The use is written off the request path: poll for it (at most a few seconds).
  const std::string new_id = new_token.substr(4, 16);
  json::value last = nullptr;
  for (int i = 0; i < 50 && last.is_null(); ++i) {
    HttpResponse t = rotated->Get("/api/v1/tokens/" + new_id);
    ASSERT_EQ(t.status, 200) << t.body;
    last = t.Json().at("last_used");
    if (last.is_null()) usleep(100'000);
  }
  ASSERT_TRUE(last.is_string()) << "no last_used recorded";
  EXPECT_TRUE(rotated->Get("/api/v1/tokens/" + old_id).Json().at("last_used").is_string())
      << "the old token was used before it was revoked";
  // The CLI shows it too (the LAST USED column; last_used with --json).
  CliRun table = Tessera({"token", "list", "--user", "iris", "--data", *data_});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, ::testing::HasSubstr("LAST USED"));
  EXPECT_THAT(table.out, ::testing::HasSubstr(std::string(last.as_string()).substr(0, 10)));
  CliRun list = Tessera({"token", "list", "--user", "iris", "--json", "--data", *data_});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  bool found = false;
  const json::value tokens = json::parse(list.out);  // kept: the loop reads into it
  for (const json::value& t : tokens.as_array()) {
    if (t.at("id").as_string() != new_id) continue;
    found = true;
    EXPECT_TRUE(t.at("last_used").is_string()) << list.out;
  }
  EXPECT_TRUE(found) << list.out;
}

class SessionApiTest : public AdminApiTest {
 protected:
  HttpResponse SignIn(const std::string& body) {
    HttpClient c("127.0.0.1", server_->port());
    c.SetAccept("application/json");
    return c.Post("/api/v1/session", body, kJson);
  }
  BrowserSession SignInAs(const std::string& user, const std::string& token) {
    json::object o;
    o["user"] = user;
    o["token"] = token;
    HttpResponse r = SignIn(json::serialize(o));
    EXPECT_EQ(r.status, 201) << r.body;
    BrowserSession s;
    s.set_cookie = r.Header("set-cookie").value_or("");
    s.cookie = s.set_cookie.substr(0, s.set_cookie.find(';'));
    json::value v = r.Json();
    if (v.is_object() && v.as_object().contains("csrf_token")) {
      s.csrf = std::string(v.at("csrf_token").as_string());
    }
    return s;
  }
  // A client that sends only the cookie (and `csrf` in X-CSRF-Token when not empty).
  HttpResponse WithCookie(const BrowserSession& s, const std::string& method,
                          const std::string& target, const std::string& csrf = "",
                          const std::string& body = "",
                          const std::string& accept = "application/json") {
    HttpClient c("127.0.0.1", server_->port());
    c.SetAccept(accept);
    std::vector<std::pair<std::string, std::string>> headers = {{"Cookie", s.cookie}};
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    if (!csrf.empty()) headers.emplace_back("X-CSRF-Token", csrf);
    return c.Request(method, target, body, headers);
  }
};

TEST_F(SessionApiTest, SignInReadWithTheCookieAndSignOut) {
  const std::string token = NewToken("alice");
  BrowserSession s = SignInAs("alice", token);
  EXPECT_THAT(s.cookie, ::testing::StartsWith("tessera_session=tss_"));
  for (const char* attribute : {"; Path=/", "; HttpOnly", "; SameSite=Strict", "; Max-Age="}) {
    EXPECT_NE(s.set_cookie.find(attribute), std::string::npos) << attribute << ": " << s.set_cookie;
  }
  EXPECT_EQ(s.set_cookie.find("Secure"), std::string::npos) << "plain HTTP: " << s.set_cookie;
  EXPECT_EQ(s.csrf.size(), 43u);

  // The cookie authenticates every path, the admin API's and TAXII's alike.
  HttpResponse who = WithCookie(s, "GET", "/api/v1/whoami");
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(who.Json().at("user").at("name").as_string(), "alice");
  EXPECT_EQ(WithCookie(s, "GET", "/taxii2/", "", "", "application/taxii+json;version=2.1").status,
            200);

  // Signing out needs the CSRF token like any change; then the old cookie is refused everywhere.
  ExpectError(WithCookie(s, "DELETE", "/api/v1/session"), 403);
  HttpResponse out = WithCookie(s, "DELETE", "/api/v1/session", s.csrf);
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_NE(out.Header("set-cookie").value_or("").find("Max-Age=0"), std::string::npos);
  ExpectError(WithCookie(s, "GET", "/api/v1/whoami"), 401);
  EXPECT_EQ(WithCookie(s, "GET", "/taxii2/", "", "", "application/taxii+json;version=2.1").status,
            401);
  ExpectError(WithCookie(s, "DELETE", "/api/v1/session", s.csrf), 401);
  // The token itself is untouched by signing out.
  EXPECT_EQ(As("alice", token)->Get("/api/v1/whoami").status, 200);
}

// A page of another site can make the browser send the cookie with a form or a fetch, but cannot
// read the CSRF token: every change made on the cookie alone without it is refused, and changes
// nothing.
TEST_F(SessionApiTest, ChangesOnTheCookieAloneNeedTheCsrfToken) {
  const std::string token = NewToken("alice");
  const std::string spare = NewToken("alice");
  BrowserSession s = SignInAs("alice", token);
  const std::string spare_path = "/api/v1/tokens/" + spare.substr(4, 16);
  BrowserSession other = SignInAs("alice", token);
  for (const std::string& csrf : {std::string(), std::string("x"), other.csrf}) {
    ExpectError(WithCookie(s, "DELETE", spare_path, csrf), 403);
    ExpectError(WithCookie(s, "POST", "/api/v1/search", csrf, R"({"values":["198.51.100.1"]})"),
                403);
    HttpClient taxii("127.0.0.1", server_->port());
    taxii.SetAccept("application/taxii+json;version=2.1");
    EXPECT_EQ(taxii
                  .Request("POST", "/api/collections/x/objects/", "{}",
                           {{"Cookie", s.cookie},
                            {"Content-Type", "application/taxii+json;version=2.1"},
                            {"X-CSRF-Token", csrf}})
                  .status,
              403);
  }
  EXPECT_EQ(As("alice", spare)->Get("/api/v1/whoami").status, 200) << "nothing changed";
  EXPECT_EQ(WithCookie(s, "DELETE", spare_path, s.csrf).status, 200);
  EXPECT_EQ(As("alice", spare)->Get("/api/v1/whoami").status, 401);
  // Basic and Bearer requests need no CSRF token: no browser sends them on its own.
  EXPECT_EQ(As("alice", token)->Delete("/api/v1/tokens/" + NewToken("alice").substr(4, 16)).status,
            200);
}

TEST_F(SessionApiTest, RevokingTheTokenOrDisablingTheUserEndsTheSessions) {
  auto admin = Admin();
  const std::string token = NewToken("gus");
  BrowserSession s = SignInAs("gus", token);
  ASSERT_EQ(WithCookie(s, "GET", "/api/v1/whoami").status, 200);
  ASSERT_EQ(admin->Delete("/api/v1/tokens/" + token.substr(4, 16)).status, 200);
  ExpectError(WithCookie(s, "GET", "/api/v1/whoami"), 401);

  const std::string second = NewToken("gus");
  BrowserSession t = SignInAs("gus", second);
  ASSERT_EQ(WithCookie(t, "GET", "/api/v1/whoami").status, 200);
  // Disabled from the command line, another process: the server sees it on the next request.
  ASSERT_EQ(Tessera({"user", "disable", "gus", "--data", *data_}).exit_code, 0);
  ExpectError(WithCookie(t, "GET", "/api/v1/whoami"), 401);
  ASSERT_EQ(Tessera({"user", "enable", "gus", "--data", *data_}).exit_code, 0);
  ExpectError(WithCookie(t, "GET", "/api/v1/whoami"), 401);
}

TEST_F(SessionApiTest, BadCredentialsGetOneAnswerWhicheverPartIsWrong) {
  const std::string token = NewToken("alice");
  std::string wrong = token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  std::string first;
  for (const auto& [user, tok] : std::vector<std::pair<std::string, std::string>>{
           {"alice", wrong},
           {"gus", token},
           {"nobody", token},
           {"alice", "not-a-token"},
           {"alice", "tsr_0123456789abcdef_" + std::string(43, 'x')}}) {
    json::object o;
    o["user"] = user;
    o["token"] = tok;
    HttpResponse r = SignIn(json::serialize(o));
    ExpectError(r, 401);
    EXPECT_FALSE(r.Header("set-cookie").has_value());
    const std::string description(r.Json().at("description").as_string());
    if (first.empty()) first = description;
    EXPECT_EQ(description, first) << user;
  }
  // What is not a sign-in at all is told as such, and makes no session either.
  for (const std::string& body :
       {std::string("{}"), std::string(R"({"user":"alice"})"),
        std::string(R"({"user":"alice","token":7})"),
        R"({"user":"alice","token":")" + token + R"(","extra":1})", std::string("[")}) {
    HttpResponse r = SignIn(body);
    ExpectError(r, 400);
    EXPECT_FALSE(r.Header("set-cookie").has_value()) << body;
  }
  HttpClient c("127.0.0.1", server_->port());
  const std::string form = "user=alice&token=" + token;
  ExpectError(
      c.Post("/api/v1/session", form, {{"Content-Type", "application/x-www-form-urlencoded"}}),
      415);
}

// The web interface's own requests (fetch: Sec-Fetch-Mode cors) get no HTTP Basic challenge on a
// 401, on the admin API and on TAXII: the browser would answer it with its own password dialog and
// hold the page's request meanwhile. Every other client gets both challenges, as before.
TEST_F(SessionApiTest, APageScriptGetsNoBasicChallenge) {
  HttpClient c("127.0.0.1", server_->port());
  c.SetAccept("application/json");
  for (const std::string& target : {std::string("/api/v1/whoami"), std::string("/taxii2/")}) {
    SCOPED_TRACE(target);
    if (target == "/taxii2/") c.SetAccept("application/taxii+json;version=2.1");
    HttpResponse script = c.Get(target, {{"Sec-Fetch-Mode", "cors"}});
    EXPECT_EQ(script.status, 401);
    EXPECT_EQ(script.Header("www-authenticate").value_or("").find("Basic"), std::string::npos)
        << script.Header("www-authenticate").value_or("");
    EXPECT_NE(script.Header("www-authenticate").value_or("").find("Bearer"), std::string::npos);
    for (const auto& headers : std::vector<std::vector<std::pair<std::string, std::string>>>{
             {}, {{"Sec-Fetch-Mode", "navigate"}}}) {
      HttpResponse other = c.Get(target, headers);
      EXPECT_EQ(other.status, 401);
      EXPECT_NE(other.Header("www-authenticate").value_or("").find("Basic"), std::string::npos);
    }
  }
}

}  // namespace
