"""Contest services: every transition of the workflow, entries and their bad input, the jury,
the public vote, the announcement that becomes a placement with its discount, and evaluation."""

from datetime import timedelta
from fractions import Fraction

import pytest
import sqlalchemy as sa

from tests.contests.conftest import (
    AFTER_CLOSE,
    AFTER_VOTE,
    CLOSES,
    NIJMEGEN,
    STARTS,
    TODAY,
    VOTE_OPENS,
    all_scores,
    contest_data,
    pdf_bytes,
    plan,
)
from vrijstad.billing import services as billing
from vrijstad.billing.models import InvoiceLine
from vrijstad.clock import add_months
from vrijstad.contests import display, services
from vrijstad.contests.models import (
    CONTEST_TRANSITIONS,
    Award,
    Contest,
    ContestEntry,
    ContestStatus,
    EntryStatus,
    JuryScore,
    Outcome,
    PrizeKind,
    Vote,
)
from vrijstad.extensions import db
from vrijstad.letting.models import Placement, PlacementStatus
from vrijstad.notifications.models import Notification
from vrijstad.organisations.services import organisations_of
from vrijstad.starters.models import BranchGroup
from vrijstad.units.models import UnitStatus

ContestError = services.ContestError


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def notices(user, kind: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.kind == kind
        )
    )


# Creating, opening, closing ----------------------------------------------------------------


def test_staff_draft_a_contest_with_units_prize_criteria_and_phases(make_contest):
    contest = make_contest()
    assert contest.status == ContestStatus.DRAFT
    assert contest.discount_schedule == NIJMEGEN and contest.prize_months == 12
    assert [(c.name, c.weight) for c in contest.criteria][2] == ("Financial feasibility", 25)
    assert contest.vote_share_bp == 2000 and contest.excluded_branches == ["daily_goods"]
    assert contest.units[0].status == UnitStatus.LISTED  # a draft holds nothing yet


def test_months_without_rent_become_a_full_discount(make_contest):
    contest = make_contest(prize_kind=PrizeKind.RENT_FREE, rent_free_months=6, discount_schedule=[])
    assert contest.discount_schedule == [{"from": 1, "to": 6, "pct_bp": 10000}]
    assert display.prize_label(contest) == "6 months without rent"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {
                "discount_schedule": [
                    {"from": 1, "to": 6, "pct_bp": 10000},
                    {"from": 5, "to": 8, "pct_bp": 5000},
                ]
            },
            "discount_schedule",
        ),
        ({"discount_schedule": [{"from": 1, "to": 30, "pct_bp": 5000}]}, "lease_months"),
        ({"shortlist_on": CLOSES}, "shortlist_on"),
        (
            {
                "entries_close_on": TODAY - timedelta(days=1),
                "entries_open_on": TODAY - timedelta(days=9),
            },
            "entries_close_on",
        ),
        ({"vote_close_on": None}, "vote_close_on"),
        ({"vote_open_on": None, "vote_close_on": None}, "vote_open_on"),  # a share, no vote
        ({"criteria": [("Creativity", 20), ("creativity", 10)]}, "criteria"),
        ({"criteria": [("Creativity", 0)]}, "criteria"),
        ({"criteria": []}, "criteria"),
        ({"excluded_branches": [b.value for b in BranchGroup]}, "excluded_branches"),
        ({"title": "  "}, "title"),
    ],
)
def test_a_call_that_does_not_add_up_is_refused_and_nothing_is_stored(
    ctx, org, unit, overrides, field
):
    with pytest.raises(ContestError) as refused:
        services.create_contest(org.test_staff, org, contest_data([unit], **overrides), TODAY)
    db.session.rollback()
    assert refused.value.field == field or field in str(refused.value).lower()
    assert count(Contest) == 0


def test_only_own_listed_units_and_only_staff(ctx, org, make_org, make_unit, make_user):
    other = make_org()
    foreign = make_unit(area=other.areas[0])
    with pytest.raises(ContestError, match="your own areas"):
        services.create_contest(org.test_staff, org, contest_data([foreign]), TODAY)
    let = make_unit(area=org.areas[0], status=UnitStatus.LET)
    with pytest.raises(ContestError, match="only listed units"):
        services.create_contest(org.test_staff, org, contest_data([let]), TODAY)
    unit = make_unit(area=org.areas[0])
    for stranger in (other.test_staff, make_user("starter"), unit.owner):
        with pytest.raises(ContestError, match="staff"):
            services.create_contest(stranger, org, contest_data([unit]), TODAY)


