"""import mappings: a practitioner's confirmed columns per source, reused for its next file

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 20:45:00

Survey tools' files are mapped column by column to the survey's items (issue 18); a confirmed mapping is kept
per initiative, survey and source name. A person may prefer CSV downloads for European Excel.
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('survey_key', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('targets', sa.JSON(), nullable=False),
    sa.Column('reverse', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_import_mappings_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_import_mappings_updated_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mappings')),
    sa.UniqueConstraint('initiative_id', 'survey_key', 'name', name=op.f('uq_import_mappings_initiative_id')),
    )
    op.create_index('ix_import_mappings_initiative_id', 'import_mappings', ['initiative_id'], unique=False)
    op.create_table('csv_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('european', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_csv_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_csv_preferences')),
    )


def downgrade() -> None:
    op.drop_table('csv_preferences')
    op.drop_index('ix_import_mappings_initiative_id', table_name='import_mappings')
    op.drop_table('import_mappings')
