#!/usr/bin/env bash
# A TAXII 2.1 client nobody here wrote: curl, used as a generic HTTP client, following the request
# examples of the TAXII 2.1 standard (no TAXII 2.1 client library is packaged for Debian 12 or
# published on npm; the OASIS Python client is on PyPI only). It does what a user's client does:
# discover the server, read the API root, list collections, add objects and follow the status,
# page through the objects with `next`, read versions and the manifest, and delete, with HTTP
# Basic as `admin` and the token written by `tessera init --admin-token-file`.
#
#   tests/taxii_client_curl.sh path/to/tessera
set -euo pipefail

TESSERA=${1:?usage: taxii_client_curl.sh TESSERA_BINARY}
PY=/usr/bin/python3
. "$(dirname "$0")/serve_lib.sh"
make_work tessera-curl
# json FILE EXPR: evaluates a Python expression over the JSON document `d` in FILE.
json() { "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

init_hub "$TESSERA"
TOKEN=$(cat "$WORK/admin-token")
[ "$(stat -c %a "$WORK/admin-token")" = 600 ] || fail "the admin token file is not 0600"

start_serve "$TESSERA" --data "$WORK/data" --listen 127.0.0.1:0 --threads 2

ACCEPT="Accept: application/taxii+json;version=2.1"
CTYPE="Content-Type: application/taxii+json;version=2.1"
# req METHOD URL OUTFILE [curl args...]: prints the HTTP status; headers go to OUTFILE.headers.
req() {
  local method=$1 url=$2 out=$3
  shift 3
  curl -sS -u "admin:$TOKEN" -H "$ACCEPT" -X "$method" -D "$out.headers" -o "$out" \
    -w '%{http_code}' "$@" "$url"
}

# 1. Discovery (the standard's section 4.1), unauthenticated first: 401 with a challenge.
code=$(curl -sS -o /dev/null -D "$WORK/anon.headers" -w '%{http_code}' -H "$ACCEPT" "$BASE/taxii2/")
[ "$code" = 401 ] || fail "unauthenticated discovery answered $code"
grep -qi '^WWW-Authenticate: .*Basic' "$WORK/anon.headers" || fail "no Basic challenge"
code=$(req GET "$BASE/taxii2/" "$WORK/discovery")
[ "$code" = 200 ] || fail "discovery: $code $(cat "$WORK/discovery")"
grep -qi '^Content-Type: application/taxii+json;version=2.1' "$WORK/discovery.headers" ||
  fail "discovery content type"
ROOT=$(json "$WORK/discovery" "d.get('default') or d['api_roots'][0]")
case "$ROOT" in http://*/) ;; *) fail "API root URL is not absolute: $ROOT" ;; esac

# 2. The API root (4.2).
code=$(req GET "$ROOT" "$WORK/root")
[ "$code" = 200 ] || fail "api root: $code"
json "$WORK/root" "'application/taxii+json;version=2.1' in d['versions'] and d['max_content_length'] > 0" |
  grep -q True || fail "api root lacks versions/max_content_length: $(cat "$WORK/root")"

# 3. Collections (5.1), then the one we may write to (5.2).
code=$(req GET "${ROOT}collections/" "$WORK/collections")
[ "$code" = 200 ] || fail "collections: $code"
COLL=$(json "$WORK/collections" "[c['id'] for c in d['collections'] if c['can_write'] and c['can_read']][0]")
code=$(req GET "${ROOT}collections/$COLL/" "$WORK/collection")
[ "$code" = 200 ] || fail "collection: $code"
OBJ="${ROOT}collections/$COLL/objects/"

# 4. Add objects (5.5): five indicators, one of them in two versions; follow the status (4.3).
"$PY" - "$WORK/envelope.json" <<'PYEOF'
import json, sys
objs = []
for i in range(5):
    objs.append({"type": "indicator", "spec_version": "2.1",
                 "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd0%d" % i,
                 "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
                 "name": "curl %d" % i, "indicator_types": ["malicious-activity"],
                 "pattern": "[file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6%d']" % i,
                 "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z",
                 "object_marking_refs": ["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"]})
v2 = dict(objs[0], modified="2016-05-07T11:22:30.000Z", name="curl 0, second version")
objs.append(v2)
json.dump({"objects": objs}, open(sys.argv[1], "w"))
PYEOF
code=$(req POST "$OBJ" "$WORK/post" -H "$CTYPE" --data-binary "@$WORK/envelope.json")
[ "$code" = 202 ] || fail "add objects: $code $(cat "$WORK/post")"
STATUS_ID=$(json "$WORK/post" "d['id']")
code=$(req GET "${ROOT}status/$STATUS_ID/" "$WORK/status")
[ "$code" = 200 ] || fail "status: $code"
[ "$(json "$WORK/status" "d['status'], d['total_count'], d['success_count'], d.get('failure_count', 0)")" = \
  "complete 6 6 0" ] || fail "status: $(cat "$WORK/status")"

# 5. Page through the objects, two at a time, with `next` (5.3).
ids=""
url="${OBJ}?limit=2"
for page in $(seq 1 20); do
  code=$(req GET "$url" "$WORK/page")
  [ "$code" = 200 ] || fail "objects page $page: $code $(cat "$WORK/page")"
  grep -qi '^X-TAXII-Date-Added-First:' "$WORK/page.headers" || fail "no X-TAXII-Date-Added-First"
  ids="$ids $(json "$WORK/page" "' '.join(o['id'] for o in d.get('objects', []))")"
  [ "$(json "$WORK/page" "d.get('more', False)")" = True ] || break
  next=$(json "$WORK/page" "d['next']")
  url="${OBJ}?limit=2&next=$(printf %s "$next" | "$PY" -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.stdin.read(), safe=""))')"
done
count=$(echo $ids | wc -w)
[ "$count" = 5 ] || fail "paging gave $count objects, not 5: $ids"
[ "$(echo $ids | tr ' ' '\n' | sort -u | wc -l)" = 5 ] || fail "paging repeated an object"

# 6. One object, its versions (5.6, 5.8) and the manifest (5.4).
ID0=indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd00
code=$(req GET "$OBJ$ID0/" "$WORK/one")
[ "$code" = 200 ] || fail "get object: $code"
[ "$(json "$WORK/one" "d['objects'][0]['modified']")" = 2016-05-07T11:22:30.000Z ] ||
  fail "get object did not return the latest version: $(cat "$WORK/one")"
code=$(req GET "$OBJ$ID0/versions/" "$WORK/versions")
[ "$code" = 200 ] || fail "versions: $code"
[ "$(json "$WORK/versions" "len(d['versions'])")" = 2 ] || fail "versions: $(cat "$WORK/versions")"
code=$(req GET "${ROOT}collections/$COLL/manifest/?match%5Bversion%5D=all" "$WORK/manifest")
[ "$code" = 200 ] || fail "manifest: $code"
[ "$(json "$WORK/manifest" "len(d['objects'])")" = 6 ] || fail "manifest: $(cat "$WORK/manifest")"
json "$WORK/manifest" "all(o['media_type'].startswith('application/stix+json') and o['date_added'] for o in d['objects'])" |
  grep -q True || fail "manifest entries lack media_type/date_added"

# 7. Delete (5.7): the first version, then the whole object; Bearer works as well as Basic.
code=$(req DELETE "$OBJ$ID0/?match%5Bversion%5D=first" "$WORK/del1")
[ "$code" = 200 ] || fail "delete first version: $code $(cat "$WORK/del1")"
code=$(req GET "$OBJ$ID0/versions/" "$WORK/versions2")
[ "$(json "$WORK/versions2" "d['versions']")" = "['2016-05-07T11:22:30.000Z']" ] ||
  fail "after deleting the first version: $(cat "$WORK/versions2")"
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "$ACCEPT" -H "Authorization: Bearer $TOKEN" \
  -X DELETE "$OBJ$ID0/")
[ "$code" = 200 ] || fail "delete object: $code"
code=$(req GET "$OBJ$ID0/" "$WORK/gone")
[ "$code" = 404 ] || fail "a deleted object answered $code"

# 8. SIGTERM: a graceful stop with exit 0.
kill -TERM "$SERVER_PID"
rc=0
wait "$SERVER_PID" || rc=$?
SERVER_PID=""
[ "$rc" = 0 ] || fail "serve exited $rc after SIGTERM"
echo "taxii client (curl): discovery, api root, collections, add + status, paging, versions, manifest, delete: ok"
