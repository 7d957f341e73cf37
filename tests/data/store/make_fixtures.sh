#!/usr/bin/env bash
# Makes one upgrade fixture: the store a given (old) tessera writes when a user runs the commands
# below, as a user of that version would have: init, organizations, users, tokens (one revoked),
# a sharing group, collections with aliases and readers/writers, and STIX objects of several TLP
# levels and versions with a sighting (upgrade/*.json). The upgrade test (tests/upgrade_test.cpp)
# opens each fixture with the current code and checks that all of it survived.
#
#   tests/data/store/make_fixtures.sh TESSERA_BINARY
#
# writes vK.db (VACUUMed, WAL checkpointed away) and vK.tokens ("user token" lines: the tokens as
# issued, which the test authenticates with) beside this script, K being the schema version
# (PRAGMA user_version) the binary wrote. Needs the sqlite3 shell. README.md records which commit
# built the binary of each fixture.
set -euo pipefail

tessera=$1
here=$(cd "$(dirname "$0")" && pwd)
bundles=$here/upgrade
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data=$work/data

t() { "$tessera" "$@" --data "$data"; }
token_of() { grep -o 'tsr_[0-9a-f]\{16\}_[A-Za-z0-9_-]\{43\}' | head -1; }

"$tessera" init --data "$data" --org "Hub CERT" --admin-token-file "$work/admin.token"
t org add "Acme CSIRT"
t org add "Beta ISAC"
t org add "Gamma Bank"
t user add alice --org "Acme CSIRT" --role analyst
t user add bob --org "Beta ISAC" --role read-only
t user add carol --org "Acme CSIRT" --role org-admin
t user add dave --org "Gamma Bank" --role analyst
alice=$(t token create alice --label "alice laptop" | token_of)
bob=$(t token create bob --label "bob feed reader" | token_of)
dave=$(t token create dave | token_of)
carol=$(t token create carol --label "revoked before the upgrade" | token_of)
t token revoke "$carol"
t group add "Finance ISAC" --member "Acme CSIRT" --member "Beta ISAC" \
  --description "Banks and their CSIRTs"
shared=$(t collection add "Finance shared" --readers "Acme CSIRT,group:Finance ISAC" \
  --writers "Acme CSIRT" --audience "Finance ISAC" --default-tlp green --alias finance-shared \
  --description "What Acme shares with the Finance ISAC" | grep -o '[0-9a-f]\{8\}-[0-9a-f-]\{27\}' | head -1)
internal=$(t collection add "Acme internal" --readers "Acme CSIRT" --writers "Acme CSIRT" \
  --default-tlp red --alias acme-internal | grep -o '[0-9a-f]\{8\}-[0-9a-f-]\{27\}' | head -1)
t import "$bundles/shared.json" --org "Acme CSIRT"
t import "$bundles/group.json" --collection "$shared" --org "Acme CSIRT"
t import "$bundles/red.json" --collection "$internal" --org "Acme CSIRT"

version=$(sqlite3 "$data/tessera.db" "PRAGMA user_version")
sqlite3 "$data/tessera.db" "VACUUM; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
test ! -s "$data/tessera.db-wal"
cp "$data/tessera.db" "$here/v$version.db"
{
  echo "admin $(cat "$work/admin.token")"
  echo "alice $alice"
  echo "bob $bob"
  echo "dave $dave"
  echo "carol $carol"
} >"$here/v$version.tokens"
echo "wrote $here/v$version.db ($(stat -c %s "$here/v$version.db") bytes) and v$version.tokens"
