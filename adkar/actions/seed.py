"""The action library's first entries, read from library_seed.toml (used by the migration and 'restore')."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ..elements import ELEMENTS

SEED_FILE = Path(__file__).with_name("library_seed.toml")
TITLE_MAX, DESCRIPTION_MAX = 200, 2000


def load_seed(path: Path = SEED_FILE) -> list[dict[str, str]]:
    """[{"element", "title", "description"}] in ADKAR order; ValueError naming the key for a bad file."""
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    unknown = sorted(set(data) - set(ELEMENTS))
    if unknown:
        raise ValueError(f"{path}: {unknown[0]}: not an ADKAR element ({', '.join(ELEMENTS)})")
    entries = []
    for element in ELEMENTS:
        items = data.get(element, [])
        if not isinstance(items, list):
            raise ValueError(f"{path}: {element}: write entries as [[{element}]] tables")
        seen: set[str] = set()
        for index, item in enumerate(items):
            where = f"{path}: {element}[{index}]"
            if not isinstance(item, dict) or set(item) - {"title", "description"}:
                raise ValueError(f"{where}: only 'title' and 'description' are allowed")
            title, description = item.get("title"), item.get("description", "")
            if not isinstance(title, str) or not title.strip() or len(title.strip()) > TITLE_MAX:
                raise ValueError(f"{where}.title: text of 1 to {TITLE_MAX} characters is required")
            if not isinstance(description, str) or len(description.strip()) > DESCRIPTION_MAX:
                raise ValueError(f"{where}.description: text of at most {DESCRIPTION_MAX} characters")
            if title.strip().casefold() in seen:
                raise ValueError(f"{where}.title: {title.strip()!r} appears twice")
            seen.add(title.strip().casefold())
            entries.append({"element": element, "title": title.strip(), "description": description.strip()})
    return entries
