"""The staff's day in the demo: the relations log with its contacts and follow-ups, the
municipality's vacancy bylaw with cases in several stages, and two years of footfall counts in
four streets. Built through the services, with dates relative to the demo's today."""

import math
from datetime import timedelta

from vrijstad.areas.models import Street
from vrijstad.bylaw import services as bylaw
from vrijstad.bylaw.models import ReportChannel
from vrijstad.demo.base import Demo
from vrijstad.footfall import importer as footfall_files
from vrijstad.footfall import services as footfall
from vrijstad.relations import services as relations
from vrijstad.relations.models import ContactKind, RelationKind
from vrijstad.units.models import Unit, UnitStatus

#: Counting points: (street, code, passers-by on an ordinary weekday).
COUNTERS = [
    ("Hoogstraat", "HOOG-01", 14_000),
    ("Markt", "MARKT-01", 11_500),
    ("Molenstraat", "MOLEN-01", 3_200),
    ("Brugstraat", "BRUG-01", 1_300),
]
#: A week's shape, Monday first: Thursday's late opening, Saturday's peak, a quiet Sunday.
WEEKDAY = (0.8, 0.85, 0.9, 1.05, 1.1, 1.45, 0.55)
#: Days of counts the demo has, up to yesterday.
FOOTFALL_DAYS = 2 * 365


def build_staff_day(demo: Demo) -> None:
    _relations(demo)
    _bylaw(demo)
    _footfall(demo)


def _unit(demo: Demo, street: str, position: int) -> Unit:
    return demo.units[street][position]


def _relations(demo: Demo) -> None:
    organisation = demo.organisation
    owners = {}
    for owner in (u for u in demo.users.values() if u.is_landlord):
        relation = relations.owner_relation(organisation.id, owner.email, owner)
        relation.name = owner.name
        for units in demo.units.values():
            for unit in units:
                if unit.owner_id == owner.id:
                    relations.link_unit(relation, unit)
        owners[owner.email] = relation
    jansen = owners["verhuurder@vrijstad.example"]
    relations.log_contact(
        demo.staff,
        jansen,
        ContactKind.CALL,
        demo.ago(16),
        "Gesproken over Brugstraat: eigenaar overweegt een lagere aanvangshuur voor een starter.",
        demo.today,
        "Terugbellen over het huurvoorstel Brugstraat",
    )
    brug = owners["eigenaar2@vrijstad.example"]
    relations.log_contact(
        demo.manager,
        brug,
        ContactKind.VISIT,
        demo.ago(40),
        "Rondgang Molenstraat met de beheerder; twee panden kunnen op korte termijn open.",
    )
    relations.log_contact(
        demo.staff,
        brug,
        ContactKind.EMAIL,
        demo.ago(9),
        "Plattegronden ontvangen.",
        demo.today + timedelta(days=5),
        "Foto's laten maken voor Molenstraat",
    )
    broker = relations.create_relation(
        demo.manager,
        organisation,
        {
            "kind": RelationKind.BROKER.value,
            "name": "Sanne van Dam",
            "company": "Van Dam Bedrijfshuisvesting",
            "email": "sanne@vandam-bhv.example",
            "phone": "0570 123 456",
        },
    )
    relations.log_contact(
        demo.manager,
        broker,
        ContactKind.AGREEMENT,
        demo.ago(30),
        "Afspraak: nieuwe leegstand in de binnenstad meldt Van Dam binnen een week.",
    )
    municipality = relations.create_relation(
        demo.manager,
        organisation,
        {
            "kind": RelationKind.MUNICIPALITY.value,
            "name": "Karin Mulder",
            "company": "Gemeente Dijkerveen, Economische Zaken",
            "email": "k.mulder@dijkerveen.example",
        },
    )
    relations.log_contact(
        demo.staff,
        municipality,
        ContactKind.CALL,
        demo.ago(3),
        "Leegstandsverordening: gemeente wil de lijst van panden met meldplicht per kwartaal.",
        demo.today + timedelta(days=20),
        "Kwartaallijst leegstand sturen",
    )


def _bylaw(demo: Demo) -> None:
    """The bylaw in force for three years; Brugstraat's owner was reminded, reported and is
    invited to consult next week; Kanaalstraat's owner reported; the others are due."""
    bylaw.save_bylaw(demo.manager, demo.organisation, "Gemeente Dijkerveen", demo.ago(3 * 365 + 20))
    brug = _unit(demo, "Brugstraat", 2)
    if brug.status != UnitStatus.LET:
        bylaw.remind_owner(demo.staff, brug, demo.ago(30))
        bylaw.record_report(demo.staff, brug, demo.ago(24), ReportChannel.EMAIL, demo.ago(23))
        bylaw.invite_to_consult(demo.staff, brug, demo.today + timedelta(days=7), demo.ago(6))
    kanaal = _unit(demo, "Kanaalstraat", 3)
    if kanaal.status != UnitStatus.LET:
        bylaw.record_report(demo.staff, kanaal, demo.ago(60), ReportChannel.FORM, demo.ago(60))


def _footfall(demo: Demo) -> None:
    streets = {street.name: street for area in demo.areas for street in area.streets}
    items = []
    for name, code, weekday in COUNTERS:
        street: Street = streets[name]
        footfall.add_counter(demo.manager, demo.organisation, street, code, f"Teller {name}")
        for back in range(FOOTFALL_DAYS, 0, -1):
            day = demo.today - timedelta(days=back)
            season = 1 + 0.12 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 350) / 365)
            december = 1.25 if day.month == 12 and day.day < 24 else 1.0
            trend = 1 + 0.04 * (FOOTFALL_DAYS - back) / 365  # a little busier every year
            count = weekday * WEEKDAY[day.weekday()] * season * december * trend
            count *= demo.rng.uniform(0.92, 1.08)
            items.append(
                {
                    "counter": code,
                    "start": day.isoformat(),
                    "count": round(count),
                    "interval": "day",
                }
            )
    parsed = footfall_files.from_items(items)
    footfall.import_counts(demo.manager, demo.organisation, parsed.rows, parsed.errors)
