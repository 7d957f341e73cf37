// Hunt benchmarks on one core:
//
//   hunt_bench load [--indicators N]          build the index from N atomic indicators
//   hunt_bench logs [--indicators N] [--mb M] hunt M MB of Zeek JSON (conn + dns + http) with N
//   hunt_bench intel [--indicators N] [--form required|feed]
//                                             load N single-comparison indicators from a
//                                             generated NDJSON file as `tessera hunt --intel`
//                                             does: time to ready, bytes per indicator, peak RSS
//   hunt_bench files --dir DIR [--threads T]  hunt the logs hunt_gen wrote into DIR on T threads
//                                             (default: all), checked against its planted hits
//
// `load` generates N atomic comparisons (IPv4 hosts and ranges, IPv6, domains, URLs, SHA-256 and
// MD5), each of its own indicator (the worst case for memory), times AddIndicator + AddAtomic +
// Build, reports bytes per indicator, then times lookups. `logs` builds an index of N indicators,
// generates Zeek records of which a known number carry indicator values, and times reading +
// looking up. Both fail (exit 1) when a generated indicator is not found or the hit count is not
// the expected one, so that a fast wrong answer cannot pass.

#include <fmt/format.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "hunt/indicator_index.h"
#include "hunt/log_reader.h"
#include "hunt/parallel.h"
#include "hunt/session.h"

namespace {

using tessera::Timestamp;
using namespace tessera::hunt;

struct Rng {
  uint64_t s = 0x9e3779b97f4a7c15ULL;
  uint64_t Next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
};

struct Generated {
  const char* type;
  const char* path;
  std::string value;
  ObservableKind kind;
  std::string probe;  // an observed value that must hit it
};

std::string Hex(Rng& r, size_t digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  while (s.size() < digits) {
    uint64_t v = r.Next();
    for (int i = 0; i < 16 && s.size() < digits; ++i, v >>= 4) s.push_back(kHex[v & 15]);
  }
  return s;
}

std::string Label(Rng& r) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  uint64_t v = r.Next();
  size_t n = 6 + v % 8;
  for (size_t i = 0; i < n; ++i, v /= 36) s.push_back(kChars[v % 36]);
  return s;
}

