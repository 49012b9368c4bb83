#include "adapters/ffmpeg_audio/decode.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

namespace miri {
namespace {

namespace fs = std::filesystem;

// Each test gets a fresh directory with real files made by ffmpeg.
class DecodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/miri-decode-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Makes `seconds` of a stereo 440 Hz tone in the format `name` implies.
  std::string Tone(const std::string& name, double seconds) {
    std::string out = (dir_ / name).string();
    std::string cmd =
        "ffmpeg -nostdin -loglevel error -y -f lavfi -i "
        "sine=frequency=440:sample_rate=44100:duration=" +
        std::to_string(seconds) + " -ac 2 " + out;
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    return out;
  }
  std::string Write(const std::string& name, const std::string& bytes) {
    std::string out = (dir_ / name).string();
    std::ofstream(out, std::ios::binary) << bytes;
    return out;
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void ExpectError(const Result<PcmAudio>& r, ErrorCode code,
                          const std::string& words) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, code) << r.error().ToString();
    EXPECT_NE(r.error().message.find(words), std::string::npos)
        << r.error().message;
  }

  fs::path dir_;
};

TEST_F(DecodeTest, DecodesEveryFormatToMonoAtTheRequestedRate) {
  for (const char* name : {"a.mp3", "a.wav", "a.flac", "a.ogg", "a.m4a"}) {
    Result<PcmAudio> pcm = DecodeAudioFile(Tone(name, 2.0));
    ASSERT_TRUE(pcm.has_value()) << name << ": " << pcm.error().ToString();
    EXPECT_EQ(pcm->sample_rate, 22050);
    EXPECT_NEAR(pcm->DurationMs(), 2000, 80) << name;
    float peak = 0;
    for (float s : pcm->samples) peak = std::max(peak, std::abs(s));
    EXPECT_GT(peak, 0.05f) << name;
    EXPECT_LE(peak, 1.0f) << name;
  }
}

TEST_F(DecodeTest, HonoursTheSampleRateLimit) {
  DecodeLimits limits;
  limits.sample_rate = 44100;
  Result<PcmAudio> pcm = DecodeAudioFile(Tone("a.mp3", 1.0), limits);
  ASSERT_TRUE(pcm.has_value()) << pcm.error().ToString();
  EXPECT_NEAR(static_cast<double>(pcm->samples.size()), 44100, 3000);
}

TEST_F(DecodeTest, RefusesAMissingFile) {
  ExpectError(DecodeAudioFile((dir_ / "nope.mp3").string()),
              ErrorCode::kNotFound, "no such file");
}

TEST_F(DecodeTest, RefusesAnEmptyFile) {
  ExpectError(DecodeAudioFile(Write("empty.mp3", "")),
              ErrorCode::kInvalidArgument, "zero length");
}

TEST_F(DecodeTest, RefusesAWavWithNoSamples) {
  // A valid 44-byte WAV header whose data chunk is empty.
  std::string h = "RIFF";
  auto le32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) h.push_back(static_cast<char>(v >> (8 * i)));
  };
  auto le16 = [&](uint16_t v) {
    h.push_back(static_cast<char>(v));
    h.push_back(static_cast<char>(v >> 8));
  };
  le32(36);
  h += "WAVEfmt ";
  le32(16), le16(1), le16(1), le32(44100), le32(88200), le16(2), le16(16);
  h += "data";
  le32(0);
  ExpectError(DecodeAudioFile(Write("silent.wav", h)),
              ErrorCode::kInvalidArgument, "zero length");
}

TEST_F(DecodeTest, RefusesText) {
  ExpectError(DecodeAudioFile(Write("lyrics.mp3", "la la la\nla la\n")),
              ErrorCode::kInvalidArgument, "not audio");
}

TEST_F(DecodeTest, RefusesAnImage) {
  std::string png = (dir_ / "frame.png").string();
  std::string cmd =
      "ffmpeg -nostdin -loglevel error -y -f lavfi -i "
      "color=c=red:s=32x32 -frames:v 1 " +
      png;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ExpectError(DecodeAudioFile(png), ErrorCode::kInvalidArgument, "not audio");
}

TEST_F(DecodeTest, RefusesATruncatedMp3) {
  std::string whole = Read(Tone("a.mp3", 6.0));
  std::string cut = Write("cut.mp3", whole.substr(0, whole.size() / 2));
  ExpectError(DecodeAudioFile(cut), ErrorCode::kInvalidArgument, "truncated");
}

TEST_F(DecodeTest, RefusesATruncatedWav) {
  std::string whole = Read(Tone("a.wav", 4.0));
  std::string cut = Write("cut.wav", whole.substr(0, whole.size() / 3));
  ExpectError(DecodeAudioFile(cut), ErrorCode::kInvalidArgument, "truncated");
}

TEST_F(DecodeTest, RefusesATruncatedFlac) {
  std::string whole = Read(Tone("a.flac", 4.0));
  std::string cut = Write("cut.flac", whole.substr(0, whole.size() / 3));
  ExpectError(DecodeAudioFile(cut), ErrorCode::kInvalidArgument, "truncated");
}

TEST_F(DecodeTest, RefusesACorruptMp3) {
  std::string bytes = Read(Tone("a.mp3", 6.0));
  // Overwrite the middle half with a deterministic pseudo-random pattern.
  uint32_t x = 12345;
  for (size_t i = bytes.size() / 4; i < bytes.size() * 3 / 4; ++i) {
    x = x * 1103515245u + 12345u;
    bytes[i] = static_cast<char>(x >> 16);
  }
  Result<PcmAudio> r = DecodeAudioFile(Write("bad.mp3", bytes));
  ASSERT_FALSE(r.has_value());
  const std::string& m = r.error().message;
  EXPECT_TRUE(m.find("corrupt") != std::string::npos ||
              m.find("truncated") != std::string::npos)
      << m;
}

TEST_F(DecodeTest, RefusesAudioLongerThanTheCap) {
  DecodeLimits limits;
  limits.max_duration_ms = 1000;
  ExpectError(DecodeAudioFile(Tone("a.mp3", 3.0), limits),
              ErrorCode::kResourceExhausted, "too long");
}

TEST_F(DecodeTest, RefusesAFileLargerThanTheUploadCap) {
  DecodeLimits limits;
  limits.max_file_bytes = 1000;
  ExpectError(DecodeAudioFile(Tone("a.wav", 1.0), limits),
              ErrorCode::kResourceExhausted, "upload cap");
}

TEST_F(DecodeTest, ErrorsNameTheFile) {
  std::string path = Write("named.mp3", "");
  Result<PcmAudio> r = DecodeAudioFile(path);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find(path), std::string::npos);
}

}  // namespace
}  // namespace miri
