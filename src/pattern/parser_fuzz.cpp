// libFuzzer target: any byte string through Compile, and every pattern that compiles through
// evaluation and through its atomic comparisons' text form, which must compile again.
// Build with the `fuzz` preset; scripts/test runs it briefly over tests/data/pattern/corpus.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "pattern/pattern.h"

namespace {

using tessera::pattern::Compile;
using tessera::pattern::ObservationSet;

const ObservationSet& Observations() {
  static const ObservationSet* set = [] {
    std::vector<tessera::stix::Object> objects;
    auto add = [&](std::string type, std::string id, std::string json) {
      tessera::stix::Object o;
      o.type = std::move(type);
      o.id = std::move(id);
      o.json = std::move(json);
      objects.push_back(std::move(o));
    };
    add("observed-data", "observed-data--1",
        R"({"type":"observed-data","id":"observed-data--1","first_observed":"2020-01-01T00:00:00Z",)"
        R"("last_observed":"2020-01-01T00:01:00Z","number_observed":3,"objects":{)"
        R"("0":{"type":"ipv4-addr","value":"198.51.100.7"},)"
        R"("1":{"type":"network-traffic","dst_ref":"0","dst_port":443,"protocols":["tcp"]},)"
        R"("2":{"type":"file","name":"caf\u00e9.exe","size":1280,"hashes":{"MD5":"0123"},)"
        R"("payload_bin":"AAEC","magic_number_hex":"ffd8","x":[1,2.5,true,null,{"a_ref":"0"}]}}})");
    add("observed-data", "observed-data--2",
        R"({"type":"observed-data","id":"observed-data--2","first_observed":"2020-01-01T00:02:00Z",)"
        R"("last_observed":"2020-01-01T00:02:00Z","number_observed":1,)"
        R"("object_refs":["domain-name--1"]})");
    add("domain-name", "domain-name--1",
        R"({"type":"domain-name","id":"domain-name--1","value":"a.example",)"
        R"("resolves_to_refs":["domain-name--1"]})");
    auto r = ObservationSet::FromObjects(objects);
    if (!r.ok()) std::abort();
    return new ObservationSet(std::move(r).value());
  }();
  return *set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto pattern = Compile(text);
  if (!pattern.ok()) {
    size_t pos = 0;
    std::string reason;
    // Every rejection names a position inside (or just past) the input.
    if (pattern.status().code() == tessera::ErrorCode::kInvalidArgument &&
        (!tessera::pattern::SplitErrorPosition(pattern.status().message(), &pos, &reason) ||
         pos > size)) {
      std::fprintf(stderr, "bad error: %s\n", pattern.status().message().c_str());
      std::abort();
    }
    return 0;
  }
  (void)pattern->Match(Observations());
  for (const auto& c : pattern->Comparisons()) {
    const std::string one = "[" + c.ToString() + "]";
    auto again = Compile(one);
    if (!again.ok() || again->Comparisons().size() != 1 ||
        again->Comparisons()[0].ToString() != c.ToString()) {
      std::fprintf(stderr, "comparison does not round-trip: %s -> %s\n", one.c_str(),
                   again.ok() ? "different" : again.status().message().c_str());
      std::abort();
    }
  }
  return 0;
}
