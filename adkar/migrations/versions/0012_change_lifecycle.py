"""change records with their lifecycle, several per milestone, and per-initiative change rules

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 20:20:00

A milestone may have several change records (the unique key on milestone_id becomes an index), each with its
request (description, reason, affected services, impact), risk, requested time, planned window, CAB decision,
implementation result and time, review notes, and where an inbound sync took it from (source, external id,
last update applied); change_incidents holds incidents linked to the change that caused them (issue 21). change_settings holds each initiative's number
of days within which an emergency change's retrospective people review is due.

SQLite cannot drop a table-level UNIQUE (0002 created one, backed by an automatic index), so there the table
is rebuilt: a new table, every row copied, the old one dropped, the new one renamed. `PRAGMA foreign_keys=OFF`
would be a no-op here (SQLite ignores it inside a transaction, and Alembic runs this one in a transaction), so
the rebuild instead refuses to run when any table references change_records (a DROP would then delete or
orphan its rows), and checks that every row arrived before dropping the old table.
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

OLD_COLUMNS = 'id, milestone_id, number, change_type, state, url, created_at, updated_at'


def _lifecycle() -> list[sa.Column]:
    return [
        sa.Column('description', sa.Text(), nullable=False, server_default=''),
        sa.Column('reason', sa.Text(), nullable=False, server_default=''),
        sa.Column('affected_services', sa.String(length=500), nullable=False, server_default=''),
        sa.Column('impact', sa.String(length=20), nullable=False, server_default=''),
        sa.Column('risk', sa.String(length=20), nullable=False, server_default=''),
        sa.Column('requested_at', sa.DateTime(), nullable=True),
        sa.Column('planned_start', sa.DateTime(), nullable=True),
        sa.Column('planned_end', sa.DateTime(), nullable=True),
        sa.Column('cab_decision', sa.String(length=20), nullable=False, server_default=''),
        sa.Column('result', sa.String(length=20), nullable=False, server_default=''),
        sa.Column('implemented_at', sa.DateTime(), nullable=True),
        sa.Column('review_notes', sa.Text(), nullable=False, server_default=''),
        sa.Column('sync_source', sa.String(length=20), nullable=False, server_default=''),
        sa.Column('external_id', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('external_updated', sa.String(length=40), nullable=False, server_default=''),
    ]


def _create(name: str, *, unique: bool) -> None:
    constraints = [sa.UniqueConstraint('milestone_id', name='uq_change_records_milestone_id')] if unique else []
    op.create_table(name,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('change_type', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    *([] if unique else _lifecycle()),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestones.id'], name='fk_change_records_milestone_id_milestones', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name='pk_change_records'),
    *constraints,
    )


def _rebuild_sqlite(*, unique: bool) -> None:
    """The new table, every row copied and counted, the old one dropped, the new one renamed."""
    bind = op.get_bind()
    referencing = [
        table
        for (table,) in bind.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'table'"))
        if any(
            row[2] == 'change_records'
            for row in bind.execute(sa.text(f'PRAGMA foreign_key_list("{table}")'))
        )
    ]
    if referencing:
        raise RuntimeError(f"change_records is referenced by {', '.join(referencing)}: not rebuilt")
    before = bind.execute(sa.text('SELECT count(*) FROM change_records')).scalar_one()
    _create('change_records_rebuilt', unique=unique)
    op.execute(f'INSERT INTO change_records_rebuilt ({OLD_COLUMNS}) SELECT {OLD_COLUMNS} FROM change_records')
    after = bind.execute(sa.text('SELECT count(*) FROM change_records_rebuilt')).scalar_one()
    if after != before:
        raise RuntimeError(f'change_records: {before} rows before the rebuild, {after} copied')
    op.drop_table('change_records')
    op.rename_table('change_records_rebuilt', 'change_records')


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _rebuild_sqlite(unique=False)
    else:
        op.drop_constraint('uq_change_records_milestone_id', 'change_records', type_='unique')
        for column in _lifecycle():
            op.add_column('change_records', column)
    op.create_index('ix_change_records_milestone_id', 'change_records', ['milestone_id'], unique=False)
    op.create_table('change_settings',
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('emergency_review_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_change_settings_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('initiative_id', name=op.f('pk_change_settings'))
    )
    op.create_table('change_incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('change_record_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('short_description', sa.String(length=500), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('sync_source', sa.String(length=20), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('external_updated', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['change_record_id'], ['change_records.id'], name=op.f('fk_change_incidents_change_record_id_change_records'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_change_incidents_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_incidents')),
    sa.UniqueConstraint('sync_source', 'external_id', name=op.f('uq_change_incidents_sync_source')),
    )
    op.create_index('ix_change_incidents_initiative_id', 'change_incidents', ['initiative_id'], unique=False)
    op.create_index('ix_change_incidents_change_record_id', 'change_incidents', ['change_record_id'], unique=False)


def downgrade() -> None:
    """Back to one record per milestone; refused (nothing lost) while a milestone has several."""
    bind = op.get_bind()
    shared = bind.execute(
        sa.text('SELECT milestone_id FROM change_records GROUP BY milestone_id HAVING count(*) > 1')
    ).scalars().all()
    if shared:
        raise RuntimeError(
            f'{len(shared)} milestones have several change records; remove the extra ones before downgrading'
        )
    op.drop_table('change_incidents')  # first: it references change_records, which SQLite then rebuilds
    op.drop_table('change_settings')
    op.drop_index('ix_change_records_milestone_id', table_name='change_records')
    if bind.dialect.name == 'sqlite':
        _rebuild_sqlite(unique=True)
        return
    for column in reversed(_lifecycle()):
        op.drop_column('change_records', column.name)
    op.create_unique_constraint('uq_change_records_milestone_id', 'change_records', ['milestone_id'])
