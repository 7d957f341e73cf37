// STIX pattern engine benchmark (figures in docs/benchmarks.md).
//
//   pattern_bench [--patterns N] [--observations M]      (defaults 10,000 and 1,000,000)
//
// 1. Compile: N patterns of mixed forms; time and heap bytes per compiled pattern.
// 2. Indexed evaluation: N single-observation equality patterns (ipv4-addr, domain-name, url,
//    file SHA-256) served through their atomic comparisons by a hash index, against M observed-data
//    of one SCO each; every candidate the index yields is confirmed with Pattern::MatchesOne. Each
//    observation is thereby checked against all N patterns.
// 3. Direct evaluation: one pattern per operator kind evaluated with MatchesOne on every one of the
//    M observations (no index): raw observation checks per second.
// Every section checks its result (match counts known from the generator), so a fast wrong
// answer fails: the program exits 1.

#include <malloc.h>
#include <time.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/time.h"
#include "pattern/pattern.h"

namespace {

namespace json = boost::json;
using tessera::pattern::AtomicComparison;
using tessera::pattern::Compile;
using tessera::pattern::Observation;
using tessera::pattern::Op;
using tessera::pattern::Pattern;

// Figures are per core: the program is single-threaded and timed by its CPU time, so that other
// work on a shared machine does not count against it. Wall time is printed beside it.
struct Stamp {
  double cpu, wall;
};
Stamp Now() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  return {static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9, wall};
}
double Seconds(Stamp a, Stamp b) { return b.cpu - a.cpu; }
double Wall(Stamp a, Stamp b) { return b.wall - a.wall; }

bool failed = false;
void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "CHECK FAILED: %s\n", what);
    failed = true;
  }
}

std::string Hex64(uint64_t seed) {
  static const char* kDigits = "0123456789abcdef";
  std::mt19937_64 rng(seed);
  std::string s(64, '0');
  for (char& c : s) c = kDigits[rng() & 15];
  return s;
}

// The i-th indicator value of kind k (0 ipv4, 1 domain, 2 url, 3 sha-256).
std::string Value(int kind, uint64_t i) {
  switch (kind) {
    case 0:
      return std::to_string(10 + (i >> 16) % 200) + "." + std::to_string((i >> 8) & 255) + "." +
             std::to_string(i & 255) + "." + std::to_string(1 + i % 250);
    case 1:
      return "host" + std::to_string(i) + ".example.net";
    case 2:
      return "http://host" + std::to_string(i) + ".example.org/path/" + std::to_string(i);
    default:
      return Hex64(i);
  }
}
const char* kTypes[] = {"ipv4-addr", "domain-name", "url", "file"};

std::string IndicatorPattern(int kind, uint64_t i) {
  if (kind == 3) return "[file:hashes.'SHA-256' = '" + Value(kind, i) + "']";
  return "[" + std::string(kTypes[kind]) + ":value = '" + Value(kind, i) + "']";
}

json::object Sco(int kind, const std::string& value) {
  json::object o;
  o["type"] = kTypes[kind];
  if (kind == 3) {
    o["name"] = "sample.bin";
    o["hashes"] = json::object{{"SHA-256", value}};
  } else {
    o["value"] = value;
  }
  return o;
}

size_t HeapInUse() { return mallinfo2().uordblks; }

}  // namespace

