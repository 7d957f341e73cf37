#!/usr/bin/env bash
# What one uncached TAXII GET of a page of 100 objects costs the server, before and after a change
# (docs/benchmarks.md). Requests per second on this project's shared 2-core VMs vary by up to 30%
# from run to run, more than the changes worth measuring; two steadier measures, same run:
#   1. instructions per request, counted by valgrind (callgrind) over a fixed number of requests:
#      the count over N+100 requests less the count over 100 (start-up and the first reads
#      cancel out), divided by N. Deterministic to within a fraction of a percent; the kernel's
#      share (socket calls) is not counted.
#   2. server CPU time per request (user + system, from /proc/PID/stat) around a wrk run, with the
#      server on one CPU and wrk on the other, B and A alternated for --rounds rounds.
# Each build gets its own store: `init`, then 1,000 indicators POSTed (bench/taxii_post.lua), then
# GETs of the first page (limit=100) as the admin with --page-cache-mb 0, each checked to hold 100
# objects.
#
#   bench/taxii_get_cost.sh --before BIN --after BIN [--requests 1000] [--rounds 3]
# Needs: valgrind, wrk, curl, python3 (scripts/deps installs them). Exit 1 on a wrong result.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BEFORE="" AFTER="" REQUESTS=1000 ROUNDS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --before) BEFORE=$2; shift 2 ;;
    --after) AFTER=$2; shift 2 ;;
    --requests) REQUESTS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$BEFORE" ] && [ -x "$AFTER" ] || { echo "--before and --after name two tessera binaries" >&2; exit 2; }
. "$HERE/bench_lib.sh"
bench_require valgrind callgrind_annotate wrk curl taskset /usr/bin/python3

bench_begin get-cost

# serve NAME [prefix command...]: serves NAME's store, uncached, with that build (bench_lib.sh's
# start_server); sets SERVER_PID and BASE.
serve() {
  local name=$1; shift
  TESSERA=$BEFORE; [ "$name" = A ] && TESSERA=$AFTER
  SERVE_DATA="$WORK/$name/data" SERVE_WRAPPER=("$@")
  start_server --page-cache-mb 0
}

auth() { bench_basic_auth admin "$(cat "$WORK/$1/token")"; }

# get NAME N: N GETs of the first page on one connection, each checked.
get() {
  TESSERA_BENCH_AUTH="$(auth "$1")" /usr/bin/python3 - "$BASE" "$2" <<'PY'
import http.client, json, os, sys, urllib.parse
base, n = sys.argv[1], int(sys.argv[2])
u = urllib.parse.urlparse(base)
c = http.client.HTTPConnection(u.hostname, u.port)
h = {"Authorization": os.environ["TESSERA_BENCH_AUTH"], "Accept": "application/taxii+json;version=2.1"}
c.request("GET", "/api/collections/", headers=h)
coll = json.loads(c.getresponse().read())["collections"][0]["id"]
for i in range(n):
    c.request("GET", f"/api/collections/{coll}/objects/?limit=100", headers=h)
    r = c.getresponse()
    body = r.read()
    if r.status != 200 or len(json.loads(body)["objects"]) != 100:
        sys.exit(f"request {i}: status {r.status}, not a page of 100 objects")
PY
}

for name in B A; do
  bin=$BEFORE; [ "$name" = A ] && bin=$AFTER
  mkdir -p "$WORK/$name"
  "$bin" init --data "$WORK/$name/data" --admin-token-file "$WORK/$name/token" >/dev/null
  serve "$name"
  coll=$(curl -sf -H "Authorization: $(auth "$name")" -H 'Accept: application/taxii+json;version=2.1' \
    "$BASE/api/collections/" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["collections"][0]["id"])')
  TESSERA_BENCH_AUTH="$(auth "$name")" TESSERA_BENCH_BODIES=1 TESSERA_BENCH_RUN=0 \
    wrk -t1 -c1 -d1s -s "$HERE/taxii_post.lua" "$BASE/api/collections/$coll/objects/" >/dev/null
  get "$name" 1
  stop_server
done

echo "== instructions per request ($REQUESTS requests, callgrind)"
for name in B A; do
  counts=()
  for n in 100 $((REQUESTS + 100)); do
    out="$WORK/$name/callgrind.$n"
    serve "$name" valgrind --tool=callgrind --callgrind-out-file="$out"
    get "$name" "$n"
    stop_server
    counts+=("$(callgrind_annotate "$out" 2>/dev/null | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)")
  done
  echo "$name: $(( (counts[1] - counts[0]) / REQUESTS )) instructions per request"
done

echo "== server CPU per request (server on CPU 1, wrk -t1 -c16 on CPU 0, 5 s each)"
for round in $(seq 1 "$ROUNDS"); do
  for name in B A; do
    serve "$name" taskset -c 1
    coll=$(curl -sf -H "Authorization: $(auth "$name")" -H 'Accept: application/taxii+json;version=2.1' \
      "$BASE/api/collections/" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["collections"][0]["id"])')
    get "$name" 10
    read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$SERVER_PID/stat")
    TESSERA_BENCH_AUTH="$(auth "$name")" taskset -c 0 wrk -t1 -c16 -d5s -s "$HERE/taxii_get.lua" \
      "$BASE/api/collections/$coll/objects/?limit=100" >"$WORK/$name/wrk.txt"
    read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$SERVER_PID/stat")
    stop_server
    requests=$(awk '/requests in/ {print $1}' "$WORK/$name/wrk.txt")
    if grep -q "Non-2xx" "$WORK/$name/wrk.txt"; then echo "$name: non-2xx answers" >&2; exit 1; fi
    tick=$(getconf CLK_TCK)
    user=$(( (u1 - u0) * 1000000 / tick / requests )) system=$(( (s1 - s0) * 1000000 / tick / requests ))
    echo "$name round $round: $requests requests, $((user + system)) us CPU per request ($user user, $system system)"
  done
done
