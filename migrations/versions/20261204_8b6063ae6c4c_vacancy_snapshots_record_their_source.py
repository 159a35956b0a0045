"""Vacancy snapshots record their source: recorded by Vrijstad, or imported from a historic
vacancy file (a backfill that never replaces a recorded month)

Revision ID: 8b6063ae6c4c
Revises: c8d0662d12f6
Create Date: 2026-12-04 23:25:51.835728

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b6063ae6c4c'
down_revision = 'c8d0662d12f6'
branch_labels = None
depends_on = None


def upgrade():
    # Every row so far was recorded by Vrijstad itself (the server default fills them).
    with op.batch_alter_table('vacancy_snapshots', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'source',
                sa.Enum('recorded', 'imported', name='snapshotsource', native_enum=False, length=16),
                server_default='recorded',
                nullable=False,
            )
        )


def downgrade():
    # Imported months go with the column: without it they could not be told from recorded ones.
    op.execute("DELETE FROM vacancy_snapshots WHERE source = 'imported'")
    with op.batch_alter_table('vacancy_snapshots', schema=None) as batch_op:
        batch_op.drop_column('source')
