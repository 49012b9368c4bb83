// Prepares the animatic benchmark's project (issue 20) in a data directory
// laid out as `miri` composes it by default (DATA/miri.db, DATA/blobs): the
// 40-shot, 180 s cut of timeline.json, where the first 10 shots have their
// clip, the next 20 only a frame (frame.png, 1280x720) and the last 10
// nothing but a description. Prints the project id.
//   animatic_fixture MEDIA_DIR DATA_DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "adapters/localfs/localfs_blob_store.h"
#include "adapters/sqlite/sqlite_store.h"
#include "domain/timeline.h"

namespace {

using namespace miri;
namespace fs = std::filesystem;

constexpr char kAt[] = "2026-12-07T00:00:00Z";
constexpr char kProject[] = "b3f1c2d4-0000-4000-8000-00000000a41c";

int Fail(const std::string& what) {
  std::fprintf(stderr, "animatic_fixture: %s\n", what.c_str());
  return 1;
}

Version MakeVersion(const std::string& shot, VersionKind kind,
                    const std::string& output) {
  Version v;
  v.version_id = shot + (kind == VersionKind::kVideo ? "-clip" : "-frame");
  v.shot_id = shot;
  v.kind = kind;
  v.prompt = "[" + shot + "]_[" + v.version_id + "]_[BENCH] bench";
  v.model_code = "BENCH";
  v.model = "bench";
  v.outputs = {output};
  v.created_at = kAt;
  return v;
}

int Run(const fs::path& media, const fs::path& data) {
  std::ifstream in(media / "timeline.json");
  std::string text(std::istreambuf_iterator<char>(in), {});
  auto timeline = render::ParseTimelineJson(text);
  if (!timeline) return Fail(timeline.error().ToString());
  fs::remove_all(data);
  fs::create_directories(data);
  auto store = SqliteStore::Open((data / "miri.db").string());
  if (!store) return Fail(store.error().ToString());
  auto blobs = LocalFsBlobStore::Open(data / "blobs");
  if (!blobs) return Fail(blobs.error().ToString());
  ProjectConfig project;
  project.project_id = kProject;
  project.project_name = "Animatic bench";
  project.global_settings = {"gemini-2.5-pro",
                             "fal-ai/flux-2/lora",
                             "kling-v2-5-turbo",
                             "miriN14",
                             true,
                             10.0};
  project.creation_timestamp = kAt;
  Event first;
  first.event_id = "bench-new";
  first.to = "AUDIO_ANALYSIS";
  first.cause = "bench";
  first.at = kAt;
  first.idempotency_key = "bench:new";
  if (auto r = (*store)->CreateProject(project, {{}, first}); !r)
    return Fail(r.error().ToString());
  const std::string base = std::string("projects/") + kProject;
  if (auto r = (*blobs)->PutFile(base + "/audio/song.mp3", media / "song.mp3");
      !r)
    return Fail(r.error().ToString());
  PlanCommit plan;
  plan.at = kAt;
  plan.scenes.push_back({"sc1", 0, timeline->shots.back().end_ms, "song", ""});
  for (const render::TimelineShot& t : timeline->shots) {
    Shot s;
    s.shot_id = t.shot_id;
    s.scene_id = "sc1";
    s.timestamps = {t.start_ms, t.end_ms};
    s.description = "Miri walks along the river at dusk, shot " + t.shot_id +
                    ", the lanterns coming on one by one behind her";
    plan.shots.push_back(s);
  }
  if (auto r = (*store)->CommitPlan(kProject, plan); !r)
    return Fail(r.error().ToString());
  for (size_t i = 0; i < 30 && i < timeline->shots.size(); ++i) {
    const std::string shot = timeline->shots[i].shot_id;
    const bool clip = i < 10;
    const std::string key =
        base + "/shots/" + shot + (clip ? "/clip.mp4" : "/frame.png");
    const fs::path file =
        clip ? fs::path(timeline->shots[i].clip) : media / "frame.png";
    if (auto r = (*blobs)->PutFile(key, clip ? media / file : file); !r)
      return Fail(r.error().ToString());
    Version v = MakeVersion(
        shot, clip ? VersionKind::kVideo : VersionKind::kImage, key);
    if (auto r = (*store)->AppendVersion(kProject, v); !r)
      return Fail(r.error().ToString());
  }
  std::printf("%s\n", kProject);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return Fail("usage: animatic_fixture MEDIA_DIR DATA_DIR");
  return Run(argv[1], argv[2]);
}
