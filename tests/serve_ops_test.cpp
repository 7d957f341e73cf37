// `tessera serve` as an operator runs it (issue #17): a configuration file, SIGHUP reloading the
// TLS certificate and the live settings, a clear answer to plain HTTP on the TLS port, and the
// refusal of a network address without TLS. The real binary on a store made by `tessera init`.

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <signal.h>
#include <stdlib.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "http/test_certificate.h"
#include "http_client.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tessera::testing::HttpClient;
using tessera::testing::RunProgram;
using tessera::testing::ServerProcess;
using tessera::testing::Slurp;

// The `tessera` binary this test was built with, and the source tree (tests/serve_ops.cmake).
std::string TesseraBinary() { return TESSERA_CLI_PATH; }
std::filesystem::path SourceDir() { return TESSERA_SOURCE_DIR; }

constexpr auto kPrompt = std::chrono::seconds(30);  // ASan on a loaded 2-core machine

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/tessera-serve-ops-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc | std::ios::binary);
  out << text;
}

using tessera::http::testing::CertificateFingerprint;

// Writes a new self-signed certificate for 127.0.0.1 and its key (PEM) to `cert` and `key`, as
// an operator renewing one would; returns its fingerprint.
std::string MakeCertificate(const std::filesystem::path& cert, const std::filesystem::path& key) {
  std::string fingerprint = tessera::http::testing::WriteSelfSignedCertificate(cert, key);
  EXPECT_FALSE(fingerprint.empty()) << "writing " << cert << " and " << key;
  return fingerprint;
}

// One TLS connection to 127.0.0.1:`port` (the test certificates are self-signed: not verified):
// the fingerprint of the certificate the hub presented, and the status of GET /healthz on it.
struct TlsVisit {
  std::string fingerprint;
  int health_status = 0;
  std::string error;
};

TlsVisit VisitOverTls(uint16_t port) {
  TlsVisit visit;
  try {
    asio::io_context ioc;
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    stream.set_verify_mode(asio::ssl::verify_none);
    beast::get_lowest_layer(stream).expires_after(kPrompt);
    beast::get_lowest_layer(stream).connect(
        asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    stream.handshake(asio::ssl::stream_base::client);
    X509* cert = SSL_get1_peer_certificate(stream.native_handle());
    visit.fingerprint = CertificateFingerprint(cert);
    X509_free(cert);
    bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/healthz", 11};
    req.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(stream, req);
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buffer, res);
    visit.health_status = static_cast<int>(res.result_int());
  } catch (const std::exception& e) {
    visit.error = e.what();
  }
  return visit;
}

// Writes `raw` on a new plain TCP connection and reads one response: {status, body}, status 0
// when none came.
std::pair<int, std::string> SendPlain(uint16_t port, const std::string& raw) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  boost::system::error_code ec;
  stream.expires_after(kPrompt);
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return {0, ""};
  asio::write(stream, asio::buffer(raw), ec);
  if (ec) return {0, ""};
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(stream, buffer, res, ec);
  if (ec) return {0, ec.message()};
  return {static_cast<int>(res.result_int()), res.body()};
}

// A store made by `tessera init` in DIR/store, its admin token, and a place for files.
class ServeOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto init = RunProgram(
        TesseraBinary(), {"init", "--data", store(), "--admin-token-file", dir() + "/admin-token"},
        dir_.path());
    ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
    token_ = Slurp(dir() + "/admin-token");
    while (!token_.empty() && token_.back() == '\n') token_.pop_back();
  }

  std::string dir() const { return dir_.path(); }
  std::string store() const { return dir_.path() + "/store"; }
  std::string config() const { return dir_.path() + "/tessera.toml"; }

  // The title of the TAXII discovery document served on `port`.
  std::string DiscoveryTitle(uint16_t port) {
    HttpClient client("127.0.0.1", port);
    client.SetAuthorization("Bearer " + token_);
    auto res = client.Get("/taxii2/");
    EXPECT_EQ(res.status, 200) << res.body;
    if (res.status != 200) return "";
    return std::string(res.Json().at("title").as_string());
  }

  // Runs `tessera serve ARGS` expecting it to refuse to start: its standard error.
  std::string RefusedToStart(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"serve"};
    all.insert(all.end(), args.begin(), args.end());
    auto run = RunProgram(TesseraBinary(), all, dir_.path());
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_EQ(run.err.find("listening on"), std::string::npos) << run.err;
    return run.err;
  }

  TempDir dir_;
  std::string token_;
};

