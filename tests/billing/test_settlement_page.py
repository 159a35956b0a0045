"""The settlement page explains itself: the period is the month the money was received, a
settlement of € 0,00 says why, and the split shows fee, head-lease surplus, fund and
landlords with their share of what was received, adding up to the cent and to 100 %."""

import re
from datetime import date

import pytest

from vrijstad.billing import services as billing
from vrijstad.extensions import db
from vrijstad.letting.models import LandlordRule

OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)
pytestmark = pytest.mark.clock("2026-12-10T10:00")


def _page(client, login, collective, settlement) -> str:
    db.session.commit()
    login(collective.staff)
    response = client.get(f"/settlements/{settlement.id}")
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.text)


def _split(page: str) -> dict[str, tuple[int, int | None]]:
    """Each part of the split: its cents and its share in basis points."""
    rows = re.findall(
        r'<tr data-part="(\w+)"><th scope="row">[^<]*</th><td data-cents="(-?\d+)">[^<]*</td>'
        r' ?<td(?: data-bp="(\d*)")?>',
        page,
    )
    return {name: (int(cents), int(bp) if bp else None) for name, cents, bp in rows}


def test_october_paid_in_november_is_not_in_octobers_settlement_and_the_page_says_why(
    ctx, client, login, collective, place
):
    invoice = billing.issue_invoice(place(base=100_000), OCT, issued_on=date(2026, 10, 1))
    billing.record_payment(None, invoice, invoice.total_cents, date(2026, 11, 3))
    october = billing.calculate_settlement(None, collective, OCT)
    assert october.received_cents == 0
    page = _page(client, login, collective, october)
    assert (
        "Ontvangen in oktober 2026: betalingen ontvangen tussen 1 oktober 2026 en "
        "31 oktober 2026" in page
    )
    assert "0 betalingen ontvangen in deze periode; laatste ontvangst op 3 november 2026." in page
    assert (
        "1 betaling (€ 1.000,00) is ontvangen na 31 oktober 2026: die staat in de afrekening "
        "van de maand waarin ze is ontvangen." in page
    )
    split = _split(page)
    assert [cents for cents, _bp in split.values()] == [0, 0, 0, 0, 0]
    assert [bp for _cents, bp in split.values()] == [None] * 5  # no percentages of nothing


def test_a_payment_recorded_after_the_settlement_is_in_the_next_one(
    ctx, client, login, collective, place
):
    first = billing.issue_invoice(place(base=100_000), NOV, issued_on=NOV)
    billing.record_payment(None, first, first.total_cents, date(2026, 11, 20))
    november = billing.calculate_settlement(None, collective, NOV)
    late = billing.issue_invoice(place(unit_index=1, base=50_000), NOV, issued_on=NOV)
    billing.record_payment(None, late, late.total_cents, date(2026, 11, 28))  # recorded now
    page = _page(client, login, collective, november)
    assert "1 betaling ontvangen in deze periode." in page
    assert (
        "1 betaling (€ 500,00) ontvangen tot en met 30 november 2026 is vastgelegd na deze "
        "afrekening: die staat in de volgende afrekening." in page
    )


def test_the_split_shows_fee_surplus_fund_and_landlords_to_the_cent_and_to_100_percent(
    ctx, client, login, collective, place
):
    collective.landlord_rule = LandlordRule.HEAD_LEASE  # head leases of € 600 a month
    for unit_index, base in ((0, 100_001), (1, 40_037)):
        invoice = billing.issue_invoice(place(unit_index=unit_index, base=base), NOV)
        billing.record_payment(None, invoice, invoice.total_cents, date(2026, 11, 5))
    settlement = billing.calculate_settlement(None, collective, NOV)
    page = _page(client, login, collective, settlement)
    split = _split(page)
    received = split.pop("received")[0]
    assert received == settlement.received_cents == 140_038
    assert list(split) == ["fee", "surplus", "fund", "landlords"]
    assert sum(cents for cents, _bp in split.values()) == received  # to the cent
    assert sum(bp for _cents, bp in split.values()) == 10_000  # 100 %
    # 10 % fee and 5 % fund of each unit; the landlords get the € 600 head-lease rent of the
    # first unit and all that is left of the second's (it does not cover its rent)
    assert split["fee"][0] == 10_000 + 4_004
    assert split["fund"][0] == 5_000 + 2_002
    assert split["landlords"][0] == 60_000 + (40_037 - 4_004 - 2_002)
    assert split["surplus"][0] == 100_001 - 10_000 - 5_000 - 60_000
    assert split["fee"][0] + split["surplus"][0] == settlement.organisation_cents
    assert "10 % van wat elk pand ontving: de organisatievergoeding van het collectief" in page
    assert "5 % van wat elk pand ontving: de fondsbijdrage van het collectief" in page
    assert "na de huur uit de hoofdhuurovereenkomst" in page
    shares = {name: bp for name, (_cents, bp) in split.items()}
    assert shares["fee"] == 1_000 and shares["fund"] == 500
    assert f"{shares['surplus'] // 100},{shares['surplus'] % 100:02d} %" in page
