"""The bylaw pages for staff: the case page and its steps, the letters, the scoping."""

from datetime import timedelta

import pytest

from tests.bylaw.conftest import NOW, TODAY, YEAR_AGO
from tests.pdf_layout import text_of
from vrijstad.bylaw import services
from vrijstad.bylaw.models import BylawCase, BylawStage, ReportChannel, VacancyBylaw
from vrijstad.extensions import db

pytestmark = pytest.mark.clock(NOW)


def test_staff_walk_a_case_to_escalation_and_download_each_letter(client, login, org, vacant_unit):
    unit = vacant_unit(YEAR_AGO, street="Kerkstraat")
    login(org.test_staff)
    page = client.get(f"/units/{unit.id}/bylaw")
    assert page.status_code == 200
    assert "Herinner de eigenaar aan de meldplicht" in page.text
    assert client.post(f"/units/{unit.id}/bylaw/remind").status_code == 303
    reported = {"reported_on": TODAY.isoformat(), "via": "email"}
    assert client.post(f"/units/{unit.id}/bylaw/report", data=reported).status_code == 303
    consult = {"consult_on": TODAY.isoformat()}
    assert client.post(f"/units/{unit.id}/bylaw/consult", data=consult).status_code == 303
    assert client.post(f"/units/{unit.id}/bylaw/escalate").status_code == 303
    case = db.session.scalar(db.select(BylawCase))
    assert case.stage == BylawStage.ESCALATED
    for letter in ("reminder", "invitation", "escalation"):
        response = client.get(f"/units/{unit.id}/bylaw/letters/{letter}.pdf")
        assert response.status_code == 200, letter
        assert response.headers["Content-Type"] == "application/pdf"
        text = " ".join(text_of(response.data).split())
        assert f"{unit.address}, {unit.postcode} {unit.city}" in text
        assert "Gemeente Dijkerveen" in text
        assert " u " in text or "u de" in text or "U " in text  # formal Dutch for the owner


def test_a_refused_step_shows_the_reason_and_changes_nothing(client, login, org, vacant_unit):
    unit = vacant_unit(TODAY - timedelta(days=200))
    login(org.test_staff)
    answer = client.post(f"/units/{unit.id}/bylaw/escalate", follow_redirects=True)
    assert "Escalatie kan vanaf" in answer.text
    future = {"reported_on": (TODAY + timedelta(days=2)).isoformat(), "via": "email"}
    answer = client.post(f"/units/{unit.id}/bylaw/report", data=future)
    assert answer.status_code == 422
    assert "Een melding kan niet in de toekomst gedateerd zijn." in answer.text
    answer = client.post(f"/units/{unit.id}/bylaw/consult", data={"consult_on": "gisteren"})
    assert answer.status_code == 422
    assert db.session.scalar(db.select(BylawCase)) is None


def test_a_letter_that_is_not_due_is_not_found(client, login, org, vacant_unit):
    unit = vacant_unit(YEAR_AGO)
    login(org.test_staff)
    assert client.get(f"/units/{unit.id}/bylaw/letters/reminder.pdf").status_code == 404
    services.record_report(org.test_staff, unit, TODAY, ReportChannel.FORM, TODAY)
    db.session.commit()
    assert client.get(f"/units/{unit.id}/bylaw/letters/invitation.pdf").status_code == 404
    assert client.get(f"/units/{unit.id}/bylaw/letters/other.pdf").status_code == 404


def test_other_organisations_staff_are_refused(client, login, org, vacant_unit, make_org):
    unit = vacant_unit(YEAR_AGO)
    login(make_org().test_staff)
    assert client.get(f"/units/{unit.id}/bylaw").status_code == 403
    assert client.post(f"/units/{unit.id}/bylaw/remind").status_code == 403
    assert client.get(f"/organisations/{org.id}/bylaw").status_code == 403
    assert db.session.scalar(db.select(BylawCase)) is None


def test_the_overview_lists_the_vacant_units_and_an_admin_records_the_bylaw(
    client, login, make_org, make_unit
):
    organisation = make_org(staff_role="admin")
    unit = make_unit(area=organisation.areas[0], vacant_since=YEAR_AGO)
    login(organisation.test_staff)
    page = client.get(f"/organisations/{organisation.id}/bylaw")
    assert "Er is geen leegstandsverordening vastgelegd" in page.text
    bad = client.post(f"/organisations/{organisation.id}/bylaw", data={"municipality": ""})
    assert bad.status_code == 422
    data = {"municipality": "Gemeente Dijkerveen", "in_force_since": "2024-01-01"}
    saved = client.post(f"/organisations/{organisation.id}/bylaw", data=data)
    assert saved.status_code == 302
    assert db.session.scalar(db.select(VacancyBylaw.municipality)) == "Gemeente Dijkerveen"
    page = client.get(f"/organisations/{organisation.id}/bylaw")
    assert unit.address in page.text and "melding verplicht" in page.text


