"""A believable fictional city centre for demonstrations: Dijkerveen."""

import random
from datetime import timedelta

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.areas.models import Area, AreaKind, Street, StreetGrade
from vrijstad.auth.models import User
from vrijstad.auth.services import hash_password
from vrijstad.extensions import db
from vrijstad.organisations.models import MemberRole, Membership, Organisation, OrganisationKind
from vrijstad.starters.models import BranchGroup, SpaceKind, StarterProfile
from vrijstad.units.models import EnergyLabel, PermittedUse, Unit, UnitStatus

DEMO_PASSWORD = "vrijstad-demo-2026"  # noqa: S105 - printed for the demo logins

AREAS = {
    ("Binnenstad", AreaKind.CITY_CENTRE): [
        ("Hoogstraat", StreetGrade.A1, "7411 KA", (52.2518, 6.1590), (0.0, 0.0011)),
        ("Markt", StreetGrade.A1, "7411 KB", (52.2530, 6.1565), (0.0004, 0.0004)),
        ("Kerkstraat", StreetGrade.A2, "7411 HN", (52.2541, 6.1602), (0.0009, 0.0)),
        ("Lange Nieuwstraat", StreetGrade.B1, "7411 LC", (52.2507, 6.1540), (0.0, 0.0012)),
    ],
    ("Aanloopstraten", AreaKind.APPROACH_STREETS): [
        ("Molenstraat", StreetGrade.B2, "7412 AD", (52.2494, 6.1612), (-0.0008, 0.0003)),
        ("Havenkade", StreetGrade.B1, "7412 BE", (52.2552, 6.1521), (0.0002, -0.0012)),
        ("Brugstraat", StreetGrade.C, "7412 CG", (52.2480, 6.1570), (-0.0006, -0.0006)),
    ],
    ("Stationskwartier", AreaKind.DISTRICT): [
        ("Stationsweg", StreetGrade.B2, "7413 EJ", (52.2575, 6.1650), (0.0010, 0.0010)),
        ("Kanaalstraat", StreetGrade.C, "7413 GL", (52.2590, 6.1610), (0.0, 0.0010)),
    ],
}

PEOPLE = [
    ("admin@vrijstad.example", "Platformbeheer Vrijstad", {"is_admin": True}, "platform admin"),
    ("manager@binnenstad-dijkerveen.example", "Sanne de Vries", {}, "organisation admin"),
    ("staff@binnenstad-dijkerveen.example", "Joris Bakker", {}, "organisation staff"),
    ("verhuurder@vrijstad.example", "Henk Jansen Vastgoed", {"is_landlord": True}, "landlord"),
    ("eigenaar2@vrijstad.example", "Woonstichting De Brug", {"is_landlord": True}, "landlord"),
    ("eigenaar3@vrijstad.example", "Familie Visser", {"is_landlord": True}, "landlord"),
    ("starter@vrijstad.example", "Amira El Idrissi", {"is_starter": True}, "starter"),
    ("starter2@vrijstad.example", "Tim van Dijk", {"is_starter": True}, "starter"),
    ("starter3@vrijstad.example", "Lotte Smit", {"is_starter": True}, "starter"),
]


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def load_demo_data() -> list[tuple[str, str]]:
    """Create the Dijkerveen demo; returns (role, e-mail) of every demo login."""
    password_hash = hash_password(DEMO_PASSWORD)
    users = {}
    for email, name, flags, _role in PEOPLE:
        users[email] = User(email=email, name=name, password_hash=password_hash, **flags)
        db.session.add(users[email])
    organisation = Organisation(
        name="Binnenstadsmanagement Dijkerveen",
        kind=OrganisationKind.BINNENSTADSMANAGEMENT,
        kvk_number="90412873",
        city="Dijkerveen",
        email="info@binnenstad-dijkerveen.example",
        address="Markt 1, 7411 KB Dijkerveen",
        btw_id="NL004495445B01",
        iban="NL02ABNA0123456789",
    )
    db.session.add(organisation)
    db.session.add_all(
        [
            Membership(
                user=users["manager@binnenstad-dijkerveen.example"],
                organisation=organisation,
                role=MemberRole.ADMIN,
            ),
            Membership(
                user=users["staff@binnenstad-dijkerveen.example"],
                organisation=organisation,
                role=MemberRole.STAFF,
            ),
        ]
    )
    landlords = [u for u in users.values() if u.is_landlord]
    areas = []
    for (area_name, kind), streets in AREAS.items():
        area = Area(organisation=organisation, name=area_name, city="Dijkerveen", kind=kind)
        area.streets = [Street(name=name, grade=grade) for name, grade, *_rest in streets]
        db.session.add(area)
        areas.append((area, streets))
    db.session.flush()
    _demo_units(areas, landlords)
    db.session.flush()
    _demo_lettings(users, [area for area, _streets in areas])
    db.session.flush()
    _demo_collective(organisation, areas[0][0], users)
    db.session.flush()
    _demo_contest(organisation, areas[1][0], users)
    db.session.flush()
    _demo_subsidies(organisation, users)
    db.session.flush()
    return [(role, email) for email, _name, _flags, role in PEOPLE]


