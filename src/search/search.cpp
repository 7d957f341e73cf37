#include "search/search.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <map>
#include <set>
#include <utility>

#include "hunt/search_keys.h"
#include "search/text_query.h"
#include "stix/handling.h"
#include "stix/types.h"
#include "store/access_words.h"

namespace tessera::search {
namespace {

namespace json = boost::json;

// The rows a search reads per round (versions and copies of the same object count apart).
constexpr size_t kRowsPerRound = 4 * kMaxHitsPerValue;

// Producer names, read from the directory once per search.
class Producers {
 public:
  explicit Producers(store::Directory& directory) : directory_(directory) {}
  Result<std::string> Name(int64_t org) {
    if (org == 0) return std::string();
    auto it = names_.find(org);
    if (it != names_.end()) return it->second;
    auto found = directory_.GetOrganization(org);
    std::string name;
    if (found.ok()) {
      name = found->name;
    } else if (found.status().code() != ErrorCode::kNotFound) {
      return found.status();
    }
    names_.emplace(org, name);
    return name;
  }

 private:
  store::Directory& directory_;
  std::map<int64_t, std::string> names_;
};

// Whether `o`, an object the view reads described as `h` (its JSON `v`), passes the filters
// that SQL cannot apply: its TLP level, an indicator's validity.
bool PassesHitFilters(const Filters& f, const store::StoredObject& o, const json::value& v,
                      const std::optional<stix::TlpLevel>& tlp) {
  if (!f.tlp.empty() && (!tlp || std::find(f.tlp.begin(), f.tlp.end(), *tlp) == f.tlp.end())) {
    return false;
  }
  if (f.valid) {
    if (o.type != "indicator") return false;
    bool expired = false;
    const json::value* until = v.is_object() ? v.get_object().if_contains("valid_until") : nullptr;
    if (until && until->is_string()) {
      auto t = ParseTimestamp(until->get_string());
      expired = t.ok() && !(Timestamp::Now() < *t);
    }
    if (*f.valid == expired) return false;
  }
  return true;
}

// The hit `o` makes, or nullopt when it does not pass `filters`' hit filters.
Result<std::optional<Hit>> HitOf(const store::StoredObject& o, std::string matched,
                                 Producers& producers, const Filters& filters) {
  boost::system::error_code ec;
  const json::value v = json::parse(o.json, ec);
  auto handling = stix::ReadHandling(o.json);
  std::optional<stix::TlpLevel> tlp;
  if (handling.ok()) tlp = handling->tlp;
  if (!PassesHitFilters(filters, o, v, tlp)) return std::optional<Hit>();
  Hit h;
  h.id = o.id;
  h.type = o.type;
  h.collection = o.collection;
  h.date_added = o.date_added;
  h.modified = o.version;
  h.revoked = o.revoked;
  h.producer_org = o.provider_org;
  TESSERA_ASSIGN_OR_RETURN(h.producer, producers.Name(o.provider_org));
  h.matched = std::move(matched);
  if (!ec && v.is_object()) {
    for (const char* property : {"name", "value"}) {
      const json::value* p = v.get_object().if_contains(property);
      if (p && p->is_string()) {
        h.name = std::string(p->get_string());
        break;
      }
    }
  }
  if (tlp) h.tlp = std::string(store::TlpName(*tlp));
  return std::optional<Hit>(std::move(h));
}

// Rows to hits: one per (id, collection), the newest version, in the rows' order (newest
// first), skipping objects already in `seen`, each matched by the key of its row. Adds what it
// keeps to `seen`.
// When `objects` is given, the JSON of each hit kept goes there, in the order of `out`.
Status Collect(const store::KeyPage& page, std::set<std::pair<std::string, std::string>>& seen,
               Producers& producers, const Filters& filters, std::vector<Hit>& out, bool& truncated,
               std::vector<std::string>* objects = nullptr) {
  if (page.more) truncated = true;
  std::map<std::pair<std::string, std::string>, const store::KeyRow*> newest;
  for (const store::KeyRow& r : page.rows) {
    auto key = std::make_pair(r.object.id, r.object.collection);
    if (seen.count(key)) continue;
    const store::KeyRow*& kept = newest[key];
    if (kept == nullptr || (r.object.version &&
                            (!kept->object.version || *kept->object.version < *r.object.version))) {
      kept = &r;
    }
  }
  for (const store::KeyRow& r : page.rows) {
    auto key = std::make_pair(r.object.id, r.object.collection);
    auto it = newest.find(key);
    if (it == newest.end() || it->second != &r) continue;
    if (out.size() == kMaxHitsPerValue) {
      truncated = true;
      break;
    }
    seen.insert(key);
    TESSERA_ASSIGN_OR_RETURN(std::optional<Hit> h, HitOf(r.object, r.key, producers, filters));
    if (!h) continue;
    out.push_back(std::move(*h));
    if (objects != nullptr) objects->push_back(r.object.json);
  }
  return Status::Ok();
}

// What `filters` ask of the store, for a view: the collections to look in (those the view
// lists, narrowed to those named) and the filters on a row's columns.
struct Resolved {
  std::vector<store::CollectionInfo> collections;
  store::RowFilter row;
  bool nothing = false;  // a filter no row can pass (only unknown producers)
};

Result<Resolved> Resolve(const policy::ObjectView& view, const Filters& filters) {
  Resolved r;
  TESSERA_ASSIGN_OR_RETURN(r.collections, view.ListableCollections());
  if (!filters.collections.empty()) {
    // A collection is named by its id or its alias (several when API roots share the alias).
    std::erase_if(r.collections, [&](const store::CollectionInfo& c) {
      return std::none_of(
          filters.collections.begin(), filters.collections.end(),
          [&](const std::string& f) { return f == c.id || (!c.alias.empty() && f == c.alias); });
    });
  }
  r.row.types = filters.types;
  for (const std::string& name : filters.producers) {
    auto org = view.store().directory().FindOrganization(name);
    if (org.ok()) {
      r.row.providers.push_back(org->id);
    } else if (org.status().code() != ErrorCode::kNotFound) {
      return org.status();
    }
  }
  // Only unknown names: nothing passes (the answer of a known organization whose objects the
  // view does not read).
  r.nothing = !filters.producers.empty() && r.row.providers.empty();
  r.row.added_after = filters.added_after;
  r.row.added_before = filters.added_before;
  r.row.modified_after = filters.modified_after;
  r.row.modified_before = filters.modified_before;
  r.row.revoked = filters.revoked;
  if (r.nothing) r.collections.clear();
  return r;
}

// The ref: keys of `hits` (at most store::kMaxQueryFilters); empty when there is none.
std::vector<std::string> RefKeys(const std::vector<Hit>& hits, bool observables_only) {
  std::set<std::string> keys;
  for (const Hit& h : hits) {
    if (observables_only && (h.type == "indicator" || h.type == "observed-data")) continue;
    keys.insert(hunt::RefSearchKey(h.id));
  }
  return std::vector<std::string>(keys.begin(), keys.end());
}

}  // namespace

Result<std::vector<ValueHits>> SearchValues(const policy::ObjectView& view,
                                            std::span<const std::string> values,
                                            const Filters& filters) {
  if (values.empty() || values.size() > kMaxValues) {
    return InvalidArgument("a search takes 1.." + std::to_string(kMaxValues) + " values, not " +
                           std::to_string(values.size()));
  }
  // Every probe set first: a bad value fails the search before anything is read.
  std::vector<std::vector<std::string>> probes;
  probes.reserve(values.size());
  for (const std::string& value : values) {
    auto keys = hunt::ValueSearchKeys(value);
    if (!keys.ok()) {
      return InvalidArgument("'" + value.substr(0, 64) + "': " + keys.status().message());
    }
    probes.push_back(std::move(*keys));
  }
  TESSERA_ASSIGN_OR_RETURN(Resolved resolved, Resolve(view, filters));
  const std::vector<store::CollectionInfo>& collections = resolved.collections;
  Producers producers(view.store().directory());
  std::vector<ValueHits> out;
  out.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    ValueHits v;
    v.value = values[i];
    std::set<std::pair<std::string, std::string>> seen;
    TESSERA_ASSIGN_OR_RETURN(store::KeyPage direct, view.Find(std::move(probes[i]), collections,
                                                              kRowsPerRound, resolved.row));
    TESSERA_RETURN_IF_ERROR(Collect(direct, seen, producers, filters, v.hits, v.truncated));
    // Observed-data that refer to an observable hit hold the value too.
    if (std::vector<std::string> refs = RefKeys(v.hits, true); !refs.empty()) {
      TESSERA_ASSIGN_OR_RETURN(store::KeyPage containing, view.Find(std::move(refs), collections,
                                                                    kRowsPerRound, resolved.row));
      store::KeyPage observed;
      observed.more = containing.more;
      for (store::KeyRow& r : containing.rows) {
        if (r.object.type == "observed-data") observed.rows.push_back(std::move(r));
      }
      TESSERA_RETURN_IF_ERROR(Collect(observed, seen, producers, filters, v.hits, v.truncated));
    }
    // What points at a hit, one relationship away.
    if (std::vector<std::string> refs = RefKeys(v.hits, false); !refs.empty()) {
      TESSERA_ASSIGN_OR_RETURN(store::KeyPage pointing,
                               view.Find(std::move(refs), collections, kRowsPerRound));
      TESSERA_RETURN_IF_ERROR(
          Collect(pointing, seen, producers, Filters{}, v.related, v.truncated));
    }
    out.push_back(std::move(v));
  }
  return out;
}

