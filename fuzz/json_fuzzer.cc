// The strict JSON readers (domain/json_reader.h) of every schema, and the
// API's request-body reading (http/controller_util.h ReadJsonObject).
//
// Input: one selector byte, then JSON text. The selector picks the schema
// (a letter from kSchemas; any other byte: its value modulo the count):
//   p project  a agent config  c scene  s shot  v version  e event
//   r rule  u rule event  l ledger entry  j job record  t timeline
//   b request body (ReadJsonObject, then every document kind on it)
//   x the command bodies of the shot and rule routes (JsonReader calls as
//     shots_controller.cc and rules_controller.cc make them)
// Checks beyond the sanitizers: nothing throws; an accepted document
// serialises (ToJson) to JSON that parses back to the same value; every
// error is sendable JSON.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/json_reader.h"
#include "domain/project.h"
#include "domain/records.h"
#include "domain/timeline.h"
#include "fuzz/fuzz_util.h"
#include "http/controller_util.h"

namespace {

using miri::JsonReader;
using nlohmann::json;

constexpr std::string_view kSchemas =
    "pacsverulj"
    "tbx";

template <typename T>
void RoundTrip(const miri::Result<T>& parsed) {
  if (!parsed) {
    miri::fuzz::CheckErrorIsSendable(parsed.error());
    return;
  }
  json first = parsed->ToJson();
  std::string text;
  try {
    text = first.dump();
  } catch (const json::exception& e) {
    miri::fuzz::Fail("an accepted document does not serialise", e.what());
  }
  auto again = miri::ParseDocumentText<T>(text);
  if (!again) {
    miri::fuzz::Fail("an accepted document's ToJson is refused",
                     again.error().ToString() + " in " + text);
  }
  if (!(*again == *parsed)) {
    miri::fuzz::Fail("ToJson does not round-trip", text);
  }
}

template <typename T>
void Document(std::string_view text) {
  RoundTrip(miri::ParseDocumentText<T>(text));
}

void EveryDocument(const json& j) {
  RoundTrip(miri::ParseDocument<miri::ProjectConfig>(j));
  RoundTrip(miri::ParseDocument<miri::AgentConfig>(j));
  RoundTrip(miri::ParseDocument<miri::Scene>(j));
  RoundTrip(miri::ParseDocument<miri::Shot>(j));
  RoundTrip(miri::ParseDocument<miri::Version>(j));
  RoundTrip(miri::ParseDocument<miri::Event>(j));
  RoundTrip(miri::ParseDocument<miri::Rule>(j));
  RoundTrip(miri::ParseDocument<miri::RuleEvent>(j));
  RoundTrip(miri::ParseDocument<miri::LedgerEntry>(j));
  RoundTrip(miri::ParseDocument<miri::JobRecord>(j));
}

void Timeline(std::string_view text) {
  auto t = miri::render::ParseTimelineJson(text);
  if (!t) {
    miri::fuzz::CheckErrorIsSendable(t.error());
    return;
  }
  std::string again_text = miri::render::TimelineToJson(*t).dump();
  auto again = miri::render::ParseTimelineJson(again_text);
  if (!again || !(*again == *t)) {
    miri::fuzz::Fail("timeline does not round-trip", again_text);
  }
  if (!miri::render::ValidateTimeline(*t)) {
    miri::fuzz::Fail("a parsed timeline does not validate", again_text);
  }
}

void RequestBody(std::string_view text) {
  miri::http::Request req;
  req.method = "POST";
  req.path = "/api/projects";
  req.headers["content-type"] = "application/json";
  req.body = std::string(text);
  auto body = miri::http::ReadJsonObject(req);
  if (!body) {
    miri::fuzz::CheckErrorIsSendable(body.error());
    return;
  }
  if (!body->is_object()) miri::fuzz::Fail("ReadJsonObject gave a non-object");
  EveryDocument(*body);
}

// The reads the command routes make on their small bodies.
void CommandBodies(std::string_view text) {
  auto doc = miri::ParseJsonText(text);
  if (!doc) {
    miri::fuzz::CheckErrorIsSendable(doc.error());
    return;
  }
  std::vector<miri::FieldIssue> issues;
  JsonReader r(*doc, "", &issues);
  (void)r.String("projectId", miri::kIdRules);
  (void)r.String("shotId", miri::kIdRules);
  (void)r.OptionalString("promptOverride",
                         {.min_length = 1, .max_length = 2000});
  (void)r.String("instruction", miri::kNonEmpty);
  (void)r.OptionalString("maskBlobKey", {.min_length = 1, .max_length = 512});
  (void)r.OptionalString("reason", {.max_length = 2000});
  (void)r.OptionalString("versionId", miri::kUuidRules);
  (void)r.OptionalString("at", miri::kDateTimeRules);
  (void)r.Int("k", 1, 100, 10);
  (void)r.Number("strength", 0.0, 1.0, 0.5);
  (void)r.Bool("force", false);
  (void)r.StringArray("ids", miri::kIdRules);
  JsonReader brush = r.Object("motionBrush");
  (void)brush.Number("x", 0.0, 1.0);
  for (JsonReader& p : brush.ObjectArray("points")) {
    (void)p.Int("t", 0, miri::kMaxTimelineMs);
    p.RejectUnknownFields();
  }
  brush.RejectUnknownFields();
  (void)r.Raw("extra", json());
  r.RejectUnknownFields();
  if (!issues.empty()) {
    miri::fuzz::CheckErrorIsSendable(miri::Error{
        miri::ErrorCode::kInvalidArgument, "invalid request", issues});
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t pick = kSchemas.find(static_cast<char>(data[0]));
  if (pick == std::string_view::npos) pick = data[0] % kSchemas.size();
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (kSchemas[pick]) {
    case 'p':
      Document<miri::ProjectConfig>(text);
      break;
    case 'a':
      Document<miri::AgentConfig>(text);
      break;
    case 'c':
      Document<miri::Scene>(text);
      break;
    case 's':
      Document<miri::Shot>(text);
      break;
    case 'v':
      Document<miri::Version>(text);
      break;
    case 'e':
      Document<miri::Event>(text);
      break;
    case 'r':
      Document<miri::Rule>(text);
      break;
    case 'u':
      Document<miri::RuleEvent>(text);
      break;
    case 'l':
      Document<miri::LedgerEntry>(text);
      break;
    case 'j':
      Document<miri::JobRecord>(text);
      break;
    case 't':
      Timeline(text);
      break;
    case 'b':
      RequestBody(text);
      break;
    case 'x':
      CommandBodies(text);
      break;
  }
  return 0;
}