def test_the_bylaw_steps_are_on_the_to_do_list(client, login, org, vacant_unit):
    unit = vacant_unit(YEAR_AGO)
    login(org.test_staff)
    assert f"Meldplicht voor {unit.address}" in client.get("/todo").text
    services.record_report(org.test_staff, unit, TODAY, ReportChannel.FORM, TODAY)
    services.invite_to_consult(org.test_staff, unit, TODAY + timedelta(days=60), TODAY)
    db.session.commit()
    assert unit.address not in client.get("/todo").text


def test_the_overview_is_paged_longest_vacant_first(client, login, org, make_unit, monkeypatch):
    from vrijstad.bylaw import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    area = org.areas[0]
    units = [
        make_unit(area=area, house_number=n, vacant_since=YEAR_AGO + timedelta(days=n))
        for n in (3, 1, 2)
    ]
    login(org.test_staff)
    first = client.get(f"/organisations/{org.id}/bylaw?lang=nl")
    assert "3 leegstaande panden vallen onder de verordening." in first.text
    assert "Pagina 1 van 2" in first.text
    shown = [u for u in units if f">{u.address}</a>" in first.text]
    assert sorted(u.house_number for u in shown) == [1, 2]  # the two longest vacant
    second = client.get(f"/organisations/{org.id}/bylaw?page=2")
    assert f">{units[0].address}</a>" in second.text and "Pagina 2 van 2" in second.text
    assert client.get(f"/organisations/{org.id}/bylaw?page=3").status_code == 404


def test_each_letter_is_mailed_to_the_owner_with_the_pdf(client, login, org, vacant_unit, outbox):
    unit = vacant_unit(YEAR_AGO)
    login(org.test_staff)
    reminded = client.post(f"/units/{unit.id}/bylaw/remind", follow_redirects=True)
    assert f"de brief is gemaild naar {unit.owner.email}" in reminded.text
    client.post(f"/units/{unit.id}/bylaw/report", data={"reported_on": TODAY.isoformat()})
    client.post(f"/units/{unit.id}/bylaw/consult", data={"consult_on": TODAY.isoformat()})
    client.post(f"/units/{unit.id}/bylaw/escalate")
    mails = outbox()
    assert [m["To"] for m in mails] == [unit.owner.email] * 3
    assert [m["Subject"].split("·")[0].strip() for m in mails] == [
        "Herinnering: meldplicht voor een leegstaand pand",
        "Uitnodiging voor overleg over een leegstaand pand",
        "Kennisgeving: voordracht van een gebruiker voor een leegstaand pand",
    ]
    [attachment] = list(mails[2].iter_attachments())
    assert attachment.get_filename() == f"leegstand-{unit.id}-escalation.pdf"
    assert "Gemeente Dijkerveen" in text_of(attachment.get_content())
    body = mails[0].get_body(("plain",)).get_content()
    assert f"Geachte {unit.owner.name}" in body and "kenmerk LV-" in body


def test_a_held_unit_is_mailed_to_its_relation_and_without_address_posted(
    client, login, org, make_unit, outbox
):
    from vrijstad.relations import services as relations

    held = make_unit(area=org.areas[0], vacant_since=YEAR_AGO, house_number=5)
    unknown = make_unit(area=org.areas[0], vacant_since=YEAR_AGO, house_number=7)
    held.owner = unknown.owner = None  # held for owners without an account (imported)
    data = {"kind": "owner", "name": "Piet Pand", "email": "piet@example.nl", "units": [held.id]}
    relations.create_relation(org.test_staff, org, data)
    db.session.commit()
    login(org.test_staff)
    client.post(f"/units/{held.id}/bylaw/remind")
    [mail] = outbox()
    assert (
        mail["To"] == "piet@example.nl"
        and "Geachte Piet Pand" in mail.get_body(("plain",)).get_content()
    )
    answer = client.post(f"/units/{unknown.id}/bylaw/remind", follow_redirects=True)
    assert "Er is geen e-mailadres van de eigenaar bekend" in answer.text
    assert len(outbox()) == 1
