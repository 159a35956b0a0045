"""Submission keys of money forms: a form sent twice (a double click, two tabs) is recognised
by its key, unique per scope, and answered with the first result instead of booking again

Revision ID: cb5331eedfc1
Revises: f0a4e0000001
Create Date: 2026-12-03 08:15:28.002108

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cb5331eedfc1'
down_revision = 'f0a4e0000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=80), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_submissions_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions')),
    sa.UniqueConstraint('scope', 'key', name='one_submission_per_key')
    )


def downgrade():
    op.drop_table('submissions')
