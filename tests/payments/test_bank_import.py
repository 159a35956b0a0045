"""Bank-statement import: matched by reference, unmatched listed, a broken file refused."""

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.payments.conftest import bank_file
from vrijstad.billing import services as billing
from vrijstad.billing.models import InvoiceStatus, Payment
from vrijstad.extensions import db
from vrijstad.ledger import services as ledger
from vrijstad.organisations.models import Organisation
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
    made = [
        billing.issue_invoice(place(unit_index=i, base=base), NOV, issued_on=NOV + timedelta(1))
        for i, base in ((0, 95_000), (1, 80_000))
    ]
    db.session.commit()
    return made


def unbooked(done: BankImport) -> list[BankLine]:
    return [line for line in done.lines if line.status != BankLineStatus.BOOKED]


def payments() -> int:
    return db.session.scalar(sa.select(sa.func.count(Payment.id)))


def upload(client, organisation_id: int, text: str | bytes, name: str = "nov.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        f"/organisations/{organisation_id}/bank-import",
        data={"statement": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


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


# The banks' own files --------------------------------------------------------------------


def imported(client, collective, name: str, upload_as: str | None = None) -> BankImport:
    response = upload(
        client,
        collective.organisation_id,
        bank_file(name, collective.organisation_id),
        upload_as or name,
    )
    assert response.status_code == 302, response.text
    db.session.expire_all()
    return db.session.get(BankImport, int(response.location.rsplit("/", 1)[1]))


def by_line(done: BankImport) -> list[tuple]:
    return [
        (
            line.amount_cents,
            line.status,
            line.reason,
            line.matched_by,
            line.invoice.number if line.invoice else None,
        )
        for line in done.lines
    ]


def test_ing_af_row_is_not_booked_even_with_a_reference(client, login, collective, named):
    first, second = named
    login(collective.staff)
    done = imported(client, collective, "ing_semicolon.csv")
    assert done.format == "ing"
    assert by_line(done) == [
        (114_950, BankLineStatus.BOOKED, None, MatchedBy.REFERENCE, 1),
        (-96_800, BankLineStatus.OUTGOING, LineReason.DEBIT, None, None),  # "Af", quoting VS…2
        (96_800, BankLineStatus.SUGGESTED, LineReason.NO_REFERENCE, None, 2),
    ]
    assert first.status == InvoiceStatus.PAID
    assert second.status == InvoiceStatus.OPEN and second.paid_cents == 0
    assert payments() == 1
    org = collective.organisation_id
    assert ledger.balance(org, ledger.bank(org)) == 114_950
    page = client.get(f"/bank-imports/{done.id}")
    assert "uitgaand, niet geboekt" in page.text.lower() or "Uitgaand" in page.text
    assert "Drukkerij Jansen" in page.text


def test_rabobank_csv_payments_are_matched_to_their_invoices(client, login, collective, named):
    login(collective.staff)
    done = imported(client, collective, "rabobank.csv")
    assert done.format == "rabobank"
    assert by_line(done) == [
        (114_950, BankLineStatus.BOOKED, None, MatchedBy.REFERENCE, 1),  # Betalingskenmerk
        (96_800, BankLineStatus.BOOKED, None, MatchedBy.REFERENCE, 2),  # in Omschrijving-1
        (-4_995, BankLineStatus.OUTGOING, LineReason.DEBIT, None, None),
    ]
    assert {invoice.status for invoice in named} == {InvoiceStatus.PAID}
    assert (done.matched_count, done.matched_cents) == (2, 211_750)


def test_camt053_by_structured_reference_and_invoice_number(client, login, collective, named):
    login(collective.staff)
    # The content decides the format, not the name.
    done = imported(client, collective, "camt053_v02.xml", upload_as="export.csv")
    assert done.format == "camt053"
    assert by_line(done) == [
        (114_950, BankLineStatus.BOOKED, None, MatchedBy.REFERENCE, 1),
        (-25_000, BankLineStatus.OUTGOING, LineReason.DEBIT, None, None),
        (96_800, BankLineStatus.BOOKED, None, MatchedBy.INVOICE_NUMBER, 2),  # "factuur 2"
        (50_000, BankLineStatus.UNMATCHED, LineReason.UNKNOWN_INVOICE, None, None),
        (10_700, BankLineStatus.UNMATCHED, LineReason.NO_REFERENCE, None, None),
    ]
    unknown = done.lines[3]
    assert unknown.detail == f"VS{collective.organisation_id:03d}-000099"
    assert {invoice.status for invoice in named} == {InvoiceStatus.PAID}
    page = client.get(f"/bank-imports/{done.id}")
    assert "Bijdrage kerstmarkt" in page.text and "000099" in page.text


@pytest.mark.parametrize("name", ["mt940_ing.sta", "abnamro.TAB", "ing_comma.csv"])
def test_other_formats_book_by_reference(client, login, collective, named, name):
    login(collective.staff)
    done = imported(client, collective, name)
    assert named[0].status == InvoiceStatus.PAID
    assert all(
        line.status == BankLineStatus.OUTGOING for line in done.lines if line.amount_cents < 0
    )
    assert done.lines[0].status == BankLineStatus.BOOKED


def test_the_same_statement_twice_books_once(client, login, collective, named):
    login(collective.staff)
    imported(client, collective, "camt053_v02.xml")
    again = upload(
        client,
        collective.organisation_id,
        bank_file("camt053_v02.xml", collective.organisation_id),
        "again.xml",
    )
    assert again.status_code == 422 and "al eerder ingelezen" in again.text
    assert payments() == 2
    # A later export that overlaps: the known lines are skipped, only the new one is read.
    longer = bank_file("ing_semicolon.csv", collective.organisation_id)
    imported(client, collective, "ing_semicolon.csv")
    longer += (
        b'"20261124";"A. Kowalski";"NL69INGB0123456789";"NL18RABO0300065264";"OV";'
        b'"Bij";"25,00";"Overschrijving";"Naam: A. Kowalski Omschrijving: koffie";"";""\n'
    )
    response = upload(client, collective.organisation_id, longer, "longer.csv")
    assert response.status_code == 302
    db.session.expire_all()
    done = db.session.get(BankImport, int(response.location.rsplit("/", 1)[1]))
    assert (done.rows_total, done.duplicate_count, len(done.lines)) == (4, 3, 1)
    assert "3" in client.get(response.location).text
    assert payments() == 2
    assert db.session.scalar(sa.select(sa.func.count(BankLine.id))) == 5 + 3 + 1


def confirm(client, line: BankLine, action: str = "confirm"):
    return client.post(f"/bank-lines/{line.id}/{action}")


def test_a_suggestion_books_only_when_staff_confirm(client, login, collective, named):
    second = named[1]
    login(collective.staff)
    done = imported(client, collective, "ing_semicolon.csv")
    suggested = done.lines[2]
    assert suggested.status == BankLineStatus.SUGGESTED and second.paid_cents == 0
    page = client.get(f"/bank-imports/{done.id}")
    assert "Bakkerij Ozturk" in page.text and f"/bank-lines/{suggested.id}/confirm" in page.text
    response = confirm(client, suggested)
    assert response.status_code == 302
    db.session.expire_all()
    assert suggested.status == BankLineStatus.BOOKED
    assert suggested.matched_by == MatchedBy.CONFIRMED and suggested.payment_id is not None
    assert second.status == InvoiceStatus.PAID
    assert (done.matched_count, done.matched_cents) == (2, 211_750)
    assert confirm(client, suggested).status_code == 302  # again: nothing more is booked
    assert payments() == 2


def test_a_rejected_suggestion_is_listed_unmatched(client, login, collective, named):
    login(collective.staff)
    done = imported(client, collective, "ing_semicolon.csv")
    suggested = done.lines[2]
    assert confirm(client, suggested, "reject").status_code == 302
    db.session.expire_all()
    assert (suggested.status, suggested.reason, suggested.invoice_id) == (
        BankLineStatus.UNMATCHED,
        LineReason.SUGGESTION_REJECTED,
        None,
    )
    assert named[1].paid_cents == 0 and payments() == 1
    assert confirm(client, suggested).status_code == 302
    assert payments() == 1


def test_unmatched_reasons(client, login, collective, named):
    first, second = named
    org = collective.organisation_id
    billing.record_payment(collective.staff, first, first.total_cents, NOV + timedelta(5))
    db.session.commit()
    login(collective.staff)
    response = upload(
        client,
        org,
        (
            "Datum;Bedrag;Omschrijving;Naam\n"
            f"20-11-2026;1.149,50;huur {first.reference};J. de Vries\n"  # paid already
            f"21-11-2026;2.000,00;huur {second.reference};E. Ozturk\n"  # more than is open
            f"22-11-2026;400,00;deel {second.reference};E. Ozturk\n"  # a part payment: booked
            "23-11-2026;568,00;factuur 77;E. Ozturk\n"  # an unknown invoice number
            "24-11-2026;12,34;zomaar;Iemand Anders\n"  # no reference, no suggestion
            f"09-12-2027;1,00;{second.reference};E. Ozturk\n"  # in the future: cannot be booked
        ),
    )
    assert response.status_code == 302, response.text
    done = db.session.get(BankImport, int(response.location.rsplit("/", 1)[1]))
    db.session.expire_all()
    assert [(line.status, line.reason) for line in done.lines] == [
        (BankLineStatus.UNMATCHED, LineReason.ALREADY_PAID),
        (BankLineStatus.UNMATCHED, LineReason.MORE_THAN_OPEN),
        (BankLineStatus.BOOKED, None),
        (BankLineStatus.UNMATCHED, LineReason.UNKNOWN_INVOICE),
        (BankLineStatus.UNMATCHED, LineReason.NO_REFERENCE),
        (BankLineStatus.UNMATCHED, LineReason.NOT_BOOKABLE),
    ]
    assert second.outstanding_cents == 96_800 - 40_000
    page = client.get(response.location).text
    for reason in (
        "factuur al betaald",
        "meer dan er openstaat",
        "onbekende factuur",
        "geen factuurkenmerk",
    ):
        assert reason in page, reason


def test_an_xxe_file_is_refused_and_nothing_written(client, login, collective, named):
    login(collective.staff)
    xxe = (
        b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        + bank_file("camt053_v08.xml", collective.organisation_id)
        .split(b"?>", 1)[1]
        .replace(b"<Ustrd>", b"<Ustrd>&x;")
    )
    response = upload(client, collective.organisation_id, xxe, "camt.xml")
    assert response.status_code == 422 and "root:" not in response.text
    broken = bank_file("camt053_v02.xml", collective.organisation_id).replace(
        b"<CdtDbtInd>DBIT</CdtDbtInd>", b"<CdtDbtInd>MAYBE</CdtDbtInd>"
    )
    assert upload(client, collective.organisation_id, broken, "broken.xml").status_code == 422
    assert payments() == 0
    assert db.session.scalar(sa.select(sa.func.count(BankLine.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(BankImport.id))) == 0


def test_only_the_organisations_staff_decide_suggestions(
    client, login, collective, named, make_org, make_user
):
    login(collective.staff)
    done = imported(client, collective, "ing_semicolon.csv")
    suggested = done.lines[2]
    client.post("/logout")
    for stranger in (make_org().test_staff, make_user("starter")):
        login(stranger)
        assert client.get(f"/bank-imports/{done.id}").status_code == 403
        for action in ("confirm", "reject"):
            assert client.post(f"/bank-lines/{suggested.id}/{action}").status_code == 403
        client.post("/logout")
    db.session.expire_all()
    assert suggested.status == BankLineStatus.SUGGESTED and payments() == 1
    with pytest.raises(statements.PaymentsError):
        statements.confirm_suggestion(make_org().test_staff, suggested)


# The bank import's bulk booking (billing.PaymentBatch) and record_payment -----------------

PAYMENTS = [  # (invoice 0/1, cents, day of December); the outcome each must have
    (0, 30_001, 1),  # part of € 1.149,50, an odd VAT split
    (0, 90_000, 2),  # more than the € 849,49 still open
    (1, 96_800, 11),  # in the future (today is 10 December)
    (0, 84_949, 3),  # the rest: paid
    (0, 1, 4),  # already paid
    (1, 0, 4),  # not a positive amount
    (1, 40_000, 5),
    (1, 56_800, 6),  # the rest in a second part: paid
]


def _books(invoices, collective) -> dict:
    """What the payments left: invoices, payments, payment postings, audit events."""
    from vrijstad.audit.models import AuditEvent
    from vrijstad.billing.models import Invoice
    from vrijstad.ledger.models import Entry, Posting

    db.session.expire_all()
    ids = [invoice.id for invoice in invoices]
    paid = {p.id: p for p in db.session.scalars(sa.select(Payment))}
    return {
        "invoices": db.session.execute(
            sa.select(Invoice.id, Invoice.paid_cents, Invoice.status)
            .where(Invoice.id.in_(ids))
            .order_by(Invoice.id)
        ).all(),
        "payments": sorted(
            (
                p.invoice_id,
                p.amount_cents,
                p.net_cents,
                p.vat_cents,
                p.received_on,
                p.method,
                p.reference,
                p.recorded_by_id,
            )
            for p in paid.values()
        ),
        "postings": sorted(
            (
                posting.key,
                posting.kind,
                posting.description,
                posting.booked_on,
                sorted((e.account, e.amount_cents) for e in posting.entries),
            )
            for posting in db.session.scalars(sa.select(Posting).where(Posting.kind == "payment"))
        ),
        "events": sorted(
            (
                e.action,
                e.actor_id,
                e.organisation_id,
                e.subject_type,
                paid[e.subject_id].amount_cents,
                sorted(e.data.items()),
            )
            for e in db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.action == "payment.recorded")
            )
        ),
        "entries_sum": int(db.session.scalar(sa.select(sa.func.sum(Entry.amount_cents)))),
    }


def test_bulk_booking_books_exactly_what_record_payment_books(ctx, collective, invoices):
    staff = collective.staff
    outcomes, results = {}, {}
    for path in ("one by one", "bulk"):
        done = []
        batch = billing.PaymentBatch(staff)
        locked = billing.lock_invoices(invoice.id for invoice in invoices)
        for n, (which, cents, day) in enumerate(PAYMENTS):
            invoice, key = invoices[which], f"bank:test:{n}"
            received = date(2026, 12, day)
            try:
                if path == "bulk":
                    request = billing.PaymentRequest(
                        locked[invoice.id], cents, received, f"ref {n}", key
                    )
                    batch.add(request)
                else:
                    billing.record_payment(staff, invoice, cents, received, f"ref {n}", key=key)
            except billing.PaymentRefused as exc:
                done.append(exc.reason)
            else:
                done.append("booked")
        batch.write()
        db.session.flush()
        outcomes[path], results[path] = done, _books(invoices, collective)
        db.session.rollback()
    assert (
        outcomes["bulk"]
        == outcomes["one by one"]
        == [
            "booked",
            "more_than_open",
            "future",
            "booked",
            "already_paid",
            "not_positive",
            "booked",
            "booked",
        ]
    )
    assert results["bulk"] == results["one by one"]
    assert [status for _id, _paid, status in results["bulk"]["invoices"]] == [
        InvoiceStatus.PAID,
        InvoiceStatus.PAID,
    ]
    assert len(results["bulk"]["payments"]) == len(results["bulk"]["events"]) == 4
    assert results["bulk"]["entries_sum"] == 0


def test_bulk_booking_books_a_known_key_once(ctx, collective, invoices):
    """As ledger.book: a key booked before keeps its posting; the payment is still kept."""
    first, second = invoices
    billing.record_payment(collective.staff, first, 10_000, NOV + timedelta(9), key="bank:k")
    batch = billing.PaymentBatch(collective.staff)
    locked = billing.lock_invoices([second.id])
    batch.add(billing.PaymentRequest(locked[second.id], 5_000, NOV + timedelta(9), None, "bank:k"))
    batch.add(billing.PaymentRequest(locked[second.id], 6_000, NOV + timedelta(9), None, "bank:k"))
    assert len(batch.write()) == 2
    db.session.expire_all()
    postings = ledger.balances(first.organisation_id, "bank/")
    assert postings == {f"bank/org/{first.organisation_id}": 10_000}
    assert second.paid_cents == 11_000 and payments() == 3


def test_the_rest_of_an_invoice_part_paid_in_the_same_file_is_suggested(ctx, collective, named):
    """Suggestions look at what an invoice asks after the file's own bookings."""
    first = named[0]
    text = (
        "Datum;Bedrag;Omschrijving;Naam\n"
        f"2026-11-20;100,00;Huur {first.reference};J. de Vries\n"
        "2026-11-21;1.049,50;Huur november;Jan de Vries\n"
    )
    organisation = db.session.get(Organisation, first.organisation_id)
    done = statements.import_statement(collective.staff, organisation, "part.csv", text.encode())
    booked, rest = sorted(done.lines, key=lambda line: line.line)
    assert booked.status == BankLineStatus.BOOKED and first.paid_cents == 10_000
    assert (rest.status, rest.invoice_id) == (BankLineStatus.SUGGESTED, first.id)
