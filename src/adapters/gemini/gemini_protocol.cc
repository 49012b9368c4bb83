#include "adapters/gemini/gemini_protocol.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace miri::gemini {

using nlohmann::json;

namespace {
// json::value() throws on a type mismatch; model output must never throw.
std::string Str(const json& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_string()
             ? o[key].get<std::string>()
             : std::string();
}
bool Bool(const json& o, const char* key, bool fallback) {
  return o.is_object() && o.contains(key) && o[key].is_boolean()
             ? o[key].get<bool>()
             : fallback;
}
}  // namespace

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v =
        (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (i < in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    if (i + 1 < in.size()) v |= uint8_t(in[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string AudioMimeType(std::string_view path) {
  std::string ext(path.substr(path.rfind('.') == std::string_view::npos
                                  ? path.size()
                                  : path.rfind('.') + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (ext == "wav") return "audio/wav";
  if (ext == "flac") return "audio/flac";
  if (ext == "ogg" || ext == "oga") return "audio/ogg";
  if (ext == "m4a" || ext == "aac") return "audio/aac";
  if (ext == "aif" || ext == "aiff") return "audio/aiff";
  return "audio/mp3";
}

json PlanResponseSchema() {
  json ms = {{"type", "integer"}, {"minimum", 0}};
  json scene = {
      {"type", "object"},
      {"properties",
       {{"sceneId", {{"type", "string"}}},
        {"label",
         {{"type", "string"},
          {"description", "intro, verse 1, chorus, instrumental, ..."}}},
        {"startMs", ms},
        {"endMs", ms},
        {"description", {{"type", "string"}}}}},
      {"required", {"sceneId", "label", "startMs", "endMs"}}};
  json shot = {{"type", "object"},
               {"properties",
                {{"shotId", {{"type", "string"}}},
                 {"sceneId", {{"type", "string"}}},
                 {"startMs", ms},
                 {"endMs", ms},
                 {"lyricsSnippet", {{"type", "string"}}},
                 {"description", {{"type", "string"}}},
                 {"showsMiri", {{"type", "boolean"}}},
                 {"endState",
                  {{"type", "string"},
                   {"description",
                    "where the shot ends a few seconds on, same framing "
                    "(the clip's end frame)"}}}}},
               {"required",
                {"shotId", "sceneId", "startMs", "endMs", "lyricsSnippet",
                 "description"}}};
  return {{"type", "object"},
          {"properties",
           {{"scenes", {{"type", "array"}, {"items", scene}}},
            {"shots", {{"type", "array"}, {"items", shot}}}}},
          {"required", {"scenes", "shots"}},
          {"propertyOrdering", {"scenes", "shots"}}};
}

std::string PlanPrompt(const SongAnalysis& a, std::string_view lyrics,
                       const PlanLimits& lim) {
  std::string beats;
  for (size_t i = 0; i < a.beats_ms.size() && i < 64; ++i)
    beats += (i ? "," : "") + std::to_string(a.beats_ms[i]);
  return fmt::format(
      "Plan a music video for the attached song.\n"
      "The song lasts exactly {} ms. Local analysis: tempo {:.2f} BPM, {} "
      "beats; first beats (ms): [{}].\n"
      "Split the song into scenes (intro, verse, chorus, instrumental, "
      "outro...) and each scene into shots. Rules: shots tile the song "
      "exactly (the first starts at 0, each starts where the previous ends, "
      "the last ends at {} ms); every shot lasts {} to {} ms; cut on beats; "
      "never cut a sung line before its first word; each scene is made of "
      "whole shots. For each shot give the lyrics it covers and a short "
      "visual description (its resting start state) and where it ends a "
      "few seconds on (endState, same framing). The recurring character is "
      "Miri, a 12-year-old "
      "girl: describe what she does in calm, modest terms; never describe "
      "her singing or with an open mouth.\n"
      "Lyrics:\n{}",
      a.duration_ms, a.tempo_bpm, a.beats_ms.size(), beats, a.duration_ms,
      lim.min_shot_ms, lim.max_shot_ms, lyrics);
}

json GenerateRequest(const json& audio_part, std::string_view prompt,
                     std::string_view model, const GenerationLimits& limits) {
  return {
      {"systemInstruction",
       {{"parts",
         {{{"text",
            "You are the director of a music video. You plan scenes and shots "
            "on the song's timeline and answer only with JSON matching the "
            "schema."}}}}}},
      {"contents",
       {{{"role", "user"}, {"parts", {audio_part, {{"text", prompt}}}}}}},
      {"generationConfig",
       JsonGenerationConfig(model, limits, "responseJsonSchema",
                            PlanResponseSchema())}};
}

Result<std::string> ResponseText(int status, std::string_view body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (status != 200) {
    std::string message = fmt::format("HTTP {}", status), retry;
    if (j.is_object() && j.contains("error") && j["error"].is_object()) {
      const json& e = j["error"];
      message =
          fmt::format("{} {}: {}", status, Str(e, "status"), Str(e, "message"));
      for (const json& d :
           (e.contains("details") && e["details"].is_array() ? e["details"]
                                                             : json::array()))
        if (d.is_object() && Str(d, "@type").ends_with("RetryInfo"))
          retry = Str(d, "retryDelay");
    }
    if (status == 429) {
      return MakeError(ErrorCode::kResourceExhausted,
                       "Gemini rate limit: " + message +
                           (retry.empty() ? "" : "; retry after " + retry));
    }
    if (status >= 500)
      return MakeError(ErrorCode::kUnavailable, "Gemini: " + message);
    return MakeError(status == 400 ? ErrorCode::kInvalidArgument
                                   : ErrorCode::kFailedPrecondition,
                     "Gemini refused the request: " + message);
  }
  if (!j.is_object()) {
    return MakeError(ErrorCode::kUnavailable, "Gemini reply is not JSON");
  }
  const json& cands = j.contains("candidates") ? j["candidates"] : json();
  if (!cands.is_array() || cands.empty()) {
    std::string reason = j.contains("promptFeedback")
                             ? Str(j["promptFeedback"], "blockReason")
                             : "";
    return MakeError(
        ErrorCode::kRefused,
        "Gemini returned no candidate" +
            (reason.empty() ? "" : " (prompt blocked: " + reason + ")"));
  }
  const json& c = cands[0];
  std::string finish = Str(c, "finishReason");
  if (finish != "STOP") {
    return MakeError(ErrorCode::kUnavailable,
                     "Gemini stopped with finishReason " +
                         (finish.empty() ? std::string("(none)") : finish) +
                         "; the JSON plan is incomplete");
  }
  std::string text;
  if (c.contains("content") && c["content"].contains("parts")) {
    for (const json& p : c["content"]["parts"])
      if (p.is_object() && !Bool(p, "thought", false) && p.contains("text") &&
          p["text"].is_string())
        text += p["text"].get<std::string>();
  }
  if (text.empty())
    return MakeError(ErrorCode::kUnavailable, "Gemini reply has no text");
  return text;
}

Result<Plan> ParsePlanText(std::string_view text, const SongAnalysis& a) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return MakeError(
        ErrorCode::kUnavailable,
        "Gemini's plan is not valid JSON: " + std::string(text.substr(0, 120)));
  }
  std::vector<FieldIssue> issues;
  auto need = [&](const json& o, const char* key, auto check,
                  const std::string& path, const char* type) -> bool {
    if (!o.contains(key) || !check(o[key])) {
      issues.push_back({path + "." + key, std::string("expected ") + type});
      return false;
    }
    return true;
  };
  auto is_int = [](const json& v) { return v.is_number(); };
  auto is_str = [](const json& v) { return v.is_string(); };
  auto to_ms = [](const json& v) {
    return static_cast<int64_t>(std::llround(v.get<double>()));
  };
  Plan plan;
  plan.duration_ms = a.duration_ms;
  plan.tempo_bpm = a.tempo_bpm;
  plan.beats_ms = a.beats_ms;
  if (!j.is_object() || !j.contains("scenes") || !j["scenes"].is_array() ||
      !j.contains("shots") || !j["shots"].is_array()) {
    return MakeError(
        ErrorCode::kUnavailable,
        "Gemini's plan lacks the scenes and shots arrays",
        {{"scenes", "expected array"}, {"shots", "expected array"}});
  }
  for (size_t k = 0; k < j["scenes"].size(); ++k) {
    const json& s = j["scenes"][k];
    std::string path = fmt::format("scenes[{}]", k);
    if (!s.is_object()) {
      issues.push_back({path, "expected object"});
      continue;
    }
    bool ok = need(s, "sceneId", is_str, path, "string") &
              need(s, "startMs", is_int, path, "number") &
              need(s, "endMs", is_int, path, "number");
    if (!ok) continue;
    Scene scene;
    scene.scene_id = s["sceneId"];
    scene.start_ms = to_ms(s["startMs"]);
    scene.end_ms = to_ms(s["endMs"]);
    scene.label = Str(s, "label");
    scene.description = Str(s, "description");
    plan.scenes.push_back(std::move(scene));
  }
  for (size_t k = 0; k < j["shots"].size(); ++k) {
    const json& s = j["shots"][k];
    std::string path = fmt::format("shots[{}]", k);
    if (!s.is_object()) {
      issues.push_back({path, "expected object"});
      continue;
    }
    bool ok = need(s, "shotId", is_str, path, "string") &
              need(s, "startMs", is_int, path, "number") &
              need(s, "endMs", is_int, path, "number");
    if (!ok) continue;
    Shot shot;
    shot.shot_id = s["shotId"];
    shot.scene_id = Str(s, "sceneId");
    shot.timestamps = {to_ms(s["startMs"]), to_ms(s["endMs"])};
    shot.lyrics_snippet = Str(s, "lyricsSnippet");
    shot.description = Str(s, "description");
    shot.shows_miri = Bool(s, "showsMiri", true);
    shot.end_state = Str(s, "endState");
    plan.shots.push_back(std::move(shot));
  }
  if (!issues.empty()) {
    return MakeError(ErrorCode::kUnavailable, "Gemini's plan is malformed",
                     std::move(issues));
  }
  return plan;
}

}  // namespace miri::gemini
