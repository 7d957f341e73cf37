#include "hunt/log_parsers.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "common/text.h"

namespace tessera::hunt {
static_assert(kLinePadding >= simdjson::SIMDJSON_PADDING, "lines must be parseable in place");
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) { return c == ' ' || c == '\t'; }

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Time

std::optional<Timestamp> ParseLogTime(std::string_view text, int32_t default_offset) {
  text = Trim(text, kBlanks);
  if (text.empty()) return std::nullopt;
  // Epoch seconds (or milliseconds).
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (AllDigits(whole) && whole.size() <= 16 &&
      (dot == std::string_view::npos || AllDigits(frac))) {
    int64_t v = 0;
    for (char c : whole) v = v * 10 + (c - '0');
    int64_t nanos = 0;
    int digits = 0;
    for (char c : frac) {
      if (digits == 9) break;
      nanos = nanos * 10 + (c - '0');
      ++digits;
    }
    for (; digits < 9; ++digits) nanos *= 10;
    Timestamp t;
    if (v > 100'000'000'000LL) {  // milliseconds
      t.seconds = v / 1000;
      t.nanos = static_cast<int32_t>((v % 1000) * 1'000'000 + nanos / 1000);
    } else {
      t.seconds = v;
      t.nanos = static_cast<int32_t>(nanos);
    }
    return t;
  }
  // YYYY-MM-DD[T ]HH:MM:SS[.frac][zone], rewritten as RFC 3339 UTC in a buffer on the stack (no
  // allocation per event: Suricata and ECS records all carry such a time).
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ' && text[10] != 't')) {
    return std::nullopt;
  }
  char canonical[19 + 1 + 9 + 1];
  size_t length = 19;
  std::memcpy(canonical, text.data(), 19);
  canonical[10] = 'T';
  size_t i = 19;
  if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
    canonical[length++] = '.';
    ++i;
    size_t start = i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    if (i == start) return std::nullopt;
    size_t digits = std::min<size_t>(i - start, 9);
    std::memcpy(canonical + length, text.data() + start, digits);
    length += digits;
  }
  std::string_view zone = text.substr(i);
  std::optional<int32_t> offset = zone.empty() ? default_offset : ParseUtcOffset(zone);
  if (!offset) return std::nullopt;
  canonical[length++] = 'Z';
  auto t = ParseTimestamp(std::string_view(canonical, length));
  if (!t.ok()) return std::nullopt;
  Timestamp r = *t;
  r.seconds -= *offset;
  return r;
}

std::optional<int32_t> ParseUtcOffset(std::string_view zone) {
  if (zone == "Z" || zone == "z" || zone == "UTC" || zone == "GMT") return 0;
  if (zone.size() > 3 && (zone.substr(0, 3) == "UTC" || zone.substr(0, 3) == "GMT")) {
    zone.remove_prefix(3);  // "UTC+02:00", "GMT-0500"
  }
  if (zone.empty() || (zone[0] != '+' && zone[0] != '-')) return std::nullopt;
  char digits[4];
  size_t n = 0;
  for (size_t i = 1; i < zone.size(); ++i) {
    const char c = zone[i];
    if (c == ':' && i == 3) continue;
    if (!IsDigit(c) || n == 4) return std::nullopt;
    digits[n++] = c;
  }
  if (n != 2 && n != 4) return std::nullopt;
  const int hours = (digits[0] - '0') * 10 + (digits[1] - '0');
  const int minutes = n == 4 ? (digits[2] - '0') * 10 + (digits[3] - '0') : 0;
  if (hours > 23 || minutes > 59) return std::nullopt;
  return (hours * 3600 + minutes * 60) * (zone[0] == '-' ? -1 : 1);
}

