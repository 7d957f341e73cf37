#include "hunt/hunter.h"

#include <malloc.h>
#include <simdjson.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <deque>
#include <exception>
#include <map>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/handoff.h"
#include "common/json.h"
#include "common/json_text.h"
#include "common/uuid.h"
#include "hunt/index_tables.h"
#include "hunt/pattern_atoms.h"

namespace tessera::hunt {

Result<HuntStats> HuntLog(LogReader& reader, const IndicatorIndex& index, Timestamp default_time,
                          const HitCallback& on_hit) {
  HuntStats stats;
  Event event;
  LookupScratch scratch;
  std::vector<Hit> hits;
  while (true) {
    auto more = reader.Next(event);
    if (!more.ok()) return more.status();
    if (!*more) break;
    const Timestamp at = event.time.value_or(default_time);
    for (const Observable& o : event.observables) {
      ++stats.observables;
      hits.clear();
      LookupResult r = index.Lookup(o, at, scratch, hits);
      stats.allowlisted += r.allowlisted;
      stats.unparseable += r.unparseable;
      stats.hits += hits.size();
      for (const Hit& h : hits) on_hit(event, o, h);
    }
  }
  stats.reader = reader.stats();
  return stats;
}

std::optional<LogFormat> DetectLogFormat(std::string_view line) {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  if (line.empty()) return std::nullopt;
  if (line.front() == '{') {
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    if (parser.parse(line.data(), line.size(), true).get_object().get(object)) return std::nullopt;
    auto has = [&object](std::string_view key) { return !object.at_key(key).error(); };
    if (has("event_type")) return LogFormat::kSuricataEve;
    if (has("@timestamp") || has("ecs")) return LogFormat::kEcs;
    if (has("ts") && (has("uid") || has("_path") || has("id.orig_h") || has("id") || has("fuid") ||
                      has("fingerprint") || has("certificate.subject"))) {
      return LogFormat::kZeek;
    }
    return std::nullopt;
  }
  size_t cef = line.find("CEF:");
  if (cef != std::string_view::npos && cef + 5 < line.size() && line[cef + 4] >= '0' &&
      line[cef + 4] <= '9' && line.find('|', cef) != std::string_view::npos) {
    return LogFormat::kCef;
  }
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (line.size() > 1 && line[0] == '<' && line[1] >= '0' && line[1] <= '9')
    return LogFormat::kSyslog;
  for (std::string_view m : kMonths) {
    if (line.substr(0, 4) == std::string(m) + " ") return LogFormat::kSyslog;
  }
  if (line.size() >= 19 && line[0] >= '0' && line[0] <= '9' && line[4] == '-')
    return LogFormat::kSyslog;
  return std::nullopt;
}

std::string_view DecisionName(Decision d) {
  switch (d) {
    case Decision::kIndex:
      return "index";
    case Decision::kEvent:
      return "pattern";
    case Decision::kWindow:
      return "window";
  }
  return "index";
}

// ---------------------------------------------------------------------------------------------
// HuntIndicators

namespace {

struct Evaluated {
  pattern::Pattern pattern;
  IndicatorConstants constants;
  Decision decision = Decision::kEvent;
};

constexpr uint32_t kNone = UINT32_MAX;

void AddOrigin(std::vector<uint32_t>& origins, uint32_t origin) {
  auto at = std::lower_bound(origins.begin(), origins.end(), origin);
  if (at == origins.end() || *at != origin) origins.insert(at, origin);
}

// HuntIndicators::restriction of an indicator whose `object_marking_refs` and `extensions` are
// those of `o`.
std::string RestrictionOf(const boost::json::object& o, const std::vector<std::string>& keep) {
  boost::json::object r;
  const boost::json::value* markings = o.if_contains("object_marking_refs");
  if (markings != nullptr && markings->is_array() && !markings->get_array().empty())
    r["object_marking_refs"] = *markings;
  const boost::json::value* extensions = o.if_contains("extensions");
  if (extensions != nullptr && extensions->is_object()) {
    boost::json::object kept;
    for (const std::string& id : keep) {
      if (const boost::json::value* e = extensions->get_object().if_contains(id)) kept[id] = *e;
    }
    if (!kept.empty()) r["extensions"] = std::move(kept);
  }
  return r.empty() ? std::string() : boost::json::serialize(r);
}

// The string the JSON value text `value` holds: a view of `value` itself when it has no escapes,
// else of `scratch`, which holds it decoded. std::nullopt when `value` is not a string.
std::optional<std::string_view> JsonString(std::string_view value, std::string& scratch) {
  if (value.size() < 2 || value.front() != '"' || value.back() != '"') return std::nullopt;
  value = value.substr(1, value.size() - 2);
  if (value.find('\\') == std::string_view::npos) return value;
  auto decoded = json_text::Unescape(value);
  if (!decoded.ok()) return std::nullopt;
  scratch = std::move(decoded).value();
  return std::string_view(scratch);
}

// The timestamp the JSON value text `value` holds; std::nullopt when it holds none.
std::optional<Timestamp> JsonTime(std::string_view value) {
  std::string scratch;
  const std::optional<std::string_view> text = JsonString(value, scratch);
  if (!text) return std::nullopt;
  auto t = ParseTimestamp(*text);
  if (!t.ok()) return std::nullopt;
  return *t;
}

// The members of an indicator the hunt reads, as texts of JSON values ("" when absent).
struct IndicatorMembers {
  std::string_view pattern_type, pattern, valid_from, valid_until, markings, extensions;
};

const IndicatorConstants kNoConstants;

}  // namespace

struct HuntIndicators::Impl {
  explicit Impl(IndicatorIndex i) : index(std::move(i)) {}
  IndicatorIndex index;
  std::vector<Decision> decisions;  // by indicator number
  std::unordered_map<uint32_t, Evaluated> evaluated;
  IndicatorLoadStats stats;
  // By indicator number: an index into restrictions (0: ""), and where its origins start in
  // origins (they end where the next indicator's start; origin_begin has one more entry).
  std::vector<uint32_t> restriction_of;
  std::vector<std::string> restrictions{std::string()};
  std::vector<uint32_t> origin_begin{0};
  std::vector<uint32_t> origins;
};

HuntIndicators::HuntIndicators(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HuntIndicators::HuntIndicators(HuntIndicators&&) noexcept = default;
HuntIndicators& HuntIndicators::operator=(HuntIndicators&&) noexcept = default;
HuntIndicators::~HuntIndicators() = default;

const IndicatorIndex& HuntIndicators::index() const { return impl_->index; }
Decision HuntIndicators::decision(uint32_t indicator) const {
  return indicator < impl_->decisions.size() ? impl_->decisions[indicator] : Decision::kIndex;
}
const pattern::Pattern* HuntIndicators::pattern(uint32_t indicator) const {
  auto it = impl_->evaluated.find(indicator);
  return it == impl_->evaluated.end() ? nullptr : &it->second.pattern;
}
const IndicatorConstants& HuntIndicators::constants(uint32_t indicator) const {
  auto it = impl_->evaluated.find(indicator);
  return it == impl_->evaluated.end() ? kNoConstants : it->second.constants;
}
const IndicatorLoadStats& HuntIndicators::stats() const { return impl_->stats; }
std::string_view HuntIndicators::restriction(uint32_t indicator) const {
  if (indicator >= impl_->restriction_of.size()) return {};
  return impl_->restrictions[impl_->restriction_of[indicator]];
}
std::span<const uint32_t> HuntIndicators::origins(uint32_t indicator) const {
  if (indicator + 1 >= impl_->origin_begin.size()) return {};
  const uint32_t begin = impl_->origin_begin[indicator];
  return std::span<const uint32_t>(impl_->origins)
      .subspan(begin, impl_->origin_begin[indicator + 1] - begin);
}

// One offered version of an indicator that was the newest of its id when it was offered: what
// the hunt needs of it beside its index entries (56 bytes).
struct KeptVersion {
  Uuid uuid;  // of its id, when the id is "indicator--" and a lower-case UUID (id_text: kNone)
  Timestamp version;         // when has_version
  uint32_t number = kNone;   // its number in State::index; kNone: skipped (State::reasons)
  uint32_t restriction = 0;  // into State::restrictions
  uint32_t origin = kNone;   // its first origin; all of them in State::more_origins if more
  uint32_t id_text = kNone;  // else its id, in State::odd_ids
  bool has_version = false;  // the object has `modified` or `created`
  bool superseded = false;   // a newer version of its id came since
  bool never_hit = false;    // loaded without any comparison the index serves (reasons)
  bool compiled = false;     // its pattern went through pattern::Compile

  std::optional<Timestamp> Version() const {
    return has_version ? std::optional<Timestamp>(version) : std::nullopt;
  }
};

struct HuntIndicatorsBuilder::State {
  // A builder dropped without Build: the worker ends; what ended it early, if anything, is
  // nobody's to hear any more.
  ~State() {
    Finish();
    worker_error = nullptr;
  }

  Options options;
  // Options::own_thread: the objects Offer hands over, gathered in batches of kBatch (so that
  // the two threads meet once per batch, not once per object), at most kMaxQueuedBatches
  // queued, taken in order by `worker`, which alone touches the members below them until Finish.
  struct Offered {
    stix::Object object;
    uint32_t origin;
  };
  static constexpr size_t kBatch = 256;
  static constexpr size_t kMaxQueuedBatches = 4;
  std::vector<Offered> gathering;  // Offer's own: the batch being gathered
  Handoff<std::vector<Offered>> queue{kMaxQueuedBatches};
  std::thread worker;
  std::exception_ptr worker_error;  // what ended Work early; written by it before it returns
  void Work();                      // the worker's loop: Take each queued object until Finish
  void HandOver();  // moves the gathered batch to the queue, waiting while it is full
  void Finish();    // waits until every offered object is taken; the worker ends
  // Throws what ended the worker early (an exception of Take: memory exhausted), once.
  void RethrowWorkerError() {
    if (worker_error) std::rethrow_exception(std::exchange(worker_error, nullptr));
  }
  // Offer's work on one indicator object.
  void Take(stix::Object& object, uint32_t origin);

  IndicatorIndexBuilder index;   // numbers given as versions come, renumbered by Build
  uint32_t registered = 0;       // numbers given in `index`
  std::deque<KeptVersion> kept;  // in chunks: growing never copies or doubles it
  // The kept version of each id (SlotRef), open addressing by UUID, at most half full; ids that
  // are not lower-case "indicator--<uuid>" in odd_slots.
  std::vector<uint64_t> slots;  // SlotRef
  size_t used_slots = 0;
  std::unordered_map<std::string, uint32_t> odd_by_id;  // into odd_ids and odd_slots
  std::vector<std::string> odd_ids;
  std::vector<uint64_t> odd_slots;
  std::unordered_map<uint32_t, std::vector<uint32_t>> more_origins;  // by kept index, ascending
  std::unordered_map<uint32_t, std::string> reasons;  // by kept index: why skipped or never hit
  std::unordered_map<uint32_t, Evaluated> evaluated;  // by number in `index`
  // Restrictions, each once; and the number of each raw form met (object_marking_refs and the
  // kept extensions as written), so that a form is parsed once.
  std::vector<std::string> restrictions{std::string()};
  std::unordered_map<std::string, uint32_t> restriction_numbers{{std::string(), 0}};
  std::unordered_map<std::string, uint32_t> raw_restrictions;
  std::string raw_key;  // scratch
  IndicatorLoadStats stats;
  std::vector<std::string> keep_extensions;

  static size_t Hash(const Uuid& u) {
    uint64_t hi = 0, lo = 0;
    std::memcpy(&hi, u.bytes().data(), 8);
    std::memcpy(&lo, u.bytes().data() + 8, 8);
    return internal::Mix64(hi ^ internal::Mix64(lo));
  }

  // A place in `slots` or `odd_slots`: the kept index + 1 of an id (0: none yet), beside the
  // upper 32 bits of its hash (`slots` only), so that a probe past other ids reads no
  // KeptVersion.
  struct SlotRef {
    uint64_t* at;
    uint64_t tag;
    uint32_t Get() const { return static_cast<uint32_t>(*at); }
    void Set(uint32_t kept_plus_one) const { *at = tag | kept_plus_one; }
  };

  // Where the kept version of `id` is recorded; sets *uuid and *id_text for a new one. Valid
  // until the next call.
  SlotRef SlotOf(std::string_view id, Uuid* uuid, uint32_t* id_text) {
    constexpr std::string_view kPrefix = "indicator--";
    const std::string_view text = id.substr(std::min(id.size(), kPrefix.size()));
    const bool lower =
        id.substr(0, kPrefix.size()) == kPrefix &&
        std::none_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'F'; });
    std::optional<Uuid> parsed;
    if (lower && text.size() == 36) {
      if (auto u = Uuid::Parse(text); u.ok()) parsed = *u;
    }
    if (!parsed) {
      auto [it, fresh] = odd_by_id.try_emplace(std::string(id), odd_ids.size());
      if (fresh) {
        odd_ids.push_back(it->first);
        odd_slots.push_back(0);
      }
      *id_text = it->second;
      return {&odd_slots[it->second], 0};
    }
    *uuid = *parsed;
    *id_text = kNone;
    if ((used_slots + 1) * 2 > slots.size()) {
      // Grown from the kept versions in order (each current one is in a slot), not from the old
      // slots: reading them in order costs no cache miss each.
      slots.assign(std::max<size_t>(16, slots.size() * 2), 0);
      for (uint32_t k = 0; k < kept.size(); ++k) {
        const KeptVersion& v = kept[k];
        if (!v.superseded && v.id_text == kNone) Probe(v.uuid).Set(k + 1);
      }
    }
    const SlotRef slot = Probe(*uuid);
    if (slot.Get() == 0) ++used_slots;
    return slot;
  }

