#include "adapters/gemini/gemini_director.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/gemini/gemini_protocol.h"
#include "services/planning/choosing_director.h"
#include "services/planning/local_director.h"
#include "services/planning/planner.h"
#include "services/planning/repair.h"

namespace miri {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The Node emulator (tests/fixtures/gemini_emulator/server.mjs) as a child
// process on a loopback port; stopped (and reaped) by the destructor.
class Emulator {
 public:
  Emulator() {
    int out[2], in[2];
    if (pipe(out) != 0 || pipe(in) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      dup2(in[0], STDIN_FILENO);  // the emulator exits when this closes
      close(out[0]), close(in[1]);
      execlp("node", "node", "tests/fixtures/gemini_emulator/server.mjs",
             "--api-key", "test-key", "--exit-with-stdin",
             static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]), close(in[0]);
    stdin_ = in[1];
    std::string line;
    pollfd p{out[0], POLLIN, 0};
    for (int waited = 0; waited < 100 && line.find('\n') == std::string::npos;
         ++waited) {
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[256];
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, n);
    }
    close(out[0]);
    json j = json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("port")) port_ = j["port"].get<int>();
  }
  ~Emulator() {
    if (pid_ > 0) {
      close(stdin_);
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
  }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
};

class FixedAnalyzer final : public SongAnalyzer {
 public:
  Result<SongAnalysis> Analyze(const std::string& path) override {
    if (!fs::exists(path))
      return MakeError(ErrorCode::kNotFound, path + ": no such file");
    SongAnalysis a;
    a.duration_ms = 30000;
    a.tempo_bpm = 120;
    for (int64_t t = 0; t < 30000; t += 500) a.beats_ms.push_back(t);
    return a;
  }
};

class GeminiDirectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GT(emu_.port(), 0) << "emulator did not start";
    char tmpl[] = "/tmp/miri-gemini-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    song_ = (dir_ / "song.mp3").string();
    std::string cmd =
        "ffmpeg -nostdin -loglevel error -y -f lavfi -i "
        "sine=frequency=440:duration=3 " +
        song_;
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    config_.base_url = emu_.url();
    config_.api_key = "test-key";
    request_.audio_path = song_;
    request_.lyrics_text = "[00:02.00]Miri walks in the rain\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Queue(const json& reply) {
    HttpRequest r;
    r.method = "POST";
    r.url = emu_.url() + "/_emulator/responses";
    r.headers = {{"Content-Type", "application/json"}};
    r.body = reply.dump();
    ASSERT_TRUE(http_.Send(r).has_value());
  }
  // New uploads stay PROCESSING for their first `polls` reads.
  void KeepUploadsProcessing(int polls) {
    HttpRequest r;
    r.method = "POST";
    r.url = emu_.url() + "/_emulator/processing";
    r.headers = {{"Content-Type", "application/json"}};
    r.body = json{{"polls", polls}}.dump();
    ASSERT_TRUE(http_.Send(r).has_value());
  }
  json Requests() {
    HttpRequest r;
    r.url = emu_.url() + "/_emulator/requests";
    Result<HttpResponse> got = http_.Send(r);
    EXPECT_TRUE(got.has_value());
    return got ? json::parse(got->body)["requests"] : json::array();
  }
  static json GoodPlan() {
    return {{"scenes",
             {{{"sceneId", "s1"},
               {"label", "verse"},
               {"startMs", 0},
               {"endMs", 16000}},
              {{"sceneId", "s2"},
               {"label", "chorus"},
               {"startMs", 16000},
               {"endMs", 30000}}}},
            {"shots",
             {{{"shotId", "a"},
               {"sceneId", "s1"},
               {"startMs", 0},
               {"endMs", 8000},
               {"lyricsSnippet", ""},
               {"description", "Wide shot"}},
              {{"shotId", "b"},
               {"sceneId", "s1"},
               {"startMs", 8000},
               {"endMs", 16000},
               {"lyricsSnippet", "Miri walks in the rain"},
               {"description", "Medium"},
               {"endState", "Miri has reached the corner"}},
              {{"shotId", "c"},
               {"sceneId", "s2"},
               {"startMs", 16000},
               {"endMs", 30000},
               {"lyricsSnippet", ""},
               {"description", "Close-up"}}}}};
  }

  Emulator emu_;
  CurlHttpClient http_;
  FixedAnalyzer analyzer_;
  GeminiConfig config_;
  PlanRequest request_;
  fs::path dir_;
  std::string song_;
};

