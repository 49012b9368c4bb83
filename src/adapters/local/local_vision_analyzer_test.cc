#include "adapters/local/local_vision_analyzer.h"

#include <gtest/gtest.h>

#include "adapters/local/local_image_generator.h"
#include "adapters/localfs/localfs_blob_store.h"
#include "testing/vision_analyzer_contract.h"

namespace miri::local {
namespace {

using miri::testing::TempDir;
using miri::testing::VisionAnalyzerContractTest;
using miri::testing::VisionAnalyzerFactory;

INSTANTIATE_TEST_SUITE_P(
    Local, VisionAnalyzerContractTest,
    ::testing::Values(VisionAnalyzerFactory{
        .name = "local",
        .make = [](BlobStore* blobs) -> std::unique_ptr<VisionAnalyzer> {
          return std::make_unique<LocalVisionAnalyzer>(blobs);
        }}),
    [](const auto& info) { return info.param.name; });

constexpr char kPrompt[] =
    "[S07]_[V02]_[FLUX2] miriN14 Miri, Child physique, Young girl, Loose fit, "
    "Heavy fabric, Mid-calf, Mouth CLOSED. Medium shot: Miri holds a red "
    "umbrella on a rainy street.";

TEST(RuleTemplateTest, ExplanationSaysItIsTemplateBased) {
  RuleProposal r = RuleFromReasonTemplate("too dark", kPrompt);
  EXPECT_NE(r.explanation.find("Template-based"), std::string::npos);
  EXPECT_NE(r.explanation.find("too dark"), std::string::npos);
  EXPECT_NE(r.explanation.find("S07"), std::string::npos);
}

TEST(RuleTemplateTest, NoXBecomesANegativeSceneRuleWhenThePromptHasX) {
  RuleProposal r = RuleFromReasonTemplate("No umbrella please.", kPrompt);
  EXPECT_EQ(r.kind, RuleKind::kNegative);
  EXPECT_EQ(r.text, "umbrella");
  EXPECT_EQ(r.scope, RuleScope::kScene);
  RuleProposal bare = RuleFromReasonTemplate("remove the birds", kPrompt);
  EXPECT_EQ(bare.text, "birds");
  EXPECT_EQ(bare.scope, RuleScope::kGlobal);
}

TEST(RuleTemplateTest, TooXBecomesANegativeOverlyX) {
  RuleProposal r = RuleFromReasonTemplate("Too dark", kPrompt);
  EXPECT_EQ(r.kind, RuleKind::kNegative);
  EXPECT_EQ(r.text, "overly dark");
}

TEST(RuleTemplateTest, ShouldBecomesAPositiveRule) {
  RuleProposal r = RuleFromReasonTemplate("the sky should be orange", kPrompt);
  EXPECT_EQ(r.kind, RuleKind::kPositive);
  EXPECT_EQ(r.text, "Sky orange");
}

TEST(RuleTemplateTest, ReasonsAboutHerMouthClothingOrAgeGiveTheProtectiveRule) {
  RuleProposal mouth =
      RuleFromReasonTemplate("she should smile with teeth", kPrompt);
  EXPECT_EQ(mouth.kind, RuleKind::kPositive);
  EXPECT_EQ(mouth.scope, RuleScope::kCharacter);
  EXPECT_NE(mouth.text.find("Mouth CLOSED"), std::string::npos);
  RuleProposal dress =
      RuleFromReasonTemplate("the dress looks too short", kPrompt);
  EXPECT_NE(dress.text.find("Mid-calf"), std::string::npos);
  RuleProposal age = RuleFromReasonTemplate("she looks like an adult", kPrompt);
  EXPECT_NE(age.text.find("Child physique"), std::string::npos);
}

TEST(RuleTemplateTest, UnmatchedReasonBecomesAnAuditCheck) {
  RuleProposal r = RuleFromReasonTemplate("meh", kPrompt);
  EXPECT_EQ(r.kind, RuleKind::kAuditCheck);
  EXPECT_NE(r.text.find("meh"), std::string::npos);
}

TEST(MaskRegionTest, ShortWordsMatchOnlyWholeWords) {
  // "there" holds "her" but names no figure: the default centre box.
  auto regions =
      RegionsForInstruction("change it there", 100, 60, std::nullopt);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(regions[0], (Box{25, 15, 50, 30}));
}

class LocalMaskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    blobs_ = LocalFsBlobStore::Open(dir_.path()).value();
    ImageRequest r;
    r.job_id = "base";
    r.prompt = kPrompt;
    r.loras = {"miriN14"};
    r.width = 320;
    r.height = 180;
    r.seed = 5;
    r.output_key = "img/base.png";
    ASSERT_TRUE(GenerateImage(*blobs_, r));
    info_ = *FrameInfoFromJson(
        PngText(blobs_->Get("img/base.png").value()).at(kFrameInfoKey));
  }

