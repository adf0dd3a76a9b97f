"""requirements.lock, which pip-audit checks, pins exactly what the app depends on at run time.

A lock that misses a dependency leaves it unaudited; one whose pins the declared ranges exclude would make
`make test` install something the project does not accept.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line!r}"
            pins[canonicalize_name(name)] = version.strip()
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(spec) for spec in project["dependencies"]]


def test_every_runtime_dependency_is_pinned_within_its_declared_range():
    pins = locked()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is a dependency but not in requirements.lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {requirement.name}=={pins[name]}, outside {requirement.specifier}"
        )


def test_extras_of_runtime_dependencies_are_pinned_too():
    pins = locked()
    extras = {"psycopg": "psycopg-binary"}  # psycopg[binary]
    for requirement in declared():
        if requirement.extras and canonicalize_name(requirement.name) in extras:
            assert extras[canonicalize_name(requirement.name)] in pins
