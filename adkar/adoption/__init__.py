"""Measured adoption: usage figures per group and date, utilisation, speed of adoption, ultimate utilisation."""

from flask import Blueprint

bp = Blueprint("adoption", __name__)
