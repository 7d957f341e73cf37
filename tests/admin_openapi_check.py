#!/usr/bin/python3
"""docs/openapi.yaml is an OpenAPI 3.0 document that matches the routes the server registers.

Checks: the file is valid YAML with the OpenAPI 3.0 top-level shape; every $ref points at a
definition that exists; every operation has responses and an operationId (unique); every path
parameter is declared; and the set of (method, path) pairs equals the route table in
src/admin/routes.cpp (so a route added without documentation, or documented but gone, fails).
Usage: admin_openapi_check.py SOURCE_DIR
"""
import re
import sys

import yaml

METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def resolve(doc, ref):
    if not ref.startswith("#/"):
        fail("external $ref not allowed: " + ref)
    node = doc
    for part in ref[2:].split("/"):
        if not isinstance(node, dict) or part not in node:
            fail("$ref does not resolve: " + ref)
        node = node[part]
    return node


def walk_refs(doc, node, where):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                resolve(doc, v)
            else:
                walk_refs(doc, v, where + "/" + str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk_refs(doc, v, where + "/" + str(i))


def main():
    src = sys.argv[1]
    with open(src + "/docs/openapi.yaml") as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict):
        fail("not a YAML mapping")
    if not str(doc.get("openapi", "")).startswith("3.0."):
        fail("openapi must be 3.0.x, is %r" % doc.get("openapi"))
    for key in ("info", "paths", "components"):
        if key not in doc:
            fail("missing top-level " + key)
    for key in ("title", "version"):
        if key not in doc["info"]:
            fail("info." + key + " missing")
    walk_refs(doc, doc, "")

    documented = set()
    op_ids = set()
    for path, item in doc["paths"].items():
        if not path.startswith("/"):
            fail("path must start with /: " + path)
        names = set(re.findall(r"\{([^}]+)\}", path))
        shared = item.get("parameters", [])
        for method, op in item.items():
            if method == "parameters":
                continue
            if method not in METHODS:
                fail("%s: unknown key %s" % (path, method))
            documented.add((method.upper(), path))
            if "responses" not in op or not op["responses"]:
                fail("%s %s: no responses" % (method, path))
            oid = op.get("operationId")
            if not oid or oid in op_ids:
                fail("%s %s: missing or repeated operationId" % (method, path))
            op_ids.add(oid)
            declared = set()
            for p in shared + op.get("parameters", []):
                if "$ref" in p:
                    p = resolve(doc, p["$ref"])
                if p.get("in") == "path":
                    if not p.get("required"):
                        fail("%s %s: path parameter %s must be required" % (method, path, p["name"]))
                    declared.add(p["name"])
            if names != declared:
                fail("%s %s: path parameters %s declared as %s" % (method, path, sorted(names), sorted(declared)))

    with open(src + "/src/admin/routes.cpp") as f:
        code = f.read()
    registered = set()
    # The route table's rows and the routes added one by one (/metrics, POST /api/v1/session).
    for m, p in re.findall(r"Method::k(\w+),\s*\"(/[^\"]*)\"", code):
        registered.add((m.upper(), p))
    if len(registered) < 10:
        fail("could not read the route table of src/admin/routes.cpp")
    missing = registered - documented
    extra = documented - registered
    if missing:
        fail("routes not in docs/openapi.yaml: " + ", ".join("%s %s" % r for r in sorted(missing)))
    if extra:
        fail("documented routes the server does not have: " + ", ".join("%s %s" % r for r in sorted(extra)))
    print("ok: %d operations documented, every $ref resolves" % len(documented))


if __name__ == "__main__":
    main()
