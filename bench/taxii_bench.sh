#!/usr/bin/env bash
# TAXII benchmarks with wrk on loopback (docs/benchmarks.md, "TAXII"):
#   1. authenticated GET of a page of 100 objects (wrk, Authorization set by bench/taxii_get.lua);
#   2. nginx serving the same response bytes as a static file, in the same run (the reference);
#   2b. the same GET as an analyst of another organization (its visibility is checked row by
#      row, where the admin's is not), and both again with the page cache off
#      (serve --page-cache-mb 0): every request reads the page from the store and writes it out
#      again, as a first request for a page does;
#   3. POST of envelopes of 1,000 indicators (bench/taxii_post.lua, bodies generated before the
#      run), counted as objects durably added per second: the store's row count after the run
#      (sqlite3 on the data file, after the server has stopped), not the requests answered.
# Each part checks its result: every response 2xx, the TAXII page the file nginx serves (but for
# its `next` token, sealed for the reader who asked), the stored count equal to what the
# acknowledged envelopes carried.
#
#   bench/taxii_bench.sh [--tessera BIN] [--duration 10s] [--threads 2] [--get-connections 32]
#                        [--post-connections 4]
# Needs: wrk, nginx, curl, sqlite3, python3 (scripts/deps installs them). Exit 1 on a wrong result.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TESSERA="$HERE/../build/release/src/cli/tessera"
DURATION=10s
THREADS=2
GET_CONNECTIONS=32
POST_CONNECTIONS=4
while [ $# -gt 0 ]; do
  case "$1" in
    --tessera) TESSERA=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --get-connections) GET_CONNECTIONS=$2; shift 2 ;;
    --post-connections) POST_CONNECTIONS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
. "$HERE/bench_lib.sh"
bench_require wrk curl sqlite3 /usr/bin/python3
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "missing nginx (run scripts/deps)" >&2; exit 2; }
bench_require_binaries

bench_begin taxii-bench
NGINX_PID=""
trap '[ -n "$NGINX_PID" ] && kill -QUIT "$NGINX_PID" 2>/dev/null; bench_cleanup' EXIT
echo "# tessera: $TESSERA; wrk -t$THREADS, $DURATION per run"

"$TESSERA" init --data "$WORK/data" --admin-token-file "$WORK/admin-token" >/dev/null
AUTH=$(bench_basic_auth admin "$(cat "$WORK/admin-token")")
export TESSERA_BENCH_AUTH="$AUTH"
"$TESSERA" org add "Bench ISAC" --data "$WORK/data" >/dev/null
"$TESSERA" user add analyst --org "Bench ISAC" --role analyst --data "$WORK/data" >/dev/null
ANALYST_AUTH=$(bench_basic_auth analyst "$("$TESSERA" token create analyst --data "$WORK/data" | tail -1)")


start_server
COLL=$(curl -sf -H "Authorization: $AUTH" -H 'Accept: application/taxii+json;version=2.1' \
  "$BASE/api/collections/" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["collections"][0]["id"])')
OBJECTS="$BASE/api/collections/$COLL/objects/"

# Seed 1,000 indicators so a page of 100 is full, then fetch the page once: the bytes nginx serves.
TESSERA_BENCH_BODIES=1 TESSERA_BENCH_RUN=0 wrk -t1 -c1 -d1s -s "$HERE/taxii_post.lua" "$OBJECTS" >/dev/null
PAGE_URL="${OBJECTS}?limit=100"
mkdir -p "$WORK/www"
curl -sf -H "Authorization: $AUTH" -H 'Accept: application/taxii+json;version=2.1' "$PAGE_URL" \
  -o "$WORK/www/page.json"
PAGE_OBJECTS=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["objects"]))' "$WORK/www/page.json")
[ "$PAGE_OBJECTS" = 100 ] || { echo "the page holds $PAGE_OBJECTS objects, not 100" >&2; exit 1; }
PAGE_BYTES=$(stat -c %s "$WORK/www/page.json")

# nginx: unprivileged-style, its own prefix and config in the temp dir, on a loopback port.
NGINX_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"
cat >"$WORK/nginx/nginx.conf" <<NGINX
worker_processes $THREADS;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    location / { default_type "application/taxii+json;version=2.1"; }
  }
}
NGINX
if [ "$(id -u)" = 0 ]; then
  sed -i "1i user nobody nogroup;" "$WORK/nginx/nginx.conf"
  chmod 755 "$WORK" "$WORK/www" && chmod 644 "$WORK/www/page.json"
