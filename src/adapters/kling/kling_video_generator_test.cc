#include "adapters/kling/kling_video_generator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "adapters/curl/media_probe.h"
#include "adapters/localfs/localfs_blob_store.h"
#include "emulator_process.h"
#include "services/resilience/manual_clock.h"

namespace miri {
namespace {

using Outcome = KlingVideoGenerator::CallbackOutcome;

class Sink final : public ResultSink {
 public:
  void OnResult(ProviderResult r) override {
    std::lock_guard lock(mu_);
    results.push_back(std::move(r));
  }
  std::mutex mu_;
  std::vector<ProviderResult> results;
};

const std::string kPng("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x05\0\0\0\x02\xd0",
                       24);  // 1280x720

class KlingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = testing::EmulatorProcess::Start();
    ASSERT_TRUE(e) << e.error().ToString();
    emu_ = std::move(*e);
    dir_ = std::filesystem::temp_directory_path() /
           ("miri-kling-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    blobs_ = std::move(*LocalFsBlobStore::Open(dir_));
    ASSERT_TRUE(blobs_->Put("f/start.png", kPng));
    ASSERT_TRUE(blobs_->Put("f/end.png", kPng));
    ASSERT_TRUE(blobs_->Put("f/mask.png", kPng));
    clock_.SetMs(SystemClock().NowMs());
    RetryOptions ro;
    ro.max_attempts = 3;
    retrier_ = std::make_unique<Retrier>(
        ro, sleeper_, [] { return 0.0; }, clock_);
    breaker_ = std::make_unique<CircuitBreaker>(
        "kling", CircuitBreakerOptions{}, clock_);
    Rebuild(Config());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  KlingConfig Config() {
    KlingConfig c;
    c.access_key = "test-ak";
    c.secret_key = "test-sk";
    c.base_url = emu_->kling();
    c.callback_base_url = emu_->cdn() + "/__sink/kling";
    c.callback_secret = "server-secret";
    c.result_fetch.allowed_hosts = {"127.0.0.1"};
    c.result_fetch.allow_http_for_tests = true;
    c.result_fetch.allow_loopback_for_tests = true;
    return c;
  }
  void Rebuild(KlingConfig c) {
    kling_ = std::make_unique<KlingVideoGenerator>(
        std::move(c), http_, *blobs_, sink_, prices_,
        Resilience{breaker_.get(), retrier_.get()}, clock_);
  }
  VideoRequest Req(std::string job = "p1:v1") {
    VideoRequest r;
    r.job_id = job;
    r.prompt = "Miri stands still. Then she waves.";
    r.start_frame_blob = "f/start.png";
    r.end_frame_blob = "f/end.png";
    r.output_key = "clips/" + job.substr(job.find(':') + 1) + ".mp4";
    return r;
  }
  nlohmann::json Callbacks(size_t n) {
    nlohmann::json cbs;
    for (int i = 0; i < 300; ++i) {
      cbs = emu_->Get(emu_->kling(), "/__control/callbacks");
      if (cbs.is_array() && cbs.size() >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return cbs;
  }
  // Delivers a recorded callback the way our HTTP route would.
  Result<Outcome> Deliver(const nlohmann::json& cb,
                          KlingVideoGenerator* to = nullptr) {
    std::string url = cb["url"];
    return (to ? to : kling_.get())
        ->HandleCallback(ParseUrlQuery(url), cb["body"].get<std::string>());
  }
  nlohmann::json LastPost() {
    auto reqs = emu_->Requests(emu_->kling());
    for (auto it = reqs.rbegin(); it != reqs.rend(); ++it) {
      if ((*it)["method"] == "POST") return *it;
    }
    return nullptr;
  }
  nlohmann::json LastRequestBody() {
    auto post = LastPost();
    return post.is_null()
               ? post
               : nlohmann::json::parse(post["body"].get<std::string>());
  }
  std::vector<std::string> Paths(const std::string& method) {
    std::vector<std::string> paths;
    for (const auto& r : emu_->Requests(emu_->kling()))
      if (r["method"] == method) paths.push_back(r["path"]);
    return paths;
  }

  std::unique_ptr<testing::EmulatorProcess> emu_;
  std::filesystem::path dir_;
  std::unique_ptr<LocalFsBlobStore> blobs_;
  CurlHttpClient http_;
  ManualClock clock_;
  RecordingSleeper sleeper_{&clock_};
  Sink sink_;
  PriceTable prices_ = PriceTable::Defaults();
  std::unique_ptr<Retrier> retrier_;
  std::unique_ptr<CircuitBreaker> breaker_;
  std::unique_ptr<KlingVideoGenerator> kling_;
};

TEST_F(KlingTest, SubmitIsAcceptedAndCallbacksDeliverTheClipOnce) {
  auto d = kling_->Submit(Req());
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_EQ(d->estimated_cost_micros, 350'000) << "v2.5-turbo pro 5 s";
  auto body = LastRequestBody();
  EXPECT_EQ(body["model_name"], "kling-v2-5-turbo");
  EXPECT_EQ(body["image"], Base64Encode(kPng));
  EXPECT_EQ(body["image_tail"], Base64Encode(kPng));
  EXPECT_EQ(body["external_task_id"], "p1:v1");
  EXPECT_EQ(body["duration"], "5");
  auto cbs = Callbacks(3);
  ASSERT_EQ(cbs.size(), 3u);
  EXPECT_EQ(Deliver(cbs[0]).value(), Outcome::kPending);
  EXPECT_EQ(Deliver(cbs[1]).value(), Outcome::kPending);
  EXPECT_EQ(Deliver(cbs[2]).value(), Outcome::kDelivered);
  EXPECT_EQ(Deliver(cbs[2]).value(), Outcome::kDuplicate);
  ASSERT_EQ(sink_.results.size(), 1u);
  EXPECT_EQ(sink_.results[0].status, ProviderResult::Status::kSucceeded);
  EXPECT_EQ(sink_.results[0].provider_request_id, d->provider_request_id);
  EXPECT_EQ(blobs_->Get("clips/v1.mp4")->substr(4, 4), "ftyp");
}

TEST_F(KlingTest, OutOfOrderAndDuplicatedCallbacksNeverMoveBackwards) {
  emu_->Post(emu_->kling(), "/__control/config",
             {{"callbackMode", "out_of_order"}});
  ASSERT_TRUE(kling_->Submit(Req()));
  auto cbs = Callbacks(3);
  ASSERT_EQ(cbs.size(), 3u);
  EXPECT_EQ(
      nlohmann::json::parse(cbs[0]["body"].get<std::string>())["task_status"],
      "succeed");
  EXPECT_EQ(Deliver(cbs[0]).value(), Outcome::kDelivered);
  EXPECT_EQ(Deliver(cbs[1]).value(), Outcome::kDuplicate);
  EXPECT_EQ(Deliver(cbs[2]).value(), Outcome::kDuplicate);
  EXPECT_EQ(sink_.results.size(), 1u);
}

TEST_F(KlingTest, ForgedCallbacksAreRefusedAndWriteNothing) {
  emu_->Post(emu_->kling(), "/__control/config", {{"autoProgress", false}});
  ASSERT_TRUE(kling_->Submit(Req("p1:v1")));
  ASSERT_TRUE(kling_->Submit(Req("p1:v2")));
  std::string forged = R"({"task_id":"1","task_status":"succeed",
      "task_result":{"videos":[{"url":"http://127.0.0.1:1/x.mp4"}]}})";
  auto bad = kling_->HandleCallback("p1:v1", "deadbeef", forged);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kRefused);
  auto wrong_job = kling_->HandleCallback(
      "p1:v1", CallbackToken("server-secret", "p1:v2"), forged);
  ASSERT_FALSE(wrong_job);
  auto wrong_task = kling_->HandleCallback(
      "p1:v1", CallbackToken("server-secret", "p1:v1"), forged);
  ASSERT_FALSE(wrong_task) << "a valid token cannot vouch for another task";
  EXPECT_TRUE(sink_.results.empty());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "clips"));
}

