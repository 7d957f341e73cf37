// tessera token create USER [--expires DURATION] [--label L] | token list [--user USER] |
// token revoke ID   [--data DIR] [--json]

#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "api/duration.h"
#include "cli/admin_common.h"
#include "policy/tokens.h"

namespace tessera::cli {
namespace {

struct TokenArgs {
  AdminCommonArgs common;
  std::string user;
  std::string expires;
  std::string label;
  std::string id;
};

int RunTokenCreate(const TokenArgs& args) {
  std::optional<Timestamp> expires;
  if (!args.expires.empty()) {
    auto d = api::ParseDuration(args.expires);
    if (!d.ok()) {
      std::cerr << "tessera token create: --expires: " << d.status().message() << "\n";
      return kExitUsage;
    }
    const Timestamp now = Timestamp::Now();
    expires = Timestamp{now.seconds + d->count(), now.nanos};
  }
  auto store = OpenExistingStore(args.common.data_dir, "token create");
  if (!store) return kExitUsage;
  store::Directory& dir = store->directory();
  auto user = api::FindUserRef(dir, args.user);
  if (!user.ok()) return Fail("token create", user.status());
  auto issued = policy::CreateToken(dir, user->id, expires, args.label);
  if (!issued.ok()) return Fail("token create", issued.status());
  if (args.common.json) {
    boost::json::object o = api::TokenJson(issued->record, Timestamp::Now());
    o["user"] = user->name;
    o["token"] = issued->token;
    std::cout << api::PrettyJson(o);
  } else {
    std::cout << issued->token << "\n";
  }
  if (user->disabled) {
    std::cerr << "tessera token create: note: user " << user->name
              << " is disabled; the token works once it is enabled\n";
  }
  return kExitOk;
}

int RunTokenList(const TokenArgs& args) {
  auto store = OpenExistingStore(args.common.data_dir, "token list");
  if (!store) return kExitUsage;
  store::Directory& dir = store->directory();
  std::vector<store::User> users;
  if (!args.user.empty()) {
    auto user = api::FindUserRef(dir, args.user);
    if (!user.ok()) return Fail("token list", user.status());
    users.push_back(*user);
  } else {
    auto all = dir.ListUsers(std::nullopt);
    if (!all.ok()) return Fail("token list", all.status());
    users = std::move(*all);
  }
  const Timestamp now = Timestamp::Now();
  boost::json::array list;
  std::vector<std::vector<std::string>> rows;
  for (const store::User& u : users) {
    auto tokens = dir.ListTokens(u.id);
    if (!tokens.ok()) return Fail("token list", tokens.status());
    for (const store::TokenRecord& t : *tokens) {
      if (args.common.json) {
        boost::json::object o = api::TokenJson(t, now);
        o["user"] = u.name;
        list.push_back(std::move(o));
      } else {
        rows.push_back({t.id, u.name, t.label.empty() ? "-" : t.label,
                        FormatTimestamp(t.created, TimePrecision::kSeconds),
                        t.expires ? FormatTimestamp(*t.expires, TimePrecision::kSeconds) : "never",
                        std::string(api::TokenState(t, now))});
      }
    }
  }
  if (args.common.json) {
    std::cout << api::PrettyJson(list);
  } else {
    PrintTable(std::cout, {"ID", "USER", "LABEL", "CREATED", "EXPIRES", "STATE"}, rows);
  }
  return kExitOk;
}

int RunTokenRevoke(const TokenArgs& args) {
  auto store = OpenExistingStore(args.common.data_dir, "token revoke");
  if (!store) return kExitUsage;
  store::Directory& dir = store->directory();
  // Accept the whole token too (tsr_<id>_<secret>): revoking a leaked token by pasting it works.
  std::string id = args.id;
  if (id.starts_with("tsr_") && id.size() > 4 + 16) id = id.substr(4, 16);
  auto token = dir.GetToken(id);
  if (!token.ok()) {
    return Fail("token revoke", token.status().code() == ErrorCode::kInvalidArgument
                                    ? NotFound("no token with id '" + args.id + "'")
                                    : token.status());
  }
  if (Status st = dir.RevokeToken(id); !st.ok()) return Fail("token revoke", st);
  auto revoked = dir.GetToken(id);
  if (!revoked.ok()) return Fail("token revoke", revoked.status());
  if (args.common.json) {
    std::cout << api::PrettyJson(api::TokenJson(*revoked, Timestamp::Now()));
  } else {
    std::cout << "token " << id << " revoked" << (token->revoked ? " (it already was)" : "")
              << "\n";
  }
  return kExitOk;
}

}  // namespace

Command AddTokenCommand(CLI::App& app) {
  auto args = std::make_shared<TokenArgs>();
  CLI::App* sub = app.add_subcommand(
      "token",
      "Manage API tokens. A token (tsr_<id>_<secret>) is shown once when it is created and "
      "stored only as an Argon2id hash; clients send it as HTTP Basic user:token or as "
      "'Authorization: Bearer TOKEN'. Revocation and expiry take effect on the next request. "
      "Exit 0 ok, 1 refused (unknown user or token), 2 usage or I/O.");
  sub->require_subcommand(1);

  CLI::App* create =
      sub->add_subcommand("create", "Create a token for USER and print it (the only time).");
  create->add_option("USER", args->user, "User name or numeric id")->required();
  create->add_option("--expires", args->expires,
                     "Lifetime, e.g. 90d, 12h, 30m, 2w or 1d12h (default: never expires)");
  create->add_option("--label", args->label, "What the token is for (shown by token list)");
  AddAdminCommonOptions(create, args->common);

  CLI::App* list = sub->add_subcommand(
      "list", "List tokens (id, user, label, created, expires, state); never the secrets.");
  list->add_option("--user", args->user, "Only the tokens of this user");
  AddAdminCommonOptions(list, args->common);

  CLI::App* revoke = sub->add_subcommand(
      "revoke",
      "Revoke a token by its id (the 16 hex characters after tsr_), or the token itself.");
  revoke->add_option("ID", args->id, "Token id")->required();
  AddAdminCommonOptions(revoke, args->common);

  return Command{sub, [args, create, list, revoke] {
                   if (create->parsed()) return RunTokenCreate(*args);
                   if (list->parsed()) return RunTokenList(*args);
                   if (revoke->parsed()) return RunTokenRevoke(*args);
                   return kExitUsage;
                 }};
}

}  // namespace tessera::cli
