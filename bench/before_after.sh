#!/usr/bin/env bash
# Before/after benchmarks (docs/benchmarks.md, "before and after, same run"): the same inputs
# through two release builds, alternated B A B A in one run. B, A: build dirs; D: data dir.
#   B=../old/build/release A=build/release D=/tmp/ab bench/before_after.sh
# D must hold objects.ndjson (gen_stix -n 200000, each id-and-version once). Exit 1 when a program finds a wrong result.
set -euo pipefail
B=${B:?B=the release build dir of the commit before}
A=${A:?A=the release build dir of the commit after}
D=${D:?D=a data dir outside the repository}
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs: $(lscpu | sed -n 's/^Model name: *//p'); load $(cut -d' ' -f1-3 /proc/loadavg)"
[ -f $D/objects.ndjson ] || { echo "no $D/objects.ndjson: make it with $B/bench/gen_stix first" >&2; exit 2; }
expect=$(wc -l < $D/objects.ndjson)
echo "input: $expect objects, $(du -m $D/objects.ndjson | cut -f1) MB"
for round in 1 2; do
  for v in B A; do
    bin=$B; [ $v = A ] && bin=$A
    rm -rf $D/ib; echo "== $v import_bench (round $round)"
    $bin/bench/import_bench $D/objects.ndjson --data $D/ib --expect-objects $expect 2>&1 | tail -3
    rm -rf $D/ti; $bin/src/cli/tessera init --data $D/ti --admin-token-file $D/ti-token >/dev/null
    echo "== $v tessera import (round $round)"
    /usr/bin/time -f "wall %e s, user %U s" $bin/src/cli/tessera import --data $D/ti $D/objects.ndjson 2>&1 | tail -3
  done
done
[ -d $D/hunt ] || $B/bench/hunt_gen --out $D/hunt --gb 0.25 --indicators 200000 >/dev/null
for round in 1 2; do
  for v in B A; do
    bin=$B; [ $v = A ] && bin=$A
    echo "== $v hunt_bench files (round $round)"
    /usr/bin/time -f "wall %e s, user %U s" $bin/bench/hunt_bench files --dir $D/hunt --threads 2 2>&1 | tail -4
    echo "== $v hunt_bench logs (round $round)"
    $bin/bench/hunt_bench logs --indicators 100000 --mb 300 2>&1 | tail -3
  done
done
for v in B A; do
  bin=$B; [ $v = A ] && bin=$A
  echo "== $v taxii_bench"
  "$(dirname "$0")/taxii_bench.sh" --tessera $bin/src/cli/tessera --duration 5s 2>&1 | tail -25
done
