"""De-minimis aid: the other aid an applicant declares on a subsidy application (cents), summed
with what every scheme granted the same KvK number over three years

Revision ID: 6fb470214471
Revises: 31b2a58b1d93
Create Date: 2026-12-04 17:49:54.621649

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6fb470214471'
down_revision = '31b2a58b1d93'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('subsidy_applications', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('other_de_minimis_cents', sa.BigInteger(), server_default='0', nullable=False)
        )
        batch_op.create_check_constraint(
            op.f('ck_subsidy_applications_other_de_minimis_not_negative'),
            'other_de_minimis_cents >= 0',
        )


def downgrade():
    with op.batch_alter_table('subsidy_applications', schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f('ck_subsidy_applications_other_de_minimis_not_negative'), type_='check'
        )
        batch_op.drop_column('other_de_minimis_cents')
