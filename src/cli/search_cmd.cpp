// tessera search [--data DIR] [--as NAME] [--json] VALUE...
// tessera search [--data DIR] [--as NAME] [--json] --text TEXT [--sort time|relevance] [--limit N]
// tessera search [--data DIR] [--as NAME] [--json] [filters] [--limit N]   (a listing)
// tessera search reindex [--data DIR]
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/admin_common.h"
#include "cli/commands.h"
#include "cli/store_open.h"
#include "cli/type_names.h"
#include "hunt/search_keys.h"
#include "policy/page_token.h"
#include "policy/tokens.h"
#include "policy/view.h"
#include "search/search.h"
#include "search/text_query.h"
#include "store/store.h"

namespace tessera::cli {
namespace {

struct SearchArgs {
  std::string data_dir = kDefaultDataDir;
  std::vector<std::string> values;
  std::string as;  // "": the operator's view
  bool json = false;
  // The search's parameters (search::AddParameter) by name, as given; "" when not given.
  std::string text, sort, limit, next;
  std::string added_after, added_before, modified_after, modified_before, valid, revoked;
  std::vector<std::string> types, tlp, producers, collections;
  bool text_given = false;  // --text was given (maybe empty: refused as a query without words)
};

// The search parameters `tessera search` takes as options (--NAME, with '-' for '_'): one value
// each, or repeatable.
struct NamedOption {
  const char* parameter;
  std::string SearchArgs::*value;
  std::string help;
};
struct ListOption {
  const char* parameter;
  std::vector<std::string> SearchArgs::*values;
  std::string help;
};

std::vector<NamedOption> NamedOptions() {
  return {
      {"text", &SearchArgs::text,
       "Full-text search of names, descriptions, labels and aliases (at most " +
           std::to_string(search::kMaxTextQueryBytes) + " bytes, " +
           std::to_string(search::kMaxTextTerms) + " terms; docs/search.md)"},
      {"sort", &SearchArgs::sort, "With --text: time (newest first, the default) or relevance"},
      {"limit", &SearchArgs::limit,
       "With --text or a listing: at most this many hits (default " +
           std::to_string(search::kDefaultTextLimit) + ", at most " +
           std::to_string(search::kMaxTextLimit) + ")"},
      {"next", &SearchArgs::next,
       "With --text or a listing: the page after the one that printed this"},
      {"added_after", &SearchArgs::added_after, "Only objects added after (RFC 3339)"},
      {"added_before", &SearchArgs::added_before, "Only objects added before (RFC 3339)"},
      {"modified_after", &SearchArgs::modified_after, "Only versions modified after (RFC 3339)"},
      {"modified_before", &SearchArgs::modified_before, "Only versions modified before (RFC 3339)"},
      {"valid", &SearchArgs::valid,
       "true: only indicators still valid (valid_until absent or to come); false: only expired "
       "ones"},
      {"revoked", &SearchArgs::revoked, "true or false: only revoked objects, or none"},
  };
}

std::vector<ListOption> ListOptions() {
  return {
      {"type", &SearchArgs::types, "Only objects of this STIX type (repeatable)"},
      {"tlp", &SearchArgs::tlp,
       "Only objects of this TLP: clear, green, amber, amber+strict, red (repeatable)"},
      {"producer", &SearchArgs::producers,
       "Only objects this organization shared into the hub (repeatable)"},
      {"collection", &SearchArgs::collections,
       "Only objects of this collection: its id or alias (repeatable)"},
  };
}

std::string FlagOf(std::string_view parameter) {
  std::string flag = "--";
  for (char c : parameter) flag.push_back(c == '_' ? '-' : c);
  return flag;
}

// The parameters the options give, read by the one reader of search parameters.
Result<search::Parameters> ParametersOf(const SearchArgs& args) {
  search::Parameters p;
  for (const std::string& v : args.values)
    TESSERA_RETURN_IF_ERROR(search::AddParameter("value", v, p));
  for (const NamedOption& o : NamedOptions()) {
    const std::string& value = args.*o.value;
    const bool given = !value.empty() || (&value == &args.text && args.text_given);
    if (given) TESSERA_RETURN_IF_ERROR(search::AddParameter(o.parameter, value, p));
  }
  for (const ListOption& o : ListOptions()) {
    for (const std::string& v : args.*o.values) {
      TESSERA_RETURN_IF_ERROR(search::AddParameter(o.parameter, v, p));
    }
  }
  TESSERA_RETURN_IF_ERROR(search::CheckParameters(p));
  return p;
}

// One line of the table: the value, then what the hit is.
void PrintRow(const std::string& value, const search::Hit& h, bool related) {
  std::string when = FormatTimestamp(h.date_added, TimePrecision::kSeconds);
  std::printf(
      "%-24s %-8s %-52s %-16s %-12s %-16s %-20s %s\n", value.c_str(), related ? "related" : "hit",
      h.id.c_str(), h.name.substr(0, 16).c_str(), h.tlp.empty() ? "-" : h.tlp.c_str(),
      h.producer.empty() ? "-" : h.producer.substr(0, 16).c_str(), when.c_str(), h.matched.c_str());
}

constexpr const char* kHeader = "%-24s %-8s %-52s %-16s %-12s %-16s %-20s %s\n";

// A full-text search's answer: JSON, or a table on a terminal.
int PrintText(const search::TextHits& found, bool json) {
  if (json) {
    std::printf("%s\n", search::TextResultsJson(found).c_str());
  } else {
    std::printf(kHeader, "TEXT", "FOUND", "ID", "NAME", "TLP", "PRODUCER", "ADDED", "MATCHED");
    const std::string text = found.text.substr(0, 24);
    if (found.hits.empty()) std::printf("%-24s %s\n", text.c_str(), "nothing");
    for (const search::Hit& h : found.hits) PrintRow(text, h, false);
    if (!found.next.empty()) {
      std::printf("%-24s (more: the next page with --next %s)\n", text.c_str(), found.next.c_str());
    } else if (found.more) {
      std::printf("%-24s (more: the first %zu are shown)\n", text.c_str(), found.hits.size());
    }
  }
  return found.hits.empty() ? kExitFindings : kExitOk;
}

int RunSearch(const SearchArgs& args) {
  auto params = ParametersOf(args);
  if (!params.ok()) {
    std::cerr << "tessera search: " << params.status().message() << "\n";
    return kExitUsage;
  }
  auto store = OpenCommandStore("search", args.data_dir);
  if (!store) return kExitUsage;
  std::optional<policy::Principal> principal;
  if (!args.as.empty()) {
    auto p = policy::ReaderNamed(store->directory(), args.as);
    if (!p.ok()) {
      std::cerr << "tessera search: --as: " << p.status().message() << "\n";
      return ExitCodeFor(p.status());  // 1 for an unknown member
    }
    principal = std::move(*p);
  }
  const policy::ObjectView view =
      principal ? policy::ObjectView(*store, *principal) : policy::ObjectView::Operator(*store);
  // Names nobody uses are refused (exit 1), not answered with an empty result.
  if (const int rc = CheckTypeNames("search", *store, args.types); rc != kExitOk) return rc;
  for (const std::string& name : args.producers) {
    if (auto org = store->directory().FindOrganization(name); !org.ok()) {
      std::cerr << "tessera search: --producer: " << org.status().message() << "\n";
      return ExitCodeFor(org.status());
    }
  }
  for (const std::string& ref : args.collections) {  // an id or an alias the view sees
    if (auto c = view.Collection(ref); !c.ok()) {
      std::cerr << "tessera search: --collection: " << c.status().message() << "\n";
      return ExitCodeFor(c.status());
    }
  }
  const bool json = args.json || ::isatty(STDOUT_FILENO) != 1;
  if (params->values.empty()) {  // a text, or a listing
    // The hub's cursor key, as the server's: a `next` printed here pages on the API too.
    std::unique_ptr<policy::PageTokenSealer> sealer;
    Status ready = policy::InitCrypto();
    if (ready.ok()) {
      auto key = policy::LoadPageTokenKey(store->directory());
      if (key.ok()) {
        sealer = std::make_unique<policy::PageTokenSealer>(*key);
      } else {
        ready = key.status();
      }
    }
    if (!ready.ok()) {
      std::cerr << "tessera search: " << ready.message() << "\n";
      return kExitUsage;
    }
    auto found = search::SearchText(view, search::TextRequestOf(*params, sealer.get()));
    if (!found.ok()) {
      std::cerr << "tessera search: " << found.status().message() << "\n";
      return kExitUsage;
    }
    return PrintText(*found, json);
  }
  auto found = search::SearchValues(view, params->values, params->filters);
  if (!found.ok()) {
    std::cerr << "tessera search: " << found.status().message() << "\n";
    return kExitUsage;
  }
  bool any = false;
  for (const search::ValueHits& v : *found) any = any || !v.hits.empty() || !v.related.empty();
  if (json) {
    std::printf("%s\n", search::ResultsJson(*found).c_str());
  } else {
    std::printf(kHeader, "VALUE", "FOUND", "ID", "NAME", "TLP", "PRODUCER", "ADDED", "MATCHED");
    for (const search::ValueHits& v : *found) {
      if (v.hits.empty() && v.related.empty()) {
        std::printf("%-24s %s\n", v.value.c_str(), "nothing");
        continue;
      }
      for (const search::Hit& h : v.hits) PrintRow(v.value, h, false);
      for (const search::Hit& h : v.related) PrintRow(v.value, h, true);
      if (v.truncated) {
        std::printf("%-24s (more than %zu: the first are shown)\n", v.value.c_str(),
                    search::kMaxHitsPerValue);
      }
    }
  }
  return any ? kExitOk : kExitFindings;
}

int RunReindex(const std::string& data_dir) {
  auto store = OpenCommandStore("search reindex", data_dir);
  if (!store) return kExitUsage;
  auto stats = store->RebuildSearchIndex(hunt::ObjectSearchKeys);
  if (!stats.ok()) {
    std::cerr << "tessera search reindex: " << stats.status().message() << "\n";
    return kExitUsage;
  }
  std::printf("search index: %lld keys for %lld objects", static_cast<long long>(stats->keys),
              static_cast<long long>(stats->rows));
  if (stats->bytes > 0) {
    std::printf(", %.1f MiB", static_cast<double>(stats->bytes) / (1024.0 * 1024.0));
  }
  std::printf("; full text: %lld objects", static_cast<long long>(stats->text_rows));
  if (stats->text_bytes > 0) {
    std::printf(", %.1f MiB", static_cast<double>(stats->text_bytes) / (1024.0 * 1024.0));
  }
  std::printf("\n");
  return kExitOk;
}

}  // namespace

Command AddSearchCommand(CLI::App& app) {
  auto args = std::make_shared<SearchArgs>();
  auto reindex_dir = std::make_shared<std::string>(kDefaultDataDir);
  CLI::App* sub = app.add_subcommand(
      "search",
      "Does the hub know these values? Each VALUE (an IP address or CIDR range, a domain, a "
      "URL, a file hash of any algorithm, an e-mail address, any other observable value) is "
      "looked up in the store's search index: the indicators whose patterns name it (an "
      "address also finds the CIDR indicators holding it, a subdomain its parent domains' "
      "indicators), the observables holding it, the observed-data containing them, and the "
      "relationships and sightings pointing at those.\n"
      "With --text, a full-text search of names, descriptions, labels and aliases instead: "
      "words (all of them), \"a phrase\", prefix*, a OR b, -excluded; newest first, or best "
      "first with --sort relevance, --limit hits (default 100, at most 1000).\n"
      "With neither VALUE nor --text, the objects the filters keep, newest first (what arrived "
      "lately: --added-after), paged as --text is.\n"
      "Without --as, the operator's view (everything); with --as NAME, what that member may "
      "read.\n"
      "A table on a terminal, JSON otherwise or with --json (the shape of GET /api/v1/search).\n"
      "`tessera search reindex` files every stored object again and reports the index's size "
      "(needed once for a store made before the index).\n"
      "Exit 0 when something was found; 1 when nothing was, or a name is unknown (--as, "
      "--collection, --producer, a --type that is neither a STIX 2.1 type nor a stored one), "
      "saying which on standard error; 2 on a usage or store error.");
  sub->add_option("--data", args->data_dir, "Data directory (also read from $TESSERA_DATA)")
      ->envname("TESSERA_DATA")
      ->capture_default_str();
  sub->add_option("--as", args->as,
                  "Search what this member may read: a user name, an organization name, or "
                  "user:NAME / org:NAME when both exist; default: the operator's view");
  sub->add_flag("--json", args->json, "JSON even on a terminal");
  for (const NamedOption& o : NamedOptions()) {
    sub->add_option(FlagOf(o.parameter), (*args).*o.value, o.help);
  }
  for (const ListOption& o : ListOptions()) {
    sub->add_option(FlagOf(o.parameter), (*args).*o.values, o.help);
  }
  sub->add_option("values", args->values,
                  "Values to look up (at most " + std::to_string(search::kMaxValues) + ")");
  sub->require_subcommand(0, 1);
  CLI::App* reindex = sub->add_subcommand(
      "reindex", "File every stored object in the search index again; print the index's size");
  reindex->add_option("--data", *reindex_dir, "Data directory (also read from $TESSERA_DATA)")
      ->envname("TESSERA_DATA")
      ->capture_default_str();
  return Command{sub, [args, reindex, reindex_dir, sub]() -> int {
                   if (reindex->parsed()) return RunReindex(*reindex_dir);
                   args->text_given = sub->get_option("--text")->count() > 0;
                   return RunSearch(*args);
                 }};
}

}  // namespace tessera::cli
