-- wrk script for bench/api: replays pre-signed webhook deliveries, each
-- once, then stops. wrk (C, epoll) drives the load so the figures measure
-- the server, not a Node load generator on the same two cores.
-- File format, one delivery per line, tab-separated:
--   path, webhook-id, webhook-timestamp, webhook-signature, body
-- Usage: wrk -t1 -c32 -d300s -s webhooks.lua URL -- FILE THREADS
-- wrk runs for its whole -d unless sent SIGINT: bench.mjs sends it once
-- the client saw every delivery. The time is taken here, from the first
-- delivery sent to the last one answered (LuaJIT's FFI: plain Lua has no
-- wall clock finer than a second).
-- A delivery is ok when it answers 200 with "applied":true (the result
-- path moved the shot); a 200 that applied nothing (a stale or duplicate
-- delivery) is counted apart, as notApplied; any other status is failed.
-- done() prints one JSON line:
--   {"ok":..,"failed":..,"notApplied":..,"seconds":..,"socketErrors":..}

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } miri_timespec;
  int clock_gettime(int clock, miri_timespec* out);
]]
local function now()
  local t = ffi.new("miri_timespec")
  ffi.C.clock_gettime(1, t)  -- CLOCK_MONOTONIC
  return tonumber(t.tv_sec) + tonumber(t.tv_nsec) / 1e9
end

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
  thread:set("count", 0)
end

function init(args)
  local file = assert(io.open(args[1]), "no deliveries file")
  local n = 0
  deliveries = {}
  local total_threads = tonumber(args[2] or "1")
  for line in file:lines() do
    if n % total_threads == index then
      local path, id, ts, sig, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      table.insert(deliveries, wrk.format("POST", path, {
        ["Content-Type"] = "application/json",
        ["webhook-id"] = id,
        ["webhook-timestamp"] = ts,
        ["webhook-signature"] = sig,
      }, body))
    end
    n = n + 1
  end
  file:close()
  -- From 0: wrk calls request() once on thread 1 to check the script and
  -- sends nothing; that call gets a probe, so no delivery is skipped.
  next_delivery, ok, failed, not_applied = 0, 0, 0, 0
  started, finished = 0, 0
end

function request()
  local r = deliveries[next_delivery]
  if next_delivery == 1 then started = now() end
  next_delivery = next_delivery + 1
  -- Before the first and past the last delivery: a cheap probe, not
  -- counted (the last answer stops the thread).
  return r or wrk.format("GET", "/healthz")
end

function response(status, headers, body)
  -- A delivery's answer names "applied"; the probe's (/healthz) does not.
  if status == 200 and body:find('"applied":true', 1, true) then
    ok = ok + 1
  elseif status == 200 and body:find('"applied"', 1, true) then
    not_applied = not_applied + 1
  elseif status ~= 200 then
    failed = failed + 1
  end
  if ok + failed + not_applied == #deliveries and finished == 0 then
    finished = now()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local ok_all, failed_all, not_applied_all, first, last = 0, 0, 0, math.huge, 0
  for _, t in ipairs(threads) do
    ok_all = ok_all + t:get("ok")
    failed_all = failed_all + t:get("failed")
    not_applied_all = not_applied_all + t:get("not_applied")
    if t:get("started") > 0 then first = math.min(first, t:get("started")) end
    last = math.max(last, t:get("finished"))
  end
  io.write(string.format('{"ok":%d,"failed":%d,"notApplied":%d,"seconds":%.6f,"socketErrors":%d}\n',
                         ok_all, failed_all, not_applied_all, last > 0 and last - first or -1,
                         summary.errors.connect + summary.errors.read +
                         summary.errors.write + summary.errors.timeout))
end
