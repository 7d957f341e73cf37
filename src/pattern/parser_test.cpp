#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "common/file.h"
#include "common/json.h"
#include "pattern/pattern.h"

namespace tessera::pattern {
namespace {

// The OASIS material copied into the tests' data (tests/data/conformance/README.md).
std::string ConformanceDir() {
  const char* d = std::getenv("TESSERA_SOURCE_DIR");
  return std::string(d != nullptr ? d : ".") + "/tests/data/conformance";
}

// The OASIS pattern validator's STIX 2.1 validity cases: [{"pattern": ..., "valid": ...}].
boost::json::array ValidityCases() {
  auto text = ReadInput(ConformanceDir() + "/pattern-validity-v21.json");
  EXPECT_TRUE(text.ok()) << text.status().message();
  auto cases = ParseJson(text.ok() ? *text : "[]");
  EXPECT_TRUE(cases.ok() && cases->is_array());
  return cases.ok() && cases->is_array() ? cases->as_array() : boost::json::array();
}

// Every case of the OASIS pattern validator's STIX 2.1 test suite must get the same verdict.
TEST(PatternConformance, ValidityCasesAgreeWithTheOasisValidator) {
  size_t n = 0;
  for (const auto& c : ValidityCases()) {
    const std::string pattern(c.at("pattern").as_string());
    const bool valid = c.at("valid").as_bool();
    auto p = Compile(pattern);
    EXPECT_EQ(p.ok(), valid) << pattern << "\n  -> " << p.status().message();
    ++n;
  }
  EXPECT_EQ(n, 87u);
}

// SimpleComparisons, the hunt's way around Compile: when it reads a pattern, Compile accepts it
// and lists the same comparisons, every one sufficient.
void ExpectSameAsCompile(const std::string& text) {
  auto simple = SimpleComparisons(text);
  ASSERT_TRUE(simple.has_value()) << text;
  auto compiled = Compile(text);
  ASSERT_TRUE(compiled.ok()) << text << ": " << compiled.status().message();
  const std::vector<AtomicComparison>& want = compiled->Comparisons();
  ASSERT_EQ(simple->size(), want.size()) << text;
  for (size_t i = 0; i < want.size(); ++i) {
    const AtomicComparison& a = (*simple)[i];
    const AtomicComparison& b = want[i];
    EXPECT_EQ(a.ToString(), b.ToString()) << text;
    EXPECT_EQ(a.path.object_type, b.path.object_type) << text;
    ASSERT_EQ(a.path.steps.size(), b.path.steps.size()) << text;
    for (size_t k = 0; k < b.path.steps.size(); ++k) {
      EXPECT_EQ(a.path.steps[k].kind, b.path.steps[k].kind) << text;
      EXPECT_EQ(a.path.steps[k].key, b.path.steps[k].key) << text;
      EXPECT_EQ(a.path.steps[k].index, b.path.steps[k].index) << text;
    }
    EXPECT_EQ(a.op, b.op) << text;
    EXPECT_EQ(a.negated, b.negated) << text;
    EXPECT_EQ(a.mixed_types, b.mixed_types) << text;
    EXPECT_TRUE(a.sufficient) << text;
    EXPECT_TRUE(b.sufficient) << text;
    ASSERT_EQ(a.constants.size(), b.constants.size()) << text;
    for (size_t k = 0; k < b.constants.size(); ++k) {
      EXPECT_EQ(a.constants[k].kind, b.constants[k].kind) << text;
      EXPECT_EQ(a.constants[k].text, b.constants[k].text) << text;
      EXPECT_EQ(a.constants[k].value, b.constants[k].value) << text;
    }
  }
}

struct SimpleCase {
  std::string text;
  bool simple;  // SimpleComparisons reads it (and then it equals Compile's); else it declines
};

TEST(SimpleComparisons, ReadsWhatCompileReadsOrDeclines) {
  const std::string sha256(64, 'a');
  const std::vector<SimpleCase> cases = {
      // Read: = with a string, IN of strings, ISSUBSET with a network, joined by OR.
      {"[ipv4-addr:value = '203.0.113.5']", true},
      {"  [ domain-name:value='evil.example' ]\n", true},
      {"[ipv4-addr:value == '203.0.113.5']", true},
      {"/* feed 7 */ [url:value = 'http://evil.example/a?b=c'] // trailing", true},
      {"[file:hashes.'SHA-256' = '" + sha256 + "']", true},
      {"[file:hashes.MD5 = 'D41D8CD98F00B204E9800998ECF8427E']", true},
      {"[file:name = 'it\\'s a \\\\ test.exe']", true},
      {"[ipv4-addr:value ISSUBSET '198.51.100.0/24']", true},
      {"[ipv6-addr:value ISSUBSET '2001:db8::/32' OR ipv4-addr:value = '10.1.2.3']", true},
      {"[domain-name:value IN ('a.example', 'b.example') OR url:value = 'http://c.example/']",
       true},
      {"[network-traffic:dst_ref.value = '203.0.113.9' OR email-addr:value = 'x@evil.example']",
       true},
      {"[email-message:to_refs[*].value = 'x@evil.example']", true},
      {"[x-acme:'odd-name'.'b' = 'caf\xc3\xa9']", true},
      // Valid, but another form: Compile decides.
      {"[ipv4-addr:value = '203.0.113.5'] WITHIN 5 SECONDS", false},
      {"[ipv4-addr:value = '203.0.113.5'] OR [domain-name:value = 'evil.example']", false},
      {"[ipv4-addr:value = '203.0.113.5' AND network-traffic:dst_port = 443]", false},
      {"[(ipv4-addr:value = '203.0.113.5')]", false},
      {"[ipv4-addr:value != '203.0.113.5']", false},
      {"[ipv4-addr:value NOT = '203.0.113.5']", false},
      {"[network-traffic:dst_port = 443]", false},
      {"[ipv4-addr:value IN ('203.0.113.5', 7)]", false},
      {"[ipv4-addr:value IN ()]", false},
      {"[url:value LIKE 'http://%']", false},
      {"[url:value MATCHES '^http']", false},
      {"[file:name ISSUPERSET '10.0.0.0/8']", false},
      {"[file:size = 1 OR file:name = 'a']", false},
      // Invalid: Compile refuses, so SimpleComparisons must decline.
      {"[ipv4-addr:value = '203.0.113.5'", false},
      {"ipv4-addr:value = '203.0.113.5']", false},
      {"[ipv4-addr:value = '203.0.113.5']]", false},
      {"[ipv4-addr:value = '203.0.113.5' OR]", false},
      {"[ipv4-addr:value = '203.0.113.5' or domain-name:value = 'a']", false},
      {"[file:hashes.MD5 = 'abc']", false},
      {"[file:hashes.'SHA-256' = '" + sha256 + "0']", false},
      {"[ipv4-addr:value ISSUBSET 'not a network']", false},
      {"[ipv4-addr:value IN ('203.0.113.5', 'x'", false},
      {"[x-acme:odd-name = 'a']", false},
      {"[x-acme:OR = 'a']", false},
      {"[OR:value = 'a']", false},
      {"[ipv4-addr:value = 'a\\x']", false},
      {"[ipv4-addr:value = 'a'] /* unterminated", false},
      {"[domain-name:value = '\xff']", false},
      {"[ipv4-addr: = 'a']", false},
      {"[ipv4-addr:value. = 'a']", false},
      {"[ipv4-addr:value = 'a' ! ]", false},
  };
  for (const SimpleCase& c : cases) {
    if (c.simple) {
      ExpectSameAsCompile(c.text);
    } else {
      EXPECT_FALSE(SimpleComparisons(c.text).has_value()) << c.text;
    }
  }
  // The limits are Compile's.
  Limits one;
  one.max_comparisons = 1;
  EXPECT_FALSE(SimpleComparisons("[a:b = 'c' OR a:b = 'd']", one).has_value());
  EXPECT_FALSE(Compile("[a:b = 'c' OR a:b = 'd']", one).ok());
  Limits short_text;
  short_text.max_length = 8;
  EXPECT_FALSE(SimpleComparisons("[a:b = 'c']", short_text).has_value());
}

// Over the shared validity cases: SimpleComparisons reads only valid ones, and reads them as
// Compile does.
TEST(SimpleComparisons, NeverReadsAnInvalidConformanceCase) {
  size_t read = 0;
  for (const auto& c : ValidityCases()) {
    const std::string pattern(c.at("pattern").as_string());
    if (!SimpleComparisons(pattern)) continue;
    ++read;
    EXPECT_TRUE(c.at("valid").as_bool()) << pattern;
    ExpectSameAsCompile(pattern);
  }
  EXPECT_GT(read, 0u);
}

std::string SourceDir() {
  const char* d = std::getenv("TESSERA_SOURCE_DIR");
  return d != nullptr ? d : "..";
}

// Every example pattern the STIX 2.1 standard gives (sections 4.7, 8.2 and 9; transcribed from
// the standard's text into tests/data/pattern/spec-examples.json, which names its source). Those
// the standard presents as usable must compile; the schematic placeholders (`[ a ]`, `5 MINUTES`,
// unquoted hyphenated property names) that its own grammar rejects must not.
TEST(PatternParser, StandardExamplesGetTheStandardsVerdict) {
  auto text = ReadInput(SourceDir() + "/tests/data/pattern/spec-examples.json");
  ASSERT_TRUE(text.ok()) << text.status().message();
  auto doc = ParseJson(*text);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  size_t n = 0;
  size_t valid = 0;
  size_t full_patterns = 0;
  for (const auto& e : doc->at("examples").as_array()) {
    const std::string form(e.at("form").as_string());
    const std::string written(e.at("pattern").as_string());
    const bool want_valid = e.at("valid").as_bool();
    std::string pattern;
    if (form == "pattern") {
      pattern = written;
      ++full_patterns;
    } else if (form == "comparison") {
      pattern = "[" + written + "]";
    } else if (form == "object-path") {
      pattern = "[EXISTS " + written + "]";
    } else if (form == "constant") {
      pattern = "[x-test:value = " + written + "]";
    } else {
      ADD_FAILURE() << "unknown form '" << form << "' for " << written;
      continue;
    }
    auto p = Compile(pattern);
    EXPECT_EQ(p.ok(), want_valid) << e.at("section").as_string() << ": " << pattern << "\n  -> "
                                  << p.status().message();
    ++n;
    valid += want_valid ? 1 : 0;
  }
  // The transcription is complete: a shrunken file must not pass silently.
  EXPECT_EQ(n, 73u);
  EXPECT_EQ(valid, 64u);
  EXPECT_EQ(full_patterns, 44u);
}

// Tessera's own forms, NOT from the standard: qualifier and operator combinations, comments,
// negative list indexes, signed numbers, empty sets and binary constants that the spec examples
// above do not exercise.
TEST(PatternParser, TesserasOwnFormsParse) {
  const char* examples[] = {
      "[domain-name:value = 'example.com'] OR [ipv4-addr:value = '198.51.100.1/32']",
      "[user-account:account_type = 'unix' AND user-account:user_id = '1007' AND "
      "user-account:account_login = 'Peter'] AND [user-account:account_type = 'unix' AND "
      "user-account:user_id = '1008' AND user-account:account_login = 'Paul']",
      "[file:name MATCHES '^Payload\\\\.exe$'] FOLLOWEDBY [process:name = 'Payload.exe'] WITHIN "
      "120 SECONDS",
      "[network-traffic:src_ref.value ISSUBSET '10.0.0.0/8'] START t'2016-06-01T00:00:00Z' STOP "
      "t'2016-07-01T00:00:00Z'",
      // The 9.5.1 WITHIN example with its elided hash ('13987239847...') written out in full.
      "([file:hashes.'SHA-256' = "
      "'1398723984700000000000000000000000000000000000000000000000000000'] AND "
      "[windows-registry-key:key = 'hkey']) WITHIN 120 SECONDS",
      "[x509-certificate:hashes.'SHA-1' = '0123456789abcdef0123456789abcdef01234567']",
      "[process:extensions.'windows-process-ext'.aslr_enabled = true]",
      "[file:size IN (1, 2, 3) AND NOT EXISTS file:ctime]",
      "[windows-registry-key:values[0].data LIKE '%evil%']",
      "[email-message:to_refs[-1].value = 'a@b'] /* comment */ // line comment",
      "[artifact:payload_bin = b'AAE=' OR artifact:payload_bin = b'AAEC']",
      "[file:x NOT IN ()]",
      "[file:size >= -1.5 AND file:size <= +3]",
  };
  for (const char* e : examples) {
    auto p = Compile(e);
    EXPECT_TRUE(p.ok()) << e << "\n  -> " << p.status().message();
  }
}

struct BadCase {
  const char* pattern;
  size_t position;
  const char* reason_part;
};

// Errors name the position and the reason.
TEST(PatternParser, ErrorsGivePositionAndReason) {
  const BadCase cases[] = {
      {"file:size = 1280", 0, "expected an observation expression"},
      {"[file:size = ]", 13, "expected a constant"},
      {"[file.size = 1280]", 5, "expected ':'"},
      {"[file:name MATCHES /.*/]", 19, "unexpected character '/'"},
      {"[foo:bar=1] within 2 seconds", 12, "expected AND, OR, FOLLOWEDBY"},
      {"[file:hashes.'SHA-256' = 'f00']", 1, "not a valid SHA-256 hash"},
      {"[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879']", 1, "not a valid MD5 hash"},
      {"[a:b = 1] WITHIN 5 SECONDS WITHIN 6 SECONDS", 27, "duplicate WITHIN"},
      {"[a:b = 'x\\n']", 9, "invalid escape"},
      {"[a:b = 'x]", 7, "unterminated string"},
      {"[a:b = b'AAE']", 7, "invalid binary literal"},
      {"[a:b = h'abc']", 7, "invalid hex literal"},
      {"[a:b = t'2024-13-01T00:00:00Z']", 7, "invalid timestamp literal"},
      {"[a:b MATCHES '(']", 13, "invalid regex"},
      {"[a:b ISSUBSET 'not-an-ip']", 14, "not an IP address"},
      {"[a:b > true]", 7, "boolean cannot be ordered"},
      {"[a:b-c = 1]", 3, "must be quoted"},
      {"[a:b = 1] REPEATS 0 TIMES", 18, "REPEATS needs an integer from 1"},
      {"[a:b = 1] START t'2020-01-02T00:00:00Z' STOP t'2020-01-01T00:00:00Z'", 45, "later"},
      {"[a:b = 1]]", 9, "unbalanced"},
      {"[a:b = 01]", 7, "leading zero"},
      {"[a:b LIKE 5]", 10, "LIKE needs a string"},
      {"[NOT a:b = 1]", 5, "expected EXISTS"},
      {"", 0, "expected an observation expression"},
  };
  for (const BadCase& c : cases) {
    auto p = Compile(c.pattern);
    ASSERT_FALSE(p.ok()) << c.pattern;
    size_t pos = 0;
    std::string reason;
    ASSERT_TRUE(SplitErrorPosition(p.status().message(), &pos, &reason)) << p.status().message();
    EXPECT_EQ(pos, c.position) << c.pattern << " -> " << p.status().message();
    EXPECT_THAT(reason, testing::HasSubstr(c.reason_part)) << c.pattern;
  }
}

// The fuzz target's seed corpus (and whatever fuzzing found, kept there as regression cases) runs
// through the parser here too, under the suite's ASan/UBSan build: no crash, every rejection has a
// position, and every atomic comparison's text compiles back to itself.
TEST(PatternParser, FuzzCorpusRegressions) {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  const std::filesystem::path dir =
      std::filesystem::path(src != nullptr ? src : ".") / "tests/data/pattern/corpus";
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    auto text = ReadInput(entry.path().string());
    ASSERT_TRUE(text.ok());
    auto p = Compile(*text);
    ++n;
    if (!p.ok()) {
      size_t pos = 0;
      std::string reason;
      EXPECT_TRUE(SplitErrorPosition(p.status().message(), &pos, &reason)) << *text;
      EXPECT_LE(pos, text->size());
      continue;
    }
    for (const AtomicComparison& c : p->Comparisons()) {
      auto again = Compile("[" + c.ToString() + "]");
      ASSERT_TRUE(again.ok()) << c.ToString() << ": " << again.status().message();
      EXPECT_EQ(again->Comparisons().at(0).ToString(), c.ToString());
    }
  }
  EXPECT_GE(n, 100u);
}

TEST(PatternParser, UnicodeWhitespaceAndComments) {
  // U+00A0, U+2003 and U+3000 separate tokens like spaces (the grammar's WS rule).
  auto p = Compile("[file:name\xC2\xA0=\xE2\x80\x83'a'] /* c */\xE3\x80\x80OR [a:b = 1] // end");
  EXPECT_TRUE(p.ok()) << p.status().message();
  p = Compile("[file:name = 'a'] /* unterminated");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(), testing::HasSubstr("position 18: unterminated /* comment"));
}

