"""An applicant whose e-mail address is unconfirmed neither starts nor submits a subsidy
application: the page says why."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from vrijstad import clock
from vrijstad.auth.verification import EmailNotVerified
from vrijstad.extensions import db
from vrijstad.subsidies import services
from vrijstad.subsidies.models import SubsidyApplication, SubsidyStatus


def unconfirm(user) -> None:
    user.email_verified_at = None
    db.session.commit()


def test_an_unconfirmed_applicant_cannot_start_and_is_told_why(client, login, scheme, applicant):
    unconfirm(applicant)
    login(applicant)
    response = client.post(
        f"/subsidies/schemes/{scheme.id}/apply",
        data={
            "applicant_kind": "starter",
            "applicant_name": "Sanne's Koffie",
            "applicant_kvk": "87654321",
            "title": "New shopfront",
            "description": "Replace the worn-out shopfront and add a sign.",
            "street_id": "0",
            "address": "Hoogstraat 12",
            "work_starts_on": (clock.today() + timedelta(days=60)).isoformat(),
        },
    )
    assert response.status_code == 403
    assert "Confirm your e-mail address first" in response.text  # the applicant reads English
    assert 'action="/account/confirm"' in response.text
    assert db.session.scalar(sa.select(sa.func.count(SubsidyApplication.id))) == 0


def test_an_applicant_who_changed_address_cannot_submit_until_confirmed(
    client, login, make_application, applicant
):
    application = make_application(SubsidyStatus.DRAFT)
    unconfirm(applicant)
    with pytest.raises(EmailNotVerified):
        services.submit_application(applicant, application)
    db.session.rollback()
    login(applicant)
    response = client.post(f"/subsidies/applications/{application.id}/submit")
    assert response.status_code == 403 and "Confirm your e-mail address first" in response.text
    db.session.refresh(application)
    assert application.status == SubsidyStatus.DRAFT and application.dossier_number is None
