"""Change plans: initiatives, stakeholder groups, milestones and plan templates.

The plan blueprint is defined here. Its routes live in `views` (initiatives), `group_views` and
`milestone_views`; create_app imports all three, so no view module imports another to get its routes
registered."""

from flask import Blueprint

bp = Blueprint("plan", __name__)