namespace {

constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// The number (1-12) of the month abbreviated `name`; 0 when it is none.
int MonthNumber(std::string_view name) {
  for (size_t m = 0; m < std::size(kMonths); ++m) {
    if (name == kMonths[m]) return static_cast<int>(m) + 1;
  }
  return 0;
}

// The local time (year, month, day, "HH:MM:SS[.frac]") in UTC, local being UTC + offset.
std::optional<Timestamp> LocalTime(int year, int month, int day, std::string_view clock,
                                   int32_t offset) {
  if (year < 1 || year > 9999) return std::nullopt;
  char canonical[64];
  const int n = std::snprintf(canonical, sizeof canonical, "%04d-%02d-%02dT%.*sZ", year, month, day,
                              static_cast<int>(clock.size()), clock.data());
  if (n <= 0 || static_cast<size_t>(n) >= sizeof canonical) return std::nullopt;
  auto t = ParseTimestamp(std::string_view(canonical, static_cast<size_t>(n)));
  if (!t.ok()) return std::nullopt;
  Timestamp r = *t;
  r.seconds -= offset;
  return r;
}

// The year of `t` seen at UTC + offset.
int LocalYear(Timestamp t, int32_t offset) {
  t.seconds += offset;
  const std::string text = FormatTimestamp(t, TimePrecision::kSeconds);
  int year = 0;
  std::from_chars(text.data(), text.data() + 4, year);
  return year;
}

}  // namespace

std::optional<Timestamp> ParseMonthTime(std::string_view text, const LogClock& clock) {
  // Mmm
  if (text.size() < 4 || text[3] != ' ') return std::nullopt;
  const int month = MonthNumber(text.substr(0, 3));
  if (month == 0) return std::nullopt;
  text.remove_prefix(4);
  if (!text.empty() && text[0] == ' ') text.remove_prefix(1);  // "May  1"
  // d or dd
  size_t i = 0;
  while (i < text.size() && i < 2 && IsDigit(text[i])) ++i;
  if (i == 0 || i >= text.size() || text[i] != ' ') return std::nullopt;
  const int day = i == 1 ? text[0] - '0' : (text[0] - '0') * 10 + (text[1] - '0');
  text.remove_prefix(i + 1);
  // [yyyy ]
  std::optional<int> year;
  if (text.size() > 5 && AllDigits(text.substr(0, 4)) && text[4] == ' ') {
    year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
    text.remove_prefix(5);
  }
  // HH:MM:SS[.frac]
  size_t end = 0;
  while (end < text.size() && (IsDigit(text[end]) || text[end] == ':' || text[end] == '.')) ++end;
  const std::string_view time_of_day = text.substr(0, end);
  if (time_of_day.size() < 8 || time_of_day[2] != ':' || time_of_day[5] != ':' ||
      (time_of_day.size() > 8 && (time_of_day[8] != '.' || time_of_day.size() == 9))) {
    return std::nullopt;
  }
  // [ zone]
  int32_t offset = clock.utc_offset_seconds;
  std::string_view rest = text.substr(end);
  if (!rest.empty()) {
    if (rest[0] != ' ') return std::nullopt;
    auto zone = ParseUtcOffset(Trim(rest, kBlanks));
    if (!zone) return std::nullopt;
    offset = *zone;
  }
  if (!year) year = clock.year;
  if (year) return LocalTime(*year, month, day, time_of_day, offset);
  // No year: that of the log's last write, unless the time would then lie more than a day after
  // it (a line of December in a log written in January).
  const Timestamp written = clock.written.value_or(Timestamp::Now());
  const int written_year = LocalYear(written, offset);
  auto t = LocalTime(written_year, month, day, time_of_day, offset);
  if (t && t->seconds <= written.seconds + 86400) return t;
  auto before = LocalTime(written_year - 1, month, day, time_of_day, offset);
  return before ? before : t;
}

// ---------------------------------------------------------------------------------------------
// TextArena

std::string_view TextArena::Store(std::string_view s) {
  if (s.empty()) return {};
  if (s.size() > kBlock / 4) {
    // Large strings get a block of their own (freed by Reset).
    Block b{std::make_unique<char[]>(s.size()), s.size()};
    std::memcpy(b.data.get(), s.data(), s.size());
    std::string_view view(b.data.get(), s.size());
    blocks_.push_back(std::move(b));
    return view;
  }
  if (current_ < 0 || used_ + s.size() > kBlock) {
    blocks_.push_back(Block{std::make_unique<char[]>(kBlock), kBlock});
    current_ = static_cast<int>(blocks_.size()) - 1;
    used_ = 0;
  }
  char* dst = blocks_[static_cast<size_t>(current_)].data.get() + used_;
  std::memcpy(dst, s.data(), s.size());
  used_ += s.size();
  return {dst, s.size()};
}