TEST(PatternParser, LimitsAreEnforced) {
  Limits limits;
  limits.max_length = 20;
  auto p = Compile("[file:name = 'aaaaaaaaaaaaaaaaaaaa']", limits);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), ErrorCode::kLimitExceeded);

  std::string deep = std::string(200, '(') + "[a:b = 1]" + std::string(200, ')');
  p = Compile(deep);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), ErrorCode::kLimitExceeded);
  std::string deep_cmp = "[" + std::string(200, '(') + "a:b = 1" + std::string(200, ')') + "]";
  p = Compile(deep_cmp);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), ErrorCode::kLimitExceeded);
  // 60 levels are within the default bound.
  std::string ok = std::string(60, '(') + "[a:b = 1]" + std::string(60, ')');
  EXPECT_TRUE(Compile(ok).ok());

  limits = Limits{};
  limits.max_regex_length = 4;
  p = Compile("[a:b MATCHES 'abcdef']", limits);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), ErrorCode::kLimitExceeded);
}

TEST(PatternParser, RejectsInvalidUtf8) {
  auto p = Compile(std::string("[a:b = '\xff']"));
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(), testing::HasSubstr("position 8: invalid UTF-8"));
}

// The compiled form lists its atomic comparisons, as the hunt index consumes them.
TEST(PatternCompiled, ListsAtomicComparisons) {
  auto p = Compile("[ipv4-addr:value = '198.51.100.1' OR file:hashes.'SHA-256' NOT IN ('" +
                   std::string(64, 'a') +
                   "')] FOLLOWEDBY [file:sections[*].name LIKE 'x%' AND EXISTS "
                   "file:parent_directory_ref.path]");
  ASSERT_TRUE(p.ok()) << p.status().message();
  const auto& c = p->Comparisons();
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].ToString(), "ipv4-addr:value = '198.51.100.1'");
  EXPECT_EQ(c[0].path.object_type, "ipv4-addr");
  EXPECT_EQ(c[0].constants.at(0).value, "198.51.100.1");
  EXPECT_EQ(c[1].ToString(), "file:hashes.'SHA-256' NOT IN ('" + std::string(64, 'a') + "')");
  EXPECT_TRUE(c[1].negated);
  EXPECT_EQ(c[2].ToString(), "file:sections[*].name LIKE 'x%'");
  EXPECT_EQ(c[3].ToString(), "EXISTS file:parent_directory_ref.path");
  // Where each starts in the text (what the web interface underlines).
  const std::vector<size_t> positions = p->ComparisonPositions();
  ASSERT_EQ(positions.size(), 4u);
  EXPECT_EQ(positions[0], 1u);
  EXPECT_EQ(positions[1], 37u);
  EXPECT_EQ(c[1].path.PropertyPath(), "hashes.'SHA-256'");
  EXPECT_EQ(c[2].path.PropertyPath(), "sections[*].name");

  // Keys that are keywords or not identifiers stay quoted, so that the text compiles again.
  auto k = Compile("[x:'AND'.'a b'.'it''s'[-1] = 1]");
  EXPECT_FALSE(k.ok());  // '' is not an escape in STIX strings
  k = Compile("[x:'AND'.'a b'.'it\\'s'[-1] = 1]");
  ASSERT_TRUE(k.ok()) << k.status().message();
  EXPECT_EQ(k->Comparisons()[0].path.ToString(), "x:'AND'.'a b'.'it\\'s'[-1]");
  EXPECT_FALSE(p->IsSingleObservation());
  for (const auto& a : c) EXPECT_FALSE(a.sufficient);

  auto q = Compile("[domain-name:value = 'a.example' OR domain-name:value = 'b.example']");
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->IsSingleObservation());
  EXPECT_TRUE(q->Comparisons()[0].sufficient);
  EXPECT_TRUE(q->Comparisons()[1].sufficient);

  auto r = Compile("[file:name = 'a' AND file:size = 1]");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->Comparisons()[0].sufficient);
}

