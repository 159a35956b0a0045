"""A municipality's vacancy bylaw as an organisation's setting, and one case per vacancy spell
of a unit that falls under it."""

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock, labels
from vrijstad.core import enum_type
from vrijstad.extensions import Model
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.workflow import Workflow

if TYPE_CHECKING:  # the other side of a relationship
    from vrijstad.units.models import Unit


class BylawStage(StrEnum):
    """Where a vacancy case stands under the bylaw."""

    REPORT_DUE = "report_due"  # six months vacant: the owner must report (reminded)
    REPORTED = "reported"  # the owner's report is in
    CONSULT_INVITED = "consult_invited"  # the owner is invited to consult on a date
    ESCALATED = "escalated"  # twelve months vacant: the municipality may propose a user
    CLOSED = "closed"  # the unit is let (or the case was ended)


#: The bylaw workflow. A report may be skipped when the municipality learns of the vacancy
#: itself; escalation follows the consultation; any open stage closes when the unit is let.
BYLAW_TRANSITIONS: dict[BylawStage, frozenset[BylawStage]] = {
    BylawStage.REPORT_DUE: frozenset(
        {BylawStage.REPORTED, BylawStage.CONSULT_INVITED, BylawStage.CLOSED}
    ),
    BylawStage.REPORTED: frozenset({BylawStage.CONSULT_INVITED, BylawStage.CLOSED}),
    BylawStage.CONSULT_INVITED: frozenset({BylawStage.ESCALATED, BylawStage.CLOSED}),
    BylawStage.ESCALATED: frozenset({BylawStage.CLOSED}),
    BylawStage.CLOSED: frozenset(),
}

BYLAW_FLOW: Workflow[BylawStage] = Workflow("bylaw case", BYLAW_TRANSITIONS, attribute="stage")

STAGE_LABELS = labels.register(
    BylawStage,
    {
        BylawStage.REPORT_DUE: _l("report due"),
        BylawStage.REPORTED: _l("reported"),
        BylawStage.CONSULT_INVITED: _l("invited to consult"),
        BylawStage.ESCALATED: _l("escalated"),
        BylawStage.CLOSED: _l("closed"),
    },
)


class ReportChannel(StrEnum):
    """How the owner's report reached the municipality."""

    FORM = "form"
    LETTER = "letter"
    EMAIL = "email"
    PHONE = "phone"
    IN_PERSON = "in_person"


CHANNEL_LABELS = labels.register(
    ReportChannel,
    {
        ReportChannel.FORM: _l("the municipality's form"),
        ReportChannel.LETTER: _l("letter"),
        ReportChannel.EMAIL: _l("e-mail"),
        ReportChannel.PHONE: _l("telephone"),
        ReportChannel.IN_PERSON: _l("in person"),
    },
)


class VacancyBylaw(Model):
    """The bylaw in force where an organisation works: many municipalities have none."""

    __tablename__ = "vacancy_bylaws"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), unique=True
    )
    #: The body that enforces it and signs the letters ("het college van B&W van …").
    municipality: Mapped[str] = mapped_column(sa.String(160))
    in_force_since: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)


class BylawCase(Model):
    """One vacancy spell of a unit under the bylaw, from the reporting duty to its end."""

    __tablename__ = "bylaw_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[BylawStage] = mapped_column(enum_type(BylawStage), default=BylawStage.REPORT_DUE)
    #: The first day of the vacancy this case is about (the unit's vacant_since then).
    vacant_since: Mapped[date]
    reminded_on: Mapped[date | None]
    reported_on: Mapped[date | None]
    reported_via: Mapped[ReportChannel | None] = mapped_column(enum_type(ReportChannel))
    invited_on: Mapped[date | None]
    consult_on: Mapped[date | None]
    escalated_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    unit: Mapped["Unit"] = relationship()

    __table_args__ = (
        # One open case per unit.
        sa.Index(
            "ix_bylaw_cases_open_unit",
            "unit_id",
            unique=True,
            postgresql_where=sa.text("stage <> 'closed'"),
            sqlite_where=sa.text("stage <> 'closed'"),
        ),
        sa.Index("ix_bylaw_cases_unit", "unit_id"),
    )
