"""Matching services: features from the database, explanations, recommendations, invitations,
weights, street profiles and the allocation."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.fixtures_lettings import MOTIVATION
from vrijstad import clock
from vrijstad.applications import services as applications
from vrijstad.extensions import db
from vrijstad.letting.models import HeadLease, HeadLeaseKind, Placement, PlacementStatus
from vrijstad.matching import services
from vrijstad.matching.models import COMPONENTS, MatchInvitation, MatchWeights
from vrijstad.notifications.models import Notification
from vrijstad.starters.models import BranchGroup, SpaceKind
from vrijstad.starters.services import profile_of
from vrijstad.units.models import PermittedUse, UnitStatus


def branch_fit(profile_user, unit) -> int:
    match = next(m for m in services.recommend_units(profile_user, 50) if m.unit.id == unit.id)
    return next(p.fit for p in match.parts if p.name == "branch_mix")


def test_the_branch_mix_counts_current_occupants_and_follows_the_street_profile(
    ctx, org, area, street, make_unit, fashion_starter, place
):
    unit = make_unit(area=area, floor_area_vvo=90)
    place(area, BranchGroup.FASHION_LUXURY)
    place(area, BranchGroup.FASHION_LUXURY, street="hoogstraat ")  # the same street
    place(area, BranchGroup.FASHION_LUXURY, status=PlacementStatus.ENDED)
    place(
        area,
        BranchGroup.FASHION_LUXURY,
        end_date=clock.today() - timedelta(days=1),
        start_date=clock.today() - timedelta(days=90),
    )
    place(area, BranchGroup.SERVICES)
    place(area, BranchGroup.FASHION_LUXURY, street="Kerkstraat")
    rows = services.unit_rows([unit], clock.today())
    assert rows[0]["occupants"] == {"fashion_luxury": 2, "services": 1}
    assert rows[0]["street_id"] == street.id
    assert branch_fit(fashion_starter, unit) == 20  # open 60 %, minus 20 % per occupant

    services.save_street_profile(org.test_staff, street, [BranchGroup.FASHION_LUXURY], [])
    assert branch_fit(fashion_starter, unit) == 60  # wanted 100 %, minus the two
    services.save_street_profile(
        org.test_staff, street, [], [BranchGroup.FASHION_LUXURY], "Geen mode meer"
    )
    db.session.commit()
    # An excluded branch group is never recommended, either way.
    assert unit.id not in [m.unit.id for m in services.recommend_units(fashion_starter)]
    assert fashion_starter.id not in [m.starter_id for m in services.recommend_starters(unit)]


def test_units_for_a_starter_are_open_fitting_and_best_first(
    ctx, area, make_unit, fashion_starter, make_user
):
    best = make_unit(area=area, floor_area_vvo=100, rent_cents_per_year=12 * 100_000)
    smaller = make_unit(area=area, floor_area_vvo=50, rent_cents_per_year=12 * 100_000)
    make_unit(area=area, floor_area_vvo=100, permitted_uses=[PermittedUse.HORECA_1])  # use
    make_unit(area=area, floor_area_vvo=100, rent_cents_per_year=12 * 300_000)  # budget
    make_unit(area=area, floor_area_vvo=20)  # far too small
    make_unit(area=area, status=UnitStatus.DRAFT)
    make_unit(area=area, status=UnitStatus.LET)
    applied = make_unit(area=area)
    applications.submit_application(fashion_starter, applied, MOTIVATION)
    db.session.commit()
    matches = services.recommend_units(fashion_starter)
    assert [m.unit.id for m in matches] == [best.id, smaller.id]
    assert matches[0].score > matches[1].score
    for match in matches:
        assert [p.name for p in match.parts] == list(COMPONENTS)
        assert sum(p.points for p in match.parts) == match.score
        assert all(0 <= p.fit <= 100 and p.note for p in match.parts)
    size = next(p for p in matches[1].parts if p.name == "size")
    assert size.fit < 100 and "50 m²" in size.note and "60–120" in size.note
    assert services.recommend_units(fashion_starter, limit=1)[0].unit.id == best.id


def test_a_starter_without_a_profile_gets_no_matches(make_user, make_unit):
    make_unit()
    assert services.recommend_units(make_user("starter")) == []


def test_closed_pilots_only_match_starters_of_their_city(ctx, area, make_unit, make_starter):
    area.closed_pilot = True
    db.session.commit()
    unit = make_unit(area=area)
    local = make_starter(city="Dijkerveen", name="Lokaal")
    stranger = make_starter(city="Elders", name="Van Buiten")
    assert [m.starter_id for m in services.recommend_starters(unit)] == [local.id]
    assert services.recommend_units(stranger) == []
    assert [m.unit.id for m in services.recommend_units(local)] == [unit.id]


def test_starters_for_a_unit_leave_out_applicants_and_the_owner(
    ctx, unit, make_starter, fashion_starter
):
    applicant = make_starter(name="Al Gereageerd")
    application = applications.submit_application(applicant, unit, MOTIVATION)
    applications.withdraw_application(applicant, application)  # applied once is enough
    db.session.commit()
    ids = [m.starter_id for m in services.recommend_starters(unit)]
    assert fashion_starter.id in ids and applicant.id not in ids
    assert ids[0] == fashion_starter.id  # the fullest fitting profile first


def test_invite_to_apply_notifies_the_starter_once(ctx, org, unit, fashion_starter, outbox):
    invitation = services.invite_to_apply(org.test_staff, unit, fashion_starter.id)
    db.session.commit()
    assert invitation.score == services.recommend_starters(unit)[0].score
    notice = db.session.scalar(
        sa.select(Notification).where(Notification.user_id == fashion_starter.id)
    )
    assert notice.kind == "matching.invited" and notice.url == f"/units/{unit.id}"
    assert [m["To"] for m in outbox()] == [fashion_starter.email]
    assert (
        "uitgenodigd" in outbox()[0].get_body().get_content()
        or "invited" in outbox()[0].get_body().get_content()
    )
    with pytest.raises(services.MatchingError, match="al uitgenodigd"):
        services.invite_to_apply(org.test_staff, unit, fashion_starter.id)
    assert services.invited_starter_ids(unit) == {fashion_starter.id}


def test_invitations_are_refused_to_strangers_and_for_pairs_that_do_not_fit(
    ctx, org, make_org, make_user, unit, make_unit, area, fashion_starter, make_starter
):
    for stranger in (make_user("landlord"), make_org().test_staff, make_starter(name="Ander")):
        with pytest.raises(services.MatchingError, match="Alleen de verhuurder"):
            services.invite_to_apply(stranger, unit, fashion_starter.id)
    horeca = make_unit(area=area, permitted_uses=[PermittedUse.HORECA_1])
    with pytest.raises(services.MatchingError, match="niet toegestaan"):
        services.invite_to_apply(org.test_staff, horeca, fashion_starter.id)
    with pytest.raises(services.MatchingError, match="worden uitgenodigd"):
        services.invite_to_apply(unit.owner, unit, unit.owner.id)
    with pytest.raises(services.MatchingError, match="worden uitgenodigd"):
        services.invite_to_apply(unit.owner, unit, 987654)
    draft = make_unit(area=area, status=UnitStatus.DRAFT)
    with pytest.raises(services.MatchingError, match="niet open"):
        services.invite_to_apply(org.test_staff, draft, fashion_starter.id)
    assert db.session.scalar(sa.select(sa.func.count(MatchInvitation.id))) == 0


@pytest.mark.parametrize(
    "change, message",
    [
        ({"size": -1}, "negatief"),
        ({"size": 11}, "hooguit"),
        ({"size": "3"}, "geheel getal"),
        ({"size": True}, "geheel getal"),
        ({name: 0 for name in COMPONENTS}, "meer dan nul"),
    ],
)
def test_weights_that_are_negative_or_sum_to_zero_are_refused(ctx, org, change, message):
    values = services.weights_of(org.id) | change
    with pytest.raises(services.MatchingError, match=message):
        services.save_weights(org.test_staff, org, values)
    values = services.weights_of(org.id)
    values.pop("size")
    with pytest.raises(services.MatchingError, match="geheel getal"):
        services.save_weights(org.test_staff, org, values)


def test_weights_are_saved_per_organisation_and_used_for_its_units(
    ctx, org, make_org, unit, make_unit
):
    other = make_org()
    elsewhere = make_unit(area=other.areas[0])
    with pytest.raises(services.MatchingError):
        services.save_weights(other.test_staff, org, services.weights_of(org.id))
    tuned = {name: 1 for name in COMPONENTS} | {"branch_mix": 10}
    services.save_weights(org.test_staff, org, tuned)
    services.save_weights(org.test_staff, org, tuned | {"use": 0})  # updates the same row
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(MatchWeights.id))) == 1
    rows = services.unit_rows([unit, elsewhere], clock.today())
    assert rows[0]["weights"] == tuned | {"use": 0}
    assert rows[1]["weights"] == services.weights_of(None)


def test_a_street_profile_cannot_want_and_exclude_the_same_group(ctx, org, make_org, street):
    group = BranchGroup.SERVICES
    with pytest.raises(services.MatchingError, match="tegelijk"):
        services.save_street_profile(org.test_staff, street, [group], [group])
    with pytest.raises(services.MatchingError, match="uit de lijst"):
        services.save_street_profile(org.test_staff, street, ["snackbars"], [])
    with pytest.raises(services.MatchingError, match="werkt niet"):
        services.save_street_profile(make_org().test_staff, street, [group], [])


def test_allocation_maximises_the_total_and_reports_what_is_left(
    ctx, org, area, make_unit, make_starter, make_user
):
    big = make_unit(area=area, floor_area_vvo=200, rent_cents_per_year=12 * 200_000)
    small = make_unit(area=area, floor_area_vvo=60, rent_cents_per_year=12 * 80_000)
    horeca = make_unit(area=area, floor_area_vvo=80, permitted_uses=[PermittedUse.HORECA_2])
    common = {"earliest_start": clock.today(), "space_kind": SpaceKind.WHOLE_UNIT}
    rich = make_starter(
        name="Rijk",
        trade_name="Groot",
        min_area_m2=50,
        max_area_m2=220,
        budget_cents_per_month=300_000,
        required_use=PermittedUse.DETAILHANDEL,
        **common,
    )
    modest = make_starter(
        name="Zuinig",
        trade_name="Klein",
        min_area_m2=50,
        max_area_m2=80,
        budget_cents_per_month=90_000,
        required_use=PermittedUse.DETAILHANDEL,
        **common,
    )
    tiny = make_starter(
        name="Mini",
        trade_name="Mini",
        min_area_m2=300,
        max_area_m2=400,
        budget_cents_per_month=90_000,
        **common,
    )
    unit_ids = [big.id, small.id, horeca.id]
    starter_ids = [rich.id, modest.id, tiny.id]
    result = services.allocate(org.test_staff, area, unit_ids, starter_ids)
    given = {p.match.unit.id: p.match.starter_id for p in result.pairs}
    assert given == {big.id: rich.id, small.id: modest.id}
    assert result.total == sum(p.match.score for p in result.pairs)
    assert [u.id for u in result.unassigned_units] == [horeca.id]
    assert [p.user_id for p in result.unassigned_starters] == [tiny.id]
    assert result.excluded_pairs >= 5  # tiny fits nowhere; retail concepts not in horeca
    runner = {p.match.unit.id: p.runner_up.user_id if p.runner_up else None for p in result.pairs}
    assert runner[small.id] == rich.id
    # A high lowest score leaves everyone out; ids of other areas or garbage are ignored.
    assert services.allocate(org.test_staff, area, unit_ids, starter_ids, min_score=100).pairs == []
    with pytest.raises(services.MatchingError, match="geen panden"):
        services.allocate(org.test_staff, area, [987654], starter_ids)
    with pytest.raises(services.MatchingError, match="geen kandidaten"):
        services.allocate(org.test_staff, area, unit_ids, [])
    with pytest.raises(services.MatchingError, match="werkt niet"):
        services.allocate(make_user("landlord"), area, unit_ids, starter_ids)


def test_invite_pairs_only_for_the_organisations_units(
    ctx, org, make_org, unit, make_unit, fashion_starter
):
    elsewhere = make_unit(area=make_org().areas[0])
    pairs = [(unit.id, fashion_starter.id), (elsewhere.id, fashion_starter.id)]
    sent, problems = services.invite_pairs(org.test_staff, org, [*pairs, pairs[0]])
    assert sent == 1 and len(problems) == 2
    assert services.invited_starter_ids(unit) == {fashion_starter.id}
    assert services.invited_starter_ids(elsewhere) == set()


def test_a_starter_who_wants_no_invitations_is_shown_but_never_invited(
    ctx, org, unit, fashion_starter
):
    profile = profile_of(fashion_starter)
    profile.invitations_opt_out = True
    db.session.commit()
    assert fashion_starter.id in [m.starter_id for m in services.recommend_starters(unit)]
    with pytest.raises(services.MatchingError, match="wil niet uitgenodigd worden"):
        services.invite_to_apply(org.test_staff, unit, fashion_starter.id)
    sent, problems = services.invite_pairs(org.test_staff, org, [(unit.id, fashion_starter.id)])
    assert sent == 0 and "wil niet uitgenodigd worden" in problems[0]
    assert services.invited_starter_ids(unit) == set()


# Allocation of a collective, and stored allocations --------------------------------------------


def test_a_collective_allocates_only_its_free_units(
    ctx, collective, make_unit, make_starter, make_org
):
    free, taken = collective.units
    outside = make_unit(area=collective.area)  # same area, not in the collective
    draft = make_unit(area=collective.area)  # its head lease is not signed yet
    db.session.add(
        HeadLease(
            collective=collective,
            unit_id=draft.id,
            landlord_id=draft.owner_id,
            kind=HeadLeaseKind.FIXED,
            rent_cents_per_month=1,
            start_date=date(2026, 1, 1),
        )
    )
    occupant = make_starter(name="Bewoner")
    db.session.add(
        Placement(
            unit_id=taken.id,
            starter_id=occupant.id,
            organisation_id=collective.organisation_id,
            kind=SpaceKind.POPUP,
            start_date=clock.today() - timedelta(days=10),
            end_date=clock.today() + timedelta(days=100),
            base_fee_cents_per_month=1,
            starter_trade_name="Bezet",
        )
    )
    starters = [make_starter(name=f"Kandidaat {i}", trade_name=f"Zaak {i}") for i in range(3)]
    db.session.commit()
    units, profiles = services.allocation_choices(collective)
    assert [u.id for u in units] == [free.id]
    assert {p.user_id for p in profiles} >= {s.id for s in starters}
    result = services.allocate(
        collective.staff,
        collective,
        [free.id, taken.id, outside.id, draft.id],
        [s.id for s in starters],
    )
    assert [p.match.unit.id for p in result.pairs] == [free.id]
    assert result.unassigned_units == [] and len(result.unassigned_starters) == 2
    with pytest.raises(services.MatchingError, match="geen panden"):
        services.allocate(collective.staff, collective, [outside.id], [starters[0].id])
    with pytest.raises(services.MatchingError, match="werkt niet"):
        services.allocate(make_org().test_staff, collective, [free.id], [starters[0].id])


def test_a_stored_allocation_shows_what_allocate_finds(
    ctx, org, area, make_unit, make_starter, fashion_starter
):
    units = [make_unit(area=area, floor_area_vvo=size) for size in (70, 90, 400)]
    others = [make_starter(name=f"Starter {i}", min_area_m2=50, max_area_m2=100) for i in (1, 2)]
    unit_ids = [u.id for u in units]
    starter_ids = [fashion_starter.id, *(s.id for s in others)]
    direct = services.allocate(org.test_staff, area, unit_ids, starter_ids)
    run = services.plan_allocation(org.test_staff, area, unit_ids, starter_ids)
    assert not run.done and services.allocation_of(run) is None
    seen = []
    services.compute_allocation(run, progress=lambda pct, message: seen.append((pct, message)))
    db.session.commit()
    stored = services.allocation_of(run)
    assert stored.total == direct.total
    shape = [
        (
            p.match.unit.id,
            p.match.starter_id,
            p.match.score,
            p.runner_up.user_id if p.runner_up else None,
        )
        for p in stored.pairs
    ]
    assert shape == [
        (
            p.match.unit.id,
            p.match.starter_id,
            p.match.score,
            p.runner_up.user_id if p.runner_up else None,
        )
        for p in direct.pairs
    ]
    assert stored.unassigned_units == direct.unassigned_units
    assert stored.excluded_pairs == direct.excluded_pairs
    percents = [pct for pct, _message in seen]
    assert percents == sorted(percents) and percents[-1] < 100
    messages = " ".join(message for _pct, message in seen)
    assert "Scorematrix" in messages and "toewijzen" in messages and "nummer twee" in messages
    with pytest.raises(services.MatchingError, match="laagste score"):
        services.plan_allocation(org.test_staff, area, unit_ids, starter_ids, min_score=101)


def test_the_allocation_job_runs_once_and_links_the_result(ctx, org, area, unit, fashion_starter):
    run = services.plan_allocation(org.test_staff, area, [unit.id], [fashion_starter.id])
    db.session.commit()
    link = services.run_allocation(run.id, "en", "/somewhere")
    assert link == {"url": "/somewhere", "label": "View the allocation"}
    db.session.refresh(run)
    finished = run.finished_at
    assert run.result["pairs"][0][:2] == [unit.id, fashion_starter.id]
    services.run_allocation(run.id, "nl", "/somewhere")  # a retry: nothing computed again
    db.session.refresh(run)
    assert run.finished_at == finished
    with pytest.raises(services.MatchingError, match="bestaat niet meer"):
        services.run_allocation(987654, "nl", "/somewhere")


def test_units_let_after_planning_are_left_out(ctx, org, area, unit, make_unit, fashion_starter):
    second = make_unit(area=area)
    run = services.plan_allocation(org.test_staff, area, [unit.id, second.id], [fashion_starter.id])
    unit.status = UnitStatus.LET
    db.session.commit()
    services.compute_allocation(run)
    assert run.result["unassigned_units"] == [] or unit.id not in run.result["unassigned_units"]
    assert unit.id not in [p[0] for p in run.result["pairs"]]
