// Valid sample documents for tests, and a helper that breaks one field.
#ifndef MIRI_DOMAIN_TEST_DOCS_H_
#define MIRI_DOMAIN_TEST_DOCS_H_

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "domain/json_reader.h"

namespace miri::testdocs {

inline nlohmann::json Project() {
  return nlohmann::json::parse(R"({
    "projectId": "123e4567-e89b-12d3-a456-426614174000",
    "projectName": "Rain Song",
    "globalSettings": {"llmModel": "gemini-2.5-pro",
                       "imageModel": "fal-ai/flux-2/lora",
                       "videoModel": "kling-v2-5-turbo",
                       "loraWeightsId": "miriN14",
                       "requireHumanApproval": false,
                       "budgetCapUsd": 12.5},
    "creationTimestamp": "2026-03-02T10:15:04Z"})");
}

inline nlohmann::json AgentConfig() {
  return nlohmann::json::parse(R"({"configId": "director", "role": "DIRECTOR",
    "modelString": "gemini-2.5-pro", "active": true,
    "updatedAt": "2026-03-02T10:15:04.5Z"})");
}

inline nlohmann::json Scene() {
  return nlohmann::json::parse(R"({"sceneId": "sc1", "startMs": 0,
    "endMs": 12000, "label": "intro", "description": "dawn, blue"})");
}

inline nlohmann::json Shot() {
  return nlohmann::json::parse(R"({"shotId": "sh1", "sceneId": "sc1",
    "timestamps": {"startMs": 0, "endMs": 4000},
    "lyricsSnippet": "rain on the roof", "status": "DRAFT",
    "versions": ["v1"], "description": "Miri at a window",
    "showsMiri": true, "endState": "Miri has turned toward the lamp"})");
}

inline nlohmann::json Version() {
  return nlohmann::json::parse(R"({"versionId": "v1", "shotId": "sh1",
    "kind": "IMAGE", "prompt": "[sh1]_[v1]_[FLUX2] a window",
    "negativePrompt": "blur", "modelCode": "FLUX2",
    "model": "fal-ai/flux-2/lora", "parameters": {"seed": 7},
    "references": ["blobs/a.png"], "outputs": [], "parentVersionId": "v0",
    "appliedRuleIds": ["r1"],
    "findings": [{"ruleId": "prefix.missing", "message": "m",
                  "offendingText": "x"}],
    "createdAt": "2026-03-02T10:15:04Z"})");
}

inline nlohmann::json Event() {
  return nlohmann::json::parse(R"({"eventId": "e1", "shotId": "sh1",
    "versionId": "v1", "from": "DRAFT", "to": "VALIDATION",
    "cause": "audit started", "at": "2026-03-02T10:15:04Z",
    "idempotencyKey": "sh1:v1:validate", "seq": 3})");
}

inline nlohmann::json Rule() {
  return nlohmann::json::parse(R"({"ruleId": "r1",
    "text": "dress hem stays mid-calf", "kind": "POSITIVE", "scope": "SCENE",
    "scopeId": "sc1", "sourceVersionId": "v1",
    "reason": "the dress is above the knee", "imageBlob": "blobs/a.png",
    "createdAt": "2026-03-02T10:15:04Z", "active": true})");
}

inline nlohmann::json RuleEvent() {
  return nlohmann::json::parse(R"({"ruleEventId": "re1", "ruleId": "r1",
    "kind": "APPLIED", "versionId": "v2", "reason": "draft of sh2",
    "at": "2026-03-02T10:15:04Z"})");
}

inline nlohmann::json Ledger() {
  return nlohmann::json::parse(R"({"entryId": "l2", "kind": "SETTLE",
    "provider": "fal", "amountMicros": 21000, "reservationId": "l1",
    "shotId": "sh1", "versionId": "v1", "at": "2026-03-02T10:15:04Z"})");
}

inline nlohmann::json Job() {
  return nlohmann::json::parse(R"({"jobId": "p1:v1#1", "provider": "fal",
    "providerRequestId": "req-1",
    "resume": "{\"request_id\":\"req-1\",\"model\":\"fal-ai/flux-2/lora\"}",
    "createdAt": "2026-03-02T10:15:04Z"})");
}

inline nlohmann::json Intent() {
  return nlohmann::json::parse(R"({"jobId": "p1:v1#1", "provider": "kling",
    "externalId": "p1:v1#1", "createdAt": "2026-03-02T10:15:03Z"})");
}

// Returns `doc` with the value at JSON pointer `path` replaced (or removed
// when `value` is discarded).
inline nlohmann::json With(nlohmann::json doc, const std::string& path,
                           const nlohmann::json& value) {
  nlohmann::json::json_pointer ptr(path);
  if (value.is_discarded()) {
    doc[ptr.parent_pointer()].erase(ptr.back());
  } else {
    doc[ptr] = value;
  }
  return doc;
}

inline nlohmann::json Absent() {
  return nlohmann::json(nlohmann::json::value_t::discarded);
}

struct BadField {
  std::string pointer;   // JSON pointer of the field to break
  nlohmann::json value;  // the bad value (Absent() removes the field)
  std::string path;      // the path the error must name
  std::string message;   // a substring of the message
};

template <typename T>
void ExpectRefused(const nlohmann::json& valid, const BadField& bad) {
  Result<T> r = ParseDocument<T>(With(valid, bad.pointer, bad.value));
  ASSERT_FALSE(r) << bad.pointer << " = " << bad.value.dump();
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(r.error().issues.size(), 1u)
      << bad.pointer << ": " << r.error().ToString();
  EXPECT_EQ(r.error().issues[0].path, bad.path);
  EXPECT_NE(r.error().issues[0].message.find(bad.message), std::string::npos)
      << bad.pointer << ": " << r.error().issues[0].message;
}

}  // namespace miri::testdocs

#endif  // MIRI_DOMAIN_TEST_DOCS_H_
