// libFuzzer target: any byte string as the query string of a TAXII object endpoint
// (http::ParseQuery, then ParseObjectFilter for every endpoint) and as a `next` page token
// (PageTokenSealer::Open, with a key made here). Refused with a reason or parsed within the
// documented limits. A token is sealed (XChaCha20-Poly1305): no bytes the fuzzer makes open, with
// any binding; a cursor taken from the input, sealed, opens to itself with its binding only.
// Build with the `fuzz` preset; scripts/test runs it briefly over tests/data/fuzz/taxii_query_fuzz.

#include <sodium.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "http/message.h"
#include "policy/page_token.h"
#include "taxii/query.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "taxii_query_fuzz: %s\n", what);
    std::abort();
  }
}

const tessera::policy::PageTokenSealer& Sealer() {
  static const tessera::policy::PageTokenSealer* sealer = [] {
    Check(sodium_init() >= 0, "libsodium does not initialize");
    tessera::policy::PageTokenKey key;
    randombytes_buf(key.data(), key.size());
    return new tessera::policy::PageTokenSealer(key);
  }();
  return *sealer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace taxii = tessera::taxii;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto params = tessera::http::ParseQuery(text); params.ok()) {
    Check(params->size() <= tessera::http::kMaxQueryParams, "more pairs than kMaxQueryParams");
    for (auto endpoint : {taxii::ObjectEndpoint::kObjects, taxii::ObjectEndpoint::kManifest,
                          taxii::ObjectEndpoint::kObject, taxii::ObjectEndpoint::kVersions,
                          taxii::ObjectEndpoint::kDeleteObject}) {
      auto filter = taxii::ParseObjectFilter(*params, endpoint);
      if (!filter.ok()) {
        Check(!filter.status().message().empty(), "a refused query without a reason");
        continue;
      }
      Check(filter->limit >= 1 && filter->limit <= taxii::kMaxPageSize, "limit out of range");
      Check(!filter->versions.empty(), "no version selector after parsing");
      Check(!filter->next || filter->next->size() <= taxii::kMaxPageTokenChars,
            "a next longer than kMaxPageTokenChars");
    }
  } else {
    Check(!params.status().message().empty(), "a refused query string without a reason");
  }

  const tessera::policy::PageTokenSealer& sealer = Sealer();
  for (std::string_view binding : {std::string_view(), std::string_view("reader 1 collection a")}) {
    auto opened = sealer.Open(text, binding);
    Check(!opened.ok(), "bytes the sealer did not make opened as a page token");
    Check(opened.status().code() == tessera::ErrorCode::kInvalidArgument,
          "a bad page token gave something else than invalid argument");
  }

  // The first 16 bytes as a cursor, the rest as the binding.
  if (size >= 16) {
    tessera::policy::PageCursor cursor;
    uint64_t after = 0, up_to = 0;
    std::memcpy(&after, data, 8);
    std::memcpy(&up_to, data + 8, 8);
    cursor.after_seq = static_cast<int64_t>(after >> 2);
    cursor.up_to_seq = cursor.after_seq + 1 + static_cast<int64_t>((up_to >> 2) % (1u << 30));
    const std::string_view binding = text.substr(16);
    const std::string token = sealer.Seal(cursor, binding);
    auto again = sealer.Open(token, binding);
    Check(again.ok() && *again == cursor, "a sealed cursor does not open to itself");
    Check(!sealer.Open(token, std::string(binding) + "x").ok(),
          "a token opened with another binding");
  }
  return 0;
}
