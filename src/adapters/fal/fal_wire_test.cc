// The exact JSON the fal adapter sends, against providers.md section 2.
#include "adapters/fal/fal_wire.h"

#include <gtest/gtest.h>

namespace miri {
namespace {

FalConfig Config() {
  FalConfig c;
  c.lora_paths = {{"miriN14", "https://example.com/miriN14.safetensors"}};
  c.lora_scale = 0.9;
  return c;
}

ImageRequest T2I() {
  ImageRequest r;
  r.job_id = "p1:v1";
  r.prompt = "S1_V1_FX2 Miri on a rooftop";
  r.loras = {"miriN14"};
  r.width = 1344;
  r.height = 768;
  r.seed = 4242;
  r.output_key = "projects/p1/shots/s1/v1.png";
  return r;
}

TEST(FalWire, TextToImageBodyMatchesProvidersMd21) {
  nlohmann::json body = BuildFalInput(Config(), T2I(), {});
  EXPECT_EQ(body, nlohmann::json::parse(R"({
    "prompt": "S1_V1_FX2 Miri on a rooftop",
    "loras": [{"path": "https://example.com/miriN14.safetensors", "scale": 0.9}],
    "image_size": {"width": 1344, "height": 768},
    "num_inference_steps": 28, "guidance_scale": 2.5, "seed": 4242,
    "num_images": 1, "output_format": "png", "enable_safety_checker": true})"));
  EXPECT_FALSE(body.contains("guidance")) << "the field is guidance_scale";
  EXPECT_EQ(FalModelFor(Config(), ImageRequest::Mode::kTextToImage),
            "fal-ai/flux-2/lora");
}

TEST(FalWire, EditSendsAtMostThreeReferenceUrls) {
  ImageRequest r = T2I();
  r.mode = ImageRequest::Mode::kEdit;
  FalInputs in;
  in.reference_urls = {
      "https://v3.fal.media/files/a.png", "https://v3.fal.media/files/b.png",
      "https://v3.fal.media/files/c.png", "https://v3.fal.media/files/d.png"};
  nlohmann::json body = BuildFalInput(Config(), r, in);
  EXPECT_EQ(body["image_urls"], nlohmann::json::parse(R"([
    "https://v3.fal.media/files/a.png", "https://v3.fal.media/files/b.png",
    "https://v3.fal.media/files/c.png"])"));
  EXPECT_EQ(body["loras"][0]["path"],
            "https://example.com/miriN14.safetensors");
  EXPECT_EQ(FalModelFor(Config(), r.mode), "fal-ai/flux-2/lora/edit");
}

// Regression (issue 17 item 1): refine went to fal-ai/flux-lora/inpainting,
// FLUX.1 [dev], with Miri's FLUX.2 LoRA. Now it is a FLUX.2 LoRA edit of
// the image at its own size (Flux2LoraEditInput in fal-js
// libs/client/src/types/endpoints.ts); the mask stays here (fal_refine.h).
TEST(FalWire, RefineIsAFlux2LoraEditOfTheImageKeepingHerLora) {
  ImageRequest r = T2I();
  r.mode = ImageRequest::Mode::kInpaint;
  r.seed.reset();
  FalInputs in;
  in.image_url = "https://v3.fal.media/files/original.png";
  in.image_width = 1024;
  in.image_height = 768;
  nlohmann::json body = BuildFalInput(Config(), r, in);
  EXPECT_EQ(body, nlohmann::json::parse(R"({
    "prompt": "S1_V1_FX2 Miri on a rooftop",
    "loras": [{"path": "https://example.com/miriN14.safetensors", "scale": 0.9}],
    "image_urls": ["https://v3.fal.media/files/original.png"],
    "image_size": {"width": 1024, "height": 768},
    "num_inference_steps": 28, "guidance_scale": 2.5,
    "num_images": 1, "output_format": "png", "enable_safety_checker": true})"));
  EXPECT_EQ(FalModelFor(Config(), r.mode), "fal-ai/flux-2/lora/edit");
}

TEST(FalWire, AFlux2LoraIsNeverSentToAFlux1Endpoint) {
  FalConfig c = Config();
  c.refine_model = "fal-ai/flux-lora/inpainting";
  ImageRequest r = T2I();
  r.mode = ImageRequest::Mode::kInpaint;
  r.image_blob = "a.png";
  r.mask_blob = "m.png";
  auto v = ValidateFalRequest(c, r);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(v.error().issues.size(), 1u);
  EXPECT_EQ(v.error().issues[0].path, "loras");
  EXPECT_NE(v.error().issues[0].message.find("FLUX.2"), std::string::npos);
  c = Config();
  c.text_to_image_model = "fal-ai/flux-lora";
  EXPECT_FALSE(ValidateFalRequest(c, T2I()));
  r.loras.clear();
  c.refine_model = "fal-ai/flux-lora/inpainting";
  EXPECT_TRUE(ValidateFalRequest(c, r)) << "no LoRA, no FLUX.2 weights";
  EXPECT_TRUE(IsFlux2Model("fal-ai/flux-2/lora/edit"));
  EXPECT_TRUE(IsFlux2Model("fal-ai/flux-2-pro/edit"));
  EXPECT_FALSE(IsFlux2Model("fal-ai/flux-lora/inpainting"));
  EXPECT_FALSE(IsFlux2Model("fal-ai/flux-pro/v1/fill"));
}

// FLUX.2 inputs have no negative_prompt (Flux2LoraInput and
// Flux2LoraEditInput in fal-js libs/client/src/types/endpoints.ts): the
// rulebook's negatives become text in the prompt.
TEST(FalWire, NegativesAreFoldedIntoThePromptAsText) {
  ImageRequest r = T2I();
  r.negative_prompt = "open mouth, makeup";
  nlohmann::json body = BuildFalInput(Config(), r, {});
  EXPECT_FALSE(body.contains("negative_prompt"));
  EXPECT_EQ(body["prompt"],
            "S1_V1_FX2 Miri on a rooftop. Avoid: open mouth, makeup.");
}

TEST(FalWire, ValidationNamesTheField) {
  ImageRequest r = T2I();
  r.loras = {"someoneElse"};
  r.prompt.clear();
  auto v = ValidateFalRequest(Config(), r);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(v.error().issues.size(), 2u);
  EXPECT_EQ(v.error().issues[0].path, "prompt");
  EXPECT_EQ(v.error().issues[1].path, "loras");
  r = T2I();
  r.mode = ImageRequest::Mode::kEdit;
  EXPECT_EQ(ValidateFalRequest(Config(), r).error().issues[0].path,
            "reference_blobs");
  r = T2I();
  r.mode = ImageRequest::Mode::kInpaint;
  r.image_blob = "a.png";
  EXPECT_EQ(ValidateFalRequest(Config(), r).error().issues[0].path,
            "mask_blob");
}

TEST(FalWire, AppIdDropsThePath) {
  EXPECT_EQ(FalAppId("fal-ai/flux-2/lora"), "fal-ai/flux-2");
  EXPECT_EQ(FalAppId("fal-ai/flux-2/lora/edit"), "fal-ai/flux-2");
  EXPECT_EQ(FalAppId("fal-ai/flux-lora/inpainting"), "fal-ai/flux-lora");
  EXPECT_EQ(FalAppId("workflows/me/flow/x"), "workflows/me/flow");
}

TEST(FalWire, ParsesWebhooksAndErrors) {
  auto ok = ParseFalWebhook(
      R"({"request_id":"r1","gateway_request_id":"r1","status":"OK",
      "payload":{"images":[{"url":"https://v3.fal.media/files/x/out.png","width":1344,"height":768}]}})");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, "OK");
  auto images = ParseFalImages(ok->payload);
  ASSERT_TRUE(images);
  EXPECT_EQ((*images)[0].url, "https://v3.fal.media/files/x/out.png");
  EXPECT_FALSE(ParseFalWebhook("{not json"));
  EXPECT_FALSE(ParseFalWebhook(R"({"status":"OK"})"));
  FalErrorInfo e = DescribeFalError(
      422,
      R"({"detail":[{"loc":["body","prompt"],"msg":"field required","type":"value_error.missing"}]})");
  EXPECT_EQ(e.message, "fal HTTP 422; body.prompt: field required");
  EXPECT_TRUE(
      DescribeFalError(
          422, R"({"detail":[{"type":"content_policy_violation","msg":"x"}]})")
          .content_policy);
  EXPECT_EQ(
      DescribeFalError(
          504,
          R"({"detail":"Request timed out","error_type":"request_timeout"})")
          .message,
      "fal HTTP 504: Request timed out");
  EXPECT_EQ(DescribeFalError(502, "<html>").message, "fal HTTP 502");
}

}  // namespace
}  // namespace miri
