"""Relations: only the organisation's staff, the contact timeline, follow-ups on "Te doen",
owners without an account (import, invitation, claim), segments and messages to them, and the
person's privacy export and erasure."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from tests.conftest import PASSWORD
from tests.units.test_import import csv_bytes, unit_row
from vrijstad import clock
from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.privacy import services as privacy
from vrijstad.relations import services
from vrijstad.relations.models import (
    Contact,
    ContactKind,
    Message,
    MessageSend,
    Relation,
    RelationKind,
)
from vrijstad.submissions import new_key
from vrijstad.todo.services import open_tasks
from vrijstad.units import importer
from vrijstad.units import services as units
from vrijstad.units.models import Unit, UnitStatus


@pytest.fixture
def org(make_org):
    return make_org()


def add_relation(organisation, **values) -> Relation:
    data = {"kind": "owner", "name": "Jan de Vries", "email": None, **values}
    relation = services.create_relation(organisation.test_staff, organisation, data)
    db.session.commit()
    return relation


def months_ago(months: int):
    return clock.add_months(clock.today(), -months)


# Who sees relations ----------------------------------------------------------------------------


def test_only_the_organisations_staff_see_its_relations(
    app, org, make_org, make_user, login, client
):
    relation = add_relation(org, email="jan@example.nl")
    pages = [
        f"/relations/{relation.id}",
        f"/organisations/{org.id}/relations",
        f"/organisations/{org.id}/relations/message",
        f"/relations/{relation.id}/edit",
    ]
    assert client.get(pages[0]).status_code == 302  # anonymous: to the login
    for person in (make_org().test_staff, make_user("landlord"), make_user("starter")):
        login(person)
        for page in pages:
            assert client.get(page).status_code == 404, (person.email, page)
        answer = client.post(f"/relations/{relation.id}/contacts", data={"kind": "call"})
        assert answer.status_code == 404
        assert client.post(f"/relations/{relation.id}/delete").status_code == 404
        client.post("/logout")
    assert db.session.get(Relation, relation.id) is not None
    login(org.test_staff)
    assert client.get("/relations").location.endswith(f"/organisations/{org.id}/relations")
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert "Jan de Vries" in client.get(pages[1]).text


def test_a_relation_is_made_with_a_clear_error_for_a_taken_address(org, login, client):
    add_relation(org, email="jan@example.nl")
    login(org.test_staff)
    answer = client.post(
        f"/organisations/{org.id}/relations/new",
        data={"kind": "broker", "name": "Makelaar Smit", "email": "JAN@example.nl"},
    )
    assert answer.status_code == 422
    assert "Een andere relatie heeft dit e-mailadres al." in answer.text
    answer = client.post(
        f"/organisations/{org.id}/relations/new",
        data={"kind": "broker", "name": "Makelaar Smit", "company": "Smit BV", "phone": "0612"},
    )
    assert answer.status_code == 303
    smit = db.session.scalar(sa.select(Relation).where(Relation.name == "Makelaar Smit"))
    assert smit.kind == RelationKind.BROKER and smit.company == "Smit BV"


# Contacts and follow-ups -----------------------------------------------------------------------


def test_contacts_go_on_the_timeline_with_who_logged_them(org, login, client):
    relation = add_relation(org)
    login(org.test_staff)
    url = f"/relations/{relation.id}/contacts"
    yesterday = clock.today() - timedelta(days=1)
    answer = client.post(
        url, data={"kind": "visit", "happened_on": yesterday.isoformat(), "note": "Pand bekeken"}
    )
    assert answer.status_code == 303
    client.post(url, data={"kind": "call", "happened_on": clock.today().isoformat()})
    page = client.get(f"/relations/{relation.id}").text
    timeline = page.split('id="timeline"', 1)[1]
    assert timeline.index("telefoongesprek") < timeline.index("bezoek")  # newest first
    assert "Pand bekeken" in timeline and f"vastgelegd door {org.test_staff.name}" in timeline

    future = clock.today() + timedelta(days=1)
    answer = client.post(url, data={"kind": "call", "happened_on": future.isoformat()})
    assert answer.status_code == 422
    assert "Een contact kan niet in de toekomst liggen." in answer.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 2


def test_a_relation_is_removed_with_its_timeline_and_messages(org, login, client):
    relation = add_relation(org, email="jan@example.nl")
    other = add_relation(org, name="Els Bakker")
    services.log_contact(
        org.test_staff, relation, ContactKind.CALL, clock.today(), "Gebeld", None, None
    )
    services.log_contact(
        org.test_staff, other, ContactKind.CALL, clock.today(), "Ook gebeld", None, None
    )
    message = Message(organisation_id=org.id, subject="Nieuws", body="Hallo")
    message.sends = [MessageSend(relation_id=relation.id, address="jan@example.nl")]
    db.session.add(message)
    db.session.commit()
    login(org.test_staff)
    page = client.get(f"/relations/{relation.id}")
    assert "Verwijder Jan de Vries" in page.text

    gone, kept = relation.id, other.id
    answer = client.post(f"/relations/{gone}/delete")
    assert answer.status_code == 303 and answer.location.endswith(
        f"/organisations/{org.id}/relations"
    )
    assert "Jan de Vries is verwijderd" in client.get(answer.location).text
    db.session.expire_all()
    assert db.session.get(Relation, gone) is None
    assert client.get(f"/relations/{gone}").status_code == 404
    left = db.session.execute(sa.select(Contact.relation_id, Contact.note)).all()
    assert left == [(kept, "Ook gebeld")]  # the other relation keeps its timeline
    assert not db.session.scalars(sa.select(MessageSend)).all()
    assert db.session.get(Message, message.id) is not None  # what was sent stays on record


def test_a_relation_holding_units_for_an_owner_without_account_is_kept(org, login, client):
    newcomer = type("Owner", (), {"email": "piet@example.nl"})
    importer.import_units(
        org.test_staff,
        org,
        importer.read_rows("panden.csv", csv_bytes([unit_row(newcomer, status="draft")])),
    )
    db.session.commit()
    piet = db.session.scalar(sa.select(Relation).where(Relation.email == "piet@example.nl"))
    login(org.test_staff)
    answer = client.post(f"/relations/{piet.id}/delete", follow_redirects=True)
    assert f"nog panden zonder eigenaar-account op naam van {piet.name} (1)" in answer.text
    db.session.expire_all()
    assert db.session.get(Relation, piet.id) is not None and len(piet.units) == 1


def follow_up_tasks(organisation) -> list:
    with current_app.test_request_context():
        tasks = open_tasks([organisation.id], clock.today())
    return [task for task in tasks if task.kind == "relations.follow_up"]


def test_a_follow_up_is_on_te_doen_until_it_is_done(org, login, client):
    relation = add_relation(org, name="Mevrouw Bakker")
    login(org.test_staff)
    soon = clock.today() + timedelta(days=2)
    client.post(
        f"/relations/{relation.id}/contacts",
        data={
            "kind": "call",
            "happened_on": clock.today().isoformat(),
            "next_on": soon.isoformat(),
            "next_what": "Huurprijs bespreken",
        },
    )
    [task] = follow_up_tasks(org)
    assert task.due == soon and task.detail == "Huurprijs bespreken"
    page = client.get("/todo").text
    assert "Mevrouw Bakker" in page and f"/relations/{relation.id}" in page

    # The next call closes it (no new one given).
    client.post(
        f"/relations/{relation.id}/contacts",
        data={"kind": "call", "happened_on": clock.today().isoformat()},
    )
    assert follow_up_tasks(org) == []

    services.set_follow_up(db.session.get(Relation, relation.id), soon, "Contract sturen")
    db.session.commit()
    assert len(follow_up_tasks(org)) == 1
    client.post(f"/relations/{relation.id}/follow-up/done")
    assert follow_up_tasks(org) == []
    assert "Mevrouw Bakker" not in client.get("/todo").text


def test_a_follow_up_needs_a_date_and_what_to_do(org, login, client):
    relation = add_relation(org)
    login(org.test_staff)
    answer = client.post(
        f"/relations/{relation.id}/contacts",
        data={"kind": "call", "happened_on": clock.today().isoformat(), "next_what": "Bellen"},
    )
    assert answer.status_code == 422
    assert "Geef zowel de datum als wat er moet gebeuren, of geen van beide." in answer.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 0


# Owners without an account ---------------------------------------------------------------------


def test_an_unknown_owner_gets_a_relation_and_claims_the_units_by_invitation(
    app, org, make_user, login, client, outbox
):
    landlord = make_user("landlord")
    newcomer = type("Owner", (), {"email": "Piet@Example.nl"})
    rows = [
        unit_row(newcomer, huisnummer="1", status="draft"),
        unit_row(newcomer, huisnummer="2", status="draft"),
        unit_row(landlord, huisnummer="3"),
    ]
    result = importer.import_units(
        org.test_staff, org, importer.read_rows("panden.csv", csv_bytes(rows))
    )
    db.session.commit()
    assert result.errors == []
    held = db.session.scalars(sa.select(Unit).where(Unit.owner_id.is_(None))).all()
    assert sorted(u.house_number for u in held) == [1, 2]
    piet = db.session.scalar(sa.select(Relation).where(Relation.email == "piet@example.nl"))
    assert piet.kind == RelationKind.OWNER and piet.user_id is None
    assert sorted(u.house_number for u in piet.units) == [1, 2]
    known = db.session.scalar(sa.select(Relation).where(Relation.email == landlord.email))
    assert known.user_id == landlord.id and [u.house_number for u in known.units] == [3]

    # A held unit cannot be listed before its owner claims it.
    with pytest.raises(units.UnitError, match="nog niet|not claimed"):
        units.change_status(org.test_staff, held[0], UnitStatus.LISTED)
    db.session.rollback()

    login(org.test_staff)
    page = client.get(f"/units/{held[0].id}")
    assert page.status_code == 200 and "nog niet geclaimd" in page.text
    assert "wacht op de eigenaar" in client.get(f"/organisations/{org.id}/units").text
    client.post(f"/relations/{piet.id}/invite")
    [mail] = outbox()
    assert mail["To"] == "piet@example.nl"
    link = re.search(
        r"http://[^\s]+/relations/claim/[^\s]+", mail.get_body(("plain",)).get_content()
    ).group(0)
    path = link.split("localhost", 1)[1]
    client.post("/logout")

    assert client.get(path.replace("/claim/", "/claim/x")).status_code == 410
    page = client.get(path)
    assert page.status_code == 200 and "Kerkstraat 1" in page.text
    answer = client.post(
        path, data={"name": "Piet Jansen", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert answer.status_code == 303, answer.text
    user = db.session.scalar(sa.select(User).where(User.email == "piet@example.nl"))
    assert user.is_landlord and user.email_verified_at is not None
    db.session.expire_all()
    assert {
        u.owner_id
        for u in db.session.scalars(sa.select(Unit).where(Unit.id.in_([u.id for u in held])))
    } == {user.id}
    assert db.session.get(Relation, piet.id).user_id == user.id
    again = client.post(path, data={})
    assert again.status_code == 422 and "al geclaimd" in again.text


def test_a_listed_row_of_an_owner_without_account_is_refused(org):
    stranger = type("Owner", (), {"email": "nieuw@example.nl"})
    rows = importer.read_rows("panden.csv", csv_bytes([unit_row(stranger)]))
    result = importer.import_units(org.test_staff, org, rows)
    assert [(e.line, e.column) for e in result.errors] == [(2, "status")]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Relation)) == 0


# Segments and messages -------------------------------------------------------------------------


@pytest.fixture
def street(org, make_unit):
    """Owners in Hoogstraat and Kerkstraat, units empty for long and short."""
    area = org.areas[0]

    def owner(name, email, **unit):
        unit.setdefault("status", UnitStatus.DRAFT)
        relation = add_relation(org, name=name, email=email)
        services.link_unit(relation, make_unit(area=area, **unit))
        db.session.commit()
        return relation

    return {
        "long": owner("Anna", "anna@example.nl", vacant_since=months_ago(8)),
        "silent": owner("Bert", None, vacant_since=months_ago(9)),
        "short": owner("Cor", "cor@example.nl", vacant_since=months_ago(2)),
        "elsewhere": owner(
            "Dirk", "dirk@example.nl", street="Kerkstraat", vacant_since=months_ago(8)
        ),
        "let": owner("Els", "els@example.nl", status=UnitStatus.LET, vacant_since=months_ago(8)),
    }


def test_the_segment_is_the_long_empty_units_of_one_street(org, street, login, client):
    segment = services.Segment(street="hoogstraat", vacant_months=6)
    assert [r.name for r in services.segment_of(org.id, segment)] == ["Anna", "Bert"]
    by_kind = services.Segment(kind=RelationKind.BROKER)
    assert services.segment_of(org.id, by_kind) == []
    login(org.test_staff)
    page = client.get(f"/organisations/{org.id}/relations?street=Hoogstraat&vacant_months=6")
    names = re.findall(r'/relations/\d+">(\w+)</a>', page.text)
    assert names == ["Anna", "Bert"]


def test_a_message_is_sent_once_and_recorded_per_person(org, street, login, client, outbox):
    login(org.test_staff)
    url = f"/organisations/{org.id}/relations/message"
    form = {
        "street": "Hoogstraat",
        "vacant_months": "6",
        "subject": "Leegstand in de Hoogstraat",
        "body": "Kom je praten over een starter in je pand?",
        "key": new_key(),
    }
    first = client.post(url, data=form)
    second = client.post(url, data=form)  # a double click
    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    [message] = db.session.scalars(sa.select(Message)).all()
    sends = {s.relation.name: s for s in message.sends}
    assert set(sends) == {"Anna", "Bert"}
    assert sends["Anna"].address == "anna@example.nl" and sends["Anna"].sent_at is not None
    assert sends["Bert"].address is None and not sends["Bert"].reached
    [mail] = outbox()
    assert mail["To"] == "anna@example.nl" and mail["Subject"] == "Leegstand in de Hoogstraat"
    assert "Kom je praten" in mail.get_body(("plain",)).get_content()

    result = client.get(first.location).text
    assert "niet bereikt: geen e-mailadres" in result
    timeline = client.get(f"/relations/{street['long'].id}").text.split('id="timeline"')[1]
    assert "Leegstand in de Hoogstraat" in timeline and "anna@example.nl" in timeline


def test_an_empty_segment_or_message_is_refused(org, street, login, client, outbox):
    login(org.test_staff)
    url = f"/organisations/{org.id}/relations/message"
    nobody = {"street": "Nergensstraat", "subject": "Hallo", "body": "Tekst", "key": new_key()}
    answer = client.post(url, data=nobody)
    assert answer.status_code == 422
    assert "Geen enkele relatie valt in dit segment" in answer.text
    empty = {"street": "Hoogstraat", "subject": " ", "body": "", "key": new_key()}
    answer = client.post(url, data=empty)
    assert answer.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MessageSend)) == 0
    assert outbox() == []


# Privacy ---------------------------------------------------------------------------------------


def test_a_persons_relations_are_in_their_export_and_go_with_their_account(org, make_user):
    person = make_user("landlord", email="kees@example.nl")
    relation = add_relation(org, name="Kees", email="kees@example.nl", phone="0612345678")
    assert relation.user_id == person.id
    services.log_contact(
        org.test_staff, relation, ContactKind.CALL, clock.today(), "Belde over de huur"
    )
    db.session.commit()
    [exported] = privacy.export_data(person)["relations"]
    assert exported["phone"] == "0612345678"
    assert exported["contacts"][0]["note"] == "Belde over de huur"
    privacy.delete_account(person, PASSWORD)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Relation)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 0
