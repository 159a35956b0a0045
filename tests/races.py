"""Run the same request in several threads at once, each with its own client and session."""

import threading

import pytest

from tests.conftest import log_in
from vrijstad.extensions import db


def postgresql_only() -> None:
    """Real concurrency needs a server that runs transactions side by side: PostgreSQL
    (SQLite takes one writer at a time, so there is no race to lose there)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a race needs concurrent transactions: PostgreSQL")


def client_of(app, user=None):
    """A client of its own, logged in as the user (if given) through the real login form."""
    client = app.test_client()
    if user is not None:
        log_in(client, user)
    return client


def at_once(clients: list, action) -> list:
    """action(client, i) for each client in its own thread, all released together; the
    results in order (an exception is returned, not raised, so the test can show it)."""
    barrier = threading.Barrier(len(clients))
    results: list = [None] * len(clients)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = action(clients[i], i)
        except Exception as exc:  # noqa: BLE001 - reported by the test's assertion
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