int main(int argc, char** argv) {
  size_t n_patterns = 10'000, n_obs = 1'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--patterns") == 0) n_patterns = std::strtoull(argv[i + 1], 0, 10);
    if (std::strcmp(argv[i], "--observations") == 0) n_obs = std::strtoull(argv[i + 1], 0, 10);
  }
  std::printf("pattern_bench: %zu patterns, %zu observations\n", n_patterns, n_obs);

  // 1. Compile time and memory, mixed forms.
  {
    std::vector<std::string> texts;
    texts.reserve(n_patterns);
    for (size_t i = 0; i < n_patterns; ++i) {
      switch (i % 5) {
        case 0:
          texts.push_back(IndicatorPattern(static_cast<int>(i / 5 % 4), i));
          break;
        case 1:
          texts.push_back("[ipv4-addr:value ISSUBSET '10." + std::to_string(i % 256) +
                          ".0.0/16' OR ipv6-addr:value ISSUBSET '2001:db8::/32']");
          break;
        case 2:
          texts.push_back("[url:value LIKE 'http://host" + std::to_string(i) +
                          ".%' AND url:value MATCHES '^https?://[a-z0-9.]+/path/" +
                          std::to_string(i) + "$']");
          break;
        case 3:
          texts.push_back("([file:name = 'x" + std::to_string(i) +
                          ".exe'] FOLLOWEDBY [network-traffic:dst_ref.value = '198.51.100." +
                          std::to_string(i % 256) +
                          "' AND network-traffic:dst_port IN (80, "
                          "443)]) WITHIN 300 SECONDS");
          break;
        default:
          texts.push_back("[process:command_line MATCHES '(?i)powershell.+-enc" +
                          std::to_string(i) +
                          "'] REPEATS 3 TIMES START t'2024-01-01T00:00:00Z' "
                          "STOP t'2024-02-01T00:00:00Z'");
      }
    }
    std::vector<Pattern> compiled;
    compiled.reserve(n_patterns);
    const size_t heap0 = HeapInUse();
    const auto t0 = Now();
    for (const std::string& t : texts) {
      auto p = Compile(t);
      Check(p.ok(), "a generated pattern failed to compile");
      if (p.ok()) compiled.push_back(std::move(p).value());
    }
    const auto t1 = Now();
    const size_t heap1 = HeapInUse();
    Check(compiled.size() == n_patterns, "not every pattern compiled");
    size_t bytes = 0, comparisons = 0;
    for (const std::string& t : texts) bytes += t.size();
    for (const Pattern& p : compiled) comparisons += p.Comparisons().size();
    Check(comparisons == n_patterns / 5 * 9 + (n_patterns % 5 > 0) + (n_patterns % 5 > 1) * 2 +
                             (n_patterns % 5 > 2) * 2 + (n_patterns % 5 > 3) * 3,
          "unexpected number of atomic comparisons");
    const double s = Seconds(t0, t1);
    std::printf(
        "compile: %zu patterns (%zu bytes of text, %zu comparisons) in %.3f s CPU (%.3f s "
        "wall): %.1f us/pattern, %.0f patterns/s, %.0f heap bytes/pattern\n",
        n_patterns, bytes, comparisons, s, Wall(t0, t1), s / n_patterns * 1e6, n_patterns / s,
        static_cast<double>(heap1 - heap0) / n_patterns);
  }

  // 2. Indexed evaluation.
  std::vector<Pattern> patterns;
  patterns.reserve(n_patterns);
  // index: "type\0path\0value" -> patterns whose sufficient comparison is that equality
  std::unordered_map<std::string, std::vector<uint32_t>> index;
  for (size_t i = 0; i < n_patterns; ++i) {
    const int kind = static_cast<int>(i % 4);
    auto p = Compile(IndicatorPattern(kind, i));
    Check(p.ok(), "indicator pattern failed to compile");
    if (!p.ok()) return 1;
    for (const AtomicComparison& c : p->Comparisons()) {
      Check(c.sufficient && c.op == Op::kEqual && !c.negated, "indicator not indexable");
      index[c.path.object_type + '\0' + c.path.ToString() + '\0' + c.constants[0].value].push_back(
          static_cast<uint32_t>(patterns.size()));
    }
    patterns.push_back(std::move(p).value());
  }
  // Observations: one SCO each (kind i % 4); one in 100 holds an indicator value, so the number of
  // matches is known.
  std::vector<json::object> scos;
  scos.reserve(n_obs);
  size_t expected_matches = 0;
  for (size_t i = 0; i < n_obs; ++i) {
    const int kind = static_cast<int>(i % 4);
    if (i % 100 == (i / 100) % 4) {
      // Pattern j has kind j % 4 and value Value(j % 4, j); it matches when the kinds agree.
      const uint64_t j = (i / 100 * 4 + static_cast<uint64_t>(kind)) % n_patterns;
      if (j % 4 == static_cast<uint64_t>(kind)) ++expected_matches;
      scos.push_back(Sco(kind, Value(kind, j)));
    } else {
      scos.push_back(Sco(kind, Value(kind, 1'000'000'000ull + i)));
    }
  }
  {
    Observation obs;
    obs.objects.emplace_back("0", nullptr);
    size_t matches = 0, candidates = 0;
    std::string key;
    const std::string paths[4] = {"ipv4-addr:value", "domain-name:value", "url:value",
                                  "file:hashes.'SHA-256'"};
    const auto t0 = Now();
    for (size_t i = 0; i < n_obs; ++i) {
      const json::object& sco = scos[i];
      obs.objects[0].second = &sco;
      const int kind = static_cast<int>(i % 4);
      // What the hunt index does: read the indexed property, look the value up.
      const json::value* v = kind == 3 ? sco.at("hashes").get_object().if_contains("SHA-256")
                                       : sco.if_contains("value");
      if (v == nullptr || !v->is_string()) continue;
      key.assign(kTypes[kind]);
      key.push_back('\0');
      key.append(paths[kind]);
      key.push_back('\0');
      key.append(v->get_string().data(), v->get_string().size());
      auto it = index.find(key);
      if (it == index.end()) continue;
      for (uint32_t p : it->second) {
        ++candidates;
        if (patterns[p].MatchesOne(obs)) ++matches;
      }
    }
    const auto t1 = Now();
    const double s = Seconds(t0, t1);
    Check(matches == expected_matches && candidates == expected_matches,
          "indexed evaluation found a wrong number of matches");
    std::printf(
        "indexed: %zu observations x %zu patterns in %.3f s CPU (%.3f s wall): %.0f "
        "observations/s (each against every pattern), %.3g observation-pattern checks/s; %zu "
        "matches (expected %zu)\n",
        n_obs, n_patterns, s, Wall(t0, t1), n_obs / s, n_obs / s * n_patterns, matches,
        expected_matches);
  }

  // 3. Direct evaluation: one pattern per operator kind against every observation.
  struct Direct {
    const char* pattern;
    size_t expected;  // computed below from the generator
  };
  std::vector<std::pair<std::string, size_t>> direct = {
      {"[domain-name:value = '" + Value(1, 5) + "']", 0},
      {"[ipv4-addr:value ISSUBSET '10.0.0.0/8']", 0},
      {"[url:value LIKE 'http://host1%']", 0},
      {"[url:value MATCHES '^http://host[0-9]+\\\\.example\\\\.org/path/1']", 0},
      {"[file:hashes.'SHA-256' = '" + Value(3, 15) + "' OR file:name = 'other.bin']", 0},
  };
  // Expected counts by brute force over the generated values (independent of the engine).
  for (size_t i = 0; i < n_obs; ++i) {
    const int kind = static_cast<int>(i % 4);
    const json::object& sco = scos[i];
    const std::string value(kind == 3 ? sco.at("hashes").at("SHA-256").as_string()
                                      : sco.at("value").as_string());
    if (kind == 1 && value == Value(1, 5)) ++direct[0].second;
    if (kind == 0 && value.rfind("10.", 0) == 0) ++direct[1].second;
    if (kind == 2 && value.rfind("http://host1", 0) == 0) ++direct[2].second;
    if (kind == 2) {
      const size_t slash = value.find("/path/");
      if (slash != std::string::npos && value[slash + 6] == '1') ++direct[3].second;
    }
    if (kind == 3 && value == Value(3, 15)) ++direct[4].second;
  }
  for (const auto& [text, expected] : direct) {
    auto p = Compile(text);
    Check(p.ok(), "direct pattern failed to compile");
    if (!p.ok()) continue;
    Observation obs;
    obs.objects.emplace_back("0", nullptr);
    size_t matches = 0;
    const auto t0 = Now();
    for (size_t i = 0; i < n_obs; ++i) {
      obs.objects[0].second = &scos[i];
      if (p->MatchesOne(obs)) ++matches;
    }
    const auto t1 = Now();
    const double s = Seconds(t0, t1);
    Check(matches == expected, "direct evaluation found a wrong number of matches");
    std::printf(
        "direct: %s\n  %.3f s CPU (%.3f s wall), %.3g checks/s, %zu matches (expected "
        "%zu)\n",
        text.c_str(), s, Wall(t0, t1), n_obs / s, matches, expected);
  }
  // 4. Whole-set evaluation (Pattern::Match) of qualified patterns over observed-data one second
  //    apart: an address in 1 of 1000, a domain 10 s before each address.
  {
    const size_t n_set = std::min<size_t>(n_obs / 10, 100'000);
    std::vector<tessera::stix::Object> objects;
    objects.reserve(n_set);
    size_t addresses = 0;
    for (size_t i = 0; i < n_set; ++i) {
      std::string sco;
      if (i % 1000 == 0 && i > 0) {
        sco = R"({"type":"ipv4-addr","value":"10.0.0.1"})";
        ++addresses;
      } else if (i % 1000 == 990) {
        sco = R"({"type":"domain-name","value":"a.example"})";
      } else {
        sco = R"({"type":"ipv4-addr","value":"192.0.2.)" + std::to_string(i % 250) + R"("})";
      }
      const int64_t t = 1'700'000'000 + static_cast<int64_t>(i);
      const std::string ts =
          tessera::FormatTimestamp(tessera::Timestamp{t, 0}, tessera::TimePrecision::kSeconds);
      tessera::stix::Object o;
      o.type = "observed-data";
      o.id = "observed-data--" + std::to_string(i);
      o.json = R"({"type":"observed-data","id":")" + o.id + R"(","first_observed":")" + ts +
               R"(","last_observed":")" + ts + R"(","number_observed":1,"objects":{"0":)" + sco +
               "}}";
      objects.push_back(std::move(o));
    }
    auto set = tessera::pattern::ObservationSet::FromObjects(objects);
    Check(set.ok(), "observation set failed to build");
    if (set.ok()) {
      const std::pair<const char*, size_t> cases[] = {
          {"[ipv4-addr:value = '10.0.0.1'] REPEATS 5 TIMES", addresses},
          {"([domain-name:value = 'a.example'] FOLLOWEDBY [ipv4-addr:value = '10.0.0.1']) "
           "WITHIN 60 SECONDS",
           2 * addresses},  // each address and the domain 10 s before it
          {"[ipv4-addr:value ISSUBSET '192.0.2.0/24'] START t'2023-11-14T22:13:20Z' STOP "
           "t'2023-11-14T22:13:30Z'",
           10},
      };
      for (const auto& [text, expected] : cases) {
        auto p = Compile(text);
        Check(p.ok(), "set pattern failed to compile");
        if (!p.ok()) continue;
        const Stamp t0 = Now();
        const tessera::pattern::MatchResult r = p->Match(*set);
        const Stamp t1 = Now();
        Check(r.matched && r.observed_data_ids.size() == expected && !r.truncated,
              "set evaluation found a wrong number of observed-data");
        std::printf(
            "set: %s\n  %zu observed-data in %.3f s CPU (%.3f s wall), %.3g "
            "observations/s, %zu observed-data matched (expected %zu)\n",
            text, n_set, Seconds(t0, t1), Wall(t0, t1), n_set / Seconds(t0, t1),
            r.observed_data_ids.size(), expected);
      }
    }
  }
  std::printf(failed ? "RESULT: FAILED\n" : "RESULT: all checks passed\n");
  return failed ? 1 : 0;
}
