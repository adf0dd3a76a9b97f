"""Survey definitions, waves, invitations, respondent pages and responses."""
