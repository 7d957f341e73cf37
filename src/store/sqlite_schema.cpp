#include "store/sqlite_schema.h"

namespace tessera::store {
namespace {

// Version 1: the objects table.
//  - seq: added order. AUTOINCREMENT so that a seq is never handed out twice, even after the
//    newest rows are deleted: a reader paging by seq must not miss a row.
//  - version: the object's modified/created as fixed-width text with nanosecond digits (text order
//    is time order), '' for the unversioned form; (id, version) is the key.
//  - date_added: microseconds since the Unix epoch, strictly increasing with seq.
//  - json: the object as accepted.
// Indexes: the (id, version) key serves look-ups by id and by id + version, and "latest version";
// (type, seq) serves listings by type in added order; date_added serves "added after".
constexpr const char* kV1 = R"sql(
CREATE TABLE objects (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT    NOT NULL,
  version      TEXT    NOT NULL,
  type         TEXT    NOT NULL,
  spec_version TEXT    NOT NULL,
  date_added   INTEGER NOT NULL,
  revoked      INTEGER NOT NULL,
  json         TEXT    NOT NULL,
  UNIQUE (id, version)
);
CREATE INDEX objects_by_type ON objects (type, seq);
CREATE INDEX objects_by_date_added ON objects (date_added);
)sql";

// Version 2: the hub. Objects live in collections with access metadata; the directory of
// organizations, users, tokens, sharing groups, API roots and collections; TAXII statuses;
// settings.
//  - objects is rebuilt: (collection, id, version) is the key, so one object may sit in several
//    collections (`coll` is the collection's integer `num`, not its uuid: every index entry of a
//    row carries it); provider_org is the organization that shared the version into the hub (0: the
//    operator); readers is the grant list policy computed at write time (" coll org:7 group:3 ",
//    a leading and trailing space so that instr(readers, ' org:7 ') matches whole keys). seq
//    values are kept, and sqlite_sequence carries over the old high-water mark, so a seq is still
//    never handed out twice.
//  - v1 rows go to the default collection, created here with the "api" root (readers and writers
//    every organization, default TLP amber), provider 0, readers ' coll '.
//  - Indexes: (coll) and (coll, type) serve listings in added order (an index holds the rowid,
//    i.e. seq, in order after its columns); the key, ordered (id, version, coll), serves ids and
//    versions within a collection and across collections (operator look-ups) with one random
//    index per row, which is what keeps a large import fast; date_added serves "added after".
constexpr const char* kV2 = R"sql(
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE organizations (
  id            INTEGER PRIMARY KEY AUTOINCREMENT CHECK (id > 0),
  name          TEXT    NOT NULL UNIQUE,
  identity_id   TEXT    NOT NULL UNIQUE,
  identity_json TEXT    NOT NULL,
  created       INTEGER NOT NULL
);
CREATE TABLE users (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  name     TEXT    NOT NULL UNIQUE,
  org_id   INTEGER NOT NULL REFERENCES organizations (id),
  role     TEXT    NOT NULL
           CHECK (role IN ('admin', 'org-admin', 'analyst', 'read-only', 'sync')),
  disabled INTEGER NOT NULL DEFAULT 0,
  created  INTEGER NOT NULL
);
CREATE INDEX users_by_org ON users (org_id);
CREATE TABLE tokens (
  id      TEXT    PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  hash    TEXT    NOT NULL,
  created INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  label   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX tokens_by_user ON tokens (user_id);
CREATE TABLE sharing_groups (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT    NOT NULL UNIQUE,
  description TEXT    NOT NULL DEFAULT '',
  created     INTEGER NOT NULL
);
CREATE TABLE group_members (
  group_id INTEGER NOT NULL REFERENCES sharing_groups (id) ON DELETE CASCADE,
  org_id   INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, org_id)
);
CREATE INDEX group_members_by_org ON group_members (org_id);
CREATE TABLE api_roots (
  name               TEXT    PRIMARY KEY,
  title              TEXT    NOT NULL,
  description        TEXT    NOT NULL DEFAULT '',
  max_content_length INTEGER NOT NULL CHECK (max_content_length > 0)
);
CREATE TABLE collections (
  num            INTEGER PRIMARY KEY AUTOINCREMENT,
  id             TEXT    NOT NULL UNIQUE,
  api_root       TEXT    NOT NULL REFERENCES api_roots (name),
  title          TEXT    NOT NULL,
  description    TEXT    NOT NULL DEFAULT '',
  alias          TEXT,
  default_tlp    TEXT    NOT NULL DEFAULT 'amber'
                 CHECK (default_tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
  readers_all    INTEGER NOT NULL DEFAULT 0,
  writers_all    INTEGER NOT NULL DEFAULT 0,
  audience_group INTEGER REFERENCES sharing_groups (id),
  created        INTEGER NOT NULL,
  UNIQUE (api_root, alias)
);
CREATE TABLE collection_grants (
  collection TEXT    NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
  access     TEXT    NOT NULL CHECK (access IN ('read', 'write')),
  org_id     INTEGER REFERENCES organizations (id) ON DELETE CASCADE,
  group_id   INTEGER REFERENCES sharing_groups (id) ON DELETE CASCADE,
  CHECK ((org_id IS NULL) <> (group_id IS NULL)),
  UNIQUE (collection, access, org_id, group_id)
);
CREATE INDEX collection_grants_by_collection ON collection_grants (collection, access);
CREATE TABLE statuses (
  id                TEXT    PRIMARY KEY,
  api_root          TEXT    NOT NULL,
  collection        TEXT    NOT NULL,
  owner_user        INTEGER NOT NULL,
  owner_org         INTEGER NOT NULL,
  request_timestamp INTEGER NOT NULL,
  status            TEXT    NOT NULL CHECK (status IN ('complete', 'pending')),
  total_count       INTEGER NOT NULL,
  success_count     INTEGER NOT NULL,
  failure_count     INTEGER NOT NULL,
  pending_count     INTEGER NOT NULL,
  details           TEXT    NOT NULL
);

INSERT INTO api_roots (name, title, description, max_content_length)
  VALUES ('api', 'Tessera', 'The hub''s API root', 104857600);
INSERT INTO settings (key, value)
  SELECT 'default_collection',
         substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-' ||
         substr('89ab', 1 + (abs(random()) % 4), 1) || substr(h, 18, 3) || '-' ||
         substr(h, 21, 12)
  FROM (SELECT lower(hex(randomblob(16))) AS h);
INSERT INTO collections (id, api_root, title, description, default_tlp, readers_all, writers_all,
                         created)
  SELECT value, 'api', 'Default', 'Every organization of the hub reads and writes here', 'amber',
         1, 1, CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)
  FROM settings WHERE key = 'default_collection';

CREATE TABLE objects_v2 (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  coll         INTEGER NOT NULL,
  id           TEXT    NOT NULL,
  version      TEXT    NOT NULL,
  type         TEXT    NOT NULL,
  spec_version TEXT    NOT NULL,
  date_added   INTEGER NOT NULL,
  revoked      INTEGER NOT NULL,
  json         TEXT    NOT NULL,
  provider_org INTEGER NOT NULL,
  readers      TEXT    NOT NULL,
  UNIQUE (id, version, coll)
);
INSERT INTO objects_v2 (seq, coll, id, version, type, spec_version, date_added, revoked,
                        json, provider_org, readers)
  SELECT o.seq, c.num, o.id, o.version, o.type, o.spec_version, o.date_added, o.revoked, o.json,
         0, ' coll '
  FROM objects o, settings s, collections c
  WHERE s.key = 'default_collection' AND c.id = s.value ORDER BY o.seq;
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'objects_v2', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'objects_v2');
UPDATE sqlite_sequence
  SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'objects'), 0))
  WHERE name = 'objects_v2';
