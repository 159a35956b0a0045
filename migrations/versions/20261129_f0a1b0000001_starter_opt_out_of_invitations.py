"""Starter opt-out of invitations: a starter can say they do not want to be invited to apply

Revision ID: f0a1b0000001
Revises: e9da5b000001
Create Date: 2026-11-29 05:05:11.276620

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f0a1b0000001'
down_revision = 'e9da5b000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('starter_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitations_opt_out', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('starter_profiles', schema=None) as batch_op:
        batch_op.drop_column('invitations_opt_out')
