"""The measuring and checking half of search_bench.sh (docs/benchmarks.md, "Search by value").

Given a served store of gen_stix objects (objects.ndjson, each id once), it
  1. reads the objects and works out, for the values it picks, what a search must answer: the
     objects filed under the value (indicators whose patterns name it, observables holding it),
     the observed-data referring to an observable hit, and the relationships and sightings
     pointing at a hit (docs/search.md), from its own model of the generator's objects;
  2. picks values the store holds (IPv4 addresses, domains, URLs, SHA-256 hashes, from the
     indicators and observables), values it does not hold, and values that only another
     organization's TLP:RED indicators hold: that organization's user posts those indicators over
     TAXII (and RED indicators of some held values too), and must then find them itself;
  3. times, as a member of another organization than the RED one, one value at a time on one
     keep-alive connection (GET /api/v1/search?value=): held values, then unknown and RED-only
     values alternated; optionally full-text queries (GET ?text=); then POSTs of --bulk values
     (best and worst wall time of --bulk-rounds);
  4. checks every answer it times, and writes the request targets of the held values for wrk
     (WORK/search-targets.txt).
A held value must be found with exactly the expected hits and related objects; an unknown or
RED-only value must be answered with the same bytes as any unknown value but for the value.
Exit 1 on a wrong answer, 2 on a setup failure.
"""

import argparse
import json
import os
import random
import re
import sys
import time
import urllib.parse
import uuid

from bench_http import Checks, Client, p50_p99_ms, print_latency_table

KINDS = ("ip", "domain", "url", "hash")
TLP_RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"  # TLP 2.0 RED
TAXII = "application/taxii+json;version=2.1"

# The generator's indicator patterns (bench/gen_stix.cpp), by kind of value.
PATTERN = re.compile(r"\[(?:(ipv4-addr|domain-name|url):value = '([^']*)'"
                     r"|file:hashes\.'SHA-256' = '([0-9a-fA-F]+)')\]")
KIND_OF = {"ipv4-addr": "ip", "domain-name": "domain", "url": "url"}
PATTERN_OF = {"ip": "[ipv4-addr:value = '{}']", "domain": "[domain-name:value = '{}']",
              "url": "[url:value = '{}']", "hash": "[file:hashes.'SHA-256' = '{}']"}
# The types the generator writes that are filed under no value and refer to nothing searched.
UNFILED = {"identity", "malware"}


def setup_failure(message):
    print(message, file=sys.stderr)
    sys.exit(2)


def value_key(o):
    """The (kind, value) an object of the generator is filed under, or None: the model of
    hunt::ObjectSearchKeys for these objects (their values are in canonical form already)."""
    t = o["type"]
    if t == "indicator":
        m = PATTERN.fullmatch(o["pattern"])
        if not m:
            setup_failure(f"the pattern {o['pattern']!r} is not one this benchmark models")
        return (KIND_OF[m.group(1)], m.group(2)) if m.group(1) else ("hash", m.group(3).lower())
    if t in KIND_OF:
        return (KIND_OF[t], o["value"])
    return None


def refs_of(o):
    """The ids an object is filed under as ref: keys (observed-data, sightings, relationships)."""
    t = o["type"]
    if t == "observed-data":
        return o.get("object_refs", [])
    if t == "sighting":
        return [o["sighting_of_ref"]] + o.get("observed_data_refs", [])
    if t == "relationship":
        return [o["source_ref"], o["target_ref"]]
    if t not in UNFILED and t != "indicator" and t not in KIND_OF:
        setup_failure(f"the generator wrote a {t}, which this benchmark does not model")
    return []


def read_objects(path):
    with open(path) as f:
        for line in f:
            yield json.loads(line)


class Expected:
    """What a search of each held value must answer: {value: (hit ids, related ids)}."""

    def __init__(self, path, chosen):
        # Pass 1: the objects filed under a chosen value; the observed-data's references.
        direct = {key: set() for key in chosen}
        observed_by_ref = {}
        for o in read_objects(path):
            key = value_key(o)
            if key in direct:
                direct[key].add((o["id"], o["type"]))
            if o["type"] == "observed-data":
                for ref in refs_of(o):
                    observed_by_ref.setdefault(ref, set()).add(o["id"])
        hits = {}
        for key, found in direct.items():
            ids = {i for i, _ in found}
            for i, t in found:
                if t not in ("indicator", "observed-data"):
                    ids |= observed_by_ref.get(i, set())
            hits[key] = ids
        # Pass 2: what points at a hit.
        every_hit = set().union(*hits.values())
        pointing = {}
        for o in read_objects(path):
            for ref in refs_of(o):
                if ref in every_hit:
                    pointing.setdefault(ref, set()).add(o["id"])
        self.answers = {}
        for key, ids in hits.items():
            related = set().union(*(pointing.get(i, set()) for i in ids)) - ids
            self.answers[key[1]] = (ids, related)