  // Two 8-byte compares (std::array's == calls memcmp).
  static bool SameUuid(const Uuid& a, const Uuid& b) {
    uint64_t x[2], y[2];
    std::memcpy(x, a.bytes().data(), 16);
    std::memcpy(y, b.bytes().data(), 16);
    return x[0] == y[0] && x[1] == y[1];
  }

  SlotRef Probe(const Uuid& uuid) {
    const size_t mask = slots.size() - 1;
    const size_t hash = Hash(uuid);
    const uint64_t tag = static_cast<uint64_t>(hash) & 0xffffffff00000000ULL;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      const uint64_t slot = slots[i];
      if (slot == 0 || ((slot & 0xffffffff00000000ULL) == tag &&
                        SameUuid(kept[static_cast<uint32_t>(slot) - 1].uuid, uuid))) {
        return {&slots[i], tag};
      }
    }
  }

  std::string IdOf(const KeptVersion& v) const {
    return v.id_text != kNone ? odd_ids[v.id_text] : "indicator--" + v.uuid.ToString();
  }

  void AddOriginTo(uint32_t k, uint32_t origin) {
    KeptVersion& v = kept[k];
    if (v.origin == kNone) {
      v.origin = origin;
    } else if (auto it = more_origins.find(k); it != more_origins.end()) {
      AddOrigin(it->second, origin);
    } else if (origin != v.origin) {
      std::vector<uint32_t>& all = more_origins[k];
      all.push_back(v.origin);
      AddOrigin(all, origin);
    }
  }

  void Supersede(uint32_t k) {
    KeptVersion& v = kept[k];
    v.superseded = true;
    more_origins.erase(k);
    reasons.erase(k);
    if (v.number != kNone) evaluated.erase(v.number);
  }

  // The restriction number of an indicator with these members.
  uint32_t RestrictionNumber(const IndicatorMembers& m) {
    std::vector<std::string_view> entries(keep_extensions.size());
    if (!m.extensions.empty() && !keep_extensions.empty()) {
      (void)json_text::ForEachMember(m.extensions, [&](std::string_view key, std::string_view v) {
        for (size_t i = 0; i < keep_extensions.size(); ++i) {
          if (json_text::KeyEquals(key, keep_extensions[i])) entries[i] = v;
        }
      });
    }
    raw_key.assign(m.markings);
    for (std::string_view e : entries) {
      raw_key.push_back('\0');
      raw_key.append(e);
    }
    if (raw_key.find_first_not_of('\0') == std::string::npos) return 0;
    if (auto it = raw_restrictions.find(raw_key); it != raw_restrictions.end()) return it->second;
    boost::json::object o;
    if (auto markings = ParseJson(m.markings); markings.ok()) o["object_marking_refs"] = *markings;
    boost::json::object extensions;
    for (size_t i = 0; i < entries.size(); ++i) {
      if (auto e = ParseJson(entries[i]); !entries[i].empty() && e.ok())
        extensions[keep_extensions[i]] = *e;
    }
    o["extensions"] = std::move(extensions);
    auto [r, fresh] = restriction_numbers.try_emplace(RestrictionOf(o, keep_extensions),
                                                      static_cast<uint32_t>(restrictions.size()));
    if (fresh) restrictions.push_back(r->first);
    raw_restrictions.emplace(raw_key, r->second);
    return r->second;
  }

  // The members of the indicator `json` the hunt reads, as views into `padded` (valid until the
  // next call); false when `json` is not a JSON object. simdjson's On-Demand parser finds them
  // without building the object: it reads only the values asked for.
  simdjson::ondemand::parser members_parser;
  std::string padded;
  bool ScanMembers(std::string_view json, IndicatorMembers& m) {
    padded.assign(json);
    padded.append(simdjson::SIMDJSON_PADDING, ' ');
    simdjson::ondemand::document doc;
    simdjson::ondemand::object o;
    if (members_parser
                .iterate(simdjson::padded_string_view(padded.data(), json.size(), padded.size()))
                .get(doc) != simdjson::SUCCESS ||
        doc.get_object().get(o) != simdjson::SUCCESS) {
      return false;
    }
    // A scalar's text runs to the next structural character: trailing whitespace is cut.
    auto token = [](simdjson::ondemand::value v) {
      std::string_view t = v.raw_json_token();
      while (!t.empty() &&
             (t.back() == ' ' || t.back() == '\n' || t.back() == '\r' || t.back() == '\t')) {
        t.remove_suffix(1);
      }
      return t;
    };
    for (auto field : o) {
      std::string_view key;
      simdjson::ondemand::value v;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS ||
          field.value().get(v) != simdjson::SUCCESS) {
        return false;
      }
      if (key == "pattern_type") {
        m.pattern_type = token(v);
      } else if (key == "pattern") {
        m.pattern = token(v);
      } else if (key == "valid_from") {
        m.valid_from = token(v);
      } else if (key == "valid_until") {
        m.valid_until = token(v);
      } else if (key == "object_marking_refs") {
        simdjson::ondemand::array a;
        if (v.get_array().get(a) == simdjson::SUCCESS &&
            a.raw_json().get(m.markings) != simdjson::SUCCESS)
          m.markings = {};
      } else if (key == "extensions") {
        simdjson::ondemand::object e;
        if (v.get_object().get(e) == simdjson::SUCCESS &&
            e.raw_json().get(m.extensions) != simdjson::SUCCESS)
          m.extensions = {};
      }
    }
    return true;
  }

  // Turns kept version `k` of `object` into what the hunt needs: its number and index entries,
  // or why it is skipped.
  void Load(uint32_t k, stix::Object& object) {
    auto skip = [&](std::string why) { reasons[k] = std::move(why); };
    IndicatorMembers m;
    if (!ScanMembers(object.json, m)) return skip("not a JSON object");
    std::string type_scratch, text_scratch;
    if (JsonString(m.pattern_type, type_scratch) != std::optional<std::string_view>("stix"))
      return skip("pattern_type is not stix");
    const std::optional<std::string_view> text = JsonString(m.pattern, text_scratch);
    if (!text) return skip("no pattern");
    const std::optional<Timestamp> valid_from = JsonTime(m.valid_from);
    if (!valid_from) return skip("no valid_from");
    std::optional<std::vector<pattern::AtomicComparison>> simple;
    if (options.simple_patterns) simple = pattern::SimpleComparisons(*text);
    std::optional<pattern::Pattern> compiled;
    if (!simple) {
      auto c = pattern::Compile(*text);
      if (!c.ok()) return skip("pattern: " + c.status().message());
      compiled.emplace(std::move(c).value());
    }
    auto number = index.AddIndicator(
        IndicatorRef{std::move(object.id), *valid_from, JsonTime(m.valid_until), object.revoked});
    if (!number.ok()) return skip(number.status().message());
    registered = *number + 1;
    auto atoms = simple ? AddPatternAtoms(index, *number, *simple)
                        : AddPatternAtoms(index, *number, *compiled);
    // AddPatternAtoms fails only for a number not registered, and this one just was.
    if (!atoms.ok()) return skip(atoms.status().message());
    if (!atoms->complete && !compiled) {
      // SimpleComparisons accepts only what Compile accepts.
      auto c = pattern::Compile(*text);
      if (!c.ok()) return skip("pattern: " + c.status().message());
      compiled.emplace(std::move(c).value());
    }
    KeptVersion& v = kept[k];
    v.number = *number;
    v.compiled = compiled.has_value();
    if (atoms->indexed == 0) {
      v.never_hit = true;
      reasons[k] = "nothing the index serves: " + atoms->first_problem;
    }
    if (!atoms->complete) {
      const Decision d = compiled->IsSingleObservation() ? Decision::kEvent : Decision::kWindow;
      IndicatorConstants constants = IndexedConstants(*compiled);
      evaluated.emplace(*number, Evaluated{std::move(*compiled), std::move(constants), d});
    }
    v.restriction = RestrictionNumber(m);
  }
};

