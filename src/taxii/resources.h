#pragma once
// The TAXII 2.1 resources as JSON text (§4.2 api-root, §5.1 collections, §5.2 collection, §3.7
// envelope, §5.3 manifest, §5.8 versions) and the X-TAXII-Date-Added-First / -Last headers.
// Pure functions over plain values: no store or directory access, so they are tested alone.
//
// Timestamps: `date_added` with microsecond precision (TAXII recommends it); object versions as
// FormatVersion (common/time.h) writes them, as status entries do: the precision the object
// needs, at least milliseconds (what STIX requires of `modified`).
// Envelopes carry the stored objects' JSON verbatim.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/time.h"
#include "http/message.h"
#include "store/store.h"

namespace tessera::taxii {

// The media type of STIX 2.1 content (collection media_types, manifest media_type).
constexpr std::string_view kStixMediaType = "application/stix+json;version=2.1";

struct ApiRootResource {
  std::string title;        // required
  std::string description;  // left out when empty
  size_t max_content_length = 0;
};
std::string ApiRootJson(const ApiRootResource& root);

struct CollectionResource {
  std::string id;
  std::string title;
  std::string description;  // left out when empty
  std::string alias;        // left out when empty
  bool can_read = false;
  bool can_write = false;
};
std::string CollectionJson(const CollectionResource& collection);
// {"collections": [...]}, or {} when there is none (TAXII leaves empty lists out).
std::string CollectionsJson(std::span<const CollectionResource> collections);

// The version TAXII reports for a stored row: `modified`, else `created`, else `date_added` (an
// object that is not versioned has exactly one version: the one that was added).
Timestamp VersionOf(const store::StoredObject& row);

// A date_added: always microseconds.
std::string FormatDateAdded(Timestamp ts);

// Paging information of a response: `more` and, when there is more, the `next` token.
struct PageInfo {
  bool more = false;
  std::string next;  // empty when !more
};

// {"more": false} / {"more": true, "next": ..., "objects": [<stored JSON>, ...]}.
std::string EnvelopeJson(std::span<const store::StoredObject> rows, const PageInfo& page);

// The same envelope written object by object, as a listing streams from the store
// (Store::ScanCollection): Add each object's JSON in order, then Finish with the paging.
class EnvelopeWriter {
 public:
  // `expected_objects`: how many objects the page may hold (its limit). The first object's size
  // times that, up to kMaxReserve, is set aside at once, so that a page is not copied over again
  // each time it outgrows its buffer.
  explicit EnvelopeWriter(size_t expected_objects = 0) : expected_(expected_objects) {}
  void Add(std::string_view object_json);
  size_t count() const { return count_; }
  std::string Finish(const PageInfo& page) &&;

 private:
  // Room kept before the objects for {"more":...,"next":"..."} (Finish).
  static constexpr size_t kPrefixRoom = 128;
  static constexpr size_t kMaxReserve = size_t{1} << 20;
  std::string objects_;  // room, then ,"objects":[ and the objects' JSON, comma-separated
  size_t count_ = 0;
  size_t expected_ = 0;
};
// {"more": ..., "next": ..., "objects": [{"id", "date_added", "version", "media_type"}, ...]}.
std::string ManifestJson(std::span<const store::StoredObject> rows, const PageInfo& page);
// {"more": ..., "next": ..., "versions": ["<version>", ...]}.
std::string VersionsJson(std::span<const store::StoredObject> rows, const PageInfo& page);

// The status resource (§4.3.1). Per-object lists are left out when empty, and an entry's
// `version` when the object has none (STIX objects without created/modified).
std::string StatusJson(const store::StatusRecord& status);

// Adds X-TAXII-Date-Added-First / -Last: the date_added of the first and the last row returned
// (rows in the order returned). Adds nothing for an empty page.
void AddDateAddedHeaders(std::span<const store::StoredObject> rows, http::Response& response);
// The same from the first and the last row's date_added.
void AddDateAddedHeaders(Timestamp first, Timestamp last, http::Response& response);

}  // namespace tessera::taxii
