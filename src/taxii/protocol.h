#pragma once
// TAXII 2.1 protocol basics on top of the HTTP layer: the media type and its negotiation
// (TAXII 2.1 §1.6.8), error message bodies (§3.6.1) and the server discovery resource (§4.1).
// The TAXII resources over the store (API roots, collections, objects) build on these.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "http/media_type.h"
#include "http/message.h"
#include "http/router.h"

namespace tessera::taxii {

// What a TAXII 2.1 server sends (Content-Type of every TAXII response).
constexpr std::string_view kTaxiiMediaType = "application/taxii+json;version=2.1";

// The TAXII 2.1 media type as a MediaType (application/taxii+json, version=2.1).
const http::MediaType& TaxiiMediaType();

// True when the request's Accept header lets us answer with kTaxiiMediaType: it has a range
// matching application/taxii+json;version=2.1 (application/taxii+json without a version means the
// latest, 2.1; also application/* and */*) with q > 0, or no Accept header at all.
bool AcceptsTaxii(const http::Request& request);

// True when `content_type` (a Content-Type value) is application/taxii+json with version 2.1 or
// no version parameter: what a TAXII 2.1 server takes in request bodies (else 415).
bool IsTaxiiContentType(std::string_view content_type);

// A TAXII 2.1 error message (§3.6.1): Content-Type kTaxiiMediaType, body
// {"title": ..., "description": ..., "http_status": "<code>"}; `description` is left out when
// empty. Usable as a Router ErrorRenderer.
http::Response TaxiiError(http::HttpStatus status, std::string_view title,
                          std::string_view description);

// 406 for a request whose Accept header rules out kTaxiiMediaType.
http::Response TaxiiNotAcceptable(const http::Request& request);

// The server discovery resource (§4.1).
struct DiscoveryInfo {
  std::string title;                   // required, non-empty
  std::string description;             // left out when empty
  std::string contact;                 // left out when empty
  std::string default_api_root;        // URL of the default API root; left out when empty
  std::vector<std::string> api_roots;  // URLs of the API roots; may be empty
};

// The discovery document as JSON text.
std::string DiscoveryJson(const DiscoveryInfo& info);

// Registers GET /taxii2/ answering the discovery document (406 when Accept rules it out).
// kInvalidArgument when info.title is empty; what Router::Add returns otherwise.
Status AddDiscoveryRoute(http::Router& router, const DiscoveryInfo& info);

}  // namespace tessera::taxii
