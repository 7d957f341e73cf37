// End-to-end: the audit log (store/audit_log.h) of a real hub. Every admin API route that changes
// something (admin::AdminRouteTable) and every CLI command that does (`tessera audit actions`)
// is run and its entry found; the chain verifies, and `tessera audit verify` catches any column of
// a row changed with SQL, a deleted row and a reordered row (exit 1, the entry's number); an
// org-admin reads its own organization's entries only; access-log lines name the user.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "admin/routes.h"
#include "cli_runner.h"
#include "http_client.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using tessera::testing::BasicAuth;
using tessera::testing::CliRun;
using tessera::testing::HttpClient;
using tessera::testing::HttpResponse;

const std::vector<std::pair<std::string, std::string>> kJson = {
    {"Content-Type", "application/json"}};

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tessera-audit-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    data_ = (dir_ / "data").string();
    const std::string token_file = (dir_ / "admin-token").string();
    ASSERT_EQ(Tessera({"init", "--data", data_, "--admin-token-file", token_file}).exit_code, 0);
    admin_token_ = tessera::testing::Slurp(token_file);
    admin_token_.pop_back();
    for (const char* org : {"ACME CERT", "Globex SOC"}) {
      ASSERT_EQ(Tessera({"org", "add", org, "--data", data_}).exit_code, 0);
    }
    ASSERT_EQ(Tessera({"user", "add", "olga", "--org", "ACME CERT", "--role", "org-admin", "--data",
                       data_})
                  .exit_code,
              0);
    ASSERT_EQ(Tessera({"user", "add", "alice", "--org", "ACME CERT", "--role", "analyst", "--data",
                       data_})
                  .exit_code,
              0);
    olga_token_ = NewToken("olga");
    alice_token_ = NewToken("alice");
  }
  void TearDown() override {
    if (server_) server_->Stop();
    server_.reset();
    fs::remove_all(dir_);
  }

  void StartServer() {
    server_ = std::make_unique<tessera::testing::ServerProcess>();
    ASSERT_TRUE(server_->Start(
        TESSERA_CLI_PATH, {"serve", "--data", data_, "--listen", "127.0.0.1:0", "--threads", "2"}));
  }

  CliRun Tessera(const std::vector<std::string>& args) {
    return tessera::testing::RunProgram(TESSERA_CLI_PATH, args, dir_);
  }
  std::string NewToken(const std::string& user) {
    CliRun r = Tessera({"token", "create", user, "--data", data_});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }
  std::unique_ptr<HttpClient> As(const std::string& user, const std::string& token) {
    auto c = std::make_unique<HttpClient>("127.0.0.1", server_->port());
    c->SetAuthorization(BasicAuth(user, token));
    c->SetAccept("application/json");
    return c;
  }
  std::unique_ptr<HttpClient> Admin() { return As("admin", admin_token_); }

  // The entries `tessera audit list` gives for `action` (newest first).
  json::array CliEntries(const std::string& action) {
    const std::string chain = action.starts_with("incident.") ? "incidents" : "hub";
    CliRun r = Tessera({"audit", "list", "--action", action, "--chain", chain, "--limit", "1000",
                        "--json", "--data", data_});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    json::value v = json::parse(r.out);
    return v.as_array();
  }

  // Runs a statement on the store file, as an operator with sqlite3 would.
  void Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((fs::path(data_) / "tessera.db").c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
        << (err ? err : "") << ": " << sql;
    sqlite3_free(err);
    sqlite3_close(db);
  }

  fs::path dir_;
  std::string data_;
  std::string admin_token_;
  std::string olga_token_;
  std::string alice_token_;
  std::unique_ptr<tessera::testing::ServerProcess> server_;
};

// The routes that take a body but change nothing (their audit action is empty on purpose).
const std::set<std::string> kReadOnlyPosts = {"POST /api/v1/search", "POST /api/v1/patterns/check",
                                              "POST /api/v1/collections/{id}/audience"};

