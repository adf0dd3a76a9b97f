"""Responses: received exactly once (`services`), held sealed (`sealing`) and published k at a time
(`publication`) with the running tally (`tally`); imports checked column by column (`column_check`) or row
by row (`row_check`) and inserted in bulk (`bulk_insert`); anonymous exports (`exports`) and the practitioner
pages for import and export (`views`). The responses blueprint is defined here; create_app imports `views`,
which registers its routes on it."""

from flask import Blueprint

bp = Blueprint("responses", __name__)
