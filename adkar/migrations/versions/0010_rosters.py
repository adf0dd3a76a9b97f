"""rosters: the participants of each stakeholder group, and a headcount that may follow them

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 16:00:00

Per stakeholder group, its participants (e-mail unique within the group, name, language, attributes), and the
group setting headcount_follows_roster (off for existing groups) (issue 17).
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['stakeholder_groups.id'], name=op.f('fk_participants_group_id_stakeholder_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participants')),
    sa.UniqueConstraint('group_id', 'email', name=op.f('uq_participants_group_id'))
    )
    # Not in batch mode: on SQLite that copies the table and drops the old one, and with foreign keys on
    # (adkar.database) the drop would cascade to every wave, invitation and response of the groups.
    op.add_column(
        'stakeholder_groups',
        sa.Column('headcount_follows_roster', sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column('stakeholder_groups', 'headcount_follows_roster')  # SQLite 3.35+ drops a column in place
    op.drop_table('participants')
