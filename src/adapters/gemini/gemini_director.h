// The cloud Director: one Gemini generateContent call with the audio
// (inline when the request stays under the inline limit, otherwise the
// resumable File API, deleted afterwards), the lyrics, the local analysis
// and a JSON response schema. The reply is parsed and shape-checked here;
// wrap this Director in CheckedDirector (services/planning/repair.h) to
// repair plans that break the tiling rules.
//
// The song's true duration and beats come from the local SongAnalyzer, so a
// model that misjudges the length cannot stretch the video.
#ifndef MIRI_ADAPTERS_GEMINI_GEMINI_DIRECTOR_H_
#define MIRI_ADAPTERS_GEMINI_GEMINI_DIRECTOR_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "adapters/curl/http_client.h"
#include "adapters/gemini/gemini_generation.h"
#include "ports/director.h"

namespace miri {

struct GeminiConfig {
  std::string base_url = "https://generativelanguage.googleapis.com";
  std::string api_key;
  std::string model = std::string(gemini::kDefaultModel);
  // A plan is long JSON: room for it and a little thinking (thoughts count
  // against maxOutputTokens); a reply cut short of any text is retried once
  // with four times the budget (gemini_generation.h).
  gemini::GenerationLimits limits = {32768, 2048, "LOW", 0.2};
  int64_t inline_limit_bytes = 20LL << 20;  // whole request, base64 included
  int64_t timeout_ms = 300'000;
  int max_file_polls = 30;  // while an upload is PROCESSING
  // The wait before each poll of a PROCESSING upload: 1 s, doubling, at
  // most 5 s (Google's Files API guide polls a processing file every few
  // seconds: ai.google.dev/gemini-api/docs/vision#upload-video). Tests
  // record the delays instead of waiting.
  std::function<void(int64_t ms)> sleep_ms = [](int64_t ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  };
};

class GeminiDirector final : public Director {
 public:
  GeminiDirector(GeminiConfig config, SongAnalyzer& analyzer, HttpClient& http)
      : config_(std::move(config)), analyzer_(analyzer), http_(http) {}

  // `request.llm_model`, when set, overrides the configured model.
  Result<Plan> MakePlan(const PlanRequest& request) override;

 private:
  struct UploadedFile {
    std::string name;  // "files/abc"
    std::string uri;
  };
  Result<UploadedFile> Upload(const std::string& bytes,
                              const std::string& mime);
  void Delete(const std::string& name);

  GeminiConfig config_;
  SongAnalyzer& analyzer_;
  HttpClient& http_;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_GEMINI_GEMINI_DIRECTOR_H_
