"""De-minimis aid: per KvK number, what every scheme granted over the current and two previous
years plus the aid declared, at most € 300.000; above it submission and grant are refused."""

from datetime import date

import pytest

from tests.subsidies.conftest import DAY, SUBMITTED_AT
from vrijstad.extensions import db
from vrijstad.subsidies import services
from vrijstad.subsidies.models import SubsidyStatus


def test_submission_above_the_ceiling_is_refused_with_the_sum(make_application):
    application = make_application(other_de_minimis_cents=295_000_00)  # + € 10.000 computed
    assert application.other_de_minimis_cents == 295_000_00
    with pytest.raises(services.SubsidyError) as refused:
        services.submit_application(application.applicant, application, now=SUBMITTED_AT)
    message = str(refused.value)
    assert "de-minimis" in message and "87654321" in message
    assert "295,000.00" in message and "300,000.00" in message


def test_grant_counts_other_schemes_of_the_same_company(make_application, make_scheme, scheme):
    first = make_application(status=SubsidyStatus.IN_REVIEW, other_de_minimis_cents=285_000_00)
    other_scheme = make_scheme(name="Huurfonds", dossier_prefix="HUUR")
    second = make_application(status=SubsidyStatus.IN_REVIEW, target_scheme=other_scheme)
    services.grant(other_scheme.organisation.test_staff, second, on=DAY)
    db.session.commit()
    assert services.de_minimis_of(first, DAY) == 295_000_00  # declared + the other grant
    with pytest.raises(services.SubsidyError) as refused:
        services.grant(scheme.organisation.test_staff, first, on=DAY)
    assert "295,000.00" in str(refused.value)
    db.session.rollback()
    services.grant(scheme.organisation.test_staff, first, amount_cents=5_000_00, on=DAY)
    assert first.status == SubsidyStatus.GRANTED  # € 300.000 exactly is allowed


def test_only_this_and_the_two_previous_years_count(make_application, scheme):
    old = make_application(status=SubsidyStatus.IN_REVIEW)
    services.grant(scheme.organisation.test_staff, old, on=DAY)
    db.session.commit()
    later = make_application()
    assert services.de_minimis_of(later, date(2028, 12, 31)) == 10_000_00
    assert services.de_minimis_of(later, date(2029, 1, 1)) == 0


def test_staff_see_the_running_total_of_the_company_on_the_application_page(
    make_application, make_scheme, scheme, client_for
):
    first = make_application(status=SubsidyStatus.IN_REVIEW, other_de_minimis_cents=12_500_00)
    other_scheme = make_scheme(name="Huurfonds", dossier_prefix="HUUR")
    second = make_application(status=SubsidyStatus.IN_REVIEW, target_scheme=other_scheme)
    services.grant(other_scheme.organisation.test_staff, second, on=DAY)
    db.session.commit()
    page = client_for(scheme.organisation.test_staff).get(f"/subsidies/applications/{first.id}")
    assert page.status_code == 200
    section = page.text[page.text.index('id="de-minimis"') :]
    assert "€22,500.00" in section[:400] and "€300,000.00" in section[:400]  # declared + granted
    assert "87654321" in section[:400]
    applicant_page = client_for(first.applicant).get(f"/subsidies/applications/{first.id}")
    assert 'id="de-minimis"' not in applicant_page.text
