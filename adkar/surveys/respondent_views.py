"""The respondent's pages: no sign-in, a personal or open link, one anonymous response."""

from flask import Blueprint

bp = Blueprint("respond", __name__)
