#include "audit/chain.h"

#include <sodium.h>

#include <array>

namespace tessera::audit {
namespace {

void Cut(std::string& s) {
  if (s.size() <= kMaxFieldBytes) return;
  size_t n = kMaxFieldBytes - 3;
  // Back up to the start of a UTF-8 sequence.
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  s += "...";
}

void Field(std::string& out, std::string_view v) {
  out += std::to_string(v.size());
  out += ':';
  out += v;
  out += ';';
}

constexpr char kHexDigits[] = "0123456789abcdef";

}  // namespace

void BoundFields(Entry& e) {
  for (std::string* s : {&e.chain, &e.actor, &e.org, &e.action, &e.target, &e.result, &e.reason,
                         &e.client, &e.details}) {
    Cut(*s);
  }
}

std::string CanonicalContent(const Entry& e) {
  std::string out;
  out.reserve(256);
  Field(out, e.chain);
  Field(out, std::to_string(e.number));
  Field(out, std::to_string(e.time.ToMicros()));
  Field(out, e.actor);
  Field(out, std::to_string(e.org_id));
  Field(out, e.org);
  Field(out, e.action);
  Field(out, e.target);
  Field(out, e.result);
  Field(out, e.reason);
  Field(out, e.client);
  Field(out, e.details);
  return out;
}

std::string EntryHash(std::string_view prev_hash, const Entry& e) {
  const std::string content = CanonicalContent(e);
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 32);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(prev_hash.data()),
                            prev_hash.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(content.data()),
                            content.size());
  std::array<unsigned char, 32> digest{};
  crypto_generichash_final(&state, digest.data(), digest.size());
  std::string hex;
  hex.reserve(64);
  for (unsigned char b : digest) {
    hex += kHexDigits[b >> 4];
    hex += kHexDigits[b & 0xF];
  }
  return hex;
}

boost::json::object EntryJson(const Entry& e) {
  boost::json::object o;
  o["number"] = e.number;
  o["time"] = FormatTimestamp(e.time, TimePrecision::kMicros);
  o["actor"] = e.actor;
  o["org_id"] = e.org_id;
  o["org"] = e.org;
  o["action"] = e.action;
  o["target"] = e.target;
  o["result"] = e.result;
  o["reason"] = e.reason;
  o["client"] = e.client;
  o["details"] = e.details;
  o["prev_hash"] = e.prev_hash;
  o["hash"] = e.hash;
  return o;
}

bool Verifier::Feed(const Entry& e) {
  if (!intact()) return false;
  const int64_t expected = checked_ + 1;
  ++checked_;
  auto fail = [&](std::string why) {
    bad_number_ = expected;
    why_ = std::move(why);
    return false;
  };
  if (e.chain != chain_) return fail("it belongs to chain '" + e.chain + "'");
  if (e.number != expected) {
    return fail("entry " + std::to_string(expected) + " is missing: the next entry is numbered " +
                std::to_string(e.number) + " (deleted or reordered entries)");
  }
  if (e.prev_hash != head_) {
    return fail("its previous hash is not the hash of entry " + std::to_string(expected - 1) +
                " (an entry before it was removed or replaced)");
  }
  if (EntryHash(e.prev_hash, e) != e.hash) {
    return fail("its hash does not match its content (the entry was changed)");
  }
  head_ = e.hash;
  return true;
}

}  // namespace tessera::audit
