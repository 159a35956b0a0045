"""Shop units (verblijfsobjecten) offered for letting, and their photos."""

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock, labels
from vrijstad.core import enum_type
from vrijstad.extensions import Model
from vrijstad.i18n import lazy_gettext as _l

if TYPE_CHECKING:  # the other side of a relationship
    from vrijstad.areas.models import Area
    from vrijstad.auth.models import User


class UnitStatus(StrEnum):
    DRAFT = "draft"
    LISTED = "listed"
    IN_TALKS = "in_talks"
    RESERVED = "reserved"
    LET = "let"
    WITHDRAWN = "withdrawn"


#: The unit workflow: where each status may go next (let → listed is a terminated lease).
UNIT_TRANSITIONS: dict[UnitStatus, frozenset[UnitStatus]] = {
    UnitStatus.DRAFT: frozenset({UnitStatus.LISTED, UnitStatus.WITHDRAWN}),
    UnitStatus.LISTED: frozenset(
        {UnitStatus.IN_TALKS, UnitStatus.RESERVED, UnitStatus.LET, UnitStatus.WITHDRAWN}
    ),
    UnitStatus.IN_TALKS: frozenset(
        {UnitStatus.LISTED, UnitStatus.RESERVED, UnitStatus.LET, UnitStatus.WITHDRAWN}
    ),
    UnitStatus.RESERVED: frozenset({UnitStatus.LISTED, UnitStatus.LET, UnitStatus.WITHDRAWN}),
    UnitStatus.LET: frozenset({UnitStatus.LISTED}),
    UnitStatus.WITHDRAWN: frozenset({UnitStatus.DRAFT, UnitStatus.LISTED}),
}

STATUS_LABELS = labels.register(
    UnitStatus,
    {
        UnitStatus.DRAFT: _l("draft"),
        UnitStatus.LISTED: _l("listed"),
        UnitStatus.IN_TALKS: _l("in talks"),
        UnitStatus.RESERVED: _l("reserved"),
        UnitStatus.LET: _l("let"),
        UnitStatus.WITHDRAWN: _l("withdrawn"),
    },
)

#: Statuses in which a unit is visible to the public.
PUBLIC_STATUSES = (UnitStatus.LISTED, UnitStatus.IN_TALKS, UnitStatus.RESERVED)


class PermittedUse(StrEnum):
    DETAILHANDEL = "detailhandel"
    DIENSTVERLENING = "dienstverlening"
    HORECA_1 = "horeca_1"
    HORECA_2 = "horeca_2"
    HORECA_3 = "horeca_3"
    OTHER = "other"

    @property
    def bit(self) -> int:
        return 1 << list(PermittedUse).index(self)


USE_LABELS = labels.register(
    PermittedUse,
    {
        PermittedUse.DETAILHANDEL: _l("Retail"),
        PermittedUse.DIENSTVERLENING: _l("Services"),
        PermittedUse.HORECA_1: _l("Horeca category 1 (light)"),
        PermittedUse.HORECA_2: _l("Horeca category 2 (medium)"),
        PermittedUse.HORECA_3: _l("Horeca category 3 (heavy)"),
        PermittedUse.OTHER: _l("Other"),
    },
)


class EnergyLabel(StrEnum):
    A4 = "A++++"
    A3 = "A+++"
    A2 = "A++"
    A1 = "A+"
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"
    G = "G"

    @property
    def rank(self) -> int:
        """0 for A++++ (best) up to 10 for G."""
        return list(EnergyLabel).index(self)


class VacancyClass(StrEnum):
    FRICTIONAL = "frictional"  # under a year
    LONG_TERM = "long_term"  # one to three years
    STRUCTURAL = "structural"  # over three years


def street_address(street: str, number: int, letter: str | None, addition: str | None) -> str:
    """'Kerkstraat 12A-2': street, house number, letter and addition as a Dutch address."""
    house = f"{number}{letter or ''}"
    if addition:
        house += f"-{addition}"
    return f"{street} {house}"


def monthly(cents_per_year: int) -> int:
    """A yearly amount per month, rounded to the cent."""
    return round(cents_per_year / 12)


