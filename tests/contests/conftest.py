"""Fixtures for contests: the call's data, a contest at each stage, plans and jurors."""

from datetime import timedelta

import pytest
from fpdf import FPDF

from vrijstad import clock
from vrijstad.contests import services
from vrijstad.contests.models import PrizeKind
from vrijstad.extensions import db
from vrijstad.starters.models import BranchGroup

TODAY = clock.today()
#: The contest's calendar, in days from today.
CLOSES = TODAY + timedelta(days=14)
AFTER_CLOSE = CLOSES + timedelta(days=1)
VOTE_OPENS = TODAY + timedelta(days=22)
VOTE_CLOSES = TODAY + timedelta(days=30)
AFTER_VOTE = VOTE_CLOSES + timedelta(days=1)
STARTS = (TODAY + timedelta(days=67)).replace(day=1)  # after the winner; a month's first day
NIJMEGEN = [
    {"from": 1, "to": 6, "pct_bp": 10000},
    {"from": 7, "to": 8, "pct_bp": 7500},
    {"from": 9, "to": 10, "pct_bp": 5000},
    {"from": 11, "to": 12, "pct_bp": 2500},
]
CRITERIA = [
    ("Creativity", 20),
    ("Entrepreneurship", 20),
    ("Financial feasibility", 25),
    ("Multi-year vision", 15),
    ("Added value for the centre", 20),
]


def contest_data(units, **overrides) -> services.ContestData:
    values = {
        "title": "Win een winkel Dijkerveen",
        "description": "Start your shop in the Hoogstraat: six months without rent.",
        "unit_ids": [u.id for u in units],
        "prize_kind": PrizeKind.SLIDING,
        "discount_schedule": NIJMEGEN,
        "prize_budget_cents": 1_500_000,
        "prize_coaching": "A year of coaching by the retailers' association.",
        "entries_open_on": TODAY,
        "entries_close_on": CLOSES,
        "shortlist_on": TODAY + timedelta(days=21),
        "vote_open_on": VOTE_OPENS,
        "vote_close_on": VOTE_CLOSES,
        "vote_share_bp": 2000,
        "pitch_on": TODAY + timedelta(days=28),
        "winner_on": TODAY + timedelta(days=35),
        "starts_on": STARTS,
        "lease_months": 24,
        "excluded_branches": [BranchGroup.DAILY_GOODS.value],
        "exclusions_note": "No snack bars.",
        "min_entries": 2,
        "max_finalists": 3,
        "criteria": list(CRITERIA),
    } | overrides
    return services.ContestData(**values)


def plan(**overrides) -> services.EntryData:
    values = {
        "trade_name": "Koffie & Kaft",
        "branch_group": BranchGroup.LEISURE_HORECA,
        "idea": "A coffee bar with second-hand books, because the street lacks a meeting place.",
        "uniqueness": "Books by weight, coffee from a local roaster.",
        "target_group": "Students and retired readers.",
        "revenue_model": "Coffee and cake; books at a small margin.",
        "success": "Break even in year one, a second shop in year three.",
        "help_needed": "Bookkeeping and a good espresso machine.",
    } | overrides
    return services.EntryData(**values)


def pdf_bytes(pages: int = 1) -> bytes:
    document = FPDF()
    document.set_font("helvetica", size=12)
    for n in range(pages):
        document.add_page()
        document.cell(text=f"Ondernemingsplan, pagina {n + 1}")
    return bytes(document.output())


@pytest.fixture
def ctx(app):
    """A request in English: the new texts are not in the Dutch catalogue yet."""
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def make_contest(ctx, org, make_unit):
    """Factory: a draft contest of the org's staff for new listed units (or the given ones)."""

    def make(units=None, **overrides):
        units = units or [make_unit(area=org.areas[0], rent_cents_per_year=2_400_000)]
        contest = services.create_contest(
            org.test_staff, org, contest_data(units, **overrides), today=TODAY
        )
        db.session.commit()
        return contest

    return make


@pytest.fixture
def open_contest(make_contest, org):
    contest = make_contest()
    services.open_contest(org.test_staff, contest, today=TODAY)
    db.session.commit()
    return contest


@pytest.fixture
def enter(make_starter):
    """Factory: a new starter enters the contest with a typed plan; returns the entry."""
    counter = iter(range(1, 1000))

    def make(contest, **overrides):
        n = next(counter)
        starter = make_starter(name=overrides.pop("name", f"Starter {n}"))
        values = {"trade_name": f"Winkel {n}"} | overrides
        entry = services.submit_entry(starter, contest, plan(**values), today=TODAY)
        db.session.commit()
        return entry

    return make


@pytest.fixture
def make_juror(make_user, org):
    """Factory: an accepted juror of the contest, with an account that has no other rights."""

    def make(contest, name: str = "Jurylid"):
        user = make_user("juror", name=name)
        juror = services.invite_juror(org.test_staff, contest, user.email, name)
        services.accept_jury_invitation(juror, user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def judging(open_contest, enter, org, make_user):
    """A contest whose three finalists are being scored by two jurors."""
    contest = open_contest
    entries = [enter(contest, trade_name=name) for name in ("Atelier A", "Bakkerij B", "Café C")]
    staff = org.test_staff
    services.close_entries(staff, contest, today=AFTER_CLOSE)
    services.shortlist(staff, contest, [e.id for e in entries])
    jurors = []
    for name in ("Bank", "Wethouder"):
        user = make_user("juror", name=name)
        juror = services.invite_juror(staff, contest, user.email, name)
        services.accept_jury_invitation(juror, user)
        jurors.append(user)
    services.start_judging(staff, contest)
    db.session.commit()
    contest.test_entries = entries
    contest.test_jurors = jurors
    return contest


def all_scores(contest, value: int) -> dict[int, int]:
    return {c.id: value for c in contest.criteria}
