#include "domain/result.h"

namespace miri {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case ErrorCode::kNotFound:
      return "NOT_FOUND";
    case ErrorCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case ErrorCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case ErrorCode::kRefused:
      return "REFUSED";
    case ErrorCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case ErrorCode::kUnavailable:
      return "UNAVAILABLE";
    case ErrorCode::kInternal:
      return "INTERNAL";
  }
  return "UNKNOWN";
}

std::string Error::ToString() const {
  std::string out = message;
  for (size_t i = 0; i < issues.size(); ++i) {
    out += i == 0 ? ": " : "; ";
    out += issues[i].path.empty() ? issues[i].message
                                  : issues[i].path + ": " + issues[i].message;
  }
  return out;
}

}  // namespace miri
