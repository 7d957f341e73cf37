#pragma once
// The bytes of one log input: a file or standard input, gzip-compressed or not (told from the
// first two bytes), read in blocks. One reader for every way hunt reads logs (LineReader, the
// parallel runner), so that they agree on what a damaged or hostile input is:
//   - a gzip file may hold several members one after the other (what `cat a.gz b.gz` makes); any
//     other bytes after a member, a truncated member or a damaged one is an error naming the
//     file and the compressed offset where it was found, never a silent end of the log;
//   - a gzip stream that inflates to more than InputLimits::max_inflate_ratio times the
//     compressed bytes read, once past InputLimits::ratio_floor, is stopped as a decompression
//     bomb (kLimitExceeded, naming the file and the sizes).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace tessera::hunt {

struct InputLimits {
  // Most bytes one compressed byte may inflate to (gzip reaches about 1,000 on runs of one byte;
  // real logs 5 to 50).
  uint64_t max_inflate_ratio = 250;
  // The ratio is checked only past this many inflated bytes (small files may be very regular).
  uint64_t ratio_floor = 64u << 20;
};

class InputStream {
 public:
  // Opens `path` ("-" is standard input). kIo naming the file when it cannot be opened.
  static Result<std::unique_ptr<InputStream>> Open(const std::string& path,
                                                   const InputLimits& limits = {});
  ~InputStream();
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;

  // Reads up to `size` bytes of content (inflated when compressed) into `buf`; 0 at the end.
  // kIo naming the file for a read error; kCorrupt naming the file and the compressed offset for
  // a damaged gzip stream (bad data, a truncated member, bytes after a member that do not start
  // another); kLimitExceeded for a decompression bomb. After an error every call returns it.
  Result<size_t> Read(char* buf, size_t size);

  // Bytes of the file consumed so far (compressed bytes for gzip).
  uint64_t offset() const { return file_offset_ - (in_end_ - in_pos_); }
  bool compressed() const { return gzip_; }
  const std::string& name() const { return name_; }

 private:
  InputStream(int fd, std::string name, const InputLimits& limits);
  Status FillInput();
  Result<size_t> Inflate(char* buf, size_t size);

  int fd_ = -1;
  std::string name_;
  InputLimits limits_;
  bool gzip_ = false;
  bool started_ = false;
  bool eof_ = false;        // the file has no more bytes
  bool in_member_ = false;  // between a member's header and its end
  Status error_;
  std::unique_ptr<char[]> in_;
  size_t in_pos_ = 0, in_end_ = 0;
  uint64_t file_offset_ = 0;  // bytes read from the file
  uint64_t inflated_ = 0;
  struct Zlib;
  std::unique_ptr<Zlib> z_;
};

}  // namespace tessera::hunt
