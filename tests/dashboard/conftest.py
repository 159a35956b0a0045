"""A small city centre whose vacancy figures are computed by hand in the tests.

Area "Centrum" of Binnenstad 1 (reference: today):

| unit | street     | status    | m²  | vacant since   | class       |
|------|------------|-----------|-----|----------------|-------------|
| h1   | Hoogstraat | let       | 100 | —              | —           |
| h2   | Hoogstraat | listed    | 200 | today − 100 d  | frictional  |
| h3   | Hoogstraat | listed    |  50 | today − 500 d  | long-term   |
| h4   | Hoogstraat | draft     | 150 | today − 1200 d | structural  |
| k1   | Kerkstraat | let       | 300 | —              | —           |
| k2   | Kerkstraat | in_talks  | 100 | today − 1095 d | long-term   |
| k3   | Kerkstraat | withdrawn |  80 | today − 50 d   | not counted |
| k4   | Kerkstraat | let       | 100 | —              | —           |

Stock 7 units / 1000 m²; vacant 4 units (57.1 %) / 500 m² (50.0 %).
Hoogstraat 3 of 4 (75.0 %), 400 of 500 m² (80.0 %); Kerkstraat 1 of 3 (33.3 %), 100 of 500 m²
(20.0 %). Classes: frictional 1 unit / 200 m², long-term 2 / 150, structural 1 / 150.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from vrijstad import clock
from vrijstad.applications.models import Application, ApplicationStatus, Offer
from vrijstad.areas.models import Street, StreetGrade
from vrijstad.extensions import db
from vrijstad.letting.models import Placement, PlacementStatus
from vrijstad.matching.models import StreetProfile, mask_of
from vrijstad.starters.models import BranchGroup, SpaceKind, StarterProfile
from vrijstad.units.models import UnitStatus


def days_ago(n: int) -> date:
    return clock.today() - timedelta(days=n)


def at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=12)


@dataclass
class City:
    org: object
    area: object
    staff: object
    admin: object
    units: dict
    other_org: object


@pytest.fixture
def city(make_org, make_unit, make_user):
    org = make_org(staff_role="staff")
    org.test_staff.locale = "en"
    area = org.areas[0]
    area.streets.append(Street(name="Kerkstraat", grade=StreetGrade.B1))
    admin = make_user("staff", email="admin@org.nl", locale="en")
    from vrijstad.organisations.models import MemberRole, Membership

    db.session.add(Membership(user=admin, organisation=org, role=MemberRole.ADMIN))
    db.session.commit()
    landlord = make_user("landlord", name="Lies Verhuurder", locale="en")
    listed = at(days_ago(60))

    def unit(street, status, m2, since, **kw):
        return make_unit(
            owner=landlord,
            area=area,
            street=street,
            status=status,
            floor_area_vvo=m2,
            vacant_since=since,
            listed_at=kw.pop("listed_at", listed),
            **kw,
        )

    units = {
        "h1": unit("Hoogstraat", UnitStatus.LET, 100, None),
        "h2": unit("Hoogstraat", UnitStatus.LISTED, 200, days_ago(100)),
        "h3": unit("Hoogstraat", UnitStatus.LISTED, 50, days_ago(500)),
        "h4": unit("Hoogstraat", UnitStatus.DRAFT, 150, days_ago(1200), listed_at=None),
        "k1": unit("Kerkstraat", UnitStatus.LET, 300, None),
        "k2": unit("Kerkstraat", UnitStatus.IN_TALKS, 100, days_ago(1095)),
        "k3": unit("Kerkstraat", UnitStatus.WITHDRAWN, 80, days_ago(50)),
        "k4": unit("kerkstraat ", UnitStatus.LET, 100, None),  # spelled differently: same street
    }
    other_org = make_org(name="Elders", city="Elders")
    other_org.test_staff.locale = "en"
    make_unit(
        owner=landlord,
        area=other_org.areas[0],
        status=UnitStatus.LISTED,
        floor_area_vvo=999,
        vacant_since=days_ago(2000),
    )
    db.session.commit()
    return City(org, area, org.test_staff, admin, units, other_org)


@pytest.fixture
def lettings(city, make_user):
    """The funnel and branch mix of the last twelve months (see the test for the sums)."""
    starters = []
    for n, (branch, created_days) in enumerate(
        [
            (BranchGroup.LEISURE_HORECA, 400),  # placed in h1 (current)
            (BranchGroup.FASHION_LUXURY, 400),  # placed in k1 long ago: ended
            (BranchGroup.SERVICES, 400),  # looking for 13 months
            (BranchGroup.DAILY_GOODS, 220),  # looking for 7 months
            (BranchGroup.HOME_GARDEN, 60),  # looking for 2 months
        ]
    ):
        user = make_user("starter", name=f"Starter {n}", locale="en")
        db.session.add(
            StarterProfile(
                user_id=user.id,
                trade_name=f"Zaak {n}",
                branch_group=branch,
                city="Dijkerveen",
                created_at=at(days_ago(created_days)),
            )
        )
        starters.append(user)
    elsewhere = make_user("starter", name="Elsewhere")
    db.session.add(
        StarterProfile(
            user_id=elsewhere.id, trade_name="Ver weg", city="Elders", created_at=at(days_ago(400))
        )
    )
    u = city.units
    h1, k1 = u["h1"], u["k1"]
    applications = [
        Application(
            unit_id=u["h2"].id,
            starter_id=starters[2].id,
            motivation="x",
            created_at=at(days_ago(30)),
        ),
        Application(
            unit_id=u["h2"].id,
            starter_id=starters[3].id,
            motivation="x",
            created_at=at(days_ago(20)),
        ),
        Application(
            unit_id=u["k2"].id,
            starter_id=starters[4].id,
            motivation="x",
            created_at=at(days_ago(10)),
        ),
        Application(
            unit_id=h1.id,
            starter_id=starters[0].id,
            motivation="x",
            status=ApplicationStatus.ACCEPTED,
            created_at=at(days_ago(50)),
        ),
        Application(
            unit_id=k1.id,
            starter_id=starters[1].id,
            motivation="x",
            status=ApplicationStatus.ACCEPTED,
            created_at=at(days_ago(800)),
        ),
    ]
    db.session.add_all(applications)
    db.session.flush()
    for application, days in ((applications[0], 15), (applications[3], 40)):
        db.session.add(
            Offer(
                application_id=application.id,
                kind=SpaceKind.WHOLE_UNIT,
                start_date=clock.today(),
                end_date=clock.today() + timedelta(days=300),
                base_fee_cents_per_month=50_000,
                created_at=at(days_ago(days)),
            )
        )
    old_offer = Offer(
        application_id=applications[4].id,
        kind=SpaceKind.WHOLE_UNIT,
        start_date=days_ago(700),
        end_date=days_ago(400),
        base_fee_cents_per_month=50_000,
        created_at=at(days_ago(790)),
    )
    db.session.add(old_offer)

    def placement(unit, starter, status, start, end, created):
        return Placement(
            unit_id=unit.id,
            starter_id=starter.id,
            organisation_id=city.org.id,
            status=status,
            kind=SpaceKind.WHOLE_UNIT,
            start_date=start,
            end_date=end,
            base_fee_cents_per_month=50_000,
            starter_trade_name=f"Zaak {starters.index(starter)}",
            created_at=created,
        )

    # h1 listed 60 days ago, placed 30 days ago (30 days to let); k1 listed 60 days ago and
    # placed 50 days ago (10 days); an ended placement in k1 from long ago is outside the period.
    db.session.add_all(
        [
            placement(
                h1,
                starters[0],
                PlacementStatus.ACTIVE,
                days_ago(20),
                days_ago(-345),
                at(days_ago(30)),
            ),
            placement(
                k1, starters[2], PlacementStatus.ENDED, days_ago(40), days_ago(5), at(days_ago(50))
            ),
            placement(
                k1,
                starters[1],
                PlacementStatus.ENDED,
                days_ago(700),
                days_ago(400),
                at(days_ago(780)),
            ),
        ]
    )
    hoogstraat = next(s for s in city.area.streets if s.name == "Hoogstraat")
    db.session.add(
        StreetProfile(
            street_id=hoogstraat.id,
            wanted_mask=mask_of([BranchGroup.FASHION_LUXURY]),
            excluded_mask=mask_of([BranchGroup.LEISURE_HORECA]),
        )
    )
    db.session.commit()
    return starters


@pytest.fixture
def books(city, make_user):
    """A settled month and its payout in the area's collective; another area's is apart."""
    from vrijstad.billing.models import FundSpending, Settlement
    from vrijstad.ledger import services as ledger
    from vrijstad.letting.models import Collective, LandlordRule

    month = clock.this_month()
    org_id = city.org.id
    collective = Collective(
        organisation_id=org_id,
        area_id=city.area.id,
        name="Samen",
        organisation_fee_bp=1000,
        fund_bp=500,
        landlord_rule=LandlordRule.PRO_RATA,
    )
    elsewhere = Collective(
        organisation_id=city.other_org.id,
        area_id=city.other_org.areas[0].id,
        name="Elders",
        organisation_fee_bp=1000,
        fund_bp=500,
        landlord_rule=LandlordRule.PRO_RATA,
    )
    db.session.add_all([collective, elsewhere])
    db.session.flush()
    landlord_id = city.units["h1"].owner_id
    for coll, received in ((collective, 10_000), (elsewhere, 77_700)):
        settlement = Settlement(
            collective_id=coll.id,
            period=month,
            received_cents=received,
            landlords_cents=received * 85 // 100,
            organisation_cents=received // 10,
            fund_cents=received - received * 85 // 100 - received // 10,
        )
        db.session.add(settlement)
        db.session.flush()
        ledger.book(
            coll.organisation_id,
            "settlement",
            f"settlement:{settlement.id}",
            "s",
            [
                (ledger.income(city.units["h1"].id), received),
                (ledger.payable(landlord_id), -settlement.landlords_cents),
                (ledger.revenue(coll.organisation_id), -settlement.organisation_cents),
                (ledger.fund(coll.id), -settlement.fund_cents),
            ],
            clock.today(),
        )
        ledger.book(
            coll.organisation_id,
            "payout",
            f"payout:settlement:{settlement.id}",
            "p",
            [
                (ledger.payable(landlord_id), settlement.landlords_cents),
                (ledger.bank(coll.organisation_id), -settlement.landlords_cents),
            ],
            clock.today(),
        )
    spending = FundSpending(
        collective_id=collective.id,
        purpose="placemaking",
        description="Bloembakken",
        amount_cents=200,
        status="approved",
    )
    db.session.add(spending)
    db.session.flush()
    ledger.book(
        org_id,
        "fund_spending",
        f"fund_spending:{spending.id}",
        "f",
        [(ledger.fund(collective.id), 200), (ledger.bank(org_id), -200)],
        clock.today(),
    )
    db.session.commit()
    return collective
