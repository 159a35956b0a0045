"""No overlap, ever: the database itself refuses two accepted bookings of a unit sharing a day
(PostgreSQL: exclusion constraint; SQLite: triggers), also when two people accept at once."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.letting.models import Placement
from vrijstad.popups import services
from vrijstad.popups.models import Booking, BookingStatus

ACCEPTED = BookingStatus.ACCEPTED


def test_inserting_an_overlapping_accepted_row_fails_at_the_database(
    app, unit, make_booking, ahead
):
    make_booking(ahead, ahead + timedelta(days=2), ACCEPTED)
    with pytest.raises(sa.exc.IntegrityError):
        make_booking(ahead + timedelta(days=2), ahead + timedelta(days=3), ACCEPTED)
    db.session.rollback()
    with pytest.raises(sa.exc.IntegrityError):  # inside the other one
        make_booking(ahead + timedelta(days=1), ahead + timedelta(days=1), ACCEPTED)
    db.session.rollback()
    with pytest.raises(sa.exc.IntegrityError):  # around the other one
        make_booking(ahead - timedelta(days=1), ahead + timedelta(days=9), ACCEPTED)
    db.session.rollback()
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:  # plain SQL too
        conn.execute(
            sa.insert(Booking).values(
                unit_id=unit.id,
                starter_id=unit.owner_id,
                status="accepted",
                start_date=ahead,
                end_date=ahead + timedelta(days=1),
                price_cents=0,
                created_at=sa.func.now(),
            )
        )
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 1


def test_the_guard_allows_what_does_not_overlap(app, unit, make_unit, make_booking, ahead):
    make_booking(ahead, ahead + timedelta(days=2), ACCEPTED)
    make_booking(ahead + timedelta(days=3), ahead + timedelta(days=4), ACCEPTED)  # the day after
    make_booking(ahead - timedelta(days=2), ahead - timedelta(days=1), ACCEPTED)  # the day before
    make_booking(ahead, ahead + timedelta(days=2))  # requests may overlap
    make_booking(ahead, ahead + timedelta(days=2), BookingStatus.CANCELLED)
    other_unit = make_unit(area=unit.area)
    make_booking(ahead, ahead + timedelta(days=2), ACCEPTED, unit_id=other_unit.id)
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 6


def test_accepting_an_overlapping_request_by_update_fails_at_the_database(app, make_booking, ahead):
    make_booking(ahead, ahead + timedelta(days=2), ACCEPTED)
    request = make_booking(ahead + timedelta(days=1), ahead + timedelta(days=5))
    request.status = ACCEPTED
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    # Moving an accepted booking onto another is refused as well.
    later = make_booking(ahead + timedelta(days=6), ahead + timedelta(days=7), ACCEPTED)
    later.start_date = ahead + timedelta(days=2)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_two_people_accepting_overlapping_bookings_at_once_book_the_days_once(
    app, ctx, unit, short_lets, starter, make_starter, ahead
):
    """The owner and the area's staff each accept a different request for overlapping days at
    the same moment: one wins, the other is told the days are gone; one placement."""
    first = services.request_booking(starter, unit, ahead, ahead + timedelta(days=2))
    second = services.request_booking(
        make_starter(name="Bram Tegelijk"), unit, ahead + timedelta(days=2), ahead + timedelta(5)
    )
    db.session.commit()
    actors = {first.id: unit.owner_id, second.id: unit.area.organisation.test_staff.id}
    unit_id = unit.id
    db.session.remove()

    barrier = threading.Barrier(2, timeout=20)
    outcomes: dict[int, str] = {}

    def accept(booking_id: int, actor_id: int) -> None:
        with app.app_context(), app.test_request_context():
            try:
                booking = db.session.get(Booking, booking_id)
                actor = db.session.get(User, actor_id)
                barrier.wait()
                services.accept_booking(actor, booking)
                db.session.commit()
                outcomes[booking_id] = "accepted"
            except services.BookingError as exc:
                db.session.rollback()
                outcomes[booking_id] = f"refused: {exc}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=pair) for pair in actors.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(o.split(":")[0] for o in outcomes.values()) == ["accepted", "refused"], outcomes
    winner = next(i for i, o in outcomes.items() if o == "accepted")
    rows = db.session.scalars(sa.select(Booking).where(Booking.unit_id == unit_id)).all()
    assert [b.id for b in rows if b.status == ACCEPTED] == [winner]
    placements = db.session.scalars(sa.select(Placement)).all()
    assert [(p.start_date, p.end_date) for p in placements] == [
        (b.start_date, b.end_date) for b in rows if b.id == winner
    ]


def test_two_transactions_accepting_overlapping_rows_at_once_one_fails_at_the_database(
    app, unit, make_starter, make_booking, ahead
):
    """Below the services: two connections set overlapping requests to accepted at the same
    moment. The database lets exactly one commit (on PostgreSQL the other waits for it and then
    violates the exclusion constraint, or is chosen as a deadlock victim; on SQLite it waits
    for the write lock and the trigger refuses it)."""
    one = make_booking(ahead, ahead + timedelta(days=3))
    two = make_booking(
        ahead + timedelta(days=3), ahead + timedelta(days=6), who=make_starter(name="Bram")
    )
    ids = [one.id, two.id]
    db.session.remove()
    barrier = threading.Barrier(2, timeout=20)
    outcomes: dict[int, str] = {}

    def accept(booking_id: int) -> None:
        try:
            with app.app_context(), db.engine.connect() as conn:
                barrier.wait()
                with conn.begin():
                    conn.execute(
                        sa.update(Booking).where(Booking.id == booking_id).values(status=ACCEPTED)
                    )
            outcomes[booking_id] = "committed"
        except sa.exc.IntegrityError:
            outcomes[booking_id] = "refused"
        except sa.exc.OperationalError as exc:
            outcomes[booking_id] = "deadlock" if "deadlock" in str(exc).lower() else repr(exc)

    threads = [threading.Thread(target=accept, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) in (["committed", "refused"], ["committed", "deadlock"]), (
        outcomes
    )
    accepted = db.session.scalars(sa.select(Booking.id).where(Booking.status == ACCEPTED)).all()
    assert accepted == [i for i, o in outcomes.items() if o == "committed"]
