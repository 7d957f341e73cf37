#include "taxii/protocol.h"

#include <boost/json.hpp>
#include <memory>
#include <utility>

#include "http/router.h"

namespace tessera::taxii {

using http::AcceptWeight;
using http::HttpStatus;
using http::MediaType;
using http::Method;
using http::ParseMediaType;
using http::Request;
using http::Response;
using http::Router;

const MediaType& TaxiiMediaType() {
  static const MediaType* const kType = [] {
    auto parsed = ParseMediaType(kTaxiiMediaType);
    assert(parsed.ok());
    return new MediaType(std::move(*parsed));
  }();
  return *kType;
}

bool AcceptsTaxii(const Request& request) {
  if (!request.HasHeader("Accept")) return true;
  return AcceptWeight(request.Header("Accept"), TaxiiMediaType()) > 0.0;
}

bool IsTaxiiContentType(std::string_view content_type) {
  auto mt = ParseMediaType(content_type);
  if (!mt.ok() || mt->type != "application" || mt->subtype != "taxii+json") return false;
  const std::string* version = mt->Param("version");
  return version == nullptr || *version == "2.1";
}

Response TaxiiError(HttpStatus status, std::string_view title, std::string_view description) {
  // The router's error shape (valid UTF-8 whatever the request held), as TAXII's media type.
  Response r = http::DefaultErrorResponse(status, title, description);
  r.content_type = std::string(kTaxiiMediaType);
  return r;
}

Response TaxiiNotAcceptable(const Request& request) {
  std::string accept(request.Header("Accept").substr(0, 200));
  return TaxiiError(HttpStatus::not_acceptable, "Not Acceptable",
                    "this resource is only available as " + std::string(kTaxiiMediaType) +
                        "; the request's Accept header (" + accept + ") rules it out");
}

std::string DiscoveryJson(const DiscoveryInfo& info) {
  boost::json::object doc;
  doc["title"] = info.title;
  if (!info.description.empty()) doc["description"] = info.description;
  if (!info.contact.empty()) doc["contact"] = info.contact;
  if (!info.default_api_root.empty()) doc["default"] = info.default_api_root;
  boost::json::array roots;
  for (const std::string& r : info.api_roots) roots.emplace_back(r);
  doc["api_roots"] = std::move(roots);
  return boost::json::serialize(doc);
}

Status AddDiscoveryRoute(Router& router, const DiscoveryInfo& info) {
  if (info.title.empty()) return InvalidArgument("the discovery title must not be empty");
  // The document does not change while the server runs: serialize it once.
  auto body = std::make_shared<const std::string>(DiscoveryJson(info));
  return router.Add(Method::kGet, "/taxii2/", [body](const Request& request) {
    if (!AcceptsTaxii(request)) return TaxiiNotAcceptable(request);
    return Response::Make(HttpStatus::ok, std::string(kTaxiiMediaType), *body);
  });
}

}  // namespace tessera::taxii