// Issue #17: every setting was a command-line flag.
TEST_F(ServeOpsTest, ConfigFileSetsTheSettingsAndTheCommandLineOverridesThem) {
  // Paths in the file are read from the file's directory, wherever serve is started from.
  WriteText(config(),
            "# a hub\n"
            "data = \"store\"\n"
            "listen = \"127.0.0.1:0\"\n"
            "threads = 2\n"
            "title = \"Hub from the file\"\n"
            "max-connections = 100\n"
            "access-log = true\n");
  {
    ServerProcess server;
    ASSERT_TRUE(server.Start(TesseraBinary(), {"serve", "--config", config()}));
    EXPECT_EQ(DiscoveryTitle(server.port()), "Hub from the file");
    EXPECT_TRUE(server.WaitFor("target=\"/taxii2/\" status=200", kPrompt)) << server.output();
    EXPECT_EQ(server.Stop(), 0) << server.output();
  }
  {
    ServerProcess server;
    ASSERT_TRUE(server.Start(
        TesseraBinary(), {"serve", "--config", config(), "--title", "Hub from the command line"}));
    EXPECT_EQ(DiscoveryTitle(server.port()), "Hub from the command line");
    EXPECT_EQ(server.Stop(), 0) << server.output();
  }
}

// Issue #17: an unknown key, a wrong type or a bad value names the key and the line (exit 2),
// and nothing starts.
TEST_F(ServeOpsTest, ConfigErrorsNameTheKeyAndTheLine) {
  struct Case {
    std::string text;
    std::vector<std::string> expected;  // each in the error
  };
  const std::vector<Case> cases = {
      {"listen = \"127.0.0.1:0\"\n\ncolour = \"blue\"\n", {"line 3", "'colour'", "not a setting"}},
      {"threads = \"2\"\n", {"line 1", "'threads'", "whole number"}},
      {"title = \"x\"\nthreads = 1000\n", {"line 2", "'threads'", "1000"}},
      {"access-log = \"no\"\n", {"line 1", "'access-log'", "true or false"}},
      {"public-url = \"ftp://hub.example\"\n", {"line 1", "'public-url'", "http://"}},
      {"status-lifetime = \"forever\"\n", {"line 1", "'status-lifetime'"}},
      {"listen = \"127.0.0.1\"\n", {"line 1", "'listen'", "HOST:PORT"}},
      {"tls-cert = \"missing.pem\"\n", {"line 1", "'tls-cert'", "missing.pem"}},
      {"[server]\nlisten = \"127.0.0.1:0\"\n", {"line 1", "'server'", "not a setting"}},
      {"title = \"x\"\ntitle = \"y\"\n", {"line 2"}},  // TOML: a key only once
      {"title = \n", {"line 1"}},                      // not TOML
      // Overridden on the command line, a bad value is an error all the same.
      {"title = 7\n", {"line 1", "'title'", "string"}},
  };
  for (const Case& c : cases) {
    WriteText(config(), c.text);
    const std::string err = RefusedToStart(
        {"--config", config(), "--data", store(), "--listen", "127.0.0.1:0", "--title", "t"});
    EXPECT_NE(err.find(config()), std::string::npos) << c.text << err;
    for (const std::string& e : c.expected) {
      EXPECT_NE(err.find(e), std::string::npos) << c.text << "\nwanted: " << e << "\n" << err;
    }
  }
  // A file that is not there.
  RefusedToStart({"--config", dir() + "/none.toml", "--data", store()});
  // Settings that must go together, from the file and the command line alike.
  MakeCertificate(dir() + "/cert.pem", dir() + "/key.pem");
  WriteText(config(), "tls-cert = \"cert.pem\"\n");
  EXPECT_NE(RefusedToStart({"--config", config(), "--data", store(), "--listen", "127.0.0.1:0"})
                .find("tls-key"),
            std::string::npos);
}