namespace {

// The types whose objects are the edges of GET /api/v1/objects/{id}/related.
bool IsEdgeType(std::string_view type) { return type == "relationship" || type == "sighting"; }

// The newest version of each of `ids` that `view` reads in `collections`: per id, the greatest
// version, the first collection (in the order given) on a tie. The store's errors.
Result<std::map<std::string, store::StoredObject>> NewestReadable(
    const policy::ObjectView& view, const std::vector<store::CollectionInfo>& collections,
    const std::vector<std::string>& ids) {
  std::map<std::string, store::StoredObject> out;
  for (size_t from = 0; from < ids.size(); from += store::kMaxQueryFilters) {
    const size_t n = std::min(store::kMaxQueryFilters, ids.size() - from);
    for (const store::CollectionInfo& c : collections) {
      store::CollectionQuery q;
      q.ids.assign(ids.begin() + static_cast<std::ptrdiff_t>(from),
                   ids.begin() + static_cast<std::ptrdiff_t>(from + n));
      q.match = store::VersionMatch::kLast;
      q.limit = n;
      TESSERA_ASSIGN_OR_RETURN(store::ObjectPage page, view.List(c, q));
      for (store::StoredObject& o : page.objects) {
        auto it = out.find(o.id);
        if (it == out.end()) {
          out.emplace(o.id, std::move(o));
        } else if (o.version && (!it->second.version || *it->second.version < *o.version)) {
          it->second = std::move(o);
        }
      }
    }
  }
  return out;
}

// The ids an edge (a relationship or a sighting, its JSON `v`) refers to, with the property
// that names each, in the order of its properties.
std::vector<std::pair<std::string, std::string>> EdgeEnds(const json::value& v) {
  std::vector<std::pair<std::string, std::string>> ends;
  const json::object* o = v.if_object();
  if (o == nullptr) return ends;
  for (const char* property : {"source_ref", "target_ref", "sighting_of_ref"}) {
    const json::value* ref = o->if_contains(property);
    if (ref && ref->is_string()) ends.emplace_back(std::string(ref->get_string()), property);
  }
  for (const char* property : {"observed_data_refs", "where_sighted_refs"}) {
    const json::value* refs = o->if_contains(property);
    if (!refs || !refs->is_array()) continue;
    for (const json::value& ref : refs->get_array()) {
      if (ref.is_string()) ends.emplace_back(std::string(ref.get_string()), property);
    }
  }
  return ends;
}

}  // namespace

