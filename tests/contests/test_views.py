"""Contest pages: the public page, the staff's desk, entering, the jury and the public vote; who
may see and do what on each route, and that refused requests write nothing."""

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.contests.conftest import TODAY, all_scores, pdf_bytes
from vrijstad.auth.models import User
from vrijstad.contests import services
from vrijstad.contests.models import (
    Award,
    Contest,
    ContestEntry,
    ContestStatus,
    EntryStatus,
    Juror,
    JuryScore,
    Vote,
)
from vrijstad.extensions import db
from vrijstad.letting.models import Placement
from vrijstad.units import services as unit_services
from vrijstad.units.models import UnitStatus
from vrijstad.units.services import UnitError


def english(user):
    user.locale = "en"
    db.session.commit()
    return user


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def form_data(unit, **overrides) -> dict:
    return {
        "title": "Win een winkel Hoogstraat",
        "description": "Start your own shop in the Hoogstraat with a year of reduced rent.",
        "units": [str(unit.id)],
        "prize_kind": "sliding",
        "rent_free_months": "6",
        "discount_schedule": "1-6: 100, 7-8: 75, 9-10: 50, 11-12: 25",
        "prize_budget": "15.000",
        "lease_months": "24",
        "starts_on": (TODAY + timedelta(days=70)).isoformat(),
        "excluded_branches": ["daily_goods"],
        "min_entries": "3",
        "max_finalists": "5",
        "entries_open_on": TODAY.isoformat(),
        "entries_close_on": (TODAY + timedelta(days=14)).isoformat(),
        "shortlist_on": (TODAY + timedelta(days=21)).isoformat(),
        "pitch_on": (TODAY + timedelta(days=28)).isoformat(),
        "winner_on": (TODAY + timedelta(days=35)).isoformat(),
        "vote_share": "0",
        "criteria": "Creativity: 20\nFinancial feasibility: 30\nAdded value: 50",
    } | overrides


# Public pages and the desk -----------------------------------------------------------------


def test_staff_create_a_contest_through_the_form(client, login, org, unit):
    login(english(org.test_staff))
    page = client.get(f"/organisations/{org.id}/contests/new")
    assert page.status_code == 200 and unit.address in page.text
    vague = form_data(unit, discount_schedule="the first half year")
    refused = client.post(f"/organisations/{org.id}/contests/new", data=vague)
    assert refused.status_code == 422 and "Write the discount as months" in refused.text
    late = client.post(
        f"/organisations/{org.id}/contests/new",
        data=form_data(unit, shortlist_on=TODAY.isoformat()),
    )
    assert late.status_code == 422 and "The shortlist follows the entry deadline" in late.text
    assert count(Contest) == 0
    created = client.post(f"/organisations/{org.id}/contests/new", data=form_data(unit))
    contest = db.session.scalar(sa.select(Contest))
    assert created.status_code == 302 and created.location.endswith(
        f"/contests/{contest.id}/manage"
    )
    assert contest.discount_schedule[1] == {"from": 7, "to": 8, "pct_bp": 7500}
    assert contest.prize_budget_cents == 1_500_000 and len(contest.criteria) == 3
    desk = client.get(f"/contests/{contest.id}/manage")
    assert "Open the call" in desk.text
    assert client.post(f"/contests/{contest.id}/status/open").status_code == 302
    db.session.refresh(contest)
    assert contest.status == ContestStatus.OPEN


def test_a_draft_is_hidden_and_a_published_call_is_public(client, make_contest, org):
    contest = make_contest()
    assert client.get(f"/contests/{contest.id}").status_code == 404
    assert "Win een winkel Dijkerveen" not in client.get("/contests?lang=en").text
    services.open_contest(org.test_staff, contest, today=TODAY)
    db.session.commit()
    page = client.get(f"/contests/{contest.id}?lang=en")
    assert page.status_code == 200
    for text in (
        "The prize",
        "Months 7–8: 75 % discount",
        "Units to win",
        "Timeline",
        contest.units[0].address,
        "Financial feasibility",
        "No snack bars.",
    ):
        assert text in page.text
    assert "Win een winkel Dijkerveen" in client.get("/contests?lang=en").text
    unit_page = client.get(f"/units/{contest.units[0].id}?lang=en")
    assert f"/contests/{contest.id}" in unit_page.text


