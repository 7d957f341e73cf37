// Online backup and restore, as an operator runs them: `tessera backup` while `tessera serve` takes
// a continuous stream of TAXII envelopes, `tessera restore` into a new directory, and a second
// hub served from the restored store. Every object whose POST was acknowledged before the backup
// began is in it, nothing posted after the backup ended is, and the restored hub authenticates the
// same tokens. Then the refusals: an existing DEST, a SRC that is not a backup or was changed, a
// restore over an existing store without --force or over one a server has open.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "authz_hub.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using tessera::testing::BasicAuth;
using tessera::testing::BearerAuth;
using tessera::testing::CliRun;
using tessera::testing::HttpClient;
using tessera::testing::RunProgram;
using tessera::testing::ServerProcess;
using tessera::testing::Slurp;
using tessera::testing::TesseraCli;
using tessera::testing::TestHub;

// An envelope of `n` CLEAR indicators with ids derived from `batch`.
std::string Envelope(int batch, int n, std::vector<std::string>* ids) {
  json::array objects;
  for (int i = 0; i < n; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "indicator--%08x-0000-4000-8000-%012x", 0x20000000,
                  batch * 1000 + i);
    ids->push_back(id);
    json::object o;
    o["type"] = "indicator";
    o["spec_version"] = "2.1";
    o["id"] = id;
    o["created"] = "2024-01-01T00:00:00.000Z";
    o["modified"] = "2024-01-01T00:00:00.000Z";
    o["pattern"] = "[ipv4-addr:value = '10.9." + std::to_string(batch % 256) + "." +
                   std::to_string(i % 256) + "']";
    o["pattern_type"] = "stix";
    o["valid_from"] = "2024-01-01T00:00:00Z";
    o["object_marking_refs"] =
        json::array{"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"};  // TLP:CLEAR
    objects.push_back(o);
  }
  json::object env;
  env["objects"] = objects;
  return json::serialize(env);
}

// `tessera ARGS...` run from `dir` (no --data added).
CliRun Tessera(const std::vector<std::string>& args, const fs::path& dir) {
  return RunProgram(TesseraCli(), args, dir);
}

std::string DefaultObjectsUrl(HttpClient& admin) {
  auto cols = admin.Get("/api/collections/");
  EXPECT_EQ(cols.status, 200) << cols.body;
  if (cols.status != 200) return "";
  return "/api/collections/" +
         std::string(cols.Json().at("collections").at(0).at("id").as_string()) + "/objects/";
}

// Every object id the collection holds, through its manifest (paged at the maximum page size).
std::set<std::string> StoredIds(HttpClient& client, const std::string& objects_url) {
  std::set<std::string> stored;
  const std::string base = objects_url.substr(0, objects_url.size() - 8) + "manifest/?limit=1000";
  std::string url = base;
  for (int page = 0; page < 1000; ++page) {
    auto r = client.Get(url);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) break;
    json::object body = r.Json().as_object();
    if (body.contains("objects"))
      for (const auto& m : body.at("objects").as_array())
        stored.insert(std::string(m.at("id").as_string()));
    if (!(body.contains("more") && body.at("more").as_bool())) break;
    url = base + "&next=" + std::string(body.at("next").as_string());
  }
  return stored;
}

// Entries of `dir` whose name starts with '.': temporary directories left behind.
std::vector<std::string> HiddenEntries(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (!name.empty() && name[0] == '.') out.push_back(name);
  }
  return out;
}

