#include "adapters/fal/fal_image_generator.h"

#include "adapters/curl/media_probe.h"
#include "adapters/fal/fal_test_fixture.h"
#include "adapters/local/raster.h"

namespace miri {
namespace {

using Outcome = FalImageGenerator::WebhookOutcome;

class FalImageGeneratorTest : public FalFixture {};

TEST_F(FalImageGeneratorTest, SubmitPutsTheDocumentedRequestOnTheWire) {
  auto d = fal_->Submit(Request());
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_FALSE(d->provider_request_id.empty());
  EXPECT_EQ(d->estimated_cost_micros, 21'000)
      << "1344x768 rounds up to 1 MP x $0.021";
  auto reqs = emu_->Requests(emu_->fal());
  ASSERT_GE(reqs.size(), 1u);
  const auto& r = reqs[0];
  EXPECT_EQ(r["method"], "POST");
  EXPECT_EQ(r["path"], "/fal-ai/flux-2/lora");
  EXPECT_EQ(r["query"]["fal_webhook"], emu_->cdn() + "/__sink/fal");
  EXPECT_EQ(r["headers"]["authorization"], "Key test-key");
  EXPECT_EQ(r["headers"]["content-type"], "application/json");
  auto body = nlohmann::json::parse(r["body"].get<std::string>());
  EXPECT_EQ(
      body["loras"],
      nlohmann::json::parse(
          R"([{"path":"https://example.com/miriN14.safetensors","scale":1.0}])"));
  EXPECT_EQ(body["image_size"],
            nlohmann::json::parse(R"({"width":1344,"height":768})"));
  EXPECT_EQ(body["guidance_scale"], 2.5);
  EXPECT_EQ(body["seed"], 7);
}

TEST_F(FalImageGeneratorTest, WebhookCopiesTheImageAndDeliversOnce) {
  ASSERT_TRUE(fal_->Submit(Request()));
  auto hooks = Webhooks(1);
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(Deliver(hooks[0]).value(), Outcome::kDelivered);
  EXPECT_EQ(Deliver(hooks[0]).value(), Outcome::kDuplicate);
  auto results = sink_.results();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, ProviderResult::Status::kSucceeded);
  EXPECT_EQ(results[0].job_id, "p1:v1");
  EXPECT_EQ(results[0].output_blobs,
            std::vector<std::string>{"projects/p1/shots/s1/v1.png"});
  EXPECT_EQ(results[0].cost_micros, 21'000);
  auto png = blobs_->Get("projects/p1/shots/s1/v1.png");
  ASSERT_TRUE(png);
  auto dims = ProbeImageDims(*png);
  ASSERT_TRUE(dims);
  EXPECT_EQ(dims->width, 1344);
  EXPECT_EQ(dims->height, 768);
}

TEST_F(FalImageGeneratorTest, DuplicatedDeliveriesFromTheEmulatorDeliverOnce) {
  SetFal({{"webhookMode", "duplicate"}});
  ASSERT_TRUE(fal_->Submit(Request()));
  auto hooks = Webhooks(2);
  ASSERT_EQ(hooks.size(), 2u);
  EXPECT_EQ(Deliver(hooks[0]).value(), Outcome::kDelivered);
  EXPECT_EQ(Deliver(hooks[1]).value(), Outcome::kDuplicate);
  EXPECT_EQ(sink_.results().size(), 1u);
}

TEST_F(FalImageGeneratorTest, OutOfOrderWebhooksReachTheirOwnJobs) {
  ASSERT_TRUE(fal_->Submit(Request("p1:v1")));
  ASSERT_TRUE(fal_->Submit(Request("p1:v2")));
  auto hooks = Webhooks(2);
  ASSERT_EQ(hooks.size(), 2u);
  EXPECT_EQ(Deliver(hooks[1]).value(), Outcome::kDelivered);
  EXPECT_EQ(Deliver(hooks[0]).value(), Outcome::kDelivered);
  EXPECT_EQ(Deliver(hooks[1]).value(), Outcome::kDuplicate);
  auto results = sink_.results();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_NE(results[0].job_id, results[1].job_id);
  EXPECT_TRUE(*blobs_->Exists("projects/p1/shots/s1/v1.png"));
  EXPECT_TRUE(*blobs_->Exists("projects/p1/shots/s1/v2.png"));
}

TEST_F(FalImageGeneratorTest, ForgedWebhooksAreRefusedAndWriteNothing) {
  for (const char* mode :
       {"bad_signature", "tampered_body", "stale", "missing_headers"}) {
    SetFal({{"webhookMode", mode}});
    std::string job = std::string("p1:") + mode;
    std::replace(job.begin(), job.end(), '_', '-');
    ASSERT_TRUE(fal_->Submit(Request(job)));
  }
  auto hooks = Webhooks(4);
  ASSERT_EQ(hooks.size(), 4u);
  for (const auto& hook : hooks) {
    auto r = Deliver(hook);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kRefused);
  }
  EXPECT_TRUE(sink_.results().empty());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "projects"));
}

TEST_F(FalImageGeneratorTest,
       AnotherInstanceCompletesTheJobFromTheSignedWebhookUrl) {
  FalConfig c = Config();
  c.webhook_secret = "server-secret";
  Rebuild(c);
  ASSERT_TRUE(fal_->Submit(Request()));
  auto hooks = Webhooks(1);
  ASSERT_EQ(hooks.size(), 1u);
  std::string url = hooks[0]["url"];
  EXPECT_NE(url.find("job=p1%3Av1"), std::string::npos) << url;
  // A second instance: same config and secret, no memory of the job.
  RecordingSink other_sink;
  FalImageGenerator other(c, http_, *blobs_, other_sink, prices_, *verifier_,
                          FalResilience{breaker_.get(), retrier_.get()},
                          clock_);
  auto body = hooks[0]["body"].get<std::string>();
  EXPECT_EQ(other.HandleWebhook(Headers(hooks[0]), body).value(),
            Outcome::kUnknownRequest)
      << "without the URL's job the request is unknown here";
  QueryParams tampered = ParseUrlQuery(url);
  tampered["out"] = "projects/p1/shots/s2/v9.png";
  auto refused = other.HandleWebhook(Headers(hooks[0]), body, tampered);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kRefused);
  EXPECT_FALSE(blobs_->Exists("projects/p1/shots/s2/v9.png").value());

