"""Practitioner pages for survey waves: create, invite, follow the response rate (thin: parse, call, render).

Import and export of responses live in adkar.surveys.responses.views; the wave page leaves them a block.
"""

from __future__ import annotations

import re

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from ...access import WRITE, access_level, load_initiative
from ...config import min_group_size
from ...csvio import write_csv
from ...extensions import db
from ...forms import EmptyForm, choice_label, validated
from ...plan.models import Initiative
from ...plan.views import register_plan_panel
from ...validation import ValidationFailed
from ..definitions import registry
from ..definitions.survey import survey_title
from ..invitations import mail_jobs, schedule, sending
from ..invitations import services as invitations
from ..models import Wave
from ..responses import export_jobs, exports
from . import bp, series
from . import services as waves
from .forms import (
    ALL_GROUPS,
    EmailInviteForm,
    LinksCsvForm,
    LinksForm,
    OpenLinkForm,
    ReminderForm,
    ReminderScheduleForm,
    RosterInviteForm,
    WaveForm,
    prefill_data,
    wave_form_data,
)

_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,128}")


def _load_wave(wave_id: int, *, write: bool = False) -> Wave:
    wave = db.session.get(Wave, wave_id)
    if wave is None:
        abort(404)
    load_initiative(current_user, wave.initiative_id, write=write)
    return wave


def _can_write(initiative: Initiative) -> bool:
    return access_level(current_user, initiative) == WRITE


# --- create and edit ----------------------------------------------------------------------------------


