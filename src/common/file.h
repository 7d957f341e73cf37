#pragma once
// Whole files in and out: what the commands read as input and write as results.

#include <string>
#include <string_view>

#include "common/status.h"

namespace tessera {

// Reads the whole file at `path` ("-" reads standard input). The string has room for
// `spare_capacity` more bytes without reallocating (for a parser that pads its input in place:
// stix::ReadStreamInPlace). kIo with the file name and the OS reason on failure.
Result<std::string> ReadInput(const std::string& path, size_t spare_capacity = 0);

// Who may read a file WriteFileAtomically writes.
enum class FileReaders {
  kAsNewFile,  // mode 0666 less the umask, as a new file would get
  kOwnerOnly,  // mode 0600 whatever the umask: secrets (tokens)
};

// Replaces the file at `path` with `data` so that a reader (or a crash) never sees half of it:
// writes a new temporary file of a unique name beside it (same directory, mode 0600 until it is
// complete), syncs it, gives it the mode of `readers`, renames it over `path` and syncs the
// directory. An existing file's mode is not kept. When it returns ok the new content is durable.
// kIo (naming the file and the OS reason) on failure, and then `path` is unchanged and no
// temporary file is left behind.
Status WriteFileAtomically(const std::string& path, std::string_view data,
                           FileReaders readers = FileReaders::kAsNewFile);

}  // namespace tessera
