#pragma once
// Newline-delimited input from a file, standard input or memory, gzip-compressed or not
// (detected from the content), in large blocks, without a copy per line.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "hunt/input_stream.h"

namespace tessera::hunt {

// Bytes that are readable after every line LineReader returns (what simdjson needs to parse the
// line in place).
inline constexpr size_t kLinePadding = 64;

class LineReader {
 public:
  static constexpr size_t kDefaultMaxLine = 4u << 20;

  // Opens `path` ("-" is standard input; gzip or not, InputStream). kIo with the reason when it
  // cannot be opened.
  static Result<std::unique_ptr<LineReader>> Open(const std::string& path,
                                                  size_t max_line = kDefaultMaxLine,
                                                  const InputLimits& input_limits = {});
  // Reads `data` as plain text (no decompression).
  static std::unique_ptr<LineReader> FromString(std::string data,
                                                size_t max_line = kDefaultMaxLine);
  // Reads the borrowed `data` in place, without copying it: kLinePadding readable bytes must
  // follow data.end(), and `data` must outlive the reader (or the next Reset). The returned lines
  // are views into `data`.
  static std::unique_ptr<LineReader> FromView(std::string_view data,
                                              size_t max_line = kDefaultMaxLine);
  // View mode only: starts over on `data` (same requirements as FromView), line numbers from 1.
  void Reset(std::string_view data);
  ~LineReader();

  // The next line, without its "\n" or "\r\n", in *line; kLinePadding readable bytes follow it.
  // The view stays valid until the next call. A line longer than max_line is skipped and
  // reported as *oversized = true with an empty line. Returns false at the end of the input;
  // InputStream::Read's errors (kIo, kCorrupt for a damaged gzip stream, kLimitExceeded).
  Result<bool> Next(std::string_view* line, bool* oversized);

  // The 1-based number of the line last returned.
  uint64_t line_number() const { return line_number_; }

 private:
  LineReader(std::unique_ptr<InputStream> input, std::string memory, size_t max_line);
  explicit LineReader(size_t max_line);  // view mode
  Status Fill();
  Result<bool> NextInView(std::string_view* line, bool* oversized);

  std::unique_ptr<InputStream> input_;
  std::string memory_;  // FromString: the data
  bool view_mode_ = false;
  std::string_view view_;  // FromView: the data still to read
  size_t memory_pos_ = 0;
  size_t max_line_;
  std::vector<char> buf_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool skipping_ = false;  // inside an over-long line
  uint64_t line_number_ = 0;
};

}  // namespace tessera::hunt
