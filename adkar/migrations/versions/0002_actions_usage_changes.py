"""actions, resistance, usage figures and change records

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:12:03.251649

Adds ADKAR action plans with their editable library (seeded from adkar/actions/library_seed.toml), the
resistance log, usage figures with each initiative's target utilisation, and milestones' IT change records.
"""

import sqlalchemy as sa
from alembic import op

from adkar.actions.seed import load_seed
from adkar.timeutil import utc_now

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    library = op.create_table('action_library',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('element', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    *_timestamps(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_library')),
    sa.UniqueConstraint('element', 'title', name=op.f('uq_action_library_element'))
    )
    op.create_table('adoption_settings',
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('target_utilisation', sa.Double(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_adoption_settings_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('initiative_id', name=op.f('pk_adoption_settings'))
    )
    op.create_table('adkar_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('element', sa.String(length=20), nullable=False),
    sa.Column('what', sa.String(length=500), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('library_entry_id', sa.Integer(), nullable=True),
    *_timestamps(),
    sa.ForeignKeyConstraint(['group_id'], ['stakeholder_groups.id'], name=op.f('fk_adkar_actions_group_id_stakeholder_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['library_entry_id'], ['action_library.id'], name=op.f('fk_adkar_actions_library_entry_id_action_library'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adkar_actions'))
    )
    with op.batch_alter_table('adkar_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adkar_actions_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adkar_actions_library_entry_id'), ['library_entry_id'], unique=False)

    op.create_table('change_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('change_type', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    *_timestamps(),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestones.id'], name=op.f('fk_change_records_milestone_id_milestones'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_records')),
    sa.UniqueConstraint('milestone_id', name=op.f('uq_change_records_milestone_id'))
    )
    op.create_table('resistance_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=500), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('logged_on', sa.Date(), nullable=False),
    *_timestamps(),
    sa.ForeignKeyConstraint(['group_id'], ['stakeholder_groups.id'], name=op.f('fk_resistance_entries_group_id_stakeholder_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resistance_entries'))
    )
    with op.batch_alter_table('resistance_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resistance_entries_group_id'), ['group_id'], unique=False)

    op.create_table('usage_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('active_users', sa.Integer(), nullable=False),
    *_timestamps(),
    sa.ForeignKeyConstraint(['group_id'], ['stakeholder_groups.id'], name=op.f('fk_usage_figures_group_id_stakeholder_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_usage_figures')),
    sa.UniqueConstraint('group_id', 'day', name=op.f('uq_usage_figures_group_id'))
    )

    now = utc_now()
    op.bulk_insert(library, [{**entry, 'created_at': now, 'updated_at': now} for entry in load_seed()])


def downgrade() -> None:
    op.drop_table('usage_figures')
    with op.batch_alter_table('resistance_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resistance_entries_group_id'))

    op.drop_table('resistance_entries')
    op.drop_table('change_records')
    with op.batch_alter_table('adkar_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adkar_actions_library_entry_id'))
        batch_op.drop_index(batch_op.f('ix_adkar_actions_group_id'))

    op.drop_table('adkar_actions')
    op.drop_table('adoption_settings')
    op.drop_table('action_library')
