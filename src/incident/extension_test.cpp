// Tessera's incident extension: the published objects (incident/extension.h), and the published
// JSON schema (docs/tessera-incident-extension.schema.json) against the validator's rules, so that
// the two cannot drift apart: every property the schema requires is required by the validator,
// every value of its enumerations accepted and another refused, and a property it does not name
// reported.

#include "incident/extension.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "common/file.h"
#include "common/json.h"
#include "stix/incident_extensions.h"
#include "stix/reader.h"

namespace tessera::incident {
namespace {

std::string SourceDir() {
  const char* dir = std::getenv("TESSERA_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

boost::json::value Load(const std::string& path) {
  auto text = ReadInput(SourceDir() + "/" + path);
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  auto value = ParseJson(text.ok() ? *text : "{}");
  EXPECT_TRUE(value.ok());
  return *value;
}

std::string Problems(const stix::Document& doc) {
  std::string out;
  for (const auto& p : doc.problems) {
    out += std::string(stix::SeverityName(p.severity)) + " " + p.rule + " " + p.path + ": " +
           p.message + "\n";
  }
  return out;
}

TEST(TesseraExtension, PublishedObjectsAreStrictlyValidAndFixed) {
  for (const std::string& json : {TesseraExtensionDefinitionJson(), TesseraIdentityJson()}) {
    auto doc = stix::ReadDocument(json, stix::ReadOptions{.strict = true});
    ASSERT_TRUE(doc.ok());
    EXPECT_TRUE(doc->ok()) << Problems(*doc);
    ASSERT_EQ(doc->objects.size(), 1u);
  }
  EXPECT_EQ(TesseraExtensionDefinitionJson(), TesseraExtensionDefinitionJson());
  auto def = ParseJson(TesseraExtensionDefinitionJson());
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(def->at("id").as_string(), stix::kTesseraIncidentExtensionId);
  EXPECT_EQ(def->at("created_by_ref").as_string(), stix::kTesseraIdentityId);
  EXPECT_EQ(def->at("extension_types").as_array().size(), 1u);
  EXPECT_EQ(def->at("extension_types").as_array()[0].as_string(), "property-extension");
  auto identity = ParseJson(TesseraIdentityJson());
  ASSERT_TRUE(identity.ok());
  EXPECT_EQ(identity->at("id").as_string(), stix::kTesseraIdentityId);
}

// The object of tessera_bundle.json of `type`.
boost::json::object BundleObject(std::string_view type) {
  const auto bundle = Load("tests/data/incident/tessera_bundle.json");
  for (const auto& o : bundle.at("objects").as_array()) {
    if (o.at("type").as_string() == type) return o.as_object();
  }
  ADD_FAILURE() << "no " << type;
  return {};
}

boost::json::object& Ext(boost::json::object& o) {
  return o["extensions"].as_object()[stix::kTesseraIncidentExtensionId].as_object();
}

stix::Document Validate(const boost::json::object& o) {
  auto doc = stix::ReadDocument(boost::json::serialize(o));
  EXPECT_TRUE(doc.ok());
  return doc.ok() ? *doc : stix::Document{};
}

bool Has(const stix::Document& doc, std::string_view rule, std::string_view path_suffix,
         stix::Severity severity = stix::Severity::kError) {
  for (const auto& p : doc.problems) {
    if (p.rule == rule && p.severity == severity && p.path.ends_with(path_suffix)) return true;
  }
  return false;
}

TEST(TesseraExtension, SchemaAndValidatorAgree) {
  const auto schema = Load("docs/tessera-incident-extension.schema.json");
  const auto& defs = schema.at("$defs").as_object();
  for (std::string_view type : {"incident", "task"}) {
    SCOPED_TRACE(type);
    const auto& def = defs.at(type).as_object();
    const auto& props = def.at("properties").as_object();
    boost::json::object base = BundleObject(type);
    // The bundle's incident is open: it has no closing summary yet.
    if (type == "incident") Ext(base)["closing_summary"] = "Blocked at the gateway.";
    {
      auto doc = stix::ReadDocument(boost::json::serialize(base), {.strict = true});
      ASSERT_TRUE(doc.ok());
      ASSERT_TRUE(doc->ok()) << Problems(*doc);
    }
    // The bundle's object uses every property the schema names (so that each is checked).
    boost::json::object copy = base;
    for (const auto& p : props) {
      EXPECT_TRUE(Ext(copy).contains(p.key())) << "tessera_bundle.json lacks " << p.key();
    }
    // Each required property is required.
    for (const auto& r : def.at("required").as_array()) {
      const std::string name(r.as_string());
      SCOPED_TRACE(name);
      boost::json::object o = base;
      Ext(o).erase(name);
      const auto doc = Validate(o);
      EXPECT_TRUE(Has(doc, "required-property", "." + name)) << Problems(doc);
    }
    // An optional property (one the schema does not require) may be left out.
    for (const auto& p : props) {
      bool required = false;
      for (const auto& r : def.at("required").as_array()) required |= r.as_string() == p.key();
      if (required) continue;
      boost::json::object o = base;
      Ext(o).erase(p.key());
      const auto doc = Validate(o);
      EXPECT_TRUE(doc.ok()) << p.key() << ":\n" << Problems(doc);
    }
    // Enumerations: each value accepted, another refused.
    for (const auto& p : props) {
      const auto* values = p.value().as_object().if_contains("enum");
      if (values == nullptr) continue;
      SCOPED_TRACE(std::string(p.key()));
      for (const auto& v : values->as_array()) {
        boost::json::object o = base;
        Ext(o)[p.key()] = v;
        const auto doc = Validate(o);
        EXPECT_FALSE(Has(doc, "enum-value", std::string(".") + std::string(p.key())))
            << v << "\n"
            << Problems(doc);
      }
      boost::json::object o = base;
      Ext(o)[p.key()] = "not-a-value";
      EXPECT_TRUE(Has(Validate(o), "enum-value", std::string(".") + std::string(p.key())));
    }
    // A property the schema does not name is reported (a warning; an error with --strict).
    boost::json::object o = base;
    Ext(o)["x_undocumented"] = true;
    EXPECT_TRUE(Has(Validate(o), "custom-property", ".x_undocumented", stix::Severity::kWarning));
  }
  // A participant's role.
  const auto& roles = defs.at("participant").at("properties").at("role").at("enum").as_array();
  EXPECT_EQ(roles.size(), 4u);
  for (const auto& role : roles) {
    if (role.as_string() == "lead") continue;
    boost::json::object o = BundleObject("incident");
    Ext(o)["participants"].as_array()[2].as_object()["role"] = role;
    const auto doc = Validate(o);
    EXPECT_TRUE(doc.ok()) << role << "\n" << Problems(doc);
  }
}

}  // namespace
}  // namespace tessera::incident