  EXPECT_EQ(
      other.HandleWebhook(Headers(hooks[0]), body, ParseUrlQuery(url)).value(),
      Outcome::kDelivered);
  EXPECT_EQ(
      other.HandleWebhook(Headers(hooks[0]), body, ParseUrlQuery(url)).value(),
      Outcome::kDuplicate);
  auto results = other_sink.results();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].job_id, "p1:v1");
  EXPECT_EQ(results[0].cost_micros, 21'000);
  EXPECT_TRUE(blobs_->Exists("projects/p1/shots/s1/v1.png").value());
  EXPECT_TRUE(sink_.results().empty());
}

TEST_F(FalImageGeneratorTest, PollReconcilesAndALateWebhookIsADuplicate) {
  SetFal({{"latencyMs", -1}});
  ASSERT_TRUE(fal_->Submit(Request()));
  auto pending = fal_->Poll("p1:v1");
  ASSERT_TRUE(pending) << pending.error().ToString();
  EXPECT_FALSE(pending->has_value());
  emu_->Post(emu_->fal(), "/__control/complete");
  auto done = fal_->Poll("p1:v1");
  ASSERT_TRUE(done) << done.error().ToString();
  ASSERT_TRUE(done->has_value());
  EXPECT_EQ((*done)->output_blobs.size(), 1u);
  auto hooks = Webhooks(1);
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(Deliver(hooks[0]).value(), Outcome::kDuplicate);
  EXPECT_TRUE(sink_.results().empty())
      << "the reconciler owns the polled result";
}

