#include "webui/site.h"

#include <system_error>
#include <vector>

#include "common/file.h"

namespace tessera::webui {
namespace {

namespace fs = std::filesystem;
using http::HttpStatus;
using http::Response;

constexpr size_t kMinHashChars = 8;

// The media type of an asset by its extension; empty when the site may not hold it.
std::string_view ContentTypeOf(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".map", "application/json"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".woff2", "font/woff2"},
      {".ico", "image/x-icon"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (name.ends_with(ext)) return type;
  }
  return {};
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Whether `name` is `<name>-<hash>.<extension...>` with a hash of kMinHashChars or more letters
// and digits (esbuild's "[name]-[hash]").
bool IsHashedName(std::string_view name) {
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  const size_t dot = name.find('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  const std::string_view stem = name.substr(0, dot);
  const size_t dash = stem.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return false;
  const std::string_view hash = stem.substr(dash + 1);
  if (hash.size() < kMinHashChars) return false;
  for (char c : hash) {
    if (!IsAlnum(c)) return false;
  }
  return true;
}

Response WithSecurityHeaders(Response r) {
  for (const auto& [name, value] : kSecurityHeaders) {
    r.headers.emplace_back(std::string(name), std::string(value));
  }
  return r;
}

}  // namespace

Result<Site> LoadSite(const fs::path& dir, SiteLimits limits) {
  Site site;
  site.dir = dir;
  const fs::path index = dir / "index.html";
  std::error_code ec;
  if (!fs::is_regular_file(index, ec)) {
    return NotFound("no web interface in " + dir.string() + " (no index.html)");
  }
  TESSERA_ASSIGN_OR_RETURN(site.index_html, ReadInput(index.string()));
  size_t total = site.index_html.size();
  if (total > limits.max_file_bytes) {
    return InvalidArgument(index.string() + " is larger than " +
                           std::to_string(limits.max_file_bytes) + " bytes");
  }
  const fs::path assets = dir / "assets";
  if (!fs::exists(assets, ec)) return site;
  fs::directory_iterator it(assets, ec);
  if (ec) return IoError("reading " + assets.string() + ": " + ec.message());
  for (const fs::directory_entry& entry : it) {
    const std::string name = entry.path().filename().string();
    const std::string shown = entry.path().string();
    if (!entry.is_regular_file(ec)) {
      return InvalidArgument(shown + " is not a file (the assets folder is flat)");
    }
    if (!IsHashedName(name)) {
      return InvalidArgument(shown + ": an asset's name must be <name>-<hash>.<extension> " +
                             "(it is cached for a year: a new content needs a new name)");
    }
    const std::string_view type = ContentTypeOf(name);
    if (type.empty()) return InvalidArgument(shown + ": no known media type for its extension");
    if (site.assets.size() >= limits.max_files) {
      return InvalidArgument(assets.string() + " holds more than " +
                             std::to_string(limits.max_files) + " files");
    }
    if (entry.file_size(ec) > limits.max_file_bytes) {
      return InvalidArgument(shown + " is larger than " + std::to_string(limits.max_file_bytes) +
                             " bytes");
    }
    TESSERA_ASSIGN_OR_RETURN(std::string body, ReadInput(entry.path().string()));
    total += body.size();
    if (body.size() > limits.max_file_bytes || total > limits.max_total_bytes) {
      return InvalidArgument(dir.string() + ": the interface's files pass " +
                             std::to_string(limits.max_total_bytes) + " bytes");
    }
    site.assets.emplace(name, SiteFile{std::string(type), std::move(body)});
  }
  return site;
}

std::vector<fs::path> DefaultSiteDirs(const fs::path& executable) {
  const fs::path bin = executable.parent_path();
  return {bin / ".." / "share" / "tessera" / "web", bin / ".." / ".." / "web"};
}

Status AddSiteRoutes(http::Router& router, std::shared_ptr<const Site> site) {
  http::RouteOptions options;
  options.name = "web";
  TESSERA_RETURN_IF_ERROR(router.Add(
      http::Method::kGet, "/",
      [site](const http::Request&) {
        Response r = Response::Make(HttpStatus::ok, "text/html; charset=utf-8", site->index_html);
        r.headers.emplace_back("Cache-Control", "no-cache");
        return WithSecurityHeaders(std::move(r));
      },
      options));
  return router.Add(
      http::Method::kGet, "/assets/{file}",
      [site](const http::Request& request) {
        auto it = site->assets.find(request.PathParam("file"));
        if (it == site->assets.end()) {
          Response r = http::DefaultErrorResponse(
              HttpStatus::not_found, "Not Found",
              "no such file in the web interface (a newer build may have renamed it: reload)");
          r.headers.emplace_back("Cache-Control", "no-cache");
          return WithSecurityHeaders(std::move(r));
        }
        Response r = Response::Make(HttpStatus::ok, it->second.content_type, it->second.body);
        r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
        return WithSecurityHeaders(std::move(r));
      },
      options);
}

}  // namespace tessera::webui
