// The backup's snapshot: commits made by other connections while it copies neither restart it nor
// get into it; the copy restores to exactly what was committed when it began.

#include "store/backup.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "common/digest.h"
#include "store/audit_log.h"
#include "store/store.h"
#include "store/test_util.h"

namespace tessera::store {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// `n` indicators of about 1 KB each, ids derived from `prefix` (a hex digit) and their index
// (from `first`).
std::vector<stix::Object> Objects(char prefix, int n, int first = 0) {
  std::vector<stix::Object> out;
  for (int i = first; i < first + n; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "indicator--%c0000000-0000-4000-8000-%012x", prefix, i);
    stix::Object o = testing::Sdo(id, "2024-01-01T00:00:00.000Z");
    o.json.insert(o.json.size() - 1, R"(,"description":")" + std::string(1000, 'x') + "\"");
    out.push_back(std::move(o));
  }
  return out;
}

Status Put(Store& store, const std::vector<stix::Object>& objects) {
  auto coll = store.directory().GetSetting(kSettingDefaultCollection);
  if (!coll.ok()) return coll.status();
  std::vector<Placement> placements(objects.size(),
                                    Placement{*coll, 0, {GrantKey::CollectionReaders()}, {}});
  return store.Import(objects, placements).status();
}

TEST(BackupDataDirTest, CommitsDuringTheCopyNeitherRestartItNorGetIntoIt) {
  TempDir dir;
  const fs::path root = fs::path(dir.data()).parent_path();
  auto opened = OpenStore(dir.data(), OpenMode::kCreateIfMissing);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Store& store = **opened;
  // Copied in steps of a hundredth of the store.
  constexpr int kBefore = 2000;
  ASSERT_TRUE(Put(store, Objects('a', kBefore)).ok());

  std::vector<BackupProgress> steps;
  int during = 0;
  auto made = BackupDataDir(dir.data(), (root / "b").string(), [&](const BackupProgress& p) {
    steps.push_back(p);
    // Another connection commits between the steps.
    EXPECT_TRUE(Put(store, Objects('b', 5, 5 * during)).ok());
    ++during;
  });
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_GE(steps.size(), 10u) << "the copy was not made in steps";
  for (size_t i = 1; i < steps.size(); ++i) {
    EXPECT_GT(steps[i].pages_done, steps[i - 1].pages_done) << "the copy restarted at step " << i;
  }
  EXPECT_EQ(steps.back().pages_done, steps.back().pages_total);
  ASSERT_TRUE(made->counts.has_value());
  EXPECT_EQ(made->counts->object_versions, kBefore);

  auto live = store.CountObjects();
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(*live, kBefore + 5 * during) << "the writes between the steps were not committed";

  // Restored, it holds what was committed when the backup began, and no more; the restore reports
  // its progress step by step and is recorded in the restored store's audit log.
  RestoreOptions options;
  options.actor = "cli:operator";
  std::map<std::string, std::vector<StepProgress>> progress;
  options.progress = [&](const StepProgress& p) { progress[std::string(p.step)].push_back(p); };
  auto restored = RestoreDataDir((root / "b").string(), (root / "r").string(), options);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->counts.object_versions, kBefore);
  EXPECT_FALSE(restored->replaced_dir.has_value());
  const int64_t bytes = restored->backup.check.bytes;
  ASSERT_GT(bytes, 2 * static_cast<int64_t>(kSha256FileBlockBytes)) << "too small to report steps";
  for (const char* step : {"verifying the backup", "copying the store"}) {
    const auto& seen = progress[step];
    ASSERT_GE(seen.size(), 3u) << step;
    for (size_t i = 1; i < seen.size(); ++i) {
      EXPECT_GT(seen[i].done_bytes, seen[i - 1].done_bytes) << step << " " << i;
    }
    EXPECT_EQ(seen.back().done_bytes, bytes) << step;
    EXPECT_EQ(seen.back().total_bytes, bytes) << step;
  }
  EXPECT_EQ(progress["opening the restored store"].size(), 1u);
  EXPECT_EQ(progress.size(), 3u);

  auto reopened = OpenStore((root / "r").string(), OpenMode::kOpenExisting);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(*(*reopened)->CountObjects(), kBefore);
  AuditQuery q;
  q.limit = kMaxAuditPage;
  auto entries = AuditLogOf(**reopened).List(q);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_FALSE(entries->empty());
  const audit::Entry& last = entries->front();
  EXPECT_EQ(last.action, kRestoreAuditAction);
  EXPECT_EQ(last.actor, "cli:operator");
  EXPECT_EQ(last.result, audit::kDone);
  EXPECT_EQ(last.target, "backup:" + restored->backup.backup_dir);
  EXPECT_NE(last.details.find("restored into " + restored->data_dir), std::string::npos);
  EXPECT_NE(last.details.find(restored->backup.check.sha256), std::string::npos) << last.details;
  EXPECT_NE(last.details.find(restored->backup.manifest_sha256), std::string::npos);
  EXPECT_EQ(restored->backup.manifest_sha256,
            Sha256File((root / "b" / kBackupManifestName).string())->hex());
  // Appended after the backup's own entries: the chain still verifies.
  const audit::Verifier v = testing::VerifiedHubChain(AuditLogOf(**reopened));
  EXPECT_TRUE(v.intact()) << v.why();
  EXPECT_EQ(v.checked(), static_cast<int64_t>(entries->size()));
  EXPECT_EQ(last.number, static_cast<int64_t>(entries->size()));
}

TEST(BackupDataDirTest, AChangedBackupIsRefusedAndAnOldOneIsNotABackup) {
  TempDir dir;
  const fs::path root = fs::path(dir.data()).parent_path();
  {
    auto opened = OpenStore(dir.data(), OpenMode::kCreateIfMissing);
    ASSERT_TRUE(opened.ok());
    ASSERT_TRUE(Put(**opened, Objects('a', 10)).ok());
  }
  ASSERT_TRUE(BackupDataDir(dir.data(), (root / "b").string()).ok());
  ASSERT_TRUE(VerifyBackup((root / "b").string()).ok());
  EXPECT_EQ(BackupDataDir(dir.data(), (root / "b").string()).status().code(),
            ErrorCode::kAlreadyExists);

  // A data directory is not a backup.
  EXPECT_EQ(VerifyBackup(dir.data()).status().code(), ErrorCode::kInvalidArgument);
  // Its store opened and written after it was made: refused as changed.
  {
    auto opened = OpenStore((root / "b").string(), OpenMode::kOpenExisting);
    ASSERT_TRUE(opened.ok());
    ASSERT_TRUE(Put(**opened, Objects('c', 1)).ok());
  }
  auto changed = VerifyBackup((root / "b").string());
  EXPECT_EQ(changed.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(changed.status().message().find("SHA-256"), std::string::npos)
      << changed.status().message();
  EXPECT_EQ(RestoreDataDir((root / "b").string(), (root / "r").string()).status().code(),
            ErrorCode::kCorrupt);
  EXPECT_FALSE(fs::exists(root / "r"));
}

}  // namespace
}  // namespace tessera::store