HuntIndicatorsBuilder::HuntIndicatorsBuilder() : HuntIndicatorsBuilder(Options{}) {}
HuntIndicatorsBuilder::HuntIndicatorsBuilder(Options options) : s_(std::make_unique<State>()) {
  s_->options = options;
}
HuntIndicatorsBuilder::HuntIndicatorsBuilder(HuntIndicatorsBuilder&&) noexcept = default;
HuntIndicatorsBuilder::~HuntIndicatorsBuilder() = default;

void HuntIndicatorsBuilder::State::Take(stix::Object& object, uint32_t origin) {
  State& s = *this;
  ++s.stats.offered;
  const std::optional<Timestamp> version = object.Version();
  Uuid uuid;
  uint32_t id_text = kNone;
  const State::SlotRef slot = s.SlotOf(object.id, &uuid, &id_text);
  if (slot.Get() != 0) {
    const uint32_t current = slot.Get() - 1;
    const std::optional<Timestamp> current_version = s.kept[current].Version();
    if (!(version > current_version)) {
      if (version == current_version && origin != kNoOrigin) s.AddOriginTo(current, origin);
      return;
    }
    s.Supersede(current);
  }
  const auto k = static_cast<uint32_t>(s.kept.size());
  slot.Set(k + 1);
  KeptVersion& v = s.kept.emplace_back();
  v.uuid = uuid;
  v.id_text = id_text;
  v.has_version = version.has_value();
  if (version) v.version = *version;
  v.origin = origin == kNoOrigin ? kNone : origin;
  s.Load(k, object);
}

