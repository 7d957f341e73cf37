// The authorization matrix: several organizations, users of every role, sharing groups,
// collections with different readers and writers, and objects under every TLP level (1.0 and 2.0
// markings, none), with and without named recipients (Tessera extension and request headers)
// and sharing groups. For EVERY (reader, collection, object, endpoint) it checks what the reader
// gets: objects (every match[version] mode), a single object, its versions, the manifest, the
// X-TAXII-Date-Added headers and paging. The expectations are the hand-written table in
// tests/data/authz/scenario.json, not the policy code. Then write permissions, impersonation,
// the status resource, and the 401/403/404 paths with revoked and expired tokens. The users that
// scenario.json marks "credential": "session" read, search and delete through a browser session
// (cookie and CSRF token) instead of a token: the same rules must hold on that path.
//
// Beside that sample, the generated matrix (tests/data/authz/matrix.json, tests/authz_matrix.h):
// every object class (SDO, SCOs, SRO, sighting, granular markings, versions from two
// organizations) x every marking class (none, TLP 2.0 and 1.0, recipients in the extension and
// in headers, sharing groups) x every contributing organization x collections of every kind of
// grant, checked for every reader on every TAXII endpoint, DELETE, page tokens replayed across
// readers and `export --as`, against rules written by hand per TLP level.

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
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
#include "authz_matrix.h"

