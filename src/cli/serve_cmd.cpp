// tessera serve [--config FILE] [--data DIR] [--listen HOST:PORT] [--threads N]
//               [--tls-cert F --tls-key F] [--public-url URL] [--web-dir DIR] [--insecure-listen]
//
// Every option is also a key of the configuration file (TOML, --config): the option's name
// without the dashes. The command line (and $TESSERA_DATA) wins over the file, the file over the
// defaults. SIGHUP reloads the TLS certificate and the settings marked live below, and logs what
// it did and which changed settings wait for a restart.

#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include <malloc.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "admin/routes.h"
#include "cli/commands.h"
#include "cli/store_open.h"
#include "common/duration.h"
#include "common/file.h"
#include "http/health.h"
#include "http/router.h"
#include "http/server.h"
#include "policy/tokens.h"
#include "store/store.h"
#include "taxii/envelope.h"
#include "taxii/protocol.h"
#include "taxii/service.h"
#include "webui/site.h"

namespace tessera::cli {
namespace {

struct ServeArgs {
  std::string data_dir = kDefaultDataDir;
  std::string listen = "127.0.0.1:8080";
  unsigned threads = 0;
  std::string tls_cert;
  std::string tls_key;
  std::string title = "Tessera";
  std::string description = "Tessera threat intelligence sharing hub (STIX 2.1 over TAXII 2.1)";
  std::string contact;
  std::string public_url;
  size_t max_body_bytes = 32 * 1024 * 1024;
  size_t max_object_bytes = taxii::kDefaultMaxObjectBytes;
  size_t body_memory_mb = 256;
  size_t max_connections = 4096;
  size_t max_connections_per_client = 64;
  unsigned first_request_timeout_s = 10;
  unsigned blocking_threads = 2;
  size_t page_cache_mb = 64;
  size_t max_page_bytes = taxii::kDefaultMaxPageBytes;
  std::string status_lifetime = "24h";
  bool access_log = true;
  std::string web_dir;  // empty: webui::DefaultSiteDirs
  bool insecure_listen = false;
  std::string config;  // the configuration file; empty: none
};

// One setting of `serve`: its command-line option, and its key in the configuration file (the
// option's long name without "--").
struct Setting {
  std::string key;
  CLI::Option* option = nullptr;
  // Applied on SIGHUP while the server runs; otherwise a change waits for a restart.
  bool live = false;
  // Reads a value from the file into `into` (a path relative to `base`, the file's directory,
  // when the setting is a path): "" when done, else why the value is not acceptable.
  std::function<std::string(const toml::node& value, const std::filesystem::path& base,
                            ServeArgs& into)>
      read;
  // Whether two sets of arguments agree on this setting.
  std::function<bool(const ServeArgs&, const ServeArgs&)> same;
};

enum class IsPath { kNo, kYes };

// The settings, in the order of `tessera serve --help`. Not thread-safe; built once.
class SettingTable {
 public:
  // Adds an option bound to `bound.*member`, checked by `check` on the command line and in the
  // file alike.
  template <class T>
  CLI::Option* Add(CLI::App* sub, ServeArgs& bound, const std::string& key, T ServeArgs::*member,
                   const std::string& help, bool live = false,
                   std::optional<CLI::Validator> check = std::nullopt, IsPath path = IsPath::kNo,
                   const std::string& flag_names = "") {
    CLI::Option* opt = nullptr;
    if constexpr (std::is_same_v<T, bool>) {
      opt = sub->add_flag(flag_names.empty() ? "--" + key : flag_names, bound.*member, help);
    } else {
      opt = sub->add_option("--" + key, bound.*member, help);
      if (check) opt->check(*check);
    }
    Setting s;
    s.key = key;
    s.option = opt;
    s.live = live;
    s.same = [member](const ServeArgs& a, const ServeArgs& b) { return a.*member == b.*member; };
    s.read = [member, check, path](const toml::node& value, const std::filesystem::path& base,
                                   ServeArgs& into) -> std::string {
      if constexpr (std::is_same_v<T, bool>) {
        const auto* b = value.as_boolean();
        if (b == nullptr) return "must be true or false";
        into.*member = b->get();
        return "";
      } else if constexpr (std::is_same_v<T, std::string>) {
        const auto* str = value.as_string();
        if (str == nullptr) return "must be a string (in quotes)";
        std::string text = str->get();
        if (path == IsPath::kYes && !text.empty() && std::filesystem::path(text).is_relative()) {
          text = (base / text).lexically_normal().string();
        }
        if (check) {
          if (std::string why = (*check)(text); !why.empty()) return why;
        }
        into.*member = std::move(text);
        return "";
      } else {
        static_assert(std::is_unsigned_v<T>);
        const auto* n = value.as_integer();
        if (n == nullptr) return "must be a whole number (without quotes)";
        const int64_t v = n->get();
        if (v < 0 || static_cast<uint64_t>(v) > std::numeric_limits<T>::max()) {
          return "Value " + std::to_string(v) + " is out of range";
        }
        if (check) {
          if (std::string why = (*check)(std::to_string(v)); !why.empty()) return why;
        }
        into.*member = static_cast<T>(v);
        return "";
      }
    };
    settings_.push_back(std::move(s));
    return opt;
  }