def test_a_draft_can_change_a_published_call_cannot(make_contest, org, make_unit):
    contest = make_contest()
    second = make_unit(area=org.areas[0])
    services.update_contest(
        org.test_staff,
        contest,
        contest_data(
            [contest.units[0], second], title="Win twee winkels", criteria=[("Plan", 100)]
        ),
        TODAY,
    )
    db.session.commit()
    assert contest.title == "Win twee winkels" and len(contest.units) == 2
    assert [c.name for c in contest.criteria] == ["Plan"]
    services.open_contest(org.test_staff, contest, today=TODAY)
    with pytest.raises(ContestError, match="Only a draft"):
        services.update_contest(org.test_staff, contest, contest_data(contest.units), TODAY)


def test_opening_reserves_the_units_and_stops_ordinary_applications(open_contest, starter):
    from vrijstad.applications import services as applications
    from vrijstad.applications.services import ApplicationError

    unit = open_contest.units[0]
    assert open_contest.status == ContestStatus.OPEN and unit.status == UnitStatus.RESERVED
    with pytest.raises(ApplicationError, match="not open for applications"):
        applications.submit_application(starter, unit, "I would love this unit for my coffee bar.")


def test_a_unit_is_the_prize_of_one_contest_at_a_time(make_contest, org):
    draft = make_contest()
    with pytest.raises(ContestError, match="already the prize of Win een winkel"):
        make_contest(units=draft.units)


def test_a_unit_in_talks_cannot_be_reserved(make_contest, org):
    contest = make_contest()
    contest.units[0].status = UnitStatus.IN_TALKS
    db.session.commit()
    with pytest.raises(ContestError, match="no longer simply listed"):
        services.open_contest(org.test_staff, contest, today=TODAY)
    db.session.rollback()
    assert contest.status == ContestStatus.DRAFT


def test_entries_close_only_after_the_promised_deadline(open_contest, org):
    with pytest.raises(ContestError, match="Entries are open until"):
        services.close_entries(org.test_staff, open_contest, today=CLOSES)
    services.close_entries(org.test_staff, open_contest, today=AFTER_CLOSE)
    assert open_contest.status == ContestStatus.CLOSED


def test_illegal_transitions_are_refused_with_the_reason(open_contest, org):
    staff = org.test_staff
    with pytest.raises(ContestError, match="that is open for entries cannot become"):
        services.open_contest(staff, open_contest, today=TODAY)
    for step in (services.start_judging, services.close_judging, services.start_prize_period):
        with pytest.raises(ContestError, match="cannot become"):
            step(staff, open_contest)
    with pytest.raises(ContestError, match="cannot become"):
        services.announce_winners(staff, open_contest, {open_contest.units[0].id: 1})
    with pytest.raises(ContestError, match="cannot become"):
        services.shortlist(staff, open_contest, [])
    assert open_contest.status == ContestStatus.OPEN


def test_the_transition_table_is_a_single_forward_path_with_cancel():
    path = [
        ContestStatus.DRAFT,
        ContestStatus.OPEN,
        ContestStatus.CLOSED,
        ContestStatus.SHORTLISTED,
        ContestStatus.JUDGING,
        ContestStatus.JUDGED,
        ContestStatus.WINNER_ANNOUNCED,
        ContestStatus.RUNNING,
        ContestStatus.EVALUATED,
    ]
    for current, following in zip(path, path[1:], strict=False):
        assert following in CONTEST_TRANSITIONS[current]
    assert set(CONTEST_TRANSITIONS) == set(ContestStatus)
    assert not CONTEST_TRANSITIONS[ContestStatus.EVALUATED]
    assert not CONTEST_TRANSITIONS[ContestStatus.CANCELLED]


def test_cancelling_lists_the_units_again_and_tells_the_entrants(open_contest, enter, org):
    entry = enter(open_contest)
    with pytest.raises(ContestError, match="reason"):
        services.cancel_contest(org.test_staff, open_contest, "")
    services.cancel_contest(org.test_staff, open_contest, "Too few entries this time.")
    db.session.commit()
    assert open_contest.status == ContestStatus.CANCELLED
    assert open_contest.units[0].status == UnitStatus.LISTED
    assert notices(entry.starter, "contest.cancelled") == 1
    with pytest.raises(ContestError, match="cannot become"):
        services.cancel_contest(org.test_staff, open_contest, "Again")


