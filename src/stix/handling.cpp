// Reading an object's handling (stix/handling.h) from the parsed object. Runs for every object
// the reader reads: one walk over the top-level properties, allocating only for what it keeps.

#include "stix/handling.h"

#include <algorithm>

#include "stix/tlp.h"
#include "stix/validate.h"

namespace tessera::stix {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

void AddMarking(std::string_view id, Handling& out) {
  if (const TlpMarking* m = FindTlpMarking(id)) {
    if (!out.tlp || m->level > *out.tlp) out.tlp = m->level;
    return;
  }
  if (std::find(out.other_markings.begin(), out.other_markings.end(), id) ==
      out.other_markings.end()) {
    out.other_markings.emplace_back(id);
  }
}

bool StartsWithTlp(std::string_view name) {
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  return name.size() >= 3 && (name[0] == 'T' || name[0] == 't') &&
         (name[1] == 'L' || name[1] == 'l') && (name[2] == 'P' || name[2] == 'p');
}

void ReadAudience(object ext, Handling& out) {
  out.names_audience = true;
  array recipients;
  if (ext["recipients"].get_array().get(recipients) == simdjson::SUCCESS) {
    for (element r : recipients) {
      std::string_view id;
      if (r.get_string().get(id) == simdjson::SUCCESS) out.recipients.emplace_back(id);
    }
  }
  std::string_view group;
  if (ext["sharing_group"].get_string().get(group) == simdjson::SUCCESS) out.sharing_group = group;
}

}  // namespace

void ExtractHandling(simdjson::dom::object o, std::string_view type, Handling& out) {
  const bool marking_definition = type == "marking-definition";
  bool tlp_like = false;
  for (auto field : o) {
    const std::string_view key = field.key;
    if (key == "object_marking_refs") {
      array refs;
      if (field.value.get_array().get(refs) != simdjson::SUCCESS) continue;
      for (element ref : refs) {
        std::string_view id;
        if (ref.get_string().get(id) == simdjson::SUCCESS) AddMarking(id, out);
      }
    } else if (key == "granular_markings") {
      array list;
      if (field.value.get_array().get(list) != simdjson::SUCCESS) continue;
      for (element g : list) {
        std::string_view id;
        if (g["marking_ref"].get_string().get(id) == simdjson::SUCCESS) AddMarking(id, out);
      }
    } else if (key == "created_by_ref") {
      std::string_view id;
      if (field.value.get_string().get(id) == simdjson::SUCCESS) out.created_by_ref = id;
    } else if (key == "extensions") {
      object exts;
      if (field.value.get_object().get(exts) != simdjson::SUCCESS) continue;
      for (auto ext : exts) {
        object body;
        if (ext.key == kTesseraExtensionId &&
            ext.value.get_object().get(body) == simdjson::SUCCESS) {
          ReadAudience(body, out);
        } else if (marking_definition && ext.key == kTlp2ExtensionDefinitionId) {
          tlp_like = true;
        }
      }
    } else if (marking_definition) {
      std::string_view s;
      if (key == "definition_type") {
        tlp_like |= field.value.get_string().get(s) == simdjson::SUCCESS && s == "tlp";
      } else if (key == "name") {
        tlp_like |= field.value.get_string().get(s) == simdjson::SUCCESS && StartsWithTlp(s);
      } else if (key == "definition") {
        tlp_like |= field.value["tlp"].error() == simdjson::SUCCESS;
      }
    }
  }
  if (marking_definition) {
    std::string_view id;
    const bool standard =
        o["id"].get_string().get(id) == simdjson::SUCCESS && FindTlpMarking(id) != nullptr;
    out.defines = standard   ? MarkingClass::kStandardTlp
                  : tlp_like ? MarkingClass::kTlpLike
                             : MarkingClass::kStatement;
  }
}

}  // namespace tessera::stix
