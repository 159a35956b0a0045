"""Partial indexes for public search sorted by rent, size or rent per m² across all cities, and
the city list's index extended with rent so that a search in one city sorted by rent reads it
in order

Revision ID: f0a4e0000001
Revises: f0a1b0000002
Create Date: 2026-11-29 05:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f0a4e0000001'
down_revision = 'f0a1b0000002'
branch_labels = None
depends_on = None

PUBLIC = "status IN ('listed', 'in_talks', 'reserved')"
SORTED = {
    'ix_units_public_rent': ['rent_cents_per_year', 'id'],
    'ix_units_public_size': ['floor_area_vvo', 'id'],
    'ix_units_public_rent_m2': ['rent_per_m2_cents_per_year', 'id'],
}


def _partial(batch_op, name, columns):
    batch_op.create_index(name, columns, unique=False, postgresql_where=sa.text(PUBLIC),
                          sqlite_where=sa.text(PUBLIC))


def upgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index('ix_units_public_city')
        _partial(batch_op, 'ix_units_public_city', ['city', 'rent_cents_per_year', 'id'])
        for name, columns in SORTED.items():
            _partial(batch_op, name, columns)


def downgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        for name in SORTED:
            batch_op.drop_index(name)
        batch_op.drop_index('ix_units_public_city')
        _partial(batch_op, 'ix_units_public_city', ['city'])