// The example file in docs/ loads, and it and docs/operations.md name every option of serve.
TEST_F(ServeOpsTest, TheExampleConfigLoadsAndDocumentsEveryOption) {
  const std::filesystem::path example = SourceDir() / "docs/tessera.example.toml";
  const std::string text = Slurp(example);
  ASSERT_FALSE(text.empty()) << example;
  const std::string operations = Slurp(SourceDir() / "docs/operations.md");
  auto help = RunProgram(TesseraBinary(), {"serve", "--help"}, dir());
  ASSERT_EQ(help.exit_code, 0) << help.err;
  std::set<std::string> keys;
  const std::regex option(R"((^|[\s,])--([a-z][a-z0-9-]+))");
  for (auto it = std::sregex_iterator(help.out.begin(), help.out.end(), option);
       it != std::sregex_iterator(); ++it) {
    keys.insert((*it)[2].str());
  }
  keys.erase("help");
  keys.erase("config");
  keys.erase("no-access-log");  // the false form of access-log
  EXPECT_GE(keys.size(), 20u) << help.out;
  for (const std::string& key : keys) {
    const std::regex line("(^|\\n)#? ?" + key + " = ");
    EXPECT_TRUE(std::regex_search(text, line)) << "docs/tessera.example.toml lacks " << key;
    EXPECT_NE(operations.find("`" + key + "`"), std::string::npos)
        << "docs/operations.md lacks `" << key << "`";
  }
  // Its settings are valid: serve starts on it (its store and address replaced).
  ServerProcess server;
  ASSERT_TRUE(server.Start(TesseraBinary(), {"serve", "--config", example.string(), "--data",
                                             store(), "--listen", "127.0.0.1:0"}));
  HttpClient client("127.0.0.1", server.port());
  client.SetAccept("");
  EXPECT_EQ(client.Get("/healthz").status, 200);
  EXPECT_EQ(server.Stop(), 0) << server.output();
}

// Issue #17: a new TLS certificate needed a restart (SIGHUP was ignored); plain HTTP sent to the
// TLS port got an empty reply.
TEST_F(ServeOpsTest, SighupSwapsTheCertificateAndKeepsItWhenTheNewOneIsBad) {
  std::filesystem::create_directory(dir() + "/tls");
  const std::string cert = dir() + "/tls/cert.pem";
  const std::string key = dir() + "/tls/key.pem";
  const std::string first = MakeCertificate(cert, key);
  const std::string base =
      "data = \"store\"\nlisten = \"127.0.0.1:0\"\nthreads = 2\n"
      "tls-cert = \"tls/cert.pem\"\ntls-key = \"tls/key.pem\"\n";
  WriteText(config(), base + "access-log = false\n");
  ServerProcess server;
  ASSERT_TRUE(server.Start(TesseraBinary(), {"serve", "--config", config()}));
  EXPECT_EQ(server.url(), "https://127.0.0.1:" + std::to_string(server.port()));
  TlsVisit visit = VisitOverTls(server.port());
  EXPECT_EQ(visit.fingerprint, first) << visit.error;
  EXPECT_EQ(visit.health_status, 200) << visit.error;

  // Plain HTTP on the TLS port: a plain 400 that says what to use.
  auto [status, body] = SendPlain(server.port(), "GET /taxii2/ HTTP/1.1\r\nHost: 127.0.0.1:" +
                                                     std::to_string(server.port()) + "\r\n\r\n");
  EXPECT_EQ(status, 400) << body;
  EXPECT_NE(body.find("this port speaks HTTPS"), std::string::npos) << body;
  EXPECT_NE(body.find("https://127.0.0.1:" + std::to_string(server.port()) + "/"),
            std::string::npos)
      << body;

  // A renewed certificate, a live setting and one that needs a restart.
  const std::string second = MakeCertificate(cert, key);
  ASSERT_NE(second, first);
  WriteText(config(), base + "access-log = true\ntitle = \"Renamed\"\n");
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(server.WaitFor(
      "SIGHUP: reloaded the TLS certificate " + cert + " (SHA-256 " + second + ")", kPrompt))
      << server.output();
  EXPECT_TRUE(server.WaitFor("applied access-log); changed but needing a restart: title", kPrompt))
      << server.output();
  visit = VisitOverTls(server.port());
  EXPECT_EQ(visit.fingerprint, second) << visit.error;
  EXPECT_EQ(visit.health_status, 200) << visit.error;
  // The access log is on now.
  EXPECT_TRUE(server.WaitFor("target=\"/healthz\" status=200", kPrompt)) << server.output();

  // A certificate file that does not load: the old certificate stays, and the log says why.
  WriteText(cert, "-----BEGIN CERTIFICATE-----\nnot base64\n");
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(server.WaitFor(
      "kept the TLS certificate in use (SHA-256 " + second + "): TLS certificate '" + cert,
      kPrompt))
      << server.output();
  visit = VisitOverTls(server.port());
  EXPECT_EQ(visit.fingerprint, second) << visit.error;
  EXPECT_EQ(visit.health_status, 200) << visit.error;

  // A configuration file that is no longer valid: nothing is reloaded.
  WriteText(config(), base + "max-connections = \"many\"\n");
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(server.WaitFor("SIGHUP: nothing reloaded", kPrompt)) << server.output();
  EXPECT_NE(server.output().find("line 6: 'max-connections'"), std::string::npos)
      << server.output();
  EXPECT_EQ(VisitOverTls(server.port()).health_status, 200);
  EXPECT_EQ(server.Stop(), 0) << server.output();
}

