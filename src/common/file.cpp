#include "common/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace tessera {
namespace {

Status OsError(const std::string& what, int err) {
  return IoError(what + ": " + std::strerror(err));
}

// The directory part of `path` ("." when it has none).
std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<InputFile> InputFile::Open(const std::string& path) {
  const bool is_stdin = path == "-";
  const std::string name = is_stdin ? "standard input" : path;
  const int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return OsError(name, errno);
  struct stat st {};
  uint64_t size = 0;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    size = static_cast<uint64_t>(st.st_size);
  }
  return InputFile(fd, name, size);
}

InputFile::InputFile(int fd, std::string name, uint64_t size)
    : fd_(fd), name_(std::move(name)), size_(size) {}

InputFile::InputFile(InputFile&& other) noexcept
    : fd_(other.fd_), name_(std::move(other.name_)), size_(other.size_) {
  other.fd_ = -1;
}

InputFile::~InputFile() {
  if (fd_ > STDIN_FILENO) ::close(fd_);
}

Result<size_t> InputFile::Read(char* out, size_t n) {
  for (;;) {
    const ssize_t got = ::read(fd_, out, n);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno != EINTR) return OsError(name_, errno);
  }
}

Result<std::string> ReadInput(const std::string& path, size_t spare_capacity) {
  TESSERA_ASSIGN_OR_RETURN(InputFile in, InputFile::Open(path));
  // A regular file is read into a string of its size (no regrowth and copying of a large
  // input); a pipe, or a file that grows while read, in chunks after it.
  std::string data;
  if (in.size() > 0) data.reserve(static_cast<size_t>(in.size()) + spare_capacity);
  for (;;) {
    const size_t room = data.capacity() - data.size();
    if (room <= spare_capacity) {
      char chunk[1 << 16];
      TESSERA_ASSIGN_OR_RETURN(size_t got, in.Read(chunk, sizeof chunk));
      if (got == 0) break;
      data.append(chunk, got);
      continue;
    }
    const size_t before = data.size();
    data.resize(before + room - spare_capacity);
    auto got = in.Read(data.data() + before, room - spare_capacity);
    if (!got.ok()) return got.status();
    data.resize(before + *got);
    if (*got == 0) break;
  }
  if (data.capacity() < data.size() + spare_capacity) data.reserve(data.size() + spare_capacity);
  return data;
}

Status WriteFileAtomically(const std::string& path, std::string_view data, FileReaders readers) {
  if (path.empty()) return IoError("no file name to write");
  std::string tmp = path + ".XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return OsError("cannot create a temporary file beside " + path, errno);
  auto fail = [&](const std::string& what, int err) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return OsError(what, err);
  };
  // mkstemp makes the file 0600; a result file gets what a new file would get.
  mode_t mode = S_IRUSR | S_IWUSR;
  if (readers == FileReaders::kAsNewFile) {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }
  if (::fchmod(fd, mode) != 0) return fail("cannot set the mode of " + tmp, errno);
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write " + tmp, errno);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot sync " + tmp, errno);
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return OsError("cannot write " + tmp, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return OsError("cannot rename " + tmp + " to " + path, err);
  }
  // The rename is durable once the directory is synced.
  const std::string dir = DirectoryOf(path);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return OsError("cannot open directory " + dir + " to sync it", errno);
  const int rc = ::fsync(dfd);
  const int err = errno;
  ::close(dfd);
  if (rc != 0) return OsError("cannot sync directory " + dir, err);
  return Status::Ok();
}

}  // namespace tessera
