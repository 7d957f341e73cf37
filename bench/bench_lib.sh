# Shared by the benchmark scripts that build or serve a store over HTTP (by_id_bench.sh,
# search_bench.sh, taxii_bench.sh, taxii_get_cost.sh): sourced, not run. The caller sets TESSERA
# (the tessera binary) and, for a generated store, GEN (gen_stix), or takes the defaults of
# bench_store_defaults; the functions set WORK, SERVER_PID and BASE. A setup failure exits 2, as
# the scripts document.

# bench_store_defaults: the release build's tessera and gen_stix, COUNT=1000000 objects,
# REQUESTS=2000 per kind of request: the options of a benchmark of a generated store.
bench_store_defaults() {
  local dir
  dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  TESSERA="$dir/../build/release/src/cli/tessera"
  GEN="$dir/../build/release/bench/gen_stix"
  COUNT=1000000
  REQUESTS=2000
}

# bench_store_option OPTION VALUE: sets what --tessera BIN, --gen BIN, --count N or --requests N
# gives; returns 1 for any other option.
bench_store_option() {
  case "$1" in
    --tessera) TESSERA=$2 ;;
    --gen) GEN=$2 ;;
    --count) COUNT=$2 ;;
    --requests) REQUESTS=$2 ;;
    *) return 1 ;;
  esac
}

# bench_require TOOL...: exits 2 naming the first tool that is not installed.
bench_require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing $tool (run scripts/deps)" >&2; exit 2; }
  done
}

# bench_require_binaries: exits 2 when TESSERA (or GEN, when set) is not built.
bench_require_binaries() {
  [ -x "$TESSERA" ] || { echo "no tessera binary at $TESSERA (cmake --preset release && cmake --build --preset release --target tessera gen_stix)" >&2; exit 2; }
  [ -z "${GEN:-}" ] || [ -x "$GEN" ] || { echo "no gen_stix at $GEN" >&2; exit 2; }
}

# bench_begin NAME: a fresh temporary WORK directory, removed (and the server killed) on exit;
# prints the line that says when and on what the figures were taken. A caller with more to clean
# up sets its own EXIT trap that calls bench_cleanup.
bench_begin() {
  WORK=$(mktemp -d "/tmp/tessera-$1-XXXXXX")
  SERVER_PID=""
  trap bench_cleanup EXIT
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs: $(lscpu | sed -n 's/^Model name: *//p'); load $(cut -d' ' -f1-3 /proc/loadavg)"
}
bench_cleanup() {
  [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}

# bench_generated_store COUNT: $WORK/objects.ndjson, COUNT objects from gen_stix, each id once;
# $WORK/data, a hub (tessera init, its admin token in $WORK/admin-token) holding them all
# (tessera import, as the hub's own organization). Prints the import's summary and wall time.
bench_generated_store() {
  "$GEN" --count "$1" --format ndjson -o "$WORK/generated.ndjson"
  # gen_stix repeats some observables' deterministic ids with other properties (about 1 in 8,000
  # objects), which an import refuses as a conflict: the first of each id is kept.
  /usr/bin/python3 - "$WORK/generated.ndjson" "$WORK/objects.ndjson" <<'PY'
import sys
seen = set()
with open(sys.argv[1]) as src, open(sys.argv[2], "w") as out:
    for line in src:
        i = line.find('"id":"')
        key = line[i + 6:line.index('"', i + 6)] if i >= 0 else line
        if key not in seen:
            seen.add(key)
            out.write(line)
PY
  rm "$WORK/generated.ndjson"
  "$TESSERA" init --data "$WORK/data" --admin-token-file "$WORK/admin-token" >/dev/null
  local start
  start=$(date +%s.%N)
  "$TESSERA" import "$WORK/objects.ndjson" --data "$WORK/data" | tail -1
  echo "# import: $(/usr/bin/python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s"
}

# bench_basic_auth USER TOKEN: the Authorization header value for that user's token.
bench_basic_auth() {
  echo "Basic $(printf '%s:%s' "$1" "$2" | base64 -w0)"
}

# start_server [ARGS...]: tessera serve on ${SERVE_DATA:-$WORK/data}, 127.0.0.1 on a free port,
# ${THREADS:-2} threads, no access log, and ARGS, run by the command in the array SERVE_WRAPPER
# when it is set (valgrind, taskset); waits until it listens (at most 60 s) and sets SERVER_PID
# and BASE (http://127.0.0.1:PORT).
start_server() {
  "${SERVE_WRAPPER[@]}" "$TESSERA" serve --data "${SERVE_DATA:-$WORK/data}" \
    --listen 127.0.0.1:0 --threads "${THREADS:-2}" --no-access-log "$@" >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    grep -q "listening on " "$WORK/serve.log" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 2; }
    sleep 0.1
  done
  BASE=$(grep -o "listening on http://[0-9.:]*" "$WORK/serve.log" | head -1 | sed 's/listening on //')
  [ -n "$BASE" ] || { cat "$WORK/serve.log" >&2; exit 2; }
}

# stop_server: SIGTERM, and exit 1 unless the server stops cleanly.
stop_server() {
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || { echo "serve exited non-zero" >&2; exit 1; }
  SERVER_PID=""
}

# stored_count: the object versions stored in $WORK/data (every copy counted), read with sqlite3.
stored_count() { sqlite3 "$WORK/data/tessera.db" "SELECT count(*) FROM objects"; }

# wrk_summary FILE: "requests/s p50 p99 non2xx" of a `wrk --latency` report.
wrk_summary() {
  local rps p50 p99 bad
  rps=$(sed -n 's/^Requests\/sec: *//p' "$1")
  p50=$(awk '$1 == "50%" {print $2}' "$1")
  p99=$(awk '$1 == "99%" {print $2}' "$1")
  bad=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$1")
  echo "$rps $p50 $p99 ${bad:-0}"
}
