"""API endpoints: initiatives, their stakeholder groups, milestones and members (thin: read, call a service)."""

from __future__ import annotations

from flask import abort, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import access_level, load_initiative, visible_initiatives_query
from ..accounts.models import User
from ..extensions import db
from ..plan import services
from ..plan.models import (
    APPROACHES,
    MEMBER_ROLES,
    Initiative,
    InitiativeMember,
    Milestone,
    StakeholderGroup,
)
from ..plan.services import DEFAULT_THRESHOLD, MAX_HEADCOUNT
from ..plan.templates import MILESTONE_KINDS
from . import bp
from .auth import api_user, require_writer
from .http import created, json_response, no_content
from .openapi import list_of, operation
from .payload import Boolean, Choice, Date, Element, Email, Fields, IdList, Integer, Share, String, read_body
from .serialise import (
    GROUP,
    INITIATIVE,
    MEMBER,
    MILESTONE,
    group_json,
    initiative_json,
    member_json,
    milestone_json,
)

INITIATIVE_CHANGE = Fields(
    name=String(max_length=200),
    description=String(max_length=5000, blank=True, multiline=True, default=""),
    approach=Choice(choices=APPROACHES, description="How the technology is delivered."),
    go_live=Date(description="The day the change goes live."),
)
INITIATIVE_NEW = Fields(
    **INITIATIVE_CHANGE.fields,
    template=Boolean(default=False, description="Add the approach's usual milestones, dated from go_live."),
)
GROUP_FIELDS = Fields(
    name=String(max_length=120, description="Unique within the initiative (ignoring case)."),
    headcount=Integer(minimum=1, maximum=MAX_HEADCOUNT, description="How many people the group holds."),
    description=String(max_length=2000, blank=True, multiline=True, default=""),
)
MILESTONE_FIELDS = Fields(
    name=String(max_length=200),
    kind=Choice(choices=MILESTONE_KINDS),
    due=Date(),
    target_element=Element(description="The element people must have reached by `due`."),
    threshold=Share(
        default=DEFAULT_THRESHOLD, description="The share of each group that must have reached it."
    ),
    group_ids=IdList(default=(), description="Groups of this initiative the gate reads; empty means all."),
)
MEMBER_FIELDS = Fields(
    email=Email(description="An existing user's email."),
    role=Choice(choices=MEMBER_ROLES, description="practitioner: co-runs the plan; sponsor: reads it."),
)

TAG = "plan"
WRITE_ERRORS = (403,)


# --- initiatives ---------------------------------------------------------------------------------------


def _initiative_json(initiative: Initiative, user: User) -> dict:
    return initiative_json(initiative, access=access_level(user, initiative) or "read")


@bp.get("/initiatives")
@operation(summary="Initiatives the token's user can see", tag=TAG, responses={200: list_of(INITIATIVE)})
def list_initiatives():
    user = api_user()
    query = visible_initiatives_query(user).options(selectinload(Initiative.owner))
    return json_response({"items": [_initiative_json(i, user) for i in db.session.scalars(query)]})


@bp.post("/initiatives")
@operation(
    summary="Create an initiative owned by the token's user",
    tag=TAG,
    body=INITIATIVE_NEW.schema(),
    responses={201: INITIATIVE},
    errors=WRITE_ERRORS,
)
def create_initiative():
    user = require_writer()
    values = read_body(INITIATIVE_NEW)
    use_template = values.pop("template")
    initiative = services.create_initiative(owner=user, use_template=use_template, **values)
    return created(
        _initiative_json(initiative, user), url_for("api.get_initiative", initiative_id=initiative.id)
    )


@bp.get("/initiatives/<id:initiative_id>")
@operation(summary="One initiative", tag=TAG, responses={200: INITIATIVE})
def get_initiative(initiative_id: int):
    user = api_user()
    return json_response(_initiative_json(load_initiative(user, initiative_id), user))