# Per street: units along it; about one in eight is vacant (listed, or a draft being prepared).
UNITS_PER_STREET = (9, 9, 8, 7, 6, 6, 5, 5, 5)
USE_MIX = (
    [PermittedUse.DETAILHANDEL],
    [PermittedUse.DETAILHANDEL, PermittedUse.DIENSTVERLENING],
    [PermittedUse.HORECA_1, PermittedUse.DETAILHANDEL],
    [PermittedUse.DIENSTVERLENING],
    [PermittedUse.HORECA_2],
)
DESCRIPTIONS = (
    "Winkelpand met brede etalage en een heldere winkelvloer; geschikt voor mode of lifestyle.",
    "Karakteristiek pand met hoge plafonds en een kelder voor opslag.",
    "Compacte unit op een hoek met veel passanten, direct beschikbaar.",
    "Ruime begane grond met achteringang voor bevoorrading.",
)


def _demo_units(areas, landlords) -> None:
    rng = random.Random(2026)
    today = clock.today()
    street_index = 0
    vacant_slots = {3, 11, 19, 26, 34, 41, 49, 56}
    n = 0
    for area, streets in areas:
        for name, grade, postcode, (lat, lon), (dlat, dlon) in streets:
            count = UNITS_PER_STREET[street_index]
            street_index += 1
            for i in range(count):
                vvo = rng.choice((45, 60, 75, 90, 110, 140, 180, 240))
                per_m2 = {"A1": 330, "A2": 260, "B1": 200, "B2": 160, "C": 120}[grade]
                rent_year = round(vvo * per_m2 * rng.uniform(0.85, 1.15) / 10) * 10  # euros
                vacant = n in vacant_slots
                status = (
                    (UnitStatus.DRAFT if n == 56 else UnitStatus.LISTED)
                    if vacant
                    else (UnitStatus.LET)
                )
                vacant_days = rng.choice((40, 120, 250, 420, 800, 1300)) if vacant else None
                unit = Unit(
                    owner_id=landlords[n % len(landlords)].id,
                    area_id=area.id,
                    status=status,
                    street=name,
                    house_number=2 * i + 1 + (n % 2),
                    postcode=postcode,
                    city="Dijkerveen",
                    latitude=round(lat + dlat * i / 4, 6),
                    longitude=round(lon + dlon * i / 4, 6),
                    floor_area_vvo=vvo,
                    floor_area_wvo=round(vvo * 0.8),
                    floor_area_bvo=round(vvo * 1.15),
                    energy_label=rng.choice(list(EnergyLabel)[3:9]),
                    energy_label_valid_until=today + timedelta(days=rng.randint(200, 3000)),
                    rent_cents_per_year=rent_year * 100,
                    service_charges_cents_per_year=rng.choice((0, 60_000, 120_000, 180_000)),
                    vat_opted=True,
                    available_from=today + timedelta(days=rng.choice((0, 14, 30, 60))),
                    vacant_since=today - timedelta(days=vacant_days) if vacant else None,
                    description=rng.choice(DESCRIPTIONS) if vacant else None,
                    listed_at=clock.now() - timedelta(days=rng.randint(1, 90)) if vacant else None,
                )
                unit.permitted_uses = rng.choice(USE_MIX)
                unit.rent_per_m2_cents_per_year = round(unit.rent_cents_per_year / vvo)
                db.session.add(unit)
                n += 1


