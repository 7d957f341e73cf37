// Generates the hunt benchmark's data: Zeek JSON logs (conn, dns, http, ssl, files) and a
// Suricata EVE log (flow, dns, http, tls, fileinfo, alert) with realistic field mixes, a set of
// mixed indicators, and the hits planted in the logs.
//
//   hunt_gen --out DIR [--gb 2] [--indicators 1000000] [--seed 42]
//
// Writes into DIR (never into the source tree):
//   zeek/{conn,dns,http,ssl,files}.log, suricata/eve.json   the logs (about --gb GB together)
//   indicators.tsv   number, STIX object type, path, value (one atomic indicator each)
//   values.txt       the indicator values, one a line (what `rg -F -f` gets)
//   expected.tsv     the planted hits: file (relative to DIR), line, field, indicator number
//   traps.tsv        lines that hold an indicator value as a substring but not as an observable
//                    (a domain inside a longer label, "xevil.com" for "evil.com"): substring
//                    search finds them, a field-aware hunt must not
//
// Indicator values come from ranges that the background traffic never uses (IPv4 hosts in
// 11-100.x.x.x, CIDR ranges each in its own /16 of 101-179.x.x.x, IPv6 in 2001:db8::/32, domains
// under .com/.net, URLs under .example, random digests, e-mail under .com), so that the only hits
// are the planted ones and any other hit is an error of the hunt.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unordered_set>
#include <vector>

namespace {

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL) {}
  uint64_t Next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
};

std::string Label(Rng& r, size_t min = 5, size_t spread = 8) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  uint64_t v = r.Next();
  size_t n = min + v % spread;
  v >>= 8;
  for (size_t i = 0; i < n; ++i) {
    if (i % 10 == 9) v = r.Next();
    s.push_back(kChars[(i == 0 ? v % 26 : v % 36)]);
    v /= 36;
  }
  return s;
}

std::string Hex(Rng& r, size_t digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  while (s.size() < digits) {
    uint64_t v = r.Next();
    for (int i = 0; i < 16 && s.size() < digits; ++i, v >>= 4) s.push_back(kHex[v & 15]);
  }
  return s;
}

