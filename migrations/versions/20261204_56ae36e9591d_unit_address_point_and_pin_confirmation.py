"""A unit's address point from the address service, and the landlord's confirmation of a pin
placed far from it

Revision ID: 56ae36e9591d
Revises: aa92becc6aee
Create Date: 2026-12-04 20:29:05.581592

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "56ae36e9591d"
down_revision = "aa92becc6aee"
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN, not batch mode: SQLite adds and drops these columns in place, and a
# batch copy of the table could not carry its expression index (ix_units_public_city_rent).


def upgrade():
    op.add_column("units", sa.Column("address_latitude", sa.Double(), nullable=True))
    op.add_column("units", sa.Column("address_longitude", sa.Double(), nullable=True))
    op.add_column(
        "units",
        sa.Column("pin_confirmed", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade():
    op.drop_column("units", "pin_confirmed")
    op.drop_column("units", "address_longitude")
    op.drop_column("units", "address_latitude")
