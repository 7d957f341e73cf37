// `tessera import` as the operator: objects go into a collection (--collection) as shared by an
// organization (--org), each with the readers the TLP rules give it; a refused object rejects
// its file; `tessera export --collection` lists one collection.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "cli_runner.h"
#include "store/store.h"

namespace {

namespace fs = std::filesystem;
using tessera::testing::CliRun;
using ::testing::HasSubstr;

constexpr const char* kRed = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
constexpr const char* kAmber = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
constexpr const char* kExtension = "extension-definition--c7d6d5b3-7d6e-4f0e-9a59-2c1a1f6e7b41";

std::string Indicator(const std::string& uuid, const std::string& marking,
                      const std::string& extra = "") {
  return R"({"type":"indicator","spec_version":"2.1","id":"indicator--)" + uuid +
         R"(","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
         R"("pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix",)"
         R"("valid_from":"2026-01-01T00:00:00Z","object_marking_refs":[")" +
         marking + "\"]" + extra + "}";
}

class HubImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tessera-hub-import-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    data_ = (root_ / "data").string();
    ASSERT_EQ(Tessera({"init", "--data", data_}).exit_code, 0);
    auto store = Open();
    auto org = store->directory().CreateOrganization("ACME");
    ASSERT_TRUE(org.ok());
    acme_ = *org;
  }
  void TearDown() override { fs::remove_all(root_); }

  CliRun Tessera(const std::vector<std::string>& args) {
    return tessera::testing::RunProgram(TESSERA_CLI, args, root_);
  }
  std::unique_ptr<tessera::store::Store> Open() {
    auto s = tessera::store::OpenStore(data_, tessera::store::OpenMode::kOpenExisting);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  std::string File(const std::string& name, const std::string& ndjson) {
    const fs::path p = root_ / name;
    std::ofstream(p) << ndjson;
    return p.string();
  }

  fs::path root_;
  std::string data_;
  tessera::store::Organization acme_;
};

TEST_F(HubImportTest, ObjectsGetTheReadersTheirTlpGivesForTheProvidingOrganization) {
  const std::string red = "0f7d9c1e-2b1f-4c3a-9a51-6d5e4c3b2a10";
  const std::string amber = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  const std::string file =
      File("in.ndjson", Indicator(red, kRed) + "\n" + Indicator(amber, kAmber) + "\n");
  CliRun r = Tessera({"import", "--data", data_, "--org", "ACME", file});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("2 added"));
  EXPECT_THAT(r.out, HasSubstr("TLP:RED without named recipients: 1 object(s)"));

  auto store = Open();
  tessera::store::ObjectQuery q;
  auto page = store->ListObjects(q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 2u);
  using tessera::store::GrantKey;
  const GrantKey org = GrantKey::Org(acme_.id);
  EXPECT_EQ(page->objects[0].readers, std::vector<GrantKey>{org})
      << "RED without recipients: ACME alone";
  EXPECT_EQ(page->objects[1].readers, (std::vector<GrantKey>{GrantKey::CollectionReaders(), org}))
      << "AMBER: the collection";
  EXPECT_EQ(page->objects[0].provider_org, acme_.id);
}

TEST_F(HubImportTest, AnUnknownRecipientRejectsTheFile) {
  const std::string ext = R"(,"extensions":{")" + std::string(kExtension) +
                          R"(":{"extension_type":"property-extension","recipients":)"
                          R"(["identity--7d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a"]}})";
  const std::string file =
      File("in.ndjson", Indicator("2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", kAmber) + "\n" +
                            Indicator("3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f", kRed, ext) + "\n");
  CliRun r = Tessera({"import", "--data", data_, file});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("1 of 2 object(s) refused; nothing from this file stored"));
  EXPECT_THAT(r.out, HasSubstr("not a member organization"));
  EXPECT_EQ(*Open()->CountObjects(), 0);
}

// An unknown name is refused (exit 1, README's rule), not a usage error.
TEST_F(HubImportTest, UnknownCollectionOrOrganizationIsRefused) {
  const std::string file =
      File("in.ndjson", Indicator("4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a", kAmber));
  CliRun r = Tessera(
      {"import", "--data", data_, "--collection", "9b1f2e3d-4c5b-4a69-8788-99aabbccddee", file});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--collection"));
  r = Tessera({"import", "--data", data_, "--org", "Nobody", file});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--org"));
}

TEST_F(HubImportTest, ImportAndExportOneCollection) {
  std::string second;
  {
    auto store = Open();
    tessera::store::CollectionInfo info;
    info.api_root = "api";
    info.title = "Second";
    auto made = store->directory().CreateCollection(info);
    ASSERT_TRUE(made.ok());
    second = made->id;
  }
  const std::string a = Indicator("5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b", kAmber);
  const std::string b = Indicator("6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c", kAmber);
  ASSERT_EQ(Tessera({"import", "--data", data_, File("a.ndjson", a + "\n" + b + "\n")}).exit_code,
            0);
  ASSERT_EQ(Tessera({"import", "--data", data_, "--collection", second, File("b.ndjson", b + "\n")})
                .exit_code,
            0);
  CliRun one = Tessera({"export", "--data", data_, "--format", "ndjson", "--collection", second});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(std::count(one.out.begin(), one.out.end(), '\n'), 1);
  EXPECT_THAT(one.out, HasSubstr("6f7a8b9c"));
  CliRun all = Tessera({"export", "--data", data_, "--format", "ndjson"});
  ASSERT_EQ(all.exit_code, 0);
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), 2)
      << "an object in two collections is exported once";
}

}  // namespace
