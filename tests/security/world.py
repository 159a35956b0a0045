"""One small world with every kind of object and person, for the access-control matrix and the
hostile-input tests: the Dijkerveen demo (organisation X, its landlords, starters, a collective
with an invoice and a settlement) plus organisation Y, and the objects the demo lacks."""

import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask_login import login_user
from fpdf import FPDF
from PIL import Image

from tests.conftest import PASSWORD
from vrijstad import jobs
from vrijstad.applications import services as applications
from vrijstad.applications.models import Application
from vrijstad.areas.models import Street
from vrijstad.auth.models import User
from vrijstad.billing import services as billing
from vrijstad.billing.models import FundPurpose, Invoice, Settlement
from vrijstad.demo import DEMO_PASSWORD, load_demo_data
from vrijstad.extensions import db
from vrijstad.letting.models import Collective, HeadLease, Placement
from vrijstad.letting.services import submit_turnover
from vrijstad.notifications.models import Notification
from vrijstad.payments.models import BankImport, IssueKind, PaymentIssue
from vrijstad.payments.services import landlord_shares, pay_by_sepa, save_bank_account
from vrijstad.popups import services as popups
from vrijstad.popups.models import ALL_WEEKDAYS
from vrijstad.starters.services import store_plan
from vrijstad.units import photos
from vrijstad.units.models import Unit, UnitStatus

ROLES = (
    "anonymous", "landlord_a", "landlord_b", "starter_a", "starter_b",
    "juror", "staff_x", "staff_y", "admin",
)  # fmt: skip


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
        sa.select(Unit).where(Unit.owner_id == landlord_a.id, Unit.status == UnitStatus.LISTED)
        .order_by(Unit.id)
    )  # fmt: skip
    application = db.session.scalar(sa.select(Application).where(
        Application.starter_id == starter_a.id, Application.unit_id == listed.id))  # fmt: skip
    if application is None:
        application = applications.submit_application(
            starter_a, listed, "Mijn concept past goed in deze straat; ik begin graag snel."
        )
    viewing = applications.plan_viewing(
        landlord_a, application, datetime.now(UTC) + timedelta(days=7)
    )
    staff_x = _user("manager@binnenstad-dijkerveen.example")
    photo = photos.add_photo(landlord_a, listed, _png())
    popups.save_terms(landlord_a, listed, popups.TermsData(
        enabled=True, price_cents_per_day=5_000, price_cents_per_week=25_000, min_stay_days=1,
        max_stay_days=60, lead_time_days=0, weekdays_mask=ALL_WEEKDAYS))  # fmt: skip
    soon = date.today() + timedelta(days=20)
    blocked = popups.block_period(landlord_a, listed, soon, soon + timedelta(days=1), "Onderhoud")
    booking = popups.request_booking(
        starter_a, listed, soon + timedelta(days=5), soon + timedelta(days=6)
    )
    collective = db.session.scalar(sa.select(Collective))
    store_plan(starter_a, "plan.pdf", _pdf())
    report = submit_turnover(starter_a, placement, date.today().replace(day=1), 1_000_000,
                             ("kassa.pdf", _pdf()))  # fmt: skip
    settlement = db.session.scalar(sa.select(Settlement))
    billing.approve_settlement(staff_x, settlement)
    for landlord_id in landlord_shares(settlement):
        save_bank_account(db.session.get(User, landlord_id), "Eigenaar", "NL91ABNA0417164300")
    pay_by_sepa(staff_x, settlement, date.today() + timedelta(days=1))
    spending = billing.propose_spending(
        staff_x, collective, FundPurpose.PLACEMAKING, "Bloembakken in de Hoogstraat", 1_000
    )
    notification = Notification(user_id=starter_a.id, kind="application.shortlisted",
                                data={"unit": listed.address}, url="/my/applications")  # fmt: skip
    bank_import = BankImport(organisation_id=collective.organisation_id, filename="bank.csv",
                             sha256="0" * 64, rows_total=1, matched_count=0, matched_cents=0,
                             unmatched=[])  # fmt: skip
    issue = PaymentIssue(organisation_id=collective.organisation_id,
                         kind=IssueKind.UNKNOWN_INVOICE, source="evt_world")  # fmt: skip
    db.session.add_all([notification, bank_import, issue])
    db.session.flush()
    with app.test_request_context():
        login_user(starter_a)
        job = jobs.enqueue(len, "vrijstad", job_title="World")
        db.session.commit()
    world.people = {
        "anonymous": None,
        "landlord_a": landlord_a,
        "landlord_b": landlord_b,
        "starter_a": starter_a,
        "starter_b": _user("starter@vrijstad.example"),
        "juror": make_user("juror", name="Jurylid Zonder Rechten"),
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
        "issue_id": issue.id,
        "job_id": job.id,
        "starter_id": _user("starter@vrijstad.example").id,
        "decision": "approve",
        "action": "approve",
        "method": "sepa",
        "fmt": "csv",
        "field": "postcode",
    }
    world.by_endpoint = {
        "units.photo_action": {"action": "delete"},
    }
    return world
