#pragma once
// `tessera hunt`'s progress line on standard error: bytes read (of the total when the inputs are
// files), the read rate and the hits so far, redrawn in place. Draws nothing unless enabled
// (standard error is a terminal and --quiet was not given). Not thread-safe: fed from the thread
// that runs the hunt (hunt::ParallelOptions::progress calls come from it).

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "hunt/parallel.h"

namespace tessera::cli {

class HuntProgressLine {
 public:
  explicit HuntProgressLine(bool enabled)
      : enabled_(enabled), start_(std::chrono::steady_clock::now()) {
    winsize ws{};
    if (enabled_ && ::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
      columns_ = std::max<size_t>(ws.ws_col, 20);
    }
  }
  ~HuntProgressLine() { Clear(); }
  HuntProgressLine(const HuntProgressLine&) = delete;
  HuntProgressLine& operator=(const HuntProgressLine&) = delete;

  // "1.24 GB of 2.00 GB (62%), 415 MB/s, 1234 hits"; the last call (p.done) erases the line.
  void Show(const hunt::HuntProgress& p) {
    if (!enabled_) return;
    if (p.done) {
      Clear();
      return;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    char text[160];
    const double read_gb = static_cast<double>(p.bytes_read) / 1e9;
    const double rate = seconds > 0 ? static_cast<double>(p.bytes_read) / 1e6 / seconds : 0;
    int n = 0;
    if (p.bytes_total > 0) {
      n = std::snprintf(
          text, sizeof text, "\r%.2f GB of %.2f GB (%.0f%%), %.0f MB/s, %llu hits", read_gb,
          static_cast<double>(p.bytes_total) / 1e9,
          100.0 * static_cast<double>(p.bytes_read) / static_cast<double>(p.bytes_total), rate,
          static_cast<unsigned long long>(p.hits));
    } else {
      n = std::snprintf(text, sizeof text, "\r%.2f GB read, %.0f MB/s, %llu hits", read_gb, rate,
                        static_cast<unsigned long long>(p.hits));
    }
    if (n <= 0) return;
    std::string line(text, std::min<size_t>(static_cast<size_t>(n), sizeof text - 1));
    if (line.size() > columns_) line.resize(columns_ - 1);  // keeps the leading '\r'
    if (line.size() < width_) line += std::string(width_ - line.size(), ' ');
    width_ = line.size();
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
  }

  // Erases the line so that other messages start on a clean one.
  void Clear() {
    if (!enabled_ || width_ == 0) return;
    std::fprintf(stderr, "\r%s\r", std::string(width_, ' ').c_str());
    std::fflush(stderr);
    width_ = 0;
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  size_t columns_ = 80;
  size_t width_ = 0;
};

}  // namespace tessera::cli
