#!/usr/bin/env python3
"""Validates JSON or YAML documents (one or several per file) against a JSON Schema.

Usage: json_schema.py SCHEMA FILE...

Reports every error of every document; exits 0 only when all are valid.
"""
import json
import sys

import jsonschema
import yaml


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    errors = 0
    documents = 0
    for filename in sys.argv[2:]:
        with open(filename) as handle:
            loaded = list(yaml.safe_load_all(handle)) if filename.endswith((".yaml", ".yml")) else [json.load(handle)]
        for document in loaded:
            if document is None:
                continue
            documents += 1
            for error in validator.iter_errors(document):
                where = ".".join(str(part) for part in error.absolute_path) or "(root)"
                print(f"{filename}: {where}: {error.message}")
                errors += 1
    print(f"{documents} documents, {errors} errors")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
