// Generates realistic STIX 2.1 content for the benchmarks: indicators with patterns over IPs,
// domains, URLs and file hashes; malware; observed-data with the SCOs it references; relationships;
// sightings; all created by a few identities and marked with TLP. Deterministic for a given seed.
//
//   gen_stix --count 1000000 --format ndjson -o objects.ndjson

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "common/time.h"
#include "common/uuid.h"
#include "stix/sco_id.h"
#include "stix/tlp.h"

namespace {

using tessera::Uuid;

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  std::string Uuid4() {
    std::array<uint8_t, 16> b;
    for (size_t i = 0; i < 16; i += 8) {
      const uint64_t r = rng_();
      for (size_t j = 0; j < 8; ++j) b[i + j] = static_cast<uint8_t>(r >> (8 * j));
    }
    b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);
    return Uuid(b).ToString();
  }

  uint64_t Next(uint64_t n) { return rng_() % n; }

  std::string Ip() {
    return fmt::format("{}.{}.{}.{}", 1 + Next(223), Next(256), Next(256), 1 + Next(254));
  }
  std::string Domain() {
    static const char* kTlds[] = {"com", "net", "org", "info", "ru", "cn", "io", "biz"};
    static const char* kWords[] = {"update", "secure", "login", "cdn",     "mail",   "portal",
                                   "cloud",  "files",  "api",   "account", "verify", "support"};
    return fmt::format("{}-{}{}.{}", kWords[Next(12)], kWords[Next(12)], Next(100000),
                       kTlds[Next(8)]);
  }
  std::string Hex(size_t n) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s(n, '0');
    for (char& c : s) c = kHex[Next(16)];
    return s;
  }
  std::string Time() {
    // 2020-01-01 .. 2026-01-01, millisecond precision.
    const int64_t start = 1577836800;
    tessera::Timestamp t{start + static_cast<int64_t>(Next(6 * 365 * 86400)),
                         static_cast<int32_t>(Next(1000) * 1'000'000)};
    return tessera::FormatTimestamp(t);
  }

 private:
  std::mt19937_64 rng_;
};

