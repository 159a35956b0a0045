"""Payouts a treasurer trusts: the SEPA file and the bank's execution are two steps; the page
lists every payee; landlords without an IBAN are named before a run and can be reminded."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.payments.test_payouts import IBANS, landlords, next_business_day
from vrijstad import clock
from vrijstad.billing.models import SettlementStatus
from vrijstad.extensions import db
from vrijstad.ledger import services as ledger
from vrijstad.money import format_eur
from vrijstad.notifications.models import Notification
from vrijstad.payments import services
from vrijstad.payments.models import (
    BankImport,
    BankLine,
    BankLineStatus,
    BatchStatus,
    LineReason,
    Payout,
    PayoutBatch,
    PayoutStatus,
)

pytestmark = pytest.mark.clock("2026-12-10T10:00")


def with_ibans(collective) -> None:
    for landlord, iban in zip(landlords(collective), IBANS, strict=True):
        services.save_bank_account(landlord, landlord.name, iban)
    db.session.commit()


def statuses() -> list[PayoutStatus]:
    return list(db.session.scalars(sa.select(Payout.status).order_by(Payout.id)))


def owed(collective) -> int:
    return sum(
        ledger.balance(collective.organisation_id, ledger.payable(x.id))
        for x in landlords(collective)
    )


def test_the_file_puts_payouts_in_it_and_the_confirmation_pays_them(approved, collective):
    with_ibans(collective)
    still_owed = owed(collective)
    batch = services.pay_by_sepa(collective.staff, approved, next_business_day())
    db.session.commit()
    assert statuses() == [PayoutStatus.EXPORTED, PayoutStatus.EXPORTED]
    assert batch.status == BatchStatus.EXPORTED
    assert approved.status == SettlementStatus.APPROVED
    assert owed(collective) == still_owed  # nothing booked before the bank executed it

    executed_on = clock.today()
    services.confirm_batch(collective.staff, batch, executed_on)
    db.session.commit()
    assert statuses() == [PayoutStatus.SENT, PayoutStatus.SENT]
    assert batch.status == BatchStatus.EXECUTED
    assert batch.decided_by_id == collective.staff.id
    assert batch.decided_at is not None and batch.executed_on == executed_on
    assert approved.status == SettlementStatus.PAID
    assert owed(collective) == 0


def test_a_second_confirmation_is_refused_and_books_nothing_twice(approved, collective):
    with_ibans(collective)
    batch = services.pay_by_sepa(collective.staff, approved)
    services.confirm_batch(collective.staff, batch)
    db.session.commit()
    with pytest.raises(services.PaymentsError, match="al bevestigd"):
        services.confirm_batch(collective.staff, batch)
    db.session.rollback()
    with pytest.raises(services.PaymentsError, match="al bevestigd"):
        services.reject_batch(collective.staff, batch)
    db.session.rollback()
    assert owed(collective) == 0 and batch.status == BatchStatus.EXECUTED


def test_an_execution_date_in_the_future_is_refused(approved, collective):
    with_ibans(collective)
    batch = services.pay_by_sepa(collective.staff, approved)
    db.session.commit()
    with pytest.raises(services.PaymentsError, match="toekomst"):
        services.confirm_batch(collective.staff, batch, clock.today() + timedelta(days=1))
    db.session.rollback()
    assert statuses() == [PayoutStatus.EXPORTED, PayoutStatus.EXPORTED]


def test_a_rejected_file_is_kept_and_a_new_one_can_be_made(approved, collective, fake_stripe):
    with_ibans(collective)
    first = services.pay_by_sepa(collective.staff, approved)
    db.session.commit()
    with pytest.raises(services.PaymentsError, match="wacht al een betaalbestand"):
        services.pay_by_sepa(collective.staff, approved)  # not twice while the bank has it
    db.session.rollback()
    services.reject_batch(collective.staff, first)
    db.session.commit()
    assert statuses() == [PayoutStatus.PENDING, PayoutStatus.PENDING]
    assert first.status == BatchStatus.REJECTED and first.decided_by_id == collective.staff.id

    second = services.pay_by_sepa(collective.staff, approved)
    services.confirm_batch(collective.staff, second)
    db.session.commit()
    assert second.id != first.id and second.total_cents == first.total_cents
    assert db.session.scalar(sa.select(sa.func.count(PayoutBatch.id))) == 2
    assert statuses() == [PayoutStatus.SENT, PayoutStatus.SENT]
    assert approved.status == SettlementStatus.PAID and owed(collective) == 0


def test_stripe_waits_while_a_file_is_at_the_bank(approved, collective, fake_stripe):
    with_ibans(collective)
    services.pay_by_sepa(collective.staff, approved)
    with pytest.raises(services.PaymentsError, match="wacht al een betaalbestand"):
        services.pay_by_stripe(collective.staff, approved)
    assert fake_stripe.to("/v1/transfers") == []


def test_the_page_lists_payees_and_the_two_steps(approved, collective, client, login):
    first, second = landlords(collective)
    services.save_bank_account(first, first.name, IBANS[0])
    services.save_bank_account(second, second.name, IBANS[1])
    db.session.commit()
    shares = services.landlord_shares(approved)
    login(collective.staff)
    page = client.get(f"/settlements/{approved.id}/payouts").text
    for landlord in (first, second):
        assert landlord.name in page
    assert "•••• 4300" in page and "•••• 6789" in page
    assert IBANS[0] not in page  # masked but for the last four
    total = sum(shares.values())
    euros = format_eur(total)  # "€ 1.234,56"
    assert euros in page
    assert "Maak het SEPA-betaalbestand" in page

    client.post(f"/settlements/{approved.id}/payouts/sepa", data={})
    page = client.get(f"/settlements/{approved.id}/payouts").text
    assert page.count("in betaalbestand") == 2 and "wacht op de bank" in page
    assert "Bank heeft het bestand uitgevoerd" in page and euros in page
    batch = db.session.scalar(sa.select(PayoutBatch))
    done = client.post(
        f"/payout-batches/{batch.id}/executed", data={"executed_on": clock.today().isoformat()}
    )
    assert done.status_code == 302
    page = client.get(done.location).text
    assert "uitgevoerd door de bank" in page and collective.staff.name in page
    assert page.count(">verstuurd<") == 2
    again = client.post(
        f"/payout-batches/{batch.id}/executed",
        data={"executed_on": clock.today().isoformat()},
        follow_redirects=True,
    )
    assert "al bevestigd" in again.text


def test_landlords_without_iban_are_named_and_the_file_refused(approved, collective, client, login):
    first, second = landlords(collective)
    services.save_bank_account(first, first.name, IBANS[0])
    db.session.commit()
    login(collective.staff)
    page = client.get(f"/settlements/{approved.id}/payouts").text
    assert "Verhuurders zonder geldig IBAN" in page
    missing = page.split('id="missing-iban"')[1].split("</article>")[0]
    assert second.name in missing and first.name not in missing
    refused = client.post(
        f"/settlements/{approved.id}/payouts/sepa", data={}, follow_redirects=True
    )
    assert "Er is geen betaalbestand gemaakt" in refused.text and second.name in refused.text
    assert db.session.scalar(sa.select(sa.func.count(PayoutBatch.id))) == 0


def test_the_reminder_button_sends_the_landlord_the_link(
    approved, collective, client, login, outbox
):
    first, second = landlords(collective)
    services.save_bank_account(first, first.name, IBANS[0])
    db.session.commit()
    login(collective.staff)
    done = client.post(f"/settlements/{approved.id}/payouts/remind", follow_redirects=True)
    assert "link naar hun uitbetalingsrekening" in done.text
    notices = db.session.scalars(sa.select(Notification)).all()
    assert [(n.user_id, n.kind, n.url) for n in notices] == [
        (second.id, "payout.iban_missing", "/my/payout-account")
    ]
    mails = outbox()
    assert [m["To"] for m in mails] == [second.email]
    assert "/my/payout-account" in mails[0].get_body(("plain",)).get_content()


def test_only_the_organisations_admins_decide_a_file(approved, collective, client, login, make_org):
    with_ibans(collective)
    batch = services.pay_by_sepa(collective.staff, approved)
    db.session.commit()
    for outsider in (make_org(staff_role="admin").test_staff, landlords(collective)[0]):
        client.post("/logout")
        login(outsider)
        for step in ("executed", "rejected"):
            response = client.post(
                f"/payout-batches/{batch.id}/{step}",
                data={"executed_on": clock.today().isoformat()},
            )
            assert response.status_code == 403
        assert client.post(f"/settlements/{approved.id}/payouts/remind").status_code == 403
    db.session.refresh(batch)
    assert batch.status == BatchStatus.EXPORTED


def test_landlord_home_asks_for_the_iban_until_it_is_filled_in(collective, client, login):
    landlord = landlords(collective)[0]
    login(landlord)
    home = client.get("/").text
    assert "Vul je rekeningnummer in voor uitbetalingen" in home
    assert 'href="/my/payout-account"' in home
    assert 'href="/my/payout-account"' in client.get("/account").text
    assert client.get("/my/payout-account").status_code == 200
    client.post("/my/payout-account", data={"holder_name": landlord.name, "iban": IBANS[0]})
    assert "Vul je rekeningnummer in voor uitbetalingen" not in client.get("/").text


def test_a_landlord_without_a_collective_gets_no_checklist_item(client, login, make_user):
    login(make_user("landlord"))
    assert "Vul je rekeningnummer in" not in client.get("/").text


def test_an_imported_statement_line_of_the_file_proposes_the_confirmation(
    approved, collective, client, login
):
    with_ibans(collective)
    batch = services.pay_by_sepa(collective.staff, approved)
    executed_on = clock.today()
    statement = BankImport(
        organisation_id=collective.organisation_id,
        filename="camt.xml",
        sha256="a" * 64,
        rows_total=1,
        matched_count=0,
        matched_cents=0,
    )
    db.session.add(
        BankLine(
            bank_import=statement,
            organisation_id=collective.organisation_id,
            fingerprint="b" * 64,
            line=1,
            booked_on=executed_on,
            amount_cents=-batch.total_cents,
            description=f"Verzamelbetaling {batch.message_id}",
            status=BankLineStatus.OUTGOING,
            reason=LineReason.DEBIT,
        )
    )
    db.session.commit()
    login(collective.staff)
    page = client.get(f"/settlements/{approved.id}/payouts").text
    hint = page.split('id="seen-on-statement"')[1].split("</p>")[0]
    assert format_eur(batch.total_cents) in hint and "kenmerk van dit bestand" in hint
    assert f'value="{executed_on.isoformat()}"' in page
