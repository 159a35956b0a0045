"""What every part of the demo shares: the world being built, and its small helpers."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from fpdf import FPDF

from vrijstad import clock
from vrijstad.areas.models import Area
from vrijstad.auth.models import User
from vrijstad.letting.models import PLACEMENT_FLOW, Placement, PlacementStatus
from vrijstad.organisations.models import Organisation
from vrijstad.units.models import Unit

DEMO_PASSWORD = "vrijstad-demo-2026"  # noqa: S105 - printed for the demo logins
ORGANISATION_NAME = "Binnenstadsmanagement Dijkerveen"
MANAGER = "manager@binnenstad-dijkerveen.example"
STAFF = "staff@binnenstad-dijkerveen.example"


@dataclass
class Demo:
    """The demo world while it is built: its people, areas and units, and its past."""

    today: date
    organisation: Organisation
    users: dict[str, User]
    areas: list[Area]
    #: Units per street name, in the order of their house numbers.
    units: dict[str, list[Unit]] = field(default_factory=dict)
    #: The vacancies the story tells: unit id → (first day vacant, first day let again or None).
    vacancies: dict[int, list[tuple[date, date | None]]] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    _pdfs: dict[str, bytes] = field(default_factory=dict)

    @property
    def manager(self) -> User:
        return self.users[MANAGER]

    @property
    def staff(self) -> User:
        return self.users[STAFF]

    def user(self, local_part: str) -> User:
        """A demo user by the part of the e-mail address before the @."""
        return next(u for email, u in self.users.items() if email.split("@")[0] == local_part)

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def moment(self, day: date, hour: int = 10) -> datetime:
        """An instant on a (past) day, in Amsterdam time."""
        return datetime.combine(day, time(hour), clock.AMSTERDAM)

    def pdf(self, title: str) -> tuple[str, bytes]:
        """A one-page PDF (file name, bytes) standing in for an uploaded document."""
        if title not in self._pdfs:
            document = FPDF()
            document.add_page()
            document.set_font("helvetica", size=14)
            document.cell(text=title)
            self._pdfs[title] = bytes(document.output())
        name = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")
        return f"{name}.pdf", self._pdfs[title]


def start_placement(placement: Placement) -> None:
    """The agreement was signed on paper and the starter moved in, before the demo's today."""
    PLACEMENT_FLOW.move(placement, PlacementStatus.ACTIVE)