void HuntIndicatorsBuilder::State::Work() {
  try {
    std::deque<std::vector<Offered>> batches;
    while (queue.TakeAll(batches)) {
      for (std::vector<Offered>& batch : batches) {
        for (Offered& o : batch) Take(o.object, o.origin);
      }
      batches.clear();
    }
  } catch (...) {
    worker_error = std::current_exception();
    queue.Cancel();  // Offer stops waiting; Build throws it
  }
}

void HuntIndicatorsBuilder::State::HandOver() {
  queue.Put(std::move(gathering));  // false once the worker gave up: Finish says why
  gathering = {};
  gathering.reserve(kBatch);
}

void HuntIndicatorsBuilder::State::Finish() {
  if (!worker.joinable()) return;
  if (!gathering.empty()) HandOver();
  queue.Close();
  worker.join();
}

void HuntIndicatorsBuilder::Offer(stix::Object&& object, uint32_t origin) {
  if (object.type != "indicator") return;
  State& s = *s_;
  if (!s.options.own_thread) return s.Take(object, origin);
  if (!s.worker.joinable()) s.worker = std::thread([&s] { s.Work(); });
  s.gathering.push_back({std::move(object), origin});
  if (s.gathering.size() >= State::kBatch) s.HandOver();
}

void HuntIndicatorsBuilder::KeepExtension(std::string extension_id) {
  assert(!s_->worker.joinable() && s_->stats.offered == 0);
  std::vector<std::string>& keep = s_->keep_extensions;
  if (std::find(keep.begin(), keep.end(), extension_id) == keep.end())
    keep.push_back(std::move(extension_id));
}

