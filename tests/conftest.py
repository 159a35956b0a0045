"""Test fixtures: one app per database backend, a clean database per test, factories."""

import contextvars
import email
import os
import shutil
import uuid
from datetime import datetime
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
import sqlalchemy as sa
import time_machine
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from vrijstad import clock, create_app
from vrijstad.extensions import db as _db
from vrijstad.extensions import limiter

PASSWORD = "Correct-Horse-42"  # noqa: S105
#: Staff and platform admins made by make_user have two-step verification on: REQUIRE_2FA is on
#: in the tests as in production, and log_in() completes the second step as a person would.
TWO_FACTOR_ROLES = ("staff", "admin")
pytest_plugins = ["tests.fixtures_lettings", "tests.fixtures_jobs"]
CLOCK_VARIABLE = "VRIJSTAD_TEST_CLOCK"


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        default=os.environ.get(CLOCK_VARIABLE) or None,
        help="run the whole suite as if the clock read this ISO 8601 instant, e.g. "
        f"2029-01-01T00:30+01:00 (also ${CLOCK_VARIABLE}); the clock keeps ticking from there",
    )


def pytest_configure(config):
    """Move the process clock for the whole run when --clock is given: no test may care."""
    instant = config.getoption("--clock")
    if instant:
        moment = datetime.fromisoformat(instant)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=clock.AMSTERDAM)
        traveller = time_machine.travel(moment, tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


@pytest.fixture(autouse=True)
def _clock_marker(request):
    """`@pytest.mark.clock("2026-12-10T10:00+01:00")`: a test about a calendar date runs on it.

    The clock keeps ticking from that instant, so the test sees the same day on any date the
    suite runs (and inside a run with --clock).
    """
    marker = request.node.get_closest_marker("clock")
    if marker is None:
        yield None
        return
    moment = datetime.fromisoformat(marker.args[0])
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.AMSTERDAM)
    with time_machine.travel(moment, tick=True) as traveller:
        yield traveller


def pytest_report_header(config):
    instant = config.getoption("--clock")
    return f"clock moved to {instant} (Amsterdam date {clock.today()})" if instant else None


def backends() -> list[str]:
    found = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL"):
        found.append("postgresql")
    return found


def _pg_urls(name: str) -> tuple[str, str]:
    admin = sa.engine.make_url(os.environ["TEST_DATABASE_URL"]).set(drivername="postgresql+psycopg")
    return admin.render_as_string(hide_password=False), admin.set(database=name).render_as_string(
        hide_password=False
    )


@pytest.fixture(scope="session", params=backends())
def database_url(request, tmp_path_factory):
    """A fresh database for this run, dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    name = f"vrijstad_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin_url, url = _pg_urls(name)
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """The application on a database built by the migrations, as production builds it."""
    from flask_migrate import upgrade

    files = tmp_path_factory.mktemp("files")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        OUTBOX_DIR=str(files / "outbox"),
        UPLOAD_DIR=str(files / "uploads"),
        JOB_DIR=str(files / "jobs"),
    )
    app.test_client_class = CsrfClient
    with app.app_context():
        upgrade(revision="heads")
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(app):
    """Each test starts with empty tables, an empty outbox and fresh rate limits."""
    with app.app_context():
        limiter.reset()
        yield
        _db.session.remove()
        tables = [t for t in reversed(_db.metadata.sorted_tables)]
        with _db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())
    shutil.rmtree(app.config["OUTBOX_DIR"], ignore_errors=True)
    shutil.rmtree(app.config["UPLOAD_DIR"], ignore_errors=True)
    shutil.rmtree(app.config["JOB_DIR"], ignore_errors=True)


class CsrfClient(FlaskClient):
    """A test client that sends a valid CSRF token with every POST unless told not to.

    Each request runs outside the test's own app context, as a real request would: with its
    own database session and its own per-request caches (language, logged-in user).
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(self._open, *args, **kwargs)

    def _open(self, *args, csrf: bool = True, **kwargs):
        method = kwargs.get("method", "GET")
        if csrf and method.upper() in {"POST", "PUT", "PATCH", "DELETE"}:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.csrf_token())
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", uuid.uuid4().hex)
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app):
    """Read the e-mails the app wrote to its outbox, oldest first."""

    def read() -> list[email.message.EmailMessage]:
        folder = Path(app.config["OUTBOX_DIR"])
        if not folder.exists():
            return []
        return [
            email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(folder.glob("*.eml"))
        ]

    return read


