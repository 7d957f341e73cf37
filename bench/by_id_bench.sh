#!/usr/bin/env bash
# Look-ups by id over HTTP on a store of N objects (issue 16; docs/benchmarks.md, "By id"):
# GET .../objects/{id}/, .../objects/{id}/versions/, .../objects/?match[id]={id},
# .../manifest/?match[id]={id} and .../objects/?match[id]= with 100 ids, each for ids the store
# holds and for ids it does not, with the page cache off (serve --page-cache-mb 0), so that every
# request reads the store. The store is made with the project's generator (gen_stix) and
# `tessera import`. Requests go one at a time on one keep-alive connection; each latency is the
# client's, from sending the request to the last byte of the answer; p50 and p99 per kind.
# Every answer is checked: 200 with exactly the objects asked for that the store holds (their ids,
# and every version for /versions/), 404 for an object or its versions the store does not hold.
#
#   bench/by_id_bench.sh [--tessera BIN] [--gen BIN] [--count 1000000] [--requests 2000]
# Needs: curl, python3. Exit 1 on a wrong answer, 2 on a setup failure.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TESSERA="$HERE/../build/release/src/cli/tessera"
GEN="$HERE/../build/release/bench/gen_stix"
COUNT=1000000
REQUESTS=2000
while [ $# -gt 0 ]; do
  case "$1" in
    --tessera) TESSERA=$2; shift 2 ;;
    --gen) GEN=$2; shift 2 ;;
    --count) COUNT=$2; shift 2 ;;
    --requests) REQUESTS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in curl /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (run scripts/deps)" >&2; exit 2; }
done
[ -x "$TESSERA" ] || { echo "no tessera binary at $TESSERA (cmake --preset release && cmake --build --preset release --target tessera gen_stix)" >&2; exit 2; }
[ -x "$GEN" ] || { echo "no gen_stix at $GEN" >&2; exit 2; }

WORK=$(mktemp -d /tmp/tessera-by-id-bench-XXXXXX)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs: $(lscpu | sed -n 's/^Model name: *//p'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# tessera: $TESSERA; $COUNT objects; $REQUESTS requests per kind"

"$GEN" --count "$COUNT" --format ndjson -o "$WORK/generated.ndjson"
# gen_stix repeats some observables' deterministic ids with other properties (about 1 in 8,000
# objects), which an import refuses as a conflict: the first of each id is kept.
/usr/bin/python3 - "$WORK/generated.ndjson" "$WORK/objects.ndjson" <<'PY'
import json, sys
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
start=$(date +%s.%N)
"$TESSERA" import "$WORK/objects.ndjson" --data "$WORK/data" | tail -1
echo "# import: $(/usr/bin/python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s"

"$TESSERA" serve --data "$WORK/data" --listen 127.0.0.1:0 --threads 2 --no-access-log \
  --page-cache-mb 0 >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  grep -q "listening on " "$WORK/serve.log" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 2; }
  sleep 0.1
done
BASE=$(grep -o "listening on http://[0-9.:]*" "$WORK/serve.log" | head -1 | sed 's/listening on //')
[ -n "$BASE" ] || { cat "$WORK/serve.log" >&2; exit 2; }

TESSERA_BENCH_AUTH="Basic $(printf 'admin:%s' "$(cat "$WORK/admin-token")" | base64 -w0)" \
  /usr/bin/python3 - "$BASE" "$WORK/objects.ndjson" "$REQUESTS" <<'PY'
import http.client, json, os, random, sys, time, urllib.parse, uuid

base, path, requests = sys.argv[1], sys.argv[2], int(sys.argv[3])
u = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(u.hostname, u.port)
headers = {"Authorization": os.environ["TESSERA_BENCH_AUTH"],
           "Accept": "application/taxii+json;version=2.1"}

def get(target):
    t0 = time.perf_counter()
    conn.request("GET", target, headers=headers)
    r = conn.getresponse()
    body = r.read()
    return time.perf_counter() - t0, r.status, body

_, status, body = get("/api/collections/")
coll = json.loads(body)["collections"][0]["id"]
prefix = f"/api/collections/{coll}/"

# What the store holds: every version of every id (the generator writes each id-and-version once).
versions = {}
with open(path) as f:
    for o in map(json.loads, f):
        versions.setdefault(o["id"], set()).add(o.get("modified", o.get("created", "")))
held = [i for i, v in versions.items() if "" not in v]  # versioned objects (SDOs, SROs)
rng = random.Random(16)

def absent_id():
    return "indicator--" + str(uuid.UUID(int=rng.getrandbits(128), version=4))

wrong = 0
def check(kind, ok, detail):
    global wrong
    if not ok:
        wrong += 1
        if wrong <= 5:
            print(f"wrong answer ({kind}): {detail}", file=sys.stderr)

def ids_of(body, key="objects"):
    return [o["id"] for o in json.loads(body).get(key, [])]

results = {}
def measure(kind, make):
    times = []
    for _ in range(requests):
        target, expect = make()
        t, status, body = get(prefix + target)
        times.append(t)
        expect(status, body)
    times.sort()
    results[kind] = (times[len(times) // 2] * 1e3, times[min(len(times) - 1, int(len(times) * 0.99))] * 1e3)

def one(i, found):
    def expect(status, body):
        if found:
            check("object", status == 200 and ids_of(body) == [i], f"{i}: {status}")
        else:
            check("object", status == 404, f"{i}: {status}")
    return f"objects/{i}/", expect

def versions_of(i, found):
    def expect(status, body):
        if found:
            got = json.loads(body).get("versions", []) if status == 200 else None
            check("versions", got is not None and len(got) == len(versions[i]), f"{i}: {status}")
        else:
            check("versions", status == 404, f"{i}: {status}")
    return f"objects/{i}/versions/", expect

def match(endpoint, ids):
    want = sorted(set(i for i in ids if i in versions))
    def expect(status, body):
        check(endpoint, status == 200 and sorted(ids_of(body)) == want, f"{ids[:2]}...: {status}")
    return f"{endpoint}/?match[id]={','.join(ids)}", expect

for found in (True, False):
    label = "held" if found else "absent"
    pick = (lambda: rng.choice(held)) if found else absent_id
    measure(f"GET objects/{{id}}/ ({label})", lambda: one(pick(), found))
    measure(f"GET objects/{{id}}/versions/ ({label})", lambda: versions_of(pick(), found))
    measure(f"GET objects/?match[id]= 1 id ({label})", lambda: match("objects", [pick()]))
    measure(f"GET manifest/?match[id]= 1 id ({label})", lambda: match("manifest", [pick()]))
measure("GET objects/?match[id]= 100 ids (50 held)",
        lambda: match("objects", rng.sample(held, 50) + [absent_id() for _ in range(50)]))

print(f"{'request':48} {'p50 ms':>8} {'p99 ms':>8}")
for kind, (p50, p99) in results.items():
    print(f"{kind:48} {p50:8.2f} {p99:8.2f}")
if wrong:
    print(f"{wrong} wrong answers", file=sys.stderr)
    sys.exit(1)
PY
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || { echo "serve exited non-zero" >&2; exit 1; }
SERVER_PID=""
