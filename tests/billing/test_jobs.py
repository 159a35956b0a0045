"""Invoice runs, settlement runs and invoice PDF bundles run as background jobs."""

import io
import zipfile
from datetime import date

import pytest
import sqlalchemy as sa

from tests.fixtures_jobs import job_id_of
from vrijstad import jobs
from vrijstad.billing import services as billing
from vrijstad.billing import tasks
from vrijstad.billing.models import Invoice, Settlement
from vrijstad.extensions import db
from vrijstad.ledger.models import Entry, Posting
from vrijstad.letting.models import Collective, HeadLease, LandlordRule, TurnoverReport

NOV = date(2026, 11, 1)

# The collective's scenario is set in the autumn of 2026 (placements from 1 January, November
# invoiced and paid, December's late payments): these tests run on 10 December 2026.
pytestmark = pytest.mark.clock("2026-12-10T10:00")


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def paid_invoice(placement) -> Invoice:
    invoice = billing.issue_invoice(placement, NOV)
    billing.record_payment(None, invoice, invoice.total_cents, date(2026, 11, 20))
    db.session.commit()
    return invoice


def test_invoice_run_from_the_page_runs_on_a_worker(
    ctx, client, login, collective, place, rq_worker
):
    place(base=100_000)
    place(unit_index=1, base=50_000, turnover_bp=500)  # no turnover report: skipped
    login(collective.staff)
    started = client.post(f"/collectives/{collective.id}/invoices", data={"period": "2026-11"})
    job_id = job_id_of(started)
    assert count(Invoice) == 0
    assert "Facturen van 11-2026 uitgeven" in client.get(started.location).text
    rq_worker()
    status = jobs.get_status(job_id)
    assert status.state == "finished", status.error
    assert (
        status.result_label
        == "1 factuur uitgegeven. 1 plaatsing is overgeslagen (zie de omzetopgaven)."
    )
    assert status.result_url == f"/collectives/{collective.id}?period=2026-11#invoices"
    assert count(Invoice) == 1


def test_invoice_run_inline_shows_the_result_link(ctx, client, login, collective, place):
    place(base=100_000)
    login(collective.staff)
    started = client.post(f"/collectives/{collective.id}/invoices", data={"period": "2026-11"})
    page = client.get(started.location)
    assert "1 factuur uitgegeven." in page.text
    assert f'href="/collectives/{collective.id}?period=2026-11#invoices"' in page.text
    again = client.post(f"/collectives/{collective.id}/invoices", data={"period": "2026-11"})
    assert "0 facturen uitgegeven." in client.get(again.location).text
    assert count(Invoice) == 1


def test_settlement_from_the_page_runs_on_a_worker(
    ctx, client, login, collective, place, rq_worker
):
    paid_invoice(place(base=100_000))
    login(collective.staff)
    url = f"/collectives/{collective.id}/settlements"
    job_id = job_id_of(client.post(url, data={"period": "2026-11"}))
    assert count(Settlement) == 0
    rq_worker()
    status = jobs.get_status(job_id)
    assert status.state == "finished", status.error
    assert "1.000,00 ontvangen en verdeeld" in status.result_label
    assert db.session.scalar(sa.select(Settlement.received_cents)) == 100_000


def second_collective(collective) -> Collective:
    """Moves the second unit of the fixture's collective into a collective of its own."""
    other = Collective(
        organisation_id=collective.organisation_id,
        area_id=collective.area_id,
        name="Tweede Collectief",
        organisation_fee_bp=1000,
        fund_bp=0,
        landlord_rule=LandlordRule.PRO_RATA,
    )
    db.session.add(other)
    db.session.flush()
    lease = db.session.scalar(
        sa.select(HeadLease).where(HeadLease.unit_id == collective.units[1].id)
    )
    lease.collective_id = other.id
    db.session.commit()
    return other


def settlement_postings() -> list[tuple[str, int]]:
    """(posting key, sum of its entries) of every settlement posting in the ledger."""
    return db.session.execute(
        sa.select(Posting.key, sa.func.sum(Entry.amount_cents))
        .join(Entry, Entry.posting_id == Posting.id)
        .where(Posting.kind == "settlement")
        .group_by(Posting.key)
        .order_by(Posting.key)
    ).all()


