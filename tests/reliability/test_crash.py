"""Crash safety: the process is killed (SIGKILL) halfway through a settlement run and halfway
through a burst of Stripe webhooks, then restarted and the work re-run. The ledger balances,
nothing is booked twice, nothing is lost."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from tests.payments.conftest import WEBHOOK_SECRET, event, sign
from vrijstad.billing import services as billing
from vrijstad.billing.models import Invoice, InvoiceStatus, Payment, Settlement
from vrijstad.extensions import db
from vrijstad.ledger.models import Entry, Posting
from vrijstad.letting.models import (
    Collective,
    HeadLease,
    HeadLeaseKind,
    HeadLeaseStatus,
    LandlordRule,
    Placement,
)
from vrijstad.payments.models import StripeEvent
from vrijstad.starters.models import SpaceKind

ROOT = Path(__file__).resolve().parents[2]
OCT = date(2026, 10, 1)


def server_time() -> int:
    """Now on the server process's clock: the machine's own, also when the suite has moved
    this process's clock (--clock), as Stripe stamps an event when it sends it."""
    if time_machine.escape_hatch.is_travelling():
        return int(time_machine.escape_hatch.time.time())
    return int(time.time())


def server_env(app, tmp_path) -> dict:
    return os.environ | {
        "VRIJSTAD_ENV": "development",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "JOB_DIR": str(tmp_path / "jobs"),
        "REDIS_URL": "",
        "PAYMENT_PROVIDER": "stripe",
        "STRIPE_SECRET_KEY": "sk_test_crash",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_crash",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "LOG_LEVEL": "WARNING",
    }


def collectives_with_placements(organisation, area, make_unit, make_user, count: int):
    """count collectives, each with one unit on a head lease and one placement in it."""
    placements = []
    for index in range(count):
        group = Collective(
            organisation_id=organisation.id,
            area_id=area.id,
            name=f"Collectief {index}",
            organisation_fee_bp=1000,
            fund_bp=500,
            landlord_rule=LandlordRule.PRO_RATA,
        )
        db.session.add(group)
        unit = make_unit(area=area)
        lease = HeadLease(
            collective=group,
            unit_id=unit.id,
            landlord_id=unit.owner_id,
            status=HeadLeaseStatus.ACTIVE,
            kind=HeadLeaseKind.FIXED,
            rent_cents_per_month=50_000,
            start_date=date(2026, 1, 1),
        )
        db.session.add(lease)
        starter = make_user("starter")
        placement = Placement(
            unit_id=unit.id,
            starter_id=starter.id,
            organisation_id=organisation.id,
            start_date=date(2026, 1, 1),
            end_date=date(2027, 1, 1),
            kind=SpaceKind.POPUP,
            base_fee_cents_per_month=70_000 + index,
            vat_opted=True,
            starter_trade_name=f"Winkel {index}",
            starter_kvk="87654321",
        )
        db.session.add(placement)
        placements.append(placement)
    db.session.commit()
    return placements


def assert_ledger_balances() -> None:
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Entry.amount_cents), 0))) == 0
    unbalanced = db.session.scalars(
        sa.select(Entry.posting_id)
        .group_by(Entry.posting_id)
        .having(sa.func.sum(Entry.amount_cents) != 0)
    ).all()
    assert unbalanced == []


