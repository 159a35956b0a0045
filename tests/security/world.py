"""One small world with every kind of object and person, for the access-control matrix and the
hostile-input tests: the Dijkerveen demo (organisation X, its landlords, starters, a collective
with an invoice and a settlement) plus organisation Y, and the objects the demo lacks."""

import io
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import sqlalchemy as sa
import time_machine
from flask_login import login_user
from fpdf import FPDF
from PIL import Image

from tests.conftest import PASSWORD
from vrijstad import clock, jobs
from vrijstad.applications import services as applications
from vrijstad.applications.models import Application
from vrijstad.areas.models import Area, Street
from vrijstad.auth.models import User
from vrijstad.billing import services as billing
from vrijstad.billing.models import FundPurpose, Invoice, Settlement, SettlementStatus
from vrijstad.bylaw.models import BylawCase, VacancyBylaw
from vrijstad.contests.models import (
    Award,
    Contest,
    ContestEntry,
    ContestStatus,
    Criterion,
    EntryStatus,
    Juror,
    PrizeKind,
)
from vrijstad.demo import DEMO_PASSWORD, load_demo_data
from vrijstad.extensions import db
from vrijstad.letting.models import Collective, HeadLease, Placement
from vrijstad.letting.services import submit_turnover
from vrijstad.notifications.models import Notification
from vrijstad.organisations.models import Organisation
from vrijstad.payments.models import BankImport, BankLine, BankLineStatus, IssueKind, PaymentIssue
from vrijstad.payments.services import (
    confirm_batch,
    landlord_shares,
    pay_by_sepa,
    save_bank_account,
)
from vrijstad.popups import services as popups
from vrijstad.popups.models import ALL_WEEKDAYS
from vrijstad.scenarios import services as scenarios
from vrijstad.starters.models import BranchGroup
from vrijstad.starters.services import store_plan
from vrijstad.storage import get_storage
from vrijstad.units import photos
from vrijstad.units.models import Unit, UnitStatus

ROLES = (
    "anonymous",
    "landlord_a",
    "landlord_b",
    "starter_a",
    "starter_b",
    "juror",
    "staff_x",
    "staff_y",
    "admin",
)


@dataclass
class World:
    people: dict[str, User | None] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    #: URL parameter values by name, and per endpoint where one name means different things.
    params: dict[str, object] = field(default_factory=dict)
    by_endpoint: dict[str, dict[str, object]] = field(default_factory=dict)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


def _pdf() -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="Ondernemingsplan")
    return bytes(document.output())


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _contest(listed: Unit, starter: User, juror: User) -> tuple[Contest, ContestEntry]:
    """A Win een winkel contest of organisation X being judged: starter A is a finalist, the
    world's juror (a user with no other rights) is on its jury, and the public vote is open."""
    today = clock.today()
    unit = db.session.scalar(
        sa.select(Unit)
        .where(
            Unit.area_id == listed.area_id, Unit.id != listed.id, Unit.status == UnitStatus.LISTED
        )
        .order_by(Unit.id)
    )
    unit.status = UnitStatus.RESERVED
    contest = Contest(
        organisation_id=listed.area.organisation_id,
        status=ContestStatus.JUDGING,
        title="Win een winkel aan de Markt",
        description="Een jaar korting voor een nieuw idee.",
        prize_kind=PrizeKind.RENT_FREE,
        discount_schedule=[{"from": 1, "to": 6, "pct_bp": 10000}],
        starts_on=today + timedelta(days=60),
        lease_months=12,
        min_entries=1,
        max_finalists=3,
        entries_open_on=today - timedelta(days=40),
        entries_close_on=today - timedelta(days=20),
        shortlist_on=today - timedelta(days=10),
        vote_open_on=today - timedelta(days=5),
        vote_close_on=today + timedelta(days=5),
        vote_share_bp=1000,
        pitch_on=today + timedelta(days=6),
        winner_on=today + timedelta(days=10),
    )
    contest.units = [unit]
    contest.criteria = [
        Criterion(position=0, name="Creativiteit", weight=50),
        Criterion(position=1, name="Haalbaarheid", weight=50),
    ]
    contest.jurors = [
        Juror(
            email=juror.email,
            name=juror.name,
            user_id=juror.id,
            token_hash="1" * 64,
            expires_at=clock.now() + timedelta(days=9),
            accepted_at=clock.now(),
        )
    ]
    key = "contests/world/plan.pdf"
    get_storage().put(key, _pdf(), "application/pdf")
    entry = ContestEntry(
        contest=contest,
        starter_id=starter.id,
        status=EntryStatus.FINALIST,
        trade_name="Lotte Leeft",
        branch_group=BranchGroup.SERVICES,
        idea="Yoga met een kleine winkel.",
        plan_key=key,
        plan_filename="plan.pdf",
        plan_pages=1,
    )
    db.session.add_all([contest, entry])
    db.session.flush()
    return contest, entry


