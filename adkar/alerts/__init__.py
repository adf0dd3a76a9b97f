"""E-mail alerts and weekly digests to an initiative's sponsors and practitioners, each user choosing which."""

from flask import Blueprint

bp = Blueprint("alerts", __name__)