@pytest.fixture
def make_user(app):
    """Factory: a user with a role ('landlord', 'starter', 'staff', 'admin'); staff and admins
    have two-step verification on (two_factor=False for one who has not set it up)."""
    from vrijstad.auth.models import User
    from vrijstad.auth.services import hash_password

    counter = iter(range(1, 10_000))

    def make(role: str = "starter", email: str | None = None, name: str = "Test Persoon", **kw):
        n = next(counter)
        if kw.pop("two_factor", role in TWO_FACTOR_ROLES):
            kw.update(totp_secret=pyotp.random_base32(), totp_enabled_at=clock.now())
        kw.setdefault("email_verified_at", clock.now())  # email_verified_at=None: unconfirmed
        user = User(
            email=email or f"{role}{n}@example.nl",
            name=name,
            password_hash=hash_password(kw.pop("password", PASSWORD)),
            is_landlord=role == "landlord",
            is_starter=role == "starter",
            is_admin=role == "admin",
            **kw,
        )
        _db.session.add(user)
        _db.session.commit()
        return user

    return make


@pytest.fixture
def make_org(app, make_user):
    """Factory: an organisation with one area and street, and a staff member (or admin)."""
    from vrijstad.areas.models import Area, AreaKind, Street, StreetGrade
    from vrijstad.organisations.models import (
        MemberRole,
        Membership,
        Organisation,
        OrganisationKind,
    )

    counter = iter(range(1, 10_000))

    def make(name: str | None = None, city: str = "Dijkerveen", staff_role: str = "staff"):
        n = next(counter)
        organisation = Organisation(
            name=name or f"Binnenstad {n}",
            kind=OrganisationKind.BINNENSTADSMANAGEMENT,
            kvk_number=f"{12345670 + n}",
            city=city,
        )
        area = Area(organisation=organisation, name="Centrum", city=city, kind=AreaKind.CITY_CENTRE)
        area.streets = [Street(name="Hoogstraat", grade=StreetGrade.A1)]
        staff = make_user("staff", email=f"staff{n}@org{n}.nl")
        _db.session.add_all(
            [
                organisation,
                area,
                Membership(user=staff, organisation=organisation, role=MemberRole(staff_role)),
            ]
        )
        _db.session.commit()
        organisation.test_staff = staff
        return organisation

    return make


def second_factor_code(user_id: int) -> str:
    """A code the login's second step accepts now: the authenticator code of the next unused
    time step (this one or the next), else a fresh recovery code (a test that logs one user in
    more than twice in 30 seconds)."""
    from vrijstad.auth import two_factor
    from vrijstad.auth.models import User

    user = _db.session.get(User, user_id, populate_existing=True)
    totp = pyotp.TOTP(user.totp_secret)
    step = max(totp.timecode(clock.now()), (user.totp_last_step or 0) + 1)
    if step <= totp.timecode(clock.now()) + 1:
        return totp.generate_otp(step)
    code = two_factor.new_recovery_codes(user)[0]
    _db.session.commit()
    return code


def log_in(client, user, password: str = PASSWORD):
    """Log a user in through the real login form, and its second step when the user has one."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.text
    if urlsplit(response.location).path == "/login/code":
        response = client.post("/login/code", data={"code": second_factor_code(user.id)})
        assert response.status_code == 302, response.text
    return response


@pytest.fixture
def login(client):
    """Log a user in through the real login form (and the second step, if the user has one)."""

    def do(user, password: str = PASSWORD):
        return log_in(client, user, password)

    return do


@pytest.fixture
def make_unit(app, make_user):
    """Factory: a unit (listed by default) owned by a landlord, in an organisation's area."""
    from datetime import timedelta

    from vrijstad.units.models import EnergyLabel, PermittedUse, Unit, UnitStatus

    counter = iter(range(1, 10_000))

    def make(owner=None, area=None, status=UnitStatus.LISTED, **overrides):
        n = next(counter)
        owner = owner or make_user("landlord")
        values = {
            "street": "Hoogstraat",
            "house_number": n,
            "postcode": "7411 KA",
            "city": area.city if area else "Dijkerveen",
            "latitude": 52.2550 + n / 10_000,
            "longitude": 6.1600,
            "floor_area_vvo": 100,
            "rent_cents_per_year": 2_400_000,
            "energy_label": EnergyLabel.B,
            "available_from": clock.today() + timedelta(days=30),
            "vacant_since": clock.today() - timedelta(days=40),
            "listed_at": None,
        }
        values.update(overrides)
        uses = values.pop("permitted_uses", [PermittedUse.DETAILHANDEL])
        unit = Unit(owner_id=owner.id, area_id=area.id if area else None, status=status, **values)
        unit.permitted_uses = uses
        unit.rent_per_m2_cents_per_year = round(unit.rent_cents_per_year / unit.floor_area_vvo)
        if unit.listed_at is None and status != UnitStatus.DRAFT:
            unit.listed_at = clock.now() - timedelta(minutes=10_000 - n)
        _db.session.add(unit)
        _db.session.commit()
        return unit

    return make
