#include "ports/image_auditor.h"

#include <set>

namespace miri {
namespace {

bool IsPngOrJpeg(std::string_view b) {
  return b.starts_with("\x89PNG\r\n\x1a\n") || b.starts_with("\xff\xd8\xff");
}

}  // namespace

std::vector<VisualConstraint> MiriVisualConstraints() {
  return {
      {"mouth-closed",
       "Every child's mouth is closed: lips together, no teeth, not speaking, "
       "singing or smiling with the mouth open."},
      {"loose-heavy-fabric-to-mid-calf",
       "Every child wears loose clothing of heavy, opaque fabric that covers "
       "the body and reaches at least mid-calf; nothing tight, short, sheer "
       "or revealing."},
      {"child-physique",
       "Every child has a child's physique and looks like a child of about "
       "twelve: not made older, no makeup or heels, no sexualised pose or "
       "framing."},
      {"no-other-identifiable-person",
       "No real, famous or otherwise identifiable person appears, and no "
       "child other than Miri."},
  };
}

std::string_view ConstraintStateName(ConstraintState s) {
  switch (s) {
    case ConstraintState::kMet:
      return "MET";
    case ConstraintState::kViolated:
      return "VIOLATED";
    case ConstraintState::kUncertain:
      return "UNCERTAIN";
    case ConstraintState::kNotApplicable:
      return "NOT_APPLICABLE";
    case ConstraintState::kNotChecked:
      return "NOT_CHECKED";
  }
  return "NOT_CHECKED";
}

bool ImageVerdict::complete() const {
  for (const ConstraintResult& c : constraints) {
    if (c.state == ConstraintState::kNotChecked) return false;
  }
  return true;
}

Result<void> ValidateImageCheckRequest(const ImageCheckRequest& r) {
  if (r.image.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "no image to check",
                     {{"image", "required: PNG or JPEG bytes"}});
  }
  if (!IsPngOrJpeg(r.image)) {
    return MakeError(ErrorCode::kInvalidArgument, "the image is not PNG/JPEG",
                     {{"image", "expected PNG or JPEG bytes"}});
  }
  for (size_t i = 0; i < r.reference_images.size(); ++i) {
    if (!IsPngOrJpeg(r.reference_images[i])) {
      std::string path = "reference_images[" + std::to_string(i) + "]";
      return MakeError(ErrorCode::kInvalidArgument,
                       "a reference frame is not PNG/JPEG",
                       {{path, "expected PNG or JPEG bytes"}});
    }
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < r.constraints.size(); ++i) {
    const std::string& id = r.constraints[i].id;
    if (id.empty() || !seen.insert(id).second) {
      std::string path = "constraints[" + std::to_string(i) + "].id";
      return MakeError(ErrorCode::kInvalidArgument, "bad constraint id",
                       {{path, id.empty() ? "required" : "repeated: " + id}});
    }
  }
  return {};
}

std::string ConstraintRuleId(std::string_view constraint_id) {
  return "vision." + std::string(constraint_id);
}

void SettleVerdict(ImageVerdict& v) {
  for (const ConstraintResult& c : v.constraints) {
    if (c.state != ConstraintState::kViolated &&
        c.state != ConstraintState::kUncertain)
      continue;
    std::string rule = ConstraintRuleId(c.id);
    bool named = false;
    for (const Finding& f : v.findings) named |= f.rule_id == rule;
    if (named) continue;
    std::string what = c.state == ConstraintState::kViolated
                           ? "broken"
                           : "could not be confirmed";
    v.findings.push_back(
        {rule, c.id + " " + what + (c.reason.empty() ? "" : ": " + c.reason),
         ""});
  }
  v.passed = v.findings.empty();
}

}  // namespace miri