void TextArena::Reset() {
  // Keep one ordinary block for the next event.
  for (size_t i = 0; i < blocks_.size(); ++i) {
    if (blocks_[i].size == kBlock) {
      if (i != 0) std::swap(blocks_[0], blocks_[i]);
      blocks_.resize(1);
      current_ = 0;
      used_ = 0;
      return;
    }
  }
  blocks_.clear();
  current_ = -1;
  used_ = 0;
}

// ---------------------------------------------------------------------------------------------
// RuleApplier

void RuleApplier::Begin(Event& event) {
  event.observables.clear();
  event.time.reset();
  event.event_type = {};
  arena_.Reset();
  url_host_ = {};
  url_path_ = {};
  url_path_rule_ = nullptr;
}

void RuleApplier::Push(Event& event, ObservableKind kind, const FieldRule& rule,
                       std::string_view value, std::string_view object_path,
                       std::optional<HashAlgorithm> algorithm) {
  if (value.empty() || event.observables.size() >= max_observables_) return;
  Observable o;
  o.kind = kind;
  o.role = rule.role;
  o.field = rule.field;
  o.value = value;
  o.object_path = object_path;
  o.hash_algorithm = algorithm;
  event.observables.push_back(o);
}

void RuleApplier::Apply(const FieldRule& rule, std::string_view value, Event& event) {
  value = Trim(value, kBlanks);
  if (value.empty() || value == "-") return;  // Zeek writes "-" for unset in some configurations
  switch (rule.kind) {
    case FieldKind::kTime:
      if (!event.time) event.time = ParseLogTime(value);
      break;
    case FieldKind::kEventType:
      if (event.event_type.empty()) event.event_type = value;
      break;
    case FieldKind::kIp:
      Push(event, ObservableKind::kIpAddress, rule, value);
      break;
    case FieldKind::kDomain:
      Push(event, ObservableKind::kDomainName, rule, value);
      break;
    case FieldKind::kHost:
      Push(event, ObservableKind::kHost, rule, value);
      break;
    case FieldKind::kEmail:
      Push(event, ObservableKind::kEmailAddress, rule, value);
      break;
    case FieldKind::kUrl:
      Push(event, ObservableKind::kUrl, rule, value);
      Push(event, ObservableKind::kHost, rule, UrlHost(value));
      break;
    case FieldKind::kHash:
      Push(event, ObservableKind::kHash, rule, value, {}, rule.hash_algorithm);
      break;
    case FieldKind::kHashList:
      // "SHA1=...,MD5=...,SHA256=...,IMPHASH=..."
      while (!value.empty()) {
        size_t comma = value.find(',');
        std::string_view item = Trim(value.substr(0, comma), kBlanks);
        value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
        size_t eq = item.find('=');
        if (eq == std::string_view::npos) continue;
        std::string_view name = item.substr(0, eq);
        std::string_view digest = item.substr(eq + 1);
        if (auto a = HashAlgorithmFromName(name)) {
          Push(event, ObservableKind::kHash, rule, digest, {}, a);
        } else {
          compose_.assign("file:hashes.");
          compose_.append(name);
          Push(event, ObservableKind::kOther, rule, digest, arena_.Store(compose_));
        }
      }
      break;
    case FieldKind::kHostList:
      // "type:  5 cdn.example;::ffff:192.0.2.1;"
      while (!value.empty()) {
        size_t semi = value.find(';');
        std::string_view item = Trim(value.substr(0, semi), kBlanks);
        value = semi == std::string_view::npos ? std::string_view() : value.substr(semi + 1);
        size_t space = item.find_last_of(" \t");
        if (space != std::string_view::npos) item = item.substr(space + 1);
        Push(event, ObservableKind::kHost, rule, item);
      }
      break;
    case FieldKind::kOther:
      Push(event, ObservableKind::kOther, rule, value, rule.object_path);
      break;
    case FieldKind::kUrlHost:
      url_host_ = value;
      Push(event, ObservableKind::kHost, rule, value);
      break;
    case FieldKind::kUrlPath:
      url_path_ = value;
      url_path_rule_ = &rule;
      break;
  }
}

