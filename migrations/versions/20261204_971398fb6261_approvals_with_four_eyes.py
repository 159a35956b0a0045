"""Approvals with four eyes: a settlement or subsidy grant above FOUR_EYES_THRESHOLD_CENTS
records its first approval here and waits for a second, different staff member

Revision ID: 971398fb6261
Revises: d72c5afe5bdf
Create Date: 2026-12-04 16:27:07.588573

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '971398fb6261'
down_revision = 'd72c5afe5bdf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('approvals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('first_by_id', sa.Integer(), nullable=False),
    sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('second_by_id', sa.Integer(), nullable=True),
    sa.Column('second_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_approvals_approval_amount_positive')),
    sa.CheckConstraint('second_by_id IS NULL OR second_by_id <> first_by_id', name=op.f('ck_approvals_two_different_people')),
    sa.ForeignKeyConstraint(['first_by_id'], ['users.id'], name=op.f('fk_approvals_first_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_approvals_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['second_by_id'], ['users.id'], name=op.f('fk_approvals_second_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approvals')),
    sa.UniqueConstraint('kind', 'subject_id', name='one_approval_per_subject')
    )
    with op.batch_alter_table('approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approvals_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approvals_organisation_id'))

    op.drop_table('approvals')