Result<Related> SearchRelated(const policy::ObjectView& view, const std::string& id,
                              const Filters& filters) {
  std::string_view type;
  if (!stix::IsValidIdentifier(id, &type)) {
    return InvalidArgument("'" + id.substr(0, 100) + "' is not a STIX id (type--uuid)");
  }
  Related out;
  out.id = id;
  Filters in;
  in.collections = filters.collections;
  TESSERA_ASSIGN_OR_RETURN(Resolved resolved, Resolve(view, in));
  const std::vector<store::CollectionInfo>& collections = resolved.collections;
  TESSERA_ASSIGN_OR_RETURN(auto self, NewestReadable(view, collections, {id}));
  if (self.empty()) return out;  // as an id nobody stored
  const store::StoredObject& object = self.begin()->second;
  Producers producers(view.store().directory());
  std::vector<Hit> edges;
  std::vector<std::string> objects;
  if (IsEdgeType(object.type)) {
    TESSERA_ASSIGN_OR_RETURN(std::optional<Hit> h, HitOf(object, "self", producers, Filters{}));
    edges.push_back(std::move(*h));
    objects.push_back(object.json);
  }
  // What refers to it, found as SearchValues finds `related`.
  store::RowFilter edge_types;
  edge_types.types = {"relationship", "sighting"};
  TESSERA_ASSIGN_OR_RETURN(store::KeyPage pointing, view.Find({hunt::RefSearchKey(id)}, collections,
                                                              kRowsPerRound, edge_types));
  std::set<std::pair<std::string, std::string>> seen{{object.id, object.collection}};
  TESSERA_RETURN_IF_ERROR(
      Collect(pointing, seen, producers, Filters{}, edges, out.truncated, &objects));
  // One edge per id (the first: the newest row), and the ids at their ends.
  std::set<std::string> edge_ids;
  std::vector<std::pair<std::string, std::string>> ends;  // id, the property naming it
  std::set<std::string> end_ids{id};
  for (size_t i = 0; i < edges.size(); ++i) {
    if (!edge_ids.insert(edges[i].id).second) continue;
    boost::system::error_code ec;
    json::value v = json::parse(objects[i], ec);
    for (auto& [end, property] : EdgeEnds(v)) {
      if (!end_ids.insert(end).second) continue;
      if (ends.size() == kMaxRelatedNodes) {
        out.truncated = true;
        continue;
      }
      ends.emplace_back(end, property);
    }
    out.edges.push_back(Edge{std::move(edges[i]), std::move(objects[i])});
  }
  std::vector<std::string> end_list;
  end_list.reserve(ends.size());
  for (const auto& [end, property] : ends) end_list.push_back(end);
  TESSERA_ASSIGN_OR_RETURN(auto found, NewestReadable(view, collections, end_list));
  for (const auto& [end, property] : ends) {
    auto it = found.find(end);
    if (it == found.end()) continue;
    TESSERA_ASSIGN_OR_RETURN(std::optional<Hit> h,
                             HitOf(it->second, property, producers, Filters{}));
    out.nodes.push_back(std::move(*h));
  }
  return out;
}

