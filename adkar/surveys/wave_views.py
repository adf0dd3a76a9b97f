"""Practitioner pages for survey waves: create, invite, follow the response rate, import, export."""

from flask import Blueprint

bp = Blueprint("waves", __name__)
