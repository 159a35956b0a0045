"""Four eyes on settlements: above € 10.000 received the first admin's approval waits for a
second, different admin of the organisation; the page says who approved and what it waits
for; double clicks and colleagues at the same moment approve once (the race on PostgreSQL)."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.races import at_once, client_of, postgresql_only
from vrijstad.approvals import Approval
from vrijstad.billing import services as billing
from vrijstad.billing.models import Settlement, SettlementStatus
from vrijstad.extensions import db
from vrijstad.organisations.models import MemberRole, Membership

NOV = date(2026, 11, 1)
pytestmark = pytest.mark.clock("2026-12-10T10:00")


def _settlement(collective, place, base: int) -> Settlement:
    """November settled after one invoice of `base` (excl. VAT) was paid in November."""
    invoice = billing.issue_invoice(place(base=base), NOV, issued_on=date(2026, 11, 2))
    billing.record_payment(None, invoice, invoice.total_cents, date(2026, 11, 20))
    settlement = billing.calculate_settlement(None, collective, NOV)
    db.session.commit()
    assert settlement.received_cents == base
    return settlement


@pytest.fixture
def big(ctx, collective, place) -> Settlement:
    """€ 12.000 received: above the threshold of € 10.000."""
    return _settlement(collective, place, 1_200_000)


@pytest.fixture
def admins(collective, make_user):
    """Two more admins of the collective's organisation."""
    made = []
    for name in ("Tweede Beheerder", "Derde Beheerder"):
        user = make_user("staff", name=name)
        db.session.add(
            Membership(user=user, organisation_id=collective.organisation_id, role=MemberRole.ADMIN)
        )
        made.append(user)
    db.session.commit()
    return made


def _fresh(settlement_id: int) -> Settlement:
    db.session.expire_all()
    return db.session.get(Settlement, settlement_id)


def _approvals() -> list[Approval]:
    return list(db.session.scalars(sa.select(Approval)))


def test_at_the_threshold_one_approval_suffices(ctx, collective, place):
    settlement = _settlement(collective, place, 1_000_000)
    billing.approve_settlement(collective.staff, settlement)
    assert settlement.status == SettlementStatus.APPROVED
    assert settlement.approved_by_id == collective.staff.id and _approvals() == []


def test_above_it_a_second_admin_completes_and_the_same_one_is_refused(collective, big, admins):
    first, second = collective.staff, admins[0]
    billing.approve_settlement(first, big)
    assert big.status == SettlementStatus.CALCULATED and big.approved_by_id is None
    with pytest.raises(billing.BillingError, match="al goedgekeurd"):
        billing.approve_settlement(first, big)
    billing.approve_settlement(second, big)
    assert big.status == SettlementStatus.APPROVED and big.approved_by_id == second.id
    (approval,) = _approvals()
    assert (approval.kind, approval.subject_id, approval.amount_cents) == (
        "settlement",
        big.id,
        1_200_000,
    )
    assert (approval.first_by_id, approval.second_by_id) == (first.id, second.id)
    with pytest.raises(billing.BillingError, match="kan niet"):
        billing.approve_settlement(admins[1], big)  # approved: nothing left to approve


def test_the_page_shows_who_approved_first_and_that_a_second_is_awaited(
    client, login, collective, big, admins
):
    url = f"/settlements/{big.id}"
    login(collective.staff)
    first = client.post(f"{url}/approve")
    assert first.status_code == 302
    page = client.get(url).text
    assert "Een tweede collega moet de afrekening ook goedkeuren." in page
    waiting = f"Goedgekeurd door {collective.staff.name} op 10-12-2026 [0-9:]+; wacht op een tweede"
    assert re.search(waiting, page)
    again = client.post(f"{url}/approve")
    assert "Je hebt dit al goedgekeurd." in client.get(again.location).text
    assert _fresh(big.id).status == SettlementStatus.CALCULATED

    client.post("/logout")
    login(admins[0])
    page = client.get(url).text
    assert "Goedkeuren als tweede collega" in page
    client.post(f"{url}/approve")
    page = client.get(url).text
    assert "De afrekening is nu goedgekeurd." in page
    both = (
        f"Goedgekeurd door {collective.staff.name} op 10-12-2026 [0-9:]+ en door "
        rf"{admins[0].name} op 10-12-2026 [0-9:]+ \(vier ogen\)\."
    )
    assert re.search(both, page)
    assert _fresh(big.id).status == SettlementStatus.APPROVED


def test_staff_of_another_organisation_get_a_403(client, login, collective, big, make_org):
    billing.approve_settlement(collective.staff, big)
    db.session.commit()
    stranger = make_org(staff_role="admin").test_staff
    login(stranger)
    assert client.get(f"/settlements/{big.id}").status_code == 403
    assert client.post(f"/settlements/{big.id}/approve").status_code == 403
    (approval,) = _approvals()
    assert approval.second_by_id is None
    assert _fresh(big.id).status == SettlementStatus.CALCULATED


def _approve(settlement_id: int):
    def post(client, i):
        return client.post(f"/settlements/{settlement_id}/approve").status_code

    return post


def test_two_admins_giving_the_second_approval_at_once_approve_once(app, collective, big, admins):
    postgresql_only()
    billing.approve_settlement(collective.staff, big)
    db.session.commit()
    clients = [client_of(app, admin) for admin in admins]
    settlement_id, first_id = big.id, collective.staff.id
    second_ids = {admin.id for admin in admins}
    db.session.remove()
    assert at_once(clients, _approve(settlement_id)) == [302, 302]
    settlement = _fresh(settlement_id)
    assert settlement.status == SettlementStatus.APPROVED
    (approval,) = _approvals()
    assert approval.first_by_id == first_id
    assert approval.second_by_id == settlement.approved_by_id
    assert approval.second_by_id in second_ids
    told = [client.get(f"/settlements/{settlement_id}").text for client in clients]
    assert sorted("kan niet" in page for page in told) == [False, True]  # the loser is told


def test_a_double_click_on_the_first_approval_records_it_once(app, collective, big):
    postgresql_only()
    clients = [client_of(app, collective.staff) for _ in range(2)]
    settlement_id, staff_id = big.id, collective.staff.id
    db.session.remove()
    assert at_once(clients, _approve(settlement_id)) == [302, 302]
    assert _fresh(settlement_id).status == SettlementStatus.CALCULATED
    (approval,) = _approvals()
    assert approval.first_by_id == staff_id and approval.second_by_id is None
    told = [client.get(f"/settlements/{settlement_id}").text for client in clients]
    assert sorted("Je hebt dit al goedgekeurd." in page for page in told) == [False, True]