TEST_F(GeminiDirectorTest, SendsInlineAudioLyricsAndSchemaAndReadsThePlan) {
  Queue({{"text", GoodPlan().dump()}});
  GeminiDirector gemini(config_, analyzer_, http_);
  CheckedDirector director(gemini);
  Result<Plan> plan = director.MakePlan(request_);
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  EXPECT_EQ(plan->duration_ms, 30000);
  ASSERT_EQ(plan->scenes.size(), 2u);
  ASSERT_EQ(plan->shots.size(), 4u);  // c (14 s) split in two by the repair
  EXPECT_EQ(plan->shots[1].lyrics_snippet, "Miri walks in the rain");
  // The end state (the clip's end frame) is read; a shot without one has
  // none.
  EXPECT_EQ(plan->shots[1].end_state, "Miri has reached the corner");
  EXPECT_EQ(plan->shots[0].end_state, "");

  json reqs = Requests();
  ASSERT_FALSE(reqs.empty());
  const json& r = reqs.back();
  EXPECT_EQ(r["path"], "/v1beta/models/gemini-3.8-flash:generateContent");
  EXPECT_EQ(r["headers"]["x-goog-api-key"], "test-key");
  const json& parts = r["body"]["contents"][0]["parts"];
  EXPECT_EQ(r["body"]["contents"][0]["role"], "user");
  EXPECT_EQ(parts[0]["inlineData"]["mimeType"], "audio/mp3");
  EXPECT_EQ(parts[0]["inlineData"]["data"]["bytes"].get<int64_t>(),
            static_cast<int64_t>(fs::file_size(song_)));
  EXPECT_NE(parts[1]["text"].get<std::string>().find("Miri walks in the rain"),
            std::string::npos);
  EXPECT_NE(parts[1]["text"].get<std::string>().find("30000 ms"),
            std::string::npos);
  EXPECT_EQ(r["body"]["generationConfig"]["responseMimeType"],
            "application/json");
  EXPECT_TRUE(r["body"]["generationConfig"].contains("responseJsonSchema"));
  EXPECT_TRUE(r["body"]["generationConfig"]["responseJsonSchema"]["properties"]
               ["shots"]["items"]["properties"]
                   .contains("endState"));
}

// Issue 16 item 2: the DIRECTOR's model picks Gemini (the emulator saw the
// audio) and the plan says so; a Gemini failure falls back to the local
// director (here the real planner over the same analysis), the reason kept.
TEST_F(GeminiDirectorTest, TheDirectorsModelChoosesGeminiAndAFailureFallsBack) {
  GeminiDirector gemini(config_, analyzer_, http_);
  LocalDirector local(analyzer_);
  CheckedDirector checked_local(local);
  ChoosingDirector director(checked_local, &gemini);
  request_.llm_model = "gemini-3.8-flash";

  Queue({{"text", GoodPlan().dump()}});
  Result<Plan> plan = director.MakePlan(request_);
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  EXPECT_EQ(plan->director, "gemini-3.8-flash");
  const json parts = Requests().back()["body"]["contents"][0]["parts"];
  EXPECT_EQ(parts[0]["inlineData"]["mimeType"], "audio/mp3");

  Queue({{"error",
          {{"code", 400},
           {"status", "INVALID_ARGUMENT"},
           {"message", "the audio could not be read"}}}});
  plan = director.MakePlan(request_);
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  EXPECT_EQ(plan->director, "local");
  ASSERT_FALSE(plan->warnings.empty());
  bool told = false;
  for (const PlanWarning& w : plan->warnings) {
    told |= w.code == "DIRECTOR_FALLBACK" &&
            w.message.find("the audio could not be read") != std::string::npos;
  }
  EXPECT_TRUE(told);
  EXPECT_TRUE(CheckTiling(*plan, PlanLimits{}).has_value());
}

// Regression (issue 17 item 3): gemini-2.5-flash is past its shutdown (404
// on the emulator); temperature is deprecated on 3.x and no thinkingConfig
// let thoughts eat maxOutputTokens.
TEST_F(GeminiDirectorTest,
       PlansWithTheCurrentModelLowThinkingAndNoTemperature) {
  Queue({{"text", GoodPlan().dump()}});
  GeminiDirector gemini(config_, analyzer_, http_);
  ASSERT_TRUE(gemini.MakePlan(request_).has_value());
  const json g = Requests().back()["body"]["generationConfig"];
  EXPECT_EQ(g["thinkingConfig"], json::parse(R"({"thinkingLevel":"LOW"})"));
  EXPECT_EQ(g["maxOutputTokens"], 32768);
  EXPECT_FALSE(g.contains("temperature"));
}