def test_other_organisations_jurors_and_starters_cannot_use_the_desk(
    client, login, open_contest, make_org, make_user, make_starter
):
    before = (open_contest.status, count(Juror))
    for person in (make_org().test_staff, make_user("juror"), make_starter(name="Nieuwsgierig")):
        client.post("/logout")
        login(person)
        contest_id = open_contest.id
        assert client.get(f"/contests/{contest_id}/manage").status_code == 403
        assert client.get(f"/contests/{contest_id}/edit").status_code == 403
        assert client.post(f"/contests/{contest_id}/status/close").status_code == 403
        juror = {"name": "X", "email": "x@example.nl"}
        assert client.post(f"/contests/{contest_id}/jurors", data=juror).status_code == 403
        assert (
            client.post(
                f"/contests/{contest_id}/status/cancel", data={"reason": "Gewoon"}
            ).status_code
            == 403
        )
        assert (
            client.get(f"/organisations/{open_contest.organisation_id}/contests/new").status_code
            == 403
        )
    db.session.expire_all()
    assert (open_contest.status, count(Juror)) == before


def test_a_refused_step_shows_the_reason_and_writes_nothing(client, login, open_contest, org):
    login(english(org.test_staff))
    response = client.post(f"/contests/{open_contest.id}/status/close")
    assert response.status_code == 409 and "Entries are open until" in response.text
    assert client.post(f"/contests/{open_contest.id}/status/explode").status_code == 404
    db.session.refresh(open_contest)
    assert open_contest.status == ContestStatus.OPEN


# Entering ----------------------------------------------------------------------------------