std::string Ipv4(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

enum class Kind { kIpv4, kCidr, kIpv6, kDomain, kUrl, kSha256, kMd5, kSha1, kEmail };

struct Indicator {
  Kind kind;
  std::string value;
  uint32_t cidr_base = 0;  // kCidr: network and length
  int cidr_length = 0;
};

const char* TypeOf(Kind k) {
  switch (k) {
    case Kind::kIpv4:
    case Kind::kCidr:
      return "ipv4-addr";
    case Kind::kIpv6:
      return "ipv6-addr";
    case Kind::kDomain:
      return "domain-name";
    case Kind::kUrl:
      return "url";
    case Kind::kEmail:
      return "email-addr";
    default:
      return "file";
  }
}
const char* PathOf(Kind k) {
  switch (k) {
    case Kind::kSha256:
      return "hashes.'SHA-256'";
    case Kind::kMd5:
      return "hashes.MD5";
    case Kind::kSha1:
      return "hashes.'SHA-1'";
    default:
      return "value";
  }
}

std::vector<Indicator> MakeIndicators(size_t n, Rng& r) {
  std::vector<Indicator> v;
  v.reserve(n);
  std::unordered_set<std::string> seen;  // distinct values: each planted value has one indicator
  seen.reserve(n);
  uint32_t next_block = 0;  // CIDR ranges: one /16 each, 101.0/16 upwards
  for (size_t i = 0; i < n; ++i) {
    size_t pick = r.Below(100);
    Indicator ind;
    if (pick < 33) {
      ind.kind = Kind::kIpv4;
      uint32_t a = ((11u + static_cast<uint32_t>(r.Below(90))) << 24) |
                   (static_cast<uint32_t>(r.Next()) & 0xffffffu);
      if ((a & 255) == 0) a |= 1;
      ind.value = Ipv4(a);
    } else if (pick < 35 && next_block < 79 * 256) {
      ind.kind = Kind::kCidr;
      uint32_t block = ((101u + next_block / 256) << 24) | ((next_block % 256) << 16);
      ++next_block;
      ind.cidr_length = 16 + static_cast<int>(r.Below(13));
      uint32_t host_bits = 32 - static_cast<uint32_t>(ind.cidr_length);
      uint32_t net = block | (static_cast<uint32_t>(r.Next()) & 0xffffu);
      net &= ~((1u << host_bits) - 1);
      ind.cidr_base = net;
      ind.value = fmt::format("{}/{}", Ipv4(net), ind.cidr_length);
    } else if (pick < 40) {
      ind.kind = Kind::kIpv6;
      uint64_t a = r.Next(), b = r.Next();
      ind.value =
          fmt::format("2001:db8:{:x}:{:x}:{:x}:{:x}:{:x}:{:x}", a & 0xffff, (a >> 16) & 0xffff,
                      (a >> 32) & 0xffff, b & 0xffff, (b >> 16) & 0xffff, ((b >> 32) & 0xffff) | 1);
    } else if (pick < 65) {
      ind.kind = Kind::kDomain;
      ind.value = Label(r) + "." + Label(r) + (r.Below(2) ? ".com" : ".net");
    } else if (pick < 75) {
      ind.kind = Kind::kUrl;
      ind.value = "http://" + Label(r) + ".example/" + Label(r) + "/" + Label(r) +
                  ".php?id=" + std::to_string(i);
    } else if (pick < 87) {
      ind.kind = Kind::kSha256;
      ind.value = Hex(r, 64);
    } else if (pick < 92) {
      ind.kind = Kind::kMd5;
      ind.value = Hex(r, 32);
    } else if (pick < 96) {
      ind.kind = Kind::kSha1;
      ind.value = Hex(r, 40);
    } else {
      ind.kind = Kind::kEmail;
      ind.value = Label(r) + "@" + Label(r) + ".com";
    }
    if (!seen.insert(ind.value).second) {
      --i;
      continue;
    }
    v.push_back(std::move(ind));
  }
  return v;
}

// A buffered output file that knows its line number.
class Out {
 public:
  Out(const std::filesystem::path& path, std::string rel) : rel_(std::move(rel)) {
    f_ = std::fopen(path.c_str(), "wb");
    if (f_ == nullptr) throw std::runtime_error("cannot write " + path.string());
    buf_.reserve(kFlush + 65536);
  }
  ~Out() {
    Flush();
    if (f_ != nullptr) std::fclose(f_);
  }
  std::string& buf() { return buf_; }
  // Ends the current line; returns its number.
  uint64_t EndLine() {
    buf_.push_back('\n');
    if (buf_.size() >= kFlush) Flush();
    return ++line_;
  }
  uint64_t next_line() const { return line_ + 1; }
  const std::string& rel() const { return rel_; }
  uint64_t bytes() const { return written_ + buf_.size(); }

 private:
  void Flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size())
      throw std::runtime_error("write failed: " + rel_);
    written_ += buf_.size();
    buf_.clear();
  }
  static constexpr size_t kFlush = 4u << 20;
  std::FILE* f_ = nullptr;
  std::string rel_;
  std::string buf_;
  uint64_t line_ = 0;
  uint64_t written_ = 0;
};

class Generator {
 public:
  Generator(const std::vector<Indicator>& indicators, uint64_t seed, std::FILE* expected,
            std::FILE* traps)
      : ind_(indicators), r_(seed), expected_(expected), traps_(traps) {
    for (size_t i = 0; i < ind_.size(); ++i) by_kind_[static_cast<int>(ind_[i].kind)].push_back(i);
    // Background names: a fixed population, as real traffic repeats itself.
    static const char* kTlds[] = {".org", ".io", ".de", ".fr", ".co.uk", ".net.au", ".jp", ".org"};
    for (int i = 0; i < 40000; ++i) sites_.push_back(Label(r_) + kTlds[r_.Below(8)]);
    for (int i = 0; i < 2000; ++i) {
      uint32_t a = ((180u + static_cast<uint32_t>(r_.Below(44))) << 24) |
                   (static_cast<uint32_t>(r_.Next()) & 0xffffffu);
      servers_.push_back(Ipv4(a));
    }
    for (int i = 0; i < 500; ++i) {
      clients_.push_back(fmt::format("10.{}.{}.{}", r_.Below(8), r_.Below(256), 1 + r_.Below(254)));
    }
  }