TEST_F(GeminiDirectorTest, AModelPastItsShutdownIsAClearError) {
  config_.model = "gemini-2.5-flash";
  GeminiDirector gemini(config_, analyzer_, http_);
  Result<Plan> p = gemini.MakePlan(request_);
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message.find("gemini-2.5-flash is not found"),
            std::string::npos)
      << p.error().message;
}

TEST_F(GeminiDirectorTest, ThinkingThatUsesTheBudgetIsRetriedOnceLarger) {
  Queue({{"text", GoodPlan().dump()}, {"thoughtsTokens", 40000}});
  Queue({{"text", GoodPlan().dump()}, {"thoughtsTokens", 40000}});
  GeminiDirector gemini(config_, analyzer_, http_);
  Result<Plan> p = gemini.MakePlan(request_);
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  json reqs = Requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0]["body"]["generationConfig"]["maxOutputTokens"], 32768);
  EXPECT_EQ(reqs[1]["body"]["generationConfig"]["maxOutputTokens"], 65536);
}

TEST_F(GeminiDirectorTest,
       ThinkingThatUsesTheLargerBudgetTooNamesModelAndLimit) {
  Queue({{"text", GoodPlan().dump()}, {"thoughtsTokens", 70000}});
  Queue({{"text", GoodPlan().dump()}, {"thoughtsTokens", 70000}});
  GeminiDirector gemini(config_, analyzer_, http_);
  Result<Plan> p = gemini.MakePlan(request_);
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message.find("gemini-3.8-flash used all 65536"),
            std::string::npos)
      << p.error().message;
}

TEST_F(GeminiDirectorTest, ABrokenPlanIsRepairedWithEachRepairLogged) {
  json broken = {{"scenes",
                  {{{"sceneId", "s1"},
                    {"label", "verse"},
                    {"startMs", 0},
                    {"endMs", 31000}}}},
                 {"shots",
                  {{{"shotId", "b"},
                    {"sceneId", "s1"},
                    {"startMs", 9000},
                    {"endMs", 12000},
                    {"lyricsSnippet", ""},
                    {"description", ""}},
                   {{"shotId", "a"},
                    {"sceneId", "s1"},
                    {"startMs", 1000},
                    {"endMs", 9500},
                    {"lyricsSnippet", ""},
                    {"description", ""}},
                   {{"shotId", "c"},
                    {"sceneId", "s1"},
                    {"startMs", 14000},
                    {"endMs", 40000},
                    {"lyricsSnippet", ""},
                    {"description", ""}}}}};
  Queue({{"text", broken.dump()}});
  GeminiDirector gemini(config_, analyzer_, http_);
  CheckedDirector director(gemini);
  Result<Plan> plan = director.MakePlan(request_);
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  ASSERT_TRUE(CheckTiling(*plan, request_.limits).has_value());
  std::string log;
  for (const PlanWarning& w : plan->warnings)
    if (w.code == "PLAN_REPAIRED") log += w.message + "\n";
  EXPECT_NE(log.find("sorted shots"), std::string::npos) << log;
  EXPECT_NE(log.find("trimmed shot b"), std::string::npos) << log;
  EXPECT_NE(log.find("filled the gap"), std::string::npos) << log;
  EXPECT_NE(log.find("clamped shot c"), std::string::npos) << log;
  EXPECT_NE(log.find("split shot c"), std::string::npos) << log;
}

TEST_F(GeminiDirectorTest, LargeAudioGoesThroughTheFileApiAndIsDeleted) {
  config_.inline_limit_bytes = 1000;
  Queue({{"text", GoodPlan().dump()}});
  GeminiDirector gemini(config_, analyzer_, http_);
  Result<Plan> plan = gemini.MakePlan(request_);
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  json reqs = Requests();
  std::vector<std::string> seen;
  for (const json& r : reqs)
    seen.push_back(r["method"].get<std::string>() + " " +
                   r["path"].get<std::string>());
  ASSERT_GE(seen.size(), 4u);
  EXPECT_EQ(seen[seen.size() - 4], "POST /upload/v1beta/files");
  EXPECT_EQ(reqs[reqs.size() - 4]["headers"]["x-goog-upload-command"], "start");
  EXPECT_EQ(reqs[reqs.size() - 3]["headers"]["x-goog-upload-command"],
            "upload, finalize");
  EXPECT_EQ(seen[seen.size() - 2],
            "POST /v1beta/models/gemini-3.8-flash:generateContent");
  const json& part = reqs[reqs.size() - 2]["body"]["contents"][0]["parts"][0];
  EXPECT_TRUE(part.contains("fileData")) << part.dump();
  EXPECT_EQ(seen.back().substr(0, 21), "DELETE /v1beta/files/");
}

