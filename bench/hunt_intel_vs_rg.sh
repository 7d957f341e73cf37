#!/usr/bin/env bash
# The end-to-end hunt of issue #11 section 5: `tessera hunt --intel` (the command a user runs:
# loading the STIX indicators, then hunting) against `rg -F -f` with the same values, on the same
# generated Suricata EVE JSON, in one run.
#
#   bench/hunt_intel_vs_rg.sh DATA_DIR [GB] [BUILD_DIR]      (defaults: 0.67 GB, build/release)
#
# hunt_gen writes GB gigabytes of Zeek and EVE logs (EVE is 45% of them: 0.67 GB gives about
# 300 MB of EVE) and INDICATORS (default 100,000) atomic indicators; only the EVE file is hunted
# and searched. The indicators are written as STIX 2.1 NDJSON (intel.ndjson, one single-comparison
# indicator each, the properties STIX requires). DATA_DIR must be outside the repository; delete
# it afterwards. Needs the release build of tessera and hunt_gen, python3 and ripgrep
# (scripts/deps). Exit 1 when the hunt misses a planted hit in the EVE file or reports a line
# that was not planted.
set -euo pipefail

DIR=${1:?usage: bench/hunt_intel_vs_rg.sh DATA_DIR [GB] [BUILD_DIR]}
GB=${2:-0.67}
BUILD=${3:-build/release}
INDICATORS=${INDICATORS:-100000}
THREADS=$(nproc)

case "$(realpath -m "$DIR")" in
  "$(realpath "$(dirname "$0")/..")"*) echo "DATA_DIR must be outside the repository" >&2; exit 2 ;;
esac
for p in "$BUILD/bench/hunt_gen" "$BUILD/src/cli/tessera"; do
  [ -x "$p" ] || { echo "missing $p (build the release preset first)" >&2; exit 2; }
done
TESSERA=$(realpath "$BUILD/src/cli/tessera")

echo "== $(date -u +%FT%TZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
if [ "${REUSE:-0}" = 1 ] && [ -f "$DIR/intel.ndjson" ]; then
  echo "== reusing the data in $DIR"
else
  echo "== generating $GB GB of logs and $INDICATORS indicators into $DIR"
  "$BUILD/bench/hunt_gen" --out "$DIR" --gb "$GB" --indicators "$INDICATORS"
  # indicators.tsv: number, STIX object type, path, value.
  python3 - "$DIR" <<'PY'
import json, sys
d = sys.argv[1]
with open(f"{d}/indicators.tsv") as tsv, open(f"{d}/intel.ndjson", "w") as out:
    for line in tsv:
        n, typ, path, value = line.rstrip("\n").split("\t")
        op = "ISSUBSET" if typ == "ipv4-addr" and "/" in value else "="
        quoted = value.replace("\\", "\\\\").replace("'", "\\'")
        out.write(json.dumps({
            "type": "indicator", "spec_version": "2.1",
            "id": "indicator--00000000-0000-4000-8000-%012d" % int(n),
            "created": "2025-01-01T00:00:00.000Z", "modified": "2025-01-01T00:00:00.000Z",
            "pattern": f"[{typ}:{path} {op} '{quoted}']", "pattern_type": "stix",
            "valid_from": "2000-01-01T00:00:00Z"}, separators=(",", ":")) + "\n")
PY
fi
EVE=suricata/eve.json
du -sh "$DIR/$EVE" "$DIR/intel.ndjson"
sync

echo "== tessera hunt --intel ($THREADS threads), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
(cd "$DIR" && /usr/bin/time -f "tessera: %e s wall, %U s user, %S s sys, peak RSS %M KB" \
  -o tessera_time.txt "$TESSERA" hunt -q --threads "$THREADS" --at 2026-03-01T00:00:00Z \
  --intel intel.ndjson "$EVE" > tessera_hits.ndjson) || [ $? = 1 ]
cat "$DIR/tessera_time.txt"

echo "== rg -F -f values.txt ($THREADS threads), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$DIR" && /usr/bin/time -f "rg: %e s wall, %U s user, %S s sys, peak RSS %M KB" \
  -o rg_time.txt rg -j "$THREADS" -F -f values.txt -n --no-heading "$EVE" > rg_out.txt) ||
  [ $? = 1 ]
cat "$DIR/rg_time.txt"

# Every planted hit of the EVE file found (line and indicator), and no line that was not planted.
python3 - "$DIR" "$EVE" <<'PY' || status=1
import json, sys
d, eve = sys.argv[1], sys.argv[2]
planted = set()
with open(f"{d}/expected.tsv") as f:
    for line in f:
        file, n, field, ind = line.rstrip("\n").split("\t")
        if file == eve:
            planted.add((int(n), "indicator--00000000-0000-4000-8000-%012d" % int(ind)))
got = set()
with open(f"{d}/tessera_hits.ndjson") as f:
    for line in f:
        h = json.loads(line)
        got.add((h["line"], h["indicator"]))
rg_lines = set()
with open(f"{d}/rg_out.txt") as f:
    for line in f:
        rg_lines.add(int(line.split(":", 1)[0]))
missed = planted - got
extra = {l for l, _ in got} - {l for l, _ in planted}
print(f"== hits: tessera {len(got)} (line, indicator) on {len({l for l, _ in got})} lines; "
      f"planted {len(planted)}; missed {len(missed)}; lines not planted {len(extra)}; "
      f"rg lines {len(rg_lines)}")
if missed or extra:
    print("wrong result:", sorted(missed)[:5], sorted(extra)[:5])
    sys.exit(1)
PY
awk '/^tessera:/ {tw = $2; tc = $5 + $8} /^rg:/ {rw = $2; rc = $5 + $8}
     END {printf "== ratio: wall %.2f s (rg) vs %.2f s (tessera) = %.1fx; CPU %.2f s vs %.2f s = %.1fx\n",
          rw, tw, rw / tw, rc, tc, rc / tc}' "$DIR/tessera_time.txt" "$DIR/rg_time.txt"
exit $status
