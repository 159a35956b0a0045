"""Fixtures for subsidies: PDFs, schemes, and applications at any step of the procedure."""

import io
from datetime import UTC, date, datetime

import pytest
from fpdf import FPDF

from vrijstad.extensions import db
from vrijstad.subsidies import services
from vrijstad.subsidies.models import (
    ApplicantKind,
    CostCategory,
    DocumentKind,
    Handling,
    Provider,
    SubsidyStatus,
)

#: A Monday; the decision term of an application submitted then ends 8 weeks later.
SUBMITTED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
DAY = SUBMITTED_AT.date()


def pdf(text: str = "Offerte") -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text=text)
    return bytes(document.output())


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def rules(**overrides) -> services.SchemeRules:
    values = {
        "name": "Gevelfonds Dijkerveen",
        "provider": Provider.MUNICIPALITY,
        "provider_name": "Gemeente Dijkerveen",
        "percentage_bp": 5000,
        "max_per_activity_cents": 12_500_00,
        "budget_cents": 100_000_00,
        "handling": Handling.FIRST_COME,
        "applicant_kinds": [ApplicantKind.STARTER, ApplicantKind.LANDLORD],
        "cost_categories": [CostCategory.FACADE, CostCategory.FIT_OUT],
        "required_documents": [DocumentKind.KVK_EXTRACT, DocumentKind.PLAN],
        "apply_before_start": True,
        "lead_days": 0,
        "advance_bp": 8000,
        "dossier_prefix": "GEVEL",
    } | overrides
    return services.SchemeRules(**values)


@pytest.fixture
def ctx(app):
    """Services run as inside a request (they build links), in English: tests read English."""
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def client_for(app):
    """Factory: a client of its own, logged in as the user (logins are not rate-limited here:
    these tests switch between applicant and staff many times)."""
    from tests.conftest import log_in
    from vrijstad.extensions import limiter

    limiter.enabled = False

    def make(user):
        client = app.test_client()
        log_in(client, user)
        return client

    yield make
    limiter.enabled = True


@pytest.fixture
def subsidy_org(make_org):
    """An organisation whose staff member works in English."""
    organisation = make_org()
    organisation.test_staff.locale = "en"
    db.session.commit()
    return organisation


@pytest.fixture
def colleague(subsidy_org, make_user):
    """A second staff member of the organisation (grants above € 10.000 need two)."""
    from vrijstad.organisations.models import MemberRole, Membership

    user = make_user("staff", name="Tweede Collega", locale="en")
    db.session.add(Membership(user=user, organisation=subsidy_org, role=MemberRole.STAFF))
    db.session.commit()
    return user


@pytest.fixture
def make_scheme(ctx, subsidy_org):
    def make(organisation=None, **overrides):
        organisation = organisation or subsidy_org
        scheme = services.create_scheme(organisation.test_staff, organisation, rules(**overrides))
        db.session.commit()
        return scheme

    return make


@pytest.fixture
def scheme(make_scheme):
    return make_scheme()


@pytest.fixture
def applicant(make_starter):
    starter = make_starter(name="Sanne Starter", trade_name="Sanne's Koffie")
    starter.locale = "en"
    db.session.commit()
    return starter


def details(**overrides) -> services.ApplicationData:
    values = {
        "applicant_kind": ApplicantKind.STARTER,
        "applicant_name": "Sanne's Koffie",
        "applicant_kvk": "87654321",
        "title": "New shopfront for the coffee bar",
        "description": "Replace the worn-out shopfront and add a sign that fits the street.",
        "work_starts_on": date(2026, 6, 1),
    } | overrides
    return services.ApplicationData(**values)


@pytest.fixture
def make_application(ctx, scheme, applicant):
    """Factory: an application brought to the given status, with costs, quotes and documents."""

    def make(
        status=SubsidyStatus.DRAFT,
        target_scheme=None,
        person=None,
        costs=((CostCategory.FACADE, 20_000_00),),
        submitted_at=SUBMITTED_AT,
        **data,
    ):
        target = target_scheme or scheme
        person = person or applicant
        staff = target.organisation.test_staff
        on = submitted_at.date()
        application = services.start_application(person, target, details(**data), on=on)
        if status == SubsidyStatus.INTAKE:
            db.session.commit()
            return application
        services.record_intake(staff, application, "Discussed the plan and the quotes.")
        for n, (category, cents) in enumerate(costs, 1):
            services.add_cost_line(
                person,
                application,
                f"Cost item {n}",
                category,
                cents,
                quote=(f"offerte-{n}.pdf", pdf()),
            )
        for kind in target.required_documents:
            services.add_document(person, application, DocumentKind(kind), f"{kind}.pdf", pdf())
        if status == SubsidyStatus.DRAFT:
            db.session.commit()
            return application
        services.submit_application(person, application, now=submitted_at)
        if status == SubsidyStatus.SUBMITTED:
            db.session.commit()
            return application
        services.start_review(staff, application)
        if status == SubsidyStatus.IN_REVIEW:
            db.session.commit()
            return application
        raise ValueError(status)

    return make