TEST(PatternCompiled, ConstantsAreDecoded) {
  auto p = Compile(
      "[a:s = 'it\\'s \\\\ e\xCC\x81' AND a:i = -42 AND a:f = +2.5 AND a:b = true AND a:bin = "
      "b'AAEC' AND a:h = h'ff00' AND a:t = t'2016-06-01T01:30:00.123Z']");
  ASSERT_TRUE(p.ok()) << p.status().message();
  const auto& c = p->Comparisons();
  ASSERT_EQ(c.size(), 7u);
  // Unescaped and not normalized: = compares code points exactly (STIX 2.1 §9.6.2).
  EXPECT_EQ(c[0].constants[0].value, "it's \\ e\xCC\x81");
  EXPECT_EQ(c[1].constants[0].int_value, -42);
  EXPECT_DOUBLE_EQ(c[2].constants[0].float_value, 2.5);
  EXPECT_TRUE(c[3].constants[0].bool_value);
  EXPECT_EQ(c[4].constants[0].value, std::string("\x00\x01\x02", 3));
  EXPECT_EQ(c[5].constants[0].value, std::string("\xff\x00", 2));
  EXPECT_EQ(c[6].constants[0].time.seconds, 1464744600);
  EXPECT_EQ(c[6].constants[0].time.nanos, 123000000);
}

}  // namespace
}  // namespace tessera::pattern