class Values:
    """A generator of values in the shapes gen_stix writes, none of them in `taken`."""

    WORDS = ("update", "secure", "login", "cdn", "mail", "portal", "cloud", "files", "api",
             "account", "verify", "support")
    TLDS = ("com", "net", "org", "info", "ru", "cn", "io", "biz")

    def __init__(self, rng, taken):
        self.rng = rng
        self.taken = taken

    def _domain(self):
        r = self.rng
        return f"{r.choice(self.WORDS)}-{r.choice(self.WORDS)}{r.randrange(100000)}.{r.choice(self.TLDS)}"

    def _one(self, kind):
        r = self.rng
        if kind == "ip":
            return f"{1 + r.randrange(223)}.{r.randrange(256)}.{r.randrange(256)}.{1 + r.randrange(254)}"
        if kind == "domain":
            return self._domain()
        if kind == "url":
            return f"https://{self._domain()}/download/{r.getrandbits(32):08x}.php?id={r.randrange(100000)}"
        return f"{r.getrandbits(256):064x}"

    def fresh(self, kind, n):
        out = []
        while len(out) < n:
            v = self._one(kind)
            if (kind, v) not in self.taken:
                self.taken.add((kind, v))
                out.append((kind, v))
        return out


def pick_values(path, rng, per_kind):
    """Up to `per_kind` held values of each kind, at random, and the set of every held key."""
    held_keys = set()
    reservoir = {k: [] for k in KINDS}
    seen = {k: 0 for k in KINDS}
    for o in read_objects(path):
        refs_of(o)  # refuses a type the model does not know
        key = value_key(o)
        if key is None or key in held_keys:
            continue
        held_keys.add(key)
        kind = key[0]
        seen[kind] += 1
        if len(reservoir[kind]) < per_kind:
            reservoir[kind].append(key)
        elif (j := rng.randrange(seen[kind])) < per_kind:
            reservoir[kind][j] = key
    return [key for k in KINDS for key in reservoir[k]], held_keys


def red_indicator(rng, kind, value):
    i = f"indicator--{uuid.UUID(int=rng.getrandbits(128), version=4)}"
    return {"type": "indicator", "spec_version": "2.1", "id": i,
            "created": "2026-01-02T03:04:05.000Z", "modified": "2026-01-02T03:04:05.000Z",
            "name": f"Lead known to one organization only: {value}",
            "description": "Shared TLP:RED, without recipients: its producer alone reads it.",
            "indicator_types": ["malicious-activity"], "pattern": PATTERN_OF[kind].format(value),
            "pattern_type": "stix", "pattern_version": "2.1",
            "valid_from": "2026-01-02T03:04:05Z", "object_marking_refs": [TLP_RED]}


def post_red_indicators(other, indicators):
    """The other organization's user posts `indicators` into a collection it writes."""
    _, status, body = other.request("GET", "/api/collections/", headers={"Accept": TAXII})
    if status != 200:
        setup_failure(f"GET /api/collections/ as the other organization: {status} {body[:200]!r}")
    writable = [c for c in json.loads(body).get("collections", []) if c.get("can_write")]
    if not writable:
        setup_failure("the other organization can write no collection")
    target = f"/api/collections/{writable[0]['id']}/objects/"
    for start in range(0, len(indicators), 1000):
        chunk = indicators[start:start + 1000]
        _, status, body = other.request(
            "POST", target, body=json.dumps({"objects": chunk}),
            headers={"Accept": TAXII, "Content-Type": TAXII})
        answer = json.loads(body) if status == 202 else {}
        if answer.get("success_count") != len(chunk) or answer.get("failure_count", 0) != 0:
            setup_failure(f"POST of the RED indicators: {status} {body[:300]!r}")