  // A planted hit on the next line of `out` with probability 1/`every`.
  bool Plant(size_t every) { return r_.Below(every) == 0; }

  size_t Pick(Kind k) {
    const auto& v = by_kind_[static_cast<int>(k)];
    return v[r_.Below(v.size())];
  }
  void Expect(const Out& out, std::string_view field, size_t indicator) {
    fmt::print(expected_, "{}\t{}\t{}\t{}\n", out.rel(), out.next_line(), field, indicator);
    ++planted_;
  }
  void Trap(const Out& out, size_t indicator) {
    fmt::print(traps_, "{}\t{}\t{}\n", out.rel(), out.next_line(), indicator);
    ++traps_n_;
  }

  std::string Uid() { return "C" + Label(r_, 17, 1); }
  const std::string& Client() { return clients_[r_.Below(clients_.size())]; }
  const std::string& Server() { return servers_[r_.Below(servers_.size())]; }
  std::string Site() {
    static const char* kSubs[] = {"www.", "api.", "cdn.", "", "static.", "mail.", "login."};
    return kSubs[r_.Below(7)] + sites_[r_.Below(sites_.size())];
  }
  double Ts() {
    ts_ += 0.0004 + static_cast<double>(r_.Below(1000)) * 1e-6;
    return ts_;
  }
  std::string IsoTs() {
    double t = Ts();
    auto s = static_cast<int64_t>(t);
    int64_t day = s % 86400;
    return fmt::format("2024-05-01T{:02}:{:02}:{:02}.{:06}+0000", day / 3600 % 24, day / 60 % 60,
                       day % 60, static_cast<int>((t - static_cast<double>(s)) * 1e6));
  }
  uint64_t Port() { return 1024 + r_.Below(64000); }

  // An address in CIDR indicator `i`.
  std::string InCidr(size_t i) {
    const Indicator& c = ind_[i];
    uint32_t host_bits = 32 - static_cast<uint32_t>(c.cidr_length);
    uint32_t off = static_cast<uint32_t>(r_.Next()) & ((1u << host_bits) - 1);
    if (off == 0) off = 1;
    return Ipv4(c.cidr_base | off);
  }

  // The destination address of a connection, planted or not; `field` is where it lands.
  std::string DestAddress(const Out& out, std::string_view field, bool plant) {
    if (!plant) return Server();
    size_t pick = r_.Below(10);
    if (pick < 6) {
      size_t i = Pick(Kind::kIpv4);
      Expect(out, field, i);
      return ind_[i].value;
    }
    if (pick < 8) {
      size_t i = Pick(Kind::kCidr);
      Expect(out, field, i);
      return InCidr(i);
    }
    size_t i = Pick(Kind::kIpv6);
    Expect(out, field, i);
    return ind_[i].value;
  }

  void ZeekConn(Out& out, bool plant) {
    static const char* kStates[] = {"SF", "S0", "REJ", "RSTO", "SF", "SF", "OTH", "SH"};
    static const char* kServices[] = {"ssl", "http", "dns", "-", "ssl", "ssh", "smtp", "ssl"};
    std::string dst = DestAddress(out, "id.resp_h", plant);
    fmt::format_to(
        std::back_inserter(out.buf()),
        R"({{"ts":{:.6f},"uid":"{}","id.orig_h":"{}","id.orig_p":{},"id.resp_h":"{}","id.resp_p":{},"proto":"tcp","service":"{}","duration":{:.6f},"orig_bytes":{},"resp_bytes":{},"conn_state":"{}","local_orig":true,"local_resp":false,"missed_bytes":0,"history":"ShADadFf","orig_pkts":{},"orig_ip_bytes":{},"resp_pkts":{},"resp_ip_bytes":{},"tunnel_parents":[]}})",
        Ts(), Uid(), Client(), Port(), dst, r_.Below(4) ? 443 : 80, kServices[r_.Below(8)],
        static_cast<double>(r_.Below(5000000)) / 1e6, r_.Below(100000), r_.Below(10000000),
        kStates[r_.Below(8)], r_.Below(200), r_.Below(20000), r_.Below(200), r_.Below(200000));
    out.EndLine();
  }

