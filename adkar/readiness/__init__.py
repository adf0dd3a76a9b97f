"""Readiness as the app shows it: the SQL loaders (`loaders`: aggregates in the database, shaped into the
frames adkar.analytics expects) and the figures every page, export and API answer reads (`figures`: loaders
+ the pure analytics + the installation's k). adkar.analytics itself stays pure: no Flask, no database.
"""
