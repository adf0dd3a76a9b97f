"""API endpoints: initiatives, their stakeholder groups, milestones and members (thin: read, call a service)."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import access_level, load_initiative, visible_initiatives_query
from ..accounts.models import User
from ..extensions import db
from ..plan import services
from ..plan.models import Initiative, InitiativeMember, Milestone, StakeholderGroup
from . import bp
from .auth import api_user, require_writer
from .crud import WRITE_ERRORS, api_record, create_operation, delete_operation, items, update_operation
from .http import created, json_response, no_content
from .openapi import operation
from .pages import PAGED, paged
from .payload import read_body, read_changes
from .schemas import plan as schema
from .schemas.base import Page
from .serialise import group_json, initiative_json, member_json, milestone_json

TAG = "plan"


# --- initiatives ---------------------------------------------------------------------------------------


def _initiative_json(initiative: Initiative, user: User) -> dict:
    return initiative_json(initiative, access=access_level(user, initiative) or "read")


@bp.get("/initiatives")
@operation(
    summary="Initiatives the token's user can see, by go-live date",
    tag=TAG,
    responses={200: schema.InitiativeList},
    query=Page,
    errors=(400,),
    description=PAGED,
)
def list_initiatives():
    user = api_user()
    query = visible_initiatives_query(user).options(selectinload(Initiative.owner))
    return paged(
        query, (Initiative.go_live, Initiative.id), lambda initiative: _initiative_json(initiative, user)
    )


@bp.post("/initiatives")
@create_operation(
    summary="Create an initiative owned by the token's user",
    tag=TAG,
    body=schema.InitiativeIn,
    answer=schema.Initiative,
)
def create_initiative():
    user = require_writer()
    values = read_body(schema.InitiativeIn)
    use_template = values.pop("template")
    initiative = services.create_initiative(owner=user, use_template=use_template, **values)
    return created(_initiative_json(initiative, user))


@bp.get("/initiatives/<id:initiative_id>")
@operation(summary="One initiative", tag=TAG, responses={200: schema.Initiative})
def get_initiative(initiative_id: int):
    user = api_user()
    return json_response(_initiative_json(load_initiative(user, initiative_id), user))


@bp.patch("/initiatives/<id:initiative_id>")
@update_operation(
    summary="Change some fields of an initiative",
    tag=TAG,
    body=schema.InitiativeChanges,
    answer=schema.Initiative,
)
def update_initiative(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    services.update_initiative(
        initiative=initiative, actor=user, **read_changes(schema.InitiativeChanges, initiative)
    )
    return json_response(_initiative_json(initiative, user))


@bp.delete("/initiatives/<id:initiative_id>")
@delete_operation(summary="Delete an initiative with its groups, milestones, surveys and responses", tag=TAG)
def delete_initiative(initiative_id: int):
    user = api_user()
    services.delete_initiative(initiative=load_initiative(user, initiative_id, write=True), actor=user)
    return no_content()


# --- stakeholder groups --------------------------------------------------------------------------------


@bp.get("/initiatives/<id:initiative_id>/groups")
@operation(
    summary="The stakeholder groups of an initiative, by id",
    tag=TAG,
    responses={200: schema.GroupList},
    query=Page,
    errors=(400,),
    description=PAGED,
)
def list_groups(initiative_id: int):
    initiative = load_initiative(api_user(), initiative_id)
    query = select(StakeholderGroup).where(StakeholderGroup.initiative_id == initiative.id)
    return paged(query, (StakeholderGroup.id,), group_json)


@bp.post("/initiatives/<id:initiative_id>/groups")
@create_operation(summary="Add a stakeholder group", tag=TAG, body=schema.GroupIn, answer=schema.Group)
def create_group(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    group = services.create_group(initiative=initiative, actor=user, **read_body(schema.GroupIn))
    return created(group_json(group))


@bp.get("/groups/<id:group_id>")
@operation(summary="One stakeholder group", tag=TAG, responses={200: schema.Group})
def get_group(group_id: int):
    return json_response(group_json(api_record(StakeholderGroup, group_id)))


@bp.patch("/groups/<id:group_id>")
@update_operation(
    summary="Change some fields of a stakeholder group",
    tag=TAG,
    body=schema.GroupChanges,
    answer=schema.Group,
)
def update_group(group_id: int):
    group = api_record(StakeholderGroup, group_id, write=True)
    services.update_group(group=group, actor=api_user(), **read_changes(schema.GroupChanges, group))
    return json_response(group_json(group))


@bp.delete("/groups/<id:group_id>")
@delete_operation(summary="Delete a stakeholder group (milestones stop reading it)", tag=TAG)
def delete_group(group_id: int):
    services.delete_group(group=api_record(StakeholderGroup, group_id, write=True), actor=api_user())
    return no_content()


# --- milestones ----------------------------------------------------------------------------------------


@bp.get("/initiatives/<id:initiative_id>/milestones")
@operation(
    summary="The milestones of an initiative, by due date",
    tag=TAG,
    responses={200: schema.MilestoneList},
)
def list_milestones(initiative_id: int):
    initiative = load_initiative(api_user(), initiative_id)
    milestones = db.session.scalars(
        select(Milestone)
        .where(Milestone.initiative_id == initiative.id)
        .options(selectinload(Milestone.groups))
        .order_by(Milestone.due, Milestone.id)
    )
    return items(milestones, milestone_json)


@bp.post("/initiatives/<id:initiative_id>/milestones")
@create_operation(
    summary="Add a milestone with its readiness gate",
    tag=TAG,
    body=schema.MilestoneIn,
    answer=schema.Milestone,
)
def create_milestone(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    milestone = services.create_milestone(initiative=initiative, actor=user, **read_body(schema.MilestoneIn))
    return created(milestone_json(milestone))


@bp.get("/milestones/<id:milestone_id>")
@operation(summary="One milestone", tag=TAG, responses={200: schema.Milestone})
def get_milestone(milestone_id: int):
    return json_response(milestone_json(api_record(Milestone, milestone_id)))


@bp.patch("/milestones/<id:milestone_id>")
@update_operation(
    summary="Change some fields of a milestone",
    tag=TAG,
    body=schema.MilestoneChanges,
    answer=schema.Milestone,
)
def update_milestone(milestone_id: int):
    milestone = api_record(Milestone, milestone_id, write=True)
    values = read_changes(schema.MilestoneChanges, milestone, group_ids=[g.id for g in milestone.groups])
    services.update_milestone(milestone=milestone, actor=api_user(), **values)
    return json_response(milestone_json(milestone))


@bp.delete("/milestones/<id:milestone_id>")
@delete_operation(summary="Delete a milestone", tag=TAG)
def delete_milestone(milestone_id: int):
    services.delete_milestone(milestone=api_record(Milestone, milestone_id, write=True), actor=api_user())
    return no_content()


# --- members -------------------------------------------------------------------------------------------


@bp.get("/initiatives/<id:initiative_id>/members")
@operation(
    summary="Who besides the owner has access to an initiative",
    tag=TAG,
    responses={200: schema.MemberList},
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
    return items(members, member_json)


@bp.post("/initiatives/<id:initiative_id>/members")
@operation(
    summary="Give an existing user access, or change their role",
    description="201 when the user is added, 200 when an existing member's role is changed.",
    tag=TAG,
    body=schema.MemberIn,
    responses={200: schema.Member, 201: schema.Member},
    errors=WRITE_ERRORS,
)
def add_member(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    values = read_body(schema.MemberIn)
    existed = db.session.scalar(
        select(InitiativeMember.user_id)
        .join(User, User.id == InitiativeMember.user_id)
        .where(InitiativeMember.initiative_id == initiative.id, User.email == values["email"])
    )
    member = services.add_member(initiative=initiative, actor=user, **values)
    body = member_json(member)
    return json_response(body) if existed is not None else created(body)


@bp.delete("/initiatives/<id:initiative_id>/members/<id:user_id>")
@delete_operation(summary="Take a member's access away", tag=TAG)
def remove_member(initiative_id: int, user_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    if not services.remove_member(initiative=initiative, actor=user, user_id=user_id):
        abort(404, "That user is not a member of this initiative.")
    return no_content()
