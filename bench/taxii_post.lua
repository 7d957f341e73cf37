-- wrk script: POST envelopes of $TESSERA_BENCH_PER_ENVELOPE (default 1000) distinct TLP:CLEAR
-- indicators, authenticated with $TESSERA_BENCH_AUTH. Each wrk thread pre-generates
-- $TESSERA_BENCH_BODIES envelopes (default 300) before the run starts, with ids that no other
-- thread or envelope uses, and sends them in turn; if it runs out it starts over (the server then
-- answers "already present", which adds nothing: the benchmark counts stored objects, not
-- requests).
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("thread_no", counter)
  table.insert(threads, thread)
end

local bodies = {}
local next_body = 1

function init(args)
  local per = tonumber(os.getenv("TESSERA_BENCH_PER_ENVELOPE") or "1000")
  local count = tonumber(os.getenv("TESSERA_BENCH_BODIES") or "300")
  local run = tonumber(os.getenv("TESSERA_BENCH_RUN") or "1")
  for b = 1, count do
    local parts = {}
    for i = 1, per do
      -- indicator--RRTTBBBB-0000-4000-8000-IIIIIIIIIIII: run, thread, body, index
      local id = string.format("indicator--%02x%02x%04x-0000-4000-8000-%012x", run % 256,
                               thread_no, b, i)
      parts[i] = string.format(
        '{"type":"indicator","spec_version":"2.1","id":"%s","created":"2024-01-01T00:00:00.000Z",' ..
        '"modified":"2024-01-01T00:00:00.000Z","name":"bench %d/%d/%d","pattern":' ..
        '"[ipv4-addr:value = \'10.%d.%d.%d\']","pattern_type":"stix","valid_from":' ..
        '"2024-01-01T00:00:00Z","object_marking_refs":' ..
        '["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"]}',
        id, thread_no, b, i, thread_no, b % 256, i % 256)
    end
    bodies[b] = '{"objects":[' .. table.concat(parts, ",") .. ']}'
  end
end

wrk.method = "POST"
wrk.headers["Accept"] = "application/taxii+json;version=2.1"
wrk.headers["Content-Type"] = "application/taxii+json;version=2.1"
local auth = os.getenv("TESSERA_BENCH_AUTH")
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, body)
end
