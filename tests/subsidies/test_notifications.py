"""Subsidy events become in-app notices for the applicant and the staff, in the reader's own
language (Dutch by default, English when chosen), and are mailed as before."""

from datetime import date, timedelta

import sqlalchemy as sa

from tests.subsidies.conftest import DAY
from vrijstad.extensions import db
from vrijstad.i18n import force_locale
from vrijstad.notifications.models import Notification
from vrijstad.notifications.services import notification_text
from vrijstad.organisations.models import MemberRole, Membership
from vrijstad.subsidies import documents, services
from vrijstad.subsidies.models import SubsidyStatus

S = SubsidyStatus


def kinds_of(user) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Notification.kind)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


def notice(user, kind: str) -> Notification:
    return db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
    ).one()


def test_every_step_notifies_the_applicant_and_the_staff(make_application, scheme):
    application = make_application(status=S.INTAKE)
    staff, person = scheme.organisation.test_staff, application.applicant
    assert kinds_of(staff) == ["subsidy.started"]
    application = make_application(status=S.IN_REVIEW, title="Second shopfront")
    services.request_information(
        staff, application, "Please send a photo of the facade.", on=DAY + timedelta(days=3)
    )
    services.supply_information(
        person, application, "The photo is in the plan.", on=DAY + timedelta(days=5)
    )
    services.extend_deadline(
        staff, application, "The committee meets only in June.", on=DAY + timedelta(days=6)
    )
    services.grant(staff, application, on=DAY + timedelta(days=10))
    documents.send_grant_letter(application)
    services.pay_advance(staff, application)
    only = application.cost_lines[0]
    services.submit_accountability(person, application, {only.id: 6_000_00}, "Smaller job.")
    services.settle(staff, application)
    services.record_reclaim(staff, application)
    db.session.commit()

    assert kinds_of(person) == [
        "subsidy.intake",  # the first application's intake was never recorded: only this one
        "subsidy.submitted",
        "subsidy.info_requested",
        "subsidy.extended",
        "subsidy.granted",
        "subsidy.advance_paid",
        "subsidy.accounted",
        "subsidy.settled",
        "subsidy.reclaimed",
    ]
    assert kinds_of(staff) == [
        "subsidy.started",
        "subsidy.started",
        "subsidy.submitted_staff",
        "subsidy.info_supplied",
        "subsidy.accounted_staff",
    ]
    granted = notice(person, "subsidy.granted")
    assert granted.url == f"/subsidies/applications/{application.id}"
    assert granted.data["amount_cents"] == 10_000_00
    assert granted.data["dossier"] == application.dossier_number


def test_texts_follow_the_readers_language(make_application, scheme):
    application = make_application(status=S.IN_REVIEW)
    staff, person = scheme.organisation.test_staff, application.applicant
    services.grant(staff, application, amount_cents=7_654_32, on=DAY + timedelta(days=10))
    documents.send_grant_letter(application)
    db.session.commit()
    granted = notice(person, "subsidy.granted")
    submitted = notice(person, "subsidy.submitted")
    number = application.dossier_number
    with force_locale("nl"):
        text = notification_text(granted.kind, granted.data)
        assert text.startswith(f"Een subsidie van €\xa07.654,32 is verleend voor dossier {number}.")
        due = notification_text(submitted.kind, submitted.data)
        assert number in due and "27-04-2026" in due  # 8 weeks after 2 March 2026
    with force_locale("en"):
        text = notification_text(granted.kind, granted.data)
        assert text.startswith(f"A subsidy of €7,654.32 has been granted for dossier {number}.")
        assert "27-04-2026" in notification_text(submitted.kind, submitted.data)


def test_a_refusal_and_a_withdrawal_are_notified(make_application, scheme, applicant):
    staff = scheme.organisation.test_staff
    refused = make_application(status=S.IN_REVIEW)
    services.reject(staff, refused, "The street is not on the list.", on=DAY + timedelta(days=4))
    documents.send_rejection_letter(refused)
    withdrawn = make_application(status=S.SUBMITTED, title="Another idea")
    services.withdraw(applicant, withdrawn)
    db.session.commit()
    assert "subsidy.rejected" in kinds_of(applicant)
    gone = notice(staff, "subsidy.withdrawn_staff")
    with force_locale("nl"):
        assert notification_text(gone.kind, gone.data) == (
            "Sanne's Koffie heeft de aanvraag voor Gevelfonds Dijkerveen ingetrokken."
        )


def test_the_actor_is_not_notified_of_their_own_step(make_application, scheme, make_user):
    organisation = scheme.organisation
    colleague = make_user("staff", name="Collega Cor")
    db.session.add(Membership(user=colleague, organisation=organisation, role=MemberRole.STAFF))
    db.session.commit()
    application = make_application(status=S.IN_REVIEW)
    staff = organisation.test_staff
    services.request_information(
        staff, application, "Please send the lease as well.", on=DAY + timedelta(days=2)
    )
    services.supply_information(
        staff, application, "The lease came in by post.", on=DAY + timedelta(days=3)
    )
    db.session.commit()
    assert "subsidy.info_supplied" not in kinds_of(staff)
    assert "subsidy.info_supplied" in kinds_of(colleague)


def test_the_notifications_page_shows_the_subsidy_notice_in_dutch(
    make_application, scheme, client_for
):
    application = make_application(status=S.IN_REVIEW)
    person = application.applicant
    person.locale = "nl"
    services.grant(
        scheme.organisation.test_staff, application, amount_cents=1_234_56, on=date(2026, 3, 12)
    )
    documents.send_grant_letter(application)
    db.session.commit()
    page = client_for(person).get("/notifications").text
    assert "Een subsidie van €\xa01.234,56 is verleend" in page
