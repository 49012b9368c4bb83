// The media routes: song, blobs by key, a shot's latest image, the render
// and its exports, and the refine mask upload.
#include <fstream>
#include <iterator>

#include "http/api_test_fixture.h"

namespace miri::http::testing {
namespace {

using nlohmann::json;
const std::string kProject = std::string("/api/projects/") + kProjectId;
const std::string kBlobs = std::string("projects/") + kProjectId + "/";
const std::string kPng("\x89PNG\r\n\x1a\n-rest-of-a-png", 22);

std::string FileContent(const Response& r) {
  std::ifstream in(r.file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(ApiTest, SongIsServedOnceUploaded) {
  ASSERT_EQ(Call("POST", "/api/projects", ProjectJson().dump()).status, 201);
  Response before = Call("GET", kProject + "/song");
  EXPECT_EQ(before.status, 404);
  EXPECT_EQ(FirstIssue(before), "song");
  std::string mp3("ID3\x04\0\0\0\0\0\0\xff\xfb", 12);
  ASSERT_EQ(
      Call("PUT", kProject + "/song", mp3, {{"content-type", "audio/mpeg"}})
          .status,
      200);
  Response r = Call("GET", kProject + "/song");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "audio/mpeg");
  EXPECT_EQ(FileContent(r), mp3);
}

TEST_F(ApiTest, BlobsAreServedOnlyFromTheProjectsOwnKeys) {
  CreatePlannedProject();
  ASSERT_TRUE(blobs_->Put(kBlobs + "shots/sh1/v1-image.png", kPng));
  Response ok =
      Call("GET", kProject + "/blob?key=" + kBlobs + "shots/sh1/v1-image.png");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.content_type, "image/png");
  EXPECT_EQ(FileContent(ok), kPng);
  ASSERT_TRUE(blobs_->Put("projects/other/shots/x.png", kPng));
  for (const std::string& key :
       std::vector<std::string>{"projects/other/shots/x.png", "../x",
                                kBlobs + "../other/shots/x.png", ""}) {
    Response r = Call("GET", kProject + "/blob?key=" + key);
    EXPECT_EQ(r.status, 400) << key;
    EXPECT_EQ(FirstIssue(r), "key") << key;
  }
  EXPECT_EQ(
      Call("GET", kProject + "/blob?key=" + kBlobs + "nothing.png").status,
      404);
}

TEST_F(ApiTest, ShotImageIsTheNewestImageVersionWithAnOutput) {
  CreatePlannedProject();
  EXPECT_EQ(Call("GET", kProject + "/shots/sh1/image").status, 404);
  EXPECT_EQ(Call("GET", kProject + "/shots/nope/image").status, 404);
  for (const char* id : {"v1", "v2", "v3"}) {
    Version v;
    v.version_id = id;
    v.shot_id = "sh1";
    v.kind =
        std::string(id) == "v3" ? VersionKind::kVideo : VersionKind::kImage;
    v.model_code = "T";
    v.model = "test";
    v.outputs = {kBlobs + "shots/sh1/" + id + "-out"};
    v.created_at = "2026-01-01T00:00:00Z";
    ASSERT_TRUE(store_->AppendVersion(kProjectId, v));
    ASSERT_TRUE(blobs_->Put(v.outputs[0], id));
  }
  Response r = Call("GET", kProject + "/shots/sh1/image");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(FileContent(r), "v2");
}

TEST_F(ApiTest, RenderOutputsAre404UntilRenderedAndFormatsAreChecked) {
  CreatePlannedProject();
  Response before = Call("GET", kProject + "/render/mp4");
  EXPECT_EQ(before.status, 404);
  EXPECT_EQ(FirstIssue(before), "format");
  EXPECT_EQ(FirstIssue(Call("GET", kProject + "/render/exe")), "format");
  ASSERT_TRUE(blobs_->Put(kBlobs + "render/output.mp4", "mp4 bytes"));
  ASSERT_TRUE(blobs_->Put(kBlobs + "render/output.edl", "TITLE: Miri"));
  Response mp4 = Call("GET", kProject + "/render/mp4");
  ASSERT_EQ(mp4.status, 200);
  EXPECT_EQ(mp4.content_type, "video/mp4");
  EXPECT_EQ(FileContent(mp4), "mp4 bytes");
  EXPECT_EQ(Call("GET", kProject + "/render/edl").content_type,
            "text/plain; charset=utf-8");
}

TEST_F(ApiTest, MaskUploadTakesAPngAndARefineCanNameIt) {
  CreatePlannedProject();
  Response wrong = Call("PUT", kProject + "/shots/sh1/mask", kPng,
                        {{"content-type", "image/jpeg"}});
  EXPECT_EQ(wrong.status, 415);
  EXPECT_EQ(FirstIssue(wrong), "Content-Type");
  Response fake = Call("PUT", kProject + "/shots/sh1/mask", "not a png",
                       {{"content-type", "image/png"}});
  EXPECT_EQ(fake.status, 400);
  EXPECT_EQ(FirstIssue(fake), "body");
  EXPECT_EQ(Call("PUT", kProject + "/shots/nope/mask", kPng,
                 {{"content-type", "image/png"}})
                .status,
            404);
  Response ok = Call("PUT", kProject + "/shots/sh1/mask", kPng,
                     {{"content-type", "image/png"}});
  ASSERT_EQ(ok.status, 201) << ok.body;
  std::string key = Body(ok)["blobKey"];
  EXPECT_EQ(key.rfind(kBlobs + "shots/sh1/masks/", 0), 0u) << key;
  EXPECT_EQ(blobs_->Get(key).value(), kPng);
  EXPECT_EQ(api_->BodyLimit("PUT", kProject + "/shots/sh1/mask"), 8u << 20);
}

// Media elements cannot send Authorization: reads also take the cookie.
TEST_F(ApiTest, WithATokenMediaReadsAcceptTheCookieButCommandsDoNot) {
  ApiConfig c;
  c.bearer_token = "s3cret";
  MakeApi(c);
  const std::map<std::string, std::string> bearer = {
      {"authorization", "Bearer s3cret"}};
  ASSERT_EQ(Call("POST", "/api/projects", ProjectJson().dump(),
                 {{"authorization", "Bearer s3cret"},
                  {"content-type", "application/json"}})
                .status,
            201);
  ASSERT_TRUE(blobs_->Put(kBlobs + "render/output.mp4", "mp4 bytes"));
  EXPECT_EQ(Call("GET", kProject + "/render/mp4").status, 401);
  EXPECT_EQ(Call("GET", kProject + "/render/mp4", "",
                 {{"cookie", "theme=dark; miri_token=nope"}})
                .status,
            401);
  EXPECT_EQ(Call("GET", kProject + "/render/mp4", "",
                 {{"cookie", "theme=dark; miri_token=s3cret"}})
                .status,
            200);
  EXPECT_EQ(Call("GET", kProject + "/render/mp4", "",
                 {{"cookie", "xmiri_token=s3cret"}})
                .status,
            401);
  EXPECT_EQ(Call("GET", kProject + "/render/mp4", "", bearer).status, 200);
  Response cmd =
      Call("POST", kProject + "/render", "", {{"cookie", "miri_token=s3cret"}});
  EXPECT_EQ(cmd.status, 401);
}

}  // namespace
}  // namespace miri::http::testing
