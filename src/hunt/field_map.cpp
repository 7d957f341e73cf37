#include "hunt/field_map.h"

#include "hunt/index_tables.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cassert>
#include <initializer_list>
#include <sstream>

namespace tessera::hunt {
namespace {

constexpr std::string_view kUserAgentPath =
    "network-traffic:extensions.http-request-ext.request_header.User-Agent";
constexpr std::string_view kSrcPort = "network-traffic:src_port";
constexpr std::string_view kDstPort = "network-traffic:dst_port";

struct RuleSpec {
  std::string_view field;
  FieldKind kind;
  AddressRole role = AddressRole::kAny;
  std::string_view object_path = {};
  std::optional<HashAlgorithm> algorithm = std::nullopt;
};

constexpr AddressRole kSrc = AddressRole::kSource;
constexpr AddressRole kDst = AddressRole::kDestination;
constexpr AddressRole kAny = AddressRole::kAny;

FieldMap MakeBuiltin(std::string name, std::initializer_list<RuleSpec> specs) {
  std::vector<FieldRule> rules;
  for (const RuleSpec& s : specs) {
    FieldRule r;
    r.field = std::string(s.field);
    r.kind = s.kind;
    r.role = s.role;
    r.object_path = std::string(s.object_path);
    r.hash_algorithm = s.algorithm;
    rules.push_back(std::move(r));
  }
  auto map = FieldMap::Create(std::move(name), std::move(rules));
  assert(map.ok());
  return std::move(map).value();
}

RuleSpec Other(std::string_view field, std::string_view path, AddressRole role = kAny) {
  return {field, FieldKind::kOther, role, path};
}
RuleSpec HashOf(std::string_view field, HashAlgorithm a) {
  return {field, FieldKind::kHash, kAny, {}, a};
}

}  // namespace

std::string_view FieldKindName(FieldKind kind) {
  switch (kind) {
    case FieldKind::kIp:
      return "ip";
    case FieldKind::kDomain:
      return "domain";
    case FieldKind::kHost:
      return "host";
    case FieldKind::kUrl:
      return "url";
    case FieldKind::kEmail:
      return "email";
    case FieldKind::kHash:
      return "hash";
    case FieldKind::kHashList:
      return "hash-list";
    case FieldKind::kHostList:
      return "host-list";
    case FieldKind::kOther:
      return "other";
    case FieldKind::kUrlHost:
      return "url-host";
    case FieldKind::kUrlPath:
      return "url-path";
    case FieldKind::kTime:
      return "time";
    case FieldKind::kEventType:
      return "type";
  }
  return "?";
}

std::optional<FieldKind> FieldKindFromName(std::string_view name) {
  for (FieldKind k :
       {FieldKind::kIp, FieldKind::kDomain, FieldKind::kHost, FieldKind::kUrl, FieldKind::kEmail,
        FieldKind::kHash, FieldKind::kHashList, FieldKind::kHostList, FieldKind::kOther,
        FieldKind::kUrlHost, FieldKind::kUrlPath, FieldKind::kTime, FieldKind::kEventType}) {
    if (FieldKindName(k) == name) return k;
  }
  return std::nullopt;
}

Result<FieldMap> FieldMap::Create(std::string name, std::vector<FieldRule> rules,
                                  std::string url_scheme) {
  if (name.empty()) return InvalidArgument("a field map needs a name");
  FieldMap m;
  m.name_ = std::move(name);
  m.url_scheme_ = std::move(url_scheme);
  size_t names = 0;
  for (const FieldRule& r : rules)
    names += 1 + static_cast<size_t>(std::count(r.field.begin(), r.field.end(), '.'));
  size_t capacity = 16;
  while (capacity < names * 2) capacity <<= 1;
  m.slots_.resize(capacity);
  m.mask_ = capacity - 1;
  for (size_t i = 0; i < rules.size(); ++i) {
    const FieldRule& r = rules[i];
    if (r.field.empty()) return InvalidArgument("a field rule needs a field name");
    if (r.kind == FieldKind::kOther && r.object_path.find(':') == std::string::npos) {
      return InvalidArgument("field '" + r.field +
                             "': kind 'other' needs object_path \"type:path\"");
    }
    Entry& e = m.Insert(r.field);
    if (e.rule >= 0) return InvalidArgument("field '" + r.field + "' is mapped twice");
    e.rule = static_cast<int>(i);
    for (size_t dot = r.field.find('.'); dot != std::string::npos;
         dot = r.field.find('.', dot + 1)) {
      m.Insert(r.field.substr(0, dot)).prefix = true;
    }
  }
  m.rules_ = std::move(rules);
  return m;
}

FieldMap::Entry& FieldMap::Insert(const std::string& name) {
  uint64_t h = internal::HashBytes(name);
  size_t i = h & mask_;
  while (slots_[i].used) {
    if (slots_[i].hash == h && slots_[i].name == name) return slots_[i].entry;
    i = (i + 1) & mask_;
  }
  slots_[i].used = true;
  slots_[i].hash = h;
  slots_[i].name = name;
  return slots_[i].entry;
}

const FieldMap::Entry* FieldMap::Lookup(std::string_view name) const {
  if (slots_.empty()) return nullptr;
  uint64_t h = internal::HashBytes(name);
  size_t i = h & mask_;
  while (slots_[i].used) {
    if (slots_[i].hash == h && slots_[i].name == name) return &slots_[i].entry;
    i = (i + 1) & mask_;
  }
  return nullptr;
}

const FieldRule* FieldMap::Find(std::string_view field) const {
  const Entry* e = Lookup(field);
  if (e == nullptr || e->rule < 0) return nullptr;
  return &rules_[static_cast<size_t>(e->rule)];
}

const FieldRule* FieldMap::Find(std::string_view field, bool* is_prefix) const {
  const Entry* e = Lookup(field);
  *is_prefix = e != nullptr && e->prefix;
  if (e == nullptr || e->rule < 0) return nullptr;
  return &rules_[static_cast<size_t>(e->rule)];
}

bool FieldMap::IsPrefix(std::string_view prefix) const {
  const Entry* e = Lookup(prefix);
  return e != nullptr && e->prefix;
}

Result<FieldMap> ParseFieldMap(std::string_view toml_text) {
  toml::table doc;
  try {
    doc = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << "line " << e.source().begin.line << ": " << e.description();
    return InvalidArgument(msg.str());
  }
  std::string name = doc["name"].value_or(std::string());
  if (name.empty()) return InvalidArgument("field map: 'name' (a string) is required");
  std::string scheme = doc["url_scheme"].value_or(std::string("http"));
  std::vector<FieldRule> rules;
  // time = "field" or ["a", "b"]; type likewise.
  // Plain variables, not a structured binding: the lambda below captures them, which clang
  // accepts only from version 16 (the fuzz preset builds with clang 14).
  for (const auto& entry :
       {std::pair{"time", FieldKind::kTime}, std::pair{"type", FieldKind::kEventType}}) {
    const char* const key = entry.first;
    const FieldKind kind = entry.second;
    const toml::node* n = doc.get(key);
    if (n == nullptr) continue;
    auto add = [&](const toml::node& v) -> Status {
      auto s = v.value<std::string>();
      if (!s || s->empty())
        return InvalidArgument(std::string("field map: '") + key + "' must name fields");
      FieldRule r;
      r.field = *s;
      r.kind = kind;
      rules.push_back(std::move(r));
      return Status::Ok();
    };
    if (const toml::array* a = n->as_array()) {
      for (const toml::node& v : *a) TESSERA_RETURN_IF_ERROR(add(v));
    } else {
      TESSERA_RETURN_IF_ERROR(add(*n));
    }
  }
  const toml::table* fields = doc["fields"].as_table();
  if (fields == nullptr) return InvalidArgument("field map: a [fields] table is required");
  for (const auto& [key, node] : *fields) {
    FieldRule r;
    r.field = std::string(key.str());
    std::string where = "field map: field '" + r.field + "'";
    std::string kind_name;
    if (auto s = node.value<std::string>()) {
      kind_name = *s;
    } else if (const toml::table* t = node.as_table()) {
      kind_name = (*t)["kind"].value_or(std::string());
      std::string role = (*t)["role"].value_or(std::string("any"));
      if (role == "source") {
        r.role = AddressRole::kSource;
      } else if (role == "destination") {
        r.role = AddressRole::kDestination;
      } else if (role != "any") {
        return InvalidArgument(where + ": role must be \"source\", \"destination\" or \"any\"");
      }
      if (auto a = (*t)["algorithm"].value<std::string>()) {
        r.hash_algorithm = HashAlgorithmFromName(*a);
        if (!r.hash_algorithm)
          return InvalidArgument(where + ": unknown hash algorithm '" + *a + "'");
      }
      r.object_path = (*t)["object_path"].value_or(std::string());
    } else {
      return InvalidArgument(where + ": must be a kind name or a table { kind = ... }");
    }
    auto kind = FieldKindFromName(kind_name);
    if (!kind) return InvalidArgument(where + ": unknown kind '" + kind_name + "'");
    r.kind = *kind;
    rules.push_back(std::move(r));
  }
  return FieldMap::Create(std::move(name), std::move(rules), std::move(scheme));
}

const FieldMap& ZeekFieldMap() {
  using K = FieldKind;
  static const FieldMap map =
      MakeBuiltin("zeek", {
                              {"ts", K::kTime},
                              {"_path", K::kEventType},
                              // conn and every log with a connection id
                              {"id.orig_h", K::kIp, kSrc},
                              {"id.resp_h", K::kIp, kDst},
                              Other("id.orig_p", kSrcPort),
                              Other("id.resp_p", kDstPort),
                              // dns
                              {"query", K::kDomain},
                              {"answers", K::kHost},
                              // http
                              {"host", K::kUrlHost},
                              {"uri", K::kUrlPath},
                              {"referrer", K::kUrl},
                              Other("user_agent", kUserAgentPath),
                              // ssl, x509
                              {"server_name", K::kDomain},
                              Other("certificate.subject", "x509-certificate:subject"),
                              Other("certificate.issuer", "x509-certificate:issuer"),
                              Other("certificate.serial", "x509-certificate:serial_number"),
                              {"san.dns", K::kDomain},
                              {"san.ip", K::kIp},
                              {"san.email", K::kEmail},
                              {"san.uri", K::kUrl},
                              {"fingerprint", K::kHash},
                              {"cert_chain_fps", K::kHash},
                              // files
                              HashOf("md5", HashAlgorithm::kMd5),
                              HashOf("sha1", HashAlgorithm::kSha1),
                              HashOf("sha256", HashAlgorithm::kSha256),
                              {"tx_hosts", K::kIp},
                              {"rx_hosts", K::kIp},
                              Other("filename", "file:name"),
                              // smtp
                              {"mailfrom", K::kEmail},
                              {"rcptto", K::kEmail},
                              {"from", K::kEmail},
                              {"to", K::kEmail},
                              {"cc", K::kEmail},
                              {"reply_to", K::kEmail},
                              Other("subject", "email-message:subject"),
                              {"x_originating_ip", K::kIp},
                              {"path", K::kIp},
                              {"helo", K::kHost},
                              // notice
                              {"src", K::kIp, kSrc},
                              {"dst", K::kIp, kDst},
                              Other("p", kDstPort),
                          });
  return map;
}

const FieldMap& SuricataEveFieldMap() {
  using K = FieldKind;
  static const FieldMap map =
      MakeBuiltin("suricata", {
                                  {"timestamp", K::kTime},
                                  {"event_type", K::kEventType},
                                  {"src_ip", K::kIp, kSrc},
                                  {"dest_ip", K::kIp, kDst},
                                  Other("src_port", kSrcPort),
                                  Other("dest_port", kDstPort),
                                  // dns (EVE v1, v2 and v3 layouts)
                                  {"dns.rrname", K::kDomain},
                                  {"dns.rdata", K::kHost},
                                  {"dns.queries.rrname", K::kDomain},
                                  {"dns.answers.rrname", K::kDomain},
                                  {"dns.answers.rdata", K::kHost},
                                  {"dns.grouped.A", K::kIp},
                                  {"dns.grouped.AAAA", K::kIp},
                                  {"dns.grouped.CNAME", K::kDomain},
                                  {"dns.grouped.MX", K::kHost},
                                  {"dns.grouped.NS", K::kDomain},
                                  {"dns.grouped.PTR", K::kDomain},
                                  // http
                                  {"http.hostname", K::kUrlHost},
                                  {"http.url", K::kUrlPath},
                                  {"http.http_refer", K::kUrl},
                                  Other("http.http_user_agent", kUserAgentPath),
                                  // tls, quic
                                  {"tls.sni", K::kDomain},
                                  Other("tls.subject", "x509-certificate:subject"),
                                  Other("tls.issuerdn", "x509-certificate:issuer"),
                                  Other("tls.serial", "x509-certificate:serial_number"),
                                  HashOf("tls.fingerprint", HashAlgorithm::kSha1),
                                  {"quic.sni", K::kDomain},
                                  // fileinfo
                                  Other("fileinfo.filename", "file:name"),
                                  HashOf("fileinfo.md5", HashAlgorithm::kMd5),
                                  HashOf("fileinfo.sha1", HashAlgorithm::kSha1),
                                  HashOf("fileinfo.sha256", HashAlgorithm::kSha256),
                                  // smtp and e-mail
                                  {"smtp.helo", K::kHost},
                                  {"smtp.mail_from", K::kEmail},
                                  {"smtp.rcpt_to", K::kEmail},
                                  {"email.from", K::kEmail},
                                  {"email.to", K::kEmail},
                                  {"email.cc", K::kEmail},
                                  // dhcp
                                  {"dhcp.assigned_ip", K::kIp},
                                  {"dhcp.client_ip", K::kIp},
                              });
  return map;
}

const FieldMap& EcsFieldMap() {
  using K = FieldKind;
  using H = HashAlgorithm;
  static const FieldMap map = MakeBuiltin(
      "ecs", {
                 {"@timestamp", K::kTime},
                 {"event.dataset", K::kEventType},
                 {"source.ip", K::kIp, kSrc},
                 {"destination.ip", K::kIp, kDst},
                 {"client.ip", K::kIp, kSrc},
                 {"server.ip", K::kIp, kDst},
                 Other("source.port", kSrcPort),
                 Other("destination.port", kDstPort),
                 Other("client.port", kSrcPort),
                 Other("server.port", kDstPort),
                 {"source.address", K::kHost, kSrc},
                 {"destination.address", K::kHost, kDst},
                 {"source.domain", K::kDomain},
                 {"destination.domain", K::kDomain},
                 {"client.domain", K::kDomain},
                 {"server.domain", K::kDomain},
                 {"related.ip", K::kIp},
                 {"related.hosts", K::kHost},
                 {"related.hash", K::kHash},
                 {"dns.question.name", K::kDomain},
                 {"dns.resolved_ip", K::kIp},
                 {"dns.answers.name", K::kDomain},
                 {"dns.answers.data", K::kHost},
                 {"url.full", K::kUrl},
                 {"url.original", K::kUrl},
                 {"url.domain", K::kDomain},
                 {"http.request.referrer", K::kUrl},
                 Other("user_agent.original", kUserAgentPath),
                 {"tls.client.server_name", K::kDomain},
                 Other("tls.server.x509.subject.distinguished_name", "x509-certificate:subject"),
                 Other("tls.server.x509.issuer.distinguished_name", "x509-certificate:issuer"),
                 Other("tls.server.x509.serial_number", "x509-certificate:serial_number"),
                 HashOf("tls.server.hash.md5", H::kMd5),
                 HashOf("tls.server.hash.sha1", H::kSha1),
                 HashOf("tls.server.hash.sha256", H::kSha256),
                 HashOf("file.hash.md5", H::kMd5),
                 HashOf("file.hash.sha1", H::kSha1),
                 HashOf("file.hash.sha256", H::kSha256),
                 HashOf("file.hash.sha512", H::kSha512),
                 HashOf("process.hash.md5", H::kMd5),
                 HashOf("process.hash.sha1", H::kSha1),
                 HashOf("process.hash.sha256", H::kSha256),
                 HashOf("process.hash.sha512", H::kSha512),
                 HashOf("dll.hash.md5", H::kMd5),
                 HashOf("dll.hash.sha1", H::kSha1),
                 HashOf("dll.hash.sha256", H::kSha256),
                 Other("file.name", "file:name"),
                 Other("process.name", "process:name"),
                 Other("process.command_line", "process:command_line"),
                 Other("registry.path", "windows-registry-key:key"),
                 {"email.from.address", K::kEmail},
                 {"email.sender.address", K::kEmail},
                 {"email.to.address", K::kEmail},
                 {"email.cc.address", K::kEmail},
                 Other("email.subject", "email-message:subject"),
                 Other("user.name", "user-account:account_login"),
                 // Sysmon through Winlogbeat
                 {"winlog.event_data.SourceIp", K::kIp, kSrc},
                 {"winlog.event_data.DestinationIp", K::kIp, kDst},
                 Other("winlog.event_data.SourcePort", kSrcPort),
                 Other("winlog.event_data.DestinationPort", kDstPort),
                 {"winlog.event_data.SourceHostname", K::kHost},
                 {"winlog.event_data.DestinationHostname", K::kHost},
                 {"winlog.event_data.QueryName", K::kDomain},
                 {"winlog.event_data.QueryResults", K::kHostList},
                 {"winlog.event_data.Hashes", K::kHashList},
                 {"winlog.event_data.Hash", K::kHashList},
                 Other("winlog.event_data.CommandLine", "process:command_line"),
                 Other("winlog.event_data.TargetObject", "windows-registry-key:key"),
             });
  return map;
}

const FieldMap& CefFieldMap() {
  using K = FieldKind;
  static const FieldMap map =
      MakeBuiltin("cef", {
                             // The event's time: rt, else start, else end (CefParser).
                             {"rt", K::kTime},
                             {"start", K::kTime},
                             {"end", K::kTime},
                             {"src", K::kIp, kSrc},
                             {"dst", K::kIp, kDst},
                             {"sourceTranslatedAddress", K::kIp, kSrc},
                             {"destinationTranslatedAddress", K::kIp, kDst},
                             Other("spt", kSrcPort),
                             Other("dpt", kDstPort),
                             {"shost", K::kHost, kSrc},
                             {"dhost", K::kHost, kDst},
                             {"request", K::kUrl},
                             Other("requestClientApplication", kUserAgentPath),
                             {"fileHash", K::kHash},
                             {"oldFileHash", K::kHash},
                             Other("fname", "file:name"),
                             Other("suser", "user-account:account_login"),
                             Other("duser", "user-account:account_login"),
                             Other("smac", "mac-addr:value"),
                             Other("dmac", "mac-addr:value"),
                         });
  return map;
}

}  // namespace tessera::hunt
