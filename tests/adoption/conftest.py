"""Reuses the issue-7 cast: an initiative with two groups and people of every kind around it."""

from tests.actions.conftest import cast  # noqa: F401 - the fixture