TEST_F(AuditTest, EveryMutatingAdminRouteRecordsItsAction) {
  StartServer();
  auto admin = Admin();
  // Fixtures the recipes act on.
  HttpResponse group = admin->Post("/api/v1/groups", R"({"name": "fin-isac"})", kJson);
  ASSERT_EQ(group.status, 201) << group.body;
  const int64_t group_id = group.Json().at("id").as_int64();
  HttpResponse coll = admin->Post(
      "/api/v1/collections", R"({"title": "Feed", "readers": "all", "writers": "all"})", kJson);
  ASSERT_EQ(coll.status, 201) << coll.body;
  const std::string coll_id(coll.Json().at("id").as_string());
  HttpResponse dave = admin->Post(
      "/api/v1/users", R"({"name": "dave", "org": "ACME CERT", "role": "analyst"})", kJson);
  ASSERT_EQ(dave.status, 201) << dave.body;
  const int64_t dave_id = dave.Json().at("id").as_int64();
  HttpResponse tok = admin->Post("/api/v1/tokens", R"({"user": "alice"})", kJson);
  ASSERT_EQ(tok.status, 201) << tok.body;
  const std::string token_id(tok.Json().at("id").as_string());
  std::string session_cookie, csrf;
  std::string second_coll;  // made by the recipe of POST /api/v1/collections
  std::string incident_id;  // made by the recipe of POST /api/v1/incidents
  // Signs alice in (a browser session), keeping its cookie and CSRF token.
  auto sign_in = [&] {
    HttpClient c("127.0.0.1", server_->port());
    c.SetAccept("application/json");
    HttpResponse r = c.Post("/api/v1/session",
                            R"({"user": "alice", "token": ")" + alice_token_ + R"("})", kJson);
    session_cookie = r.Header("set-cookie").value_or("");
    session_cookie = session_cookie.substr(0, session_cookie.find(';'));
    if (r.Json().is_object()) csrf = std::string(r.Json().at("csrf_token").as_string());
    return r;
  };

  // How to perform each route that changes something; the route's action must then be logged.
  using Recipe = std::function<HttpResponse()>;
  std::map<std::string, Recipe> recipes = {
      {"POST /api/v1/session", sign_in},
      {"DELETE /api/v1/session",
       [&] {
         if (session_cookie.empty()) sign_in();
         HttpClient c("127.0.0.1", server_->port());
         c.SetAccept("application/json");
         return c.Request("DELETE", "/api/v1/session", "",
                          {{"Cookie", session_cookie}, {"X-CSRF-Token", csrf}});
       }},
      {"POST /api/v1/orgs",
       [&] { return admin->Post("/api/v1/orgs", R"({"name": "Initech"})", kJson); }},
      {"POST /api/v1/users",
       [&] {
         return admin->Post("/api/v1/users",
                            R"({"name": "bob", "org": "Globex SOC", "role": "analyst"})", kJson);
       }},
      {"PATCH /api/v1/users/{id}",
       [&] {
         return admin->Request("PATCH", "/api/v1/users/" + std::to_string(dave_id),
                               R"({"role": "read-only"})", kJson);
       }},
      {"POST /api/v1/tokens",
       [&] { return admin->Post("/api/v1/tokens", R"({"user": "olga"})", kJson); }},
      {"DELETE /api/v1/tokens/{id}", [&] { return admin->Delete("/api/v1/tokens/" + token_id); }},
      {"POST /api/v1/groups",
       [&] { return admin->Post("/api/v1/groups", R"({"name": "energy-isac"})", kJson); }},
      {"POST /api/v1/groups/{id}/members",
       [&] {
         return admin->Post("/api/v1/groups/" + std::to_string(group_id) + "/members",
                            R"({"org": "ACME CERT"})", kJson);
       }},
      {"DELETE /api/v1/groups/{id}/members/{org}",
       [&] {
         json::value orgs = admin->Get("/api/v1/orgs").Json();
         int64_t acme = 0;
         for (const auto& o : orgs.at("items").as_array()) {
           if (o.at("name").as_string() == "ACME CERT") acme = o.at("id").as_int64();
         }
         return admin->Delete("/api/v1/groups/" + std::to_string(group_id) + "/members/" +
                              std::to_string(acme));
       }},
      {"PATCH /api/v1/orgs/{id}",
       [&] {
         return admin->Request("PATCH", "/api/v1/orgs/Initech", R"({"name": "Initech Ltd"})",
                               kJson);
       }},
      {"DELETE /api/v1/orgs/{id}", [&] { return admin->Delete("/api/v1/orgs/Initech%20Ltd"); }},
      {"DELETE /api/v1/users/{id}", [&] { return admin->Delete("/api/v1/users/bob"); }},
      {"PATCH /api/v1/groups/{id}",
       [&] {
         return admin->Request("PATCH", "/api/v1/groups/energy-isac",
                               R"({"name": "energy-isac-eu"})", kJson);
       }},
      {"DELETE /api/v1/groups/{id}",
       [&] { return admin->Delete("/api/v1/groups/energy-isac-eu"); }},
      {"POST /api/v1/collections",
       [&] {
         HttpResponse r = admin->Post("/api/v1/collections", R"({"title": "Second"})", kJson);
         if (r.status == 201) second_coll = std::string(r.Json().at("id").as_string());
         return r;
       }},
      {"DELETE /api/v1/collections/{id}",
       [&] { return admin->Delete("/api/v1/collections/" + second_coll); }},
      {"PATCH /api/v1/collections/{id}",
       [&] {
         return admin->Request("PATCH", "/api/v1/collections/" + coll_id,
                               R"({"description": "changed"})", kJson);
       }},
      // Incidents: their entries are in the incidents chain (docs/incidents.md "Audit").
      {"POST /api/v1/incidents",
       [&] {
         HttpResponse r = admin->Post("/api/v1/incidents", R"({"name": "Phish"})", kJson);
         if (r.status == 201) incident_id = std::string(r.Json().at("id").as_string());
         return r;
       }},
      {"POST /api/v1/incidents/{id}/stage",
       [&] {
         return admin->Post("/api/v1/incidents/" + incident_id + "/stage", R"({"stage": "triage"})",
                            kJson);
       }},
      // In the table's order: invite alice's organization, which acknowledges, then remove it.
      {"POST /api/v1/incidents/{id}/participants",
       [&] {
         return admin->Post("/api/v1/incidents/" + incident_id + "/participants",
                            R"({"org": "ACME CERT", "role": "responder"})", kJson);
       }},
      {"POST /api/v1/incidents/{id}/participants/{org}/acknowledge",
       [&] {
         return As("alice", alice_token_)
             ->Post("/api/v1/incidents/" + incident_id + "/participants/ACME%20CERT/acknowledge",
                    "", {});
       }},
      {"DELETE /api/v1/incidents/{id}/participants/{org}",
       [&] {
         return admin->Delete("/api/v1/incidents/" + incident_id + "/participants/ACME%20CERT");
       }},
  };

  size_t audited = 0;
  for (const tessera::admin::AdminRoute& r : tessera::admin::AdminRouteTable()) {
    const std::string key = std::string(tessera::http::MethodName(r.method)) + " " + r.pattern;
    if (r.audit_action.empty()) {
      EXPECT_TRUE(r.method == tessera::http::Method::kGet || kReadOnlyPosts.count(key))
          << key << " changes something but records no audit action";
      continue;
    }
    auto recipe = recipes.find(key);
    if (recipe == recipes.end()) {
      ADD_FAILURE() << key << " (" << r.audit_action << ") has no recipe in this test";
      continue;
    }
    HttpResponse done = recipe->second();
    EXPECT_LT(done.status, 400) << key << ": " << done.body;
    const std::string chain = r.audit_action.starts_with("incident.") ? "&chain=incidents" : "";
    json::value page =
        admin->Get("/api/v1/audit?action=" + r.audit_action + chain + "&limit=1000").Json();
    ASSERT_TRUE(page.is_object()) << key;
    bool found = false;
    for (const auto& e : page.at("items").as_array()) {
      found = found || (e.at("result").as_string() == "done" &&
                        e.at("action").as_string() == r.audit_action &&
                        e.at("client").as_string().starts_with("127.0.0.1"));
    }
    EXPECT_TRUE(found) << key << ": no done entry for " << r.audit_action << " in "
                       << json::serialize(page);
    // Each names what it changed, not only the path it was asked on.
    if (found) {
      const std::string target(page.at("items").at(0).at("target").as_string());
      EXPECT_FALSE(target.empty() || target.starts_with("/api/v1/orgs/") ||
                   target.starts_with("/api/v1/users/") || target.starts_with("/api/v1/groups/") ||
                   target.starts_with("/api/v1/collections/"))
          << key << ": target '" << target << "'";
    }
    ++audited;
  }
  EXPECT_EQ(audited, recipes.size());

  // A refused attempt by an authenticated user is recorded, with the reason.
  auto alice = As("alice", alice_token_);
  EXPECT_EQ(alice->Post("/api/v1/orgs", R"({"name": "Evil"})", kJson).status, 403);
  json::value refused = admin->Get("/api/v1/audit?action=org.create&actor=alice").Json();
  ASSERT_EQ(refused.at("items").as_array().size(), 1u) << json::serialize(refused);
  EXPECT_EQ(refused.at("items").at(0).at("result").as_string(), "refused");
  EXPECT_THAT(std::string(refused.at("items").at(0).at("reason").as_string()),
              ::testing::HasSubstr("only admins"));
  EXPECT_EQ(refused.at("items").at(0).at("org").as_string(), "ACME CERT");

  // TAXII writes: one entry per request, with its counts and status id.
  const std::string bundle =
      R"({"objects": [{"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z", "pattern": "[ipv4-addr:value = '198.51.100.1']", "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z"}]})";
  auto taxii = std::make_unique<HttpClient>("127.0.0.1", server_->port());
  taxii->SetAuthorization(BasicAuth("admin", admin_token_));
  HttpResponse posted = taxii->Post("/api/collections/" + coll_id + "/objects/", bundle,
                                    {{"Content-Type", "application/taxii+json;version=2.1"}});
  ASSERT_EQ(posted.status, 202) << posted.body;
  const std::string status_id(posted.Json().at("id").as_string());
  json::value adds = admin->Get("/api/v1/audit?action=objects.add").Json();
  ASSERT_EQ(adds.at("items").as_array().size(), 1u) << json::serialize(adds);
  const json::value& add = adds.at("items").at(0);
  EXPECT_EQ(add.at("target").as_string(), "collection:" + coll_id);
  EXPECT_THAT(std::string(add.at("details").as_string()),
              ::testing::AllOf(::testing::HasSubstr("added 1"), ::testing::HasSubstr(status_id)));
  HttpResponse deleted = taxii->Delete("/api/collections/" + coll_id +
                                       "/objects/indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f/");
  EXPECT_EQ(deleted.status, 200) << deleted.body;
  json::value dels = admin->Get("/api/v1/audit?action=objects.delete").Json();
  ASSERT_EQ(dels.at("items").as_array().size(), 1u) << json::serialize(dels);
  EXPECT_THAT(std::string(dels.at("items").at(0).at("details").as_string()),
              ::testing::HasSubstr("deleted 1"));

  // Access-log lines carry the user and organization of authenticated requests.
  EXPECT_TRUE(server_->WaitFor("user=\"alice\" org=", std::chrono::seconds(5)))
      << server_->output();

  // Everything above still verifies.
  CliRun verify = Tessera({"audit", "verify", "--data", data_});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_THAT(verify.out, ::testing::HasSubstr("intact"));
}