STARTERS = {
    "starter@vrijstad.example": dict(
        trade_name="Amira's Atelier",
        concept="Handgemaakte tassen en reparaties, met werkplaats in de winkel.",
        branch_group=BranchGroup.FASHION_LUXURY,
        required_use=PermittedUse.DETAILHANDEL,
        kvk_number="81234567",
        iban="NL91ABNA0417164300",
        min_area_m2=40,
        max_area_m2=90,
        budget_cents_per_month=150_000,
        space_kind=SpaceKind.POPUP,
    ),
    "starter2@vrijstad.example": dict(
        trade_name="Koffie & Kaft",
        concept="Koffiebar met tweedehands boeken.",
        branch_group=BranchGroup.LEISURE_HORECA,
        required_use=PermittedUse.HORECA_1,
        kvk_number="82345678",
        min_area_m2=60,
        max_area_m2=140,
        budget_cents_per_month=250_000,
        space_kind=SpaceKind.WHOLE_UNIT,
    ),
    "starter3@vrijstad.example": dict(
        trade_name="Lotte Leeft",
        concept="Yogastudio met kleine winkel.",
        branch_group=BranchGroup.SERVICES,
        required_use=PermittedUse.DIENSTVERLENING,
        min_area_m2=75,
        max_area_m2=180,
        budget_cents_per_month=200_000,
        space_kind=SpaceKind.POPUP,
    ),
}


def _demo_lettings(users: dict, areas: list) -> None:
    """Starter profiles, and a pipeline with one application in each early stage."""
    from vrijstad.applications.models import Application, ApplicationStatus

    today = clock.today()
    for email, values in STARTERS.items():
        profile = StarterProfile(user_id=users[email].id, city="Dijkerveen",
                                 earliest_start=today + timedelta(days=30), **values)  # fmt: skip
        profile.areas = [areas[0]]
        db.session.add(profile)
    listed = db.session.scalars(
        sa.select(Unit).where(Unit.status == UnitStatus.LISTED).order_by(Unit.id)
    ).all()
    stages = [
        ("starter@vrijstad.example", ApplicationStatus.SUBMITTED),
        ("starter2@vrijstad.example", ApplicationStatus.SHORTLISTED),
        ("starter3@vrijstad.example", ApplicationStatus.SUBMITTED),
    ]
    for unit, (email, status) in zip(listed, stages, strict=False):
        db.session.add(Application(
            unit_id=unit.id, starter_id=users[email].id, status=status,
            motivation="Dit pand past precies bij mijn concept: de ligging, de etalage en de "
            "maat. Ik kan binnen een maand beginnen.",
        ))  # fmt: skip
        if status == ApplicationStatus.SHORTLISTED:
            unit.status = UnitStatus.IN_TALKS