fi
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/logs/error.log" &
NGINX_PID=$!
for _ in $(seq 1 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/page.json" && break
  sleep 0.05
done
curl -sf "http://127.0.0.1:$NGINX_PORT/page.json" | cmp -s - "$WORK/www/page.json" ||
  { echo "nginx does not serve the page" >&2; cat "$WORK/nginx/logs/error.log" >&2; exit 1; }

# 1 + 2: the TAXII page and the static file, back to back.
# taxii_get NAME AUTHORIZATION: one wrk run of the page as that user, after one request that lets
# the process verify the token (Argon2id, once); the page must be the same bytes as nginx serves.
taxii_get() {
  curl -sf -o /dev/null -H "Authorization: $2" -H 'Accept: application/taxii+json;version=2.1' "$PAGE_URL"
  TESSERA_BENCH_AUTH="$2" wrk -t"$THREADS" -c"$GET_CONNECTIONS" -d"$DURATION" --latency \
    -s "$HERE/taxii_get.lua" "$PAGE_URL" >"$WORK/get-$1.txt"
  # The same page as the one nginx serves, but for the `next` token, which differs by reader (it
  # is sealed for the reader who asked).
  curl -sf -H "Authorization: $2" -H 'Accept: application/taxii+json;version=2.1' "$PAGE_URL" |
    /usr/bin/python3 -c 'import json,sys
a = json.load(sys.stdin); b = json.load(open(sys.argv[1]))
a.pop("next", None); b.pop("next", None)
sys.exit(0 if json.dumps(a) == json.dumps(b) else 1)' "$WORK/www/page.json" ||
    { echo "$1: the TAXII page is not the expected objects" >&2; exit 1; }
  local rps p50 p99 bad
  read -r rps p50 p99 bad <<<"$(wrk_summary "$WORK/get-$1.txt")"
  [ "$bad" = 0 ] || { echo "TAXII GET ($1): $bad non-2xx answers" >&2; cat "$WORK/get-$1.txt" >&2; exit 1; }
  echo "  tessera, $1: $rps requests/s, p50 $p50, p99 $p99"
  LAST_RPS=$rps
}

echo "GET page of 100 ($PAGE_BYTES bytes), $GET_CONNECTIONS connections:"
taxii_get admin "$AUTH"
GET_RPS=$LAST_RPS
wrk -t"$THREADS" -c"$GET_CONNECTIONS" -d"$DURATION" --latency -s "$HERE/taxii_get.lua" \
  "http://127.0.0.1:$NGINX_PORT/page.json" >"$WORK/nginx.txt"
read -r NGX_RPS NGX_P50 NGX_P99 NGX_BAD <<<"$(wrk_summary "$WORK/nginx.txt")"
[ "$NGX_BAD" = 0 ] || { echo "nginx: $NGX_BAD non-2xx answers" >&2; exit 1; }
echo "  nginx (same bytes, static file): $NGX_RPS requests/s, p50 $NGX_P50, p99 $NGX_P99"
/usr/bin/python3 -c "import sys; t,n=float(sys.argv[1]),float(sys.argv[2]); print('  tessera (admin) / nginx = %.2f' % (t/n))" "$GET_RPS" "$NGX_RPS"
taxii_get analyst "$ANALYST_AUTH"

# 2b: the same pages without the page cache, on a server started afresh.
stop_server
start_server --page-cache-mb 0
OBJECTS="$BASE/api/collections/$COLL/objects/"
PAGE_URL="${OBJECTS}?limit=100"
taxii_get "admin, page cache off" "$AUTH"
taxii_get "analyst, page cache off" "$ANALYST_AUTH"

# 3: POST envelopes of 1,000 indicators; stored objects counted after a clean stop.
BEFORE=$(stored_count)
SECONDS_RUN=$(echo "$DURATION" | sed 's/s$//')
# Enough distinct envelopes per wrk thread for the run (about 85 are acknowledged per second in
# all here), so that no acknowledged object is a repeat.
TESSERA_BENCH_BODIES=${TESSERA_BENCH_BODIES:-$((SECONDS_RUN * 100))} \
TESSERA_BENCH_RUN=1 wrk -t"$THREADS" -c"$POST_CONNECTIONS" -d"$DURATION" --latency --timeout 30s \
  -s "$HERE/taxii_post.lua" "$OBJECTS" >"$WORK/post.txt"
stop_server
AFTER=$(stored_count)
read -r POST_RPS POST_P50 POST_P99 POST_BAD <<<"$(wrk_summary "$WORK/post.txt")"
POST_REQS=$(awk '/requests in/ {print $1}' "$WORK/post.txt")
[ "$POST_BAD" = 0 ] || { echo "POST: $POST_BAD non-2xx answers" >&2; cat "$WORK/post.txt" >&2; exit 1; }
ADDED=$((AFTER - BEFORE))
echo "POST envelopes of 1,000 indicators, $POST_CONNECTIONS connections:"
echo "  $POST_REQS envelopes acknowledged ($POST_RPS/s, p50 $POST_P50, p99 $POST_P99); $ADDED objects stored"
# Counted: the stored objects, but no more than the acknowledged envelopes carried (an envelope
# sent in the last moment may commit after wrk stopped counting).
COUNTED=$((ADDED < POST_REQS * 1000 ? ADDED : POST_REQS * 1000))
/usr/bin/python3 -c "import sys; print('  %.0f objects durably added per second' % (float(sys.argv[1])/float(sys.argv[2])))" "$COUNTED" "$SECONDS_RUN"
# Every acknowledged envelope's objects are stored (the bodies do not repeat within one run
# unless a thread used up its pre-generated envelopes; then fewer are new, never more).
# (Up to one envelope per connection may be committed after wrk stopped counting.)
[ "$ADDED" -le "$(((POST_REQS + POST_CONNECTIONS) * 1000))" ] || { echo "more objects stored than sent" >&2; exit 1; }
if [ "$ADDED" -lt "$((POST_REQS * 1000))" ]; then
  echo "  note: $((POST_REQS * 1000 - ADDED)) acknowledged objects were repeats (raise TESSERA_BENCH_BODIES)"
fi
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
