#include "hunt/input_stream.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tessera::hunt {
namespace {
constexpr size_t kInputBlock = 1u << 18;
}

struct InputStream::Zlib {
  z_stream s{};
  bool initialized = false;
  ~Zlib() {
    if (initialized) inflateEnd(&s);
  }
};

InputStream::InputStream(int fd, std::string name, const InputLimits& limits)
    : fd_(fd), name_(std::move(name)), limits_(limits), in_(new char[kInputBlock]) {}

InputStream::~InputStream() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<InputStream>> InputStream::Open(const std::string& path,
                                                       const InputLimits& limits) {
  const int fd = path == "-" ? ::dup(STDIN_FILENO) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open '" + path + "': " + std::strerror(errno));
  return std::unique_ptr<InputStream>(
      new InputStream(fd, path == "-" ? "standard input" : path, limits));
}

Status InputStream::FillInput() {
  if (in_pos_ > 0) {
    std::memmove(in_.get(), in_.get() + in_pos_, in_end_ - in_pos_);
    in_end_ -= in_pos_;
    in_pos_ = 0;
  }
  while (in_end_ < kInputBlock && !eof_) {
    const ssize_t n = ::read(fd_, in_.get() + in_end_, kInputBlock - in_end_);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError(name_ + ": read failed: " + std::strerror(errno));
    }
    if (n == 0) {
      eof_ = true;
      break;
    }
    in_end_ += static_cast<size_t>(n);
    file_offset_ += static_cast<uint64_t>(n);
    break;  // one read per fill: a pipe gives what it has
  }
  return Status::Ok();
}

Result<size_t> InputStream::Read(char* buf, size_t size) {
  if (!error_.ok()) return error_;
  if (size == 0) return size_t{0};
  if (!started_) {
    started_ = true;
    while (in_end_ < 2 && !eof_) {
      if (Status st = FillInput(); !st.ok()) return error_ = st;
    }
    gzip_ = in_end_ >= 2 && static_cast<unsigned char>(in_[0]) == 0x1f &&
            static_cast<unsigned char>(in_[1]) == 0x8b;
  }
  if (gzip_) {
    auto r = Inflate(buf, size);
    if (!r.ok()) error_ = r.status();
    return r;
  }
  if (in_pos_ == in_end_) {
    if (eof_) return size_t{0};
    // Plain input: large reads go straight into the caller's buffer.
    while (true) {
      const ssize_t n = ::read(fd_, buf, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        return error_ = IoError(name_ + ": read failed: " + std::strerror(errno));
      }
      if (n == 0) eof_ = true;
      file_offset_ += static_cast<uint64_t>(n);
      return static_cast<size_t>(n);
    }
  }
  const size_t n = std::min(size, in_end_ - in_pos_);
  std::memcpy(buf, in_.get() + in_pos_, n);
  in_pos_ += n;
  return n;
}

Result<size_t> InputStream::Inflate(char* buf, size_t size) {
  if (!z_) {
    z_ = std::make_unique<Zlib>();
    if (inflateInit2(&z_->s, 16 + MAX_WBITS) != Z_OK)
      return Internal(name_ + ": cannot start gzip decompression");
    z_->initialized = true;
    in_member_ = true;
  }
  size_t produced = 0;
  // An error after some bytes came out: those bytes are returned first (they are the lines
  // before the damage) and the error on the next call.
  auto fail = [&](Status st) -> Result<size_t> {
    if (produced == 0) return st;
    error_ = std::move(st);
    return produced;
  };
  while (produced < size) {
    if (!in_member_) {
      // Between members: the end of the input, or the start of another member.
      if (in_end_ - in_pos_ < 2 && !eof_) {
        if (Status st = FillInput(); !st.ok()) return fail(std::move(st));
        continue;
      }
      if (in_pos_ == in_end_) break;  // the end
      const auto* p = reinterpret_cast<const unsigned char*>(in_.get() + in_pos_);
      if (in_end_ - in_pos_ < 2 || p[0] != 0x1f || p[1] != 0x8b) {
        return fail(Corrupt(name_ + ": damaged gzip file: the bytes at compressed offset " +
                            std::to_string(offset()) +
                            " (after a complete member) do not start another member; the rest of "
                            "the log is not read"));
      }
      if (inflateReset(&z_->s) != Z_OK) return fail(Internal(name_ + ": cannot restart gzip"));
      in_member_ = true;
    }
    if (in_pos_ == in_end_) {
      if (eof_) {
        return fail(Corrupt(name_ + ": truncated gzip stream: it ends at compressed offset " +
                            std::to_string(offset()) + " inside a member"));
      }
      if (Status st = FillInput(); !st.ok()) return fail(std::move(st));
      continue;
    }
    z_->s.next_in = reinterpret_cast<Bytef*>(in_.get() + in_pos_);
    z_->s.avail_in = static_cast<uInt>(in_end_ - in_pos_);
    z_->s.next_out = reinterpret_cast<Bytef*>(buf + produced);
    z_->s.avail_out = static_cast<uInt>(std::min<size_t>(size - produced, 1u << 30));
    const uInt out_before = z_->s.avail_out;
    const int rc = inflate(&z_->s, Z_NO_FLUSH);
    in_pos_ = in_end_ - z_->s.avail_in;
    const size_t n = out_before - z_->s.avail_out;
    produced += n;
    inflated_ += n;
    if (rc == Z_STREAM_END) {
      in_member_ = false;
    } else if (rc == Z_BUF_ERROR) {
      // No progress possible: the output is full, or more input is needed (read above).
      if (z_->s.avail_out == 0) break;
      if (z_->s.avail_in > 0) {
        return fail(Corrupt(name_ + ": damaged gzip stream at compressed offset " +
                            std::to_string(offset())));
      }
    } else if (rc != Z_OK) {
      const char* why = z_->s.msg != nullptr ? z_->s.msg : "invalid data";
      return fail(Corrupt(name_ + ": damaged gzip stream at compressed offset " +
                          std::to_string(offset()) + ": " + why));
    }
    if (inflated_ > limits_.ratio_floor &&
        inflated_ / std::max<uint64_t>(offset(), 1) > limits_.max_inflate_ratio) {
      return fail(LimitExceeded(
          name_ + ": stopped after inflating " + std::to_string(inflated_ >> 20) + " MiB from " +
          std::to_string(offset()) + " compressed bytes: more than " +
          std::to_string(limits_.max_inflate_ratio) + " times its size, a decompression bomb"));
    }
  }
  return produced;
}

}  // namespace tessera::hunt
