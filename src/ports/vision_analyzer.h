// VisionAnalyzer: turns a person's words about an image into something the
// pipeline can act on: a rule from a rejection reason, a mask from a
// refine instruction. Synchronous: callers run it off request threads.
// Thread-safety: all methods may be called from any thread.
#ifndef MIRI_PORTS_VISION_ANALYZER_H_
#define MIRI_PORTS_VISION_ANALYZER_H_

#include <string>
#include <string_view>

#include "domain/records.h"
#include "domain/result.h"

namespace miri {

struct RejectionInput {
  std::string image_blob;
  std::string prompt;  // the prompt that produced the image
  std::string reason;  // what the person said (already screened)
};

// A rule proposal; the rulebook gives it an id, provenance and time.
struct RuleProposal {
  std::string text;
  RuleKind kind = RuleKind::kPositive;
  RuleScope scope = RuleScope::kGlobal;
  std::string explanation;  // how the rule was formulated, for people
};

struct MaskInput {
  std::string image_blob;
  std::string instruction;     // e.g. "make the umbrella red"
  std::string user_mask_blob;  // a mask the person drew; wins when present
  std::string output_key;      // where to write the mask PNG
};

class VisionAnalyzer {
 public:
  virtual ~VisionAnalyzer() = default;
  virtual std::string_view name() const = 0;
  virtual Result<RuleProposal> RuleFromRejection(const RejectionInput& in) = 0;
  // Writes a mask (white = change) the size of the image; returns its key.
  virtual Result<std::string> MaskFromInstruction(const MaskInput& in) = 0;
};

}  // namespace miri

#endif  // MIRI_PORTS_VISION_ANALYZER_H_
