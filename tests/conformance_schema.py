#!/usr/bin/python3
"""Checks STIX objects against the OASIS STIX 2.1 JSON schemas, offline.

usage: conformance_schema.py SCHEMA_DIR FILE...

Each FILE holds a bundle, one object, or a JSON array of objects. Every object is checked
against the schema of its type (and a bundle's own properties against bundle.json). The schemas refer to each
other by their $id URLs; all of them are loaded into a local store, so nothing is fetched.
Prints one line per violation; exits 0 when everything is valid, 1 otherwise, 2 on bad usage.
"""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator, RefResolver

COMMON_TYPES = {"bundle", "marking-definition", "language-content", "extension-definition"}
SROS = {"relationship", "sighting"}


def load_store(schema_dir):
    store, by_path = {}, {}
    for path in schema_dir.rglob("*.json"):
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        store[schema["$id"]] = schema
        by_path[(path.parent.name, path.stem)] = schema
    return store, by_path


def schema_for(by_path, type_name):
    for folder in ("sdos", "observables", "sros", "common"):
        if type_name in SROS and folder != "sros":
            continue
        if folder == "common" and type_name not in COMMON_TYPES:
            continue
        schema = by_path.get((folder, type_name))
        if schema is not None:
            return schema
    return None


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    store, by_path = load_store(pathlib.Path(argv[1]))
    failures = 0
    for name in argv[2:]:
        with open(name, encoding="utf-8") as f:
            data = json.load(f)
        if isinstance(data, dict) and data.get("type") == "bundle":
            # The bundle's own properties, then each object against its type's schema (checking
            # the whole bundle would try every object against every schema of bundle.json).
            envelope = {k: v for k, v in data.items() if k != "objects"}
            objects = [envelope] + list(data.get("objects", []))
        elif isinstance(data, list):
            objects = data
        else:
            objects = [data]
        for obj in objects:
            schema = schema_for(by_path, obj.get("type", ""))
            if schema is None:
                print(f"{name}: {obj.get('id')}: no schema for type {obj.get('type')!r}")
                failures += 1
                continue
            resolver = RefResolver(base_uri=schema["$id"], referrer=schema, store=store)
            validator = Draft202012Validator(schema, resolver=resolver)
            for error in validator.iter_errors(obj):
                path = "$" + "".join(f"[{p!r}]" for p in error.absolute_path)
                print(f"{name}: {obj.get('id')}: {path}: {error.message[:300]}")
                failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
