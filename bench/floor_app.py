"""The submission floor: a bare Flask app whose one endpoint parses a form and inserts one row.

Served by the same gunicorn worker model, on the same database, with the same SQLite pragmas and
BEGIN IMMEDIATE as the app, so the ratio measures what adkar adds (CSRF, rate limit, token lookup, validation,
scoring, receipt, tally), not the server or the disk. `gunicorn 'bench.floor_app:create_app()'`.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import date

from flask import Flask, redirect, request
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

INSERT = text("INSERT INTO bench_floor_submissions (id, payload, created_on) VALUES (:id, :payload, :on)")


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 15000")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_app() -> Flask:
    app = Flask(__name__)
    engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine)

    @app.post("/submit")
    def submit():
        payload = json.dumps(request.form.to_dict())
        with engine.begin() as conn:
            conn.execute(INSERT, {"id": secrets.token_hex(16), "payload": payload, "on": date.today()})
        return redirect("/thanks", code=303)

    @app.get("/thanks")
    def thanks():
        return "Thank you."

    return app
