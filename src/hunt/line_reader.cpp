#include "hunt/line_reader.h"

#include <algorithm>
#include <cstring>

namespace tessera::hunt {
namespace {
constexpr size_t kReadBlock = 1u << 20;
}

LineReader::LineReader(std::unique_ptr<InputStream> input, std::string memory, size_t max_line)
    : input_(std::move(input)), memory_(std::move(memory)), max_line_(max_line) {
  buf_.resize(max_line_ + kReadBlock + kLinePadding);
}

std::unique_ptr<LineReader> LineReader::FromView(std::string_view data, size_t max_line) {
  std::unique_ptr<LineReader> r(new LineReader(max_line));
  r->Reset(data);
  return r;
}

LineReader::LineReader(size_t max_line) : max_line_(max_line) { view_mode_ = true; }

void LineReader::Reset(std::string_view data) {
  view_ = data;
  line_number_ = 0;
}

Result<bool> LineReader::NextInView(std::string_view* line, bool* oversized) {
  *oversized = false;
  if (view_.empty()) return false;
  const auto* nl = static_cast<const char*>(std::memchr(view_.data(), '\n', view_.size()));
  size_t length = nl != nullptr ? static_cast<size_t>(nl - view_.data()) : view_.size();
  std::string_view text = view_.substr(0, length);
  view_.remove_prefix(nl != nullptr ? length + 1 : length);
  ++line_number_;
  if (length > max_line_) {
    *line = {};
    *oversized = true;
    return true;
  }
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  *line = text;
  return true;
}

LineReader::~LineReader() = default;

Result<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path, size_t max_line,
                                                     const InputLimits& input_limits) {
  TESSERA_ASSIGN_OR_RETURN(auto input, InputStream::Open(path, input_limits));
  return std::unique_ptr<LineReader>(new LineReader(std::move(input), {}, max_line));
}

std::unique_ptr<LineReader> LineReader::FromString(std::string data, size_t max_line) {
  return std::unique_ptr<LineReader>(new LineReader(nullptr, std::move(data), max_line));
}

Status LineReader::Fill() {
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  size_t room = max_line_ + kReadBlock - end_;
  size_t want = room < kReadBlock ? room : kReadBlock;
  if (input_ == nullptr) {
    size_t n = std::min(want, memory_.size() - memory_pos_);
    std::memcpy(buf_.data() + end_, memory_.data() + memory_pos_, n);
    memory_pos_ += n;
    end_ += n;
    if (n == 0) eof_ = true;
    return Status::Ok();
  }
  TESSERA_ASSIGN_OR_RETURN(const size_t n, input_->Read(buf_.data() + end_, want));
  if (n == 0) eof_ = true;
  end_ += n;
  return Status::Ok();
}

Result<bool> LineReader::Next(std::string_view* line, bool* oversized) {
  if (view_mode_) return NextInView(line, oversized);
  *oversized = false;
  while (true) {
    const char* start = buf_.data() + begin_;
    const auto* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    size_t length = 0;
    bool found = false;
    if (nl != nullptr) {
      length = static_cast<size_t>(nl - start);
      found = true;
    } else if (eof_ && begin_ < end_) {
      length = end_ - begin_;
      found = true;
    } else if (eof_) {
      if (skipping_) {
        skipping_ = false;
        ++line_number_;
        *line = {};
        *oversized = true;
        return true;
      }
      return false;
    }
    if (found) {
      size_t consumed = length + (nl != nullptr ? 1 : 0);
      ++line_number_;
      if (skipping_ || length > max_line_) {
        skipping_ = false;
        begin_ += consumed;
        *line = {};
        *oversized = true;
        return true;
      }
      if (length > 0 && start[length - 1] == '\r') --length;
      *line = std::string_view(start, length);
      begin_ += consumed;
      return true;
    }
    if (end_ - begin_ >= max_line_ + 1) {
      // No newline within max_line bytes: drop what we have and skip to the next newline.
      skipping_ = true;
      begin_ = end_ = 0;
    }
    TESSERA_RETURN_IF_ERROR(Fill());
  }
}

}  // namespace tessera::hunt