@bp.route("/initiatives/<int:initiative_id>/waves/new", methods=["GET", "POST"])
@login_required
def new_wave(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    if request.method == "GET":
        form = WaveForm(formdata=None, data=prefill_data(request.args, initiative)).fill_choices(initiative)
        return render_template("waves/form.html", form=form, initiative=initiative, wave=None)
    form = WaveForm().fill_choices(initiative)
    if form.validate_on_submit():
        try:
            wave = waves.create_wave(initiative=initiative, actor=current_user, **form.service_args())
        except ValidationFailed as exc:
            form.show_problems(exc)
        else:
            flash(f"The wave {wave.name!r} is planned. Invite people below.", "success")
            return redirect(url_for("waves.show", wave_id=wave.id))
    return render_template("waves/form.html", form=form, initiative=initiative, wave=None), 400


@bp.post("/initiatives/<int:initiative_id>/waves/suggested")
@login_required
def create_suggested(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    milestone_id = request.form.get("milestone_id", type=int)
    if milestone_id is None:
        abort(400, "Say which milestone the wave is for.")
    try:
        wave = waves.create_suggested_wave(
            initiative=initiative, actor=current_user, milestone_id=milestone_id
        )
    except ValidationFailed as exc:
        return render_template("errors/error.html", status=400, message=str(exc)), 400
    flash(f"The wave {wave.name!r} is planned. Check its dates, then invite people.", "success")
    return redirect(url_for("waves.show", wave_id=wave.id))


@bp.route("/waves/<int:wave_id>/edit", methods=["GET", "POST"])
@login_required
def edit(wave_id: int):
    wave = _load_wave(wave_id, write=True)
    initiative = wave.initiative
    if request.method == "GET":
        form = WaveForm(formdata=None, data=wave_form_data(wave)).fill_choices(initiative)
        return render_template("waves/form.html", form=form, initiative=initiative, wave=wave)
    form = WaveForm().fill_choices(initiative)
    if form.validate_on_submit():
        try:
            waves.update_wave(wave=wave, actor=current_user, **form.service_args())
        except ValidationFailed as exc:
            form.show_problems(exc)
        else:
            flash("The wave is saved.", "success")
            return redirect(url_for("waves.show", wave_id=wave.id))
    return render_template("waves/form.html", form=form, initiative=initiative, wave=wave), 400


@bp.post("/waves/<int:wave_id>/close")
@login_required
def close(wave_id: int):
    wave = _load_wave(wave_id, write=True)
    if EmptyForm().validate_on_submit():
        waves.close_wave(wave=wave, actor=current_user)
        flash("The wave closes at the end of today; its links stop working after that.", "success")
    return redirect(url_for("waves.show", wave_id=wave_id))


@bp.route("/waves/<int:wave_id>/delete", methods=["GET", "POST"])
@login_required
def delete(wave_id: int):
    """A confirmation page; a wave with responses is closed instead of deleted (its data stays)."""
    wave = _load_wave(wave_id, write=True)
    form = EmptyForm()
    if not form.validate_on_submit():
        return render_template(
            "waves/delete.html", wave=wave, form=form, has_responses=waves.has_responses(wave)
        )
    initiative_id = wave.initiative_id
    outcome = waves.delete_wave(wave=wave, actor=current_user)
    if outcome == "closed":
        flash("The wave has responses, so it was closed (at the end of today) instead of deleted.", "info")
        return redirect(url_for("waves.show", wave_id=wave_id))
    flash("The wave is deleted.", "success")
    return redirect(_plan_url(initiative_id))


def _plan_url(initiative_id: int) -> str:
    """The initiative's plan page when the plan blueprint has one, else the list of initiatives."""
    try:
        return url_for("plan.show", initiative_id=initiative_id)
    except BuildError:
        return url_for("plan.index")


# --- the wave page ------------------------------------------------------------------------------------


def _render_wave(wave: Wave, status: int = 200, **forms):
    can_write = _can_write(wave.initiative)
    definition = registry.get(wave.survey_key)
    progress = waves.wave_progress(wave)
    total = waves.total_progress(progress)
    k = min_group_size()
    context = {
        "wave": wave,
        "initiative": wave.initiative,
        "survey_title": survey_title(definition, "en") if definition else wave.survey_key,
        "survey_minutes": definition.minutes if definition else None,
        "status": waves.wave_status(wave),
        "progress": progress,
        "total": total,
        # The exports' own rule (surveys.responses.exports): the page offers downloads exactly when they hold rows.
        "exports_open": exports.withheld_reason(total.published, k) is None,
        "exports_in_background": can_write and export_jobs.in_background(wave),
        "export_jobs": export_jobs.recent_exports(wave, current_user) if can_write else [],
        "email_counts": invitations.email_counts(wave),
        "mail_jobs": mail_jobs.wave_jobs(wave) if can_write else [],
        "open_links": {wg.group_id: wg.open_link_hash is not None for wg in wave.wave_groups},
        "has_responses": waves.has_responses(wave),
        "can_write": can_write,
        "links_form": forms.get("links_form") or LinksForm(prefix="links", formdata=None).for_wave(wave),
        "email_form": forms.get("email_form")
        or EmailInviteForm(prefix="email", formdata=None).for_wave(wave),
        "roster_form": forms.get("roster_form")
        or RosterInviteForm(prefix="roster", formdata=None).for_wave(wave),
        "reminder_form": forms.get("reminder_form")
        or ReminderForm(prefix="remind", formdata=None).for_wave(wave),
        "schedule_form": forms.get("schedule_form")
        or ReminderScheduleForm(
            prefix="schedule", formdata=None, data={"days": ", ".join(map(str, wave.reminder_days or []))}
        ),
        "open_link_form": forms.get("open_link_form")
        or OpenLinkForm(prefix="open", formdata=None).for_wave(wave),
        "action_form": EmptyForm(),
        "recommended_waves": waves.RECOMMENDED_WAVES,
    }
    return render_template("waves/wave.html", **context), status


@bp.get("/waves/<int:wave_id>")
@login_required
def show(wave_id: int):
    return _render_wave(_load_wave(wave_id))


@bp.get("/waves/<int:wave_id>/progress.json")
@login_required
def progress(wave_id: int):
    wave = _load_wave(wave_id)
    groups = waves.wave_progress(wave)
    return jsonify(
        {
            "wave_id": wave.id,
            "status": waves.wave_status(wave),
            "groups": [g.as_dict() for g in groups],
            "total": waves.total_progress(groups).as_dict(),
        }
    )


# --- invitations --------------------------------------------------------------------------------------


@bp.post("/waves/<int:wave_id>/links")
@login_required
def links(wave_id: int):
    wave = _load_wave(wave_id, write=True)
    form = LinksForm(prefix="links").for_wave(wave)
    if form.validate_on_submit():
        try:
            tokens = invitations.issue_links(
                wave=wave, group_id=form.group.data, count=validated(form.count.data), actor=current_user
            )
        except ValidationFailed as exc:
            form.form_errors.extend(str(p) for p in exc.problems)
        else:
            group_name = choice_label(form.group, form.group.data)
            csv_form = LinksCsvForm(
                formdata=None, data={"group": form.group.data, "tokens": " ".join(tokens)}
            )
            return render_template(
                "waves/links.html",
                wave=wave,
                group_name=group_name,
                urls=[invitations.personal_url(t) for t in tokens],
                csv_form=csv_form,
            )
    return _render_wave(wave, 400, links_form=form)


@bp.post("/waves/<int:wave_id>/links.csv")
@login_required
def links_csv(wave_id: int):
    """The links just shown, as a mail-merge CSV; only real links of this wave and group are written."""
    wave = _load_wave(wave_id, write=True)
    form = LinksCsvForm()
    if not form.validate_on_submit():
        abort(400, "The links to download are missing.")
    group_field = form.group.data or ""
    group_id = int(group_field) if group_field.isdigit() else None
    group = next((wg.group for wg in wave.wave_groups if wg.group_id == group_id), None)
    tokens = [t for t in (form.tokens.data or "").split() if _TOKEN.fullmatch(t)]
    if group is None or not tokens:
        abort(400, "The links to download are missing.")
    known = invitations.known_tokens(wave=wave, group_id=group.id, tokens=tokens)
    body = write_csv(["group", "link"], [(group.name, invitations.personal_url(t)) for t in known])
    filename = f"wave-{wave.id}-links.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/waves/<int:wave_id>/emails")
@login_required
def emails(wave_id: int):
    wave = _load_wave(wave_id, write=True)
    form = EmailInviteForm(prefix="email").for_wave(wave)
    if not form.validate_on_submit():
        return _render_wave(wave, 400, email_form=form)
    try:
        queued = sending.queue_invitations(
            wave=wave,
            group_id=form.group.data,
            recipients=sending.recipients_from_text(form.emails.data or ""),
            actor=current_user,
            send_when=form.send_when.data or "now",
            language=form.language.data or "",
        )
    except ValidationFailed as exc:
        form.emails.errors = [p.message for p in exc.problems]
        return _render_wave(wave, 400, email_form=form)
    _flash_queued(queued, "invitation")
    return redirect(url_for("waves.show", wave_id=wave_id))


@bp.post("/waves/<int:wave_id>/roster-invitations")
@login_required
def roster_invitations(wave_id: int):
    """E-mail everyone on the group's roster who has not been invited to this wave yet."""
    wave = _load_wave(wave_id, write=True)
    form = RosterInviteForm(prefix="roster").for_wave(wave)
    if not form.validate_on_submit():
        return _render_wave(wave, 400, roster_form=form)
    people = sending.roster_of(form.group.data)
    if not people:
        form.group.errors = ["This group has no roster yet: add its participants on the group's roster page."]
        return _render_wave(wave, 400, roster_form=form)
    try:
        queued = sending.queue_invitations(
            wave=wave,
            group_id=form.group.data,
            recipients=people,
            actor=current_user,
            send_when=form.send_when.data or "now",
        )
    except ValidationFailed as exc:
        form.form_errors.extend(p.message for p in exc.problems)
        return _render_wave(wave, 400, roster_form=form)
    if not queued.queued and not queued.unsubscribed:
        flash("Everyone on the roster is invited to this wave already.", "info")
    else:
        _flash_queued(queued, "invitation")
    return redirect(url_for("waves.show", wave_id=wave_id))


@bp.post("/waves/<int:wave_id>/reminders")
@login_required
def reminders(wave_id: int):
    wave = _load_wave(wave_id, write=True)
    form = ReminderForm(prefix="remind").for_wave(wave)
    if not form.validate_on_submit():
        return _render_wave(wave, 400, reminder_form=form)
    group_id = None if form.group.data == ALL_GROUPS else form.group.data
    try:
        queued = sending.queue_reminders(wave=wave, group_id=group_id, actor=current_user)
    except ValidationFailed as exc:
        form.form_errors.extend(p.message for p in exc.problems)
        return _render_wave(wave, 400, reminder_form=form)
    if not queued.queued:
        flash("Nobody to remind: everyone emailed has answered, or nobody was emailed yet.", "info")
    else:
        _flash_queued(queued, "reminder")
    return redirect(url_for("waves.show", wave_id=wave_id))


def _flash_queued(queued: sending.Queued, noun: str) -> None:
    if queued.queued:
        plural = "s" if queued.queued != 1 else ""
        flash(f"{queued.queued:,} {noun}{plural} queued; the progress is shown below.", "success")
    if queued.already_invited:
        shown = ", ".join(queued.already_invited[:10])
        more = f" and {len(queued.already_invited) - 10:,} more" if len(queued.already_invited) > 10 else ""
        flash(f"Already invited to this wave, so skipped: {shown}{more}. Send a reminder instead.", "info")
    if queued.unsubscribed:
        shown = ", ".join(queued.unsubscribed[:10])
        more = f" and {len(queued.unsubscribed) - 10:,} more" if len(queued.unsubscribed) > 10 else ""
        flash(f"Unsubscribed from survey e-mail, so not sent: {shown}{more}.", "info")
    if queued.over_headcount:
        flash(queued.over_headcount, "warning")


@bp.post("/waves/<int:wave_id>/reminder-schedule")
@login_required
def reminder_schedule(wave_id: int):
    wave = _load_wave(wave_id, write=True)
    form = ReminderScheduleForm(prefix="schedule")
    if not form.validate_on_submit():
        return _render_wave(wave, 400, schedule_form=form)
    try:
        days = schedule.set_reminder_days(
            wave=wave, days=schedule.parse_days(form.days.data or ""), actor=current_user
        )
    except ValidationFailed as exc:
        form.days.errors = [p.message for p in exc.problems]
        return _render_wave(wave, 400, schedule_form=form)
    if days:
        flash(
            f"Non-responders will be reminded on day{'s' if len(days) > 1 else ''} "
            f"{', '.join(map(str, days))} after opening.",
            "success",
        )
    else:
        flash("No automatic reminders for this wave.", "success")
    return redirect(url_for("waves.show", wave_id=wave_id))


@bp.get("/waves/<int:wave_id>/jobs.json")
@login_required
def job_progress(wave_id: int):
    """The wave's recent e-mail jobs, for the page's live progress (static/js/job-progress.js)."""
    wave = _load_wave(wave_id, write=True)
    return jsonify({"jobs": [p.as_dict() for p in mail_jobs.wave_jobs(wave)]})


@bp.post("/waves/<int:wave_id>/open-link")
@login_required
def open_link(wave_id: int):
    wave = _load_wave(wave_id, write=True)
    form = OpenLinkForm(prefix="open").for_wave(wave)
    if form.validate_on_submit():
        try:
            token = invitations.open_link(wave=wave, group_id=form.group.data, actor=current_user)
        except ValidationFailed as exc:
            form.form_errors.extend(p.message for p in exc.problems)
        else:
            return render_template(
                "waves/open_link.html",
                wave=wave,
                group_name=choice_label(form.group, form.group.data),
                url=invitations.open_url(token),
                action_form=EmptyForm(),
                group_id=form.group.data,
            )
    return _render_wave(wave, 400, open_link_form=form)


@bp.post("/waves/<int:wave_id>/open-link/<int:group_id>/disable")
@login_required
def disable_open_link(wave_id: int, group_id: int):
    wave = _load_wave(wave_id, write=True)
    if EmptyForm().validate_on_submit():
        try:
            stopped = invitations.disable_open_link(wave=wave, group_id=group_id, actor=current_user)
        except ValidationFailed:
            abort(404)
        flash("The open link is switched off." if stopped else "That group had no open link.", "success")
    return redirect(url_for("waves.show", wave_id=wave_id))


# --- the plan page's wave section ---------------------------------------------------------------------


def _plan_waves_panel(initiative: Initiative) -> dict:
    return {"plan_waves": plan_waves(initiative)}


bp.record_once(lambda state: register_plan_panel(state.app, _plan_waves_panel))


def plan_waves(initiative: Initiative) -> dict:
    """What templates/waves/_plan_waves.html shows: the waves, their response rate, and suggestions."""
    rows = waves.initiative_waves(initiative)
    rates = waves.response_rates([w.id for w in rows])
    can_write = _can_write(initiative)
    return {
        "waves": [
            {
                "wave": w,
                "status": waves.wave_status(w),
                "progress": rates.get(w.id),
                "survey_title": survey_title(d, "en") if (d := registry.get(w.survey_key)) else w.survey_key,
            }
            for w in rows
        ],
        "suggestions": waves.suggested_waves(initiative) if can_write else [],
        "series": series.initiative_series(initiative.id),
        "can_write": can_write,
        "recommended": waves.RECOMMENDED_WAVES,
        "action_form": EmptyForm(),
    }