DROP TABLE objects;
ALTER TABLE objects_v2 RENAME TO objects;
CREATE INDEX objects_by_coll ON objects (coll);
CREATE INDEX objects_by_coll_type ON objects (coll, type);
CREATE INDEX objects_by_date_added ON objects (date_added);
)sql";

// Version 3: generation counters, so that a server can keep what it read in memory and know, with
// one small read per request, whether it is still current (also after another process, such as
// `tessera token revoke`, changed the store).
//  - 'directory' grows with every change to a directory table (organizations, users, tokens,
//    groups and their members, API roots, collections and their grants, settings).
//  - 'objects' grows with every change to a stored row. Adding rows does not count: they get new
//    seqs, and a listing is bounded by the last seq it read; only deleting (or rewriting) a row
//    changes what a bounded listing returns.
// Triggers keep them, so no write path can forget to.
constexpr const char* kV3 = R"sql(
CREATE TABLE generations (
  name TEXT PRIMARY KEY,
  n    INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO generations (name, n) VALUES ('directory', 1), ('objects', 1);
CREATE TRIGGER settings_insert_gen AFTER INSERT ON settings
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER settings_update_gen AFTER UPDATE ON settings
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER settings_delete_gen AFTER DELETE ON settings
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER organizations_insert_gen AFTER INSERT ON organizations
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER organizations_update_gen AFTER UPDATE ON organizations
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER organizations_delete_gen AFTER DELETE ON organizations
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER users_insert_gen AFTER INSERT ON users
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER users_update_gen AFTER UPDATE ON users
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER users_delete_gen AFTER DELETE ON users
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER tokens_insert_gen AFTER INSERT ON tokens
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER tokens_update_gen AFTER UPDATE ON tokens
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER tokens_delete_gen AFTER DELETE ON tokens
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER sharing_groups_insert_gen AFTER INSERT ON sharing_groups
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER sharing_groups_update_gen AFTER UPDATE ON sharing_groups
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER sharing_groups_delete_gen AFTER DELETE ON sharing_groups
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER group_members_insert_gen AFTER INSERT ON group_members
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER group_members_update_gen AFTER UPDATE ON group_members
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER group_members_delete_gen AFTER DELETE ON group_members
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER api_roots_insert_gen AFTER INSERT ON api_roots
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER api_roots_update_gen AFTER UPDATE ON api_roots
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER api_roots_delete_gen AFTER DELETE ON api_roots
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER collections_insert_gen AFTER INSERT ON collections
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER collections_update_gen AFTER UPDATE ON collections
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER collections_delete_gen AFTER DELETE ON collections
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER collection_grants_insert_gen AFTER INSERT ON collection_grants
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER collection_grants_update_gen AFTER UPDATE ON collection_grants
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER collection_grants_delete_gen AFTER DELETE ON collection_grants
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'directory'; END;
CREATE TRIGGER objects_update_gen AFTER UPDATE ON objects
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'objects'; END;
CREATE TRIGGER objects_delete_gen AFTER DELETE ON objects
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'objects'; END;
)sql";