void RuleApplier::Finish(Event& event) {
  if (url_path_rule_ == nullptr || url_path_.empty()) return;
  if (url_path_.find("://") != std::string_view::npos) {
    // A proxy request carries the absolute URL.
    Push(event, ObservableKind::kUrl, *url_path_rule_, url_path_);
    return;
  }
  if (url_host_.empty() || url_path_.front() != '/') return;
  compose_.assign(map_.url_scheme());
  compose_.append("://");
  compose_.append(url_host_);
  compose_.append(url_path_);
  Push(event, ObservableKind::kUrl, *url_path_rule_, arena_.Store(compose_));
}

// ---------------------------------------------------------------------------------------------
// JSON through a field map

namespace {

// The field map's names (and their dotted prefixes) in a table made for the reading path: one
// probe per JSON member with a hash of the name's length and its first and last 8 bytes, and one
// memcmp. FieldMap::Find does the same job with a general string hash; this is the hot loop.
class KeyTable {
 public:
  explicit KeyTable(const FieldMap& map) {
    std::vector<std::pair<std::string, const FieldRule*>> names;
    for (const FieldRule& r : map.rules()) {
      names.emplace_back(r.field, &r);
      for (size_t dot = r.field.find('.'); dot != std::string::npos;
           dot = r.field.find('.', dot + 1)) {
        names.emplace_back(r.field.substr(0, dot), nullptr);
      }
    }
    size_t capacity = 16;
    while (capacity < names.size() * 4) capacity <<= 1;
    slots_.resize(capacity);
    mask_ = capacity - 1;
    for (auto& [name, rule] : names) {
      Slot& slot = SlotFor(name);
      if (slot.name.empty()) {
        slot.name = name;
        slot.hash = Hash(name);
      }
      if (rule != nullptr) {
        slot.rule = map.Find(name);  // the map's own answer, so that both always agree
      } else {
        slot.prefix = true;
      }
    }
  }

