"""Two starters accept offers on one unit at the same moment: the unit is let exactly once."""

import threading

import sqlalchemy as sa

from tests.fixtures_lettings import MOTIVATION
from vrijstad.applications import services
from vrijstad.applications.models import Application, ApplicationStatus
from vrijstad.extensions import db
from vrijstad.letting.models import Placement
from vrijstad.units.models import Unit, UnitStatus


def test_two_simultaneous_acceptances_let_the_unit_once(app, ctx, unit, make_starter, terms):
    applications = []
    for name in ("Anna Eerst", "Bram Tegelijk"):
        application = services.submit_application(make_starter(name=name), unit, MOTIVATION)
        services.shortlist(unit.owner, application)
        services.make_offer(unit.owner, application, terms)
        applications.append(application)
    db.session.commit()
    ids = [(a.id, a.starter_id) for a in applications]
    unit_id = unit.id
    db.session.remove()

    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def accept(application_id: int, starter_id: int) -> None:
        with app.app_context(), app.test_request_context():
            application = db.session.get(Application, application_id)
            starter = application.starter
            barrier.wait()
            try:
                services.accept_offer(starter, application)
                db.session.commit()
                outcomes[application_id] = "accepted"
            except services.ApplicationError as exc:
                db.session.rollback()
                outcomes[application_id] = f"refused: {exc}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=pair) for pair in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(o.split(":")[0] for o in outcomes.values()) == ["accepted", "refused"]
    placements = db.session.scalars(sa.select(Placement).where(Placement.unit_id == unit_id)).all()
    assert len(placements) == 1
    winner = next(i for i, o in outcomes.items() if o == "accepted")
    loser = next(i for i in outcomes if i != winner)
    assert placements[0].application_id == winner
    assert db.session.get(Unit, unit_id).status == UnitStatus.LET
    assert db.session.get(Application, winner).status == ApplicationStatus.ACCEPTED
    assert db.session.get(Application, loser).status == ApplicationStatus.REJECTED


def test_an_acceptance_racing_a_new_offer_agrees_only_to_the_terms_seen(app, ctx, offered, terms):
    """The starter accepts the version they read while the landlord withdraws it and offers
    other terms: either the old terms are accepted (and the new offer fails), or the
    acceptance is refused as stale — never a placement on terms the starter did not see."""
    seen = services.offer_version(offered.open_offer)
    application_id, owner_id = offered.id, offered.unit.owner_id
    db.session.remove()
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def accept() -> None:
        with app.app_context(), app.test_request_context():
            application = db.session.get(Application, application_id)
            barrier.wait()
            try:
                services.accept_offer(application.starter, application, seen)
                db.session.commit()
                outcomes["accept"] = "done"
            except services.ApplicationError as exc:
                db.session.rollback()
                outcomes["accept"] = f"refused: {exc}"
            finally:
                db.session.remove()

    def reoffer() -> None:
        with app.app_context(), app.test_request_context():
            application = db.session.get(Application, application_id)
            owner = db.session.get(type(application.starter), owner_id)
            barrier.wait()
            try:
                services.withdraw_offer(owner, application)
                services.make_offer(
                    owner,
                    application,
                    services.OfferTerms(**(vars(terms) | {"base_fee_cents_per_month": 120_000})),
                )
                db.session.commit()
                outcomes["reoffer"] = "done"
            except Exception as exc:  # noqa: BLE001 - the loser of the race may fail either way
                db.session.rollback()
                outcomes["reoffer"] = f"refused: {exc}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept), threading.Thread(target=reoffer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    placements = db.session.scalars(sa.select(Placement)).all()
    assert len(placements) <= 1
    if placements:
        assert outcomes["accept"] == "done"
        assert placements[0].base_fee_cents_per_month == terms.base_fee_cents_per_month
    else:
        assert outcomes["accept"].startswith("refused")
