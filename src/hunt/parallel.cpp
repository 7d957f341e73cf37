#include "hunt/parallel.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "hunt/input_stream.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include "hunt/line_reader.h"
#include "hunt/log_parsers.h"

namespace tessera::hunt {
namespace {

namespace fs = std::filesystem;

// One file to read, after directories were expanded.
struct Job {
  std::string path;
  std::optional<LogFormat> format;
  const FieldMap* field_map = nullptr;
  Status error;  // set when the file cannot be read at all (a directory that cannot be listed)
};

std::vector<Job> ExpandInputs(const std::vector<HuntInput>& inputs) {
  std::vector<Job> jobs;
  for (const HuntInput& in : inputs) {
    std::error_code ec;
    if (in.path != "-" && fs::is_directory(in.path, ec)) {
      std::vector<std::string> files;
      fs::recursive_directory_iterator it(in.path, fs::directory_options::none, ec), end;
      for (; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (it->is_regular_file(type_ec)) files.push_back(it->path().string());
      }
      if (ec) {
        jobs.push_back({in.path, in.format, in.field_map,
                        IoError("cannot list '" + in.path + "': " + ec.message())});
        continue;
      }
      std::sort(files.begin(), files.end());
      for (std::string& f : files) jobs.push_back({std::move(f), in.format, in.field_map, {}});
      continue;
    }
    jobs.push_back({in.path, in.format, in.field_map, {}});
  }
  return jobs;
}

// A hit event as the worker found it, its views moved into the chunk's arena.
struct StoredEvent {
  Event event;
  std::vector<EventHit> hits;
};

// What flows from the reading thread, through a worker (chunks only), to the calling thread.
struct Item {
  enum class Kind { kChunk, kOversized, kEnd };
  Kind kind = Kind::kChunk;
  size_t job = 0;
  // kChunk: whole lines in buf[0, size), kLinePadding readable bytes after them.
  std::unique_ptr<char[]> buf;
  size_t size = 0;
  LogFormat format = LogFormat::kJson;
  const FieldMap* field_map = nullptr;
  LogClock clock;  // written set: the file's
  // kChunk, filled by the worker.
  HuntStats stats;
  std::vector<StoredEvent> events;
  TextArena arena;
  Status worker_status;
  // The input bytes read when the item was made: what has been hunted once it is handed over.
  uint64_t bytes_after = 0;
  // kEnd.
  Status status;
  std::optional<LogFormat> detected;
};

// The format told by the first of the first kMaxDetectLines non-blank lines of `text` that
// DetectLogFormat recognizes (a damaged or foreign first line does not decide for the whole
// log); nullopt when none does. *looked: how many non-blank lines were tried; lines longer than
// `max_line` are not tried but counted in *too_long.
std::optional<LogFormat> DetectFromLines(std::string_view text, size_t max_line, size_t* looked,
                                         uint64_t* too_long) {
  *looked = 0;
  while (!text.empty() && *looked < kMaxDetectLines) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > max_line) {
      ++*too_long;  // tells nothing; the parsers skip it too
    } else if (line.find_first_not_of(" \t") != std::string_view::npos) {
      ++*looked;
      if (auto format = DetectLogFormat(line)) return format;
    }
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return std::nullopt;
}

constexpr size_t kMaxChunkMemory = 512u << 20;

class Runner {
 public:
  Runner(std::vector<Job> jobs, const IndicatorIndex& index, Timestamp default_time,
         const ParallelOptions& options)
      : jobs_(std::move(jobs)), default_time_(default_time), options_(options) {
    threads_ = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
    threads_ = std::clamp(threads_, 1u, kMaxThreads);
    capacity_ = std::max(options.chunk_bytes, options.limits.max_line + 2);
    // Two chunks per worker keep each busy while the reader fills the next; never more than
    // kMaxChunkMemory of them.
    free_slots_ = std::clamp<size_t>(kMaxChunkMemory / (capacity_ + kLinePadding), 3,
                                     2 * size_t{threads_} + 2);
    step_ = options.step ? options.step : IndexLookupStep(index);
    for (const Job& j : jobs_) {
      struct stat st {};
      if (j.path == "-" || ::stat(j.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        bytes_total_known_ = false;
      } else {
        bytes_total_ += static_cast<uint64_t>(st.st_size);
      }
    }
  }

  Result<RunSummary> Run(const ParallelHitCallback& on_hit, const InputDoneCallback& on_done) {
    std::vector<std::thread> threads;
    try {
      for (unsigned i = 0; i < threads_; ++i) threads.emplace_back([this] { WorkerLoop(); });
      threads.emplace_back([this] { ReaderLoop(); });
    } catch (const std::system_error& e) {
      {
        std::lock_guard lock(mu_);
        stop_ = true;
        abandon_ = true;
      }
      cv_work_.notify_all();
      cv_slot_.notify_all();
      for (std::thread& t : threads) t.join();
      return Internal(std::string("cannot start the hunting threads: ") + e.what());
    }
    Deliver(on_hit, on_done);
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_work_.notify_all();
    for (std::thread& t : threads) t.join();
    return summary_;
  }

 private:
  // ----- the reading thread

  // Waits for a free chunk slot; false when the run is abandoned.
  bool AcquireSlot() {
    std::unique_lock lock(mu_);
    cv_slot_.wait(lock, [this] { return free_slots_ > 0 || abandon_; });
    if (abandon_) return false;
    --free_slots_;
    return true;
  }

  std::unique_ptr<char[]> NewBuffer() {
    std::lock_guard lock(mu_);
    if (!pool_.empty()) {
      auto b = std::move(pool_.back());
      pool_.pop_back();
      return b;
    }
    return std::make_unique_for_overwrite<char[]>(capacity_ + kLinePadding);
  }

  void Push(std::unique_ptr<Item> item) {
    item->bytes_after = bytes_read_.load(std::memory_order_relaxed);
    std::lock_guard lock(mu_);
    const uint64_t seq = next_seq_++;
    if (item->kind == Item::Kind::kChunk) {
      work_.emplace_back(seq, std::move(item));
      cv_work_.notify_one();
    } else {
      ready_.emplace(seq, std::move(item));
      cv_ready_.notify_one();
    }
  }

  void PushEnd(size_t job, Status status, std::optional<LogFormat> format) {
    auto end = std::make_unique<Item>();
    end->kind = Item::Kind::kEnd;
    end->job = job;
    end->status = std::move(status);
    end->detected = format;
    Push(std::move(end));
  }

  void ReaderLoop() {
    for (size_t j = 0; j < jobs_.size(); ++j) {
      if (!ReadJob(j)) break;
    }
    std::lock_guard lock(mu_);
    reader_done_ = true;
    cv_ready_.notify_one();
  }

  // Reads job `j` into chunks; false when the run is abandoned.
  bool ReadJob(size_t j) {
    const Job& job = jobs_[j];
    if (!job.error.ok()) {
      PushEnd(j, job.error, job.format);
      return true;
    }
    std::optional<LogFormat> format = job.format;
    if (format == LogFormat::kJson && job.field_map == nullptr) {
      PushEnd(j, InvalidArgument(job.path + ": the json format needs a field map"), format);
      return true;
    }
    // Gzip or not, told from the content; large reads of plain input go straight into our
    // buffer.
    auto opened = InputStream::Open(job.path, options_.limits.input);
    if (!opened.ok()) {
      PushEnd(j, opened.status(), format);
      return true;
    }
    InputStream& file = **opened;
    LogClock clock = options_.clock;
    if (!clock.written) clock.written = LogWrittenTime(job.path);
    const uint64_t bytes_before = bytes_read_.load(std::memory_order_relaxed);
    auto note_offset = [&] {
      bytes_read_.store(bytes_before + file.offset(), std::memory_order_relaxed);
    };
    uint64_t oversized = 0;  // lines longer than the limit, skipped

    std::vector<char> carry;  // the start of a line that the previous chunk could not hold
    bool eof = false;
    Status status;
    bool abandoned = false;
    while (!eof) {
      if (!AcquireSlot()) {
        abandoned = true;
        break;
      }
      std::unique_ptr<char[]> buf = NewBuffer();
      size_t size = carry.size();
      if (size > 0) std::memcpy(buf.get(), carry.data(), size);
      carry.clear();
      while (size < capacity_) {
        auto n = file.Read(buf.get() + size, capacity_ - size);
        if (!n.ok()) {
          status = n.status();
          break;
        }
        if (*n == 0) {
          eof = true;
          break;
        }
        size += *n;
      }
      note_offset();
      if (!status.ok()) eof = true;
      // Whole lines go to the chunk; the rest waits for the next one. At the end of a good
      // input, a last line without a newline is a line; after a read error it is dropped (the
      // damaged part), as LineReader does.
      size_t cut = size;
      if (!(eof && status.ok())) {
        const char* p = buf.get();
        size_t nl = size;
        while (nl > 0 && p[nl - 1] != '\n') --nl;
        cut = nl;
        if (cut == 0 && size == capacity_ && status.ok()) {
          // No newline in a full buffer: a line longer than any limit. Count it and skip to
          // its end.
          ReleaseSlot(std::move(buf));
          ++oversized;
          if (!SkipLongLine(file, &carry, &eof, &status)) eof = true;
          note_offset();
          auto over = std::make_unique<Item>();
          over->kind = Item::Kind::kOversized;
          over->job = j;
          Push(std::move(over));
          continue;
        }
        if (status.ok()) carry.assign(buf.get() + cut, buf.get() + size);
      }
      if (!format) {
        size_t looked = 0;
        uint64_t too_long = 0;
        format = DetectFromLines(std::string_view(buf.get(), cut), options_.limits.max_line,
                                 &looked, &too_long);
        oversized += too_long;
        if (!format && looked > 0) {
          status =
              InvalidArgument(job.path + ": cannot tell the log format from its first " +
                              std::to_string(looked) + " lines; use --format (and --field-map)");
          ReleaseSlot(std::move(buf));
          break;
        }
      }
      if (cut == 0) {
        ReleaseSlot(std::move(buf));
        continue;
      }
      std::memset(buf.get() + cut, 0, kLinePadding);
      auto item = std::make_unique<Item>();
      item->kind = Item::Kind::kChunk;
      item->job = j;
      item->buf = std::move(buf);
      item->size = cut;
      // Chunks of blank lines only, before the format is known, parse nothing: any parser does.
      item->format = format.value_or(LogFormat::kSyslog);
      item->field_map = job.field_map;
      item->clock = clock;
      Push(std::move(item));
    }
    if (abandoned) return false;
    if (status.ok() && !format) {
      status = oversized > 0
                   ? LimitExceeded(job.path + ": no line to tell the log format from: " +
                                   std::to_string(oversized) + " line(s) longer than the " +
                                   std::to_string(options_.limits.max_line) + "-byte limit skipped")
                   : InvalidArgument(job.path + ": empty; nothing to tell its format from");
    }
    PushEnd(j, std::move(status), format);
    return true;
  }

  // Reads on to the end of an over-long line; what follows its newline goes to *carry.
  bool SkipLongLine(InputStream& file, std::vector<char>* carry, bool* eof, Status* status) {
    std::vector<char> block(std::min<size_t>(capacity_, 1u << 20));  // what follows fits a chunk
    while (true) {
      auto n = file.Read(block.data(), block.size());
      if (!n.ok()) {
        *status = n.status();
        return false;
      }
      if (*n == 0) {
        *eof = true;
        return true;
      }
      const auto* nl = static_cast<const char*>(std::memchr(block.data(), '\n', *n));
      if (nl != nullptr) {
        carry->assign(nl + 1, static_cast<const char*>(block.data()) + *n);
        return true;
      }
    }
  }

  void ReleaseSlot(std::unique_ptr<char[]> buf) {
    std::lock_guard lock(mu_);
    if (buf) pool_.push_back(std::move(buf));
    ++free_slots_;
    cv_slot_.notify_one();
  }

  // ----- the workers

  void WorkerLoop() {
    LookupScratch scratch;
    std::vector<EventHit> hits;
    std::map<std::pair<LogFormat, const FieldMap*>, std::unique_ptr<LogReader>> readers;
    Event event;
    while (true) {
      uint64_t seq = 0;
      std::unique_ptr<Item> item;
      {
        std::unique_lock lock(mu_);
        cv_work_.wait(lock, [this] { return !work_.empty() || stop_; });
        if (work_.empty()) return;
        seq = work_.front().first;
        item = std::move(work_.front().second);
        work_.pop_front();
      }
      HuntChunk(*item, readers, scratch, hits, event);
      {
        std::lock_guard lock(mu_);
        ready_.emplace(seq, std::move(item));
      }
      cv_ready_.notify_one();
    }
  }

  void HuntChunk(
      Item& item,
      std::map<std::pair<LogFormat, const FieldMap*>, std::unique_ptr<LogReader>>& readers,
      LookupScratch& scratch, std::vector<EventHit>& hits, Event& event) {
    auto key = std::make_pair(item.format, item.field_map);
    auto it = readers.find(key);
    if (it == readers.end()) {
      auto r = LogReader::ForChunks(item.format, item.field_map, options_.limits);
      if (!r.ok()) {
        item.worker_status = r.status();
        return;
      }
      it = readers.emplace(key, std::move(r).value()).first;
    }
    LogReader& reader = *it->second;
    reader.Reset(std::string_view(item.buf.get(), item.size));
    reader.SetClock(item.clock);
    while (true) {
      auto more = reader.Next(event);
      if (!more.ok()) {
        item.worker_status = more.status();
        break;
      }
      if (!*more) break;
      hits.clear();
      step_(event, event.time.value_or(default_time_), scratch, hits, item.stats);
      if (hits.empty()) continue;
      StoredEvent& s = item.events.emplace_back();
      s.event.line = event.line;
      s.event.time = event.time;
      s.event.event_type = item.arena.Store(event.event_type);
      s.event.observables = event.observables;
      for (Observable& o : s.event.observables) {
        o.field = item.arena.Store(o.field);
        o.value = item.arena.Store(o.value);
        o.object_path = item.arena.Store(o.object_path);
      }
      s.hits = hits;
    }
    item.stats.reader = reader.stats();
  }

  // ----- the calling thread

  struct PerJob {
    HuntStats stats;
    uint64_t line_base = 0;  // lines of the chunks already handed over
  };

  static void Merge(HuntStats& into, const HuntStats& from, uint64_t line_base) {
    into.observables += from.observables;
    into.hits += from.hits;
    into.allowlisted += from.allowlisted;
    into.unparseable += from.unparseable;
    ReaderStats& r = into.reader;
    r.lines += from.reader.lines;
    r.events += from.reader.events;
    r.malformed += from.reader.malformed;
    for (const MalformedLine& m : from.reader.examples) {
      if (r.examples.size() >= ReaderStats::kMaxExamples) break;
      r.examples.push_back({m.line + line_base, m.reason});
    }
  }

  void Report(bool done) {
    if (!options_.progress) return;
    HuntProgress p;
    p.bytes_read = delivered_bytes_;
    p.bytes_total = bytes_total_known_ ? bytes_total_ : 0;
    p.lines = summary_.lines + current_.stats.reader.lines;
    p.hits = summary_.hits + current_.stats.hits;
    p.done = done;
    options_.progress(p);
  }

  void Deliver(const ParallelHitCallback& on_hit, const InputDoneCallback& on_done) {
    using Clock = std::chrono::steady_clock;
    const auto interval = std::chrono::milliseconds(std::max(1u, options_.progress_interval_ms));
    auto last_report = Clock::now();
    uint64_t next = 0;
    while (true) {
      std::unique_ptr<Item> item;
      {
        std::unique_lock lock(mu_);
        auto ready = [&] { return ready_.count(next) > 0 || (reader_done_ && next == next_seq_); };
        if (options_.progress) {
          cv_ready_.wait_for(lock, interval, ready);
        } else {
          cv_ready_.wait(lock, ready);
        }
        auto it = ready_.find(next);
        if (it != ready_.end()) {
          item = std::move(it->second);
          ready_.erase(it);
        } else if (reader_done_ && next == next_seq_) {
          break;
        }
      }
      if (item) {
        ++next;
        Handle(*item, on_hit, on_done);
      }
      if (options_.progress && Clock::now() - last_report >= interval) {
        Report(false);
        last_report = Clock::now();
      }
    }
    summary_.bytes = bytes_read_.load(std::memory_order_relaxed);
    Report(true);
  }

  void Handle(Item& item, const ParallelHitCallback& on_hit, const InputDoneCallback& on_done) {
    const Job& job = jobs_[item.job];
    delivered_bytes_ = item.bytes_after;
    switch (item.kind) {
      case Item::Kind::kChunk: {
        if (!item.worker_status.ok() && current_status_.ok()) current_status_ = item.worker_status;
        HitContext context{job.path, item.format};
        for (StoredEvent& s : item.events) {
          s.event.line += current_.line_base;
          for (const EventHit& h : s.hits) {
            on_hit(context, s.event, s.event.observables[h.observable], h.hit);
          }
        }
        Merge(current_.stats, item.stats, current_.line_base);
        current_.line_base += item.stats.reader.lines;
        ReleaseSlot(std::move(item.buf));
        break;
      }
      case Item::Kind::kOversized: {
        HuntStats one;
        one.reader.lines = 1;
        one.reader.malformed = 1;
        one.reader.examples.push_back({1, "line longer than the limit"});
        Merge(current_.stats, one, current_.line_base);
        current_.line_base += 1;
        break;
      }
      case Item::Kind::kEnd: {
        InputSummary s;
        s.path = job.path;
        s.format = item.detected;
        s.status = !item.status.ok() ? item.status : current_status_;
        s.stats = std::move(current_.stats);
        ++summary_.files;
        summary_.failed += !s.status.ok();
        summary_.lines += s.stats.reader.lines;
        summary_.events += s.stats.reader.events;
        summary_.hits += s.stats.hits;
        if (on_done) on_done(s);
        current_ = PerJob();
        current_status_ = Status::Ok();
        break;
      }
    }
  }

  std::vector<Job> jobs_;
  Timestamp default_time_;
  const ParallelOptions& options_;
  EventStep step_;
  unsigned threads_ = 1;
  size_t capacity_ = 0;
  uint64_t bytes_total_ = 0;
  bool bytes_total_known_ = true;
  std::atomic<uint64_t> bytes_read_{0};

  std::mutex mu_;
  std::condition_variable cv_work_;   // work_ has items, or stop_
  std::condition_variable cv_ready_;  // ready_ has items, or reader_done_
  std::condition_variable cv_slot_;   // free_slots_ > 0
  std::deque<std::pair<uint64_t, std::unique_ptr<Item>>> work_;
  std::map<uint64_t, std::unique_ptr<Item>> ready_;
  std::vector<std::unique_ptr<char[]>> pool_;
  size_t free_slots_ = 0;
  uint64_t next_seq_ = 0;
  bool reader_done_ = false;
  bool stop_ = false;
  bool abandon_ = false;

  // The calling thread's state.
  PerJob current_;
  Status current_status_;
  RunSummary summary_;
  uint64_t delivered_bytes_ = 0;  // input bytes whose hits have been handed over
};

}  // namespace

EventStep IndexLookupStep(const IndicatorIndex& index) {
  return [&index](const Event& event, Timestamp at, LookupScratch& scratch,
                  std::vector<EventHit>& out, HuntStats& stats) {
    thread_local std::vector<Hit> hits;
    for (size_t i = 0; i < event.observables.size(); ++i) {
      ++stats.observables;
      hits.clear();
      LookupResult r = index.Lookup(event.observables[i], at, scratch, hits);
      stats.allowlisted += r.allowlisted;
      stats.unparseable += r.unparseable;
      stats.hits += hits.size();
      for (const Hit& h : hits) out.push_back({static_cast<uint32_t>(i), h});
    }
  };
}

Result<RunSummary> HuntInputs(const std::vector<HuntInput>& inputs, const IndicatorIndex& index,
                              Timestamp default_time, const ParallelOptions& options,
                              const ParallelHitCallback& on_hit, const InputDoneCallback& on_done) {
  Runner runner(ExpandInputs(inputs), index, default_time, options);
  return runner.Run(on_hit, on_done);
}

}  // namespace tessera::hunt
