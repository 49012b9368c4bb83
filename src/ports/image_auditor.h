// ImageAuditor: a vision check of every generated image before a person
// sees it (issue 18 item 4; the AUDITOR role). Given the image and what it
// was meant to show, it returns a verdict: whether the image may be shown
// for approval, the findings that fail it, Miri's constraints one by one,
// and who checked.
//
// Contract (src/testing/image_auditor_contract.h checks it):
// - Check is synchronous, reads only the request and writes nothing.
// - A verdict is the checker's answer. passed is false when any finding
//   fails the image; a constraint VIOLATED or UNCERTAIN is always a finding
//   (fail closed). Every constraint of the request has exactly one result,
//   in request order; NOT_CHECKED marks what this checker cannot see (a
//   classifier of explicit content cannot judge a mouth), never a pass.
// - An error means no verdict: the checker is missing, stopped, timed out
//   or answered out of schema (UNAVAILABLE / RESOURCE_EXHAUSTED), or the
//   request is bad (INVALID_ARGUMENT naming the field, e.g. "image" for
//   bytes that are not PNG/JPEG). Callers hold the image on any error.
// - verdict.checker names the model that looked ("nsfwjs/MobileNetV2",
//   "gemini-2.5-flash"), for people and the version record.
// Thread-safety: Check may be called from any thread (adapters serialise
// internally where their checker is single-threaded). It may take seconds:
// call it off request threads.
#ifndef MIRI_PORTS_IMAGE_AUDITOR_H_
#define MIRI_PORTS_IMAGE_AUDITOR_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/records.h"
#include "domain/result.h"

namespace miri {

// One visual rule an image is held to: a stable id (also the key of the
// Gemini answer) and the words a checker is given.
struct VisualConstraint {
  std::string id;
  std::string text;
  friend bool operator==(const VisualConstraint&,
                         const VisualConstraint&) = default;
};

// Miri's depiction rules as they can be seen in an image (design.md
// section 6). They apply to any child in the frame, whatever showsMiri says.
std::vector<VisualConstraint> MiriVisualConstraints();

struct ImageCheckRequest {
  std::string image;   // PNG or JPEG bytes
  std::string prompt;  // the prompt that produced the image
  std::string shot_description;
  bool shows_miri = true;  // Miri is meant to be in the frame
  std::vector<VisualConstraint> constraints = MiriVisualConstraints();
  // Approved frames (PNG/JPEG bytes) the image should continue, e.g. the
  // shot's earlier approved image or the scene's; empty: no continuity.
  std::vector<std::string> reference_images;
};

enum class ConstraintState {
  kMet,            // seen and satisfied
  kViolated,       // seen and broken
  kUncertain,      // looked but could not tell: fails (fail closed)
  kNotApplicable,  // nothing it applies to (no child in the frame)
  kNotChecked,     // this checker cannot see it; a person must
};
std::string_view ConstraintStateName(ConstraintState s);  // "MET", ...

struct ConstraintResult {
  std::string id;  // VisualConstraint::id
  ConstraintState state = ConstraintState::kNotChecked;
  std::string reason;
  friend bool operator==(const ConstraintResult&,
                         const ConstraintResult&) = default;
};

struct ImageVerdict {
  bool passed = false;
  // Why it fails, e.g. {"vision.mouth-closed", "her lips are parted", ""},
  // {"vision.nsfw.sexy", "classifier: Sexy 0.41 >= 0.15", ""}. Empty when
  // passed. Findings are guidance for a regeneration and shown to people.
  std::vector<Finding> findings;
  std::vector<ConstraintResult> constraints;  // one per request constraint
  std::optional<int> prompt_adherence;        // 1-5; nullopt: cannot judge
  std::optional<int> continuity;              // 1-5; only with reference images
  std::string reason;                         // one short sentence for people
  std::string checker;                        // who looked
  // Raw scores of a classifier, e.g. nsfwjs class probabilities
  // {"Drawing", "Hentai", "Neutral", "Porn", "Sexy"}; empty for others.
  std::map<std::string, double> scores;
  int64_t elapsed_ms = 0;  // time the check took, for the record

  // True when every constraint was seen (none NOT_CHECKED).
  bool complete() const;
};

class ImageAuditor {
 public:
  virtual ~ImageAuditor() = default;
  virtual std::string_view name() const = 0;
  virtual Result<ImageVerdict> Check(const ImageCheckRequest& request) = 0;
};

// The checks every adapter makes before looking: INVALID_ARGUMENT naming
// "image" (empty, not PNG/JPEG), "reference_images[i]" or
// "constraints[i].id" (empty or repeated).
Result<void> ValidateImageCheckRequest(const ImageCheckRequest& request);

// The finding id of a failing constraint: "vision.<constraint id>".
std::string ConstraintRuleId(std::string_view constraint_id);

// Adapters call it last: adds a finding for every VIOLATED or UNCERTAIN
// constraint that no finding names yet, then sets passed to
// findings.empty().
void SettleVerdict(ImageVerdict& verdict);

}  // namespace miri

#endif  // MIRI_PORTS_IMAGE_AUDITOR_H_
