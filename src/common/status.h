#pragma once
// Expected failures as values. No exception crosses a component boundary: functions that can fail
// on input, I/O or access return Status or Result<T>.

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tessera {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,   // the input is malformed or breaks a rule
  kNotFound,          // the thing asked for does not exist (or is not visible)
  kAlreadyExists,     // creating something that exists
  kPermissionDenied,  // authenticated, not allowed
  kUnauthenticated,   // who is asking is unknown
  kLimitExceeded,     // an explicit limit (size, depth, count) was hit
  kIo,                // the file system or network failed
  kCorrupt,           // stored data is not what it must be
  kUnavailable,       // try again later (busy, shutting down)
  kInternal,          // a bug: reported, never silently handled
};

// Name of the code for messages and logs, e.g. "invalid argument".
std::string_view ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {
    assert(code != ErrorCode::kOk);
  }
  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  // What went wrong, in words a user can act on. Empty when ok().
  const std::string& message() const { return message_; }
  // "invalid argument: message"
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {ErrorCode::kAlreadyExists, std::move(m)}; }
inline Status PermissionDenied(std::string m) {
  return {ErrorCode::kPermissionDenied, std::move(m)};
}
inline Status Unauthenticated(std::string m) { return {ErrorCode::kUnauthenticated, std::move(m)}; }
inline Status LimitExceeded(std::string m) { return {ErrorCode::kLimitExceeded, std::move(m)}; }
inline Status IoError(std::string m) { return {ErrorCode::kIo, std::move(m)}; }
inline Status Corrupt(std::string m) { return {ErrorCode::kCorrupt, std::move(m)}; }
inline Status Unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

// A value or the Status saying why there is none. Accessing the value of a failed Result is a
// programming error and asserts.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  // Status::Ok() when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace tessera

// Returns the Status of `expr` from the enclosing function when it is not ok.
#define TESSERA_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::tessera::Status tessera_status_ = (expr);        \
    if (!tessera_status_.ok()) return tessera_status_; \
  } while (false)

#define TESSERA_CONCAT_INNER_(a, b) a##b
#define TESSERA_CONCAT_(a, b) TESSERA_CONCAT_INNER_(a, b)
// Declares `lhs` from the value of the Result `rexpr`, or returns its Status.
#define TESSERA_ASSIGN_OR_RETURN(lhs, rexpr)                    \
  auto TESSERA_CONCAT_(tessera_result_, __LINE__) = (rexpr);    \
  if (!TESSERA_CONCAT_(tessera_result_, __LINE__).ok())         \
    return TESSERA_CONCAT_(tessera_result_, __LINE__).status(); \
  lhs = std::move(TESSERA_CONCAT_(tessera_result_, __LINE__)).value()