# Entries -----------------------------------------------------------------------------------


def test_a_starter_enters_with_the_plan_in_the_form(open_contest, enter):
    entry = enter(open_contest, trade_name="Koffie & Kaft")
    assert entry.status == EntryStatus.SUBMITTED and entry.plan_key is None
    assert entry.target_group == "Students and retired readers."
    assert notices(entry.starter, "contest.entered") == 1


def test_changing_an_entry_before_the_deadline_keeps_one_entry(open_contest, enter):
    entry = enter(open_contest)
    services.submit_entry(entry.starter, open_contest, plan(trade_name="Nieuwe naam"), today=CLOSES)
    db.session.commit()
    assert count(ContestEntry) == 1 and entry.trade_name == "Nieuwe naam"


def test_an_entry_after_the_deadline_is_refused(open_contest, starter):
    with pytest.raises(ContestError, match="Entries closed on"):
        services.submit_entry(starter, open_contest, plan(), today=AFTER_CLOSE)
    db.session.rollback()
    assert count(ContestEntry) == 0


def test_an_entry_before_the_call_opens_is_refused(make_contest, org, starter):
    contest = make_contest(entries_open_on=TODAY + timedelta(days=3))
    services.open_contest(org.test_staff, contest, today=TODAY)
    with pytest.raises(ContestError, match="Entries open on"):
        services.submit_entry(starter, contest, plan(), today=TODAY)


def test_a_draft_takes_no_entries(make_contest, starter):
    with pytest.raises(ContestError, match="takes no entries"):
        services.submit_entry(starter, make_contest(), plan(), today=TODAY)


def test_an_incomplete_plan_needs_a_pdf(open_contest, starter):
    with pytest.raises(ContestError, match="Answer every question") as refused:
        services.submit_entry(starter, open_contest, plan(revenue_model=" "), today=TODAY)
    assert refused.value.field == "revenue_model"
    db.session.rollback()
    entry = services.submit_entry(
        starter,
        open_contest,
        plan(revenue_model=None, success=None),
        plan=("mijn plan.pdf", pdf_bytes(2)),
        today=TODAY,
    )
    db.session.commit()
    assert entry.plan_pages == 2 and entry.plan_filename == "mijn plan.pdf"
    from vrijstad.storage import get_storage

    assert get_storage().get(entry.plan_key).startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (pdf_bytes(3), "3 pages; at most 2"),
        (b"PK\x03\x04 not a pdf", "must be a PDF"),
        (b"%PDF-1.7 broken", "damaged"),
    ],
)
def test_a_pdf_over_two_pages_or_not_a_pdf_is_refused(open_contest, starter, data, message):
    with pytest.raises(ContestError, match=message) as refused:
        services.submit_entry(starter, open_contest, plan(), plan=("plan.pdf", data), today=TODAY)
    assert refused.value.field == "plan"
    db.session.rollback()
    assert count(ContestEntry) == 0


def test_a_plan_longer_than_two_pages_of_text_is_refused(open_contest, starter):
    long = "x" * 1500
    too_long = plan(idea=long, uniqueness=long, target_group=long, revenue_model=long, success="y")
    with pytest.raises(ContestError, match="longer than two pages"):
        services.submit_entry(starter, open_contest, too_long, today=TODAY)


def test_excluded_branches_and_non_starters_cannot_enter(open_contest, starter, make_user):
    with pytest.raises(ContestError, match="no entries in the branch group") as refused:
        services.submit_entry(
            starter, open_contest, plan(branch_group=BranchGroup.DAILY_GOODS), today=TODAY
        )
    assert refused.value.field == "branch_group"
    with pytest.raises(ContestError, match="Only starters"):
        services.submit_entry(make_user("landlord"), open_contest, plan(), today=TODAY)


