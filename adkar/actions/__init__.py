"""ADKAR action plans per group and element, the editable action library, and the resistance log.

The actions blueprint is defined here. Its routes live in `views` (action plans), `library_views`,
`resistance_views` and `exports`; create_app imports all four, so no view module imports another to get its
routes registered."""

from flask import Blueprint

bp = Blueprint("actions", __name__)