def build_world(app, make_org, make_user) -> World:
    """Everything committed; ids gathered for building URLs."""
    load_demo_data()
    db.session.commit()
    world = World()
    organisation_y = make_org(name="Centrummanagement Elders", city="Elders", staff_role="admin")
    starter_a = _user("starter3@vrijstad.example")  # has a placement, an invoice, a report
    placement = db.session.scalar(sa.select(Placement).where(Placement.starter_id == starter_a.id))
    unit_let = db.session.get(Unit, placement.unit_id)
    landlord_a = db.session.get(User, unit_let.owner_id)
    landlord_b = db.session.scalar(
        sa.select(User).where(User.is_landlord, User.id != landlord_a.id).order_by(User.id)
    )
    listed = db.session.scalar(
        sa.select(Unit)
        .where(Unit.owner_id == landlord_a.id, Unit.status == UnitStatus.LISTED)
        .order_by(Unit.id)
    )
    application = db.session.scalar(
        sa.select(Application).where(
            Application.starter_id == starter_a.id, Application.unit_id == listed.id
        )
    )
    if application is None:
        application = applications.submit_application(
            starter_a, listed, "Mijn concept past goed in deze straat; ik begin graag snel."
        )
    viewing = applications.plan_viewing(landlord_a, application, clock.now() + timedelta(days=7))
    staff_x = _user("manager@binnenstad-dijkerveen.example")
    photo = photos.add_photo(landlord_a, listed, _png())
    popups.save_terms(
        landlord_a,
        listed,
        popups.TermsData(
            enabled=True,
            price_cents_per_day=5_000,
            price_cents_per_week=25_000,
            min_stay_days=1,
            max_stay_days=60,
            lead_time_days=0,
            weekdays_mask=ALL_WEEKDAYS,
        ),
    )
    soon = clock.today() + timedelta(days=20)
    blocked = popups.block_period(landlord_a, listed, soon, soon + timedelta(days=1), "Onderhoud")
    booking = popups.request_booking(
        starter_a, listed, soon + timedelta(days=5), soon + timedelta(days=6)
    )
    collective = db.session.scalar(sa.select(Collective))
    store_plan(starter_a, "plan.pdf", _pdf())
    # This month's report, sent once the month is over (on the 2nd of the next), unchecked.
    second = clock.next_month(clock.today()) + timedelta(days=1)
    with time_machine.travel(datetime.combine(second, time(12), clock.AMSTERDAM)):
        report = submit_turnover(
            starter_a,
            placement,
            clock.add_months(clock.this_month(), -1),
            1_000_000,
            ("kassa.pdf", _pdf()),
        )
    settlement = db.session.scalar(  # the demo's last month, awaiting approval
        sa.select(Settlement).where(Settlement.status == SettlementStatus.CALCULATED)
    )
    billing.approve_settlement(staff_x, settlement)
    for landlord_id in landlord_shares(settlement):
        save_bank_account(db.session.get(User, landlord_id), "Eigenaar", "NL91ABNA0417164300")
    batch = pay_by_sepa(staff_x, settlement, clock.today() + timedelta(days=1))
    confirm_batch(staff_x, batch, clock.today())  # the bank executed it: the month is paid
    spending = billing.propose_spending(
        staff_x, collective, FundPurpose.PLACEMAKING, "Bloembakken in de Hoogstraat", 1_000
    )
    notification = Notification(
        user_id=starter_a.id,
        kind="application.shortlisted",
        data={"unit": listed.address},
        url="/my/applications",
    )
    bank_import = BankImport(
        organisation_id=collective.organisation_id,
        filename="bank.csv",
        sha256="0" * 64,
        rows_total=1,
        matched_count=0,
        matched_cents=0,
    )
    bank_line = BankLine(
        bank_import=bank_import,
        organisation_id=collective.organisation_id,
        fingerprint="1" * 64,
        line=2,
        booked_on=clock.today(),
        amount_cents=100,
        status=BankLineStatus.SUGGESTED,
        invoice_id=db.session.scalar(
            sa.select(Invoice.id).where(Invoice.starter_id == starter_a.id)
        ),
    )
    issue = PaymentIssue(
        organisation_id=collective.organisation_id,
        kind=IssueKind.UNKNOWN_INVOICE,
        source="evt_world",
    )
    db.session.add_all([notification, bank_import, bank_line, issue])
    db.session.flush()
    with app.test_request_context():
        login_user(starter_a)
        job = jobs.enqueue(len, "vrijstad", job_title="World")
        db.session.commit()
    juror = make_user("juror", name="Jurylid Zonder Rechten")
    contest, entry = _contest(listed, starter_a, juror)
    db.session.commit()
    world.people = {
        "anonymous": None,
        "landlord_a": landlord_a,
        "landlord_b": landlord_b,
        "starter_a": starter_a,
        "starter_b": _user("starter@vrijstad.example"),
        "juror": juror,
        "staff_x": staff_x,
        "staff_y": organisation_y.test_staff,
        "admin": _user("admin@vrijstad.example"),
    }
    world.passwords = {role: DEMO_PASSWORD for role in ROLES}
    for role in ("juror", "staff_y"):
        world.passwords[role] = PASSWORD
    invoice = db.session.scalar(sa.select(Invoice).where(Invoice.starter_id == starter_a.id))
    terms = popups.terms_of(listed)
    world.params = {
        "unit_id": listed.id,
        "application_id": application.id,
        "viewing_id": viewing.id,
        "area_id": listed.area_id,
        "street_id": db.session.scalar(
            sa.select(Street.id).where(Street.area_id == listed.area_id).order_by(Street.id)
        ),
        "organisation_id": collective.organisation_id,
        "collective_id": collective.id,
        "invoice_id": invoice.id,
        "settlement_id": settlement.id,
        "batch_id": batch.id,
        "spending_id": spending.id,
        "lease_id": db.session.scalar(sa.select(HeadLease.id).order_by(HeadLease.id)),
        "placement_id": placement.id,
        "report_id": report.id,
        "booking_id": booking.id,
        "period_id": blocked.id,
        "token": terms.ical_token,
        "photo_id": photo.id,
        "filename": photo.thumbnail,
        "notification_id": notification.id,
        "import_id": bank_import.id,
        "line_id": bank_line.id,
        "issue_id": issue.id,
        "job_id": job.id,
        "starter_id": _user("starter@vrijstad.example").id,
        "decision": "approve",
        "action": "approve",
        "method": "sepa",
        "fmt": "csv",
        "field": "postcode",
        "contest_id": contest.id,
        "entry_id": entry.id,
        "award_id": db.session.scalar(sa.select(Award.id)),  # the demo's running contest
        "number": 0,  # the terms' and privacy statement's shipped version
        "kind": "terms",
        "payee": "starter",
    }
    _bylaw_case(listed)
    world.by_endpoint = {
        "bylaw.letter": {"letter": "reminder"},
        "contests.transition": {"action": "judge"},
        "units.photo_action": {"action": "delete"},
        "units_wizard.step": {"step": "terms"},
        "opendata.follow_up": {"ref": "bag-1"},
    }
    world.by_endpoint |= _job_results(collective.organisation_id, collective.id)
    _subsidies(app, world)
    from vrijstad.api.services import create_token

    token, _secret = create_token(
        staff_x, db.session.get(Organisation, collective.organisation_id), "Open data"
    )
    db.session.commit()
    world.params["token_id"] = token.id
    from vrijstad.matching.models import AllocationRun

    result = {
        "total": 0,
        "excluded_pairs": 0,
        "pairs": [],
        "unassigned_units": [listed.id],
        "unassigned_starters": [],
    }
    run = AllocationRun(
        organisation_id=collective.organisation_id,
        area_id=listed.area_id,
        unit_ids=[listed.id],
        starter_ids=[starter_a.id],
        result=result,
    )
    db.session.add(run)
    db.session.commit()
    world.params["run_id"] = run.id
    world.params["key"] = "headline"
    _saved_search(world, starter_a)
    _relations(world, staff_x, collective.organisation_id)
    _scenario(world, staff_x, listed.area_id)
    return world


