"""The grant letter reads well: names with diacritics, euro amounts, no text over text."""

from tests.pdf_layout import assert_readable, text_of
from tests.subsidies.conftest import DAY
from vrijstad.extensions import db
from vrijstad.subsidies import services
from vrijstad.subsidies.documents import grant_letter_pdf
from vrijstad.subsidies.models import SubsidyStatus

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
