#include "testing/vision_analyzer_contract.h"

#include "adapters/localfs/localfs_blob_store.h"

namespace miri::testing {
namespace {

constexpr char kPrompt[] =
    "[S01]_[V01]_[FLUX2] miriN14 Miri, Child physique, Young girl, Loose fit, "
    "Heavy fabric, Mid-calf, Mouth CLOSED. Wide shot: Miri holds a red "
    "umbrella in the rain.";
constexpr int kW = 160, kH = 96;

std::string Lowered(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

void VisionAnalyzerContractTest::SetUp() {
  dir_ = std::make_unique<TempDir>();
  auto blobs = LocalFsBlobStore::Open(dir_->path() / "blobs");
  ASSERT_TRUE(blobs) << blobs.error().ToString();
  blobs_ = std::move(*blobs);
  ASSERT_TRUE(blobs_->Put("contract/image.png",
                          SolidPng(kW, kH, local::MakePixel(90, 120, 160))));
  analyzer_ = GetParam().make(blobs_.get());
  ASSERT_NE(analyzer_, nullptr);
}

void VisionAnalyzerContractTest::TearDown() { analyzer_.reset(); }

TEST_P(VisionAnalyzerContractTest, RejectionGivesARuleWithTextAndExplanation) {
  auto rule = analyzer_->RuleFromRejection(
      {"contract/image.png", kPrompt, "no umbrella, it should be dry weather"});
  ASSERT_TRUE(rule) << rule.error().ToString();
  EXPECT_FALSE(rule->text.empty());
  EXPECT_FALSE(rule->explanation.empty());
}

TEST_P(VisionAnalyzerContractTest, EmptyReasonIsInvalidNamingReason) {
  auto rule =
      analyzer_->RuleFromRejection({"contract/image.png", kPrompt, "  "});
  ASSERT_FALSE(rule);
  EXPECT_TRUE(NamesField(rule.error(), "reason")) << rule.error().ToString();
}

TEST_P(VisionAnalyzerContractTest,
       AReasonAgainstTheDepictionRulesNeverBecomesAPositiveRuleForIt) {
  for (const char* reason :
       {"her mouth should be open, she should sing with her teeth showing",
        "make her dress shorter and tighter"}) {
    auto rule =
        analyzer_->RuleFromRejection({"contract/image.png", kPrompt, reason});
    ASSERT_TRUE(rule) << rule.error().ToString();
    if (rule->kind != RuleKind::kPositive) continue;
    std::string text = Lowered(rule->text);
    EXPECT_EQ(text.find("open mouth"), std::string::npos) << text;
    EXPECT_EQ(text.find("mouth open"), std::string::npos) << text;
    EXPECT_EQ(text.find("shorter"), std::string::npos) << text;
    EXPECT_EQ(text.find("tight"), std::string::npos) << text;
  }
}

TEST_P(VisionAnalyzerContractTest, MaskIsAPngOfTheImageSizeAtTheOutputKey) {
  auto key = analyzer_->MaskFromInstruction(
      {"contract/image.png", "make the sky orange", "", "contract/mask.png"});
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(*key, "contract/mask.png");
  auto bytes = blobs_->Get(*key);
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  EXPECT_EQ(PngSize(*bytes), std::make_pair(kW, kH));
  auto mask = local::DecodePng(*bytes);
  ASSERT_TRUE(mask);
  int white = 0;
  for (local::Pixel p : mask->px) white += local::Luma(p) >= 128 ? 1 : 0;
  EXPECT_GT(white, 0) << "the mask marks nothing to change";
  EXPECT_LT(white, kW * kH) << "the mask marks everything";
}

TEST_P(VisionAnalyzerContractTest, ADrawnMaskWins) {
  ASSERT_TRUE(
      blobs_->Put("contract/drawn.png", RectMaskPng(kW, kH, 10, 20, 30, 40)));
  auto key = analyzer_->MaskFromInstruction(
      {"contract/image.png", "make the sky orange", "contract/drawn.png",
       "contract/out.png"});
  ASSERT_TRUE(key) << key.error().ToString();
  auto mask = local::DecodePng(blobs_->Get(*key).value());
  ASSERT_TRUE(mask);
  ASSERT_EQ(mask->width, kW);
  ASSERT_EQ(mask->height, kH);
  int wrong = 0;
  for (int y = 0; y < kH; ++y) {
    for (int x = 0; x < kW; ++x) {
      bool inside = x >= 10 && x < 40 && y >= 20 && y < 60;
      bool white = local::Luma(mask->at(x, y)) >= 128;
      wrong += inside != white ? 1 : 0;
    }
  }
  EXPECT_EQ(wrong, 0);
}

TEST_P(VisionAnalyzerContractTest, MaskWithoutAnImageIsInvalidNamingTheField) {
  auto key = analyzer_->MaskFromInstruction(
      {"", "make the sky orange", "", "contract/m.png"});
  ASSERT_FALSE(key);
  EXPECT_TRUE(NamesField(key.error(), "image_blob")) << key.error().ToString();
}

TEST_P(VisionAnalyzerContractTest, MaskOfAMissingImageIsNotFound) {
  auto key = analyzer_->MaskFromInstruction(
      {"contract/absent.png", "make the sky orange", "", "contract/m.png"});
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, ErrorCode::kNotFound) << key.error().ToString();
}

}  // namespace miri::testing