TEST(BackupTest, BackupWhileWritingRestoresEveryAcknowledgedObject) {
  TestHub hub;
  hub.Init();
  const std::string second_token = hub.CreateToken("admin");
  hub.StartServer();
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  std::string objects_url;
  {
    auto admin = hub.Client("admin");
    objects_url = DefaultObjectsUrl(*admin);
    ASSERT_FALSE(objects_url.empty());
  }

  // The writer posts envelopes until told to stop; each one is recorded with whether its POST
  // was acknowledged before the backup began, or began after the backup ended.
  constexpr int kPerEnvelope = 40;
  std::mutex mu;
  std::vector<std::vector<std::string>> acked;  // guarded by mu
  std::atomic<bool> backup_ended{false};
  std::vector<std::vector<std::string>> posted_after;  // began after the backup ended
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    auto client = hub.Client("admin");
    for (int batch = 0; batch < 100000 && !stop; ++batch) {
      std::vector<std::string> ids;
      const std::string body = Envelope(batch, kPerEnvelope, &ids);
      const bool after = backup_ended.load();
      auto res = client->Post(objects_url, body);
      if (res.status != 202 ||
          res.Json().at("success_count").to_number<int64_t>() != kPerEnvelope) {
        ++failures;
        break;
      }
      std::lock_guard<std::mutex> lock(mu);
      acked.push_back(ids);
      if (after) posted_after.push_back(ids);
    }
  });
  auto acked_count = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return acked.size();
  };
  for (int i = 0; i < 600 && acked_count() < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_GE(acked_count(), 5u) << "the writer did not get going";

  std::vector<std::vector<std::string>> before;
  {
    std::lock_guard<std::mutex> lock(mu);
    before = acked;
  }
  const fs::path dest = hub.root() / "backup-1";
  CliRun b = Tessera({"backup", "--data", hub.data_dir(), dest.string(), "--json"}, hub.root());
  backup_ended = true;
  const size_t acked_at_end = acked_count();
  // The writer keeps being acknowledged after the backup (it was never blocked), then stops.
  for (int i = 0; i < 600 && acked_count() < acked_at_end + 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop = true;
  writer.join();
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GE(acked_count(), acked_at_end + 3) << "the writer stalled after the backup";

  json::object report = json::parse(b.out).as_object();
  EXPECT_EQ(report.at("backup").as_string(), dest.string());
  EXPECT_EQ(report.at("verified").at("integrity_check").as_string(), "ok");
  EXPECT_GE(report.at("counts").at("object_versions").to_number<int64_t>(),
            static_cast<int64_t>(before.size() * kPerEnvelope));
  EXPECT_EQ(report.at("counts").at("tokens").to_number<int64_t>(), 2);
  // A backup is a single file and its manifest, owner-only.
  EXPECT_TRUE(fs::exists(dest / "tessera.db"));
  EXPECT_TRUE(fs::exists(dest / "tessera-backup.json"));
  EXPECT_FALSE(fs::exists(dest / "tessera.db-wal"));
  EXPECT_EQ(fs::status(dest).permissions() & (fs::perms::group_all | fs::perms::others_all),
            fs::perms::none);
  EXPECT_TRUE(HiddenEntries(hub.root()).empty());

  const fs::path restored = hub.root() / "restored";
  CliRun r = Tessera({"restore", "--data", restored.string(), dest.string(), "--json"}, hub.root());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json::object rr = json::parse(r.out).as_object();
  EXPECT_EQ(rr.at("data").as_string(), restored.string());
  EXPECT_TRUE(rr.at("replaced").is_null());
  EXPECT_EQ(rr.at("counts").at("object_versions"), report.at("counts").at("object_versions"));
  EXPECT_TRUE(HiddenEntries(hub.root()).empty());

  // The restored store, served by a second hub while the first one still runs.
  ServerProcess second;
  ASSERT_TRUE(second.Start(TesseraCli(), {"serve", "--data", restored.string(), "--listen",
                                          "127.0.0.1:0", "--threads", "2", "--no-access-log"}));
  HttpClient admin("127.0.0.1", second.port());
  admin.SetAuthorization(BasicAuth("admin", hub.token("admin")));
  const std::set<std::string> stored = StoredIds(admin, objects_url);
  size_t checked = 0;
  for (const auto& env : before) {
    for (const auto& id : env) {
      EXPECT_EQ(stored.count(id), 1u) << "acknowledged before the backup, missing: " << id;
      ++checked;
    }
  }
  EXPECT_GE(checked, 5u * kPerEnvelope);
  for (const auto& env : posted_after) {
    for (const auto& id : env) EXPECT_EQ(stored.count(id), 0u) << "posted after the backup: " << id;
  }
  EXPECT_EQ(static_cast<int64_t>(stored.size()),
            rr.at("counts").at("object_versions").to_number<int64_t>());

  // Same tokens: both of the admin's authenticate, a wrong one does not.
  HttpClient bearer("127.0.0.1", second.port());
  bearer.SetAuthorization(BearerAuth(second_token));
  EXPECT_EQ(bearer.Get("/api/collections/").status, 200);
  HttpClient wrong("127.0.0.1", second.port());
  std::string bad = hub.token("admin");
  bad.back() = bad.back() == 'A' ? 'B' : 'A';
  wrong.SetAuthorization(BasicAuth("admin", bad));
  EXPECT_EQ(wrong.Get("/api/collections/").status, 401);
  EXPECT_EQ(second.Stop(), 0) << second.output();
  EXPECT_EQ(hub.server().Stop(), 0) << hub.server().output();
}

TEST(BackupTest, RefusalsChangeNothing) {
  TestHub hub;
  hub.Init();
  const fs::path root = hub.root();

  // No store in --data: exit 2.
  CliRun none =
      Tessera({"backup", "--data", (root / "nothing").string(), (root / "b0").string()}, root);
  EXPECT_EQ(none.exit_code, 2) << none.out << none.err;
  EXPECT_FALSE(fs::exists(root / "b0"));

  // DEST exists (even empty): exit 1, DEST untouched.
  fs::create_directory(root / "taken");
  CliRun taken = Tessera({"backup", "--data", hub.data_dir(), (root / "taken").string()}, root);
  EXPECT_EQ(taken.exit_code, 1) << taken.out << taken.err;
  EXPECT_NE(taken.err.find("exists"), std::string::npos) << taken.err;
  EXPECT_TRUE(fs::is_empty(root / "taken"));
  EXPECT_TRUE(HiddenEntries(root).empty());

  const fs::path good = root / "good";
  CliRun made = Tessera({"backup", "--data", hub.data_dir(), good.string()}, root);
  ASSERT_EQ(made.exit_code, 0) << made.out << made.err;
  EXPECT_NE(made.out.find("backup written: " + good.string()), std::string::npos) << made.out;
  CliRun verified = Tessera({"restore", "--verify-only", good.string()}, root);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;

  // SRC is not a backup: an empty directory, a data directory (no manifest), a missing one.
  for (const fs::path& src : {root / "taken", fs::path(hub.data_dir()), root / "missing"}) {
    CliRun r = Tessera({"restore", "--data", (root / "r1").string(), src.string()}, root);
    EXPECT_EQ(r.exit_code, 1) << src << r.out << r.err;
    EXPECT_NE(r.err.find("not a Tessera backup"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(root / "r1"));
  }

  // SRC changed after it was written: one byte of its store flipped.
  const fs::path bad = root / "bad";
  fs::copy(good, bad);
  {
    std::fstream f(bad / "tessera.db", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    f.put('\x5a');
  }
  CliRun corrupt = Tessera({"restore", "--data", (root / "r1").string(), bad.string()}, root);
  EXPECT_EQ(corrupt.exit_code, 1) << corrupt.out << corrupt.err;
  EXPECT_NE(corrupt.err.find("SHA-256"), std::string::npos) << corrupt.err;
  EXPECT_FALSE(fs::exists(root / "r1"));
  // A manifest that is not JSON.
  const fs::path garbled = root / "garbled";
  fs::copy(good, garbled);
  { std::ofstream(garbled / "tessera-backup.json", std::ios::trunc) << "{not json"; }
  CliRun g = Tessera({"restore", "--data", (root / "r1").string(), garbled.string()}, root);
  EXPECT_EQ(g.exit_code, 1) << g.out << g.err;
  EXPECT_FALSE(fs::exists(root / "r1"));

  // Over an existing store: refused without --force, the store unchanged.
  const std::string store_file = (fs::path(hub.data_dir()) / "tessera.db").string();
  hub.CreateToken("admin");  // the live store now differs from the backup
  const std::string before = Slurp(store_file);
  CliRun over = Tessera({"restore", "--data", hub.data_dir(), good.string()}, root);
  EXPECT_EQ(over.exit_code, 1) << over.out << over.err;
  EXPECT_NE(over.err.find("--force"), std::string::npos) << over.err;
  EXPECT_EQ(Slurp(store_file), before);

  // With --force, but a server has the store open: refused, naming the process.
  hub.StartServer();
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  CliRun held = Tessera({"restore", "--force", "--data", hub.data_dir(), good.string()}, root);
  EXPECT_EQ(held.exit_code, 1) << held.out << held.err;
  EXPECT_NE(held.err.find("process " + std::to_string(hub.server().pid())), std::string::npos)
      << held.err;
  EXPECT_EQ(hub.server().Stop(), 0);
  EXPECT_TRUE(HiddenEntries(root).empty());

  // Stopped, with --force: restored, and the earlier directory kept aside.
  CliRun forced =
      Tessera({"restore", "--force", "--json", "--data", hub.data_dir(), good.string()}, root);
  ASSERT_EQ(forced.exit_code, 0) << forced.out << forced.err;
  json::object fr = json::parse(forced.out).as_object();
  ASSERT_TRUE(fr.at("replaced").is_string());
  const fs::path kept(std::string(fr.at("replaced").as_string()));
  EXPECT_TRUE(fs::exists(kept / "tessera.db"));
  EXPECT_EQ(fr.at("counts").at("tokens").to_number<int64_t>(), 1);  // the backup's, not 2
  EXPECT_TRUE(HiddenEntries(root).empty());

  // The restore is the newest entry of the restored store's audit chain, which verifies; the
  // refused restores above recorded nothing, neither there nor in the replaced store.
  CliRun restores = Tessera(
      {"audit", "list", "--action", "store.restore", "--json", "--data", hub.data_dir()}, root);
  ASSERT_EQ(restores.exit_code, 0) << restores.err;
  json::array entries = json::parse(restores.out).as_array();
  ASSERT_EQ(entries.size(), 1u) << restores.out;
  const json::object& e = entries.at(0).as_object();
  EXPECT_EQ(e.at("result").as_string(), "done");
  EXPECT_EQ(e.at("target").as_string(), "backup:" + good.string());
  EXPECT_TRUE(e.at("actor").as_string().starts_with("cli:")) << e;
  const std::string details(e.at("details").as_string());
  EXPECT_NE(details.find(std::string(fr.at("verified").at("sha256").as_string())),
            std::string::npos)
      << details;
  EXPECT_NE(details.find(std::string(fr.at("manifest_sha256").as_string())), std::string::npos)
      << details;
  EXPECT_NE(details.find("replacing"), std::string::npos) << details;
  CliRun newest =
      Tessera({"audit", "list", "--limit", "1", "--json", "--data", hub.data_dir()}, root);
  EXPECT_EQ(json::parse(newest.out).at(0).at("action").as_string(), "store.restore") << newest.out;
  CliRun verify = Tessera({"audit", "verify", "--data", hub.data_dir()}, root);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  CliRun old = Tessera(
      {"audit", "list", "--action", "store.restore", "--json", "--data", kept.string()}, root);
  EXPECT_EQ(json::parse(old.out).as_array().size(), 0u) << old.out;
}

// `tessera ARGS...` with standard error on a pseudo-terminal, as in an operator's shell (standard
// output discarded): its exit code and what it drew on the terminal.
CliRun TesseraOnTerminal(const std::vector<std::string>& args) {
  CliRun run;
  int controller = -1, terminal = -1;
  if (::openpty(&controller, &terminal, nullptr, nullptr, nullptr) != 0) return run;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, terminal, 2);
  posix_spawn_file_actions_addclose(&actions, controller);
  posix_spawn_file_actions_addclose(&actions, terminal);
  const std::string program = TesseraCli();
  std::vector<char*> argv{const_cast<char*>(program.c_str())};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(terminal);
  if (rc == 0) {
    char buf[4096];
    while (true) {  // until the program has closed the terminal (EIO)
      const ssize_t n = ::read(controller, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      run.err.append(buf, static_cast<size_t>(n));
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  ::close(controller);
  return run;
}

// Issue #17: restore showed nothing during its long steps. On a terminal it draws the same kind
// of progress line as backup, step by step; --quiet, --json and a standard error that is not a
// terminal draw none.
TEST(BackupTest, BackupAndRestoreShowProgressOnATerminalOnly) {
  TestHub hub;
  hub.Init();
  const fs::path root = hub.root();
  const fs::path backup = root / "b";
  CliRun made = TesseraOnTerminal({"backup", "--data", hub.data_dir(), backup.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_NE(made.err.find("copying the store: "), std::string::npos) << made.err;
  EXPECT_NE(made.err.find(" MB of "), std::string::npos) << made.err;

  CliRun restored =
      TesseraOnTerminal({"restore", "--data", (root / "r1").string(), backup.string()});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  for (const char* step :
       {"verifying the backup: ", "copying the store: ", "opening the restored store"}) {
    EXPECT_NE(restored.err.find(step), std::string::npos) << step << " in " << restored.err;
  }
  EXPECT_NE(restored.err.find("(100%)"), std::string::npos) << restored.err;
  EXPECT_LT(restored.err.find("verifying the backup: "), restored.err.find("copying the store: "));
  EXPECT_NE(restored.err.find("\r\033[K"), std::string::npos) << "the line is not cleared";

  CliRun verified = TesseraOnTerminal({"restore", "--verify-only", backup.string()});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_NE(verified.err.find("verifying the backup: "), std::string::npos) << verified.err;

  for (const char* flag : {"--quiet", "--json"}) {
    CliRun quiet = TesseraOnTerminal(
        {"restore", flag, "--data", (root / (std::string("r") + flag)).string(), backup.string()});
    EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
    EXPECT_EQ(quiet.err.find(" MB of "), std::string::npos) << flag << ": " << quiet.err;
    EXPECT_EQ(quiet.err.find("opening the restored store"), std::string::npos) << flag;
  }
  CliRun quiet_backup =
      TesseraOnTerminal({"backup", "--quiet", "--data", hub.data_dir(), (root / "b2").string()});
  EXPECT_EQ(quiet_backup.exit_code, 0) << quiet_backup.err;
  EXPECT_EQ(quiet_backup.err.find("copying the store"), std::string::npos) << quiet_backup.err;

  CliRun piped = Tessera({"restore", "--data", (root / "r2").string(), backup.string()}, root);
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.err.find(" MB of "), std::string::npos) << piped.err;
}

}  // namespace
