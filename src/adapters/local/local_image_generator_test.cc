#include "adapters/local/local_image_generator.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "adapters/local/storyboard.h"
#include "adapters/localfs/localfs_blob_store.h"
#include "testing/image_generator_contract.h"

namespace miri::local {
namespace {

using miri::testing::ImageGeneratorContractTest;
using miri::testing::ImageGeneratorFactory;
using miri::testing::RecordingSink;
using miri::testing::RectMaskPng;
using miri::testing::TempDir;
using std::chrono::seconds;

INSTANTIATE_TEST_SUITE_P(Local, ImageGeneratorContractTest,
                         ::testing::Values(ImageGeneratorFactory{
                             .name = "local",
                             .make = [](BlobStore* blobs, ResultSink* sink)
                                 -> std::unique_ptr<ImageGenerator> {
                               return std::make_unique<LocalImageGenerator>(
                                   blobs, sink,
                                   LocalProviderOptions{.workers = 2});
                             }}),
                         [](const auto& info) { return info.param.name; });

constexpr char kMiriClause[] =
    "miriN14 Miri, Child physique, Young girl, Loose fit, Heavy fabric, "
    "Mid-calf, Mouth CLOSED. ";

class LocalImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    blobs_ = LocalFsBlobStore::Open(dir_.path()).value();
  }

  ImageRequest Request(const std::string& key, const std::string& subject,
                       bool miri = true, int64_t seed = 1) {
    ImageRequest r;
    r.job_id = key;
    r.prompt = std::string("[S01]_[V01]_[FLUX2] ") + (miri ? kMiriClause : "") +
               subject;
    if (miri) r.loras = {"miriN14"};
    r.width = 160;
    r.height = 96;
    r.seed = seed;
    r.output_key = "img/" + key + ".png";
    return r;
  }

  Image Generate(const ImageRequest& r) {
    auto key = GenerateImage(*blobs_, r);
    EXPECT_TRUE(key) << key.error().ToString();
    return DecodePng(blobs_->Get(r.output_key).value()).value();
  }

  FrameInfo InfoOf(const std::string& key) {
    auto text = PngText(blobs_->Get(key).value());
    return FrameInfoFromJson(text.at(kFrameInfoKey)).value();
  }

  TempDir dir_;
  std::unique_ptr<LocalFsBlobStore> blobs_;
};

int CountNear(const Image& img, Pixel target, int tol, int y0 = 0,
              int y1 = -1) {
  if (y1 < 0) y1 = img.height;
  int n = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = 0; x < img.width; ++x) {
      Pixel p = img.at(x, y);
      if (std::abs(Red(p) - Red(target)) <= tol &&
          std::abs(Green(p) - Green(target)) <= tol &&
          std::abs(Blue(p) - Blue(target)) <= tol) {
        ++n;
      }
    }
  }
  return n;
}

int ColorDistance(Pixel a, Pixel b) {
  return std::abs(Red(a) - Red(b)) + std::abs(Green(a) - Green(b)) +
         std::abs(Blue(a) - Blue(b));
}

