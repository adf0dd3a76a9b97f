"""Action-library pages: everyone signed in reads it; practitioners and admins edit it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import can_write_anything, role_required
from ..deletion import confirm_delete
from ..elements import ELEMENTS
from ..extensions import db
from ..forms import EmptyForm, save_form
from ..rules.roles import WRITER_ROLES
from . import bp, library
from .forms import LibraryEntryForm
from .models import LibraryEntry


def _entry(entry_id: int) -> LibraryEntry:
    entry = db.session.get(LibraryEntry, entry_id)
    if entry is None:
        abort(404)
    return entry


@bp.get("/action-library")
@login_required
def library_index():
    return render_template(
        "actions/library.html",
        grouped=library.entries_by_element(),
        can_write=can_write_anything(current_user),
        form=EmptyForm(),
    )


def _fields(form: LibraryEntryForm) -> dict:
    return {
        "element": form.element.data,
        "title": form.title.data or "",
        "description": form.description.data or "",
    }


def _page(form: LibraryEntryForm, entry: LibraryEntry | None):
    status = 400 if request.method == "POST" else 200
    return render_template("actions/library_form.html", form=form, entry=entry), status


@bp.route("/action-library/new", methods=["GET", "POST"])
@role_required(*WRITER_ROLES)
def new_library_entry():
    form = LibraryEntryForm()
    if request.method == "GET" and request.args.get("element") in ELEMENTS:
        form.element.data = request.args["element"]
    entry = save_form(form, lambda: library.create_entry(actor=current_user, **_fields(form)))
    if entry:
        flash(f"“{entry.title}” is added to the library.", "success")
        return redirect(url_for("actions.library_index", _anchor=entry.element))
    return _page(form, None)


@bp.route("/action-library/<int:entry_id>/edit", methods=["GET", "POST"])
@role_required(*WRITER_ROLES)
def edit_library_entry(entry_id: int):
    entry = _entry(entry_id)
    form = LibraryEntryForm(obj=entry)
    if save_form(form, lambda: library.update_entry(entry=entry, actor=current_user, **_fields(form))):
        flash(f"“{entry.title}” is saved.", "success")
        return redirect(url_for("actions.library_index", _anchor=entry.element))
    return _page(form, entry)


@bp.route("/action-library/<int:entry_id>/delete", methods=["GET", "POST"])
@role_required(*WRITER_ROLES)
def delete_library_entry(entry_id: int):
    entry = _entry(entry_id)
    index = url_for("actions.library_index", _anchor=entry.element)
    return confirm_delete(
        "actions/confirm_delete.html",
        delete=lambda: library.delete_entry(entry=entry, actor=current_user),
        done=f"“{entry.title}” is removed from the library.",
        then=index,
        initiative=None,
        what=f"the library entry “{entry.title}”",
        consequence="Actions already planned from it keep their text.",
        action=url_for("actions.delete_library_entry", entry_id=entry.id),
        cancel=index,
    )


@bp.post("/action-library/restore")
@role_required(*WRITER_ROLES)
def restore_library():
    if not EmptyForm().validate_on_submit():
        abort(400)
    added = library.restore_suggestions(actor=current_user)
    if added:
        flash(f"{added} suggested action{'s are' if added != 1 else ' is'} back in the library.", "success")
    else:
        flash("Every suggested action is in the library already.", "info")
    return redirect(url_for("actions.library_index"))
