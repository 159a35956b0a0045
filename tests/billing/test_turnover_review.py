"""Reviewing a turnover report: "Approve" and "Send the question" are two buttons, two actions."""

import sqlalchemy as sa

from tests.fixtures_lettings import a_year_ago
from vrijstad.extensions import db
from vrijstad.letting.models import TurnoverReport, TurnoverStatus


def _report(place) -> TurnoverReport:
    placement = place(base=50_000, turnover_bp=500)
    report = TurnoverReport(
        placement_id=placement.id, period=a_year_ago(), turnover_cents=2_000_000, evidence_key="x"
    )
    db.session.add(report)
    db.session.commit()
    return report


def _status(report: TurnoverReport) -> TurnoverStatus:
    return db.session.scalar(sa.select(TurnoverReport.status).where(TurnoverReport.id == report.id))


def test_the_page_shows_two_clearly_labelled_buttons(ctx, client, login, collective, place):
    report = _report(place)
    login(collective.staff)
    period = report.period.strftime("%Y-%m")
    page = client.get(f"/collectives/{collective.id}?period={period}").text
    assert "Goedkeuren of vragen" not in page
    assert 'value="approve"' in page and ">Goedkeuren</button>" in page
    assert 'value="ask"' in page and ">Vraag versturen</button>" in page


def test_approve_ignores_a_typed_question_and_ask_needs_one(ctx, client, login, collective, place):
    report = _report(place)
    login(collective.staff)
    url = f"/turnover/{report.id}/review"
    empty = client.post(url, data={"decision": "ask", "question": ""}, follow_redirects=True)
    assert "Typ de vraag" in empty.text
    assert _status(report) == TurnoverStatus.SUBMITTED
    client.post(url, data={"decision": "ask", "question": "Klopt de kassastaat van week 2?"})
    assert _status(report) == TurnoverStatus.QUESTIONED
    other = _report(place)
    client.post(
        f"/turnover/{other.id}/review", data={"decision": "approve", "question": "vergeten"}
    )
    assert _status(other) == TurnoverStatus.CHECKED