TEST_F(AuditTest, EveryMutatingCliCommandRecordsItsAction) {
  // A STIX file for import; a log for hunt.
  const std::string stix = (dir_ / "one.json").string();
  std::ofstream(stix)
      << R"({"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [{"type": "indicator", "spec_version": "2.1", "id": "indicator--1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z", "pattern": "[ipv4-addr:value = '203.0.113.9']", "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z"}]})";
  const std::string log = (dir_ / "conn.log").string();
  std::ofstream(log) << R"({"src_ip": "203.0.113.9", "ts": "2024-01-02T00:00:00Z"})"
                     << "\n";
  const std::map<std::string, std::vector<std::string>> recipes = {
      {"init", {"init"}},
      {"import", {"import", stix}},
      {"hunt", {"hunt", log}},
      {"org add", {"org", "add", "Initech"}},
      {"org rename", {"org", "rename", "Initech", "Initech Ltd"}},
      {"org disable", {"org", "disable", "Globex SOC"}},
      {"org enable", {"org", "enable", "Globex SOC"}},
      {"org delete", {"org", "delete", "Doomed"}},
      {"user add", {"user", "add", "bob", "--org", "Initech Ltd", "--role", "analyst"}},
      {"user rename", {"user", "rename", "dave", "david"}},
      {"user delete", {"user", "delete", "zed"}},
      {"token rotate", {"token", "rotate", "@alice"}},  // @alice: alice's token of SetUp
      {"user role", {"user", "role", "bob", "read-only"}},
      {"user disable", {"user", "disable", "bob"}},
      {"user enable", {"user", "enable", "bob"}},
      {"token create", {"token", "create", "bob"}},
      {"token revoke", {"token", "revoke", "@bob"}},  // @bob: the token created just before
      {"group add", {"group", "add", "fin-isac"}},
      {"group add-member", {"group", "add-member", "fin-isac", "Initech Ltd"}},
      {"group remove-member", {"group", "remove-member", "fin-isac", "Initech Ltd"}},
      {"group rename", {"group", "rename", "fin-isac", "fin-isac-eu"}},
      {"group delete", {"group", "delete", "fin-isac-eu"}},
      {"collection add", {"collection", "add", "Second feed"}},
      {"collection rename", {"collection", "rename", "old", "--title", "Renamed"}},
      {"collection delete", {"collection", "delete", "old"}},
      {"search reindex", {"search", "reindex"}},
      // Incidents (their entries in the incidents chain): the hub's organization leads.
      {"incident create", {"incident", "create", "Phish"}},
      {"incident stage", {"incident", "stage", "@incident", "triage"}},
      {"incident participant add",
       {"incident", "participant", "add", "@incident", "Globex SOC", "--role", "observer"}},
      {"incident participant remove",
       {"incident", "participant", "remove", "@incident", "Globex SOC"}},
      // Over the hub's own directory: a backup made just before (below), the hub stopped.
      {"restore", {"restore", "--force", (dir_ / "backup").string()}},
  };
  // What the renames and deletions act on.
  ASSERT_EQ(Tessera({"org", "add", "Doomed", "--data", data_}).exit_code, 0);
  for (const char* user : {"dave", "zed"}) {
    ASSERT_EQ(
        Tessera({"user", "add", user, "--org", "ACME CERT", "--role", "analyst", "--data", data_})
            .exit_code,
        0);
  }
  ASSERT_EQ(Tessera({"collection", "add", "Old", "--alias", "old", "--data", data_}).exit_code, 0);
  CliRun alice_tokens = Tessera({"token", "list", "--user", "alice", "--json", "--data", data_});
  ASSERT_EQ(alice_tokens.exit_code, 0) << alice_tokens.err;
  const json::value alice_list = json::parse(alice_tokens.out);
  const std::string alice_token_id(alice_list.at(0).at("id").as_string());
  CliRun listed = Tessera({"audit", "actions", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  json::value commands = json::parse(listed.out);
  size_t audited = 0;
  std::string bob_token_id;
  std::string incident_id;
  for (const json::value& c : commands.as_array()) {
    const std::string path(c.at("command").as_string());
    if (c.at("action").is_null()) {
      ADD_FAILURE() << "`tessera " << path << "` declares no audit action (cli/audit_actions.cpp)";
      continue;
    }
    const std::string action(c.at("action").as_string());
    if (action.empty()) continue;
    auto recipe = recipes.find(path);
    if (recipe == recipes.end()) {
      ADD_FAILURE() << "`tessera " << path << "` (" << action << ") has no recipe in this test";
      continue;
    }
    std::vector<std::string> args = recipe->second;
    for (std::string& a : args) {
      if (a == "@bob") a = bob_token_id;
      if (a == "@alice") a = alice_token_id;
      if (a == "@incident") a = incident_id;
    }
    args.push_back("--data");
    args.push_back(data_);
    if (path == "restore") {
      ASSERT_EQ(Tessera({"backup", "--data", data_, (dir_ / "backup").string()}).exit_code, 0);
    }
    CliRun r = Tessera(args);
    if (path == "incident create") {
      incident_id =
          std::string(json::parse(Tessera({"incident", "list", "--json", "--data", data_}).out)
                          .at(0)
                          .at("id")
                          .as_string());
    }
    if (path == "token create") {
      CliRun list = Tessera({"token", "list", "--user", "bob", "--json", "--data", data_});
      bob_token_id = std::string(json::parse(list.out).at(0).at("id").as_string());
    }
    json::array entries = CliEntries(action);
    ASSERT_FALSE(entries.empty()) << path << " (exit " << r.exit_code << ": " << r.err
                                  << ") left no " << action << " entry";
    EXPECT_THAT(std::string(entries.at(0).at("actor").as_string()), ::testing::StartsWith("cli:"));
    if (path != "hunt") {  // hunt exits 1 when it finds nothing
      EXPECT_EQ(r.exit_code, 0) << path << ": " << r.err;
      EXPECT_EQ(entries.at(0).at("result").as_string(), "done") << path;
    }
    ++audited;
  }
  EXPECT_EQ(audited, recipes.size());

  // One entry per import, not per object; a refused command is recorded with its reason.
  EXPECT_EQ(CliEntries("objects.import").size(), 1u);
  EXPECT_THAT(std::string(CliEntries("objects.import").at(0).at("details").as_string()),
              ::testing::HasSubstr("added 1"));
  EXPECT_EQ(Tessera({"user", "disable", "nobody", "--data", data_}).exit_code, 1);
  json::array disables = CliEntries("user.disable");
  ASSERT_GE(disables.size(), 2u);
  EXPECT_EQ(disables.at(0).at("result").as_string(), "refused");
  EXPECT_THAT(std::string(disables.at(0).at("reason").as_string()), ::testing::HasSubstr("nobody"));

  // A command without arguments names the data directory it acted on (issue #17: init had none).
  const std::string data_target = "data:" + fs::absolute(data_).lexically_normal().string();
  for (const char* action : {"hub.init", "search.reindex"}) {
    json::array entries = CliEntries(action);
    ASSERT_FALSE(entries.empty()) << action;
    for (const json::value& e : entries) EXPECT_EQ(e.at("target").as_string(), data_target);
  }
  // The restore is in the restored store's chain, which still verifies.
  json::array restores = CliEntries("store.restore");
  ASSERT_EQ(restores.size(), 1u);
  EXPECT_EQ(restores.at(0).at("target").as_string(), "backup:" + (dir_ / "backup").string());

  CliRun verify = Tessera({"audit", "verify", "--data", data_});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

// Issue #17: an entry is written with a command's first write, as "done"; a command that fails
// after it (an import whose second file is rejected) gets a closing entry "failed" naming it, and
// one whose later writes had counts (a second file imported) a closing entry with them.
TEST_F(AuditTest, ACommandThatFailsAfterItsFirstWriteIsRecordedAsFailed) {
  auto indicator = [](char c) {
    return std::string(R"({"type": "indicator", "spec_version": "2.1", "id": "indicator--)") + c +
           R"(e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z", "pattern": "[ipv4-addr:value = '203.0.113.9']", "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z"})";
  };
  const std::string good = (dir_ / "good.json").string();
  const std::string good2 = (dir_ / "good2.json").string();
  const std::string bad = (dir_ / "bad.json").string();
  std::ofstream(good)
      << R"({"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [)"
      << indicator('1') << "]}";
  std::ofstream(good2)
      << R"({"type": "bundle", "id": "bundle--6d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [)"
      << indicator('2') << "]}";
  std::ofstream(bad)
      << R"({"type": "bundle", "id": "bundle--7d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [{"type": "indicator"}]})";

  CliRun failed = Tessera({"import", good, bad, "--data", data_});
  EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  json::array entries = CliEntries("objects.import");
  ASSERT_EQ(entries.size(), 2u) << json::serialize(entries);
  const json::value& first = entries.at(1);
  const json::value& closing = entries.at(0);
  EXPECT_EQ(first.at("result").as_string(), "done");
  EXPECT_THAT(std::string(first.at("details").as_string()), ::testing::HasSubstr("added 1"));
  EXPECT_EQ(closing.at("result").as_string(), "failed");
  EXPECT_EQ(closing.at("number").as_int64(), first.at("number").as_int64() + 1);
  EXPECT_EQ(closing.at("actor").as_string(), first.at("actor").as_string());
  EXPECT_THAT(
      std::string(closing.at("details").as_string()),
      ::testing::HasSubstr("closes entry " + std::to_string(first.at("number").as_int64())));
  EXPECT_FALSE(closing.at("reason").as_string().empty());

  CliRun two = Tessera({"import", good, good2, "--data", data_});
  EXPECT_EQ(two.exit_code, 0) << two.out << two.err;
  entries = CliEntries("objects.import");
  ASSERT_EQ(entries.size(), 4u) << json::serialize(entries);
  EXPECT_EQ(entries.at(0).at("result").as_string(), "done");
  EXPECT_THAT(
      std::string(entries.at(0).at("details").as_string()),
      ::testing::AllOf(::testing::HasSubstr("closes entry"), ::testing::HasSubstr("added 1")));

  CliRun verify = Tessera({"audit", "verify", "--data", data_});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

