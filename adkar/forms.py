"""Form pieces shared by every feature."""

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """For POST-only buttons: carries the CSRF token and nothing else."""
