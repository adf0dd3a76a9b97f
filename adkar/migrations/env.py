"""Alembic environment: runs on the connection adkar.migrate hands over (the app's engine)."""

from alembic import context

from adkar import models  # noqa: F401  (fills the metadata)
from adkar.extensions import db

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "Run migrations with `flask --app adkar init-db` (adkar.migrate), not the alembic CLI."
    )

context.configure(
    connection=connection,
    target_metadata=db.Model.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
