#include "common/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

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

Result<std::string> ReadInput(const std::string& path, size_t spare_capacity) {
  const bool is_stdin = path == "-";
  std::FILE* f = is_stdin ? stdin : std::fopen(path.c_str(), "rb");
  const std::string name = is_stdin ? "standard input" : path;
  if (f == nullptr) return OsError(name, errno);
  std::string data;
  // A regular file is read in one piece into a string of its size (no regrowth and copying of
  // a large input); a pipe, or a file that grows while read, in chunks after it.
  struct stat st {};
  if (::fstat(::fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    data.reserve(static_cast<size_t>(st.st_size) + spare_capacity);
    data.resize(static_cast<size_t>(st.st_size));
    data.resize(std::fread(data.data(), 1, data.size(), f));
  }
  char buf[1 << 16];
  size_t n;
  while (std::ferror(f) == 0 && (n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  if (data.capacity() < data.size() + spare_capacity) data.reserve(data.size() + spare_capacity);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  if (!is_stdin) std::fclose(f);
  if (failed) return OsError(name, err);
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
