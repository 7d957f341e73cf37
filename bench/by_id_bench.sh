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
. "$HERE/bench_lib.sh"
bench_store_defaults
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; }
  bench_store_option "$@" || { echo "unknown option $1" >&2; exit 2; }
  shift 2
done
bench_require curl /usr/bin/python3
bench_require_binaries

bench_begin by-id-bench
echo "# tessera: $TESSERA; $COUNT objects; $REQUESTS requests per kind"
bench_generated_store "$COUNT"
start_server --page-cache-mb 0

TESSERA_BENCH_AUTH=$(bench_basic_auth admin "$(cat "$WORK/admin-token")") PYTHONPATH="$HERE" \
  /usr/bin/python3 - "$BASE" "$WORK/objects.ndjson" "$REQUESTS" <<'PY'
import json, os, random, sys, uuid
from bench_http import Checks, Client, p50_p99_ms, print_latency_table

base, path, requests = sys.argv[1], sys.argv[2], int(sys.argv[3])
client = Client(base, {"Authorization": os.environ["TESSERA_BENCH_AUTH"],
                       "Accept": "application/taxii+json;version=2.1"})
get = client.get

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

checks = Checks()
check = checks.check

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
    results[kind] = p50_p99_ms(times)

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

print_latency_table(results)
checks.exit_if_wrong()
PY
stop_server