// The restart case: a fresh instance (no memory of the job) given the
// Dispatch's resume polls the job to its result; fal sees one submit.
TEST_F(FalImageGeneratorTest,
       AFreshInstanceAdoptsTheJobAndNeverSubmitsItAgain) {
  SetFal({{"latencyMs", -1}});
  auto d = fal_->Submit(Request());
  ASSERT_TRUE(d) << d.error().ToString();
  auto resume = nlohmann::json::parse(d->resume);
  EXPECT_EQ(resume["request_id"], d->provider_request_id);
  EXPECT_EQ(resume["output_key"], "projects/p1/shots/s1/v1.png");
  RecordingSink other_sink;
  FalImageGenerator other(
      Config(), http_, *blobs_, other_sink, prices_, *verifier_,
      FalResilience{breaker_.get(), retrier_.get()}, clock_);
  EXPECT_EQ(other.Poll("p1:v1").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(other.Adopt("p1:v1", d->resume));
  auto pending = other.Poll("p1:v1");
  ASSERT_TRUE(pending) << pending.error().ToString();
  EXPECT_FALSE(pending->has_value());
  emu_->Post(emu_->fal(), "/__control/complete");
  auto done = other.Poll("p1:v1");
  ASSERT_TRUE(done) << done.error().ToString();
  ASSERT_TRUE(done->has_value());
  EXPECT_EQ((*done)->provider_request_id, d->provider_request_id);
  EXPECT_EQ((*done)->cost_micros, 21'000);
  EXPECT_TRUE(blobs_->Exists("projects/p1/shots/s1/v1.png").value());
  auto again = other.Submit(Request());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->provider_request_id, d->provider_request_id);
  EXPECT_EQ(Submits(), 1);
}

TEST_F(FalImageGeneratorTest, AdoptNamesWhatTheResumeLacks) {
  auto bad = fal_->Adopt("p1:v1",
                         R"({"request_id":"r1","model":"fal-ai/flux-2/lora"})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(std::any_of(
      bad.error().issues.begin(), bad.error().issues.end(),
      [](const FieldIssue& i) { return i.path == "resume.output_key"; }))
      << bad.error().ToString();
  EXPECT_EQ(fal_->Poll("p1:v1").error().code, ErrorCode::kNotFound);
}

// Issue 21 item 8: fal's queue cannot be searched by our id, so a job
// another instance (or this one before a kill -9) sent is "cannot tell"
// here: the reconciler waits for its webhook. A job known here is found.
TEST_F(FalImageGeneratorTest, AnUnknownJobCannotBeLookedUpOneKnownHereCan) {
  RecordingSink other_sink;
  FalImageGenerator other(
      Config(), http_, *blobs_, other_sink, prices_, *verifier_,
      FalResilience{breaker_.get(), retrier_.get()}, clock_);
  auto d = fal_->Submit(Request());
  ASSERT_TRUE(d) << d.error().ToString();
  auto unknown = other.LookupDispatch(Request());
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->outcome, DispatchLookup::Outcome::kUnknown);
  auto known = fal_->LookupDispatch(Request());
  ASSERT_TRUE(known);
  EXPECT_EQ(known->outcome, DispatchLookup::Outcome::kFound);
  EXPECT_EQ(known->dispatch.provider_request_id, d->provider_request_id);
  EXPECT_EQ(Submits(), 1);
}

TEST_F(FalImageGeneratorTest, SameJobIdSubmitsOnce) {
  auto a = fal_->Submit(Request());
  auto b = fal_->Submit(Request());
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->provider_request_id, b->provider_request_id);
  EXPECT_EQ(Submits(), 1);
}

TEST_F(FalImageGeneratorTest, RetriesA429HonouringRetryAfter) {
  Faults({{{"op", "submit"},
           {"status", 429},
           {"retry_after", "2"},
           {"times", 2}}});
  auto d = fal_->Submit(Request());
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_EQ(sleeper_.delays(), (std::vector<int64_t>{2000, 2000}));
  EXPECT_EQ(Submits(), 3);
}

TEST_F(FalImageGeneratorTest,
       ServerErrorsOpenTheBreakerWhichRecoversThroughHalfOpen) {
  Faults({{{"op", "submit"}, {"status", 500}, {"times", 100}}});
  for (int i = 0; i < 4; ++i) {
    auto r = fal_->Submit(Request("p1:f" + std::to_string(i)));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  }
  EXPECT_EQ(breaker_->state(), BreakerState::kOpen);
  int sent = Submits();
  auto refused = fal_->Submit(Request("p1:f9"));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("circuit open"), std::string::npos);
  EXPECT_EQ(Submits(), sent) << "an open breaker sends nothing";

  Faults(nlohmann::json::array());
  clock_.AdvanceMs(10'000);
  EXPECT_EQ(breaker_->state(), BreakerState::kHalfOpen);
  ASSERT_TRUE(fal_->Submit(Request("p1:ok1")));
  EXPECT_EQ(breaker_->state(), BreakerState::kHalfOpen);
  ASSERT_TRUE(fal_->Submit(Request("p1:ok2")));
  EXPECT_EQ(breaker_->state(), BreakerState::kClosed);
  EXPECT_EQ(breaker_->Snapshot().not_permitted, 1);
}

