"""Database connections: a dead pooled connection is replaced; single reads leave nothing open."""

import sqlalchemy as sa

from vrijstad import create_app, database
from vrijstad.extensions import db
from vrijstad.units.models import Unit


def kill_resting(pool_owner) -> None:
    """End the connection resting in an app's pool from outside, as a database restart or a
    proxy's idle timeout does."""
    with pool_owner.app_context():
        pooled = db.engine.raw_connection()
        driver = pooled.driver_connection
        pooled.close()  # back into the pool, alive
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as other:  # the test's own pool, not the one it kills in
            other.execute(
                sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": driver.info.backend_pid}
            )
    else:
        driver.close()


def test_a_connection_that_died_while_resting_is_replaced_unnoticed(app, make_unit, tmp_path):
    unit = make_unit(street="Rustige Straat")
    rested = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        OUTBOX_DIR=str(tmp_path),
        DB_PING_AFTER_IDLE=0,  # every connection counts as rested
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0},
    )
    client = rested.test_client()
    assert client.get("/units").status_code == 200  # the pool now holds one connection
    kill_resting(rested)
    try:
        response = client.get(f"/units/{unit.id}")
        assert response.status_code == 200 and "Rustige Straat" in response.text
    finally:
        with rested.app_context():
            db.engine.dispose()


def test_a_single_read_runs_in_the_requests_transaction_when_there_is_one(app, make_unit):
    unit = make_unit(street="Vaste Straat")
    count = sa.select(sa.func.count()).select_from(Unit).where(Unit.street == sa.bindparam("s"))
    db.session.add(
        Unit(
            **{
                c: getattr(unit, c)
                for c in (
                    "owner_id",
                    "area_id",
                    "house_number",
                    "postcode",
                    "city",
                    "floor_area_vvo",
                    "rent_cents_per_year",
                    "status",
                )
            },
            street="Vaste Straat",
        )
    )
    db.session.flush()  # written in the session's transaction, not committed
    assert database.read(count, {"s": "Vaste Straat"})[0][0] == 2
    db.session.rollback()
    db.session.remove()
    # Outside a transaction: the committed unit only, and no connection or transaction left.
    assert database.read(count, {"s": "Vaste Straat"})[0][0] == 1
    assert not db.session().in_transaction()
    assert db.engine.pool.checkedout() == 0


def test_a_single_read_leaves_its_pooled_connection_transactional(app, make_unit):
    """read() runs its statement in autocommit on a connection of the app's one pool; the
    next transaction on that connection can still be rolled back."""
    unit = make_unit(street="Vaste Straat")
    copy = {
        c: getattr(unit, c)
        for c in (
            "owner_id",
            "area_id",
            "house_number",
            "postcode",
            "city",
            "floor_area_vvo",
            "rent_cents_per_year",
            "status",
        )
    }
    count = sa.select(sa.func.count()).select_from(Unit).where(Unit.street == sa.bindparam("s"))
    db.session.remove()
    for _ in range(3):  # whichever pooled connection the session gets next
        assert database.read(count, {"s": "Vaste Straat"})[0][0] == 1
    db.session.add(Unit(**copy, street="Vaste Straat"))
    db.session.flush()
    db.session.rollback()
    db.session.remove()
    assert database.read(count, {"s": "Vaste Straat"})[0][0] == 1
