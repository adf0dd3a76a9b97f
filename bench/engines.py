"""The databases a run uses: a fresh SQLite file, or a PostgreSQL database it creates and drops itself."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from .options import Options


class EngineUnavailable(RuntimeError):
    """The engine cannot be used on this machine; the run reports it and goes on with the others."""


@dataclass(frozen=True)
class Target:
    """One engine's benchmark database: its SQLAlchemy URL and how to open a bare DBAPI connection."""

    name: str
    url: str
    workdir: Path

    @property
    def is_sqlite(self) -> bool:
        return self.name == "sqlite"

    @property
    def placeholder(self) -> str:
        return "?" if self.is_sqlite else "%s"

    def connect(self) -> Any:
        """A bare DBAPI connection (sqlite3 or psycopg) with the app's SQLite pragmas, outside any pool."""
        if self.is_sqlite:
            conn = sqlite3.connect(make_url(self.url).database, timeout=30)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            return conn
        import psycopg

        return psycopg.connect(_libpq_url(self.url))

    def server_version(self) -> str:
        conn = self.connect()
        try:
            if self.is_sqlite:
                return conn.execute("select sqlite_version()").fetchone()[0]
            return conn.execute("show server_version").fetchone()[0]
        finally:
            conn.close()

    def settings(self) -> dict[str, str]:
        """The server settings that move write and scan figures the most."""
        conn = self.connect()
        try:
            if self.is_sqlite:
                return {
                    "journal_mode": conn.execute("PRAGMA journal_mode").fetchone()[0],
                    "synchronous (app connections)": "NORMAL",
                    "page_size": str(conn.execute("PRAGMA page_size").fetchone()[0]),
                }
            names = ("shared_buffers", "work_mem", "synchronous_commit", "max_connections", "jit")
            return {n: conn.execute(f"show {n}").fetchone()[0] for n in names}
        finally:
            conn.close()


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create(name: str, options: Options, workdir: Path) -> Target:
    """A new, empty database for this engine (PostgreSQL: dropped first when a previous run left it)."""
    if name == "sqlite":
        path = workdir / "bench.sqlite3"
        path.unlink(missing_ok=True)
        return Target("sqlite", f"sqlite:///{path}", workdir)
    server = make_url(options.postgres_url)
    admin = _admin_connection(server.set(database="postgres").render_as_string(hide_password=False))
    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{options.postgres_database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{options.postgres_database}"')
    finally:
        admin.close()
    url = server.set(database=options.postgres_database).render_as_string(hide_password=False)
    return Target("postgresql", url, workdir)


def drop(target: Target, options: Options) -> None:
    if target.is_sqlite:
        for suffix in ("", "-wal", "-shm"):
            Path(make_url(target.url).database + suffix).unlink(missing_ok=True)
        return
    admin = _admin_connection(
        make_url(target.url).set(database="postgres").render_as_string(hide_password=False)
    )
    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{options.postgres_database}" WITH (FORCE)')
    finally:
        admin.close()


def _admin_connection(url: str):
    import psycopg

    try:
        return psycopg.connect(_libpq_url(url), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as first:
        if not _start_local_cluster(url):
            raise EngineUnavailable(
                f"PostgreSQL is not reachable at {make_url(url).host}: {first}"
            ) from first
    for _ in range(20):
        try:
            return psycopg.connect(_libpq_url(url), autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as exc:
            last = exc
            time.sleep(0.5)
    raise EngineUnavailable(f"PostgreSQL did not start: {last}")


def _start_local_cluster(url: str) -> bool:
    """Start the Debian cluster on this machine when the URL points here and it is only stopped."""
    if make_url(url).host not in ("127.0.0.1", "localhost", None) or not shutil.which("pg_ctlcluster"):
        return False
    clusters = Path("/etc/postgresql")
    if not clusters.is_dir():
        return False
    started = False
    for version in sorted(p.name for p in clusters.iterdir() if (p / "main").is_dir()):
        result = subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
            capture_output=True,
            text=True,
            check=False,
        )
        started = started or result.returncode == 0
    return started
