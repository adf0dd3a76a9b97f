"""Apply the Alembic migrations to the app's database (idempotent: already-applied steps are skipped)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask
from flask_migrate import Migrate

from .extensions import db

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
migrate = Migrate(directory=str(MIGRATIONS))
"""Flask-Migrate over the same history: `flask --app adkar db upgrade | migrate -m ... | check | history`."""


def init_app(app: Flask) -> None:
    migrate.init_app(app, db)


def alembic_config(connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(app: Flask, revision: str = "head") -> None:
    with app.app_context():
        with db.engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
        db.engine.dispose()  # close the pooled connection now, not when the app is garbage-collected


def downgrade(app: Flask, revision: str) -> None:
    with app.app_context(), db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)
