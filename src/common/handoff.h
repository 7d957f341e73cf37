#pragma once
// Items handed from one thread to another, in order, with at most a fixed number waiting: the
// one way the project's two-thread pipelines meet (hunting's indicator builder, `tessera
// import`'s reader and writer).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <utility>

namespace tessera {

// One thread Puts, one thread Takes; both may wait. Thread-safe for that pair.
template <typename T>
class Handoff {
 public:
  // `capacity` >= 1: how many items may wait (memory: that many beside the ones each thread holds).
  explicit Handoff(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Appends `item`, waiting while `capacity` items wait. Not after Close. False, at once and
  // without keeping `item`, once the handoff is cancelled (also while waiting).
  bool Put(T item) {
    {
      std::unique_lock lock(mu_);
      room_.wait(lock, [this] { return waiting_.size() < capacity_ || cancelled_; });
      if (cancelled_) return false;
      waiting_.push_back(std::move(item));
    }
    ready_.notify_one();
    return true;
  }

  // Moves every waiting item, oldest first, to the back of `out`, waiting until there is one or
  // Close. False when closed and nothing waits (every item has been taken), or once cancelled.
  bool TakeAll(std::deque<T>& out) {
    {
      std::unique_lock lock(mu_);
      ready_.wait(lock, [this] { return !waiting_.empty() || closed_ || cancelled_; });
      if (cancelled_ || waiting_.empty()) return false;
      for (T& item : waiting_) out.push_back(std::move(item));
      waiting_.clear();
    }
    room_.notify_one();
    return true;
  }

  // No more Puts: TakeAll hands over what waits, then says it is done.
  void Close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    ready_.notify_one();
  }

  // Either thread gives up (an error, an exception on its side): the items waiting are dropped,
  // and the other thread, waiting or not, is told at once (Put and TakeAll return false), so it
  // is never left waiting for a thread that will not come.
  void Cancel() {
    {
      std::lock_guard lock(mu_);
      cancelled_ = true;
      waiting_.clear();
    }
    ready_.notify_all();
    room_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::deque<T> waiting_;   // GUARDED_BY(mu_)
  bool closed_ = false;     // GUARDED_BY(mu_)
  bool cancelled_ = false;  // GUARDED_BY(mu_)
};

}  // namespace tessera
