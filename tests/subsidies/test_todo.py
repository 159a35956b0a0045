"""Subsidy decisions nearing their legal deadline on the staff's "Te doen" list (issue 24)."""

from datetime import date

from vrijstad.subsidies import services
from vrijstad.subsidies.models import SubsidyStatus
from vrijstad.subsidies.todo import decisions_due
from vrijstad.todo.registry import Severity


def test_a_decision_shows_two_weeks_before_its_deadline_until_decided(make_application, scheme):
    application = make_application(status=SubsidyStatus.IN_REVIEW)  # due 27 April 2026
    organisation = scheme.organisation
    assert decisions_due([organisation.id], date(2026, 4, 12)) == []
    [task] = decisions_due([organisation.id], date(2026, 4, 13))
    assert task.due == date(2026, 4, 27) and task.severity is Severity.ACTION
    assert task.url == f"/subsidies/applications/{application.id}"
    assert "27-04-2026" in task.detail
    [late] = decisions_due([organisation.id], date(2026, 5, 1))
    assert late.severity is Severity.URGENT
    services.grant(organisation.test_staff, application, on=date(2026, 5, 1))
    assert decisions_due([organisation.id], date(2026, 5, 1)) == []


def test_a_request_for_information_moves_the_warning_with_the_deadline(make_application, scheme):
    application = make_application(status=SubsidyStatus.IN_REVIEW)
    organisation = scheme.organisation
    services.request_information(
        organisation.test_staff, application, "Which colour?", on=date(2026, 3, 10)
    )
    # While the question is open the deadline moves on day by day: it does not come nearer.
    assert decisions_due([organisation.id], date(2026, 4, 20)) == []
    services.supply_information(
        application.applicant, application, "Dark green.", on=date(2026, 3, 20)
    )
    # Ten days suspended: due 7 May, on the list from 23 April.
    assert decisions_due([organisation.id], date(2026, 4, 22)) == []
    [task] = decisions_due([organisation.id], date(2026, 4, 23))
    assert task.due == date(2026, 5, 7)