namespace {

json::object HitJson(const Hit& h) {
  json::object o;
  o["id"] = h.id;
  o["type"] = h.type;
  o["name"] = h.name;
  o["tlp"] = h.tlp;
  o["producer"] = h.producer;
  o["producer_org"] = h.producer_org;
  o["collection"] = h.collection;
  o["date_added"] = FormatTimestamp(h.date_added, TimePrecision::kMicros);
  if (h.modified) o["modified"] = FormatTimestamp(*h.modified, TimePrecision::kShortest);
  o["revoked"] = h.revoked;
  o["matched"] = h.matched;
  return o;
}

}  // namespace

namespace {

// What a `next` cursor is bound to: the asker and everything the request asks but the page.
std::string CursorBinding(const policy::ObjectView& view, const TextRequest& r) {
  const policy::Principal* p = view.principal();
  json::array b;
  b.emplace_back("search-text");
  b.emplace_back(p ? p->user_id : -1);
  b.emplace_back(p ? p->org_id : -1);
  b.emplace_back(r.text);
  b.emplace_back(r.order == store::TextOrder::kRelevance ? "relevance" : "time");
  b.emplace_back(r.limit);
  const Filters& f = r.filters;
  for (const std::vector<std::string>* list : {&f.types, &f.producers, &f.collections}) {
    json::array a;
    for (const std::string& v : *list) a.emplace_back(v);
    b.emplace_back(std::move(a));
  }
  json::array tlp;
  for (stix::TlpLevel t : f.tlp) tlp.emplace_back(store::TlpName(t));
  b.emplace_back(std::move(tlp));
  for (const std::optional<Timestamp>* t :
       {&f.added_after, &f.added_before, &f.modified_after, &f.modified_before}) {
    b.emplace_back(*t ? json::value(FormatTimestamp(**t, TimePrecision::kNanos)) : json::value());
  }
  for (const std::optional<bool>* v : {&f.valid, &f.revoked}) {
    b.emplace_back(*v ? json::value(**v) : json::value());
  }
  return json::serialize(b);
}

// The most rows one page of a full-text search examines when the TLP or validity filters (not
// applied in SQL) refuse many: past it the page ends, with a cursor after what it examined.
constexpr size_t kMaxExaminedRows = 10 * kMaxTextLimit;

}  // namespace