def _demo_contest(organisation, area, users: dict) -> None:
    """An open Win een winkel call for a unit on the Havenkade, with one entry and a juror."""
    import hashlib
    import secrets

    from vrijstad.contests.models import (
        Contest,
        ContestEntry,
        ContestStatus,
        Criterion,
        Juror,
        PrizeKind,
    )

    today = clock.today()
    unit = db.session.scalars(
        sa.select(Unit).where(Unit.area_id == area.id, Unit.street == "Havenkade",
                              Unit.status == UnitStatus.LISTED).order_by(Unit.id)
    ).first()  # fmt: skip
    if unit is None:
        return
    unit.status = UnitStatus.RESERVED
    contest = Contest(
        organisation_id=organisation.id, status=ContestStatus.OPEN,
        title="Win een winkel aan de Havenkade",
        description="Heb je een winkelidee dat de Havenkade levendiger maakt? Win een jaar "
        "lang korting op de huur, een startbudget en coaching door ondernemers uit de binnenstad.",
        prize_kind=PrizeKind.SLIDING,
        discount_schedule=[{"from": 1, "to": 6, "pct_bp": 10000},
                           {"from": 7, "to": 8, "pct_bp": 7500},
                           {"from": 9, "to": 10, "pct_bp": 5000},
                           {"from": 11, "to": 12, "pct_bp": 2500}],
        prize_budget_cents=1_500_000,
        prize_coaching="Een jaar coaching door de ondernemersvereniging.",
        lease_months=24, starts_on=(today + timedelta(days=80)).replace(day=1),
        lease_terms="Na de prijsperiode geldt de gewone huur; waarborgsom twee maanden.",
        excluded_branches=[BranchGroup.DAILY_GOODS.value],
        exclusions_note="Geen snackbars en geen bestaande ketens.", min_entries=3, max_finalists=4,
        extra_winner_rule="Bij gelijke stand beslist de stem van de binnenstadsmanager.",
        entries_open_on=today - timedelta(days=7), entries_close_on=today + timedelta(days=21),
        shortlist_on=today + timedelta(days=28), vote_open_on=today + timedelta(days=29),
        vote_close_on=today + timedelta(days=35), vote_share_bp=2000,
        pitch_on=today + timedelta(days=36), winner_on=today + timedelta(days=42),
        created_by_id=users["manager@binnenstad-dijkerveen.example"].id,
    )  # fmt: skip
    contest.units = [unit]
    contest.criteria = [
        Criterion(position=i, name=name, weight=weight)
        for i, (name, weight) in enumerate([("Creativiteit", 20), ("Ondernemerschap", 20),
                                            ("Financiële haalbaarheid", 25),
                                            ("Visie op meerdere jaren", 15),
                                            ("Toegevoegde waarde voor de binnenstad", 20)])
    ]  # fmt: skip
    staff = users["staff@binnenstad-dijkerveen.example"]
    token_hash = hashlib.sha256(secrets.token_bytes(32)).hexdigest()  # an accepted invitation
    contest.jurors = [Juror(email=staff.email, name=staff.name, user_id=staff.id,
                            token_hash=token_hash, expires_at=clock.now() + timedelta(days=14),
                            accepted_at=clock.now())]  # fmt: skip
    db.session.add(contest)
    db.session.flush()
    db.session.add(ContestEntry(
        contest_id=contest.id, starter_id=users["starter2@vrijstad.example"].id,
        trade_name="Koffie & Kaft", branch_group=BranchGroup.LEISURE_HORECA,
        preferred_unit_id=unit.id,
        idea="Een koffiebar met tweedehands boeken: de Havenkade mist een plek om even te zitten.",
        uniqueness="Boeken op gewicht, koffie van een branderij uit de stad.",
        target_group="Studenten, forenzen en gepensioneerde lezers.",
        revenue_model="Koffie en gebak; boeken met een kleine marge.",
        success="In het eerste jaar quitte spelen, in het derde jaar een tweede vestiging.",
        help_needed="Hulp bij de boekhouding en een goede espressomachine.",
    ))  # fmt: skip


def _demo_collective(organisation, area, users: dict) -> None:
    """A collective on three let units with a turnover placement, invoiced, paid and settled."""
    from vrijstad.billing import services as billing
    from vrijstad.letting.models import (
        Collective,
        HeadLease,
        HeadLeaseKind,
        HeadLeaseStatus,
        LandlordRule,
        Placement,
        PlacementStatus,
        TurnoverReport,
        TurnoverStatus,
    )

    collective = Collective(organisation_id=organisation.id, area_id=area.id,
                            name="Samen Dijkerveen", organisation_fee_bp=1000, fund_bp=500,
                            landlord_rule=LandlordRule.HEAD_LEASE)  # fmt: skip
    db.session.add(collective)
    let_units = db.session.scalars(
        sa.select(Unit).where(Unit.area_id == area.id, Unit.status == UnitStatus.LET)
        .order_by(Unit.id).limit(3)
    ).all()  # fmt: skip
    today = clock.today()
    start = (today.replace(day=1) - timedelta(days=90)).replace(day=1)
    for unit in let_units:
        db.session.add(HeadLease(collective=collective, unit_id=unit.id,
                                 landlord_id=unit.owner_id, status=HeadLeaseStatus.ACTIVE,
                                 kind=HeadLeaseKind.FIXED, rent_cents_per_month=60_000,
                                 start_date=start))  # fmt: skip
    starter = users["starter3@vrijstad.example"]
    placement = Placement(unit_id=let_units[0].id, starter_id=starter.id,
                          organisation_id=organisation.id, status=PlacementStatus.ACTIVE,
                          kind=SpaceKind.POPUP, start_date=start,
                          end_date=start + timedelta(days=365), base_fee_cents_per_month=80_000,
                          turnover_basis_points=800, deposit_cents=160_000,
                          starter_trade_name="Lotte Leeft", starter_kvk="83456789")  # fmt: skip
    db.session.add(placement)
    db.session.flush()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    db.session.add(TurnoverReport(placement_id=placement.id, period=last_month,
                                  turnover_cents=1_350_000, status=TurnoverStatus.CHECKED,
                                  evidence_filename="kassa.pdf"))  # fmt: skip
    db.session.flush()
    month_end = today.replace(day=1) - timedelta(days=1)
    invoice = billing.issue_invoice(placement, last_month, issued_on=month_end - timedelta(days=3))
    billing.record_payment(None, invoice, invoice.total_cents, month_end)
    billing.calculate_settlement(None, collective, last_month)


