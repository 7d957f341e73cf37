#include "taxii/envelope.h"

#include <boost/json.hpp>
#include <span>
#include <utility>

#include "common/json.h"
#include "common/json_text.h"
#include "ingest/ingest.h"
#include "stix/reader.h"

namespace tessera::taxii {
namespace {

class Collector final : public stix::ReadSink {
 public:
  explicit Collector(std::vector<EnvelopeObject>& out) : out_(out) {}

  void OnObject(stix::Object&& object, std::span<const stix::Problem> problems) override {
    EnvelopeObject item;
    item.object = std::move(object);
    item.error = ingest::DescribeErrors(problems);
    out_.push_back(std::move(item));
  }

  // Every element was checked to be a JSON object before reading, so the reader reports no
  // problem outside an object; one that still arrives is kept as a failure of the envelope.
  void OnProblem(stix::Problem&& problem) override {
    if (stray_.empty()) stray_ = problem.path + ": " + problem.message;
  }

  const std::string& stray() const { return stray_; }

 private:
  std::vector<EnvelopeObject>& out_;
  std::string stray_;
};

}  // namespace

Result<std::vector<EnvelopeObject>> ParseEnvelope(std::string_view body,
                                                  const EnvelopeLimits& limits) {
  JsonLimits json_limits;
  json_limits.max_bytes = limits.max_bytes;
  json_limits.max_depth = limits.max_depth;
  // The envelope's DOM is only looked at here: one arena for all of it, freed at once.
  boost::json::monotonic_resource arena;
  auto parsed = ParseJson(body, json_limits, &arena);
  if (!parsed.ok()) {
    if (parsed.status().code() == ErrorCode::kLimitExceeded) return parsed.status();
    return InvalidArgument("the body is not a TAXII envelope: " + parsed.status().message());
  }
  const boost::json::object* envelope = parsed->if_object();
  if (envelope == nullptr) {
    return InvalidArgument("the body is not a TAXII envelope: it is not a JSON object");
  }
  if (const boost::json::value* type = envelope->if_contains("type");
      type != nullptr && type->is_string() && *type == "bundle") {
    return InvalidArgument(
        "the body is a STIX bundle, not a TAXII envelope: send {\"objects\": [...]} (the "
        "bundle's objects list without its type and id)");
  }
  const boost::json::value* objects = envelope->if_contains("objects");
  if (objects == nullptr) {
    return InvalidArgument(
        "the body is not a TAXII envelope: it has no 'objects' list (a STIX bundle is not an "
        "envelope; send {\"objects\": [...]})");
  }
  const boost::json::array* list = objects->if_array();
  if (list == nullptr) {
    return InvalidArgument("the envelope's 'objects' is not a list");
  }
  if (list->size() > limits.max_objects) {
    return LimitExceeded("the envelope holds " + std::to_string(list->size()) +
                         " objects; at most " + std::to_string(limits.max_objects) +
                         " are accepted in one request");
  }
  for (size_t i = 0; i < list->size(); ++i) {
    if (!(*list)[i].is_object()) {
      return InvalidArgument("the envelope's objects[" + std::to_string(i) +
                             "] is not a JSON object");
    }
  }
  std::vector<EnvelopeObject> out;
  if (list->empty()) return out;
  out.reserve(list->size());

  // The reader validates and minifies each object in one pass over the list as it was written
  // (not re-serialized from the DOM above, which rounds numbers and rewrites escapes): objects
  // are kept exactly as posted, or refused one by one with the path of what cannot be read.
  size_t lists = 0;
  std::string_view text;
  const Status found = json_text::ForEachMember(
      body,
      [&](std::string_view key, std::string_view value) {
        if (json_text::KeyEquals(key, "objects")) {
          ++lists;
          text = value;
        }
      },
      limits.max_depth + 1);
  if (!found.ok() || lists != 1 || text.empty() || text.front() != '[') {
    return InvalidArgument(lists > 1 ? "the envelope has more than one 'objects' list"
                                     : "the envelope's 'objects' list could not be located");
  }
  stix::ReadOptions options;
  options.max_bytes = text.size() + 1;
  options.max_depth = limits.max_depth;
  options.full_text = true;
  Collector collector(out);
  auto read = stix::ReadStream(text, options, collector);
  if (!read.ok()) return InvalidArgument("the envelope's objects: " + read.status().message());
  if (!collector.stray().empty() || out.size() != list->size()) {
    return Internal("the STIX reader did not return one object per envelope element (" +
                    collector.stray() + ")");
  }
  for (EnvelopeObject& item : out) {
    if (item.object.json.size() > limits.max_object_bytes) {
      item.error = "the object has " + std::to_string(item.object.json.size()) +
                   " bytes (as JSON without whitespace); this server takes at most " +
                   std::to_string(limits.max_object_bytes) + " bytes per object";
    }
  }
  return out;
}

}  // namespace tessera::taxii