TEST_F(KlingTest, AnotherInstanceCompletesTheJobFromTheSignedCallbackUrl) {
  ASSERT_TRUE(kling_->Submit(Req()));
  auto cbs = Callbacks(3);
  ASSERT_EQ(cbs.size(), 3u);
  // A second instance: same config and secret, no memory of the job.
  Sink other_sink;
  KlingVideoGenerator other(Config(), http_, *blobs_, other_sink, prices_,
                            Resilience{breaker_.get(), retrier_.get()}, clock_);
  nlohmann::json done;
  for (const auto& cb : cbs) {
    auto status =
        nlohmann::json::parse(cb["body"].get<std::string>())["task_status"];
    if (status == "succeed") {
      done = cb;
    } else {
      EXPECT_EQ(Deliver(cb, &other).value(), Outcome::kPending) << status;
    }
  }
  ASSERT_TRUE(done.is_object());
  EXPECT_EQ(Deliver(done, &other).value(), Outcome::kDelivered);
  EXPECT_EQ(Deliver(done, &other).value(), Outcome::kDuplicate);
  ASSERT_EQ(other_sink.results.size(), 1u);
  EXPECT_EQ(other_sink.results[0].job_id, "p1:v1");
  EXPECT_EQ(other_sink.results[0].cost_micros, 350'000);
  EXPECT_TRUE(blobs_->Exists(other_sink.results[0].output_blobs.at(0)).value());

  // The URL's parameters are covered by the token: a changed output key
  // (say, to overwrite another shot's clip) is refused and writes nothing.
  std::string url = done["url"];
  QueryParams q = ParseUrlQuery(url);
  q["out"] = "projects/p1/shots/other/clip.mp4";
  Sink third_sink;
  KlingVideoGenerator third(Config(), http_, *blobs_, third_sink, prices_,
                            Resilience{breaker_.get(), retrier_.get()}, clock_);
  auto forged = third.HandleCallback(q, done["body"].get<std::string>());
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().code, ErrorCode::kRefused);
  EXPECT_TRUE(third_sink.results.empty());
  EXPECT_FALSE(blobs_->Exists("projects/p1/shots/other/clip.mp4").value());
}