def test_settlement_run_failing_midway_is_retried_without_booking_twice(
    app, ctx, collective, place, make_user, monkeypatch, rq_worker
):
    other = second_collective(collective)
    paid_invoice(place(base=100_000))
    paid_invoice(place(unit_index=1, base=40_000))
    real = billing.calculate_settlement
    failures = []

    def fail_second_once(actor, group, period, confirm=False):
        if group.id == other.id and not failures:
            real(actor, group, period, confirm)  # books, then the worker dies before the commit
            failures.append(group.id)
            raise RuntimeError("worker lost")
        return real(actor, group, period, confirm)

    monkeypatch.setattr(billing, "calculate_settlement", fail_second_once)
    handle = jobs.enqueue(
        tasks.settle_collectives,
        collective.staff.id,
        [collective.id, other.id],
        NOV,
        False,
        "/done",
        "nl",
        job_title="Afrekenen",
    )
    db.session.commit()
    rq_worker()
    status = jobs.get_status(handle.id)
    assert status.state == "failed" and "RuntimeError" in status.error
    assert status.message == "Tweede Collectief afrekenen (2 van 2)"
    db.session.expire_all()
    first = db.session.scalar(sa.select(Settlement))
    assert (count(Settlement), first.collective_id) == (1, collective.id)
    assert settlement_postings() == [(f"settlement:{first.id}", 0)]

    jobs.retry(handle.id)
    rq_worker()
    assert jobs.get_status(handle.id).state == "finished"
    db.session.expire_all()
    settlements = db.session.scalars(sa.select(Settlement).order_by(Settlement.id)).all()
    assert [s.collective_id for s in settlements] == [collective.id, other.id]
    assert settlements[0].id == first.id  # the first collective was not settled again
    assert settlement_postings() == [(f"settlement:{s.id}", 0) for s in settlements]
    assert [s.received_cents for s in settlements] == [100_000, 40_000]
    assert "2 collectieven afgerekend voor 11-2026." in jobs.get_status(handle.id).result_label


def test_settle_with_redis_down_is_a_503_and_books_nothing(
    ctx, client, login, collective, place, redis_down
):
    paid_invoice(place(base=100_000))
    login(collective.staff)
    response = client.post(f"/collectives/{collective.id}/settlements", data={"period": "2026-11"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert count(Settlement) == 0 and settlement_postings() == []


def test_invoice_pdfs_as_a_zip_on_a_worker(
    ctx, client, login, collective, place, make_org, rq_worker
):
    first = paid_invoice(place(base=100_000))
    second = paid_invoice(place(unit_index=1, base=40_000))
    login(collective.staff)
    page = client.get(f"/collectives/{collective.id}?period=2026-11")
    assert f'action="/collectives/{collective.id}/invoices/pdfs"' in page.text
    url = f"/collectives/{collective.id}/invoices/pdfs"
    job_id = job_id_of(client.post(url, data={"period": "2026-11"}))
    rq_worker()
    status = jobs.get_status(job_id)
    assert status.state == "finished", status.error
    assert status.result_label == "Download het ZIP-bestand (2 facturen)"
    with client.get(status.result_url) as download:
        assert download.status_code == 200 and download.mimetype == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(download.data))
    names = sorted(archive.namelist())
    assert names == sorted(f"invoice-{i.number}.pdf" for i in (first, second))
    assert all(archive.read(name).startswith(b"%PDF-") for name in names)

    empty = client.post(url, data={"period": "2026-10"}, follow_redirects=True)
    assert "Er zijn nog geen facturen van deze maand." in empty.text
    client.post("/logout")
    login(make_org().test_staff)
    assert client.get(status.result_url).status_code == 403
    assert client.post(url, data={"period": "2026-11"}).status_code == 403


def test_unknown_downloads_are_not_found(ctx, client, login, collective):
    login(collective.staff)
    base = f"/collectives/{collective.id}/downloads"
    assert client.get(f"{base}/{'a' * 32}.zip").status_code == 404
    assert client.get(f"{base}/not-a-token.zip").status_code == 404


def test_every_collective_of_the_organisation_is_settled_in_one_job(
    ctx, client, login, collective, place, make_org
):
    other = second_collective(collective)
    paid_invoice(place(base=100_000))
    paid_invoice(place(unit_index=1, base=40_000))
    login(collective.staff)
    page = client.get(f"/organisations/{collective.organisation_id}/collectives")
    assert "Reken elk collectief af" in page.text
    url = f"/organisations/{collective.organisation_id}/settlements"
    job_id = job_id_of(client.post(url, data={"period": "2026-11"}))
    status = jobs.get_status(job_id)
    assert status.state == "finished", status.error
    assert status.result_label == "2 collectieven afgerekend voor 11-2026."
    assert status.result_url == f"/organisations/{collective.organisation_id}/collectives"
    received = dict(
        db.session.execute(sa.select(Settlement.collective_id, Settlement.received_cents)).all()
    )
    assert received == {collective.id: 100_000, other.id: 40_000}
    client.post("/logout")
    login(make_org().test_staff)
    assert client.post(url, data={"period": "2026-10"}).status_code == 403
    assert count(Settlement) == 2


def test_settling_every_collective_warns_about_unchecked_reports_first(
    ctx, client, login, collective, place
):
    placement = place(base=50_000, turnover_bp=500)
    db.session.add(
        TurnoverReport(
            placement_id=placement.id, period=NOV, turnover_cents=10_000, evidence_key="x"
        )
    )
    db.session.commit()
    login(collective.staff)
    url = f"/organisations/{collective.organisation_id}/settlements"
    warned = client.post(url, data={"period": "2026-11"}, follow_redirects=True)
    assert "Samen in de Stad: 1 omzetopgaven" in warned.text
    assert count(Settlement) == 0
    confirmed = client.post(url, data={"period": "2026-11", "confirm": "y"})
    assert jobs.get_status(job_id_of(confirmed)).state == "finished"
    assert count(Settlement) == 1