Result<HuntIndicators> HuntIndicatorsBuilder::Build(std::string_view allowlist_text) && {
  State& s = *s_;
  s.Finish();
  s.RethrowWorkerError();
  // The kept versions in id order. The slots that find them by id go first. Lower-case UUID ids
  // sort as their UUIDs (the same order as their text), kept beside each entry so that sorting
  // reads no KeptVersion (ids that share a prefix, as generated ones often do, cost no more); the
  // others by their text.
  std::vector<uint64_t>().swap(s.slots);
  std::unordered_map<std::string, uint32_t>().swap(s.odd_by_id);
  std::vector<uint64_t>().swap(s.odd_slots);
  struct ByUuid {
    uint64_t high, low;  // the UUID's bytes as two big-endian numbers
    uint32_t k;
  };
  std::vector<ByUuid> by_uuid;
  by_uuid.reserve(s.kept.size());
  std::vector<uint32_t> odd;
  for (uint32_t k = 0; k < s.kept.size(); ++k) {
    const KeptVersion& v = s.kept[k];
    if (v.superseded) continue;
    if (v.id_text != kNone) {
      odd.push_back(k);
      continue;
    }
    ByUuid e{0, 0, k};
    for (size_t i = 0; i < 8; ++i) {
      e.high = e.high << 8 | v.uuid.bytes()[i];
      e.low = e.low << 8 | v.uuid.bytes()[8 + i];
    }
    by_uuid.push_back(e);
  }
  std::sort(by_uuid.begin(), by_uuid.end(), [](const ByUuid& a, const ByUuid& b) {
    return a.high != b.high ? a.high < b.high : a.low < b.low;
  });
  std::sort(odd.begin(), odd.end(),
            [&s](uint32_t a, uint32_t b) { return s.IdOf(s.kept[a]) < s.IdOf(s.kept[b]); });
  IndicatorLoadStats stats;
  stats.offered = s.stats.offered;
  std::vector<Decision> decisions;  // by indicator number, as the tables below
  std::unordered_map<uint32_t, Evaluated> evaluated;
  std::vector<uint32_t> restriction_of;
  std::vector<uint32_t> origin_begin{0};
  std::vector<uint32_t> origins;
  const size_t current = by_uuid.size() + odd.size();
  decisions.reserve(current);
  restriction_of.reserve(current);
  origin_begin.reserve(current + 1);
  origins.reserve(current);
  std::vector<uint32_t> to(s.registered, IndicatorIndexBuilder::kDropped);
  // Numbers kept version `k`, the next in id order, or records why it is skipped.
  auto number_next = [&](uint32_t k) {
    const KeptVersion& v = s.kept[k];
    if (v.number == kNone) {
      ++stats.skipped;
      stats.skips.push_back({s.IdOf(v), std::move(s.reasons[k])});
      return;
    }
    const auto n = static_cast<uint32_t>(decisions.size());
    to[v.number] = n;
    ++stats.loaded;
    stats.compiled += v.compiled;
    if (v.never_hit) {
      ++stats.never_hit;
      stats.skips.push_back({s.IdOf(v), std::move(s.reasons[k])});
    }
    Decision d = Decision::kIndex;
    if (auto e = s.evaluated.find(v.number); e != s.evaluated.end()) {
      ++stats.evaluated;
      d = e->second.decision;
      evaluated.emplace(n, std::move(e->second));
    }
    decisions.push_back(d);
    restriction_of.push_back(v.restriction);
    if (auto more = s.more_origins.find(k); more != s.more_origins.end()) {
      origins.insert(origins.end(), more->second.begin(), more->second.end());
    } else if (v.origin != kNone) {
      origins.push_back(v.origin);
    }
    origin_begin.push_back(static_cast<uint32_t>(origins.size()));
  };
  // Both lists, merged by id text.
  for (size_t i = 0, j = 0; i < by_uuid.size() || j < odd.size();) {
    // Two steps ahead: the kept version, then (once it is in the cache) its slot in `to`.
    if (i + 2 * internal::kPrefetchAhead < by_uuid.size())
      internal::Prefetch(&s.kept[by_uuid[i + 2 * internal::kPrefetchAhead].k]);
    if (i + internal::kPrefetchAhead < by_uuid.size()) {
      const uint32_t ahead = s.kept[by_uuid[i + internal::kPrefetchAhead].k].number;
      if (ahead != kNone) internal::Prefetch(&to[ahead]);
    }
    const bool odd_first =
        j < odd.size() &&
        (i == by_uuid.size() || s.IdOf(s.kept[odd[j]]) < s.IdOf(s.kept[by_uuid[i].k]));
    number_next(odd_first ? odd[j++] : by_uuid[i++].k);
  }
  std::vector<ByUuid>().swap(by_uuid);
  std::vector<std::string> restrictions = std::move(s.restrictions);
  IndicatorIndexBuilder builder = std::move(s.index);
  s_.reset();  // the kept versions go before the index tables are built
  malloc_trim(0);
  TESSERA_RETURN_IF_ERROR(builder.Renumber(to));
  if (!allowlist_text.empty()) TESSERA_RETURN_IF_ERROR(builder.AddAllowlist(allowlist_text));
  TESSERA_ASSIGN_OR_RETURN(IndicatorIndex index, std::move(builder).Build());
  auto impl = std::make_unique<HuntIndicators::Impl>(std::move(index));
  impl->decisions = std::move(decisions);
  impl->evaluated = std::move(evaluated);
  impl->stats = std::move(stats);
  impl->restriction_of = std::move(restriction_of);
  impl->restrictions = std::move(restrictions);
  impl->origin_begin = std::move(origin_begin);
  impl->origins = std::move(origins);
  return HuntIndicators(std::move(impl));
}

