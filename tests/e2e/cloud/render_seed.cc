// Seeds the configured store and blob store (the composition root, from the
// environment, as `miri render` sees them) with a project ready for its
// final render: FINAL_RENDER, one COMPLETED shot per clip (4 s each) whose
// video version points at the clip uploaded to the blob store, and the
// song. Prints the project id. Test-only (tests/e2e/cloud).
//
//   render_seed DATA_DIR SONG.mp3 CLIP.mp4...
//   render_seed --status DATA_DIR PROJECT_ID    prints the project's status
//   render_seed --lease DATA_DIR PROJECT_ID     prints its render lease,
//                                               "OWNER EXPIRES_AT_MS" or "none"
#include <iostream>
#include <string>

#include "app/composition.h"
#include "testing/store_fixtures.h"

namespace {

using miri::Event;
using miri::ProjectStatus;
using miri::ProjectStatusName;
using miri::Result;
using miri::ShotStatus;

Event ProjectEvent(std::optional<ProjectStatus> from, ProjectStatus to) {
  Event e;
  e.event_id = "seed-" + std::string(ProjectStatusName(to));
  if (from) e.from = std::string(ProjectStatusName(*from));
  e.to = std::string(ProjectStatusName(to));
  e.cause = "seeded";
  e.at = "2026-03-02T10:15:04Z";
  e.idempotency_key = e.event_id;
  return e;
}

Result<std::string> Seed(int argc, char** argv) {
  namespace mt = miri::testing;
  ASSIGN_OR_RETURN(miri::app::CompositionPlan plan,
                   miri::app::PlanComposition(miri::app::ProcessEnv(), argv[1]),
                   "");
  ASSIGN_OR_RETURN(std::unique_ptr<miri::app::Stack> stack,
                   miri::app::Compose(plan), "");
  miri::Store& store = *stack->store;
  miri::ProjectConfig project = mt::SampleProject();
  const std::string id = project.project_id;
  const int clips = argc - 3;
  RETURN_IF_ERROR(store.CreateProject(project), "project");
  RETURN_IF_ERROR(
      store.AppendEvent(
          id, ProjectEvent(std::nullopt, ProjectStatus::kAudioAnalysis)),
      "");
  RETURN_IF_ERROR(
      stack->blobs->PutFile("projects/" + id + "/audio/song.mp3", argv[2]),
      "song");
  RETURN_IF_ERROR(store.CommitPlan(id, mt::SamplePlan("s", clips)), "plan");
  RETURN_IF_ERROR(
      store.AppendEvent(id, ProjectEvent(ProjectStatus::kAudioAnalysis,
                                         ProjectStatus::kPlanned)),
      "");
  using S = ShotStatus;
  const S path[] = {S::kDraft,           S::kValidation,
                    S::kGeneratingImage, S::kAwaitingApproval,
                    S::kGeneratingVideo, S::kCompleted};
  for (int i = 0; i < clips; ++i) {
    const std::string shot = "s-" + std::to_string(i);
    const std::string key =
        "projects/" + id + "/shots/" + shot + "/v" + std::to_string(i) + ".mp4";
    RETURN_IF_ERROR(stack->blobs->PutFile(key, argv[3 + i]), "clip");
    miri::Version v = mt::SampleVersion("v" + std::to_string(i), shot);
    v.kind = miri::VersionKind::kVideo;
    v.outputs = {key};
    RETURN_IF_ERROR(store.AppendVersion(id, v), "version");
    for (size_t k = 1; k < std::size(path); ++k) {
      RETURN_IF_ERROR(
          store.AppendEvent(id, mt::ShotEvent(shot, path[k - 1], path[k],
                                              shot + "-" + std::to_string(k))),
          shot);
    }
  }
  RETURN_IF_ERROR(
      store.AppendEvent(id, ProjectEvent(ProjectStatus::kPlanned,
                                         ProjectStatus::kFinalRender)),
      "");
  return id;
}

}  // namespace

Result<std::string> Status(const char* data_dir, const std::string& id,
                           bool lease) {
  ASSIGN_OR_RETURN(
      miri::app::CompositionPlan plan,
      miri::app::PlanComposition(miri::app::ProcessEnv(), data_dir), "");
  ASSIGN_OR_RETURN(std::unique_ptr<miri::app::Stack> stack,
                   miri::app::Compose(plan), "");
  if (lease) {
    ASSIGN_OR_RETURN(std::optional<miri::RenderLease> l,
                     stack->store->GetRenderLease(id), "");
    return l ? l->owner + " " + std::to_string(l->expires_at_ms) : "none";
  }
  ASSIGN_OR_RETURN(std::optional<ProjectStatus> status,
                   stack->store->GetProjectStatus(id), "");
  return status ? std::string(ProjectStatusName(*status)) : "none";
}

int main(int argc, char** argv) {
  if (argc == 4 && (std::string(argv[1]) == "--status" ||
                    std::string(argv[1]) == "--lease")) {
    Result<std::string> status =
        Status(argv[2], argv[3], std::string(argv[1]) == "--lease");
    if (!status) {
      std::cerr << "render_seed: " << status.error().ToString() << "\n";
      return 1;
    }
    std::cout << *status << "\n";
    return 0;
  }
  if (argc < 4) {
    std::cerr << "usage: render_seed DATA_DIR SONG.mp3 CLIP.mp4...\n";
    return 2;
  }
  Result<std::string> id = Seed(argc, argv);
  if (!id) {
    std::cerr << "render_seed: " << id.error().ToString() << "\n";
    return 1;
  }
  std::cout << *id << "\n";
  return 0;
}
