#!/usr/bin/env bash
# The installed layout, as an operator gets it: `cmake --install BUILD --prefix P` puts the binary in
# P/bin and the web interface in P/share/tessera/web, and `P/bin/tessera serve`, with no --web-dir,
# serves the interface at / and the APIs beside it (docs/operations.md, "Install").
#
#   tests/install_layout.sh BUILD_DIR
set -euo pipefail

BUILD=${1:?usage: install_layout.sh BUILD_DIR}
. "$(dirname "$0")/serve_lib.sh"
make_work tessera-install

cmake --install "$BUILD" --prefix "$WORK/prefix" >"$WORK/install.log" 2>&1 ||
  { cat "$WORK/install.log"; fail "cmake --install"; }
[ -x "$WORK/prefix/bin/tessera" ] || fail "no bin/tessera"
[ -f "$WORK/prefix/share/tessera/web/index.html" ] || fail "no share/tessera/web/index.html"

# Run from elsewhere, so nothing is found through the build tree.
cd "$WORK"
init_hub "$WORK/prefix/bin/tessera"
start_serve "$WORK/prefix/bin/tessera" --data "$WORK/data" --listen 127.0.0.1:0 --threads 1

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
