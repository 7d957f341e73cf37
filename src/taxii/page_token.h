#pragma once
// The `next` token of TAXII paging. It is an opaque cursor, not a secret: base64url (no padding)
// of a version byte, the seq of the last row the previous page returned, the seq bound fixed when
// the first page was served (so that versions added while a client pages neither shift nor change
// "last"/"first" answers), and a 32-bit check so that a mangled token is rejected instead of
// silently paging from a wrong place. It carries no access rights: every page is filtered again
// for the reader presenting it.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tessera::taxii {

struct PageCursor {
  int64_t after_seq = 0;  // rows with seq > after_seq
  int64_t up_to_seq = 0;  // rows with seq <= up_to_seq (> 0)

  bool operator==(const PageCursor&) const = default;
};

// A token of 28 characters. Pure; thread-safe.
std::string EncodePageToken(const PageCursor& cursor);

// The cursor in `token`, or kInvalidArgument when it is not a token EncodePageToken made (wrong
// length or alphabet, unknown version, failed check, negative or inconsistent seqs).
Result<PageCursor> DecodePageToken(std::string_view token);

}  // namespace tessera::taxii
