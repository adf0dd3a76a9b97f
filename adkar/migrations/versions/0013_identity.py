"""enterprise identity: OpenID Connect subjects, service accounts, scoped tokens, SCIM provisioning

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 20:30:00

Users gain a kind (person or service account), the identity provider's subject they sign in with, and
the directory's external id; API tokens an optional list of scopes. SCIM adds its hashed bearer tokens
and the directory's groups with their members (issue 19).
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('users', sa.Column('kind', sa.String(length=10), nullable=False, server_default='person'))
    op.add_column('users', sa.Column('oidc_subject', sa.String(length=600), nullable=True))
    op.add_column('users', sa.Column('external_id', sa.String(length=255), nullable=True))
    op.add_column('users', sa.Column('deprovisioned_at', sa.DateTime(), nullable=True))
    op.add_column('users', sa.Column('directory_attributes', sa.JSON(), nullable=True))
    op.create_index('ix_users_oidc_subject', 'users', ['oidc_subject'], unique=True)
    op.add_column('api_tokens', sa.Column('scopes', sa.JSON(), nullable=True))
    op.create_table('scim_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scim_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_scim_tokens_token_hash')),
    )
    op.create_table('directory_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=255), nullable=False),
    sa.Column('external_id', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_groups')),
    sa.UniqueConstraint('display_name', name=op.f('uq_directory_groups_display_name')),
    )
    op.create_table('directory_group_members',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['directory_groups.id'], name=op.f('fk_directory_group_members_group_id_directory_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_directory_group_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'user_id', name=op.f('pk_directory_group_members')),
    )
    op.create_index('ix_directory_group_members_user_id', 'directory_group_members', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_directory_group_members_user_id', table_name='directory_group_members')
    op.drop_table('directory_group_members')
    op.drop_table('directory_groups')
    op.drop_table('scim_tokens')
    op.drop_column('api_tokens', 'scopes')
    op.drop_index('ix_users_oidc_subject', table_name='users')
    op.drop_column('users', 'directory_attributes')
    op.drop_column('users', 'deprovisioned_at')
    op.drop_column('users', 'external_id')
    op.drop_column('users', 'oidc_subject')
    op.drop_column('users', 'kind')