// Version 4: each organization's contribution of an object version is a row of its own. The key
// becomes (id, version, coll, provider_org): when Org C posts an SCO (whose id comes from its
// value) that Org A already holds as TLP:RED, C's copy is stored with C's grants instead of being
// dropped as "already present", and nobody learns from the answer whether A holds it. Listings
// show a reader one copy of each (id, version): the earliest visible one (sqlite_store.cpp).
//  - objects is rebuilt with the new key; seq values, date_added and sqlite_sequence's high-water
//    mark carry over (RENAME moves the sequence row), so a seq is still never handed out twice.
//  - The indexes and the two generation triggers of objects go with the old table and are made
//    again; the objects generation grows, as the rows were rewritten.
constexpr const char* kV4 = R"sql(
CREATE TABLE objects_v4 (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  coll         INTEGER NOT NULL,
  id           TEXT    NOT NULL,
  version      TEXT    NOT NULL,
  type         TEXT    NOT NULL,
  spec_version TEXT    NOT NULL,
  date_added   INTEGER NOT NULL,
  revoked      INTEGER NOT NULL,
  json         TEXT    NOT NULL,
  provider_org INTEGER NOT NULL,
  readers      TEXT    NOT NULL,
  UNIQUE (id, version, coll, provider_org)
);
INSERT INTO objects_v4 (seq, coll, id, version, type, spec_version, date_added, revoked, json,
                        provider_org, readers)
  SELECT seq, coll, id, version, type, spec_version, date_added, revoked, json, provider_org,
         readers
  FROM objects ORDER BY seq;
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'objects_v4', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'objects_v4');
UPDATE sqlite_sequence
  SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'objects'), 0))
  WHERE name = 'objects_v4';
DROP TABLE objects;
ALTER TABLE objects_v4 RENAME TO objects;
CREATE INDEX objects_by_coll ON objects (coll);
CREATE INDEX objects_by_coll_type ON objects (coll, type);
CREATE INDEX objects_by_date_added ON objects (date_added);
CREATE TRIGGER objects_update_gen AFTER UPDATE ON objects
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'objects'; END;
CREATE TRIGGER objects_delete_gen AFTER DELETE ON objects
  BEGIN UPDATE generations SET n = n + 1 WHERE name = 'objects'; END;
UPDATE generations SET n = n + 1 WHERE name = 'objects';
)sql";

