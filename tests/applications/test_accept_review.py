"""Accepting an offer is binding: a summary of every term first, the terms read, the offer
unchanged since it was shown; declining looks like the lesser choice."""

import re
from datetime import timedelta
from io import BytesIO

import sqlalchemy as sa
from pypdf import PdfReader

from vrijstad.applications import services
from vrijstad.applications.models import ApplicationStatus, Offer
from vrijstad.extensions import db
from vrijstad.letting.models import Placement


def _version(page: str) -> str:
    found = re.search(r'name="version" type="hidden" value="([^"]+)"', page) or re.search(
        r'type="hidden" name="version" value="([^"]+)"', page
    )
    assert found, "the summary carries the offer's version"
    return found.group(1)


def _placements() -> int:
    return db.session.scalar(sa.select(sa.func.count(Placement.id)))


def test_the_offer_page_leads_to_a_summary_not_straight_to_a_placement(client, login, offered):
    login(offered.starter)
    page = client.get(f"/applications/{offered.id}").text
    assert f"/applications/{offered.id}/offer/review" in page
    assert "Bekijk en accepteer" in page
    assert f'action="/applications/{offered.id}/accept"' not in page


def test_the_summary_states_every_term_and_links_the_draft_agreement(client, login, unit, offered):
    login(offered.starter)
    page = client.get(f"/applications/{offered.id}/offer/review")
    assert page.status_code == 200
    offer = offered.open_offer
    for expected in (
        "€\xa0950,00",
        "8,50 %",
        "€\xa01.900,00",
        offer.start_date.strftime("%d-%m-%Y"),
        offer.end_date.strftime("%d-%m-%Y"),
        "Indexering",
        "Opzegging",
        "Toegestaan gebruik",
        "Ik heb de voorwaarden gelezen",
    ):
        assert expected in page.text, expected
    assert f"/applications/{offered.id}/offer/agreement.pdf" in page.text
    pdf = client.get(f"/applications/{offered.id}/offer/agreement.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.data)).pages)
    assert "950,00" in text and "8,50 %" in text and unit.address in text
    assert _placements() == 0  # the draft is not a placement


def test_accepting_without_ticking_the_terms_read_is_refused(client, login, offered):
    login(offered.starter)
    version = _version(client.get(f"/applications/{offered.id}/offer/review").text)
    refused = client.post(f"/applications/{offered.id}/accept", data={"version": version})
    assert refused.status_code == 422
    assert "Vink eerst aan dat je de voorwaarden" in refused.text
    assert _placements() == 0
    accepted = client.post(
        f"/applications/{offered.id}/accept", data={"version": version, "read_terms": "y"}
    )
    assert accepted.status_code == 302
    assert _placements() == 1
    db.session.refresh(offered)
    assert offered.status == ApplicationStatus.ACCEPTED


def test_an_offer_changed_since_the_summary_is_not_accepted(client, login, unit, offered, terms):
    login(offered.starter)
    version = _version(client.get(f"/applications/{offered.id}/offer/review").text)
    services.withdraw_offer(unit.owner, offered)  # the landlord takes it back and offers anew
    services.make_offer(
        unit.owner, offered, terms.__class__(**(vars(terms) | {"base_fee_cents_per_month": 99_000}))
    )
    db.session.commit()
    stale = client.post(
        f"/applications/{offered.id}/accept",
        data={"version": version, "read_terms": "y"},
        follow_redirects=True,
    )
    assert "Het aanbod is gewijzigd; bekijk het opnieuw" in stale.text
    assert "€\xa0990,00" in stale.text  # back on the summary, with the new terms
    assert _placements() == 0


def test_the_service_refuses_a_stale_version(ctx, offered):
    offer = offered.open_offer
    seen = services.offer_version(offer)
    offer.end_date = offer.end_date + timedelta(days=30)
    db.session.flush()
    try:
        services.accept_offer(offered.starter, offered, seen)
    except services.ApplicationError as exc:
        assert exc.field == "version"
    else:
        raise AssertionError("a changed offer was accepted")


def test_decline_is_the_secondary_choice(client, login, offered):
    login(offered.starter)
    page = client.get(f"/applications/{offered.id}").text
    decline = re.search(r"<button[^>]*>Afslaan</button>", page)
    assert decline and 'class="secondary' in decline.group(0)
    accept = re.search(r"<a [^>]*>Bekijk en accepteer</a>", page)
    assert accept and "secondary" not in accept.group(0)


def test_only_open_offers_have_a_summary(client, login, unit, offered):
    services.withdraw_offer(unit.owner, offered)
    db.session.commit()
    login(offered.starter)
    response = client.get(f"/applications/{offered.id}/offer/review")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Offer.id))) == 1