Result<TextHits> SearchText(const policy::ObjectView& view, const TextRequest& request) {
  if (request.limit == 0 || request.limit > kMaxTextLimit) {
    return InvalidArgument("a full-text search's limit is 1.." + std::to_string(kMaxTextLimit) +
                           ", not " + std::to_string(request.limit));
  }
  store::TextSearch q;
  const bool listing = request.text.empty();
  if (listing && request.order == store::TextOrder::kRelevance) {
    return InvalidArgument("sort=relevance needs a text: a listing is newest first");
  }
  if (!listing) {
    TESSERA_ASSIGN_OR_RETURN(q.query, ParseTextQuery(request.text));
  }
  q.order = request.order;
  const bool relevance = q.order == store::TextOrder::kRelevance;
  const std::string binding = request.sealer ? CursorBinding(view, request) : std::string();
  if (!request.next.empty()) {
    if (request.sealer == nullptr) {
      return InvalidArgument("'next' is not a cursor this hub issued (paging is not available)");
    }
    TESSERA_ASSIGN_OR_RETURN(policy::PageCursor cursor,
                             request.sealer->Open(request.next, binding));
    q.at.up_to_seq = cursor.up_to_seq;
    if (relevance) {
      q.at.offset = static_cast<size_t>(cursor.after_seq);
    } else {
      q.at.before_seq = cursor.after_seq + 1;
    }
  } else {
    TESSERA_ASSIGN_OR_RETURN(q.at.up_to_seq, view.store().LastSeq());
  }
  TESSERA_ASSIGN_OR_RETURN(Resolved resolved, Resolve(view, request.filters));
  q.filter = resolved.row;
  Producers producers(view.store().directory());
  TextHits out;
  out.text = request.text;
  // Whether every row the store returns is a hit (no filter left to apply on the hit). When
  // not, the store is asked for pages of the most hits a page holds, so that rows the hit
  // filters refuse cost fewer rounds.
  const bool exact = request.filters.tlp.empty() && !request.filters.valid;
  q.limit = exact ? request.limit : kMaxTextLimit;
  const std::string matched(listing ? kListMatch : kTextMatch);
  // The rows are read in rounds from q.at, which stays after the last row consumed: a hit the
  // page keeps, or a row the hit filters refuse. The page ends at one hit more than it holds
  // (`more`; the cursor is before that hit), or after kMaxExaminedRows rows with rows left.
  size_t examined = 0;
  bool done = false;
  while (!done) {
    TESSERA_ASSIGN_OR_RETURN(store::TextPage page, view.FindText(q, resolved.collections));
    for (const store::TextRow& row : page.rows) {
      if (examined == kMaxExaminedRows) {
        out.more = done = true;
        break;
      }
      ++examined;
      TESSERA_ASSIGN_OR_RETURN(std::optional<Hit> h,
                               HitOf(row.object, matched, producers, request.filters));
      if (h && out.hits.size() == request.limit) {
        out.more = done = true;
        break;
      }
      if (h) out.hits.push_back(std::move(*h));
      q.at = row.after;
    }
    if (done || !page.more) break;
    // Every row is a hit: a full page needs no round to know there are more.
    if (exact && out.hits.size() == request.limit) {
      out.more = true;
      break;
    }
  }
  if (out.more && request.sealer != nullptr) {
    policy::PageCursor next;
    next.up_to_seq = q.at.up_to_seq;
    next.after_seq = relevance ? static_cast<int64_t>(q.at.offset) : q.at.before_seq - 1;
    out.next = request.sealer->Seal(next, binding);
  }
  return out;
}

