"""The draft agreement states every term agreed in the offer, readably, in the shipped font."""

import dataclasses

from tests.fixtures_lettings import MOTIVATION
from tests.pdf_layout import assert_readable, text_of
from vrijstad.applications import services
from vrijstad.extensions import db
from vrijstad.letting.services import agreement_pdf, use_labels

NOTE = "De starter mag de etalage zelf inrichten; geen geluid na 22.00 uur."


def test_agreement_lists_every_agreed_term(ctx, unit, make_starter, terms):
    starter = make_starter(name="Łukasz Şahin", trade_name="Zoë's Atelier Łukasz Şahin")
    application = services.submit_application(starter, unit, MOTIVATION)
    services.shortlist(unit.owner, application)
    services.make_offer(unit.owner, application, dataclasses.replace(terms, note=NOTE))
    placement = services.accept_offer(starter, application)
    placement.discount_schedule = [
        {"from": 1, "to": 6, "pct_bp": 10000},
        {"from": 7, "to": 8, "pct_bp": 7500},
        {"from": 12, "to": 12, "pct_bp": 2500},
    ]
    db.session.commit()
    data = agreement_pdf(placement)
    text = text_of(data).replace("\xa0", " ")
    for expected in (
        "Zoë's Atelier Łukasz Şahin",
        "87654321",
        unit.area.organisation.kvk_number,
        "€ 950,00 excl. btw",
        "plus 21 % btw",
        "8,50 % van de bruto-omzet",
        "Waarborgsom",
        "€ 1.900,00",
        "Indexering",
        "geen: de basisvergoeding blijft de hele periode gelijk",
        "Opzegging",
        "Betaaltermijn",
        "binnen 14 dagen",
        "Kortingen en huurvrije maanden",
        "Maanden 1–6",
        "huurvrij",
        "Maanden 7–8",
        "75 % korting op de huur",
        "Maand 12",
        "25 % korting op de huur",
        "Verdere afspraken",
        "geen geluid na 22.00 uur",
        "Toegestaan gebruik",
        "Handtekeningen",
    ):
        assert expected in text, expected
    uses = ", ".join(use_labels()[use] for use in unit.permitted_uses)
    assert uses and uses in text.replace("\n", " ")
    assert_readable(data)


def test_agreement_without_discounts_or_deposit_says_so(ctx, unit, make_starter, terms):
    starter = make_starter()
    application = services.submit_application(starter, unit, MOTIVATION)
    services.shortlist(unit.owner, application)
    fixed = dataclasses.replace(terms, deposit_cents=0, turnover_basis_points=0)
    services.make_offer(unit.owner, application, fixed)
    placement = services.accept_offer(starter, application)
    db.session.commit()
    text = text_of(agreement_pdf(placement))
    assert "Geen: de volle vergoeding geldt vanaf de eerste maand." in text
    assert "geen (vaste vergoeding)" in text
    assert "Verdere afspraken" not in text
