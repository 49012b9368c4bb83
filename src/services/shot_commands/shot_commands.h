// ShotCommands: the state changes a person or a provider asks for on a shot
// (generate, approve, reject, refine, provider results) and the final
// render of a project, as appended events plus a bus notification.
//
// WHAT IS NOT DONE HERE YET (orchestration, issue 8, extends this class):
// - Generate renders and audits the prompt, stores the PENDING version and
//   moves the shot DRAFT -> VALIDATION -> GENERATING_IMAGE, but sends no
//   provider request: CommandOutcome::dispatched is false.
// - Approve moves AWAITING_APPROVAL -> GENERATING_VIDEO without calling the
//   video provider; Refine moves to REFINING without vision/inpainting;
//   Reject moves back to DRAFT without vision analysis or a new rule.
// - ApplyProviderResult applies the status change of a verified webhook; it
//   does not download the provider's outputs into the BlobStore.
// - StartFinalRender moves the project to FINAL_RENDER once every shot is
//   COMPLETED: from PLANNED, from RENDERED (render again) or from FAILED
//   when the render failed (try again; a project that failed before its
//   render is refused). The render worker (`miri render`) is a separate
//   process that is not triggered from here.
//
// Every command is idempotent under its key: a repeat returns the stored
// outcome with duplicate = true and writes nothing. A refused command (bad
// input, unknown id, illegal transition) writes nothing.
// Thread-safety: as thread-safe as the Store and EventBus it is given.
#ifndef MIRI_SERVICES_SHOT_COMMANDS_SHOT_COMMANDS_H_
#define MIRI_SERVICES_SHOT_COMMANDS_SHOT_COMMANDS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/project.h"
#include "domain/records.h"
#include "ports/clock.h"
#include "ports/event_bus.h"
#include "ports/store.h"

namespace miri {

struct CommandOutcome {
  std::vector<Event> events;  // appended (or, for a duplicate, found)
  std::optional<std::string> version_id;
  bool duplicate = false;
  bool dispatched = false;  // a provider/worker was asked to do the work
  std::string note;         // what was not done, in words
};

struct WebhookResult {
  std::string provider;  // "fal" or "kling"
  std::string project_id;
  std::string shot_id;
  std::string version_id;
  bool ok = true;
  std::string request_id;  // the provider's id: the idempotency key
  std::string detail;      // error text or output summary
};

// A random RFC 4122 version-4 UUID.
std::string RandomUuid();

// The SHOT_UPDATED / PROJECT_UPDATED payload of a stored event.
nlohmann::json EventPayload(std::string_view project_id, const Event& e);

class ShotCommands {
 public:
  using IdSource = std::function<std::string()>;
  ShotCommands(Store& store, EventBus& bus, const Clock& clock,
               IdSource ids = RandomUuid);
  virtual ~ShotCommands() = default;

  // prompt_override replaces the shot's description as the prompt subject;
  // it is screened (RequireSafeUserText) and the rendered prompt audited.
  virtual Result<CommandOutcome> Generate(
      std::string_view project_id, std::string_view shot_id,
      const std::optional<std::string>& prompt_override,
      const std::string& key);
  virtual Result<CommandOutcome> Approve(std::string_view project_id,
                                         std::string_view shot_id,
                                         const std::string& key);
  virtual Result<CommandOutcome> Reject(std::string_view project_id,
                                        std::string_view shot_id,
                                        const std::string& reason,
                                        const std::string& key);
  virtual Result<CommandOutcome> Refine(
      std::string_view project_id, std::string_view shot_id,
      const std::string& instruction,
      const std::optional<std::string>& mask_blob, const std::string& key);
  virtual Result<CommandOutcome> ApplyProviderResult(const WebhookResult& r);
  virtual Result<CommandOutcome> StartFinalRender(std::string_view project_id,
                                                  const std::string& key);

  // Appends one shot or project event and publishes it. Public so other
  // services (planning commits) announce their events the same way.
  Result<AppendEventResult> AppendAndPublish(std::string_view project_id,
                                             Event event);

 private:
  Result<CommandOutcome> Transition(std::string_view project_id,
                                    std::string_view shot_id, ShotStatus to,
                                    std::string cause, const std::string& key,
                                    std::optional<std::string> version_id);

  Store& store_;
  EventBus& bus_;
  const Clock& clock_;
  IdSource ids_;
};

}  // namespace miri

#endif  // MIRI_SERVICES_SHOT_COMMANDS_SHOT_COMMANDS_H_