Status AddParameter(std::string_view name, std::string_view value, Parameters& p) {
  const auto once = [&name](bool set) {
    return set ? InvalidArgument("'" + std::string(name) + "' is given twice") : Status::Ok();
  };
  if (name == "value" || name == "values") {
    p.values.emplace_back(value);
  } else if (name == "text") {
    TESSERA_RETURN_IF_ERROR(once(p.text.has_value()));
    p.text = std::string(value);
  } else if (name == "sort") {
    TESSERA_RETURN_IF_ERROR(once(p.sort.has_value()));
    if (value == "time") {
      p.sort = store::TextOrder::kNewest;
    } else if (value == "relevance") {
      p.sort = store::TextOrder::kRelevance;
    } else {
      return InvalidArgument("'sort' is 'time' or 'relevance', not '" +
                             std::string(value.substr(0, 64)) + "'");
    }
  } else if (name == "limit") {
    TESSERA_RETURN_IF_ERROR(once(p.limit.has_value()));
    size_t n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || end != value.data() + value.size() || n == 0 || n > kMaxTextLimit) {
      return InvalidArgument("'limit' is a number of hits from 1 to " +
                             std::to_string(kMaxTextLimit) + ", not '" +
                             std::string(value.substr(0, 64)) + "'");
    }
    p.limit = n;
  } else if (name == "next") {
    TESSERA_RETURN_IF_ERROR(once(!p.next.empty()));
    if (value.empty()) return InvalidArgument("'next' is empty");
    p.next = std::string(value);
  } else if (name == "type") {
    p.filters.types.emplace_back(value);
  } else if (name == "tlp") {
    auto level = store::ParseTlpName(value);
    if (!level) {
      return InvalidArgument("'tlp' is clear, green, amber, amber+strict or red, not '" +
                             std::string(value.substr(0, 64)) + "'");
    }
    p.filters.tlp.push_back(*level);
  } else if (name == "producer") {
    p.filters.producers.emplace_back(value);
  } else if (name == "collection") {
    p.filters.collections.emplace_back(value);
  } else if (name == "added_after" || name == "added_before" || name == "modified_after" ||
             name == "modified_before") {
    Filters& f = p.filters;
    std::optional<Timestamp>& bound = name == "added_after"      ? f.added_after
                                      : name == "added_before"   ? f.added_before
                                      : name == "modified_after" ? f.modified_after
                                                                 : f.modified_before;
    TESSERA_RETURN_IF_ERROR(once(bound.has_value()));
    auto t = ParseTimestamp(value);
    if (!t.ok()) {
      return InvalidArgument("'" + std::string(name) +
                             "' is an RFC 3339 timestamp: " + t.status().message());
    }
    bound = *t;
  } else if (name == "valid" || name == "revoked") {
    std::optional<bool>& flag = name == "valid" ? p.filters.valid : p.filters.revoked;
    TESSERA_RETURN_IF_ERROR(once(flag.has_value()));
    if (value != "true" && value != "false") {
      return InvalidArgument("'" + std::string(name) + "' is true or false");
    }
    flag = value == "true";
  } else {
    return InvalidArgument("unknown search parameter '" + std::string(name.substr(0, 64)) + "'");
  }
  return Status::Ok();
}

