"""The JSON API under /api/v1: bearer-token auth, JSON in and out, JSON errors."""

from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)

from . import auth, plan, readiness, surveys  # noqa: E402,F401