TEST_F(LocalImageTest, SameSeedGivesIdenticalPixelsAndAnotherSeedDiffers) {
  Image a =
      Generate(Request("a", "Medium shot: Miri reads under a tree.", true, 42));
  Image b =
      Generate(Request("b", "Medium shot: Miri reads under a tree.", true, 42));
  Image c =
      Generate(Request("c", "Medium shot: Miri reads under a tree.", true, 43));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST_F(LocalImageTest, CloseUpFillsMoreOfTheFrameWithTheFigureThanWide) {
  Image wide = Generate(Request("w", "Wide shot: Miri on a hill."));
  Image close = Generate(Request("c", "Close-up: Miri on a hill."));
  Pixel dress = InfoOf("img/w.png").palette.dress;
  int wide_px = CountNear(wide, dress, 6);
  int close_px = CountNear(close, dress, 6);
  EXPECT_GT(wide_px, 20);
  EXPECT_GT(close_px, 4 * wide_px);
  EXPECT_LT(InfoOf("img/w.png").horizon_y, InfoOf("img/c.png").horizon_y);
}

TEST_F(LocalImageTest, PaletteFollowsTheMood) {
  Image sad =
      Generate(Request("sad", "Wide shot: rain, a lonely grey street.", false));
  Image joy = Generate(
      Request("joy", "Wide shot: a bright sunny summer dance.", false));
  Pixel sad_top = PaletteForMood("rain lonely grey").sky_top;
  Pixel joy_top = PaletteForMood("bright sunny summer").sky_top;
  // The top-left corner is sky (no tag in a frame this size is that far in).
  EXPECT_LT(ColorDistance(sad.at(1, sad.height / 4), sad_top), 90);
  EXPECT_LT(ColorDistance(joy.at(1, joy.height / 4), joy_top), 90);
  EXPECT_GT(ColorDistance(sad.at(1, sad.height / 4), joy.at(1, joy.height / 4)),
            150);
  EXPECT_GT(Blue(sad.at(1, sad.height / 4)), Red(sad.at(1, sad.height / 4)));
  EXPECT_GT(Red(joy.at(1, joy.height / 4)), Blue(joy.at(1, joy.height / 4)));
}

TEST_F(LocalImageTest, FigureIsDrawnOnlyWhenMiriIsInTheShot) {
  Image with =
      Generate(Request("with", "Medium shot: Miri at the window.", true));
  Image without =
      Generate(Request("without", "Medium shot: an empty window.", false));
  FrameInfo info = InfoOf("img/with.png");
  ASSERT_TRUE(info.has_figure);
  EXPECT_FALSE(InfoOf("img/without.png").has_figure);
  Pixel skin = MakePixel(233, 196, 166);
  EXPECT_GT(CountNear(with, info.palette.dress, 6), 100);
  EXPECT_GT(CountNear(with, skin, 6), 10);
  EXPECT_EQ(CountNear(without, info.palette.dress, 6), 0);
  EXPECT_EQ(CountNear(without, skin, 6), 0);
  // The face sits inside the head box.
  const Box& head = info.head;
  EXPECT_LT(
      ColorDistance(with.at(head.x + head.w / 2, head.y + head.h / 2), skin),
      30);
}

TEST_F(LocalImageTest, CaptionAndTagAreWrittenInWhite) {
  ImageRequest r = Request("text", "Medium shot: Miri waves at the train.");
  r.width = 320;
  r.height = 180;
  Image img = Generate(r);
  FrameInfo info = InfoOf("img/text.png");
  int band_white =
      CountNear(img, MakePixel(255, 255, 255), 40, info.caption.y, img.height);
  int tag_white = CountNear(img, MakePixel(255, 255, 255), 40, 0, 12);
  EXPECT_GT(band_white, 40);
  EXPECT_GT(tag_white, 8);
  // No action in the prompt: the band stays empty.
  ImageRequest blank = Request("blank", "", true);
  blank.width = 320;
  blank.height = 180;
  Image plain = Generate(blank);
  EXPECT_EQ(CountNear(plain, MakePixel(255, 255, 255), 40, info.caption.y,
                      plain.height),
            0);
}

// References keep a scene's look (issue 16 item 7): an edit takes the
// palette of its first reference (the nearest approved frame of the scene)
// and the framing its own prompt names; a prompt naming none keeps the
// reference's framing too.
TEST_F(LocalImageTest, EditKeepsThePaletteOfTheReferenceAndTheFramingItNames) {
  Image ref =
      Generate(Request("ref", "Wide shot: a bright sunny summer dance."));
  FrameInfo ref_info = InfoOf("img/ref.png");
  ImageRequest edit =
      Request("edit", "Close-up: rain, a lonely grey night.", true, 9);
  edit.mode = ImageRequest::Mode::kEdit;
  edit.reference_blobs = {"img/ref.png"};
  Image edited = Generate(edit);
  Image fresh = Generate(
      Request("fresh", "Close-up: rain, a lonely grey night.", true, 9));
  FrameInfo info = InfoOf("img/edit.png");
  EXPECT_EQ(info.palette, ref_info.palette);
  EXPECT_EQ(info.shot, ShotType::kCloseUp);
  Pixel sky_ref = ref.at(1, ref.height / 4);
  EXPECT_LT(ColorDistance(edited.at(1, edited.height / 4), sky_ref), 20);
  EXPECT_GT(ColorDistance(fresh.at(1, fresh.height / 4), sky_ref), 150);
  ImageRequest unnamed =
      Request("unnamed", "Miri looks up at the clouds.", true, 9);
  unnamed.mode = ImageRequest::Mode::kEdit;
  unnamed.reference_blobs = {"img/ref.png"};
  Generate(unnamed);
  FrameInfo kept = InfoOf("img/unnamed.png");
  EXPECT_EQ(kept.shot, ref_info.shot);
  EXPECT_EQ(kept.figure.x, ref_info.figure.x);
}

TEST_F(LocalImageTest, EditOfAForeignImageTakesItsPaletteFromPixels) {
  ASSERT_TRUE(
      blobs_->Put("img/photo.png",
                  miri::testing::SolidPng(160, 96, MakePixel(200, 30, 30))));
  ImageRequest edit = Request("edit2", "Wide shot: calm dawn.", false);
  edit.mode = ImageRequest::Mode::kEdit;
  edit.reference_blobs = {"img/photo.png"};
  Image out = Generate(edit);
  EXPECT_LT(ColorDistance(out.at(1, out.height / 4), MakePixel(200, 30, 30)),
            20);
}

TEST_F(LocalImageTest, InpaintChangesOnlyTheMaskedRegion) {
  Image base =
      Generate(Request("base", "Medium shot: a bright sunny summer dance."));
  const int mx = 40, my = 20, mw = 60, mh = 40;
  ASSERT_TRUE(
      blobs_->Put("img/mask.png", RectMaskPng(160, 96, mx, my, mw, mh)));
  ImageRequest inpaint =
      Request("inp", "Medium shot: tense storm, dark thunder.", true, 99);
  inpaint.mode = ImageRequest::Mode::kInpaint;
  inpaint.image_blob = "img/base.png";
  inpaint.mask_blob = "img/mask.png";
  Image out = Generate(inpaint);
  ASSERT_EQ(out.width, base.width);
  ASSERT_EQ(out.height, base.height);
  int outside_diff = 0, inside_diff = 0;
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      bool inside = x >= mx && x < mx + mw && y >= my && y < my + mh;
      bool differs = out.at(x, y) != base.at(x, y);
      (inside ? inside_diff : outside_diff) += differs ? 1 : 0;
    }
  }
  EXPECT_EQ(outside_diff, 0);
  EXPECT_GT(inside_diff, mw * mh / 4);
}

