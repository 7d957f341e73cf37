// End-to-end: `tessera init`, `tessera import` of tests/data/hunt/indicators_bundle.json, then
// `tessera hunt` over the Zeek samples (with the store's indicators or a STIX file's), its
// sightings checked with `tessera validate` and stored, run as a user runs them.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hunt_cli_fixture.h"

namespace {

namespace fs = std::filesystem;

using tessera::testing::CliRun;

class HuntCliTest : public tessera::testing::HuntCliFixture {
 protected:
  HuntCliTest() : HuntCliFixture("tessera-hunt-cli") {}

  void SetUp() override {
    HuntCliFixture::SetUp();
    const char* src = std::getenv("TESSERA_SOURCE_DIR");
    data_ = fs::path(src ? src : TESSERA_SOURCE_DIR_DEFAULT) / "tests/data/hunt";
    ASSERT_EQ(Tessera({"init", "--data", (dir_ / "store").string()}).exit_code, 0);
    CliRun imported = Tessera({"import", "--data", (dir_ / "store").string(),
                               (data_ / "indicators_bundle.json").string()});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
  }

  fs::path data_;
};

TEST_F(HuntCliTest, HitsAreJsonLinesTiedToFields) {
  CliRun r = Tessera({"hunt", "--data", (dir_ / "store").string(),
                      (data_ / "zeek_dns.log").string(), (data_ / "zeek_http.log").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // One line per (event, indicator): the DNS answer and query of one event that both fall under
  // evil.example are one line of that indicator.
  EXPECT_EQ(Count(r.out, "\n"), 8u) << r.out;
  EXPECT_EQ(Count(r.out, "\"field\":\"query\""), 1u) << r.out;
  EXPECT_NE(
      r.out.find(
          R"("field":"answers","kind":"ip","value":"198.51.100.9","matched":"198.51.100.0/24")"),
      std::string::npos)
      << r.out;
  // The revoked indicator never hits. The AND pattern (a URL on port 80) is evaluated whole: it
  // hits the request for the URL on port 80 and the one whose referrer is that URL, once each
  // with both values, not the request to evil.example:8080 that the index pre-selected by its
  // port.
  EXPECT_EQ(Count(r.out, "indicator--b1000000-0000-4000-8000-000000000003"), 0u);
  EXPECT_EQ(Count(r.out, "indicator--b1000000-0000-4000-8000-000000000004"), 2u) << r.out;
  EXPECT_NE(
      r.out.find(
          R"("line":1,"time":"2024-05-01T10:00:02Z","matches":[{"field":"id.resp_p","kind":"other","value":"80","matched":"80"},{"field":"uri","kind":"url","value":"http://EVIL.example/dl/%7epayload.exe","matched":"http://evil.example/dl/~payload.exe"}],"indicator":"indicator--b1000000-0000-4000-8000-000000000004","decided_by":"pattern"})"),
      std::string::npos)
      << r.out;
  EXPECT_EQ(Count(r.out, "\"decided_by\":\"pattern\""), 2u) << r.out;
  EXPECT_EQ(Count(r.out, "\"decided_by\":\"index\""), 6u) << r.out;
  EXPECT_EQ(r.out.find(R"("line":2,"time":"2024-05-01T10:00:02Z","matches":[{"field":"id.resp_p")"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("4 indicators"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 indicators skipped"), std::string::npos) << r.err;
  EXPECT_NE(
      r.err.find("zeek_dns.log (zeek): 10 lines, 10 events, 0 malformed, 2 hits (3 index hits)"),
      std::string::npos)
      << r.err;
}

TEST_F(HuntCliTest, NoHitsMalformedLinesAndUsage) {
  std::ofstream(dir_ / "quiet.log")
      << "May  1 10:02:04 ws01 dnsmasq[500]: query[A] michigan.org from 10.0.0.5\n"
      << "<999999>bad priority\n";
  CliRun quiet =
      Tessera({"hunt", "--data", (dir_ / "store").string(), (dir_ / "quiet.log").string()});
  EXPECT_EQ(quiet.exit_code, 1) << quiet.err;
  EXPECT_TRUE(quiet.out.empty());
  EXPECT_NE(quiet.err.find("1 malformed"), std::string::npos) << quiet.err;
  EXPECT_NE(quiet.err.find("line 2: malformed syslog priority"), std::string::npos) << quiet.err;

  EXPECT_EQ(Tessera({"hunt", "--data", (dir_ / "store").string(), "-"}).exit_code,
            2);  // stdin needs --format
  EXPECT_EQ(Tessera({"hunt", "--data", (dir_ / "store").string(), (dir_ / "missing.log").string()})
                .exit_code,
            2);
  EXPECT_EQ(
      Tessera({"hunt", "--data", (dir_ / "nostore").string(), (data_ / "zeek_dns.log").string()})
          .exit_code,
      2);
}

TEST_F(HuntCliTest, IntelFileNewestVersionsAndAWindowAcrossLogs) {
  CliRun r = Tessera({"hunt", "--intel", (data_ / "intel_window.ndjson").string(),
                      (data_ / "zeek_dns.log").string(), (data_ / "zeek_http.log").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The second version of ...0001 is hunted (cdn.evil.example), not the first (old.example); the
  // FOLLOWEDBY indicator hits on the HTTP connection that follows the DNS query, one log later.
  EXPECT_EQ(Count(r.out, "\n"), 2u) << r.out;
  EXPECT_NE(
      r.out.find(
          R"("line":1,"time":"2024-05-01T10:00:01Z","matches":[{"field":"query","kind":"domain","value":"cdn.evil.example","matched":"cdn.evil.example"}],"indicator":"indicator--d1000000-0000-4000-8000-000000000001","decided_by":"index"})"),
      std::string::npos)
      << r.out;
  EXPECT_NE(
      r.out.find(
          R"("matches":[{"field":"id.resp_h","kind":"ip","value":"198.51.100.30","matched":"198.51.100.30/32"}],"indicator":"indicator--d1000000-0000-4000-8000-000000000002","decided_by":"window","observations":[{"log":")" +
          (data_ / "zeek_dns.log").string() +
          R"(","line":1,"time":"2024-05-01T10:00:01Z"},{"log":")" +
          (data_ / "zeek_http.log").string() + R"(","line":1,"time":"2024-05-01T10:00:02Z"}]})"),
      std::string::npos)
      << r.out;
  // The indicator without valid_from is invalid STIX: skipped and said so.
  EXPECT_NE(r.err.find("1 invalid indicators skipped"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 indicators ("), std::string::npos) << r.err;

  // The DNS log alone: the window never completes.
  CliRun dns_only = Tessera({"hunt", "--intel", (data_ / "intel_window.ndjson").string(),
                             (data_ / "zeek_dns.log").string()});
  EXPECT_EQ(dns_only.exit_code, 0) << dns_only.err;
  EXPECT_EQ(Count(dns_only.out, "decided_by\":\"window"), 0u) << dns_only.out;
}

// One line per hit (one event, one indicator) with the values it matched, and every hit at its
// event's time: CEF rt (a date, epoch milliseconds), start, and an RFC 3164 syslog header with the
// year and zone given or the year of the file. The indicators are valid in February and March
// 2026 only, and --at is 2030: an event read at "now" would hit nothing.
TEST_F(HuntCliTest, OneLinePerHitAtTheEventsTime) {
  auto indicator = [](int n, const std::string& pattern) {
    return R"({"type":"indicator","spec_version":"2.1","id":"indicator--e1000000-0000-4000-8000-00000000000)" +
           std::to_string(n) +
           R"(","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","pattern":")" +
           pattern +
           R"(","pattern_type":"stix","valid_from":"2026-02-01T00:00:00Z","valid_until":"2026-04-01T00:00:00Z"})" +
           "\n";
  };
  std::ofstream(dir_ / "intel.ndjson")
      << indicator(1,
                   "[network-traffic:dst_ref.value = '203.0.113.9' AND "
                   "network-traffic:dst_port = 4444]")
      << indicator(2, "[ipv4-addr:value = '198.51.100.44']");
  std::ofstream(dir_ / "fw.cef")
      << "CEF:0|V|FW|1|1|conn|3|rt=Mar 01 2026 10:00:00 dst=203.0.113.9 dpt=4444\n"
      << "CEF:0|V|FW|1|1|conn|3|rt=1772445600000 dst=203.0.113.9 dpt=4444\n"
      << "CEF:0|V|FW|1|1|conn|3|start=Jan 15 2026 10:00:00 dst=203.0.113.9 dpt=4444\n";
  const std::string syslog = (dir_ / "gw.log").string();
  std::ofstream(syslog) << "Mar  1 11:00:00 gw app: blocked 198.51.100.44\n";
  // The syslog file was last written on 2026-03-05T00:00:00Z.
  const timespec written[2] = {{1772668800, 0}, {1772668800, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, syslog.c_str(), written, 0), 0);
  const std::string intel = (dir_ / "intel.ndjson").string();
  const std::string sightings = (dir_ / "sightings.json").string();

  CliRun cef = Tessera({"hunt", "--intel", intel, "--at", "2030-01-01T00:00:00Z", "--sightings",
                        sightings, "--sighter-name", "fw", (dir_ / "fw.cef").string()});
  ASSERT_EQ(cef.exit_code, 0) << cef.err;
  EXPECT_EQ(Count(cef.out, "\n"), 2u) << cef.out;
  const std::string matches =
      R"("event_type":"FW","matches":[{"field":"dst","kind":"ip","value":"203.0.113.9","matched":"203.0.113.9/32"},{"field":"dpt","kind":"other","value":"4444","matched":"4444"}],"indicator":"indicator--e1000000-0000-4000-8000-000000000001","decided_by":"pattern"})";
  EXPECT_NE(cef.out.find(R"("line":1,"time":"2026-03-01T10:00:00Z",)" + matches), std::string::npos)
      << cef.out;
  EXPECT_NE(cef.out.find(R"("line":2,"time":"2026-03-02T10:00:00Z",)" + matches), std::string::npos)
      << cef.out;
  // One sighting: two events, first and last seen at their times.
  const std::string bundle = tessera::testing::Slurp(sightings);
  EXPECT_NE(bundle.find(R"("count":2)"), std::string::npos) << bundle;
  EXPECT_NE(
      bundle.find(R"("first_seen":"2026-03-01T10:00:00Z","last_seen":"2026-03-02T10:00:00Z")"),
      std::string::npos)
      << bundle;

  // The year and zone given: 11:00 at +01:00 on 2026-03-01 is within the validity window.
  CliRun given = Tessera({"hunt", "--intel", intel, "--at", "2030-01-01T00:00:00Z", "--syslog-year",
                          "2026", "--syslog-tz", "+01:00", syslog});
  ASSERT_EQ(given.exit_code, 0) << given.err;
  EXPECT_NE(
      given.out.find(
          R"("line":1,"time":"2026-03-01T10:00:00Z","event_type":"app","matches":[{"field":"message","kind":"ip","value":"198.51.100.44")"),
      std::string::npos)
      << given.out;
  // Without them: the year of the file (2026), UTC.
  CliRun file_year = Tessera({"hunt", "--intel", intel, "--at", "2030-01-01T00:00:00Z", syslog});
  ASSERT_EQ(file_year.exit_code, 0) << file_year.err;
  EXPECT_NE(file_year.out.find(R"("time":"2026-03-01T11:00:00Z")"), std::string::npos)
      << file_year.out;
  // Another year: outside the validity window, no hit.
  CliRun other_year = Tessera(
      {"hunt", "--intel", intel, "--at", "2026-03-01T00:00:00Z", "--syslog-year", "2025", syslog});
  EXPECT_EQ(other_year.exit_code, 1) << other_year.out << other_year.err;

  // A named zone is refused, saying why; both options are documented.
  CliRun named = Tessera({"hunt", "--intel", intel, "--syslog-tz", "Europe/Paris", syslog});
  EXPECT_EQ(named.exit_code, 2);
  EXPECT_NE(named.err.find("--syslog-tz: 'Europe/Paris' is not an offset from UTC"),
            std::string::npos)
      << named.err;
  CliRun help = Tessera({"hunt", "--help"});
  EXPECT_NE(help.out.find("--syslog-year"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--syslog-tz"), std::string::npos) << help.out;
}

// An indicator whose pattern cannot be evaluated on an event (an IN set mixing types, STIX 2.1
// §9.6.1) is counted on standard error with the first error and its line; the hunt goes on.
TEST_F(HuntCliTest, EvaluationErrorsAreCountedPerIndicator) {
  const std::filesystem::path intel = dir_ / "intel_mixed_set.json";
  std::ofstream(intel) << R"({"type":"indicator","spec_version":"2.1",)"
                       << R"("id":"indicator--e1000000-0000-4000-8000-000000000001",)"
                       << R"("created":"2024-01-01T00:00:00.000Z",)"
                       << R"("modified":"2024-01-01T00:00:00.000Z",)"
                       << R"("pattern":"[domain-name:value IN ('cdn.evil.example', 1)]",)"
                       << R"("pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z"})";
  const std::string log = (data_ / "zeek_dns.log").string();
  CliRun r = Tessera({"hunt", "-q", "--intel", intel.string(), log});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // no hit: the evaluation failed
  EXPECT_EQ(r.out, "");
  EXPECT_NE(
      r.err.find("tessera hunt: indicator--e1000000-0000-4000-8000-000000000001: 1 "
                 "evaluation(s) failed and counted as no match; first at " +
                 log + ":1: domain-name:value: the IN set mixes constants of different types"),
      std::string::npos)
      << r.err;
}

// Issue #11 §3: each indicator the hunt cannot hit is named on standard error, once, with why.
TEST_F(HuntCliTest, NamesEachIndicatorItSkips) {
  auto indicator = [](const std::string& n, const std::string& modified, const std::string& pattern,
                      const std::string& rest) {
    return R"({"type":"indicator","spec_version":"2.1","id":"indicator--e1000000-0000-4000-8000-00000000000)" +
           n + R"(","created":"2024-01-01T00:00:00.000Z","modified":")" + modified +
           R"(","pattern":")" + pattern + "\"" + rest + "}\n";
  };
  const std::string stix = R"(,"pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z")";
  std::ofstream(dir_ / "intel.ndjson")
      << indicator("1", "2024-01-01T00:00:00.000Z", "[domain-name:value = 'cdn.evil.example']",
                   stix)
      << indicator("2", "2024-01-01T00:00:00.000Z", "[ipv4-addr:value = '203.0.113.5'", stix)
      << indicator("3", "2024-01-01T00:00:00.000Z", "[ipv4-addr:value = '999.0.113.5']", stix)
      << indicator("4", "2024-01-01T00:00:00.000Z", "alert ip any any -> any any (sid:1;)",
                   R"(,"pattern_type":"snort","valid_from":"2020-01-01T00:00:00Z")")
      // Two versions without valid_from (invalid STIX): named once.
      << indicator("5", "2024-01-01T00:00:00.000Z", "[domain-name:value = 'a.example']",
                   R"(,"pattern_type":"stix")")
      << indicator("5", "2024-02-01T00:00:00.000Z", "[domain-name:value = 'a.example']",
                   R"(,"pattern_type":"stix")");
  CliRun r = Tessera(
      {"hunt", "--intel", (dir_ / "intel.ndjson").string(), (data_ / "zeek_dns.log").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string id = "indicator--e1000000-0000-4000-8000-00000000000";
  EXPECT_EQ(Count(r.err, "  skipped " + id), 4u) << r.err;
  EXPECT_EQ(Count(r.err, "  skipped " + id + "1"), 0u) << r.err;
  EXPECT_EQ(Count(r.err, "  skipped " + id + "2: pattern: position 32: expected ']'"), 1u) << r.err;
  EXPECT_EQ(Count(r.err, "  skipped " + id +
                             "3: nothing the index serves: ipv4-addr:value = "
                             "'999.0.113.5': "),
            1u)
      << r.err;
  EXPECT_EQ(Count(r.err, "  skipped " + id + "4: pattern_type is not stix"), 1u) << r.err;
  EXPECT_EQ(Count(r.err, "  skipped " + id + "5: invalid STIX 2.1: $.valid_from: "), 1u) << r.err;
}

TEST_F(HuntCliTest, SightingsValidateAreDeterministicAndStored) {
  const std::string store = (dir_ / "store").string();
  const std::string out1 = (dir_ / "sightings1.json").string();
  const std::string out2 = (dir_ / "sightings2.json").string();
  const std::vector<std::string> logs = {(data_ / "zeek_dns.log").string(),
                                         (data_ / "zeek_http.log").string()};
  auto hunt = [&](const std::string& out) {
    std::vector<std::string> args = {"hunt", "--data",         store,     "--sightings",
                                     out,    "--sighter-name", "sensor-1"};
    args.insert(args.end(), logs.begin(), logs.end());
    return Tessera(args);
  };
  CliRun first = hunt(out1);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string bundle = tessera::testing::Slurp(out1);
  ASSERT_FALSE(bundle.empty());
  EXPECT_EQ(Count(bundle, "\"type\":\"sighting\""), 3u) << bundle;
  EXPECT_EQ(Count(bundle, "\"type\":\"identity\""), 1u) << bundle;
  EXPECT_NE(bundle.find(R"("sighting_of_ref":"indicator--b1000000-0000-4000-8000-000000000002")"),
            std::string::npos)
      << bundle;
  EXPECT_FALSE(fs::exists(out1 + ".tmp"));

  // Every object passes `tessera validate`.
  CliRun validated = Tessera({"validate", out1});
  EXPECT_EQ(validated.exit_code, 0) << validated.out << validated.err;

  // Stored: the sightings can be exported from the store.
  EXPECT_NE(first.err.find("3 sightings stored"), std::string::npos) << first.err;
  CliRun exported =
      Tessera({"export", "--data", store, "--type", "sighting", "--format", "ndjson"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(Count(exported.out, "\"type\":\"sighting\""), 3u) << exported.out;

  // The same input gives the same bytes, and storing them again adds nothing.
  CliRun second = hunt(out2);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(tessera::testing::Slurp(out2), bundle);
  EXPECT_NE(second.err.find("0 objects added"), std::string::npos) << second.err;

  // The stored sightings are named in the hub's secret namespace (#15 review): the same hunt that
  // does not store (--no-import) names them publicly, so its ids, which anyone can compute from
  // the indicator, the sighter and the log names, are not the hub's.
  const std::string open = (dir_ / "sightings_open.json").string();
  std::vector<std::string> args = {
      "hunt", "--data", store, "--no-import", "--sightings", open, "--sighter-name", "sensor-1"};
  args.insert(args.end(), logs.begin(), logs.end());
  CliRun unstored = Tessera(args);
  ASSERT_EQ(unstored.exit_code, 0) << unstored.err;
  const std::string open_bundle = tessera::testing::Slurp(open);
  const std::string kSighting = R"("id":"sighting--)";
  size_t sightings = 0;
  for (size_t at = bundle.find(kSighting); at != std::string::npos;
       at = bundle.find(kSighting, at + 1), ++sightings) {
    const std::string id = bundle.substr(at + 6, std::string("sighting--").size() + 36);
    EXPECT_EQ(open_bundle.find(id), std::string::npos) << id << " is computable";
  }
  EXPECT_EQ(sightings, 3u) << bundle;
  EXPECT_EQ(Count(open_bundle, "\"type\":\"sighting\""), 3u) << open_bundle;

  // A given sighter identity is referenced, not created.
  const std::string out3 = (dir_ / "sightings3.json").string();
  CliRun given = Tessera({"hunt", "--intel", (data_ / "intel_window.ndjson").string(),
                          "--sightings", out3, "--sighter-identity",
                          "identity--5b1b1d7a-51c5-4b5e-a4a4-0a0cf0c3a9a1", logs[0], logs[1]});
  ASSERT_EQ(given.exit_code, 0) << given.err;
  const std::string bundle3 = tessera::testing::Slurp(out3);
  EXPECT_EQ(Count(bundle3, "\"type\":\"identity\""), 0u) << bundle3;
  EXPECT_EQ(
      Count(bundle3, R"("where_sighted_refs":["identity--5b1b1d7a-51c5-4b5e-a4a4-0a0cf0c3a9a1"])"),
      2u)
      << bundle3;
}

TEST_F(HuntCliTest, WithDataTheHubIsTheSighter) {
  // `tessera init` recorded the hub's organization: with --data and no sighter named, it is the
  // sighter, and its identity is written into the bundle.
  const std::string out = (dir_ / "hub_sightings.json").string();
  CliRun r = Tessera({"hunt", "--data", (dir_ / "store").string(), "--sightings", out,
                      (data_ / "zeek_dns.log").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string bundle = tessera::testing::Slurp(out);
  EXPECT_EQ(Count(bundle, "\"type\":\"identity\""), 1u) << bundle;
  EXPECT_EQ(Count(bundle, "\"identity_class\":\"organization\""), 1u) << bundle;
  const size_t at = bundle.find("\"id\":\"identity--");
  ASSERT_NE(at, std::string::npos) << bundle;
  const std::string identity = bundle.substr(at + 6, std::string("identity--").size() + 36);
  EXPECT_NE(bundle.find("\"where_sighted_refs\":[\"" + identity + "\"]"), std::string::npos)
      << identity << "\n"
      << bundle;
  EXPECT_EQ(Tessera({"validate", out}).exit_code, 0);
}

TEST_F(HuntCliTest, IntelAndDataAreExclusive) {
  const std::string log = (data_ / "zeek_dns.log").string();
  EXPECT_EQ(Tessera({"hunt", "--data", (dir_ / "store").string(), "--intel",
                     (data_ / "intel_window.ndjson").string(), log})
                .exit_code,
            2);
  EXPECT_EQ(Tessera({"hunt", "--intel", (dir_ / "missing.json").string(), log}).exit_code, 2);
  std::ofstream(dir_ / "notjson.json") << "{not json";
  EXPECT_EQ(Tessera({"hunt", "--intel", (dir_ / "notjson.json").string(), log}).exit_code, 2);
  EXPECT_EQ(Tessera({"hunt", "--intel", "-", "-", "--format", "zeek"}).exit_code, 2);
  EXPECT_EQ(
      Tessera({"hunt", "--intel", (data_ / "intel_window.ndjson").string(), "--sighter-identity",
               "identity--5b1b1d7a-51c5-4b5e-a4a4-0a0cf0c3a9a1", "--sighter-name", "x", log})
          .exit_code,
      2);
  EXPECT_EQ(
      Tessera({"hunt", "--intel", (data_ / "intel_window.ndjson").string(), "--sightings",
               (dir_ / "sightings.json").string(), "--sighter-identity", "identity--bad", log})
          .exit_code,
      2);
}

TEST_F(HuntCliTest, GarbageBetweenGzipMembersIsReportedNotSilentlyDropped) {
  // Two gzip members of zeek_dns.log (lines 1-2, then 3-10) with 8 bytes of garbage between
  // them, after the 306 bytes of the first: `gzip -t` fails on it; so does the hunt, saying where.
  const std::string gz = (data_ / "garbage_between_members.log.gz").string();
  CliRun r = Tessera({"hunt", "--data", (dir_ / "store").string(), "--no-import", gz});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(gz + ": damaged gzip file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("compressed offset 306"), std::string::npos) << r.err;
  // The hits of the lines before the damage are reported (line 1), none after it.
  EXPECT_NE(r.out.find(R"("line":1,)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(R"("line":3,)"), std::string::npos) << r.out;
}

TEST_F(HuntCliTest, ABadFirstLineDoesNotLoseTheLogAndLimitsAreSaid) {
  // A first line that is not UTF-8: the format is told from the next lines, the line is a
  // malformed line, and line 2 onwards (zeek_dns.log) hit as usual.
  std::ofstream(dir_ / "bad-first.log", std::ios::binary)
      << "\xff\xfe\xfd not a log line\n"
      << tessera::testing::Slurp(data_ / "zeek_dns.log");
  CliRun r = Tessera({"hunt", "--data", (dir_ / "store").string(), "--no-import",
                      (dir_ / "bad-first.log").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("bad-first.log (zeek): 11 lines, 10 events, 1 malformed, 2 hits"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("line 1:"), std::string::npos) << r.err;

  // One line longer than the 4 MiB line limit: said so, not "empty".
  std::ofstream(dir_ / "one-line.log", std::ios::binary) << std::string(5u << 20, 'x');
  CliRun one = Tessera({"hunt", "--data", (dir_ / "store").string(), "--no-import",
                        (dir_ / "one-line.log").string()});
  EXPECT_EQ(one.exit_code, 2) << one.err;
  EXPECT_EQ(one.err.find("empty"), std::string::npos) << one.err;
  EXPECT_NE(one.err.find("1 line(s) longer than the 4194304-byte limit"), std::string::npos)
      << one.err;
}

TEST_F(HuntCliTest, TopLevelHelpListsEachCommandInOneLine) {
  CliRun top = Tessera({"--help"});
  EXPECT_EQ(top.exit_code, 0) << top.err;
  const size_t at = top.out.find("\nSubcommands:\n");
  ASSERT_NE(at, std::string::npos) << top.out;
  size_t commands = 0;
  std::istringstream lines(top.out.substr(at + std::string("\nSubcommands:\n").size()));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    ++commands;
    EXPECT_LE(line.size(), 100u) << "one line per command, as git does:\n" << line;
  }
  EXPECT_GE(commands, 12u) << top.out;
  // The paragraph is the command's own help.
  CliRun hunt = Tessera({"hunt", "--help"});
  EXPECT_EQ(hunt.exit_code, 0) << hunt.err;
  EXPECT_NE(hunt.out.find("Matching rules, formats, the allowlist"), std::string::npos) << hunt.out;
  EXPECT_EQ(top.out.find("Matching rules"), std::string::npos) << top.out;
}

}  // namespace
