"""Four eyes (vrijstad/approvals.py): one approval up to the threshold, two different staff
members of the organisation above it; the same person twice is refused."""

import threading

import pytest

from tests.races import postgresql_only
from vrijstad import approvals
from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.organisations.models import MemberRole, Membership

THRESHOLD = 1_000_000  # the default: € 10.000


@pytest.fixture
def ctx(app):
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def team(make_org, make_user):
    """An organisation with two staff members."""
    organisation = make_org()
    colleague = make_user("staff", name="Tweede Collega")
    db.session.add(Membership(user=colleague, organisation=organisation, role=MemberRole.STAFF))
    db.session.commit()
    return organisation, organisation.test_staff, colleague


def test_at_or_below_the_threshold_one_approval_decides_and_nothing_is_recorded(ctx, team):
    organisation, first, _colleague = team
    assert approvals.require_two("payout_batch", 1, THRESHOLD, first, organisation.id)
    assert approvals.approval_of("payout_batch", 1) is None


def test_above_it_a_second_different_colleague_completes(ctx, team):
    organisation, first, colleague = team
    assert not approvals.require_two("payout_batch", 1, THRESHOLD + 1, first, organisation.id)
    waiting = approvals.waiting("payout_batch", 1)
    assert waiting is not None and waiting.first_by_id == first.id
    with pytest.raises(approvals.ApprovalError, match="approved this already"):
        approvals.require_two("payout_batch", 1, THRESHOLD + 1, first, organisation.id)
    assert approvals.require_two("payout_batch", 1, THRESHOLD + 1, colleague, organisation.id)
    done = approvals.approval_of("payout_batch", 1)
    assert done is not None and done.complete and done.second_by_id == colleague.id
    assert approvals.waiting("payout_batch", 1) is None
    # other subjects, and other kinds with the same id, start on their own
    assert not approvals.require_two("settlement", 1, THRESHOLD + 1, first, organisation.id)


def test_another_amount_starts_over(ctx, team):
    organisation, first, colleague = team
    approvals.require_two("payout_batch", 7, 2_000_000, first, organisation.id)
    assert not approvals.require_two("payout_batch", 7, 2_500_000, colleague, organisation.id)
    waiting = approvals.waiting("payout_batch", 7)
    assert (waiting.amount_cents, waiting.first_by_id) == (2_500_000, colleague.id)
    assert approvals.require_two("payout_batch", 7, 2_500_000, first, organisation.id)


def test_staff_of_another_organisation_cannot_approve(ctx, team, make_org):
    organisation, first, _colleague = team
    stranger = make_org().test_staff
    approvals.require_two("payout_batch", 3, 5_000_000, first, organisation.id)
    with pytest.raises(approvals.ApprovalError, match="organisation's staff"):
        approvals.require_two("payout_batch", 3, 5_000_000, stranger, organisation.id)
    assert approvals.waiting("payout_batch", 3).second_by_id is None


def test_an_organisation_can_have_its_own_threshold(ctx, app, team, make_org, monkeypatch):
    organisation, first, _colleague = team
    other = make_org()
    monkeypatch.setitem(app.config, "FOUR_EYES_THRESHOLD_OVERRIDES", {organisation.id: 50_000})
    assert approvals.threshold_cents(organisation.id) == 50_000
    assert approvals.threshold_cents(other.id) == THRESHOLD
    assert approvals.needs_two(50_001, organisation.id)
    assert not approvals.needs_two(50_001, other.id)
    assert not approvals.require_two("payout_batch", 9, 60_000, first, organisation.id)


def _at_once(app, calls) -> list:
    """Each call in its own thread, transaction and request context, released together;
    what each returned (or raised), in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i: int) -> None:
        with app.test_request_context("/?lang=en"):
            try:
                db.session.connection()  # the transaction begins before the barrier
                barrier.wait(timeout=10)
                results[i] = calls[i]()
                db.session.commit()
            except approvals.ApprovalError as exc:
                db.session.rollback()
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _by(user_id: int, organisation_id: int):
    """require_two for a payout batch of € 50.000 by the user, loaded in the thread."""

    def call():
        actor = db.session.get(User, user_id)
        return approvals.require_two("payout_batch", 5, 5_000_000, actor, organisation_id)

    return call


def test_two_colleagues_at_once_without_a_lock_of_the_subject_give_both_approvals(app, team):
    """The caller need not lock anything: two first approvals at the same moment meet at the
    unique constraint, and the later one becomes the second approval."""
    postgresql_only()
    organisation, first, colleague = team
    ids = (organisation.id, first.id, colleague.id)
    db.session.remove()
    results = _at_once(app, [_by(ids[1], ids[0]), _by(ids[2], ids[0])])
    assert sorted(results) == [False, True]
    approval = approvals.approval_of("payout_batch", 5)
    assert approval.complete and {approval.first_by_id, approval.second_by_id} == set(ids[1:])


def test_one_person_twice_at_once_is_one_approval_and_one_refusal(app, team):
    postgresql_only()
    organisation, first, _colleague = team
    ids = (organisation.id, first.id)
    db.session.remove()
    results = _at_once(app, [_by(ids[1], ids[0]), _by(ids[1], ids[0])])
    assert False in results
    assert any(isinstance(r, approvals.ApprovalError) for r in results)
    assert not approvals.approval_of("payout_batch", 5).complete
