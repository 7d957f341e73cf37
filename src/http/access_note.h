#pragma once
// What the HTTP layer offers handlers that account for their requests: noting who a request was
// authenticated as, for the server's access log, and reading why an error response refused.

#include <cstdint>
#include <optional>
#include <string>

#include "http/message.h"

namespace tessera::http {

// Who a request was authenticated as: the user's name and organization id.
struct AccessNote {
  std::string user;
  int64_t org = 0;
};

// Notes that the request being handled on this thread was authenticated as `user` of `org`: the
// server takes the note on this thread when the handler returns and writes it into the request's
// access-log line (user="..." org=N). Nothing of it is sent. Call it on the handler's thread.
void NoteAccess(std::string user, int64_t org);

// The note made on this thread since the last call, which it clears; nullopt when none. For the
// server.
std::optional<AccessNote> TakeAccessNote();

// What an error response says of why: the "description" (else "title") member of its JSON body,
// else its body's first 200 bytes; "" for a response without a body.
std::string ErrorDescription(const Response& response);

}  // namespace tessera::http