def test_an_entrant_may_withdraw_until_the_winner_is_known(open_contest, enter, make_starter):
    entry = enter(open_contest)
    with pytest.raises(ContestError, match="not your entry"):
        services.withdraw_entry(make_starter(name="Ander"), entry)
    services.withdraw_entry(entry.starter, entry)
    assert entry.status == EntryStatus.WITHDRAWN
    with pytest.raises(ContestError, match="can no longer change"):
        services.submit_entry(entry.starter, open_contest, plan(), today=TODAY)


# Shortlist and jury ------------------------------------------------------------------------


def test_too_few_entries_cannot_be_shortlisted(open_contest, enter, org):
    entry = enter(open_contest)
    services.close_entries(org.test_staff, open_contest, today=AFTER_CLOSE)
    with pytest.raises(ContestError, match="Only 1 entries arrived.*at least 2"):
        services.shortlist(org.test_staff, open_contest, [entry.id])


def test_the_shortlist_picks_finalists_and_tells_everyone(open_contest, enter, org):
    entries = [enter(open_contest) for _ in range(4)]
    services.close_entries(org.test_staff, open_contest, today=AFTER_CLOSE)
    with pytest.raises(ContestError, match="between 1 and 3"):
        services.shortlist(org.test_staff, open_contest, [e.id for e in entries])
    services.shortlist(org.test_staff, open_contest, [entries[0].id, entries[2].id])
    db.session.commit()
    assert [e.status for e in entries] == [
        EntryStatus.FINALIST,
        EntryStatus.NOT_SHORTLISTED,
        EntryStatus.FINALIST,
        EntryStatus.NOT_SHORTLISTED,
    ]
    assert notices(entries[0].starter, "contest.finalist") == 1
    assert notices(entries[1].starter, "contest.not_shortlisted") == 1


def test_a_juror_is_invited_by_mail_and_signs_up_with_no_other_rights(
    open_contest, org, outbox, make_user
):
    juror = services.invite_juror(org.test_staff, open_contest, "Bankier@Example.nl", "De Bank")
    db.session.commit()
    mail = outbox()[-1]
    assert mail["To"] == "bankier@example.nl"
    link = next(
        line
        for line in mail.get_body(("plain",)).get_content().splitlines()
        if "/contests/jury/" in line
    )
    token = link.rsplit("/", 1)[-1].strip()
    assert services.juror_for_token(token).id == juror.id
    user = services.accept_jury_invitation(juror, None, "Bea Bankier", "Correct-Horse-42")
    db.session.commit()
    assert not (user.is_starter or user.is_landlord or user.is_admin)
    assert organisations_of(user) == []
    assert services.juror_of(user, open_contest) is not None
    with pytest.raises(ContestError, match="already been accepted"):
        services.juror_for_token(token)
    with pytest.raises(ContestError, match="already invited"):
        services.invite_juror(org.test_staff, open_contest, "bankier@example.nl", "Twice")


def test_an_entrant_cannot_join_the_jury(open_contest, enter, org):
    entry = enter(open_contest)
    with pytest.raises(ContestError, match="entrant cannot be on the jury"):
        services.invite_juror(org.test_staff, open_contest, entry.starter.email, "Sneaky")


def test_judging_needs_an_accepted_juror(open_contest, enter, org):
    entries = [enter(open_contest) for _ in range(2)]
    services.close_entries(org.test_staff, open_contest, today=AFTER_CLOSE)
    services.shortlist(org.test_staff, open_contest, [e.id for e in entries])
    services.invite_juror(org.test_staff, open_contest, "later@example.nl", "Later")
    with pytest.raises(ContestError, match="At least one juror"):
        services.start_judging(org.test_staff, open_contest)


def test_a_juror_scores_each_finalist_once_on_the_fixed_scale(judging):
    juror = judging.test_jurors[0]
    entry = judging.test_entries[0]
    services.score_entry(juror, entry, all_scores(judging, 8))
    db.session.commit()
    assert count(JuryScore) == 5
    with pytest.raises(ContestError, match="already scored"):
        services.score_entry(juror, entry, all_scores(judging, 9))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.max(JuryScore.score))) == 8


@pytest.mark.parametrize("value", [0, 11, -3, 100])
def test_a_score_outside_the_scale_is_refused(judging, value):
    scores = all_scores(judging, 7) | {judging.criteria[0].id: value}
    with pytest.raises(ContestError, match="from 1 to 10"):
        services.score_entry(judging.test_jurors[0], judging.test_entries[0], scores)
    db.session.rollback()
    assert count(JuryScore) == 0


