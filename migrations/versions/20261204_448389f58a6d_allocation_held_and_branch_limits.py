"""Allocation: held units and starters may be chosen on purpose; per-street branch limits

Revision ID: 448389f58a6d
Revises: caa55e3540fd
Create Date: 2026-12-04 16:39:49.228331

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '448389f58a6d'
down_revision = 'caa55e3540fd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('branch_limits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('branch_group', sa.Enum('daily_goods', 'fashion_luxury', 'leisure_goods', 'home_garden', 'other_retail', 'leisure_horeca', 'services', name='branchgroup', native_enum=False, length=22), nullable=False),
    sa.Column('max_count', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_count BETWEEN 0 AND 99', name=op.f('ck_branch_limits_branch_limit_range')),
    sa.ForeignKeyConstraint(['street_id'], ['streets.id'], name=op.f('fk_branch_limits_street_id_streets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branch_limits')),
    sa.UniqueConstraint('street_id', 'branch_group', name='one_limit_per_street_branch')
    )
    with op.batch_alter_table('branch_limits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_branch_limits_street_id'), ['street_id'], unique=False)

    with op.batch_alter_table('allocation_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('with_held', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('allocation_runs', schema=None) as batch_op:
        batch_op.drop_column('with_held')

    with op.batch_alter_table('branch_limits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_branch_limits_street_id'))

    op.drop_table('branch_limits')