  // A query name: planted (an indicator domain or a subdomain of one), a trap, or background.
  std::string QueryName(const Out& out, std::string_view field, bool plant, bool* trapped) {
    *trapped = false;
    if (plant) {
      size_t i = Pick(Kind::kDomain);
      Expect(out, field, i);
      return r_.Below(2) ? ind_[i].value : "www." + ind_[i].value;
    }
    if (r_.Below(5000) == 0) {
      size_t i = Pick(Kind::kDomain);
      Trap(out, i);
      *trapped = true;
      return "x" + ind_[i].value;  // "xevil.com": the substring, not the domain
    }
    return Site();
  }

  void ZeekDns(Out& out, bool plant) {
    bool trapped = false;
    std::string q = QueryName(out, "query", plant, &trapped);
    fmt::format_to(
        std::back_inserter(out.buf()),
        R"({{"ts":{:.6f},"uid":"{}","id.orig_h":"{}","id.orig_p":{},"id.resp_h":"10.0.0.53","id.resp_p":53,"proto":"udp","trans_id":{},"rtt":{:.6f},"query":"{}","qclass":1,"qclass_name":"C_INTERNET","qtype":1,"qtype_name":"A","rcode":0,"rcode_name":"NOERROR","AA":false,"TC":false,"RD":true,"RA":true,"Z":0,"answers":["{}","{}"],"TTLs":[{}.0,{}.0],"rejected":false}})",
        Ts(), Uid(), Client(), Port(), r_.Below(65536), static_cast<double>(r_.Below(90000)) / 1e6,
        q, Server(), Server(), 60 + r_.Below(3600), 60 + r_.Below(3600));
    out.EndLine();
  }

  // Host and URI of a request; planted: a URL indicator (split into host and path) or a domain.
  void Request(const Out& out, std::string_view host_field, std::string_view uri_field, bool plant,
               std::string* host, std::string* uri) {
    *host = Site();
    *uri = "/" + Label(r_) + "/" + Label(r_) + (r_.Below(3) ? ".html" : ".js?v=" + Label(r_));
    if (!plant) return;
    if (r_.Below(2)) {
      size_t i = Pick(Kind::kUrl);
      Expect(out, uri_field, i);
      const std::string& u = ind_[i].value;
      size_t slash = u.find('/', 7);
      *host = u.substr(7, slash - 7);
      *uri = u.substr(slash);
    } else {
      size_t i = Pick(Kind::kDomain);
      Expect(out, host_field, i);
      *host = "www." + ind_[i].value;
    }
  }

  void ZeekHttp(Out& out, bool plant) {
    std::string host, uri;
    Request(out, "host", "uri", plant, &host, &uri);
    fmt::format_to(
        std::back_inserter(out.buf()),
        R"({{"ts":{:.6f},"uid":"{}","id.orig_h":"{}","id.orig_p":{},"id.resp_h":"{}","id.resp_p":80,"trans_depth":1,"method":"GET","host":"{}","uri":"{}","referrer":"http://{}/","version":"1.1","user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36","request_body_len":0,"response_body_len":{},"status_code":200,"status_msg":"OK","tags":[],"resp_fuids":["F{}"],"resp_mime_types":["text/html"]}})",
        Ts(), Uid(), Client(), Port(), Server(), host, uri, Site(), r_.Below(100000),
        Label(r_, 16, 1));
    out.EndLine();
  }

