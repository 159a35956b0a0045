"""The grant letter reads well: names with diacritics, euro amounts, no text over text."""

from datetime import date

from tests.pdf_layout import assert_readable, text_of
from tests.subsidies.conftest import DAY
from vrijstad import clock
from vrijstad.extensions import db
from vrijstad.i18n import force_locale
from vrijstad.subsidies import services
from vrijstad.subsidies.documents import grant_letter_pdf
from vrijstad.subsidies.models import SubsidyStatus
from vrijstad.subsidies.services.clock import objection_deadline

NAME = "Zoë's Atelier Łukasz Şahin"


def test_grant_letter_prints_names_and_amounts_apart(make_application, scheme):
    application = make_application(status=SubsidyStatus.IN_REVIEW, applicant_name=NAME)
    services.grant(
        scheme.organisation.test_staff,
        application,
        conditions="Houd de gevel vijf jaar in stand; Şahin & Zoë tekenen.",
        on=DAY,
    )
    db.session.commit()
    data = grant_letter_pdf(application)
    text = text_of(data).replace("\xa0", " ")
    for expected in (NAME, "€", application.dossier_number, "87654321", "Şahin & Zoë tekenen"):
        assert expected in text, expected
    assert "EUR" not in text and "?" not in text
    assert_readable(data)


def test_grant_letter_says_how_and_until_when_to_object(make_application, scheme):
    """Awb 6:7: six weeks from the day after sending (decided and sent Monday 2 March 2026, so
    until Monday 13 April 2026), to the body named on the scheme, with what the letter holds."""
    application = make_application(status=SubsidyStatus.IN_REVIEW)
    services.grant(scheme.organisation.test_staff, application, on=DAY)
    db.session.commit()
    with force_locale("nl"):
        text = " ".join(text_of(grant_letter_pdf(application)).replace("\xa0", " ").split())
    assert "Bezwaar maken" in text
    assert "uiterlijk op 13 april 2026" in text
    assert "bij Gemeente Dijkerveen" in text
    for part in ("ondertekende brief", "uw naam en adres", "de datum", "waarom u"):
        assert part in text, part
    assert application.dossier_number in text


def test_objection_term_ending_in_a_weekend_moves_to_monday():
    assert objection_deadline(date(2026, 3, 2)) == date(2026, 4, 13)
    assert objection_deadline(date(2026, 3, 7)) == date(2026, 4, 20)  # Saturday → Monday
    assert objection_deadline(date(2026, 3, 8)) == date(2026, 4, 20)  # Sunday → Monday


def test_a_refusal_has_a_letter_with_its_reasons_and_the_objection_clause(
    client, login, make_application, scheme, applicant, outbox
):
    """Every decision is a letter with the way to object, a refusal too (Awb 6:7, 3:45)."""
    application = make_application(status=SubsidyStatus.IN_REVIEW)
    login(scheme.organisation.test_staff)
    url = f"/subsidies/applications/{application.id}"
    assert client.get(f"{url}/decision.pdf").status_code == 404  # no decision yet
    reason = "De Kanaalstraat valt buiten het gebied van de regeling."
    response = client.post(f"{url}/reject", data={"reject-reason": reason})
    assert response.status_code == 302
    [mail] = [m for m in outbox() if "not granted" in m["Subject"]]
    assert mail["To"] == applicant.email
    [attachment] = [a for a in mail.iter_attachments() if a.get_content_type() == "application/pdf"]
    assert attachment.get_filename() == f"decision-{application.dossier_number}.pdf"
    text = " ".join(text_of(attachment.get_content()).replace("\xa0", " ").split())
    assert "not granted" in text and reason in text  # in the applicant's language (English)
    assert "you can object to it" in text and "with Gemeente Dijkerveen" in text
    assert f"no later than {objection_deadline(clock.today()):%-d %B %Y}" in text
    client.post("/logout")
    login(applicant)
    page = client.get(url).text
    assert f"{url}/decision.pdf" in page
    letter = client.get(f"{url}/decision.pdf")
    assert letter.headers["Content-Type"] == "application/pdf"
    assert_readable(letter.data)
