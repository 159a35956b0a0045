"""The dashboard's subsidy and contest sections, read from issue 8's features."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.dashboard.conftest import days_ago
from tests.dashboard.test_views import page_text
from vrijstad import clock
from vrijstad.contests.models import Award, Contest, ContestEntry, ContestStatus, EntryStatus
from vrijstad.dashboard import services
from vrijstad.extensions import db
from vrijstad.letting.models import Placement, PlacementStatus
from vrijstad.starters.models import BranchGroup, SpaceKind
from vrijstad.subsidies.models import (
    ApplicantKind,
    Handling,
    Provider,
    SubsidyApplication,
    SubsidyScheme,
    SubsidyStatus,
)


@pytest.fixture
def grants(city, make_user):
    """A façade scheme of € 50,000 for the area: committed € 18,000 (a grant of € 10,000 with
    € 5,000 advanced, and € 8,000 settled and paid), € 3,000 reserved, one rejection. Another
    scheme open everywhere without applications; a scheme of another organisation."""
    applicant = make_user("landlord")

    def scheme(org, name, areas=()):
        made = SubsidyScheme(
            organisation_id=org.id,
            name=name,
            provider=Provider.MUNICIPALITY,
            provider_name="Gemeente Dijkerveen",
            percentage_bp=5000,
            max_per_activity_cents=2_250_000,
            budget_cents=5_000_000,
            handling=Handling.FIRST_COME,
            dossier_prefix="GEV",
            areas=list(areas),
        )
        db.session.add(made)
        db.session.flush()
        return made

    facade = scheme(city.org, "Gevelfonds", [city.area])
    scheme(city.org, "Startersregeling")
    elsewhere = scheme(city.other_org, "Elders")

    def application(for_scheme, status, **amounts):
        db.session.add(
            SubsidyApplication(
                scheme_id=for_scheme.id,
                applicant_id=applicant.id,
                applicant_kind=ApplicantKind.LANDLORD,
                applicant_name="Lies",
                applicant_kvk="12345678",
                title="Gevel",
                description="Nieuwe pui",
                work_starts_on=clock.today(),
                status=status,
                **amounts,
            )
        )

    application(
        facade,
        SubsidyStatus.GRANTED,
        granted_cents=1_000_000,
        paid_cents=500_000,
        advance_cents=500_000,
    )
    application(
        facade, SubsidyStatus.PAID, granted_cents=900_000, final_cents=800_000, paid_cents=800_000
    )
    application(facade, SubsidyStatus.SUBMITTED, requested_cents=300_000)
    application(facade, SubsidyStatus.REJECTED, requested_cents=200_000)
    application(elsewhere, SubsidyStatus.GRANTED, granted_cents=4_000_000)
    db.session.commit()


@pytest.fixture
def contests(city, make_user):
    """A contest for h2 with its winner announced (three entries, one withdrawn), one still
    open for k2, a draft, and another organisation's contest."""

    def contest(org, title, status, units, winner_on):
        made = Contest(
            organisation_id=org.id,
            title=title,
            description="Win een winkel",
            status=status,
            prize_kind="rent_free",
            starts_on=clock.today(),
            lease_months=12,
            entries_open_on=days_ago(60),
            entries_close_on=days_ago(40),
            shortlist_on=days_ago(30),
            pitch_on=days_ago(20),
            winner_on=winner_on,
            units=units,
        )
        db.session.add(made)
        db.session.flush()
        return made

    u = city.units
    announced = contest(
        city.org, "Win een winkel 2026", ContestStatus.WINNER_ANNOUNCED, [u["h2"]], days_ago(10)
    )
    running = contest(
        city.org,
        "Win een winkel Kerkstraat",
        ContestStatus.OPEN,
        [u["k2"]],
        clock.today() + timedelta(days=30),
    )
    contest(city.org, "Concept", ContestStatus.DRAFT, [u["h3"]], days_ago(5))
    contest(city.other_org, "Elders", ContestStatus.WINNER_ANNOUNCED, [], days_ago(5))

    def entry(of, name, status):
        starter = make_user("starter")
        made = ContestEntry(
            contest_id=of.id,
            starter_id=starter.id,
            status=status,
            trade_name=name,
            branch_group=BranchGroup.FASHION_LUXURY,
        )
        db.session.add(made)
        db.session.flush()
        return made

    winner = entry(announced, "Atelier Noord", EntryStatus.WINNER)
    entry(announced, "Bakkerij Zuid", EntryStatus.FINALIST)
    entry(announced, "Weg", EntryStatus.WITHDRAWN)
    entry(running, "Vroeg", EntryStatus.SUBMITTED)
    placement = Placement(
        unit_id=u["h2"].id,
        starter_id=winner.starter_id,
        organisation_id=city.org.id,
        status=PlacementStatus.AGREED,
        kind=SpaceKind.WHOLE_UNIT,
        start_date=clock.today(),
        end_date=clock.today() + timedelta(days=365),
        base_fee_cents_per_month=0,
        starter_trade_name="Atelier Noord",
    )
    db.session.add(placement)
    db.session.flush()
    db.session.add(
        Award(
            contest_id=announced.id,
            unit_id=u["h2"].id,
            entry_id=winner.id,
            placement_id=placement.id,
        )
    )
    db.session.commit()


def figures_of(app, city, street=None):
    with app.test_request_context("/?lang=en"):
        today = clock.today()
        period = services.choose_period(None, None, today)
        return services.build_dashboard(city.area, period, street, today).figures


def test_subsidies_committed_and_paid_against_each_ceiling(app, city, grants):
    rows = figures_of(app, city)["subsidies"].rows
    assert rows == [
        [
            "Gevelfonds",
            "Gemeente Dijkerveen",
            5_000_000,
            1_800_000,
            300_000,
            1_300_000,
            2_900_000,
            Decimal("36.0"),
        ],
        ["Startersregeling", "Gemeente Dijkerveen", 5_000_000, 0, 0, 0, 5_000_000, Decimal("0.0")],
    ]


def test_contest_results(app, city, contests):
    rows = figures_of(app, city)["contests"].rows
    assert rows == [
        [
            "Win een winkel 2026",
            "winner announced",
            2,
            2,
            "Atelier Noord (Hoogstraat 2)",
            None,
            days_ago(10),
        ],
        [
            "Win een winkel Kerkstraat",
            "open for entries",
            1,
            0,
            None,
            None,
            clock.today() + timedelta(days=30),
        ],
    ]
    assert [r[0] for r in figures_of(app, city, "Kerkstraat")["contests"].rows] == [
        "Win een winkel Kerkstraat"
    ]


def test_the_page_and_downloads_show_them(client, login, city, grants, contests):
    login(city.staff)
    text = " ".join(
        page_text(client.get(f"/dashboard/areas/{city.area.id}?tab={tab}"))
        for tab in ("subsidies", "contests")
    )
    assert "Gevelfonds Gemeente Dijkerveen €50,000.00 €18,000.00 €3,000.00 €13,000.00" in text
    assert "Win een winkel 2026 winner announced 2 2 Atelier Noord (Hoogstraat 2)" in text
    csv = client.get(f"/dashboard/areas/{city.area.id}/figures/subsidies.csv").text
    assert "Gevelfonds;Gemeente Dijkerveen;50000,00;18000,00;3000,00;13000,00;29000,00;36,0" in csv
    assert "Elders" not in csv
