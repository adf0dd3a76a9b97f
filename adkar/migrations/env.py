"""Alembic environment, for both ways of running the migrations:

- `flask --app adkar init-db` (and the tests) through adkar.migrate, which hands over a connection;
- Flask-Migrate's `flask --app adkar db ...` (upgrade, migrate, check, history), which runs inside the app
  context: the connection then comes from the app's own engine.
"""

from alembic import context
from flask import current_app

from adkar import models  # noqa: F401  (fills the metadata)
from adkar.extensions import db


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=db.Model.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


handed_over = context.config.attributes.get("connection")
if handed_over is not None:
    _run(handed_over)
else:
    with current_app.extensions["migrate"].db.engine.connect() as connection:
        _run(connection)
        connection.commit()