def test_every_criterion_must_be_scored(judging):
    scores = all_scores(judging, 7)
    scores.pop(judging.criteria[-1].id)
    with pytest.raises(ContestError, match="Score every criterion"):
        services.score_entry(judging.test_jurors[0], judging.test_entries[0], scores)


def test_a_declared_conflict_means_no_score(judging):
    juror, entry = judging.test_jurors[1], judging.test_entries[1]
    with pytest.raises(ContestError, match="how you know"):
        services.declare_conflict(juror, entry, "")
    services.declare_conflict(juror, entry, "She is my niece")
    db.session.commit()
    with pytest.raises(ContestError, match="conflict of interest"):
        services.score_entry(juror, entry, all_scores(judging, 9))
    with pytest.raises(ContestError, match="already declared"):
        services.declare_conflict(juror, entry, "Still my niece")
    services.score_entry(juror, judging.test_entries[0], all_scores(judging, 6))
    with pytest.raises(ContestError, match="already scored"):
        services.declare_conflict(juror, judging.test_entries[0], "Too late")


def test_only_the_contests_jurors_score_only_finalists(judging, enter, make_user, make_contest):
    stranger = make_user("juror")
    with pytest.raises(ContestError, match="not on this contest's jury"):
        services.score_entry(stranger, judging.test_entries[0], all_scores(judging, 5))
    judging.test_entries[1].status = EntryStatus.NOT_SHORTLISTED
    with pytest.raises(ContestError, match="Only the finalists"):
        services.score_entry(
            judging.test_jurors[0], judging.test_entries[1], all_scores(judging, 5)
        )


def test_scores_stay_hidden_until_judging_closes(judging, org):
    services.score_entry(judging.test_jurors[0], judging.test_entries[0], all_scores(judging, 8))
    assert not services.scores_visible(judging)
    services.close_judging(org.test_staff, judging, confirm_unscored=True)
    assert services.scores_visible(judging)
    with pytest.raises(ContestError, match="only while the jury is at work"):
        services.score_entry(
            judging.test_jurors[1], judging.test_entries[0], all_scores(judging, 8)
        )


# Ranking -----------------------------------------------------------------------------------


def test_weighted_ranking_shows_ties_instead_of_hiding_them():
    criteria = [(1, 60), (2, 40)]
    # Entry 10: 8 and 6 → 7.2; entry 20: 6 and 9 → 7.2 (a tie); entry 30: 9 and 4 → 7.0.
    scores = [
        (1, 10, 1, 8),
        (1, 10, 2, 6),
        (1, 20, 1, 6),
        (1, 20, 2, 9),
        (1, 30, 1, 9),
        (1, 30, 2, 4),
    ]
    ranked = services.compute_ranking([30, 20, 10], criteria, scores)
    assert [(r.entry_id, r.rank, r.tied) for r in ranked] == [
        (10, 1, True),
        (20, 1, True),
        (30, 3, False),
    ]
    assert ranked[0].jury == Fraction(36, 5) and ranked[0].points == 72
    assert ranked[2].points == 70


def test_ranking_averages_jurors_and_weights_beat_plain_totals():
    criteria = [(1, 75), (2, 25)]
    scores = [
        (1, 10, 1, 10),
        (2, 10, 1, 6),
        (1, 10, 2, 2),
        (2, 10, 2, 2),  # 8 and 2 → 6.5
        (1, 20, 1, 5),
        (2, 20, 1, 5),
        (1, 20, 2, 10),
        (2, 20, 2, 10),
    ]  # 5 and 10 → 6.25
    ranked = services.compute_ranking([10, 20], criteria, scores)
    assert [r.entry_id for r in ranked] == [10, 20]
    assert ranked[0].jurors == 2 and ranked[0].criteria[1] == 8


def test_the_public_vote_counts_for_its_share_relative_to_the_most_votes():
    criteria = [(1, 1)]
    scores = [(1, 10, 1, 8), (1, 20, 1, 7)]  # 80 and 70 points from the jury
    ranked = services.compute_ranking([10, 20], criteria, scores, {10: 10, 20: 40}, 2000)
    # 10: 0.8 * 80 + 0.2 * 25 = 69; 20: 0.8 * 70 + 0.2 * 100 = 76.
    assert [(r.entry_id, r.points) for r in ranked] == [(20, 76), (10, 69)]
    unscored = services.compute_ranking([10, 20, 30], criteria, scores)
    assert unscored[-1].entry_id == 30 and unscored[-1].jury is None and unscored[-1].points == 0


