// tessera audit list [--since T] [--actor U] [--org O] [--action A] [--limit N] [--json]
// tessera audit verify [--json]
// tessera audit actions [--json]
//
// The audit log (store/audit_log.h, audit/chain.h): who changed what, in a hash chain that
// `verify` checks entry by entry. Exit codes: 0 done (verify: intact), 1 refused (verify: broken,
// saying the first bad entry and why; list: unknown organization, bad filter), 2 usage or I/O.

#include <iostream>
#include <memory>
#include <string>

#include "admin/accounts.h"
#include "cli/admin_common.h"
#include "cli/audit_actions.h"
#include "cli/store_open.h"
#include "common/duration.h"
#include "store/audit_log.h"

namespace tessera::cli {
namespace {

struct AuditArgs {
  std::string data_dir = kDefaultDataDir;
  std::string chain{audit::kHubChain};
  std::string since;
  std::string actor;
  std::string org;
  std::string action;
  size_t limit = 100;
  bool json = false;
};

// --since: an RFC 3339 time, or a duration back from now ("24h", "7d").
Result<Timestamp> SinceOf(const std::string& text) {
  if (auto t = ParseTimestamp(text); t.ok()) return *t;
  auto d = ParseDuration(text);
  if (!d.ok()) {
    return InvalidArgument("--since '" + text +
                           "' is neither an RFC 3339 time nor a duration such as 24h");
  }
  const Timestamp now = Timestamp::Now();
  return Timestamp{now.seconds - d->count(), now.nanos};
}

int RunList(const AuditArgs& args) {
  store::AuditQuery q;
  q.chain = args.chain;
  q.limit = args.limit;
  if (q.limit == 0 || q.limit > store::kMaxAuditPage) {
    return Fail("audit list",
                InvalidArgument("--limit is 1 to " + std::to_string(store::kMaxAuditPage)));
  }
  if (!args.since.empty()) {
    auto since = SinceOf(args.since);
    if (!since.ok()) return Fail("audit list", since.status());
    q.since = *since;
  }
  if (!args.actor.empty()) q.actor = args.actor;
  if (!args.action.empty()) q.action = args.action;
  auto store = OpenCommandStore("audit list", args.data_dir, store::OpenMode::kOpenExisting, 1);
  if (!store) return kExitUsage;
  if (!args.org.empty()) {
    auto org = admin::FindOrg(store->directory(), args.org);
    if (!org.ok()) return Fail("audit list", org.status());
    q.org_id = org->id;
  }
  auto entries = store::AuditLogOf(*store).List(q);
  if (!entries.ok()) return Fail("audit list", entries.status());
  if (args.json) return PrintJsonList(*entries, audit::EntryJson);
  std::vector<std::vector<std::string>> rows;
  for (const audit::Entry& e : *entries) {
    std::string result = e.result;
    if (!e.reason.empty()) result += ": " + e.reason;
    rows.push_back({std::to_string(e.number), FormatTimestamp(e.time, TimePrecision::kSeconds),
                    e.actor, e.org.empty() ? "-" : e.org, e.action, e.target,
                    e.client.empty() ? "-" : e.client, result});
  }
  PrintTable(std::cout, {"#", "TIME", "ACTOR", "ORG", "ACTION", "TARGET", "CLIENT", "RESULT"},
             rows);
  return kExitOk;
}

int RunVerify(const AuditArgs& args) {
  auto store = OpenCommandStore("audit verify", args.data_dir, store::OpenMode::kOpenExisting, 1);
  if (!store) return kExitUsage;
  audit::Verifier verifier(args.chain);
  Status st = store::AuditLogOf(*store).Scan(args.chain, [&](const audit::Entry& e) -> Status {
    if (!verifier.Feed(e)) return Corrupt("the audit chain is broken");
    return Status::Ok();
  });
  if (!st.ok() && verifier.intact()) return Fail("audit verify", st);
  if (args.json) {
    boost::json::object o;
    o["chain"] = args.chain;
    o["intact"] = verifier.intact();
    o["entries"] = verifier.intact() ? verifier.checked() : verifier.first_bad() - 1;
    if (verifier.intact()) {
      o["head"] = verifier.head();
    } else {
      o["first_bad_entry"] = verifier.first_bad();
      o["why"] = verifier.why();
    }
    std::cout << PrettyJson(o);
  } else if (verifier.intact()) {
    std::cout << "audit chain '" << args.chain << "' intact: " << verifier.checked()
              << " entries; head " << verifier.head() << "\n";
  } else {
    std::cout << "audit chain '" << args.chain << "' broken at entry " << verifier.first_bad()
              << ": " << verifier.why() << "\n";
  }
  return verifier.intact() ? kExitOk : kExitFindings;
}

int RunActions(const CLI::App& root, bool json) {
  boost::json::array list;
  std::vector<std::vector<std::string>> rows;
  for (const auto& [path, app] : CommandPaths(root)) {
    const std::string* action = AuditActionOf(path);
    boost::json::object o;
    o["command"] = path;
    if (action) {
      o["action"] = *action;
    } else {
      o["action"] = nullptr;
    }
    list.push_back(std::move(o));
    rows.push_back({path, action == nullptr ? "(undeclared)" : action->empty() ? "-" : *action});
  }
  if (json) {
    std::cout << PrettyJson(list);
  } else {
    PrintTable(std::cout, {"COMMAND", "AUDIT ACTION"}, rows);
  }
  return kExitOk;
}

}  // namespace

Command AddAuditCommand(CLI::App& app) {
  auto args = std::make_shared<AuditArgs>();
  CLI::App* sub = app.add_subcommand(
      "audit",
      "Read and verify the audit log: every change to the hub (accounts, tokens, groups, "
      "collections, objects, sessions, settings) with who made it, from where, and whether it was "
      "done, refused, or failed after a committed change (a closing entry), in a hash chain. Exit "
      "0 ok (verify: intact), 1 refused (verify: broken), "
      "2 usage or I/O.");
  sub->require_subcommand(1);
  CLI::App* list = sub->add_subcommand("list", "List entries, newest first.");
  list->add_option("--since", args->since,
                   "Entries from this time (RFC 3339) or this long ago (24h)");
  list->add_option("--actor", args->actor, "Entries of this actor (a user name, or cli:<OS user>)");
  list->add_option("--org", args->org, "Entries of this organization (name, id or identity id)");
  list->add_option("--action", args->action,
                   "Entries of this action (user.create), or of a family (user)");
  list->add_option("--limit", args->limit, "At most this many entries (1 to 1000)")
      ->capture_default_str();
  CLI::App* verify = sub->add_subcommand(
      "verify",
      "Check the chain entry by entry; prints its head (keep it out of band: a later verify whose "
      "chain no longer leads to it shows entries were removed from the end). Exit 1 when broken: "
      "the first bad entry's number and why.");
  CLI::App* actions =
      sub->add_subcommand("actions", "List every command with the audit action it records.");
  for (CLI::App* s : {list, verify}) {
    AddDataDirOption(s, args->data_dir);
    s->add_option("--chain", args->chain, "The log's chain")->capture_default_str();
  }
  for (CLI::App* s : {list, verify, actions}) {
    s->add_flag("--json", args->json, "Write the result as JSON");
  }
  return Command{sub, [args, list, verify, &app]() -> int {
                   if (list->parsed()) return RunList(*args);
                   if (verify->parsed()) return RunVerify(*args);
                   return RunActions(app, args->json);
                 }};
}

}  // namespace tessera::cli