  std::string Sni(const Out& out, std::string_view field, bool plant) {
    if (!plant) return Site();
    size_t i = Pick(Kind::kDomain);
    Expect(out, field, i);
    return r_.Below(2) ? ind_[i].value : "api." + ind_[i].value;
  }

  void ZeekSsl(Out& out, bool plant) {
    std::string sni = Sni(out, "server_name", plant);
    fmt::format_to(
        std::back_inserter(out.buf()),
        R"({{"ts":{:.6f},"uid":"{}","id.orig_h":"{}","id.orig_p":{},"id.resp_h":"{}","id.resp_p":443,"version":"TLSv13","cipher":"TLS_AES_128_GCM_SHA256","curve":"x25519","server_name":"{}","resumed":false,"established":true,"ssl_history":"CsiI","cert_chain_fps":["{}","{}"],"client_cert_chain_fps":[],"sni_matches_cert":true}})",
        Ts(), Uid(), Client(), Port(), Server(), sni, Hex(r_, 64), Hex(r_, 64));
    out.EndLine();
  }

  // md5, sha1, sha256 of a file; one of them planted.
  void Digests(const Out& out, std::string_view prefix, bool plant, std::string* md5,
               std::string* sha1, std::string* sha256) {
    *md5 = Hex(r_, 32);
    *sha1 = Hex(r_, 40);
    *sha256 = Hex(r_, 64);
    if (!plant) return;
    size_t pick = r_.Below(10);
    if (pick < 6) {
      size_t i = Pick(Kind::kSha256);
      Expect(out, std::string(prefix) + "sha256", i);
      *sha256 = ind_[i].value;
    } else if (pick < 8) {
      size_t i = Pick(Kind::kMd5);
      Expect(out, std::string(prefix) + "md5", i);
      *md5 = ind_[i].value;
    } else {
      size_t i = Pick(Kind::kSha1);
      Expect(out, std::string(prefix) + "sha1", i);
      *sha1 = ind_[i].value;
    }
  }

  void ZeekFiles(Out& out, bool plant) {
    static const char* kMimes[] = {"application/x-dosexec", "application/pdf", "image/png",
                                   "text/html", "application/zip"};
    std::string md5, sha1, sha256;
    Digests(out, "", plant, &md5, &sha1, &sha256);
    fmt::format_to(
        std::back_inserter(out.buf()),
        R"({{"ts":{:.6f},"fuid":"F{}","uid":"{}","id.orig_h":"{}","id.orig_p":{},"id.resp_h":"{}","id.resp_p":80,"source":"HTTP","depth":0,"analyzers":["MD5","SHA1","SHA256","PE"],"mime_type":"{}","filename":"{}.bin","duration":{:.6f},"is_orig":false,"seen_bytes":{},"total_bytes":{},"missing_bytes":0,"overflow_bytes":0,"timedout":false,"md5":"{}","sha1":"{}","sha256":"{}"}})",
        Ts(), Label(r_, 16, 1), Uid(), Server(), 80, Client(), kMimes[r_.Below(5)], Label(r_),
        static_cast<double>(r_.Below(100000)) / 1e6, r_.Below(10000000), r_.Below(10000000), md5,
        sha1, sha256);
    out.EndLine();
  }

  // Suricata EVE: the common head of every event.
  void EveHead(Out& out, const char* type, const std::string& dst, uint64_t dport,
               const char* proto) {
    fmt::format_to(
        std::back_inserter(out.buf()),
        R"({{"timestamp":"{}","flow_id":{},"in_iface":"eth0","event_type":"{}","src_ip":"{}","src_port":{},"dest_ip":"{}","dest_port":{},"proto":"{}")",
        IsoTs(), r_.Next() >> 14, type, Client(), Port(), dst, dport, proto);
  }

