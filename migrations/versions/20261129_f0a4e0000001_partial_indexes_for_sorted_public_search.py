"""Partial indexes for public search: in one city (its name matched case-insensitively) in rent
order, and across all cities sorted by rent, size or rent per m²

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
INDEXES = {
    'ix_units_public_city_rent': [sa.text('lower(city)'), 'rent_cents_per_year', 'id'],
    'ix_units_public_rent': ['rent_cents_per_year', 'id'],
    'ix_units_public_size': ['floor_area_vvo', 'id'],
    'ix_units_public_rent_m2': ['rent_per_m2_cents_per_year', 'id'],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, 'units', columns, unique=False,
                        postgresql_where=sa.text(PUBLIC), sqlite_where=sa.text(PUBLIC))


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name='units')
