"""Four eyes on money leaving the organisation: above the threshold a payout run (the SEPA
file, Stripe transfers) is made only when a second staff member asks for it too; the same
person twice is refused; a file the bank rejected needs two again for the next one."""

import pytest
import sqlalchemy as sa

from tests.payments.test_payout_files import statuses, with_ibans
from tests.payments.test_payouts import next_business_day
from vrijstad.approvals import ApprovalError
from vrijstad.extensions import db
from vrijstad.organisations.models import MemberRole, Membership
from vrijstad.payments import services
from vrijstad.payments.models import PayoutBatch, PayoutStatus

pytestmark = pytest.mark.clock("2026-12-10T10:00")


@pytest.fixture
def low_threshold(app):
    """The approved settlement pays € 1.530 to landlords: put the threshold below it."""
    before = app.config["FOUR_EYES_THRESHOLD_CENTS"]
    app.config["FOUR_EYES_THRESHOLD_CENTS"] = 100_000
    yield
    app.config["FOUR_EYES_THRESHOLD_CENTS"] = before


@pytest.fixture
def colleague(collective, make_user):
    user = make_user("staff", name="Tweede Beheerder")
    db.session.add(
        Membership(user=user, organisation_id=collective.organisation_id, role=MemberRole.ADMIN)
    )
    db.session.commit()
    return user


def batches() -> int:
    return db.session.scalar(sa.select(sa.func.count(PayoutBatch.id)))


def test_above_the_threshold_the_file_waits_for_a_second_colleague(
    approved, collective, colleague, low_threshold
):
    with_ibans(collective)
    assert services.pay_by_sepa(collective.staff, approved, next_business_day()) is None
    db.session.commit()
    assert batches() == 0 and statuses() == [PayoutStatus.PENDING, PayoutStatus.PENDING]
    with pytest.raises(ApprovalError):  # the same person again
        services.pay_by_sepa(collective.staff, approved, next_business_day())
    db.session.rollback()
    batch = services.pay_by_sepa(colleague, approved, next_business_day())
    db.session.commit()
    assert batch is not None and batches() == 1
    assert statuses() == [PayoutStatus.EXPORTED, PayoutStatus.EXPORTED]


def test_at_or_below_the_threshold_one_staff_member_makes_the_file(approved, collective):
    with_ibans(collective)
    assert services.pay_by_sepa(collective.staff, approved, next_business_day()) is not None


def test_a_rejected_file_needs_two_again(approved, collective, colleague, low_threshold):
    with_ibans(collective)
    services.pay_by_sepa(collective.staff, approved, next_business_day())
    batch = services.pay_by_sepa(colleague, approved, next_business_day())
    services.reject_batch(collective.staff, batch)
    db.session.commit()
    assert services.pay_by_sepa(colleague, approved, next_business_day()) is None
    db.session.commit()
    assert services.pay_by_sepa(collective.staff, approved, next_business_day()) is not None


def test_the_page_says_who_asked_and_that_it_waits(
    client, login, approved, collective, colleague, low_threshold
):
    with_ibans(collective)
    login(collective.staff)
    response = client.post(
        f"/settlements/{approved.id}/payouts/sepa",
        data={"execution_date": next_business_day().isoformat()},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "een tweede collega maakt de uitbetaling" in response.text
    page = client.get(f"/settlements/{approved.id}/payouts").text
    assert 'id="payout-approval"' in page and collective.staff.name in page
    assert batches() == 0
