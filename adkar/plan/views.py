"""Plan pages (thin: parse, call a service, render)."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..access import visible_initiatives_query
from ..extensions import db

bp = Blueprint("plan", __name__)


@bp.get("/")
@login_required
def index():
    initiatives = db.session.scalars(visible_initiatives_query(current_user)).all()
    return render_template("plan/index.html", initiatives=initiatives)
