#include "search/search.h"

#include <boost/json.hpp>
#include <charconv>
#include <map>
#include <set>
#include <utility>

#include "hunt/search_keys.h"
#include "search/text_query.h"
#include "stix/handling.h"
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

Result<Hit> HitOf(const store::StoredObject& o, std::string matched, Producers& producers) {
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
  boost::system::error_code ec;
  const json::value v = json::parse(o.json, ec);
  if (!ec && v.is_object()) {
    for (const char* property : {"name", "value"}) {
      const json::value* p = v.get_object().if_contains(property);
      if (p && p->is_string()) {
        h.name = std::string(p->get_string());
        break;
      }
    }
  }
  auto handling = stix::ReadHandling(o.json);
  if (handling.ok() && handling->tlp) h.tlp = std::string(store::TlpName(*handling->tlp));
  return h;
}

// Rows to hits: one per (id, collection), the newest version, in the rows' order (newest
// first), skipping objects already in `seen`, each matched by the key of its row. Adds what it
// keeps to `seen`.
Status Collect(const store::KeyPage& page, std::set<std::pair<std::string, std::string>>& seen,
               Producers& producers, std::vector<Hit>& out, bool& truncated) {
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
    TESSERA_ASSIGN_OR_RETURN(Hit h, HitOf(r.object, r.key, producers));
    out.push_back(std::move(h));
    seen.insert(key);
  }
  return Status::Ok();
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
                                            std::span<const std::string> values) {
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
  TESSERA_ASSIGN_OR_RETURN(std::vector<store::CollectionInfo> collections,
                           view.ListableCollections());
  Producers producers(view.store().directory());
  std::vector<ValueHits> out;
  out.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    ValueHits v;
    v.value = values[i];
    std::set<std::pair<std::string, std::string>> seen;
    TESSERA_ASSIGN_OR_RETURN(store::KeyPage direct,
                             view.Find(std::move(probes[i]), collections, kRowsPerRound));
    TESSERA_RETURN_IF_ERROR(Collect(direct, seen, producers, v.hits, v.truncated));
    // Observed-data that refer to an observable hit hold the value too.
    if (std::vector<std::string> refs = RefKeys(v.hits, true); !refs.empty()) {
      TESSERA_ASSIGN_OR_RETURN(store::KeyPage containing,
                               view.Find(std::move(refs), collections, kRowsPerRound));
      store::KeyPage observed;
      observed.more = containing.more;
      for (store::KeyRow& r : containing.rows) {
        if (r.object.type == "observed-data") observed.rows.push_back(std::move(r));
      }
      TESSERA_RETURN_IF_ERROR(Collect(observed, seen, producers, v.hits, v.truncated));
    }
    // What points at a hit, one relationship away.
    if (std::vector<std::string> refs = RefKeys(v.hits, false); !refs.empty()) {
      TESSERA_ASSIGN_OR_RETURN(store::KeyPage pointing,
                               view.Find(std::move(refs), collections, kRowsPerRound));
      TESSERA_RETURN_IF_ERROR(Collect(pointing, seen, producers, v.related, v.truncated));
    }
    out.push_back(std::move(v));
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

Result<TextHits> SearchText(const policy::ObjectView& view, const TextRequest& request) {
  if (request.limit == 0 || request.limit > kMaxTextLimit) {
    return InvalidArgument("a full-text search's limit is 1.." + std::to_string(kMaxTextLimit) +
                           ", not " + std::to_string(request.limit));
  }
  store::TextSearch q;
  TESSERA_ASSIGN_OR_RETURN(q.query, ParseTextQuery(request.text));
  q.order = request.order;
  q.limit = request.limit;
  TESSERA_ASSIGN_OR_RETURN(std::vector<store::CollectionInfo> collections,
                           view.ListableCollections());
  TESSERA_ASSIGN_OR_RETURN(store::TextPage page, view.FindText(std::move(q), collections));
  Producers producers(view.store().directory());
  TextHits out;
  out.text = request.text;
  out.more = page.more;
  out.hits.reserve(page.rows.size());
  for (const store::StoredObject& o : page.rows) {
    TESSERA_ASSIGN_OR_RETURN(Hit h, HitOf(o, std::string(kTextMatch), producers));
    out.hits.push_back(std::move(h));
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
  } else {
    return InvalidArgument("unknown search parameter '" + std::string(name.substr(0, 64)) + "'");
  }
  return Status::Ok();
}

Status CheckParameters(const Parameters& p) {
  if (p.text && !p.values.empty()) {
    return InvalidArgument("a search is by values or by text, not both");
  }
  if (!p.text && p.values.empty()) {
    return InvalidArgument("give the values to search (value) or a text (text)");
  }
  if (!p.text && (p.sort || p.limit)) {
    return InvalidArgument("'sort' and 'limit' apply to a full-text search (text)");
  }
  return Status::Ok();
}

TextRequest TextRequestOf(const Parameters& p) {
  TextRequest r;
  r.text = p.text.value_or("");
  r.order = p.sort.value_or(store::TextOrder::kNewest);
  r.limit = p.limit.value_or(kDefaultTextLimit);
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

std::string TextResultsJson(const TextHits& result) {
  json::object o;
  o["text"] = result.text;
  o["found"] = !result.hits.empty();
  json::array hits;
  for (const Hit& h : result.hits) hits.push_back(HitJson(h));
  o["hits"] = std::move(hits);
  o["more"] = result.more;
  return json::serialize(o);
}

}  // namespace tessera::search