TEST_F(LocalImageTest, InpaintWithAMaskOfAnotherSizeFailsNamingTheMask) {
  Generate(Request("base2", "Medium shot: Miri."));
  ASSERT_TRUE(
      blobs_->Put("img/small-mask.png", RectMaskPng(80, 48, 0, 0, 10, 10)));
  ImageRequest inpaint = Request("inp2", "Medium shot: Miri.");
  inpaint.mode = ImageRequest::Mode::kInpaint;
  inpaint.image_blob = "img/base2.png";
  inpaint.mask_blob = "img/small-mask.png";
  auto r = GenerateImage(*blobs_, inpaint);
  ASSERT_FALSE(r);
  EXPECT_TRUE(miri::testing::NamesField(r.error(), "mask_blob"))
      << r.error().ToString();
}

TEST_F(LocalImageTest, MissingReferenceEndsAsANonRetryableFailedResult) {
  RecordingSink sink;
  LocalImageGenerator gen(blobs_.get(), &sink);
  ImageRequest edit = Request("lost", "Wide shot.");
  edit.mode = ImageRequest::Mode::kEdit;
  edit.reference_blobs = {"img/nowhere.png"};
  ASSERT_TRUE(gen.Submit(edit));
  auto result = sink.WaitFor("lost", seconds(10));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, ProviderResult::Status::kFailed);
  EXPECT_FALSE(result->retryable);
  EXPECT_NE(result->error.find("reference_blobs[0]"), std::string::npos)
      << result->error;
}

}  // namespace
}  // namespace miri::local