  // The rule of `key` (or nullptr), and in *prefix whether some rule's field starts with
  // `key` + ".".
  const FieldRule* Find(std::string_view key, bool* prefix) const {
    const uint64_t h = Hash(key);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.name.empty()) break;
      if (slot.hash == h && slot.name.size() == key.size() &&
          std::memcmp(slot.name.data(), key.data(), key.size()) == 0) {
        *prefix = slot.prefix;
        return slot.rule;
      }
    }
    *prefix = false;
    return nullptr;
  }

 private:
  struct Slot {
    std::string name;  // empty: unused (field names are never empty)
    uint64_t hash = 0;
    const FieldRule* rule = nullptr;
    bool prefix = false;
  };

  static uint64_t Hash(std::string_view s) {
    uint64_t a = 0, b = 0;
    if (s.size() >= 8) {
      std::memcpy(&a, s.data(), 8);
      std::memcpy(&b, s.data() + s.size() - 8, 8);
    } else {
      for (size_t i = 0; i < s.size(); ++i)
        a |= static_cast<uint64_t>(static_cast<unsigned char>(s[i])) << (8 * i);
    }
    uint64_t h = (a * 0x9e3779b97f4a7c15ULL) ^ (b * 0xc2b2ae3d27d4eb4fULL) ^
                 (s.size() * 0x165667b19e3779f9ULL);
    return h ^ (h >> 29);
  }

  Slot& SlotFor(const std::string& name) {
    const uint64_t h = Hash(name);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& slot = slots_[i];
      if (slot.name.empty() || (slot.hash == h && slot.name == name)) return slot;
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

class JsonParser : public EventParser {
 public:
  JsonParser(const FieldMap& map, const ReaderLimits& limits)
      : keys_(map),
        limits_(limits),
        applier_(map, limits.max_observables),
        parser_(limits.max_line + kLinePadding) {}

  bool Parse(std::string_view line, Event& event, std::string* error) override {
    applier_.Begin(event);
    simdjson::dom::element doc;
    auto err = parser_.parse(line.data(), line.size(), false).get(doc);
    if (err) {
      *error = std::string("not JSON: ") + simdjson::error_message(err);
      return false;
    }
    simdjson::dom::object object;
    if (doc.get_object().get(object)) {
      *error = "not a JSON object";
      return false;
    }
    key_.clear();
    WalkObject(object, 0, event);
    applier_.Finish(event);
    return true;
  }

 private:
  void WalkObject(simdjson::dom::object object, size_t depth, Event& event) {
    for (simdjson::dom::key_value_pair member : object) {
      // Top-level names are looked up in place; nested ones are joined with '.' in key_.
      size_t n = key_.size();
      std::string_view name = member.key;
      if (n != 0) {
        key_.push_back('.');
        key_.append(member.key);
        name = key_;
      }
      bool prefix = false;
      const FieldRule* rule = keys_.Find(name, &prefix);
      if (prefix) {
        if (n == 0) key_.assign(member.key);
        WalkNested(member.value, depth + 1, event);
      }
      if (rule != nullptr) WalkValue(member.value, *rule, depth + 1, event);
      key_.resize(n);
    }
  }

  // Objects (and arrays of them) under a prefix of some rule's field.
  void WalkNested(simdjson::dom::element value, size_t depth, Event& event) {
    if (depth > limits_.max_depth) return;
    if (value.is_object()) {
      simdjson::dom::object object = value.get_object().value_unsafe();
      WalkObject(object, depth, event);
    } else if (value.is_array()) {
      simdjson::dom::array array = value.get_array().value_unsafe();
      for (simdjson::dom::element e : array) WalkNested(e, depth + 1, event);
    }
  }

  void WalkValue(simdjson::dom::element value, const FieldRule& rule, size_t depth, Event& event) {
    char buf[64];
    switch (value.type()) {
      case simdjson::dom::element_type::STRING:
        applier_.Apply(rule, value.get_string().value_unsafe(), event);
        break;
      case simdjson::dom::element_type::INT64: {
        auto r = std::to_chars(buf, buf + sizeof buf, value.get_int64().value_unsafe());
        applier_.Apply(
            rule, applier_.arena().Store(std::string_view(buf, static_cast<size_t>(r.ptr - buf))),
            event);
        break;
      }
      case simdjson::dom::element_type::UINT64: {
        auto r = std::to_chars(buf, buf + sizeof buf, value.get_uint64().value_unsafe());
        applier_.Apply(
            rule, applier_.arena().Store(std::string_view(buf, static_cast<size_t>(r.ptr - buf))),
            event);
        break;
      }
      case simdjson::dom::element_type::DOUBLE: {
        double d = value.get_double().value_unsafe();
        if (rule.kind == FieldKind::kTime) {
          // Epoch seconds (Zeek's ts), without a round trip through text.
          if (!event.time && d >= 0 && d < 1e11) {
            auto whole = static_cast<int64_t>(d);
            auto nanos = static_cast<int64_t>((d - static_cast<double>(whole)) * 1e9 + 0.5);
            if (nanos >= 1'000'000'000) {
              ++whole;
              nanos -= 1'000'000'000;
            }
            event.time = Timestamp{whole, static_cast<int32_t>(nanos)};
          }
          break;
        }
        int len = rule.kind == FieldKind::kTime ? std::snprintf(buf, sizeof buf, "%.6f", d)
                                                : std::snprintf(buf, sizeof buf, "%.17g", d);
        if (len > 0 && static_cast<size_t>(len) < sizeof buf) {
          applier_.Apply(
              rule, applier_.arena().Store(std::string_view(buf, static_cast<size_t>(len))), event);
        }
        break;
      }
      case simdjson::dom::element_type::ARRAY:
        if (depth > limits_.max_depth) return;
        {
          simdjson::dom::array array = value.get_array().value_unsafe();
          for (simdjson::dom::element e : array) WalkValue(e, rule, depth + 1, event);
        }
        break;
      default:  // objects under a leaf rule, booleans, null: nothing to look up
        break;
    }
  }

  KeyTable keys_;
  ReaderLimits limits_;
  RuleApplier applier_;
  simdjson::dom::parser parser_;
  std::string key_;
};

// ---------------------------------------------------------------------------------------------
// CEF

// A syslog header at the start of a line: the priority (optional), the form of its time stamp,
// the time, and the text after the time stamp.
struct SyslogHeader {
  enum Form { kNone, kRfc5424, kRfc3164, kIso };
  Form form = kNone;
  std::optional<Timestamp> time;
  std::string_view after;  // kNone: the line after the priority
};

// Reads the header of `line`: "<PRI>" (optional), then "1 TIMESTAMP " (RFC 5424; "-" is no
// time), "Mmm dd hh:mm:ss " (RFC 3164: the year and zone from `clock`), or an ISO 8601 time stamp
// (rsyslog's precise form; without a zone, that of `clock`). False with *error for a malformed
// priority or an RFC 5424 / RFC 3164 time stamp that is not a time.
bool ReadSyslogHeader(std::string_view line, const LogClock& clock, SyslogHeader* header,
                      std::string* error) {
  std::string_view s = line;
  if (!s.empty() && s[0] == '<') {
    size_t close = s.find('>');
    if (close == std::string_view::npos || close < 2 || close > 4 ||
        !AllDigits(s.substr(1, close - 1))) {
      *error = "malformed syslog priority";
      return false;
    }
    s = s.substr(close + 1);
  }
  header->after = s;
  if (s.size() > 2 && s[0] == '1' && s[1] == ' ') {
    header->form = SyslogHeader::kRfc5424;
    const size_t sp = s.find(' ', 2);
    if (sp == std::string_view::npos) {
      *error = "RFC 5424 header has fewer than 6 fields";
      return false;
    }
    const std::string_view stamp = s.substr(2, sp - 2);
    header->after = s.substr(sp + 1);
    if (stamp == "-") return true;
    header->time = ParseLogTime(stamp);
    if (!header->time) {
      *error = "malformed RFC 5424 timestamp";
      return false;
    }
  } else if (s.size() >= 16 && s[3] == ' ' && s[6] == ' ' && s[9] == ':' && s[12] == ':' &&
             s[15] == ' ' && MonthNumber(s.substr(0, 3)) != 0) {
    header->form = SyslogHeader::kRfc3164;
    header->after = s.substr(16);
    header->time = ParseMonthTime(s.substr(0, 15), clock);
    if (!header->time) {
      *error = "malformed RFC 3164 timestamp '" + std::string(s.substr(0, 15)) + "'";
      return false;
    }
  } else if (s.size() >= 19 && IsDigit(s[0]) && s[4] == '-') {
    header->form = SyslogHeader::kIso;
    const size_t sp = s.find(' ');
    header->time = ParseLogTime(s.substr(0, sp), clock.utc_offset_seconds);
    header->after = sp == std::string_view::npos ? std::string_view() : s.substr(sp + 1);
  }
  return true;
}

bool IsCefKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_' || c == '.' ||
         c == '-' || c == '[' || c == ']';
}

