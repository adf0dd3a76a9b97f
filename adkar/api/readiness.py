"""API endpoints: readiness."""

from . import bp  # noqa: F401
