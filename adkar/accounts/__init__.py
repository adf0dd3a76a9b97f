"""Accounts: sign-in, roles, API tokens and user administration."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
