"""What every benchmark of one engine shares: the database, the seeded plan, the app for services."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from flask import Flask

from .datagen import Layout
from .engines import Target
from .figures import Figure
from .options import Options
from .seed import Plan

APP_SPEC = "adkar:create_app()"
FLOOR_SPEC = "bench.floor_app:create_app()"
# Production settings, with the sign-in and API limits raised: every request of the load comes from
# 127.0.0.1, and one token reads and imports far more than a client would. The survey links' limits stay as
# in production: they count failures only, so no respondent of the load is ever refused (bench/office.py
# shows it for 300 respondents with every limit as shipped).
RAISED_LIMIT = "1000000 per minute"
RAISED_KEYS = ("ADKAR_API_RATE_LIMIT", "ADKAR_LOGIN_RATE_LIMIT")


@dataclass
class Context:
    options: Options
    target: Target
    app: Flask
    plan: Plan
    layout: Layout
    rng: np.random.Generator
    workdir: Path
    secret_key: str
    figures: list[Figure] = field(default_factory=list)
    details: dict = field(default_factory=dict)

    @property
    def engine(self) -> str:
        return self.target.name

    def app_env(self) -> dict[str, str]:
        """The environment of the app's gunicorn: production mode on the benchmark database."""
        return {
            "DATABASE_URL": self.target.url,
            "ADKAR_ENV": "production",
            "ADKAR_SECRET_KEY": self.secret_key,
            "ADKAR_RATELIMIT_STORAGE_URI": "memory://",
            "ADKAR_QUEUE_URL": f"sqlite:///{self.workdir / 'queue.sqlite3'}",
            "ADKAR_PUBLIC_URL": "https://adkar.bench.test",
            **dict.fromkeys(RAISED_KEYS, RAISED_LIMIT),
        }

    def floor_env(self) -> dict[str, str]:
        return {"DATABASE_URL": self.target.url}

    def add(self, *figures: Figure) -> None:
        self.figures.extend(figures)
