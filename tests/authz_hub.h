#pragma once
// A hub for end-to-end tests: a temporary data directory made by `tessera init`, the directory
// filled through the `tessera` CLI as an operator would (orgs, users, tokens, groups,
// collections), and `tessera serve` on a free loopback port. Used by the authorization matrix,
// restart and third-party client tests. Every failure is a gtest failure carrying the command's
// output; nothing here knows the access rules.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "http_client.h"

namespace tessera::testing {

// The `tessera` binary under test (built into each test by its .cmake file).
inline std::string TesseraCli() { return TESSERA_CLI_PATH; }

inline std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  size_t start = 0;
  while (start < s.size() && s[start] == ' ') ++start;
  return s.substr(start);
}

class TestHub {
 public:
  TestHub() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tessera-hub-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) root_ = tmpl;
  }
  ~TestHub() {
    server_.reset();
    if (!root_.empty()) std::filesystem::remove_all(root_);
  }
  TestHub(const TestHub&) = delete;
  TestHub& operator=(const TestHub&) = delete;

  const std::filesystem::path& root() const { return root_; }
  std::string data_dir() const { return (root_ / "data").string(); }

  // `tessera ARGS... --data DIR`; a non-zero exit fails the test (with its output) unless
  // `expect_exit` says otherwise.
  CliRun Cli(std::vector<std::string> args, int expect_exit = 0) {
    args.push_back("--data");
    args.push_back(data_dir());
    CliRun r = RunProgram(TesseraCli(), args, root_);
    std::string cmd;
    for (const auto& a : args) cmd += " " + a;
    EXPECT_EQ(r.exit_code, expect_exit) << "tessera" << cmd << "\n" << r.out << r.err;
    return r;
  }

  // `tessera init --admin-token-file`: the admin token is kept for Client("admin").
  void Init() {
    const std::string token_file = (root_ / "admin-token").string();
    Cli({"init", "--admin-token-file", token_file});
    tokens_["admin"] = Trim(Slurp(token_file));
    EXPECT_EQ(std::filesystem::status(token_file).permissions() &
                  (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none)
        << "the admin token file must be private (0600)";
  }

  // `tessera org add NAME`: returns the organization's STIX identity id.
  std::string AddOrg(const std::string& name) {
    CliRun r = Cli({"org", "add", name});
    std::string id = Trim(r.out);
    EXPECT_EQ(id.rfind("identity--", 0), 0u) << r.out;
    return id;
  }
  // `tessera user add NAME --org ORG --role ROLE` and a token for the user (kept for Client()).
  void AddUser(const std::string& name, const std::string& org, const std::string& role) {
    Cli({"user", "add", name, "--org", org, "--role", role});
    tokens_[name] = CreateToken(name);
  }
  // `tessera token create USER [--expires D]`: the token, printed once.
  std::string CreateToken(const std::string& user, const std::string& expires = "") {
    std::vector<std::string> args = {"token", "create", user};
    if (!expires.empty()) {
      args.push_back("--expires");
      args.push_back(expires);
    }
    CliRun r = Cli(args);
    std::string token = Trim(r.out);
    EXPECT_EQ(token.rfind("tsr_", 0), 0u) << r.out;
    return token;
  }
  // The public id of a token "tsr_<id>_<secret>".
  static std::string TokenId(const std::string& token) {
    return token.size() > 20 ? token.substr(4, 16) : "";
  }
  void AddGroup(const std::string& name, const std::vector<std::string>& member_orgs) {
    std::vector<std::string> args = {"group", "add", name};
    for (const auto& m : member_orgs) {
      args.push_back("--member");
      args.push_back(m);
    }
    Cli(args);
  }
  // `tessera collection add TITLE ...` (with --alias when `alias` is given): returns the
  // collection id.
  std::string AddCollection(const std::string& title, const std::string& readers,
                            const std::string& writers, const std::string& default_tlp,
                            const std::string& audience = "", const std::string& alias = "") {
    std::vector<std::string> args = {"collection", "add",   title,           "--readers", readers,
                                     "--writers",  writers, "--default-tlp", default_tlp};
    if (!audience.empty()) {
      args.push_back("--audience");
      args.push_back(audience);
    }
    if (!alias.empty()) {
      args.push_back("--alias");
      args.push_back(alias);
    }
    CliRun r = Cli(args);
    return Trim(r.out);
  }

  const std::string& token(const std::string& user) { return tokens_[user]; }
  void SetToken(const std::string& user, const std::string& token) { tokens_[user] = token; }

  // Starts `tessera serve` on a free loopback port (no access log: the matrix makes thousands
  // of requests).
  void StartServer(std::vector<std::string> extra = {}) {
    server_ = std::make_unique<ServerProcess>();
    std::vector<std::string> args = {"serve",       "--data",    data_dir(), "--listen",
                                     "127.0.0.1:0", "--threads", "2",        "--no-access-log"};
    args.insert(args.end(), extra.begin(), extra.end());
    ASSERT_TRUE(server_->Start(TesseraCli(), args));
  }
  ServerProcess& server() { return *server_; }
  void ForgetServer() { server_.reset(); }

  // A keep-alive client authenticated as `user` with HTTP Basic (user:token), or as a Bearer.
  std::unique_ptr<HttpClient> Client(const std::string& user, bool bearer = false) {
    auto c = std::make_unique<HttpClient>("127.0.0.1", server_->port());
    const std::string& t = tokens_[user];
    c->SetAuthorization(bearer ? BearerAuth(t) : BasicAuth(user, t));
    return c;
  }

  // A keep-alive client of `user` as the web interface is: signed in once through POST
  // /api/v1/session (the session kept for later calls), it sends the session cookie and its CSRF
  // token with every request, and no Authorization header.
  std::unique_ptr<HttpClient> SessionClient(const std::string& user) {
    auto c = std::make_unique<HttpClient>("127.0.0.1", server_->port());
    auto& [cookie, csrf] = sessions_[user];
    if (cookie.empty()) {
      boost::json::object body;
      body["user"] = user;
      body["token"] = tokens_[user];
      c->SetAccept("application/json");
      HttpResponse r = c->Post("/api/v1/session", boost::json::serialize(body),
                               {{"Content-Type", "application/json"}});
      EXPECT_EQ(r.status, 201) << user << ": " << r.body;
      const std::string set_cookie = r.Header("set-cookie").value_or("");
      cookie = set_cookie.substr(0, set_cookie.find(';'));
      const boost::json::value v = r.Json();
      if (v.is_object() && v.as_object().contains("csrf_token")) {
        csrf = std::string(v.at("csrf_token").as_string());
      }
      c->SetAccept(std::string(kTaxiiMediaType));
    }
    c->SetSession(cookie, csrf);
    return c;
  }

 private:
  std::filesystem::path root_;
  std::map<std::string, std::string> tokens_;
  std::map<std::string, std::pair<std::string, std::string>> sessions_;  // user -> cookie, CSRF
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace tessera::testing
