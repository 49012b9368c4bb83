// RequestAuditor: a second opinion on text a person typed (issue 18 item
// 3; the AUDITOR role). The request screen (domain/screen.h) reads the
// text first; what it allows is also classified by a model, and a refusal
// by either refuses. Given the channel (refine, reject, plan, override,
// settings, rule) and the text, it answers allow or refuse, the rule the
// text would undo and a reason a person can read.
//
// Contract: Check reads only the request. An error means no opinion (the
// model is unreachable, answered out of schema): callers refuse the
// command with nothing stored (fail closed) and say it can be sent again.
// Thread-safety: Check may be called from any thread.
#ifndef MIRI_PORTS_REQUEST_AUDITOR_H_
#define MIRI_PORTS_REQUEST_AUDITOR_H_

#include <string>
#include <string_view>

#include "domain/result.h"

namespace miri {

struct RequestCheck {
  std::string channel;  // "refine", "reject", "plan", "override", ...
  std::string text;
};

struct RequestVerdict {
  bool allowed = false;
  std::string rule;     // the depiction rule the text would undo, if any
  std::string reason;   // one sentence for the person who typed it
  std::string checker;  // who decided, e.g. "gemini-3.8-flash"
};

class RequestAuditor {
 public:
  virtual ~RequestAuditor() = default;
  virtual std::string_view name() const = 0;
  virtual Result<RequestVerdict> Check(const RequestCheck& request) = 0;
};

}  // namespace miri

#endif  // MIRI_PORTS_REQUEST_AUDITOR_H_
