// tessera serve [--data DIR] [--listen HOST:PORT] [--threads N] [--tls-cert F --tls-key F]
//               [--public-url URL] [--web-dir DIR]

#include <spdlog/spdlog.h>

#include <malloc.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "admin/routes.h"
#include "cli/commands.h"
#include "cli/store_open.h"
#include "common/duration.h"
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
  bool no_access_log = false;
  std::string web_dir;  // empty: webui::DefaultSiteDirs
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

int RunServe(const ServeArgs& args) {
  TuneAllocatorForServing();
  auto address = http::ParseListenAddress(args.listen);
  if (!address.ok()) {
    std::cerr << "tessera serve: " << address.status().message() << "\n";
    return kExitUsage;
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
  auto status_lifetime = ParseDuration(args.status_lifetime);
  if (!status_lifetime.ok()) {
    std::cerr << "tessera serve: --status-lifetime: " << status_lifetime.status().message() << "\n";
    return kExitUsage;
  }
  taxii_options.status_lifetime = *status_lifetime;
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
  options.max_body_bytes_in_flight = args.body_memory_mb << 20;
  if (options.max_body_bytes_in_flight < options.max_body_bytes) {
    std::cerr << "tessera serve: --body-memory-mb (" << args.body_memory_mb
              << " MiB) must hold at least one body of --max-body-bytes (" << args.max_body_bytes
              << ")\n";
    return kExitUsage;
  }
  options.max_connections = args.max_connections;
  options.max_connections_per_client = args.max_connections_per_client;
  options.first_request_timeout = std::chrono::seconds(args.first_request_timeout_s);
  options.handle_signals = true;
  options.access_log = !args.no_access_log;
  options.metrics = metrics;
  options.blocking_threads = args.blocking_threads;
  if (!args.tls_cert.empty()) options.tls = http::TlsFiles{args.tls_cert, args.tls_key};

  auto server = http::Server::Create(options, router);
  if (!server.ok()) {
    std::cerr << "tessera serve: " << server.status().message() << "\n";
    return kExitUsage;
  }
  // Tests and scripts read this line to find the port (with --listen HOST:0).
  std::cerr << "tessera serve: listening on " << (*server)->url() << std::endl;
  spdlog::info("serving store {} on {}", args.data_dir, (*server)->url());
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
  CLI::App* sub = app.add_subcommand(
      "serve",
      "Serve the hub over HTTP: the TAXII 2.1 API (discovery at /taxii2/, the API roots, "
      "collections, objects, manifests, versions and statuses; docs/taxii.md), the admin API under "
      "/api/v1/, the web interface at / (docs/web.md) and a health check at /healthz. Every TAXII "
      "request authenticates with HTTP Basic (user name and API token), 'Authorization: Bearer "
      "TOKEN' (tokens: `tessera init`, `tessera token create`) or the session cookie of the web "
      "interface (signed in with a user name and token: POST /api/v1/session). Prints "
      "'listening on URL' on standard error once it accepts connections and one access-log line "
      "per request. SIGTERM or SIGINT stops it gracefully: it stops accepting, answers the "
      "requests already received, and exits 0 (a second signal ends it at once). Exit 2 when the "
      "store is missing (run `tessera init`), the address cannot be bound, or the TLS files are "
      "unusable.");
  sub->add_option("--data", args->data_dir, "Data directory (also read from $TESSERA_DATA)")
      ->envname("TESSERA_DATA")
      ->capture_default_str();
  sub->add_option("--listen", args->listen,
                  "HOST:PORT to listen on; [::1]:PORT for IPv6; port 0 picks a free port")
      ->capture_default_str();
  sub->add_option("--threads", args->threads, "I/O threads; 0 uses one per hardware thread")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  auto* cert = sub->add_option("--tls-cert", args->tls_cert,
                               "Serve HTTPS with this PEM certificate (chain); needs --tls-key")
                   ->check(CLI::ExistingFile);
  auto* key = sub->add_option("--tls-key", args->tls_key, "PEM private key of --tls-cert")
                  ->check(CLI::ExistingFile);
  cert->needs(key);
  key->needs(cert);
  sub->add_option("--title", args->title, "Title in the TAXII discovery document")
      ->capture_default_str();
  sub->add_option("--description", args->description, "Description in the TAXII discovery document")
      ->capture_default_str();
  sub->add_option(
      "--contact", args->contact,
      "Contact in the TAXII discovery document (e-mail, phone, ...); left out when empty");
  sub->add_option("--public-url", args->public_url,
                  "The URL clients reach the hub at (e.g. https://cti.example.org behind a proxy); "
                  "the API root URLs in /taxii2/ start with it. Default: the request's Host header")
      ->check([](const std::string& url) -> std::string {
        if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
          return "must start with http:// or https://";
        }
        if (url.find_first_of("?# \t\r\n") != std::string::npos) {
          return "must be a plain URL without query, fragment or spaces";
        }
        return "";
      });
  sub->add_option("--blocking-threads", args->blocking_threads,
                  "Threads for requests that may take long (POST, DELETE, first use of a token), "
                  "besides the I/O threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  sub->add_option("--max-body-bytes", args->max_body_bytes,
                  "Largest request body accepted (larger ones get 413); the API roots advertise "
                  "it as max_content_length when their own is larger")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 32))
      ->capture_default_str();
  sub->add_option("--max-object-bytes", args->max_object_bytes,
                  "Largest STIX object accepted in a POST, as JSON without whitespace (a larger "
                  "one is a failure in the status; the others are added)")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 32))
      ->capture_default_str();
  sub->add_option("--body-memory-mb", args->body_memory_mb,
                  "Request bodies held in memory at once, over every connection; over it a "
                  "request with a body gets 503 with Retry-After")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20))
      ->capture_default_str();
  sub->add_option("--max-connections", args->max_connections,
                  "Connections open at once; when all are taken, a new connection takes the slot "
                  "of the connection idle the longest")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20))
      ->capture_default_str();
  sub->add_option("--max-connections-per-client", args->max_connections_per_client,
                  "Connections open at once from one source address; more are closed at once")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20))
      ->capture_default_str();
  sub->add_option("--first-request-timeout", args->first_request_timeout_s,
                  "Seconds a new connection has to send its first request (TLS handshake "
                  "included) before it is closed")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  sub->add_option("--page-cache-mb", args->page_cache_mb,
                  "Memory for TAXII listing answers kept for readers who ask again (pages of "
                  "objects, versions, manifests; each reader sees only its own); 0 keeps none")
      ->check(CLI::Range(size_t{0}, size_t{1} << 20))
      ->capture_default_str();
  sub->add_option("--max-page-bytes", args->max_page_bytes,
                  "Bound on the objects' JSON in one TAXII objects page: a page ends early "
                  "(more: true, with a next token) before the object that would pass it, and "
                  "always holds at least one object")
      ->check(CLI::Range(size_t{1} << 16, size_t{1} << 30))
      ->capture_default_str();
  sub->add_option("--status-lifetime", args->status_lifetime,
                  "How long the status of a TAXII POST can be read back (e.g. 24h, 7d); older "
                  "ones are deleted")
      ->capture_default_str();
  sub->add_flag("--no-access-log", args->no_access_log, "Do not log a line per request");
  sub->add_option("--web-dir", args->web_dir,
                  "The built web interface to serve at / (index.html and assets/, read once at "
                  "start). Default: share/tessera/web beside the executable's bin/, else the "
                  "build tree's web/ (build/<preset>/web); without one only the APIs are served");
  return Command{sub, [args] { return RunServe(*args); }};
}

}  // namespace tessera::cli
