"""Where the top-level templates/, static/ and surveys/ folders live, installed or from a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Installed wheels carry the folders inside the package; a checkout has them beside it."""
    bundled = _PACKAGE / "_resources" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent / name
