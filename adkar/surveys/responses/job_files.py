"""Where background imports and exports keep their files: ADKAR_EXPORTS_DIR (else `exports/` in the instance
folder), readable by the app's user only, written once under unguessable names."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from flask import current_app


def exports_dir() -> Path:
    configured = current_app.config.get("EXPORTS_DIR")
    folder = Path(configured) if configured else Path(current_app.instance_path) / "exports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def uploads_dir() -> Path:
    """Uploads waiting for their import; each is deleted when its job ends."""
    folder = exports_dir() / "uploads"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def write_private(path: Path, data: bytes) -> None:
    """A new file (never an existing one), mode 0600."""
    with open_private(path) as handle:
        handle.write(data)


def open_private(path: Path) -> BinaryIO:
    """A new file (never an existing one), mode 0600, open for writing, for exports streamed row by row."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(descriptor, "wb")