  void Eve(Out& out, bool plant) {
    size_t pick = r_.Below(100);
    auto& b = out.buf();
    if (pick < 35) {  // flow
      std::string dst = DestAddress(out, "dest_ip", plant);
      EveHead(out, "flow", dst, 443, "TCP");
      fmt::format_to(
          std::back_inserter(b),
          R"(,"app_proto":"tls","flow":{{"pkts_toserver":{},"pkts_toclient":{},"bytes_toserver":{},"bytes_toclient":{},"start":"2024-05-01T10:00:00.000000+0000","end":"2024-05-01T10:00:01.000000+0000","age":1,"state":"closed","reason":"timeout","alerted":false}},"tcp":{{"tcp_flags":"1b","tcp_flags_ts":"1b","tcp_flags_tc":"1b","syn":true,"fin":true,"psh":true,"ack":true,"state":"closed"}}}})",
          r_.Below(200), r_.Below(200), r_.Below(20000), r_.Below(200000));
    } else if (pick < 60) {  // dns
      bool trapped = false;
      std::string q = QueryName(out, "dns.rrname", plant, &trapped);
      EveHead(out, "dns", "10.0.0.53", 53, "UDP");
      if (plant || trapped || r_.Below(2)) {
        fmt::format_to(
            std::back_inserter(b),
            R"(,"dns":{{"type":"query","id":{},"rrname":"{}","rrtype":"A","tx_id":0}}}})",
            r_.Below(65536), q);
      } else {
        fmt::format_to(
            std::back_inserter(b),
            R"(,"dns":{{"version":2,"type":"answer","id":{},"flags":"8180","qr":true,"rd":true,"ra":true,"rrname":"{}","rrtype":"A","rcode":"NOERROR","answers":[{{"rrname":"{}","rrtype":"A","ttl":{},"rdata":"{}"}}]}}}})",
            r_.Below(65536), q, q, r_.Below(3600), Server());
      }
    } else if (pick < 75) {  // http
      std::string host, uri;
      Request(out, "http.hostname", "http.url", plant, &host, &uri);
      EveHead(out, "http", Server(), 80, "TCP");
      fmt::format_to(
          std::back_inserter(b),
          R"(,"tx_id":0,"http":{{"hostname":"{}","url":"{}","http_user_agent":"Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0","http_content_type":"text/html","http_method":"GET","protocol":"HTTP/1.1","status":200,"length":{}}}}})",
          host, uri, r_.Below(100000));
    } else if (pick < 87) {  // tls
      std::string sni = Sni(out, "tls.sni", plant);
      EveHead(out, "tls", Server(), 443, "TCP");
      std::string fp;
      for (int i = 0; i < 20; ++i) fp += (i ? ":" : "") + Hex(r_, 2);
      fmt::format_to(
          std::back_inserter(b),
          R"(,"tls":{{"subject":"CN={}","issuerdn":"C=US, O=Let's Encrypt, CN=R3","serial":"04:{}","fingerprint":"{}","sni":"{}","version":"TLS 1.3","notbefore":"2024-03-01T00:00:00","notafter":"2024-06-01T00:00:00"}}}})",
          Site(), Hex(r_, 8), fp, sni);
    } else if (pick < 95) {  // fileinfo
      std::string md5, sha1, sha256;
      Digests(out, "fileinfo.", plant, &md5, &sha1, &sha256);
      EveHead(out, "fileinfo", Server(), 80, "TCP");
      fmt::format_to(
          std::back_inserter(b),
          R"(,"app_proto":"http","fileinfo":{{"filename":"/dl/{}.exe","magic":"PE32 executable (GUI) Intel 80386, for MS Windows","gaps":false,"state":"CLOSED","md5":"{}","sha1":"{}","sha256":"{}","stored":false,"size":{},"tx_id":0}}}})",
          Label(r_), md5, sha1, sha256, r_.Below(10000000));
    } else {  // alert (no plant: its addresses are background)
      EveHead(out, "alert", Server(), 443, "TCP");
      fmt::format_to(
          std::back_inserter(b),
          R"(,"alert":{{"action":"allowed","gid":1,"signature_id":{},"rev":7,"signature":"ET POLICY Observed suspicious TLS SNI","category":"Potential Corporate Privacy Violation","severity":2}},"app_proto":"tls"}})",
          2000000 + r_.Below(100000));
    }
    out.EndLine();
  }

