"""API endpoints: surveys."""

from . import bp  # noqa: F401
