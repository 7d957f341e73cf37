#!/usr/bin/python3
"""Checks STIX objects against the pinned OASIS incident extension schemas, offline.

usage: incident_schema.py STIX_SCHEMA_DIR INCIDENT_SCHEMA_DIR FILE...
       incident_schema.py --tessera TESSERA_SCHEMA FILE...

STIX_SCHEMA_DIR holds the OASIS STIX 2.1 JSON schemas (tests/data/conformance/stix2-json-schemas/
schemas), INCIDENT_SCHEMA_DIR the pinned incident extension suite (tests/data/incident/oasis). Each
FILE holds a bundle, one object, or a JSON array of objects. An incident carrying the Incident Core
extension is checked against that extension's schema; a task, event or impact naming its
extension-definition against that one's. Other objects are not checked here (conformance_schema.py
does that). The schemas refer to each other by URL; all of them are loaded into a local store (the
STIX schemas under both their http:// $id and the https:// spelling the incident schemas use), so
nothing is fetched. With --tessera, the Tessera incident extension objects of incidents and tasks
are checked against TESSERA_SCHEMA (docs/tessera-incident-extension.schema.json) instead. Prints
one line per violation and a count of the objects checked; exits 0 when
every checked object is valid, 1 otherwise, 2 on bad usage or when no object was checked.
"""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator

try:  # jsonschema >= 4.18
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
except ImportError:  # Debian 12's jsonschema 4.10: the RefResolver of its time
    Registry = None
    from jsonschema import RefResolver

CORE = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
NEW_SDOS = {
    "task": "extension-definition--2074a052-8be4-4932-849e-f5e7798e0030",
    "event": "extension-definition--4ca6de00-5b0d-45ef-a1dc-ea7279ea910e",
    "impact": "extension-definition--7cc33dd6-f6a1-489b-98ea-522d351d71b9",
}


def absolute_refs(node, base):
    if isinstance(node, dict):
        return {k: (base + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else
                    absolute_refs(v, base)) for k, v in node.items()}
    if isinstance(node, list):
        return [absolute_refs(v, base) for v in node]
    return node


def load_store(stix_dir, incident_dir):
    store, by_ext = {}, {}
    for path in stix_dir.rglob("*.json"):
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        store[schema["$id"]] = schema
        if schema["$id"].startswith("http://"):
            store["https://" + schema["$id"][len("http://"):]] = schema
    for path in incident_dir.rglob("extension-definition--*.json"):
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        store[schema["$id"]] = schema
        by_ext[path.stem] = schema
    return store, by_ext


def schema_for(by_ext, obj):
    extensions = obj.get("extensions") or {}
    if obj.get("type") == "incident" and CORE in extensions:
        return by_ext.get(CORE)
    ext = NEW_SDOS.get(obj.get("type"))
    if ext is not None and ext in extensions:
        return by_ext.get(ext)
    return None


TESSERA = "extension-definition--efe84228-24d9-55f4-90a4-905b48e9423b"


def read_objects(name):
    with open(name, encoding="utf-8") as f:
        data = json.load(f)
    if isinstance(data, dict) and data.get("type") == "bundle":
        return list(data.get("objects", []))
    return data if isinstance(data, list) else [data]


def main_tessera(argv):
    with open(argv[2], encoding="utf-8") as f:
        schema = json.load(f)
    failures = checked = 0
    for name in argv[3:]:
        for obj in read_objects(name):
            ext = (obj.get("extensions") or {}).get(TESSERA)
            if ext is None or obj.get("type") not in ("incident", "task"):
                continue
            checked += 1
            sub = dict(schema["$defs"][obj["type"]], **{"$defs": schema["$defs"]})
            for error in Draft202012Validator(sub).iter_errors(ext):
                path = "$" + "".join(f"[{p!r}]" for p in error.absolute_path)
                print(f"{name}: {obj.get('id')}: {path}: {error.message[:300]}")
                failures += 1
    print(f"{checked} objects checked against the Tessera incident extension schema, "
          f"{failures} problems")
    if checked == 0:
        return 2
    return 1 if failures else 0


def main(argv):
    if len(argv) >= 4 and argv[1] == "--tessera":
        return main_tessera(argv)
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    store, by_ext = load_store(pathlib.Path(argv[1]), pathlib.Path(argv[2]))
    if Registry is not None:
        registry = Registry().with_resources(
            (uri, Resource.from_contents(schema, default_specification=DRAFT202012))
            for uri, schema in store.items())
    if len(by_ext) != 4:
        print(f"expected the 4 pinned schemas in {argv[2]}, found {sorted(by_ext)}", file=sys.stderr)
        return 2
    failures = checked = 0
    for name in argv[3:]:
        with open(name, encoding="utf-8") as f:
            data = json.load(f)
        if isinstance(data, dict) and data.get("type") == "bundle":
            objects = list(data.get("objects", []))
        elif isinstance(data, list):
            objects = data
        else:
            objects = [data]
        for obj in objects:
            schema = schema_for(by_ext, obj)
            if schema is None:
                continue
            checked += 1
            if Registry is not None:
                validator = Draft202012Validator(schema, registry=registry)
            else:
                # Local references made absolute: RefResolver takes "#/..." relative to the last
                # schema a $ref entered (the STIX one the allOf names).
                schema = absolute_refs(schema, schema["$id"])
                resolver = RefResolver(base_uri=schema["$id"], referrer=schema, store=store)
                validator = Draft202012Validator(schema, resolver=resolver)
            for error in validator.iter_errors(obj):
                path = "$" + "".join(f"[{p!r}]" for p in error.absolute_path)
                print(f"{name}: {obj.get('id')}: {path}: {error.message[:300]}")
                failures += 1
    print(f"{checked} objects checked against the incident extension schemas, {failures} problems")
    if checked == 0:
        return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
