"""Pipeline pages: who may see and do what, htmx board moves, offers, viewings, agreements."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.fixtures_lettings import MOTIVATION
from vrijstad import clock
from vrijstad.applications import services
from vrijstad.applications.models import Application, ApplicationStatus, Offer
from vrijstad.extensions import db
from vrijstad.letting.models import Placement
from vrijstad.notifications.models import Notification
from vrijstad.starters.models import SpaceKind
from vrijstad.units import services as unit_services
from vrijstad.units.models import UnitStatus


def test_starter_applies_through_the_form(client, login, unit, starter):
    login(starter)
    page = client.get(f"/units/{unit.id}")
    assert f"/units/{unit.id}/apply" in page.text
    response = client.post(f"/units/{unit.id}/apply", data={"motivation": MOTIVATION})
    assert response.status_code == 302
    application = db.session.scalar(sa.select(Application))
    assert response.location.endswith(f"/applications/{application.id}")
    assert "Je hebt op dit pand gereageerd" in client.get(f"/units/{unit.id}").text
    again = client.post(f"/units/{unit.id}/apply", data={"motivation": MOTIVATION})
    assert again.status_code == 303 and again.location == response.location  # the first one
    assert "al een open reactie" in client.get(again.location).text
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 1


def test_apply_form_shows_the_problem_and_stores_nothing(client, login, unit, starter):
    login(starter)
    response = client.post(f"/units/{unit.id}/apply", data={"motivation": "kort"})
    assert response.status_code == 422
    assert "minstens 20" in response.text or "tussen 20" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 0


def test_landlords_cannot_apply_and_drafts_are_hidden(client, login, make_unit, unit, org):
    login(unit.owner)
    assert (
        client.post(f"/units/{unit.id}/apply", data={"motivation": MOTIVATION}).status_code == 403
    )
    draft = make_unit(area=org.areas[0], status=UnitStatus.DRAFT)
    assert client.get(f"/units/{draft.id}/apply").status_code == 404


def test_a_starter_cannot_open_another_starters_application(
    ctx, client, login, unit, starter, make_starter
):
    application = services.submit_application(starter, unit, MOTIVATION)
    db.session.commit()
    login(make_starter(name="Nieuwsgierig"))
    assert client.get(f"/applications/{application.id}").status_code == 404
    assert client.post(f"/applications/{application.id}/withdraw").status_code == 404
    assert (
        client.post(f"/applications/{application.id}/messages", data={"body": "hoi"}).status_code
        == 404
    )
    db.session.refresh(application)
    assert application.status == ApplicationStatus.SUBMITTED and not application.messages


def test_another_landlord_cannot_move_or_see(
    ctx, client, login, unit, starter, make_user, make_org
):
    application = services.submit_application(starter, unit, MOTIVATION)
    db.session.commit()
    for stranger in (make_user("landlord"), make_org().test_staff):
        client.post("/logout")
        login(stranger)
        assert client.get(f"/applications/{application.id}").status_code == 404
        response = client.post(
            f"/applications/{application.id}/move", data={"status": "shortlisted"}
        )
        assert response.status_code == 404
        assert "Sanne" not in client.get("/pipeline").text
    db.session.refresh(application)
    assert application.status == ApplicationStatus.SUBMITTED


def test_anonymous_visitors_are_sent_to_login(client, unit):
    for url in (
        "/pipeline",
        "/my/applications",
        f"/units/{unit.id}/apply",
        "/my/profile",
        "/notifications",
        "/account/data.json",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location


def test_board_shows_columns_and_moves_by_htmx(ctx, client, login, unit, org, starter):
    application = services.submit_application(starter, unit, MOTIVATION)
    db.session.commit()
    login(org.test_staff)
    board = client.get("/pipeline")
    assert board.status_code == 200
    for column in ("ingediend", "op de shortlist", "bezichtiging", "aanbod gedaan", "afgewezen"):
        assert column in board.text
    response = client.post(
        f"/applications/{application.id}/move",
        data={"status": "shortlisted"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="board">')  # a fragment, not a page
    assert "<html" not in response.text and "Verplaatst naar op de shortlist" in response.text
    db.session.refresh(application)
    assert application.status == ApplicationStatus.SHORTLISTED


def test_board_refuses_an_illegal_move_with_a_message(ctx, client, login, unit, starter):
    application = services.submit_application(starter, unit, MOTIVATION)
    services.reject(unit.owner, application)
    db.session.commit()
    login(unit.owner)
    response = client.post(
        f"/applications/{application.id}/move",
        data={"status": "shortlisted"},
        headers={"HX-Request": "true"},
    )
    assert "kan niet" in response.text
    response = client.post(f"/applications/{application.id}/move", data={"status": "bogus"})
    assert response.status_code == 400
    db.session.refresh(application)
    assert application.status == ApplicationStatus.REJECTED


def test_board_filters_by_unit_and_area(ctx, client, login, make_unit, unit, org, starter):
    other_unit = make_unit(area=org.areas[0], owner=unit.owner, street="Kerkstraat")
    services.submit_application(starter, unit, MOTIVATION)
    services.submit_application(starter, other_unit, MOTIVATION)
    db.session.commit()
    login(unit.owner)
    everything = client.get("/pipeline").text
    assert everything.count('id="application-') == 2
    one = client.get(f"/pipeline?unit={other_unit.id}").text
    assert one.count('id="application-') == 1 and "Kerkstraat" in one
    assert client.get("/pipeline?unit=abc&area=-1").status_code == 200  # garbage: no 500


def test_pipeline_is_not_for_starters(client, login, starter):
    login(starter)
    assert client.get("/pipeline").status_code == 403


def test_offer_form_validates_and_starter_accepts(ctx, client, login, unit, starter):
    application = services.submit_application(starter, unit, MOTIVATION)
    services.shortlist(unit.owner, application)
    db.session.commit()
    login(unit.owner)
    start = clock.today() + timedelta(days=10)
    bad = {
        "kind": "popup",
        "start_date": start.isoformat(),
        "end_date": (start - timedelta(days=1)).isoformat(),
        "base_fee": "950,00",
    }
    response = client.post(f"/applications/{application.id}/offer", data=bad)
    assert response.status_code == 422 and "na de startdatum" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Offer.id))) == 0
    good = bad | {"end_date": (start + timedelta(days=180)).isoformat(), "turnover_pct": "8,5"}
    good["turnover_pct"] = "8.5"
    response = client.post(
        f"/applications/{application.id}/offer", data=good | {"deposit": "1.900"}
    )
    assert response.status_code == 302
    offer = db.session.scalar(sa.select(Offer))
    assert (offer.base_fee_cents_per_month, offer.turnover_basis_points, offer.deposit_cents) == (
        95_000,
        850,
        190_000,
    )

    client.post("/logout")
    login(starter)
    page = client.get(f"/applications/{application.id}")
    assert "€\xa0950,00" in page.text and "8,50 %" in page.text
    version = services.offer_version(db.session.scalar(sa.select(Offer)))
    accepted = client.post(
        f"/applications/{application.id}/accept", data={"version": version, "read_terms": "y"}
    )
    assert accepted.status_code == 302
    placement = db.session.scalar(sa.select(Placement))
    page = client.get(f"/applications/{application.id}")
    assert f"/placements/{placement.id}/agreement.pdf" in page.text
    pdf = client.get(f"/placements/{placement.id}/agreement.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert pdf.headers["Content-Type"] == "application/pdf"
    search = client.get("/units?city=Dijkerveen")
    assert f"/units/{unit.id}" not in search.text  # a let unit is out of the search


def test_agreement_pdf_states_the_terms(ctx, unit, offered):
    from io import BytesIO

    from pypdf import PdfReader

    from vrijstad.letting.services import agreement_pdf

    placement = services.accept_offer(offered.starter, offered)
    db.session.commit()
    text = "".join(
        page.extract_text() for page in PdfReader(BytesIO(agreement_pdf(placement))).pages
    )
    for expected in (
        "Sanne's Koffie",
        "87654321",
        unit.area.organisation.kvk_number,
        "Hoogstraat",
        "950,00",
        "8,50 %",
        "1.900,00",
    ):
        assert expected in text, expected


def test_agreement_is_private(ctx, client, login, unit, offered, make_user, make_starter):
    placement = services.accept_offer(offered.starter, offered)
    db.session.commit()
    for stranger in (make_user("landlord"), make_starter(name="Ander")):
        client.post("/logout")
        login(stranger)
        assert client.get(f"/placements/{placement.id}/agreement.pdf").status_code == 404
    client.post("/logout")
    login(unit.owner)
    assert client.get(f"/placements/{placement.id}/agreement.pdf").status_code == 200


def test_accepting_a_withdrawn_offer_is_refused_with_a_message(ctx, client, login, unit, offered):
    services.withdraw_offer(unit.owner, offered)
    db.session.commit()
    login(offered.starter)
    response = client.post(
        f"/applications/{offered.id}/accept",
        data={"version": "oud", "read_terms": "y"},
        follow_redirects=True,
    )
    assert "niet meer open" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Placement.id))) == 0


def test_viewing_form_plans_and_offers_an_ics(ctx, client, login, unit, starter, outbox):
    application = services.submit_application(starter, unit, MOTIVATION)
    db.session.commit()
    login(unit.owner)
    day = clock.today() + timedelta(days=5)
    form = {"day": day.isoformat(), "time": "14:30", "duration": "30"}
    response = client.post(f"/applications/{application.id}/viewing", data=form)
    assert response.status_code == 302
    page = client.get(f"/applications/{application.id}")
    assert f"{day.strftime('%d-%m-%Y')} 14:30" in page.text
    viewing_id = application.id  # first viewing
    ics = client.get(f"/applications/{application.id}/viewings/{viewing_id}.ics")
    assert ics.status_code == 200 and b"DTSTART" in ics.data
    past = client.post(
        f"/applications/{application.id}/viewing",
        data={"day": "2020-01-01", "time": "10:00", "duration": "30"},
    )
    assert past.status_code == 422 and "verleden" in past.text


def test_thread_by_htmx_returns_the_thread(ctx, client, login, unit, starter):
    application = services.submit_application(starter, unit, MOTIVATION)
    db.session.commit()
    login(starter)
    response = client.post(
        f"/applications/{application.id}/messages",
        data={"body": "<script>alert(1)</script>Wanneer kan ik kijken?"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="thread"')
    assert "&lt;script&gt;" in response.text and "<script>alert" not in response.text
    empty = client.post(
        f"/applications/{application.id}/messages",
        data={"body": " "},
        headers={"HX-Request": "true"},
    )
    assert empty.status_code == 422


def test_history_shows_who_moved_what(ctx, client, login, unit, org, starter):
    application = services.submit_application(starter, unit, MOTIVATION)
    services.shortlist(org.test_staff, application)
    db.session.commit()
    login(unit.owner)
    page = client.get(f"/applications/{application.id}").text
    assert "ingediend → op de shortlist" in page
    assert org.test_staff.name in page


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_notification_count_in_the_navigation(ctx, client, login, unit, starter, lang):
    services.submit_application(starter, unit, MOTIVATION)
    db.session.commit()
    login(unit.owner)
    client.post("/language", data={"language": lang})
    page = client.get("/notifications")
    assert 'class="badge">1' in page.text
    notification = db.session.scalar(sa.select(Notification))
    response = client.post(f"/notifications/{notification.id}/open")
    assert response.location.endswith(f"/applications/{notification.url.rsplit('/', 1)[1]}")
    assert 'class="badge"' not in client.get("/notifications").text


def test_someone_elses_notification_is_not_found(ctx, client, login, unit, starter):
    services.submit_application(starter, unit, MOTIVATION)
    db.session.commit()
    notification = db.session.scalar(sa.select(Notification))
    login(starter)
    assert client.post(f"/notifications/{notification.id}/open").status_code == 404
    db.session.refresh(notification)
    assert notification.read_at is None


def test_staff_close_an_area_as_pilot_others_cannot(client, login, org, make_org, unit):
    login(make_org().test_staff)
    assert client.post(f"/areas/{unit.area_id}/pilot", data={"closed": "1"}).status_code == 403
    client.post("/logout")
    login(org.test_staff)
    response = client.post(
        f"/areas/{unit.area_id}/pilot", data={"closed": "1"}, follow_redirects=True
    )
    assert "alleen open voor starters uit Dijkerveen" in response.text
    db.session.refresh(unit.area)
    assert unit.area.closed_pilot


def test_the_owner_cannot_let_a_unit_behind_an_open_offer(client, login, offered):
    """The offer holds the unit: letting or withdrawing it is refused, saying whose offer."""
    unit = offered.unit
    with pytest.raises(unit_services.UnitError, match="heeft een open aanbod"):
        unit_services.change_status(unit.owner, unit, UnitStatus.LET)
    db.session.rollback()
    login(unit.owner)
    assert "heeft een open aanbod voor dit pand" in client.get(f"/units/{unit.id}").text
    for data in ({"status": "let"}, {"status": "withdrawn", "reason": "Verkocht aan de buren"}):
        answer = client.post(f"/units/{unit.id}/status", data=data, follow_redirects=True)
        assert f"{offered.starter.name} heeft een open aanbod" in answer.text
    db.session.refresh(unit)
    assert unit.status == UnitStatus.IN_TALKS
    services.withdraw_offer(unit.owner, offered)  # through the workflow that holds it
    db.session.commit()
    client.post(f"/units/{unit.id}/status", data={"status": "let"})
    db.session.refresh(unit)
    assert unit.status == UnitStatus.LET


def test_the_offer_form_starts_from_the_unit_and_the_starters_wishes(
    ctx, client, login, unit, make_starter
):
    """Issue 23: the offer form defaulted to "pop-up" and left the unit's rent to be typed."""
    starter = make_starter(space_kind=SpaceKind.WHOLE_UNIT)
    unit.service_charges_cents_per_year = 1_200_00
    application = services.submit_application(starter, unit, MOTIVATION)
    services.shortlist(unit.owner, application)
    db.session.commit()
    login(unit.owner)
    page = client.get(f"/applications/{application.id}").text
    assert '<option selected value="whole_unit">' in page
    start = max(clock.today(), unit.available_from or clock.today())
    assert f'name="start_date" required type="date" value="{start.isoformat()}"' in page
    assert (
        f'name="base_fee" required type="text" value="{unit.rent_cents_per_month // 100}"' in page
    )
    assert "Servicekosten: € 100,00 per maand" in page.replace("\xa0", " ")
    blank = client.post(
        f"/applications/{application.id}/offer",
        data={"kind": "", "start_date": "2030-01-01", "end_date": "2031-01-01", "base_fee": "9"},
    )
    assert blank.status_code == 422 and "Kies het soort verhuur." in blank.text


def test_shortlisting_on_the_application_page_stays_there_and_says_so_once(
    ctx, client, login, unit, starter
):
    """Issue 23: "Op de shortlist" jumped to the board and confirmed twice."""
    application = services.submit_application(starter, unit, MOTIVATION)
    db.session.commit()
    login(unit.owner)
    moved = client.post(
        f"/applications/{application.id}/move", data={"status": "shortlisted", "back": "detail"}
    )
    assert moved.location.endswith(f"/applications/{application.id}")
    assert client.get(moved.location).text.count("Verplaatst naar op de shortlist.") == 1
    rejected = client.post(f"/applications/{application.id}/move", data={"status": "rejected"})
    assert client.get(rejected.location).text.count("Verplaatst naar afgewezen.") == 1


def test_a_fresh_application_tells_the_starter_what_comes_next(ctx, client, login, unit, starter):
    """Issue 23: "Volgende stappen" on a fresh application offered only "intrekken"."""
    application = services.submit_application(starter, unit, MOTIVATION)
    db.session.commit()
    login(starter)
    page = client.get(f"/applications/{application.id}").text
    assert "De verhuurder leest je reactie." in page
    assert 'href="#thread"' in page and "Mijn reactie intrekken" in page
