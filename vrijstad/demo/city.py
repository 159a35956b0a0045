"""Dijkerveen itself: the organisation and its people, three areas with nine streets, the shop
units along them, the starters looking for space, and their first applications."""

from datetime import timedelta

from vrijstad import clock
from vrijstad.applications import services as applications
from vrijstad.areas.models import Area, AreaKind, Street, StreetGrade
from vrijstad.auth.models import User
from vrijstad.auth.services import hash_password
from vrijstad.demo.base import DEMO_PASSWORD, MANAGER, ORGANISATION_NAME, STAFF, Demo
from vrijstad.extensions import db
from vrijstad.organisations.models import MemberRole, Membership, Organisation, OrganisationKind
from vrijstad.starters.models import BranchGroup, SpaceKind, StarterProfile
from vrijstad.units.models import EnergyLabel, PermittedUse, Unit, UnitStatus

# Street: grade, postcode, start of the street (lat, lon), step along it, number of units.
AREAS = {
    ("Binnenstad", AreaKind.CITY_CENTRE): [
        ("Hoogstraat", StreetGrade.A1, "7411 KA", (52.2518, 6.1590), (0.0, 0.0011), 16),
        ("Markt", StreetGrade.A1, "7411 KB", (52.2530, 6.1565), (0.0004, 0.0004), 14),
        ("Kerkstraat", StreetGrade.A2, "7411 HN", (52.2541, 6.1602), (0.0009, 0.0), 13),
        ("Lange Nieuwstraat", StreetGrade.B1, "7411 LC", (52.2507, 6.1540), (0.0, 0.0012), 11),
    ],
    ("Aanloopstraten", AreaKind.APPROACH_STREETS): [
        ("Molenstraat", StreetGrade.B2, "7412 AD", (52.2494, 6.1612), (-0.0008, 0.0003), 10),
        ("Havenkade", StreetGrade.B1, "7412 BE", (52.2552, 6.1521), (0.0002, -0.0012), 10),
        ("Brugstraat", StreetGrade.C, "7412 CG", (52.2480, 6.1570), (-0.0006, -0.0006), 8),
    ],
    ("Stationskwartier", AreaKind.DISTRICT): [
        ("Stationsweg", StreetGrade.B2, "7413 EJ", (52.2575, 6.1650), (0.0010, 0.0010), 9),
        ("Kanaalstraat", StreetGrade.C, "7413 GL", (52.2590, 6.1610), (0.0, 0.0010), 7),
    ],
}

#: Units vacant today: (street, position along it, status, days vacant). The rest is let, but
#: for the units the story fills later (VACANT_UNTIL_FILLED).
VACANT_NOW = [
    ("Hoogstraat", 3, UnitStatus.LISTED, 75),
    ("Markt", 5, UnitStatus.LISTED, 190),
    ("Kerkstraat", 2, UnitStatus.LISTED, 130),
    ("Lange Nieuwstraat", 6, UnitStatus.LISTED, 1300),
    ("Molenstraat", 1, UnitStatus.LISTED, 800),
    ("Molenstraat", 7, UnitStatus.DRAFT, 40),
    ("Havenkade", 4, UnitStatus.LISTED, 330),
    ("Brugstraat", 2, UnitStatus.LISTED, 1500),
    ("Stationsweg", 5, UnitStatus.LISTED, 260),
    ("Kanaalstraat", 3, UnitStatus.LISTED, 420),
]
#: Units that stood empty until a starter or a contest winner moved in: (street, position,
#: days vacant before today). They are listed here; the lettings and contests fill them.
VACANT_UNTIL_FILLED = [
    ("Hoogstraat", 7, 420),
    ("Hoogstraat", 11, 560),
    ("Markt", 9, 330),
    ("Kerkstraat", 10, 640),
    ("Lange Nieuwstraat", 3, 900),
    ("Molenstraat", 4, 520),
]

