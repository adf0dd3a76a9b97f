"""Uploads waiting while the practitioner confirms their columns: private files (0600, unguessable names)
that only the person who sent them can use, for one wave, for a day at most; deleted by the import."""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from .job_files import uploads_dir, write_private

KEPT_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[0-9a-f]{32}")


def keep(data: bytes, *, filename: str, wave_id: int, user_id: int) -> str:
    """Store the upload; returns the token the review form carries."""
    sweep()
    token = secrets.token_hex(16)
    folder = uploads_dir()
    write_private(folder / f"{token}.pending", data)
    about = {"filename": filename[-200:], "wave_id": wave_id, "user_id": user_id}
    write_private(folder / f"{token}.json", json.dumps(about).encode())
    return token


def load(token: str, *, wave_id: int, user_id: int) -> tuple[bytes, str, Path] | None:
    """(bytes, file name, path) of the upload when it is this person's, for this wave; else None."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    folder = uploads_dir()
    try:
        about = json.loads((folder / f"{token}.json").read_text())
        data = (folder / f"{token}.pending").read_bytes()
    except (OSError, ValueError):
        return None
    if about.get("wave_id") != wave_id or about.get("user_id") != user_id:
        return None
    return data, str(about.get("filename") or ""), folder / f"{token}.pending"


def claim(token: str) -> bool:
    """Take the upload for its import, once: of two requests importing it at the same moment (a double
    click), only the first gets True (an atomic rename), so a file is never imported twice."""
    if not _TOKEN.fullmatch(token or ""):
        return False
    folder = uploads_dir()
    try:
        (folder / f"{token}.pending").rename(folder / f"{token}.claimed")
    except OSError:
        return False
    return True


def discard(token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        for suffix in (".pending", ".claimed", ".json"):
            (uploads_dir() / f"{token}{suffix}").unlink(missing_ok=True)


def sweep() -> None:
    """Uploads nobody confirmed within a day are deleted."""
    limit = time.time() - KEPT_SECONDS
    for path in uploads_dir().glob("*.pending"):
        if path.stat().st_mtime < limit:
            discard(path.stem)
