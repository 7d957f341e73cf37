#include "pattern/values.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <utf8proc.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "common/hex.h"

namespace tessera::pattern {

bool IsValidUtf8(std::string_view text, size_t* bad_offset) {
  size_t i = 0;
  const auto* s = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  while (i < text.size()) {
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n =
        utf8proc_iterate(s + i, static_cast<utf8proc_ssize_t>(text.size() - i), &cp);
    if (n <= 0 || cp < 0) {
      if (bad_offset != nullptr) *bad_offset = i;
      return false;
    }
    i += static_cast<size_t>(n);
  }
  return true;
}

bool IsAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

std::string Nfc(std::string_view text) {
  if (IsAscii(text)) return std::string(text);
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                   static_cast<utf8proc_ssize_t>(text.size()), &out,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0 || out == nullptr) return std::string(text);
  std::string result(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  std::free(out);
  return result;
}

namespace {

// Decodes `text` into code points; invalid bytes become U+FFFD so that matching stays total.
std::vector<int32_t> CodePoints(std::string_view text) {
  std::vector<int32_t> cps;
  cps.reserve(text.size());
  const auto* s = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  size_t i = 0;
  while (i < text.size()) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n =
        utf8proc_iterate(s + i, static_cast<utf8proc_ssize_t>(text.size() - i), &cp);
    if (n <= 0) {
      cp = 0xFFFD;
      n = 1;
    }
    cps.push_back(cp);
    i += static_cast<size_t>(n);
  }
  return cps;
}

}  // namespace

bool LikeMatch(std::string_view text, std::string_view pattern) {
  const std::vector<int32_t> t = CodePoints(text);
  const std::vector<int32_t> p = CodePoints(pattern);
  // Classic wildcard matching with one backtrack point for the last `%`: O(n*m) worst case.
  size_t ti = 0, pi = 0;
  size_t star = SIZE_MAX, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '_' || (p[pi] != '%' && p[pi] == t[ti]))) {
      ++ti;
      ++pi;
    } else if (pi < p.size() && p[pi] == '%') {
      star = pi++;
      mark = ti;
    } else if (star != SIZE_MAX) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

bool DecodeHex(std::string_view text, std::string* out) {
  if (text.size() % 2 != 0) return false;
  out->clear();
  out->reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    const int hi = HexDigitValue(text[i]), lo = HexDigitValue(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's civil algorithm); a day past
// the end of its month simply counts on into the next.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

bool ParseStixTimestamp(std::string_view s, Timestamp* out) {
  auto digits = [&](size_t at, size_t n, int* v) {
    if (at + n > s.size()) return false;
    *v = 0;
    for (size_t k = at; k < at + n; ++k) {
      if (s[k] < '0' || s[k] > '9') return false;
      *v = *v * 10 + (s[k] - '0');
    }
    return true;
  };
  int year, month, day, hour, minute, second;
  if (s.size() < 20 || !digits(0, 4, &year) || s[4] != '-' || !digits(5, 2, &month) ||
      s[7] != '-' || !digits(8, 2, &day) || s[10] != 'T' || !digits(11, 2, &hour) || s[13] != ':' ||
      !digits(14, 2, &minute) || s[16] != ':' || !digits(17, 2, &second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  size_t i = 19;
  int32_t nanos = 0;
  if (s[i] == '.') {
    ++i;
    const size_t start = i;
    int scale = 100'000'000;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      nanos += (s[i] - '0') * scale;  // digits past nanoseconds are dropped
      scale /= 10;
      ++i;
    }
    if (i == start) return false;
  }
  if (i + 1 != s.size() || s[i] != 'Z') return false;
  out->seconds =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
      hour * 3600 + minute * 60 + second;
  out->nanos = nanos;
  return true;
}

Regex::~Regex() {
  pcre2_code_free(text_);
  pcre2_code_free(bytes_);
  pcre2_match_context_free(context_);
}

Result<std::unique_ptr<Regex>> Regex::Create(std::string_view pattern, uint32_t match_limit,
                                             uint32_t depth_limit) {
  std::unique_ptr<Regex> re(new Regex());
  int error = 0;
  PCRE2_SIZE offset = 0;
  re->text_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                            PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C, &error,
                            &offset, nullptr);
  if (re->text_ == nullptr) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(error, buf, sizeof(buf));
    return InvalidArgument("offset " + std::to_string(offset) +
                           " in the regex: " + reinterpret_cast<const char*>(buf));
  }
  // The byte form may legitimately fail (code points above 0xFF); binary subjects then never match.
  re->bytes_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                             PCRE2_NEVER_UTF | PCRE2_NEVER_BACKSLASH_C, &error, &offset, nullptr);
  // JIT where the platform has it (pcre2_match falls back to the interpreter otherwise). JIT
  // honours the match limit; its own stack (32 KiB by default) bounds its depth.
  pcre2_jit_compile(re->text_, PCRE2_JIT_COMPLETE);
  if (re->bytes_ != nullptr) pcre2_jit_compile(re->bytes_, PCRE2_JIT_COMPLETE);
  re->context_ = pcre2_match_context_create(nullptr);
  if (re->context_ == nullptr) return Internal("pcre2_match_context_create failed");
  pcre2_set_match_limit(re->context_, match_limit);
  pcre2_set_depth_limit(re->context_, depth_limit);
  pcre2_set_heap_limit(re->context_, 20 * 1024);  // KiB of backtracking memory
  return re;
}

Regex::Outcome Regex::Run(pcre2_code* code, std::string_view subject) const {
  if (code == nullptr) return Outcome::kNoMatch;
  // Only whether it matches is asked, so one ovector pair serves every regex; one block per thread.
  struct MatchData {
    pcre2_match_data* md = pcre2_match_data_create(1, nullptr);
    ~MatchData() { pcre2_match_data_free(md); }
  };
  thread_local MatchData data;
  if (data.md == nullptr) return Outcome::kLimit;
  const int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0,
                             0, data.md, context_);
  if (rc >= 0) return Outcome::kMatch;
  if (rc == PCRE2_ERROR_NOMATCH) return Outcome::kNoMatch;
  return Outcome::kLimit;  // match, depth or heap limit, or another matching failure
}

Regex::Outcome Regex::MatchText(std::string_view text) const { return Run(text_, text); }
Regex::Outcome Regex::MatchBytes(std::string_view bytes) const { return Run(bytes_, bytes); }

}  // namespace tessera::pattern