PEOPLE = [
    ("admin@vrijstad.example", "Platformbeheer Vrijstad", {"is_admin": True}, "platform admin"),
    (MANAGER, "Sanne de Vries", {}, "organisation admin"),
    (STAFF, "Joris Bakker", {}, "organisation staff"),
    ("verhuurder@vrijstad.example", "Henk Jansen Vastgoed", {"is_landlord": True}, "landlord"),
    ("eigenaar2@vrijstad.example", "Woonstichting De Brug", {"is_landlord": True}, "landlord"),
    ("eigenaar3@vrijstad.example", "Familie Visser", {"is_landlord": True}, "landlord"),
    ("starter@vrijstad.example", "Amira El Idrissi", {"is_starter": True}, "starter"),
    ("starter2@vrijstad.example", "Tim van Dijk", {"is_starter": True}, "starter"),
    ("starter3@vrijstad.example", "Lotte Smit", {"is_starter": True}, "starter"),
    ("starter4@vrijstad.example", "Noor Hendriks", {"is_starter": True}, "starter"),
    ("starter5@vrijstad.example", "Daan Mulder", {"is_starter": True}, "starter"),
    ("starter6@vrijstad.example", "Sem de Boer", {"is_starter": True}, "starter"),
    ("starter7@vrijstad.example", "Fleur Vermeulen", {"is_starter": True}, "starter"),
    ("starter8@vrijstad.example", "Yusuf Kaya", {"is_starter": True}, "starter"),
    ("starter9@vrijstad.example", "Emma Peters", {"is_starter": True}, "starter"),
]

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
RENT_PER_M2 = {"A1": 330, "A2": 260, "B1": 200, "B2": 160, "C": 120}  # euros a year


def logins() -> list[tuple[str, str]]:
    """(role, e-mail) of every demo login."""
    return [(role, email) for email, _name, _flags, role in PEOPLE]


def build_city() -> Demo:
    """The organisation, its people and areas, the units and the starters' profiles."""
    password_hash = hash_password(DEMO_PASSWORD)
    users = {}
    for email, name, flags, _role in PEOPLE:
        users[email] = User(
            email=email,
            name=name,
            password_hash=password_hash,
            email_verified_at=clock.now(),
            **flags,
        )
        db.session.add(users[email])
    organisation = Organisation(
        name=ORGANISATION_NAME,
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
            Membership(user=users[MANAGER], organisation=organisation, role=MemberRole.ADMIN),
            Membership(user=users[STAFF], organisation=organisation, role=MemberRole.STAFF),
        ]
    )
    areas = []
    for (area_name, kind), streets in AREAS.items():
        area = Area(organisation=organisation, name=area_name, city="Dijkerveen", kind=kind)
        area.streets = [Street(name=name, grade=grade) for name, grade, *_rest in streets]
        db.session.add(area)
        areas.append(area)
    db.session.flush()
    demo = Demo(clock.today(), organisation, users, areas)
    _units(demo)
    db.session.flush()
    _starters(demo)
    db.session.flush()
    return demo