// ---------------------------------------------------------------------------------------------
// PatternEvaluator

namespace {

// The id of the n-th observation a run makes (window entries and single events).
std::string ObservationId(uint64_t n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "observed-data--00000000-0000-4000-8000-%012llx",
                static_cast<unsigned long long>(n & 0xFFFFFFFFFFFFull));
  return buf;
}

// The number of `o` in `event`: its place in event.observables when it is one of them (what the
// readers and runners pass), else the first observable equal to it.
size_t ObservableNumber(const Event& event, const Observable& o) {
  const std::vector<Observable>& all = event.observables;
  if (!all.empty() && std::less_equal<const Observable*>()(all.data(), &o) &&
      std::less<const Observable*>()(&o, all.data() + all.size())) {
    return static_cast<size_t>(&o - all.data());
  }
  for (size_t i = 0; i < all.size(); ++i) {
    const Observable& x = all[i];
    if (x.kind == o.kind && x.role == o.role && x.field == o.field && x.value == o.value &&
        x.object_path == o.object_path) {
      return i;
    }
  }
  return all.size();
}

}  // namespace

// The event whose hits are being collected.
struct PatternEvaluator::Pending {
  bool active = false;
  std::string source;
  uint64_t line = 0;
  std::optional<EventScos> scos;  // built at the first hit that needs them
  std::vector<ReportedHit> hits;  // one per indicator, in the order of their first index hit
  // Evaluated indicators of this event, in first-hit order, with their SCOs (scos.objects with the
  // indexed comparisons they hit made true).
  std::vector<std::pair<uint32_t, boost::json::object>> candidates;
};

