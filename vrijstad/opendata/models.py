"""What an organisation imported from the national registers: the BAG's shop objects
(verblijfsobjecten with winkelfunctie) and the KvK's active establishments (vestigingen) in
its areas, and a record of each import. An import replaces the organisation's rows of its kind.

Both are matched to each other and to units by ``address_key``: the postcode without its
space, the house number and the letter and addition together (see ``reading.address_key``)."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vrijstad import clock
from vrijstad.core import enum_type
from vrijstad.extensions import Model
from vrijstad.starters.models import BranchGroup


class Register(StrEnum):
    BAG = "bag"
    KVK = "kvk"


class BagObject(Model):
    """A verblijfsobject with winkelfunctie in one of the organisation's areas."""

    __tablename__ = "opendata_bag_objects"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    bag_id: Mapped[str] = mapped_column(sa.String(16))
    street: Mapped[str] = mapped_column(sa.String(120))
    house_number: Mapped[int]
    house_letter: Mapped[str | None] = mapped_column(sa.String(1))
    house_number_addition: Mapped[str | None] = mapped_column(sa.String(4))
    postcode: Mapped[str] = mapped_column(sa.String(7))
    city: Mapped[str] = mapped_column(sa.String(80))
    address_key: Mapped[str] = mapped_column(sa.String(24))
    #: Floor area (oppervlakte) in m², as the BAG records it.
    floor_area: Mapped[int | None]
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    status: Mapped[str] = mapped_column(sa.String(80), server_default="")

    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "bag_id", name="uq_bag_object_per_org"),
        sa.Index("ix_bag_objects_org_address", "organisation_id", "address_key"),
    )


class Establishment(Model):
    """An active establishment (vestiging) of the KvK register in one of the areas."""

    __tablename__ = "opendata_establishments"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    establishment_number: Mapped[str] = mapped_column(sa.String(12))
    trade_name: Mapped[str] = mapped_column(sa.String(200))
    street: Mapped[str] = mapped_column(sa.String(120))
    house_number: Mapped[int]
    house_letter: Mapped[str | None] = mapped_column(sa.String(1))
    house_number_addition: Mapped[str | None] = mapped_column(sa.String(4))
    postcode: Mapped[str] = mapped_column(sa.String(7))
    city: Mapped[str] = mapped_column(sa.String(80))
    address_key: Mapped[str] = mapped_column(sa.String(24))
    sbi_code: Mapped[str] = mapped_column(sa.String(5))
    #: The branch group the SBI code falls in (see sbi.py); None: no shop branch.
    branch_group: Mapped[BranchGroup | None] = mapped_column(enum_type(BranchGroup))

    __table_args__ = (
        sa.UniqueConstraint(
            "organisation_id", "establishment_number", name="uq_establishment_per_org"
        ),
        sa.Index("ix_establishments_org_address", "organisation_id", "address_key"),
    )


class RegisterImport(Model):
    """Who imported which register for an organisation, when, and what it gave."""

    __tablename__ = "opendata_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    register: Mapped[Register] = mapped_column(enum_type(Register))
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(sa.String(200), server_default="")
    #: Rows kept (in the areas, and for BAG with winkelfunctie), rows passed over, and the
    #: units (BAG) or BAG shop objects (KvK) they were matched to.
    kept: Mapped[int]
    passed_over: Mapped[int]
    matched: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
