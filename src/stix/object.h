#pragma once
// One STIX 2.1 object as Tessera carries it: the properties every layer keys on, plus the object's
// full JSON text, so that custom properties and extensions survive every round trip untouched.

#include <optional>
#include <string>

#include "common/time.h"
#include "stix/full_text.h"
#include "stix/handling.h"

namespace tessera::stix {

struct Object {
  std::string type;          // "indicator", "ipv4-addr", "x-acme-widget", ...
  std::string id;            // "indicator--<uuid>"
  std::string spec_version;  // as written; "2.1" when absent on an object that may omit it
  std::optional<Timestamp> created;
  std::optional<Timestamp> modified;
  bool revoked = false;
  std::string json;  // the whole object, minified, properties in input order
  // Its markings, author and named audience, as the reader read them from the parsed object;
  // nullopt for an object built in code (stix::ReadHandling reads them from `json`).
  std::optional<Handling> handling;
  // Its full text (name, description, labels, aliases), as the reader read it from the parsed
  // object; nullopt for an object built in code (stix::ReadFullText reads it from `json`).
  std::optional<FullText> text;

  // The version TAXII and the store key on (TAXII 2.1 §3.6 manifest `version`): `modified`,
  // else `created`; objects with neither (most SCOs) have a single, unversioned form.
  std::optional<Timestamp> Version() const { return modified ? modified : created; }
};

}  // namespace tessera::stix
