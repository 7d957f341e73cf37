// tessera collection add TITLE [--api-root api] [--readers SPEC] [--writers SPEC]
//                    [--audience GROUP] [--default-tlp TLP] [--alias A] [--description D]
// tessera collection list [--api-root NAME] | collection show ID|ALIAS
//                    | collection rename COLL [--title T] [--alias A] [--no-alias]
//                    | collection delete COLL      [--data DIR] [--json]

#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/admin_common.h"
#include "store/access_words.h"

namespace tessera::cli {
namespace {

// The TLP level names --default-tlp accepts: store/access_words.h's, the one list of them.
std::vector<std::string> TlpNames() {
  std::vector<std::string> names;
  for (stix::TlpLevel level : store::AllTlpLevels()) names.emplace_back(store::TlpName(level));
  return names;
}

struct CollectionArgs {
  std::string title;
  std::string api_root = "api";
  std::string readers = "all";
  std::string writers = "all";
  std::string audience;
  std::string default_tlp = std::string(store::TlpName(stix::TlpLevel::kAmber));
  std::string alias;
  std::string description;
  std::string list_api_root;  // list: empty = every API root
  std::string ref;            // rename, delete: id or alias
  std::optional<std::string> new_title;
  std::optional<std::string> new_alias;
  bool no_alias = false;
};

int RunCollectionAdd(const AdminAction& a, const CollectionArgs& args) {
  store::CollectionInfo info;
  info.api_root = args.api_root;
  info.title = args.title;
  info.description = args.description;
  info.alias = args.alias;
  // CLI11 has checked --default-tlp against TlpNames().
  const std::optional<stix::TlpLevel> tlp = store::ParseTlpName(args.default_tlp);
  if (!tlp) return a.Fail(InvalidArgument("unknown TLP '" + args.default_tlp + "'"));
  info.default_tlp = *tlp;
  if (auto root = a.dir.GetApiRoot(args.api_root); !root.ok()) {
    return a.Fail(root.status().code() == ErrorCode::kNotFound
                      ? NotFound("no API root '" + args.api_root + "'")
                      : root.status());
  }
  auto readers = admin::ParseGrants(a.dir, args.readers);
  if (!readers.ok()) return a.Fail(InvalidArgument("--readers: " + readers.status().message()));
  auto writers = admin::ParseGrants(a.dir, args.writers);
  if (!writers.ok()) return a.Fail(InvalidArgument("--writers: " + writers.status().message()));
  info.readers = *readers;
  info.writers = *writers;
  if (!args.audience.empty()) {
    auto group = admin::FindGroupRef(a.dir, args.audience);
    if (!group.ok()) return a.Fail(group.status());
    info.audience_group = group->id;
  }
  auto created = a.dir.CreateCollection(info);
  if (!created.ok()) return a.Fail(created.status());
  return a.Print(admin::CollectionJson(*created), created->id);
}

int RunCollectionList(const AdminAction& a, const CollectionArgs& args) {
  std::vector<std::string> roots;
  if (!args.list_api_root.empty()) {
    if (auto root = a.dir.GetApiRoot(args.list_api_root); !root.ok()) {
      return a.Fail(root.status().code() == ErrorCode::kNotFound
                        ? NotFound("--api-root: no API root '" + args.list_api_root + "'")
                        : root.status());
    }
    roots.push_back(args.list_api_root);
  } else {
    auto all = a.dir.ListApiRoots();
    if (!all.ok()) return a.Fail(all.status());
    for (const store::ApiRoot& r : *all) roots.push_back(r.name);
  }
  std::vector<store::CollectionInfo> collections;
  for (const std::string& root : roots) {
    auto list = a.dir.ListCollections(root);
    if (!list.ok()) return a.Fail(list.status());
    for (store::CollectionInfo& c : *list) collections.push_back(std::move(c));
  }
  if (a.json) return PrintJsonList(collections, admin::CollectionJson);
  std::string default_id;
  if (auto s = a.dir.GetSetting(store::kSettingDefaultCollection); s.ok()) default_id = *s;
  std::vector<std::vector<std::string>> rows;
  for (const store::CollectionInfo& c : collections) {
    std::string audience = "-";
    if (c.audience_group) {
      auto g = a.dir.GetGroup(*c.audience_group);
      audience = "group:" + (g.ok() ? g->name : std::to_string(*c.audience_group));
    }
    rows.push_back({c.id, c.api_root, c.title + (c.id == default_id ? " (default)" : ""),
                    c.alias.empty() ? "-" : c.alias, std::string(store::TlpName(c.default_tlp)),
                    admin::FormatGrants(a.dir, c.readers), admin::FormatGrants(a.dir, c.writers),
                    audience});
  }
  PrintTable(std::cout,
             {"ID", "API ROOT", "TITLE", "ALIAS", "TLP", "READERS", "WRITERS", "AUDIENCE"}, rows);
  return kExitOk;
}

// One collection, named by its id or alias: the admin API's document with --json, else a
// line per field.
int RunCollectionShow(const AdminAction& a, const std::string& ref) {
  auto c = admin::FindCollectionRef(a.dir, ref);
  if (!c.ok()) return a.Fail(c.status());
  std::string audience = "-";
  if (c->audience_group) {
    auto g = a.dir.GetGroup(*c->audience_group);
    audience = "group:" + (g.ok() ? g->name : std::to_string(*c->audience_group));
  }
  std::vector<std::vector<std::string>> rows = {
      {"id", c->id},
      {"api root", c->api_root},
      {"title", c->title},
      {"alias", c->alias.empty() ? "-" : c->alias},
      {"description", c->description.empty() ? "-" : c->description},
      {"default tlp", std::string(store::TlpName(c->default_tlp))},
      {"readers", admin::FormatGrants(a.dir, c->readers)},
      {"writers", admin::FormatGrants(a.dir, c->writers)},
      {"audience", audience},
  };
  if (a.json) return a.Print(admin::CollectionJson(*c), "");
  PrintTable(std::cout, {"FIELD", "VALUE"}, std::move(rows));
  return kExitOk;
}

int RunCollectionRename(const AdminAction& a, const CollectionArgs& args) {
  if (!args.new_title && !args.new_alias && !args.no_alias) {
    return a.Fail(InvalidArgument("give --title, --alias or --no-alias"));
  }
  if (args.new_alias && args.no_alias) {
    return a.Fail(InvalidArgument("give --alias or --no-alias, not both"));
  }
  auto c = admin::FindCollectionRef(a.dir, args.ref);
  if (!c.ok()) return a.Fail(c.status());
  store::CollectionInfo info = *c;
  if (args.new_title) {
    if (args.new_title->empty()) return a.Fail(InvalidArgument("--title may not be empty"));
    info.title = *args.new_title;
  }
  if (args.new_alias) info.alias = *args.new_alias;
  if (args.no_alias) info.alias.clear();
  auto updated = a.dir.UpdateCollection(info);
  if (!updated.ok()) return a.Fail(updated.status());
  return a.Print(admin::CollectionJson(*updated),
                 "collection " + updated->id + ": title " + EscapeForDisplay(updated->title) +
                     ", alias " +
                     (updated->alias.empty() ? "-" : EscapeForDisplay(updated->alias)));
}

int RunCollectionDelete(const AdminAction& a, const CollectionArgs& args) {
  auto c = admin::FindCollectionRef(a.dir, args.ref);
  if (!c.ok()) return a.Fail(c.status());
  if (Status st = a.dir.DeleteCollection(c->id); !st.ok()) {
    if (store::IsInUse(st)) {
      return a.Fail(store::InUse("collection " + EscapeForDisplay(c->title) +
                                 " cannot be deleted: " + st.message()));
    }
    return a.Fail(st);
  }
  boost::json::object o = admin::CollectionJson(*c);
  o["deleted"] = true;
  return a.Print(o, "collection " + c->id + " deleted");
}

}  // namespace

Command AddCollectionCommand(CLI::App& app) {
  auto args = std::make_shared<CollectionArgs>();
  AdminCommand collection(
      app, "collection",
      "Manage TAXII collections: who may read and write each one, and the default marking and "
      "audience of the objects posted to it. A collection is named by its id or its alias "
      "wherever one is taken. Exit 0 ok, 1 refused (unknown API root, collection, "
      "organization or group; alias taken), 2 usage or I/O.");

  CLI::App* add =
      collection.Add("add", "Add a collection; prints its id.",
                     [args](const AdminAction& a) { return RunCollectionAdd(a, *args); });
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
                  "Marking of objects that carry no TLP marking")
      ->check(CLI::IsMember(TlpNames()))
      ->capture_default_str();
  add->add_option("--alias", args->alias, "A short name, unique within its API root");
  add->add_option("--description", args->description, "What the collection holds");

