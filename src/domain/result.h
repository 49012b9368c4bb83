// Result<T>: the return type of every operation that can fail for reasons
// input or the outside world control. Exceptions are kept for bugs.
//
// Result is tl::expected (a std::expected look-alike for C++20); only the
// calls std::expected shares are used, so switching later is one line.
#ifndef MIRI_DOMAIN_RESULT_H_
#define MIRI_DOMAIN_RESULT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace miri {

enum class ErrorCode {
  kInvalidArgument,     // malformed or out-of-range input; see Error::issues
  kNotFound,            // an id that names nothing
  kAlreadyExists,       // a create-only write whose key is taken
  kFailedPrecondition,  // legal input, wrong state (e.g. illegal transition)
  kRefused,             // input that would undo a depiction/safety rule
  kResourceExhausted,   // budget cap, rate limit
  kUnavailable,         // a dependency is down; retry may help
  kInternal,            // a bug or corrupt storage
};

std::string_view ErrorCodeName(ErrorCode code);

// One problem with one field, e.g. {"globalSettings.requireHumanApproval",
// "expected boolean, got string"}.
struct FieldIssue {
  std::string path;
  std::string message;
  friend bool operator==(const FieldIssue&, const FieldIssue&) = default;
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::vector<FieldIssue> issues;  // filled for kInvalidArgument and kRefused

  friend bool operator==(const Error&, const Error&) = default;

  // "message: path: issue; path: issue".
  std::string ToString() const;
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> MakeError(ErrorCode code, std::string message,
                                       std::vector<FieldIssue> issues = {}) {
  return tl::unexpected<Error>(
      Error{code, std::move(message), std::move(issues)});
}

// Adds context to an error as it travels up: "opening store: disk full".
// An empty context leaves the message as it is (no leading ": " in what
// people read).
inline Error WithContext(Error error, std::string_view context) {
  if (context.empty()) return error;
  error.message = std::string(context) + ": " + error.message;
  return error;
}

}  // namespace miri

#define MIRI_CONCAT_INNER_(a, b) a##b
#define MIRI_CONCAT_(a, b) MIRI_CONCAT_INNER_(a, b)

// RETURN_IF_ERROR(expr, "context"): returns the error of a failed Result.
#define RETURN_IF_ERROR(expr, context)                                 \
  do {                                                                 \
    auto&& miri_r_ = (expr);                                           \
    if (!miri_r_) {                                                    \
      return ::tl::unexpected<::miri::Error>(                          \
          ::miri::WithContext(std::move(miri_r_).error(), (context))); \
    }                                                                  \
  } while (0)

// ASSIGN_OR_RETURN(auto x, expr, "context"): binds the value or returns.
#define ASSIGN_OR_RETURN(lhs, expr, context) \
  ASSIGN_OR_RETURN_IMPL_(MIRI_CONCAT_(miri_r_, __LINE__), lhs, expr, context)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr, context)          \
  auto tmp = (expr);                                             \
  if (!tmp) {                                                    \
    return ::tl::unexpected<::miri::Error>(                      \
        ::miri::WithContext(std::move(tmp).error(), (context))); \
  }                                                              \
  lhs = std::move(tmp).value()

#endif  // MIRI_DOMAIN_RESULT_H_