TEST_F(FalImageGeneratorTest, CallerErrorsDoNotOpenTheBreaker) {
  Faults(
      {{{"op", "submit"},
        {"status", 422},
        {"times", 10},
        {"body",
         {{"detail",
           {{{"loc", {"body", "prompt"}}, {"msg", "bad"}, {"type", "x"}}}}}}}});
  for (int i = 0; i < 6; ++i) {
    auto r = fal_->Submit(Request("p1:c" + std::to_string(i)));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(breaker_->state(), BreakerState::kClosed);
  EXPECT_EQ(Submits(), 6) << "no retries for caller errors";
}

TEST_F(FalImageGeneratorTest, HangingStatusTimesOutAndMalformedJsonIsRetried) {
  CircuitBreakerOptions lenient;
  lenient.minimum_calls = 100;
  breaker_ = std::make_unique<CircuitBreaker>("fal", lenient, clock_);
  FalConfig c = Config();
  c.request_timeout_ms = 300;
  Rebuild(c);
  SetFal({{"latencyMs", -1}});
  ASSERT_TRUE(fal_->Submit(Request()));
  Faults({{{"op", "status"}, {"action", "hang"}, {"times", 3}}});
  auto hung = fal_->Poll("p1:v1");
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(breaker_->Snapshot().failures, 3)
      << "each timed-out attempt is a failure";
  Faults({{{"op", "status"}, {"action", "malformed"}, {"times", 1}}});
  auto ok = fal_->Poll("p1:v1");
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_FALSE(ok->has_value());
  EXPECT_EQ(breaker_->Snapshot().failures, 4);
}

TEST_F(FalImageGeneratorTest, ModelErrorBecomesAFailedResult) {
  SetFal({{"modelError",
           {{"status", 422},
            {"body",
             {{"detail",
               {{{"loc", {"body", "prompt"}},
                 {"msg", "nsfw"},
                 {"type", "content_policy_violation"}}}}}}}}});
  ASSERT_TRUE(fal_->Submit(Request()));
  auto hooks = Webhooks(1);
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(Deliver(hooks[0]).value(), Outcome::kDelivered);
  auto results = sink_.results();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, ProviderResult::Status::kFailed);
  EXPECT_FALSE(results[0].retryable);
  EXPECT_NE(results[0].error.find("422"), std::string::npos);
}

TEST_F(FalImageGeneratorTest, ResultUrlsOutsideTheAllowListAreNotFetched) {
  FalConfig c = Config();
  c.result_fetch.allowed_hosts = {"*.fal.media"};
  Rebuild(c);
  ASSERT_TRUE(fal_->Submit(Request()));
  auto hooks = Webhooks(1);
  auto r = Deliver(hooks[0]);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kRefused);
  EXPECT_TRUE(sink_.results().empty());
  EXPECT_FALSE(*blobs_->Exists("projects/p1/shots/s1/v1.png"));
}

// A PNG of noise (does not compress: a realistic size for a data: URI
// check) or of one colour.
std::string NoisePng(int w, int h, uint32_t seed) {
  local::Image im(w, h);
  for (auto& p : im.px) {
    seed = seed * 1664525u + 1013904223u;
    p = local::MakePixel(seed >> 24, seed >> 16, seed >> 8);
  }
  return *local::EncodePng(im);
}

nlohmann::json BodyOf(const nlohmann::json& logged) {
  return nlohmann::json::parse(logged["body"].get<std::string>());
}

