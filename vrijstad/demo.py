"""A believable fictional city centre for demonstrations: Dijkerveen."""

import sqlalchemy as sa

from vrijstad.areas.models import Area, AreaKind, Street, StreetGrade
from vrijstad.auth.models import User
from vrijstad.auth.services import hash_password
from vrijstad.extensions import db
from vrijstad.organisations.models import MemberRole, Membership, Organisation, OrganisationKind

DEMO_PASSWORD = "vrijstad-demo-2026"  # noqa: S105 - printed for the demo logins

AREAS = {
    ("Binnenstad", AreaKind.CITY_CENTRE): [
        ("Hoogstraat", StreetGrade.A1, "7411 KA"),
        ("Markt", StreetGrade.A1, "7411 KB"),
        ("Kerkstraat", StreetGrade.A2, "7411 HN"),
        ("Lange Nieuwstraat", StreetGrade.B1, "7411 LC"),
    ],
    ("Aanloopstraten", AreaKind.APPROACH_STREETS): [
        ("Molenstraat", StreetGrade.B2, "7412 AD"),
        ("Havenkade", StreetGrade.B1, "7412 BE"),
        ("Brugstraat", StreetGrade.C, "7412 CG"),
    ],
    ("Stationskwartier", AreaKind.DISTRICT): [
        ("Stationsweg", StreetGrade.B2, "7413 EJ"),
        ("Kanaalstraat", StreetGrade.C, "7413 GL"),
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
    for (area_name, kind), streets in AREAS.items():
        area = Area(organisation=organisation, name=area_name, city="Dijkerveen", kind=kind)
        area.streets = [Street(name=name, grade=grade) for name, grade, _pc in streets]
        db.session.add(area)
    db.session.flush()
    return [(role, email) for email, _name, _flags, role in PEOPLE]
