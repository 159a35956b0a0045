"""Deposits (invoice kinds, deposit returns, bank guarantee) and the yearly turnover
reconciliation.

Revision ID: d72c5afe5bdf
Revises: 24f02a366185
Create Date: 2026-12-04 16:27:42.720509

"""
import warnings
from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd72c5afe5bdf'
down_revision = '24f02a366185'
branch_labels = None
depends_on = None


@contextmanager
def _quiet():
    """SQLite copies a table to change its constraints; reflecting invoices or placements reaches
    the units table, whose expression index SQLite cannot reflect (harmless: not copied)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        yield


def upgrade():
    op.create_table('deposit_returns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('held_cents', sa.BigInteger(), nullable=False),
    sa.Column('damages_cents', sa.BigInteger(), nullable=False),
    sa.Column('damages_description', sa.String(length=500), nullable=True),
    sa.Column('refund_cents', sa.BigInteger(), nullable=False),
    sa.Column('returned_on', sa.Date(), nullable=False),
    sa.Column('returned_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('damages_cents + refund_cents = held_cents', name=op.f('ck_deposit_returns_deposit_return_adds_up')),
    sa.CheckConstraint('damages_cents >= 0 AND refund_cents >= 0', name=op.f('ck_deposit_returns_deposit_return_not_negative')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_deposit_returns_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['placement_id'], ['placements.id'], name=op.f('fk_deposit_returns_placement_id_placements')),
    sa.ForeignKeyConstraint(['returned_by_id'], ['users.id'], name=op.f('fk_deposit_returns_returned_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deposit_returns')),
    sa.UniqueConstraint('placement_id', name=op.f('uq_deposit_returns_placement_id'))
    )
    op.create_table('turnover_reconciliations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('turnover_cents', sa.BigInteger(), nullable=False),
    sa.Column('rent_due_cents', sa.BigInteger(), nullable=False),
    sa.Column('advances_cents', sa.BigInteger(), nullable=False),
    sa.Column('difference_cents', sa.BigInteger(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('difference_cents = rent_due_cents - advances_cents', name=op.f('ck_turnover_reconciliations_reconciliation_adds_up')),
    sa.CheckConstraint('turnover_cents >= 0', name=op.f('ck_turnover_reconciliations_reconciliation_turnover_not_negative')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_turnover_reconciliations_entered_by_id_users')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_turnover_reconciliations_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['placement_id'], ['placements.id'], name=op.f('fk_turnover_reconciliations_placement_id_placements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_turnover_reconciliations')),
    sa.UniqueConstraint('placement_id', 'year', name='one_reconciliation_per_year')
    )
    with op.batch_alter_table('turnover_reconciliations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_turnover_reconciliations_placement_id'), ['placement_id'], unique=False)

    with _quiet(), op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('rent', 'deposit', 'reconciliation', 'credit_note', name='invoicekind', native_enum=False, length=22), server_default='rent', nullable=False))
        batch_op.drop_constraint(batch_op.f('one_invoice_per_placement_month'), type_='unique')
        batch_op.create_unique_constraint('one_invoice_per_placement_month', ['placement_id', 'period', 'kind'])

    with _quiet(), op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deposit_guarantee', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('deposit_guarantee_ref', sa.String(length=120), nullable=True))



def downgrade():
    with _quiet(), op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_column('deposit_guarantee_ref')
        batch_op.drop_column('deposit_guarantee')

    with _quiet(), op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_constraint('one_invoice_per_placement_month', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('one_invoice_per_placement_month'), ['placement_id', 'period'])
        batch_op.drop_column('kind')

    with op.batch_alter_table('turnover_reconciliations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_turnover_reconciliations_placement_id'))

    op.drop_table('turnover_reconciliations')
    op.drop_table('deposit_returns')