class CefParser : public EventParser {
 public:
  explicit CefParser(const ReaderLimits& limits)
      : applier_(CefFieldMap(), limits.max_observables) {}

  bool Parse(std::string_view line, Event& event, std::string* error) override {
    applier_.Begin(event);
    size_t start = line.find("CEF:");
    if (start == std::string_view::npos) {
      *error = "no 'CEF:' header";
      return false;
    }
    std::string_view s = line.substr(start + 4);
    std::string_view header[7];
    size_t i = 0;
    for (int k = 0; k < 7; ++k) {
      size_t p = i;
      while (p < s.size() && s[p] != '|') p += (s[p] == '\\' && p + 1 < s.size()) ? 2 : 1;
      if (p >= s.size()) {
        *error = "CEF header has fewer than 7 '|'-separated fields";
        return false;
      }
      header[k] = s.substr(i, p - i);
      i = p + 1;
    }
    if (!AllDigits(Trim(header[0], kBlanks))) {
      *error = "CEF version is not a number";
      return false;
    }
    event.event_type = header[2];  // device product
    std::fill(std::begin(times_), std::end(times_), std::nullopt);
    std::string_view ext = s.substr(i);
    size_t p = 0;
    while (p < ext.size() && IsSpace(ext[p])) ++p;
    while (p < ext.size()) {
      size_t key_start = p;
      while (p < ext.size() && IsCefKeyChar(ext[p])) ++p;
      if (p == key_start || p >= ext.size() || ext[p] != '=') {
        *error = "malformed CEF extension at byte " + std::to_string(start + 4 + i + key_start);
        return false;
      }
      std::string_view key = ext.substr(key_start, p - key_start);
      ++p;
      size_t value_start = p;
      size_t value_end = ext.size();
      for (size_t q = p; q < ext.size(); ++q) {
        if (ext[q] == '\\') {
          ++q;
          continue;
        }
        if (ext[q] != ' ') continue;
        size_t r = q + 1;
        while (r < ext.size() && IsCefKeyChar(ext[r])) ++r;
        if (r > q + 1 && r < ext.size() && ext[r] == '=') {
          value_end = q;
          break;
        }
      }
      std::string_view value = Trim(ext.substr(value_start, value_end - value_start), kBlanks);
      if (const FieldRule* rule = CefFieldMap().Find(key)) {
        if (rule->kind == FieldKind::kTime) {
          if (!ReadTime(key, Unescape(value), error)) return false;
        } else {
          applier_.Apply(*rule, Unescape(value), event);
        }
      }
      p = value_end;
      while (p < ext.size() && IsSpace(ext[p])) ++p;
    }
    applier_.Finish(event);
    // The activity's time: rt, else start, else end, else the syslog header's.
    for (const std::optional<Timestamp>& t : times_) {
      if (t) {
        event.time = t;
        break;
      }
    }
    if (!event.time) {
      SyslogHeader h;
      std::string ignored;
      if (ReadSyslogHeader(Trim(line.substr(0, start), kBlanks), clock(), &h, &ignored)) {
        event.time = h.time;
      }
    }
    return true;
  }

