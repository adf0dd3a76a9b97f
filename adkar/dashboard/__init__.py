"""Sponsor and practitioner dashboards composed from analytics and charts."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)