struct PatternEvaluator::Window {
  struct Entry {
    EventPlace place;
    stix::Object observation;
  };
  std::vector<Entry> entries;  // oldest first
};

PatternEvaluator::PatternEvaluator(const HuntIndicators& indicators)
    : PatternEvaluator(indicators, Options{}) {}

PatternEvaluator::PatternEvaluator(const HuntIndicators& indicators, Options options)
    : indicators_(indicators), options_(options), pending_(std::make_unique<Pending>()) {
  if (options_.max_window == 0) options_.max_window = 1;
}

PatternEvaluator::~PatternEvaluator() = default;

void PatternEvaluator::OnHit(std::string_view source, const Event& event,
                             const Observable& observable, const Hit& hit, Timestamp default_time,
                             const ReportCallback& report) {
  Pending& p = *pending_;
  if (p.active && (p.line != event.line || p.source != source)) Flush(report);
  if (!p.active) {
    p.active = true;
    p.source = std::string(source);
    p.line = event.line;
  }
  const Decision decision = indicators_.decision(hit.indicator);
  auto reported = std::find_if(p.hits.begin(), p.hits.end(),
                               [&](const ReportedHit& r) { return r.indicator == hit.indicator; });
  if (reported == p.hits.end()) {
    ReportedHit& r = p.hits.emplace_back();
    r.place = EventPlace{p.source, event.line, event.time.value_or(default_time)};
    r.has_time = event.time.has_value();
    r.event_type = std::string(event.event_type);
    r.indicator = hit.indicator;
    r.decision = decision;
    reported = std::prev(p.hits.end());
  }
  reported->matches.push_back(HitMatch{std::string(observable.field), observable.kind,
                                       std::string(observable.object_path),
                                       std::string(observable.value), hit});
  if (decision == Decision::kIndex) return;

  const pattern::Pattern* pattern = indicators_.pattern(hit.indicator);
  if (pattern == nullptr) return;
  if (!p.scos) p.scos = BuildEventScos(event);
  auto it = std::find_if(p.candidates.begin(), p.candidates.end(),
                         [&](const auto& c) { return c.first == hit.indicator; });
  if (it == p.candidates.end()) {
    p.candidates.emplace_back(hit.indicator, p.scos->objects);
    it = std::prev(p.candidates.end());
  }
  const size_t number = ObservableNumber(event, observable);
  if (number < event.observables.size()) {
    ApplyIndexMatch(it->second, *p.scos, number, observable, hit, *pattern,
                    indicators_.constants(hit.indicator));
  }
}

