#include "taxii/resources.h"

#include <boost/json.hpp>

#include <algorithm>

#include "taxii/protocol.h"

namespace tessera::taxii {
namespace {

// Appends `text` as a JSON string literal.
void AppendString(std::string& out, std::string_view text) {
  out += boost::json::serialize(boost::json::string_view(text.data(), text.size()));
}

void AppendPageStart(std::string& out, const PageInfo& page) {
  out += page.more ? "{\"more\":true" : "{\"more\":false";
  if (page.more && !page.next.empty()) {
    out += ",\"next\":";
    AppendString(out, page.next);
  }
}

boost::json::object CollectionObject(const CollectionResource& c) {
  boost::json::object o;
  o["id"] = c.id;
  o["title"] = c.title;
  if (!c.description.empty()) o["description"] = c.description;
  if (!c.alias.empty()) o["alias"] = c.alias;
  o["can_read"] = c.can_read;
  o["can_write"] = c.can_write;
  boost::json::array media;
  media.emplace_back(boost::json::string_view(kStixMediaType.data(), kStixMediaType.size()));
  o["media_types"] = std::move(media);
  return o;
}

// A status's list of entries (TAXII 2.1 4.3.1: id, version, message; the last two only when
// known), written directly: a POST of 1,000 objects answers with 1,000 of them.
void AppendEntries(const std::vector<store::StatusEntry>& entries, std::string& out) {
  out += '[';
  for (size_t i = 0; i < entries.size(); ++i) {
    const store::StatusEntry& e = entries[i];
    out += i ? ",{\"id\":" : "{\"id\":";
    out += boost::json::serialize(boost::json::string_view(e.id));
    if (!e.version.empty()) {
      out += ",\"version\":";
      out += boost::json::serialize(boost::json::string_view(e.version));
    }
    if (!e.message.empty()) {
      out += ",\"message\":";
      out += boost::json::serialize(boost::json::string_view(e.message));
    }
    out += '}';
  }
  out += ']';
}

}  // namespace

std::string ApiRootJson(const ApiRootResource& root) {
  boost::json::object o;
  o["title"] = root.title;
  if (!root.description.empty()) o["description"] = root.description;
  boost::json::array versions;
  versions.emplace_back(boost::json::string_view(kTaxiiMediaType.data(), kTaxiiMediaType.size()));
  o["versions"] = std::move(versions);
  o["max_content_length"] = static_cast<uint64_t>(root.max_content_length);
  return boost::json::serialize(o);
}

std::string CollectionJson(const CollectionResource& collection) {
  return boost::json::serialize(CollectionObject(collection));
}

std::string CollectionsJson(std::span<const CollectionResource> collections) {
  boost::json::object o;
  if (!collections.empty()) {
    boost::json::array list;
    list.reserve(collections.size());
    for (const CollectionResource& c : collections) list.emplace_back(CollectionObject(c));
    o["collections"] = std::move(list);
  }
  return boost::json::serialize(o);
}

Timestamp VersionOf(const store::StoredObject& row) {
  return row.version ? *row.version : row.date_added;
}

std::string FormatDateAdded(Timestamp ts) { return FormatTimestamp(ts, TimePrecision::kMicros); }

void EnvelopeWriter::Add(std::string_view object_json) {
  if (count_ == 0) {
    objects_.reserve(kPrefixRoom + 16 +
                     std::min(expected_ * (object_json.size() + 1), kMaxReserve));
    objects_.assign(kPrefixRoom, ' ');
    objects_ += ",\"objects\":[";
  } else {
    objects_.push_back(',');
  }
  objects_ += object_json;
  ++count_;
}

std::string EnvelopeWriter::Finish(const PageInfo& page) && {
  std::string start;
  AppendPageStart(start, page);
  if (count_ == 0) return start + "}";
  objects_ += "]}";
  if (start.size() > kPrefixRoom) {  // a next token longer than any this server makes
    start.append(objects_, kPrefixRoom);
    return start;
  }
  // The page start goes into the room kept before the objects, and the rest of the room is
  // dropped: the objects are never copied into a second buffer (a page may be megabytes).
  const size_t at = kPrefixRoom - start.size();
  objects_.replace(at, start.size(), start);
  objects_.erase(0, at);
  return std::move(objects_);
}

std::string EnvelopeJson(std::span<const store::StoredObject> rows, const PageInfo& page) {
  EnvelopeWriter envelope;
  for (const store::StoredObject& r : rows) envelope.Add(r.json);
  return std::move(envelope).Finish(page);
}

std::string ManifestJson(std::span<const store::StoredObject> rows, const PageInfo& page) {
  std::string out;
  out.reserve(64 + rows.size() * 200);
  AppendPageStart(out, page);
  if (!rows.empty()) {
    out += ",\"objects\":[";
    for (size_t i = 0; i < rows.size(); ++i) {
      const store::StoredObject& r = rows[i];
      if (i != 0) out.push_back(',');
      out += "{\"id\":";
      AppendString(out, r.id);
      out += ",\"date_added\":\"";
      out += FormatDateAdded(r.date_added);
      out += "\",\"version\":\"";
      out += FormatVersion(VersionOf(r));
      out += "\",\"media_type\":\"";
      out += kStixMediaType;
      out += "\"}";
    }
    out.push_back(']');
  }
  out.push_back('}');
  return out;
}

std::string VersionsJson(std::span<const store::StoredObject> rows, const PageInfo& page) {
  std::string out;
  out.reserve(64 + rows.size() * 32);
  AppendPageStart(out, page);
  if (!rows.empty()) {
    out += ",\"versions\":[";
    for (size_t i = 0; i < rows.size(); ++i) {
      if (i != 0) out.push_back(',');
      out.push_back('"');
      out += FormatVersion(VersionOf(rows[i]));
      out.push_back('"');
    }
    out.push_back(']');
  }
  out.push_back('}');
  return out;
}

void AddDateAddedHeaders(std::span<const store::StoredObject> rows, http::Response& response) {
  if (rows.empty()) return;
  AddDateAddedHeaders(rows.front().date_added, rows.back().date_added, response);
}

void AddDateAddedHeaders(Timestamp first, Timestamp last, http::Response& response) {
  response.headers.emplace_back("X-TAXII-Date-Added-First", FormatDateAdded(first));
  response.headers.emplace_back("X-TAXII-Date-Added-Last", FormatDateAdded(last));
}

std::string StatusJson(const store::StatusRecord& s) {
  std::string out = "{\"id\":";
  out += boost::json::serialize(boost::json::string(s.id));
  out += ",\"status\":";
  out += boost::json::serialize(boost::json::string(s.status));
  out += ",\"request_timestamp\":\"" + FormatDateAdded(s.request_timestamp) + "\"";
  out += ",\"total_count\":" + std::to_string(s.total_count);
  out += ",\"success_count\":" + std::to_string(s.success_count);
  if (!s.successes.empty()) {
    out += ",\"successes\":";
    AppendEntries(s.successes, out);
  }
  out += ",\"failure_count\":" + std::to_string(s.failure_count);
  if (!s.failures.empty()) {
    out += ",\"failures\":";
    AppendEntries(s.failures, out);
  }
  out += ",\"pending_count\":" + std::to_string(s.pending_count);
  if (!s.pendings.empty()) {
    out += ",\"pendings\":";
    AppendEntries(s.pendings, out);
  }
  out += "}";
  return out;
}

}  // namespace tessera::taxii
