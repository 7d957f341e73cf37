// The authorization matrix: several organizations, users of every role, sharing groups,
// collections with different readers and writers, and objects under every TLP level (1.0 and 2.0
// markings, none), with and without named recipients (Tessera extension and request headers)
// and sharing groups. For EVERY (reader, collection, object, endpoint) it checks what the reader
// gets: objects (every match[version] mode), a single object, its versions, the manifest, the
// X-TAXII-Date-Added headers and paging. The expectations are the hand-written table in
// tests/data/authz/scenario.json, not the policy code. Then write permissions, impersonation,
// the status resource, and the 401/403/404 paths with revoked and expired tokens.

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "authz_hub.h"

namespace {

namespace json = boost::json;
using tessera::testing::BasicAuth;
using tessera::testing::BearerAuth;
using tessera::testing::HttpClient;
using tessera::testing::HttpResponse;
using tessera::testing::Slurp;
using tessera::testing::TestHub;

constexpr char kExtensionId[] = "extension-definition--c7d6d5b3-7d6e-4f0e-9a59-2c1a1f6e7b41";
constexpr char kStranger[] = "identity--0f0e3d2c-1b1a-4999-8888-777766665555";  // not a member
constexpr char kUnknownRecipient[] = "identity--9a8b7c6d-5e4f-4321-8abc-def012345678";

// TLP marking-definition ids as the STIX 2.1 standard (1.0) and FIRST's TLP 2.0 publish them.
std::string MarkingId(const std::string& tlp) {
  static const std::map<std::string, std::string> kIds = {
      {"white1", "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"},
      {"green1", "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"},
      {"amber1", "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"},
      {"red1", "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"},
      {"clear", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"},
      {"green", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"},
      {"amber", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"},
      {"amber+strict", "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"},
      {"red", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
  };
  auto it = kIds.find(tlp);
  EXPECT_NE(it, kIds.end()) << "unknown TLP name in scenario: " << tlp;
  return it == kIds.end() ? "" : it->second;
}

std::string Str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}
std::vector<std::string> Strings(const json::value& v) {
  std::vector<std::string> out;
  if (v.is_array())
    for (const auto& e : v.as_array()) out.push_back(Str(e));
  return out;
}
std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (const auto& e : v) s += (s.empty() ? "" : sep) + e;
  return s;
}
// Percent-encodes a query value (timestamps carry ':').
std::string Q(const std::string& v) {
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// One object version of the scenario.
struct Entry {
  std::string key, id, collection, writer, modified;
  std::vector<std::string> tlp;
  json::object extension;  // {"recipients": [org...], "sharing_group": name}
  json::object headers;    // the same, sent as X-Tessera-* headers of the POST
  std::string created_by;  // org key, "stranger" or ""
  bool expect_success = true;
  std::set<std::string> visible;  // org keys
};

using Version = std::pair<std::string, std::string>;  // (id, modified)

class AuthzTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    hub_ = new TestHub();
    const auto path =
        std::filesystem::path(std::getenv("TESSERA_SOURCE_DIR") ? std::getenv("TESSERA_SOURCE_DIR")
                                                                : TESSERA_SOURCE_DIR_DEFAULT) /
        "tests/data/authz/scenario.json";
    scenario_ = json::parse(Slurp(path)).as_object();
    BuildHub();
  }
  static void TearDownTestSuite() {
    delete hub_;
    hub_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(ready_) << "the scenario could not be set up (see the first test's failures)";
  }

  static void BuildHub() {
    TestHub& h = *hub_;
    h.Init();
    // The hub's own organization: named by init; found through the CLI listing.
    auto list = h.Cli({"org", "list", "--json"});
    json::value orgs = json::parse(list.out);
    ASSERT_TRUE(orgs.is_array() && orgs.as_array().size() == 1) << list.out;
    org_names_["hub"] = Str(orgs.as_array()[0].at("name"));
    identities_["hub"] = Str(orgs.as_array()[0].at("identity_id"));
    for (const auto& [key, name] : scenario_.at("orgs").as_object()) {
      if (key == "hub") continue;
      org_names_[key] = std::string(name.as_string());
      identities_[key] = h.AddOrg(std::string(name.as_string()));
    }
    identities_["stranger"] = kStranger;
    identities_["unknown"] = kUnknownRecipient;
    for (const auto& [name, members] : scenario_.at("groups").as_object()) {
      std::vector<std::string> m;
      for (const auto& k : members.as_array()) m.push_back(org_names_[Str(k)]);
      h.AddGroup(std::string(name), m);
    }
    for (const auto& u : scenario_.at("users").as_array()) {
      const std::string name = Str(u.at("name"));
      user_org_[name] = Str(u.at("org"));
      user_role_[name] = Str(u.at("role"));
      if (name == "admin") continue;  // made by init
      h.AddUser(name, org_names_[user_org_[name]], user_role_[name]);
    }
    if (::testing::Test::HasFailure()) return;
    for (const auto& [key, c] : scenario_.at("collections").as_object()) {
      if (key == "default") continue;
      auto grants = [&](const json::value& v) {
        if (v.is_string()) return std::string(v.as_string());  // "all"
        std::vector<std::string> parts;
        for (const auto& g : v.as_array()) {
          std::string s = Str(g);
          parts.push_back(s.rfind("group:", 0) == 0 ? s : org_names_[s]);
        }
        return Join(parts, ",");
      };
      const auto& o = c.as_object();
      collection_ids_[std::string(key)] = h.AddCollection(
          Str(o.at("title")), grants(o.at("readers")), grants(o.at("writers")),
          Str(o.at("default_tlp")), o.contains("audience") ? Str(o.at("audience")) : "");
    }
    h.StartServer();
    if (::testing::Test::HasFailure()) return;
    // The default collection made by init: the one titled "Default" that admin sees.
    auto admin = h.Client("admin");
    auto cols = admin->Get("/api/collections/");
    ASSERT_EQ(cols.status, 200) << cols.body;
    const json::value listing = cols.Json();
    for (const auto& c : listing.at("collections").as_array()) {
      if (Str(c.at("title")) == "Default") collection_ids_["default"] = Str(c.at("id"));
    }
    ASSERT_FALSE(collection_ids_["default"].empty()) << cols.body;

    for (const auto& e : scenario_.at("objects").as_array()) {
      const auto& o = e.as_object();
      Entry x;
      x.key = Str(o.at("key"));
      x.id = Str(o.at("id"));
      x.collection = Str(o.at("collection"));
      x.writer = Str(o.at("writer"));
      x.modified = Str(o.at("modified"));
      x.tlp = Strings(o.at("tlp"));
      if (o.contains("extension")) x.extension = o.at("extension").as_object();
      if (o.contains("headers")) x.headers = o.at("headers").as_object();
      if (o.contains("created_by")) x.created_by = Str(o.at("created_by"));
      x.expect_success = !o.contains("expect");
      if (x.expect_success)
        for (const auto& v : Strings(o.at("visible"))) x.visible.insert(v);
      entries_.push_back(std::move(x));
    }
    PostScenario();
    ready_ = !::testing::Test::HasFailure();
  }

  static std::string CollectionUrl(const std::string& key) {
    return "/api/collections/" + collection_ids_[key] + "/";
  }

  // The STIX indicator of one scenario entry.
  static json::object MakeObject(const Entry& e) {
    json::object o;
    o["type"] = "indicator";
    o["spec_version"] = "2.1";
    o["id"] = e.id;
    o["created"] = "2024-01-01T00:00:00.000Z";
    o["modified"] = e.modified;
    o["name"] = "authz " + e.key;
    o["pattern"] = "[domain-name:value = '" + e.key + ".example']";
    o["pattern_type"] = "stix";
    o["valid_from"] = "2024-01-01T00:00:00Z";
    if (!e.tlp.empty()) {
      json::array refs;
      for (const auto& t : e.tlp) refs.push_back(json::value(MarkingId(t)));
      o["object_marking_refs"] = refs;
    }
    if (!e.created_by.empty()) o["created_by_ref"] = identities_[e.created_by];
    if (!e.extension.empty()) {
      json::object ext;
      ext["extension_type"] = "property-extension";
      if (e.extension.contains("recipients")) {
        json::array r;
        for (const auto& k : Strings(e.extension.at("recipients")))
          r.push_back(json::value(identities_[k]));
        ext["recipients"] = r;
      }
      if (e.extension.contains("sharing_group"))
        ext["sharing_group"] = e.extension.at("sharing_group");
      json::object exts;
      exts[kExtensionId] = ext;
      o["extensions"] = exts;
    }
    return o;
  }

  // POSTs the scenario: one envelope per (writer, collection, request headers), in scenario
  // order, each checked against its status resource.
  static void PostScenario() {
    std::vector<std::tuple<std::string, std::string, std::string>> order;
    std::map<std::tuple<std::string, std::string, std::string>, std::vector<const Entry*>> batches;
    for (const Entry& e : entries_) {
      auto k = std::make_tuple(e.writer, e.collection, json::serialize(e.headers));
      if (!batches.count(k)) order.push_back(k);
      batches[k].push_back(&e);
    }
    for (const auto& k : order) {
      const auto& batch = batches[k];
      const Entry& first = *batch.front();
      json::array objects;
      size_t failures = 0;
      for (const Entry* e : batch) {
        objects.push_back(MakeObject(*e));
        if (!e->expect_success) ++failures;
      }
      json::object envelope;
      envelope["objects"] = objects;
      std::vector<std::pair<std::string, std::string>> headers;
      if (first.headers.contains("recipients")) {
        std::vector<std::string> ids;
        for (const auto& r : Strings(first.headers.at("recipients"))) ids.push_back(identities_[r]);
        headers.emplace_back("X-Tessera-Recipients", Join(ids, ", "));
      }
      if (first.headers.contains("sharing_group"))
        headers.emplace_back("X-Tessera-Sharing-Group", Str(first.headers.at("sharing_group")));
      auto client = hub_->Client(first.writer);
      auto res = client->Post(CollectionUrl(first.collection) + "objects/",
                              json::serialize(envelope), headers);
      ASSERT_EQ(res.status, 202) << first.writer << " -> " << first.collection << ": " << res.body;
      json::value st = res.Json();
      ASSERT_TRUE(st.is_object()) << res.body;
      const auto& s = st.as_object();
      EXPECT_EQ(Str(s.at("status")), "complete") << res.body;
      EXPECT_EQ(s.at("total_count").to_number<int64_t>(), static_cast<int64_t>(batch.size()));
      EXPECT_EQ(s.at("success_count").to_number<int64_t>(),
                static_cast<int64_t>(batch.size() - failures))
          << res.body;
      EXPECT_EQ(s.at("failure_count").to_number<int64_t>(), static_cast<int64_t>(failures))
          << res.body;
      std::set<std::string> failed;
      if (s.contains("failures"))
        for (const auto& f : s.at("failures").as_array()) {
          failed.insert(Str(f.at("id")));
          EXPECT_FALSE(Str(f.at("message")).empty()) << "a failure says why: " << res.body;
        }
      for (const Entry* e : batch)
        EXPECT_EQ(failed.count(e->id), e->expect_success ? 0u : 1u)
            << e->key << " (" << (e->expect_success ? "should be stored" : "should be refused")
            << "): " << res.body;
      // The status resource: the writer reads it back; another organization does not see it.
      const std::string status_url = "/api/status/" + Str(s.at("id")) + "/";
      auto again = client->Get(status_url);
      EXPECT_EQ(again.status, 200) << again.body;
      EXPECT_EQ(again.Json(), st);
      const std::string outsider =
          user_org_[first.writer] == "delta" ? "alpha-analyst" : "delta-analyst";
      EXPECT_EQ(hub_->Client(outsider)->Get(status_url).status, 404)
          << outsider << " must not see the status of " << first.writer << "'s POST";
    }
  }

  // The versions (id, modified) of `collection` that organization `org` may see.
  static std::set<Version> VisibleTo(const std::string& org, const std::string& collection) {
    std::set<Version> out;
    for (const Entry& e : entries_)
      if (e.collection == collection && e.expect_success && e.visible.count(org))
        out.emplace(e.id, e.modified);
    return out;
  }
  // Every id stored in `collection` (what some reader may see), sorted.
  static std::set<std::string> IdsIn(const std::string& collection) {
    std::set<std::string> out;
    for (const Entry& e : entries_)
      if (e.collection == collection && e.expect_success) out.insert(e.id);
    return out;
  }
  static std::string KeyOf(const Version& v) {
    for (const Entry& e : entries_)
      if (e.id == v.first && e.modified == v.second) return e.key + "@" + e.modified;
    return v.first + "@" + v.second;
  }
  static std::string Describe(const std::set<Version>& s) {
    std::vector<std::string> keys;
    for (const auto& v : s) keys.push_back(KeyOf(v));
    return "{" + Join(keys, ", ") + "}";
  }

  // The (id, version) list of a GET objects / object answer, in answer order. Every caller asks
  // for something the reader may list: anything but a 200 with a JSON envelope fails the test
  // (a 500 or an HTML error page must not read as "no objects").
  static std::vector<Version> ObjectsOf(const HttpResponse& r) {
    std::vector<Version> out;
    EXPECT_EQ(r.status, 200) << r.body;
    json::value v = r.Json();
    if (!v.is_object()) {
      ADD_FAILURE() << "not a JSON envelope: " << r.body;
      return out;
    }
    if (!v.as_object().contains("objects")) return out;
    for (const auto& o : v.as_object().at("objects").as_array())
      out.emplace_back(Str(o.at("id")), Str(o.at("modified")));
    return out;
  }

  static inline TestHub* hub_ = nullptr;
  static inline json::object scenario_;
  static inline bool ready_ = false;
  static inline std::map<std::string, std::string> org_names_, identities_, user_org_, user_role_,
      collection_ids_;
  static inline std::vector<Entry> entries_;
};

// Applies `select` (first / last / all) per id to a set of versions.
std::set<Version> Select(const std::set<Version>& versions, const std::string& mode) {
  std::map<std::string, std::vector<std::string>> by_id;
  for (const auto& [id, m] : versions) by_id[id].push_back(m);
  std::set<Version> out;
  for (auto& [id, ms] : by_id) {
    std::sort(ms.begin(), ms.end());  // RFC 3339 with the same precision sorts as text
    if (mode == "all") {
      for (const auto& m : ms) out.emplace(id, m);
    } else {
      if (mode.find("first") != std::string::npos) out.emplace(id, ms.front());
      if (mode.find("last") != std::string::npos) out.emplace(id, ms.back());
    }
  }
  return out;
}

// The scenario is data: an emptied or truncated list would let every check below pass with
// nothing to check. The bounds are the file as first written (others append cases, never
// remove them); each kind of case the matrix relies on must still be there.
TEST_F(AuthzTest, ScenarioStillHoldsItsCases) {
  EXPECT_EQ(entries_.size(), scenario_.at("objects").as_array().size());
  EXPECT_GE(entries_.size(), 51u);
  EXPECT_GE(scenario_.at("write_checks").as_array().size(), 6u);
  EXPECT_GE(org_names_.size(), 5u);
  EXPECT_GE(collection_ids_.size(), 5u);
  std::set<std::string> roles;
  for (const auto& [user, role] : user_role_) roles.insert(role);
  for (const char* role : {"admin", "org-admin", "analyst", "read-only", "sync"})
    EXPECT_EQ(roles.count(role), 1u) << "no user with the role " << role;
  std::map<std::string, int> stored_in, visible_to, marked;
  int refused = 0, unmarked = 0, extension = 0, headers = 0;
  for (const Entry& e : entries_) {
    if (!e.expect_success) ++refused;
    if (e.expect_success) ++stored_in[e.collection];
    for (const auto& org : e.visible) ++visible_to[org];
    for (const auto& t : e.tlp) ++marked[t];
    if (e.tlp.empty()) ++unmarked;
    if (!e.extension.empty()) ++extension;
    if (!e.headers.empty()) ++headers;
  }
  for (const auto& [key, id] : collection_ids_)
    EXPECT_GT(stored_in[key], 0) << "nothing stored in collection " << key;
  for (const auto& [key, name] : org_names_)
    EXPECT_GT(visible_to[key], 0) << "nothing visible to organization " << key;
  for (const char* t :
       {"white1", "green1", "amber1", "red1", "clear", "green", "amber", "amber+strict", "red"})
    EXPECT_GT(marked[t], 0) << "no object marked " << t;
  EXPECT_GT(unmarked, 0) << "no object without a marking (the collection's default TLP)";
  EXPECT_GT(refused, 0) << "no write the hub must refuse";
  EXPECT_GT(extension, 0) << "no object naming its audience in the extension";
  EXPECT_GT(headers, 0) << "no object naming its audience in request headers";
}

TEST_F(AuthzTest, EveryReaderSeesExactlyWhatTheTableGrantsOnEveryEndpoint) {
  std::map<std::tuple<std::string, std::string, std::string>, std::string> date_added;  // seen
  int requests = 0;
  for (const auto& [user, org] : user_org_) {
    auto client = hub_->Client(user, /*bearer=*/user.size() % 2 == 0);
    const auto& access = scenario_.at("collection_access").at(org).as_object();
    // The collections list: what the organization may read or write, with the right flags.
    auto list = client->Get("/api/collections/");
    ++requests;
    ASSERT_EQ(list.status, 200) << user << ": " << list.body;
    std::map<std::string, json::object> listed;
    json::value lj = list.Json();
    if (lj.as_object().contains("collections"))
      for (const auto& c : lj.at("collections").as_array()) listed[Str(c.at("id"))] = c.as_object();

    for (const auto& [ckey, cid] : collection_ids_) {
      SCOPED_TRACE(user + " (" + org + ") on collection " + ckey);
      const std::string acc = Str(access.at(ckey));
      // An admin sees every collection (listed, 403 where its organization may not read), but
      // reads only what its organization is granted, like everyone.
      const bool sees = !acc.empty() || user_role_[user] == "admin";
      const bool can_read = acc.find('r') != std::string::npos;
      const bool can_write = acc.find('w') != std::string::npos && user_role_[user] != "read-only";
      const std::string base = CollectionUrl(ckey);
      auto one = client->Get(base);
      requests++;
      if (!sees) {
        EXPECT_EQ(listed.count(cid), 0u) << "a collection the org cannot see is not listed";
        EXPECT_EQ(one.status, 404);
      } else {
        ASSERT_EQ(listed.count(cid), 1u) << list.body;
        EXPECT_EQ(listed[cid].at("can_read").as_bool(), can_read);
        EXPECT_EQ(listed[cid].at("can_write").as_bool(), can_write);
        EXPECT_EQ(one.status, 200) << one.body;
      }
      const std::set<std::string> ids = IdsIn(ckey);
      if (!can_read) {
        const int code = sees ? 403 : 404;
        EXPECT_EQ(client->Get(base + "objects/").status, code);
        EXPECT_EQ(client->Get(base + "manifest/").status, code);
        for (const auto& id : ids) {
          EXPECT_EQ(client->Get(base + "objects/" + id + "/").status, code);
          EXPECT_EQ(client->Get(base + "objects/" + id + "/versions/").status, code);
          requests += 2;
        }
        requests += 2;
        continue;
      }
      const std::set<Version> visible = VisibleTo(org, ckey);

      // The manifest of every visible version: ids, versions, date_added.
      auto manifest = client->Get(base + "manifest/?match%5Bversion%5D=all");
      ++requests;
      ASSERT_EQ(manifest.status, 200) << manifest.body;
      std::set<Version> in_manifest;
      std::vector<std::string> manifest_dates;
      json::value mj = manifest.Json();
      if (mj.as_object().contains("objects")) {
        for (const auto& m : mj.at("objects").as_array()) {
          Version v(Str(m.at("id")), Str(m.at("version")));
          in_manifest.insert(v);
          const std::string added = Str(m.at("date_added"));
          manifest_dates.push_back(added);
          auto key = std::make_tuple(ckey, v.first, v.second);
          if (date_added.count(key)) {
            EXPECT_EQ(date_added[key], added) << "date_added differs between readers";
          }
          date_added[key] = added;
        }
      }
      EXPECT_EQ(in_manifest, visible)
          << "manifest: got " << Describe(in_manifest) << "\n want " << Describe(visible);
      if (manifest_dates.empty()) {
        EXPECT_FALSE(manifest.Header("x-taxii-date-added-first").has_value());
      } else {
        EXPECT_EQ(manifest.Header("x-taxii-date-added-first"), manifest_dates.front());
        EXPECT_EQ(manifest.Header("x-taxii-date-added-last"), manifest_dates.back());
      }

      // The date-added headers of a list answer: those of its first and last version, never
      // of a version the reader cannot see.
      auto check_headers = [&](const HttpResponse& r, const std::vector<Version>& got,
                               const std::string& what) {
        if (got.empty()) {
          EXPECT_FALSE(r.Header("x-taxii-date-added-first").has_value()) << what;
          EXPECT_FALSE(r.Header("x-taxii-date-added-last").has_value()) << what;
          return;
        }
        auto first = date_added.find(std::make_tuple(ckey, got.front().first, got.front().second));
        auto last = date_added.find(std::make_tuple(ckey, got.back().first, got.back().second));
        ASSERT_NE(first, date_added.end()) << what;
        ASSERT_NE(last, date_added.end()) << what;
        EXPECT_EQ(r.Header("x-taxii-date-added-first"), first->second) << what;
        EXPECT_EQ(r.Header("x-taxii-date-added-last"), last->second) << what;
      };

      // GET objects in every match[version] mode.
      std::set<std::string> timestamps;
      for (const Entry& e : entries_)
        if (e.collection == ckey) timestamps.insert(e.modified);
      std::vector<std::pair<std::string, std::set<Version>>> modes = {
          {"", Select(visible, "last")},
          {"last", Select(visible, "last")},
          {"first", Select(visible, "first")},
          {"all", Select(visible, "all")},
          {"first,last", Select(visible, "first,last")},
      };
      for (const auto& ts : timestamps) {
        std::set<Version> exact;
        for (const auto& v : visible)
          if (v.second == ts) exact.insert(v);
        modes.emplace_back(ts, exact);
      }
      for (const auto& [mode, want] : modes) {
        const std::string url =
            base + "objects/" + (mode.empty() ? "" : "?match%5Bversion%5D=" + Q(mode));
        auto r = client->Get(url);
        ++requests;
        ASSERT_EQ(r.status, 200) << url << ": " << r.body;
        auto got = ObjectsOf(r);
        std::set<Version> got_set(got.begin(), got.end());
        EXPECT_EQ(got_set.size(), got.size()) << "duplicates in " << url;
        EXPECT_EQ(got_set, want) << url << "\n got " << Describe(got_set) << "\n want "
                                 << Describe(want);
        check_headers(r, got, url);
        if (want.empty()) {
          EXPECT_FALSE(r.Json().as_object().contains("next")) << url;
        }
      }
      // Filters that select nothing or everything must not reveal anything else.
      {
        auto r = client->Get(base + "objects/?match%5Btype%5D=malware");
        EXPECT_TRUE(ObjectsOf(r).empty()) << r.body;
        auto s = client->Get(base + "objects/?match%5Bspec_version%5D=2.1&match%5Bversion%5D=all");
        auto got = ObjectsOf(s);
        EXPECT_EQ(std::set<Version>(got.begin(), got.end()), visible);
        requests += 2;
      }

      // Paging through every visible version, 2 at a time, must give each exactly once.
      {
        std::vector<Version> paged;
        std::string url = base + "objects/?match%5Bversion%5D=all&limit=2";
        for (int page = 0; page < 100; ++page) {
          auto r = client->Get(url);
          ++requests;
          ASSERT_EQ(r.status, 200) << url << ": " << r.body;
          auto got = ObjectsOf(r);
          EXPECT_LE(got.size(), 2u);
          check_headers(r, got, url);
          paged.insert(paged.end(), got.begin(), got.end());
          json::object body = r.Json().as_object();
          const bool more = body.contains("more") && body.at("more").as_bool();
          if (!more) {
            EXPECT_FALSE(body.contains("next")) << r.body;
            break;
          }
          ASSERT_TRUE(body.contains("next")) << "more without next: " << r.body;
          EXPECT_FALSE(got.empty()) << "an empty page that says more";
          url = base + "objects/?match%5Bversion%5D=all&limit=2&next=" + Q(Str(body.at("next")));
        }
        std::set<Version> paged_set(paged.begin(), paged.end());
        EXPECT_EQ(paged_set.size(), paged.size()) << "a version came twice while paging";
        EXPECT_EQ(paged_set, visible) << "paged: " << Describe(paged_set);
      }
      // The manifest pages the same way: each visible (id, version) exactly once, nothing else.
      {
        std::vector<Version> paged;
        std::string url = base + "manifest/?match%5Bversion%5D=all&limit=3";
        bool ended = false;
        for (int page = 0; page < 100 && !ended; ++page) {
          auto r = client->Get(url);
          ++requests;
          ASSERT_EQ(r.status, 200) << r.body;
          ASSERT_TRUE(r.Json().is_object()) << r.body;
          json::object body = r.Json().as_object();
          if (body.contains("objects"))
            for (const auto& m : body.at("objects").as_array())
              paged.emplace_back(Str(m.at("id")), Str(m.at("version")));
          ended = !(body.contains("more") && body.at("more").as_bool());
          if (ended) break;
          ASSERT_TRUE(body.contains("next")) << r.body;
          url = base + "manifest/?match%5Bversion%5D=all&limit=3&next=" + Q(Str(body.at("next")));
        }
        EXPECT_TRUE(ended) << "the manifest did not end within 100 pages";
        std::set<Version> paged_set(paged.begin(), paged.end());
        EXPECT_EQ(paged_set.size(), paged.size()) << "a manifest entry came twice while paging";
        EXPECT_EQ(paged_set, visible) << "manifest paged: " << Describe(paged_set);
      }

      // Every object stored in this collection, one by one, and one from another collection.
      std::set<std::string> probe = ids;
      for (const Entry& e : entries_)
        if (e.collection != ckey && !ids.count(e.id)) {
          probe.insert(e.id);
          break;
        }
      for (const auto& id : probe) {
        std::set<Version> mine;
        for (const auto& v : visible)
          if (v.first == id) mine.insert(v);
        const std::string url = base + "objects/" + id + "/";
        auto last = client->Get(url);
        auto all = client->Get(url + "?match%5Bversion%5D=all");
        auto versions = client->Get(url + "versions/");
        requests += 3;
        if (mine.empty()) {
          EXPECT_EQ(last.status, 404) << url << " must not exist for " << user << ": " << last.body;
          EXPECT_EQ(all.status, 404) << url;
          EXPECT_EQ(versions.status, 404) << url << "versions/";
          continue;
        }
        ASSERT_EQ(last.status, 200) << url << ": " << last.body;
        auto got_last = ObjectsOf(last);
        EXPECT_EQ(std::set<Version>(got_last.begin(), got_last.end()), Select(mine, "last")) << url;
        check_headers(last, got_last, url);
        auto got_all = ObjectsOf(all);
        EXPECT_EQ(std::set<Version>(got_all.begin(), got_all.end()), mine) << url;
        check_headers(all, got_all, url + "?match[version]=all");
        ASSERT_EQ(versions.status, 200) << versions.body;
        std::vector<std::string> want_versions;
        for (const auto& v : mine) want_versions.push_back(v.second);
        std::sort(want_versions.begin(), want_versions.end());
        EXPECT_EQ(Strings(versions.Json().at("versions")), want_versions) << url << "versions/";
        // The version list's headers: the first and last visible version's date_added.
        std::vector<Version> vs;
        for (const auto& m : want_versions) vs.emplace_back(id, m);
        check_headers(versions, vs, url + "versions/");
        // match[id] on the list finds the same last version.
        auto by_id = client->Get(base + "objects/?match%5Bid%5D=" + id);
        ++requests;
        auto got_by_id = ObjectsOf(by_id);
        EXPECT_EQ(std::set<Version>(got_by_id.begin(), got_by_id.end()), Select(mine, "last"));
      }
    }
  }
  RecordProperty("requests", requests);
  std::cerr << "authorization matrix: " << requests << " requests checked\n";
}

// #10.2: `tessera export --as NAME` writes exactly what TAXII shows that member: for every user
// and every organization of the scenario, the versions (id, modified) of the export equal the
// union of what TAXII lists to the member in each collection it can read, and hold every version
// the table grants it. Nothing it may not read, nothing twice.
TEST_F(AuthzTest, ExportAsAMemberWritesWhatTaxiiShowsIt) {
  // What TAXII shows `user` (all versions of every collection it can read).
  auto taxii_view = [&](const std::string& user) {
    std::set<Version> shown;
    auto client = hub_->Client(user);
    for (const auto& [ckey, cid] : collection_ids_) {
      const std::string acc = Str(scenario_.at("collection_access").at(user_org_[user]).at(ckey));
      if (acc.find('r') == std::string::npos) continue;
      std::string url = CollectionUrl(ckey) + "objects/?match%5Bversion%5D=all&limit=1000";
      for (int page = 0; page < 100; ++page) {
        auto r = client->Get(url);
        EXPECT_EQ(r.status, 200) << user << " " << url << ": " << r.body;
        if (r.status != 200) break;
        for (const auto& v : ObjectsOf(r)) shown.insert(v);
        json::object body = r.Json().as_object();
        if (!(body.contains("more") && body.at("more").as_bool())) break;
        url = CollectionUrl(ckey) +
              "objects/?match%5Bversion%5D=all&limit=1000&next=" + Q(Str(body.at("next")));
      }
    }
    return shown;
  };
  auto exported = [&](const std::string& as, int expect_exit) {
    auto r = hub_->Cli({"export", "--as", as, "--format", "ndjson"}, expect_exit);
    std::vector<Version> out;
    size_t start = 0;
    while (start < r.out.size()) {
      size_t end = r.out.find('\n', start);
      if (end == std::string::npos) end = r.out.size();
      if (end > start) {
        json::value o = json::parse(r.out.substr(start, end - start));
        out.emplace_back(Str(o.at("id")), Str(o.at("modified")));
      }
      start = end + 1;
    }
    return out;
  };
  size_t checked = 0;
  for (const auto& [user, org] : user_org_) {
    SCOPED_TRACE("export --as " + user);
    const std::set<Version> shown = taxii_view(user);
    std::set<Version> granted;
    for (const auto& [ckey, cid] : collection_ids_) {
      const std::string acc = Str(scenario_.at("collection_access").at(org).at(ckey));
      if (acc.find('r') == std::string::npos) continue;
      for (const auto& v : VisibleTo(org, ckey)) granted.insert(v);
    }
    const auto as_user = exported(user, shown.empty() ? 1 : 0);
    const std::set<Version> as_user_set(as_user.begin(), as_user.end());
    EXPECT_EQ(as_user_set.size(), as_user.size()) << "a version written twice";
    EXPECT_EQ(as_user_set, shown) << "export: " << Describe(as_user_set)
                                  << "\n taxii: " << Describe(shown);
    EXPECT_TRUE(std::includes(shown.begin(), shown.end(), granted.begin(), granted.end()))
        << "taxii: " << Describe(shown) << "\n table: " << Describe(granted);
    // The organization's view is its users' view (every role reads the same rows).
    const auto as_org = exported("org:" + org_names_[org], shown.empty() ? 1 : 0);
    EXPECT_EQ(std::set<Version>(as_org.begin(), as_org.end()), shown);
    ++checked;
  }
  EXPECT_GE(checked, 9u) << "the scenario lost its users";
  // The operator's view (no --as, the default) holds every stored version; an unknown member is
  // refused.
  auto operator_run = hub_->Cli({"export", "--format", "ndjson"});
  for (const Entry& e : entries_) {
    if (!e.expect_success) continue;
    EXPECT_NE(operator_run.out.find("\"authz " + e.key + "\""), std::string::npos) << e.key;
  }
  hub_->Cli({"export", "--as", "nobody-here"}, 1);
}

TEST_F(AuthzTest, WritesNeedTheRoleAndTheCollectionsWriteGrant) {
  const auto& checks = scenario_.at("write_checks").as_array();
  for (size_t i = 0; i < checks.size(); ++i) {
    const auto& w = checks[i];
    const std::string user = Str(w.at("user"));
    const std::string coll = Str(w.at("collection"));
    const int64_t status = w.at("status").to_number<int64_t>();
    Entry e;
    e.key = "refused-" + user + "-" + coll;
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%012zx", 0x7c8d9e0f1a00 + i);  // one id per check
    e.id = "indicator--2f9e7a10-3c4d-4e5f-8a6b-" + std::string(suffix);
    e.modified = "2024-06-01T00:00:00.000Z";
    json::object envelope;
    envelope["objects"] = json::array{MakeObject(e)};
    auto res =
        hub_->Client(user)->Post(CollectionUrl(coll) + "objects/", json::serialize(envelope));
    EXPECT_EQ(res.status, status) << user << " -> " << coll << ": " << res.body;
    if (status < 400) continue;
    // A refused write landed nowhere: not in that collection nor in any other. The operator's
    // export reads the whole store, whatever the collection or marking (exit 1: nothing).
    auto found = hub_->Cli({"export", "--id", e.id, "--format", "ndjson"}, /*expect_exit=*/1);
    EXPECT_EQ(found.out.find(e.id), std::string::npos)
        << user << " -> " << coll << " was refused but stored: " << found.out;
  }
}

TEST_F(AuthzTest, UnauthenticatedRequestsGet401WithAChallenge) {
  HttpClient anon("127.0.0.1", hub_->server().port());
  const std::string objects = CollectionUrl("default") + "objects/";
  const std::vector<std::string> urls = {"/taxii2/", "/api/", "/api/collections/", objects,
                                         objects + entries_.front().id + "/"};
  for (const std::string& url : urls) {
    auto r = anon.Get(url);
    EXPECT_EQ(r.status, 401) << url << ": " << r.body;
    auto challenge = r.Header("www-authenticate").value_or("");
    EXPECT_NE(challenge.find("Basic"), std::string::npos) << url << ": " << challenge;
    EXPECT_NE(challenge.find("Bearer"), std::string::npos) << url << ": " << challenge;
  }
  EXPECT_EQ(anon.Post(objects, R"({"objects":[]})").status, 401);

  const std::string good = hub_->token("alpha-analyst");
  const std::vector<std::string> bad = {
      BearerAuth("garbage"),
      BearerAuth("tsr_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
      BearerAuth(good.substr(0, good.size() - 1) + (good.back() == 'A' ? "B" : "A")),
      BasicAuth("bravo-analyst", good),  // a real token, claimed by another user
      BasicAuth("alpha-analyst", ""),
      "Basic !!!notbase64",
      "Digest username=\"alpha-analyst\"",
  };
  for (const auto& auth : bad) {
    anon.SetAuthorization(auth);
    auto r = anon.Get("/api/collections/");
    EXPECT_EQ(r.status, 401) << auth << ": " << r.body;
  }
  anon.SetAuthorization(BasicAuth("alpha-analyst", good));
  EXPECT_EQ(anon.Get("/api/collections/").status, 200);
  anon.SetAuthorization(BearerAuth(good));
  EXPECT_EQ(anon.Get("/api/collections/").status, 200);
}

TEST_F(AuthzTest, RevokedExpiredAndDisabledCredentialsStopWorkingAtOnce) {
  // A second token of alpha-analyst, revoked while a keep-alive connection uses it.
  const std::string second = hub_->CreateToken("alpha-analyst");
  HttpClient c("127.0.0.1", hub_->server().port());
  c.SetAuthorization(BearerAuth(second));
  EXPECT_EQ(c.Get("/api/collections/").status, 200);
  hub_->Cli({"token", "revoke", TestHub::TokenId(second)});
  EXPECT_EQ(c.Get("/api/collections/").status, 401) << "revocation must be seen at once";
  // The user's other token still works.
  EXPECT_EQ(hub_->Client("alpha-analyst")->Get("/api/collections/").status, 200);

  // An expiring token works, then does not. Its life of `life` starts somewhere between `made`
  // and `created` (the CLI's run), so a request answered before made + life must pass and one
  // sent after created + life must not, however slow the machine (ASan, load). When the CLI
  // run eats the whole life, the check is retried with a longer one instead of being skipped.
  using std::chrono::steady_clock;
  bool checked = false;
  for (int life_s : {3, 9, 27}) {
    const auto life = std::chrono::seconds(life_s);
    const auto made = steady_clock::now();
    const std::string brief = hub_->CreateToken("bravo-analyst", std::to_string(life_s) + "s");
    const auto created = steady_clock::now();
    c.SetAuthorization(BasicAuth("bravo-analyst", brief));
    const int early = c.Get("/api/collections/").status;
    if (steady_clock::now() >= made + life) continue;  // too slow to tell: a longer life
    EXPECT_EQ(early, 200) << "a token within its lifetime must work";
    std::this_thread::sleep_until(created + life + std::chrono::milliseconds(200));
    EXPECT_EQ(c.Get("/api/collections/").status, 401) << "an expired token must be refused";
    checked = true;
    break;
  }
  EXPECT_TRUE(checked) << "could not get a request answered within a token's 27 s lifetime";

  // A disabled user's tokens stop working.
  hub_->Cli({"user", "add", "delta-leaver", "--org", org_names_["delta"], "--role", "analyst"});
  const std::string leaver = hub_->CreateToken("delta-leaver");
  c.SetAuthorization(BearerAuth(leaver));
  EXPECT_EQ(c.Get("/api/collections/").status, 200);
  hub_->Cli({"user", "disable", "delta-leaver"});
  EXPECT_EQ(c.Get("/api/collections/").status, 401) << "a disabled user must be refused";
}

}  // namespace
