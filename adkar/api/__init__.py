"""The JSON API under /api/v1: bearer-token auth, JSON in and out, JSON errors."""

from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)

# http first: it registers the <id:...> converter that the routes of the other modules use.
from . import http  # noqa: E402,F401, I001
from . import auth, openapi, plan, readiness, responses, surveys  # noqa: E402,F401
from . import actions, change_records, governance, integrations, jobs, kpis, portfolio, rosters, usage  # noqa: E402,F401