// Version 5: a row says whether it is a later copy. later_copy is 1 when the row was stored while
// a row of the same (id, version, coll) was already there (another organization's contribution),
// else 0. So 0 means, for as long as the row lives, that no row of its (id, version, coll) has a
// lower seq (seqs are never handed out twice), and a listing asks "is there an earlier visible
// copy?" only of rows marked 1 instead of every row (the earliest visible copy stands for the
// others, see sqlite_store.cpp). Deleting an earlier copy leaves the mark: it then costs a probe
// that finds nothing, never a wrong answer.
//  - The column is added in place (no rewrite); rows of schema 4 that have an earlier copy are
//    marked. The objects generation grows with the marked rows (the update trigger), harmlessly.
//  - objects_later_copies indexes the marked rows alone (few), by collection and seq: whether a
//    collection holds any later copy, and the last one, is one look.
constexpr const char* kV5 = R"sql(
ALTER TABLE objects ADD COLUMN later_copy INTEGER NOT NULL DEFAULT 0;
UPDATE objects SET later_copy = 1
  WHERE EXISTS (SELECT 1 FROM objects e WHERE e.id = objects.id AND e.version = objects.version
                AND e.coll = objects.coll AND e.seq < objects.seq);
CREATE INDEX objects_later_copies ON objects (coll) WHERE later_copy = 1;
)sql";

// Version 6: the search index (issue 16). search_keys files each row under the keys ingest
// computed for it (Placement::search_keys, hunt/search_keys.h: "ip:10.0.0.0/8",
// "domain:evil.example", "ref:indicator--...", ...), written in the same transaction as the row.
//  - (key, seq) is the key: a search reads the rows of a key in one range; search_keys_by_seq
//    lets a deleted row's keys go with it (the trigger), in the same transaction.
//  - A store of schema 5 with objects is marked 'search_index' = 'stale' in settings: the keys
//    come from parsing patterns and observables, which SQL cannot do; `tessera search reindex`
//    (Store::RebuildSearchIndex) files every row and clears the mark. Until then a search is
//    refused (kUnavailable) rather than answered from a partial index.
//  - Full-text search is a separate table (kV8); this one holds exact keys only.
constexpr const char* kV6 = R"sql(
CREATE TABLE search_keys (
  key TEXT    NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (key, seq)
) WITHOUT ROWID;
CREATE INDEX search_keys_by_seq ON search_keys (seq);
CREATE TRIGGER objects_delete_search_keys AFTER DELETE ON objects
  BEGIN DELETE FROM search_keys WHERE seq = old.seq; END;
INSERT INTO settings (key, value)
  SELECT 'search_index', 'stale' WHERE EXISTS (SELECT 1 FROM objects);
)sql";

// Version 7: the search index files a key's digest (sqlite::DigestOfSearchKey: the first 16 bytes
// of its SHA-256) instead of its text. The index of a 2,200,000-object store shrinks from 361 MB
// to 161 MB, and a key is compared in a byte or two where keys share long prefixes
// ("ref:indicator--..."): an import that keeps the index was bound by reading and writing back its
// pages (issue 11). The keys of version 6 are converted in place with tessera_search_key_digest
// (registered by the migrating connection, sqlite_db.cpp), so an upgraded store searches at once;
// a store marked stale stays so. The CHECK refuses anything but a digest: a Tessera of schema 6
// still running against the store would write text keys (its INSERT OR IGNORE then files nothing
// for its rows; stop `serve` before upgrading, docs/search.md).
constexpr const char* kV7 = R"sql(
CREATE TABLE search_keys_v7 (
  key BLOB    NOT NULL CHECK (length(key) = 16),
  seq INTEGER NOT NULL,
  PRIMARY KEY (key, seq)
) WITHOUT ROWID;
INSERT OR IGNORE INTO search_keys_v7 (key, seq)
  SELECT tessera_search_key_digest(key), seq FROM search_keys;
DROP TRIGGER objects_delete_search_keys;
DROP TABLE search_keys;
ALTER TABLE search_keys_v7 RENAME TO search_keys;
CREATE INDEX search_keys_by_seq ON search_keys (seq);
CREATE TRIGGER objects_delete_search_keys AFTER DELETE ON objects
  BEGIN DELETE FROM search_keys WHERE seq = old.seq; END;
)sql";

