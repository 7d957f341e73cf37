#include "http/access_note.h"

#include <boost/json.hpp>
#include <utility>

namespace tessera::http {
namespace {
thread_local std::optional<AccessNote> note;
}  // namespace

void NoteAccess(std::string user, int64_t org) { note = AccessNote{std::move(user), org}; }

std::optional<AccessNote> TakeAccessNote() {
  std::optional<AccessNote> out = std::move(note);
  note.reset();
  return out;
}

std::string ErrorDescription(const Response& response) {
  if (response.body.empty()) return "";
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(response.body, ec);
  if (!ec && v.is_object()) {
    for (const char* key : {"description", "title"}) {
      if (const auto* m = v.as_object().if_contains(key); m != nullptr && m->is_string()) {
        return std::string(m->as_string());
      }
    }
  }
  return response.body.substr(0, 200);
}

}  // namespace tessera::http