@bp.patch("/initiatives/<id:initiative_id>")
@operation(
    summary="Change some fields of an initiative",
    tag=TAG,
    body=INITIATIVE_CHANGE.schema(partial=True),
    responses={200: INITIATIVE},
    errors=WRITE_ERRORS,
)
def update_initiative(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    changes = read_body(INITIATIVE_CHANGE, partial=True)
    current = {
        "name": initiative.name,
        "description": initiative.description,
        "approach": initiative.approach,
        "go_live": initiative.go_live,
    }
    services.update_initiative(initiative=initiative, actor=user, **(current | changes))
    return json_response(_initiative_json(initiative, user))


@bp.delete("/initiatives/<id:initiative_id>")
@operation(
    summary="Delete an initiative with its groups, milestones, surveys and responses",
    tag=TAG,
    responses={204: None},
    errors=WRITE_ERRORS,
)
def delete_initiative(initiative_id: int):
    user = api_user()
    services.delete_initiative(initiative=load_initiative(user, initiative_id, write=True), actor=user)
    return no_content()


# --- stakeholder groups --------------------------------------------------------------------------------


def _group(group_id: int, *, write: bool = False) -> StakeholderGroup:
    """The group when its initiative is visible (404 otherwise; 403 for a change without the right)."""
    group = db.session.get(StakeholderGroup, group_id)
    if group is None:
        abort(404)
    load_initiative(api_user(), group.initiative_id, write=write)
    return group


@bp.get("/initiatives/<id:initiative_id>/groups")
@operation(summary="The stakeholder groups of an initiative", tag=TAG, responses={200: list_of(GROUP)})
def list_groups(initiative_id: int):
    initiative = load_initiative(api_user(), initiative_id)
    return json_response({"items": [group_json(g) for g in initiative.groups]})


@bp.post("/initiatives/<id:initiative_id>/groups")
@operation(
    summary="Add a stakeholder group",
    tag=TAG,
    body=GROUP_FIELDS.schema(),
    responses={201: GROUP},
    errors=WRITE_ERRORS,
)
def create_group(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    group = services.create_group(initiative=initiative, actor=user, **read_body(GROUP_FIELDS))
    return created(group_json(group), url_for("api.get_group", group_id=group.id))


@bp.get("/groups/<id:group_id>")
@operation(summary="One stakeholder group", tag=TAG, responses={200: GROUP})
def get_group(group_id: int):
    return json_response(group_json(_group(group_id)))


@bp.patch("/groups/<id:group_id>")
@operation(
    summary="Change some fields of a stakeholder group",
    tag=TAG,
    body=GROUP_FIELDS.schema(partial=True),
    responses={200: GROUP},
    errors=WRITE_ERRORS,
)
def update_group(group_id: int):
    group = _group(group_id, write=True)
    changes = read_body(GROUP_FIELDS, partial=True)
    current = {"name": group.name, "headcount": group.headcount, "description": group.description}
    services.update_group(group=group, actor=api_user(), **(current | changes))
    return json_response(group_json(group))


@bp.delete("/groups/<id:group_id>")
@operation(
    summary="Delete a stakeholder group (milestones stop reading it)",
    tag=TAG,
    responses={204: None},
    errors=WRITE_ERRORS,
)
def delete_group(group_id: int):
    services.delete_group(group=_group(group_id, write=True), actor=api_user())
    return no_content()


# --- milestones ----------------------------------------------------------------------------------------


def _milestone(milestone_id: int, *, write: bool = False) -> Milestone:
    """The milestone when its initiative is visible (404 otherwise; 403 for a change without the right)."""
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None:
        abort(404)
    load_initiative(api_user(), milestone.initiative_id, write=write)
    return milestone


@bp.get("/initiatives/<id:initiative_id>/milestones")
@operation(
    summary="The milestones of an initiative, by due date",
    tag=TAG,
    responses={200: list_of(MILESTONE)},
)
def list_milestones(initiative_id: int):
    initiative = load_initiative(api_user(), initiative_id)
    milestones = db.session.scalars(
        select(Milestone)
        .where(Milestone.initiative_id == initiative.id)
        .options(selectinload(Milestone.groups))
        .order_by(Milestone.due, Milestone.id)
    )
    return json_response({"items": [milestone_json(m) for m in milestones]})


@bp.post("/initiatives/<id:initiative_id>/milestones")
@operation(
    summary="Add a milestone with its readiness gate",
    tag=TAG,
    body=MILESTONE_FIELDS.schema(),
    responses={201: MILESTONE},
    errors=WRITE_ERRORS,
)
def create_milestone(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    milestone = services.create_milestone(initiative=initiative, actor=user, **read_body(MILESTONE_FIELDS))
    return created(milestone_json(milestone), url_for("api.get_milestone", milestone_id=milestone.id))


@bp.get("/milestones/<id:milestone_id>")
@operation(summary="One milestone", tag=TAG, responses={200: MILESTONE})
def get_milestone(milestone_id: int):
    return json_response(milestone_json(_milestone(milestone_id)))


@bp.patch("/milestones/<id:milestone_id>")
@operation(
    summary="Change some fields of a milestone",
    tag=TAG,
    body=MILESTONE_FIELDS.schema(partial=True),
    responses={200: MILESTONE},
    errors=WRITE_ERRORS,
)
def update_milestone(milestone_id: int):
    milestone = _milestone(milestone_id, write=True)
    changes = read_body(MILESTONE_FIELDS, partial=True)
    current = {
        "name": milestone.name,
        "kind": milestone.kind,
        "due": milestone.due,
        "target_element": milestone.target_element,
        "threshold": milestone.threshold,
        "group_ids": [g.id for g in milestone.groups],
    }
    services.update_milestone(milestone=milestone, actor=api_user(), **(current | changes))
    return json_response(milestone_json(milestone))


@bp.delete("/milestones/<id:milestone_id>")
@operation(summary="Delete a milestone", tag=TAG, responses={204: None}, errors=WRITE_ERRORS)
def delete_milestone(milestone_id: int):
    services.delete_milestone(milestone=_milestone(milestone_id, write=True), actor=api_user())
    return no_content()


# --- members -------------------------------------------------------------------------------------------


@bp.get("/initiatives/<id:initiative_id>/members")
@operation(
    summary="Who besides the owner has access to an initiative",
    tag=TAG,
    responses={200: list_of(MEMBER)},
)
def list_members(initiative_id: int):
    initiative = load_initiative(api_user(), initiative_id)
    members = db.session.scalars(
        select(InitiativeMember)
        .join(User, User.id == InitiativeMember.user_id)
        .where(InitiativeMember.initiative_id == initiative.id)
        .options(selectinload(InitiativeMember.user))
        .order_by(InitiativeMember.role, User.email)
    )
    return json_response({"items": [member_json(m) for m in members]})


@bp.post("/initiatives/<id:initiative_id>/members")
@operation(
    summary="Give an existing user access, or change their role",
    description="201 when the user is added, 200 when an existing member's role is changed.",
    tag=TAG,
    body=MEMBER_FIELDS.schema(),
    responses={200: MEMBER, 201: MEMBER},
    errors=WRITE_ERRORS,
)
def add_member(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    values = read_body(MEMBER_FIELDS)
    existed = db.session.scalar(
        select(InitiativeMember.user_id)
        .join(User, User.id == InitiativeMember.user_id)
        .where(InitiativeMember.initiative_id == initiative.id, User.email == values["email"])
    )
    member = services.add_member(initiative=initiative, actor=user, **values)
    body = member_json(member)
    return json_response(body) if existed is not None else created(body, body["url"])


@bp.delete("/initiatives/<id:initiative_id>/members/<id:user_id>")
@operation(summary="Take a member's access away", tag=TAG, responses={204: None}, errors=WRITE_ERRORS)
def remove_member(initiative_id: int, user_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    if not services.remove_member(initiative=initiative, actor=user, user_id=user_id):
        abort(404, "That user is not a member of this initiative.")
    return no_content()
