// The web interface's files: what LoadSite accepts and refuses, and what GET / and
// GET /assets/{file} answer (caching and security headers, routing beside other routes).

#include "webui/site.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace tessera::webui {
namespace {

namespace fs = std::filesystem;
using http::HttpStatus;
using http::Method;
using http::Request;
using http::Response;

class SiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tessera-site-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    fs::create_directories(dir_ / "assets");
    Write("index.html", "<!doctype html><script src=\"/assets/app-ABCD2345.js\"></script>");
    Write("assets/app-ABCD2345.js", "console.log(1)");
    Write("assets/app-QRST6789.css", "body{}");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name) << content;
  }

  fs::path dir_;
};

TEST_F(SiteTest, LoadsIndexAndHashedAssets) {
  auto site = LoadSite(dir_);
  ASSERT_TRUE(site.ok()) << site.status().ToString();
  EXPECT_NE(site->index_html.find("app-ABCD2345.js"), std::string::npos);
  ASSERT_EQ(site->assets.size(), 2u);
  EXPECT_EQ(site->assets.at("app-ABCD2345.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(site->assets.at("app-QRST6789.css").content_type, "text/css; charset=utf-8");
}

TEST_F(SiteTest, RefusesWhatCouldNotBeCachedSafelyOrServedRightly) {
  struct Case {
    std::string file;
    bool accepted;
  };
  const Case cases[] = {
      {"chunk-Z9Y8X7W6.js", true}, {"app-ABCD2345.js.map", true}, {"logo-0123abcd.svg", true},
      {"app.js", false},            // no hash: a year of caching would keep an old build
      {"app-ABC.js", false},        // a hash too short to be one
      {"-ABCD2345.js", false},      // no name
      {"app-ABCD2345.exe", false},  // no media type
      {"app-ABCD 345.js", false},   // a character outside [A-Za-z0-9_.-]
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    Write("assets/" + c.file, "x");
    auto site = LoadSite(dir_);
    EXPECT_EQ(site.ok(), c.accepted) << site.status().ToString();
    if (!c.accepted) {
      EXPECT_EQ(site.status().code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(site.status().message().find(c.file), std::string::npos) << site.status().message();
    }
    fs::remove(dir_ / "assets" / c.file);
  }
  fs::create_directories(dir_ / "assets" / "sub-ABCD2345.js");
  EXPECT_EQ(LoadSite(dir_).status().code(), ErrorCode::kInvalidArgument);
  fs::remove(dir_ / "assets" / "sub-ABCD2345.js");

  SiteLimits small;
  small.max_files = 1;
  EXPECT_EQ(LoadSite(dir_, small).status().code(), ErrorCode::kInvalidArgument);
  small = SiteLimits{};
  small.max_file_bytes = 10;
  EXPECT_EQ(LoadSite(dir_, small).status().code(), ErrorCode::kInvalidArgument);

  fs::remove(dir_ / "index.html");
  EXPECT_EQ(LoadSite(dir_).status().code(), ErrorCode::kNotFound);
}

TEST_F(SiteTest, DefaultDirsAreInstalledThenBuildTree) {
  const auto dirs = DefaultSiteDirs("/opt/tessera/bin/tessera");
  ASSERT_EQ(dirs.size(), 2u);
  EXPECT_EQ(dirs[0].lexically_normal(), fs::path("/opt/tessera/share/tessera/web"));
  EXPECT_EQ(dirs[1].lexically_normal(), fs::path("/opt/web"));
}

// What each path answers, with the headers that must (or must not) come with it.
TEST_F(SiteTest, RoutesAnswerWithTheirCachingAndEveryUiAnswerWithTheSecurityHeaders) {
  auto site = LoadSite(dir_);
  ASSERT_TRUE(site.ok());
  http::Router router;
  ASSERT_TRUE(AddSiteRoutes(router, std::make_shared<const Site>(*site)).ok());
  // Another component's route beside it keeps its own answers.
  ASSERT_TRUE(router
                  .Add(Method::kGet, "/api/v1/whoami",
                       [](const Request&) {
                         return Response::Make(HttpStatus::unauthorized, "application/json", "{}");
                       })
                  .ok());
  struct Case {
    Method method;
    std::string target;
    HttpStatus status;
    std::string content_type;
    std::string cache_control;  // "": none expected
    bool ui;                    // the security headers expected
  };
  const std::string immutable = "public, max-age=31536000, immutable";
  const Case cases[] = {
      {Method::kGet, "/", HttpStatus::ok, "text/html; charset=utf-8", "no-cache", true},
      {Method::kGet, "/?x=1", HttpStatus::ok, "text/html; charset=utf-8", "no-cache", true},
      {Method::kHead, "/", HttpStatus::ok, "text/html; charset=utf-8", "no-cache", true},
      {Method::kGet, "/assets/app-ABCD2345.js", HttpStatus::ok, "text/javascript; charset=utf-8",
       immutable, true},
      {Method::kGet, "/assets/app-QRST6789.css", HttpStatus::ok, "text/css; charset=utf-8",
       immutable, true},
      {Method::kGet, "/assets/app-OLD00000.js", HttpStatus::not_found, "application/json",
       "no-cache", true},
      {Method::kGet, "/assets/..%2Findex.html", HttpStatus::not_found, "application/json",
       "no-cache", true},
      {Method::kPost, "/", HttpStatus::method_not_allowed, "application/json", "", false},
      {Method::kGet, "/api/v1/whoami", HttpStatus::unauthorized, "application/json", "", false},
      {Method::kGet, "/index.html", HttpStatus::not_found, "application/json", "", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(http::MethodName(c.method)) + " " + c.target);
    Request req = Request::Make(c.method, c.target);
    Response r = router.Handle(req);
    EXPECT_EQ(r.status, c.status);
    EXPECT_EQ(r.content_type, c.content_type);
    EXPECT_EQ(r.Header("Cache-Control"), c.cache_control);
    for (const auto& [name, value] : kSecurityHeaders) {
      EXPECT_EQ(r.Header(name), c.ui ? value : "") << name;
    }
  }
  const std::string csp(kSecurityHeaders[0].second);
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
}

}  // namespace
}  // namespace tessera::webui