def test_ranking_of_a_judged_contest_with_a_tie(judging, org):
    a, b, c = judging.test_entries
    j1, j2 = judging.test_jurors
    services.score_entry(j1, a, all_scores(judging, 8))
    services.score_entry(j2, a, all_scores(judging, 6))
    services.score_entry(j1, b, all_scores(judging, 7))
    services.score_entry(j2, b, all_scores(judging, 7))
    services.declare_conflict(j1, c, "Former colleague")
    services.score_entry(j2, c, all_scores(judging, 9))
    services.close_judging(org.test_staff, judging, confirm_unscored=True)
    ranked = services.ranking(judging, today=VOTE_OPENS)
    assert [(r.entry_id, r.rank, r.tied) for r in ranked] == [
        (c.id, 1, False),
        (a.id, 2, True),
        (b.id, 2, True),
    ]
    assert ranked[0].jurors == 1  # the conflicted juror did not count


# The public vote ---------------------------------------------------------------------------


def _confirm_link(outbox) -> str:
    db.session.commit()  # mail goes out after the commit
    body = outbox()[-1].get_body(("plain",)).get_content()
    return next(line for line in body.splitlines() if "/contests/votes/" in line).rsplit("/", 1)[1]


def test_a_vote_counts_only_once_its_address_confirmed_it(judging, outbox):
    entry = judging.test_entries[0]
    with pytest.raises(ContestError, match="not open"):
        services.request_vote(judging, entry, "kiezer@example.nl", today=TODAY)
    vote = services.request_vote(judging, entry, "Kiezer@Example.nl", today=VOTE_OPENS)
    db.session.commit()
    assert vote.confirmed_at is None and services.vote_counts(judging) == {}
    assert "kiezer" not in vote.email_hash  # only a keyed hash of the address is kept
    token = _confirm_link(outbox)
    services.confirm_vote(token, today=VOTE_OPENS)
    services.confirm_vote(token, today=VOTE_OPENS)  # a second click changes nothing
    db.session.commit()
    assert services.vote_counts(judging) == {entry.id: 1}
    with pytest.raises(ContestError, match="already voted"):
        services.request_vote(
            judging, judging.test_entries[1], "kiezer@example.nl", today=VOTE_OPENS
        )
    assert count(Vote) == 1


def test_one_mailbox_votes_once_whatever_the_spelling_of_its_address(judging, outbox):
    """Plus suffixes and (at Gmail, which ignores them) dots lead to the same mailbox."""
    a, b = judging.test_entries[:2]
    services.request_vote(judging, a, "me@gmail.com", today=VOTE_OPENS)
    services.confirm_vote(_confirm_link(outbox), today=VOTE_OPENS)
    for alias in (
        "me+1@gmail.com",
        "me+2@gmail.com",
        "m.e@gmail.com",
        "M.E+x@GoogleMail.com",
        " me@gmail.com. ",
    ):
        with pytest.raises(ContestError, match="already voted"):
            services.request_vote(judging, b, alias, today=VOTE_OPENS)
    services.request_vote(judging, b, "jan+winkel@example.nl", today=VOTE_OPENS)
    services.confirm_vote(_confirm_link(outbox), today=VOTE_OPENS)
    with pytest.raises(ContestError, match="already voted"):
        services.request_vote(judging, a, "jan+ander@example.nl", today=VOTE_OPENS)
    # elsewhere a dot is part of the address: j.an@ is someone else than jan@
    services.request_vote(judging, a, "j.an@example.nl", today=VOTE_OPENS)
    services.confirm_vote(_confirm_link(outbox), today=VOTE_OPENS)
    with pytest.raises(ContestError, match="valid e-mail"):
        services.request_vote(judging, a, "+1@gmail.com", today=VOTE_OPENS)
    db.session.commit()
    assert services.vote_counts(judging) == {a.id: 2, b.id: 1} and count(Vote) == 3
    hashes = db.session.scalars(sa.select(Vote.email_hash)).all()
    assert all(len(h) == 64 and set(h) <= set("0123456789abcdef") for h in hashes)  # no address


