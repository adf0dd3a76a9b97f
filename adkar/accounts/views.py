"""Sign-in and sign-out, the user's own account page, and user administration for admins."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from ..access import role_required
from ..extensions import db, limiter
from ..forms import EmptyForm
from . import services
from .forms import LoginForm, PasswordForm, RoleForm, TokenForm, UserForm
from .models import ApiToken, User

bp = Blueprint("accounts", __name__)

BAD_LOGIN = "Email or password is not correct."


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _login_failed(response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_login_failed)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    methods=["POST"],
    key_func=lambda: "login-email:" + services.normalise_email(request.form.get("email", "")),
    deduct_when=_login_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("plan.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(email=form.email.data, password=form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("plan.index"))
        form.password.errors.append(BAD_LOGIN)
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        services.end_sessions(user=current_user)
        logout_user()
        flash("You are signed out.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account", methods=["GET"])
@login_required
def account():
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.created_at.desc())
    ).all()
    return render_template(
        "accounts/account.html",
        password_form=PasswordForm(),
        token_form=TokenForm(),
        tokens=tokens,
        revoke_form=EmptyForm(),
        new_token=None,
    )


@bp.post("/account/password")
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(user=current_user, current=form.current.data, new=form.new.data)
        except services.AccountError as exc:
            form.current.errors.append(str(exc))
        else:
            login_user(current_user)
            flash("Your password is changed. Other sessions were signed out.", "success")
            return redirect(url_for("accounts.account"))
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id)).all()
    return render_template(
        "accounts/account.html",
        password_form=form,
        token_form=TokenForm(),
        tokens=tokens,
        revoke_form=EmptyForm(),
        new_token=None,
    ), 400


@bp.post("/account/tokens")
@login_required
def create_token():
    form = TokenForm()
    new_token = None
    status = 400
    if form.validate_on_submit():
        _, new_token = services.create_api_token(user=current_user, name=form.name.data or "")
        status = 201
        form = TokenForm(formdata=None)
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.created_at.desc())
    ).all()
    return render_template(
        "accounts/account.html",
        password_form=PasswordForm(),
        token_form=form,
        tokens=tokens,
        revoke_form=EmptyForm(),
        new_token=new_token,
    ), status


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if EmptyForm().validate_on_submit() and services.revoke_api_token(user=current_user, token_id=token_id):
        flash("The token is revoked.", "success")
        return redirect(url_for("accounts.account"))
    return render_template("errors/error.html", status=404, message="There is no such token."), 404


@bp.get("/admin/users")
@role_required("admin")
def users():
    return _users_page(UserForm())


def _users_page(form: UserForm, status: int = 200):
    all_users = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template(
        "accounts/users.html", users=all_users, form=form, action_form=EmptyForm(), role_form=RoleForm()
    ), status


@bp.post("/admin/users")
@role_required("admin")
def create_user():
    form = UserForm()
    if form.validate_on_submit():
        try:
            services.create_user(
                email=form.email.data,
                role=form.role.data,
                password=form.password.data,
                name=form.name.data or "",
                actor_id=current_user.id,
            )
        except services.AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            flash(f"{form.email.data} can now sign in.", "success")
            return redirect(url_for("accounts.users"))
    return _users_page(form, 400)


@bp.post("/admin/users/<int:user_id>/active")
@role_required("admin")
def toggle_active(user_id: int):
    user = db.get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        if user.id == current_user.id:
            flash("You cannot disable your own account.", "error")
        else:
            services.set_active(user=user, active=not user.active, actor_id=current_user.id)
            flash(f"{user.email} is {'enabled' if user.active else 'disabled'}.", "success")
    return redirect(url_for("accounts.users"))


@bp.post("/admin/users/<int:user_id>/role")
@role_required("admin")
def change_role(user_id: int):
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if form.validate_on_submit():
        if user.id == current_user.id:
            flash("You cannot change your own role.", "error")
        else:
            services.set_role(user=user, role=form.role.data, actor_id=current_user.id)
            flash(f"{user.email} is now {user.role}.", "success")
    return redirect(url_for("accounts.users"))