def kill_when(process: subprocess.Popen, ready, timeout: float = 60) -> bool:
    """SIGKILL the process group once ready() holds; False if the process ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if ready():
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            return True
        time.sleep(0.003)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    pytest.fail("the run never reached the point where it was to be killed")


def count(model) -> int:
    db.session.expire_all()
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_settlement_run_killed_halfway_then_rerun(
    app, ctx, make_org, make_unit, make_user, tmp_path
):
    organisation = make_org(staff_role="admin")
    placements = collectives_with_placements(
        organisation, organisation.areas[0], make_unit, make_user, 40
    )
    for placement in placements:
        invoice = billing.issue_invoice(placement, OCT, issued_on=OCT + timedelta(days=1))
        billing.record_payment(None, invoice, invoice.total_cents, date(2026, 10, 20))
    db.session.commit()
    expected_received = db.session.scalar(sa.select(sa.func.sum(Payment.net_cents)))
    postings_before = count(Posting)

    command = [sys.executable, "-m", "flask", "--app", "vrijstad", "settle", "--period", "2026-10"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=server_env(app, tmp_path),  # noqa: S603
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    killed = kill_when(process, lambda: 3 <= count(Settlement) < 30)
    assert killed, "the run finished before it could be killed"
    partial = count(Settlement)
    assert 3 <= partial < 40

    rerun = subprocess.run(
        command,
        cwd=ROOT,
        env=server_env(app, tmp_path),
        check=False,  # noqa: S603
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    db.session.expire_all()
    settlements = db.session.scalars(sa.select(Settlement)).all()
    assert len(settlements) == 40  # one per collective: none lost, none twice
    assert sum(s.received_cents for s in settlements) == expected_received
    for settlement in settlements:
        assert sum(line.amount_cents for line in settlement.lines) == settlement.received_cents
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Payment.id)).where(Payment.settlement_id.is_(None))
        )
        == 0
    )
    assert count(Posting) == postings_before + 40  # one settlement posting per collective
    assert_ledger_balances()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(app, tmp_path) -> tuple[subprocess.Popen, str]:
    from gunicorn.config import Config as GunicornConfig

    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        "2",
        "--threads",
        "4",
        "--bind",
        f"127.0.0.1:{port}",
        "vrijstad:create_app()",
    ]
    if "control_socket_disable" in GunicornConfig().settings:  # gunicorn 27: no ~/.gunicorn
        command.append("--no-control-socket")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and gunicorn
        command,
        cwd=ROOT,
        env=server_env(app, tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1):  # noqa: S310 - loopback
                return process, base
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                os.killpg(process.pid, signal.SIGKILL)
                pytest.fail("gunicorn did not start")
            time.sleep(0.1)


def deliver(base: str, payload: bytes) -> int:
    headers = {
        "Content-Type": "application/json",
        "Stripe-Signature": sign(payload, timestamp=server_time()),
    }
    request = urllib.request.Request(
        f"{base}/webhooks/stripe", data=payload, method="POST", headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0  # the server died under us: Stripe would retry this event


def test_webhook_burst_killed_halfway_then_redelivered(
    app, ctx, make_org, make_unit, make_user, tmp_path
):
    organisation = make_org(staff_role="admin")
    placements = collectives_with_placements(
        organisation, organisation.areas[0], make_unit, make_user, 60
    )
    invoices = [
        billing.issue_invoice(p, OCT, issued_on=OCT + timedelta(days=1)) for p in placements
    ]
    db.session.commit()
    events = [
        event(
            "payment_intent.succeeded",
            {
                "id": f"pi_crash_{invoice.id}",
                "object": "payment_intent",
                "amount": invoice.total_cents,
                "amount_received": invoice.total_cents,
                "currency": "eur",
                "status": "succeeded",
                "metadata": {"invoice_id": str(invoice.id)},
            },
            event_id=f"evt_crash_{invoice.id}",
            created=server_time(),
        )
        for invoice in invoices
    ]
    process, base = start_server(app, tmp_path)
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            pending = [pool.submit(deliver, base, payload) for payload in events]
            killed = kill_when(process, lambda: 5 <= count(StripeEvent) < 50)
            first = [future.result() for future in pending]
        assert killed
        assert 0 in first or first.count(200) < len(events)  # some were cut off
        process, base = start_server(app, tmp_path)
        # Stripe retries every event it has no 2xx for; we redeliver all of them, twice.
        with ThreadPoolExecutor(max_workers=6) as pool:
            again = list(pool.map(lambda payload: deliver(base, payload), events + events))
        assert set(again) == {200}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    db.session.expire_all()
    assert count(StripeEvent) == len(events)
    per_invoice = dict(
        db.session.execute(
            sa.select(Payment.invoice_id, sa.func.count(Payment.id)).group_by(Payment.invoice_id)
        ).all()
    )
    assert per_invoice == {invoice.id: 1 for invoice in invoices}  # each paid exactly once
    statuses = set(db.session.scalars(sa.select(Invoice.status)))
    assert statuses == {InvoiceStatus.PAID}
    assert_ledger_balances()
    assert json.loads(events[0])["type"] == "payment_intent.succeeded"
