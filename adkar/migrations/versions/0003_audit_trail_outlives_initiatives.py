"""the audit trail outlives the initiatives it describes

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 19:00:00

Deleting an initiative used to delete its audit events with it (ON DELETE CASCADE), losing who changed what.
The events now keep the initiative's id without a foreign key, so admins still read them.
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

FOREIGN_KEY = 'fk_audit_events_initiative_id_initiatives'


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_='foreignkey')


def downgrade() -> None:
    # Events of initiatives deleted since the upgrade have no initiative to point at: they go, as before.
    op.execute(
        sa.text('DELETE FROM audit_events WHERE initiative_id IS NOT NULL '
                'AND initiative_id NOT IN (SELECT id FROM initiatives)')
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_foreign_key(FOREIGN_KEY, 'initiatives', ['initiative_id'], ['id'], ondelete='CASCADE')
