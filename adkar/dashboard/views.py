"""Dashboard pages: readiness per initiative and per wave."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)
