#!/usr/bin/env bash
# The installed layout, as an operator gets it: `cmake --install BUILD --prefix P` puts the binary in
# P/bin and the web interface in P/share/tessera/web, and `P/bin/tessera serve`, with no --web-dir,
# serves the interface at / and the APIs beside it (docs/operations.md, "Install").
#
#   tests/install_layout.sh BUILD_DIR
set -euo pipefail

BUILD=${1:?usage: install_layout.sh BUILD_DIR}
WORK=$(mktemp -d /tmp/tessera-install-XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -9 "$SERVER_PID" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  cat "$WORK/serve.log" >&2 2>/dev/null || true
  exit 1
}

cmake --install "$BUILD" --prefix "$WORK/prefix" >"$WORK/install.log" 2>&1 ||
  { cat "$WORK/install.log"; fail "cmake --install"; }
[ -x "$WORK/prefix/bin/tessera" ] || fail "no bin/tessera"
[ -f "$WORK/prefix/share/tessera/web/index.html" ] || fail "no share/tessera/web/index.html"

# Run from elsewhere, so nothing is found through the build tree.
cd "$WORK"
"$WORK/prefix/bin/tessera" init --data "$WORK/data" --admin-token-file "$WORK/admin-token" \
  >"$WORK/init.log" 2>&1 || { cat "$WORK/init.log"; fail "tessera init"; }
"$WORK/prefix/bin/tessera" serve --data "$WORK/data" --listen 127.0.0.1:0 --threads 1 \
  >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do
  grep -q "listening on " "$WORK/serve.log" && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "serve exited"
  sleep 0.1
done
BASE=$(grep -o "listening on http://[0-9.:]*" "$WORK/serve.log" | head -1 | sed 's/listening on //')
[ -n "$BASE" ] || fail "no 'listening on' line"

code=$(curl -sS -o "$WORK/index.html" -w '%{http_code}' "$BASE/")
[ "$code" = 200 ] || fail "GET / answered $code"
cmp -s "$WORK/index.html" "$WORK/prefix/share/tessera/web/index.html" ||
  fail "GET / is not the installed index.html"
code=$(curl -sS -o /dev/null -w '%{http_code}' "$BASE/healthz")
[ "$code" = 200 ] || fail "GET /healthz answered $code"
code=$(curl -sS -o /dev/null -w '%{http_code}' -u "admin:$(cat "$WORK/admin-token")" \
  -H 'Accept: application/taxii+json;version=2.1' "$BASE/taxii2/")
[ "$code" = 200 ] || fail "TAXII discovery answered $code"
echo "installed layout serves the web interface and the APIs"
