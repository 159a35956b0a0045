"""Payments over real HTTP: localstripe for PaymentIntents and refunds, a small recording fake
for what localstripe lacks (Connect accounts, account links, transfers, idempotency keys)."""

import hashlib
import hmac
import itertools
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest
import stripe
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from vrijstad.billing import services as billing
from vrijstad.extensions import db

NOV = date(2026, 11, 1)
WEBHOOK_SECRET = "whsec_test_vrijstad"  # noqa: S105
SECRET_KEY = "sk_test_vrijstad"  # noqa: S105
#: localstripe, taught the API version our SDK speaks.
STRIPE_SERVER = Path(__file__).with_name("stripe_server.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory):
    """A localstripe server on a free loopback port for the whole session."""
    port = _free_port()
    log = (tmp_path_factory.mktemp("localstripe") / "server.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(STRIPE_SERVER), "--port", str(port), "--from-scratch"],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path_factory.getbasetemp(),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            request = urllib.request.Request(f"{base}/v1/customers")
            request.add_header("Authorization", f"Bearer {SECRET_KEY}")
            with urllib.request.urlopen(request, timeout=1):  # noqa: S310 - loopback
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.close()
                pytest.fail("localstripe did not start")
            time.sleep(0.2)
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def stripe_settings(base: str) -> dict:
    return {
        "PAYMENT_PROVIDER": "stripe",
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_PUBLISHABLE_KEY": "pk_test_vrijstad",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": base,
        "STRIPE_JS_URL": f"{base}/js.stripe.com/v3/",
    }


@pytest.fixture
def stripe_app(app, localstripe, monkeypatch):
    """The app configured for Stripe against localstripe (restored after the test)."""
    for key, value in stripe_settings(localstripe).items():
        monkeypatch.setitem(app.config, key, value)
    return app


@pytest.fixture
def stripe_client(localstripe):
    """The real SDK talking to localstripe, to act as the customer and as Stripe."""
    return stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe})


def get_json(base: str, path: str) -> dict:
    request = urllib.request.Request(base + path)
    request.add_header("Authorization", f"Bearer {SECRET_KEY}")
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
        return json.loads(response.read())


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A Stripe-Signature header: t=…,v1=HMAC-SHA256(secret, "t.payload")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


_event_ids = itertools.count(1)


def event(kind: str, obj: dict, event_id: str | None = None, created: int | None = None) -> bytes:
    """A Stripe event as Stripe sends it, created now (or at `created`, epoch seconds)."""
    created = int(time.time()) if created is None else created
    return json.dumps(
        {
            "id": event_id or f"evt_test_{next(_event_ids)}_{time.time_ns()}",
            "object": "event",
            "type": kind,
            "created": created,
            "data": {"object": obj},
        }
    ).encode()


@pytest.fixture
def deliver(client):
    """POST a webhook body (signed unless told otherwise) to /webhooks/stripe."""

    def post(payload: bytes, signature: str | None = "sign"):
        headers = {"Content-Type": "application/json"}
        if signature == "sign":
            signature = sign(payload)
        if signature is not None:
            headers["Stripe-Signature"] = signature
        return client.post("/webhooks/stripe", data=payload, headers=headers, csrf=False)

    return post


@pytest.fixture
def invoice(ctx, place):
    """An open invoice of € 1.149,50 (€ 950 + 21 % VAT) of a starter in the collective."""
    placement = place(base=95_000)
    item = billing.issue_invoice(placement, NOV, issued_on=NOV + timedelta(days=1))
    db.session.commit()
    return item


