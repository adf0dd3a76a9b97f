"""answers held, sealed, until their group has k of their kind

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 03:00:00

Respondents' answers no longer go straight into responses: they wait in held_answers, sealed with a key
the database does not hold, and are published in shuffled batches of at least k (docs/security.md).
Without a rowid on SQLite, so the file does not record the order in which answers arrived.
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('held_answers',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['stakeholder_groups.id'], name='fk_held_answers_group_id_stakeholder_groups', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name='fk_held_answers_wave_id_waves', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('wave_id', 'group_id', 'source', 'id', name='pk_held_answers'),
    sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table('held_answers')
