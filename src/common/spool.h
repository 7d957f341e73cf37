#pragma once
// Text a command prints only once it knows the outcome (a file's refused objects, its warnings),
// kept in bounded memory however long it grows.

#include <cstddef>
#include <cstdio>
#include <ostream>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tessera {

// Lines kept in the order added: in memory up to `memory_bytes`, the rest in an unnamed temporary
// file, so that millions of lines are kept whole in bounded memory. Not thread-safe.
class LineSpool {
 public:
  // Makes the temporary file; nullptr (errno set) when it cannot. std::tmpfile unless a test
  // gives one that fails.
  using OpenTemporary = std::FILE* (*)();
  static constexpr size_t kDefaultMemoryBytes = size_t{4} << 20;

  explicit LineSpool(size_t memory_bytes = kDefaultMemoryBytes,
                     OpenTemporary open_temporary = &std::tmpfile);
  LineSpool(const LineSpool&) = delete;
  LineSpool& operator=(const LineSpool&) = delete;
  ~LineSpool();

  // Keeps `line` (a newline is added). kIo (with the OS reason) when the temporary file cannot
  // be made or written (a full disk); the line is then lost, and PrintTo would be incomplete.
  Status Add(std::string_view line);

  // Writes every line kept to `out`, in order. kIo (with the OS reason) when the temporary file
  // cannot be written out or read back whole: what `out` received is then incomplete.
  Status PrintTo(std::ostream& out);

 private:
  const size_t memory_bytes_;
  const OpenTemporary open_temporary_;
  std::string memory_;          // the lines after those in spill_
  std::FILE* spill_ = nullptr;  // owned; null until memory_ first passes memory_bytes_
};

}  // namespace tessera
