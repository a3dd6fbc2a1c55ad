#!/usr/bin/env python3
"""Validates Kubernetes manifests against the JSON schemas of a Kubernetes version, strictly.

Usage: k8s_validate.py VERSION FILE...

Loads the "-local-strict" schemas bundled in the kubernetes-validate package directly (one
validator per kind, cached) rather than through its CLI, because the CLI treats a missing
schema as a warning and reports one error per document. Here every error of every document
is reported, an unknown kind or apiVersion is an error, and the exit status is 0 only when
every document is valid.
"""
import functools
import importlib.resources
import json
import re
import sys

import jsonschema
import yaml
from referencing import Registry, Resource


def schema_dir(version):
    root = importlib.resources.files("kubernetes_validate").joinpath("kubernetes-json-schema")
    wanted = tuple(int(part) for part in version.lstrip("v").split(".")[:2])
    available = []
    for entry in root.iterdir():
        match = re.fullmatch(r"v(\d+)\.(\d+)\.\d+-local-strict", entry.name)
        if match:
            available.append(((int(match.group(1)), int(match.group(2))), entry))
    candidates = [entry for found, entry in sorted(available) if found <= wanted]
    if not candidates:
        sys.exit(f"no bundled schemas for Kubernetes {version}")
    return candidates[-1]


@functools.lru_cache(maxsize=None)
def validator(directory, api_version, kind):
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    path = directory.joinpath(f"{kind.lower()}-{group_version}.json")
    if not path.is_file():
        return None
    schema = json.loads(path.read_text())
    definitions = json.loads(directory.joinpath("_definitions.json").read_text())
    registry = Resource.from_contents(schema) @ Registry()
    registry = Resource.from_contents(definitions) @ registry
    return jsonschema.Draft202012Validator(schema, registry=registry)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    directory = schema_dir(sys.argv[1])
    errors = 0
    documents = 0
    for filename in sys.argv[2:]:
        with open(filename) as handle:
            for document in yaml.safe_load_all(handle):
                if document is None:
                    continue
                documents += 1
                api_version = document.get("apiVersion", "")
                kind = document.get("kind", "")
                name = (document.get("metadata") or {}).get("name", "?")
                check = validator(directory, api_version, kind)
                if check is None:
                    print(f"{filename}: {kind}/{name}: no schema for {api_version} {kind} in {directory.name}")
                    errors += 1
                    continue
                for error in sorted(check.iter_errors(document), key=lambda e: list(e.path)):
                    where = ".".join(str(part) for part in error.absolute_path) or "(root)"
                    print(f"{filename}: {kind}/{name}: {where}: {error.message}")
                    errors += 1
    print(f"{documents} documents, {errors} errors (schemas {directory.name})")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
