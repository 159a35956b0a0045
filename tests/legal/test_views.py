"""The terms and privacy statement: pages, consent at registration, new versions the platform
admin publishes and the users then accept, and who may publish."""

import warnings

import sqlalchemy as sa

from tests.auth.test_views import register
from tests.conftest import PASSWORD
from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.legal import services
from vrijstad.legal.models import Consent, LegalKind, LegalText

NEW_TERMS = "## Nieuwe regels\n\nVanaf nu geldt **dit**."


def consents(user) -> list[tuple[str, int]]:
    rows = db.session.scalars(sa.select(Consent).where(Consent.user_id == user.id))
    return sorted((c.kind.value, c.version) for c in rows)


def publish(client, login, admin, kind: str = "terms", body: str = NEW_TERMS):
    login(admin)
    response = client.post(f"/admin/legal/{kind}", data={"body": body})
    assert response.status_code == 302, response.text
    client.post("/logout")
    return response


def test_a_fresh_install_has_both_pages_linked_from_every_page(client):
    terms = client.get("/terms")
    assert terms.status_code == 200
    assert "<h1>Gebruiksvoorwaarden</h1>" in terms.text
    assert "De standaardtekst van Vrijstad" in terms.text
    assert "<h2>2. Je account</h2>" in terms.text  # the shipped Markdown, rendered
    privacy = client.get("/privacy")
    assert privacy.status_code == 200 and "<h1>Privacyverklaring</h1>" in privacy.text
    assert "Autoriteit Persoonsgegevens" in privacy.text
    home = client.get("/").text
    assert 'href="/terms"' in home and 'href="/privacy"' in home
    english = client.get("/privacy?lang=en").text
    assert "<h1>Privacy statement</h1>" in english and "Data Protection Authority" in english
    assert client.get("/terms/7").status_code == 404


def test_registration_needs_consent_with_links_to_both_texts(client):
    form = client.get("/register").text
    assert 'href="/terms"' in form and 'href="/privacy"' in form
    response = register(client, consent="")
    assert response.status_code == 422
    assert "alleen gebruiken als je akkoord gaat met de voorwaarden" in response.text
    assert 'aria-describedby="consent-error" aria-invalid="true" id="consent"' in response.text
    assert '<small id="consent-error" class="field-error">' in response.text
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_registration_records_the_versions_accepted(client, make_user, login):
    assert register(client).status_code == 302
    first = db.session.scalar(sa.select(User))
    assert consents(first) == [("privacy", 0), ("terms", 0)]  # the shipped texts
    publish(client, login, make_user("admin"))
    assert register(client, email="tweede@example.nl").status_code == 302
    second = db.session.scalar(sa.select(User).where(User.email == "tweede@example.nl"))
    assert consents(second) == [("privacy", 0), ("terms", 1)]
    accepted_at = db.session.scalar(
        sa.select(Consent.accepted_at).where(Consent.user_id == second.id)
    )
    assert accepted_at is not None


def test_the_admin_publishes_versions_that_stay_readable(client, login, make_user):
    admin = make_user("admin", name="Anna Beheer")
    login(admin)
    editor = client.get("/admin/legal/terms")
    assert editor.status_code == 200 and "2. Je account" in editor.text  # starts from the text
    assert client.post("/admin/legal/terms", data={"body": "  "}).status_code == 422
    assert client.post("/admin/legal/terms", data={"body": "Versie een."}).status_code == 302
    response = client.post("/admin/legal/terms", data={"body": NEW_TERMS}, follow_redirects=True)
    assert "Versie 2 is gepubliceerd" in response.text
    assert "Anna Beheer" in client.get("/admin/legal").text
    page = client.get("/terms").text
    assert "<h2>Nieuwe regels</h2>" in page and "<strong>dit</strong>" in page
    assert "Versie 2, gepubliceerd op" in page
    old = client.get("/terms/1").text
    assert "Versie een." in old and "Dit is een eerdere versie." in old
    assert "De standaardtekst" in client.get("/terms/0").text
    assert services.current_numbers() == {LegalKind.TERMS: 2, LegalKind.PRIVACY: 0}


def test_a_text_cannot_inject_html(client, login, make_user):
    body = '<script>alert("x")</script>\n\n[klik](javascript:alert(1)) <img src=x onerror=alert(1)>'
    publish(client, login, make_user("admin"), "privacy", body)
    page = client.get("/privacy").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript:' not in page


