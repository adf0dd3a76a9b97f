"""Governance: an initiative's stages of implementation, their entry criteria, and the sign-offs they need."""

from flask import Blueprint

bp = Blueprint("governance", __name__)