def _scenario(world: World, staff: User, area_id: int) -> None:
    """A scenario of organisation X's area, zoned by the streets' grades."""
    area = db.session.get_one(Area, area_id)
    zones = {str(k): v.value for k, v in scenarios.default_zoning(area).items()}
    if "core" not in zones.values():
        zones[next(iter(zones))] = "core"
    data = scenarios.ScenarioData("Compacte kern", zones=zones)
    world.params["scenario_id"] = scenarios.create_scenario(staff, area, data).id
    db.session.commit()


def _bylaw_case(unit: Unit) -> None:
    """Organisation X's municipality has a vacancy bylaw (the demo records it); the listed unit
    has a case with a reminder sent (so its letter exists)."""
    organisation_id = unit.area.organisation_id
    since = clock.add_months(clock.today(), -7)
    if (
        db.session.scalar(sa.select(VacancyBylaw).filter_by(organisation_id=organisation_id))
        is None
    ):
        db.session.add(
            VacancyBylaw(
                organisation_id=organisation_id,
                municipality="Gemeente Dijkerveen",
                in_force_since=since,
            )
        )
    case = db.session.scalar(
        sa.select(BylawCase).where(BylawCase.unit_id == unit.id, BylawCase.closed_on.is_(None))
    )
    if case is None:
        case = BylawCase(unit_id=unit.id, organisation_id=organisation_id, vacant_since=since)
        db.session.add(case)
    case.reminded_on = clock.today()
    db.session.commit()


