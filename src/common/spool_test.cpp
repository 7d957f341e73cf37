#include "common/spool.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>

namespace tessera {
namespace {

std::string Line(int i) { return "  indicator--" + std::to_string(i) + ": refused"; }

// A temporary file the spool can write but never read back (a failing disk, as the spool sees
// one).
std::FILE* WriteOnlyTemporary() {
  const std::string path = ::testing::TempDir() + "spool_test_" + std::to_string(::getpid());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ::unlink(path.c_str());
  return fd < 0 ? nullptr : ::fdopen(fd, "w");
}

TEST(LineSpool, KeepsEveryLineInOrderPastItsMemory) {
  for (size_t memory : {size_t{0}, size_t{100}, LineSpool::kDefaultMemoryBytes}) {
    LineSpool spool(memory);
    std::string expected;
    for (int i = 0; i < 5000; ++i) {
      ASSERT_TRUE(spool.Add(Line(i)).ok());
      expected += Line(i) + "\n";
    }
    std::ostringstream out;
    ASSERT_TRUE(spool.PrintTo(out).ok());
    EXPECT_EQ(out.str(), expected) << "memory " << memory;
  }
}

// What a command printing the spool must learn: the list it printed is incomplete.
TEST(LineSpool, SaysWhenItsLinesCannotBeReadBackOrKept) {
  LineSpool unreadable(100, &WriteOnlyTemporary);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(unreadable.Add(Line(i)).ok());
  std::ostringstream out;
  const Status read = unreadable.PrintTo(out);
  EXPECT_EQ(read.code(), ErrorCode::kIo);
  EXPECT_NE(read.message().find("cannot read the report's temporary file back"), std::string::npos)
      << read.message();

  LineSpool no_file(100, []() -> std::FILE* { return nullptr; });
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(no_file.Add(Line(i)).ok());  // still in memory
  const Status create = no_file.Add(std::string(200, 'x'));
  EXPECT_EQ(create.code(), ErrorCode::kIo);
  EXPECT_NE(create.message().find("cannot create a temporary file"), std::string::npos);

  // A full disk: the write fails when it is made or, buffered, when the lines are printed.
  LineSpool full(100, [] { return std::fopen("/dev/full", "w"); });
  Status st = Status::Ok();
  for (int i = 0; i < 100 && st.ok(); ++i) st = full.Add(Line(i));
  if (st.ok()) st = full.PrintTo(out);
  EXPECT_EQ(st.code(), ErrorCode::kIo);
  EXPECT_NE(st.message().find("cannot write the report's temporary file"), std::string::npos)
      << st.message();
}

}  // namespace
}  // namespace tessera
