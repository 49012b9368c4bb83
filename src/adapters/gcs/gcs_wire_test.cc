#include "adapters/gcs/gcs_wire.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace miri::gcs {
namespace {

TEST(GcsWireTest, EndpointComesFromStorageEmulatorHostInEitherForm) {
  EXPECT_EQ(EndpointFrom(""), "https://storage.googleapis.com");
  EXPECT_EQ(EndpointFrom("127.0.0.1:9023"), "http://127.0.0.1:9023");
  EXPECT_EQ(EndpointFrom("http://localhost:9023/"), "http://localhost:9023");
  EXPECT_EQ(EndpointFrom("https://gcs.example.test"),
            "https://gcs.example.test");
}

TEST(GcsWireTest, ObjectNamesAreOnePercentEncodedPathSegment) {
  EXPECT_EQ(ObjectUrl("http://h", "media", "projects/p1/audio/song.mp3"),
            "http://h/storage/v1/b/media/o/projects%2Fp1%2Faudio%2Fsong.mp3");
  EXPECT_EQ(MediaUrl("http://h", "media", "a b/c?d#e"),
            "http://h/storage/v1/b/media/o/a%20b%2Fc%3Fd%23e?alt=media");
  EXPECT_EQ(MediaUrl("http://h", "media", "k.png", "17"),
            "http://h/storage/v1/b/media/o/k.png?alt=media&generation=17");
  EXPECT_EQ(MultipartUploadUrl("http://h", "media"),
            "http://h/upload/storage/v1/b/media/o?uploadType=multipart");
}

TEST(GcsWireTest, ContentTypesFollowTheExtension) {
  EXPECT_EQ(ContentTypeFor("projects/p/audio/song.mp3"), "audio/mpeg");
  EXPECT_EQ(ContentTypeFor("projects/p/shots/s/v1.PNG"), "image/png");
  EXPECT_EQ(ContentTypeFor("projects/p/render/output.mp4"), "video/mp4");
  EXPECT_EQ(ContentTypeFor("projects/p/lyrics.txt"),
            "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("projects/p.d/noext"), "application/octet-stream");
}

TEST(GcsWireTest, MultipartFramingIsMetadataThenMedia) {
  MultipartFraming f = FrameMultipart("a/\"b\".png", "image/png", "BND");
  EXPECT_EQ(f.content_type, "multipart/related; boundary=BND");
  EXPECT_EQ(f.head,
            "--BND\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
            "{\"name\":\"a/\\\"b\\\".png\",\"contentType\":\"image/png\"}\r\n"
            "--BND\r\nContent-Type: image/png\r\n\r\n");
  EXPECT_EQ(f.tail, "\r\n--BND--\r\n");
}

TEST(GcsWireTest, ObjectResourceSizesAndGenerationsAreStrings) {
  Result<ObjectInfo> o = ParseObject(
      R"({"kind":"storage#object","name":"k","generation":"1712345678901234",)"
      R"("size":"42","contentType":"image/png"})");
  ASSERT_TRUE(o) << o.error().ToString();
  EXPECT_EQ(o->name, "k");
  EXPECT_EQ(o->generation, "1712345678901234");
  EXPECT_EQ(o->size, 42);
  EXPECT_EQ(o->content_type, "image/png");
  for (const char* bad : {"<html>", R"({"name":"k","generation":1,"size":"1"})",
                          R"({"name":"k","generation":"1","size":"-1"})",
                          R"({"name":"k","generation":"1","size":"12x"})"}) {
    Result<ObjectInfo> r = ParseObject(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << bad;
  }
}

HttpResponse Reply(int status, std::string body = "") {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(GcsWireTest, StatusesMapToErrorCodesNamingTheObject) {
  std::string api =
      R"({"error":{"code":404,"message":"No such object: media/k"}})";
  Error e = ErrorFor(Reply(404, api), "get", "media", "projects/p/k.png");
  EXPECT_EQ(e.code, ErrorCode::kNotFound);
  EXPECT_NE(e.message.find("gs://media/projects/p/k.png"), std::string::npos)
      << e.message;
  EXPECT_NE(e.message.find("No such object: media/k"), std::string::npos)
      << e.message;
  HttpResponse no_bucket = Reply(
      404,
      R"({"error":{"code":404,"message":"The specified bucket does not exist."}})");
  EXPECT_TRUE(IsMissingBucket(no_bucket));
  EXPECT_FALSE(IsMissingBucket(Reply(404, api)));
  EXPECT_EQ(ErrorFor(no_bucket, "get", "media", "k").code,
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(ErrorFor(Reply(400), "put", "b", "k").code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ErrorFor(Reply(401), "put", "b", "k").code,
            ErrorCode::kFailedPrecondition);
  EXPECT_NE(ErrorFor(Reply(403), "put", "b", "k").message.find("roles"),
            std::string::npos);
  EXPECT_EQ(ErrorFor(Reply(412), "put", "b", "k").code,
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(ErrorFor(Reply(409), "put", "b", "k").code, ErrorCode::kInternal);
  for (int s : {408, 429, 500, 502, 503, 504}) {
    EXPECT_TRUE(IsRetryableStatus(s)) << s;
    EXPECT_EQ(ErrorFor(Reply(s, "upstream gone"), "get", "b", "k").code,
              ErrorCode::kUnavailable)
        << s;
  }
  for (int s : {400, 401, 403, 404, 409, 412})
    EXPECT_FALSE(IsRetryableStatus(s)) << s;
  EXPECT_NE(ErrorFor(Reply(502, "upstream gone"), "get", "b", "k")
                .message.find("upstream gone"),
            std::string::npos);
}

}  // namespace
}  // namespace miri::gcs
