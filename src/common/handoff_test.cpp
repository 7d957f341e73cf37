#include "common/handoff.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <thread>
#include <vector>

namespace tessera {
namespace {

// Items arrive in order, all of them, and never more than the capacity wait at once.
TEST(HandoffTest, EveryItemArrivesInOrderWithAtMostTheCapacityWaiting) {
  Handoff<int> handoff(3);
  std::atomic<int> put{0};
  std::thread producer([&] {
    for (int i = 0; i < 10'000; ++i) {
      handoff.Put(i);
      put.store(i + 1);
    }
    handoff.Close();
  });
  std::vector<int> got;
  std::deque<int> taken;
  size_t most = 0;
  while (handoff.TakeAll(taken)) {
    most = std::max(most, taken.size());
    for (int i : taken) got.push_back(i);
    taken.clear();
  }
  producer.join();
  ASSERT_EQ(got.size(), 10'000u);
  for (int i = 0; i < 10'000; ++i) ASSERT_EQ(got[static_cast<size_t>(i)], i);
  EXPECT_LE(most, 3u);
  EXPECT_FALSE(handoff.TakeAll(taken));  // closed and drained: done, at once
}

TEST(HandoffTest, PutWaitsForRoom) {
  Handoff<int> handoff(1);
  handoff.Put(1);
  std::atomic<bool> second_put{false};
  std::thread producer([&] {
    handoff.Put(2);
    second_put.store(true);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(second_put.load());  // the one place is taken
  std::deque<int> taken;
  ASSERT_TRUE(handoff.TakeAll(taken));
  producer.join();
  EXPECT_TRUE(second_put.load());
  ASSERT_TRUE(handoff.TakeAll(taken));
  EXPECT_EQ(taken, (std::deque<int>{1, 2}));
}

// A consumer that gives up releases a producer waiting for room, and every later Put; a producer
// that gives up releases a consumer waiting for items.
TEST(HandoffTest, CancelReleasesTheOtherThreadWhereverItWaits) {
  Handoff<int> full(1);
  ASSERT_TRUE(full.Put(1));
  std::atomic<int> put_result{-1};
  std::thread producer([&] { put_result.store(full.Put(2) ? 1 : 0); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(put_result.load(), -1);  // waiting for room
  full.Cancel();
  producer.join();
  EXPECT_EQ(put_result.load(), 0);
  EXPECT_FALSE(full.Put(3));
  std::deque<int> taken;
  EXPECT_FALSE(full.TakeAll(taken));  // what waited is dropped
  EXPECT_TRUE(taken.empty());

  Handoff<int> empty(4);
  std::atomic<int> take_result{-1};
  std::thread consumer([&] {
    std::deque<int> got;
    take_result.store(empty.TakeAll(got) ? 1 : 0);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(take_result.load(), -1);  // waiting for an item
  empty.Cancel();
  consumer.join();
  EXPECT_EQ(take_result.load(), 0);
}

}  // namespace
}  // namespace tessera
