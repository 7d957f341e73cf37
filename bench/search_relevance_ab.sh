#!/usr/bin/env bash
# Full-text search by relevance, before and after (issue 16; docs/benchmarks.md, "Relevance in
# windows"): two tessera binaries serve the same store in turn (--page-cache-mb 0), rounds
# alternated (B, A, B, A), and as a member (an analyst of another organization than the
# importer's) each times GET /api/v1/search?text=Q&sort=relevance&limit=10 for common words of
# the generated store (`intrusion`: a third of it; `"payload url"`, `dropper sample`: about 8%)
# and two selective queries, --runs times each, one at a time on a keep-alive connection. Every
# answer must be 200, with 10 hits for the common words. The store is made once with gen_stix
# and B's `tessera import`.
#
#   bench/search_relevance_ab.sh --before BIN --after BIN [--gen BIN] [--count 1000000]
#                                [--runs 5] [--rounds 2]
# Needs: python3. Exit 1 on a wrong answer, 2 on a setup failure.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/bench_lib.sh"
bench_store_defaults
BEFORE=""
AFTER=""
RUNS=5
ROUNDS=2
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; }
  case "$1" in
    --before) BEFORE=$2 ;;
    --after) AFTER=$2 ;;
    --runs) RUNS=$2 ;;
    --rounds) ROUNDS=$2 ;;
    *) bench_store_option "$@" || { echo "unknown option $1" >&2; exit 2; } ;;
  esac
  shift 2
done
[ -x "$BEFORE" ] && [ -x "$AFTER" ] || { echo "--before and --after name tessera binaries" >&2; exit 2; }
bench_require /usr/bin/python3
TESSERA=$BEFORE
bench_require_binaries

bench_begin search-relevance-ab
bench_generated_store "$COUNT"
"$TESSERA" org add "Bench Member" --data "$WORK/data" >/dev/null
"$TESSERA" user add member --org "Bench Member" --role analyst --data "$WORK/data" >/dev/null
AUTH=$(bench_basic_auth member "$("$TESSERA" token create member --data "$WORK/data" | tail -1)")

for round in $(seq 1 "$ROUNDS"); do
  for label in before after; do
    TESSERA=$BEFORE
    [ "$label" = after ] && TESSERA=$AFTER
    start_server --page-cache-mb 0
    TESSERA_BENCH_AUTH="$AUTH" /usr/bin/python3 - "$BASE" "$RUNS" "$label, round $round" <<'PY'
import http.client, json, os, statistics, sys, time, urllib.parse
base, runs, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
conn = http.client.HTTPConnection(urllib.parse.urlparse(base).netloc)
for q in ["intrusion", '"payload url"', "dropper sample", "family1234", "family42 loader"]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        conn.request("GET", "/api/v1/search?text=" + urllib.parse.quote(q, safe="") +
                     "&sort=relevance&limit=10",
                     headers={"Authorization": os.environ["TESSERA_BENCH_AUTH"]})
        r = conn.getresponse()
        body = r.read()
        times.append((time.perf_counter() - start) * 1000)
        hits = json.loads(body).get("hits", []) if r.status == 200 else []
        # The common words find at least 10 in any generated store of 10,000 objects or more.
        common = q in ("intrusion", '"payload url"', "dropper sample")
        if r.status != 200 or len(hits) > 10 or (common and len(hits) != 10):
            print(f"{label}: {q!r}: {r.status}, {len(hits)} hits: {body[:300]!r}", file=sys.stderr)
            sys.exit(1)
    print(f"{label:18} {q:18} median {statistics.median(times):8.1f} ms "
          f"(min {min(times):.1f}, max {max(times):.1f}); {len(hits)} hits, the first "
          f"{hits[0]['name'] if hits else '-'!r}", flush=True)
PY
    stop_server
  done
done
