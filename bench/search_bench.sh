#!/usr/bin/env bash
# Search by observable value over HTTP on a store of N objects (issue 16; docs/benchmarks.md,
# "Search by value"). The store is made with the project's generator (gen_stix) and
# `tessera import`; two member organizations are added, and the second one's user posts, over
# TAXII, TLP:RED indicators (no recipients: its own eyes only) of values nobody else holds and of
# some values the store holds. The hub serves it on 127.0.0.1 with the page cache off. Every
# search is made as an analyst of the first organization (a member, not the operator):
#   - GET /api/v1/search?value=V, one at a time on one keep-alive connection, p50/p99: values the
#     store holds (IPv4 addresses, domains, URLs, SHA-256 hashes, from the generated indicators
#     and observables), then values nobody holds alternated with values held only in the other
#     organization's RED indicators ("hidden vs unknown": the same time and the same answer);
#   - with --text-queries FILE, GET /api/v1/search?text=Q for each line of FILE ("query", or
#     "query<TAB>id,id" for ids the answer must name, or "query<TAB>ids<TAB>sort=relevance&limit=10"
#     for more parameters; no answer may name the other organization's RED indicators, named
#     "Lead known to one organization only: VALUE"), p50/p99 for each set of parameters; the
#     script stops (exit 2) when the hub does not answer the first query;
#   - POST /api/v1/search of --bulk values (held, unknown and RED-only together), the client's
#     wall time, best and worst of 5;
#   - searches/s with wrk (--threads, --connections, --duration), each wrk thread sending the
#     held values in turn (bench/taxii_get.lua with TESSERA_BENCH_TARGETS).
# Every timed answer is checked (bench/search_bench.py): a held value is found with exactly the
# hits and related objects the generated objects call for; an unknown or RED-only value gets the
# very bytes of the answer to any unknown value but for the value; the RED producer finds its own
# indicators; wrk must count no non-2xx answer and no socket error. Then the sizes: objects, the
# store file, and the search index as `tessera search reindex` reports it (run after the
# searches, so that they read the index the writes made; it must file as many keys as the writes
# did), per object.
#
#   bench/search_bench.sh [--tessera BIN] [--gen BIN] [--count 1000000] [--requests 2000]
#                         [--bulk 10000] [--duration 10s] [--threads 2] [--connections 32]
#                         [--text-queries FILE]
# Needs: wrk, sqlite3, python3. Exit 1 on a wrong answer, 2 on a setup failure.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/bench_lib.sh"
bench_store_defaults
BULK=10000
DURATION=10s
THREADS=2
CONNECTIONS=32
TEXT_QUERIES=""
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; }
  case "$1" in
    --bulk) BULK=$2 ;;
    --duration) DURATION=$2 ;;
    --threads) THREADS=$2 ;;
    --connections) CONNECTIONS=$2 ;;
    --text-queries) TEXT_QUERIES=$(realpath "$2") ;;
    *) bench_store_option "$@" || { echo "unknown option $1" >&2; exit 2; } ;;
  esac
  shift 2
done
bench_require wrk sqlite3 /usr/bin/python3
bench_require_binaries
[ -z "$TEXT_QUERIES" ] || [ -r "$TEXT_QUERIES" ] || { echo "cannot read $TEXT_QUERIES" >&2; exit 2; }

bench_begin search-bench
echo "# tessera: $TESSERA; $COUNT objects; $REQUESTS requests per kind; wrk -t$THREADS -c$CONNECTIONS, $DURATION"
bench_generated_store "$COUNT"
for org in "Bench Member" "Bench Other"; do
  "$TESSERA" org add "$org" --data "$WORK/data" >/dev/null
done
"$TESSERA" user add member --org "Bench Member" --role analyst --data "$WORK/data" >/dev/null
"$TESSERA" user add other --org "Bench Other" --role analyst --data "$WORK/data" >/dev/null
MEMBER_AUTH=$(bench_basic_auth member "$("$TESSERA" token create member --data "$WORK/data" | tail -1)")
OTHER_AUTH=$(bench_basic_auth other "$("$TESSERA" token create other --data "$WORK/data" | tail -1)")

start_server --page-cache-mb 0
TESSERA_BENCH_AUTH="$MEMBER_AUTH" TESSERA_BENCH_OTHER_AUTH="$OTHER_AUTH" PYTHONPATH="$HERE" \
  /usr/bin/python3 "$HERE/search_bench.py" --base "$BASE" --objects "$WORK/objects.ndjson" \
  --work "$WORK" --requests "$REQUESTS" --bulk "$BULK" ${TEXT_QUERIES:+--text-queries "$TEXT_QUERIES"}

# Searches/s: each wrk thread sends the held values in turn (search_bench.py checked each answer).
TESSERA_BENCH_AUTH="$MEMBER_AUTH" TESSERA_BENCH_TARGETS="$WORK/search-targets.txt" \
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$HERE/taxii_get.lua" "$BASE/" \
  >"$WORK/wrk.txt"
read -r RPS P50 P99 BAD <<<"$(wrk_summary "$WORK/wrk.txt")"
[ "$BAD" = 0 ] || { echo "wrk: $BAD non-2xx answers" >&2; cat "$WORK/wrk.txt" >&2; exit 1; }
! grep -q "Socket errors" "$WORK/wrk.txt" || { grep "Socket errors" "$WORK/wrk.txt" >&2; exit 1; }
echo "GET ?value=, held, $CONNECTIONS connections: $RPS searches/s, p50 $P50, p99 $P99"
stop_server

OBJECTS=$(stored_count)
STORE_BYTES=$(stat -c %s "$WORK/data/tessera.db")
KEYS_WRITTEN=$(sqlite3 "$WORK/data/tessera.db" "SELECT count(*) FROM search_keys")
INDEX=$("$TESSERA" search reindex --data "$WORK/data")
# "search index: K keys for R objects, M MiB"
INDEX_KEYS=$(sed -n 's/^search index: \([0-9]*\) keys .*/\1/p' <<<"$INDEX")
INDEX_MIB=$(sed -n 's/.*, \([0-9.]*\) MiB$/\1/p' <<<"$INDEX")
[ -n "$INDEX_KEYS" ] && [ -n "$INDEX_MIB" ] || { echo "tessera search reindex gave no size: $INDEX" >&2; exit 2; }
# The size reported is that of the index the searches read: reindexing files the same keys.
[ "$INDEX_KEYS" = "$KEYS_WRITTEN" ] ||
  { echo "tessera search reindex filed $INDEX_KEYS keys where the writes filed $KEYS_WRITTEN" >&2; exit 1; }
/usr/bin/python3 - "$OBJECTS" "$STORE_BYTES" "$INDEX" "$INDEX_MIB" <<'PY'
import sys
objects, store, index, mib = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
print(f"store: {objects} objects, database file {store / 2**20:.1f} MiB ({store / objects:.0f} bytes per object)")
print(f"{index} ({mib * 2**20 / objects:.0f} bytes per object)")
PY