def test_an_unconfirmed_vote_never_counts_and_a_changed_choice_voids_the_old_link(judging, outbox):
    a, b = judging.test_entries[:2]
    services.request_vote(judging, a, "twijfel@example.nl", today=VOTE_OPENS)
    old = _confirm_link(outbox)
    services.request_vote(judging, b, "twijfel@example.nl", today=VOTE_OPENS)
    new = _confirm_link(outbox)
    db.session.commit()
    with pytest.raises(ContestError, match="changed your vote"):
        services.confirm_vote(old, today=VOTE_OPENS)
    with pytest.raises(ContestError, match="not valid"):
        services.confirm_vote(new[:-3] + "abc", today=VOTE_OPENS)
    assert services.vote_counts(judging) == {} and count(Vote) == 1
    with pytest.raises(ContestError, match="has closed"):
        services.confirm_vote(new, today=AFTER_VOTE)


def test_votes_only_for_finalists_and_the_count_shows_after_the_vote(judging, enter, outbox, org):
    services.request_vote(judging, judging.test_entries[2], "fan@example.nl", today=VOTE_OPENS)
    services.confirm_vote(_confirm_link(outbox), today=VOTE_OPENS)
    assert not services.vote_has_closed(judging, today=VOTE_OPENS)
    assert services.vote_has_closed(judging, today=AFTER_VOTE)
    judging.test_entries[0].status = EntryStatus.NOT_SHORTLISTED
    with pytest.raises(ContestError, match="one of the finalists"):
        services.request_vote(judging, judging.test_entries[0], "x@example.nl", today=VOTE_OPENS)


# Winner, prize period, evaluation ----------------------------------------------------------


def _judged(contest, org, winner_score: int = 9):
    a, b, c = contest.test_entries
    for juror in contest.test_jurors:
        services.score_entry(juror, a, all_scores(contest, winner_score))
        services.score_entry(juror, b, all_scores(contest, 6))
        services.score_entry(juror, c, all_scores(contest, 5))
    services.close_judging(org.test_staff, contest)
    db.session.commit()


def test_announcing_creates_the_placement_with_the_prize_discount(judging, org):
    _judged(judging, org)
    unit = judging.units[0]
    winner = judging.test_entries[0]
    with pytest.raises(ContestError, match="public vote runs until"):
        services.announce_winners(org.test_staff, judging, {unit.id: winner.id}, today=VOTE_OPENS)
    db.session.rollback()
    awards = services.announce_winners(
        org.test_staff, judging, {unit.id: winner.id}, today=AFTER_VOTE
    )
    db.session.commit()
    placement = db.session.get(Placement, awards[0].placement_id)
    assert judging.status == ContestStatus.WINNER_ANNOUNCED and judging.announced_at
    assert placement.starter_id == winner.starter_id and placement.start_date == STARTS
    assert placement.discount_schedule == NIJMEGEN and placement.discount_bp(7) == 7500
    assert placement.base_fee_cents_per_month == 200_000  # the unit's own rent
    assert unit.status == UnitStatus.LET and winner.status == EntryStatus.WINNER
    # Every entrant hears the news; the landlord too.
    assert notices(winner.starter, "contest.won") == 1
    for other in judging.test_entries[1:]:
        assert notices(other.starter, "contest.announced") == 1
    assert notices(unit.owner, "contest.unit_won") == 1
    # The first invoice applies the discount: month 1 is free of rent.
    invoice = billing.issue_invoice(placement, STARTS)
    lines = db.session.scalars(
        sa.select(InvoiceLine)
        .where(InvoiceLine.invoice_id == invoice.id)
        .order_by(InvoiceLine.position)
    ).all()
    assert [line.net_cents for line in lines] == [200_000, -200_000]
    assert "100" in lines[1].description and invoice.total_cents == 0
    seventh = billing.issue_invoice(placement, add_months(STARTS, 6))
    assert seventh.net_cents == 50_000  # 75 % off in month 7


