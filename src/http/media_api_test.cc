// The media routes: song, blobs by key, a shot's latest image, the render
// and its exports, and the refine mask upload.
#include <fstream>
#include <functional>
#include <iterator>

#include "http/api_test_fixture.h"
#include "http/byte_range.h"

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

// The bytes a file response sends: its part of the file.
std::string SentBytes(const Response& r) {
  std::string all = FileContent(r);
  if (r.file_offset > all.size()) return "(offset past the end)";
  return all.substr(r.file_offset, r.file_length < 0
                                       ? std::string::npos
                                       : static_cast<size_t>(r.file_length));
}

std::string HeaderOf(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

// A 20-byte media body: "0123456789abcdefghij".
const std::string kMedia = "0123456789abcdefghij";

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

class MediaRangeTest : public ApiTest {
 public:
  std::string FirstIssueOf(const Response& r) { return FirstIssue(r); }
  std::function<Response(std::map<std::string, std::string>)> Getter(
      const std::string& target) {
    return [this, target](std::map<std::string, std::string> headers) {
      return Call("GET", target, "", std::move(headers));
    };
  }
};

// Range on a media route whose body is kMedia (issue 21 item 5; the
// review's B6: the video could not be seeked).
void ExpectRangesServed(
    MediaRangeTest* t,
    const std::function<Response(std::map<std::string, std::string>)>& get,
    const std::string& route) {
  SCOPED_TRACE(route);
  Response whole = get({});
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_EQ(HeaderOf(whole, "Accept-Ranges"), "bytes");
  EXPECT_EQ(SentBytes(whole), kMedia);
  struct Case {
    std::string range, bytes, content_range;
  };
  for (const Case& c : std::vector<Case>{
           {"bytes=0-3", "0123", "bytes 0-3/20"},      // first bytes
           {"bytes=8-11", "89ab", "bytes 8-11/20"},    // middle
           {"bytes=-4", "ghij", "bytes 16-19/20"},     // suffix
           {"bytes=15-", "fghij", "bytes 15-19/20"},   // to the end
           {"bytes=18-99", "ij", "bytes 18-19/20"},    // clamped
           {"bytes=-50", kMedia, "bytes 0-19/20"}}) {  // all of it
    Response r = get({{"range", c.range}});
    EXPECT_EQ(r.status, 206) << c.range << " " << r.body;
    EXPECT_EQ(SentBytes(r), c.bytes) << c.range;
    EXPECT_EQ(HeaderOf(r, "Content-Range"), c.content_range) << c.range;
    EXPECT_EQ(HeaderOf(r, "Accept-Ranges"), "bytes") << c.range;
  }
  for (const char* range : {"bytes=20-", "bytes=100-200", "bytes=-0"}) {
    Response r = get({{"range", range}});
    EXPECT_EQ(r.status, 416) << range;
    EXPECT_EQ(HeaderOf(r, "Content-Range"), "bytes */20") << range;
    EXPECT_TRUE(r.file.empty()) << range;
    EXPECT_EQ(t->FirstIssueOf(r), "Range") << range;
  }
  // Not understood: ignored, the whole file (RFC 9110 section 14.2).
  for (const char* range :
       {"bytes=5-2", "items=0-3", "bytes=0-1,4-5", "bytes=x-"}) {
    Response r = get({{"range", range}});
    EXPECT_EQ(r.status, 200) << range;
    EXPECT_EQ(SentBytes(r), kMedia) << range;
  }
}

TEST_F(MediaRangeTest, SongServesRanges) {
  ASSERT_EQ(Call("POST", "/api/projects", ProjectJson().dump()).status, 201);
  ASSERT_TRUE(blobs_->Put(kBlobs + "audio/song.mp3", kMedia));
  ExpectRangesServed(this, Getter(kProject + "/song"), "song");
}

TEST_F(MediaRangeTest, ImageAndClipBlobsServeRanges) {
  CreatePlannedProject();
  ASSERT_TRUE(blobs_->Put(kBlobs + "shots/sh1/v1-image.png", kMedia));
  ASSERT_TRUE(blobs_->Put(kBlobs + "shots/sh1/v2-clip.mp4", kMedia));
  ExpectRangesServed(
      this, Getter(kProject + "/blob?key=" + kBlobs + "shots/sh1/v1-image.png"),
      "image blob");
  ExpectRangesServed(
      this, Getter(kProject + "/blob?key=" + kBlobs + "shots/sh1/v2-clip.mp4"),
      "clip blob");
}

TEST_F(MediaRangeTest, ShotImageServesRanges) {
  CreatePlannedProject();
  Version v;
  v.version_id = "v1";
  v.shot_id = "sh1";
  v.kind = VersionKind::kImage;
  v.model_code = "T";
  v.model = "test";
  v.outputs = {kBlobs + "shots/sh1/v1-out.png"};
  v.created_at = "2026-01-01T00:00:00Z";
  ASSERT_TRUE(store_->AppendVersion(kProjectId, v));
  ASSERT_TRUE(blobs_->Put(v.outputs[0], kMedia));
  ExpectRangesServed(this, Getter(kProject + "/shots/sh1/image"), "shot image");
}

TEST_F(MediaRangeTest, FinalRenderServesRanges) {
  CreatePlannedProject();
  ASSERT_TRUE(blobs_->Put(kBlobs + "render/output.mp4", kMedia));
  ExpectRangesServed(this, Getter(kProject + "/render/mp4"), "render mp4");
}

// A range on a command, or with an If-Range the server cannot validate,
// changes nothing.
TEST_F(MediaRangeTest, RangeOnlyAppliesToPlainGets) {
  ASSERT_EQ(Call("POST", "/api/projects", ProjectJson().dump()).status, 201);
  ASSERT_TRUE(blobs_->Put(kBlobs + "audio/song.mp3", kMedia));
  Response r = Call("GET", kProject + "/song", "",
                    {{"range", "bytes=0-3"}, {"if-range", "\"etag\""}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(SentBytes(r), kMedia);
  Response json = Call("GET", "/api/projects", "", {{"range", "bytes=0-3"}});
  EXPECT_EQ(json.status, 200);
  EXPECT_EQ(HeaderOf(json, "Accept-Ranges"), "");
}

TEST(ByteRangeTest, EmptyFileHasNoSatisfiableRange) {
  ByteRange r;
  EXPECT_EQ(ParseByteRange("bytes=0-", 0, &r), RangeRequest::kUnsatisfiable);
  EXPECT_EQ(ParseByteRange("bytes=-5", 0, &r), RangeRequest::kUnsatisfiable);
  EXPECT_EQ(ParseByteRange("bytes=99999999999999999999999-", 10, &r),
            RangeRequest::kUnsatisfiable);
  EXPECT_EQ(ParseByteRange(" Bytes = 2-3 ", 10, &r), RangeRequest::kPart);
  EXPECT_EQ(r.first, 2u);
  EXPECT_EQ(r.last, 3u);
}

}  // namespace
}  // namespace miri::http::testing
