#include "adapters/gemini/gemini_director.h"

#include <fstream>
#include <iterator>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "adapters/gemini/gemini_protocol.h"

namespace miri {

using nlohmann::json;

namespace {

std::string Origin(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  size_t slash = url.find('/', scheme + 3);
  return std::string(url.substr(0, slash));
}

}  // namespace

Result<GeminiDirector::UploadedFile> GeminiDirector::Upload(
    const std::string& bytes, const std::string& mime) {
  HttpRequest start;
  start.method = "POST";
  start.url = config_.base_url + "/upload/v1beta/files";
  start.headers = {
      {"x-goog-api-key", config_.api_key},
      {"X-Goog-Upload-Protocol", "resumable"},
      {"X-Goog-Upload-Command", "start"},
      {"X-Goog-Upload-Header-Content-Length", std::to_string(bytes.size())},
      {"X-Goog-Upload-Header-Content-Type", mime},
      {"Content-Type", "application/json"}};
  start.body = json{{"file", {{"displayName", "miri-song"}}}}.dump();
  start.total_timeout_ms = config_.timeout_ms;
  ASSIGN_OR_RETURN(HttpResponse started, http_.Send(start),
                   "Gemini file upload");
  if (started.status != 200) {
    RETURN_IF_ERROR(gemini::ResponseText(started.status, started.body),
                    "Gemini file upload");
  }
  std::string upload_url = started.Header("x-goog-upload-url");
  // The upload URL comes from the server; never send the song elsewhere.
  if (upload_url.empty() || Origin(upload_url) != Origin(config_.base_url)) {
    return MakeError(
        ErrorCode::kUnavailable,
        "Gemini file upload: missing or foreign x-goog-upload-url \"" +
            upload_url + "\"");
  }
  HttpRequest put;
  put.method = "POST";
  put.url = upload_url;
  put.headers = {{"x-goog-api-key", config_.api_key},
                 {"X-Goog-Upload-Command", "upload, finalize"},
                 {"X-Goog-Upload-Offset", "0"},
                 {"Content-Type", mime}};
  put.body = bytes;
  put.total_timeout_ms = config_.timeout_ms;
  ASSIGN_OR_RETURN(HttpResponse done, http_.Send(put), "Gemini file upload");
  if (done.status != 200 || done.Header("x-goog-upload-status") != "final") {
    return MakeError(
        ErrorCode::kUnavailable,
        fmt::format("Gemini file upload not finalized (HTTP {}, "
                    "status \"{}\")",
                    done.status, done.Header("x-goog-upload-status")));
  }
  json file = json::parse(done.body, nullptr, false);
  if (!file.is_object() || !file.contains("file") ||
      !file["file"].is_object()) {
    return MakeError(ErrorCode::kUnavailable,
                     "Gemini file upload: no file in reply");
  }
  json f = file["file"];
  for (int poll = 0;
       f.is_object() && f.contains("state") && f["state"] == "PROCESSING";
       ++poll) {
    if (poll >= config_.max_file_polls) {
      return MakeError(ErrorCode::kUnavailable, "Gemini file still PROCESSING");
    }
    config_.sleep_ms(
        std::min<int64_t>(int64_t{1000} << std::min(poll, 3), 5000));
    HttpRequest get;
    if (!f.contains("name") || !f["name"].is_string()) break;
    get.url = config_.base_url + "/v1beta/" + f["name"].get<std::string>();
    get.headers = {{"x-goog-api-key", config_.api_key}};
    ASSIGN_OR_RETURN(HttpResponse got, http_.Send(get), "Gemini file status");
    f = json::parse(got.body, nullptr, false);
  }
  if (!f.is_object() || !f.contains("uri") || !f["uri"].is_string() ||
      !f.contains("name") || !f["name"].is_string() ||
      (f.contains("state") && f["state"] != "ACTIVE")) {
    return MakeError(ErrorCode::kUnavailable,
                     "Gemini file upload failed: " + f.dump());
  }
  return UploadedFile{f["name"].get<std::string>(),
                      f["uri"].get<std::string>()};
}

void GeminiDirector::Delete(const std::string& name) {
  HttpRequest del;
  del.method = "DELETE";
  del.url = config_.base_url + "/v1beta/" + name;
  del.headers = {{"x-goog-api-key", config_.api_key}};
  (void)http_.Send(del);  // best effort: files expire after 48 h anyway
}

Result<Plan> GeminiDirector::MakePlan(const PlanRequest& request) {
  RETURN_IF_ERROR(request.limits.Validate(), "Gemini director");
  if (request.lyrics_text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "lyrics file is empty");
  }
  ASSIGN_OR_RETURN(SongAnalysis analysis, analyzer_.Analyze(request.audio_path),
                   "Gemini director");
  std::ifstream in(request.audio_path, std::ios::binary);
  std::string bytes(std::istreambuf_iterator<char>(in), {});
  std::string mime = gemini::AudioMimeType(request.audio_path);
  std::string prompt =
      gemini::PlanPrompt(analysis, request.lyrics_text, request.limits);

  std::optional<UploadedFile> uploaded;
  json audio_part;
  int64_t inline_size =
      static_cast<int64_t>((bytes.size() + 2) / 3 * 4 + prompt.size() + 4096);
  if (inline_size <= config_.inline_limit_bytes) {
    audio_part = {
        {"inlineData", {{"mimeType", mime}, {"data", gemini::Base64(bytes)}}}};
  } else {
    ASSIGN_OR_RETURN(UploadedFile f, Upload(bytes, mime), "Gemini director");
    uploaded = f;
    audio_part = {{"fileData", {{"mimeType", mime}, {"fileUri", f.uri}}}};
  }
  std::string model =
      request.llm_model.empty() ? config_.model : request.llm_model;
  HttpRequest gen;
  gen.method = "POST";
  gen.url = config_.base_url + "/v1beta/models/" + model + ":generateContent";
  gen.headers = {{"x-goog-api-key", config_.api_key},
                 {"Content-Type", "application/json"}};
  gen.total_timeout_ms = config_.timeout_ms;
  gen.max_response_bytes = 8 << 20;
  auto send = [&](const json& body) -> Result<json> {
    gen.body = body.dump();
    ASSIGN_OR_RETURN(HttpResponse reply, http_.Send(gen), "generateContent");
    if (reply.status != 200) {
      return tl::unexpected(
          gemini::ResponseText(reply.status, reply.body).error());
    }
    json j = json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
      return MakeError(ErrorCode::kUnavailable, "Gemini reply is not JSON");
    return j;
  };
  Result<json> reply = gemini::GenerateWithRetry(
      model, gemini::GenerateRequest(audio_part, prompt, model, config_.limits),
      send);
  if (uploaded) Delete(uploaded->name);
  if (!reply)
    return tl::unexpected(WithContext(reply.error(), "Gemini director"));
  ASSIGN_OR_RETURN(std::string text, gemini::ResponseText(200, reply->dump()),
                   "Gemini director");
  return gemini::ParsePlanText(text, analysis);
}

}  // namespace miri
