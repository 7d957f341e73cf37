# Sourced (not run) by the shell tests that start a real hub: tests/install_layout.sh and
# tests/taxii_client_curl.sh. One way to make the work directory, initialise a hub, start
# `tessera serve` on a free loopback port and stop it, and fail with the server's output.
#
#   . "$(dirname "$0")/serve_lib.sh"
#   make_work tessera-curl                       # WORK=/tmp/tessera-curl-XXXXXX, removed at exit
#   init_hub "$TESSERA"                          # $WORK/data, admin token in $WORK/admin-token
#   start_serve "$TESSERA" --data "$WORK/data" --listen 127.0.0.1:0 --threads 2   # sets BASE

# make_work PREFIX: a new directory WORK=/tmp/PREFIX-XXXXXX; at exit the server started by
# start_serve is killed and WORK removed.
make_work() {
  WORK=$(mktemp -d "/tmp/$1-XXXXXX")
  SERVER_PID=""
  trap stop_work EXIT
}
stop_work() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -9 "$SERVER_PID" || true; fi
  rm -rf "$WORK"
}

# fail MESSAGE: says it, then the server's output (if it was started), on standard error; exits 1.
fail() {
  echo "FAIL: $*" >&2
  if [ -f "$WORK/serve.log" ]; then
    echo "--- server output:" >&2
    cat "$WORK/serve.log" >&2 || true
  fi
  exit 1
}

# init_hub TESSERA: `tessera init` of a hub in $WORK/data, its admin token written to
# $WORK/admin-token; fails with init's output.
init_hub() {
  "$1" init --data "$WORK/data" --admin-token-file "$WORK/admin-token" >"$WORK/init.log" 2>&1 ||
    { cat "$WORK/init.log"; fail "tessera init"; }
}

# start_serve TESSERA ARGS...: `TESSERA serve ARGS` in the background, its output in
# $WORK/serve.log; waits (30 s at most) for its "listening on" line and sets SERVER_PID and BASE
# (http://127.0.0.1:PORT). Fails when it exits first or never listens.
start_serve() {
  local tessera=$1
  shift
  "$tessera" serve "$@" >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    grep -q "listening on " "$WORK/serve.log" && break
    kill -0 "$SERVER_PID" 2>/dev/null || fail "serve exited"
    sleep 0.1
  done
  BASE=$(grep -o "listening on http://[0-9.:]*" "$WORK/serve.log" | head -1 | sed 's/listening on //')
  [ -n "$BASE" ] || fail "no 'listening on' line"
}