  Image Mask(const std::string& instruction, const std::string& drawn = "") {
    LocalVisionAnalyzer vision(blobs_.get());
    auto key = vision.MaskFromInstruction(
        {"img/base.png", instruction, drawn, "img/mask.png"});
    EXPECT_TRUE(key) << key.error().ToString();
    return DecodePng(blobs_->Get("img/mask.png").value()).value();
  }

  TempDir dir_;
  std::unique_ptr<LocalFsBlobStore> blobs_;
  FrameInfo info_;
};

bool White(const Image& m, int x, int y) { return Luma(m.at(x, y)) >= 128; }

TEST_F(LocalMaskTest, TheSkyMaskCoversTheSkyAndNotTheGround) {
  Image m = Mask("make the sky orange");
  EXPECT_TRUE(White(m, 5, 5));
  EXPECT_TRUE(White(m, m.width - 5, info_.horizon_y - 2));
  EXPECT_FALSE(White(m, 5, info_.horizon_y + 2));
  EXPECT_FALSE(White(m, m.width - 5, m.height - 2));
}

TEST_F(LocalMaskTest, TheDressMaskSitsOnTheFigure) {
  Image m = Mask("make her dress green");
  const Box& f = info_.figure;
  int cx = f.x + f.w / 2;
  EXPECT_TRUE(White(m, cx, f.y + f.h / 2));    // the dress
  EXPECT_FALSE(White(m, cx, f.y + f.h / 16));  // the face stays
  EXPECT_FALSE(White(m, 2, 2));
  // Nothing far from the figure.
  int far_x = cx < m.width / 2 ? m.width - 3 : 2;
  EXPECT_FALSE(White(m, far_x, f.y + f.h / 2));
}

TEST_F(LocalMaskTest, TheFaceMaskCoversTheHead) {
  Image m = Mask("her expression is wrong");
  const Box& h = info_.head;
  EXPECT_TRUE(White(m, h.x + h.w / 2, h.y + h.h / 2));
  EXPECT_FALSE(
      White(m, h.x + h.w / 2, info_.figure.y + info_.figure.h * 3 / 4));
}

TEST_F(LocalMaskTest, LeftRestrictsTheRegion) {
  Image m = Mask("the left part of the sky");
  EXPECT_TRUE(White(m, 5, 5));
  EXPECT_FALSE(White(m, m.width - 5, 5));
}

TEST_F(LocalMaskTest, ADrawnMaskOfAnotherSizeIsScaledToTheImage) {
  ASSERT_TRUE(blobs_->Put("img/drawn.png",
                          miri::testing::RectMaskPng(160, 90, 0, 0, 80, 90)));
  Image m = Mask("make the sky orange", "img/drawn.png");
  ASSERT_EQ(m.width, 320);
  ASSERT_EQ(m.height, 180);
  EXPECT_TRUE(White(m, 10, 170));  // drawn: the left half, sky or not
  EXPECT_FALSE(White(m, 310, 5));  // not drawn, though it is sky
}

}  // namespace
}  // namespace miri::local
