#include "hunt/normalize.h"

#include <gtest/gtest.h>

namespace tessera::hunt {
namespace {

std::string Url(std::string_view in) {
  std::string out;
  EXPECT_TRUE(NormalizeUrl(in, out)) << in;
  return out;
}
std::string Domain(std::string_view in) {
  std::string out;
  EXPECT_TRUE(NormalizeDomain(in, out)) << in;
  return out;
}
std::string Prefix(std::string_view in) {
  auto p = ParseIpPrefix(in);
  EXPECT_TRUE(p.has_value()) << in;
  return p ? FormatIpPrefix(*p) : "";
}

TEST(NormalizeTest, Ipv4) {
  EXPECT_EQ(Prefix("192.0.2.1"), "192.0.2.1/32");
  EXPECT_EQ(Prefix("10.1.2.3/8"), "10.0.0.0/8");
  EXPECT_EQ(Prefix("0.0.0.0/0"), "0.0.0.0/0");
  for (const char* bad : {"256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.4/33", "1.2.3.4/",
                          "1..2.3", "a.b.c.d", ""}) {
    EXPECT_FALSE(ParseIpPrefix(bad).has_value()) << bad;
  }
}

// The one-pass IPv4 parser and ASCII domain check keep the rules of the general ones.
TEST(NormalizeTest, FastPathsKeepTheRules) {
  EXPECT_EQ(Prefix("255.255.255.255"), "255.255.255.255/32");
  EXPECT_EQ(Prefix("0.0.0.0"), "0.0.0.0/32");
  EXPECT_EQ(Prefix(" 10.20.30.40 "), "10.20.30.40/32");
  EXPECT_EQ(Prefix("::ffff:198.51.100.7"), "198.51.100.7/32");
  for (const char* bad : {"1.2.3.04", "1.2.3.256", "1000.1.1.1", "1.2.3.4x", "1.2.3.", ".1.2.3",
                          "1.2.3.0400", "1.2.3.-4", "1.2.3.4.", "1.2.3.4\xc3"}) {
    EXPECT_FALSE(ParseIpAddress(bad).has_value()) << bad;
  }
  EXPECT_EQ(Domain("A-B_c.Example.ORG"), "a-b_c.example.org");
  EXPECT_EQ(Domain(std::string(63, 'a') + ".com"), std::string(63, 'a') + ".com");
  std::string out;
  std::string long_name;
  for (int i = 0; i < 26; ++i) long_name += "abcdefghi.";
  long_name += "com";  // 263 bytes: over kMaxDomainLength
  EXPECT_FALSE(NormalizeDomain(long_name, out));
  // An invalid ASCII name is false; with a non-ASCII byte anywhere, libidn2 decides.
  for (const char* bad : {".a", "a.b..", "x*y.example",
                          "x*y.b\xc3\xbc"
                          "cher.example"}) {
    EXPECT_FALSE(NormalizeDomain(bad, out)) << bad;
  }
}

TEST(NormalizeTest, Ipv6FormsAreOneAddress) {
  const std::string canonical = "2001:db8::1/128";
  for (const char* form :
       {"2001:db8::1", "2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8:0:0:0:0:0:1",
        "[2001:db8::1]", "2001:DB8::0:1", "2001:db8::1%eth0"}) {
    auto a = ParseIpAddress(form);
    ASSERT_TRUE(a.has_value()) << form;
    EXPECT_EQ(FormatIpPrefix({*a, 128}), canonical) << form;
  }
  EXPECT_EQ(Prefix("::"), "::/128");
  EXPECT_EQ(Prefix("::1"), "::1/128");
  EXPECT_EQ(Prefix("1::"), "1::/128");
  EXPECT_EQ(Prefix("2001:db8:0:1:0:0:0:0/64"), "2001:db8:0:1::/64");
  EXPECT_EQ(Prefix("2001:db8::/33"), "2001:db8::/33");
  // IPv4-mapped addresses are the IPv4 address.
  EXPECT_EQ(Prefix("::ffff:192.0.2.7"), "192.0.2.7/32");
  EXPECT_EQ(Prefix("::FFFF:c000:0207"), "192.0.2.7/32");
  EXPECT_EQ(Prefix("::ffff:192.0.2.0/120"), "192.0.2.0/24");
  for (const char* bad : {":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "1:2:3:4:5:6:7", "g::1",
                          "1:", "::/129"}) {
    EXPECT_FALSE(ParseIpPrefix(bad).has_value()) << bad;
  }
}

TEST(NormalizeTest, Domains) {
  EXPECT_EQ(Domain("Evil.EXAMPLE."), "evil.example");
  EXPECT_EQ(Domain("_dmarc.example.org"), "_dmarc.example.org");
  EXPECT_EQ(Domain("bücher.example"), "xn--bcher-kva.example");
  EXPECT_EQ(Domain("BÜCHER.example"), "xn--bcher-kva.example");
  EXPECT_EQ(Domain("xn--BCHER-kva.example"), "xn--bcher-kva.example");
  std::string out;
  for (const char* bad : {"", ".", "a..b", "exa mple.com", "a/b.com", "-"}) {
    if (std::string_view(bad) == "-") continue;
    EXPECT_FALSE(NormalizeDomain(bad, out)) << bad;
  }
  EXPECT_FALSE(NormalizeDomain(std::string(64, 'a') + ".com", out));
}

TEST(NormalizeTest, UrlsByRfc3986Section622) {
  EXPECT_EQ(Url("HTTP://Evil.Example/a"), "http://evil.example/a");
  EXPECT_EQ(Url("http://evil.example"), "http://evil.example/");
  EXPECT_EQ(Url("http://evil.example:80/a"), "http://evil.example/a");
  EXPECT_EQ(Url("https://evil.example:443/a"), "https://evil.example/a");
  EXPECT_EQ(Url("https://evil.example:8443/a"), "https://evil.example:8443/a");
  EXPECT_EQ(Url("http://evil.example:/a"), "http://evil.example/a");
  EXPECT_EQ(Url("http://evil.example/%7euser/%2fx%3f"), "http://evil.example/~user/%2Fx%3F");
  EXPECT_EQ(Url("http://evil.example/a/./b/../c"), "http://evil.example/a/c");
  EXPECT_EQ(Url("http://evil.example/a/b/.."), "http://evil.example/a/");
  EXPECT_EQ(Url("http://evil.example/../../x"), "http://evil.example/x");
  // Path case, query and fragment are kept: §6.2.2 does not touch them.
  EXPECT_EQ(Url("http://evil.example/Path?B=2&a=1#Frag"), "http://evil.example/Path?B=2&a=1#Frag");
  EXPECT_EQ(Url("http://User:Pw@Evil.Example/"), "http://User:Pw@evil.example/");
  EXPECT_EQ(Url("http://[2001:DB8::1]:80/"), "http://[2001:db8::1]/");
  EXPECT_EQ(Url("http://bücher.example/x"), "http://xn--bcher-kva.example/x");
  EXPECT_EQ(Url("evil.example/x"), "http://evil.example/x");
  EXPECT_EQ(Url("evil.example:8080/x"), "http://evil.example:8080/x");
  EXPECT_EQ(Url("MAILTO:a@b.example"), "mailto:a@b.example");
  std::string out;
  EXPECT_FALSE(NormalizeUrl("http://evil.example/a b", out));
  EXPECT_FALSE(NormalizeUrl("http:///x", out));
  EXPECT_FALSE(NormalizeUrl("http://evil.example:99999/", out));
  EXPECT_FALSE(NormalizeUrl("http://ev[il.example/", out));
  EXPECT_FALSE(NormalizeUrl("http://[::1]]/", out));
  // A stray '%' is escaped, so that normalizing twice changes nothing.
  EXPECT_EQ(Url("http://evil.example/100%"), "http://evil.example/100%25");
  EXPECT_EQ(Url("http://evil.example/%%41b"), "http://evil.example/%25Ab");
  EXPECT_EQ(Url("xy:%39/a"), "xy:%39/a");
  EXPECT_EQ(UrlHost("https://u@Evil.Example:8443/x?y"), "Evil.Example");
  EXPECT_EQ(UrlHost("http://[::1]:80/"), "[::1]");
}

TEST(NormalizeTest, OtherValuesWithRules) {
  std::string out;
  ASSERT_TRUE(NormalizeOtherValue("mac-addr:value", "00-0C-29-AB-CD-EF", out));
  EXPECT_EQ(out, "00:0c:29:ab:cd:ef");
  ASSERT_TRUE(NormalizeOtherValue("windows-registry-key:key", "HKLM\\Software\\Run", out));
  EXPECT_EQ(out, "hkey_local_machine\\software\\run");
  ASSERT_TRUE(NormalizeOtherValue("windows-registry-key:key", "HKU", out));
  EXPECT_EQ(out, "hkey_users");
  ASSERT_TRUE(NormalizeOtherValue("windows-registry-key:key", "HKLMX\\a", out));
  EXPECT_EQ(out, "hklmx\\a");
  EXPECT_FALSE(NormalizeOtherValue("process:name", "A.exe", out));
}

TEST(NormalizeTest, EmailsAndHashes) {
  std::string out;
  ASSERT_TRUE(NormalizeEmail("Alice <Alice@Bücher.Example>", out));
  EXPECT_EQ(out, "alice@xn--bcher-kva.example");
  EXPECT_FALSE(NormalizeEmail("no-at-sign.example", out));
  EXPECT_FALSE(NormalizeEmail("@example.org", out));
  EXPECT_EQ(HashAlgorithmFromName("'SHA-256'"), HashAlgorithm::kSha256);
  EXPECT_EQ(HashAlgorithmFromName("sha1"), HashAlgorithm::kSha1);
  EXPECT_FALSE(HashAlgorithmFromName("SHA3-256").has_value());
  ASSERT_TRUE(DecodeHash(HashAlgorithm::kMd5, "D41D8CD98F00B204E9800998ECF8427E", out));
  EXPECT_EQ(HexEncode(out), "d41d8cd98f00b204e9800998ecf8427e");
  ASSERT_TRUE(DecodeHash(HashAlgorithm::kSha1,
                         "da:39:a3:ee:5e:6b:4b:0d:32:55:bf:ef:95:60:18:90:af:d8:07:09", out));
  EXPECT_EQ(HexEncode(out), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_FALSE(DecodeHash(HashAlgorithm::kMd5, "d41d8cd98f00b204e9800998ecf8427", out));
  EXPECT_FALSE(DecodeHash(HashAlgorithm::kMd5, "z41d8cd98f00b204e9800998ecf8427e", out));
  EXPECT_EQ(HashAlgorithmOfDigest("d41d8cd98f00b204e9800998ecf8427e"), HashAlgorithm::kMd5);
  EXPECT_EQ(HashAlgorithmOfDigest("da:39:a3:ee:5e:6b:4b:0d:32:55:bf:ef:95:60:18:90:af:d8:07:09"),
            HashAlgorithm::kSha1);
  EXPECT_EQ(HashAlgorithmOfDigest("e3b0c442 98fc1c14 9afbf4c8 996fb924 27ae41e4 649b934c a495991b "
                                  "7852b855"),
            HashAlgorithm::kSha256);
  EXPECT_FALSE(HashAlgorithmOfDigest("d41d8cd98f00b204e9800998ecf8427").has_value());
  EXPECT_FALSE(HashAlgorithmOfDigest("").has_value());
}

// Random and mutated text through every normalizer: no crash (ASan/UBSan), and what comes out is
// stable (normalizing a canonical form again gives the same form).
TEST(NormalizeTest, RandomInputIsSafeAndCanonicalFormsAreFixedPoints) {
  const std::string alphabet = "aZ09.-_:/@%[]?#~ \\x\xc3\xbc\xff";
  const std::string seeds[] = {"http://a.example/%7e/../b?q#f",
                               "2001:db8::1%eth0",
                               "a@B\xc3\xbc.example",
                               "10.0.0.1/33",
                               "xn--bcher-kva.example.",
                               "HTTP://[::1]:080",
                               "da:39:a3"};
  uint64_t state = 0x9e3779b97f4a7c15ULL;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  std::string out, again;
  for (int i = 0; i < 20000; ++i) {
    std::string s = seeds[next() % std::size(seeds)];
    int edits = static_cast<int>(next() % 6);
    for (int e = 0; e < edits; ++e) {
      size_t at = s.empty() ? 0 : next() % s.size();
      if (next() % 2 == 0 && !s.empty()) {
        s.erase(at, 1);
      } else {
        s.insert(at, 1, alphabet[next() % alphabet.size()]);
      }
    }
    if (NormalizeUrl(s, out)) {
      ASSERT_TRUE(NormalizeUrl(out, again)) << s << " -> " << out;
      EXPECT_EQ(again, out) << s;
    }
    if (NormalizeDomain(s, out)) {
      ASSERT_TRUE(NormalizeDomain(out, again)) << s;
      EXPECT_EQ(again, out) << s;
    }
    if (NormalizeEmail(s, out)) {
      ASSERT_TRUE(NormalizeEmail(out, again)) << s;
      EXPECT_EQ(again, out) << s;
    }
    if (auto p = ParseIpPrefix(s)) {
      auto q = ParseIpPrefix(FormatIpPrefix(*p));
      ASSERT_TRUE(q.has_value()) << s;
      EXPECT_EQ(*q, *p) << s;
    }
    (void)UrlHost(s);
    (void)DecodeHash(HashAlgorithm::kSha1, s, out);
  }
}

}  // namespace
}  // namespace tessera::hunt
