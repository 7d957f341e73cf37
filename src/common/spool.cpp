#include "common/spool.h"

#include <cerrno>
#include <cstring>

namespace tessera {
namespace {

Status SpoolError(std::string_view what) {
  return IoError(std::string(what) + ": " + std::strerror(errno));
}

}  // namespace

LineSpool::LineSpool(size_t memory_bytes, OpenTemporary open_temporary)
    : memory_bytes_(memory_bytes), open_temporary_(open_temporary) {}

LineSpool::~LineSpool() {
  if (spill_ != nullptr) std::fclose(spill_);
}

Status LineSpool::Add(std::string_view line) {
  memory_ += line;
  memory_ += '\n';
  if (memory_.size() <= memory_bytes_) return Status::Ok();
  if (spill_ == nullptr && (spill_ = open_temporary_()) == nullptr) {
    return SpoolError("cannot create a temporary file for the report");
  }
  if (std::fwrite(memory_.data(), 1, memory_.size(), spill_) != memory_.size()) {
    return SpoolError("cannot write the report's temporary file");
  }
  memory_.clear();
  return Status::Ok();
}

Status LineSpool::PrintTo(std::ostream& out) {
  if (spill_ != nullptr) {
    // A write the stream buffered may fail only now; rewind would forget that it did.
    if (std::fflush(spill_) != 0) return SpoolError("cannot write the report's temporary file");
    std::rewind(spill_);
    std::string chunk(64 * 1024, '\0');
    while (const size_t n = std::fread(chunk.data(), 1, chunk.size(), spill_)) {
      out.write(chunk.data(), static_cast<std::streamsize>(n));
    }
    if (std::ferror(spill_) != 0) {
      return SpoolError("cannot read the report's temporary file back");
    }
  }
  out << memory_;
  return Status::Ok();
}

}  // namespace tessera