  uint64_t planted() const { return planted_; }
  uint64_t traps() const { return traps_n_; }

 private:
  const std::vector<Indicator>& ind_;
  Rng r_;
  std::FILE* expected_;
  std::FILE* traps_;
  std::vector<size_t> by_kind_[9];
  std::vector<std::string> sites_, servers_, clients_;
  double ts_ = 1714557600.0;
  uint64_t planted_ = 0;
  uint64_t traps_n_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Generate the hunt benchmark's logs, indicators and planted hits"};
  std::string out_dir;
  double gb = 2.0;
  size_t n = 1'000'000;
  uint64_t seed = 42;
  size_t every = 2000;
  app.add_option("--out", out_dir, "Directory to write into (created)")->required();
  app.add_option("--gb", gb, "Gigabytes of logs in total")->capture_default_str();
  app.add_option("--indicators", n, "Atomic indicators")->capture_default_str();
  app.add_option("--seed", seed, "Random seed")->capture_default_str();
  app.add_option("--plant-every", every, "One planted hit per this many lines (on average)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  namespace fs = std::filesystem;
  try {
    fs::create_directories(fs::path(out_dir) / "zeek");
    fs::create_directories(fs::path(out_dir) / "suricata");
    Rng r(seed);
    std::vector<Indicator> indicators = MakeIndicators(n, r);
    {
      std::FILE* tsv = std::fopen((fs::path(out_dir) / "indicators.tsv").c_str(), "wb");
      std::FILE* values = std::fopen((fs::path(out_dir) / "values.txt").c_str(), "wb");
      if (tsv == nullptr || values == nullptr) throw std::runtime_error("cannot write indicators");
      for (size_t i = 0; i < indicators.size(); ++i) {
        const Indicator& ind = indicators[i];
        fmt::print(tsv, "{}\t{}\t{}\t{}\n", i, TypeOf(ind.kind), PathOf(ind.kind), ind.value);
        fmt::print(values, "{}\n", ind.value);
      }
      std::fclose(tsv);
      std::fclose(values);
    }
    std::FILE* expected = std::fopen((fs::path(out_dir) / "expected.tsv").c_str(), "wb");
    std::FILE* traps = std::fopen((fs::path(out_dir) / "traps.tsv").c_str(), "wb");
    if (expected == nullptr || traps == nullptr) throw std::runtime_error("cannot write expected");
    Generator g(indicators, seed + 1, expected, traps);
    const auto total = static_cast<uint64_t>(gb * 1e9);
    // Byte shares: Suricata EVE 45%, Zeek conn 20%, dns 12%, http 10%, ssl 7%, files 6%.
    struct Part {
      const char* rel;
      double share;
      void (Generator::*emit)(Out&, bool);
    };
    const Part parts[] = {{"suricata/eve.json", 0.45, &Generator::Eve},
                          {"zeek/conn.log", 0.20, &Generator::ZeekConn},
                          {"zeek/dns.log", 0.12, &Generator::ZeekDns},
                          {"zeek/http.log", 0.10, &Generator::ZeekHttp},
                          {"zeek/ssl.log", 0.07, &Generator::ZeekSsl},
                          {"zeek/files.log", 0.06, &Generator::ZeekFiles}};
    uint64_t bytes = 0, lines = 0;
    for (const Part& p : parts) {
      Out out(fs::path(out_dir) / p.rel, p.rel);
      const auto want = static_cast<uint64_t>(static_cast<double>(total) * p.share);
      while (out.bytes() < want) {
        (g.*p.emit)(out, g.Plant(every));
      }
      bytes += out.bytes();
      lines += out.next_line() - 1;
    }
    std::fclose(expected);
    std::fclose(traps);
    fmt::print("{} indicators; {} lines, {:.3f} GB of logs; {} planted hits, {} substring traps\n",
               n, lines, static_cast<double>(bytes) / 1e9, g.planted(), g.traps());
  } catch (const std::exception& e) {
    fmt::print(stderr, "hunt_gen: {}\n", e.what());
    return 2;
  }
  return 0;
}
