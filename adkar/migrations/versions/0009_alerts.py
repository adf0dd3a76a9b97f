"""e-mail alerts: each user's choices and the alerts already sent

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 16:00:00

A user's choice per alert kind (kinds without a row follow the role's default), and one row per alert
mailed to a user, unique on (user, kind, dedupe key), so every alert goes out once (issue 17).
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_alert_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_alert_preferences'))
    )
    op.create_table('alerts_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_alerts_sent_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts_sent')),
    sa.UniqueConstraint('user_id', 'kind', 'dedupe_key', name=op.f('uq_alerts_sent_user_id'))
    )
    op.create_index('ix_alerts_sent_dedupe_key', 'alerts_sent', ['dedupe_key'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_alerts_sent_dedupe_key', table_name='alerts_sent')
    op.drop_table('alerts_sent')
    op.drop_table('alert_preferences')
