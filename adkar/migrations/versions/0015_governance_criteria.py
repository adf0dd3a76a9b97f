"""sign-off links and per-initiative criteria: e-mailed decision links, criteria switched off or set

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 21:00:00

Only a link token's hash is stored. stage_criteria holds an initiative's departures from the default
entry criteria: switched off with a justification, or the sign-off roles a stage requires (issue 20).
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_off_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sign_off_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['sign_off_id'], ['sign_offs.id'], name=op.f('fk_sign_off_links_sign_off_id_sign_offs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_off_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_off_links_token_hash')),
    )
    op.create_index('ix_sign_off_links_sign_off_id', 'sign_off_links', ['sign_off_id'], unique=False)
    op.create_table('stage_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=True),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_stage_criteria_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_stage_criteria_updated_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_criteria')),
    sa.UniqueConstraint('initiative_id', 'stage', 'key', name=op.f('uq_stage_criteria_initiative_id')),
    )


def downgrade() -> None:
    op.drop_table('stage_criteria')
    op.drop_index('ix_sign_off_links_sign_off_id', table_name='sign_off_links')
    op.drop_table('sign_off_links')