class Unit(Model):
    """A shop unit with the facts a Dutch listing publishes; money in cents per year excl. VAT."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None while the unit is held for its organisation: imported for an owner without an
    #: account, until the owner claims it (see vrijstad/relations); it cannot be listed then.
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("areas.id"), index=True)
    status: Mapped[UnitStatus] = mapped_column(enum_type(UnitStatus), default=UnitStatus.DRAFT)

    street: Mapped[str] = mapped_column(sa.String(120))
    house_number: Mapped[int]
    house_letter: Mapped[str | None] = mapped_column(sa.String(1))
    house_number_addition: Mapped[str | None] = mapped_column(sa.String(4))
    postcode: Mapped[str] = mapped_column(sa.String(7))
    city: Mapped[str] = mapped_column(sa.String(80))
    bag_id: Mapped[str | None] = mapped_column(sa.String(16))
    #: The pin on the map.
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    #: The address's point as the address service gave it; None when typed by hand.
    address_latitude: Mapped[float | None]
    address_longitude: Mapped[float | None]
    #: The landlord confirmed a pin far from the address's point (see services.pin_distance).
    pin_confirmed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    floor_area_vvo: Mapped[int]
    floor_area_wvo: Mapped[int | None]
    floor_area_bvo: Mapped[int | None]
    uses_mask: Mapped[int] = mapped_column(default=0)
    energy_label: Mapped[EnergyLabel | None] = mapped_column(enum_type(EnergyLabel))
    energy_label_valid_until: Mapped[date | None]
    is_monument: Mapped[bool] = mapped_column(default=False)

    rent_cents_per_year: Mapped[int]
    service_charges_cents_per_year: Mapped[int] = mapped_column(default=0)
    vat_opted: Mapped[bool] = mapped_column(default=True)
    #: Derived from rent and vvo by the services, stored so search can sort and filter on it.
    rent_per_m2_cents_per_year: Mapped[int] = mapped_column(default=0)

    available_from: Mapped[date | None]
    vacant_since: Mapped[date | None]
    description: Mapped[str | None] = mapped_column(sa.Text)
    withdrawn_reason: Mapped[str | None] = mapped_column(sa.String(500))

    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )
    listed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    owner: Mapped["User | None"] = relationship()
    area: Mapped["Area | None"] = relationship()
    photos: Mapped[list["UnitPhoto"]] = relationship(
        back_populates="unit", order_by="UnitPhoto.position", cascade="all, delete-orphan"
    )

    @property
    def landlord(self) -> "User":
        """The owner's account, for a unit that has been listed: a unit held for an owner
        without an account stays a draft, so offers, placements, bookings and prizes have one."""
        if self.owner is None:
            raise LookupError(f"unit {self.id} is held for an owner without an account")
        return self.owner

    __table_args__ = (
        sa.CheckConstraint("rent_cents_per_year >= 0", name="rent_not_negative"),
        sa.CheckConstraint("service_charges_cents_per_year >= 0", name="charges_not_negative"),
        sa.CheckConstraint("floor_area_vvo >= 1", name="vvo_positive"),
        sa.CheckConstraint("house_number >= 1", name="house_number_positive"),
        # Public search: city + status narrows first, then the sort key.
        sa.Index("ix_units_city_status_rent", "city", "status", "rent_cents_per_year"),
        sa.Index("ix_units_status_listed_at", "status", "listed_at"),
        # Partial indexes of public units only (keep the condition in step with PUBLIC_STATUSES):
        # the city list of public search; searches in one city (matched case-insensitively),
        # which read it in rent order; and searches in every city sorted by rent, size or rent
        # per m², which read such an index in order and stop after the page.
        *(
            sa.Index(
                f"ix_units_public_{name}",
                *columns,
                postgresql_where=sa.text("status IN ('listed', 'in_talks', 'reserved')"),
                sqlite_where=sa.text("status IN ('listed', 'in_talks', 'reserved')"),
            )
            for name, columns in {
                "city": ("city",),
                "city_rent": (sa.text("lower(city)"), "rent_cents_per_year", "id"),
                "rent": ("rent_cents_per_year", "id"),
                "size": ("floor_area_vvo", "id"),
                "rent_m2": ("rent_per_m2_cents_per_year", "id"),
            }.items()
        ),
    )

    @property
    def address(self) -> str:
        return street_address(
            self.street, self.house_number, self.house_letter, self.house_number_addition
        )

    @property
    def permitted_uses(self) -> list[PermittedUse]:
        return [use for use in PermittedUse if self.uses_mask & use.bit]

    @permitted_uses.setter
    def permitted_uses(self, uses) -> None:
        self.uses_mask = sum(PermittedUse(u).bit for u in set(uses))

    @property
    def rent_cents_per_month(self) -> int:
        return monthly(self.rent_cents_per_year)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    def days_vacant(self, today: date | None = None) -> int | None:
        if self.vacant_since is None or self.status == UnitStatus.LET:
            return None
        return ((today or clock.today()) - self.vacant_since).days

    def vacancy_class(self, today: date | None = None) -> VacancyClass | None:
        days = self.days_vacant(today)
        if days is None:
            return None
        if days < 365:
            return VacancyClass.FRICTIONAL
        if days <= 3 * 365:
            return VacancyClass.LONG_TERM
        return VacancyClass.STRUCTURAL


class UnitPhoto(Model):
    """A re-encoded photo of a unit (metadata stripped) and its thumbnail."""

    __tablename__ = "unit_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    filename: Mapped[str] = mapped_column(sa.String(64))
    thumbnail: Mapped[str] = mapped_column(sa.String(64))
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    unit: Mapped[Unit] = relationship(back_populates="photos")
