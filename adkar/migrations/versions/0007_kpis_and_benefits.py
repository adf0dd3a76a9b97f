"""outcome KPIs with their measurements, and benefits

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 14:00:00

Per initiative, KPIs (unit, direction, baseline, target, owner, due date, source, legacy flag, explanation)
with one measurement per day, and benefits (baseline, target, forecast, actual) (issue 20).
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table('kpis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('baseline', sa.Double(), nullable=False),
    sa.Column('target', sa.Double(), nullable=True),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('legacy', sa.Boolean(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    *_timestamps(),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_kpis_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpis')),
    sa.UniqueConstraint('initiative_id', 'name', name=op.f('uq_kpis_initiative_id'))
    )
    op.create_table('kpi_measurements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('value', sa.Double(), nullable=False),
    *_timestamps(),
    sa.ForeignKeyConstraint(['kpi_id'], ['kpis.id'], name=op.f('fk_kpi_measurements_kpi_id_kpis'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_measurements')),
    sa.UniqueConstraint('kpi_id', 'day', name=op.f('uq_kpi_measurements_kpi_id'))
    )
    op.create_table('benefits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('baseline', sa.Double(), nullable=False),
    sa.Column('target', sa.Double(), nullable=True),
    sa.Column('forecast', sa.Double(), nullable=True),
    sa.Column('actual', sa.Double(), nullable=True),
    *_timestamps(),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_benefits_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefits')),
    )
    op.create_index('ix_benefits_initiative_id', 'benefits', ['initiative_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_benefits_initiative_id', table_name='benefits')
    op.drop_table('benefits')
    op.drop_table('kpi_measurements')
    op.drop_table('kpis')