std::string Ipv4(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

Generated Generate(Rng& r, size_t i) {
  uint64_t pick = r.Next() % 100;
  // Public-looking IPv4 addresses (first octet 11..210), never in 10.0.0.0/8 where `logs` puts its
  // addresses that must not hit.
  auto public_v4 = [&r] {
    return (static_cast<uint32_t>(r.Next()) & 0x00ffffffu) | ((11u + r.Next() % 200) << 24);
  };
  if (pick < 35) {
    uint32_t a = public_v4();
    return {"ipv4-addr", "value", Ipv4(a), ObservableKind::kIpAddress, Ipv4(a)};
  }
  if (pick < 40) {
    uint32_t a = public_v4();
    int len = 16 + static_cast<int>(r.Next() % 13);
    uint32_t net = a & (~0u << (32 - len));
    return {"ipv4-addr", "value", fmt::format("{}/{}", Ipv4(net), len), ObservableKind::kIpAddress,
            Ipv4(net | (~(~0u << (32 - len)) & static_cast<uint32_t>(r.Next())))};
  }
  if (pick < 45) {
    uint64_t hi = r.Next(), lo = r.Next();
    std::string v = fmt::format("2001:db8:{:x}:{:x}::{:x}:{:x}", (hi >> 16) & 0xffff, hi & 0xffff,
                                (lo >> 16) & 0xffff, lo & 0xffff);
    return {"ipv6-addr", "value", v, ObservableKind::kIpAddress, v};
  }
  if (pick < 70) {
    std::string d = Label(r) + "." + Label(r) + (i % 2 ? ".com" : ".net");
    return {"domain-name", "value", d, ObservableKind::kDomainName, "www." + d};
  }
  if (pick < 80) {
    std::string u = "http://" + Label(r) + ".example/" + Label(r) + "/" + Label(r) +
                    ".php?id=" + std::to_string(i);
    return {"url", "value", u, ObservableKind::kUrl, u};
  }
  if (pick < 95) {
    std::string h = Hex(r, 64);
    return {"file", "hashes.'SHA-256'", h, ObservableKind::kHash, h};
  }
  std::string h = Hex(r, 32);
  return {"file", "hashes.MD5", h, ObservableKind::kHash, h};
}

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

std::string Id(size_t i) {
  return fmt::format("indicator--{:08x}-0000-4000-8000-{:012x}", i >> 32, i);
}

long PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

// CPU seconds of this process (user + system): on a shared machine, the work done.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Builds the index; fills `probes` with every 97th generated value's probe.
std::optional<IndicatorIndex> BuildIndex(size_t n, std::vector<Generated>* probes,
                                         double* seconds) {
  Rng rng;
  std::vector<Generated> all;
  all.reserve(n);
  for (size_t i = 0; i < n; ++i) all.push_back(Generate(rng, i));
  const Timestamp from{1'600'000'000, 0};
  auto start = std::chrono::steady_clock::now();
  const double cpu_start = CpuSeconds();
  IndicatorIndexBuilder b;
  for (size_t i = 0; i < n; ++i) {
    auto id = b.AddIndicator({Id(i), from, std::nullopt, false});
    if (!id.ok()) {
      fmt::print(stderr, "{}\n", id.status().ToString());
      return std::nullopt;
    }
    tessera::Status st = b.AddAtomic(*id, all[i].type, all[i].path, all[i].value);
    if (!st.ok()) {
      fmt::print(stderr, "{}\n", st.ToString());
      return std::nullopt;
    }
  }
  const double add_s = Since(start);
  const double add_cpu = CpuSeconds() - cpu_start;
  auto index = std::move(b).Build();
  *seconds = Since(start);
  const double cpu = CpuSeconds() - cpu_start;
  fmt::print("build: adding {:.2f} s ({:.2f} s CPU), building the tables {:.2f} s ({:.2f} s CPU)\n",
             add_s, add_cpu, *seconds - add_s, cpu - add_cpu);
  if (!index.ok()) {
    fmt::print(stderr, "{}\n", index.status().ToString());
    return std::nullopt;
  }
  for (size_t i = 0; i < n; i += 97) probes->push_back(std::move(all[i]));
  return std::move(index).value();
}

int Load(size_t n) {
  std::vector<Generated> probes;
  double build_s = 0;
  auto index = BuildIndex(n, &probes, &build_s);
  if (!index) return 1;
  fmt::print(
      "load: {} atomic indicators in {:.2f} s ({:.0f}/s); index {:.1f} MB = {:.1f} bytes per "
      "indicator; peak RSS {} MB\n",
      n, build_s, static_cast<double>(n) / build_s, static_cast<double>(index->MemoryBytes()) / 1e6,
      static_cast<double>(index->MemoryBytes()) / static_cast<double>(n), PeakRssMb());
  // The probe values side by side, as they would be in a log buffer.
  std::string packed;
  for (const Generated& g : probes) packed += g.probe;
  std::vector<std::pair<ObservableKind, std::string_view>> values;
  size_t offset = 0;
  for (const Generated& g : probes) {
    values.emplace_back(g.kind, std::string_view(packed).substr(offset, g.probe.size()));
    offset += g.probe.size();
  }
  LookupScratch scratch;
  std::vector<Hit> hits;
  const Timestamp at{1'700'000'000, 0};
  size_t found = 0;
  auto start = std::chrono::steady_clock::now();
  const int rounds =
      std::getenv("HUNT_BENCH_ROUNDS") ? std::atoi(std::getenv("HUNT_BENCH_ROUNDS")) : 10;
  for (int round = 0; round < rounds; ++round) {
    for (const auto& [kind, value] : values) {
      Observable o;
      o.kind = kind;
      o.value = value;
      hits.clear();
      found += index->Lookup(o, at, scratch, hits).hits > 0;
    }
  }
  double s = Since(start);
  size_t lookups = probes.size() * rounds;
  fmt::print("lookup: {} lookups of indicator values in {:.3f} s = {:.2f} M lookups/s\n", lookups,
             s, static_cast<double>(lookups) / s / 1e6);
  if (found != lookups) {
    fmt::print(stderr, "wrong result: {} of {} generated indicator values found\n", found, lookups);
    return 1;
  }
  return 0;
}

int Logs(size_t n, size_t mb) {
  std::vector<Generated> probes;
  double build_s = 0;
  auto index = BuildIndex(n, &probes, &build_s);
  if (!index) return 1;
  std::vector<const Generated*> ips, domains, urls;
  for (const Generated& g : probes) {
    if (g.kind == ObservableKind::kIpAddress && g.value.find(':') == std::string::npos)
      ips.push_back(&g);
    if (g.kind == ObservableKind::kDomainName) domains.push_back(&g);
    if (g.kind == ObservableKind::kUrl) urls.push_back(&g);
  }
  // Zeek records; every 100th carries one indicator value (one expected hit), the others none
  // (addresses in 10.0.0.0/8, which the generator never uses... except by chance: checked below).
  Rng rng{12345};
  std::string text;
  size_t expected = 0;
  size_t line = 0;
  while (text.size() < mb * 1'000'000) {
    bool hit = line % 100 == 0;
    std::string resp =
        fmt::format("10.{}.{}.{}", rng.Next() % 256, rng.Next() % 256, rng.Next() % 256);
    std::string query = "www." + Label(rng) + ".corp-internal.lan";
    switch (line % 3) {
      case 0:
        if (hit) resp = ips[rng.Next() % ips.size()]->probe;
        text += fmt::format(
            R"J({{"ts":1714557600.{:06},"uid":"C{}","id.orig_h":"10.0.0.5","id.orig_p":51234,"id.resp_h":"{}","id.resp_p":443,"proto":"tcp","service":"ssl","duration":1.25,"orig_bytes":517,"resp_bytes":4096,"conn_state":"SF","local_orig":true,"missed_bytes":0,"history":"ShADadFf","orig_pkts":9,"resp_pkts":8}})J",
            line % 1000000, line, resp);
        break;
      case 1:
        if (hit) query = domains[rng.Next() % domains.size()]->probe;
        text += fmt::format(
            R"J({{"ts":1714557601.0,"uid":"C{}","id.orig_h":"10.0.0.5","id.orig_p":53000,"id.resp_h":"10.0.0.1","id.resp_p":53,"proto":"udp","trans_id":4242,"query":"{}","qclass":1,"qclass_name":"C_INTERNET","qtype":1,"qtype_name":"A","rcode":0,"rcode_name":"NOERROR","answers":["{}"],"TTLs":[300.0],"rejected":false}})J",
            line, query, resp);
        break;
      default: {
        std::string host = Label(rng) + ".corp-internal.lan";
        std::string uri = "/" + Label(rng) + "/index.html";
        if (hit) {
          const std::string& u = urls[rng.Next() % urls.size()]->probe;
          size_t slash = u.find('/', 7);
          host = u.substr(7, slash - 7);
          uri = u.substr(slash);
        }
        text += fmt::format(
            R"J({{"ts":1714557602.0,"uid":"C{}","id.orig_h":"10.0.0.5","id.orig_p":51000,"id.resp_h":"{}","id.resp_p":80,"trans_depth":1,"method":"GET","host":"{}","uri":"{}","version":"1.1","user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64)","request_body_len":0,"response_body_len":1024,"status_code":200,"status_msg":"OK"}})J",
            line, resp, host, uri);
      }
    }
    text.push_back('\n');
    expected += hit;
    ++line;
  }
  const double megabytes = static_cast<double>(text.size()) / 1e6;
  auto reader = LogReader::FromString(std::move(text), LogFormat::kZeek);
  if (!reader.ok()) return 2;
  LookupScratch scratch;
  std::vector<Hit> hits;
  Event event;
  size_t events = 0, hit_events = 0, observables = 0;
  auto start = std::chrono::steady_clock::now();
  const double cpu_start = CpuSeconds();
  while (true) {
    auto more = (*reader)->Next(event);
    if (!more.ok() || !*more) break;
    ++events;
    hits.clear();
    for (const Observable& o : event.observables) {
      ++observables;
      index->Lookup(o, event.time.value_or(Timestamp{1'700'000'000, 0}), scratch, hits);
    }
    hit_events += !hits.empty();
  }
  double s = Since(start);
  double cpu = CpuSeconds() - cpu_start;
  fmt::print(
      "logs: {:.0f} MB, {} events, {} observables, {} indicators: {:.3f} s = {:.0f} MB/s, {:.2f} M "
      "events/s ({:.3f} s CPU = {:.0f} MB per CPU second); {} events with hits\n",
      megabytes, events, observables, n, s, megabytes / s, static_cast<double>(events) / s / 1e6,
      cpu, megabytes / cpu, hit_events);
  if (hit_events != expected || (*reader)->stats().malformed != 0) {
    fmt::print(stderr, "wrong result: {} events with hits, expected {}\n", hit_events, expected);
    return 1;
  }
  return 0;
}

// The STIX id of generated indicator `i`: random-looking, so that the file is not in id order.
std::string IntelId(size_t i) {
  const uint64_t a = Mix(i * 2 + 1), b = Mix(i * 2 + 2);
  return fmt::format("indicator--{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", a >> 32,
                     (a >> 16) & 0xffff, a & 0xfff, b >> 52, b & 0xffffffffffffULL);
}

// How generated indicators are written: `required`, the properties STIX 2.1 requires of an
// indicator and nothing else (about 280 bytes, the size #11's goal names: 1,000,000 in about
// 300 MB); `feed`, the way a feed writes them, with TLP:GREEN, a name, types and a kill chain
// phase (about 560 bytes).
enum class IntelForm { kRequired, kFeed };

// Writes `n` indicators, one single comparison each (Generate's mix), as NDJSON to `path` in
// `form`; every 97th one's probe goes to `probes` with its id. Returns the bytes written.
size_t WriteIntel(const std::string& path, size_t n, IntelForm form,
                  std::vector<std::pair<Generated, std::string>>* probes) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr) return 0;
  Rng rng;
  size_t bytes = 0;
  for (size_t i = 0; i < n; ++i) {
    Generated g = Generate(rng, i);
    const std::string id = IntelId(i);
    std::string op = "=";
    if (std::string_view(g.type) == "ipv4-addr" && g.value.find('/') != std::string::npos)
      op = "ISSUBSET";
    const std::string line =
        form == IntelForm::kFeed
            ? fmt::format(
                  R"({{"type":"indicator","spec_version":"2.1","id":"{}","created":"2025-03-01T10:00:00.000Z","modified":"2025-03-01T10:00:00.000Z","name":"feed entry {}","indicator_types":["malicious-activity"],"pattern":"[{}:{} {} '{}']","pattern_type":"stix","valid_from":"2025-03-01T10:00:00Z","kill_chain_phases":[{{"kill_chain_name":"lockheed-martin-cyber-kill-chain","phase_name":"command-and-control"}}],"object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}})"
                  "\n",
                  id, i, g.type, g.path, op, g.value)
            : fmt::format(
                  R"({{"type":"indicator","spec_version":"2.1","id":"{}","created":"2025-03-01T10:00:00.000Z","modified":"2025-03-01T10:00:00.000Z","pattern":"[{}:{} {} '{}']","pattern_type":"stix","valid_from":"2025-03-01T10:00:00Z"}})"
                  "\n",
                  id, g.type, g.path, op, g.value);
    std::fwrite(line.data(), 1, line.size(), out);
    bytes += line.size();
    if (i % 97 == 0) probes->emplace_back(std::move(g), id);
  }
  std::fclose(out);
  return bytes;
}