class FakeStripe:
    """Serves /v1/accounts, /v1/account_links, /v1/transfers and /v1/payment_intents like
    Stripe: records every request, replays a stored response for a repeated idempotency key,
    and fails the next requests to a path when told to."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.replies: dict[str, tuple[int, dict]] = {}
        self.failures: dict[str, list[tuple[int, dict, dict]]] = {}
        self.ids = itertools.count(1)
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def fail(
        self, path: str, times: int = 1, status: int = 500, message: str = "boom", **match: str
    ):
        """Fail the next requests to a path (whose form values match, if given)."""
        error = {"error": {"type": "api_error", "message": message}}
        self.failures.setdefault(path, []).extend([(status, error, match)] * times)

    def to(self, path: str, method: str = "POST") -> list[dict]:
        return [r for r in self.requests if r["path"] == path and r["method"] == method]

    def wsgi(self, environ, start_response):
        request = Request(environ)
        form = request.form.to_dict()
        key = request.headers.get("Idempotency-Key")
        self.requests.append(
            {"method": request.method, "path": request.path, "form": form, "idempotency_key": key}
        )
        failures = self.failures.get(request.path, [])
        failure = next((f for f in failures if f[2].items() <= form.items()), None)
        if key and key in self.replies:
            status, body = self.replies[key]
        elif failure is not None:
            failures.remove(failure)
            status, body = failure[:2]
            if key and 400 <= status < 500:  # Stripe replays a processed request's error
                self.replies[key] = (status, body)
        else:
            status, body = 200, self.answer(request, form)
            if key:
                self.replies[key] = (status, body)
        return Response(json.dumps(body), status, content_type="application/json")(
            environ, start_response
        )

    def answer(self, request, form: dict) -> dict:
        n = next(self.ids)
        path = request.path
        if path == "/v1/accounts":
            return {
                "id": f"acct_fake{n}",
                "object": "account",
                "type": "express",
                "details_submitted": False,
                "payouts_enabled": False,
            }
        if path.startswith("/v1/accounts/"):
            return {
                "id": path.rsplit("/", 1)[1],
                "object": "account",
                "details_submitted": True,
                "payouts_enabled": True,
            }
        if path == "/v1/account_links":
            return {
                "object": "account_link",
                "url": f"https://connect.example/setup/{n}",
                "expires_at": int(time.time()) + 300,
            }
        if path == "/v1/transfers":
            return {
                "id": f"tr_fake{n}",
                "object": "transfer",
                "amount": int(form["amount"]),
                "currency": form["currency"],
                "destination": form["destination"],
                "transfer_group": form.get("transfer_group"),
            }
        if path == "/v1/payment_intents":
            return {
                "id": f"pi_fake{n}",
                "object": "payment_intent",
                "amount": int(form["amount"]),
                "currency": form["currency"],
                "status": "requires_payment_method",
                "client_secret": f"pi_fake{n}_secret_x",
            }
        return {"error": {"type": "invalid_request_error", "message": "unknown path"}}


@pytest.fixture
def fake_stripe(app, monkeypatch):
    """The fake on a free loopback port, with the app's Stripe settings pointing at it."""
    fake = FakeStripe()
    fake.thread.start()
    for key, value in stripe_settings(fake.base).items():
        monkeypatch.setitem(app.config, key, value)
    yield fake
    fake.server.shutdown()
    fake.server.server_close()
    fake.thread.join(5)


FILES = Path(__file__).parent / "bank_files"


def bank_file(name: str, organisation_id: int) -> bytes:
    """A sample file with its references made those of the test's organisation."""
    return (FILES / name).read_bytes().replace(b"VS001-", f"VS{organisation_id:03d}-".encode())


@pytest.fixture
def named(ctx, place):
    """Invoice 1 of € 1.149,50 to Jan de Vries, invoice 2 of € 968,00 to Emre Ozturk."""
    made = [
        billing.issue_invoice(
            place(unit_index=i, base=base, name=name), NOV, issued_on=NOV + timedelta(1)
        )
        for i, base, name in ((0, 95_000, "Jan de Vries"), (1, 80_000, "Emre Ozturk"))
    ]
    db.session.commit()
    assert [invoice.number for invoice in made] == [1, 2]
    return made


@pytest.fixture
def approved(ctx, collective, place):
    """November settled and approved: both landlords are owed their share."""
    for index, base in ((0, 100_000), (1, 80_000)):
        invoice = billing.issue_invoice(
            place(unit_index=index, base=base), NOV, issued_on=NOV + timedelta(1)
        )
        billing.record_payment(None, invoice, invoice.total_cents, date(2026, 11, 20))
    settlement = billing.calculate_settlement(None, collective, NOV)
    billing.approve_settlement(collective.staff, settlement)
    db.session.commit()
    return settlement
