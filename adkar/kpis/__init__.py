"""Outcome KPIs and benefits of an initiative (issue 20): measured results, kept apart from its stages."""

from flask import Blueprint

bp = Blueprint("kpis", __name__)