def _units(demo: Demo) -> None:
    rng = demo.rng
    landlords = [u for u in demo.users.values() if u.is_landlord]
    vacant = {(street, i): (status, days) for street, i, status, days in VACANT_NOW}
    vacant |= {(street, i): (UnitStatus.LISTED, days) for street, i, days in VACANT_UNTIL_FILLED}
    n = 0
    for area, ((_name, _kind), streets) in zip(demo.areas, AREAS.items(), strict=True):
        for name, grade, postcode, (lat, lon), (dlat, dlon), count in streets:
            demo.units[name] = []
            for i in range(count):
                vvo = rng.choice((45, 60, 75, 90, 110, 140, 180, 240))
                rent_year = round(vvo * RENT_PER_M2[grade] * rng.uniform(0.85, 1.15) / 10) * 10
                status, days = vacant.get((name, i), (UnitStatus.LET, None))
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
                    energy_label_valid_until=demo.today + timedelta(days=rng.randint(200, 3000)),
                    rent_cents_per_year=rent_year * 100,
                    service_charges_cents_per_year=rng.choice((0, 60_000, 120_000, 180_000)),
                    vat_opted=True,
                    available_from=demo.today + timedelta(days=rng.choice((0, 14, 30, 60))),
                    vacant_since=demo.ago(days) if days else None,
                    description=rng.choice(DESCRIPTIONS) if days else None,
                    listed_at=(
                        clock.now() - timedelta(days=min(days or 0, rng.randint(20, 120)))
                        if status == UnitStatus.LISTED
                        else None
                    ),
                )
                unit.permitted_uses = rng.choice(USE_MIX)
                unit.rent_per_m2_cents_per_year = round(unit.rent_cents_per_year / vvo)
                db.session.add(unit)
                demo.units[name].append(unit)
                n += 1
    db.session.flush()
    for (name, i), (_status, days) in vacant.items():
        demo.vacancies[demo.units[name][i].id] = [(demo.ago(days), None)]


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
        kvk_number="83456789",
        min_area_m2=75,
        max_area_m2=180,
        budget_cents_per_month=200_000,
        space_kind=SpaceKind.POPUP,
    ),
    "starter4@vrijstad.example": dict(
        trade_name="Bloem & Bij",
        concept="Bloemenwinkel met planten, bijenhoning en workshops.",
        branch_group=BranchGroup.HOME_GARDEN,
        required_use=PermittedUse.DETAILHANDEL,
        kvk_number="84567890",
        min_area_m2=40,
        max_area_m2=110,
        budget_cents_per_month=180_000,
        space_kind=SpaceKind.WHOLE_UNIT,
    ),
    "starter5@vrijstad.example": dict(
        trade_name="Fietsmakerij Dijkerveen",
        concept="Fietsenmaker met gereviseerde stadsfietsen.",
        branch_group=BranchGroup.OTHER_RETAIL,
        required_use=PermittedUse.DETAILHANDEL,
        kvk_number="85678901",
        min_area_m2=60,
        max_area_m2=180,
        budget_cents_per_month=200_000,
        space_kind=SpaceKind.WHOLE_UNIT,
    ),
    "starter6@vrijstad.example": dict(
        trade_name="Vinyl & Vers",
        concept="Platenzaak met luisterbar en lokale sappen.",
        branch_group=BranchGroup.LEISURE_GOODS,
        required_use=PermittedUse.DETAILHANDEL,
        kvk_number="86789012",
        min_area_m2=45,
        max_area_m2=120,
        budget_cents_per_month=220_000,
        space_kind=SpaceKind.WHOLE_UNIT,
    ),
    "starter7@vrijstad.example": dict(
        trade_name="Bakkerij Korrel",
        concept="Ambachtelijke zuurdesembakkerij met koffie.",
        branch_group=BranchGroup.DAILY_GOODS,
        required_use=PermittedUse.DETAILHANDEL,
        kvk_number="87890123",
        min_area_m2=60,
        max_area_m2=140,
        budget_cents_per_month=240_000,
        space_kind=SpaceKind.WHOLE_UNIT,
    ),
    "starter8@vrijstad.example": dict(
        trade_name="De Kaaskamer",
        concept="Kaas en streekproducten van boeren uit de regio.",
        branch_group=BranchGroup.DAILY_GOODS,
        required_use=PermittedUse.DETAILHANDEL,
        kvk_number="88901234",
        min_area_m2=40,
        max_area_m2=100,
        budget_cents_per_month=200_000,
        space_kind=SpaceKind.WHOLE_UNIT,
    ),
    "starter9@vrijstad.example": dict(
        trade_name="Studio Klei",
        concept="Keramiekatelier met winkel en draailessen.",
        branch_group=BranchGroup.LEISURE_GOODS,
        required_use=PermittedUse.DETAILHANDEL,
        kvk_number="89012345",
        min_area_m2=45,
        max_area_m2=140,
        budget_cents_per_month=160_000,
        space_kind=SpaceKind.POPUP,
    ),
}


def _starters(demo: Demo) -> None:
    for email, values in STARTERS.items():
        profile = StarterProfile(
            user_id=demo.users[email].id,
            city="Dijkerveen",
            earliest_start=demo.today + timedelta(days=30),
            **values,
        )
        profile.areas = [demo.areas[0]]
        db.session.add(profile)


MOTIVATION = (
    "Dit pand past precies bij mijn concept: de ligging, de etalage en de maat. Ik kan binnen "
    "een maand beginnen."
)


def add_applications(demo: Demo) -> None:
    """A pipeline on the listed units of the centre: two applications in, one shortlisted."""
    stages = [
        ("Hoogstraat", 3, "starter@vrijstad.example", False),
        ("Kerkstraat", 2, "starter2@vrijstad.example", True),
        ("Markt", 5, "starter3@vrijstad.example", False),
    ]
    for street, i, email, shortlisted in stages:
        unit = demo.units[street][i]
        application = applications.submit_application(demo.users[email], unit, MOTIVATION)
        if shortlisted:
            applications.shortlist(demo.staff, application)
