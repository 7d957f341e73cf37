// tessera init [--data DIR] [--org NAME] [--admin-token-file F] [--new-admin-token] [--json]

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "admin/accounts.h"
#include "admin/hub_init.h"
#include "cli/admin_common.h"
#include "cli/audit_actions.h"
#include "common/file.h"
#include "store/schema_upgrade.h"
#include "store/store.h"

namespace tessera::cli {
namespace {

struct InitArgs {
  std::string data_dir = kDefaultDataDir;
  std::string org = std::string(admin::kDefaultHubOrgName);
  std::string admin_token_file;
  bool new_admin_token = false;
  bool json = false;
};

int RunInit(const InitArgs& args) {
  const std::string path = (std::filesystem::path(args.data_dir) / store::kStoreFileName).string();
  std::error_code ec;
  const bool existed = std::filesystem::exists(path, ec);
  store::SchemaUpgrade schema;
  auto opened_or = store::OpenStore(args.data_dir, store::OpenMode::kCreateIfMissing, 1, schema);
  if (!opened_or.ok()) {
    std::cerr << "tessera init: " << opened_or.status().message() << "\n";
    return kExitUsage;
  }
  std::unique_ptr<store::Store> opened = std::move(opened_or).value();
  AttachCliAudit(*opened, args.data_dir);  // OpenCommandStore's, for a store opened with `schema`
  admin::HubInitOptions options;
  options.org_name = args.org;
  options.new_admin_token = args.new_admin_token;
  auto hub = admin::InitHub(*opened, options);
  if (!hub.ok()) {
    std::cerr << "tessera init: " << hub.status().message() << "\n";
    return hub.status().code() == ErrorCode::kAlreadyExists ? kExitFindings : kExitUsage;
  }
  // The token leaves this process once: into the file, or onto standard output.
  const bool to_file = hub->admin_token && !args.admin_token_file.empty();
  if (to_file) {
    if (Status st = WriteFileAtomically(args.admin_token_file, hub->admin_token->token + "\n",
                                        FileReaders::kOwnerOnly);
        !st.ok()) {
      std::cerr << "tessera init: " << st.message() << "\n"
                << "tessera init: the admin token was created but not saved; revoke it with "
                << "`tessera token revoke " << hub->admin_token->record.id
                << "` and make another with `tessera init --new-admin-token`\n";
      return kExitUsage;
    }
  }

  if (args.json) {
    boost::json::object o;
    o["store"] = path;
    o["store_created"] = !existed;
    {
      boost::json::object upgrade;
      upgrade["from"] = schema.from;
      upgrade["to"] = schema.to;
      boost::json::array applied;
      for (const int64_t v : admin::AppliedMigrations(schema)) applied.emplace_back(v);
      upgrade["migrations_applied"] = std::move(applied);
      upgrade["summary"] = admin::DescribeSchemaUpgrade(schema);
      o["schema"] = std::move(upgrade);
    }
    o["api_root"] = std::string(admin::kDefaultApiRoot);
    o["hub_org"] = admin::OrgJson(hub->hub_org);
    o["default_collection"] = admin::CollectionJson(hub->default_collection);
    o["admin"] = admin::UserJson(hub->admin);
    if (hub->admin_token) {
      o["admin_token_id"] = hub->admin_token->record.id;
      if (to_file) {
        o["admin_token_file"] = args.admin_token_file;
      } else {
        o["admin_token"] = hub->admin_token->token;
      }
    } else {
      o["admin_token_id"] = nullptr;
    }
    boost::json::array notes;
    for (const std::string& n : hub->notes) notes.emplace_back(n);
    o["notes"] = std::move(notes);
    std::cout << PrettyJson(o);
    return kExitOk;
  }

  if (existed) {
    auto count = opened->CountObjects();
    std::cout << "Tessera store already exists: " << path;
    if (count.ok()) std::cout << " (" << *count << " object version(s))";
    std::cout << "\n";
  } else {
    std::cout << "created Tessera store " << path << "\n";
  }
  std::cout << admin::DescribeSchemaUpgrade(schema) << "\n";
  std::cout << "hub organization: " << hub->hub_org.name << " (" << hub->hub_org.identity_id << ")"
            << (hub->org_created ? "" : ", existing") << "\n";
  std::cout << "default collection: " << hub->default_collection.id << " in API root "
            << hub->default_collection.api_root << "\n";
  std::cout << "admin user: " << hub->admin.name << (hub->admin_created ? "" : ", existing")
            << "\n";
  for (const std::string& n : hub->notes) std::cout << "note: " << n << "\n";
  if (!hub->admin_token) {
    std::cout << "admin token: unchanged (the admin already has one; --new-admin-token makes "
                 "another)\n";
  } else if (to_file) {
    std::cout << "admin token " << hub->admin_token->record.id << " written to "
              << args.admin_token_file << " (mode 0600)\n";
  } else {
    std::cout << "admin token (shown once, store it now; log in as user admin with it):\n"
              << hub->admin_token->token << "\n";
  }
  return kExitOk;
}

}  // namespace

Command AddInitCommand(CLI::App& app) {
  auto args = std::make_shared<InitArgs>();
  CLI::App* sub = app.add_subcommand(
      "init",
      "Create the Tessera store (DIR/tessera.db; DIR is created owner-only when missing) and set "
      "up the hub: the TAXII API root 'api', the hub's own organization, the default collection "
      "(every organization reads and writes it; objects without TLP count as AMBER), and the user "
      "'admin' with an API token, printed once or written to --admin-token-file. On an existing "
      "store it brings the schema up to date (saying which migrations it applied), completes what "
      "is missing and says so; it makes no second admin token unless --new-admin-token. Exit 0 "
      "when the hub is ready, 1 when a user 'admin' exists without the admin role, 2 when the "
      "store cannot be created or opened.");
  AddDataDirOption(sub, args->data_dir);
  sub->add_option("--org", args->org,
                  "Name of the hub's own organization (used when the hub has none yet)")
      ->capture_default_str();
  sub->add_option("--admin-token-file", args->admin_token_file,
                  "Write the new admin token to this file (mode 0600, replaced atomically) "
                  "instead of printing it");
  sub->add_flag("--new-admin-token", args->new_admin_token,
                "Issue another admin token even when the admin already has one (the old ones "
                "stay valid until revoked)");
  sub->add_flag("--json", args->json,
                "Write the result as JSON (the token is included only when it is not written to "
                "a file)");
  return Command{sub, [args] { return RunInit(*args); }};
}

}  // namespace tessera::cli
