"""Collective-letting pages: who sees which invoices and statements, forms and their errors."""

import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from vrijstad import clock
from vrijstad.billing import services as billing
from vrijstad.billing.models import Invoice, Payment, Settlement
from vrijstad.extensions import db
from vrijstad.letting.models import Collective, TurnoverReport

NOV = date(2026, 11, 1)

# The collective's scenario is set in the autumn of 2026 (placements from 1 January, November
# invoiced and paid, December's late payments): these tests run on 10 December 2026.
pytestmark = pytest.mark.clock("2026-12-10T10:00")


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def settled(collective, place):
    placement = place(base=100_000)
    invoice = billing.issue_invoice(placement, NOV, issued_on=date(2026, 12, 1))
    billing.record_payment(None, invoice, invoice.total_cents, date(2026, 11, 20))
    settlement = billing.calculate_settlement(None, collective, NOV)
    db.session.commit()
    return placement, invoice, settlement


def test_staff_see_the_collective_others_do_not(
    ctx, client, login, collective, make_org, make_user
):
    login(collective.staff)
    page = client.get(f"/collectives/{collective.id}?period=2026-11")
    assert page.status_code == 200
    for heading in ("Hoofdhuurovereenkomsten", "Omzetopgaven", "Facturen", "Afrekeningen", "Fonds"):
        assert heading in page.text
    for stranger in (make_org().test_staff, make_user("landlord"), make_user("starter")):
        client.post("/logout")
        login(stranger)
        assert client.get(f"/collectives/{collective.id}").status_code == 403
        assert (
            client.post(
                f"/collectives/{collective.id}/settlements", data={"period": "2026-11"}
            ).status_code
            == 403
        )
    assert db.session.scalar(sa.select(sa.func.count(Settlement.id))) == 0


def test_create_collective_form_refuses_over_a_hundred_percent(client, login, collective):
    login(collective.staff)
    url = f"/organisations/{collective.organisation_id}/collectives"
    response = client.post(
        url,
        data={
            "name": "Nieuw",
            "area_id": collective.area_id,
            "organisation_fee": "60",
            "fund": "45",
            "landlord_rule": "pro_rata",
        },
    )
    assert response.status_code == 422 and "samen meer dan 100 %" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Collective.id))) == 1
    ok = client.post(
        url,
        data={
            "name": "Nieuw",
            "area_id": collective.area_id,
            "organisation_fee": "8,5",
            "fund": "2",
            "landlord_rule": "pro_rata",
        },
    )
    assert ok.status_code == 302
    created = db.session.scalar(sa.select(Collective).where(Collective.name == "Nieuw"))
    assert created.organisation_fee_bp == 850 and created.fund_bp == 200


def test_invoice_pdf_meets_dutch_requirements_and_is_private(
    ctx, client, login, collective, place, make_starter
):
    placement, invoice, _settlement = settled(collective, place)
    login(placement.starter)
    response = client.get(f"/invoices/{invoice.id}.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    for expected in (
        "Factuur 1",
        "01-12-2026",
        "15-12-2026",
        "NL123456789B01",
        collective.organisation.kvk_number,
        "87654321",
        "1.000,00",
        "210,00",
        "1.210,00",
        "21 %",
        invoice.reference,
    ):
        assert expected in text, expected
    client.post("/logout")
    login(make_starter(name="Iemand Anders"))
    assert client.get(f"/invoices/{invoice.id}.pdf").status_code == 404
    assert "1.210,00" not in client.get("/my/placements").text


def test_landlords_see_only_their_own_statements(ctx, client, login, collective, place):
    _placement, _invoice, settlement = settled(collective, place)
    owner, other = (unit.owner for unit in collective.units)
    login(owner)
    page = client.get("/my/statements")
    assert "850,00" in page.text
    csv_lines = client.get(f"/my/statements/{settlement.id}.csv").data.decode("utf-8-sig")
    header, line = csv_lines.splitlines()[:2]
    assert header.split(";") == ["Maand", "Pand", "Ontvangen", "Jouw aandeel", "Opmerking"]
    assert line.split(";")[2:4] == ["1000,00", "850,00"]  # euros, not cents
    assert client.get(f"/my/statements/{settlement.id}.pdf").data.startswith(b"%PDF-")
    client.post("/logout")
    login(other)
    assert "850,00" not in client.get("/my/statements").text
    assert client.get(f"/my/statements/{settlement.id}.csv").status_code == 404
    assert client.get(f"/my/statements/{settlement.id}.pdf").status_code == 404


def test_settlement_via_the_page_warns_about_unchecked_reports(
    ctx, client, login, collective, place
):
    placement = place(base=50_000, turnover_bp=500)
    db.session.add(
        TurnoverReport(
            placement_id=placement.id, period=NOV, turnover_cents=2_000_000, evidence_key="x"
        )
    )
    invoice = billing.issue_invoice(placement, NOV)
    billing.record_payment(None, invoice, invoice.total_cents, NOV)
    db.session.commit()
    login(collective.staff)
    url = f"/collectives/{collective.id}/settlements"
    warned = client.post(url, data={"period": "2026-11"}, follow_redirects=True)
    assert "nog niet gecontroleerd" in warned.text
    assert db.session.scalar(sa.select(sa.func.count(Settlement.id))) == 0
    client.post(url, data={"period": "2026-11", "confirm": "y"})
    assert db.session.scalar(sa.select(Settlement.received_cents)) == 100_000