 private:
  // The time fields, in the order they decide the event's time.
  static constexpr std::string_view kTimeKeys[] = {"rt", "start", "end"};

  // A time field `key` = `value`: milliseconds since the epoch, "Mmm dd [yyyy] HH:mm:ss[.SSS]
  // [zone]" (ParseMonthTime) or an ISO 8601 time. False with *error when it is none of them.
  bool ReadTime(std::string_view key, std::string_view value, std::string* error) {
    for (size_t i = 0; i < std::size(kTimeKeys); ++i) {
      if (key != kTimeKeys[i]) continue;
      times_[i] = ParseMonthTime(value, clock());
      if (!times_[i]) times_[i] = ParseLogTime(value, clock().utc_offset_seconds);
      if (!times_[i]) {
        *error = "CEF " + std::string(key) + " is not a time: '" + std::string(value) + "'";
        return false;
      }
    }
    return true;
  }

  std::string_view Unescape(std::string_view v) {
    if (v.find('\\') == std::string_view::npos) return v;
    unescaped_.clear();
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i] == '\\' && i + 1 < v.size()) {
        char c = v[++i];
        unescaped_.push_back(c == 'n' ? '\n' : c == 'r' ? '\r' : c);
      } else {
        unescaped_.push_back(v[i]);
      }
    }
    return applier_.arena().Store(unescaped_);
  }

  RuleApplier applier_;
  std::string unescaped_;
  std::optional<Timestamp> times_[std::size(kTimeKeys)];
};

// ---------------------------------------------------------------------------------------------
// Syslog: observables found in the message text

bool IsHexString(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return !s.empty();
}

bool IsTokenSeparator(char c) {
  return IsSpace(c) || c == ',' || c == ';' || c == '(' || c == ')' || c == '<' || c == '>' ||
         c == '{' || c == '}' || c == '|';
}

class SyslogParser : public EventParser {
 public:
  explicit SyslogParser(const ReaderLimits& limits) : limits_(limits) {}

