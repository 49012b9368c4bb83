#include "domain/motion_brush.h"

#include <gtest/gtest.h>

namespace miri {
namespace {

using nlohmann::json;

// The signature and IHDR of a w x h PNG (all PngImageSize reads).
std::string PngOf(int w, int h) {
  std::string s("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
  for (int v : {w, h}) {
    for (int shift : {24, 16, 8, 0}) s.push_back(static_cast<char>(v >> shift));
  }
  s += std::string("\x08\x00\x00\x00\x00", 5);
  return s;
}

json Path(std::initializer_list<std::pair<double, double>> pts) {
  json a = json::array();
  for (auto [x, y] : pts) a.push_back({{"x", x}, {"y", y}});
  return a;
}

struct Read {
  BrushDocument doc;
  std::vector<FieldIssue> issues;
};

Read ReadOf(const json& body,
            std::optional<ImageSize> frame = ImageSize{1280, 720}) {
  Read out;
  JsonReader r(body, "", &out.issues);
  out.doc = ReadBrushBody(r, frame);
  r.RejectUnknownFields();
  return out;
}

std::string FirstPath(const Read& r) {
  return r.issues.empty() ? "" : r.issues[0].path;
}

TEST(MotionBrushTest, Base64RoundTripsAndRefusesADataUrl) {
  const std::string bytes = PngOf(1280, 720) + std::string("\0\xff", 2);
  EXPECT_EQ(EncodeBase64("Man"), "TWFu");
  EXPECT_EQ(EncodeBase64("Ma"), "TWE=");
  EXPECT_EQ(DecodeBase64(EncodeBase64(bytes)), bytes);
  EXPECT_EQ(DecodeBase64("TWE="), "Ma");
  EXPECT_FALSE(DecodeBase64("data:image/png;base64,TWFu"));
  EXPECT_FALSE(DecodeBase64("TWF"));
  EXPECT_FALSE(DecodeBase64("TW=u"));
}

TEST(MotionBrushTest, PngImageSizeReadsTheHeader) {
  EXPECT_EQ(PngImageSize(PngOf(1280, 720)), (ImageSize{1280, 720}));
  EXPECT_FALSE(PngImageSize("GIF89a not a png at all, no no no"));
}

TEST(MotionBrushTest, ReadsRegionsPathsAndTheStaticMask) {
  const std::string mask = PngOf(1280, 720);
  Read r = ReadOf({{"dynamicMasks",
                    {{{"mask", EncodeBase64(mask)},
                      {"trajectory", Path({{0.1, 0.2}, {0.9, 0.8}})}}}},
                   {"staticMask", EncodeBase64(mask)}});
  ASSERT_TRUE(r.issues.empty()) << r.issues[0].path;
  ASSERT_EQ(r.doc.regions.size(), 1u);
  EXPECT_EQ(r.doc.regions[0].mask, mask);
  EXPECT_EQ(r.doc.regions[0].trajectory,
            (std::vector<BrushPoint>{{0.1, 0.2}, {0.9, 0.8}}));
  EXPECT_EQ(r.doc.static_mask, mask);
}

TEST(MotionBrushTest, APathWithoutARegionIsRefusedNamingTheMask) {
  Read r = ReadOf(
      {{"dynamicMasks", {{{"trajectory", Path({{0.1, 0.2}, {0.9, 0.8}})}}}}});
  ASSERT_EQ(FirstPath(r), "dynamicMasks[0].mask");
  EXPECT_EQ(r.issues[0].message, "paint the region that moves along this path");
}

TEST(MotionBrushTest, PathLengthPointsAndRegionCountAreBounded) {
  const std::string m = EncodeBase64(PngOf(1280, 720));
  EXPECT_EQ(FirstPath(ReadOf(
                {{"dynamicMasks",
                  {{{"mask", m}, {"trajectory", Path({{0.1, 0.2}})}}}}})),
            "dynamicMasks[0].trajectory");
  json long_path = json::array();
  for (int i = 0; i < 78; ++i) long_path.push_back({{"x", 0.5}, {"y", 0.5}});
  EXPECT_EQ(FirstPath(ReadOf({{"dynamicMasks",
                               {{{"mask", m}, {"trajectory", long_path}}}}})),
            "dynamicMasks[0].trajectory");
  EXPECT_EQ(
      FirstPath(ReadOf(
          {{"dynamicMasks",
            {{{"mask", m}, {"trajectory", Path({{0.1, 0.2}, {1.2, 0.5}})}}}}})),
      "dynamicMasks[0].trajectory[1].x");
  json seven = json::array();
  for (int i = 0; i < 7; ++i)
    seven.push_back({{"mask", m}, {"trajectory", Path({{0, 0}, {1, 1}})}});
  EXPECT_EQ(FirstPath(ReadOf({{"dynamicMasks", seven}})), "dynamicMasks");
}

TEST(MotionBrushTest, MasksMustBePngsOfTheFrameSize) {
  auto with_mask = [](const std::string& m) {
    return json{{"dynamicMasks",
                 {{{"mask", m}, {"trajectory", Path({{0, 0}, {1, 1}})}}}}};
  };
  EXPECT_EQ(FirstPath(ReadOf(with_mask(EncodeBase64("not a png")))),
            "dynamicMasks[0].mask");
  EXPECT_EQ(FirstPath(ReadOf(with_mask("data:image/png;base64,AAAA"))),
            "dynamicMasks[0].mask");
  Read small = ReadOf(with_mask(EncodeBase64(PngOf(640, 360))));
  ASSERT_EQ(FirstPath(small), "dynamicMasks[0].mask");
  EXPECT_NE(small.issues[0].message.find("1280x720"), std::string::npos)
      << small.issues[0].message;
  // No known frame: the masks must agree with each other.
  json b = with_mask(EncodeBase64(PngOf(640, 360)));
  b["staticMask"] = EncodeBase64(PngOf(320, 180));
  EXPECT_EQ(FirstPath(ReadOf(b, std::nullopt)), "staticMask");
  b["staticMask"] = EncodeBase64(PngOf(640, 360));
  EXPECT_EQ(FirstPath(ReadOf(b, std::nullopt)), "");
}

TEST(MotionBrushTest, AStaticMaskAloneIsRefusedAndAnEmptyBrushClears) {
  Read alone = ReadOf({{"dynamicMasks", json::array()},
                       {"staticMask", EncodeBase64(PngOf(1280, 720))}});
  EXPECT_EQ(FirstPath(alone), "staticMask");
  Read clear = ReadOf({{"dynamicMasks", json::array()}});
  EXPECT_TRUE(clear.issues.empty());
  EXPECT_TRUE(clear.doc.empty());
  EXPECT_EQ(FirstPath(ReadOf(json::object())), "dynamicMasks");
}

TEST(MotionBrushTest, TheFirstFormatExplainsWhatReplacedIt) {
  Read r = ReadOf(
      {{"dynamicMasks", json::array()}, {"trajectories", json::array()}});
  ASSERT_EQ(FirstPath(r), "trajectories");
  EXPECT_NE(r.issues[0].message.find("dynamicMasks"), std::string::npos);
}

TEST(MotionBrushTest, StoredDocumentRoundTrips) {
  BrushDocument d;
  d.regions.push_back(
      {"projects/p/shots/s/motion-brush/a.png", {{0.1, 0.2}, {0.3, 0.4}}});
  d.static_mask = "projects/p/shots/s/motion-brush/b.png";
  auto back = ParseStoredBrush(StoredBrushJson(d));
  ASSERT_TRUE(back) << back.error().ToString();
  ASSERT_EQ(back->regions.size(), 1u);
  EXPECT_EQ(back->regions[0].mask, d.regions[0].mask);
  EXPECT_EQ(back->regions[0].trajectory, d.regions[0].trajectory);
  EXPECT_EQ(back->static_mask, d.static_mask);
}

TEST(MotionBrushTest, TheFirstStoredFormatKeepsItsPathsWithOrWithoutAMask) {
  json old = {{"trajectories", {{{"points", Path({{0.1, 0.2}, {0.3, 0.4}})}}}}};
  auto bare = ParseStoredBrush(old);
  ASSERT_TRUE(bare);
  ASSERT_EQ(bare->regions.size(), 1u);
  EXPECT_EQ(bare->regions[0].mask, "");
  old["maskBlobKey"] = "projects/p/shots/s/masks/m.png";
  auto with = ParseStoredBrush(old);
  ASSERT_TRUE(with);
  EXPECT_EQ(with->regions[0].mask, "projects/p/shots/s/masks/m.png");
  EXPECT_FALSE(ParseStoredBrush(json::array()));
}

}  // namespace
}  // namespace miri
