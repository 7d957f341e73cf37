// The STIX 2.1 types as tables (STIX Version 2.1, OASIS Standard, 10 June 2021, §4-7; vocabularies
// §10). Cross-checked against the OASIS cti-stix2-json-schemas.

#include "stix/schema.h"

#include <algorithm>
#include <array>

#include "stix/incident_extensions.h"

namespace tessera::stix::schema {
namespace {

using SV = std::string_view;
constexpr int64_t kMaxCount = 999'999'999;

// ---- property constructors, to keep the tables readable ----
constexpr bool kReq = true;
constexpr Prop Str(SV n, bool req = false) {
  return {.name = n, .kind = Kind::kString, .required = req};
}
constexpr Prop Bool(SV n, bool req = false) {
  return {.name = n, .kind = Kind::kBoolean, .required = req};
}
constexpr Prop Int(SV n, int64_t min = std::numeric_limits<int64_t>::min(),
                   int64_t max = std::numeric_limits<int64_t>::max(), bool req = false) {
  return {.name = n, .kind = Kind::kInteger, .required = req, .min = min, .max = max};
}
constexpr Prop Num(SV n, int64_t min, int64_t max) {
  return {.name = n, .kind = Kind::kNumber, .min = min, .max = max};
}
constexpr Prop Ts(SV n, bool req = false) {
  return {.name = n, .kind = Kind::kTimestamp, .required = req};
}
constexpr Prop TsMs(SV n, bool req = false) {
  return {.name = n, .kind = Kind::kTimestampMillis, .required = req};
}
constexpr Prop StrList(SV n, bool req = false) {
  return {.name = n, .kind = Kind::kStringList, .required = req};
}
constexpr Prop Ref(SV n, std::span<const SV> types, bool req = false) {
  return {.name = n, .kind = Kind::kRef, .required = req, .values = types};
}
constexpr Prop RefOf(SV n, RefClass c, bool req = false) {
  return {.name = n, .kind = Kind::kRef, .required = req, .ref = c};
}
constexpr Prop Refs(SV n, std::span<const SV> types, bool req = false) {
  return {.name = n, .kind = Kind::kRefList, .required = req, .values = types};
}
constexpr Prop RefsOf(SV n, RefClass c, bool req = false) {
  return {.name = n, .kind = Kind::kRefList, .required = req, .ref = c};
}
constexpr Prop Ov(SV n, std::span<const SV> v, bool req = false) {
  return {.name = n, .kind = Kind::kOpenVocab, .required = req, .values = v};
}
constexpr Prop OvList(SV n, std::span<const SV> v, bool req = false) {
  return {.name = n, .kind = Kind::kOpenVocabList, .required = req, .values = v};
}
constexpr Prop Enum(SV n, std::span<const SV> v, bool req = false) {
  return {.name = n, .kind = Kind::kEnum, .required = req, .values = v};
}
constexpr Prop EnumList(SV n, std::span<const SV> v, bool req = false) {
  return {.name = n, .kind = Kind::kEnumList, .required = req, .values = v};
}
constexpr Prop Hashes(SV n) { return {.name = n, .kind = Kind::kHashes}; }
constexpr Prop Dict(SV n, bool req = false) {
  return {.name = n, .kind = Kind::kDictionary, .required = req};
}
constexpr Prop Bin(SV n) { return {.name = n, .kind = Kind::kBinary}; }
constexpr Prop Hex(SV n, bool req = false) {
  return {.name = n, .kind = Kind::kHex, .required = req};
}
constexpr Prop Obj(SV n, const Shape* s) { return {.name = n, .kind = Kind::kObject, .shape = s}; }
constexpr Prop ObjList(SV n, const Shape* s, bool req = false) {
  return {.name = n, .kind = Kind::kObjectList, .required = req, .shape = s};
}
constexpr Prop Any(SV n, bool req = false) {
  return {.name = n, .kind = Kind::kAny, .required = req};
}

// ---- reference target types ----
constexpr SV kToIdentity[] = {"identity"};
constexpr SV kToMarking[] = {"marking-definition"};
constexpr SV kToSoftware[] = {"software"};
constexpr SV kToFileArtifact[] = {"file", "artifact"};
constexpr SV kToSample[] = {"file", "network-traffic", "artifact"};
constexpr SV kToObservedData[] = {"observed-data"};
constexpr SV kToWhereSighted[] = {"identity", "location"};
constexpr SV kToDirectory[] = {"directory"};
constexpr SV kToFileOrDirectory[] = {"file", "directory"};
constexpr SV kToArtifact[] = {"artifact"};
constexpr SV kToArtifactOrFile[] = {"artifact", "file"};
constexpr SV kToDomainResolves[] = {"ipv4-addr", "ipv6-addr", "domain-name"};
constexpr SV kToUserAccount[] = {"user-account"};
constexpr SV kToEmailAddr[] = {"email-addr"};
constexpr SV kToMac[] = {"mac-addr"};
constexpr SV kToAs[] = {"autonomous-system"};
constexpr SV kToNetworkEndpoint[] = {"ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"};
constexpr SV kToNetworkTraffic[] = {"network-traffic"};
constexpr SV kToFile[] = {"file"};
constexpr SV kToProcess[] = {"process"};

// ---- vocabularies (§10) ----
constexpr SV kAttackMotivation[] = {"accidental",    "coercion",
                                    "dominance",     "ideology",
                                    "notoriety",     "organizational-gain",
                                    "personal-gain", "personal-satisfaction",
                                    "revenge",       "unpredictable"};
constexpr SV kAttackResourceLevel[] = {"individual", "club",         "contest",
                                       "team",       "organization", "government"};
constexpr SV kGroupingContext[] = {"suspicious-activity", "malware-analysis", "unspecified"};
constexpr SV kHashAlgorithm[] = {"MD5",      "SHA-1",    "SHA-256", "SHA-512",
                                 "SHA3-256", "SHA3-512", "SSDEEP",  "TLSH"};
constexpr SV kIdentityClass[] = {"individual",   "group", "system",
                                 "organization", "class", "unknown"};
constexpr SV kImplementationLanguage[] = {
    "applescript", "bash",  "c",           "c++",        "c#",           "go",         "java",
    "javascript",  "lua",   "objective-c", "perl",       "php",          "powershell", "python",
    "ruby",        "scala", "swift",       "typescript", "visual-basic", "x86-32",     "x86-64"};
constexpr SV kIndicatorType[] = {"anomalous-activity", "anonymization", "benign", "compromised",
                                 "malicious-activity", "attribution",   "unknown"};
constexpr SV kIndustrySector[] = {"agriculture",
                                  "aerospace",
                                  "automotive",
                                  "chemical",
                                  "commercial",
                                  "communications",
                                  "construction",
                                  "defense",
                                  "education",
                                  "energy",
                                  "engineering",
                                  "entertainment",
                                  "financial-services",
                                  "government",
                                  "emergency-services",
                                  "government-local",
                                  "government-national",
                                  "government-public-services",
                                  "government-regional",
                                  "healthcare",
                                  "hospitality-leisure",
                                  "infrastructure",
                                  "dams",
                                  "nuclear",
                                  "water",
                                  "insurance",
                                  "manufacturing",
                                  "mining",
                                  "non-profit",
                                  "pharmaceuticals",
                                  "retail",
                                  "technology",
                                  "telecommunications",
                                  "transportation",
                                  "utilities"};
constexpr SV kInfrastructureType[] = {"amplification",
                                      "anonymization",
                                      "botnet",
                                      "command-and-control",
                                      "control-system",
                                      "exfiltration",
                                      "firewall",
                                      "hosting-malware",
                                      "hosting-target-lists",
                                      "phishing",
                                      "reconnaissance",
                                      "routers-switches",
                                      "staging",
                                      "workstation",
                                      "unknown"};
constexpr SV kMalwareAvResult[] = {"malicious", "suspicious", "benign", "unknown"};
constexpr SV kMalwareCapabilities[] = {"accesses-remote-machines",
                                       "anti-debugging",
                                       "anti-disassembly",
                                       "anti-emulation",
                                       "anti-memory-forensics",
                                       "anti-sandbox",
                                       "anti-vm",
                                       "captures-input-peripherals",
                                       "captures-output-peripherals",
                                       "captures-system-state-data",
                                       "cleans-traces-of-infection",
                                       "commits-fraud",
                                       "communicates-with-c2",
                                       "compromises-data-availability",
                                       "compromises-data-integrity",
                                       "compromises-system-availability",
                                       "controls-local-machine",
                                       "degrades-security-software",
                                       "degrades-system-updates",
                                       "determines-c2-server",
                                       "emails-spam",
                                       "escalates-privileges",
                                       "evades-av",
                                       "exfiltrates-data",
                                       "fingerprints-host",
                                       "hides-artifacts",
                                       "hides-executing-code",
                                       "infects-files",
                                       "infects-remote-machines",
                                       "installs-other-components",
                                       "persists-after-system-reboot",
                                       "prevents-artifact-access",
                                       "prevents-artifact-deletion",
                                       "probes-network-environment",
                                       "self-modifies",
                                       "steals-authentication-credentials",
                                       "violates-system-operational-integrity"};
constexpr SV kMalwareType[] = {"adware",
                               "backdoor",
                               "bot",
                               "bootkit",
                               "ddos",
                               "downloader",
                               "dropper",
                               "exploit-kit",
                               "keylogger",
                               "ransomware",
                               "remote-access-trojan",
                               "resource-exploitation",
                               "rogue-security-software",
                               "rootkit",
                               "screen-capture",
                               "spyware",
                               "trojan",
                               "unknown",
                               "virus",
                               "webshell",
                               "wiper",
                               "worm"};
constexpr SV kPatternType[] = {"stix", "pcre", "sigma", "snort", "suricata", "yara"};
constexpr SV kProcessorArchitecture[] = {"alpha",   "arm",   "ia-64", "mips",
                                         "powerpc", "sparc", "x86",   "x86-64"};
constexpr SV kRegion[] = {"africa",
                          "eastern-africa",
                          "middle-africa",
                          "northern-africa",
                          "southern-africa",
                          "western-africa",
                          "americas",
                          "latin-america-caribbean",
                          "south-america",
                          "caribbean",
                          "central-america",
                          "northern-america",
                          "asia",
                          "central-asia",
                          "eastern-asia",
                          "southern-asia",
                          "south-eastern-asia",
                          "western-asia",
                          "europe",
                          "eastern-europe",
                          "northern-europe",
                          "southern-europe",
                          "western-europe",
                          "oceania",
                          "antarctica",
                          "australia-new-zealand",
                          "melanesia",
                          "micronesia",
                          "polynesia"};
constexpr SV kReportType[] = {"attack-pattern", "campaign", "identity",      "indicator",
                              "intrusion-set",  "malware",  "observed-data", "threat-actor",
                              "threat-report",  "tool",     "vulnerability"};
constexpr SV kThreatActorRole[] = {"agent",
                                   "director",
                                   "independent",
                                   "infrastructure-architect",
                                   "infrastructure-operator",
                                   "malware-author",
                                   "sponsor"};
constexpr SV kThreatActorSophistication[] = {"none",   "minimal",   "intermediate", "advanced",
                                             "expert", "innovator", "strategic"};
constexpr SV kThreatActorType[] = {"activist",
                                   "competitor",
                                   "crime-syndicate",
                                   "criminal",
                                   "hacker",
                                   "insider-accidental",
                                   "insider-disgruntled",
                                   "nation-state",
                                   "sensationalist",
                                   "spy",
                                   "terrorist",
                                   "unknown"};
constexpr SV kToolType[] = {
    "denial-of-service",       "exploitation",  "information-gathering",  "network-capture",
    "credential-exploitation", "remote-access", "vulnerability-scanning", "unknown"};
constexpr SV kAccountType[] = {"facebook", "ldap",          "nis",           "openid",
                               "radius",   "skype",         "tacacs",        "twitter",
                               "unix",     "windows-local", "windows-domain"};
constexpr SV kPeBinaryType[] = {"dll", "exe", "sys"};
// enumerations (§10): closed
constexpr SV kEncryptionAlgorithm[] = {"AES-256-GCM", "ChaCha20-Poly1305", "mime-type-indicated"};
constexpr SV kExtensionType[] = {"new-sdo", "new-sco", "new-sro", "property-extension",
                                 "toplevel-property-extension"};
constexpr SV kSocketAddressFamily[] = {"AF_UNSPEC",  "AF_INET",  "AF_IPX",  "AF_APPLETALK",
                                       "AF_NETBIOS", "AF_INET6", "AF_IRDA", "AF_BTH"};
constexpr SV kSocketType[] = {"SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM",
                              "SOCK_SEQPACKET"};
constexpr SV kOpinion[] = {"strongly-disagree", "disagree", "neutral", "agree", "strongly-agree"};
constexpr SV kIntegrityLevel[] = {"low", "medium", "high", "system"};
constexpr SV kRegistryDatatype[] = {"REG_NONE",
                                    "REG_SZ",
                                    "REG_EXPAND_SZ",
                                    "REG_BINARY",
                                    "REG_DWORD",
                                    "REG_DWORD_BIG_ENDIAN",
                                    "REG_DWORD_LITTLE_ENDIAN",
                                    "REG_LINK",
                                    "REG_MULTI_SZ",
                                    "REG_RESOURCE_LIST",
                                    "REG_FULL_RESOURCE_DESCRIPTION",
                                    "REG_RESOURCE_REQUIREMENTS_LIST",
                                    "REG_QWORD",
                                    "REG_INVALID_TYPE"};
constexpr SV kServiceStartType[] = {"SERVICE_AUTO_START", "SERVICE_BOOT_START",
                                    "SERVICE_DEMAND_START", "SERVICE_DISABLED",
                                    "SERVICE_SYSTEM_ALERT"};
constexpr SV kServiceType[] = {"SERVICE_KERNEL_DRIVER", "SERVICE_FILE_SYSTEM_DRIVER",
                               "SERVICE_WIN32_OWN_PROCESS", "SERVICE_WIN32_SHARE_PROCESS"};
constexpr SV kServiceStatus[] = {
    "SERVICE_CONTINUE_PENDING", "SERVICE_PAUSE_PENDING", "SERVICE_PAUSED", "SERVICE_RUNNING",
    "SERVICE_START_PENDING",    "SERVICE_STOP_PENDING",  "SERVICE_STOPPED"};
constexpr SV kSpecVersion[] = {"2.1"};

// ---- common nested types (§2) ----
constexpr Prop kKillChainPhaseProps[] = {Str("kill_chain_name", kReq), Str("phase_name", kReq)};
constexpr Shape kKillChainPhase{
    .name = "kill-chain-phase", .props = kKillChainPhaseProps, .check = Check::kKillChainPhase};
// §2.5: the hash names of an external reference MUST come from hash-algorithm-ov (elsewhere
// they SHOULD): a non-empty `values` makes an unknown name an error.
constexpr Prop kExternalReferenceProps[] = {
    Str("source_name", kReq),
    Str("description"),
    Str("url"),
    {.name = "hashes", .kind = Kind::kHashes, .values = kHashAlgorithm},
    Str("external_id")};
constexpr Shape kExternalReference{.name = "external-reference",
                                   .props = kExternalReferenceProps,
                                   .check = Check::kExternalReference};
constexpr Prop kGranularMarkingProps[] = {Str("lang"), Ref("marking_ref", kToMarking),
                                          StrList("selectors", kReq)};
constexpr Shape kGranularMarking{
    .name = "granular-marking", .props = kGranularMarkingProps, .check = Check::kGranularMarking};

// ---- common properties (§3.2) ----
constexpr Prop kCoreProps[] = {
    Str("type", kReq),
    Enum("spec_version", kSpecVersion, kReq),
    Str("id", kReq),  // format and type prefix are checked before the table walk
    Ref("created_by_ref", kToIdentity),
    TsMs("created", kReq),
    TsMs("modified", kReq),
    Bool("revoked"),
    StrList("labels"),
    Int("confidence", 0, 100),
    Str("lang"),
    ObjList("external_references", &kExternalReference),
    Refs("object_marking_refs", kToMarking),
    ObjList("granular_markings", &kGranularMarking),
    {.name = "extensions", .kind = Kind::kExtensions},
};
constexpr TimeOrder kCoreOrders[] = {{"created", "modified", false}};
constexpr Shape kCore{.name = "core", .props = kCoreProps};

constexpr Prop kScoCoreProps[] = {
    Str("type", kReq),
    Enum("spec_version", kSpecVersion),
    Str("id", kReq),
    Refs("object_marking_refs", kToMarking),
    ObjList("granular_markings", &kGranularMarking),
    Bool("defanged"),
    {.name = "extensions", .kind = Kind::kExtensions},
};
constexpr Shape kScoCore{.name = "sco-core", .props = kScoCoreProps};

// Custom objects: the common properties, none required beyond type and id.
constexpr Prop kCustomSdoProps[] = {
    Str("type", kReq),
    Enum("spec_version", kSpecVersion),
    Str("id", kReq),
    Ref("created_by_ref", kToIdentity),
    TsMs("created"),
    TsMs("modified"),
    Bool("revoked"),
    StrList("labels"),
    Int("confidence", 0, 100),
    Str("lang"),
    ObjList("external_references", &kExternalReference),
    Refs("object_marking_refs", kToMarking),
    ObjList("granular_markings", &kGranularMarking),
    Bool("defanged"),
    {.name = "extensions", .kind = Kind::kExtensions},
};
constexpr Shape kCustomSdo{.name = "custom", .props = kCustomSdoProps, .orders = kCoreOrders};
constexpr Shape kCustomSco{.name = "custom-sco", .props = {}, .base = &kScoCore};

// ---- SDOs (§4) ----
constexpr Prop kAttackPatternProps[] = {Str("name", kReq), Str("description"), StrList("aliases"),
                                        ObjList("kill_chain_phases", &kKillChainPhase)};
constexpr Prop kCampaignProps[] = {Str("name", kReq), Str("description"), StrList("aliases"),
                                   Ts("first_seen"),  Ts("last_seen"),    Str("objective")};
constexpr TimeOrder kSeenOrders[] = {{"created", "modified", false},
                                     {"first_seen", "last_seen", false}};
constexpr Prop kCourseOfActionProps[] = {Str("name", kReq), Str("description")};
constexpr Prop kGroupingProps[] = {Str("name"), Str("description"),
                                   Ov("context", kGroupingContext, kReq),
                                   RefsOf("object_refs", RefClass::kAnyButBundle, kReq)};
constexpr Prop kIdentityProps[] = {Str("name", kReq),
                                   Str("description"),
                                   StrList("roles"),
                                   Ov("identity_class", kIdentityClass),
                                   OvList("sectors", kIndustrySector),
                                   Str("contact_information")};
constexpr Prop kIncidentProps[] = {Str("name", kReq), Str("description"),
                                   ObjList("kill_chain_phases", &kKillChainPhase)};
constexpr Prop kIndicatorProps[] = {Str("name"),
                                    Str("description"),
                                    OvList("indicator_types", kIndicatorType),
                                    Str("pattern", kReq),
                                    Ov("pattern_type", kPatternType, kReq),
                                    Str("pattern_version"),
                                    Ts("valid_from", kReq),
                                    Ts("valid_until"),
                                    ObjList("kill_chain_phases", &kKillChainPhase)};
constexpr TimeOrder kIndicatorOrders[] = {{"created", "modified", false},
                                          {"valid_from", "valid_until", true}};
constexpr Prop kInfrastructureProps[] = {Str("name", kReq),
                                         Str("description"),
                                         OvList("infrastructure_types", kInfrastructureType),
                                         StrList("aliases"),
                                         ObjList("kill_chain_phases", &kKillChainPhase),
                                         Ts("first_seen"),
                                         Ts("last_seen")};
constexpr Prop kIntrusionSetProps[] = {Str("name", kReq),
                                       Str("description"),
                                       StrList("aliases"),
                                       Ts("first_seen"),
                                       Ts("last_seen"),
                                       StrList("goals"),
                                       Ov("resource_level", kAttackResourceLevel),
                                       Ov("primary_motivation", kAttackMotivation),
                                       OvList("secondary_motivations", kAttackMotivation)};
constexpr Prop kLocationProps[] = {Str("name"),
                                   Str("description"),
                                   Num("latitude", -90, 90),
                                   Num("longitude", -180, 180),
                                   Num("precision", 0, std::numeric_limits<int64_t>::max()),
                                   Ov("region", kRegion),
                                   Str("country"),
                                   Str("administrative_area"),
                                   Str("city"),
                                   Str("street_address"),
                                   Str("postal_code")};
constexpr Prop kMalwareProps[] = {Str("name"),
                                  Str("description"),
                                  OvList("malware_types", kMalwareType),
                                  Bool("is_family", kReq),
                                  StrList("aliases"),
                                  ObjList("kill_chain_phases", &kKillChainPhase),
                                  Ts("first_seen"),
                                  Ts("last_seen"),
                                  Refs("operating_system_refs", kToSoftware),
                                  OvList("architecture_execution_envs", kProcessorArchitecture),
                                  OvList("implementation_languages", kImplementationLanguage),
                                  OvList("capabilities", kMalwareCapabilities),
                                  Refs("sample_refs", kToFileArtifact)};
constexpr Prop kMalwareAnalysisProps[] = {Str("product", kReq),
                                          Str("version"),
                                          Ref("host_vm_ref", kToSoftware),
                                          Ref("operating_system_ref", kToSoftware),
                                          Refs("installed_software_refs", kToSoftware),
                                          Str("configuration_version"),
                                          StrList("modules"),
                                          Str("analysis_engine_version"),
                                          Str("analysis_definition_version"),
                                          Ts("submitted"),
                                          Ts("analysis_started"),
                                          Ts("analysis_ended"),
                                          Str("result_name"),
                                          Ov("result", kMalwareAvResult),
                                          RefsOf("analysis_sco_refs", RefClass::kSco),
                                          Ref("sample_ref", kToSample)};
constexpr TimeOrder kMalwareAnalysisOrders[] = {{"created", "modified", false},
                                                {"analysis_started", "analysis_ended", false}};
constexpr Prop kNoteProps[] = {Str("abstract"), Str("content", kReq), StrList("authors"),
                               RefsOf("object_refs", RefClass::kAnyButBundle, kReq)};
constexpr Prop kObservedDataProps[] = {Ts("first_observed", kReq),
                                       Ts("last_observed", kReq),
                                       Int("number_observed", 1, kMaxCount, kReq),
                                       {.name = "objects", .kind = Kind::kObservedObjects},
                                       RefsOf("object_refs", RefClass::kScoOrSro)};
constexpr TimeOrder kObservedDataOrders[] = {{"created", "modified", false},
                                             {"first_observed", "last_observed", false}};
constexpr Prop kOpinionProps[] = {Str("explanation"), StrList("authors"),
                                  Enum("opinion", kOpinion, kReq),
                                  RefsOf("object_refs", RefClass::kAnyButBundle, kReq)};
constexpr Prop kReportProps[] = {Str("name", kReq), Str("description"),
                                 OvList("report_types", kReportType), Ts("published", kReq),
                                 RefsOf("object_refs", RefClass::kAnyButBundle, kReq)};
constexpr Prop kThreatActorProps[] = {Str("name", kReq),
                                      Str("description"),
                                      OvList("threat_actor_types", kThreatActorType),
                                      StrList("aliases"),
                                      Ts("first_seen"),
                                      Ts("last_seen"),
                                      OvList("roles", kThreatActorRole),
                                      StrList("goals"),
                                      Ov("sophistication", kThreatActorSophistication),
                                      Ov("resource_level", kAttackResourceLevel),
                                      Ov("primary_motivation", kAttackMotivation),
                                      OvList("secondary_motivations", kAttackMotivation),
                                      OvList("personal_motivations", kAttackMotivation)};
constexpr Prop kToolProps[] = {Str("name", kReq),
                               Str("description"),
                               OvList("tool_types", kToolType),
                               StrList("aliases"),
                               ObjList("kill_chain_phases", &kKillChainPhase),
                               Str("tool_version")};
constexpr Prop kVulnerabilityProps[] = {Str("name", kReq), Str("description")};

// ---- SROs (§5) ----
constexpr Prop kRelationshipProps[] = {Str("relationship_type", kReq),
                                       Str("description"),
                                       RefOf("source_ref", RefClass::kSdoOrSco, kReq),
                                       RefOf("target_ref", RefClass::kSdoOrSco, kReq),
                                       Ts("start_time"),
                                       Ts("stop_time")};
constexpr TimeOrder kRelationshipOrders[] = {{"created", "modified", false},
                                             {"start_time", "stop_time", true}};
constexpr Prop kSightingProps[] = {Str("description"),
                                   Ts("first_seen"),
                                   Ts("last_seen"),
                                   Int("count", 0, kMaxCount),
                                   RefOf("sighting_of_ref", RefClass::kSdo, kReq),
                                   Refs("observed_data_refs", kToObservedData),
                                   Refs("where_sighted_refs", kToWhereSighted),
                                   Bool("summary")};

// ---- SCOs (§6) ----
constexpr Prop kArtifactProps[] = {Str("mime_type"),
                                   Bin("payload_bin"),
                                   Str("url"),
                                   Hashes("hashes"),
                                   Enum("encryption_algorithm", kEncryptionAlgorithm),
                                   Str("decryption_key")};
constexpr Prop kAutonomousSystemProps[] = {Int("number", 0, 4294967295LL, kReq), Str("name"),
                                           Str("rir")};
constexpr Prop kDirectoryProps[] = {Str("path", kReq), Str("path_enc"),
                                    Ts("ctime"),       Ts("mtime"),
                                    Ts("atime"),       Refs("contains_refs", kToFileOrDirectory)};
constexpr Prop kDomainNameProps[] = {Str("value", kReq),
                                     Refs("resolves_to_refs", kToDomainResolves)};
constexpr Prop kEmailAddrProps[] = {Str("value", kReq), Str("display_name"),
                                    Ref("belongs_to_ref", kToUserAccount)};
constexpr Prop kMimePartProps[] = {Str("body"), Ref("body_raw_ref", kToArtifactOrFile),
                                   Str("content_type"), Str("content_disposition")};
constexpr Shape kMimePart{.name = "mime-part", .props = kMimePartProps, .check = Check::kMimePart};
constexpr Prop kEmailMessageProps[] = {Bool("is_multipart", kReq),
                                       Ts("date"),
                                       Str("content_type"),
                                       Ref("from_ref", kToEmailAddr),
                                       Ref("sender_ref", kToEmailAddr),
                                       Refs("to_refs", kToEmailAddr),
                                       Refs("cc_refs", kToEmailAddr),
                                       Refs("bcc_refs", kToEmailAddr),
                                       Str("message_id"),
                                       Str("subject"),
                                       StrList("received_lines"),
                                       Dict("additional_header_fields"),
                                       Str("body"),
                                       ObjList("body_multipart", &kMimePart),
                                       Ref("raw_email_ref", kToArtifact)};

// file and its extensions (§6.7)
constexpr Prop kArchiveExtProps[] = {Refs("contains_refs", kToFileOrDirectory, kReq),
                                     Str("comment")};
constexpr Shape kArchiveExt{.name = "archive-ext", .props = kArchiveExtProps};
constexpr Prop kAlternateDataStreamProps[] = {Str("name", kReq), Hashes("hashes"), Int("size", 0)};
constexpr Shape kAlternateDataStream{.name = "alternate-data-stream",
                                     .props = kAlternateDataStreamProps};
constexpr Prop kNtfsExtProps[] = {Str("sid"),
                                  ObjList("alternate_data_streams", &kAlternateDataStream)};
constexpr Shape kNtfsExt{
    .name = "ntfs-ext", .props = kNtfsExtProps, .check = Check::kAtLeastOneExtensionProperty};
constexpr Prop kPdfExtProps[] = {Str("version"), Bool("is_optimized"), Dict("document_info_dict"),
                                 Str("pdfid0"), Str("pdfid1")};
constexpr Shape kPdfExt{
    .name = "pdf-ext", .props = kPdfExtProps, .check = Check::kAtLeastOneExtensionProperty};
constexpr Prop kRasterImageExtProps[] = {Int("image_height"), Int("image_width"),
                                         Int("bits_per_pixel"), Dict("exif_tags")};
constexpr Shape kRasterImageExt{.name = "raster-image-ext",
                                .props = kRasterImageExtProps,
                                .check = Check::kAtLeastOneExtensionProperty};
constexpr Prop kPeOptionalHeaderProps[] = {Hex("magic_hex"),
                                           Int("major_linker_version"),
                                           Int("minor_linker_version"),
                                           Int("size_of_code", 0),
                                           Int("size_of_initialized_data", 0),
                                           Int("size_of_uninitialized_data", 0),
                                           Int("address_of_entry_point"),
                                           Int("base_of_code"),
                                           Int("base_of_data"),
                                           Int("image_base"),
                                           Int("section_alignment"),
                                           Int("file_alignment"),
                                           Int("major_os_version"),
                                           Int("minor_os_version"),
                                           Int("major_image_version"),
                                           Int("minor_image_version"),
                                           Int("major_subsystem_version"),
                                           Int("minor_subsystem_version"),
                                           Hex("win32_version_value_hex"),
                                           Int("size_of_image", 0),
                                           Int("size_of_headers", 0),
                                           Hex("checksum_hex"),
                                           Hex("subsystem_hex"),
                                           Hex("dll_characteristics_hex"),
                                           Int("size_of_stack_reserve", 0),
                                           Int("size_of_stack_commit", 0),
                                           Int("size_of_heap_reserve", 0),
                                           Int("size_of_heap_commit", 0),
                                           Hex("loader_flags_hex"),
                                           Int("number_of_rva_and_sizes"),
                                           Hashes("hashes")};
constexpr Shape kPeOptionalHeader{.name = "windows-pe-optional-header",
                                  .props = kPeOptionalHeaderProps,
                                  .check = Check::kAtLeastOneExtensionProperty};
constexpr Prop kPeSectionProps[] = {Str("name", kReq), Int("size", 0),
                                    Num("entropy", 0, std::numeric_limits<int64_t>::max()),
                                    Hashes("hashes")};
constexpr Shape kPeSection{.name = "windows-pe-section", .props = kPeSectionProps};
constexpr Prop kPeBinaryExtProps[] = {Ov("pe_type", kPeBinaryType, kReq),
                                      Str("imphash"),
                                      Hex("machine_hex"),
                                      Int("number_of_sections", 0),
                                      Ts("time_date_stamp"),
                                      Hex("pointer_to_symbol_table_hex"),
                                      Int("number_of_symbols", 0),
                                      Int("size_of_optional_header", 0),
                                      Hex("characteristics_hex"),
                                      Hashes("file_header_hashes"),
                                      Obj("optional_header", &kPeOptionalHeader),
                                      ObjList("sections", &kPeSection)};
constexpr Shape kPeBinaryExt{.name = "windows-pebinary-ext", .props = kPeBinaryExtProps};
constexpr ExtensionShape kFileExtensions[] = {{"archive-ext", &kArchiveExt},
                                              {"ntfs-ext", &kNtfsExt},
                                              {"pdf-ext", &kPdfExt},
                                              {"raster-image-ext", &kRasterImageExt},
                                              {"windows-pebinary-ext", &kPeBinaryExt}};
constexpr Prop kFileProps[] = {Hashes("hashes"),
                               Int("size", 0),
                               Str("name"),
                               Str("name_enc"),
                               Hex("magic_number_hex"),
                               Str("mime_type"),
                               Ts("ctime"),
                               Ts("mtime"),
                               Ts("atime"),
                               Ref("parent_directory_ref", kToDirectory),
                               RefsOf("contains_refs", RefClass::kSco),
                               Ref("content_ref", kToArtifact)};

constexpr Prop kIpv4Props[] = {Str("value", kReq), Refs("resolves_to_refs", kToMac),
                               Refs("belongs_to_refs", kToAs)};
constexpr Prop kMacProps[] = {Str("value", kReq)};
constexpr Prop kMutexProps[] = {Str("name", kReq)};

// network-traffic and its extensions (§6.12)
constexpr Prop kHttpRequestExtProps[] = {
    Str("request_method", kReq),   Str("request_value", kReq),
    Str("request_version"),        Dict("request_header"),
    Int("message_body_length", 0), Ref("message_body_data_ref", kToArtifact)};
constexpr Shape kHttpRequestExt{.name = "http-request-ext", .props = kHttpRequestExtProps};
constexpr Prop kIcmpExtProps[] = {Hex("icmp_type_hex", kReq), Hex("icmp_code_hex", kReq)};
constexpr Shape kIcmpExt{.name = "icmp-ext", .props = kIcmpExtProps};
constexpr Prop kSocketExtProps[] = {Enum("address_family", kSocketAddressFamily, kReq),
                                    Bool("is_blocking"),
                                    Bool("is_listening"),
                                    Dict("options"),
                                    Enum("socket_type", kSocketType),
                                    Int("socket_descriptor", 0),
                                    Int("socket_handle")};
constexpr Shape kSocketExt{.name = "socket-ext", .props = kSocketExtProps};
constexpr Prop kTcpExtProps[] = {Hex("src_flags_hex"), Hex("dst_flags_hex")};
constexpr Shape kTcpExt{
    .name = "tcp-ext", .props = kTcpExtProps, .check = Check::kAtLeastOneExtensionProperty};
constexpr ExtensionShape kNetworkTrafficExtensions[] = {{"http-request-ext", &kHttpRequestExt},
                                                        {"icmp-ext", &kIcmpExt},
                                                        {"socket-ext", &kSocketExt},
                                                        {"tcp-ext", &kTcpExt}};
constexpr Prop kNetworkTrafficProps[] = {Ts("start"),
                                         Ts("end"),
                                         Bool("is_active"),
                                         Ref("src_ref", kToNetworkEndpoint),
                                         Ref("dst_ref", kToNetworkEndpoint),
                                         Int("src_port", 0, 65535),
                                         Int("dst_port", 0, 65535),
                                         StrList("protocols", kReq),
                                         Int("src_byte_count", 0),
                                         Int("dst_byte_count", 0),
                                         Int("src_packets", 0),
                                         Int("dst_packets", 0),
                                         Dict("ipfix"),
                                         Ref("src_payload_ref", kToArtifact),
                                         Ref("dst_payload_ref", kToArtifact),
                                         Refs("encapsulates_refs", kToNetworkTraffic),
                                         Ref("encapsulated_by_ref", kToNetworkTraffic)};
constexpr TimeOrder kNetworkTrafficOrders[] = {{"start", "end", false}};

// process and its extensions (§6.13)
constexpr Prop kWindowsProcessExtProps[] = {Bool("aslr_enabled"),
                                            Bool("dep_enabled"),
                                            Str("priority"),
                                            Str("owner_sid"),
                                            Str("window_title"),
                                            Dict("startup_info"),
                                            Enum("integrity_level", kIntegrityLevel)};
constexpr Shape kWindowsProcessExt{.name = "windows-process-ext",
                                   .props = kWindowsProcessExtProps,
                                   .check = Check::kAtLeastOneExtensionProperty};
constexpr Prop kWindowsServiceExtProps[] = {Str("service_name"),
                                            StrList("descriptions"),
                                            Str("display_name"),
                                            Str("group_name"),
                                            Enum("start_type", kServiceStartType),
                                            Refs("service_dll_refs", kToFile),
                                            Enum("service_type", kServiceType),
                                            Enum("service_status", kServiceStatus)};
constexpr Shape kWindowsServiceExt{.name = "windows-service-ext",
                                   .props = kWindowsServiceExtProps,
                                   .check = Check::kAtLeastOneExtensionProperty};
constexpr ExtensionShape kProcessExtensions[] = {{"windows-process-ext", &kWindowsProcessExt},
                                                 {"windows-service-ext", &kWindowsServiceExt}};
constexpr Prop kProcessProps[] = {Bool("is_hidden"),
                                  Int("pid"),
                                  Ts("created_time"),
                                  Str("cwd"),
                                  Str("command_line"),
                                  Dict("environment_variables"),
                                  Refs("opened_connection_refs", kToNetworkTraffic),
                                  Ref("creator_user_ref", kToUserAccount),
                                  Ref("image_ref", kToFile),
                                  Ref("parent_ref", kToProcess),
                                  Refs("child_refs", kToProcess)};

constexpr Prop kSoftwareProps[] = {Str("name", kReq),    Str("cpe"),    Str("swid"),
                                   StrList("languages"), Str("vendor"), Str("version")};
constexpr Prop kUrlProps[] = {Str("value", kReq)};

constexpr Prop kUnixAccountExtProps[] = {Int("gid"), StrList("groups"), Str("home_dir"),
                                         Str("shell")};
constexpr Shape kUnixAccountExt{.name = "unix-account-ext",
                                .props = kUnixAccountExtProps,
                                .check = Check::kAtLeastOneExtensionProperty};
constexpr ExtensionShape kUserAccountExtensions[] = {{"unix-account-ext", &kUnixAccountExt}};
constexpr Prop kUserAccountProps[] = {Str("user_id"),
                                      Str("credential"),
                                      Str("account_login"),
                                      Ov("account_type", kAccountType),
                                      Str("display_name"),
                                      Bool("is_service_account"),
                                      Bool("is_privileged"),
                                      Bool("can_escalate_privs"),
                                      Bool("is_disabled"),
                                      Ts("account_created"),
                                      Ts("account_expires"),
                                      Ts("credential_last_changed"),
                                      Ts("account_first_login"),
                                      Ts("account_last_login")};

constexpr Prop kRegistryValueProps[] = {Str("name"), Str("data"),
                                        Enum("data_type", kRegistryDatatype)};
constexpr Shape kRegistryValue{.name = "windows-registry-value",
                               .props = kRegistryValueProps,
                               .check = Check::kAtLeastOneExtensionProperty};
constexpr Prop kRegistryKeyProps[] = {Str("key"), ObjList("values", &kRegistryValue),
                                      Ts("modified_time"), Ref("creator_user_ref", kToUserAccount),
                                      Int("number_of_subkeys", 0)};

constexpr Prop kX509V3ExtensionsProps[] = {Str("basic_constraints"),
                                           Str("name_constraints"),
                                           Str("policy_constraints"),
                                           Str("key_usage"),
                                           Str("extended_key_usage"),
                                           Str("subject_key_identifier"),
                                           Str("authority_key_identifier"),
                                           Str("subject_alternative_name"),
                                           Str("issuer_alternative_name"),
                                           Str("subject_directory_attributes"),
                                           Str("crl_distribution_points"),
                                           Str("inhibit_any_policy"),
                                           Ts("private_key_usage_period_not_before"),
                                           Ts("private_key_usage_period_not_after"),
                                           Str("certificate_policies"),
                                           Str("policy_mappings")};
constexpr Shape kX509V3Extensions{.name = "x509-v3-extensions",
                                  .props = kX509V3ExtensionsProps,
                                  .check = Check::kAtLeastOneExtensionProperty};
constexpr Prop kX509Props[] = {Bool("is_self_signed"),
                               Hashes("hashes"),
                               Str("version"),
                               Str("serial_number"),
                               Str("signature_algorithm"),
                               Str("issuer"),
                               Ts("validity_not_before"),
                               Ts("validity_not_after"),
                               Str("subject"),
                               Str("subject_public_key_algorithm"),
                               Str("subject_public_key_modulus"),
                               Int("subject_public_key_exponent"),
                               Obj("x509_v3_extensions", &kX509V3Extensions)};
constexpr TimeOrder kX509Orders[] = {{"validity_not_before", "validity_not_after", false}};

// ---- meta objects (§7) ----
constexpr Prop kLanguageContentProps[] = {
    RefOf("object_ref", RefClass::kAnyButBundle, kReq),
    Ts("object_modified"),
    {.name = "contents", .kind = Kind::kLanguageContents, .required = true}};
constexpr Prop kMarkingDefinitionProps[] = {Str("type", kReq),
                                            Enum("spec_version", kSpecVersion, kReq),
                                            Str("id", kReq),
                                            Ref("created_by_ref", kToIdentity),
                                            TsMs("created", kReq),
                                            ObjList("external_references", &kExternalReference),
                                            Refs("object_marking_refs", kToMarking),
                                            ObjList("granular_markings", &kGranularMarking),
                                            {.name = "extensions", .kind = Kind::kExtensions},
                                            Str("name"),
                                            Str("definition_type"),
                                            Any("definition")};
constexpr Prop kExtensionDefinitionProps[] = {Str("name", kReq),
                                              Str("description"),
                                              Str("schema", kReq),
                                              Str("version", kReq),
                                              EnumList("extension_types", kExtensionType, kReq),
                                              StrList("extension_properties")};

// ---- the incident extensions (stix/incident_extensions.h) ----
// The OASIS Incident Extension Suite as pinned in tests/data/incident/oasis/ (schemas of the
// "sequence entry" generation; vocabularies from the prose specification of 20 February 2024,
// §4-5, see that folder's README), and Tessera's own incident extension (docs/incidents.md,
// tests/data/incident/tessera-incident-extension.json).
constexpr SV kNewSdo[] = {"new-sdo"};
constexpr SV kPropertyExtension[] = {"property-extension"};
constexpr SV kToEvent[] = {"event"};
constexpr SV kToTask[] = {"task"};
constexpr SV kToEventOrTask[] = {"event", "task"};
constexpr SV kToImpact[] = {"impact"};
constexpr SV kToSighting[] = {"sighting"};
constexpr SV kToIncident[] = {"incident"};

constexpr SV kIncidentDetermination[] = {"blocked", "confirmed", "failed-attempt", "false-positive",
                                         "suspected"};
constexpr SV kIncidentInvestigation[] = {"closed", "new", "open"};
// The prose lists "propriety-solution"; the other generation of the schemas "proprietary-solution".
constexpr SV kDetectionMethods[] = {
    "automated-tool",       "commercial-solution",   "external-notification",
    "human-review",         "message-from-attacker", "propriety-solution",
    "proprietary-solution", "system-outage",         "user-reporting"};
constexpr SV kEventType[] = {"aggregation-information-phishing-schemes",
                             "benign",
                             "blocked",
                             "brute-force-attempt",
                             "c&c-server-hosting",
                             "compromised-system",
                             "confirmed",
                             "connection-malware-port",
                             "connection-malware-system",
                             "content-forbidden-by-law",
                             "control-system-bypass",
                             "copyrighted-content",
                             "data-exfiltration",
                             "deferred",
                             "deletion-information",
                             "denial-of-service",
                             "destruction",
                             "dictionary-attack-attempt",
                             "discarded",
                             "disruption-data-transmission",
                             "dissemination-malware-email",
                             "dissemination-phishing-emails",
                             "dns-cache-poisoning",
                             "dns-local-resolver-hijacking",
                             "dns-spoofing-registered",
                             "dns-rebinding",
                             "dns-server-compromise",
                             "dns-spoofing-unregistered",
                             "dns-stub-resolver-hijacking",
                             "dns-zone-transfer",
                             "domain-name-compromise",
                             "duplicate",
                             "email-flooding",
                             "equipment-loss",
                             "equipment-theft",
                             "exploit",
                             "exploit-attempt",
                             "exploit-framework-exhausting-resources",
                             "exploit-tool-exhausting-resources",
                             "failed",
                             "file-inclusion",
                             "file-inclusion-attempt",
                             "hosting-malware-webpage",
                             "hosting-phishing-sites",
                             "illegitimate-use-name",
                             "illegitimate-use-resources",
                             "infected-by-known-malware",
                             "insufficient-data",
                             "known-malware",
                             "lame-delegations",
                             "major",
                             "modification-information",
                             "misconfiguration",
                             "natural",
                             "negotiation",
                             "network-scanning",
                             "no-apt",
                             "packet-flood",
                             "password-cracking-attempt",
                             "policy-violation",
                             "ransomware",
                             "ransomware-payment",
                             "refuted",
                             "scan-probe",
                             "silently-discarded",
                             "supply-chain-customer",
                             "supply-chain-vendor",
                             "spam",
                             "sql-injection",
                             "sql-injection-attempt",
                             "successful",
                             "system-probe",
                             "theft-access-credentials",
                             "unattributed",
                             "unauthorized-access-information",
                             "unauthorized-access-system",
                             "unauthorized-equipment",
                             "unauthorized-release",
                             "unauthorized-use",
                             "undetermined",
                             "unintentional",
                             "unknown-apt",
                             "unspecified",
                             "vandalism",
                             "wiretapping",
                             "worm-spreading",
                             "xss",
                             "xss-attempt"};
constexpr SV kRecoverability[] = {"extended", "not-applicable", "not-recoverable", "regular",
                                  "supplemented"};
constexpr SV kActivityCondition[] = {"optional", "required", "unknown"};
constexpr SV kActivityTransition[] = {"completion", "failure", "success", "unknown"};
constexpr SV kEventStatus[] = {"ongoing", "occurred", "not-occurred", "pending", "undetermined"};
constexpr SV kTaskOutcome[] = {"cancelled", "failed",     "ongoing",
                               "pending",   "successful", "unknown"};
constexpr SV kTimestampFidelity[] = {"second", "minute", "hour", "day", "month", "year"};
constexpr SV kTaskType[] = {"administrative",
                            "attribution",
                            "containment",
                            "declared",
                            "detected",
                            "eradication",
                            "escalated",
                            "exercised-control",
                            "external-intelligence",
                            "external-outreach",
                            "external-support",
                            "implemented-control",
                            "investigation",
                            "negotiation",
                            "playbook-execution",
                            "playbook-step-execution",
                            "ransom-payment",
                            "recovery",
                            "reported",
                            "routine-updates",
                            "victim-notification"};
constexpr SV kStateChangeType[] = {"caused",    "contributed-to", "input",
                                   "mitigated", "output",         "resolved"};
constexpr SV kConfidentialityLoss[] = {"confirmed-loss", "contained", "exploited-loss",
                                       "suspected-loss", "none"};
constexpr SV kInformationType[] = {"classified-material",
                                   "communication",
                                   "credentials-admin",
                                   "credentials-user",
                                   "financial",
                                   "legal",
                                   "payment",
                                   "phi",
                                   "pii",
                                   "proprietary",
                                   "system"};
constexpr SV kExternalImpact[] = {"economic",          "emergency-services", "foreign-relations",
                                  "national-security", "public-confidence",  "public-health",
                                  "public-safety"};
constexpr SV kIntegrityAlteration[] = {"potential-destruction",
                                       "potential-modification",
                                       "partial-destruction",
                                       "partial-modification",
                                       "full-destruction",
                                       "full-modification",
                                       "none"};
// The pinned schema's four values (the prose adds "unknown").
constexpr SV kPhysicalImpact[] = {"damaged-functional", "damaged-nonfunctional", "destruction",
                                  "none"};
constexpr SV kAssetType[] = {"building-doors",
                             "building-windows",
                             "buildings",
                             "computers-mobile",
                             "computers-personal",
                             "computers-server",
                             "environment",
                             "ics-actuator",
                             "ics-engineering-workstation",
                             "ics-historian",
                             "ics-hmi",
                             "ics-other",
                             "ics-plc",
                             "ics-safety-system",
                             "ics-sensor",
                             "inventory",
                             "network-device",
                             "private-infrastructure",
                             "public-infrastructure",
                             "security-containers",
                             "vehicles"};
constexpr SV kTraceability[] = {"accountability-lost", "partial-accountability",
                                "provable-accountability"};
constexpr SV kMonetaryImpactType[] = {
    "asset-and-fraud",       "brand-damage",    "business-disruption", "competitive-advantage",
    "legal-and-regulatory",  "operating-costs", "ransom-demand",       "ransom-payment",
    "response-and-recovery", "uncategorized"};
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();

constexpr Prop CountDict(SV n) { return {.name = n, .kind = Kind::kCountDictionary}; }

// Sequence entries (prose §3.2-3.7).
constexpr Prop kEventStepProps[] = {Enum("condition_type", kActivityCondition, kReq),
                                    Ref("event_ref", kToEvent, kReq),
                                    Enum("transition_type", kActivityTransition, kReq)};
constexpr Shape kEventStep{.name = "event-sequence-entry", .props = kEventStepProps};
constexpr Prop kEventEntryProps[] = {Ref("event_ref", kToEvent, kReq), Bool("sequence_start"),
                                     ObjList("next_steps", &kEventStep)};
constexpr Shape kEventEntry{.name = "event-entry", .props = kEventEntryProps};
constexpr Prop kTaskStepProps[] = {Enum("condition_type", kActivityCondition, kReq),
                                   Ref("task_ref", kToTask, kReq),
                                   Enum("transition_type", kActivityTransition, kReq)};
constexpr Shape kTaskStep{.name = "task-sequence-entry", .props = kTaskStepProps};
constexpr Prop kTaskEntryProps[] = {Ref("task_ref", kToTask, kReq), Bool("sequence_start"),
                                    ObjList("next_steps", &kTaskStep)};
constexpr Shape kTaskEntry{.name = "task-entry", .props = kTaskEntryProps};
// A task's subtasks: the pinned task schema lets a next step name an event or a task.
constexpr Prop kSubtaskStepProps[] = {Enum("condition_type", kActivityCondition, kReq),
                                      Ref("task_ref", kToEventOrTask, kReq),
                                      Enum("transition_type", kActivityTransition, kReq)};
constexpr Shape kSubtaskStep{.name = "task-sequence-entry", .props = kSubtaskStepProps};
constexpr Prop kSubtaskEntryProps[] = {Ref("task_ref", kToTask, kReq), Bool("sequence_start"),
                                       ObjList("next_steps", &kSubtaskStep)};
constexpr Shape kSubtaskEntry{.name = "task-entry", .props = kSubtaskEntryProps};
constexpr Prop kScoreProps[] = {
    Str("name", kReq),
    {.name = "value", .kind = Kind::kNumber, .required = true, .min = kI64Min, .max = kI64Max},
    Str("description")};
constexpr Shape kScore{.name = "incident-score", .props = kScoreProps};
constexpr Prop kStateChangeProps[] = {Ov("state_change_type", kStateChangeType, kReq),
                                      RefOf("initial_ref", RefClass::kSdo),
                                      RefOf("result_ref", RefClass::kSdo)};
constexpr Shape kStateChange{
    .name = "state-change", .props = kStateChangeProps, .check = Check::kStateChange};

// Incident Core (§2.1): the extension object.
constexpr Prop kIncidentCoreProps[] = {Enum("extension_type", kPropertyExtension, kReq),
                                       Enum("determination", kIncidentDetermination, kReq),
                                       Ov("investigation_status", kIncidentInvestigation, kReq),
                                       Int("criticality", 0, 100),
                                       OvList("detection_methods", kDetectionMethods),
                                       ObjList("events", &kEventEntry),
                                       ObjList("tasks", &kTaskEntry),
                                       Refs("impact_refs", kToImpact),
                                       CountDict("impacted_entity_counts"),
                                       OvList("incident_types", kEventType),
                                       Enum("recoverability", kRecoverability),
                                       ObjList("scores", &kScore)};
constexpr Shape kIncidentCore{
    .name = "incident core extension", .props = kIncidentCoreProps, .check = Check::kIncidentCore};

// The extension object of a new SDO: only its extension_type.
constexpr Prop kNewSdoExtensionProps[] = {Enum("extension_type", kNewSdo, kReq)};
constexpr Shape kNewSdoExtension{.name = "new-sdo extension", .props = kNewSdoExtensionProps};

constexpr TimeOrder kActivityOrders[] = {{"created", "modified", false},
                                         {"start_time", "end_time", false}};

// Task (§2.4), Event (§2.2): top-level properties besides the common ones.
constexpr Prop kTaskProps[] = {Enum("outcome", kTaskOutcome, kReq),
                               Str("name"),
                               Str("description"),
                               OvList("task_types", kTaskType),
                               ObjList("changed_objects", &kStateChange),
                               Ts("start_time"),
                               Enum("start_time_fidelity", kTimestampFidelity),
                               Ts("end_time"),
                               Enum("end_time_fidelity", kTimestampFidelity),
                               Str("error"),
                               Int("priority", 0, 100),
                               ObjList("subtasks", &kSubtaskEntry)};
constexpr Prop kEventProps[] = {Enum("status", kEventStatus, kReq),
                                Str("name"),
                                Str("description"),
                                Str("goal"),
                                OvList("event_types", kEventType),
                                ObjList("changed_objects", &kStateChange),
                                Ts("start_time"),
                                Enum("start_time_fidelity", kTimestampFidelity),
                                Ts("end_time"),
                                Enum("end_time_fidelity", kTimestampFidelity),
                                Refs("sighting_refs", kToSighting),
                                ObjList("subevents", &kEventEntry)};

// Impact (§2.3) and its category extensions (§2.3.2).
constexpr Prop kAvailabilityImpactProps[] = {Int("availability_impact", 0, 100, kReq)};
constexpr Prop kConfidentialityImpactProps[] = {Enum("loss_type", kConfidentialityLoss, kReq),
                                                Ov("information_type", kInformationType),
                                                Int("record_count", 0), Int("record_size", 0)};
constexpr Prop kExternalImpactProps[] = {Ov("impact_type", kExternalImpact, kReq)};
constexpr Prop kIntegrityImpactProps[] = {Enum("alteration", kIntegrityAlteration, kReq),
                                          Ov("information_type", kInformationType),
                                          Int("record_count", 0), Int("record_size", 0)};
constexpr Prop kMonetaryImpactProps[] = {Ov("variety", kMonetaryImpactType, kReq),
                                         Str("currency"),
                                         Str("currency_actual"),
                                         Num("conversion_rate", 0, kI64Max),
                                         Ts("conversion_time"),
                                         Num("max_amount", 0, kI64Max),
                                         Num("min_amount", 0, kI64Max)};
constexpr Prop kPhysicalImpactProps[] = {Enum("impact_type", kPhysicalImpact, kReq),
                                         Ov("asset_type", kAssetType)};
constexpr Prop kTraceabilityImpactProps[] = {Enum("traceability_impact", kTraceability, kReq)};
constexpr Shape kAvailabilityImpact{.name = "availability-ext", .props = kAvailabilityImpactProps};
constexpr Shape kConfidentialityImpact{.name = "confidentiality-ext",
                                       .props = kConfidentialityImpactProps,
                                       .check = Check::kConfidentialityImpact};
constexpr Shape kExternalImpactShape{.name = "external-ext", .props = kExternalImpactProps};
constexpr Shape kIntegrityImpact{
    .name = "integrity-ext", .props = kIntegrityImpactProps, .check = Check::kIntegrityImpact};
constexpr Shape kMonetaryImpact{
    .name = "monetary-ext", .props = kMonetaryImpactProps, .check = Check::kMonetaryImpact};
constexpr Shape kPhysicalImpactShape{
    .name = "physical-ext", .props = kPhysicalImpactProps, .check = Check::kPhysicalImpact};
constexpr Shape kTraceabilityImpact{.name = "traceability-ext", .props = kTraceabilityImpactProps};
constexpr ExtensionShape kImpactExtensions[] = {
    {"availability-ext", &kAvailabilityImpact}, {"confidentiality-ext", &kConfidentialityImpact},
    {"external-ext", &kExternalImpactShape},    {"integrity-ext", &kIntegrityImpact},
    {"monetary-ext", &kMonetaryImpact},         {"physical-ext", &kPhysicalImpactShape},
    {"traceability-ext", &kTraceabilityImpact}};
constexpr Prop kImpactProps[] = {Str("impact_category", kReq),
                                 Int("criticality", 0, 100),
                                 Str("description"),
                                 CountDict("impacted_entity_counts"),
                                 RefsOf("impacted_refs", RefClass::kSdoOrSco),
                                 Enum("recoverability", kRecoverability),
                                 Ts("start_time"),
                                 Enum("start_time_fidelity", kTimestampFidelity),
                                 Ts("end_time"),
                                 Enum("end_time_fidelity", kTimestampFidelity),
                                 Ref("superseded_by_ref", kToImpact)};

constexpr Shape kTaskShape{
    .name = "task", .props = kTaskProps, .base = &kCore, .orders = kActivityOrders};
constexpr Shape kEventShape{
    .name = "event", .props = kEventProps, .base = &kCore, .orders = kActivityOrders};
constexpr Shape kImpactShape{.name = "impact",
                             .props = kImpactProps,
                             .base = &kCore,
                             .check = Check::kIncidentImpact,
                             .orders = kActivityOrders,
                             .extensions = kImpactExtensions};

// Tessera's incident extension (docs/incidents.md).
constexpr SV kTesseraStage[] = {"new",         "triage",   "containment",
                                "eradication", "recovery", "closed"};
constexpr SV kTesseraSeverity[] = {"low", "medium", "high", "critical"};
constexpr SV kTesseraRole[] = {"lead", "responder", "observer", "reporter"};
constexpr Prop kParticipantProps[] = {Ref("organization_ref", kToIdentity, kReq),
                                      Enum("role", kTesseraRole, kReq), Ts("invited"), Ts("seen"),
                                      Ts("acknowledged")};
constexpr Shape kParticipant{
    .name = "participant", .props = kParticipantProps, .check = Check::kParticipant};
constexpr Prop kTesseraIncidentProps[] = {Enum("extension_type", kPropertyExtension, kReq),
                                          Str("case_number", kReq),
                                          Ref("lead_organization_ref", kToIdentity, kReq),
                                          Enum("stage", kTesseraStage, kReq),
                                          Enum("severity", kTesseraSeverity),
                                          Bool("exercise"),
                                          ObjList("participants", &kParticipant, kReq),
                                          Str("closing_summary")};
constexpr Shape kTesseraIncident{.name = "Tessera incident extension",
                                 .props = kTesseraIncidentProps,
                                 .check = Check::kTesseraIncident};
constexpr Prop kTesseraTaskProps[] = {Enum("extension_type", kPropertyExtension, kReq),
                                      Ref("incident_ref", kToIncident, kReq),
                                      Bool("mandatory"),
                                      Ts("due"),
                                      Ref("assignee_organization_ref", kToIdentity),
                                      Str("assignee_user"),
                                      Str("group"),
                                      Int("order", 0, 1'000'000)};
constexpr Shape kTesseraTask{.name = "Tessera task extension", .props = kTesseraTaskProps};

constexpr TypedShape kIncidentCoreShapes[] = {{"incident", &kIncidentCore}};
constexpr TypedShape kTaskShapes[] = {{"task", &kTaskShape}};
constexpr TypedShape kEventShapes[] = {{"event", &kEventShape}};
constexpr TypedShape kImpactShapes[] = {{"impact", &kImpactShape}};
constexpr TypedShape kTesseraShapes[] = {{"incident", &kTesseraIncident}, {"task", &kTesseraTask}};
constexpr DefinedExtension kDefinedExtensions[] = {
    {kIncidentCoreExtensionId, "the OASIS Incident Core extension", "property-extension",
     kIncidentCoreShapes},
    {kTaskExtensionId, "the OASIS Task extension", "new-sdo", kTaskShapes},
    {kEventExtensionId, "the OASIS Event extension", "new-sdo", kEventShapes},
    {kImpactExtensionId, "the OASIS Impact extension", "new-sdo", kImpactShapes},
    {kTesseraIncidentExtensionId, "Tessera's incident extension", "property-extension",
     kTesseraShapes},
};

struct Entry {
  SV type;
  Shape shape;
};

constexpr Shape Sdo(SV type, std::span<const Prop> props, Check check = Check::kNone,
                    std::span<const TimeOrder> orders = kCoreOrders) {
  return {.name = type, .props = props, .base = &kCore, .check = check, .orders = orders};
}
constexpr Shape Sco(SV type, std::span<const Prop> props, Check check = Check::kNone,
                    std::span<const ExtensionShape> ext = {},
                    std::span<const TimeOrder> orders = {}) {
  return {.name = type,
          .props = props,
          .base = &kScoCore,
          .check = check,
          .orders = orders,
          .extensions = ext};
}

// Sorted by type name for binary search.
constexpr Entry kShapes[] = {
    {"artifact", Sco("artifact", kArtifactProps, Check::kArtifact)},
    {"attack-pattern", Sdo("attack-pattern", kAttackPatternProps)},
    {"autonomous-system", Sco("autonomous-system", kAutonomousSystemProps)},
    {"campaign", Sdo("campaign", kCampaignProps, Check::kNone, kSeenOrders)},
    {"course-of-action", Sdo("course-of-action", kCourseOfActionProps)},
    {"directory", Sco("directory", kDirectoryProps)},
    {"domain-name", Sco("domain-name", kDomainNameProps)},
    {"email-addr", Sco("email-addr", kEmailAddrProps, Check::kEmailAddrValue)},
    {"email-message", Sco("email-message", kEmailMessageProps, Check::kEmailMessage)},
    {"extension-definition",
     Sdo("extension-definition", kExtensionDefinitionProps, Check::kExtensionDefinition)},
    {"file", Sco("file", kFileProps, Check::kFile, kFileExtensions)},
    {"grouping", Sdo("grouping", kGroupingProps)},
    {"identity", Sdo("identity", kIdentityProps)},
    {"incident", Sdo("incident", kIncidentProps)},
    {"indicator", Sdo("indicator", kIndicatorProps, Check::kIndicator, kIndicatorOrders)},
    {"infrastructure", Sdo("infrastructure", kInfrastructureProps, Check::kNone, kSeenOrders)},
    {"intrusion-set", Sdo("intrusion-set", kIntrusionSetProps, Check::kNone, kSeenOrders)},
    {"ipv4-addr", Sco("ipv4-addr", kIpv4Props, Check::kIpv4Value)},
    {"ipv6-addr", Sco("ipv6-addr", kIpv4Props, Check::kIpv6Value)},
    {"language-content", Sdo("language-content", kLanguageContentProps)},
    {"location", Sdo("location", kLocationProps, Check::kLocation)},
    {"mac-addr", Sco("mac-addr", kMacProps, Check::kMacValue)},
    {"malware", Sdo("malware", kMalwareProps, Check::kMalware, kSeenOrders)},
    {"malware-analysis", Sdo("malware-analysis", kMalwareAnalysisProps, Check::kMalwareAnalysis,
                             kMalwareAnalysisOrders)},
    {"marking-definition",
     {.name = "marking-definition",
      .props = kMarkingDefinitionProps,
      .check = Check::kMarkingDefinition}},
    {"mutex", Sco("mutex", kMutexProps)},
    {"network-traffic", Sco("network-traffic", kNetworkTrafficProps, Check::kNetworkTraffic,
                            kNetworkTrafficExtensions, kNetworkTrafficOrders)},
    {"note", Sdo("note", kNoteProps)},
    {"observed-data",
     Sdo("observed-data", kObservedDataProps, Check::kObservedData, kObservedDataOrders)},
    {"opinion", Sdo("opinion", kOpinionProps)},
    {"process", Sco("process", kProcessProps, Check::kAtLeastOneProperty, kProcessExtensions)},
    {"relationship", Sdo("relationship", kRelationshipProps, Check::kNone, kRelationshipOrders)},
    {"report", Sdo("report", kReportProps)},
    {"sighting", Sdo("sighting", kSightingProps, Check::kNone, kSeenOrders)},
    {"software", Sco("software", kSoftwareProps)},
    {"threat-actor", Sdo("threat-actor", kThreatActorProps, Check::kNone, kSeenOrders)},
    {"tool", Sdo("tool", kToolProps)},
    {"url", Sco("url", kUrlProps, Check::kUrlValue)},
    {"user-account",
     Sco("user-account", kUserAccountProps, Check::kAtLeastOneProperty, kUserAccountExtensions)},
    {"vulnerability", Sdo("vulnerability", kVulnerabilityProps)},
    {"windows-registry-key",
     Sco("windows-registry-key", kRegistryKeyProps, Check::kWindowsRegistryKey)},
    {"x509-certificate",
     Sco("x509-certificate", kX509Props, Check::kAtLeastOneProperty, {}, kX509Orders)},
};

constexpr bool Sorted() {
  for (size_t i = 1; i < std::size(kShapes); ++i) {
    if (!(kShapes[i - 1].type < kShapes[i].type)) return false;
  }
  return true;
}
static_assert(Sorted(), "kShapes must be sorted by type name");

}  // namespace

const Shape* FindShape(std::string_view type) {
  const auto* it = std::lower_bound(std::begin(kShapes), std::end(kShapes), type,
                                    [](const Entry& e, std::string_view t) { return e.type < t; });
  if (it == std::end(kShapes) || it->type != type) return nullptr;
  return &it->shape;
}

const DefinedExtension* FindDefinedExtension(std::string_view id) {
  for (const DefinedExtension& d : kDefinedExtensions) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

const Shape& NewSdoExtensionShape() { return kNewSdoExtension; }
const Shape& CustomSdoShape() { return kCustomSdo; }
const Shape& CustomScoShape() { return kCustomSco; }
std::span<const std::string_view> HashAlgorithms() { return kHashAlgorithm; }

}  // namespace tessera::stix::schema
