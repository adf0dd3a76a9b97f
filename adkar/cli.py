"""`flask --app adkar ...` commands: database set-up, users, API tokens and demo data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from .accounts import services as accounts
from .accounts.models import User
from .accounts.scopes import SCOPES
from .extensions import db
from .jobs.cli import worker
from .rules.roles import ROLES


def init_app(app: Flask) -> None:
    app.cli.add_command(init_db)
    app.cli.add_command(create_user)
    app.cli.add_command(create_api_token)
    app.cli.add_command(create_scim_token)
    app.cli.add_command(create_service_account)
    app.cli.add_command(demo)
    app.cli.add_command(backup_db)
    app.cli.add_command(restore_db)
    app.cli.add_command(release_answers)
    app.cli.add_command(worker)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (safe to run again)."""
    from flask import current_app

    from .migrate import upgrade

    upgrade(current_app)
    click.echo("Database is up to date.")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default="")
@click.option("--password", help="Prompted for (hidden) when not given.")
def create_user(email: str, role: str, name: str, password: str | None) -> None:
    """Create a user who can sign in."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(email=email, role=role, password=password, name=name)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {user.role} {user.email}.")


@click.command("create-api-token")
@with_appcontext
@click.argument("email")
@click.option("--name", default="cli")
def create_api_token(email: str, name: str) -> None:
    """Issue an API token; the token is printed once, alone on the last line."""
    user = db.session.scalar(select(User).where(User.email == accounts.normalise_email(email)))
    if user is None or not user.active:
        raise click.ClickException(f"No active user with the email {email}.")
    _, plain = accounts.create_api_token(user=user, name=name)
    click.echo("Store this token now; it cannot be shown again:")
    click.echo(plain)


@click.command("scim-token")
@with_appcontext
@click.argument("name")
def create_scim_token(name: str) -> None:
    """Issue the bearer token a directory (Entra ID, Okta) provisions users with at /scim/v2."""
    from .accounts import scim

    _, plain = scim.create_token(name=name)
    click.echo("Store this token now; it cannot be shown again:")
    click.echo(plain)


@click.command("create-service-account")
@with_appcontext
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="practitioner", show_default=True)
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(list(SCOPES)))
def create_service_account(name: str, role: str, scopes: tuple[str, ...]) -> None:
    """An integration's account and its first scoped token (printed once, alone on the last line). Share
    initiatives with it by its address, like with a person."""
    try:
        user = accounts.create_service_account(name=name, role=role)
        _, plain = accounts.create_api_token(user=user, name=name, scopes=list(scopes))
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created service account {user.email} ({role}; scopes {', '.join(scopes)}).")
    click.echo("Store this token now; it cannot be shown again:")
    click.echo(plain)


@click.command("demo")
@with_appcontext
@click.option("--password", default=lambda: os.environ.get("ADKAR_DEMO_PASSWORD", "demo-password"))
def demo(password: str) -> None:
    """Load the demo initiative and its users (does nothing when they exist)."""
    from .demo import load_demo

    created = load_demo(password=password)
    click.echo("Demo data loaded." if created else "Demo data already present.")


@click.command("backup")
@with_appcontext
@click.argument("destination", type=click.Path(dir_okay=False))
def backup_db(destination: str) -> None:
    """Write a consistent backup of the database while the app keeps serving."""
    from flask import current_app

    from .backup import BackupError, backup

    try:
        path = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], Path(destination))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {path}.")


@click.command("restore")
@with_appcontext
@click.argument("source", type=click.Path(dir_okay=False, exists=True))
def restore_db(source: str) -> None:
    """Load a backup into the configured (new, empty) database."""
    from flask import current_app

    from .backup import BackupError, restore

    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], Path(source))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("Backup restored. Run `flask --app adkar init-db` to bring it to the current schema.")


@click.command("release-answers")
@with_appcontext
def release_answers() -> None:
    """Publish every group's held answers that reach k (after k was lowered, or a process stopped between
    holding an answer and publishing its batch); fewer than k stay held."""
    from .surveys.responses.publication import publish_all_ready

    click.echo(f"Published {publish_all_ready()} held answers.")


def main() -> None:
    """Console entry point `adkar`, the same as `flask --app adkar`."""
    from flask.cli import FlaskGroup

    from . import create_app

    cli = FlaskGroup(create_app=create_app)
    sys.exit(cli.main())