// A token pasted where its id goes leaves its id in the log, never its secret.
TEST_F(AuditTest, APastedTokenIsLoggedByItsIdOnly) {
  // tsr_<16 hex>_<secret>: the secret may itself hold '_'.
  const std::string secret = alice_token_.substr(21);
  ASSERT_GE(secret.size(), 40u) << alice_token_;
  EXPECT_EQ(Tessera({"token", "revoke", alice_token_, "--data", data_}).exit_code, 0);
  EXPECT_EQ(Tessera({"token", "rotate", alice_token_, "--data", data_}).exit_code, 1);  // revoked
  CliRun all = Tessera({"audit", "list", "--limit", "1000", "--json", "--data", data_});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.out.find(secret), std::string::npos) << all.out;
  EXPECT_NE(all.out.find(alice_token_.substr(0, 21)), std::string::npos) << all.out;
  CliRun verify = Tessera({"audit", "verify", "--data", data_});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(AuditTest, VerifyCatchesEveryChangedColumnDeletedAndReorderedRows) {
  // SetUp made entries 1..7 (init, 2 orgs, 2 users, 2 tokens).
  CliRun intact = Tessera({"audit", "verify", "--json", "--data", data_});
  ASSERT_EQ(intact.exit_code, 0) << intact.out << intact.err;
  json::value v = json::parse(intact.out);
  ASSERT_GE(v.at("entries").as_int64(), 5);
  const std::string head(v.at("head").as_string());
  EXPECT_EQ(head.size(), 64u);

  const std::vector<std::pair<std::string, std::string>> columns = {
      {"time", "time + 1"},
      {"actor", "'mallory'"},
      {"org_id", "org_id + 1"},
      {"org", "'Other'"},
      {"action", "'user.delete'"},
      {"target", "'user:x'"},
      {"result", "'refused'"},
      {"reason", "'x'"},
      {"client", "'10.0.0.9'"},
      {"details", "'x'"},
      {"prev_hash", "upper(prev_hash)"},
      {"hash", "upper(hash)"},
      {"chain", "'other'"},
  };
  for (const auto& [column, change] : columns) {
    Sql("CREATE TABLE saved AS SELECT * FROM audit_log WHERE number = 3");
    Sql("UPDATE audit_log SET " + column + " = " + change + " WHERE number = 3");
    CliRun broken = Tessera({"audit", "verify", "--data", data_});
    EXPECT_EQ(broken.exit_code, 1) << column << ": " << broken.out << broken.err;
    EXPECT_THAT(broken.out, ::testing::HasSubstr("entry 3")) << column;
    Sql("DELETE FROM audit_log WHERE number = 3 OR chain = 'other'; "
        "INSERT INTO audit_log SELECT * FROM saved; DROP TABLE saved");
    EXPECT_EQ(Tessera({"audit", "verify", "--data", data_}).exit_code, 0) << column;
  }

  // A deleted row.
  Sql("CREATE TABLE saved AS SELECT * FROM audit_log WHERE number = 2");
  Sql("DELETE FROM audit_log WHERE number = 2");
  CliRun gap = Tessera({"audit", "verify", "--data", data_});
  EXPECT_EQ(gap.exit_code, 1) << gap.out;
  EXPECT_THAT(gap.out, ::testing::HasSubstr("entry 2"));
  Sql("INSERT INTO audit_log SELECT * FROM saved; DROP TABLE saved");
  EXPECT_EQ(Tessera({"audit", "verify", "--data", data_}).exit_code, 0);

  // Two rows reordered (their numbers swapped).
  Sql("UPDATE audit_log SET number = 1000 WHERE number = 4; "
      "UPDATE audit_log SET number = 4 WHERE number = 5; "
      "UPDATE audit_log SET number = 5 WHERE number = 1000");
  CliRun swapped = Tessera({"audit", "verify", "--json", "--data", data_});
  EXPECT_EQ(swapped.exit_code, 1) << swapped.out;
  json::value s = json::parse(swapped.out);
  EXPECT_FALSE(s.at("intact").as_bool());
  EXPECT_EQ(s.at("first_bad_entry").as_int64(), 4);
}

