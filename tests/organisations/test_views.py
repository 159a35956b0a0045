"""Organisations, areas and staff invitations, and who may see them."""

import re
from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import PASSWORD
from vrijstad import clock
from vrijstad.extensions import db
from vrijstad.organisations.models import Invitation, MemberRole, Membership, Organisation


def org_form(**overrides):
    data = {
        "name": "Centrummanagement Zandvoort",
        "kind": "binnenstadsmanagement",
        "kvk_number": "1234 5678",
        "city": "Zandvoort",
    }
    data.update(overrides)
    return data


def test_platform_admin_creates_an_organisation(client, make_user, login):
    login(make_user("admin"))
    response = client.post("/admin/organisations", data=org_form())
    assert response.status_code == 302
    organisation = db.session.scalar(sa.select(Organisation))
    assert organisation.kvk_number == "12345678"
    assert organisation.city == "Zandvoort"


def test_kvk_number_must_have_eight_digits(client, make_user, login):
    login(make_user("admin"))
    for bad in ("1234567", "123456789", "1234567a"):
        response = client.post("/admin/organisations", data=org_form(kvk_number=bad))
        assert response.status_code == 422
        assert "Een KvK-nummer heeft precies 8 cijfers." in response.text
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0


def test_only_platform_admins_reach_the_admin_pages(client, make_user, make_org, login):
    organisation = make_org()
    login(organisation.test_staff)
    assert client.get("/admin/organisations").status_code == 403
    assert client.post("/admin/organisations", data=org_form()).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 1


def test_staff_of_one_organisation_get_403_on_another(client, make_org, login):
    mine = make_org()
    theirs = make_org()
    login(mine.test_staff)
    assert client.get(f"/organisations/{mine.id}").status_code == 200
    their_area = theirs.areas[0]
    assert client.get(f"/organisations/{theirs.id}").status_code == 403
    assert client.get(f"/areas/{their_area.id}").status_code == 403
    blocked = client.post(
        f"/areas/{their_area.id}/streets", data={"name": "Kerkstraat", "grade": "A2"}
    )
    assert blocked.status_code == 403
    assert (
        client.post(
            f"/organisations/{theirs.id}/areas",
            data={"name": "Nieuw", "city": "X", "kind": "district"},
        ).status_code
        == 403
    )
    db.session.refresh(their_area)
    assert [s.name for s in their_area.streets] == ["Hoogstraat"]


def test_landlords_and_anonymous_visitors_cannot_open_organisation_pages(
    client, make_org, make_user, login
):
    organisation = make_org()
    assert client.get(f"/organisations/{organisation.id}").status_code == 302  # to login
    login(make_user("landlord"))
    assert client.get(f"/organisations/{organisation.id}").status_code == 403


def test_staff_add_areas_and_graded_streets(client, make_org, login):
    organisation = make_org()
    login(organisation.test_staff)
    response = client.post(
        f"/organisations/{organisation.id}/areas",
        data={"name": "Aanloopstraten", "city": "Dijkerveen", "kind": "approach_streets"},
    )
    assert response.status_code == 302
    area_url = response.headers["Location"]
    client.post(f"{area_url}/streets", data={"name": "Molenstraat", "grade": "B2"})
    duplicate = client.post(f"{area_url}/streets", data={"name": "molenstraat", "grade": "C"})
    assert duplicate.status_code == 422
    assert "Deze straat hoort al bij het gebied." in duplicate.text
    page = client.get(area_url)
    assert "Molenstraat" in page.text and "B2" in page.text


def invite(client, organisation, email="nieuw@binnenstad.nl", role="staff"):
    return client.post(
        f"/organisations/{organisation.id}/invitations", data={"email": email, "role": role}
    )


def invitation_link(outbox) -> str:
    body = outbox()[-1].get_body(("plain",)).get_content()
    return re.search(r"http://localhost(/organisations/invitations/\S+)", body).group(1)


def test_only_organisation_admins_invite(client, make_org, login, outbox):
    organisation = make_org(staff_role="staff")
    login(organisation.test_staff)
    assert invite(client, organisation).status_code == 403
    assert outbox() == []


def test_invitation_creates_account_and_membership(client, make_org, login, outbox):
    organisation = make_org(staff_role="admin")
    login(organisation.test_staff)
    assert invite(client, organisation).status_code == 302
    assert [m["To"] for m in outbox()] == ["nieuw@binnenstad.nl"]
    link = invitation_link(outbox)
    client.post("/logout")
    page = client.get(link)
    assert "Maak je account aan voor nieuw@binnenstad.nl" in page.text
    weak = client.post(link, data={"name": "Noor", "password": "abc", "confirm": "abc"})
    assert weak.status_code == 422
    accepted = client.post(link, data={"name": "Noor", "password": PASSWORD, "confirm": PASSWORD})
    assert accepted.status_code == 303  # see the organisation's page
    membership = db.session.scalar(
        sa.select(Membership)
        .where(Membership.organisation_id == organisation.id, Membership.role == MemberRole.STAFF)
        .where(Membership.user_id != organisation.test_staff.id)
    )
    assert membership.user.email == "nieuw@binnenstad.nl"
    assert membership.user.email_verified  # the invitation came to that address
    assert client.get(f"/organisations/{organisation.id}").status_code == 200
    client.post("/logout")
    reused = client.get(link)
    assert reused.status_code == 410
    assert "al geaccepteerd" in reused.text


def test_logged_in_user_accepts_only_an_invitation_for_their_address(
    client, make_org, make_user, login, outbox
):
    organisation = make_org(staff_role="admin")
    existing = make_user("landlord", email="henk@example.nl")
    login(organisation.test_staff)
    invite(client, organisation, email="henk@example.nl")
    link = invitation_link(outbox)
    client.post("/logout")
    login(make_user("starter", email="iemand-anders@example.nl"))
    refused = client.post(link)
    assert refused.status_code == 422 and "log in met dat adres" in refused.text  # on the form
    client.post("/logout")
    login(existing)
    assert client.post(link).status_code == 303
    assert client.get(f"/organisations/{organisation.id}").status_code == 200


def test_expired_invitation_is_refused(client, make_org, login, outbox):
    organisation = make_org(staff_role="admin")
    login(organisation.test_staff)
    invite(client, organisation)
    link = invitation_link(outbox)
    invitation = db.session.scalar(sa.select(Invitation))
    invitation.expires_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    client.post("/logout")
    response = client.get(link)
    assert response.status_code == 410
    assert "verlopen" in response.text