// `tessera hunt --intel` until it can hunt: the file read and offered (OfferIntelFile, the
// session's own code), the index built; checked: every indicator loaded, none compiled, every
// probe hits its indicator.
int Intel(size_t n, const std::string& path, IntelForm form) {
  std::vector<std::pair<Generated, std::string>> probes;
  const size_t bytes = WriteIntel(path, n, form, &probes);
  if (bytes == 0) {
    fmt::print(stderr, "cannot write {}\n", path);
    return 2;
  }
  const long rss_before = PeakRssMb();
  auto start = std::chrono::steady_clock::now();
  const double cpu_start = CpuSeconds();
  HuntIndicatorsBuilder builder;
  std::vector<SkippedIndicator> invalid;
  tessera::Status offered = OfferIntelFile(path, builder, invalid);
  if (!offered.ok()) {
    fmt::print(stderr, "{}\n", offered.ToString());
    return 2;
  }
  const double offer_s = Since(start);
  auto built = std::move(builder).Build();
  const double wall = Since(start);
  const double cpu = CpuSeconds() - cpu_start;
  if (!built.ok()) {
    fmt::print(stderr, "{}\n", built.status().ToString());
    return 1;
  }
  const IndicatorLoadStats& stats = built->stats();
  // What stays per indicator: the index, and the hunt's own tables (decision, restriction and
  // origins: 9 bytes).
  const double per_indicator =
      static_cast<double>(built->index().MemoryBytes() + 9 * n) / static_cast<double>(n);
  fmt::print(
      "intel: {} indicators, {:.1f} MB of NDJSON: ready in {:.2f} s wall (reading and offering "
      "{:.2f} s, building {:.2f} s), {:.2f} s CPU = {:.2f} us per indicator; {:.1f} bytes per "
      "indicator after loading; peak RSS {} MB ({} MB before loading)\n",
      n, static_cast<double>(bytes) / 1e6, wall, offer_s, wall - offer_s, cpu,
      cpu * 1e6 / static_cast<double>(n), per_indicator, PeakRssMb(), rss_before);
  std::remove(path.c_str());
  if (stats.loaded != n || stats.skipped != 0 || stats.never_hit != 0 || stats.compiled != 0 ||
      !invalid.empty()) {
    fmt::print(stderr,
               "wrong result: {} loaded, {} skipped, {} never hit, {} compiled, {} invalid\n",
               stats.loaded, stats.skipped, stats.never_hit, stats.compiled, invalid.size());
    return 1;
  }
  LookupScratch scratch;
  std::vector<Hit> hits;
  for (const auto& [g, id] : probes) {
    Observable o;
    o.kind = g.kind;
    o.value = g.probe;
    hits.clear();
    built->index().Lookup(o, Timestamp{1'750'000'000, 0}, scratch, hits);
    const bool found = std::any_of(hits.begin(), hits.end(), [&](const Hit& h) {
      return built->index().Indicator(h.indicator).id == id;
    });
    if (!found) {
      fmt::print(stderr, "wrong result: {} does not hit {}\n", g.probe, id);
      return 1;
    }
  }
  fmt::print("check: {} loaded, none compiled, {} probes each hit their indicator\n", stats.loaded,
             probes.size());
  return 0;
}

// (file relative to the data directory, line, field, indicator number)
using HitKey = std::tuple<std::string, uint64_t, std::string, uint32_t>;

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    parts.push_back(line.substr(start, tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return parts;
}

int Files(const std::string& dir, unsigned threads, const std::string& lines_out) {
  // The indicators: one atomic comparison each, as hunt_gen wrote them.
  std::ifstream tsv(dir + "/indicators.tsv");
  if (!tsv) {
    fmt::print(stderr, "cannot read {}/indicators.tsv\n", dir);
    return 2;
  }
  const Timestamp from{1'600'000'000, 0};
  auto load_start = std::chrono::steady_clock::now();
  const double load_cpu = CpuSeconds();
  IndicatorIndexBuilder b;
  std::string line;
  size_t n = 0;
  while (std::getline(tsv, line)) {
    std::vector<std::string> f = SplitTabs(line);
    if (f.size() != 4) continue;
    auto id = b.AddIndicator({Id(std::stoul(f[0])), from, std::nullopt, false});
    if (!id.ok() || *id != std::stoul(f[0])) {
      fmt::print(stderr, "indicator {}: not numbered as in the file\n", f[0]);
      return 1;
    }
    AtomicOp op = f[3].find('/') != std::string::npos && f[1] == "ipv4-addr" ? AtomicOp::kIsSubset
                                                                             : AtomicOp::kEqual;
    tessera::Status st = b.AddAtomic(*id, f[1], f[2], f[3], op);
    if (!st.ok()) {
      fmt::print(stderr, "{}\n", st.ToString());
      return 1;
    }
    ++n;
  }
  auto index = std::move(b).Build();
  if (!index.ok()) {
    fmt::print(stderr, "{}\n", index.status().ToString());
    return 1;
  }
  fmt::print(
      "index: {} indicators loaded in {:.2f} s ({:.2f} s CPU, file parsing included); "
      "{:.1f} MB = {:.1f} bytes per indicator\n",
      n, Since(load_start), CpuSeconds() - load_cpu,
      static_cast<double>(index->MemoryBytes()) / 1e6,
      static_cast<double>(index->MemoryBytes()) / static_cast<double>(n));

  ParallelOptions options;
  options.threads = threads;
  std::vector<HitKey> hits;
  size_t prefix = dir.size() + 1;
  bool failed = false;
  auto start = std::chrono::steady_clock::now();
  const double cpu_start = CpuSeconds();
  auto run = HuntInputs(
      {HuntInput{dir + "/suricata", std::nullopt, nullptr},
       HuntInput{dir + "/zeek", std::nullopt, nullptr}},
      *index, Timestamp{1'714'600'000, 0}, options,
      [&](const HitContext& c, const Event& e, const Observable& o, const Hit& h) {
        hits.emplace_back(c.path.substr(prefix), e.line, std::string(o.field), h.indicator);
      },
      [&](const InputSummary& s) {
        fmt::print("  {}: {} lines, {} events, {} malformed, {} hits{}\n", s.path.substr(prefix),
                   s.stats.reader.lines, s.stats.reader.events, s.stats.reader.malformed,
                   s.stats.hits, s.status.ok() ? "" : " -- " + s.status.ToString());
        failed |= !s.status.ok() || s.stats.reader.malformed != 0;
      });
  const double wall = Since(start);
  const double cpu = CpuSeconds() - cpu_start;
  if (!run.ok()) {
    fmt::print(stderr, "{}\n", run.status().ToString());
    return 2;
  }
  const double gb = static_cast<double>(run->bytes) / 1e9;
  const unsigned used = threads != 0 ? threads : std::thread::hardware_concurrency();
  fmt::print(
      "hunt: {:.3f} GB, {} events, {} threads: {:.2f} s wall = {:.3f} GB/s; {:.2f} s CPU = "
      "{:.3f} GB/s and {:.2f} M events/s per core; peak RSS {} MB; {} hits\n",
      gb, run->events, used, wall, gb / wall, cpu, gb / cpu,
      static_cast<double>(run->events) / cpu / 1e6, PeakRssMb(), hits.size());

  // Every planted hit, tied to its field, and nothing else.
  std::ifstream exp(dir + "/expected.tsv");
  std::vector<HitKey> expected;
  while (std::getline(exp, line)) {
    std::vector<std::string> f = SplitTabs(line);
    if (f.size() != 4) continue;
    expected.emplace_back(f[0], std::stoull(f[1]), f[2], static_cast<uint32_t>(std::stoul(f[3])));
  }
  std::sort(expected.begin(), expected.end());
  std::vector<HitKey> found = hits;
  std::sort(found.begin(), found.end());
  std::vector<HitKey> missing, extra;
  std::set_difference(expected.begin(), expected.end(), found.begin(), found.end(),
                      std::back_inserter(missing));
  std::set_difference(found.begin(), found.end(), expected.begin(), expected.end(),
                      std::back_inserter(extra));
  fmt::print("check: {} planted hits, {} found; {} missing, {} unexpected\n", expected.size(),
             found.size(), missing.size(), extra.size());
  for (size_t i = 0; i < missing.size() && i < 5; ++i) {
    const auto& [f, l, field, ind] = missing[i];
    fmt::print("  missing: {}:{} {} indicator {}\n", f, l, field, ind);
  }
  for (size_t i = 0; i < extra.size() && i < 5; ++i) {
    const auto& [f, l, field, ind] = extra[i];
    fmt::print("  unexpected: {}:{} {} indicator {}\n", f, l, field, ind);
  }
  if (!lines_out.empty()) {
    // The lines with hits, "file:line", for the comparison with ripgrep's matching lines.
    std::ofstream out(lines_out);
    std::string last;
    for (const HitKey& k : found) {
      std::string key = std::get<0>(k) + ":" + std::to_string(std::get<1>(k));
      if (key != last) out << key << "\n";
      last = key;
    }
  }
  return failed || !missing.empty() || !extra.empty() || expected.empty() ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Hunt benchmarks: index load and log hunting (one core)"};
  app.require_subcommand(1);
  size_t n = 10'000'000;
  size_t mb = 200;
  auto* load = app.add_subcommand(
      "load", "Build the index from N generated atomic indicators, then look values up");
  load->add_option("--indicators", n, "Atomic indicators")->capture_default_str();
  size_t n_logs = 1'000'000;
  auto* logs = app.add_subcommand("logs", "Hunt generated Zeek JSON logs against N indicators");
  logs->add_option("--indicators", n_logs, "Atomic indicators")->capture_default_str();
  logs->add_option("--mb", mb, "Megabytes of logs")->capture_default_str();
  std::string dir, lines_out;
  unsigned threads = 0;
  auto* files = app.add_subcommand(
      "files", "Hunt the logs hunt_gen wrote (DIR/zeek, DIR/suricata) against DIR/indicators.tsv");
  files->add_option("--dir", dir, "hunt_gen's output directory")->required();
  files->add_option("--threads", threads, "Worker threads (0: all hardware threads)")
      ->capture_default_str();
  files->add_option("--lines-out", lines_out, "Write the lines with hits (file:line) here");
  size_t n_intel = 1'000'000;
  std::string intel_path = "hunt_bench_intel.ndjson";
  auto* intel = app.add_subcommand(
      "intel", "Load N generated single-comparison indicators as `tessera hunt --intel` does");
  intel->add_option("--indicators", n_intel, "Indicators")->capture_default_str();
  intel->add_option("--file", intel_path, "Where the generated NDJSON goes (removed after)")
      ->capture_default_str();
  IntelForm intel_form = IntelForm::kRequired;
  intel
      ->add_option("--form", intel_form,
                   "required: the properties STIX requires (about 280 bytes each); feed: also "
                   "TLP:GREEN, a name, types and a kill chain phase (about 560 bytes)")
      ->transform(CLI::CheckedTransformer(std::map<std::string, IntelForm>{
          {"required", IntelForm::kRequired}, {"feed", IntelForm::kFeed}}))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (*load) return Load(n);
  if (*intel) return Intel(n_intel, intel_path, intel_form);
  if (*files) return Files(dir, threads, lines_out);
  return Logs(n_logs, mb);
}
