// Issue 16 item 6: a rulebook that survives instances. Two `miri serve`
// processes on one store and one redis-server: a rule learned on A (from a
// rejection) is applied by B, which was running already, and by C, started
// afterwards with no rule index of its own; "applied" counts the versions
// that carried the rule, whichever instance made them.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { PROJECT_ID, api, projectBody, removeDir, startMiri, startRedis, tempDir,
         waitFor } from "./helpers.mjs";

let dir, redis, a, b, c;
// The local providers deliver their results in-process (no test webhooks).
const env = { MIRI_LOCAL_PROVIDERS: "" };

before(async () => {
  dir = tempDir("miri-e2e-rules-");
  redis = await startRedis();
  a = await startMiri({ dataDir: dir, redisUrl: redis.url, env });
  b = await startMiri({ dataDir: dir, redisUrl: redis.url, env });
});
after(async () => {
  await c?.stop();
  await b?.stop();
  await a?.stop();
  await redis?.stop();
  removeDir(dir);
});

const shotPath = (shot, action = "") =>
  `/api/projects/${PROJECT_ID}/shots/${shot}${action ? "/" + action : ""}`;

async function waitForStatus(base, shot, status) {
  await waitFor(`${shot} ${status}`, async () =>
    (await api(base, "GET", shotPath(shot))).json?.status === status, 20000);
}

async function generate(base, shot) {
  const r = await api(base, "POST", "/api/shots/generate", { projectId: PROJECT_ID, shotId: shot });
  assert.equal(r.status, 202, r.text);
  const versions = await api(base, "GET", shotPath(shot, "versions"));
  return versions.json.versions.find((v) => v.versionId === r.json.versionId);
}

test("a rule learned on A is applied by B and by a new instance C", async () => {
  let r = await api(a.url, "POST", "/api/projects", projectBody());
  assert.equal(r.status, 201, r.text);
  const shots = [
    ["sh1", "Miri at a rainy window"],
    ["sh2", "Miri in her raincoat at the bus stop"],
    ["sh3", "Miri walks home in her raincoat"],
  ].map(([shotId, description], i) => ({
    shotId, sceneId: "sc1", timestamps: { startMs: i * 4000, endMs: (i + 1) * 4000 },
    lyricsSnippet: "", description,
  }));
  r = await api(a.url, "PUT", `/api/projects/${PROJECT_ID}/plan`, {
    scenes: [{ sceneId: "sc1", startMs: 0, endMs: 12000, label: "verse" }], shots });
  assert.equal(r.status, 201, r.text);
  // B has read the project's rules (none) before A learns one.
  r = await api(b.url, "GET", `/api/projects/${PROJECT_ID}/rules`);
  assert.deepEqual(r.json.rules, []);

  // A: an image, rejected with a reason; A learns a rule and redraws.
  await generate(a.url, "sh1");
  await waitForStatus(a.url, "sh1", "AWAITING_APPROVAL");
  r = await api(a.url, "POST", shotPath("sh1", "reject"), { reason: "her raincoat should be yellow" });
  assert.equal(r.status, 200, r.text);
  r = await api(a.url, "GET", `/api/projects/${PROJECT_ID}/rules`);
  assert.equal(r.json.rules.length, 1);
  const rule = r.json.rules[0];

  // B hears of it (RULE_UPDATED through redis; its cached list of none is
  // dropped), then applies it.
  await waitFor("B sees the rule", async () =>
    (await api(b.url, "GET", `/api/projects/${PROJECT_ID}/rules`)).json?.rules?.length === 1, 5000);
  const onB = await generate(b.url, "sh2");
  assert.deepEqual(onB.appliedRuleIds, [rule.ruleId]);
  assert.ok(onB.prompt.includes(rule.text), onB.prompt);

  // C starts after the rule was learned: it indexes the store's rules at
  // start-up and applies it too.
  c = await startMiri({ dataDir: dir, redisUrl: redis.url, env });
  const onC = await generate(c.url, "sh3");
  assert.deepEqual(onC.appliedRuleIds, [rule.ruleId]);

  // Three versions carried it (sh1's redraft, sh2, sh3): every instance
  // says so.
  for (const instance of [a, b, c]) {
    r = await api(instance.url, "GET", `/api/projects/${PROJECT_ID}/rules`);
    assert.equal(r.json.rules[0].stats.applied, 3);
  }
  // A rule id that does not exist: 404 naming ruleId, nothing written.
  r = await api(b.url, "POST", `/api/projects/${PROJECT_ID}/rules/r-missing/deactivate`);
  assert.equal(r.status, 404);
  assert.equal(r.json.error.issues[0].path, "ruleId");
  for (const shot of ["sh1", "sh2", "sh3"]) await waitForStatus(a.url, shot, "AWAITING_APPROVAL");
});