  CLI::App* list = collection.Add(
      "list", "List collections: id, API root, title, alias, default TLP, readers, writers.",
      [args](const AdminAction& a) { return RunCollectionList(a, *args); });
  list->add_option("--api-root", args->list_api_root, "Only this API root");

  auto show_ref = std::make_shared<std::string>();
  CLI::App* show =
      collection.Add("show", "Show one collection, named by its id or its alias.",
                     [show_ref](const AdminAction& a) { return RunCollectionShow(a, *show_ref); });
  show->add_option("COLLECTION", *show_ref,
                   "Collection id or alias (an alias used in several API roots needs the id)")
      ->required();

  CLI::App* rename = collection.Add(
      "rename", "Change a collection's title or alias (its id, which URLs and objects use, stays).",
      [args](const AdminAction& a) { return RunCollectionRename(a, *args); });
  rename->add_option("COLLECTION", args->ref, "Collection id or alias")->required();
  rename->add_option("--title", args->new_title, "The new title");
  rename->add_option("--alias", args->new_alias, "The new alias (unique within its API root)");
  rename->add_flag("--no-alias", args->no_alias, "Remove the alias");

  CLI::App* del = collection.Add(
      "delete",
      "Delete an empty collection. Refused (exit 1, saying why) while it holds objects, or for "
      "the hub's default collection.",
      [args](const AdminAction& a) { return RunCollectionDelete(a, *args); });
  del->add_option("COLLECTION", args->ref, "Collection id or alias")->required();

  return collection.Finish();
}

}  // namespace tessera::cli