def test_a_starter_enters_with_a_pdf_and_only_she_reads_it(
    client, login, open_contest, starter, make_starter
):
    login(english(starter))
    page = client.get(f"/contests/{open_contest.id}/entry")
    assert page.status_code == 200 and "Sanne&#39;s Koffie" in page.text  # from the profile
    response = client.post(
        f"/contests/{open_contest.id}/entry",
        data={
            "trade_name": "Sanne's Koffie",
            "branch_group": "leisure_horeca",
            "idea": "Coffee and books.",
            "plan": (io.BytesIO(pdf_bytes(2)), "plan.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    entry = db.session.scalar(sa.select(ContestEntry))
    assert entry.plan_pages == 2
    download = client.get(f"/contests/entries/{entry.id}/plan.pdf")
    assert download.data.startswith(b"%PDF-")
    download.close()
    assert "Your entry is in" in client.get(f"/contests/{open_contest.id}/entry").text
    client.post("/logout")
    login(make_starter(name="Ander"))
    assert client.get(f"/contests/entries/{entry.id}").status_code == 404
    assert client.get(f"/contests/entries/{entry.id}/plan.pdf").status_code == 404
    assert client.post(f"/contests/entries/{entry.id}/withdraw").status_code == 404


def test_an_entry_after_the_deadline_or_with_a_long_pdf_is_refused(
    client, login, open_contest, starter, make_user
):
    login(english(starter))
    data = {"trade_name": "Te Laat", "branch_group": "services", "idea": "An idea."}
    three = data | {"plan": (io.BytesIO(pdf_bytes(3)), "plan.pdf")}
    response = client.post(
        f"/contests/{open_contest.id}/entry", data=three, content_type="multipart/form-data"
    )
    assert response.status_code == 422 and "3 pages; at most 2" in response.text
    excluded = client.post(
        f"/contests/{open_contest.id}/entry", data=data | {"branch_group": "daily_goods"}
    )
    assert excluded.status_code == 422
    open_contest.entries_open_on = TODAY - timedelta(days=20)
    open_contest.entries_close_on = TODAY - timedelta(days=1)
    db.session.commit()
    late = client.post(
        f"/contests/{open_contest.id}/entry",
        data=data | {"plan": (io.BytesIO(pdf_bytes(1)), "plan.pdf")},
        content_type="multipart/form-data",
    )
    assert late.status_code == 422 and "Entries closed on" in late.text
    assert count(ContestEntry) == 0
    client.post("/logout")
    login(make_user("landlord"))
    assert client.get(f"/contests/{open_contest.id}/entry").status_code == 403


# The jury ----------------------------------------------------------------------------------


def test_jurors_see_only_their_contests_finalists(
    client, login, judging, make_contest, make_juror, org, make_unit, enter
):
    juror = english(judging.test_jurors[0])
    other = make_contest(units=[make_unit(area=org.areas[0])])
    services.open_contest(org.test_staff, other, today=TODAY)
    outsider = enter(other)
    make_juror(other, name="Andere jury")
    judging.test_entries[2].status = EntryStatus.NOT_SHORTLISTED  # as if not chosen
    db.session.commit()
    login(juror)
    page = client.get(f"/contests/{judging.id}/jury")
    assert page.status_code == 200
    assert "Atelier A" in page.text and "Café C" not in page.text
    assert client.get(f"/contests/entries/{judging.test_entries[0].id}").status_code == 200
    assert client.get(f"/contests/entries/{judging.test_entries[2].id}").status_code == 404
    assert client.get(f"/contests/entries/{outsider.id}").status_code == 404
    assert client.get(f"/contests/{other.id}/jury").status_code == 403
    assert client.get(f"/contests/{judging.id}/manage").status_code == 403
    assert client.post(f"/contests/entries/{outsider.id}/score").status_code == 404
    client.post("/logout")
    login(judging.test_entries[0].starter)  # an entrant is no juror
    assert client.get(f"/contests/{judging.id}/jury").status_code == 403


def _score_form(contest, entry, value) -> dict:
    return {f"e{entry.id}-scores-{i}": str(value) for i in range(len(contest.criteria))}


def test_a_juror_scores_in_place_once_and_within_the_scale(client, login, judging):
    login(english(judging.test_jurors[0]))
    entry = judging.test_entries[0]
    url = f"/contests/entries/{entry.id}/score"
    htmx = {"HX-Request": "true"}
    outside = client.post(url, data=_score_form(judging, entry, 11), headers=htmx)
    assert outside.status_code == 422 and "whole number from 1 to 10" in outside.text
    assert count(JuryScore) == 0
    done = client.post(url, data=_score_form(judging, entry, 8), headers=htmx)
    assert done.status_code == 200 and done.text.lstrip().startswith("<article")
    assert "Your scores:" in done.text and "Your scores are saved." in done.text
    again = client.post(url, data=_score_form(judging, entry, 9), headers=htmx)
    assert again.status_code == 422 and "cannot be changed" in again.text
    assert {s.score for s in db.session.scalars(sa.select(JuryScore))} == {8}


def test_a_juror_cannot_see_other_scores_until_judging_closes(client, login, judging, org):
    first, second = judging.test_jurors
    services.score_entry(second, judging.test_entries[0], all_scores(judging, 3))
    db.session.commit()
    login(english(first))
    page = client.get(f"/contests/{judging.id}/jury")
    assert "Ranking" not in page.text and "Every juror's scores" not in page.text
    services.close_judging(org.test_staff, judging, confirm_unscored=True)
    db.session.commit()
    page = client.get(f"/contests/{judging.id}/jury")
    assert "Ranking" in page.text and "Every juror's scores" in page.text


def test_declaring_a_conflict_without_htmx(client, login, judging):
    login(english(judging.test_jurors[1]))
    entry = judging.test_entries[1]
    response = client.post(
        f"/contests/entries/{entry.id}/conflict", data={f"c{entry.id}-note": "My cousin"}
    )
    assert response.status_code == 302
    page = client.get(response.location)
    assert "You declared a conflict of interest: My cousin" in page.text


def test_the_invitation_link_makes_a_juror_account_with_no_other_rights(
    client, open_contest, org, outbox, ctx
):
    services.invite_juror(org.test_staff, open_contest, "pers@example.nl", "Lokale Krant")
    db.session.commit()
    link = next(
        line
        for line in outbox()[-1].get_body(("plain",)).get_content().splitlines()
        if "/contests/jury/" in line
    )
    path = "/" + link.split("/", 3)[3].strip()
    assert client.get(path).status_code == 200
    response = client.post(
        path,
        data={"name": "Pia Pers", "password": "Correct-Horse-42", "confirm": "Correct-Horse-42"},
    )
    assert response.status_code == 303 and response.location.endswith(
        f"/contests/{open_contest.id}/jury"
    )
    user = db.session.scalar(sa.select(User).where(User.email == "pers@example.nl"))
    assert not (user.is_starter or user.is_landlord or user.is_admin)
    assert client.get(f"/contests/{open_contest.id}/jury").status_code == 200
    assert client.get(f"/contests/{open_contest.id}/manage").status_code == 403
    assert client.get(path).status_code == 410  # used


# The public vote and the result ------------------------------------------------------------


def test_the_public_vote_through_the_pages(client, judging, outbox):
    judging.vote_open_on = TODAY
    db.session.commit()
    entry = judging.test_entries[1]
    page = client.get(f"/contests/{judging.id}?lang=en")
    assert "Vote for your favourite" in page.text and "votes:" not in page.text
    bad = client.post(
        f"/contests/{judging.id}/vote?lang=en",
        data={"entry": str(entry.id), "email": "not-an-address"},
    )
    assert bad.status_code == 422 and count(Vote) == 0
    response = client.post(
        f"/contests/{judging.id}/vote?lang=en",
        data={"entry": str(entry.id), "email": "fan@example.nl"},
    )
    assert response.status_code == 302
    link = next(
        line
        for line in outbox()[-1].get_body(("plain",)).get_content().splitlines()
        if "/votes/" in line
    )
    path = "/" + link.split("/", 3)[3].strip()
    assert services.vote_counts(judging) == {}  # not confirmed yet
    confirm = client.get(path + "?lang=en")
    assert confirm.status_code == 200 and "Confirm my vote" in confirm.text
    assert client.post(path).status_code == 302
    assert services.vote_counts(judging) == {entry.id: 1}
    again = client.post(
        f"/contests/{judging.id}/vote?lang=en",
        data={"entry": str(entry.id), "email": "FAN@example.nl"},
    )
    assert again.status_code == 422 and "already voted" in again.text
    assert client.get("/contests/votes/nonsense").status_code == 410


def test_votes_are_rate_limited_per_contest_and_client_network(app, client, judging, monkeypatch):
    monkeypatch.setitem(app.config, "VOTE_RATE_LIMIT", "3 per hour")
    judging.vote_open_on = TODAY
    db.session.commit()
    entry = judging.test_entries[1]

    def vote(n: int, address: str):
        return client.post(
            f"/contests/{judging.id}/vote?lang=en",
            data={"entry": str(entry.id), "email": f"fan{n}@example.nl"},
            environ_base={"REMOTE_ADDR": address},
        )

    assert [vote(n, f"198.51.100.{n}").status_code for n in range(3)] == [302, 302, 302]
    assert vote(3, "198.51.100.77").status_code == 429  # the same /24: the same network
    assert vote(4, "203.0.113.5").status_code == 302  # another network still votes
    assert vote(5, "2001:db8::1").status_code == 302
    assert count(Vote) == 5


def test_the_owner_cannot_pull_a_prize_unit_away_while_it_is_judged(client, login, judging):
    """A reserved prize changes status only through the contest: the owner is told which."""
    unit = judging.units[0]
    owner = english(unit.owner)
    with pytest.raises(UnitError, match="prize of the contest “Win een winkel Dijkerveen”"):
        unit_services.change_status(owner, unit, UnitStatus.LET)
    db.session.rollback()
    login(owner)
    page = client.get(f"/units/{unit.id}")
    assert "prize of the contest" in page.text and "Mark as let" not in page.text
    for data in (
        {"status": "let"},
        {"status": "withdrawn", "reason": "Toch zelf gebruiken"},
        {"status": "listed"},
        {"status": "draft"},
    ):
        answer = client.post(f"/units/{unit.id}/status", data=data, follow_redirects=True)
        assert "the contest “Win een winkel Dijkerveen”" in answer.text, data
    db.session.refresh(unit)
    assert unit.status == UnitStatus.RESERVED


def test_staff_announce_the_winner_and_the_page_shows_the_result(client, login, judging, org):
    a, b, c = judging.test_entries
    for juror in judging.test_jurors:
        services.score_entry(juror, a, all_scores(judging, 6))
        services.score_entry(juror, b, all_scores(judging, 9))
        services.score_entry(juror, c, all_scores(judging, 6))
    services.close_judging(org.test_staff, judging, confirm_unscored=True)
    judging.vote_open_on = TODAY - timedelta(days=3)
    judging.vote_close_on = TODAY - timedelta(days=1)  # the vote is over
    db.session.commit()
    login(english(org.test_staff))
    desk = client.get(f"/contests/{judging.id}/manage")
    assert "(tie)" in desk.text  # Atelier A and Café C share second place
    unit = judging.units[0]
    response = client.post(f"/contests/{judging.id}/announce", data={"winners-0": str(b.id)})
    assert response.status_code == 302
    award = db.session.scalar(sa.select(Award))
    placement = db.session.get(Placement, award.placement_id)
    assert placement.starter_id == b.starter_id and placement.discount_bp(1) == 10000
    page = client.get(f"/contests/{judging.id}")
    assert "The result" in page.text and "Bakkerij B" in page.text
    assert unit.address in page.text
    again = client.post(f"/contests/{judging.id}/announce", data={"winners-0": str(a.id)})
    assert again.status_code == 422 and count(Award) == 1


def test_a_contest_page_describes_the_contest(client, open_contest):
    """Its meta description names the contest and its organisation, in the reader's language."""
    english = client.get(f"/contests/{open_contest.id}?lang=en").text
    assert (
        '<meta name="description" content="Win een winkel Dijkerveen: a Win een winkel contest'
        f" by {open_contest.organisation.name}. Start your shop in the Hoogstraat"
    ) in english
    dutch = client.get(f"/contests/{open_contest.id}?lang=nl").text
    assert "een Win een winkel-wedstrijd van" in dutch
