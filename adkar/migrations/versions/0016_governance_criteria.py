"""sign-off links: the e-mailed, single-use, expiring links that let a named approver decide

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-07 21:00:00

Only the token's hash is stored (issue 20).
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0011'
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


def downgrade() -> None:
    op.drop_index('ix_sign_off_links_sign_off_id', table_name='sign_off_links')
    op.drop_table('sign_off_links')
