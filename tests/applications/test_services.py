"""The letting workflow without requests: every transition, legal and illegal, and acceptance."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.fixtures_lettings import MOTIVATION
from vrijstad import clock
from vrijstad.applications import offers, services
from vrijstad.applications.models import (
    APPLICATION_TRANSITIONS,
    Application,
    ApplicationStatus,
    OfferStatus,
)
from vrijstad.audit.models import AuditEvent
from vrijstad.extensions import db
from vrijstad.letting.models import Placement, PlacementStatus
from vrijstad.letting.placements import start_placements
from vrijstad.notifications.models import Notification
from vrijstad.starters.models import SpaceKind
from vrijstad.units.models import UnitStatus

S = ApplicationStatus


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_every_status_has_a_row_and_closed_statuses_are_final():
    assert set(APPLICATION_TRANSITIONS) == set(S)
    for closed in (S.ACCEPTED, S.DECLINED, S.REJECTED, S.WITHDRAWN):
        assert APPLICATION_TRANSITIONS[closed] == frozenset()


def test_apply_notifies_landlord_and_area_staff(ctx, unit, org, starter, outbox):
    application = services.submit_application(starter, unit, MOTIVATION)
    db.session.commit()
    assert application.status == S.SUBMITTED
    notified = {n.user_id for n in db.session.scalars(sa.select(Notification))}
    assert notified == {unit.owner_id, org.test_staff.id}
    recipients = sorted(m["To"] for m in outbox())
    assert recipients == sorted([unit.owner.email, org.test_staff.email])
    assert "Sanne Starter" in outbox()[0].get_body().get_content()


@pytest.mark.parametrize(
    "status", [UnitStatus.DRAFT, UnitStatus.RESERVED, UnitStatus.LET, UnitStatus.WITHDRAWN]
)
def test_only_listed_units_take_applications(ctx, make_unit, org, starter, status):
    unit = make_unit(area=org.areas[0], status=status)
    with pytest.raises(services.ApplicationError, match="niet open"):
        services.submit_application(starter, unit, MOTIVATION)
    assert count(Application) == 0


def test_one_open_application_per_unit_but_again_after_withdrawing(ctx, unit, starter):
    first = services.submit_application(starter, unit, MOTIVATION)
    with pytest.raises(services.ApplicationError, match="al een open"):
        services.submit_application(starter, unit, MOTIVATION)
    services.withdraw_application(starter, first)
    again = services.submit_application(starter, unit, MOTIVATION)
    db.session.commit()
    assert again.id != first.id and count(Application) == 2


def test_landlords_and_short_motivations_cannot_apply(ctx, unit, starter, make_user):
    with pytest.raises(services.ApplicationError):
        services.submit_application(make_user("landlord"), unit, MOTIVATION)
    with pytest.raises(services.ApplicationError) as refused:
        services.submit_application(starter, unit, "Graag!")
    assert refused.value.field == "motivation"
    assert count(Application) == 0


def test_closed_pilot_takes_only_starters_from_its_city(ctx, unit, make_starter):
    unit.area.closed_pilot = True
    db.session.commit()
    outsider = make_starter(city="Amsterdam", name="Olaf Outsider")
    with pytest.raises(services.ApplicationError, match="gesloten pilot"):
        services.submit_application(outsider, unit, MOTIVATION)
    local = make_starter(city="dijkerveen ")
    assert services.submit_application(local, unit, MOTIVATION).status == S.SUBMITTED


def test_shortlisting_puts_a_listed_unit_in_talks(ctx, unit, starter):
    application = services.submit_application(starter, unit, MOTIVATION)
    services.shortlist(unit.owner, application)
    assert application.status == S.SHORTLISTED
    assert unit.status == UnitStatus.IN_TALKS


def test_illegal_moves_are_refused_and_change_nothing(ctx, unit, starter, terms):
    application = services.submit_application(starter, unit, MOTIVATION)
    with pytest.raises(services.ApplicationError, match="kan niet"):
        services.make_offer(unit.owner, application, terms)  # not shortlisted yet
    assert application.status == S.SUBMITTED and not application.offers
    services.reject(unit.owner, application)
    with pytest.raises(services.ApplicationError):
        services.shortlist(unit.owner, application)
    with pytest.raises(services.ApplicationError):
        services.withdraw_application(starter, application)
    assert application.status == S.REJECTED


def test_another_landlord_cannot_move_an_application(ctx, unit, starter, make_user, make_org):
    application = services.submit_application(starter, unit, MOTIVATION)
    for stranger in (make_user("landlord"), make_org().test_staff, starter):
        with pytest.raises(services.ApplicationError, match="verhuurder of"):
            services.shortlist(stranger, application)
    assert application.status == S.SUBMITTED


def test_area_staff_run_the_pipeline_for_a_landlord(ctx, unit, org, starter, terms):
    application = services.submit_application(starter, unit, MOTIVATION)
    services.shortlist(org.test_staff, application)
    services.make_offer(org.test_staff, application, terms)
    assert application.status == S.OFFERED


def test_viewing_from_submitted_shortlists_and_mails_an_ics(ctx, unit, starter, outbox):
    application = services.submit_application(starter, unit, MOTIVATION)
    db.session.commit()
    when = clock.now() + timedelta(days=3)
    viewing = services.plan_viewing(unit.owner, application, when, 45, "Bel aan bij de buren")
    db.session.commit()
    assert application.status == S.VIEWING
    mail = [m for m in outbox() if m["To"] == starter.email][-1]
    ics = next(p for p in mail.iter_attachments() if p.get_filename() == "viewing.ics")
    body = ics.get_content()
    body = body.decode() if isinstance(body, bytes) else body
    assert "BEGIN:VEVENT" in body and "Hoogstraat" in body
    assert when.strftime("%Y%m%dT%H%M") in body
    assert viewing.duration_minutes == 45
    history = db.session.scalars(
        sa.select(AuditEvent.data).where(
            AuditEvent.action == "application.status", AuditEvent.subject_id == application.id
        )
    ).all()
    assert [(h["old"], h["new"]) for h in history] == [
        ("submitted", "shortlisted"),
        ("shortlisted", "viewing"),
    ]


def test_viewing_in_the_past_is_refused(ctx, unit, starter):
    application = services.submit_application(starter, unit, MOTIVATION)
    with pytest.raises(services.ApplicationError) as refused:
        services.plan_viewing(unit.owner, application, clock.now() - timedelta(hours=1))
    assert refused.value.field == "starts_at" and application.status == S.SUBMITTED


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda t: {"end_date": t.start_date - timedelta(days=5)}, "end_date"),  # before start
        (lambda t: {"start_date": clock.today() - timedelta(days=1)}, "start_date"),
        (lambda t: {"base_fee_cents_per_month": -1}, "base_fee"),
        (lambda t: {"turnover_basis_points": 10001}, "turnover_pct"),
        (lambda t: {"deposit_cents": -5}, "deposit"),
        # a pop-up one day past two calendar years, leap day or not
        (lambda t: {"end_date": clock.add_months(t.start_date, 24) + timedelta(1)}, "end_date"),
        (lambda t: {"base_fee_cents_per_month": 0, "turnover_basis_points": 0}, "base_fee"),
    ],
)
def test_bad_offers_are_refused_with_their_field(ctx, unit, starter, terms, change, field):
    application = services.submit_application(starter, unit, MOTIVATION)
    services.shortlist(unit.owner, application)
    bad = services.OfferTerms(**(terms.__dict__ | change(terms)))
    with pytest.raises(services.ApplicationError) as refused:
        services.make_offer(unit.owner, application, bad)
    assert refused.value.field == field
    assert application.status == S.SHORTLISTED and not application.offers


def test_a_whole_unit_may_run_longer_than_two_years(ctx, unit, starter, terms):
    application = services.submit_application(starter, unit, MOTIVATION)
    services.shortlist(unit.owner, application)
    long = services.OfferTerms(
        **(
            terms.__dict__
            | {"kind": SpaceKind.WHOLE_UNIT, "end_date": terms.start_date + timedelta(days=5 * 365)}
        )
    )
    assert services.make_offer(unit.owner, application, long).status == OfferStatus.OPEN


def test_accepting_creates_the_placement_lets_the_unit_and_closes_the_others(
    ctx, unit, offered, make_starter, outbox
):
    other = make_starter(name="Otto Ander")
    waiting = services.submit_application(other, unit, MOTIVATION)
    db.session.commit()
    placement = services.accept_offer(offered.starter, offered)
    db.session.commit()

    assert offered.status == S.ACCEPTED and offered.offers[0].status == OfferStatus.ACCEPTED
    assert unit.status == UnitStatus.LET and unit.vacant_since is None
    assert placement.unit_id == unit.id and placement.base_fee_cents_per_month == 95_000
    assert placement.turnover_basis_points == 850 and placement.starter_kvk == "87654321"
    assert placement.organisation_id == unit.area.organisation_id
    assert waiting.status == S.REJECTED and waiting.closed_reason == "unit_let"
    kind_mail = [m for m in outbox() if m["To"] == other.email][-1]
    assert "andere starter" in kind_mail.get_body().get_content()


def test_an_accepted_placement_becomes_active_on_its_start_date(ctx, unit, offered):
    placement = services.accept_offer(offered.starter, offered)
    db.session.commit()
    assert placement.status == PlacementStatus.AGREED

    assert start_placements(placement.start_date - timedelta(days=1)) == []
    assert start_placements(placement.start_date) == [placement]
    db.session.commit()
    assert placement.status == PlacementStatus.ACTIVE
    assert start_placements(placement.start_date) == []


def test_acceptance_is_all_or_nothing(ctx, unit, offered, monkeypatch):
    """A failure half-way (here: notifying) leaves no placement and the unit available."""

    def broken(*args, **kwargs):
        raise RuntimeError("mail server exploded")

    monkeypatch.setattr(offers, "_close_others", broken)
    with pytest.raises(RuntimeError):
        services.accept_offer(offered.starter, offered)
    db.session.rollback()
    assert count(Placement) == 0
    db.session.refresh(unit)
    db.session.refresh(offered)
    assert unit.status == UnitStatus.IN_TALKS and offered.status == S.OFFERED


def test_a_withdrawn_offer_cannot_be_accepted(ctx, unit, offered):
    services.withdraw_offer(unit.owner, offered)
    db.session.commit()
    assert offered.status == S.SHORTLISTED
    with pytest.raises(services.ApplicationError, match="niet meer open"):
        services.accept_offer(offered.starter, offered)
    assert count(Placement) == 0 and unit.status != UnitStatus.LET


def test_only_the_applicant_accepts(ctx, unit, offered, make_starter):
    with pytest.raises(services.ApplicationError, match="niet jouw"):
        services.accept_offer(make_starter(), offered)
    with pytest.raises(services.ApplicationError):
        services.accept_offer(unit.owner, offered)
    assert count(Placement) == 0


def test_second_acceptance_on_a_let_unit_is_refused(ctx, unit, offered, make_starter, terms):
    second = services.submit_application(make_starter(), unit, MOTIVATION)
    services.shortlist(unit.owner, second)
    services.make_offer(unit.owner, second, terms)
    db.session.commit()
    services.accept_offer(offered.starter, offered)
    db.session.commit()
    assert second.status == S.REJECTED  # closed by the first acceptance
    with pytest.raises(services.ApplicationError):
        services.accept_offer(second.starter, second)
    assert count(Placement) == 1


def test_declining_closes_the_offer_and_tells_the_landlord(ctx, unit, offered):
    services.decline_offer(offered.starter, offered)
    db.session.commit()
    assert offered.status == S.DECLINED and offered.offers[0].status == OfferStatus.DECLINED
    assert (
        count(
            Notification,
            Notification.user_id == unit.owner_id,
            Notification.kind == "application.declined",
        )
        == 1
    )
    assert unit.status == UnitStatus.LISTED  # nobody else in talks: listed again


def test_unit_stays_in_talks_while_another_application_is_open(ctx, unit, offered, make_starter):
    services.submit_application(make_starter(name="Nog Een"), unit, MOTIVATION)
    services.decline_offer(offered.starter, offered)
    assert unit.status == UnitStatus.IN_TALKS


def test_messages_go_to_the_other_side(ctx, unit, org, starter):
    application = services.submit_application(starter, unit, MOTIVATION)
    db.session.commit()
    services.post_message(starter, application, "Is er een keuken?")
    services.post_message(org.test_staff, application, "Ja, een kleine pantry.")
    db.session.commit()
    to_starter = count(
        Notification, Notification.user_id == starter.id, Notification.kind == "application.message"
    )
    to_owner = count(
        Notification,
        Notification.user_id == unit.owner_id,
        Notification.kind == "application.message",
    )
    assert (to_starter, to_owner) == (1, 1)
    assert [m.body for m in application.messages] == ["Is er een keuken?", "Ja, een kleine pantry."]
    with pytest.raises(services.ApplicationError):
        services.post_message(starter, application, "   ")
