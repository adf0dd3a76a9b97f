"""API endpoints: plan."""

from . import bp  # noqa: F401
