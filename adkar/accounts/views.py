"""Sign-in and sign-out, the user's own account page, and user administration for admins."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests

from ..access import role_required
from ..database import begin_write
from ..errors import error_response
from ..extensions import db, limiter
from ..forms import EmptyForm, validated
from ..rules.roles import ROLES
from . import bp, oidc, services
from .forms import LoginForm, PasswordForm, ResetPasswordForm, RoleForm, TokenForm, UserForm
from .models import ApiToken, CsvPreference, User, prefers_european_csv

BAD_LOGIN = "Email or password is not correct."
PASSWORD_LOGIN_OFF = "Password sign-in is switched off here: sign in with your organisation's account."  # noqa: S105
TOO_MANY_SIGN_INS = (
    "Too many unsuccessful sign-in attempts. For the safety of the account, sign-in is paused: "
    "please wait a minute and try again."
)


def _safe_next(target: str | None) -> str | None:
    """A local path to return to after sign-in; anything that could leave the site is dropped."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _login_failed(response) -> bool:
    """`deduct_when` of the sign-in limits: the form came back (wrong email or password, or a form that
    failed its checks). Signing in (302) is never counted, and neither is a refusal by the limits (429): a
    person retrying during a pause must not use up the hour's budget."""
    return response.status_code == 400


@bp.errorhandler(TooManyRequests)
def _too_many(exc: TooManyRequests):
    """The sign-in form says why it stopped; the limiter adds Retry-After to the response."""
    return error_response(429, TOO_MANY_SIGN_INS if request.endpoint == "accounts.login" else None)


def _account_key() -> str:
    return "login-email:" + services.normalise_email(request.form.get("email", ""))


# Failed sign-ins count per address and per account (the email asked for, known or not); signing in never
# counts, so colleagues behind one office address are only ever paused by failures. Unlike the survey links
# and API tokens, a password can be guessed: both limits are tested before the password is checked, so while
# a window is full even the right password waits (Retry-After). Letting it through would tell a guesser
# which password is right, and the limits would then slow nothing.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_login_failed)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    methods=["POST"],
    key_func=_account_key,
    deduct_when=_login_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")) or url_for("plan.index"))
    form = LoginForm()
    passwords = oidc.password_login_enabled(current_app.config)
    if request.method == "POST" and not passwords:
        form.form_errors.append(PASSWORD_LOGIN_OFF)
    elif form.validate_on_submit():
        user = services.authenticate(email=form.email.data, password=form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("plan.index"))
        form.password.errors.append(BAD_LOGIN)
    status = 400 if request.method == "POST" else 200
    page = render_template(
        "accounts/login.html",
        form=form,
        password_login=passwords,
        provider=oidc.settings(),
        next_url=_safe_next(request.args.get("next")),
    )
    return page, status


@bp.post("/logout")
@login_required
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        services.end_sessions(user=current_user)
        logout_user()
        id_token = session.pop(oidc.ID_TOKEN_KEY, None)
        flash("You are signed out.", "info")
        at_provider = oidc.provider_logout(id_token)
        if at_provider is not None:
            return at_provider
    return redirect(url_for("accounts.login"))


def _account_page(
    *,
    password_form: PasswordForm | None = None,
    token_form: TokenForm | None = None,
    new_token: str | None = None,
    new_token_name: str = "",
    status: int = 200,
):
    tokens = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == current_user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()
    page = render_template(
        "accounts/account.html",
        password_form=password_form or PasswordForm(formdata=None),
        token_form=token_form or TokenForm(formdata=None),
        tokens=tokens,
        new_token=new_token,
        new_token_name=new_token_name,
        european_csv=prefers_european_csv(current_user.id),
    )
    return page, status


@bp.get("/account")
@login_required
def account():
    return _account_page()


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
            login_user(current_user._get_current_object())  # this session gets the new nonce; the others end
            flash("Your password is changed. Your other sessions were signed out.", "success")
            return redirect(url_for("accounts.account"))
    return _account_page(password_form=form, status=400)


@bp.post("/account/csv-style")
@login_required
def set_csv_style():
    """CSV downloads for European Excel (semicolons, decimal commas) or the plain comma-separated kind."""
    if not EmptyForm().validate_on_submit():
        return error_response(400, "The form has expired: reload the page and try again.")
    european = request.form.get("european_csv") == "1"
    begin_write()
    preference = db.session.get(CsvPreference, current_user.id) or CsvPreference(user_id=current_user.id)
    preference.european = european
    db.session.add(preference)
    db.session.commit()
    flash(
        "CSV downloads now use semicolons and decimal commas."
        if european
        else "CSV downloads now use commas and decimal points.",
        "success",
    )
    return redirect(url_for("accounts.account"))


@bp.post("/account/tokens")
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _account_page(token_form=form, status=400)
    token, plain = services.create_api_token(user=current_user, name=form.name.data or "")
    # Rendered, not redirected: the plain value must never travel through the session or a URL.
    return _account_page(new_token=plain, new_token_name=token.name, status=201)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if EmptyForm().validate_on_submit() and services.revoke_api_token(user=current_user, token_id=token_id):
        flash("The token is revoked. Anything using it can no longer reach the API.", "success")
        return redirect(url_for("accounts.account"))
    return error_response(404, "There is no such active token.")


def _users_page(form: UserForm | None = None, status: int = 200):
    all_users = db.session.scalars(select(User).order_by(User.active.desc(), User.email)).all()
    return render_template(
        "accounts/users.html",
        users=all_users,
        form=form or UserForm(formdata=None),
        roles=ROLES,
        reset_form=ResetPasswordForm(formdata=None),
    ), status


@bp.get("/admin/users")
@role_required("admin")
def users():
    return _users_page()


@bp.post("/admin/users")
@role_required("admin")
def create_user():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                email=form.email.data,
                role=form.role.data,
                password=form.password.data,
                name=form.name.data or "",
                actor_id=current_user.id,
            )
        except services.AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            flash(f"{user.email} can now sign in as {user.role}.", "success")
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
            if user.active:
                flash(f"{user.email} is enabled and can sign in again.", "success")
            else:
                flash(f"{user.email} is disabled and was signed out everywhere.", "success")
    return redirect(url_for("accounts.users"))


@bp.post("/admin/users/<int:user_id>/role")
@role_required("admin")
def change_role(user_id: int):
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Choose one of the roles listed.", "error")
    elif user.id == current_user.id:
        flash("You cannot change your own role; ask another administrator.", "error")
    elif form.role.data == user.role:
        flash(f"{user.email} is already {user.role}.", "info")
    else:
        services.set_role(user=user, role=form.role.data, actor_id=current_user.id)
        flash(f"{user.email} is now {user.role} and was signed out everywhere.", "success")
    return redirect(url_for("accounts.users"))


@bp.post("/admin/users/<int:user_id>/password")
@role_required("admin")
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ResetPasswordForm()
    if user.id == current_user.id:
        flash("Change your own password on your account page.", "error")
    elif not form.validate_on_submit():
        flash(" ".join(form.new.errors) or "Choose a new password.", "error")
    else:
        services.set_password(user=user, new=validated(form.new.data), actor_id=current_user.id)
        flash(f"{user.email} has a new password and was signed out everywhere.", "success")
    return redirect(url_for("accounts.users"))