// The restart case: a fresh instance given the Dispatch's resume polls the
// task to its clip; Kling sees one create (a second would be refused for
// its repeated external_task_id).
TEST_F(KlingTest, AFreshInstanceAdoptsTheJobAndNeverSubmitsItAgain) {
  emu_->Post(emu_->kling(), "/__control/config", {{"autoProgress", false}});
  auto d = kling_->Submit(Req());
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_EQ(nlohmann::json::parse(d->resume)["task_id"],
            d->provider_request_id);
  Sink other_sink;
  KlingVideoGenerator other(Config(), http_, *blobs_, other_sink, prices_,
                            Resilience{breaker_.get(), retrier_.get()}, clock_);
  EXPECT_EQ(other.Poll("p1:v1").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(other.Adopt("p1:v1", d->resume));
  auto pending = other.Poll("p1:v1");
  ASSERT_TRUE(pending) << pending.error().ToString();
  EXPECT_FALSE(pending->has_value());
  emu_->Post(emu_->kling(), "/__control/complete");
  auto done = other.Poll("p1:v1");
  ASSERT_TRUE(done && done->has_value());
  EXPECT_EQ((*done)->output_blobs, std::vector<std::string>{"clips/v1.mp4"});
  EXPECT_EQ((*done)->cost_micros, 350'000);
  auto again = other.Submit(Req());
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->provider_request_id, d->provider_request_id);
  int creates = 0;
  for (const auto& r : emu_->Requests(emu_->kling()))
    creates += r["method"] == "POST";
  EXPECT_EQ(creates, 1);
  auto bad =
      other.Adopt("p1:v2", R"({"task_id":"t","model":"m","output_key":"k"})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().issues.at(0).path, "resume.duration_ms");
}

// Issue 21 item 8: the sender died after Kling accepted the task, before
// its Dispatch was recorded. A fresh instance finds it by our id (the
// external_task_id) and polls it; nothing is created again.
TEST_F(KlingTest, AFreshInstanceFindsAnUnrecordedTaskByItsExternalTaskId) {
  emu_->Post(emu_->kling(), "/__control/config", {{"autoProgress", false}});
  VideoRequest retry = Req("p1:v1#1");  // a retry's id: '#' in the path
  retry.output_key = "clips/v1-1.mp4";
  auto d = kling_->Submit(retry);
  ASSERT_TRUE(d) << d.error().ToString();
  Sink other_sink;
  KlingVideoGenerator other(Config(), http_, *blobs_, other_sink, prices_,
                            Resilience{breaker_.get(), retrier_.get()}, clock_);
  auto found = other.LookupDispatch(retry);
  ASSERT_TRUE(found) << found.error().ToString();
  EXPECT_EQ(found->outcome, DispatchLookup::Outcome::kFound);
  EXPECT_EQ(found->dispatch.provider_request_id, d->provider_request_id);
  EXPECT_EQ(found->dispatch.resume, d->resume);
  EXPECT_EQ(Paths("GET").back(), "/v1/videos/image2video/p1%3Av1%231")
      << "queried by our id, percent-encoded";
  emu_->Post(emu_->kling(), "/__control/complete");
  auto done = other.Poll("p1:v1#1");
  ASSERT_TRUE(done && done->has_value()) << "known there now";
  EXPECT_EQ((*done)->provider_request_id, d->provider_request_id);
  EXPECT_EQ(Paths("POST").size(), 1u) << "created once";
  // A job Kling never got may be created again under its id.
  auto absent = other.LookupDispatch(Req("p1:v9"));
  ASSERT_TRUE(absent) << absent.error().ToString();
  EXPECT_EQ(absent->outcome, DispatchLookup::Outcome::kAbsent);
}

TEST_F(KlingTest, PollReconcilesAndALateCallbackIsADuplicate) {
  emu_->Post(emu_->kling(), "/__control/config", {{"autoProgress", false}});
  ASSERT_TRUE(kling_->Submit(Req()));
  auto pending = kling_->Poll("p1:v1");
  ASSERT_TRUE(pending) << pending.error().ToString();
  EXPECT_FALSE(pending->has_value());
  emu_->Post(emu_->kling(), "/__control/complete");
  auto done = kling_->Poll("p1:v1");
  ASSERT_TRUE(done && done->has_value());
  EXPECT_EQ((*done)->output_blobs, std::vector<std::string>{"clips/v1.mp4"});
  auto cbs = Callbacks(3);
  for (const auto& cb : cbs)
    EXPECT_EQ(Deliver(cb).value(), Outcome::kDuplicate);
  EXPECT_TRUE(sink_.results.empty());
}

TEST_F(KlingTest, MotionBrushShotIsAcceptedByTheModelThatSupportsIt) {
  VideoRequest r = Req();
  r.end_frame_blob.clear();  // exclusive with a motion brush
  r.motion_brush = MotionBrush{
      "f/mask.png", {DynamicMask{"f/mask.png", {{10, 20}, {30, 700}}}}};
  auto d = kling_->Submit(r);
  ASSERT_TRUE(d) << d.error().ToString();
  auto body = LastRequestBody();
  EXPECT_EQ(body["model_name"], "kling-v1-5");
  EXPECT_FALSE(body.contains("image_tail"));
  EXPECT_EQ(body["dynamic_masks"][0]["trajectories"][0],
            nlohmann::json::parse(R"({"x":10,"y":700})"));
}

// What the dashboard's brush becomes: each region's mask and path, and the
// static mask, as raw base64 of the stored PNGs; a mask whose size is not
// the start frame's is refused by Kling (and by its emulator).
TEST_F(KlingTest, MotionBrushSendsEachMaskWithItsPathAndTheStaticMask) {
  const std::string small(
      "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x02\x80\0\0\x01\x68",
      24);  // 640x360
  ASSERT_TRUE(blobs_->Put("f/region.png", kPng + "region"));
  ASSERT_TRUE(blobs_->Put("f/still.png", kPng + "still"));
  ASSERT_TRUE(blobs_->Put("f/small.png", small));
  VideoRequest r = Req();
  r.end_frame_blob.clear();
  r.motion_brush =
      MotionBrush{"f/still.png",
                  {DynamicMask{"f/region.png", {{320, 360}, {960, 360}}},
                   DynamicMask{"f/mask.png", {{10, 10}, {20, 20}}}}};
  auto d = kling_->Submit(r);
  ASSERT_TRUE(d) << d.error().ToString();
  auto body = LastRequestBody();
  EXPECT_EQ(body["static_mask"], Base64Encode(kPng + "still"));
  ASSERT_EQ(body["dynamic_masks"].size(), 2u);
  EXPECT_EQ(body["dynamic_masks"][0]["mask"], Base64Encode(kPng + "region"));
  EXPECT_EQ(body["dynamic_masks"][0]["trajectories"],
            nlohmann::json::parse(R"([{"x":320,"y":360},{"x":960,"y":360}])"));
  EXPECT_EQ(body["dynamic_masks"][1]["mask"], Base64Encode(kPng));

  r.job_id = "p1:v2";
  r.motion_brush->dynamic_masks[1].mask_blob = "f/small.png";
  auto refused = kling_->Submit(r);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().ToString().find("resolution"), std::string::npos)
      << refused.error().ToString();
}

TEST_F(KlingTest, ConcurrencyLimitIsRetriedAccountErrorsAreNot) {
  emu_->Post(emu_->kling(), "/__control/faults",
             {{"rules",
               {{{"op", "create"},
                 {"status", 429},
                 {"times", 2},
                 {"body",
                  {{"code", 1303},
                   {"message", "parallel task over resource pack limit"}}}}}}});
  ASSERT_TRUE(kling_->Submit(Req("p1:a")));
  EXPECT_EQ(sleeper_.delays().size(), 2u);
  emu_->Post(
      emu_->kling(), "/__control/faults",
      {{"rules",
        {{{"op", "create"},
          {"status", 429},
          {"times", 5},
          {"body",
           {{"code", 1102}, {"message", "resource pack exhausted"}}}}}}});
  auto r = kling_->Submit(Req("p1:b"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(sleeper_.delays().size(), 2u) << "not retried";
  EXPECT_EQ(breaker_->Snapshot().failures, 2);
}

TEST_F(KlingTest, WrongSecretIsAnAuthError) {
  KlingConfig c = Config();
  c.secret_key = "wrong";
  Rebuild(c);
  auto r = kling_->Submit(Req());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(KlingTest, FailedTaskBecomesAFailedResult) {
  emu_->Post(emu_->kling(), "/__control/config", {{"failTasks", true}});
  ASSERT_TRUE(kling_->Submit(Req()));
  auto cbs = Callbacks(3);
  ASSERT_EQ(cbs.size(), 3u);
  EXPECT_EQ(Deliver(cbs[2]).value(), Outcome::kDelivered);
  ASSERT_EQ(sink_.results.size(), 1u);
  EXPECT_EQ(sink_.results[0].status, ProviderResult::Status::kFailed);
  EXPECT_NE(sink_.results[0].error.find("content moderation"),
            std::string::npos);
}

// The PRD's model ("Kling O3") is kling-v3-omni: its clips go to
// omni-video, both frames in image_list, and are queried there.
TEST_F(KlingTest, OmniRequestWithBothFramesGoesToTheOmniEndpoint) {
  KlingConfig c = Config();
  c.model = "kling-v3-omni";
  Rebuild(c);
  VideoRequest r = Req();
  r.duration_ms = 6500;
  r.negative_prompt = "blur, text";
  auto d = kling_->Submit(r);
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_EQ(d->estimated_cost_micros, 1'568'000) << "7 s x 1.6 units x $0.14";
  auto post = LastPost();
  EXPECT_EQ(post["path"], "/v1/videos/omni-video");
  auto body = nlohmann::json::parse(post["body"].get<std::string>());
  std::string callback = body["callback_url"];
  EXPECT_EQ(callback.rfind(emu_->cdn() + "/__sink/kling?", 0), 0u) << callback;
  body.erase("callback_url");
  EXPECT_EQ(
      body,
      nlohmann::json({
          {"model_name", "kling-v3-omni"},
          {"mode", "pro"},
          {"duration", "7"},
          {"prompt", "Miri stands still. Then she waves. Avoid: blur, text."},
          {"image_list",
           {{{"image_url", Base64Encode(kPng)}, {"type", "first_frame"}},
            {{"image_url", Base64Encode(kPng)}, {"type", "end_frame"}}}},
          {"sound", "off"},
          {"external_task_id", "p1:v1"},
      }));
  auto cbs = Callbacks(3);
  ASSERT_EQ(cbs.size(), 3u);
  EXPECT_EQ(Deliver(cbs[2]).value(), Outcome::kDelivered);
  EXPECT_EQ(Paths("GET"), std::vector<std::string>{"/v1/videos/omni-video/" +
                                                   d->provider_request_id});
  ASSERT_EQ(sink_.results.size(), 1u);
  EXPECT_EQ(sink_.results[0].status, ProviderResult::Status::kSucceeded);
  EXPECT_EQ(sink_.results[0].cost_micros, 1'568'000);
  EXPECT_EQ(blobs_->Get("clips/v1.mp4")->substr(4, 4), "ftyp");
}

TEST_F(KlingTest, AnAdoptedOmniJobIsPolledOnTheOmniEndpoint) {
  emu_->Post(emu_->kling(), "/__control/config", {{"autoProgress", false}});
  KlingConfig c = Config();
  c.model = "kling-video-o1";
  Rebuild(c);
  auto d = kling_->Submit(Req());
  ASSERT_TRUE(d) << d.error().ToString();
  Sink other_sink;
  KlingVideoGenerator other(Config(), http_, *blobs_, other_sink, prices_,
                            Resilience{breaker_.get(), retrier_.get()}, clock_);
  ASSERT_TRUE(other.Adopt("p1:v1", d->resume));
  emu_->Post(emu_->kling(), "/__control/complete");
  auto done = other.Poll("p1:v1");
  ASSERT_TRUE(done && done->has_value()) << done.error().ToString();
  EXPECT_EQ((*done)->status, ProviderResult::Status::kSucceeded);
  EXPECT_EQ(Paths("GET"), std::vector<std::string>{"/v1/videos/omni-video/" +
                                                   d->provider_request_id});
}

TEST_F(KlingTest, TheUnitsKlingDeductedAreWhatTheClipCosts) {
  emu_->Post(emu_->kling(), "/__control/config", {{"finalUnits", "4"}});
  ASSERT_TRUE(kling_->Submit(Req()));
  auto cbs = Callbacks(3);
  ASSERT_EQ(cbs.size(), 3u);
  EXPECT_EQ(Deliver(cbs[2]).value(), Outcome::kDelivered);
  ASSERT_EQ(sink_.results.size(), 1u);
  EXPECT_EQ(sink_.results[0].cost_micros, 560'000) << "4 units at $0.14";
}

TEST_F(KlingTest, AClipTheModelCannotServeIsRefusedBeforeAnyRequest) {
  KlingConfig c = Config();
  c.model = "kling-v2-master";  // no end frame
  c.reroute = false;
  Rebuild(c);
  auto check = kling_->CheckRequest(Req());
  ASSERT_FALSE(check);
  EXPECT_EQ(check.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(check.error().issues.at(0).path, "end_frame_blob");
  EXPECT_NE(check.error().ToString().find("kling-v2-master"),
            std::string::npos);
  auto submit = kling_->Submit(Req());
  ASSERT_FALSE(submit);
  EXPECT_EQ(submit.error().issues.at(0).path, "end_frame_blob");
  EXPECT_TRUE(Paths("POST").empty());
  EXPECT_EQ(kling_->EstimateCostMicros(Req()), 0);
  // Rerouting allowed: the clip goes to a model with an end frame.
  c.reroute = true;
  c.reroute_models = {"kling-v2-1"};
  Rebuild(c);
  ASSERT_TRUE(kling_->CheckRequest(Req()));
  ASSERT_TRUE(kling_->Submit(Req()));
  EXPECT_EQ(LastRequestBody()["model_name"], "kling-v2-1");
}

}  // namespace
}  // namespace miri
