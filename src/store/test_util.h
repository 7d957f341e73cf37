#pragma once
// Helpers shared by the store's tests: a fresh data directory per test and objects to store.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace tessera::store::testing {

inline Timestamp Ts(std::string_view text) {
  auto ts = ParseTimestamp(text);
  EXPECT_TRUE(ts.ok()) << text;
  return ts.ok() ? *ts : Timestamp{};
}

// A versioned SDO whose JSON records its version, so tests can tell versions apart.
inline stix::Object Sdo(const std::string& id, const std::string& modified,
                        const std::string& type = "indicator") {
  stix::Object o;
  o.type = type;
  o.id = id;
  o.spec_version = "2.1";
  o.created = Ts("2020-01-01T00:00:00.000Z");
  o.modified = Ts(modified);
  o.json = R"({"type":")" + type + R"(","id":")" + id + R"(","modified":")" + modified + R"("})";
  return o;
}

// Grant keys from their printed forms separated by spaces: Keys("coll org:7"). A word that is no
// grant key fails the test.
inline std::vector<GrantKey> Keys(std::string_view text) {
  std::vector<GrantKey> keys;
  while (!text.empty()) {
    const size_t space = text.find(' ');
    const std::string_view word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    if (word.empty()) continue;
    auto key = ParseGrantKey(word);
    EXPECT_TRUE(key.has_value()) << "not a grant key: '" << word << "'";
    if (key) keys.push_back(*key);
  }
  return keys;
}

// A fresh, empty data directory, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "tessera-store-test-XXXXXX").string();
    EXPECT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(root_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string data() const { return (std::filesystem::path(root_) / "data").string(); }

 private:
  std::string root_;
};

inline std::unique_ptr<Store> OpenOrDie(const std::string& dir,
                                        OpenMode mode = OpenMode::kCreateIfMissing) {
  auto s = OpenStore(dir, mode);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

}  // namespace tessera::store::testing
