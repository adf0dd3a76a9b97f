"""Audit trail of changes to plans, milestones, gates, waves, users and tokens."""
