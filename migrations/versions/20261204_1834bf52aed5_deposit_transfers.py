"""Deposit returns record the days the refund was transferred to the starter and the damages
to the landlord

Revision ID: 1834bf52aed5
Revises: 6fb470214471
Create Date: 2026-12-04 21:08:26.399439

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1834bf52aed5'
down_revision = '6fb470214471'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deposit_returns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refund_paid_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('damages_paid_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('deposit_returns', schema=None) as batch_op:
        batch_op.drop_column('damages_paid_on')
        batch_op.drop_column('refund_paid_on')