namespace {

namespace json = boost::json;
using tessera::testing::BasicAuth;
using tessera::testing::BearerAuth;
using tessera::testing::HttpClient;
using tessera::testing::HttpResponse;
using tessera::testing::MarkingClass;
using tessera::testing::MatrixCollection;
using tessera::testing::MatrixId;
using tessera::testing::ReadRules;
using tessera::testing::ScoId;
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
// The version of a STIX object as the matrix names it: its `modified`, "" for an object that has
// none (an SCO: TAXII versions it by its date_added, which differs per copy).
std::string VersionOf(const json::value& o) {
  const json::value* m = o.is_object() ? o.as_object().if_contains("modified") : nullptr;
  return m ? Str(*m) : std::string();
}
// A timestamp without the trailing zeros of its fraction: one text for one instant
// ("...39.423Z" and "...39.423000Z").
std::string Instant(std::string t) {
  if (t.size() < 2 || t.back() != 'Z' || t.find('.') == std::string::npos) return t;
  t.pop_back();
  while (t.back() == '0') t.pop_back();
  if (t.back() == '.') t.pop_back();
  return t + "Z";
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

using Version = std::pair<std::string, std::string>;  // (id, modified; "" for an SCO)

// One object version of the generated matrix (tests/data/authz/matrix.json).
struct MatrixCase {
  std::string key;  // "<object class>/<marking class>/<contributing org>/<collection>[/vN]"
  std::string object_class, marking, collection, writer, provider;  // provider: an org key
  std::string id, modified;                                         // "" for an SCO
  json::object object;
  std::vector<std::string> header_recipients;  // org keys, sent as X-Tessera-Recipients
  int phase = 0;  // post order: 0 contributors, 1 relayed versions, 2 later writers
  bool expect_success = true;
  std::set<std::string> visible;  // org keys, from the hand-written rules
};

class AuthzTest : public ::testing::Test {
 protected:
  // What TAXII shows `user` (all versions of every collection it can read): the scenario's
  // collections and the generated matrix's.
  static std::set<Version> TaxiiView(const std::string& user) {
    std::set<Version> shown;
    auto client = hub_->Client(user);
    for (const auto& base : ReadableCollectionUrls(user)) {
      std::string url = base + "objects/?match%5Bversion%5D=all&limit=1000";
      for (int page = 0; page < 100; ++page) {
        auto r = client->Get(url);
        EXPECT_EQ(r.status, 200) << user << " " << url << ": " << r.body;
        if (r.status != 200) break;
        for (const auto& v : ObjectsOf(r)) shown.insert(v);
        json::object body = r.Json().as_object();
        if (!(body.contains("more") && body.at("more").as_bool())) break;
        url = base + "objects/?match%5Bversion%5D=all&limit=1000&next=" + Q(Str(body.at("next")));
      }
    }
    return shown;
  }

  // The URLs of the collections, the scenario's and the matrix's, that `user` may read.
  static std::vector<std::string> ReadableCollectionUrls(const std::string& user) {
    std::vector<std::string> readable;
    for (const auto& [ckey, cid] : collection_ids_) {
      const std::string acc = Str(scenario_.at("collection_access").at(user_org_[user]).at(ckey));
      if (acc.find('r') != std::string::npos) readable.push_back(CollectionUrl(ckey));
    }
    for (const auto& [ckey, mc] : matrix_collections_)
      if (MatrixAccess(user_org_[user], ckey).find('r') != std::string::npos)
        readable.push_back(MatrixCollectionUrl(ckey));
    return readable;
  }

  static void SetUpTestSuite() {
    hub_ = new TestHub();
    LoadData();
    BuildHub();
  }
  // tests/data/authz/scenario.json and matrix.json.
  static void LoadData() {
    const auto dir =
        std::filesystem::path(std::getenv("TESSERA_SOURCE_DIR") ? std::getenv("TESSERA_SOURCE_DIR")
                                                                : TESSERA_SOURCE_DIR_DEFAULT) /
        "tests/data/authz";
    scenario_ = json::parse(Slurp(dir / "scenario.json")).as_object();
    matrix_ = json::parse(Slurp(dir / "matrix.json")).as_object();
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
      if (u.as_object().contains("credential")) user_credential_[name] = Str(u.at("credential"));
      if (name == "admin") continue;  // made by init
      h.AddUser(name, org_names_[user_org_[name]], user_role_[name]);
    }
    if (::testing::Test::HasFailure()) return;
    for (const auto& [key, c] : scenario_.at("collections").as_object()) {
      if (key == "default") continue;
      const auto& o = c.as_object();
      const std::string alias = o.contains("alias") ? Str(o.at("alias")) : "";
      collection_ids_[std::string(key)] = h.AddCollection(
          Str(o.at("title")), Grants(o.at("readers")), Grants(o.at("writers")),
          Str(o.at("default_tlp")), o.contains("audience") ? Str(o.at("audience")) : "", alias);
      if (!alias.empty()) collection_aliases_[std::string(key)] = alias;
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

  // The matrix's collections as matrix.json describes them (made on the hub by EnsureMatrix).
  static void ReadMatrixCollections() {
    matrix_collections_.clear();
    for (const auto& [key, c] : matrix_.at("collections").as_object()) {
      if (key == "comment") continue;
      const auto& o = c.as_object();
      MatrixCollection mc;
      mc.key = std::string(key);
      mc.default_tlp = Str(o.at("default_tlp"));
      if (o.contains("audience")) mc.audience_group = Str(o.at("audience"));
      for (const auto& [org, acc] : o.at("access").as_object())
        mc.access[std::string(org)] = Str(acc);
      matrix_collections_[mc.key] = mc;
    }
  }
  // The generated matrix is built by the tests that read it (the others need not pay for it):
  // its collections (`tessera collection add` while the hub serves: it reads its directory
  // again on the next request) and its cases; EnsureMatrixPosted also posts them, once.
  static void EnsureMatrix() {
    if (!matrix_collection_ids_.empty()) return;
    ReadMatrixCollections();
    for (const auto& [key, mc] : matrix_collections_) {
      const auto& o = matrix_.at("collections").at(key).as_object();
      matrix_collection_ids_[key] =
          hub_->AddCollection(Str(o.at("title")), Grants(o.at("readers")), Grants(o.at("writers")),
                              mc.default_tlp, mc.audience_group);
    }
    GenerateMatrix();
  }
  static void EnsureMatrixPosted() {
    EnsureMatrix();
    if (matrix_posted_) return;
    matrix_posted_ = true;
    matrix_post_problems_ = PostCases(cases_);
  }

  // The --readers / --writers value of a collection: "all", or organization names and
  // "group:NAME" entries.
  static std::string Grants(const json::value& v) {
    if (v.is_string()) return std::string(v.as_string());  // "all"
    std::vector<std::string> parts;
    for (const auto& g : v.as_array()) {
      std::string s = Str(g);
      parts.push_back(s.rfind("group:", 0) == 0 ? s : org_names_[s]);
    }
    return Join(parts, ",");
  }

  static std::string CollectionUrl(const std::string& key) {
    return "/api/collections/" + collection_ids_[key] + "/";
  }

  // The word only the description of the scenario objects of `key` holds (full-text search).
  static std::string DescriptionWord(const std::string& key) {
    std::string word = "authzdesc";
    for (char c : key) {
      if (std::isalnum(static_cast<unsigned char>(c))) word.push_back(c);
    }
    return word;
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
    o["description"] = "described by " + DescriptionWord(e.key);
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

  // The versions (id, modified) of `collection` that organization `org` may see, among `cases`
  // (the scenario's entries or the matrix's cases).
  template <typename Case>
  static std::set<Version> GrantedIn(const std::vector<Case>& cases, const std::string& org,
                                     const std::string& collection) {
    std::set<Version> out;
    for (const Case& c : cases)
      if (c.collection == collection && c.expect_success && c.visible.count(org))
        out.emplace(c.id, c.modified);
    return out;
  }
  static std::set<Version> VisibleTo(const std::string& org, const std::string& collection) {
    return GrantedIn(entries_, org, collection);
  }
  // Every id stored in `collection` (what some reader may see), sorted.
  static std::set<std::string> IdsIn(const std::string& collection) {
    std::set<std::string> out;
    for (const Entry& e : entries_)
      if (e.collection == collection && e.expect_success) out.insert(e.id);
    return out;
  }
  // The key of the case that holds version `v` (and its version), for messages.
  template <typename Case>
  static std::string KeyIn(const std::vector<Case>& cases, const Version& v) {
    for (const Case& c : cases)
      if (c.id == v.first && c.modified == v.second) return c.key + "@" + c.modified;
    return v.first + "@" + v.second;
  }
  // `s` by case keys, at most `max` of them.
  template <typename Case>
  static std::string DescribeIn(const std::vector<Case>& cases, const std::set<Version>& s,
                                size_t max) {
    std::vector<std::string> keys;
    for (const auto& v : s) {
      if (keys.size() == max) {
        keys.push_back("... (" + std::to_string(s.size()) + " in all)");
        break;
      }
      keys.push_back(KeyIn(cases, v));
    }
    return "{" + Join(keys, ", ") + "}";
  }
  static std::string Describe(const std::set<Version>& s) {
    return DescribeIn(entries_, s, s.size());
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
      out.emplace_back(Str(o.at("id")), VersionOf(o));
    return out;
  }

  // ---- The generated matrix (tests/data/authz/matrix.json) ----

  // The first group of the scenario that `org` belongs to ("" when none): what a marking class
  // with "sharing_group": "own" names.
  static std::string OwnGroup(const std::string& org) {
    for (const auto& [name, members] : scenario_.at("groups").as_object())
      for (const auto& m : members.as_array())
        if (Str(m) == org) return std::string(name);
    return "";
  }
  static std::set<std::string> GroupMembers(const std::string& group) {
    std::set<std::string> out;
    if (group.empty()) return out;
    for (const auto& m : scenario_.at("groups").at(group).as_array()) out.insert(Str(m));
    return out;
  }
  // Whether `id` names a STIX 2.1 Cyber-observable Object (§6), which has no version of its own.
  static bool IsSco(const std::string& id) {
    static const std::set<std::string> kScoTypes = {"artifact",
                                                    "autonomous-system",
                                                    "directory",
                                                    "domain-name",
                                                    "email-addr",
                                                    "email-message",
                                                    "file",
                                                    "ipv4-addr",
                                                    "ipv6-addr",
                                                    "mac-addr",
                                                    "mutex",
                                                    "network-traffic",
                                                    "process",
                                                    "software",
                                                    "url",
                                                    "user-account",
                                                    "windows-registry-key",
                                                    "x509-certificate"};
    return kScoTypes.count(id.substr(0, id.find("--"))) > 0;
  }
  static std::string MatrixCollectionUrl(const std::string& key) {
    return "/api/collections/" + matrix_collection_ids_.at(key) + "/";
  }
  static std::string ContributorOf(const std::string& org) {
    return Str(matrix_.at("contributors").at(org));
  }

  // The STIX object of one case. `n` makes SCO values unique; `cell` names SDO and SRO ids.
  static json::object MatrixObject(const std::string& object_class, const std::string& cell,
                                   const std::string& indicator_cell, size_t n,
                                   const MarkingClass& m, const std::string& org,
                                   const std::string& group, const std::string& modified) {
    json::object o;
    const std::string created = "2024-01-01T00:00:00.000Z";
    if (object_class == "indicator" || object_class == "granular" || object_class == "versions") {
      o["type"] = "indicator";
      o["id"] = MatrixId("indicator", cell);
      o["created"] = created;
      o["modified"] = modified;
      o["name"] = "matrix " + cell + " " + modified;
      o["pattern"] = "[domain-name:value = 'i" + std::to_string(n) + ".matrix.example']";
      o["pattern_type"] = "stix";
      o["valid_from"] = "2024-01-01T00:00:00Z";
    } else if (object_class == "ipv4-addr") {
      const std::string value = "198.18." + std::to_string(n / 256) + "." + std::to_string(n % 256);
      o["type"] = "ipv4-addr";
      o["id"] = ScoId("ipv4-addr", value);
      o["value"] = value;
    } else if (object_class == "domain-name") {
      const std::string value = "d" + std::to_string(n) + ".matrix.example";
      o["type"] = "domain-name";
      o["id"] = ScoId("domain-name", value);
      o["value"] = value;
    } else if (object_class == "relationship") {
      o["type"] = "relationship";
      o["id"] = MatrixId("relationship", cell);
      o["created"] = created;
      o["modified"] = modified;
      o["relationship_type"] = "related-to";
      o["source_ref"] = MatrixId("indicator", indicator_cell);
      o["target_ref"] = ScoId("domain-name", "d" + std::to_string(n) + ".matrix.example");
    } else if (object_class == "sighting") {
      o["type"] = "sighting";
      o["id"] = MatrixId("sighting", cell);
      o["created"] = created;
      o["modified"] = modified;
      o["sighting_of_ref"] = MatrixId("indicator", indicator_cell);
      o["where_sighted_refs"] = json::array{json::value(identities_[org])};
      o["count"] = 1;
    } else {
      ADD_FAILURE() << "matrix.json declares object class '" << object_class
                    << "', which MakeMatrixObject cannot build: teach it";
      return o;
    }
    o["spec_version"] = "2.1";
    if (!m.tlp.empty()) {
      json::array refs;
      for (const auto& t : m.tlp) refs.push_back(json::value(MarkingId(t)));
      if (object_class == "granular") {
        json::array granular;
        for (const auto& r : refs)
          granular.push_back(json::object{{"marking_ref", r}, {"selectors", json::array{"name"}}});
        o["granular_markings"] = granular;
      } else {
        o["object_marking_refs"] = refs;
      }
    }
    if (!m.recipients.empty() || !group.empty()) {
      json::object ext;
      ext["extension_type"] = "property-extension";
      if (!m.recipients.empty()) {
        json::array r;
        for (const auto& k : m.recipients) r.push_back(json::value(identities_[k]));
        ext["recipients"] = r;
      }
      if (!group.empty()) ext["sharing_group"] = group;
      o["extensions"] = json::object{{kExtensionId, ext}};
    }
    return o;
  }

  // One case of marking class `m`, posted by `writer` (of `org`) into `collection`.
  static MatrixCase MakeCase(const std::string& object_class, const std::string& cell,
                             const std::string& indicator_cell, size_t n, const MarkingClass& m,
                             const std::string& org, const std::string& writer,
                             const std::string& collection, const std::string& modified) {
    const MatrixCollection& c = matrix_collections_.at(collection);
    const std::string group = m.sharing_group == "own" ? OwnGroup(org) : m.sharing_group;
    MatrixCase x;
    x.key = cell;
    x.object_class = object_class;
    x.marking = m.key;
    x.collection = collection;
    x.writer = writer;
    x.provider = org;
    x.header_recipients = m.header_recipients;
    x.object = MatrixObject(object_class, cell, indicator_cell, n, m, org, group, modified);
    x.id = Str(x.object["id"]);
    x.modified = VersionOf(x.object);
    const auto& recipients = m.recipients.empty() ? m.header_recipients : m.recipients;
    x.visible =
        rules_.Readers(m, org, c, recipients, GroupMembers(group), GroupMembers(c.audience_group));
    return x;
  }

  // The cross product object class x marking class x contributing organization x collection,
  // pruned to what the contributor may write; the "versions" class adds a version relayed by
  // the sync user (accepted) and one by another organization's analyst (refused). `salt` starts
  // every case key (so a second set has ids of its own), `n` numbers the SCO values.
  static std::vector<MatrixCase> Generate(const std::string& salt,
                                          const std::vector<std::string>& object_classes,
                                          const std::vector<MarkingClass>& markings, size_t n) {
    std::vector<MatrixCase> out;
    const std::string relay_user = Str(matrix_.at("relay").at("user"));
    const std::string relay_org = Str(matrix_.at("relay").at("org"));
    for (const auto& object_class : object_classes) {
      for (const MarkingClass& m : markings) {
        for (const auto& [ckey, c] : matrix_collections_) {
          for (const auto& [org, acc] : c.access) {
            if (acc.find('w') == std::string::npos) continue;  // may not write: pruned
            if (m.sharing_group == "own" && OwnGroup(org).empty()) continue;  // in no group
            ++n;
            const std::string cell = salt + object_class + "/" + m.key + "/" + org + "/" + ckey;
            const std::string indicator_cell = salt + "indicator/" + m.key + "/" + org + "/" + ckey;
            if (object_class != "versions") {
              out.push_back(MakeCase(object_class, cell, indicator_cell, n, m, org,
                                     ContributorOf(org), ckey, "2024-05-01T00:00:00.000Z"));
              continue;
            }
            MatrixCase v1 = MakeCase(object_class, cell, indicator_cell, n, m, org,
                                     ContributorOf(org), ckey, "2024-05-01T00:00:00.000Z");
            v1.key += "/v1";
            out.push_back(v1);
            // A later version relayed by the sync user: accepted, read under its own marking,
            // provided by the relay's organization (in its own group, for "own").
            if (c.access.at(relay_org).find('w') != std::string::npos &&
                !(m.sharing_group == "own" && OwnGroup(relay_org).empty())) {
              MatrixCase v2 = MakeCase(object_class, cell, indicator_cell, n, m, relay_org,
                                       relay_user, ckey, "2024-05-02T00:00:00.000Z");
              v2.key += "/v2-relayed";
              v2.phase = 1;
              out.push_back(v2);
            }
            // A later version by another organization's analyst: refused (#15 item 2).
            for (const auto& [other, other_acc] : c.access) {
              if (other == org || other == "hub" || other_acc.find('w') == std::string::npos)
                continue;
              if (m.sharing_group == "own" && OwnGroup(other).empty()) continue;
              MatrixCase v3 = MakeCase(object_class, cell, indicator_cell, n, m, other,
                                       ContributorOf(other), ckey, "2024-05-03T00:00:00.000Z");
              v3.key += "/v3-by-" + other;
              v3.phase = 2;
              v3.expect_success = false;
              v3.visible.clear();
              out.push_back(v3);
              break;
            }
          }
        }
      }
    }
    return out;
  }

  // The matrix of matrix.json: every object class x every marking class, and the shared SCO.
  static void GenerateMatrix() {
    marking_classes_.clear();
    object_classes_.clear();
    rules_ = ReadRules(matrix_.at("rules").as_object());
    for (const auto& mv : matrix_.at("marking_classes").as_array()) {
      const auto& o = mv.as_object();
      MarkingClass m;
      m.key = Str(o.at("key"));
      m.tlp = Strings(o.at("tlp"));
      if (o.contains("recipients")) m.recipients = Strings(o.at("recipients"));
      if (o.contains("header_recipients")) m.header_recipients = Strings(o.at("header_recipients"));
      if (o.contains("sharing_group")) m.sharing_group = Str(o.at("sharing_group"));
      marking_classes_.push_back(m);
    }
    for (const auto& oc : matrix_.at("object_classes").as_array())
      object_classes_.push_back(Str(oc.at("key")));
    cases_ = Generate("", object_classes_, marking_classes_, 0);
    // One SCO value shared by several organizations, each under its own marking.
    const auto& shared = matrix_.at("shared_sco").as_object();
    int share_index = 0;
    for (const auto& sv : shared.at("shares").as_array()) {
      const auto& s = sv.as_object();
      const std::string org = Str(s.at("org"));
      const std::string marking = Str(s.at("marking"));
      auto m = std::find_if(marking_classes_.begin(), marking_classes_.end(),
                            [&](const MarkingClass& mc) { return mc.key == marking; });
      if (m == marking_classes_.end()) {
        ADD_FAILURE() << "shared_sco names an unknown marking class " << marking;
        continue;
      }
      const std::string ckey = Str(s.at("collection"));
      MatrixCase x = MakeCase("ipv4-addr", "shared-sco/" + org + "/" + ckey, "", 0, *m, org,
                              ContributorOf(org), ckey, "");
      const std::string value = Str(shared.at("value"));
      x.object["value"] = value;
      x.object["id"] = ScoId("ipv4-addr", value);
      x.id = Str(x.object["id"]);
      x.object_class = "shared-sco";
      x.phase = share_index++ == 0 ? 0 : 2;
      cases_.push_back(x);
    }
  }

  // POSTs the matrix: one envelope per (phase, writer, collection, request headers), each
  // checked against its status (which objects succeeded, which were refused).
  // POSTs cases: one envelope per (phase, writer, collection, request headers), each checked
  // against its status (which objects succeeded, which were refused). Returns what did not go as
  // the cases expect, one line each (reported by a test, so that a hub bug the matrix finds
  // fails that test, not the set-up of every other).
  static std::vector<std::string> PostCases(const std::vector<MatrixCase>& cases) {
    std::vector<std::string> problems;
    using BatchKey = std::tuple<int, std::string, std::string, std::string>;
    std::map<BatchKey, std::vector<const MatrixCase*>> batches;  // ordered by phase first
    for (const MatrixCase& x : cases)
      batches[BatchKey(x.phase, x.writer, x.collection, Join(x.header_recipients, ","))].push_back(
          &x);
    for (const auto& [k, batch] : batches) {
      const MatrixCase& first = *batch.front();
      json::array objects;
      for (const MatrixCase* x : batch) objects.push_back(x->object);
      std::vector<std::pair<std::string, std::string>> headers;
      if (!first.header_recipients.empty()) {
        std::vector<std::string> ids;
        for (const auto& r : first.header_recipients) ids.push_back(identities_[r]);
        headers.emplace_back("X-Tessera-Recipients", Join(ids, ", "));
      }
      auto res = hub_->Client(first.writer)
                     ->Post(MatrixCollectionUrl(first.collection) + "objects/",
                            json::serialize(json::object{{"objects", objects}}), headers);
      ++matrix_posts_;
      const json::value st = res.Json();
      if (res.status != 202 || !st.is_object()) {
        problems.push_back(first.writer + " -> " + first.collection + ": " +
                           std::to_string(res.status) + " " + res.body);
        continue;
      }
      std::map<std::string, std::string> failed;
      if (const json::value* f = st.as_object().if_contains("failures"))
        for (const auto& e : f->as_array()) failed[Str(e.at("id"))] = Str(e.at("message"));
      for (const MatrixCase* x : batch)
        if (failed.count(x->id) != (x->expect_success ? 0u : 1u))
          problems.push_back(x->key + " by " + x->writer + " should be " +
                             (x->expect_success ? "stored, was refused: " + failed[x->id]
                                                : "refused, was stored"));
    }
    return problems;
  }

  static std::set<Version> MatrixVisibleTo(const std::string& org, const std::string& collection) {
    return GrantedIn(cases_, org, collection);
  }
  // Every id of a stored case in `collection`, in generation order, once.
  static std::vector<std::string> MatrixIdsIn(const std::string& collection) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const MatrixCase& x : cases_)
      if (x.collection == collection && x.expect_success && seen.insert(x.id).second)
        out.push_back(x.id);
    return out;
  }
  static std::string MatrixKeyOfId(const std::string& id) {
    for (const MatrixCase& x : cases_)
      if (x.id == id) return x.key;
    return id;
  }
  // What differs between `got` and `want`, by case key.
  static std::string MatrixDiff(const std::set<Version>& got, const std::set<Version>& want) {
    std::set<Version> extra, missing;
    std::set_difference(got.begin(), got.end(), want.begin(), want.end(),
                        std::inserter(extra, extra.end()));
    std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                        std::inserter(missing, missing.end()));
    return "revealed but not granted: " + DescribeIn(cases_, extra, 12) +
           "\n granted but missing: " + DescribeIn(cases_, missing, 12);
  }
  // DELETE by every reader on a generated set of its own (defined with the tests).
  static void CheckMatrixDeletes();
  static std::string MatrixAccess(const std::string& org, const std::string& collection) {
    return matrix_collections_.at(collection).access.at(org);
  }

  static inline TestHub* hub_ = nullptr;
  static inline json::object scenario_;
  static inline bool ready_ = false;
  // The client `user` reads and deletes with: a browser session (POST /api/v1/session, its cookie
  // and CSRF token) when scenario.json gives the user "credential": "session", else HTTP Basic or
  // Bearer as `bearer` says.
  static std::unique_ptr<HttpClient> Reader(const std::string& user, bool bearer = false) {
    if (user_credential_[user] == "session") return hub_->SessionClient(user);
    return hub_->Client(user, bearer);
  }

  // `method` on `path` through `user`'s credential (Reader), asking for JSON, with `body` (when
  // not null) sent as JSON: a row of the hand-written tables (accounts.json, incidents.json).
  static HttpResponse SendAs(const std::string& user, const std::string& method,
                             const std::string& path, const json::value* body) {
    auto client = Reader(user);
    client->SetAccept("application/json");
    std::vector<std::pair<std::string, std::string>> headers;
    std::string text;
    if (body != nullptr) {
      text = json::serialize(*body);
      headers.emplace_back("Content-Type", "application/json");
    }
    return client->Request(method, path, text, headers);
  }

  static inline std::map<std::string, std::string> user_credential_;
  static inline std::map<std::string, std::string> org_names_, identities_, user_org_, user_role_,
      collection_ids_;
  static inline std::map<std::string, std::string> collection_aliases_;  // key -> its alias
  static inline std::vector<Entry> entries_;
  static inline json::object matrix_;
  static inline std::map<std::string, MatrixCollection> matrix_collections_;
  static inline std::map<std::string, std::string> matrix_collection_ids_;
  static inline ReadRules rules_;
  static inline std::vector<MarkingClass> marking_classes_;
  static inline std::vector<std::string> object_classes_;
  static inline std::vector<MatrixCase> cases_;
  static inline int matrix_posts_ = 0;
  static inline bool matrix_posted_ = false;
  static inline std::vector<std::string> matrix_post_problems_;
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

// The (id, version) of each object of `tessera export --format ndjson`'s output, in order.
std::vector<Version> ExportedVersions(const std::string& ndjson) {
  std::vector<Version> out;
  for (size_t start = 0; start < ndjson.size();) {
    size_t end = ndjson.find('\n', start);
    if (end == std::string::npos) end = ndjson.size();
    if (end > start) {
      json::value o = json::parse(ndjson.substr(start, end - start));
      out.emplace_back(Str(o.at("id")), VersionOf(o));
    }
    start = end + 1;
  }
  return out;
}

// Each match[version] mode (none: the default, last) and each of `timestamps`, with the versions
// of `visible` it selects.
std::vector<std::pair<std::string, std::set<Version>>> VersionModes(
    const std::set<Version>& visible, const std::set<std::string>& timestamps) {
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
  return modes;
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
    auto client = Reader(user, /*bearer=*/user.size() % 2 == 0);
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
      const auto modes = VersionModes(visible, timestamps);
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

// Issue 17: renaming, disabling and deleting accounts, and creating tokens, join the matrix: each
// row of tests/data/authz/accounts.json (who, the request, the status written by hand from
// docs/admin.md) is sent through the user's own credential (token or browser session); a user
// another member may not see answers byte for byte as one that does not exist; the refused rows
// changed nothing (the table's `after` rows, read by the admin).
TEST_F(AuthzTest, AccountAdministrationFollowsTheTable) {
  const auto dir =
      std::filesystem::path(std::getenv("TESSERA_SOURCE_DIR") ? std::getenv("TESSERA_SOURCE_DIR")
                                                              : TESSERA_SOURCE_DIR_DEFAULT) /
      "tests/data/authz";
  const json::object table = json::parse(Slurp(dir / "accounts.json")).as_object();
  const json::array& rows = table.at("rows").as_array();
  ASSERT_GE(rows.size(), 40u) << "the table is what is checked: it must not shrink";
  for (const json::value& command : table.at("setup").as_array()) {
    std::vector<std::string> args;
    for (const json::value& a : command.as_array()) args.push_back(Str(a));
    hub_->Cli(args);
  }
  const auto send = &AuthzTest::SendAs;
  for (const json::value& v : rows) {
    const json::object& row = v.as_object();
    const std::string user = Str(row.at("user")), method = Str(row.at("method"));
    const std::string path = Str(row.at("path"));
    const json::value* body = row.if_contains("body");
    const std::string shown = user + " " + method + " " + path;
    HttpResponse r = send(user, method, path, body);
    EXPECT_EQ(r.status, row.at("status").as_int64()) << shown << ": " << r.body;
    if (row.contains("same_as_missing") && row.at("same_as_missing").as_bool()) {
      const std::string missing = path.substr(0, path.rfind('/') + 1) + "no-such-account-17";
      HttpResponse m = send(user, method, missing, body);
      EXPECT_EQ(m.status, r.status) << shown << " tells an account from a missing one";
      EXPECT_EQ(m.body, r.body) << shown << " tells an account from a missing one";
    }
  }
  auto admin = hub_->Client("admin");
  admin->SetAccept("application/json");
  for (const json::value& v : table.at("after").as_array()) {
    const std::string path = Str(v.at("path"));
    HttpResponse r = admin->Get(path);
    EXPECT_EQ(r.status, v.at("status").as_int64()) << "after the rows, " << path << ": " << r.body;
    if (v.as_object().contains("holds")) {
      EXPECT_NE(r.body.find(Str(v.at("holds"))), std::string::npos) << path << ": " << r.body;
    }
  }
}

// Issue 12: the incident routes join the matrix. Each row of tests/data/authz/incidents.json (who,
// the request, the status written by hand from docs/incidents.md) is sent through the user's own
// credential after the table's `create` opened an incident led by Alpha CSIRT; a user of an
// organization that does not take part gets, for the incident, byte for byte what it gets for an
// id nobody created (but for the id), and lists count nothing; the refused rows changed nothing.
TEST_F(AuthzTest, IncidentsFollowTheTable) {
  const auto dir =
      std::filesystem::path(std::getenv("TESSERA_SOURCE_DIR") ? std::getenv("TESSERA_SOURCE_DIR")
                                                              : TESSERA_SOURCE_DIR_DEFAULT) /
      "tests/data/authz";
  const json::object table = json::parse(Slurp(dir / "incidents.json")).as_object();
  const json::array& rows = table.at("rows").as_array();
  ASSERT_GE(rows.size(), 25u) << "the table is what is checked: it must not shrink";
  const auto send = &AuthzTest::SendAs;
  const json::object& create = table.at("create").as_object();
  HttpResponse made = send(Str(create.at("user")), "POST", "/api/v1/incidents", &create.at("body"));
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string id(made.Json().at("id").as_string());
  const std::string missing_id = "incident--00000000-0000-4000-8000-000000000012";
  auto with = [](std::string text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
    return text;
  };
  auto check = [&](const json::object& row, const HttpResponse& r, const std::string& shown) {
    EXPECT_EQ(r.status, row.at("status").as_int64()) << shown << ": " << r.body;
    if (row.contains("holds")) {
      EXPECT_NE(r.body.find(Str(row.at("holds"))), std::string::npos) << shown << ": " << r.body;
    }
    if (row.contains("count") && r.status == 200) {
      EXPECT_EQ(static_cast<int64_t>(r.Json().at("items").as_array().size()),
                row.at("count").as_int64())
          << shown << ": " << r.body;
    }
  };
  for (const json::value& v : rows) {
    const json::object& row = v.as_object();
    const std::string user = Str(row.at("user")), method = Str(row.at("method"));
    const std::string path = with(Str(row.at("path")), "{incident}", id);
    const json::value* body = row.if_contains("body");
    const std::string shown = user + " " + method + " " + path;
    HttpResponse r = send(user, method, path, body);
    check(row, r, shown);
    if (row.contains("same_as_missing") && row.at("same_as_missing").as_bool()) {
      HttpResponse m = send(user, method, with(path, id, missing_id), body);
      EXPECT_EQ(m.status, r.status) << shown << " tells an incident from a missing one";
      EXPECT_EQ(with(m.body, missing_id, id), r.body)
          << shown << " tells an incident from a missing one";
    }
  }
  for (const json::value& v : table.at("after").as_array()) {
    const json::object& row = v.as_object();
    const std::string path = with(Str(row.at("path")), "{incident}", id);
    check(row, send(Str(row.at("user")), "GET", path, nullptr), "after the rows, " + path);
  }
}

// The matrix's data checks need no hub: its cases are generated from the data files alone.
class AuthzMatrixData : public AuthzTest {
 protected:
  static void SetUpTestSuite() {
    LoadData();
    ReadMatrixCollections();
    GenerateMatrix();
  }
  static void TearDownTestSuite() {}
  void SetUp() override {}
};

// The generated matrix is data too: an emptied file, or one that lost an object class, a marking
// class or a collection, must fail here rather than let the matrix pass with less to check.
TEST_F(AuthzMatrixData, StillHoldsEveryDeclaredClass) {
  const auto& bounds = matrix_.at("bounds").as_object();
  size_t stored = 0, refused = 0;
  std::map<std::string, int> by_object_class, by_marking, by_collection, visible_to, providers;
  for (const MatrixCase& x : cases_) {
    if (!x.expect_success) {
      ++refused;
      continue;
    }
    ++stored;
    ++by_object_class[x.object_class];
    ++by_marking[x.marking];
    ++by_collection[x.collection];
    ++providers[x.provider];
    for (const auto& org : x.visible) ++visible_to[org];
  }
  EXPECT_GE(stored, static_cast<size_t>(bounds.at("min_cases").to_number<int64_t>()));
  EXPECT_GE(refused, static_cast<size_t>(bounds.at("min_refused").to_number<int64_t>()));
  EXPECT_GE(object_classes_.size(), 7u) << "matrix.json lost object classes";
  EXPECT_GE(marking_classes_.size(), 19u) << "matrix.json lost marking classes";
  EXPECT_GE(matrix_collections_.size(), 6u) << "matrix.json lost collections";
  EXPECT_EQ(rules_.RuleCount(), 9u) << "a rule for each TLP 1.0 and 2.0 level";
  for (const auto& oc : object_classes_)
    EXPECT_GT(by_object_class[oc], 0) << "no stored case of object class " << oc;
  for (const auto& m : marking_classes_)
    EXPECT_GT(by_marking[m.key], 0) << "no stored case of marking class " << m.key;
  for (const auto& [key, c] : matrix_collections_)
    EXPECT_GT(by_collection[key], 0) << "nothing stored in matrix collection " << key;
  for (const auto& [key, name] : scenario_.at("orgs").as_object()) {
    EXPECT_GT(visible_to[key], 0) << "nothing in the matrix visible to " << key;
    EXPECT_GT(providers[key], 0) << "nothing in the matrix provided by " << key;
  }
  EXPECT_GT(by_object_class["shared-sco"], 1) << "the shared SCO lost its shares";
  // Every TLP level decides some case alone, so a wrong rule cannot hide behind another.
  std::set<std::string> levels;
  for (const MatrixCase& x : cases_) {
    for (const auto& m : marking_classes_)
      if (m.key == x.marking)
        levels.insert(rules_.LevelOf(m.tlp, matrix_collections_.at(x.collection)));
  }
  EXPECT_EQ(levels.size(), 5u) << "the matrix does not reach every TLP 2.0 level";
}

// For every reader (each user of the scenario) and every matrix collection: discovery, the API
// root and the collection list; the objects list in every match[version] mode, by match[type]
// and by match[id]; the manifest; added_after; paging; and, for every object (each organization
// through one of its users in turn), the object and its versions. Then every page token of one
// reader replayed by every other reader; last, DELETE (CheckMatrixDeletes). Expected: the
// hand-written rules, nothing else.
TEST_F(AuthzTest, GeneratedMatrixEveryReaderSeesWhatTheRulesGrantAndDeletesOnlyWhatItMay) {
  EnsureMatrixPosted();
  const auto start = std::chrono::steady_clock::now();
  // Each POST of the matrix was answered as its cases expect (stored, or refused).
  for (const auto& problem : matrix_post_problems_) ADD_FAILURE() << problem;
  int requests = 0;
  // Users per organization, for the per-object checks (object i of a collection is checked by
  // user i % n of each organization).
  std::map<std::string, std::vector<std::string>> users_of;
  for (const auto& [user, org] : user_org_) users_of[org].push_back(user);
  // (reader's org, collection, id, version) -> date_added. Each organization's share of an
  // identical object is a copy of its own (store schema 4) with its own date_added, and a reader
  // is shown the copy it may see: readers of one organization see the same date_added, readers
  // of several organizations too unless the object has several copies (the shared SCO).
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::string> date_added;
  std::map<std::tuple<std::string, std::string, std::string>, std::string> date_added_any;
  std::set<std::string> several_copies;
  for (const MatrixCase& x : cases_)
    if (x.object_class == "shared-sco") several_copies.insert(x.id);
  // (collection, user) -> the first page's next token and the second page's versions.
  struct Page {
    std::string url, token;
    std::set<Version> second;
  };
  std::map<std::pair<std::string, std::string>, Page> pages;
  std::string discovery_body, api_root_body;
  const std::string q_all = "match%5Bversion%5D=all";

  for (const auto& [user, org] : user_org_) {
    SCOPED_TRACE("reader " + user + " (" + org + ")");
    auto client = Reader(user, /*bearer=*/user.size() % 2 == 1);
    const bool admin = user_role_[user] == "admin";
    const auto& mine = users_of[org];
    const size_t my_index = std::find(mine.begin(), mine.end(), user) - mine.begin();

    // Discovery and the API root: the same answer for every reader, naming the one API root.
    auto discovery = client->Get("/taxii2/");
    auto api_root = client->Get("/api/");
    requests += 2;
    ASSERT_EQ(discovery.status, 200) << discovery.body;
    ASSERT_EQ(api_root.status, 200) << api_root.body;
    const json::value dj = discovery.Json();
    ASSERT_TRUE(dj.is_object()) << discovery.body;
    const std::string root_url =
        "http://127.0.0.1:" + std::to_string(hub_->server().port()) + "/api/";
    EXPECT_EQ(Strings(dj.at("api_roots")), std::vector<std::string>{root_url}) << discovery.body;
    EXPECT_EQ(Str(dj.at("default")), root_url) << discovery.body;
    EXPECT_EQ(Strings(api_root.Json().at("versions")),
              std::vector<std::string>{"application/taxii+json;version=2.1"})
        << api_root.body;
    if (discovery_body.empty()) {
      discovery_body = discovery.body;
      api_root_body = api_root.body;
    }
    EXPECT_EQ(discovery.body, discovery_body) << "discovery differs between readers";
    EXPECT_EQ(api_root.body, api_root_body) << "the API root differs between readers";

    auto list = client->Get("/api/collections/");
    ++requests;
    ASSERT_EQ(list.status, 200) << list.body;
    std::map<std::string, json::object> listed;
    const json::value lj = list.Json();
    if (lj.as_object().contains("collections"))
      for (const auto& c : lj.at("collections").as_array()) listed[Str(c.at("id"))] = c.as_object();

    for (const auto& [ckey, mc] : matrix_collections_) {
      SCOPED_TRACE("matrix collection " + ckey);
      const std::string acc = MatrixAccess(org, ckey);
      const std::string cid = matrix_collection_ids_[ckey];
      const bool sees = !acc.empty() || admin;
      const bool can_read = acc.find('r') != std::string::npos;
      const bool can_write = acc.find('w') != std::string::npos && user_role_[user] != "read-only";
      const std::string base = MatrixCollectionUrl(ckey);
      const std::vector<std::string> ids = MatrixIdsIn(ckey);
      EXPECT_EQ(listed.count(cid), sees ? 1u : 0u) << list.body;
      if (sees && listed.count(cid)) {
        EXPECT_EQ(listed[cid].at("can_read").as_bool(), can_read);
        EXPECT_EQ(listed[cid].at("can_write").as_bool(), can_write);
      }
      if (!can_read) {
        const int code = sees ? 403 : 404;
        std::vector<std::string> urls = {base + "objects/", base + "manifest/"};
        for (size_t i = my_index; i < ids.size(); i += mine.size())
          urls.push_back(base + "objects/" + ids[i] + "/");
        for (const auto& url : urls) {
          auto r = client->Get(url);
          ++requests;
          EXPECT_EQ(r.status, code) << url << ": " << r.body;
          EXPECT_EQ(r.body.find("\"objects\""), std::string::npos) << url << ": " << r.body;
        }
        continue;
      }
      const std::set<Version> visible = MatrixVisibleTo(org, ckey);

      // Pages through `url` (which has a '?'), each version once; the first page's next token
      // and the second page are kept for the replay below.
      auto page_all = [&](const std::string& url, bool keep) {
        std::vector<Version> got;
        std::string next_url = url;
        for (int page = 0; page < 200; ++page) {
          auto r = client->Get(next_url);
          ++requests;
          auto v = ObjectsOf(r);
          if (r.status != 200) break;
          if (keep && page == 1) pages[{ckey, user}].second = {v.begin(), v.end()};
          got.insert(got.end(), v.begin(), v.end());
          const json::object body = r.Json().as_object();
          if (!(body.contains("more") && body.at("more").as_bool())) {
            EXPECT_FALSE(body.contains("next")) << next_url;
            break;
          }
          EXPECT_FALSE(v.empty()) << "an empty page that says more: " << next_url;
          if (!body.contains("next")) {
            ADD_FAILURE() << "more without next: " << next_url;
            break;
          }
          if (keep && page == 0) pages[{ckey, user}] = {url, Str(body.at("next")), {}};
          next_url = url + "&next=" + Q(Str(body.at("next")));
        }
        std::set<Version> s(got.begin(), got.end());
        EXPECT_EQ(s.size(), got.size()) << "a version came twice: " << url;
        return s;
      };

      // The manifest: each visible (id, version) once, with its date_added (an SCO's version
      // is its date_added).
      {
        std::vector<Version> got;
        std::string url = base + "manifest/?" + q_all + "&limit=400";
        for (int page = 0; page < 100; ++page) {
          auto r = client->Get(url);
          ++requests;
          ASSERT_EQ(r.status, 200) << url << ": " << r.body;
          const json::value mj = r.Json();
          ASSERT_TRUE(mj.is_object()) << r.body;
          if (mj.as_object().contains("objects"))
            for (const auto& m : mj.at("objects").as_array()) {
              const std::string id = Str(m.at("id"));
              std::string version = Str(m.at("version"));
              const std::string added = Str(m.at("date_added"));
              if (IsSco(id)) {
                EXPECT_EQ(Instant(version), Instant(added))
                    << "an SCO's manifest version is its date_added";
                version.clear();
              }
              got.emplace_back(id, version);
              auto key = std::make_tuple(org, ckey, id, version);
              if (date_added.count(key)) {
                EXPECT_EQ(date_added[key], added)
                    << id << ": date_added differs between readers of one organization";
              }
              date_added[key] = added;
              auto any = std::make_tuple(ckey, id, version);
              if (date_added_any.count(any) && !several_copies.count(id)) {
                EXPECT_EQ(date_added_any[any], added)
                    << id << ": date_added differs between readers";
              }
              date_added_any[any] = added;
            }
          if (!(mj.as_object().contains("more") && mj.at("more").as_bool())) break;
          ASSERT_TRUE(mj.as_object().contains("next")) << r.body;
          url = base + "manifest/?" + q_all + "&limit=400&next=" + Q(Str(mj.at("next")));
        }
        const std::set<Version> got_set(got.begin(), got.end());
        EXPECT_EQ(got_set.size(), got.size()) << "a manifest entry came twice";
        EXPECT_EQ(got_set, visible) << "manifest: " << MatrixDiff(got_set, visible);
      }

      // Every match[version] mode, and each version timestamp the collection holds.
      std::set<std::string> timestamps;
      for (const MatrixCase& x : cases_)
        if (x.collection == ckey && !x.modified.empty()) timestamps.insert(x.modified);
      const auto modes = VersionModes(visible, timestamps);
      for (const auto& [mode, want] : modes) {
        const std::string url =
            base + "objects/?limit=1000" + (mode.empty() ? "" : "&match%5Bversion%5D=" + Q(mode));
        const std::set<Version> got = page_all(url, /*keep=*/false);
        EXPECT_EQ(got, want) << url << "\n " << MatrixDiff(got, want);
      }
      // match[type], each type the matrix posts (a new object class joins by itself).
      std::set<std::string> types;
      for (const MatrixCase& x : cases_) types.insert(x.id.substr(0, x.id.find("--")));
      for (const std::string& type : types) {
        std::set<Version> want;
        for (const auto& v : visible)
          if (v.first.rfind(type + "--", 0) == 0) want.insert(v);
        const std::string url = base + "objects/?" + q_all + "&limit=1000&match%5Btype%5D=" + type;
        const std::set<Version> got = page_all(url, false);
        EXPECT_EQ(got, want) << url << "\n " << MatrixDiff(got, want);
      }
      // match[id], 50 ids of the collection at a time, visible or not.
      for (size_t i = 0; i < ids.size(); i += 50) {
        std::vector<std::string> some(ids.begin() + i, ids.begin() + std::min(ids.size(), i + 50));
        const std::set<std::string> asked(some.begin(), some.end());
        std::set<Version> want;
        for (const auto& v : visible)
          if (asked.count(v.first)) want.insert(v);
        const std::string url =
            base + "objects/?" + q_all + "&limit=1000&match%5Bid%5D=" + Join(some, "%2C");
        const std::set<Version> got = page_all(url, false);
        EXPECT_EQ(got, want) << "match[id] from " << some.front() << "\n " << MatrixDiff(got, want);
      }
      // Paging 40 at a time, and added_after at the median date_added of what this reader sees.
      {
        const std::string url = base + "objects/?" + q_all + "&limit=40";
        const std::set<Version> got = page_all(url, /*keep=*/true);
        EXPECT_EQ(got, visible) << "paged: " << MatrixDiff(got, visible);
        std::vector<std::string> dates;
        for (const auto& v : visible) {
          auto it = date_added.find(std::make_tuple(org, ckey, v.first, v.second));
          if (it != date_added.end()) dates.push_back(it->second);
        }
        std::sort(dates.begin(), dates.end());
        if (!dates.empty()) {
          const std::string cut = dates[dates.size() / 2];
          std::set<Version> want;
          for (const auto& v : visible)
            if (date_added[std::make_tuple(org, ckey, v.first, v.second)] > cut) want.insert(v);
          const std::string after = base + "objects/?" + q_all + "&limit=40&added_after=" + Q(cut);
          const std::set<Version> got_after = page_all(after, false);
          EXPECT_EQ(got_after, want) << after << "\n " << MatrixDiff(got_after, want);
        }
      }
      // Every object of the collection, through one user of each organization in turn.
      for (size_t i = my_index; i < ids.size(); i += mine.size()) {
        const std::string& id = ids[i];
        std::set<Version> own;
        for (const auto& v : visible)
          if (v.first == id) own.insert(v);
        // Every other object asks for all its versions, the rest for the default (the last).
        const bool every_version = (i / mine.size()) % 2 == 0;
        const std::string url = base + "objects/" + id + "/";
        auto one = client->Get(url + (every_version ? "?" + q_all : ""));
        ++requests;
        if (own.empty()) {
          EXPECT_EQ(one.status, 404) << url << " (" << MatrixKeyOfId(id) << ") must not exist for "
                                     << user << ": " << one.body;
        } else {
          auto got = ObjectsOf(one);
          EXPECT_EQ(std::set<Version>(got.begin(), got.end()),
                    every_version ? own : Select(own, "last"))
              << url << (every_version ? "?match[version]=all" : "");
        }
        // The version list of the other half (and of every object with several versions).
        if (every_version && own.size() < 2) continue;
        auto versions = client->Get(url + "versions/");
        ++requests;
        if (own.empty()) {
          EXPECT_EQ(versions.status, 404) << url << "versions/";
          EXPECT_EQ(versions.body.find("\"versions\""), std::string::npos) << versions.body;
          continue;
        }
        EXPECT_EQ(versions.status, 200) << url << "versions/: " << versions.body;
        if (versions.status != 200) continue;
        std::vector<std::string> want_versions;
        for (const auto& v : own) want_versions.push_back(v.second);
        const auto got_versions = Strings(versions.Json().at("versions"));
        if (IsSco(id)) {
          EXPECT_EQ(got_versions.size(), 1u) << url << "versions/: " << versions.body;
        } else {
          EXPECT_EQ(got_versions, want_versions) << url << "versions/";
        }
      }
    }
  }

  // A page token obtained by one reader, replayed by every other reader on the same listing:
  // another organization's reader gets 400 and no objects; a reader of the same organization
  // gets the page the first reader got; one who cannot read the collection gets its 403/404.
  int replays = 0;
  for (const auto& [where, page] : pages) {
    const auto& [ckey, owner] = where;
    for (const auto& [user, org] : user_org_) {
      if (user == owner) continue;
      SCOPED_TRACE(user + " replays " + owner + "'s token on " + ckey);
      auto r = hub_->Client(user)->Get(page.url + "&next=" + Q(page.token));
      ++requests, ++replays;
      const std::string acc = MatrixAccess(org, ckey);
      if (acc.find('r') == std::string::npos) {
        EXPECT_EQ(r.status, acc.empty() && user_role_[user] != "admin" ? 404 : 403) << r.body;
        EXPECT_EQ(r.body.find("\"objects\""), std::string::npos) << r.body;
      } else if (org != user_org_[owner]) {
        EXPECT_EQ(r.status, 400) << "another organization's token: " << r.body;
        EXPECT_EQ(r.body.find("\"objects\""), std::string::npos)
            << "another organization's token revealed objects: " << r.body;
      } else {
        auto got = ObjectsOf(r);
        const std::set<Version> got_set(got.begin(), got.end());
        EXPECT_EQ(got_set, page.second) << MatrixDiff(got_set, page.second);
      }
    }
  }
  EXPECT_GT(replays, 0) << "no reader had a second page to replay";
  {
    SCOPED_TRACE("DELETE");
    CheckMatrixDeletes();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("requests", requests);
  std::cerr << "generated matrix: " << cases_.size() << " cases, " << matrix_posts_ << " posts, "
            << requests << " requests checked in " << seconds << " s\n";
}

// DELETE on every (reader, object) of a generated set of its own (so that deleting leaves the
// matrix the other tests read alone). docs/taxii.md "Deleting": it needs read and write access
// to the collection and a role that writes (403), an object the reader can see (404 otherwise),
// and every version it would delete provided by the reader's organization unless the reader is
// an admin (403, nothing deleted). Every refusal is tried first and must change nothing; then
// one allowed reader deletes each object, which removes exactly the versions it could see.
// (Run at the end of the matrix test, in its process: a hub set-up of its own would double the
// matrix's time under ASan.)
void AuthzTest::CheckMatrixDeletes() {
  std::vector<MarkingClass> markings;
  for (const MarkingClass& m : marking_classes_)
    if (m.key == "none" || m.key == "clear" || m.key == "red" || m.key == "amber+recipients" ||
        m.key == "green+group")
      markings.push_back(m);
  ASSERT_EQ(markings.size(), 5u) << "matrix.json lost a marking class this test deletes";
  const std::vector<MatrixCase> set =
      Generate("delete/", {"indicator", "ipv4-addr", "versions"}, markings, 20000);
  for (const auto& problem : PostCases(set)) ADD_FAILURE() << problem;

  // The objects: (collection, id) -> its stored versions.
  std::map<std::pair<std::string, std::string>, std::vector<const MatrixCase*>> objects;
  for (const MatrixCase& x : set)
    if (x.expect_success) objects[{x.collection, x.id}].push_back(&x);
  // The answer the rules give to `user` deleting the versions `filter` selects ("": all).
  auto expected = [&](const std::string& user, const std::vector<const MatrixCase*>& versions,
                      const std::string& filter) {
    const std::string org = user_org_[user];
    const std::string acc = MatrixAccess(org, versions.front()->collection);
    const bool admin = user_role_[user] == "admin";
    if (acc.empty() && !admin) return 404;
    if (acc != "rw" || user_role_[user] == "read-only") return 403;
    bool any = false;
    for (const MatrixCase* v : versions) {
      if (!v->visible.count(org) || (!filter.empty() && v->modified != filter)) continue;
      any = true;
      if (!admin && v->provider != org) return 403;
    }
    return any ? 200 : 404;
  };
  auto url_of = [&](const std::vector<const MatrixCase*>& versions, const std::string& filter) {
    return MatrixCollectionUrl(versions.front()->collection) + "objects/" + versions.front()->id +
           "/" + (filter.empty() ? "" : "?match%5Bversion%5D=" + Q(filter));
  };
  // What the operator's export holds of this set.
  auto stored = [&]() {
    const auto versions = ExportedVersions(hub_->Cli({"export", "--format", "ndjson"}).out);
    return std::set<Version>(versions.begin(), versions.end());
  };
  std::map<std::string, std::unique_ptr<HttpClient>> clients;
  for (const auto& [user, org] : user_org_) clients[user] = Reader(user);

  // Every refusal, with and without a version filter; none may change anything.
  int refused = 0, deleted = 0;
  for (const auto& [where, versions] : objects) {
    std::vector<std::string> filters = {""};
    if (versions.size() > 1)
      for (const MatrixCase* v : versions) filters.push_back(v->modified);
    for (const auto& [user, org] : user_org_)
      for (const auto& filter : filters) {
        const int code = expected(user, versions, filter);
        if (code == 200) continue;
        auto r = clients[user]->Delete(url_of(versions, filter));
        ++refused;
        EXPECT_EQ(r.status, code) << user << " deletes " << versions.front()->key << " " << filter
                                  << ": " << r.body;
      }
  }
  auto after_refusals = stored();
  for (const MatrixCase& x : set)
    EXPECT_EQ(after_refusals.count({x.id, x.modified}), x.expect_success ? 1u : 0u)
        << x.key << (x.expect_success ? ": gone after refused deletes" : ": refused but stored");

  // One allowed reader per object (in turn among those allowed) deletes it: whole, or, where no
  // one may delete every version it sees (a relayed version), its own version only.
  std::set<Version> gone;
  std::map<std::string, int> deleters;
  size_t k = 0;
  for (const auto& [where, versions] : objects) {
    for (const std::string& filter : {std::string(), versions.front()->modified}) {
      std::vector<std::string> allowed;
      for (const auto& [user, org] : user_org_)
        if (expected(user, versions, filter) == 200) allowed.push_back(user);
      if (allowed.empty()) continue;
      const std::string user = allowed[k++ % allowed.size()];
      auto r = clients[user]->Delete(url_of(versions, filter));
      ++deleted, ++deleters[user];
      EXPECT_EQ(r.status, 200) << user << " deletes " << versions.front()->key << " " << filter
                               << ": " << r.body;
      for (const MatrixCase* v : versions)
        if (v->visible.count(user_org_[user]) && (filter.empty() || v->modified == filter))
          gone.emplace(v->id, v->modified);
      auto again = clients[user]->Get(url_of(versions, "") + "?match%5Bversion%5D=all");
      if (again.status != 404) {
        for (const auto& v : ObjectsOf(again)) {
          EXPECT_EQ(gone.count(v), 0u) << versions.front()->key << " still shows " << v.second;
        }
      }
      break;
    }
  }
  auto after = stored();
  for (const MatrixCase& x : set) {
    if (!x.expect_success) continue;
    const bool should_be_gone = gone.count({x.id, x.modified}) > 0;
    EXPECT_EQ(after.count({x.id, x.modified}), should_be_gone ? 0u : 1u)
        << x.key << (should_be_gone ? ": deleted but still stored" : ": deleted with another");
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(deleted, 0);
  for (const char* user : {"admin", "alpha-analyst", "alpha-orgadmin", "bravo-sync"})
    EXPECT_GT(deleters[user], 0) << user << " never deleted anything: the set lost a case";
  std::cerr << "generated deletes: " << objects.size() << " objects, " << refused
            << " refused deletes, " << deleted << " deletes\n";
}

// #10.2: `tessera export --as NAME` writes exactly what TAXII shows that member: for every user
// and every organization of the scenario, the versions (id, modified) of the export equal the
// union of what TAXII lists to the member in each collection it can read, and hold every version
// the table grants it. Nothing it may not read, nothing twice.
TEST_F(AuthzTest, ExportAsAMemberWritesWhatTaxiiShowsIt) {
  EnsureMatrixPosted();
  for (const auto& problem : matrix_post_problems_) ADD_FAILURE() << problem;
  auto taxii_view = [](const std::string& user) { return TaxiiView(user); };
  auto exported = [&](const std::string& as, int expect_exit) {
    auto r = hub_->Cli({"export", "--as", as, "--format", "ndjson"}, expect_exit);
    return ExportedVersions(r.out);
  };
  size_t checked = 0, matrix_versions = 0;
  for (const auto& [user, org] : user_org_) {
    SCOPED_TRACE("export --as " + user);
    const std::set<Version> shown = taxii_view(user);
    std::set<Version> granted;
    for (const auto& [ckey, cid] : collection_ids_) {
      const std::string acc = Str(scenario_.at("collection_access").at(org).at(ckey));
      if (acc.find('r') == std::string::npos) continue;
      for (const auto& v : VisibleTo(org, ckey)) granted.insert(v);
    }
    for (const auto& [ckey, mc] : matrix_collections_)
      for (const auto& v : MatrixVisibleTo(org, ckey)) granted.insert(v);
    const auto as_user = exported(user, shown.empty() ? 1 : 0);
    const std::set<Version> as_user_set(as_user.begin(), as_user.end());
    EXPECT_EQ(as_user_set.size(), as_user.size()) << "a version written twice";
    EXPECT_EQ(as_user_set, shown) << "export: " << Describe(as_user_set)
                                  << "\n taxii: " << Describe(shown);
    EXPECT_TRUE(std::includes(shown.begin(), shown.end(), granted.begin(), granted.end()))
        << "taxii: " << Describe(shown) << "\n table: " << Describe(granted);
    // The generated matrix's part of the export: exactly what its rules grant.
    std::set<Version> exported_matrix, granted_matrix;
    for (const MatrixCase& x : cases_) {
      const Version v(x.id, x.modified);
      if (as_user_set.count(v)) exported_matrix.insert(v);
      if (granted.count(v) && x.expect_success) granted_matrix.insert(v);
    }
    EXPECT_EQ(exported_matrix, granted_matrix) << MatrixDiff(exported_matrix, granted_matrix);
    matrix_versions += granted_matrix.size();
    // The organization's view is its users' view (every role reads the same rows).
    const auto as_org = exported("org:" + org_names_[org], shown.empty() ? 1 : 0);
    EXPECT_EQ(std::set<Version>(as_org.begin(), as_org.end()), shown);
    ++checked;
  }
  EXPECT_GE(checked, 9u) << "the scenario lost its users";
  EXPECT_GT(matrix_versions, 0u) << "the export saw nothing of the generated matrix";
  // The operator's view (no --as, the default) holds every stored version; an unknown member is
  // refused.
  auto operator_run = hub_->Cli({"export", "--format", "ndjson"});
  for (const Entry& e : entries_) {
    if (!e.expect_success) continue;
    EXPECT_NE(operator_run.out.find("\"authz " + e.key + "\""), std::string::npos) << e.key;
  }
  // ... every stored case of the matrix, and none of its refused versions (a refused write lands
  // nowhere, in no collection).
  std::set<Version> stored;
  for (const auto& v : ExportedVersions(operator_run.out)) stored.insert(v);
  for (const MatrixCase& x : cases_)
    EXPECT_EQ(stored.count(Version(x.id, x.modified)), x.expect_success ? 1u : 0u)
        << x.key
        << (x.expect_success ? " was acknowledged but is not stored"
                             : " was refused but is stored");
  hub_->Cli({"export", "--as", "nobody-here"}, 1);
}

// Search (GET/POST /api/v1/search) is one more way to read: each member searching every value
// the scenario's and the matrix's objects name (observable values, the indicators' pattern
// values) finds only objects TAXII shows it, and among them every object that holds the value
// itself (the observable, the indicator naming it). What it may not read is not found.
TEST_F(AuthzTest, SearchAsAMemberFindsOnlyWhatTaxiiShowsIt) {
  EnsureMatrixPosted();
  for (const auto& problem : matrix_post_problems_) ADD_FAILURE() << problem;
  // value -> the versions of the objects that hold it themselves.
  std::map<std::string, std::set<Version>> holders;
  auto holds = [&](const json::object& o, const std::string& modified) {
    const Version version(Str(o.at("id")), modified);
    if (o.contains("value")) holders[Str(o.at("value"))].insert(version);
    if (o.contains("pattern")) {
      const std::string pattern = Str(o.at("pattern"));
      const size_t open = pattern.find("= '");
      const size_t close = pattern.rfind('\'');
      if (open != std::string::npos && close > open + 3)
        holders[pattern.substr(open + 3, close - open - 3)].insert(version);
    }
  };
  for (const Entry& e : entries_) holds(MakeObject(e), e.modified);
  for (const MatrixCase& x : cases_) holds(x.object, x.modified);
  json::array values;
  for (const auto& [value, ids] : holders) values.emplace_back(value);
  ASSERT_GT(values.size(), 10u);
  ASSERT_LE(values.size(), 10000u);
  const std::string body = json::serialize(json::object{{"values", values}});
  size_t found_somewhere = 0, checked = 0;
  std::map<std::string, std::set<std::string>> finders;  // value -> the users that found it
  for (const auto& [user, org] : user_org_) {
    SCOPED_TRACE("search as " + user + " (" + org + ")");
    const std::set<Version> shown = TaxiiView(user);
    std::set<std::string> shown_ids;
    for (const auto& [id, version] : shown) shown_ids.insert(id);
    auto client = Reader(user);
    auto r = client->Post("/api/v1/search", body, {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 200) << r.body;
    const json::value answer = r.Json();
    const json::array& results = answer.at("results").as_array();
    ASSERT_EQ(results.size(), values.size());
    for (size_t i = 0; i < results.size(); ++i) {
      const json::object& result = results[i].as_object();
      const std::string value = Str(values[i]);
      EXPECT_EQ(Str(result.at("value")), value);
      std::set<std::string> hit_ids;
      for (const char* part : {"hits", "related"}) {
        if (!result.contains(part)) continue;
        for (const auto& h : result.at(part).as_array()) {
          const std::string id = Str(h.at("id"));
          hit_ids.insert(id);
          EXPECT_TRUE(shown_ids.count(id))
              << value << ": " << part << " " << id << " is not readable by " << user;
          ++checked;
        }
      }
      for (const Version& v : holders.at(value)) {
        if (shown.count(v)) {
          EXPECT_TRUE(hit_ids.count(v.first))
              << value << ": " << v.first << " (" << v.second << ") is readable but not found";
        }
      }
      if (hit_ids.empty()) {
        EXPECT_EQ(result.at("found"), false) << value;
      } else {
        ++found_somewhere;
        finders[value].insert(user);
      }
    }
  }
  EXPECT_GT(found_somewhere, 0u);
  // The data holds values that some members find and others may not: the check above had
  // something to refuse.
  size_t partly_hidden = 0;
  for (const auto& [value, users] : finders) partly_hidden += users.size() < user_org_.size();
  EXPECT_GT(partly_hidden, 10u);
  RecordProperty("search_hits_checked", static_cast<int>(checked));
}

// The graph of an object (GET /api/v1/objects/{id}/related) is one more way to read: for each
// member and each object of the scenario and the matrix, every edge and node it answers is an
// object TAXII shows the member; an object it may not read answers as one nobody stored (empty);
// every relationship and sighting TAXII shows it that refers to a readable object is among that
// object's edges, and the nodes are exactly the readable other ends of the edges answered.
TEST_F(AuthzTest, RelatedAsAMemberAnswersOnlyWhatTaxiiShowsIt) {
  EnsureMatrixPosted();
  std::set<std::string> ids;
  std::vector<std::pair<Version, json::object>> objects;  // every version posted
  for (const Entry& e : entries_) {
    ids.insert(e.id);
    objects.emplace_back(Version(e.id, e.modified), MakeObject(e));
  }
  for (const MatrixCase& x : cases_) {
    if (!x.expect_success) continue;
    ids.insert(x.id);
    objects.emplace_back(Version(x.id, x.modified), x.object);
  }
  // The ids an edge's object refers to.
  const auto ends_of = [](const json::object& o) {
    std::set<std::string> ends;
    for (const char* p : {"source_ref", "target_ref", "sighting_of_ref"}) {
      if (o.contains(p)) ends.insert(Str(o.at(p)));
    }
    for (const char* p : {"observed_data_refs", "where_sighted_refs"}) {
      if (!o.contains(p)) continue;
      for (const auto& r : o.at(p).as_array()) ends.insert(Str(r));
    }
    return ends;
  };
  size_t edges_checked = 0, hidden_checked = 0;
  for (const auto& [user, org] : user_org_) {
    SCOPED_TRACE("related as " + user + " (" + org + ")");
    const std::set<Version> shown = TaxiiView(user);
    std::set<std::string> shown_ids;
    for (const auto& [id, version] : shown) shown_ids.insert(id);
    // id -> the relationships and sightings TAXII shows the user that refer to it.
    std::map<std::string, std::set<std::string>> pointing;
    for (const auto& [version, o] : objects) {
      const std::string type = Str(o.at("type"));
      if ((type != "relationship" && type != "sighting") || !shown.count(version)) continue;
      for (const std::string& end : ends_of(o)) {
        if (end != version.first) pointing[end].insert(version.first);
      }
    }
    auto client = Reader(user);
    for (const std::string& id : ids) {
      auto r = client->Get("/api/v1/objects/" + id + "/related");
      ASSERT_EQ(r.status, 200) << id << ": " << r.body;
      const json::value answer = r.Json();
      std::set<std::string> edge_ids, node_ids, expected_nodes;
      for (const auto& e : answer.at("edges").as_array()) {
        const std::string eid = Str(e.at("id"));
        edge_ids.insert(eid);
        EXPECT_TRUE(shown_ids.count(eid)) << id << ": edge " << eid << " is not readable";
        for (const std::string& end : ends_of(e.at("object").as_object())) {
          if (end != id && shown_ids.count(end)) expected_nodes.insert(end);
        }
        ++edges_checked;
      }
      for (const auto& n : answer.at("nodes").as_array()) {
        const std::string nid = Str(n.at("id"));
        node_ids.insert(nid);
        EXPECT_TRUE(shown_ids.count(nid)) << id << ": node " << nid << " is not readable";
      }
      if (!shown_ids.count(id)) {
        EXPECT_EQ(answer, json::parse(R"({"id": ")" + id +
                                      R"(", "edges": [], "nodes": [], "truncated": false})"))
            << id << " is not readable, yet answered";
        ++hidden_checked;
        continue;
      }
      if (answer.at("truncated").as_bool()) continue;
      EXPECT_EQ(node_ids, expected_nodes) << id;
      for (const std::string& edge : pointing[id]) {
        EXPECT_TRUE(edge_ids.count(edge)) << id << ": " << edge << " is readable but no edge";
      }
    }
  }
  EXPECT_GT(edges_checked, 0u);
  EXPECT_GT(hidden_checked, 0u);
  RecordProperty("related_edges_checked", static_cast<int>(edges_checked));
}

// The sharing preview (POST /api/v1/collections/{id}/audience) tells a member no more than the
// directory does: for each member, each scenario collection and each TLP, it answers 404 for a
// collection the member cannot see and 403 for one it may not write; otherwise it names the
// organizations the TLP rules of docs/hub.md give (its own; the collection's readers; the
// audience group), except those reached only through a sharing group the member's organization
// is not in, which are only counted in `others`. Expectations from scenario.json, not policy code.
TEST_F(AuthzTest, AudiencePreviewTellsAMemberNoMoreThanTheDirectory) {
  const json::object& groups = scenario_.at("groups").as_object();
  const auto in_group = [&](const std::string& org, const std::string& group) {
    for (const auto& m : groups.at(group).as_array())
      if (Str(m) == org) return true;
    return false;
  };
  size_t checked = 0, counted_not_named = 0;
  for (const auto& [user, org] : user_org_) {
    SCOPED_TRACE("audience preview as " + user + " (" + org + ")");
    const bool admin = user_role_[user] == "admin";
    auto client = Reader(user);
    for (const auto& [ckey, cid] : collection_ids_) {
      const std::string acc = Str(scenario_.at("collection_access").at(org).at(ckey));
      const json::object* c = scenario_.at("collections").at(ckey).if_object();
      for (const char* tlp : {"clear", "green", "amber", "amber+strict", "red"}) {
        auto r = client->Post("/api/v1/collections/" + cid + "/audience",
                              std::string(R"({"tlp": ")") + tlp + "\"}",
                              {{"Content-Type", "application/json"}});
        if (acc.empty() && !admin) {
          EXPECT_EQ(r.status, 404) << ckey << ": " << r.body;
          continue;
        }
        if (acc.find('w') == std::string::npos || user_role_[user] == "read-only") {
          EXPECT_EQ(r.status, 403) << ckey << ": " << r.body;
          continue;
        }
        ASSERT_EQ(r.status, 200) << ckey << " " << tlp << ": " << r.body;
        // org key -> whether the member may be told (reached through a path it sees).
        std::map<std::string, bool> reached{{org, true}};
        const auto reach = [&](const std::string& o, bool told) {
          bool& t = reached[o];
          t = t || told;
        };
        const auto reach_group = [&](const std::string& g) {
          for (const auto& m : groups.at(g).as_array()) reach(Str(m), admin || in_group(org, g));
        };
        const auto reach_readers = [&] {
          const json::value* readers = c ? c->if_contains("readers") : nullptr;
          if (readers == nullptr || readers->is_string()) {  // "all", and the default collection
            for (const auto& [k, name] : org_names_) reach(k, true);
            return;
          }
          for (const auto& x : readers->as_array()) {
            const std::string s = Str(x);
            if (s.rfind("group:", 0) == 0) {
              reach_group(s.substr(6));
            } else {
              reach(s, true);
            }
          }
        };
        const std::string level(tlp);
        const json::value* audience = c ? c->if_contains("audience") : nullptr;
        if (level == "clear") {
          reach_readers();
        } else if (level != "red") {
          if (audience != nullptr) {
            reach_group(Str(*audience));
          } else {
            reach_readers();
          }
        }
        std::set<std::string> named, expected;
        size_t others = 0;
        for (const auto& [k, told] : reached) {
          if (told) {
            expected.insert(org_names_[k]);
          } else {
            ++others;
          }
        }
        const json::value answer = r.Json();
        for (const auto& o : answer.at("organizations").as_array()) named.insert(Str(o.at("name")));
        EXPECT_EQ(named, expected) << ckey << " " << tlp;
        EXPECT_EQ(answer.at("others").as_int64(), static_cast<int64_t>(others))
            << ckey << " " << tlp;
        counted_not_named += others;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 20u);
  EXPECT_GT(counted_not_named, 0u) << "the scenario has no group a writer is not in";
}

// Collection aliases (scenario.json "alias_paths"): every TAXII path and admin path that takes a
// collection answers by alias exactly as by id, and where the user cannot see the collection,
// exactly as for an alias nobody uses (same status, same body but for the name asked): an alias
// leaks no collection's existence.
TEST_F(AuthzTest, AliasesAnswerAsTheIdDoesAndUnseenOnesAsNamesNobodyUses) {
  const json::object& spec = scenario_.at("alias_paths").as_object();
  const std::string unused = Str(spec.at("unused_alias"));
  ASSERT_FALSE(collection_aliases_.empty()) << "scenario.json gives no collection an alias";
  // `body` with every `name` in it replaced by "NAME" (the 404 says which name was asked).
  const auto without = [](std::string body, const std::string& name) {
    for (size_t at = body.find(name); at != std::string::npos; at = body.find(name, at + 4))
      body.replace(at, name.size(), "NAME");
    return body;
  };
  size_t same_as_id = 0, same_as_unused = 0, admin_checked = 0;
  for (const auto& [user, org] : user_org_) {
    auto client = Reader(user);
    for (const auto& [ckey, alias] : collection_aliases_) {
      SCOPED_TRACE(user + " (" + org + ") on " + ckey + " as '" + alias + "'");
      const std::string cid = collection_ids_[ckey];
      const std::set<std::string> ids = IdsIn(ckey);
      const std::string object =
          ids.empty() ? MatrixId("indicator", "alias-no-object") : *ids.begin();
      const bool unseen = client->Get("/api/collections/" + cid + "/").status == 404;
      for (const auto& t : spec.at("taxii").as_array()) {
        std::string path = Str(t);
        if (const size_t at = path.find("{object}"); at != std::string::npos)
          path.replace(at, 8, object);
        SCOPED_TRACE("GET .../collections/{c}/" + path);
        auto by_id = client->Get("/api/collections/" + cid + "/" + path);
        auto by_alias = client->Get("/api/collections/" + alias + "/" + path);
        EXPECT_EQ(by_alias.status, by_id.status) << by_alias.body;
        if (unseen) {
          auto by_unused = client->Get("/api/collections/" + unused + "/" + path);
          EXPECT_EQ(by_alias.status, by_unused.status);
          EXPECT_EQ(without(by_alias.body, alias), without(by_unused.body, unused));
          ++same_as_unused;
          continue;
        }
        if (by_id.status != 200 || by_alias.status != 200) continue;
        if (path.empty()) {
          EXPECT_EQ(by_alias.Json(), by_id.Json()) << "the collection's document, its real id";
          EXPECT_EQ(Str(by_alias.Json().at("id")), cid);
        } else {
          const auto a = ObjectsOf(by_alias), b = ObjectsOf(by_id);
          EXPECT_EQ(std::set<Version>(a.begin(), a.end()), std::set<Version>(b.begin(), b.end()));
        }
        ++same_as_id;
      }
      for (const auto& r : spec.at("admin").as_array()) {
        const std::string method = Str(r.at("method"));
        const std::string body = r.as_object().contains("body") ? Str(r.at("body")) : "";
        const auto ask = [&](const std::string& name) {
          std::string path = Str(r.at("path"));
          path.replace(path.find("{c}"), 3, name);
          return client->Request(method, path, body, {{"Content-Type", "application/json"}});
        };
        SCOPED_TRACE(method + " " + Str(r.at("path")));
        auto by_id = ask(cid), by_alias = ask(alias), by_unused = ask(unused);
        EXPECT_EQ(by_alias.status, by_id.status) << by_alias.body;
        if (by_id.status == 404) {
          EXPECT_EQ(by_alias.status, by_unused.status);
          EXPECT_EQ(without(by_alias.body, alias), without(by_unused.body, unused));
        }
        if (method == "GET" && by_alias.status == 200) {
          EXPECT_EQ(Str(by_alias.Json().at("id")), cid);
          EXPECT_EQ(Str(by_alias.Json().at("alias")), alias);
        }
        ++admin_checked;
      }
    }
  }
  EXPECT_GT(same_as_id, 20u) << "too few readable collections by alias";
  EXPECT_GT(same_as_unused, 5u) << "the scenario hides no aliased collection from anyone";
  EXPECT_GT(admin_checked, 20u);
}

// Full-text search is one more way to read: each member searching the word of each scenario
// object's description finds only objects TAXII shows it, and the object itself when the newest
// version TAXII shows it holds the word; the word of an object it may not read (another
// organization's RED one among them) is answered exactly as a word nobody used. A producer
// filter naming an organization none of whose objects it reads answers as an unknown name.
TEST_F(AuthzTest, FullTextAsAMemberFindsOnlyWhatTaxiiShowsIt) {
  EnsureMatrixPosted();
  std::map<std::string, std::set<Version>>
      holders;                      // word -> the versions whose description has it
  std::map<std::string, bool> red;  // word -> one of its objects is TLP:RED
  for (const Entry& e : entries_) {
    const std::string word = DescriptionWord(e.key);
    holders[word].insert(Version(e.id, e.modified));
    for (const auto& t : e.tlp) red[word] = red[word] || t.rfind("red", 0) == 0;
  }
  size_t hidden = 0, hidden_red = 0, found = 0, producers_hidden = 0;
  for (const auto& [user, org] : user_org_) {
    SCOPED_TRACE("full text as " + user + " (" + org + ")");
    const std::set<Version> shown = TaxiiView(user);
    std::map<std::string, std::string> newest;  // id -> the newest version TAXII shows
    for (const auto& [id, version] : shown) {
      std::string& n = newest[id];
      if (n < version) n = version;
    }
    auto client = Reader(user);
    auto ask = [&](const std::string& query) {
      auto r = client->Get("/api/v1/search?" + query + "&limit=1000");
      EXPECT_EQ(r.status, 200) << query << ": " << r.body;
      json::value v = r.status == 200 ? r.Json() : json::value(json::object());
      for (const auto& h : v.as_object().contains("hits") ? v.at("hits").as_array() : json::array())
        EXPECT_TRUE(newest.count(Str(h.at("id"))))
            << query << ": " << Str(h.at("id")) << " is not readable by " << user;
      return v;
    };
    json::value nobody = ask("text=authzdescnobody");
    nobody.as_object().erase("text");
    json::value nobody_ranked = ask("text=authzdescnobody&sort=relevance");
    nobody_ranked.as_object().erase("text");
    for (const auto& [word, versions] : holders) {
      json::value answer = ask("text=" + word);
      std::set<std::string> hit_ids;
      for (const auto& h : answer.at("hits").as_array()) hit_ids.insert(Str(h.at("id")));
      // By relevance: the same hits in another order, and a word the member may not read
      // answered as a word nobody used.
      json::value ranked = ask("text=" + word + "&sort=relevance");
      std::set<std::string> ranked_ids;
      for (const auto& h : ranked.at("hits").as_array()) ranked_ids.insert(Str(h.at("id")));
      EXPECT_EQ(ranked_ids, hit_ids) << word;
      ranked.as_object().erase("text");
      if (hit_ids.empty()) {
        EXPECT_EQ(ranked, nobody_ranked) << word;
      }
      bool readable = false;
      for (const Version& v : versions) {
        readable = readable || newest.count(v.first);
        if (newest.count(v.first) && newest[v.first] == v.second) {
          EXPECT_TRUE(hit_ids.count(v.first))
              << word << ": " << v.first << " is readable but not found";
        }
      }
      found += !hit_ids.empty();
      if (!readable) {
        answer.as_object().erase("text");
        EXPECT_EQ(answer, nobody) << word;
        ++hidden;
        hidden_red += red[word];
      }
    }
    json::value unknown = ask("text=authz&producer=no-such-organization");
    for (const auto& [key, name] : org_names_) {
      json::value answer = ask("text=authz&producer=" + Q(name));
      for (const auto& h : answer.at("hits").as_array()) EXPECT_EQ(Str(h.at("producer")), name);
      if (answer.at("hits").as_array().empty()) {
        EXPECT_EQ(answer, unknown) << name;
        ++producers_hidden;
      }
    }
  }
  EXPECT_GT(found, 10u);
  EXPECT_GT(hidden, 10u);
  EXPECT_GT(hidden_red, 0u);
  EXPECT_GT(producers_hidden, 0u);
}

// A listing (GET /api/v1/search with no value and no text: what arrived lately, newest first) is
// one more way to read: each member lists exactly the objects TAXII shows it, each at the
// newest version TAXII shows it, and nothing else, newest first.
TEST_F(AuthzTest, ListingAsAMemberListsExactlyWhatTaxiiShowsIt) {
  EnsureMatrixPosted();
  size_t listed = 0;
  for (const auto& [user, org] : user_org_) {
    SCOPED_TRACE("listing as " + user + " (" + org + ")");
    const std::set<Version> shown = TaxiiView(user);
    std::map<std::string, std::string> newest;  // id -> the newest version TAXII shows
    for (const auto& [id, version] : shown) {
      std::string& n = newest[id];
      if (n < version) n = version;
    }
    // Every page, by its cursor (the generated matrix holds more than one page of 1,000).
    std::set<std::string> ids;
    std::set<std::pair<std::string, std::string>> listed_in;  // (collection, id)
    std::string previous_added;  // RFC 3339 with microseconds: ordered as text
    std::string next;
    for (int pages = 0; pages < 20; ++pages) {
      auto r = Reader(user)->Get("/api/v1/search?limit=1000" +
                                 (next.empty() ? std::string() : "&next=" + Q(next)));
      ASSERT_EQ(r.status, 200) << r.body;
      const json::value v = r.Json();
      for (const auto& h : v.at("hits").as_array()) {
        const std::string id = Str(h.at("id"));
        EXPECT_TRUE(newest.count(id)) << id << " is not readable by " << user;
        EXPECT_EQ(Str(h.at("matched")), "filters");
        const std::string added = Str(h.at("date_added"));
        ASSERT_EQ(added.size(), std::string("2026-01-01T00:00:00.000000Z").size()) << added;
        if (!previous_added.empty()) {
          EXPECT_LT(added, previous_added) << id << ": not newest first";
        }
        previous_added = added;
        // Once per collection it is in (the matrix puts some objects in two).
        EXPECT_TRUE(listed_in.insert({Str(h.at("collection")), id}).second)
            << id << " listed twice";
        ids.insert(id);
      }
      next = v.as_object().contains("next") ? Str(v.at("next")) : "";
      EXPECT_EQ(v.at("more").as_bool(), !next.empty());
      if (next.empty()) break;
    }
    EXPECT_TRUE(next.empty()) << "more than 20 pages";
    std::set<std::string> expected;
    for (const auto& [id, version] : newest) expected.insert(id);
    EXPECT_EQ(ids, expected);
    listed += ids.size();
  }
  EXPECT_GT(listed, 10u);
}

// The audit log (GET /api/v1/audit) is one more way to read: each role reads what scenario.json's
// "audit_log" says (admins every entry, org-admins their organization's, others 403). After the
// matrix is posted, every contributing organization has entries (objects.add).
TEST_F(AuthzTest, AuditLogAsEachRoleReadsWhatTheScenarioSays) {
  EnsureMatrixPosted();
  const auto& rules = scenario_.at("audit_log").as_object();
  size_t checked = 0;
  for (const auto& [user, org] : user_org_) {
    SCOPED_TRACE("audit log as " + user + " (" + user_role_[user] + ")");
    const std::string rule = Str(rules.at(user_role_[user]));
    auto client = Reader(user);
    auto r = client->Get("/api/v1/audit?limit=1000");
    if (rule == "forbidden") {
      EXPECT_EQ(r.status, 403) << r.body;
      continue;
    }
    ASSERT_EQ(r.status, 200) << r.body;
    const int64_t own = client->Get("/api/v1/whoami").Json().at("org").at("id").as_int64();
    std::set<int64_t> orgs;
    const json::value body = r.Json();  // kept: the loop reads into it
    for (const auto& e : body.at("items").as_array()) orgs.insert(e.at("org_id").as_int64());
    ASSERT_FALSE(orgs.empty());
    if (rule == "own") {
      EXPECT_EQ(orgs, std::set<int64_t>{own});
      EXPECT_EQ(client->Get("/api/v1/audit?org=" + std::to_string(own + 1000)).status, 404);
    } else {
      ASSERT_EQ(rule, "all");
      EXPECT_GE(orgs.size(), 3u) << "entries of every contributing organization";
    }
    ++checked;
  }
  EXPECT_GE(checked, 2u);
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
    if (collection_aliases_.count(coll)) {  // refused by alias as by id
      auto by_alias = hub_->Client(user)->Post(
          "/api/collections/" + collection_aliases_[coll] + "/objects/", json::serialize(envelope));
      EXPECT_EQ(by_alias.status, status)
          << user << " -> alias of " << coll << ": " << by_alias.body;
    }
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
