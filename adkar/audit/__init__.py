"""Audit trail of changes to plans, milestones, gates, waves, users and tokens."""

from flask import Blueprint

bp = Blueprint("audit", __name__)
