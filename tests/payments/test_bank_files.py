"""Bank files read into one kind of line: sign, cents, date and references per format."""

from datetime import date
from pathlib import Path

import pytest

from vrijstad.payments import bankfiles, statements
from vrijstad.payments.bankfiles import BankFileRefused

FILES = Path(__file__).parent / "bank_files"


def read(name: str) -> bytes:
    return (FILES / name).read_bytes()


def summary(statement) -> list[tuple]:
    return [
        (line.booked_on, line.amount_cents, line.reference or line.description)
        for line in statement.lines
    ]


NOV = date(2026, 11, 1)


def test_camt053_entries_debits_and_batch_details():
    statement = bankfiles.parse(read("camt053_v02.xml"))
    assert statement.format == "camt053"
    assert summary(statement) == [
        (NOV.replace(day=20), 114_950, "VS001-000001"),  # the structured reference
        (NOV.replace(day=20), -25_000, "Factuur 2026-118 flyers VS001-000002"),
        (NOV.replace(day=21), 96_800, "Huur november factuur 2"),  # a batch, per transaction
        (NOV.replace(day=21), 50_000, "Huur VS001-000099"),
        (NOV.replace(day=21), 10_700, "Bijdrage kerstmarkt"),
    ]
    first, debit, *batch = statement.lines
    assert (first.name, first.iban, first.end_to_end_id) == (
        "J. de Vries",
        "NL20INGB0001234567",
        "E2E-20261120-0001",
    )
    assert (debit.name, debit.iban) == ("Drukkerij Jansen", "NL44RABO0123456789")
    assert {line.account for line in statement.lines} == {"NL69INGB0123456789"}
    assert [line.bank_reference for line in batch] == [
        "2026112100000077/1",
        "2026112100000077/2",
        "2026112100000077/3",
    ]
    assert batch[0].end_to_end_id == ""  # NOTPROVIDED is no reference


def test_camt053_of_a_later_version():
    (line,) = bankfiles.parse(read("camt053_v08.xml")).lines
    assert (line.booked_on, line.amount_cents, line.reference, line.name) == (
        date(2026, 11, 22),
        96_800,
        "VS001-000002",
        "Bakkerij Ozturk",
    )
    assert line.bank_reference == "RABO-2026-11-22-0000004711"


@pytest.mark.parametrize("name", ["mt940_ing.sta", "mt940_rabo.swi"])
def test_mt940_in_the_ing_and_rabobank_style(name):
    statement = bankfiles.parse(read(name))
    assert statement.format == "mt940"
    if name == "mt940_ing.sta":
        assert summary(statement) == [
            (date(2026, 11, 20), 114_950, "VS001-000001"),
            (date(2026, 11, 20), -25_000, "Factuur 2026-118 flyers VS001-000002"),
            (date(2026, 11, 21), 96_800, "Huur november factuur 2"),
        ]
        assert statement.lines[2].name == "Bakkerij Ozturk"  # wrapped over two :86: lines
        assert statement.lines[0].bank_reference == "00000000001005"
    else:
        assert summary(statement) == [
            (date(2026, 11, 22), 96_800, "Huur november VS001-000002"),
            (date(2026, 11, 22), -4_995, "Bestelling 3381"),
        ]
        assert statement.lines[0].iban == "NL02ABNA0123456789"
        assert statement.lines[0].end_to_end_id == "BO-NOV-2026"
    assert {type(line.booked_on) for line in statement.lines} == {date}


@pytest.mark.parametrize("name", ["ing_semicolon.csv", "ing_comma.csv"])
def test_ing_csv_af_is_money_out(name):
    statement = bankfiles.parse(read(name))
    assert statement.format == "ing"
    received, paid_out, third = statement.lines
    assert (received.booked_on, received.amount_cents, received.description) == (
        date(2026, 11, 20),
        114_950,
        "Huur november VS001-000001",
    )
    assert paid_out.amount_cents == -96_800  # "Af": the amount column itself is unsigned
    assert received.iban == "NL20INGB0001234567" and received.account == "NL69INGB0123456789"
    assert third.amount_cents == (96_800 if name == "ing_semicolon.csv" else -1_245)


def test_rabobank_csv_signed_amounts_and_payment_reference():
    statement = bankfiles.parse(read("rabobank.csv"))
    assert statement.format == "rabobank"
    assert summary(statement) == [
        (date(2026, 11, 20), 114_950, "VS001-000001"),  # Betalingskenmerk
        (date(2026, 11, 22), 96_800, "Huur november VS001-000002 winkel Kerkstraat 1"),
        (date(2026, 11, 23), -4_995, "Bestelling 3381"),
    ]
    assert [line.bank_reference for line in statement.lines] == ["4710", "4711", "4712"]


def test_abn_amro_tab_export_both_description_styles():
    statement = bankfiles.parse(read("abnamro.TAB"))
    assert statement.format == "abnamro"
    assert summary(statement) == [
        (date(2026, 11, 20), 114_950, "Huur november VS001-000001"),
        (date(2026, 11, 21), -25_000, "Factuur 2026-118 flyers"),
        (date(2026, 11, 21), 96_800, "Huur november factuur 2"),
    ]
    assert [line.name for line in statement.lines] == [
        "J. de Vries",
        "Drukkerij Jansen",
        "Bakkerij Ozturk",
    ]
    assert statement.lines[0].end_to_end_id == "E2E-20261120-0001"


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-11-20</Dt></BookgDt><AddtlNtryInf>&xxe;</AddtlNtryInf></Ntry>
</Stmt></BkToCstmrStmt></Document>"""
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b"<Document>&lol2;</Document>"
)


@pytest.mark.parametrize(
    "data",
    [
        XXE,
        LAUGHS,
        b"<Document><unclosed>",
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>',
        read("camt053_v08.xml").replace(b"camt.053.001.08", b"camt.053.001.01"),
        b"\x00\x01\x02\xff" * 50,
        b"",
        b"just one line",
        b"a;b;c\n1;2;3\n",
        b":20:only a reference\n",
    ],
)
def test_unsafe_or_unknown_files_are_refused(data):
    with pytest.raises(BankFileRefused):
        bankfiles.parse(data)


def test_a_broken_line_refuses_the_file_with_an_error_per_line():
    text = read("ing_semicolon.csv").decode()
    text = text.replace('"1149,50"', '"veel"').replace('"20261121";"Drukkerij', '"2026-13";"Dr')
    with pytest.raises(BankFileRefused) as refused:
        bankfiles.parse(text.encode())
    assert len(refused.value.errors) == 2
    assert "veel" in refused.value.errors[0] and "2026-13" in refused.value.errors[1]
    camt = read("camt053_v02.xml").replace(b">250.00<", b">250.001<", 1)
    with pytest.raises(BankFileRefused) as refused:
        bankfiles.parse(camt)
    assert refused.value.errors and "250.001" in refused.value.errors[0]


def test_fingerprints_are_stable_and_tell_equal_lines_apart():
    lines = bankfiles.parse(read("ing_comma.csv")).lines
    assert statements.fingerprints(lines) == statements.fingerprints(list(lines))
    twice = statements.fingerprints([lines[0], lines[0]])
    assert twice[0] == statements.fingerprints(lines)[0] and twice[0] != twice[1]


def test_plain_and_dutch_amounts_without_floats():
    rows = statements.parse_statement(
        b'date,amount,reference\n2026-11-20,1234.56,a\n20-11-2026,"1.234,56",b\n'
        b"20/11/2026,7,c\n21-11-2026,-7,d\n"
    )
    assert [r.amount_cents for r in rows] == [123_456, 123_456, 700, -700]
