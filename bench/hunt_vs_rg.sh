#!/usr/bin/env bash
# The hunt benchmark of issue #5: generated Zeek + Suricata EVE JSON logs against 1,000,000 mixed
# indicators, hunted by Tessera's parallel runner and searched by `rg -F -f` with the same values,
# in one run on the same files.
#
#   bench/hunt_vs_rg.sh DATA_DIR [GB] [BUILD_DIR]      (defaults: 2 GB, build/release)
#
# DATA_DIR is created and filled with the generated data (about GB gigabytes plus ~80 MB); it must
# not be inside the repository. Delete it afterwards. Needs the release build of hunt_gen and
# hunt_bench (cmake --preset release && cmake --build --preset release --target hunt_gen
# hunt_bench) and ripgrep (scripts/deps). Environment: INDICATORS (default 1000000),
# SKIP_RG=1 to time the hunt alone, REUSE=1 to hunt data generated before (same DATA_DIR),
# RG_THREADS (default: all cores, as rg does by itself), RG_PASSES (default 4, see below).
#
# ripgrep with a million fixed strings builds one big automaton: about 11 GB of memory in one
# pass (measured), too much beside other work on a 24 GB machine. So the values are split into
# RG_PASSES parts, each searched over all the files, and the times summed (peak memory is the
# largest pass's); RG_PASSES=1 is the one-command form. Exit 1 when the hunt misses a planted hit
# or reports one that was not planted.
set -euo pipefail

DIR=${1:?usage: bench/hunt_vs_rg.sh DATA_DIR [GB] [BUILD_DIR]}
GB=${2:-2}
BUILD=${3:-build/release}
INDICATORS=${INDICATORS:-1000000}
THREADS=$(nproc)
RG_THREADS=${RG_THREADS:-$THREADS}

case "$(realpath -m "$DIR")" in
  "$(realpath "$(dirname "$0")/..")"*) echo "DATA_DIR must be outside the repository" >&2; exit 2 ;;
esac
for p in "$BUILD/bench/hunt_gen" "$BUILD/bench/hunt_bench"; do
  [ -x "$p" ] || { echo "missing $p (build the release preset first)" >&2; exit 2; }
done

echo "== $(date -u +%FT%TZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
df -h "$(dirname "$(realpath -m "$DIR")")" | tail -1
if [ "${REUSE:-0}" = 1 ] && [ -f "$DIR/expected.tsv" ]; then
  echo "== reusing the data in $DIR"
else
  echo "== generating $GB GB of logs and $INDICATORS indicators into $DIR"
  "$BUILD/bench/hunt_gen" --out "$DIR" --gb "$GB" --indicators "$INDICATORS"
fi
du -sh "$DIR/zeek" "$DIR/suricata"
sync

echo "== tessera hunt ($THREADS threads), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
"$BUILD/bench/hunt_bench" files --dir "$DIR" --threads "$THREADS" \
  --lines-out "$DIR/hunt_lines.txt" | tee "$DIR/hunt.txt" || status=1
echo "   load after: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "${SKIP_RG:-0}" = 1 ]; then exit $status; fi

RG_PASSES=${RG_PASSES:-4}
echo "== rg -F -f values.txt ($RG_THREADS threads, $RG_PASSES passes), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$DIR"/values.part.* "$DIR/rg_out.txt" "$DIR/rg_time.txt"
split -n "l/$RG_PASSES" -d "$DIR/values.txt" "$DIR/values.part."
for part in "$DIR"/values.part.*; do
  # Paths relative to DIR, as the hunt reports them; matching lines with their numbers.
  (cd "$DIR" && /usr/bin/time -f "rg: %e s wall, %U s user, %S s sys, peak RSS %M KB" \
    -a -o rg_time.txt rg -j "$RG_THREADS" -F -f "$(basename "$part")" -n --no-heading \
    zeek suricata >> rg_out.txt) || [ $? = 1 ]  # rg exits 1 when nothing matches
  tail -1 "$DIR/rg_time.txt"
done
awk '/^rg:/ {w += $2; u += $5; s += $8; m = ($13 > m ? $13 : m)}
     END {printf "rg: %.2f s wall, %.2f s user, %.2f s sys, peak RSS %d KB (all passes)\n", w, u, s, m}' \
  "$DIR/rg_time.txt" > "$DIR/rg_total.txt"
cat "$DIR/rg_total.txt"
echo "   load after: $(cut -d' ' -f1-3 /proc/loadavg)"

cut -d: -f1,2 "$DIR/rg_out.txt" | sort -u > "$DIR/rg_lines.txt"
sort -u "$DIR/hunt_lines.txt" > "$DIR/hunt_lines.sorted"
awk -F'\t' '{print $1 ":" $2}' "$DIR/traps.tsv" | sort -u > "$DIR/trap_lines.txt"
rg_lines=$(wc -l < "$DIR/rg_lines.txt")
hunt_lines=$(wc -l < "$DIR/hunt_lines.sorted")
both=$(comm -12 "$DIR/rg_lines.txt" "$DIR/hunt_lines.sorted" | wc -l)
rg_only=$(comm -23 "$DIR/rg_lines.txt" "$DIR/hunt_lines.sorted" | wc -l)
rg_only_traps=$(comm -23 "$DIR/rg_lines.txt" "$DIR/hunt_lines.sorted" |
  comm -12 - "$DIR/trap_lines.txt" | wc -l)
hunt_only=$(comm -13 "$DIR/rg_lines.txt" "$DIR/hunt_lines.sorted" | wc -l)

hunt_wall=$(sed -n 's/^hunt: .* \([0-9.]*\) s wall.*/\1/p' "$DIR/hunt.txt")
hunt_cpu=$(sed -n 's/^hunt: .*; \([0-9.]*\) s CPU.*/\1/p' "$DIR/hunt.txt")
rg_wall=$(sed -n 's/^rg: \([0-9.]*\) s wall.*/\1/p' "$DIR/rg_total.txt")
rg_cpu=$(awk '/^rg:/ {print $5 + $8}' "$DIR/rg_total.txt")
echo "== lines with hits: tessera $hunt_lines, rg $rg_lines; both $both"
echo "   rg only: $rg_only ($rg_only_traps of them planted substring traps, e.g. 'xevil.com' for"
echo "            indicator 'evil.com': a substring, not the domain)"
echo "   tessera only: $hunt_only (addresses inside CIDR indicators, URLs that Zeek and Suricata"
echo "            log as host + path, subdomains are found by both)"
awk -v hw="$hunt_wall" -v hc="$hunt_cpu" -v rw="$rg_wall" -v rc="$rg_cpu" 'BEGIN {
  printf "== ratio: wall %.1f s vs %.1f s = %.1fx; CPU %.1f s vs %.1f s = %.1fx\n",
         rw, hw, rw / hw, rc, hc, rc / hc }'
exit $status
