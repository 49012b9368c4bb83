#include "testing/image_auditor_contract.h"

#include "adapters/local/storyboard.h"

namespace miri::testing {
namespace {

constexpr char kPrompt[] =
    "[S01]_[V01]_[FLUX2] miriN14 Miri, Child physique, Young girl, Loose fit, "
    "Heavy fabric, Mid-calf, Mouth CLOSED. Wide shot: Miri holds a red "
    "umbrella in the rain.";
constexpr char kShot[] = "Miri holds a red umbrella in the rain";

// ffmpeg -f lavfi -i gradients=s=32x24:c0=red:c1=blue:seed=1 -frames:v 1
//   -q:v 10 -pix_fmt yuvj420p -flags +bitexact tiny.jpg
constexpr unsigned char kTinyJpeg[] = {
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01,
    0x02, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43,
    0x00, 0x08, 0x14, 0x14, 0x17, 0x14, 0x17, 0x1b, 0x1b, 0x1b, 0x1b, 0x1b,
    0x1b, 0x20, 0x1e, 0x20, 0x21, 0x21, 0x21, 0x20, 0x20, 0x20, 0x20, 0x21,
    0x21, 0x21, 0x24, 0x24, 0x24, 0x2a, 0x2a, 0x2a, 0x24, 0x24, 0x24, 0x21,
    0x21, 0x24, 0x24, 0x28, 0x28, 0x2a, 0x2a, 0x2e, 0x2f, 0x2e, 0x2b, 0x2b,
    0x2a, 0x2b, 0x2f, 0x2f, 0x32, 0x32, 0x32, 0x3c, 0x3c, 0x39, 0x39, 0x46,
    0x46, 0x48, 0x56, 0x56, 0x67, 0xff, 0xc4, 0x00, 0x5e, 0x00, 0x00, 0x02,
    0x03, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x04, 0x05, 0x00, 0x07, 0x01, 0x06, 0x02, 0x01, 0x01, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x07, 0x04, 0x10, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02,
    0x11, 0x21, 0x11, 0x00, 0x02, 0x03, 0x00, 0x03, 0x01, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x01, 0x03, 0x00, 0x11,
    0x05, 0x04, 0x21, 0x13, 0x12, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x18,
    0x00, 0x20, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x00, 0x03, 0x11, 0x00,
    0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00,
    0x3f, 0x00, 0xa7, 0x1b, 0x18, 0x27, 0x10, 0xed, 0x21, 0xa8, 0xc5, 0xbb,
    0x14, 0x61, 0xfb, 0x24, 0xa9, 0x98, 0xc9, 0xb4, 0x9c, 0x0f, 0x88, 0x30,
    0x0b, 0xde, 0x9d, 0xca, 0x6d, 0x56, 0xbe, 0x9c, 0x3f, 0x30, 0xdb, 0xc9,
    0x4f, 0x4d, 0x71, 0x92, 0xdc, 0x9c, 0x60, 0x9f, 0xc9, 0x19, 0x08, 0xe2,
    0xa7, 0x5c, 0x78, 0x26, 0x5e, 0xd6, 0x12, 0x71, 0xe9, 0x10, 0x18, 0xde,
    0xb6, 0xeb, 0x22, 0x58, 0xaf, 0xff, 0xd9};

bool IsFindingOf(const Finding& f, const std::string& constraint_id) {
  return f.rule_id.find(constraint_id) != std::string::npos;
}

}  // namespace

std::string StoryboardPng(const std::string& prompt, int width, int height) {
  ImageRequest r;
  r.prompt = prompt;
  if (prompt.find("miriN14") != std::string::npos) r.loras = {"miriN14"};
  r.width = width;
  r.height = height;
  r.seed = 7;
  local::RenderedFrame frame =
      local::RenderFrame(local::ParseFrameSpec(r), width, height);
  return local::EncodePng(frame.image).value();
}

std::string TinyJpeg() {
  return std::string(reinterpret_cast<const char*>(kTinyJpeg),
                     sizeof kTinyJpeg);
}

std::string VerdictProblems(const ImageCheckRequest& request,
                            const ImageVerdict& v) {
  std::string out;
  auto problem = [&](const std::string& p) { out += p + "; "; };
  if (v.checker.empty()) problem("no checker named");
  if (v.reason.empty()) problem("no reason");
  if (v.passed != v.findings.empty())
    problem("passed must be true exactly when there is no finding");
  for (const Finding& f : v.findings) {
    if (f.rule_id.empty() || f.message.empty())
      problem("a finding without rule id or message");
  }
  if (v.constraints.size() != request.constraints.size()) {
    problem("expected " + std::to_string(request.constraints.size()) +
            " constraint results, got " + std::to_string(v.constraints.size()));
  } else {
    for (size_t i = 0; i < v.constraints.size(); ++i) {
      const ConstraintResult& c = v.constraints[i];
      if (c.id != request.constraints[i].id)
        problem("constraint " + std::to_string(i) + " is " + c.id +
                ", expected " + request.constraints[i].id);
      bool fails = c.state == ConstraintState::kViolated ||
                   c.state == ConstraintState::kUncertain;
      if (!fails) continue;
      if (v.passed) problem(c.id + " fails but the verdict passed");
      bool named = false;
      for (const Finding& f : v.findings) named |= IsFindingOf(f, c.id);
      if (!named) problem(c.id + " fails but no finding names it");
    }
  }
  auto in_range = [](const std::optional<int>& s) {
    return !s || (*s >= 1 && *s <= 5);
  };
  if (!in_range(v.prompt_adherence)) problem("prompt adherence not in 1-5");
  if (!in_range(v.continuity)) problem("continuity not in 1-5");
  if (request.reference_images.empty() && v.continuity)
    problem("continuity scored without reference images");
  for (const auto& [name, score] : v.scores) {
    if (!(score >= 0.0 && score <= 1.0))
      problem("score " + name + " not in [0, 1]");
  }
  if (v.elapsed_ms < 0) problem("negative elapsed time");
  return out;
}

void ImageAuditorContractTest::SetUp() {
  auditor_ = GetParam().make();
  ASSERT_NE(auditor_, nullptr);
}

ImageCheckRequest ImageAuditorContractTest::Request() const {
  ImageCheckRequest r;
  r.image = StoryboardPng(kPrompt, 448, 256);
  r.prompt = kPrompt;
  r.shot_description = kShot;
  r.shows_miri = true;
  return r;
}

TEST_P(ImageAuditorContractTest, AStoryboardFrameGetsAVerdictNamingTheChecker) {
  ImageCheckRequest r = Request();
  auto v = auditor_->Check(r);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(VerdictProblems(r, *v), "");
  EXPECT_FALSE(auditor_->name().empty());
}

TEST_P(ImageAuditorContractTest, AJpegIsCheckedLikeAPng) {
  ImageCheckRequest r = Request();
  r.image = TinyJpeg();
  auto v = auditor_->Check(r);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(VerdictProblems(r, *v), "");
}

TEST_P(ImageAuditorContractTest, EveryRequestedConstraintHasOneResultInOrder) {
  ImageCheckRequest r = Request();
  r.constraints = {{"umbrella-red", "the umbrella is red"},
                   {"mouth-closed", "any child's mouth is closed"}};
  auto v = auditor_->Check(r);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(VerdictProblems(r, *v), "");
}

TEST_P(ImageAuditorContractTest, ContinuityIsScoredOnlyAgainstReferences) {
  ImageCheckRequest r = Request();
  r.reference_images = {StoryboardPng(kPrompt, 448, 256)};
  auto v = auditor_->Check(r);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(VerdictProblems(r, *v), "");
}

TEST_P(ImageAuditorContractTest, AShotWithoutMiriIsStillChecked) {
  ImageCheckRequest r = Request();
  r.shows_miri = false;
  r.prompt = "[S02]_[V01]_[FLUX2] An empty street at dawn.";
  r.image = StoryboardPng(r.prompt, 448, 256);
  auto v = auditor_->Check(r);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(VerdictProblems(r, *v), "");
}

TEST_P(ImageAuditorContractTest, NoImageIsInvalidNamingImage) {
  ImageCheckRequest r = Request();
  r.image.clear();
  auto v = auditor_->Check(r);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kInvalidArgument);
  ASSERT_FALSE(v.error().issues.empty());
  EXPECT_EQ(v.error().issues[0].path, "image");
}

TEST_P(ImageAuditorContractTest, BytesThatAreNoImageAreInvalidNamingImage) {
  ImageCheckRequest r = Request();
  r.image = "GIF89a, not what we draw";
  auto v = auditor_->Check(r);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kInvalidArgument);
  ASSERT_FALSE(v.error().issues.empty());
  EXPECT_EQ(v.error().issues[0].path, "image");
}

TEST_P(ImageAuditorContractTest, AReferenceThatIsNoImageIsInvalidNamingIt) {
  ImageCheckRequest r = Request();
  r.reference_images = {TinyJpeg(), "not an image"};
  auto v = auditor_->Check(r);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kInvalidArgument);
  ASSERT_FALSE(v.error().issues.empty());
  EXPECT_EQ(v.error().issues[0].path, "reference_images[1]");
}

}  // namespace miri::testing
