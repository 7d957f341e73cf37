#!/bin/sh
# The incident extensions through the command line: `tessera validate` names the broken rule and
# property; `tessera import` (the single write path, ingest) stores an incident, its task and its
# event and refuses an incident whose stage disagrees with its investigation_status, storing
# nothing of that file; `tessera export` gives the stored objects back, and they pass
# `tessera validate --strict`, the pinned OASIS incident schemas and Tessera's own schema.
# usage: incident_cli.sh TESSERA SOURCE_DIR WORK_DIR
set -u
tessera=$1
src=$2
work=$3
data="$src/tests/data/incident"
fail=0
rm -rf "$work"
mkdir -p "$work"

check() {  # check DESCRIPTION EXPECTED_RC ACTUAL_RC OUTPUT PATTERN...
  what=$1 expected=$2 rc=$3 out=$4
  shift 4
  if [ "$rc" -ne "$expected" ]; then
    echo "$out"
    echo "FAIL: $what: exit code $rc, expected $expected"
    fail=1
  fi
  for pattern in "$@"; do
    if ! printf '%s\n' "$out" | grep -qF -- "$pattern"; then
      echo "$out"
      echo "FAIL: $what: the output lacks: $pattern"
      fail=1
    fi
  done
}

out=$("$tessera" validate --strict "$data/tessera_bundle.json" 2>&1)
check "validate --strict the Tessera bundle" 0 $? "$out" "3 object(s) read, 0 invalid, 0 warning(s)"

out=$("$tessera" validate "$data/schema_bad.json" 2>&1)
check "validate a broken task and incident" 1 $? "$out" \
  "task--4e1e2a5a-6b3c-4d5e-8f6a-9e7b8a9a5b6c: \$.outcome: 'done' is not one of cancelled, failed, ongoing, pending, successful or unknown for 'outcome' [enum-value]" \
  "incident--b0e7e6a5-6e2c-4a0b-8d5a-8a5e92a5a5bc: \$.extensions['extension-definition--ef765651-680c-498d-9894-99799f2fa126'].determination: required property 'determination' is missing [required-property]"

out=$("$tessera" init --data "$work/data" 2>&1)
check "init" 0 $? "$out"

out=$("$tessera" import --data "$work/data" "$data/tessera_bundle.json" 2>&1)
check "import the Tessera bundle" 0 $? "$out" "objects: 3 added, 0 already present, 0 rejected"

# The same incident in stage closed while the Incident Core says open, with a new task: the file
# is refused whole, naming the object, the property and the rule.
sed -e 's/"stage": "triage"/"stage": "closed"/' \
    -e 's/"modified": "2026-03-02T10:40:00.000Z"/"modified": "2026-03-02T11:00:00.000Z"/' \
    -e 's/task--2c4e6a8b-0d1f-4b3c-9e5a-7f9b1d3e5a6c/task--5d7f9b1c-3e5a-4c7e-9a1c-3e5a7c9e1b3d/g' \
    "$data/tessera_bundle.json" > "$work/closed-but-open.json"
out=$("$tessera" import --data "$work/data" "$work/closed-but-open.json" 2>&1)
check "import an incident whose stage and status disagree" 1 $? "$out" \
  "nothing from this file stored" \
  "incident--6a0c2e4f-8b1d-4f3a-9c5e-7d9f1b3a5c7e (2026-03-02T11:00:00.000Z): invalid STIX 2.1: \$.extensions['extension-definition--efe84228-24d9-55f4-90a4-905b48e9423b'].stage: stage 'closed' means investigation_status 'closed' in the Incident Core extension, not 'open' (stage-status)"

"$tessera" export --data "$work/data" > "$work/export.json"
rc=$?
check "export" 0 $rc ""
count=$(grep -o '"type":"\(incident\|task\|event\)"' "$work/export.json" | wc -l)
if [ "$count" -ne 3 ]; then
  echo "FAIL: the export holds $count incident objects, expected 3 (the refused file stored nothing)"
  fail=1
fi
if grep -q 'task--5d7f9b1c' "$work/export.json"; then
  echo "FAIL: the task of the refused file was stored"
  fail=1
fi
out=$("$tessera" validate --strict "$work/export.json" 2>&1)
check "validate --strict the export" 0 $? "$out" "0 invalid, 0 warning(s)"
out=$(/usr/bin/python3 -W ignore "$src/tests/incident_schema.py" \
  "$src/tests/data/conformance/stix2-json-schemas/schemas" "$data/oasis" "$work/export.json" 2>&1)
check "the export against the pinned OASIS schemas" 0 $? "$out" "3 objects checked"
out=$(/usr/bin/python3 -W ignore "$src/tests/incident_schema.py" --tessera \
  "$src/docs/tessera-incident-extension.schema.json" "$work/export.json" 2>&1)
check "the export against Tessera's schema" 0 $? "$out" "2 objects checked"

[ "$fail" -eq 0 ] && echo "incident_cli: ok"
exit "$fail"
