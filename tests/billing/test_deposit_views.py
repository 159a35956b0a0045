"""The deposit and annual-settlement page: staff return a deposit, the starter settles a
year; each form sent twice (also at the same moment, on PostgreSQL) books once."""

import re

import pytest
import sqlalchemy as sa

from tests.billing.test_deposits import ended
from tests.billing.test_reconciliation import YEAR, year_of_advances
from tests.races import at_once, client_of, postgresql_only
from vrijstad.billing.models import DepositReturn, TurnoverReconciliation
from vrijstad.extensions import db
from vrijstad.ledger import services as ledger
from vrijstad.ledger.models import Posting

pytestmark = pytest.mark.clock("2026-12-10T10:00")


def test_staff_return_a_deposit_and_the_starter_sees_the_statement(app, ctx, collective, place):
    placement = ended(place)
    db.session.commit()
    staff, starter = client_of(app, collective.staff), client_of(app, placement.starter)
    url = f"/placements/{placement.id}/money"
    assert "Waarborgsom terugbetalen" in staff.get(url).text
    refused = staff.post(
        f"/placements/{placement.id}/deposit/return",
        data={"damages": "1.900,01", "description": "Alles"},
    )
    assert refused.status_code == 422 and "meer dan de waarborgsom" in refused.text
    done = staff.post(
        f"/placements/{placement.id}/deposit/return",
        data={"damages": "350,55", "description": "Kapotte etalageruit"},
    )
    assert done.status_code == 302
    page = starter.get(url).text
    assert "Afrekening waarborgsom" in page
    assert "1.549,45" in page and "350,55" in page and "Kapotte etalageruit" in page
    again = staff.post(f"/placements/{placement.id}/deposit/return", data={"damages": "0"})
    assert again.status_code == 422 and "al terugbetaald" in again.text
    assert db.session.scalar(sa.select(sa.func.count(DepositReturn.id))) == 1
    assert ledger.total_of_all_entries() == 0
    # other starters do not see the page
    assert client_of(app, place(unit_index=1).starter).get(url).status_code == 404


def test_the_starter_settles_a_year_once(app, ctx, collective, place):
    placement = year_of_advances(place)
    db.session.commit()
    starter = client_of(app, placement.starter)
    url = f"/placements/{placement.id}/reconciliation"
    assert starter.post(url, data={"year": "2025", "turnover": "101.234,56"}).status_code == 302
    again = starter.post(url, data={"year": "2025", "turnover": "101.234,56"})
    assert again.status_code == 422 and "al verrekend" in again.text
    early = starter.post(url, data={"year": "2026", "turnover": "1"})
    assert early.status_code == 422 and "voorbij" in early.text
    settled = db.session.scalars(sa.select(TurnoverReconciliation)).one()
    assert settled.difference_cents == 29_876
    assert "298,76" in starter.get(f"/placements/{placement.id}/money").text


def test_two_staff_returning_one_deposit_at_once_return_it_once(
    app, ctx, collective, place, make_user
):
    postgresql_only()
    placement = ended(place)
    db.session.commit()
    placement_id, organisation_id = placement.id, placement.organisation_id
    clients = [client_of(app, collective.staff) for _ in range(3)]
    db.session.remove()
    statuses = at_once(
        clients,
        lambda client, i: (
            client.post(
                f"/placements/{placement_id}/deposit/return",
                data={"damages": "10,00", "description": "x"},
            ).status_code
        ),
    )
    assert sorted(statuses) == [302, 422, 422]
    assert db.session.scalar(sa.select(sa.func.count(DepositReturn.id))) == 1
    kinds = db.session.scalars(
        sa.select(Posting.kind).where(Posting.kind == "deposit_return")
    ).all()
    assert kinds == ["deposit_return"]
    assert ledger.balance(organisation_id, ledger.deposit_held(placement_id)) == 0
    assert ledger.total_of_all_entries() == 0


def test_one_year_settled_from_two_tabs_at_once_is_settled_once(app, ctx, collective, place):
    postgresql_only()
    placement = year_of_advances(place)
    db.session.commit()
    placement_id = placement.id
    clients = [client_of(app, collective.staff), client_of(app, placement.starter)]
    db.session.remove()
    statuses = at_once(
        clients,
        lambda client, i: (
            client.post(
                f"/placements/{placement_id}/reconciliation",
                data={"year": str(YEAR), "turnover": "90.000,00"},
            ).status_code
        ),
    )
    assert sorted(statuses) == [302, 422]
    assert db.session.scalar(sa.select(sa.func.count(TurnoverReconciliation.id))) == 1
    assert ledger.total_of_all_entries() == 0


