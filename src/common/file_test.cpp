#include "common/file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

namespace tessera {
namespace {

namespace fs = std::filesystem;

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tessera-file-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  size_t Entries() const {
    return static_cast<size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }
  fs::path dir_;
};

TEST_F(FileTest, WritesReplacesAndReadsBack) {
  const std::string path = (dir_ / "out.json").string();
  ASSERT_TRUE(WriteFileAtomically(path, "first").ok());
  ASSERT_TRUE(WriteFileAtomically(path, std::string(100'000, 'x')).ok());
  auto text = ReadInput(path);
  ASSERT_TRUE(text.ok()) << text.status().message();
  EXPECT_EQ(*text, std::string(100'000, 'x'));
  EXPECT_EQ(Entries(), 1u);  // no temporary file left beside it
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_NE(st.st_mode & 0044, 0u) << "a result file is readable as a new file would be";
}

TEST_F(FileTest, ReadsAFileWholeWithTheRoomAskedForAndAPipeAsWell) {
  const std::string path = (dir_ / "in.json").string();
  const std::string content(300'000, 'y');
  ASSERT_TRUE(WriteFileAtomically(path, content).ok());
  auto text = ReadInput(path, 64);
  ASSERT_TRUE(text.ok()) << text.status().message();
  EXPECT_EQ(*text, content);
  EXPECT_GE(text->capacity(), content.size() + 64);
  // A FIFO is no regular file: read in chunks to its end.
  const std::string fifo = (dir_ / "pipe").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] {
    std::FILE* f = std::fopen(fifo.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(content.data(), 1, content.size(), f);
    std::fclose(f);
  });
  auto piped = ReadInput(fifo, 64);
  writer.join();
  ASSERT_TRUE(piped.ok()) << piped.status().message();
  EXPECT_EQ(*piped, content);
  EXPECT_GE(piped->capacity(), content.size() + 64);
}

TEST_F(FileTest, AFixedTemporaryNameIsNotInTheWay) {
  // The old writer used path + ".tmp": a directory of that name made every write fail.
  const std::string path = (dir_ / "out.json").string();
  fs::create_directories(path + ".tmp");
  EXPECT_TRUE(WriteFileAtomically(path, "ok").ok());
  EXPECT_EQ(*ReadInput(path), "ok");
}

TEST_F(FileTest, FailureNamesTheFileAndLeavesTheOldContent) {
  const std::string path = (dir_ / "out.json").string();
  ASSERT_TRUE(WriteFileAtomically(path, "old").ok());
  // A directory cannot be replaced by a file.
  fs::create_directories(dir_ / "sub");
  Status st = WriteFileAtomically((dir_ / "sub").string(), "new");
  EXPECT_EQ(st.code(), ErrorCode::kIo);
  EXPECT_NE(st.message().find("sub"), std::string::npos) << st.message();
  EXPECT_EQ(*ReadInput(path), "old");
  EXPECT_EQ(Entries(), 2u);  // out.json and sub: no temporary file left
  st = WriteFileAtomically((dir_ / "missing" / "x").string(), "new");
  EXPECT_EQ(st.code(), ErrorCode::kIo);
  EXPECT_NE(st.message().find("missing"), std::string::npos) << st.message();
}

TEST_F(FileTest, ASecretIsOwnerOnlyWhateverItReplaces) {
  const std::string path = (dir_ / "admin-token").string();
  {
    std::ofstream old(path);
    old << "old contents, world-readable";
  }
  ::chmod(path.c_str(), 0644);
  ASSERT_TRUE(WriteFileAtomically(path, "tsr_x\n", FileReaders::kOwnerOnly).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(*ReadInput(path), "tsr_x\n");
  EXPECT_EQ(Entries(), 1u);  // no temporary file left beside it
  EXPECT_EQ(WriteFileAtomically((dir_ / "missing" / "token").string(), "x", FileReaders::kOwnerOnly)
                .code(),
            ErrorCode::kIo);
}

TEST_F(FileTest, ReadingAMissingFileSaysWhich) {
  auto text = ReadInput((dir_ / "nope.json").string());
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), ErrorCode::kIo);
  EXPECT_NE(text.status().message().find("nope.json"), std::string::npos);
}

}  // namespace
}  // namespace tessera