// Issue 17 item 2: fal-js libs/client/src/storage.ts uploads a file by
// POST {rest}/storage/upload/initiate?storage_type=fal-cdn-v3, PUT of the
// bytes to upload_url, then sends file_url; never a data: URI.
TEST_F(FalImageGeneratorTest, EditUploadsReferencesToFalStorageAndSendsUrls) {
  ASSERT_TRUE(blobs_->Put("ref/a.png", NoisePng(512, 512, 1)));
  ImageRequest edit = Request("p1:e1");
  edit.mode = ImageRequest::Mode::kEdit;
  edit.reference_blobs = {"ref/a.png"};
  auto d = fal_->Submit(edit);
  ASSERT_TRUE(d) << d.error().ToString();
  // 512x512 input (1 MP) + 1344x768 output (1 MP) at $0.021.
  EXPECT_EQ(d->estimated_cost_micros, 42'000);
  auto reqs = emu_->Requests(emu_->fal());
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0]["path"], "/storage/upload/initiate");
  EXPECT_EQ(reqs[0]["query"]["storage_type"], "fal-cdn-v3");
  EXPECT_EQ(reqs[0]["headers"]["authorization"], "Key test-key");
  EXPECT_EQ(BodyOf(reqs[0])["content_type"], "image/png");
  auto puts = emu_->Requests(emu_->cdn());
  ASSERT_FALSE(puts.empty());
  EXPECT_EQ(puts.back()["method"], "PUT");
  EXPECT_EQ(puts.back()["headers"]["content-type"], "image/png");
  EXPECT_EQ(reqs[1]["path"], "/fal-ai/flux-2/lora/edit");
  EXPECT_EQ(reqs[1]["body"].get<std::string>().find("data:"),
            std::string::npos);
  auto body = BodyOf(reqs[1]);
  ASSERT_EQ(body["image_urls"].size(), 1u);
  EXPECT_EQ(body["image_urls"][0].get<std::string>().rfind(
                emu_->cdn() + "/files/", 0),
            0u);
}

TEST_F(FalImageGeneratorTest, AFailedUploadSubmitsNothing) {
  ASSERT_TRUE(blobs_->Put("ref/a.png", NoisePng(64, 64, 2)));
  emu_->Post(emu_->cdn(), "/__control/faults",
             {{"rules", {{{"op", "upload"}, {"status", 403}}}}});
  ImageRequest edit = Request("p1:e1");
  edit.mode = ImageRequest::Mode::kEdit;
  edit.reference_blobs = {"ref/a.png"};
  auto d = fal_->Submit(edit);
  ASSERT_FALSE(d);
  EXPECT_EQ(Submits(), 0);
}

