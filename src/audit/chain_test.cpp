#include "audit/chain.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <vector>

namespace tessera::audit {
namespace {

class ChainTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }

  // A chain of `n` entries, hashed as the store appends them.
  static std::vector<Entry> MakeChain(int n) {
    std::vector<Entry> out;
    std::string prev(kGenesisHash);
    for (int i = 1; i <= n; ++i) {
      Entry e;
      e.chain = std::string(kHubChain);
      e.number = i;
      e.time = Timestamp::FromMicros(1'700'000'000'000'000 + i);
      e.actor = "alice";
      e.org_id = 3;
      e.org = "ACME";
      e.action = "user.create";
      e.target = "user:u" + std::to_string(i);
      e.result = std::string(kDone);
      e.client = "127.0.0.1";
      e.prev_hash = prev;
      e.hash = EntryHash(prev, e);
      prev = e.hash;
      out.push_back(e);
    }
    return out;
  }

  static Verifier Run(const std::vector<Entry>& chain) {
    Verifier v{std::string(kHubChain)};
    for (const Entry& e : chain) v.Feed(e);
    return v;
  }
};

TEST_F(ChainTest, IntactChainVerifiesAndGivesItsHead) {
  auto chain = MakeChain(5);
  Verifier v = Run(chain);
  EXPECT_TRUE(v.intact());
  EXPECT_EQ(v.checked(), 5);
  EXPECT_EQ(v.head(), chain.back().hash);
  EXPECT_EQ(v.head().size(), 64u);
  EXPECT_EQ(Run({}).head(), kGenesisHash);
}

TEST_F(ChainTest, EveryFieldIsCovered) {
  const auto chain = MakeChain(3);
  for (int field = 0; field < 11; ++field) {
    auto changed = chain;
    Entry& e = changed[1];
    switch (field) {
      case 0:
        e.time = Timestamp::FromMicros(e.time.ToMicros() + 1);
        break;
      case 1:
        e.actor = "mallory";
        break;
      case 2:
        e.org_id = 4;
        break;
      case 3:
        e.org = "Other";
        break;
      case 4:
        e.action = "user.update";
        break;
      case 5:
        e.target = "user:x";
        break;
      case 6:
        e.result = std::string(kRefused);
        break;
      case 7:
        e.reason = "x";
        break;
      case 8:
        e.client = "10.0.0.1";
        break;
      case 9:
        e.details = "x";
        break;
      case 10:
        e.hash[0] = e.hash[0] == 'a' ? 'b' : 'a';
        break;
    }
    Verifier v = Run(changed);
    EXPECT_FALSE(v.intact()) << "field " << field;
    EXPECT_EQ(v.first_bad(), 2) << "field " << field;
  }
}

TEST_F(ChainTest, DeletedAndReorderedEntriesAreCaught) {
  auto deleted = MakeChain(4);
  deleted.erase(deleted.begin() + 1);
  Verifier v = Run(deleted);
  EXPECT_FALSE(v.intact());
  EXPECT_EQ(v.first_bad(), 2);
  EXPECT_NE(v.why().find("missing"), std::string::npos) << v.why();

  auto swapped = MakeChain(4);
  std::swap(swapped[1].number, swapped[2].number);
  std::swap(swapped[1], swapped[2]);  // read back in number order
  Verifier w = Run(swapped);
  EXPECT_FALSE(w.intact());
  EXPECT_EQ(w.first_bad(), 2);
}

TEST_F(ChainTest, CanonicalContentIsUnambiguous) {
  Entry a;
  a.actor = "ab";
  a.org = "c";
  Entry b;
  b.actor = "a";
  b.org = "bc";
  EXPECT_NE(CanonicalContent(a), CanonicalContent(b));
  EXPECT_NE(EntryHash(kGenesisHash, a), EntryHash(kGenesisHash, b));
}

TEST_F(ChainTest, LongFieldsAreCut) {
  Entry e;
  e.target = std::string(5000, 'x');
  e.details = std::string(kMaxFieldBytes - 1, 'a') + "\xc3\xa9";  // é across the limit
  BoundFields(e);
  EXPECT_EQ(e.target.size(), kMaxFieldBytes);
  EXPECT_TRUE(e.target.ends_with("..."));
  EXPECT_TRUE(e.details.ends_with("a..."));
}

}  // namespace
}  // namespace tessera::audit