def test_announcing_refuses_bad_choices_and_lists_units_without_a_winner(
    open_contest, enter, org, make_unit, make_contest, make_juror
):
    contest = make_contest(
        units=[make_unit(area=org.areas[0]), make_unit(area=org.areas[0])],
        vote_open_on=None,
        vote_close_on=None,
        vote_share_bp=0,
    )
    services.open_contest(org.test_staff, contest, today=TODAY)
    entries = [enter(contest) for _ in range(2)]
    services.close_entries(org.test_staff, contest, today=AFTER_CLOSE)
    services.shortlist(org.test_staff, contest, [entries[0].id])
    make_juror(contest)
    services.start_judging(org.test_staff, contest)
    services.close_judging(org.test_staff, contest, confirm_unscored=True)
    db.session.commit()
    first, second = contest.units
    for choices, message in [
        ({first.id: entries[0].id, second.id: entries[0].id}, "only one unit"),
        ({first.id: entries[1].id}, "Only finalists"),
        ({first.id: None}, "at least one unit"),
        ({open_contest.units[0].id: entries[0].id}, "this contest's units"),
    ]:
        with pytest.raises(ContestError, match=message):
            services.announce_winners(org.test_staff, contest, choices, today=AFTER_CLOSE)
        db.session.rollback()
    assert count(Award) == 0 and count(Placement) == 0
    services.announce_winners(
        org.test_staff, contest, {first.id: entries[0].id, second.id: None}, today=AFTER_CLOSE
    )
    db.session.commit()
    assert first.status == UnitStatus.LET and second.status == UnitStatus.LISTED
    with pytest.raises(ContestError, match="cannot become"):
        services.announce_winners(org.test_staff, contest, {second.id: entries[0].id})


def test_the_prize_period_runs_and_each_prize_is_evaluated(judging, org):
    _judged(judging, org)
    unit = judging.units[0]
    choice = {unit.id: judging.test_entries[0].id}
    [award] = services.announce_winners(org.test_staff, judging, choice, today=AFTER_VOTE)
    with pytest.raises(ContestError, match="starts on"):
        services.start_prize_period(org.test_staff, judging, today=STARTS - timedelta(days=1))
    services.start_prize_period(org.test_staff, judging, today=STARTS)
    assert judging.status == ContestStatus.RUNNING
    with pytest.raises(ContestError, match="prize period runs until"):
        services.evaluate_award(
            org.test_staff, award, Outcome.CONTINUED, None, today=STARTS + timedelta(days=200)
        )
    stopped_on = STARTS + timedelta(days=190)  # the winner stops after six months
    services.evaluate_award(
        org.test_staff,
        award,
        Outcome.OFFERED_AGAIN,
        "The winner moved to a bigger shop.",
        today=stopped_on,
    )
    db.session.commit()
    assert award.outcome == Outcome.OFFERED_AGAIN and award.evaluated_at
    assert (
        award.placement.status == PlacementStatus.ENDED and award.placement.end_date == stopped_on
    )
    assert unit.status == UnitStatus.LISTED and unit.vacant_since == stopped_on
    assert judging.status == ContestStatus.EVALUATED
    with pytest.raises(ContestError, match="while the prize period runs"):
        services.evaluate_award(org.test_staff, award, Outcome.CONTINUED, None, today=stopped_on)


def test_a_winner_who_continues_is_recorded_after_the_prize_period(judging, org):
    _judged(judging, org)
    [award] = services.announce_winners(
        org.test_staff, judging, {judging.units[0].id: judging.test_entries[0].id}, today=AFTER_VOTE
    )
    services.start_prize_period(org.test_staff, judging, today=STARTS)
    services.evaluate_award(
        org.test_staff,
        award,
        Outcome.CONTINUED,
        "Going strong.",
        today=services.prize_ends_on(judging),
    )
    assert award.placement.status != PlacementStatus.ENDED
    assert judging.units[0].status == UnitStatus.LET
    assert judging.status == ContestStatus.EVALUATED


def test_only_staff_of_the_organisation_move_the_contest(open_contest, make_org, make_user):
    for stranger in (make_org().test_staff, make_user("juror"), make_user("starter")):
        for step in (services.close_entries, services.start_judging, services.close_judging):
            with pytest.raises(ContestError, match="staff"):
                step(stranger, open_contest)
        with pytest.raises(ContestError, match="staff"):
            services.cancel_contest(stranger, open_contest, "No reason")
        with pytest.raises(ContestError, match="staff"):
            services.invite_juror(stranger, open_contest, "x@example.nl", "X")
