#pragma once
// Search by observable value (issue 16): "do we know this?" for an IP address, a CIDR range, a
// domain, a URL, a file hash, an e-mail address or any other observable value, answered from the
// store's search index (hunt/search_keys.h) through the asker's policy view: what the asker may
// not read is absent exactly as what nobody stored.
//
// For each value:
//   - hits: the objects filed under one of its keys (hunt::ValueSearchKeys: an address also finds
//     the CIDR indicators that hold it, a subdomain its parent domains' indicators): indicators
//     whose patterns name it, observables that hold it, observed-data that embed it; then the
//     observed-data that refer to an observable hit (object_refs);
//   - related: the relationships and sightings that point at a hit (one relationship away).
// An object is one hit per collection it is in (the newest version the asker reads there that
// names the value).
//
// Thread-safe as the view's store is.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "policy/page_token.h"
#include "policy/view.h"
#include "stix/tlp_level.h"

namespace tessera::search {

// The most values one search takes (a SIEM enriching a batch).
inline constexpr size_t kMaxValues = 10'000;
// The most hits, and related objects, one value answers; `truncated` says there were more.
inline constexpr size_t kMaxHitsPerValue = 100;

struct Hit {
  std::string id;
  std::string type;
  std::string name;          // the object's `name`, else its `value`; "" when it has neither
  std::string tlp;           // "clear", "green", "amber", "amber+strict", "red"; "" when unmarked
  int64_t producer_org = 0;  // the organization that shared it into the hub; 0: the operator
  std::string producer;      // that organization's name; "" for the operator
  std::string collection;    // the collection id
  Timestamp date_added;
  std::optional<Timestamp> modified;  // the version found; nullopt when unversioned
  bool revoked = false;
  // Why it was found: a hit, the key it is filed under ("ip:203.0.113.0/24",
  // "domain:evil.example", "ref:ipv4-addr--..." for observed-data that refers to an observable
  // hit); a related object, "ref:<the id of the hit it points at>".
  std::string matched;
};

// What a search keeps of what the view reads (docs/search.md, "Filters"), for values and text
// alike. Visibility comes first: a filter only ever removes rows the view reads, so no filter
// can make a hidden row count anywhere. A hit passes every filter given; within one filter,
// any of its values.
struct Filters {
  std::vector<std::string> types;        // `type`: its STIX type
  std::vector<stix::TlpLevel> tlp;       // `tlp`: its TLP level (an unmarked object has none)
  std::vector<std::string> producers;    // `producer`: the name of the organization that shared
                                         // it (an unknown name keeps nothing, as one whose
                                         // objects the view does not read)
  std::vector<std::string> collections;  // `collection`: the id or alias of the collection it is in
  std::optional<Timestamp> added_after, added_before;        // date_added (exclusive bounds)
  std::optional<Timestamp> modified_after, modified_before;  // its version (exclusive bounds;
                                                             // not an unversioned object)
  // `valid`: true, the indicators whose valid_until is absent or in the future; false, those
  // whose valid_until has passed. Other types pass neither.
  std::optional<bool> valid;
  std::optional<bool> revoked;  // `revoked`
};

struct ValueHits {
  std::string value;         // as asked
  std::vector<Hit> hits;     // newest first
  std::vector<Hit> related;  // newest first
  bool truncated = false;    // more hits or related objects than kMaxHitsPerValue
};

// Searches each of `values` through `view`, one ValueHits each, in the order given.
// kInvalidArgument naming the value when one is empty or longer than hunt::kMaxSearchValueBytes,
// and when there are none or more than kMaxValues; kUnavailable while the store's index is
// incomplete (`tessera search reindex`); the store's and directory's errors.
Result<std::vector<ValueHits>> SearchValues(const policy::ObjectView& view,
                                            std::span<const std::string> values,
                                            const Filters& filters = {});

// What is one relationship away from one object (GET /api/v1/objects/{id}/related): the graph
// around it that the web interface draws.
struct Edge {
  Hit hit;
  std::string object;  // the STIX JSON of the version `hit` describes
};
struct Related {
  std::string id;  // as asked
  // `id` itself when it is a relationship or a sighting (`matched` "self"), then the
  // relationships and sightings that refer to it (filed under hunt::RefSearchKey(id), as
  // SearchValues finds `related`; `matched` "ref:<id>"), newest first: one per id, the newest
  // version the view reads in the collection where it was added last. At most
  // kMaxHitsPerValue.
  std::vector<Edge> edges;
  // The objects at the other ends of the edges (relationship source_ref and target_ref;
  // sighting sighting_of_ref, observed_data_refs, where_sighted_refs) that the view reads,
  // each once, never `id`; `matched` is the property of the first edge that names it
  // ("source_ref", ...). At most kMaxRelatedNodes ids are looked up.
  std::vector<Hit> nodes;
  // More edges than kMaxHitsPerValue, or more ids at their ends than kMaxRelatedNodes.
  bool truncated = false;
};
// The most ids at the ends of the edges that one Related looks up (each once).
inline constexpr size_t kMaxRelatedNodes = 1000;

// What is one relationship away from `id` through `view`, in the collections it lists (only
// those `filters.collections` names, when it names some; the other filters are not applied).
// Nothing when the view reads no version of `id` there: an id the view may not read answers
// exactly as an id nobody stored (empty edges and nodes). What the view may not read is never
// an edge or a node. kInvalidArgument when `id` is not a STIX identifier (type--uuid);
// kUnavailable while the store's index is incomplete; the store's and directory's errors.
Result<Related> SearchRelated(const policy::ObjectView& view, const std::string& id,
                              const Filters& filters = {});

// The JSON of GET /api/v1/objects/{id}/related:
//   {"id": "...", "edges": [EDGE...], "nodes": [HIT...], "truncated": false}
// HIT as in ResultsJson; EDGE a HIT with "object": the STIX object of that version.
std::string RelatedJson(const Related& related);

// The most hits one page of a full-text search answers, and how many when not told.
inline constexpr size_t kMaxTextLimit = 1000;
inline constexpr size_t kDefaultTextLimit = 100;
// A full-text hit's `matched`, and a listed one's.
inline constexpr std::string_view kTextMatch = "text";
inline constexpr std::string_view kListMatch = "filters";

// A full-text search (docs/search.md, "Full text").
struct TextRequest {
  // What the user typed (search/text_query.h); "": no text, a listing of every object the
  // filters keep, newest first (what arrived lately).
  std::string text;
  store::TextOrder order = store::TextOrder::kNewest;
  size_t limit = kDefaultTextLimit;  // 1..kMaxTextLimit
  Filters filters;
  // The `next` of the previous page ("": the first page). Needs `sealer`.
  std::string next;
  // Seals and opens `next` cursors (the hub's page-token key); nullptr: no cursor is made, and
  // a `next` given is refused.
  const policy::PageTokenSealer* sealer = nullptr;
};

struct TextHits {
  std::string text;       // as asked
  std::vector<Hit> hits;  // in the order asked; `matched` is "text"
  bool more = false;      // more hits than `limit`
  // When `more` and the request had a sealer: the cursor of the next page, bound to the asker
  // and to the request (its text, order, limit and filters), so that it is refused elsewhere.
  std::string next;
};

// The objects whose name, description, labels or aliases match `request.text`, among those
// `view` may read: each object's newest version the view reads in a collection, one hit per
// collection; with no text, every such object the filters keep, newest first (`matched` is
// kListMatch). kInvalidArgument, saying why, for a query ParseTextQuery refuses, sort by
// relevance without a text, a limit out of range, or a `next` that is not one this hub made for
// this asker and this request (the same answer for a forged one: it tells nothing);
// kUnavailable while the store's index is incomplete; the store's and directory's errors.
Result<TextHits> SearchText(const policy::ObjectView& view, const TextRequest& request);

// What one search asks, read parameter by parameter (AddParameter) from GET /api/v1/search's
// query, POST /api/v1/search's members and `tessera search`'s options (docs/search.md): the one
// reader of their names and values.
struct Parameters {
  std::vector<std::string> values;  // `value` (GET, repeatable), `values` (POST), VALUE... (CLI)
  std::optional<std::string> text;  // `text`: a full-text search instead of values
  std::optional<store::TextOrder> sort;  // `sort`: "time" or "relevance" (text only)
  std::optional<size_t> limit;           // `limit`: 1..kMaxTextLimit (text only)
  std::string next;                      // `next`: the cursor of a text search's next page
  Filters filters;  // `type`, `tlp`, `producer`, `collection` (each repeatable), `added_after`,
                    // `added_before`, `modified_after`, `modified_before` (RFC 3339),
                    // `valid`, `revoked` (true or false)
};

// Reads parameter `name` with `value` into `p`. kInvalidArgument naming the parameter for an
// unknown name, a bad value, or a second `text`, `sort` or `limit`.
Status AddParameter(std::string_view name, std::string_view value, Parameters& p);

// Whether `p` asks one search: values, a text, or neither (a listing of what the filters keep,
// newest first), never values and a text; sort, limit and next never with values; relevance
// only with a text; a text given is not empty. kInvalidArgument saying what is wrong.
Status CheckParameters(const Parameters& p);

// The TextRequest of `p` (a text search or a listing: CheckParameters passed and p.values is
// empty), its cursors sealed by `sealer` (may be nullptr: no paging).
TextRequest TextRequestOf(const Parameters& p, const policy::PageTokenSealer* sealer);

// The answer as JSON, the one shape of `GET/POST /api/v1/search` and `tessera search --json`:
//   {"results": [{"value": "...", "found": true, "truncated": false,
//                 "hits": [HIT...], "related": [HIT...]}, ...]}
// HIT: {"id", "type", "name", "tlp", "producer", "producer_org", "collection", "date_added",
//       "modified" (absent when unversioned), "revoked", "matched"}, timestamps RFC 3339 UTC.
std::string ResultsJson(std::span<const ValueHits> results);

// A full-text answer as JSON, the one shape of `GET/POST /api/v1/search` with `text` and
// `tessera search --text --json`:
//   {"text": "...", "found": true, "hits": [HIT...], "more": false}
// HIT as in ResultsJson.
std::string TextResultsJson(const TextHits& result);

}  // namespace tessera::search
