#!/usr/bin/env python3
"""`tessera pattern check` and `tessera pattern match` as a user runs them.

usage: pattern_cli_test.py TESSERA CONFORMANCE_DIR DATA_DIR

1. The 87 cases of the OASIS pattern validator (STIX 2.1) agree with `pattern check`: exit 0 for
   the valid ones, exit 1 with a "position N:" error for the invalid ones; so do the complete
   example patterns of the STIX 2.1 standard (DATA_DIR/spec-examples.json).
   `check` warns of a constant that can never match its object path (an error with --strict).
2. `pattern match` prints the matching observed-data ids and exits 0 on a match, 1 on no match,
   2 on an invalid pattern or input; several files are evaluated together.
"""
import json
import subprocess
import sys

tessera, conformance, data = sys.argv[1:4]
failures = []
checks = 0


def run(*args):
    p = subprocess.run([tessera, "pattern", *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def expect(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL:", what)


# 1. Validity conformance.
with open(f"{conformance}/pattern-validity-v21.json", encoding="utf-8") as f:
    cases = json.load(f)
expect(len(cases) == 87, f"expected 87 validity cases, found {len(cases)}")
for c in cases:
    rc, out, _ = run("check", "-q", c["pattern"])
    if c["valid"]:
        expect(rc == 0 and out == "", f"valid pattern rejected (rc {rc}): {c['pattern']}\n{out}")
    else:
        expect(rc == 1 and ": position " in out,
               f"invalid pattern not rejected with a position (rc {rc}): {c['pattern']}\n{out}")

# The STIX 2.1 standard's own complete example patterns (spec-examples.json, form "pattern"), as
# written: the usable ones pass `check`, the schematic ones fail it with a position.
with open(f"{data}/spec-examples.json", encoding="utf-8") as f:
    spec = [e for e in json.load(f)["examples"] if e["form"] == "pattern"]
expect(len(spec) == 44, f"expected 44 complete spec example patterns, found {len(spec)}")
for e in spec:
    rc, out, _ = run("check", "-q", e["pattern"])
    if e["valid"]:
        expect(rc == 0 and out == "", f"spec example rejected ({e['section']}, rc {rc}): "
                                      f"{e['pattern']}\n{out}")
    else:
        expect(rc == 1 and ": position " in out,
               f"schematic spec example not rejected ({e['section']}, rc {rc}): {e['pattern']}")

# Several patterns at once: one bad one makes the exit 1 and only it is reported.
rc, out, _ = run("check", "[a:b = 1]", "[a:b = ]", "[file:hashes.MD5 = 'abc']")
expect(rc == 1, f"check with bad patterns exited {rc}")
expect("[a:b = 1]: valid" in out, "valid pattern not reported as valid")
expect("[a:b = ]: position 7: expected a constant" in out, f"no positioned error:\n{out}")
expect("position 1: 'abc' is not a valid MD5 hash" in out, f"no hash error:\n{out}")
rc, out, _ = run("check", "--comparisons", "[ipv4-addr:value = '1.2.3.4' OR url:value LIKE 'http%']")
expect(rc == 0, "check --comparisons failed")
expect(out.splitlines() == ["ipv4-addr:value = '1.2.3.4'\t(indexable)",
                            "url:value LIKE 'http%'\t(indexable)"], f"comparisons listed:\n{out}")

# A constant that can never match its object path is a warning (valid, exit 0), an error with
# --strict (exit 1); the message names the comparison's position, the constant and the form.
never = "[ipv4-addr:value = '198.51.100.7' OR ipv4-addr:value = '198.51.100.0/33']"
rc, out, _ = run("check", never)
expect(rc == 0, f"a never-matching constant must not make the pattern invalid: rc {rc}")
expect(out.splitlines() == [
    f"{never}: position 37: warning: '198.51.100.0/33' can never match ipv4-addr:value, which is "
    "an IPv4 address or CIDR block", f"{never}: valid (with warnings)"], f"warning:\n{out}")
rc, out, _ = run("check", "-q", "--strict", never, "[mac-addr:value = '00:1b:63:84:45:e6']")
expect(rc == 1, f"--strict must fail on a never-matching constant: rc {rc}")
expect(out.splitlines() == [f"{never}: position 37: '198.51.100.0/33' can never match "
                            "ipv4-addr:value, which is an IPv4 address or CIDR block"],
       f"--strict error:\n{out}")
for constant in ["'999.0.113.5'", "'00:1B:63:84:45:E6'", "'2001:db8::/129'"]:
    path = "mac-addr:value" if ":1B:" in constant else "ipv4-addr:value"
    rc, out, _ = run("check", "-q", "--strict", f"[{path} = {constant}]")
    expect(rc == 1 and f"{constant} can never match {path}" in out,
           f"{constant} on {path} with --strict: rc {rc}\n{out}")

# 2. Matching.
bundle = f"{data}/match-bundle.json"
second = f"{data}/match-second.json"
legacy = f"{data}/match-legacy.json"
od_file = "observed-data--6d1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b"
od_net = "observed-data--7e2a3b4c-5d6e-4f7a-8b9c-0d1e2f3a4b5c"
od_dom = "observed-data--8f3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d"
od_legacy = "observed-data--9a4c5d6e-7f8a-4b9c-8d0e-2f3a4b5c6d7e"

rc, out, err = run("match", "[ipv4-addr:value ISSUBSET '198.51.100.0/24']", bundle)
expect(rc == 0 and out.split() == [od_net], f"ISSUBSET match: rc {rc}, out {out!r}, err {err!r}")

rc, out, _ = run("match", "[network-traffic:dst_ref.value = '198.51.100.7' AND "
                 "network-traffic:dst_port = 443]", bundle)
expect(rc == 0 and out.split() == [od_net], f"_ref match: rc {rc}, out {out!r}")

rc, out, _ = run("match", "[file:name = 'other.exe']", bundle)
expect(rc == 1 and out == "", f"no match must exit 1 and print nothing: rc {rc}, out {out!r}")

rc, out, _ = run("match", "[file:name = 'payload.exe'] FOLLOWEDBY "
                 "[network-traffic:dst_port = 443] WITHIN 120 SECONDS", bundle)
expect(rc == 0 and out.split() == [od_file, od_net], f"FOLLOWEDBY WITHIN: rc {rc}, out {out!r}")

# The file is seen at 10:00:00, the flow from 10:01:00 to 10:02:00: a window of 60 s touches both
# intervals (STIX 2.1 §9.5.1 as the reference applies it), one of 59 s does not.
rc, out, _ = run("match", "([file:name = 'payload.exe'] FOLLOWEDBY "
                 "[network-traffic:dst_port = 443]) WITHIN 60 SECONDS", bundle)
expect(rc == 0, f"FOLLOWEDBY 60 s apart must match WITHIN 60 SECONDS: rc {rc}")
rc, out, _ = run("match", "([file:name = 'payload.exe'] FOLLOWEDBY "
                 "[network-traffic:dst_port = 443]) WITHIN 59 SECONDS", bundle)
expect(rc == 1, f"FOLLOWEDBY 60 s apart must not match WITHIN 59 SECONDS: rc {rc}")

rc, out, _ = run("match", "[network-traffic:dst_port = 443] REPEATS 3 TIMES", bundle)
expect(rc == 0 and out.split() == [od_net], f"REPEATS by number_observed: rc {rc}, out {out!r}")

# Files evaluated together: the domain's observed-data (second file) names the address SCO that
# only the first file defines; FOLLOWEDBY spans both files.
rc, out, _ = run("match", "[domain-name:resolves_to_refs[*].value = '198.51.100.7']", bundle, second)
expect(rc == 0 and out.split() == [od_dom], f"cross-file refs: rc {rc}, out {out!r}")
rc, out, _ = run("match", "[file:hashes.'SHA-256' = "
                 "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'] "
                 "FOLLOWEDBY [domain-name:value = 'evil.example']", bundle, second)
expect(rc == 0 and out.split() == [od_file, od_dom], f"cross-file FOLLOWEDBY: rc {rc}, {out!r}")
rc, _, err = run("match", "[domain-name:value = 'evil.example']", second)
expect(rc == 2 and "not in the input" in err, f"dangling object_refs: rc {rc}, err {err!r}")

# The older form with embedded objects.
rc, out, _ = run("match", "[network-traffic:dst_ref.value = '203.0.113.33']", legacy)
expect(rc == 0 and out.split() == [od_legacy], f"embedded objects: rc {rc}, out {out!r}")

# Comparisons the reference evaluator reports as errors (STIX 2.1 §9.6.1): exit 2, each error
# naming the observed-data and the property, no verdict printed.
rc, out, err = run("match", "[network-traffic:protocols[0] = t'2020-01-01T00:00:00Z']", legacy)
expect(rc == 2 and out == "" and f"{od_legacy}: network-traffic:protocols[0]: compared with a "
       "timestamp: 'tcp' is not an RFC 3339" in err, f"value that is no timestamp: rc {rc}, err {err!r}")
rc, out, err = run("match", "[ipv4-addr:value NOT IN (1, 'a', true)]", legacy)
expect(rc == 2 and out == "" and f"{od_legacy}: ipv4-addr:value: the IN set mixes constants of "
       "different types" in err, f"mixed set: rc {rc}, err {err!r}")

# Invalid pattern or input: exit 2.
rc, _, err = run("match", "[file:name = ]", bundle)
expect(rc == 2 and "position" in (err + _), f"invalid pattern: rc {rc}")
rc, _, err = run("match", "[file:name = 'x']", f"{data}/does-not-exist.json")
expect(rc == 2, f"missing file: rc {rc}")
p = subprocess.run([tessera, "pattern", "match", "[file:name = 'x']", "-"], input="{not json",
                   capture_output=True, text=True, timeout=60)
expect(p.returncode == 2, f"non-JSON input: rc {p.returncode}")

print(f"{checks - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