def read_text_queries(member, path):
    """[(query, [ids its answer must name], extra)] from `path`: a query a line, optionally
    followed by a tab and the ids, comma-separated, and by another tab and more query parameters
    ("sort=relevance&limit=10"; the queries of each are timed apart). Exits 2 when there is none,
    or when the hub does not answer the first one."""
    queries = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.strip():
                q, ids, extra = (line.split("\t") + ["", ""])[:3]
                queries.append((q, [i for i in ids.split(",") if i], extra))
    if not queries:
        setup_failure(f"no queries in {path}")
    _, status, body = member.get(text_target(*queries[0][::2]))
    if status != 200:
        setup_failure(f"the hub does not answer full-text searches (?text=): {status} {body[:300]!r}")
    return queries


def search_target(value, param="value"):
    return f"/api/v1/search?{param}={urllib.parse.quote(value, safe='')}"


def text_target(query, extra):
    return search_target(query, "text") + (f"&{extra}" if extra else "")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True)
    ap.add_argument("--objects", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--per-kind", type=int, default=1000)
    ap.add_argument("--bulk", type=int, default=10000)
    ap.add_argument("--bulk-rounds", type=int, default=5)
    ap.add_argument("--text-queries")
    a = ap.parse_args()
    rng = random.Random(16)
    member = Client(a.base, {"Authorization": os.environ["TESSERA_BENCH_AUTH"]})
    other = Client(a.base, {"Authorization": os.environ["TESSERA_BENCH_OTHER_AUTH"]})

    queries = read_text_queries(member, a.text_queries) if a.text_queries else []

    t0 = time.perf_counter()
    held, taken = pick_values(a.objects, rng, a.per_kind)
    expected = Expected(a.objects, held).answers
    fresh = Values(rng, taken)
    hidden = [kv for k in KINDS for kv in fresh.fresh(k, a.per_kind // 2)]
    # As many unknown values as fill the bulk request with all the others (at least 2 per
    # RED-only value).
    unknown_count = max(2 * len(hidden), a.bulk - len(held) - len(hidden))
    unknown = [kv for k in KINDS for kv in fresh.fresh(k, unknown_count // len(KINDS))]
    unknown += fresh.fresh("ip", unknown_count - len(unknown))
    # The other organization's RED indicators: of the RED-only values, and of a quarter of the
    # held values (which the member must still find without them).
    red = [(kv, red_indicator(rng, *kv)) for kv in hidden + held[::4]]
    post_red_indicators(other, [o for _, o in red])
    red_ids = {o["id"] for _, o in red}
    print(f"# {len(held)} held values ({', '.join(f'{sum(1 for k, _ in held if k == x)} {x}' for x in KINDS)}), "
          f"{len(unknown)} unknown, {len(hidden)} held only in another organization's "
          f"{len(red)} TLP:RED indicators; expectations and setup {time.perf_counter() - t0:.1f} s")

    checks = Checks()
    check = checks.check

    # The other organization finds its own RED indicators (else the RED-only case proves nothing).
    _, status, body = other.request("POST", "/api/v1/search",
                                    body=json.dumps({"values": [v for (_, v), _ in red]}),
                                    headers={"Content-Type": "application/json"})
    if check("the RED producer's own search", status == 200, f"{status} {body[:200]!r}"):
        for ((_, v), o), r in zip(red, json.loads(body)["results"]):
            mine = [h for h in r["hits"] if h["id"] == o["id"]]
            check("the RED producer's own search", len(mine) == 1 and mine[0]["tlp"] == "red",
                  f"{v}: its producer does not find {o['id']} as TLP:RED")
    checks.exit_if_wrong()

    def check_held(kind, value, status, r):
        hits, related = expected[value]
        got_hits = {h["id"] for h in r.get("hits", [])}
        got_related = {h["id"] for h in r.get("related", [])}
        once = len(got_hits) == len(r.get("hits", [])) and len(got_related) == len(r.get("related", []))
        check(kind, status == 200 and r.get("value") == value and r.get("found") is True
              and r.get("truncated") is False and once and got_hits == hits
              and got_related == related,
              f"{value}: {status}, hits {sorted(got_hits)} (want {sorted(hits)}), related "
              f"{sorted(got_related)} (want {sorted(related)})"
              + (" (another organization's RED indicator)" if got_hits & red_ids else ""))

    # The answer to a value nobody holds, with the value left out: every unknown and RED-only
    # answer must be these bytes around its value.
    _, status, body = member.get(search_target(unknown[0][1]))
    quoted = json.dumps(unknown[0][1]).encode()
    answer = json.loads(body) if status == 200 else {}
    nothing = {"value": unknown[0][1], "found": False, "truncated": False, "hits": [], "related": []}
    if status != 200 or answer.get("results") != [nothing] or body.count(quoted) != 1:
        check("unknown", False, f"{unknown[0][1]}: {status} {body[:300]!r}")
        checks.exit_if_wrong()
    before, after = body.split(quoted)

    def check_nothing(kind, value, status, body):
        check(kind, status == 200 and body == before + json.dumps(value).encode() + after,
              f"{value}: {status} {body[:300]!r}")

    results = {}
    # Held values, one at a time, each kind apart and all together.
    times = {k: [] for k in KINDS}
    for _ in range(a.requests):
        kind, value = rng.choice(held)
        t, status, body = member.get(search_target(value))
        times[kind].append(t)
        r = json.loads(body)["results"][0] if status == 200 else {}
        check_held(f"held {kind}", value, status, r)
    results["GET ?value=, held (all kinds)"] = p50_p99_ms([t for k in KINDS for t in times[k]])
    for k in KINDS:
        if times[k]:
            results[f"  held {k}"] = p50_p99_ms(times[k])

    # Hidden against unknown: alternated, so that both see the same machine.
    hidden_times, unknown_times = [], []
    for _ in range(a.requests):
        for label, pool, out in (("RED-only", hidden, hidden_times), ("unknown", unknown, unknown_times)):
            _, value = rng.choice(pool)
            t, status, body = member.get(search_target(value))
            out.append(t)
            check_nothing(label, value, status, body)
    results["GET ?value=, unknown"] = p50_p99_ms(unknown_times)
    results["GET ?value=, held only in another org's RED"] = p50_p99_ms(hidden_times)

    if queries:
        # No answer may name the other organization's RED indicators. Each kind of query (its
        # extra parameters) is timed apart.
        text_times = {}
        for n in range(a.requests):
            q, ids, extra = queries[n % len(queries)]
            t, status, body = member.get(text_target(q, extra))
            text_times.setdefault(extra, []).append(t)
            text = body.decode(errors="replace")
            check("text", status == 200, f"{q!r}: {status} {body[:300]!r}")
            check("text", all(i in text for i in ids), f"{q!r}: does not name {ids}")
            check("text", not any(i in text for i in red_ids),
                  f"{q!r}: names another organization's RED indicator")
        for extra, times in text_times.items():
            kinds = sum(1 for q in queries if q[2] == extra)
            results[f"GET ?text= ({kinds} queries{', ' + extra if extra else ''})"] = \
                p50_p99_ms(times)

    # Bulk: --bulk of the values picked (all of them at the default sizes), in one POST.
    bulk = held + unknown + hidden
    rng.shuffle(bulk)
    bulk = bulk[:a.bulk]
    counts = {label: sum(1 for kv in bulk if kv in pool)
              for label, pool in (("held", set(held)), ("unknown", set(unknown)), ("RED-only", set(hidden)))}
    request = json.dumps({"values": [v for _, v in bulk]})
    walls = []
    for _ in range(a.bulk_rounds):
        t, status, body = member.request("POST", "/api/v1/search", body=request,
                                         headers={"Content-Type": "application/json"})
        walls.append(t)
        answers = json.loads(body).get("results", []) if status == 200 else []
        if not check("bulk", len(answers) == len(bulk), f"{status}, {len(answers)} results"):
            continue
        for (kind, value), r in zip(bulk, answers):
            if value in expected:
                check_held("bulk", value, status, r)
            else:
                check("bulk", r == dict(nothing, value=value), f"{value}: {r}")

    print_latency_table(results)
    print(f"POST of {len(bulk)} values ({', '.join(f'{n} {label}' for label, n in counts.items())}): "
          f"best {min(walls):.3f} s, worst {max(walls):.3f} s of {a.bulk_rounds}")
    checks.exit_if_wrong()

    targets = [search_target(v) for _, v in held]
    rng.shuffle(targets)
    with open(os.path.join(a.work, "search-targets.txt"), "w") as f:
        f.write("\n".join(targets) + "\n")


if __name__ == "__main__":
    main()
