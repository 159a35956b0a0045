"""Four eyes on subsidy grants: above € 10.000 the first staff member's grant waits for a
second, different colleague; nothing is booked or sent before. Colleagues granting at the
same moment grant once (the race on PostgreSQL)."""

import pytest
import sqlalchemy as sa

from tests.races import at_once, client_of, postgresql_only
from vrijstad.approvals import Approval
from vrijstad.extensions import db
from vrijstad.ledger.models import Posting
from vrijstad.organisations.models import MemberRole, Membership
from vrijstad.subsidies import services
from vrijstad.subsidies.models import CostCategory, SubsidyApplication, SubsidyStatus

S = SubsidyStatus
ABOVE = ((CostCategory.FACADE, 30_000_00),)  # 50 %, capped at € 12.500


def fresh(application_id: int) -> SubsidyApplication:
    db.session.expire_all()
    return db.session.get(SubsidyApplication, application_id)


def postings() -> list[str]:
    return list(db.session.scalars(sa.select(Posting.key)))


def test_at_the_threshold_one_grant_decides(make_application, scheme):
    application = make_application(status=S.IN_REVIEW)  # 50 % of € 20.000 = € 10.000
    services.grant(scheme.organisation.test_staff, application)
    assert application.status == S.GRANTED and application.granted_cents == 10_000_00
    assert db.session.scalar(sa.select(Approval)) is None


def test_above_it_a_second_colleague_grants_and_the_same_one_is_refused(
    make_application, scheme, colleague
):
    staff = scheme.organisation.test_staff
    application = make_application(status=S.IN_REVIEW, costs=ABOVE)
    services.grant(staff, application, conditions="Keep the facade five years.")
    assert application.status == S.IN_REVIEW and application.granted_cents is None
    assert postings() == [] and services.budget_of(scheme).committed_cents == 0
    waiting = services.grant_approval(application)
    assert (waiting.first_by_id, waiting.amount_cents, waiting.complete) == (
        staff.id,
        12_500_00,
        False,
    )
    with pytest.raises(services.SubsidyError, match="You have approved this already"):
        services.grant(staff, application)
    services.grant(colleague, application, conditions="Keep the facade five years.")
    assert application.status == S.GRANTED and application.granted_cents == 12_500_00
    assert application.decided_by_id == colleague.id
    assert application.conditions == "Keep the facade five years."
    assert postings() == [f"subsidy_grant:{application.id}"]
    assert services.grant_approval(application).second_by_id == colleague.id


def test_a_colleague_who_grants_another_amount_starts_over(make_application, scheme, colleague):
    staff = scheme.organisation.test_staff
    application = make_application(status=S.IN_REVIEW, costs=ABOVE)
    services.grant(staff, application)
    services.grant(colleague, application, 11_000_00)  # a lower amount needs its own two
    assert application.status == S.IN_REVIEW
    assert services.grant_approval(application).first_by_id == colleague.id
    services.grant(staff, application, 11_000_00)
    assert application.status == S.GRANTED and application.granted_cents == 11_000_00


def test_the_page_shows_the_first_grant_and_staff_of_another_organisation_get_a_403(
    client_for, make_application, scheme, colleague, make_org, outbox
):
    application = make_application(status=S.IN_REVIEW, costs=ABOVE)
    db.session.commit()
    url = f"/subsidies/applications/{application.id}"
    staff, mails = client_for(scheme.organisation.test_staff), len(outbox())
    staff.post(f"{url}/grant", data={"amount": "12.500", "conditions": "Keep it."})
    again = staff.post(f"{url}/grant", data={"amount": "12.500", "conditions": "Keep it."})
    assert again.status_code == 422 and "You have approved this already" in again.text
    stranger = client_for(make_org().test_staff)
    refused = stranger.post(f"{url}/grant", data={"amount": "12.500"})
    assert refused.status_code == 404  # another organisation's dossier is not even shown
    page = client_for(colleague).get(url).text
    name = scheme.organisation.test_staff.name
    assert f"{name} approved a grant of €12,500.00 on" in page
    assert "waiting for a second colleague" in page and "Grant as the second colleague" in page
    assert "Grant of €12,500.00 approved; waiting for a second colleague" in page  # history
    mine = client_for(application.applicant).get(url).text
    assert "second colleague" not in mine  # the applicant sees the decision, not the steps
    assert fresh(application.id).status == S.IN_REVIEW
    assert len(outbox()) == mails  # no grant letter, no notice yet


def test_two_colleagues_giving_the_second_grant_at_once_grant_once(
    app, make_application, scheme, colleague, make_user
):
    postgresql_only()
    third = make_user("staff", name="Derde Collega", locale="en")
    db.session.add(Membership(user=third, organisation=scheme.organisation, role=MemberRole.STAFF))
    application = make_application(status=S.IN_REVIEW, costs=ABOVE)
    services.grant(scheme.organisation.test_staff, application)
    db.session.commit()
    clients = [client_of(app, person) for person in (colleague, third)]
    url, application_id = f"/subsidies/applications/{application.id}/grant", application.id
    second_ids = {colleague.id, third.id}
    db.session.remove()

    def grant(client, i):
        return client.post(url, data={"amount": "12.500"}).status_code

    assert sorted(at_once(clients, grant)) == [302, 422]  # the loser sees why on the form
    assert fresh(application_id).status == S.GRANTED
    assert postings() == [f"subsidy_grant:{application_id}"]
    approval = db.session.scalar(sa.select(Approval))
    assert approval.second_by_id in second_ids