def test_staff_record_the_refund_and_the_damages_transferred_once(app, ctx, collective, place):
    """After the return the money still has to leave: the refund to the starter, the damages
    to the landlord; each transfer is recorded once and empties its payable."""
    placement = ended(place)
    db.session.commit()
    staff, starter = client_of(app, collective.staff), client_of(app, placement.starter)
    url = f"/placements/{placement.id}/money"
    transfer = f"/placements/{placement.id}/deposit/transfer"
    early = staff.post(f"{transfer}/starter")
    assert early.status_code == 422 and "eerst" in early.text  # nothing returned yet
    staff.post(
        f"/placements/{placement.id}/deposit/return",
        data={"damages": "350,55", "description": "Kapotte etalageruit"},
    )
    page = staff.get(url).text
    assert "Terugbetaling aan de starter overgemaakt" in page and "1.549,45" in page
    assert "Schade aan de verhuurder overgemaakt" in page
    assert "overgemaakt" not in starter.get(url).text  # the starter sees no buttons
    assert starter.post(f"{transfer}/starter").status_code == 403  # hers to see, not to book
    assert staff.post(f"{transfer}/starter").status_code == 302
    again = staff.post(f"{transfer}/starter")
    assert again.status_code == 422 and "al op" in again.text
    assert staff.post(f"{transfer}/landlord").status_code == 302
    organisation_id = placement.organisation_id
    assert ledger.balance(organisation_id, ledger.refund_due(placement.starter_id)) == 0
    landlord = collective.units[0].owner_id
    assert ledger.balance(organisation_id, ledger.payable(landlord)) == 0
    assert ledger.balance(organisation_id, ledger.bank(organisation_id)) == 190_000 - 190_000
    kinds = db.session.scalars(sa.select(Posting.kind).where(Posting.kind == "deposit_transfer"))
    assert len(kinds.all()) == 2
    assert ledger.total_of_all_entries() == 0
    page = starter.get(url).text
    assert "Terugbetaling aan de starter overgemaakt: 10-12-2026" in page


def test_a_sepa_file_pays_the_refund_and_the_damages_to_their_ibans(app, ctx, collective, place):
    """The treasurer gets a pain.001 file per transfer to upload to the bank; it books nothing
    and is refused, with the reason, while an IBAN is missing."""
    from xml.etree import ElementTree as etree  # our own file

    from vrijstad.payments.models import PayoutAccount
    from vrijstad.starters.models import StarterProfile

    placement = ended(place)
    db.session.commit()
    staff, starter = client_of(app, collective.staff), client_of(app, placement.starter)
    url = f"/placements/{placement.id}/money"
    files = f"/placements/{placement.id}/deposit/transfer"
    early = staff.get(f"{files}/starter.xml", follow_redirects=True)
    assert "Reken eerst de waarborgsom af." in early.text
    staff.post(
        f"/placements/{placement.id}/deposit/return",
        data={"damages": "350,55", "description": "Kapotte etalageruit"},
    )
    assert re.search(r"SEPA-bestand voor de bank \(€\s1\.549,45\)", staff.get(url).text)
    missing = staff.get(f"{files}/starter.xml", follow_redirects=True)
    assert "heeft geen geldig IBAN" in missing.text
    profile = db.session.scalar(
        sa.select(StarterProfile).where(StarterProfile.user_id == placement.starter_id)
    ) or StarterProfile(user_id=placement.starter_id)
    profile.iban = "NL02ABNA0123456789"
    db.session.add(profile)
    landlord = collective.units[0].owner_id
    db.session.add(PayoutAccount(landlord_id=landlord, iban="NL44RABO0123456789"))
    db.session.commit()
    assert starter.get(f"{files}/starter.xml").status_code == 403  # staff only

    refund = staff.get(f"{files}/starter.xml")
    assert refund.status_code == 200 and refund.headers["Content-Type"] == "application/xml"
    assert f"deposit-{placement.id}-starter.xml" in refund.headers["Content-Disposition"]
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
    doc = etree.fromstring(refund.data)
    assert doc.findtext(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", namespaces=ns) == "1549.45"
    assert doc.findtext(".//p:CdtrAcct/p:Id/p:IBAN", namespaces=ns) == "NL02ABNA0123456789"
    assert doc.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=ns) == "NL91ABNA0417164300"
    damages = etree.fromstring(staff.get(f"{files}/landlord.xml").data)
    assert damages.findtext(".//p:InstdAmt", namespaces=ns) == "350.55"
    assert damages.findtext(".//p:CdtrAcct/p:Id/p:IBAN", namespaces=ns) == "NL44RABO0123456789"
    assert not db.session.scalars(
        sa.select(Posting).where(Posting.kind == "deposit_transfer")
    ).all()  # a file books nothing

    staff.post(f"{files}/starter")  # the bank made it: recorded once
    again = staff.get(f"{files}/starter.xml", follow_redirects=True)
    assert again.status_code == 200 and "al op" in again.text