  const std::vector<Setting>& settings() const { return settings_; }
  const Setting* Find(const std::string& key) const {
    for (const Setting& s : settings_) {
      if (s.key == key) return &s;
    }
    return nullptr;
  }

 private:
  std::vector<Setting> settings_;
};

// What the command line decided: its values (defaults where it said nothing) and which keys it
// gave (those the file cannot change).
struct CommandLine {
  ServeArgs args;
  std::set<std::string> given;
};

// Reads `file` over `command_line`: each key of the file sets its setting unless the command line
// gave it (a value the command line overrides is still checked). kInvalidArgument naming the file,
// the line and the key for a syntax error, an unknown key, a value of the wrong type or out of
// bounds; kIo when the file cannot be read.
Result<ServeArgs> ReadConfig(const SettingTable& table, const CommandLine& command_line,
                             const std::string& file) {
  auto text = ReadInput(file);
  if (!text.ok()) return text.status();
  toml::table doc;
  try {
    doc = toml::parse(*text, file);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(file + ", line " + std::to_string(e.source().begin.line) + ": " +
                           std::string(e.description()));
  }
  const std::filesystem::path base =
      std::filesystem::absolute(std::filesystem::path(file)).parent_path();
  ServeArgs args = command_line.args;
  ServeArgs overridden = command_line.args;  // where values the command line overrides go
  for (const auto& [key, value] : doc) {
    const std::string name(key.str());
    const std::string where =
        file + ", line " + std::to_string(value.source().begin.line) + ": '" + name + "'";
    const Setting* setting = table.Find(name);
    if (setting == nullptr) {
      return InvalidArgument(where +
                             " is not a setting of tessera serve (the settings are the "
                             "options of `tessera serve --help` without their dashes; "
                             "docs/operations.md, \"Configure\")");
    }
    ServeArgs& into = command_line.given.count(name) > 0 ? overridden : args;
    if (std::string why = setting->read(value, base, into); !why.empty()) {
      return InvalidArgument(where + ": " + why);
    }
  }
  return args;
}

// The checks on a whole set of arguments, whether from the command line or the file.
Status CheckArgs(const ServeArgs& args) {
  if (args.tls_cert.empty() != args.tls_key.empty()) {
    return InvalidArgument(
        "tls-cert and tls-key go together: give both (HTTPS) or neither (plain HTTP)");
  }
  if (auto address = http::ParseListenAddress(args.listen); !address.ok()) {
    return address.status();
  }
  if (auto lifetime = ParseDuration(args.status_lifetime); !lifetime.ok()) {
    return InvalidArgument("status-lifetime: " + lifetime.status().message());
  }
  if ((args.body_memory_mb << 20) < args.max_body_bytes) {
    return InvalidArgument("body-memory-mb (" + std::to_string(args.body_memory_mb) +
                           " MiB) must hold at least one body of max-body-bytes (" +
                           std::to_string(args.max_body_bytes) + ")");
  }
  return Status::Ok();
}

http::LiveOptions LiveOf(const ServeArgs& args) {
  http::LiveOptions live;
  live.access_log = args.access_log;
  live.max_connections = args.max_connections;
  live.max_connections_per_client = args.max_connections_per_client;
  live.first_request_timeout = std::chrono::seconds(args.first_request_timeout_s);
  live.max_body_bytes_in_flight = args.body_memory_mb << 20;
  return live;
}

std::string JoinKeys(const std::vector<std::string>& keys) {
  std::string out;
  for (const std::string& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

// What SIGHUP does: reads the configuration file again (when there is one) and the TLS files,
// applies what can change live, and logs one line. Runs on the server's signal strand only (one
// call at a time), so its state needs no lock.
class Reloader {
 public:
  Reloader(std::shared_ptr<const SettingTable> table, CommandLine command_line, ServeArgs current,
           http::Server* server)
      : table_(std::move(table)),
        command_line_(std::move(command_line)),
        current_(std::move(current)),
        server_(server) {}

  void operator()() {
    ServeArgs next = current_;
    std::vector<std::string> parts;
    bool trouble = false;
    if (!current_.config.empty()) {
      auto read = ReadConfig(*table_, command_line_, current_.config);
      Status checked = read.ok() ? CheckArgs(*read) : read.status();
      if (!checked.ok()) {
        spdlog::error("SIGHUP: nothing reloaded, the configuration is not valid: {}",
                      checked.message());
        return;
      }
      next = *read;
    }
    std::vector<std::string> restart;
    const bool tls_now = !current_.tls_cert.empty();
    if (tls_now && !next.tls_cert.empty()) {
      Status tls = server_->ReloadTls(http::TlsFiles{next.tls_cert, next.tls_key});
      if (tls.ok()) {
        parts.push_back("reloaded the TLS certificate " + next.tls_cert + " (SHA-256 " +
                        server_->tls_fingerprint() + ")");
        current_.tls_cert = next.tls_cert;
        current_.tls_key = next.tls_key;
      } else {
        trouble = true;
        parts.push_back("kept the TLS certificate in use (SHA-256 " + server_->tls_fingerprint() +
                        "): " + tls.message());
        next.tls_cert = current_.tls_cert;
        next.tls_key = current_.tls_key;
      }
    } else if (tls_now != !next.tls_cert.empty()) {
      restart.push_back(tls_now ? "tls-cert (removed)" : "tls-cert (added)");
      next.tls_cert = current_.tls_cert;
      next.tls_key = current_.tls_key;
    }
    std::vector<std::string> applied;
    for (const Setting& s : table_->settings()) {
      if (s.key == "tls-cert" || s.key == "tls-key" || s.same(current_, next)) continue;
      (s.live ? applied : restart).push_back(s.key);
    }
    if (!applied.empty()) {
      ServeArgs live = current_;
      live.access_log = next.access_log;
      live.max_connections = next.max_connections;
      live.max_connections_per_client = next.max_connections_per_client;
      live.first_request_timeout_s = next.first_request_timeout_s;
      live.body_memory_mb = next.body_memory_mb;
      if (Status set = server_->SetLive(LiveOf(live)); !set.ok()) {
        trouble = true;
        parts.push_back("kept the live settings: " + set.message());
      } else {
        current_ = live;
      }
    }
    if (!current_.config.empty()) {
      parts.push_back("read " + current_.config + " (" +
                      (applied.empty() ? std::string("no live setting changed")
                                       : "applied " + JoinKeys(applied)) +
                      ")");
    } else {
      parts.push_back("no configuration file (--config) to read");
    }
    if (!restart.empty()) {
      trouble = true;
      parts.push_back("changed but needing a restart: " + JoinKeys(restart));
    }
    std::string line = "SIGHUP: ";
    for (size_t i = 0; i < parts.size(); ++i) line += (i == 0 ? "" : "; ") + parts[i];
    if (trouble) {
      spdlog::warn("{}", line);
    } else {
      spdlog::info("{}", line);
    }
  }

 private:
  std::shared_ptr<const SettingTable> table_;
  const CommandLine command_line_;
  ServeArgs current_;  // what the server runs with
  http::Server* server_;
};

// Whether the server can write the store: its file, and its directory (where SQLite keeps the
// -wal and -shm files). A store made read-only (or a file system remounted read-only) opens for
// reading, and every write would fail. kIo naming the path and the reason.
Status StoreWritable(const std::string& data_dir) {
  const std::string file = (std::filesystem::path(data_dir) / store::kStoreFileName).string();
  // access(2), never open(2) and close(2): closing any descriptor of the file would drop the
  // POSIX locks SQLite holds on it in this process, and readers would stop seeing commits.
  if (::access(file.c_str(), W_OK) != 0) {
    return IoError("the store " + file + " cannot be written: " + std::strerror(errno));
  }
  if (::access(data_dir.c_str(), W_OK) != 0) {
    return IoError("the data directory " + data_dir + " cannot be written (SQLite keeps the " +
                   "store's -wal and -shm files there): " + std::strerror(errno));
  }
  return Status::Ok();
}

// The server allocates and frees a page's buffer (tens of KiB to megabytes) for every request.
// glibc's defaults hand memory back to the kernel whenever the top of a heap has 128 KiB free (a
// threshold that only grows after some larger block happens to be freed), and the next request
// takes it back through page faults: measured on an uncached GET, that doubled the server's system
// time (docs/benchmarks.md, "The listing mended"). Up to 16 MiB stay free per heap; blocks of 8 MiB
// and more are mapped on their own, and so returned when freed.
void TuneAllocatorForServing() {
  mallopt(M_MMAP_THRESHOLD, 8 << 20);
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
}

// The web interface to serve: from --web-dir (which must hold one), else from the first default
// place that holds one (webui::DefaultSiteDirs); nullptr, with a warning, when none does: the
// APIs are served all the same. kExitUsage in `*exit_code` when --web-dir is given and unusable.
std::shared_ptr<const webui::Site> FindSite(const std::string& web_dir, int* exit_code) {
  std::vector<std::filesystem::path> dirs;
  if (!web_dir.empty()) {
    dirs.push_back(web_dir);
  } else {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) dirs = webui::DefaultSiteDirs(exe);
  }
  for (const auto& dir : dirs) {
    auto site = webui::LoadSite(dir);
    if (site.ok()) {
      spdlog::info("serving the web interface from {}", dir.lexically_normal().string());
      return std::make_shared<const webui::Site>(std::move(*site));
    }
    if (!web_dir.empty() || site.status().code() != ErrorCode::kNotFound) {
      std::cerr << "tessera serve: --web-dir: " << site.status().message() << "\n";
      *exit_code = kExitUsage;
      return nullptr;
    }
  }
  spdlog::warn(
      "no web interface found (the build makes it: target `web`, docs/web.md; or give "
      "--web-dir); serving the APIs only");
  return nullptr;
}

int RunServe(const ServeArgs& args, std::shared_ptr<const SettingTable> table,
             const CommandLine& command_line) {
  TuneAllocatorForServing();
  if (Status checked = CheckArgs(args); !checked.ok()) {
    std::cerr << "tessera serve: " << checked.message() << "\n";
    return kExitUsage;
  }
  auto address = http::ParseListenAddress(args.listen);
  if (!address.ok()) {
    std::cerr << "tessera serve: " << address.status().message() << "\n";
    return kExitUsage;
  }
  // Tokens, cookies and TLP:RED in clear text are for this host only, unless the operator says
  // the network is protected otherwise.
  if (args.tls_cert.empty()) {
    auto loopback = http::ResolvesToLoopback(address->host);
    if (!loopback.ok()) {
      std::cerr << "tessera serve: " << loopback.status().message() << "\n";
      return kExitUsage;
    }
    if (!*loopback && !args.insecure_listen) {
      std::cerr << "tessera serve: refusing to listen on " << args.listen
                << " without TLS: other hosts could reach it, and API tokens, session cookies "
                   "and every object would cross the network in clear text. Serve HTTPS with "
                   "--tls-cert and --tls-key; or listen on 127.0.0.1 behind a TLS proxy on this "
                   "host; or, when the network is protected otherwise (a TLS proxy on another "
                   "host, a private link), say so with --insecure-listen (insecure-listen = true "
                   "in the configuration file)\n";
      return kExitUsage;
    }
    if (!*loopback) {
      spdlog::warn(
          "no TLS on {} (--insecure-listen): requests, tokens and objects cross "
          "the network in clear text",
          args.listen);
    }
  }

  std::shared_ptr<store::Store> store = OpenCommandStore("serve", args.data_dir);
  if (!store) return kExitUsage;
  // A store the server cannot write would answer 500 to every POST: refuse to start instead.
  if (Status writable = StoreWritable(args.data_dir); !writable.ok()) {
    std::cerr << "tessera serve: " << writable.message() << "\n";
    return kExitUsage;
  }

  if (Status crypto = policy::InitCrypto(); !crypto.ok()) {
    std::cerr << "tessera serve: " << crypto.message() << "\n";
    return kExitUsage;
  }
  // One authenticator (and so one verification cache) for every authenticated route.
  auto authenticator = std::make_shared<policy::Authenticator>(store->directory());

  auto router = std::make_shared<http::Router>();
  router->SetErrorRenderer(taxii::TaxiiError);
  // Healthy when the store can still be written and answers a one-row query of objects and of
  // the directory (cheap at any store size); the reason names the store.
  Status st = http::AddHealthRoute(*router, [store, data_dir = args.data_dir]() -> Status {
    TESSERA_RETURN_IF_ERROR(StoreWritable(data_dir));
    store::ObjectQuery probe;
    probe.limit = 1;
    Status read = store->ListObjects(probe).status();
    if (read.ok()) read = store->directory().ListApiRoots().status();
    if (!read.ok()) {
      return Status(read.code(), "the store in " + data_dir + " cannot be read: " + read.message());
    }
    return Status::Ok();
  });
  taxii::ServiceOptions taxii_options;
  taxii_options.title = args.title;
  taxii_options.description = args.description;
  taxii_options.contact = args.contact;
  taxii_options.public_url = args.public_url;
  while (!taxii_options.public_url.empty() && taxii_options.public_url.back() == '/') {
    taxii_options.public_url.pop_back();
  }
  taxii_options.tls = !args.tls_cert.empty();
  taxii_options.fallback_url =
      std::string(taxii_options.tls ? "https://" : "http://") + args.listen;
  taxii_options.max_body_bytes = args.max_body_bytes;
  taxii_options.max_object_bytes = args.max_object_bytes;
  taxii_options.page_cache_bytes = args.page_cache_mb << 20;
  taxii_options.max_page_bytes = args.max_page_bytes;
  taxii_options.status_lifetime = *ParseDuration(args.status_lifetime);  // CheckArgs read it
  // The admin API (/api/v1/) and /metrics (admin-only), on the same authenticator; the server
  // counts every request into `metrics`, the TAXII service the objects it stores.
  auto metrics = std::make_shared<http::Metrics>();
  taxii_options.metrics = metrics;
  auto taxii_service = std::make_shared<taxii::Service>(store, authenticator, taxii_options);
  if (st.ok()) st = taxii::Service::Register(taxii_service, *router);
  if (st.ok()) {
    st = metrics->AddGauge("tessera_objects_stored", "Object versions stored.", [store] {
      auto n = store->CountObjects();
      return n.ok() ? Result<double>(static_cast<double>(*n)) : Result<double>(n.status());
    });
  }
  admin::AdminApiOptions admin_options{store, authenticator, metrics};
  admin_options.secure_cookies = taxii_options.tls;
  if (st.ok()) st = admin::AddAdminRoutes(*router, std::move(admin_options));
  int site_exit = kExitOk;
  std::shared_ptr<const webui::Site> site = FindSite(args.web_dir, &site_exit);
  if (site_exit != kExitOk) return site_exit;
  if (st.ok() && site) st = webui::AddSiteRoutes(*router, site);
  if (!st.ok()) {
    std::cerr << "tessera serve: " << st.message() << "\n";
    return kExitUsage;
  }

  http::ServerOptions options;
  options.host = address->host;
  options.port = address->port;
  options.threads = args.threads;
  options.max_body_bytes = args.max_body_bytes;
  options.max_body_bytes_in_flight = args.body_memory_mb << 20;  // CheckArgs: holds one body
  options.max_connections = args.max_connections;
  options.max_connections_per_client = args.max_connections_per_client;
  options.first_request_timeout = std::chrono::seconds(args.first_request_timeout_s);
  options.handle_signals = true;
  options.access_log = args.access_log;
  options.metrics = metrics;
  options.blocking_threads = args.blocking_threads;
  if (!args.tls_cert.empty()) options.tls = http::TlsFiles{args.tls_cert, args.tls_key};

  auto server = http::Server::Create(options, router);
  if (!server.ok()) {
    std::cerr << "tessera serve: " << server.status().message() << "\n";
    return kExitUsage;
  }
  (*server)->SetHangupHandler(Reloader(std::move(table), command_line, args, server->get()));
  // Tests and scripts read this line to find the port (with --listen HOST:0).
  std::cerr << "tessera serve: listening on " << (*server)->url() << std::endl;
  spdlog::info("serving store {} on {}{}", args.data_dir, (*server)->url(),
               args.tls_cert.empty()
                   ? std::string()
                   : " (TLS certificate SHA-256 " + (*server)->tls_fingerprint() + ")");
  if (Status run = (*server)->Run(); !run.ok()) {
    std::cerr << "tessera serve: " << run.message() << "\n";
    return kExitUsage;
  }
  spdlog::info("stopped");
  return kExitOk;
}

}  // namespace

Command AddServeCommand(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  auto table = std::make_shared<SettingTable>();
  CLI::App* sub = app.add_subcommand(
      "serve",
      "Serve the hub over HTTP: the TAXII 2.1 API (discovery at /taxii2/, the API roots, "
      "collections, objects, manifests, versions and statuses; docs/taxii.md), the admin API under "
      "/api/v1/, the web interface at / (docs/web.md) and a health check at /healthz. Every TAXII "
      "request authenticates with HTTP Basic (user name and API token), 'Authorization: Bearer "
      "TOKEN' (tokens: `tessera init`, `tessera token create`) or the session cookie of the web "
      "interface (signed in with a user name and token: POST /api/v1/session). Every option can "
      "also be set in a TOML file given with --config, as KEY = VALUE where KEY is the option's "
      "name without the dashes (docs/operations.md, \"Configure\"); the command line wins. Prints "
      "'listening on URL' on standard error once it accepts connections and one access-log line "
      "per request. SIGHUP reloads the TLS certificate and key and the configuration file, applies "
      "the settings marked 'live', and logs what it reloaded and which changes need a restart. "
      "SIGTERM or SIGINT stops it gracefully: it stops accepting, answers the "
      "requests already received, and exits 0 (a second signal ends it at once). Exit 2 when the "
      "store is missing (run `tessera init`), the configuration file or an option is not valid, "
      "the address cannot be bound, a non-loopback address is given without TLS or "
      "--insecure-listen, or the TLS files are unusable.");
  sub->add_option("--config", args->config,
                  "TOML file of settings: KEY = VALUE, each KEY an option below without its "
                  "dashes (e.g. listen = \"0.0.0.0:8443\"); relative paths in it are read from its "
                  "directory. Read again on SIGHUP")
      ->check(CLI::ExistingFile);
  SettingTable& t = *table;
  ServeArgs& a = *args;
  t.Add(sub, a, "data", &ServeArgs::data_dir, "Data directory (also read from $TESSERA_DATA)",
        false, std::nullopt, IsPath::kYes)
      ->envname("TESSERA_DATA")
      ->capture_default_str();
  t.Add(sub, a, "listen", &ServeArgs::listen,
        "HOST:PORT to listen on; [::1]:PORT for IPv6; port 0 picks a free port. An address "
        "other hosts can reach needs TLS (--tls-cert) or --insecure-listen",
        false,
        CLI::Validator(
            [](std::string& text) -> std::string {
              auto address = http::ParseListenAddress(text);
              return address.ok() ? "" : address.status().message();
            },
            "HOST:PORT"))
      ->capture_default_str();
  t.Add(sub, a, "insecure-listen", &ServeArgs::insecure_listen,
        "Listen on a non-loopback address without TLS (plain HTTP across the network: only "
        "behind a TLS proxy or on a network protected otherwise)");
  t.Add(sub, a, "threads", &ServeArgs::threads, "I/O threads; 0 uses one per hardware thread",
        false, CLI::Range(0, 256))
      ->capture_default_str();
  t.Add(sub, a, "tls-cert", &ServeArgs::tls_cert,
        "Serve HTTPS with this PEM certificate (chain); needs --tls-key. Live: SIGHUP reloads it",
        true, CLI::ExistingFile, IsPath::kYes);
  t.Add(sub, a, "tls-key", &ServeArgs::tls_key,
        "PEM private key of --tls-cert. Live: SIGHUP reloads it", true, CLI::ExistingFile,
        IsPath::kYes);
  t.Add(sub, a, "title", &ServeArgs::title, "Title in the TAXII discovery document")
      ->capture_default_str();
  t.Add(sub, a, "description", &ServeArgs::description,
        "Description in the TAXII discovery document")
      ->capture_default_str();
  t.Add(sub, a, "contact", &ServeArgs::contact,
        "Contact in the TAXII discovery document (e-mail, phone, ...); left out when empty");
  t.Add(sub, a, "public-url", &ServeArgs::public_url,
        "The URL clients reach the hub at (e.g. https://cti.example.org behind a proxy); "
        "the API root URLs in /taxii2/ start with it. Default: the request's Host header",
        false,
        CLI::Validator(
            [](std::string& url) -> std::string {
              if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
                return "must start with http:// or https://";
              }
              if (url.find_first_of("?# \t\r\n") != std::string::npos) {
                return "must be a plain URL without query, fragment or spaces";
              }
              return "";
            },
            "URL"));
  t.Add(sub, a, "blocking-threads", &ServeArgs::blocking_threads,
        "Threads for requests that may take long (POST, DELETE, first use of a token), "
        "besides the I/O threads",
        false, CLI::Range(1, 64))
      ->capture_default_str();
  t.Add(sub, a, "max-body-bytes", &ServeArgs::max_body_bytes,
        "Largest request body accepted (larger ones get 413); the API roots advertise "
        "it as max_content_length when their own is larger",
        false, CLI::Range(size_t{1024}, size_t{1} << 32))
      ->capture_default_str();
  t.Add(sub, a, "max-object-bytes", &ServeArgs::max_object_bytes,
        "Largest STIX object accepted in a POST, as JSON without whitespace (a larger "
        "one is a failure in the status; the others are added)",
        false, CLI::Range(size_t{1024}, size_t{1} << 32))
      ->capture_default_str();
  t.Add(sub, a, "body-memory-mb", &ServeArgs::body_memory_mb,
        "Request bodies held in memory at once, over every connection; over it a "
        "request with a body gets 503 with Retry-After. Live",
        true, CLI::Range(size_t{1}, size_t{1} << 20))
      ->capture_default_str();
  t.Add(sub, a, "max-connections", &ServeArgs::max_connections,
        "Connections open at once; when all are taken, a new connection takes the slot "
        "of the connection idle the longest. Live",
        true, CLI::Range(size_t{1}, size_t{1} << 20))
      ->capture_default_str();
  t.Add(sub, a, "max-connections-per-client", &ServeArgs::max_connections_per_client,
        "Connections open at once from one source address; more are closed at once. Live", true,
        CLI::Range(size_t{1}, size_t{1} << 20))
      ->capture_default_str();
  t.Add(sub, a, "first-request-timeout", &ServeArgs::first_request_timeout_s,
        "Seconds a new connection has to send its first request (TLS handshake "
        "included) before it is closed. Live",
        true, CLI::Range(1, 3600))
      ->capture_default_str();
  t.Add(sub, a, "page-cache-mb", &ServeArgs::page_cache_mb,
        "Memory for TAXII listing answers kept for readers who ask again (pages of "
        "objects, versions, manifests; each reader sees only its own); 0 keeps none",
        false, CLI::Range(size_t{0}, size_t{1} << 20))
      ->capture_default_str();
  t.Add(sub, a, "max-page-bytes", &ServeArgs::max_page_bytes,
        "Bound on the objects' JSON in one TAXII objects page: a page ends early "
        "(more: true, with a next token) before the object that would pass it, and "
        "always holds at least one object",
        false, CLI::Range(size_t{1} << 16, size_t{1} << 30))
      ->capture_default_str();
  t.Add(sub, a, "status-lifetime", &ServeArgs::status_lifetime,
        "How long the status of a TAXII POST can be read back (e.g. 24h, 7d); older "
        "ones are deleted",
        false,
        CLI::Validator(
            [](std::string& text) -> std::string {
              auto lifetime = ParseDuration(text);
              return lifetime.ok() ? "" : lifetime.status().message();
            },
            "DURATION"))
      ->capture_default_str();
  t.Add(sub, a, "access-log", &ServeArgs::access_log,
        "Log a line per request (the default; --no-access-log: none). Live", true, std::nullopt,
        IsPath::kNo, "--access-log,!--no-access-log");
  t.Add(sub, a, "web-dir", &ServeArgs::web_dir,
        "The built web interface to serve at / (index.html and assets/, read once at "
        "start). Default: share/tessera/web beside the executable's bin/, else the "
        "build tree's web/ (build/<preset>/web); without one only the APIs are served",
        false, std::nullopt, IsPath::kYes);
  return Command{sub, [args, table] {
                   CommandLine command_line{*args, {}};
                   for (const Setting& s : table->settings()) {
                     if (s.option->count() > 0) command_line.given.insert(s.key);
                   }
                   ServeArgs effective = *args;
                   if (!args->config.empty()) {
                     auto read = ReadConfig(*table, command_line, args->config);
                     if (!read.ok()) {
                       std::cerr << "tessera serve: " << read.status().message() << "\n";
                       return kExitUsage;
                     }
                     effective = std::move(*read);
                   }
                   return RunServe(effective, table, command_line);
                 }};
}

}  // namespace tessera::cli