// Issue #17: binding a non-loopback address without TLS gave no warning.
TEST_F(ServeOpsTest, ANetworkAddressWithoutTlsIsRefusedUnlessInsecureListenSaysSo) {
  std::string err = RefusedToStart({"--data", store(), "--listen", "0.0.0.0:0"});
  EXPECT_NE(err.find("without TLS"), std::string::npos) << err;
  EXPECT_NE(err.find("--tls-cert"), std::string::npos) << err;
  EXPECT_NE(err.find("--insecure-listen"), std::string::npos) << err;
  WriteText(config(), "listen = \"0.0.0.0:0\"\n");
  err = RefusedToStart({"--config", config(), "--data", store()});
  EXPECT_NE(err.find("--insecure-listen"), std::string::npos) << err;

  for (const std::vector<std::string>& extra :
       std::vector<std::vector<std::string>>{{"--listen", "0.0.0.0:0", "--insecure-listen"},
                                             {"--config", config(), "--insecure-listen"}}) {
    std::vector<std::string> args = {"serve", "--data", store(), "--threads", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    ServerProcess server;
    ASSERT_TRUE(server.Start(TesseraBinary(), args));
    EXPECT_EQ(server.url(), "http://0.0.0.0:" + std::to_string(server.port()));
    EXPECT_TRUE(server.WaitFor("clear text", kPrompt)) << server.output();
    HttpClient client("127.0.0.1", server.port());
    client.SetAccept("");
    EXPECT_EQ(client.Get("/healthz").status, 200);
    EXPECT_EQ(server.Stop(), 0) << server.output();
  }
  WriteText(config(), "listen = \"0.0.0.0:0\"\ninsecure-listen = true\n");
  {
    ServerProcess server;
    ASSERT_TRUE(server.Start(TesseraBinary(), {"serve", "--config", config(), "--data", store()}));
    EXPECT_EQ(server.Stop(), 0) << server.output();
  }
  // A name of this host's loopback is loopback.
  ServerProcess local;
  ASSERT_TRUE(
      local.Start(TesseraBinary(), {"serve", "--data", store(), "--listen", "localhost:0"}));
  EXPECT_EQ(local.Stop(), 0) << local.output();
}

}  // namespace
