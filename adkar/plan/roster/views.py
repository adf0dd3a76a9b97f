"""Roster pages: the list, its upload (CSV or XLSX, all or nothing), one person added or removed, the headcount
setting, and the roster as CSV or XLSX.

Every route loads the group for writing, so only the initiative's practitioners and admins reach it: the
roster holds people's addresses, which sponsors do not read (403), and strangers get 404 like everywhere.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ...access import load_record
from ...extensions import db
from ...forms import EmptyForm, attach_problems
from ...import_page import csv_import
from ...spreadsheet import CSV_MEDIA_TYPE, download, table_download
from ...timeutil import today
from ...validation import ValidationFailed
from .. import bp
from ..models import StakeholderGroup
from . import imports, services
from .forms import FollowForm, ParticipantForm, RosterImportForm
from .models import Participant


def _group(group_id: int) -> StakeholderGroup:
    return load_record(current_user, StakeholderGroup, group_id, write=True)


def _page(group: StakeholderGroup, *, participant_form=None, status: int = 200):
    roster = services.roster_page(group.id, page=request.args.get("page", 1, type=int))
    follow_form = FollowForm(follows=group.headcount_follows_roster)
    return render_template(
        "plan/roster.html",
        group=group,
        initiative=group.initiative,
        roster=roster,
        attribute_keys=services.attribute_keys(roster.participants),
        follow_form=follow_form,
        participant_form=participant_form or ParticipantForm(formdata=None),
        import_form=RosterImportForm(formdata=None),
        action_form=EmptyForm(),
        max_participants=services.MAX_PARTICIPANTS,
    ), status


@bp.get("/groups/<int:group_id>/participants")
@login_required
def roster(group_id: int):
    return _page(_group(group_id))


@bp.post("/groups/<int:group_id>/participants/add")
@login_required
def add_participant(group_id: int):
    group = _group(group_id)
    form = ParticipantForm()
    if form.validate_on_submit():
        try:
            participant = services.add_participant(
                group=group,
                actor=current_user,
                email=form.email.data or "",
                name=form.name.data or "",
                language=form.language.data or "",
            )
        except ValidationFailed as exc:
            attach_problems(form, exc)
        else:
            flash(f"{participant.email} is on the roster of “{group.name}”.", "success")
            return redirect(url_for("plan.roster", group_id=group.id))
    return _page(group, participant_form=form, status=400)


@bp.post("/groups/<int:group_id>/participants/<int:participant_id>/remove")
@login_required
def remove_participant(group_id: int, participant_id: int):
    group = _group(group_id)
    participant = _participant(group, participant_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    email = participant.email
    services.remove_participant(participant=participant, actor=current_user)
    flash(f"{email} is no longer on the roster of “{group.name}”.", "success")
    return redirect(url_for("plan.roster", group_id=group.id, page=request.args.get("page", 1, type=int)))


def _participant(group: StakeholderGroup, participant_id: int) -> Participant:
    """A participant of this group (404 for anyone else's, so a URL cannot mix two groups)."""
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.group_id != group.id:
        abort(404)
    return participant


@bp.post("/groups/<int:group_id>/participants/headcount")
@login_required
def follow_roster(group_id: int):
    group = _group(group_id)
    form = FollowForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_headcount_follows_roster(group=group, actor=current_user, follows=bool(form.follows.data))
    if group.headcount_follows_roster:
        flash(f"The headcount of “{group.name}” follows its roster: {group.headcount:,}.", "success")
    else:
        flash(f"The headcount of “{group.name}” is set by hand again ({group.headcount:,}).", "success")
    return redirect(url_for("plan.roster", group_id=group.id))


@bp.route("/groups/<int:group_id>/participants/import", methods=["GET", "POST"])
@login_required
def import_roster(group_id: int):
    group = _group(group_id)

    def store(upload) -> str:
        rows = imports.read_roster(upload.stream, upload.filename or "")
        change = services.replace_roster(group=group, rows=rows, actor=current_user, source="file")
        people = f"{change.total:,} {'person' if change.total == 1 else 'people'}"
        return (
            f"The roster of “{group.name}” now holds {people}: {change.added:,} added, "
            f"{change.updated:,} changed, {change.removed:,} removed."
        )

    return csv_import(
        RosterImportForm(),
        store=store,
        done=url_for("plan.roster", group_id=group.id),
        template="plan/roster_import.html",
        example=imports.example_csv,
        group=group,
        initiative=group.initiative,
        columns=imports.COLUMNS,
        max_rows=services.MAX_PARTICIPANTS,
    )


@bp.get("/groups/<int:group_id>/participants/import/example.csv")
@login_required
def roster_example(group_id: int):
    _group(group_id)
    return download(imports.example_csv(), CSV_MEDIA_TYPE, "roster-example.csv")


def _export(group_id: int, kind: str):
    group = _group(group_id)
    header, rows = imports.roster_table(group.id)
    return table_download(
        kind,
        header,
        rows,
        stem=f"group-{group.id}-roster-{today().isoformat()}",
        sheet="Roster",
        notes=[
            f"Roster of the group {group.name} ({group.initiative.name}). Exported on {today().isoformat()}.",
            "One row per person, with the columns the roster import reads: upload it again to restore it. "
            "It holds people's e-mail addresses: keep it where only the people running the change can read it.",
        ],
    )


@bp.get("/groups/<int:group_id>/participants.csv")
@login_required
def export_roster(group_id: int):
    return _export(group_id, "csv")


@bp.get("/groups/<int:group_id>/participants.xlsx")
@login_required
def export_roster_xlsx(group_id: int):
    return _export(group_id, "xlsx")
