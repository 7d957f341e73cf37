// `tessera search VALUE...` and `tessera search reindex` as a user runs them (issue 16): JSON when
// the output is not a terminal, exit 0 found / 1 nothing found / 2 error, --as a member's view,
// and a store from before the index refused until reindexed, then answered as the writes would.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using tessera::testing::CliRun;

class SearchCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tessera-search-cli-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    data_ = (dir_ / "data").string();
    ASSERT_EQ(Tessera({"init", "--data", data_, "--admin-token-file", (dir_ / "token").string()})
                  .exit_code,
              0);
    ASSERT_EQ(Tessera({"org", "add", "Globex SOC", "--data", data_}).exit_code, 0);
    const std::string file = (dir_ / "feed.json").string();
    std::FILE* f = std::fopen(file.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(
        R"({"type":"bundle","id":"bundle--6b4f5c1e-2f0a-4c55-9d0e-0d1b2c3d4e5f","objects":[)"
        R"({"type":"indicator","spec_version":"2.1","id":"indicator--5a1b6e0c-6f4d-4e2b-9a51-0c7d3e2f1a20",)"
        R"("created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"bad domain",)"
        R"("pattern":"[domain-name:value = 'evil.example']","pattern_type":"stix",)"
        R"("valid_from":"2026-01-01T00:00:00Z","object_marking_refs":)"
        R"(["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]}]})",
        f);
    std::fclose(f);
    ASSERT_EQ(Tessera({"import", file, "--data", data_}).exit_code, 0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliRun Tessera(const std::vector<std::string>& args) {
    return tessera::testing::RunProgram(TESSERA_CLI_PATH, args, dir_);
  }

  fs::path dir_;
  std::string data_;
};

TEST_F(SearchCliTest, FindsPrintsJsonAndExitsByWhatItFound) {
  CliRun r = Tessera({"search", "www.evil.example", "198.51.100.1", "--data", data_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json::value v = json::parse(r.out);
  const json::array& results = v.at("results").as_array();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].at("found"), true);
  EXPECT_EQ(results[0].at("hits").at(0).at("id"),
            "indicator--5a1b6e0c-6f4d-4e2b-9a51-0c7d3e2f1a20");
  EXPECT_EQ(results[0].at("hits").at(0).at("matched"), "domain:evil.example");
  EXPECT_EQ(results[0].at("hits").at(0).at("tlp"), "red");
  EXPECT_EQ(results[1].at("found"), false);

  // Nothing found: exit 1, still an answer.
  r = Tessera({"search", "198.51.100.1", "--data", data_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(json::parse(r.out).at("results").at(0).at("found"), false);
  // The RED indicator is the hub organization's: another organization does not find it.
  r = Tessera({"search", "evil.example", "--as", "Globex SOC", "--data", data_});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // Neither a value nor --text: a listing of what the filters keep, newest first (exit 0: found).
  r = Tessera({"search", "--type", "indicator", "--data", data_});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const json::value listing = json::parse(r.out);
  EXPECT_EQ(listing.at("text"), "");
  EXPECT_FALSE(listing.at("hits").as_array().empty());
  for (const auto& h : listing.at("hits").as_array()) {
    EXPECT_EQ(h.at("type"), "indicator");
    EXPECT_EQ(h.at("matched"), "filters");
  }
  // Errors: exit 2 with a reason.
  r = Tessera({"search", "--sort", "relevance", "--data", data_});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("relevance"), std::string::npos) << r.err;
  r = Tessera({"search", std::string(9000, 'a'), "--data", data_});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("8192"), std::string::npos) << r.err;
  r = Tessera({"search", "x", "--as", "nobody", "--data", data_});
  EXPECT_EQ(r.exit_code, 1) << "an unknown name is refused (README: exit 1)";
  EXPECT_NE(r.err.find("nobody"), std::string::npos) << r.err;
  EXPECT_EQ(Tessera({"search", "--help"}).exit_code, 0);
}

TEST_F(SearchCliTest, FullTextFindsByNameAndExitsByWhatItFound) {
  CliRun r = Tessera({"search", "--text", "bad dom*", "--data", data_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json::value v = json::parse(r.out);
  EXPECT_EQ(v.at("text"), "bad dom*");
  EXPECT_EQ(v.at("found"), true);
  EXPECT_EQ(v.at("more"), false);
  ASSERT_EQ(v.at("hits").as_array().size(), 1u);
  EXPECT_EQ(v.at("hits").at(0).at("id"), "indicator--5a1b6e0c-6f4d-4e2b-9a51-0c7d3e2f1a20");
  EXPECT_EQ(v.at("hits").at(0).at("matched"), "text");
  EXPECT_EQ(v.at("hits").at(0).at("tlp"), "red");
  r = Tessera({"search", "--text", "\"domain bad\"", "--sort", "relevance", "--data", data_});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(json::parse(r.out).at("found"), false);
  // The RED indicator is not Globex's to read: nothing, as for a word nobody used.
  r = Tessera({"search", "--text", "bad", "--as", "Globex SOC", "--data", data_});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  json::value hidden = json::parse(r.out);
  json::value nobody = json::parse(
      Tessera({"search", "--text", "nobody", "--as", "Globex SOC", "--data", data_}).out);
  hidden.as_object().erase("text");
  nobody.as_object().erase("text");
  EXPECT_EQ(hidden, nobody);
  // Errors: exit 2 with the reason.
  for (const std::vector<std::string>& bad : {std::vector<std::string>{"--text=-only", "--json"},
                                              {"--text", ""},
                                              {"--text", "x*"},
                                              {"--text", "bad", "x"},
                                              {"--text", "bad", "--limit", "1001"},
                                              {"--text", "bad", "--sort", "size"},
                                              {"x", "--limit", "5"}}) {
    std::vector<std::string> args = {"search", "--data", data_};
    args.insert(args.end(), bad.begin(), bad.end());
    r = Tessera(args);
    EXPECT_EQ(r.exit_code, 2) << bad[0] << " " << bad[1];
    EXPECT_FALSE(r.err.empty());
    if (bad[0] == "--text=-only") {
      EXPECT_NE(r.err.find("not excluded"), std::string::npos) << r.err;
    }
    if (bad[1].empty()) {
      EXPECT_NE(r.err.find("at least one word"), std::string::npos) << r.err;
    }
  }
  r = Tessera({"search", "--help"});
  EXPECT_NE(r.out.find("--text"), std::string::npos);
  EXPECT_NE(r.out.find("relevance"), std::string::npos);
}

TEST_F(SearchCliTest, AStoreFromBeforeTheIndexIsSearchableOnceReindexed) {
  // What schema 6 leaves in a store that held objects: an empty index marked incomplete.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((fs::path(data_) / "tessera.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DELETE FROM search_keys; INSERT INTO settings (key, value) VALUES "
                         "('search_index', 'stale')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  CliRun r = Tessera({"search", "evil.example", "--data", data_});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("tessera search reindex"), std::string::npos) << r.err;
  r = Tessera({"search", "reindex", "--data", data_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("search index: 1 keys for 1 objects", 0), 0u) << r.out;
  EXPECT_EQ(Tessera({"search", "evil.example", "--data", data_}).exit_code, 0);
}

}  // namespace
