// PUT/GET .../motion-brush (issue 16 item 4): regions that move (painted
// masks) with their paths and a static mask are stored and read back;
// every bad brush is a 400 naming the field and stores nothing; an
// approved shot's clip version lists what its request carried.
#include "adapters/local/raster.h"
#include "domain/motion_brush.h"
#include "http/api_test_fixture.h"

namespace miri::http::testing {
namespace {

using nlohmann::json;
const std::string kBlobs = std::string("projects/") + kProjectId + "/";

// A w x h mask: white inside the rectangle [x0, x1) x [y0, y1).
std::string MaskPng(int w, int h, int x0, int y0, int x1, int y1) {
  local::Image img(w, h);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x)
      img.px[static_cast<size_t>(y) * w + x] = local::MakePixel(255, 255, 255);
  return local::EncodePng(img).value();
}

json Path(std::initializer_list<std::pair<double, double>> pts) {
  json a = json::array();
  for (auto [x, y] : pts) a.push_back({{"x", x}, {"y", y}});
  return a;
}

json Brush(const std::string& mask, const std::string& still) {
  json b = {{"dynamicMasks",
             {{{"mask", EncodeBase64(mask)},
               {"trajectory", Path({{0.25, 0.5}, {0.75, 0.5}})}}}}};
  if (!still.empty()) b["staticMask"] = EncodeBase64(still);
  return b;
}

class MotionBrushApiTest : public ApiTest {
 protected:
  Response Put(const json& body) {
    return Call("PUT", ShotPath("sh1", "motion-brush"), body.dump());
  }
  json Get() { return Body(Call("GET", ShotPath("sh1", "motion-brush"))); }
  size_t StoredBlobs() {
    size_t n = 0;
    for (const auto& e :
         std::filesystem::recursive_directory_iterator(dir_ / "blobs")) {
      n += e.is_regular_file() ? 1 : 0;
    }
    return n;
  }
  // sh1 with a stored 160x90 image (the fixture's frame size).
  void ShotWithImage() {
    CreatePlannedProject();
    std::string v = Generate();
    ASSERT_EQ(FalWebhook("sh1", v, "req-1").status, 200);
    ASSERT_EQ(ShotStatus("sh1"), "AWAITING_APPROVAL");
  }
};

TEST_F(MotionBrushApiTest, StoresRegionPathAndStaticMaskAndReadsThemBack) {
  CreatePlannedProject();
  EXPECT_EQ(Get(), json::parse(R"({"dynamicMasks":[]})"));
  const std::string mask = MaskPng(64, 36, 8, 8, 24, 24);
  const std::string still = MaskPng(64, 36, 40, 0, 64, 36);
  Response r = Put(Brush(mask, still));
  ASSERT_EQ(r.status, 200) << r.body;
  json got = Get();
  EXPECT_EQ(got, Body(r));
  ASSERT_EQ(got["dynamicMasks"].size(), 1u);
  EXPECT_EQ(DecodeBase64(got["dynamicMasks"][0]["mask"].get<std::string>()),
            mask);
  EXPECT_EQ(got["dynamicMasks"][0]["trajectory"],
            Path({{0.25, 0.5}, {0.75, 0.5}}));
  EXPECT_EQ(DecodeBase64(got["staticMask"].get<std::string>()), still);
  // The stored document names blobs under the shot.
  json doc =
      json::parse(blobs_->Get(kBlobs + "shots/sh1/motion-brush.json").value());
  const std::string key = doc["dynamicMasks"][0]["maskBlobKey"];
  EXPECT_EQ(key.rfind(kBlobs + "shots/sh1/motion-brush/", 0), 0u) << key;
  EXPECT_EQ(blobs_->Get(key).value(), mask);
}

TEST_F(MotionBrushApiTest,
       APathWithoutARegionIsRefusedNamingItAndNothingChanges) {
  CreatePlannedProject();
  ASSERT_EQ(Put(Brush(MaskPng(64, 36, 0, 0, 8, 8), "")).status, 200);
  const json before = Get();
  const size_t blobs = StoredBlobs();
  json no_region = {
      {"dynamicMasks", {{{"trajectory", Path({{0.1, 0.1}, {0.9, 0.9}})}}}}};
  Response r = Put(no_region);
  EXPECT_EQ(r.status, 400);
  ASSERT_EQ(FirstIssue(r), "dynamicMasks[0].mask");
  EXPECT_EQ(Body(r)["error"]["issues"][0]["message"],
            "paint the region that moves along this path")
      << r.body;
  // The first format (paths only) is refused too, not silently dropped.
  json old = {{"trajectories", {{{"points", Path({{0.1, 0.1}, {0.9, 0.9}})}}}}};
  EXPECT_EQ(Put(old).status, 400);
  EXPECT_EQ(Get(), before);
  EXPECT_EQ(StoredBlobs(), blobs);
}

TEST_F(MotionBrushApiTest, EveryBadBrushNamesItsField) {
  CreatePlannedProject();
  const std::string m = MaskPng(64, 36, 0, 0, 8, 8);
  json off = Brush(m, "");
  off["dynamicMasks"][0]["trajectory"] = Path({{0.2, 0.2}, {0.5, 1.3}});
  EXPECT_EQ(FirstIssue(Put(off)), "dynamicMasks[0].trajectory[1].y");
  json one = Brush(m, "");
  one["dynamicMasks"][0]["trajectory"] = Path({{0.2, 0.2}});
  EXPECT_EQ(FirstIssue(Put(one)), "dynamicMasks[0].trajectory");
  json seven = {{"dynamicMasks", json::array()}};
  for (int i = 0; i < 7; ++i)
    seven["dynamicMasks"].push_back(Brush(m, "")["dynamicMasks"][0]);
  EXPECT_EQ(FirstIssue(Put(seven)), "dynamicMasks");
  EXPECT_EQ(FirstIssue(Put(Brush("GIF89a-not-a-png", ""))),
            "dynamicMasks[0].mask");
  EXPECT_EQ(FirstIssue(Put(Brush(m, MaskPng(32, 18, 0, 0, 4, 4)))),
            "staticMask");
  EXPECT_EQ(
      Call("PUT", ShotPath("nope", "motion-brush"), Brush(m, "").dump()).status,
      404);
  EXPECT_EQ(Get(), json::parse(R"({"dynamicMasks":[]})"));
}

TEST_F(MotionBrushApiTest, MasksMustHaveTheSizeOfTheShotsImage) {
  ShotWithImage();
  Response wrong = Put(Brush(MaskPng(64, 36, 0, 0, 8, 8), ""));
  EXPECT_EQ(wrong.status, 400);
  ASSERT_EQ(FirstIssue(wrong), "dynamicMasks[0].mask");
  EXPECT_NE(wrong.body.find("160x90"), std::string::npos) << wrong.body;
  EXPECT_EQ(Put(Brush(MaskPng(160, 90, 0, 0, 8, 8), "")).status, 200);
}

TEST_F(MotionBrushApiTest, TheClipVersionListsTheMasksAndPathItWasSent) {
  ShotWithImage();
  ASSERT_EQ(Put(Brush(MaskPng(160, 90, 30, 35, 50, 55),
                      MaskPng(160, 90, 120, 0, 160, 90)))
                .status,
            200);
  json doc =
      json::parse(blobs_->Get(kBlobs + "shots/sh1/motion-brush.json").value());
  Response a =
      Call("POST", ShotPath("sh1", "approve"), "", {{"idempotency-key", "a1"}});
  ASSERT_EQ(a.status, 202) << a.body;
  auto clip =
      store_->GetVersion(kProjectId, Body(a)["versionId"].get<std::string>());
  ASSERT_TRUE(clip);
  const json& brush = clip->parameters["motionBrush"];
  EXPECT_EQ(brush["dynamic"][0]["mask"], doc["dynamicMasks"][0]["maskBlobKey"]);
  EXPECT_EQ(brush["dynamic"][0]["trajectory"],
            json::parse("[[40,45],[120,45]]"));
  EXPECT_EQ(brush["staticMask"], doc["staticMaskBlobKey"]);
  EXPECT_TRUE(WaitForOutputs(clip->version_id));
}

TEST_F(MotionBrushApiTest, ApprovingAPathSavedWithoutARegionIsRefusedNamingIt) {
  ShotWithImage();
  // A brush stored before regions existed: paths only.
  ASSERT_TRUE(blobs_->Put(
      kBlobs + "shots/sh1/motion-brush.json",
      R"({"trajectories":[{"points":[{"x":0.1,"y":0.1},{"x":0.9,"y":0.9}]}]})"));
  const std::string status = ShotStatus("sh1");
  Response a =
      Call("POST", ShotPath("sh1", "approve"), "", {{"idempotency-key", "a1"}});
  EXPECT_GE(a.status, 400);
  EXPECT_LT(a.status, 500);
  EXPECT_EQ(FirstIssue(a), "motionBrush.dynamicMasks[0].mask") << a.body;
  EXPECT_EQ(ShotStatus("sh1"), status);
}

}  // namespace
}  // namespace miri::http::testing
