"""Accounts: sign-in, roles, API tokens and user administration."""
