"""Change saturation across initiatives: which stakeholder groups are hit by how many changes, month by month."""

from flask import Blueprint

bp = Blueprint("portfolio", __name__)