// Issue 17 item 1: a refine keeps Miri's FLUX.2 LoRA (a FLUX.2 LoRA edit
// of the current image with the instruction), and only the masked region
// of fal's edit reaches the result.
TEST_F(FalImageGeneratorTest, RefineKeepsHerLoraAndChangesOnlyTheMask) {
  const int w = 512, h = 512;
  std::string original = NoisePng(w, h, 3);
  local::Image mask(w, h, local::MakePixel(0, 0, 0));
  for (int y = 128; y < 384; ++y)
    for (int x = 128; x < 384; ++x)
      mask.at(x, y) = local::MakePixel(255, 255, 255);
  ASSERT_TRUE(blobs_->Put("projects/p1/shots/s1/v0.png", original));
  ASSERT_TRUE(
      blobs_->Put("projects/p1/shots/s1/mask.png", *local::EncodePng(mask)));
  ImageRequest refine = Request("p1:r1");
  refine.mode = ImageRequest::Mode::kInpaint;
  refine.prompt = "S1_V1_FX2 Miri on a rooftop. Give her a red scarf";
  refine.width = 1344;  // the original's size wins
  refine.image_blob = "projects/p1/shots/s1/v0.png";
  refine.mask_blob = "projects/p1/shots/s1/mask.png";
  auto d = fal_->Submit(refine);
  ASSERT_TRUE(d) << d.error().ToString();

  auto reqs = emu_->Requests(emu_->fal());
  ASSERT_EQ(reqs.size(), 2u) << "one upload (the image), one submit";
  EXPECT_EQ(reqs[0]["path"], "/storage/upload/initiate");
  EXPECT_EQ(reqs[1]["path"], "/fal-ai/flux-2/lora/edit");
  EXPECT_EQ(reqs[1]["body"].get<std::string>().find("data:"),
            std::string::npos);
  auto body = BodyOf(reqs[1]);
  std::string url = body["image_urls"][0];
  EXPECT_EQ(body, nlohmann::json::parse(R"({
    "prompt": "S1_V1_FX2 Miri on a rooftop. Give her a red scarf",
    "loras": [{"path": "https://example.com/miriN14.safetensors", "scale": 1.0}],
    "image_urls": [")" + url + R"("],
    "image_size": {"width": 512, "height": 512}, "seed": 7,
    "num_inference_steps": 28, "guidance_scale": 2.5,
    "num_images": 1, "output_format": "png", "enable_safety_checker": true})"));

  auto hooks = Webhooks(1);
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(Deliver(hooks[0]).value(), Outcome::kDelivered);
  auto results = sink_.results();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, ProviderResult::Status::kSucceeded);
  EXPECT_EQ(results[0].output_blobs[0], "projects/p1/shots/s1/r1.png");
  auto got = local::DecodePng(*blobs_->Get("projects/p1/shots/s1/r1.png"));
  auto before = local::DecodePng(original);
  ASSERT_TRUE(got && before);
  ASSERT_EQ(got->width, w);
  int changed_outside = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      if (local::Luma(mask.at(x, y)) == 0 && got->at(x, y) != before->at(x, y))
        ++changed_outside;
  EXPECT_EQ(changed_outside, 0);
  // The emulator's edit is flat grey 100: the centre of the mask is it.
  EXPECT_EQ(got->at(256, 256), local::MakePixel(100, 100, 100));
  // A fresh instance adopting the job composites the same way.
  auto resume = nlohmann::json::parse(d->resume);
  EXPECT_EQ(resume["refine"]["image"], "projects/p1/shots/s1/v0.png");
  EXPECT_EQ(resume["refine"]["mask"], "projects/p1/shots/s1/mask.png");
}

TEST_F(FalImageGeneratorTest, ARefineToAFlux1EndpointIsRefusedBeforeDispatch) {
  FalConfig c = Config();
  c.refine_model = "fal-ai/flux-lora/inpainting";
  Rebuild(c);
  ASSERT_TRUE(blobs_->Put("a.png", NoisePng(512, 512, 4)));
  ImageRequest refine = Request("p1:r1");
  refine.mode = ImageRequest::Mode::kInpaint;
  refine.image_blob = "a.png";
  refine.mask_blob = "a.png";
  auto d = fal_->Submit(refine);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(emu_->Requests(emu_->fal()).empty()) << "nothing uploaded";
}

TEST_F(FalImageGeneratorTest, ARefineMaskOfAnotherSizeIsRefused) {
  ASSERT_TRUE(blobs_->Put("a.png", NoisePng(512, 512, 4)));
  ASSERT_TRUE(blobs_->Put("m.png", NoisePng(256, 256, 5)));
  ImageRequest refine = Request("p1:r1");
  refine.mode = ImageRequest::Mode::kInpaint;
  refine.image_blob = "a.png";
  refine.mask_blob = "m.png";
  auto d = fal_->Submit(refine);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Submits(), 0);
}

TEST_F(FalImageGeneratorTest, InvalidRequestSendsNothing) {
  ImageRequest r = Request();
  r.loras = {"notMiri"};
  auto d = fal_->Submit(r);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Submits(), 0);
  EXPECT_TRUE(fal_->Submit(Request())) << "the failed job id is free again";
}

TEST_F(FalImageGeneratorTest, CancelBeforeAndAfterCompletion) {
  SetFal({{"latencyMs", -1}});
  ASSERT_TRUE(fal_->Submit(Request()));
  EXPECT_TRUE(fal_->Cancel("p1:v1"));
  auto again = fal_->Cancel("p1:v1");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  auto reqs = emu_->Requests(emu_->fal());
  EXPECT_EQ(reqs.back()["method"], "PUT");
  EXPECT_EQ(reqs.back()["path"].get<std::string>().rfind(
                "/fal-ai/flux-2/requests/", 0),
            0u);
}

}  // namespace
}  // namespace miri