  bool Parse(std::string_view line, Event& event, std::string* error) override {
    event.observables.clear();
    event.time.reset();
    event.event_type = {};
    for (char c : line) {
      auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7f) {
        *error = "control character in a syslog line";
        return false;
      }
    }
    SyslogHeader header;
    if (!ReadSyslogHeader(line, clock(), &header, error)) return false;
    event.time = header.time;
    std::string_view message = header.after;
    if (header.form == SyslogHeader::kRfc5424) {
      // RFC 5424: VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG
      std::string_view fields[4];
      std::string_view rest = header.after;
      for (auto& f : fields) {
        size_t sp = rest.find(' ');
        if (sp == std::string_view::npos) {
          *error = "RFC 5424 header has fewer than 6 fields";
          return false;
        }
        f = rest.substr(0, sp);
        rest = rest.substr(sp + 1);
      }
      if (fields[1] != "-") event.event_type = fields[1];
      message = rest;  // structured data and message: both scanned
    } else if (header.form != SyslogHeader::kNone) {
      // "HOST TAG: MSG" after an RFC 3164 or ISO 8601 time stamp
      size_t sp = message.find(' ');
      message = sp == std::string_view::npos ? std::string_view() : message.substr(sp + 1);
      size_t tag_end = message.find_first_of(":[ ");
      if (tag_end != std::string_view::npos) event.event_type = message.substr(0, tag_end);
    }
    ScanText(message, event);
    return true;
  }

 private:
  void Push(Event& event, ObservableKind kind, std::string_view field, std::string_view value) {
    if (value.empty() || event.observables.size() >= limits_.max_observables) return;
    Observable o;
    o.kind = kind;
    o.field = field;
    o.value = value;
    event.observables.push_back(o);
  }

  void ScanText(std::string_view text, Event& event) {
    size_t i = 0;
    while (i < text.size()) {
      while (i < text.size() && IsTokenSeparator(text[i])) ++i;
      size_t start = i;
      while (i < text.size() && !IsTokenSeparator(text[i])) ++i;
      if (i > start) Classify(text.substr(start, i - start), event);
    }
  }

  static std::string_view StripPunctuation(std::string_view t) {
    while (!t.empty() && (t.front() == '"' || t.front() == '\'' || t.front() == '('))
      t.remove_prefix(1);
    while (!t.empty() &&
           (t.back() == '"' || t.back() == '\'' || t.back() == '.' || t.back() == ',' ||
            t.back() == ':' || t.back() == '!' || t.back() == '?' || t.back() == ')' ||
            (t.back() == ']' && t.front() != '['))) {
      t.remove_suffix(1);
    }
    return t;
  }

  void Classify(std::string_view token, Event& event) {
    std::string_view field = "message";
    // key=value (also key="value" in RFC 5424 structured data)
    size_t eq = token.find('=');
    if (eq != std::string_view::npos && eq > 0 && token.find("://") == std::string_view::npos) {
      std::string_view key = token.substr(0, eq);
      if (key.front() == '[') key.remove_prefix(1);
      bool key_ok = !key.empty() && std::all_of(key.begin(), key.end(),
                                                [](char c) { return IsCefKeyChar(c) || c == '@'; });
      if (key_ok) field = key;
      token = token.substr(eq + 1);
    }
    token = StripPunctuation(token);
    if (token.size() < 3) return;
    if (token.find("://") != std::string_view::npos) {
      Push(event, ObservableKind::kUrl, field, token);
      Push(event, ObservableKind::kHost, field, UrlHost(token));
      return;
    }
    if (token.find('@') != std::string_view::npos) {
      if (NormalizeEmail(token, scratch_)) Push(event, ObservableKind::kEmailAddress, field, token);
      return;
    }
    if (HashAlgorithmFromHexLength(token.size()) && IsHexString(token)) {
      Push(event, ObservableKind::kHash, field, token);
      return;
    }
    if (IsDigit(token[0]) || token[0] == '[' || token.find(':') != std::string_view::npos) {
      if (ParseIpAddress(token)) {
        Push(event, ObservableKind::kIpAddress, field, token);
        return;
      }
      // address:port, [v6]:port
      size_t colon = token.rfind(':');
      if (colon != std::string_view::npos && AllDigits(token.substr(colon + 1))) {
        std::string_view address = token.substr(0, colon);
        if (address.size() > 2 && address.front() == '[' && address.back() == ']') {
          address = address.substr(1, address.size() - 2);
        } else if (address.find(':') != std::string_view::npos) {
          address = {};
        }
        if (!address.empty() && ParseIpAddress(address)) {
          Push(event, ObservableKind::kIpAddress, field, address);
          return;
        }
      }
    }
    // A domain: dotted labels ending in an alphabetic top-level label of two letters or more.
    size_t dot = token.rfind('.');
    if (dot == std::string_view::npos || dot + 3 > token.size()) return;
    std::string_view tld = token.substr(dot + 1);
    for (char c : tld) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return;
    }
    if (NormalizeDomain(token, scratch_)) Push(event, ObservableKind::kDomainName, field, token);
  }

  ReaderLimits limits_;
  std::string scratch_;
};

}  // namespace

std::unique_ptr<EventParser> MakeJsonParser(const FieldMap& map, const ReaderLimits& limits) {
  return std::make_unique<JsonParser>(map, limits);
}
std::unique_ptr<EventParser> MakeCefParser(const ReaderLimits& limits) {
  return std::make_unique<CefParser>(limits);
}
std::unique_ptr<EventParser> MakeSyslogParser(const ReaderLimits& limits) {
  return std::make_unique<SyslogParser>(limits);
}

}  // namespace tessera::hunt
