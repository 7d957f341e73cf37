#pragma once
// Helpers shared by the store's tests: a fresh data directory per test and objects to store.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/audit_log.h"
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

// Runs `sql` on the store file of data directory `dir` through a connection of its own (to set up
// what the Store interface cannot write, such as a damaged row). A failure fails the test.
inline void RawExec(const std::string& dir, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((std::filesystem::path(dir) / kStoreFileName).c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

// The first column of the first row `sql` returns on the store file of `dir`, as text ("" when
// there is no row).
inline std::string RawQuery(const std::string& dir, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string out;
  EXPECT_EQ(sqlite3_open((std::filesystem::path(dir) / kStoreFileName).c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
  if (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(st, 0);
    if (text != nullptr) out = reinterpret_cast<const char*>(text);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

inline std::unique_ptr<Store> OpenOrDie(const std::string& dir,
                                        OpenMode mode = OpenMode::kCreateIfMissing) {
  auto s = OpenStore(dir, mode);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

// The verification of `log`'s hub chain, read through AuditLog::Scan (as `tessera audit verify`
// reads it); a failing scan is a test failure.
inline audit::Verifier VerifiedHubChain(AuditLog& log) {
  audit::Verifier v{std::string(audit::kHubChain)};
  Status st = log.Scan(audit::kHubChain, [&](const audit::Entry& e) {
    v.Feed(e);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return v;
}

}  // namespace tessera::store::testing