def test_recording_a_payment_and_refusing_too_much(ctx, client, login, collective, place):
    invoice = billing.issue_invoice(place(base=10_000), NOV)
    db.session.commit()
    login(collective.staff)
    url = f"/invoices/{invoice.id}/payments"
    today = clock.today().isoformat()
    too_much = client.post(
        url, data={"amount": "999,00", "received_on": today}, follow_redirects=True
    )
    assert "meer dan" in too_much.text
    client.post(url, data={"amount": "121,00", "received_on": today})
    db.session.refresh(invoice)
    assert invoice.status.value == "paid"
    assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 1


def test_a_payment_form_sent_twice_books_once(ctx, client, login, collective, place):
    """The form carries a key made when the page was shown: a double click (or the same form
    sent again from another tab) is answered like the first and books nothing more."""
    invoice = billing.issue_invoice(place(base=10_000), NOV)
    db.session.commit()
    login(collective.staff)
    page = client.get(f"/collectives/{collective.id}?period=2026-11")
    key = re.search(r'name="key" type="hidden" value="([^"]+)"', page.text).group(1)
    again = client.get(f"/collectives/{collective.id}?period=2026-11")
    assert key not in again.text  # a fresh key for each page shown
    url = f"/invoices/{invoice.id}/payments"
    half = {"amount": "60,50", "received_on": clock.today().isoformat(), "key": key}
    for _ in range(2):
        answer = client.post(url, data=half, follow_redirects=True)
        assert "Betaling vastgelegd voor factuur" in answer.text
    db.session.refresh(invoice)
    assert (invoice.paid_cents, invoice.status.value) == (6_050, "open")
    assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 1
    # another page's form is another payment; one that is not a key is refused
    client.post(url, data=half | {"key": "x" * 30})
    db.session.refresh(invoice)
    assert (invoice.paid_cents, invoice.status.value) == (12_100, "paid")
    late = client.post(url, data=half | {"key": "y" * 30}, follow_redirects=True)
    assert "al volledig betaald" in late.text
    bad = client.post(url, data=half | {"key": "<script>"}, follow_redirects=True)
    assert "formulier is verlopen" in bad.text
    assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 2


def test_starter_reports_turnover_with_evidence(ctx, client, login, collective, place):
    placement = place(base=50_000, turnover_bp=500)
    login(placement.starter)
    pdf = b"%PDF-1.4\n%test\n"
    response = client.post(
        f"/placements/{placement.id}/turnover",
        data={
            "period": "2026-11",
            "turnover": "12.500,00",
            "evidence": (io.BytesIO(pdf), "kassa.pdf"),
        },
        follow_redirects=True,
    )
    assert "omzetopgave is binnen" in response.text
    report = db.session.scalar(sa.select(TurnoverReport))
    assert report.turnover_cents == 1_250_000 and report.period == NOV
    negative = client.post(
        f"/placements/{placement.id}/turnover",
        data={"period": "2026-10", "turnover": "-5"},
        follow_redirects=True,
    )
    assert "negatief" in negative.text or "bedrag" in negative.text
    client.post("/logout")
    login(collective.staff)
    with client.get(f"/turnover/{report.id}/evidence") as evidence:
        assert evidence.status_code == 200 and evidence.data == pdf


def test_the_report_form_offers_the_placements_finished_months_only(ctx, client, login, place):
    placement = place(base=50_000, turnover_bp=500, start_date=date(2026, 10, 20))
    login(placement.starter)
    page = client.get("/my/placements").text
    offered = re.findall(rf'id="period-{placement.id}".*?</select>', page, re.S)[0]
    assert re.findall(r'<option value="([0-9-]+)"', offered) == ["2026-11", "2026-10"]
    running = client.post(
        f"/placements/{placement.id}/turnover",
        data={
            "period": "2026-12",
            "turnover": "100,00",
            "evidence": (io.BytesIO(b"%PDF-1.4\n"), "kassa.pdf"),
        },
        follow_redirects=True,
    )
    assert "zodra die voorbij is" in running.text
    assert db.session.scalar(sa.select(sa.func.count(TurnoverReport.id))) == 0


def test_cli_settle_runs_every_collective(ctx, runner, collective, place):
    placement = place(base=100_000)
    invoice = billing.issue_invoice(placement, NOV)
    billing.record_payment(None, invoice, invoice.total_cents, NOV + timedelta(days=2))
    db.session.commit()
    result = runner.invoke(args=["settle", "--period", "2026-11"])
    assert result.exit_code == 0, result.output
    assert "Samen in de Stad" in result.output and "1.000,00" in result.output
    again = runner.invoke(args=["settle", "--period", "2026-11"])
    assert again.exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count(Settlement.id))) == 1
    bad = runner.invoke(args=["settle", "--period", "november"])
    assert bad.exit_code != 0 and "JJJJ-MM" in bad.output


def test_invoice_numbers_run_on_per_organisation(ctx, collective, place):
    first, second = place(base=1000), place(unit_index=1, base=2000)
    numbers = [billing.issue_invoice(p, NOV).number for p in (first, second)]
    numbers.append(billing.issue_invoice(first, date(2026, 12, 1)).number)
    assert numbers == [1, 2, 3]
    assert db.session.scalar(sa.select(sa.func.count(Invoice.id))) == 3