Status CheckParameters(const Parameters& p) {
  if (p.text && !p.values.empty()) {
    return InvalidArgument("a search is by values or by text, not both");
  }
  if (p.text && p.text->empty()) {
    return InvalidArgument(
        "'text' needs at least one word (leave it out to list what the filters keep)");
  }
  if (!p.values.empty() && (p.limit || !p.next.empty() || p.sort)) {
    return InvalidArgument(
        "'limit', 'next' and 'sort' apply to a full-text search (text) or a listing; a search of "
        "values answers each value's newest hits");
  }
  if (!p.text && p.values.empty() && p.sort == store::TextOrder::kRelevance) {
    return InvalidArgument("sort=relevance needs a text: a listing is newest first");
  }
  return Status::Ok();
}

TextRequest TextRequestOf(const Parameters& p, const policy::PageTokenSealer* sealer) {
  TextRequest r;
  r.text = p.text.value_or("");
  r.order = p.sort.value_or(store::TextOrder::kNewest);
  r.limit = p.limit.value_or(kDefaultTextLimit);
  r.filters = p.filters;
  r.next = p.next;
  r.sealer = sealer;
  return r;
}

std::string ResultsJson(std::span<const ValueHits> results) {
  json::array list;
  for (const ValueHits& v : results) {
    json::object o;
    o["value"] = v.value;
    o["found"] = !v.hits.empty() || !v.related.empty();
    o["truncated"] = v.truncated;
    json::array hits, related;
    for (const Hit& h : v.hits) hits.push_back(HitJson(h));
    for (const Hit& h : v.related) related.push_back(HitJson(h));
    o["hits"] = std::move(hits);
    o["related"] = std::move(related);
    list.push_back(std::move(o));
  }
  json::object out;
  out["results"] = std::move(list);
  return json::serialize(out);
}

std::string RelatedJson(const Related& related) {
  json::object o;
  o["id"] = related.id;
  json::array edges, nodes;
  for (const Edge& e : related.edges) {
    json::object edge = HitJson(e.hit);
    boost::system::error_code ec;
    json::value object = json::parse(e.object, ec);
    edge["object"] = ec ? json::value() : std::move(object);
    edges.push_back(std::move(edge));
  }
  for (const Hit& h : related.nodes) nodes.push_back(HitJson(h));
  o["edges"] = std::move(edges);
  o["nodes"] = std::move(nodes);
  o["truncated"] = related.truncated;
  return json::serialize(o);
}

std::string TextResultsJson(const TextHits& result) {
  json::object o;
  o["text"] = result.text;
  o["found"] = !result.hits.empty();
  json::array hits;
  for (const Hit& h : result.hits) hits.push_back(HitJson(h));
  o["hits"] = std::move(hits);
  o["more"] = result.more;
  if (!result.next.empty()) o["next"] = result.next;
  return json::serialize(o);
}

}  // namespace tessera::search
