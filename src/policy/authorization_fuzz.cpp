// libFuzzer target: any byte string as the Authorization header of a request
// (Authenticator::Authenticate: Basic or Bearer, the token's format, its id and secret) and as a
// token (TokenId), against a store holding one user with one token. No header the fuzzer makes is
// accepted (the only token's secret is random), never a crash:
//  - through an authenticator whose failure bounds are out of reach, so that every header is
//    parsed and checked: a blank one is refused as "authentication required", any other with the
//    one message kInvalidCredentials, whatever the cause;
//  - through one with the default bounds, the client address taken from the input's first byte,
//    so that the counting and throttling paths run too: refused as unauthenticated or as over the
//    limit.
// Build with the `fuzz` preset; scripts/test runs it briefly over
// tests/data/fuzz/authorization_fuzz.

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "policy/tokens.h"
#include "store/store.h"

namespace {

namespace fs = std::filesystem;
using tessera::ErrorCode;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "authorization_fuzz: %s\n", what);
    std::abort();
  }
}

struct Hub {
  std::string root;
  std::unique_ptr<tessera::store::Store> store;
  std::unique_ptr<tessera::policy::Authenticator> unbounded;  // limits never reached
  std::unique_ptr<tessera::policy::Authenticator> bounded;    // the default limits
};

Hub& TheHub() {
  static Hub* hub = [] {
    // Every refusal is logged at info level: far too much output at fuzzing speed.
    spdlog::set_level(spdlog::level::warn);
    auto* h = new Hub;
    std::string tmpl = (fs::temp_directory_path() / "tessera-auth-fuzz-XXXXXX").string();
    Check(mkdtemp(tmpl.data()) != nullptr, "mkdtemp");
    h->root = tmpl;
    std::atexit([] { fs::remove_all(TheHub().root); });
    auto s =
        tessera::store::OpenStore(h->root + "/data", tessera::store::OpenMode::kCreateIfMissing);
    Check(s.ok(), "cannot open a store");
    h->store = std::move(s).value();
    auto& dir = h->store->directory();
    auto org = dir.CreateOrganization("ACME");
    Check(org.ok(), "cannot make an organization");
    auto user = dir.CreateUser("alice", org->id, tessera::store::Role::kAnalyst);
    Check(user.ok(), "cannot make a user");
    auto token = tessera::policy::CreateToken(dir, user->id, std::nullopt, "fuzz");
    Check(token.ok(), "cannot make a token");
    tessera::policy::AuthLimits unreachable;
    unreachable.max_failures_per_client = 1 << 30;
    unreachable.max_failures_per_token = 1 << 30;
    h->unbounded = std::make_unique<tessera::policy::Authenticator>(dir, unreachable);
    h->bounded = std::make_unique<tessera::policy::Authenticator>(dir);
    return h;
  }();
  return *hub;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto id = tessera::policy::TokenId(text); id.ok()) {
    Check(id->size() == 16, "a token id that is not 16 characters");
  }
  Hub& hub = TheHub();
  const bool blank = text.find_first_not_of(" \t") == std::string_view::npos;

  auto principal = hub.unbounded->Authenticate(text, "192.0.2.1:4000");
  Check(!principal.ok(), "an unknown token was accepted");
  Check(principal.status().code() == ErrorCode::kUnauthenticated,
        "a bad header gave something else than unauthenticated");
  if (blank) {
    Check(principal.status().message() == "authentication required",
          "a blank header is not 'authentication required'");
  } else {
    Check(principal.status().message() == tessera::policy::kInvalidCredentials,
          "a refusal tells more than kInvalidCredentials");
  }

  const std::string client = "198.51.100." + std::to_string(size == 0 ? 0 : data[0] % 8);
  auto limited = hub.bounded->Authenticate(text, client);
  Check(!limited.ok(), "an unknown token was accepted (bounded)");
  Check(limited.status().code() == ErrorCode::kUnauthenticated ||
            (!blank && limited.status().code() == ErrorCode::kLimitExceeded),
        "a bad header gave something else than unauthenticated or over the limit");
  return 0;
}
