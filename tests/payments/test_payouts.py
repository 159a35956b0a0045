"""Payouts of an approved settlement: a SEPA pain.001 file, or Stripe Connect transfers."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest
import sepaxml
import sqlalchemy as sa
import xmlschema

from vrijstad import clock
from vrijstad.billing.models import SettlementStatus
from vrijstad.extensions import db
from vrijstad.ledger import services as ledger
from vrijstad.money import format_eur
from vrijstad.payments import services
from vrijstad.payments.models import OnboardingStatus, PaymentIssue, Payout, PayoutStatus

NOV = date(2026, 11, 1)

# The collective's scenario is set in the autumn of 2026 (placements from 1 January, November
# invoiced and paid, December's late payments): these tests run on 10 December 2026.
pytestmark = pytest.mark.clock("2026-12-10T10:00")
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
IBANS = ["NL91ABNA0417164300", "NL02ABNA0123456789"]


def next_business_day() -> date:
    """The first business day after today: the default execution date of a SEPA file."""
    return services.next_business_day(clock.today())


def landlords(collective):
    return [unit.owner for unit in collective.units]


def test_sepa_batch_validates_and_pays_every_landlord(approved, collective):
    for landlord, iban in zip(landlords(collective), IBANS, strict=True):
        services.save_bank_account(landlord, landlord.name, iban[:4] + " " + iban[4:])
    batch = services.pay_by_sepa(collective.staff, approved, next_business_day())
    db.session.commit()
    xsd = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
    xmlschema.XMLSchema(str(xsd)).validate(batch.xml.decode())
    root = ET.fromstring(batch.xml)
    credits = root.findall(".//p:CdtTrfTxInf", NS)
    amounts = sorted(c.find("p:Amt/p:InstdAmt", NS).text for c in credits)
    shares = services.landlord_shares(approved)
    assert amounts == sorted(f"{c // 100}.{c % 100:02d}" for c in shares.values())
    assert root.find(".//p:GrpHdr/p:NbOfTxs", NS).text == "2"
    total = sum(shares.values())
    assert root.find(".//p:GrpHdr/p:CtrlSum", NS).text == f"{total // 100}.{total % 100:02d}"
    assert sorted(c.find("p:CdtrAcct/p:Id/p:IBAN", NS).text for c in credits) == sorted(IBANS)
    assert root.find(".//p:DbtrAcct/p:Id/p:IBAN", NS).text == collective.organisation.iban
    # The file is made, not yet executed: nobody counts as paid until staff confirm it.
    assert approved.status == SettlementStatus.APPROVED
    services.confirm_batch(collective.staff, batch, clock.today())
    db.session.commit()
    assert approved.status == SettlementStatus.PAID
    for landlord in landlords(collective):
        assert ledger.balance(collective.organisation_id, ledger.payable(landlord.id)) == 0


def test_sepa_refused_while_a_landlord_has_no_iban(approved, collective):
    first, second = landlords(collective)
    services.save_bank_account(first, first.name, IBANS[0])
    with pytest.raises(services.PaymentsError, match=second.name):
        services.pay_by_sepa(collective.staff, approved)
    with pytest.raises(services.PaymentsError):
        services.save_bank_account(second, second.name, "NL00ABNA0000000000")
    db.session.rollback()
    assert approved.status == SettlementStatus.APPROVED


def test_payout_page_and_sepa_download(approved, collective, client, login, make_org):
    for landlord, iban in zip(landlords(collective), IBANS, strict=True):
        services.save_bank_account(landlord, landlord.name, iban)
    db.session.commit()
    login(collective.staff)
    assert client.get(f"/settlements/{approved.id}/payouts").status_code == 200
    done = client.post(f"/settlements/{approved.id}/payouts/sepa", data={})
    assert done.status_code == 302
    xml = client.get(f"/settlements/{approved.id}/payouts/sepa.xml")
    assert xml.status_code == 200 and b"CstmrCdtTrfInitn" in xml.data
    client.post("/logout")
    login(make_org().test_staff)
    assert client.get(f"/settlements/{approved.id}/payouts").status_code == 403
    assert client.get(f"/settlements/{approved.id}/payouts/sepa.xml").status_code == 403


def test_connect_onboarding_then_a_transfer_per_landlord_retried_safely(
    approved, collective, fake_stripe, client, login
):
    for landlord in landlords(collective):
        client.post("/logout")
        login(landlord)
        link = client.post("/my/payout-account/connect")
        assert link.status_code == 302 and link.location.startswith("https://connect.example/")
        assert client.get("/my/payout-account/return").status_code == 302
    accounts = fake_stripe.to("/v1/accounts")
    assert [a["form"]["type"] for a in accounts] == ["express", "express"]
    assert {a["idempotency_key"] for a in accounts} == {
        f"connect-account-{landlord.id}" for landlord in landlords(collective)
    }
    assert len(fake_stripe.to("/v1/account_links")) == 2
    db.session.expire_all()
    assert {services.payout_account(x).onboarding for x in landlords(collective)} == {
        OnboardingStatus.COMPLETE
    }

    second = landlords(collective)[1]
    account = services.payout_account(second).stripe_account_id
    fake_stripe.fail("/v1/transfers", status=400, message="insufficient funds", destination=account)
    payouts = services.pay_by_stripe(collective.staff, approved)
    db.session.commit()
    assert [p.status for p in payouts] == [PayoutStatus.SENT, PayoutStatus.FAILED]
    assert approved.status == SettlementStatus.APPROVED
    assert db.session.scalar(sa.select(sa.func.count(PaymentIssue.id))) == 1

    payouts = services.pay_by_stripe(collective.staff, approved)  # the retry
    db.session.commit()
    assert {p.status for p in payouts} == {PayoutStatus.SENT}
    assert approved.status == SettlementStatus.PAID
    transfers = fake_stripe.to("/v1/transfers")
    shares = services.landlord_shares(approved)
    assert len(transfers) == 3  # the first landlord was not paid twice
    assert {t["form"]["transfer_group"] for t in transfers} == {f"settlement-{approved.id}"}
    key = f"payout-settlement-{approved.id}-landlord-{second.id}"
    # a declined transfer was not made, so the retry is a new request (Stripe would replay
    # the decline for the same key)
    assert [t["idempotency_key"] for t in transfers[1:]] == [key, f"{key}-2"]
    assert transfers[-1]["form"]["amount"] == str(shares[second.id])
    assert db.session.scalar(sa.select(sa.func.count(Payout.id))) == 2


def test_stripe_payout_refused_before_onboarding(approved, collective, fake_stripe):
    with pytest.raises(services.PaymentsError, match="aanmelding bij Stripe nog niet afgerond"):
        services.pay_by_stripe(collective.staff, approved)
    assert fake_stripe.to("/v1/transfers") == []


def test_landlord_statement_shows_the_payout(approved, collective, client, login):
    for landlord, iban in zip(landlords(collective), IBANS, strict=True):
        services.save_bank_account(landlord, landlord.name, iban)
    batch = services.pay_by_sepa(collective.staff, approved, next_business_day())
    services.confirm_batch(collective.staff, batch, clock.today())
    db.session.commit()
    first = landlords(collective)[0]
    share = services.landlord_shares(approved)[first.id]
    first.locale = "en"
    db.session.commit()
    login(first)
    page = client.get("/my/statements")
    assert page.status_code == 200
    assert f"Payout: {format_eur(share, 'en')} by bank transfer, sent" in page.text


def test_sepa_execution_date_in_the_past_is_refused(approved, collective):
    for landlord, iban in zip(landlords(collective), IBANS, strict=True):
        services.save_bank_account(landlord, landlord.name, iban)
    yesterday = clock.today() - timedelta(days=1)
    with pytest.raises(services.PaymentsError, match="uitvoeringsdatum"):
        services.pay_by_sepa(collective.staff, approved, yesterday)
    assert approved.status == SettlementStatus.APPROVED


def test_sepa_after_a_partly_failed_stripe_run_pays_only_the_unpaid_share(
    approved, collective, fake_stripe
):
    first, second = landlords(collective)
    for index, landlord in enumerate((first, second)):
        account = services.payout_account(landlord)
        account.stripe_account_id = f"acct_test_{index}"
        account.onboarding = OnboardingStatus.COMPLETE
        services.save_bank_account(landlord, landlord.name, IBANS[index])
    fake_stripe.fail("/v1/transfers", status=400, message="declined", destination="acct_test_1")
    services.pay_by_stripe(collective.staff, approved)
    db.session.commit()
    assert approved.status == SettlementStatus.APPROVED

    batch = services.pay_by_sepa(collective.staff, approved, next_business_day())
    db.session.commit()
    root = ET.fromstring(batch.xml)
    credits = root.findall(".//p:CdtTrfTxInf", NS)
    assert [c.find("p:CdtrAcct/p:Id/p:IBAN", NS).text for c in credits] == [IBANS[1]]
    assert batch.total_cents == services.landlord_shares(approved)[second.id]
    assert approved.status == SettlementStatus.APPROVED
    services.confirm_batch(collective.staff, batch, clock.today())
    db.session.commit()
    assert approved.status == SettlementStatus.PAID
