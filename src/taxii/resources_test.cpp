#include "taxii/resources.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace tessera::taxii {
namespace {

Timestamp Ts(std::string_view text) {
  auto ts = ParseTimestamp(text);
  EXPECT_TRUE(ts.ok()) << text;
  return ts.ok() ? *ts : Timestamp{};
}

store::StoredObject Row(int64_t seq, std::string id, std::string_view added,
                        std::optional<std::string_view> version, std::string json) {
  store::StoredObject r;
  r.seq = seq;
  r.id = std::move(id);
  r.type = r.id.substr(0, r.id.find("--"));
  r.spec_version = "2.1";
  r.date_added = Ts(added);
  if (version) r.version = Ts(*version);
  r.json = std::move(json);
  return r;
}

boost::json::value Json(const std::string& text) { return boost::json::parse(text); }

TEST(Resources, ApiRoot) {
  auto v = Json(ApiRootJson({"Tessera", "", 1024}));
  EXPECT_EQ(v, Json(R"({"title":"Tessera","versions":["application/taxii+json;version=2.1"],
                        "max_content_length":1024})"));
  v = Json(ApiRootJson({"T", "d", 5}));
  EXPECT_EQ(v.at("description"), "d");
}

TEST(Resources, Collections) {
  CollectionResource c{
      "91a7b528-80eb-42ed-a74d-c6fbd5a26116", "High Value Indicators", "", "", true, false};
  EXPECT_EQ(Json(CollectionJson(c)), Json(R"({"id":"91a7b528-80eb-42ed-a74d-c6fbd5a26116",
      "title":"High Value Indicators","can_read":true,"can_write":false,
      "media_types":["application/stix+json;version=2.1"]})"));
  c.description = "desc";
  c.alias = "hvi";
  auto v = Json(CollectionJson(c));
  EXPECT_EQ(v.at("alias"), "hvi");
  EXPECT_EQ(v.at("description"), "desc");
  EXPECT_EQ(CollectionsJson({}), "{}");
  std::vector<CollectionResource> list = {c, c};
  EXPECT_EQ(Json(CollectionsJson(list)).at("collections").as_array().size(), 2u);
}

TEST(Resources, EnvelopeCarriesStoredJsonVerbatim) {
  std::vector<store::StoredObject> rows = {
      Row(1, "indicator--a", "2020-01-01T00:00:00.000001Z", "2019-01-01T00:00:00.000Z",
          R"({"type":"indicator","id":"indicator--a","x":"\u00e9"})"),
      Row(2, "indicator--b", "2020-01-01T00:00:00.000002Z", std::nullopt,
          R"({"type":"indicator","id":"indicator--b"})")};
  const std::string body = EnvelopeJson(rows, {true, "TOKEN"});
  EXPECT_EQ(
      body,
      R"({"more":true,"next":"TOKEN","objects":[{"type":"indicator","id":"indicator--a","x":"\u00e9"},{"type":"indicator","id":"indicator--b"}]})");
  EXPECT_EQ(EnvelopeJson({}, {}), R"({"more":false})");
  EXPECT_EQ(EnvelopeJson(std::span(rows).first(1), {false, ""}),
            R"({"more":false,"objects":[{"type":"indicator","id":"indicator--a","x":"\u00e9"}]})");
}

TEST(Resources, ManifestAndVersions) {
  std::vector<store::StoredObject> rows = {
      Row(3, "indicator--a", "2020-01-01T00:00:00Z", "2019-01-01T00:00:00.100Z", "{}"),
      Row(4, "indicator--a", "2020-01-02T00:00:00.5Z", "2019-01-01T00:00:00.123456Z", "{}"),
      Row(5, "file--c", "2020-01-03T00:00:00Z", std::nullopt, "{}")};
  auto m = Json(ManifestJson(rows, {}));
  EXPECT_EQ(m, Json(R"({"more":false,"objects":[
    {"id":"indicator--a","date_added":"2020-01-01T00:00:00.000000Z","version":"2019-01-01T00:00:00.100Z","media_type":"application/stix+json;version=2.1"},
    {"id":"indicator--a","date_added":"2020-01-02T00:00:00.500000Z","version":"2019-01-01T00:00:00.123456Z","media_type":"application/stix+json;version=2.1"},
    {"id":"file--c","date_added":"2020-01-03T00:00:00.000000Z","version":"2020-01-03T00:00:00.000Z","media_type":"application/stix+json;version=2.1"}]})"));
  auto v = Json(VersionsJson(rows, {true, "N"}));
  EXPECT_EQ(v, Json(R"({"more":true,"next":"N","versions":["2019-01-01T00:00:00.100Z",
    "2019-01-01T00:00:00.123456Z","2020-01-03T00:00:00.000Z"]})"));
  EXPECT_EQ(VersionsJson({}, {}), R"({"more":false})");
  EXPECT_EQ(ManifestJson({}, {}), R"({"more":false})");
}

TEST(Resources, DateAddedHeaders) {
  std::vector<store::StoredObject> rows = {
      Row(3, "indicator--a", "2020-01-01T00:00:00.000001Z", std::nullopt, "{}"),
      Row(4, "indicator--b", "2020-01-02T00:00:00Z", std::nullopt, "{}")};
  http::Response r;
  AddDateAddedHeaders(rows, r);
  EXPECT_EQ(r.Header("X-TAXII-Date-Added-First"), "2020-01-01T00:00:00.000001Z");
  EXPECT_EQ(r.Header("X-TAXII-Date-Added-Last"), "2020-01-02T00:00:00.000000Z");
  http::Response empty;
  AddDateAddedHeaders({}, empty);
  EXPECT_TRUE(empty.headers.empty());
}

TEST(Resources, Status) {
  store::StatusRecord s;
  s.id = "2d086da7-4bdc-4f91-900e-d77486753710";
  s.status = "complete";
  s.request_timestamp = Ts("2016-11-02T12:34:34.123456Z");
  s.total_count = 2;
  s.success_count = 1;
  s.failure_count = 1;
  s.successes = {{"indicator--a", "2016-11-02T12:34:34.123Z", ""}};
  s.failures = {{"file--b", "", "invalid STIX 2.1: no name"}};
  EXPECT_EQ(Json(StatusJson(s)), Json(R"({"id":"2d086da7-4bdc-4f91-900e-d77486753710",
    "status":"complete","request_timestamp":"2016-11-02T12:34:34.123456Z","total_count":2,
    "success_count":1,"successes":[{"id":"indicator--a","version":"2016-11-02T12:34:34.123Z"}],
    "failure_count":1,"failures":[{"id":"file--b","message":"invalid STIX 2.1: no name"}],
    "pending_count":0})"));
}

}  // namespace
}  // namespace tessera::taxii
