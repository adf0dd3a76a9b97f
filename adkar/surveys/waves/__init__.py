"""Survey waves: the services (`services`), the forms (`forms`) and the practitioner pages (`views`). The
waves blueprint is defined here; create_app imports `views`, which registers its routes on it."""

from flask import Blueprint

bp = Blueprint("waves", __name__)
