"""Bank-statement import: matched by reference, unmatched listed, a broken file refused."""

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from vrijstad.billing import services as billing
from vrijstad.billing.models import InvoiceStatus, Payment
from vrijstad.extensions import db
from vrijstad.ledger import services as ledger
from vrijstad.payments import statements
from vrijstad.payments.models import (
    BankImport,
    BankLine,
    BankLineStatus,
    LineReason,
    MatchedBy,
)

NOV = date(2026, 11, 1)

# The collective's scenario is set in the autumn of 2026 (placements from 1 January, November
# invoiced and paid, December's late payments): these tests run on 10 December 2026.
pytestmark = pytest.mark.clock("2026-12-10T10:00")


@pytest.fixture
def invoices(ctx, place):
    """Two open invoices of € 1.149,50 and € 968,00."""
    made = [billing.issue_invoice(place(unit_index=i, base=base), NOV,
                                  issued_on=NOV + timedelta(1))
            for i, base in ((0, 95_000), (1, 80_000))]  # fmt: skip
    db.session.commit()
    return made


def unbooked(done: BankImport) -> list[BankLine]:
    return [line for line in done.lines if line.status != BankLineStatus.BOOKED]


def payments() -> int:
    return db.session.scalar(sa.select(sa.func.count(Payment.id)))


def upload(client, organisation_id: int, text: str | bytes, name: str = "nov.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(f"/organisations/{organisation_id}/bank-import",
                       data={"statement": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")  # fmt: skip


def test_rows_with_a_reference_are_booked_the_rest_listed(client, login, collective, invoices):
    first, second = invoices
    csv_text = (
        "Datum;Bedrag;Omschrijving;Tegenrekening\n"
        f"20-11-2026;1.149,50;Huur november {first.reference};NL02ABNA0123456789\n"
        f"2026-11-21;500.00;deel {second.reference.lower()};NL02ABNA0123456789\n"
        "21-11-2026;75,00;gift zonder kenmerk;NL02ABNA0123456789\n"
        f"22-11-2026;-12,00;terugboeking {first.reference};NL02ABNA0123456789\n"
        "22-11-2026;10,00;VS999-000001;NL02ABNA0123456789\n"
    )
    login(collective.staff)
    response = upload(client, collective.organisation_id, csv_text)
    assert response.status_code == 302
    page = client.get(response.location)
    assert "gift zonder kenmerk" in page.text and "VS999-000001" in page.text
    done = db.session.scalar(sa.select(BankImport))
    assert (done.rows_total, done.matched_count, done.matched_cents) == (5, 2, 164_950)
    assert [(line.line, line.status, line.reason) for line in unbooked(done)] == [
        (4, BankLineStatus.UNMATCHED, LineReason.NO_REFERENCE),
        (5, BankLineStatus.OUTGOING, LineReason.DEBIT),
        (6, BankLineStatus.UNMATCHED, LineReason.UNKNOWN_INVOICE),
    ]
    db.session.expire_all()
    assert first.status == InvoiceStatus.PAID and second.outstanding_cents == 46_800
    org = collective.organisation_id
    assert ledger.balance(org, ledger.bank(org)) == 164_950
    again = upload(client, collective.organisation_id, csv_text, "again.csv")
    assert again.status_code == 422 and "al eerder ingelezen" in again.text
    assert payments() == 2


def test_a_broken_row_refuses_the_whole_file(client, login, collective, invoices):
    first, second = invoices
    csv_text = (
        "date,amount,reference,counter iban\n"
        f"2026-11-20,1149.50,{first.reference},NL02ABNA0123456789\n"
        f"2026-13-45,968.00,{second.reference},NL02ABNA0123456789\n"
        f"2026-11-22,twelve,{second.reference},NL02ABNA0123456789\n"
    )
    login(collective.staff)
    response = upload(client, collective.organisation_id, csv_text)
    assert response.status_code == 422
    assert "2026-13-45" in response.text and "twelve" in response.text
    assert payments() == 0
    assert db.session.scalar(sa.select(sa.func.count(BankImport.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(BankLine.id))) == 0


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x00\x01\x02\xff" * 50,
        b"",
        b"just one line",
        "\ufeff;;;\n;;;\n".encode(),
        b'"unclosed,"quote\n1,2',
    ],
)
def test_garbage_is_answered_clearly(client, login, collective, garbage):
    login(collective.staff)
    response = upload(client, collective.organisation_id, garbage)
    assert response.status_code == 422
    assert payments() == 0


def test_only_the_organisations_staff_import(client, login, collective, make_org, make_user):
    for stranger in (make_org().test_staff, make_user("starter")):
        login(stranger)
        assert (
            client.get(f"/organisations/{collective.organisation_id}/bank-import").status_code
            == 403
        )
        client.post("/logout")
