"""The respondent's side: resolving and answering a link (`services`), its rate limits (`limits`) and the
pages (`views`). The respond blueprint is defined here; create_app imports `views`, which registers its
routes on it."""

from flask import Blueprint

bp = Blueprint("respond", __name__)
