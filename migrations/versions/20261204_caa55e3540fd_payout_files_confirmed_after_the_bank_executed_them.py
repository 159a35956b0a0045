"""Payout files in two steps: a SEPA file puts its payouts "in payment file" (exported); staff
then confirm the bank executed it (payouts sent, who/when on the batch) or record that the
bank rejected it (payouts pending again, a new file may be made: one live file per
settlement instead of one file ever).

Enums are stored as strings (native_enum=False, no check constraint): the new values need no
type change on PostgreSQL, only the payout status column's length grows (15 → 16). Files made
before this revision had already marked their payouts sent: they become executed on their
execution date.

Revision ID: caa55e3540fd
Revises: 971398fb6261
Create Date: 2026-12-04 16:23:49.779438

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'caa55e3540fd'
down_revision = '971398fb6261'
branch_labels = None
depends_on = None

LIVE = sa.text("status != 'rejected'")


def upgrade():
    with op.batch_alter_table('payout_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum('exported', 'executed', 'rejected', name='batchstatus', native_enum=False, length=16), server_default='exported', nullable=False))
        batch_op.add_column(sa.Column('executed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_payout_batches_settlement_id'), type_='unique')
        batch_op.create_index(batch_op.f('ix_payout_batches_settlement_id'), ['settlement_id'], unique=False)
        batch_op.create_index('one_live_batch_per_settlement', ['settlement_id'], unique=True, postgresql_where=LIVE, sqlite_where=LIVE)
        batch_op.create_foreign_key(batch_op.f('fk_payout_batches_decided_by_id_users'), 'users', ['decided_by_id'], ['id'])

    # Earlier files marked their payouts sent at once: they count as executed on their date.
    op.execute("UPDATE payout_batches SET status = 'executed', executed_on = execution_date")

    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.alter_column('status',
               existing_type=sa.VARCHAR(length=15),
               type_=sa.Enum('pending', 'exported', 'sent', 'failed', name='payoutstatus', native_enum=False, length=16),
               existing_nullable=False)


def downgrade():
    # A file the bank has not executed was, in the old model, never made: its payouts are
    # pending again; rejected files go (one file per settlement comes back).
    op.execute("UPDATE payouts SET status = 'pending', batch_id = NULL WHERE status = 'exported'")
    op.execute(
        "UPDATE payouts SET batch_id = NULL WHERE batch_id IN "
        "(SELECT id FROM payout_batches WHERE status IN ('rejected', 'exported'))"
    )
    op.execute("DELETE FROM payout_batches WHERE status IN ('rejected', 'exported')")

    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.alter_column('status',
               existing_type=sa.Enum('pending', 'exported', 'sent', 'failed', name='payoutstatus', native_enum=False, length=16),
               type_=sa.Enum('pending', 'sent', 'failed', name='payoutstatus', native_enum=False, length=15),
               existing_nullable=False)

    with op.batch_alter_table('payout_batches', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payout_batches_decided_by_id_users'), type_='foreignkey')
        batch_op.drop_index('one_live_batch_per_settlement', postgresql_where=LIVE, sqlite_where=LIVE)
        batch_op.drop_index(batch_op.f('ix_payout_batches_settlement_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_payout_batches_settlement_id'), ['settlement_id'])
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('executed_on')
        batch_op.drop_column('status')
