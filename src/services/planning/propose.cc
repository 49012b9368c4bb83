#include "services/planning/propose.h"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "services/planning/lyrics.h"

namespace miri {

namespace {

std::string SongKey(const std::string& id) {
  return "projects/" + id + "/audio/song.mp3";
}
std::string LyricsKey(const std::string& id) {
  return "projects/" + id + "/lyrics.txt";
}

}  // namespace

Result<std::string> UploadLyrics(Store& store, BlobStore& blobs,
                                 std::string_view project_id,
                                 std::string_view text) {
  const std::string id(project_id);
  RETURN_IF_ERROR(store.GetProject(id), "");
  RETURN_IF_ERROR(ParseLyricsAuto(text), "");
  const std::string key = LyricsKey(id);
  RETURN_IF_ERROR(blobs.Put(key, text), "storing the lyrics");
  return key;
}

Result<void> CheckReadyToPlan(Store& store, BlobStore& blobs,
                              std::string_view project_id) {
  const std::string id(project_id);
  RETURN_IF_ERROR(store.GetProject(id), "");
  const std::string song_key = SongKey(id);
  const std::string lyrics_key = LyricsKey(id);
  std::vector<FieldIssue> missing;
  if (!blobs.Exists(song_key).value_or(false)) {
    missing.push_back(
        {"song", "upload the MP3 first (PUT /api/projects/{projectId}/song)"});
  }
  if (!blobs.Exists(lyrics_key).value_or(false)) {
    missing.push_back(
        {"lyrics",
         "upload the lyrics first (PUT /api/projects/{projectId}/lyrics)"});
  }
  if (!missing.empty()) {
    return tl::unexpected(Error{ErrorCode::kFailedPrecondition,
                                "cannot plan yet", std::move(missing)});
  }
  ASSIGN_OR_RETURN(std::optional<ProjectStatus> status,
                   store.GetProjectStatus(id), "");
  if (status != ProjectStatus::kAudioAnalysis) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "the project already has a plan",
                     {{"status", "a plan is proposed only in AUDIO_ANALYSIS"}});
  }
  return {};
}

Result<std::string> DirectorModel(Store& store, std::string_view project_id) {
  ASSIGN_OR_RETURN(std::vector<AgentConfig> configs,
                   store.ListAgentConfigs(project_id), "agent configs");
  for (const AgentConfig& c : configs) {
    if (c.role == AgentRole::kDirector && c.active) return c.model_string;
  }
  return std::string();
}

Result<Plan> ProposePlan(Store& store, BlobStore& blobs, Director& director,
                         std::string_view project_id) {
  const std::string id(project_id);
  RETURN_IF_ERROR(CheckReadyToPlan(store, blobs, id), "");
  ASSIGN_OR_RETURN(std::filesystem::path song, blobs.LocalPath(SongKey(id)),
                   "");
  ASSIGN_OR_RETURN(std::string lyrics, blobs.Get(LyricsKey(id)), "");
  PlanRequest request;
  request.audio_path = song.string();
  request.lyrics_text = std::move(lyrics);
  ASSIGN_OR_RETURN(request.llm_model, DirectorModel(store, id), "");
  return director.MakePlan(request);
}

Result<nlohmann::json> ProposalJson(const Plan& plan, size_t max_bytes) {
  using nlohmann::json;
  size_t bytes = 100;  // the object, its keys and numbers
  auto add = [&](json& list, json item) -> Result<void> {
    bytes += item.dump().size() + 1;
    if (bytes > max_bytes) {
      return MakeError(
          ErrorCode::kInvalidArgument, "the proposal is too large",
          {{"plan", fmt::format("a proposal is at most {} bytes of JSON; this "
                                "one passed it at {} scenes and shots (shorter "
                                "lyrics, or fewer lines, make a smaller one)",
                                max_bytes, list.size() + 1)}});
    }
    list.push_back(std::move(item));
    return {};
  };
  json scenes = json::array(), shots = json::array(), warnings = json::array();
  for (const Scene& s : plan.scenes)
    RETURN_IF_ERROR(add(scenes, s.ToJson()), "");
  for (const Shot& s : plan.shots) RETURN_IF_ERROR(add(shots, s.ToJson()), "");
  for (const PlanWarning& w : plan.warnings) {
    RETURN_IF_ERROR(
        add(warnings, json{{"code", w.code}, {"message", w.message}}), "");
  }
  return json{{"director", plan.director},  {"durationMs", plan.duration_ms},
              {"tempoBpm", plan.tempo_bpm}, {"scenes", std::move(scenes)},
              {"shots", std::move(shots)},  {"warnings", std::move(warnings)}};
}

}  // namespace miri
