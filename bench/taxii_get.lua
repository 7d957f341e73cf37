-- wrk script: authenticated TAXII GET. The Authorization value comes from $TESSERA_BENCH_AUTH
-- ("Basic ..." or "Bearer ..."), so no secret is written into the script or the command line.
wrk.method = "GET"
wrk.headers["Accept"] = "application/taxii+json;version=2.1"
local auth = os.getenv("TESSERA_BENCH_AUTH")
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end
