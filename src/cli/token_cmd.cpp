// tessera token create USER [--expires DURATION] [--label L] | token list [--user USER] |
// token revoke ID | token rotate ID [--expires DURATION]   [--data DIR] [--json]

#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "cli/admin_common.h"
#include "common/duration.h"
#include "policy/tokens.h"

namespace tessera::cli {
namespace {

struct TokenArgs {
  std::string user;
  std::string expires;
  std::string label;
  std::string id;
  std::optional<Timestamp> expires_at;  // create: from --expires (CheckTokenCreate)
};

// Checks --expires before the store is opened and sets expires_at from it.
int CheckTokenCreate(TokenArgs& args) {
  if (args.expires.empty()) return kExitOk;
  auto d = ParseDuration(args.expires);
  if (!d.ok()) {
    std::cerr << "tessera token create: --expires: " << d.status().message() << "\n";
    return kExitUsage;
  }
  const Timestamp now = Timestamp::Now();
  args.expires_at = Timestamp{now.seconds + d->count(), now.nanos};
  return kExitOk;
}

int RunTokenCreate(const AdminAction& a, const TokenArgs& args) {
  auto user = admin::FindUserRef(a.dir, args.user);
  if (!user.ok()) return a.Fail(user.status());
  auto issued = policy::CreateToken(a.dir, user->id, args.expires_at, args.label);
  if (!issued.ok()) return a.Fail(issued.status());
  boost::json::object o = admin::TokenJson(issued->record, Timestamp::Now());
  o["user"] = user->name;
  o["token"] = issued->token;
  a.Print(o, issued->token);
  if (user->disabled) {
    std::cerr << "tessera token create: note: user " << user->name
              << " is disabled; the token works once it is enabled\n";
  }
  return kExitOk;
}

int RunTokenList(const AdminAction& a, const TokenArgs& args) {
  std::vector<store::User> users;
  if (!args.user.empty()) {
    auto user = admin::FindUserRef(a.dir, args.user);
    if (!user.ok()) return a.Fail(user.status());
    users.push_back(*user);
  } else {
    auto all = a.dir.ListUsers(std::nullopt);
    if (!all.ok()) return a.Fail(all.status());
    users = std::move(*all);
  }
  const Timestamp now = Timestamp::Now();
  boost::json::array list;
  std::vector<std::vector<std::string>> rows;
  for (const store::User& u : users) {
    auto tokens = a.dir.ListTokens(u.id);
    if (!tokens.ok()) return a.Fail(tokens.status());
    for (const store::TokenRecord& t : *tokens) {
      if (a.json) {
        boost::json::object o = admin::TokenJson(t, now);
        o["user"] = u.name;
        list.push_back(std::move(o));
      } else {
        rows.push_back(
            {t.id, u.name, t.label.empty() ? "-" : t.label,
             FormatTimestamp(t.created, TimePrecision::kSeconds),
             t.expires ? FormatTimestamp(*t.expires, TimePrecision::kSeconds) : "never",
             std::string(admin::TokenState(t, now)),
             t.last_used ? FormatTimestamp(*t.last_used, TimePrecision::kSeconds) : "never"});
      }
    }
  }
  if (a.json) {
    std::cout << PrettyJson(list);
  } else {
    PrintTable(std::cout, {"ID", "USER", "LABEL", "CREATED", "EXPIRES", "STATE", "LAST USED"},
               rows);
  }
  return kExitOk;
}

int RunTokenRevoke(const AdminAction& a, const TokenArgs& args) {
  // Accept the whole token too (tsr_<id>_<secret>): revoking a leaked token by pasting it works.
  std::string id = args.id;
  if (id.starts_with("tsr_") && id.size() > 4 + 16) id = id.substr(4, 16);
  auto token = a.dir.GetToken(id);
  if (!token.ok()) {
    return a.Fail(token.status().code() == ErrorCode::kInvalidArgument
                      ? NotFound("no token with id '" + id + "'")  // never the pasted secret
                      : token.status());
  }
  if (Status st = a.dir.RevokeToken(id); !st.ok()) return a.Fail(st);
  auto revoked = a.dir.GetToken(id);
  if (!revoked.ok()) return a.Fail(revoked.status());
  return a.Print(admin::TokenJson(*revoked, Timestamp::Now()),
                 "token " + id + " revoked" + (token->revoked ? " (it already was)" : ""));
}

// Creates a new token for the same user with the same label (and --expires, else the old one's
// lifetime from now), then revokes the old one; prints the new token.
int RunTokenRotate(const AdminAction& a, const TokenArgs& args) {
  std::string id = args.id;
  if (id.starts_with("tsr_") && id.size() > 4 + 16) id = id.substr(4, 16);
  auto old = a.dir.GetToken(id);
  if (!old.ok()) {
    return a.Fail(old.status().code() == ErrorCode::kInvalidArgument
                      ? NotFound("no token with id '" + id + "'")  // never the pasted secret
                      : old.status());
  }
  if (old->revoked) {
    return a.Fail(store::InUse("token " + id + " is revoked; create a new one instead"));
  }
  auto user = a.dir.GetUser(old->user_id);
  if (!user.ok()) return a.Fail(user.status());
  std::optional<Timestamp> expires = args.expires_at;
  if (!expires && old->expires) {
    const Timestamp now = Timestamp::Now();
    expires = Timestamp{now.seconds + (old->expires->seconds - old->created.seconds), now.nanos};
  }
  auto issued = policy::CreateToken(a.dir, user->id, expires, old->label);
  if (!issued.ok()) return a.Fail(issued.status());
  if (Status st = a.dir.RevokeToken(id); !st.ok()) return a.Fail(st);
  boost::json::object o = admin::TokenJson(issued->record, Timestamp::Now());
  o["user"] = user->name;
  o["token"] = issued->token;
  o["replaces"] = id;
  a.Print(o, issued->token);
  std::cerr << "tessera token rotate: token " << id << " of user " << EscapeForDisplay(user->name)
            << " revoked; the new one is " << issued->record.id << "\n";
  return kExitOk;
}

}  // namespace

Command AddTokenCommand(CLI::App& app) {
  auto args = std::make_shared<TokenArgs>();
  AdminCommand token(
      app, "token",
      "Manage API tokens. A token (tsr_<id>_<secret>) is shown once when it is created and "
      "stored only as a keyed hash; clients send it as HTTP Basic user:token or as "
      "'Authorization: Bearer TOKEN'. Revocation and expiry take effect on the next request. "
      "Exit 0 ok, 1 refused (unknown user or token), 2 usage or I/O.");

  CLI::App* create = token.Add(
      "create", "Create a token for USER and print it (the only time).",
      [args](const AdminAction& a) { return RunTokenCreate(a, *args); },
      [args] { return CheckTokenCreate(*args); });
  create->add_option("USER", args->user, "User name or numeric id")->required();
  create->add_option("--expires", args->expires,
                     "Lifetime, e.g. 90d, 12h, 30m, 2w or 1d12h (default: never expires)");
  create->add_option("--label", args->label, "What the token is for (shown by token list)");

  CLI::App* list = token.Add(
      "list",
      "List tokens (id, user, label, created, expires, state, last used: to the minute); never "
      "the secrets.",
      [args](const AdminAction& a) { return RunTokenList(a, *args); });
  list->add_option("--user", args->user, "Only the tokens of this user");

  CLI::App* revoke = token.Add(
      "revoke", "Revoke a token by its id (the 16 hex characters after tsr_), or the token itself.",
      [args](const AdminAction& a) { return RunTokenRevoke(a, *args); });
  revoke->add_option("ID", args->id, "Token id")->required();

  CLI::App* rotate = token.Add(
      "rotate",
      "Replace a token: create a new one for its user (same label; the same lifetime from now "
      "unless --expires says otherwise), print it, and revoke the old one.",
      [args](const AdminAction& a) { return RunTokenRotate(a, *args); },
      [args] { return CheckTokenCreate(*args); });
  rotate->add_option("ID", args->id, "Token id, or the token itself")->required();
  rotate->add_option("--expires", args->expires, "Lifetime of the new token, e.g. 90d");

  return token.Finish();
}

}  // namespace tessera::cli
