"""The restore drill: a pg_dump of real books restored by deploy/restore-drill into a scratch
database passes `flask ops verify-restore`; a copy with an unbalanced posting or a lost
invoice number fails it, naming the problem."""

import os
import subprocess
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.races import postgresql_only
from vrijstad.billing import services as billing
from vrijstad.extensions import db

ROOT = Path(__file__).resolve().parents[2]
DRILL = ROOT / "deploy" / "restore-drill"
OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)

# Placements from a year back are invoiced for October and November: the tests run on
# 10 December 2026, as the billing tests do.
pytestmark = pytest.mark.clock("2026-12-10T10:00")


@pytest.fixture
def books(ctx, collective, place):
    """Four invoices of one organisation (numbers 1 to 4), one of them paid: all booked."""
    placements = [place(0, base=100_000), place(1, base=80_000)]
    invoices = [
        billing.issue_invoice(p, period, issued_on=period + timedelta(days=1))
        for period in (OCT, NOV)
        for p in placements
    ]
    billing.record_payment(None, invoices[0], invoices[0].total_cents, OCT + timedelta(days=5))
    db.session.commit()
    assert [invoice.number for invoice in invoices] == [1, 2, 3, 4]
    return invoices


def verify(runner, url: str | None = None):
    args = ["ops", "verify-restore"] + (["--database-url", url] if url else [])
    return runner.invoke(args=args)


def unbalance(connection: sa.Connection, key: str) -> None:
    """One cent more on a posting's first account: what a torn restore could leave."""
    connection.execute(
        sa.text(
            "INSERT INTO ledger_entries (posting_id, organisation_id, account, amount_cents) "
            "SELECT id, organisation_id, 'bank/org/1', 1 FROM ledger_postings WHERE key = :key"
        ),
        {"key": key},
    )


def lose_invoice(connection: sa.Connection, invoice_id: int) -> None:
    connection.execute(sa.text("DELETE FROM invoices WHERE id = :id"), {"id": invoice_id})


def test_verify_passes_sound_books_and_names_what_is_wrong(app, runner, books):
    """On the app's own database (either backend): sound, then broken in two ways."""
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "OK   ledger" in result.output and "Restore verified" in result.output
    assert "numbers 1–4" in result.output
    with db.engine.begin() as connection:
        unbalance(connection, f"invoice:{books[1].id}")
        lose_invoice(connection, books[2].id)  # number 3, unpaid
    result = verify(runner)
    assert result.exit_code == 1, result.output
    assert "FAIL ledger" in result.output
    assert "1 unbalanced posting(s): #" in result.output
    assert f"invoice:{books[1].id} (off by 1 cents)" in result.output
    assert "difference 1 cents" in result.output
    assert "FAIL invoice numbers" in result.output and "missing number(s) 3" in result.output
    assert "Restore NOT verified: 2 problem(s): ledger, invoice numbers." in result.output


def test_a_lost_latest_invoice_and_a_foreign_schema_are_problems(app, runner, books):
    revision = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    db.session.rollback()
    try:
        with db.engine.begin() as connection:
            lose_invoice(connection, books[3].id)  # number 4, the latest
            connection.execute(sa.text("UPDATE alembic_version SET version_num = 'f0f0f0f0f0f0'"))
        result = verify(runner)
    finally:
        with db.engine.begin() as connection:  # the other tests' schema check needs it back
            connection.execute(
                sa.text("UPDATE alembic_version SET version_num = :revision"),
                {"revision": revision},
            )
    assert result.exit_code == 1, result.output
    assert "the latest number(s) 4 are missing (the series issued up to 4)" in result.output
    assert "FAIL schema" in result.output and "newer than this code" in result.output
    assert "OK   ledger" in result.output


def test_the_drill_script_is_valid_bash():
    """The pgBackRest path needs pgBackRest and a repository: only its syntax is checked here."""
    result = subprocess.run(["bash", "-n", DRILL], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert os.access(DRILL, os.X_OK)


def libpq_environment(url: sa.URL) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for name, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
    ):
        if value:
            env[name] = str(value)
    return env


def test_the_drill_restores_a_dump_into_a_scratch_database_and_checks_it(
    app, runner, books, tmp_path
):
    postgresql_only()
    url = db.engine.url
    env = libpq_environment(url)
    dump = tmp_path / "vrijstad.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", url.database],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    scratch = f"vrijstad_drill_{uuid.uuid4().hex[:8]}"
    scratch_url = url.set(database=scratch).render_as_string(hide_password=False)
    try:
        result = subprocess.run(
            [DRILL, "--from-dump", dump, "--database", scratch, "--keep"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Restore verified: no problems found." in result.stdout
        assert "numbers 1–4" in result.stdout
        assert f"kept the scratch database {scratch}" in result.stderr

        engine = sa.create_engine(scratch_url, poolclass=sa.pool.NullPool)
        with engine.begin() as connection:  # the scratch copy, not the app's database
            unbalance(connection, f"invoice:{books[0].id}")
            lose_invoice(connection, books[1].id)
        engine.dispose()
        broken = verify(runner, scratch_url)
        assert broken.exit_code == 1, broken.output
        assert f"invoice:{books[0].id} (off by 1 cents)" in broken.output
        assert "missing number(s) 2" in broken.output
        assert verify(runner).exit_code == 0  # the app's own books are untouched
    finally:
        subprocess.run(
            ["dropdb", "--if-exists", "--force", scratch],
            env=env,
            check=False,
            capture_output=True,
            timeout=60,
        )


def test_the_drill_refuses_an_existing_database(app, books, tmp_path):
    """Never restore over a database: the drill stops before pg_restore."""
    postgresql_only()
    url = db.engine.url
    (tmp_path / "empty.dump").write_bytes(b"")
    result = subprocess.run(
        [DRILL, "--from-dump", tmp_path / "empty.dump", "--database", url.database],
        env=libpq_environment(url),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0 and "already exists" in result.stderr
    assert db.session.scalar(sa.text("SELECT count(*) FROM invoices")) == 4
