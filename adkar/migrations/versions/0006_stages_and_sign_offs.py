"""an initiative's stages of implementation and the sign-offs they need

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 13:30:00

The stage history (which stage, when, who, why) and named approvers' decisions per stage (issue 20).
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('initiative_stages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name='fk_initiative_stages_initiative_id_initiatives', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_initiative_stages_user_id_users', ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name='pk_initiative_stages'),
    )
    op.create_index('ix_initiative_stages_initiative_id', 'initiative_stages', ['initiative_id'], unique=False)
    op.create_table('sign_offs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('approver_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['approver_id'], ['users.id'], name='fk_sign_offs_approver_id_users', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name='fk_sign_offs_initiative_id_initiatives', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name='pk_sign_offs'),
    )
    op.create_index('ix_sign_offs_initiative_id', 'sign_offs', ['initiative_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_sign_offs_initiative_id', table_name='sign_offs')
    op.drop_table('sign_offs')
    op.drop_index('ix_initiative_stages_initiative_id', table_name='initiative_stages')
    op.drop_table('initiative_stages')