TEST_F(AuditTest, OrgAdminsReadTheirOrganizationsEntriesOnly) {
  StartServer();
  auto admin = Admin();
  auto olga = As("olga", olga_token_);
  auto alice = As("alice", alice_token_);
  // An entry of each organization.
  ASSERT_EQ(olga->Post("/api/v1/users", R"({"name": "carol", "role": "analyst"})", kJson).status,
            201);
  ASSERT_EQ(admin->Post("/api/v1/orgs", R"({"name": "Initech"})", kJson).status, 201);

  json::value all = admin->Get("/api/v1/audit").Json();
  std::set<std::string> orgs;
  for (const auto& e : all.at("items").as_array())
    orgs.insert(std::string(e.at("org").as_string()));
  EXPECT_GE(orgs.size(), 2u) << json::serialize(all);

  HttpResponse own = olga->Get("/api/v1/audit");
  ASSERT_EQ(own.status, 200) << own.body;
  const json::value own_page = own.Json();
  const json::array& items = own_page.at("items").as_array();
  ASSERT_FALSE(items.empty());
  for (const auto& e : items) EXPECT_EQ(e.at("org").as_string(), "ACME CERT") << e;
  EXPECT_EQ(olga->Get("/api/v1/audit?org=Globex%20SOC").status, 403);
  EXPECT_EQ(alice->Get("/api/v1/audit").status, 403);
  EXPECT_EQ(admin->Get("/api/v1/audit?bogus=1").status, 400);

  // Paging with the cursor: pages of 2 cover every entry once, newest first.
  std::vector<int64_t> numbers;
  std::string next;
  for (int i = 0; i < 100; ++i) {
    json::value page =
        admin->Get("/api/v1/audit?limit=2" + (next.empty() ? "" : "&cursor=" + next)).Json();
    for (const auto& e : page.at("items").as_array()) numbers.push_back(e.at("number").as_int64());
    if (!page.as_object().contains("next")) break;
    next = std::string(page.at("next").as_string());
  }
  ASSERT_FALSE(numbers.empty());
  for (size_t i = 0; i < numbers.size(); ++i) {
    EXPECT_EQ(numbers[i], numbers.front() - static_cast<int64_t>(i));
  }
  EXPECT_EQ(numbers.back(), 1);
}

}  // namespace
