#pragma once
// The --type values of the commands that filter stored objects by STIX type (`tessera export`,
// `tessera search`): a type that no STIX 2.1 object has and no stored object has is a name
// nobody uses, refused with exit 1 and a suggestion, never an empty answer that looks like "no
// match". Header-only; used by those commands' *_cmd.cpp files.

#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "stix/types.h"
#include "store/store.h"

namespace tessera::cli {

// Checks that each of `types` is a STIX 2.1 type name (stix::FamilyOf not kCustom) or a custom
// type some stored object has (one indexed probe of `store` per such type). Returns kExitOk, or
// prints "tessera <command>: --type X: unknown STIX type ... (did you mean 'Y'?)" on standard
// error and returns kExitFindings for the first unknown one; kExitUsage when the store fails.
inline int CheckTypeNames(std::string_view command, store::Store& store,
                          const std::vector<std::string>& types) {
  for (const std::string& type : types) {
    const bool known =
        stix::IsValidTypeName(type) && stix::FamilyOf(type) != stix::TypeFamily::kCustom;
    if (known) continue;
    if (stix::IsValidTypeName(type)) {  // a custom type: known when something stored has it
      store::ObjectQuery probe;
      probe.types = {type};
      probe.limit = 1;
      auto page = store.ListObjects(probe);
      if (!page.ok()) {
        std::cerr << "tessera " << command << ": " << page.status().message() << "\n";
        return kExitUsage;
      }
      if (!page->objects.empty()) continue;
    }
    std::cerr << "tessera " << command << ": --type " << type
              << ": unknown STIX type (neither a STIX 2.1 type nor the type of a stored object)";
    if (const std::string_view near = stix::ClosestStixType(type); !near.empty()) {
      std::cerr << "; did you mean '" << near << "'?";
    }
    std::cerr << "\n";
    return kExitFindings;
  }
  return kExitOk;
}

}  // namespace tessera::cli
