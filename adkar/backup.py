"""Consistent backups while the app runs: SQLite's online backup API, pg_dump for PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """The backup or restore could not be made; the message says why."""


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def _libpq_url(url: str) -> str:
    """pg_dump speaks libpq URLs: drop SQLAlchemy's +driver suffix."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def backup(url: str, destination: Path) -> Path:
    """Write a consistent copy of the database at `url` to `destination` without stopping the app."""
    backend = make_url(url).get_backend_name()
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"{destination} exists already; choose a new file name.")
    if backend == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(destination)
        try:
            source.backup(target)  # a page-by-page copy that sees one consistent snapshot
        finally:
            target.close()
            source.close()
        return destination
    if backend == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={destination}", _libpq_url(url)])
        return destination
    raise BackupError(f"Backups of {backend} databases are not supported.")


def restore(url: str, source: Path) -> None:
    """Load a backup into the (new, empty) database at `url`."""
    backend = make_url(url).get_backend_name()
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    if backend == "sqlite":
        target = _sqlite_path(url)
        if target.exists() and target.stat().st_size > 0:
            raise BackupError(f"{target} exists already; restore into a new file.")
        shutil.copyfile(source, target)
        return
    if backend == "postgresql":
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_libpq_url(url)}", str(source)])
        return
    raise BackupError(f"Restoring {backend} databases is not supported.")


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (it comes with the PostgreSQL client tools).")
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