def _demo_subsidies(organisation, users: dict) -> None:
    """The three preset schemes; a facade application in draft and a rent one submitted."""

    from vrijstad.pdf import Document
    from vrijstad.subsidies import services as subsidies
    from vrijstad.subsidies.models import (
        ApplicantKind,
        CostCategory,
        DocumentKind,
        SubsidyApplication,
        SubsidyStatus,
    )

    manager = users["manager@binnenstad-dijkerveen.example"]
    schemes = {
        key: subsidies.create_preset(manager, organisation, key) for key in subsidies.PRESETS
    }
    today = clock.today()

    def pdf(title: str) -> bytes:
        return Document(title).output()

    amira = users["starter@vrijstad.example"]
    street = schemes["facade"].streets[0]
    facade = SubsidyApplication(
        scheme=schemes["facade"], applicant_id=amira.id, applicant_kind=ApplicantKind.STARTER,
        applicant_name="Amira's Atelier", applicant_kvk="81234567",
        title="Nieuwe pui en uithangbord", street_id=street.id, address="12",
        description="De oude pui vervangen door een houten pui met grote etalage, en een "
        "uithangbord dat bij de straat past.", work_starts_on=today + timedelta(days=70),
        status=SubsidyStatus.DRAFT,
        intake_note="Plan besproken; offerte van de aannemer volgt, huurcontract meesturen.",
    )  # fmt: skip
    db.session.add(facade)
    db.session.flush()
    subsidies.add_cost_line(amira, facade, "Houten pui met etalage", CostCategory.FACADE,
                            18_400_00, supplier="Timmerbedrijf Visser",
                            quote=("offerte-pui.pdf", pdf("Offerte pui")))  # fmt: skip
    subsidies.add_document(amira, facade, DocumentKind.KVK_EXTRACT, "kvk.pdf", pdf("KvK"))

    tim = users["starter2@vrijstad.example"]
    rent = SubsidyApplication(
        scheme=schemes["starter_rent"], applicant_id=tim.id,
        applicant_kind=ApplicantKind.STARTER, applicant_name="Koffie & Kaft",
        applicant_kvk="82345678", title="Huur eerste jaar Koffie & Kaft",
        street_id=schemes["starter_rent"].areas[0].streets[0].id,
        description="Bijdrage in de huur van het eerste jaar voor de koffiebar met boeken.",
        work_starts_on=today + timedelta(days=30), status=SubsidyStatus.DRAFT,
        intake_note="Starter met een goed plan; huurovereenkomst is getekend.",
    )  # fmt: skip
    db.session.add(rent)
    db.session.flush()
    subsidies.add_cost_line(tim, rent, "Kale huur eerste jaar", CostCategory.RENT, 14_400_00,
                            quote=("huurovereenkomst.pdf", pdf("Huurovereenkomst")))  # fmt: skip
    for kind in (DocumentKind.KVK_EXTRACT, DocumentKind.PLAN, DocumentKind.LEASE):
        subsidies.add_document(tim, rent, kind, f"{kind.value}.pdf", pdf(kind.value))
    submitted = clock.now() - timedelta(days=10)
    rent.submitted_at = submitted
    rent.requested_cents = subsidies.reasoning_of(rent).amount_cents
    rent.dossier_number = subsidies.next_dossier_number(schemes["starter_rent"], submitted.year)
    rent.status = SubsidyStatus.SUBMITTED
