// The local half of a refine: only the masked region of the FLUX.2 edit
// reaches the result, with a feathered edge inside the mask.
#include "adapters/fal/fal_refine.h"

#include <gtest/gtest.h>

namespace miri {
namespace {

using local::Image;
using local::MakePixel;

// A 20x20 original with a distinct colour per pixel, an edit of one flat
// colour, and a mask that is white on [5, 15) x [5, 15).
struct Scene {
  Image original{20, 20};
  Image edited{20, 20, MakePixel(0, 200, 0)};
  Image mask{20, 20, MakePixel(0, 0, 0)};
  Scene() {
    for (int y = 0; y < 20; ++y)
      for (int x = 0; x < 20; ++x) {
        original.at(x, y) = MakePixel(10 * x, 10 * y, 77);
        if (x >= 5 && x < 15 && y >= 5 && y < 15)
          mask.at(x, y) = MakePixel(255, 255, 255);
      }
  }
};

TEST(FalRefine, OutsideTheMaskNothingChanges) {
  Scene s;
  auto out = FeatheredComposite(s.original, s.edited, s.mask, 3);
  ASSERT_TRUE(out) << out.error().ToString();
  for (int y = 0; y < 20; ++y)
    for (int x = 0; x < 20; ++x)
      if (local::Luma(s.mask.at(x, y)) == 0) {
        EXPECT_EQ(out->at(x, y), s.original.at(x, y)) << x << "," << y;
      }
}

TEST(FalRefine, DeepInsideTheMaskIsTheEditAndTheEdgeIsABlend) {
  Scene s;
  auto out = FeatheredComposite(s.original, s.edited, s.mask, 3);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->at(10, 10), s.edited.at(10, 10));
  // The first masked pixel is a blend, strictly between both images.
  local::Pixel edge = out->at(5, 10);
  EXPECT_NE(edge, s.original.at(5, 10));
  EXPECT_NE(edge, s.edited.at(5, 10));
  EXPECT_GT(local::Green(edge), local::Green(s.original.at(5, 10)));
  EXPECT_LT(local::Green(edge), 200);
  // Further in, more of the edit.
  EXPECT_GT(local::Green(out->at(6, 10)), local::Green(edge));
}

TEST(FalRefine, ZeroFeatherIsAHardEdge) {
  Scene s;
  auto out = FeatheredComposite(s.original, s.edited, s.mask, 0);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->at(5, 10), s.edited.at(5, 10));
  EXPECT_EQ(out->at(4, 10), s.original.at(4, 10));
}

TEST(FalRefine, AnEditOfAnotherSizeIsScaledToTheOriginal) {
  Scene s;
  Image big(40, 40, MakePixel(0, 200, 0));
  auto out = FeatheredComposite(s.original, big, s.mask, 2);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->width, 20);
  EXPECT_EQ(out->at(10, 10), MakePixel(0, 200, 0));
  EXPECT_EQ(out->at(0, 0), s.original.at(0, 0));
}

TEST(FalRefine, AMaskOfAnotherSizeIsRefused) {
  Scene s;
  auto out = FeatheredComposite(s.original, s.edited, Image(10, 10), 2);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument);
}

TEST(FalRefine, CompositesPngBytes) {
  Scene s;
  auto out = CompositeRefinePng(*local::EncodePng(s.original),
                                *local::EncodePng(s.edited),
                                *local::EncodePng(s.mask), 3);
  ASSERT_TRUE(out) << out.error().ToString();
  auto image = local::DecodePng(*out);
  ASSERT_TRUE(image);
  EXPECT_EQ(image->at(0, 0), s.original.at(0, 0));
  EXPECT_EQ(image->at(10, 10), s.edited.at(10, 10));
  auto bad = CompositeRefinePng("not a png", *local::EncodePng(s.edited),
                                *local::EncodePng(s.mask), 3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace miri