def test_after_a_new_version_a_user_accepts_it_at_the_next_request(client, login, make_user):
    starter = make_user("starter")
    login(starter)
    assert client.get("/my/applications").status_code == 200
    admin = make_user("admin")
    db.session.add(
        LegalText(kind=LegalKind.TERMS, version=1, body=NEW_TERMS, published_by_id=admin.id)
    )
    db.session.commit()
    asked = client.get("/my/applications")
    assert asked.status_code == 302 and asked.location == "/terms/accept"
    page = client.get("/terms/accept").text
    assert "We hebben onze voorwaarden gewijzigd" in page and 'href="/terms"' in page
    # Reading the texts, downloading one's data or deleting the account stays possible.
    for url in ("/terms", "/privacy", "/account/data.json", "/account/delete"):
        assert client.get(url).status_code == 200, url
    refused = client.post("/terms/accept", data={})
    assert refused.status_code == 422 and "akkoord gaat met de voorwaarden" in refused.text
    assert consents(starter) == []
    accepted = client.post("/terms/accept", data={"consent": "y"})
    assert accepted.status_code == 302 and accepted.location == "/my/applications"
    assert consents(starter) == [("terms", 1)]
    assert client.get("/my/applications").status_code == 200


def test_a_user_logging_in_after_a_new_version_is_asked_first(client, login, make_user):
    admin, landlord = make_user("admin"), make_user("landlord")
    publish(client, login, admin, "privacy")
    response = client.post(
        "/login", data={"email": landlord.email, "password": PASSWORD}, follow_redirects=True
    )
    assert "We hebben onze voorwaarden gewijzigd" in response.text
    assert 'href="/privacy"' in response.text
    client.post("/terms/accept", data={"consent": "y"})
    assert consents(landlord) == [("privacy", 1)]
    # The admin who published is asked too, like everyone: nobody accepted on their behalf.
    assert services.outstanding(admin) == [LegalKind.PRIVACY]


def test_a_form_being_sent_is_not_lost_to_the_question(client, login, make_user):
    user = make_user("starter")
    login(user)
    db.session.add(LegalText(kind=LegalKind.TERMS, version=1, body=NEW_TERMS))
    db.session.commit()
    response = client.post("/language", data={"language": "en"})
    assert response.status_code == 302 and response.location == "/"
    db.session.refresh(user)
    assert user.locale == "en"
    fragment = client.get("/notifications", headers={"HX-Request": "true"})
    assert fragment.status_code != 302


def test_only_platform_admins_publish(client, login, make_user, make_org):
    assert client.get("/admin/legal/terms").status_code == 302  # to the login page
    for user in (make_user("starter"), make_user("landlord"), make_org().test_staff):
        login(user)
        assert client.get("/admin/legal").status_code == 403
        assert client.get("/admin/legal/terms").status_code == 403
        assert client.post("/admin/legal/terms", data={"body": "Mijn regels"}).status_code == 403
        client.post("/logout")
    assert db.session.scalar(sa.select(sa.func.count(LegalText.id))) == 0
    assert client.get("/admin/legal/other").status_code == 404


def test_the_data_export_holds_the_consents(client, login, make_user):
    assert register(client).status_code == 302
    user = db.session.scalar(sa.select(User))
    login(user)
    data = client.get("/account/data.json").json
    assert [(c["kind"], c["version"]) for c in data["consents"]] == [("terms", 0), ("privacy", 0)]
    assert data["account"]["email_verified_at"] is None


def test_a_huge_address_asked_for_consent_keeps_the_session_cookie_small(client, login, make_user):
    """The page to come back to lives in the session cookie: a 7 KB query string would push
    the cookie past what browsers keep, and the user would be logged out without a word."""
    starter = make_user("starter")
    login(starter)
    admin = make_user("admin")
    db.session.add(
        LegalText(kind=LegalKind.TERMS, version=1, body=NEW_TERMS, published_by_id=admin.id)
    )
    db.session.commit()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # werkzeug warns of a cookie browsers drop
        asked = client.get("/my/matches?page=" + "9" * 7000)
    assert asked.status_code == 302 and asked.location == "/terms/accept"
    accepted = client.post("/terms/accept", data={"consent": "y"})
    assert accepted.location == "/my/matches"  # the page, without its huge query
