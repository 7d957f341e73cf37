// tessera collection add TITLE [--api-root api] [--readers SPEC] [--writers SPEC]
//                    [--audience GROUP] [--default-tlp TLP] [--alias A] [--description D]
// tessera collection list [--api-root NAME]      [--data DIR] [--json]

#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/admin_common.h"

namespace tessera::cli {
namespace {

const std::vector<std::string> kTlps = {"clear", "green", "amber", "amber+strict", "red"};

struct CollectionArgs {
  AdminCommonArgs common;
  std::string title;
  std::string api_root = "api";
  std::string readers = "all";
  std::string writers = "all";
  std::string audience;
  std::string default_tlp = "amber";
  std::string alias;
  std::string description;
  std::string list_api_root;  // list: empty = every API root
};

int RunCollectionAdd(const CollectionArgs& args) {
  auto store = OpenExistingStore(args.common.data_dir, "collection add");
  if (!store) return kExitUsage;
  store::Directory& dir = store->directory();
  store::CollectionInfo info;
  info.api_root = args.api_root;
  info.title = args.title;
  info.description = args.description;
  info.alias = args.alias;
  info.default_tlp = args.default_tlp;
  if (auto root = dir.GetApiRoot(args.api_root); !root.ok()) {
    return Fail("collection add", root.status().code() == ErrorCode::kNotFound
                                      ? NotFound("no API root '" + args.api_root + "'")
                                      : root.status());
  }
  auto readers = api::ParseGrants(dir, args.readers);
  if (!readers.ok())
    return Fail("collection add", InvalidArgument("--readers: " + readers.status().message()));
  auto writers = api::ParseGrants(dir, args.writers);
  if (!writers.ok())
    return Fail("collection add", InvalidArgument("--writers: " + writers.status().message()));
  info.readers = *readers;
  info.writers = *writers;
  if (!args.audience.empty()) {
    auto group = api::FindGroupRef(dir, args.audience);
    if (!group.ok()) return Fail("collection add", group.status());
    info.audience_group = group->id;
  }
  auto created = dir.CreateCollection(info);
  if (!created.ok()) return Fail("collection add", created.status());
  if (args.common.json) {
    std::cout << api::PrettyJson(api::CollectionJson(*created));
  } else {
    std::cout << created->id << "\n";
  }
  return kExitOk;
}

int RunCollectionList(const CollectionArgs& args) {
  auto store = OpenExistingStore(args.common.data_dir, "collection list");
  if (!store) return kExitUsage;
  store::Directory& dir = store->directory();
  std::vector<std::string> roots;
  if (!args.list_api_root.empty()) {
    roots.push_back(args.list_api_root);
  } else {
    auto all = dir.ListApiRoots();
    if (!all.ok()) return Fail("collection list", all.status());
    for (const store::ApiRoot& r : *all) roots.push_back(r.name);
  }
  std::vector<store::CollectionInfo> collections;
  for (const std::string& root : roots) {
    auto list = dir.ListCollections(root);
    if (!list.ok()) return Fail("collection list", list.status());
    for (store::CollectionInfo& c : *list) collections.push_back(std::move(c));
  }
  if (args.common.json) {
    boost::json::array list;
    for (const store::CollectionInfo& c : collections) list.push_back(api::CollectionJson(c));
    std::cout << api::PrettyJson(list);
    return kExitOk;
  }
  std::string default_id;
  if (auto s = dir.GetSetting(store::kSettingDefaultCollection); s.ok()) default_id = *s;
  std::vector<std::vector<std::string>> rows;
  for (const store::CollectionInfo& c : collections) {
    std::string audience = "-";
    if (c.audience_group) {
      auto g = dir.GetGroup(*c.audience_group);
      audience = "group:" + (g.ok() ? g->name : std::to_string(*c.audience_group));
    }
    rows.push_back({c.id, c.api_root, c.title + (c.id == default_id ? " (default)" : ""),
                    c.alias.empty() ? "-" : c.alias, c.default_tlp,
                    api::FormatGrants(dir, c.readers), api::FormatGrants(dir, c.writers),
                    audience});
  }
  PrintTable(std::cout,
             {"ID", "API ROOT", "TITLE", "ALIAS", "TLP", "READERS", "WRITERS", "AUDIENCE"}, rows);
  return kExitOk;
}

}  // namespace

Command AddCollectionCommand(CLI::App& app) {
  auto args = std::make_shared<CollectionArgs>();
  CLI::App* sub = app.add_subcommand(
      "collection",
      "Manage TAXII collections: who may read and write each one, and the default marking and "
      "audience of the objects posted to it. Exit 0 ok, 1 refused (unknown API root, "
      "organization or group; alias taken), 2 usage or I/O.");
  sub->require_subcommand(1);

  CLI::App* add = sub->add_subcommand("add", "Add a collection; prints its id.");
  add->add_option("TITLE", args->title, "Human-readable title")->required();
  add->add_option("--api-root", args->api_root, "The API root it belongs to")
      ->capture_default_str();
  add->add_option("--readers", args->readers,
                  "Who may read it: all, none, or a comma-separated list of organizations (name, "
                  "identity id or numeric id) and group:NAME entries")
      ->capture_default_str();
  add->add_option("--writers", args->writers, "Who may write to it, in the form of --readers")
      ->capture_default_str();
  add->add_option("--audience", args->audience,
                  "A sharing group: the default audience of GREEN/AMBER objects posted to it "
                  "(without it: the collection's readers)");
  add->add_option("--default-tlp", args->default_tlp,
                  "Marking of objects that carry no TLP marking: clear, green, amber, "
                  "amber+strict or red")
      ->check(CLI::IsMember(kTlps))
      ->capture_default_str();
  add->add_option("--alias", args->alias, "A short name, unique within its API root");
  add->add_option("--description", args->description, "What the collection holds");
  AddAdminCommonOptions(add, args->common);

  CLI::App* list = sub->add_subcommand(
      "list", "List collections: id, API root, title, alias, default TLP, readers, writers.");
  list->add_option("--api-root", args->list_api_root, "Only this API root");
  AddAdminCommonOptions(list, args->common);

  return Command{sub, [args, add, list] {
                   if (add->parsed()) return RunCollectionAdd(*args);
                   if (list->parsed()) return RunCollectionList(*args);
                   return kExitUsage;
                 }};
}

}  // namespace tessera::cli
