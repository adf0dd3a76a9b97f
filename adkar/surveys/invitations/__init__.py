"""Invitations to answer a wave (`services`): personal links, email invitations and reminders, open links.
Their pages are the waves blueprint's (adkar.surveys.waves.views)."""