// A large upload that stays PROCESSING is polled with a growing wait
// between reads (1 s, 2 s, ...), and used once ACTIVE.
TEST_F(GeminiDirectorTest, AProcessingUploadIsPolledWithBackoff) {
  config_.inline_limit_bytes = 1000;
  std::vector<int64_t> waits;
  config_.sleep_ms = [&](int64_t ms) { waits.push_back(ms); };
  KeepUploadsProcessing(3);
  Queue({{"text", GoodPlan().dump()}});
  GeminiDirector gemini(config_, analyzer_, http_);
  Result<Plan> plan = gemini.MakePlan(request_);
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  EXPECT_EQ(waits, (std::vector<int64_t>{1000, 2000, 4000}));
  int reads = 0;
  for (const json& r : Requests()) {
    if (r["method"] == "GET" &&
        r["path"].get<std::string>().starts_with("/v1beta/files/")) {
      ++reads;
    }
  }
  EXPECT_EQ(reads, 3);
}

// Still PROCESSING after max_file_polls reads: a clear error, not a plan
// made without the song.
TEST_F(GeminiDirectorTest, AnUploadThatNeverFinishesProcessingIsAnError) {
  config_.inline_limit_bytes = 1000;
  config_.max_file_polls = 2;
  std::vector<int64_t> waits;
  config_.sleep_ms = [&](int64_t ms) { waits.push_back(ms); };
  KeepUploadsProcessing(10);
  GeminiDirector gemini(config_, analyzer_, http_);
  Result<Plan> plan = gemini.MakePlan(request_);
  ASSERT_FALSE(plan.has_value());
  EXPECT_NE(plan.error().message.find("PROCESSING"), std::string::npos)
      << plan.error().ToString();
  EXPECT_EQ(waits, (std::vector<int64_t>{1000, 2000}));
}

TEST_F(GeminiDirectorTest, RateLimitIsResourceExhaustedNamingTheDelay) {
  Queue({{"error",
          {{"code", 429},
           {"message", "Quota exceeded"},
           {"details",
            {{{"@type", "type.googleapis.com/google.rpc.RetryInfo"},
              {"retryDelay", "36s"}}}}}}});
  GeminiDirector gemini(config_, analyzer_, http_);
  Result<Plan> plan = gemini.MakePlan(request_);
  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(plan.error().code, ErrorCode::kResourceExhausted);
  EXPECT_NE(plan.error().message.find("retry after 36s"), std::string::npos);
}

TEST_F(GeminiDirectorTest, WrongApiKeyIsRefused) {
  config_.api_key = "wrong";
  GeminiDirector gemini(config_, analyzer_, http_);
  Result<Plan> plan = gemini.MakePlan(request_);
  ASSERT_FALSE(plan.has_value());
  EXPECT_NE(plan.error().message.find("API key not valid"), std::string::npos)
      << plan.error().ToString();
}

TEST_F(GeminiDirectorTest, UnfinishedOrMalformedRepliesAreErrors) {
  GeminiDirector gemini(config_, analyzer_, http_);
  Queue({{"text", "{\"scenes\": ["}, {"finishReason", "MAX_TOKENS"}});
  Result<Plan> p = gemini.MakePlan(request_);
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message.find("MAX_TOKENS"), std::string::npos);

  Queue({{"text", "not json"}});
  p = gemini.MakePlan(request_);
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message.find("not valid JSON"), std::string::npos);

  Queue(
      {{"text", R"({"scenes":[],"shots":[{"shotId":"a","startMs":"soon"}]})"}});
  p = gemini.MakePlan(request_);
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().ToString().find("shots[0].startMs"), std::string::npos)
      << p.error().ToString();

  Queue({{"blockReason", "SAFETY"}});
  p = gemini.MakePlan(request_);
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message.find("prompt blocked: SAFETY"),
            std::string::npos);
}

TEST(GeminiProtocolTest, Base64MatchesTheStandard) {
  EXPECT_EQ(gemini::Base64(""), "");
  EXPECT_EQ(gemini::Base64("f"), "Zg==");
  EXPECT_EQ(gemini::Base64("fo"), "Zm8=");
  EXPECT_EQ(gemini::Base64("foo"), "Zm9v");
  EXPECT_EQ(gemini::Base64("foobar"), "Zm9vYmFy");
}

TEST(GeminiProtocolTest, MimeTypesFollowTheExtension) {
  EXPECT_EQ(gemini::AudioMimeType("a/b.MP3"), "audio/mp3");
  EXPECT_EQ(gemini::AudioMimeType("x.flac"), "audio/flac");
  EXPECT_EQ(gemini::AudioMimeType("x.wav"), "audio/wav");
}

}  // namespace
}  // namespace miri
