"""Placements lose the 'signed' state, which the app never reached (the agreement is signed on
paper and a placement becomes active on its start date): any placement left in it is active.
The column is a non-native enum (VARCHAR), so only the rows change.

Revision ID: 24e6c61f252c
Revises: 9e1c4a7b2d02
Create Date: 2026-12-03 18:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '24e6c61f252c'
down_revision = '9e1c4a7b2d02'
branch_labels = None
depends_on = None


def upgrade():
    placements = sa.table('placements', sa.column('status', sa.String(14)))
    op.execute(
        placements.update().where(placements.c.status == 'signed').values(status='active')
    )


def downgrade():
    # Which active placements were signed before is not known: they stay active.
    pass