// The deterministic id the standard gives the SCO {"type": type, "value": value}.
std::string ScoId(std::string_view type, std::string_view value) {
  boost::json::object sco{{"type", type}, {"value", value}};
  return tessera::stix::DeterministicScoId(sco).value();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Generate realistic STIX 2.1 objects for benchmarks"};
  size_t count = 1'000'000;
  uint64_t seed = 42;
  std::string format = "ndjson";
  std::string out = "-";
  app.add_option("-n,--count", count, "Number of objects (approximately: whole groups of 12)")
      ->capture_default_str();
  app.add_option("--seed", seed, "Random seed")->capture_default_str();
  app.add_option("--format", format, "ndjson or bundle")
      ->check(CLI::IsMember({"ndjson", "bundle"}))
      ->capture_default_str();
  app.add_option("-o,--output", out, "Output file ('-' for standard output)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::FILE* f = out == "-" ? stdout : std::fopen(out.c_str(), "wb");
  if (f == nullptr) {
    std::perror(out.c_str());
    return 2;
  }
  Generator g(seed);
  const bool bundle = format == "bundle";
  const char* sep = bundle ? ",\n" : "\n";
  bool first = true;
  size_t written = 0;
  auto emit = [&](const std::string& obj) {
    if (bundle && !first) std::fputs(sep, f);
    if (!bundle && !first) std::fputs(sep, f);
    std::fwrite(obj.data(), 1, obj.size(), f);
    first = false;
    ++written;
  };
  if (bundle)
    std::fprintf(f, "{\"type\":\"bundle\",\"id\":\"bundle--%s\",\"objects\":[\n",
                 g.Uuid4().c_str());

  std::vector<std::string> identities;
  for (int i = 0; i < 8; ++i) {
    const std::string id = "identity--" + g.Uuid4();
    const std::string t = g.Time();
    emit(fmt::format(
        R"({{"type":"identity","spec_version":"2.1","id":"{}","created":"{}","modified":"{}","name":"Sharing Org {}","identity_class":"organization","sectors":["financial-services"],"contact_information":"soc{}@example.org"}})",
        id, t, t, i, i));
    identities.push_back(id);
  }

  while (written < count) {
    const std::string creator = identities[g.Next(identities.size())];
    // TLP 2.0 CLEAR, GREEN, AMBER or AMBER+STRICT.
    const std::string_view tlp =
        tessera::stix::FindTlpMarking(tessera::stix::TlpVersion::k2,
                                      static_cast<tessera::stix::TlpLevel>(g.Next(4)))
            ->id;
    const std::string t = g.Time();
    const std::string malware = "malware--" + g.Uuid4();
    emit(fmt::format(
        R"({{"type":"malware","spec_version":"2.1","id":"{}","created_by_ref":"{}","created":"{}","modified":"{}","name":"Family{}","description":"Loader observed in phishing campaigns delivering second-stage payloads.","malware_types":["trojan","dropper"],"is_family":true,"kill_chain_phases":[{{"kill_chain_name":"mitre-attack","phase_name":"execution"}}],"object_marking_refs":["{}"]}})",
        malware, creator, t, t, g.Next(5000), tlp));

    std::string indicators[4];
    for (int i = 0; i < 4; ++i) {
      std::string pattern;
      std::string name;
      switch (g.Next(4)) {
        case 0: {
          const std::string ip = g.Ip();
          pattern = fmt::format("[ipv4-addr:value = '{}']", ip);
          name = "C2 address " + ip;
          break;
        }
        case 1: {
          const std::string d = g.Domain();
          pattern = fmt::format("[domain-name:value = '{}']", d);
          name = "Malicious domain " + d;
          break;
        }
        case 2: {
          const std::string d = g.Domain();
          pattern = fmt::format("[url:value = 'https://{}/download/{}.php?id={}']", d, g.Hex(8),
                                g.Next(100000));
          name = "Payload URL on " + d;
          break;
        }
        default: {
          pattern = fmt::format("[file:hashes.'SHA-256' = '{}']", g.Hex(64));
          name = "Dropper sample";
          break;
        }
      }
      indicators[i] = "indicator--" + g.Uuid4();
      const std::string it = g.Time();
      emit(fmt::format(
          R"({{"type":"indicator","spec_version":"2.1","id":"{}","created_by_ref":"{}","created":"{}","modified":"{}","name":"{}","description":"Observed in active intrusion; block and hunt.","indicator_types":["malicious-activity"],"pattern":"{}","pattern_type":"stix","pattern_version":"2.1","valid_from":"{}","kill_chain_phases":[{{"kill_chain_name":"lockheed-martin-cyber-kill-chain","phase_name":"command-and-control"}}],"labels":["c2","phishing"],"confidence":{},"external_references":[{{"source_name":"internal-case","external_id":"CASE-{}"}}],"object_marking_refs":["{}"]}})",
          indicators[i], creator, it, it, name, pattern, it, g.Next(101), g.Next(1000000), tlp));
      emit(fmt::format(
          R"({{"type":"relationship","spec_version":"2.1","id":"relationship--{}","created_by_ref":"{}","created":"{}","modified":"{}","relationship_type":"indicates","source_ref":"{}","target_ref":"{}","object_marking_refs":["{}"]}})",
          g.Uuid4(), creator, it, it, indicators[i], malware, tlp));
    }

    const std::string ip = g.Ip();
    const std::string ip_id = ScoId("ipv4-addr", ip);
    emit(fmt::format(R"({{"type":"ipv4-addr","spec_version":"2.1","id":"{}","value":"{}"}})", ip_id,
                     ip));
    const std::string domain = g.Domain();
    const std::string domain_id = ScoId("domain-name", domain);
    emit(fmt::format(
        R"({{"type":"domain-name","spec_version":"2.1","id":"{}","value":"{}","resolves_to_refs":["{}"]}})",
        domain_id, domain, ip_id));
    const std::string od = "observed-data--" + g.Uuid4();
    const std::string ot = g.Time();
    emit(fmt::format(
        R"({{"type":"observed-data","spec_version":"2.1","id":"{}","created_by_ref":"{}","created":"{}","modified":"{}","first_observed":"{}","last_observed":"{}","number_observed":{},"object_refs":["{}","{}"],"object_marking_refs":["{}"]}})",
        od, creator, ot, ot, ot, ot, 1 + g.Next(50), ip_id, domain_id, tlp));
    const std::string st = g.Time();
    emit(fmt::format(
        R"({{"type":"sighting","spec_version":"2.1","id":"sighting--{}","created_by_ref":"{}","created":"{}","modified":"{}","first_seen":"{}","last_seen":"{}","count":{},"sighting_of_ref":"{}","observed_data_refs":["{}"],"where_sighted_refs":["{}"],"object_marking_refs":["{}"]}})",
        g.Uuid4(), creator, st, st, st, st, 1 + g.Next(20), indicators[0], od,
        identities[g.Next(identities.size())], tlp));
  }
  if (bundle)
    std::fputs("\n]}\n", f);
  else
    std::fputs("\n", f);
  if (f != stdout && std::fclose(f) != 0) {
    std::perror(out.c_str());
    return 2;
  }
  std::fprintf(stderr, "%zu objects written\n", written);
  return 0;
}