def _relations(world: World, staff: User, organisation_id: int) -> None:
    """Relations of organisation X: one with a contact and a claim link, one without an
    address that a message did not reach (no mail is queued while the world is built)."""
    from vrijstad.relations import services
    from vrijstad.relations.models import RelationKind

    organisation = db.session.get_one(Organisation, organisation_id)
    data = {"kind": "owner", "name": "Mevrouw Bakker", "email": "bakker@example.nl"}
    relation = services.create_relation(staff, organisation, data)
    services.log_contact(staff, relation, "call", clock.today(), "Eerste gesprek")
    services.create_relation(staff, organisation, {"kind": "municipality", "name": "Gemeente"})
    segment = services.Segment(kind=RelationKind.MUNICIPALITY)
    message = services.send_message(staff, organisation, segment, "Nieuws", "Tekst")
    db.session.commit()
    world.params |= {"relation_id": relation.id, "message_id": message.id}
    world.by_endpoint["relations.claim"] = {"token": services.claim_token(relation)}


def _saved_search(world: World, starter: User) -> None:
    """Starter A's saved search, and its digest's unsubscribe link."""
    from vrijstad.saved import digests, services
    from vrijstad.saved.models import DigestFrequency

    search = services.save_search(starter, {"city": "Dijkerveen"}, "Centrum", DigestFrequency.DAILY)
    db.session.commit()
    world.params["search_id"] = search.id
    world.by_endpoint["saved.unsubscribe"] = {"token": digests.unsubscribe_token(search)}


def _job_results(organisation_id: int, collective_id: int) -> dict[str, dict]:
    """What background jobs leave behind: a unit import's outcome and a ZIP of invoice PDFs."""
    from vrijstad.billing import tasks as billing_tasks
    from vrijstad.storage import get_storage
    from vrijstad.units import tasks as unit_tasks

    imported, bundle = unit_tasks.new_token(), billing_tasks.new_token()
    unit_tasks.save_outcome(organisation_id, imported, {"imported": 1})
    get_storage().put(
        billing_tasks.download_key(collective_id, bundle),
        b"PK\x05\x06" + bytes(18),
        "application/zip",
    )
    return {
        "units_import.import_result": {"token": imported},
        "billing.download": {"token": bundle},
    }


def _subsidies(app, world: World) -> None:
    """The demo's facade application (of starter B, in draft) and its starter rent scheme."""
    from vrijstad.subsidies.models import SubsidyApplication, SubsidyScheme

    facade = db.session.scalar(
        sa.select(SubsidyApplication).where(
            SubsidyApplication.applicant_id == world.people["starter_b"].id
        )
    )
    world.params |= {
        "scheme_id": db.session.scalar(
            sa.select(SubsidyScheme.id).where(SubsidyScheme.preset == "starter_rent")
        ),
        "line_id": facade.cost_lines[0].id,
        "document_id": next(d.id for d in facade.documents if not d.cost_line_id),
        "preset": "hirb_plus",
        "step": "review",
    }
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("subsidies.") and "application_id" in rule.arguments:
            world.by_endpoint[rule.endpoint] = {"application_id": facade.id}
