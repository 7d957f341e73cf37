#pragma once
// Whole files in and out: what the commands read as input and write as results.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tessera {

// An input read in pieces, from the start: a file, or standard input for "-". Not thread-safe.
class InputFile {
 public:
  // kIo with the file name and the OS reason when it cannot be opened.
  static Result<InputFile> Open(const std::string& path);
  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&&) = delete;
  ~InputFile();

  // Reads up to `n` bytes into `out`: how many were read, 0 only at the end of the input. kIo
  // (with the name and the OS reason) on failure.
  Result<size_t> Read(char* out, size_t n);
  // "standard input" or the path.
  const std::string& name() const { return name_; }
  // The size of a regular file when opened; 0 when unknown (a pipe, a terminal).
  uint64_t size() const { return size_; }

 private:
  InputFile(int fd, std::string name, uint64_t size);
  int fd_;
  std::string name_;
  uint64_t size_;
};

// Reads the whole file at `path` ("-" reads standard input). The string has room for
// `spare_capacity` more bytes without reallocating (for a parser that pads its input).
// kIo with the file name and the OS reason on failure.
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
