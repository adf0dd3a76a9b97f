"""The technical side beside the people side: ITSM change records per milestone (models, services, the
CSV/XLSX columns, forms and pages), and whether a change outruns its people (`services.change_risks`).
"""

from flask import Blueprint

bp = Blueprint("change_records", __name__)