// Version 8: full-text search (issue 16). object_text is an FTS5 table over the words of a row
// (stix/full_text.h: name, description, labels, aliases), its rowid the row's seq, written by
// the single write path in the same transaction as the row, for the rows that have any of them.
//  - Contentless (content=''): it keeps only the index, not a copy of the text, which the row's
//    JSON already holds. A table with its own content would store every description twice and
//    add a b-tree insert per row; an external-content table would have to read the text back
//    through json functions on every search that ranks, for no gain: search needs rowids (seqs)
//    and ranks, never the text.
//  - What it costs: a contentless table of SQLite 3.40 (Debian 12; contentless_delete comes in
//    3.43) forgets a row only when told its words again ('delete' with the row's values). The
//    view object_words computes them from a row's JSON as stix::ReadFullText does (a property's
//    string, or its list's strings, joined by newlines, empty ones left out); the trigger tells
//    them before the row goes, for the rows the index holds (those with an object_text_docsize
//    entry: not the rows of a stale index). Were the words it gives ever to differ, the stray
//    entries would name a seq that no row has any more (seqs are never reused) and a search,
//    which joins objects, would never return them.
//  - Tokens: unicode61 with remove_diacritics 2, so that `malware` finds `Malwäre` and
//    `Malwäre` finds `malware` (case and diacritics never tell words apart here).
//  - The rows of a store of schema 7 are filed here, from the same view, so that an upgraded
//    store searches at once (a store marked stale stays so).
constexpr const char* kV8 = R"sql(
CREATE VIRTUAL TABLE object_text USING fts5 (
  name, description, labels, aliases,
  content = '', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIEW object_words AS SELECT o.seq AS seq,
  (SELECT group_concat(value, char(10)) FROM json_each(o.json, '$.name')
   WHERE type = 'text' AND value <> '') AS name,
  (SELECT group_concat(value, char(10)) FROM json_each(o.json, '$.description')
   WHERE type = 'text' AND value <> '') AS description,
  (SELECT group_concat(value, char(10)) FROM json_each(o.json, '$.labels')
   WHERE type = 'text' AND value <> '') AS labels,
  (SELECT group_concat(value, char(10)) FROM json_each(o.json, '$.aliases')
   WHERE type = 'text' AND value <> '') AS aliases
  FROM objects o;
CREATE TRIGGER objects_delete_text BEFORE DELETE ON objects
  WHEN EXISTS (SELECT 1 FROM object_text_docsize WHERE id = old.seq)
  BEGIN
    INSERT INTO object_text (object_text, rowid, name, description, labels, aliases)
      SELECT 'delete', seq, name, description, labels, aliases FROM object_words
      WHERE seq = old.seq;
  END;
INSERT INTO object_text (rowid, name, description, labels, aliases)
  SELECT seq, name, description, labels, aliases FROM object_words
  WHERE coalesce(name, description, labels, aliases) IS NOT NULL;
)sql";

// Version 9: the audit log (issue 17; store/audit_log.h, audit/chain.h). One row per entry of a
// hash chain; `chain` names the log ("hub" for the hub's changes; other features keep chains of
// their own), `number` is the entry's position in it (1, 2, ...), `time` microseconds since the
// Unix epoch, org_id 0 when the actor has no organization (the command line). hash covers
// prev_hash and every other column (audit::CanonicalContent), so a row changed, deleted or
// reordered with SQL breaks the chain. Indexes: the key serves the chain in order and its head;
// (chain, org_id, number) serves an org-admin's listing. IF NOT EXISTS is harmless and
// stays (the migration's text is what every schema-9 store ran); tests that wind a store back to
// an earlier schema drop the log themselves (search_test.cpp, kUndoAfter8).
constexpr const char* kV9 = R"sql(
CREATE TABLE IF NOT EXISTS audit_log (
  chain     TEXT    NOT NULL,
  number    INTEGER NOT NULL CHECK (number > 0),
  time      INTEGER NOT NULL,
  actor     TEXT    NOT NULL,
  org_id    INTEGER NOT NULL,
  org       TEXT    NOT NULL,
  action    TEXT    NOT NULL,
  target    TEXT    NOT NULL,
  result    TEXT    NOT NULL,
  reason    TEXT    NOT NULL,
  client    TEXT    NOT NULL,
  details   TEXT    NOT NULL,
  prev_hash TEXT    NOT NULL,
  hash      TEXT    NOT NULL,
  PRIMARY KEY (chain, number)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS audit_log_by_org ON audit_log (chain, org_id, number);
)sql";

// Version 10: account administration (issue 17).
//  - organizations.disabled: a disabled organization's users authenticate no more (their tokens
//    stop working); nothing of it is deleted. An organization that provided objects cannot be
//    deleted, only disabled.
//  - token_use: when each token was last used (microseconds), written at most once a minute per
//    token and off the request path (policy::Authenticator). A table of its own, without the
//    directory generation triggers: a use is not a directory change, and bumping the generation
//    would make every server drop its cached principals once a minute per token.
constexpr const char* kV10 = R"sql(
ALTER TABLE organizations ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
CREATE TABLE token_use (
  token_id  TEXT    PRIMARY KEY REFERENCES tokens (id) ON DELETE CASCADE,
  last_used INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

constexpr const char* kMigrations[] = {kV1, kV2, kV3, kV4, kV5, kV6, kV7, kV8, kV9, kV10};

}  // namespace

std::span<const char* const> SchemaMigrations() { return kMigrations; }

}  // namespace tessera::store
