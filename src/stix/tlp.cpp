#include "stix/tlp.h"

#include <array>

namespace tessera::stix {
namespace {

// Identifiers, names and `created` of TLP 1.0: STIX 2.1 §7.2.1.4 (the OASIS JSON schema
// common/marking-definition.json enumerates the same four). TLP 2.0: the OASIS extension
// definition extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d and its examples.
#define TESSERA_TLP1(ID, NAME, TLP)                                                 \
  R"({"type":"marking-definition","spec_version":"2.1","id":")" ID                  \
  R"(","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":")" NAME \
  R"(","definition":{"tlp":")" TLP R"("}})"
#define TESSERA_TLP2(ID, NAME, TLP)                                                  \
  R"({"type":"marking-definition","spec_version":"2.1","id":")" ID                   \
  R"(","created":"2022-10-01T00:00:00.000Z","name":")" NAME                          \
  R"(","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":)" \
  R"({"extension_type":"property-extension","tlp_2_0":")" TLP R"("}}})"

#define TESSERA_TLP_ENTRY(VERSION, LEVEL, MACRO, ID, NAME, TLP) \
  TlpMarking { VERSION, LEVEL, ID, NAME, TLP, MACRO(ID, NAME, TLP) }

constexpr std::array<TlpMarking, 9> kMarkings = {
    TESSERA_TLP_ENTRY(TlpVersion::k1, TlpLevel::kClear, TESSERA_TLP1,
                      "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "TLP:WHITE",
                      "white"),
    TESSERA_TLP_ENTRY(TlpVersion::k1, TlpLevel::kGreen, TESSERA_TLP1,
                      "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "TLP:GREEN",
                      "green"),
    TESSERA_TLP_ENTRY(TlpVersion::k1, TlpLevel::kAmber, TESSERA_TLP1,
                      "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "TLP:AMBER",
                      "amber"),
    TESSERA_TLP_ENTRY(TlpVersion::k1, TlpLevel::kRed, TESSERA_TLP1,
                      "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "TLP:RED", "red"),
    TESSERA_TLP_ENTRY(TlpVersion::k2, TlpLevel::kClear, TESSERA_TLP2,
                      "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "TLP:CLEAR",
                      "clear"),
    TESSERA_TLP_ENTRY(TlpVersion::k2, TlpLevel::kGreen, TESSERA_TLP2,
                      "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "TLP:GREEN",
                      "green"),
    TESSERA_TLP_ENTRY(TlpVersion::k2, TlpLevel::kAmber, TESSERA_TLP2,
                      "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "TLP:AMBER",
                      "amber"),
    TESSERA_TLP_ENTRY(TlpVersion::k2, TlpLevel::kAmberStrict, TESSERA_TLP2,
                      "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
                      "TLP:AMBER+STRICT", "amber+strict"),
    TESSERA_TLP_ENTRY(TlpVersion::k2, TlpLevel::kRed, TESSERA_TLP2,
                      "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "TLP:RED", "red"),
};

#undef TESSERA_TLP_ENTRY
#undef TESSERA_TLP2
#undef TESSERA_TLP1

}  // namespace

std::span<const TlpMarking> TlpMarkings() { return kMarkings; }

const TlpMarking* FindTlpMarking(std::string_view id) {
  for (const TlpMarking& m : kMarkings) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

const TlpMarking* FindTlpMarking(TlpVersion version, TlpLevel level) {
  for (const TlpMarking& m : kMarkings) {
    if (m.version == version && m.level == level) return &m;
  }
  return nullptr;
}

Object TlpObject(const TlpMarking& marking) {
  Object o;
  o.type = "marking-definition";
  o.id = std::string(marking.id);
  o.spec_version = "2.1";
  o.created = marking.version == TlpVersion::k1 ? Timestamp{1484870400, 0}   // 2017-01-20
                                                : Timestamp{1664582400, 0};  // 2022-10-01
  o.json = std::string(marking.json);
  return o;
}

}  // namespace tessera::stix
