"""Validation against the official OCDS 1.1 schemas copied into projects/data/ocds-1.1 (Apache-2.0)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "projects" / "data" / "ocds-1.1"
RELEASE_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


def _load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@cache
def package_validator() -> Draft4Validator:
    release = Resource.from_contents(_load("release-schema.json"), default_specification=DRAFT4)
    registry: Registry = Registry().with_resource(RELEASE_URL, release)
    return Draft4Validator(_load("release-package-schema.json"), registry=registry, format_checker=FormatChecker())


@cache
def release_validator() -> Draft4Validator:
    return Draft4Validator(_load("dereferenced-release-schema.json"), format_checker=FormatChecker())


def errors(package: dict[str, Any]) -> list[str]:
    """Every schema error of the package and (against the dereferenced schema) of each release."""
    found = [f"{list(e.path)}: {e.message}" for e in package_validator().iter_errors(package)]
    for release in package.get("releases", []):
        found += [f"release {list(e.path)}: {e.message}" for e in release_validator().iter_errors(release)]
    return found
