"""At the same moment: two staff granting from one budget, two applicants submitting to one
budget, two staff granting one application. The ceiling holds and nothing is booked twice.

Real concurrency needs a server that runs transactions side by side: these run on PostgreSQL
(SQLite takes one writer at a time, so there is no race to lose there).
"""

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from tests.subsidies.conftest import SUBMITTED_AT
from vrijstad.extensions import db
from vrijstad.ledger.models import Posting
from vrijstad.subsidies import services
from vrijstad.subsidies.models import Handling, SubsidyApplication, SubsidyScheme, SubsidyStatus

S = SubsidyStatus


@pytest.fixture(autouse=True)
def _postgresql_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a race needs concurrent transactions: PostgreSQL")


def race(app, action, jobs: list[tuple]) -> dict[int, str]:
    """Run action(*job) for each job in its own thread and transaction, all released at once;
    the outcome per job: 'ok' or 'refused: <reason>'."""
    barrier = threading.Barrier(len(jobs))
    outcomes: dict[int, str] = {}

    def run(n: int, job: tuple) -> None:
        with app.app_context(), app.test_request_context("/?lang=en"):
            try:
                loaded = action(*job)
                barrier.wait(timeout=10)
                loaded()
                db.session.commit()
                outcomes[n] = "ok"
            except services.SubsidyError as exc:
                db.session.rollback()
                outcomes[n] = f"refused: {exc}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _grant(staff_id: int, application_id: int, on: date):
    """Load everything first (as a request would), then grant when released."""
    from vrijstad.auth.models import User

    staff = db.session.get(User, staff_id)
    application = db.session.get(SubsidyApplication, application_id)
    assert application.status == S.IN_REVIEW and application.scheme.budget_cents
    return lambda: services.grant(staff, application, on=on)


def _submit(application_id: int):
    application = db.session.get(SubsidyApplication, application_id)
    applicant = application.applicant
    assert application.status == S.DRAFT and application.cost_lines
    return lambda: services.submit_application(applicant, application, now=SUBMITTED_AT)


def test_two_staff_granting_at_once_never_exceed_the_ceiling(
    app, make_scheme, make_application, make_user
):
    from vrijstad.organisations.models import MemberRole, Membership

    scheme = make_scheme(
        name="Tender",
        handling=Handling.TENDER,
        tender_deadline=date(2026, 3, 31),
        budget_cents=15_000_00,
        dossier_prefix="TD",
    )
    first = make_application(status=S.IN_REVIEW, target_scheme=scheme, title="A")
    second = make_application(status=S.IN_REVIEW, target_scheme=scheme, title="B")
    colleague = make_user("staff", email="collega@org.nl")
    db.session.add(
        Membership(
            user_id=colleague.id, organisation_id=scheme.organisation_id, role=MemberRole.STAFF
        )
    )
    db.session.commit()
    jobs = [
        (scheme.organisation.test_staff.id, first.id, date(2026, 4, 1)),
        (colleague.id, second.id, date(2026, 4, 1)),
    ]
    scheme_id = scheme.id
    db.session.remove()

    outcomes = race(app, _grant, jobs)

    assert sorted(o.split(":")[0] for o in outcomes.values()) == ["ok", "refused"]
    assert "ceiling of €15,000.00 would be exceeded" in next(
        o for o in outcomes.values() if o != "ok"
    )
    statuses = db.session.scalars(
        sa.select(SubsidyApplication.status).where(SubsidyApplication.scheme_id == scheme_id)
    ).all()
    assert sorted(statuses) == [S.GRANTED, S.IN_REVIEW]
    scheme = db.session.get(SubsidyScheme, scheme_id)
    assert services.budget_of(scheme).committed_cents == 10_000_00
    assert db.session.scalar(sa.select(sa.func.count(Posting.id))) == 1


def test_two_submissions_at_once_reserve_the_last_of_the_budget_once(
    app, make_scheme, make_application, make_starter
):
    scheme = make_scheme(name="Klein", budget_cents=15_000_00, dossier_prefix="KL")
    drafts = [
        make_application(target_scheme=scheme, title="A"),
        make_application(target_scheme=scheme, title="B", person=make_starter(name="Bram")),
    ]
    jobs = [(d.id,) for d in drafts]
    scheme_id = scheme.id
    db.session.remove()

    outcomes = race(app, _submit, jobs)

    assert sorted(o.split(":")[0] for o in outcomes.values()) == ["ok", "refused"]
    rows = db.session.execute(
        sa.select(SubsidyApplication.status, SubsidyApplication.dossier_number)
        .where(SubsidyApplication.scheme_id == scheme_id)
        .order_by(SubsidyApplication.dossier_number)
    ).all()
    assert sorted(r.status for r in rows) == [S.DRAFT, S.SUBMITTED]
    assert [r.dossier_number for r in rows if r.dossier_number] == ["KL-2026-0001"]
    scheme = db.session.get(SubsidyScheme, scheme_id)
    assert services.budget_of(scheme).reserved_cents == 10_000_00


def test_one_application_granted_by_two_staff_at_once_is_granted_and_booked_once(
    app, scheme, make_application, make_user
):
    from vrijstad.organisations.models import MemberRole, Membership

    application = make_application(status=S.IN_REVIEW)
    colleague = make_user("staff", email="collega@org.nl")
    db.session.add(
        Membership(
            user_id=colleague.id, organisation_id=scheme.organisation_id, role=MemberRole.STAFF
        )
    )
    db.session.commit()
    jobs = [
        (scheme.organisation.test_staff.id, application.id, date(2026, 4, 1)),
        (colleague.id, application.id, date(2026, 4, 1)),
    ]
    db.session.remove()

    outcomes = race(app, _grant, jobs)

    refused = [o for o in outcomes.values() if o != "ok"]
    assert len(outcomes) == 2 and len(refused) == 1
    assert "decided by someone else" in refused[0]
    assert db.session.scalar(sa.select(sa.func.count(Posting.id))) == 1
