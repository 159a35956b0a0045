"""Fixtures for lettings: a request context, a listed unit in an area, starters, an offer."""

from datetime import date, timedelta

import pytest

from vrijstad import clock
from vrijstad.applications import services
from vrijstad.extensions import db
from vrijstad.starters.models import BranchGroup, SpaceKind, StarterProfile


@pytest.fixture
def ctx(app):
    """Services build links in notifications, as they do inside a request."""
    with app.test_request_context():
        yield


@pytest.fixture
def org(make_org):
    return make_org()


@pytest.fixture
def unit(make_unit, org):
    return make_unit(area=org.areas[0])


@pytest.fixture
def make_starter(make_user):
    def make(city: str = "Dijkerveen", **profile):
        starter = make_user("starter", name=profile.pop("name", "Sanne Starter"))
        values = {
            "trade_name": "Sanne's Koffie",
            "concept": "Specialty coffee and a reading table",
            "branch_group": BranchGroup.LEISURE_HORECA,
            "kvk_number": "87654321",
            "city": city,
        } | profile
        db.session.add(StarterProfile(user_id=starter.id, **values))
        db.session.commit()
        return starter

    return make


@pytest.fixture
def starter(make_starter):
    return make_starter()


MOTIVATION = "I want to open a coffee bar with books in this lovely unit."


@pytest.fixture
def terms():
    start = clock.today() + timedelta(days=14)
    return services.OfferTerms(
        kind=SpaceKind.POPUP,
        start_date=start,
        end_date=start + timedelta(days=365),
        base_fee_cents_per_month=95_000,
        turnover_basis_points=850,
        deposit_cents=190_000,
    )


@pytest.fixture
def offered(ctx, unit, starter, terms):
    """An application with an open offer."""
    application = services.submit_application(starter, unit, MOTIVATION)
    services.shortlist(unit.owner, application)
    services.make_offer(unit.owner, application, terms)
    db.session.commit()
    return application


def a_year_ago() -> date:
    """The first of the month eleven months back: leases and placements that began then have
    run through last month and go on into next year (1 January 2026 on 10 December 2026)."""
    return clock.add_months(clock.this_month(), -11)


@pytest.fixture
def collective(app, make_org, make_unit, make_user):
    """A collective (fee 10 %, fund 5 %, pro rata) with two landlords' units on active head
    leases; the organisation's staff member is an admin."""
    from vrijstad.letting.models import (
        Collective,
        HeadLease,
        HeadLeaseKind,
        HeadLeaseStatus,
        LandlordRule,
    )

    organisation = make_org(staff_role="admin")
    organisation.btw_id = "NL123456789B01"
    organisation.iban = "NL91ABNA0417164300"
    organisation.address = "Markt 1, 7411 KB Dijkerveen"
    area = organisation.areas[0]
    group = Collective(
        organisation_id=organisation.id,
        area_id=area.id,
        name="Samen in de Stad",
        organisation_fee_bp=1000,
        fund_bp=500,
        landlord_rule=LandlordRule.PRO_RATA,
    )
    db.session.add(group)
    units = [
        make_unit(area=area, owner=make_user("landlord", name=f"Eigenaar {i}")) for i in (1, 2)
    ]
    for unit in units:
        db.session.add(
            HeadLease(
                collective=group,
                unit_id=unit.id,
                landlord_id=unit.owner_id,
                status=HeadLeaseStatus.ACTIVE,
                kind=HeadLeaseKind.FIXED,
                rent_cents_per_month=60_000,
                start_date=a_year_ago(),
            )
        )
    db.session.commit()
    group.units = units
    group.staff = organisation.test_staff  # an admin of the organisation
    return group


@pytest.fixture
def place(collective, make_starter):
    """Factory: a placement of a new starter in one of the collective's units."""
    from vrijstad.letting.models import Placement

    def make(unit_index: int = 0, base: int = 100_000, turnover_bp: int = 0, **extra):
        unit = collective.units[unit_index]
        starter = make_starter(name=extra.pop("name", f"Starter {unit_index}"))
        start = a_year_ago()
        values = {
            "start_date": start,
            "end_date": start.replace(year=start.year + 1),
            "kind": SpaceKind.POPUP,
            "base_fee_cents_per_month": base,
            "turnover_basis_points": turnover_bp,
            "vat_opted": True,
            "starter_trade_name": "Winkel " + starter.name,
            "starter_kvk": "87654321",
        } | extra
        placement = Placement(
            unit_id=unit.id,
            starter_id=starter.id,
            organisation_id=collective.organisation_id,
            **values,
        )
        db.session.add(placement)
        db.session.commit()
        return placement

    return make
