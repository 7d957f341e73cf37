#pragma once
// The web interface's files (web/, built by web/build.mjs), served by `tessera serve` from
// memory beside the TAXII and admin APIs.
//
// A site directory holds index.html and an assets/ folder of files whose names carry a hash of
// their content ("app-5FJQ2K7M.js"): LoadSite reads them all once (the set is small and bounded)
// and AddSiteRoutes answers
//   GET /                 index.html, Cache-Control: no-cache (the browser asks again each time,
//                         so a new build is seen at once);
//   GET /assets/{file}    that file, Cache-Control: public, max-age=31536000, immutable (a new
//                         build has new names); 404 for any other name;
// HEAD for both (the router's). The interface routes on the URL's fragment ("#/object/..."), so
// no other path is the interface's: the API and TAXII paths are untouched. Every answer of these
// routes carries the headers of kSecurityHeaders: a Content-Security-Policy that allows scripts,
// styles and connections to this origin only (no inline script, no framing), nosniff, no
// referrer, frame denial.

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "http/router.h"

namespace tessera::webui {

// The headers every answer of the interface's routes carries (name, value).
inline constexpr std::pair<std::string_view, std::string_view> kSecurityHeaders[] = {
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
     "form-action 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
};

// Bounds on what LoadSite reads: a bundle is a few files of a few hundred KiB.
struct SiteLimits {
  size_t max_files = 256;             // in assets/
  size_t max_file_bytes = 16 << 20;   // one file
  size_t max_total_bytes = 64 << 20;  // every file
};

struct SiteFile {
  std::string content_type;
  std::string body;
};

// The files of a built interface, read once; immutable afterwards (thread-safe to read).
struct Site {
  std::filesystem::path dir;  // where it was read from
  std::string index_html;
  std::map<std::string, SiteFile, std::less<>> assets;  // by file name
};

// Reads the site in `dir`. kNotFound when `dir` has no index.html; kInvalidArgument naming the
// file when assets/ holds a sub-folder, a name that is not `<name>-<hash of at least 8 letters or
// digits>.<extension>` (only [A-Za-z0-9_.-]), an extension without a known media type (.js, .css,
// .map, .svg, .png, .woff2, .ico, .json), or when a limit is passed; kIo when a file cannot be
// read.
Result<Site> LoadSite(const std::filesystem::path& dir, SiteLimits limits = {});

// Where `tessera serve` looks for the site when --web-dir is not given, first found first:
// <dir of the executable>/../share/tessera/web (an installed tessera in bin/), then
// <dir of the executable>/../../web (the build tree: build/<preset>/src/cli/tessera beside
// build/<preset>/web, where the build writes it).
std::vector<std::filesystem::path> DefaultSiteDirs(const std::filesystem::path& executable);

// Registers GET / and GET /assets/{file} on `router` (see the top of this file). What
// Router::Add returns.
Status AddSiteRoutes(http::Router& router, std::shared_ptr<const Site> site);

}  // namespace tessera::webui
