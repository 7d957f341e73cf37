-- wrk script: authenticated GET, of TAXII or of the admin API. The Authorization value comes from
-- $TESSERA_BENCH_AUTH ("Basic ..." or "Bearer ..."), so no secret is written into the script or
-- the command line.
-- Without $TESSERA_BENCH_TARGETS every request is the URL given to wrk. With it, the file it names
-- lists request targets, one a line, URL-encoded ("/api/v1/search?value=203.0.113.66"), sent in
-- turn to wrk's host; each thread starts at its own place in the list.
wrk.method = "GET"
wrk.headers["Accept"] = "application/taxii+json;version=2.1"
local auth = os.getenv("TESSERA_BENCH_AUTH")
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end

local targets_file = os.getenv("TESSERA_BENCH_TARGETS")
if targets_file and targets_file ~= "" then
  local counter = 0
  function setup(thread)
    counter = counter + 1
    thread:set("thread_no", counter)
  end

  local targets = {}
  local next_target = 1
  function init(args)
    for line in io.lines(targets_file) do
      if line ~= "" then
        targets[#targets + 1] = line
      end
    end
    if #targets == 0 then
      error("no request targets in " .. targets_file)
    end
    next_target = math.floor((thread_no - 1) * #targets * 0.618) % #targets + 1
  end

  function request()
    local target = targets[next_target]
    next_target = next_target % #targets + 1
    return wrk.format(nil, target)
  end
end
