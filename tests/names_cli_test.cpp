// End-to-end: names in every CLI command, from the table in tests/data/cli/names.json. A
// collection's alias works wherever its id does (import, export, search, collection show), and
// every unknown name (organization, user, group, collection, API root, token, STIX type) is
// refused with exit 1 and one line on standard error saying which, never an empty answer or a
// usage error (README: 0 ok, 1 refused, 2 usage or I/O).

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using tessera::testing::CliRun;

constexpr const char* kIndicator = "indicator--6f1d2e3c-4b5a-4c6d-8e7f-0a1b2c3d4e5f";

std::string SourceDir() {
  const char* dir = std::getenv("TESSERA_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

// `text` with every "{key}" replaced by its value.
std::string Fill(std::string text, const std::vector<std::pair<std::string, std::string>>& vars) {
  for (const auto& [key, value] : vars) {
    const std::string mark = "{" + key + "}";
    for (size_t at = text.find(mark); at != std::string::npos;
         at = text.find(mark, at + value.size()))
      text.replace(at, mark.size(), value);
  }
  return text;
}

class NamesCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("tessera-names-cli-" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    data_ = new std::string((*dir_ / "data").string());
    bundle_ = new std::string((*dir_ / "indicator.json").string());
    {
      json::object o{{"type", "indicator"},
                     {"spec_version", "2.1"},
                     {"id", kIndicator},
                     {"created", "2026-01-01T00:00:00.000Z"},
                     {"modified", "2026-01-01T00:00:00.000Z"},
                     {"name", "names test"},
                     {"pattern", "[ipv4-addr:value = '198.51.100.77']"},
                     {"pattern_type", "stix"},
                     {"valid_from", "2026-01-01T00:00:00Z"}};
      FILE* f = std::fopen(bundle_->c_str(), "w");
      ASSERT_NE(f, nullptr);
      const std::string text = json::serialize(o);
      std::fwrite(text.data(), 1, text.size(), f);
      std::fclose(f);
    }
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"init"},
             {"org", "add", "Alpha"},
             {"org", "add", "Bravo"},
             {"user", "add", "alice", "--org", "Alpha", "--role", "analyst"},
             {"user", "add", "bruno", "--org", "Bravo", "--role", "analyst"},
             {"group", "add", "g1", "--member", "Alpha"},
             {"collection", "add", "Feed", "--alias", "feed", "--readers", "Alpha", "--writers",
              "Alpha"}}) {
      CliRun r = Cmd(args);
      ASSERT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
      if (args[0] == "collection") feed_id_ = new std::string(r.out.substr(0, r.out.find('\n')));
    }
    CliRun imported = Cmd({"import", "--collection", *feed_id_, *bundle_});
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete data_;
    delete bundle_;
    delete feed_id_;
  }

  // Runs `tessera ARGS --data DATA`.
  static CliRun Cmd(std::vector<std::string> args) {
    args.push_back("--data");
    args.push_back(*data_);
    return tessera::testing::RunProgram(TESSERA_CLI_PATH, args, *dir_);
  }

  static inline fs::path* dir_ = nullptr;
  static inline std::string* data_ = nullptr;
  static inline std::string* bundle_ = nullptr;
  static inline std::string* feed_id_ = nullptr;
};

TEST_F(NamesCliTest, EveryCommandTakesAliasesAndRefusesUnknownNamesWithExitOne) {
  ASSERT_NE(feed_id_, nullptr);
  std::ifstream in(SourceDir() + "/tests/data/cli/names.json");
  ASSERT_TRUE(in) << "tests/data/cli/names.json (TESSERA_SOURCE_DIR)";
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const json::value table = json::parse(text);
  const std::vector<std::pair<std::string, std::string>> vars = {
      {"bundle", *bundle_},
      {"missing", (*dir_ / "missing.json").string()},
      {"indicator", kIndicator},
      {"feed_id", *feed_id_},
      {"token", "tsr_0123456789abcdef_SECRETPARTSECRETPARTSECRETPARTSECRETPARTSEC"}};
  size_t cases = 0;
  for (const json::value& c : table.at("cases").as_array()) {
    std::vector<std::string> args;
    std::string line = "tessera";
    for (const json::value& a : c.at("args").as_array()) {
      args.push_back(Fill(std::string(a.as_string()), vars));
      line += " " + args.back();
    }
    SCOPED_TRACE(line);
    const int64_t exit = c.at("exit").to_number<int64_t>();
    CliRun r = Cmd(args);
    EXPECT_EQ(r.exit_code, exit) << "stdout: " << r.out << "\nstderr: " << r.err;
    const json::object& o = c.as_object();
    if (const json::value* frags = o.if_contains("stderr")) {
      for (const json::value& f : frags->as_array()) {
        const std::string want = Fill(std::string(f.as_string()), vars);
        EXPECT_NE(r.err.find(want), std::string::npos)
            << "stderr lacks '" << want << "': " << r.err;
      }
    }
    if (const json::value* frags = o.if_contains("not_stderr")) {
      for (const json::value& f : frags->as_array()) {
        EXPECT_EQ(r.err.find(std::string(f.as_string())), std::string::npos) << r.err;
      }
    }
    if (const json::value* frags = o.if_contains("stdout")) {
      for (const json::value& f : frags->as_array()) {
        const std::string want = Fill(std::string(f.as_string()), vars);
        EXPECT_NE(r.out.find(want), std::string::npos)
            << "stdout lacks '" << want << "': " << r.out;
      }
    }
    if (exit == 1) {  // one clear line: "tessera <command>: ..."
      EXPECT_EQ(r.err.rfind("tessera ", 0), 0u) << r.err;
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
    }
    ++cases;
  }
  EXPECT_GE(cases, 40u) << "the table lost cases";
}

// An alias is resolved, never stored in place of the id: what goes in by alias comes out by id.
TEST_F(NamesCliTest, AnswersNameTheCollectionByItsRealId) {
  CliRun r = Cmd({"export", "--collection", "feed", "--format", "ndjson"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  CliRun by_id = Cmd({"export", "--collection", *feed_id_, "--format", "ndjson"});
  ASSERT_EQ(by_id.exit_code, 0) << by_id.err;
  EXPECT_EQ(r.out, by_id.out);
  CliRun shown = Cmd({"collection", "show", "feed", "--json"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const json::value doc = json::parse(shown.out);
  EXPECT_EQ(doc.at("id").as_string(), *feed_id_);
  EXPECT_EQ(doc.at("alias").as_string(), "feed");
}

}  // namespace