void PatternEvaluator::EndInput(const ReportCallback& report) { Flush(report); }

void PatternEvaluator::CountError(uint32_t indicator, const EventPlace& place,
                                  const pattern::EvaluationError& error) {
  std::vector<EvaluatorStats::IndicatorErrors>& all = stats_.errors;
  auto it = std::lower_bound(all.begin(), all.end(), indicator,
                             [](const auto& e, uint32_t i) { return e.indicator < i; });
  if (it == all.end() || it->indicator != indicator) {
    EvaluatorStats::IndicatorErrors e;
    e.indicator = indicator;
    e.indicator_id = indicators_.index().Indicator(indicator).id;
    e.first_place = place;
    e.first = error.property + ": " + error.reason;
    it = all.insert(it, std::move(e));
  }
  ++it->evaluations;
}

void PatternEvaluator::Flush(const ReportCallback& report) {
  Pending& p = *pending_;
  if (!p.active) return;
  // The verdict per evaluated indicator of this event, and the events of a window match.
  std::vector<std::pair<uint32_t, std::vector<EventPlace>>> matched;
  const Timestamp time = p.hits.empty() ? Timestamp{} : p.hits.front().place.time;
  for (auto& [indicator, objects] : p.candidates) {
    const pattern::Pattern* pattern = indicators_.pattern(indicator);
    ++stats_.candidates;
    if (indicators_.decision(indicator) == Decision::kEvent) {
      pattern::Observation o;
      o.id = ObservationId(next_observation_++);
      o.first_observed = o.last_observed = time;
      for (const auto& kv : objects) {
        o.objects.emplace_back(std::string(kv.key()), &kv.value().as_object());
      }
      std::vector<pattern::EvaluationError> errors;
      if (pattern->MatchesOne(o, &errors)) {
        matched.emplace_back(indicator, std::vector<EventPlace>{});
      }
      if (!errors.empty())
        CountError(indicator, EventPlace{p.source, p.line, time}, errors.front());
      continue;
    }
    // kWindow
    if (windows_.size() <= indicator) windows_.resize(indicator + 1);
    if (!windows_[indicator]) windows_[indicator] = std::make_unique<Window>();
    Window& w = *windows_[indicator];
    if (w.entries.size() >= options_.max_window) {
      w.entries.erase(w.entries.begin());
      ++stats_.dropped;
    }
    boost::json::object od;
    od["type"] = "observed-data";
    od["id"] = ObservationId(next_observation_++);
    od["first_observed"] = FormatTimestamp(time, TimePrecision::kNanos);
    od["last_observed"] = od["first_observed"];
    od["number_observed"] = 1;
    od["objects"] = std::move(objects);
    stix::Object obj;
    obj.type = "observed-data";
    obj.id = std::string(od["id"].as_string());
    obj.json = boost::json::serialize(od);
    w.entries.push_back({EventPlace{p.source, p.line, time}, std::move(obj)});
    std::vector<stix::Object> set;
    set.reserve(w.entries.size());
    for (const Window::Entry& e : w.entries) set.push_back(e.observation);
    auto observations = pattern::ObservationSet::FromObjects(set);
    if (!observations.ok()) continue;  // cannot happen: the entries are built above
    pattern::MatchResult result = pattern->Match(*observations);
    stats_.truncated += result.truncated;
    if (!result.errors.empty()) {
      CountError(indicator, EventPlace{p.source, p.line, time}, result.errors.front());
    }
    if (!result.matched) continue;
    std::vector<EventPlace> places;
    for (const Window::Entry& e : w.entries) {
      if (std::find(result.observed_data_ids.begin(), result.observed_data_ids.end(),
                    e.observation.id) != result.observed_data_ids.end()) {
        places.push_back(e.place);
      }
    }
    w.entries.clear();
    matched.emplace_back(indicator, std::move(places));
  }
  stats_.matches += matched.size();
  for (ReportedHit& r : p.hits) {
    if (r.decision != Decision::kIndex) {
      auto m = std::find_if(matched.begin(), matched.end(),
                            [&](const auto& x) { return x.first == r.indicator; });
      if (m == matched.end()) continue;
      r.observations = m->second;
    }
    report(r);
  }
  p.active = false;
  p.scos.reset();
  p.hits.clear();
  p.candidates.clear();
}

}  // namespace tessera::hunt
