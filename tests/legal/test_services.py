"""The rules of versions and consent, without a request."""

import pytest

from vrijstad.extensions import db
from vrijstad.legal import services
from vrijstad.legal.models import LegalKind

TERMS, PRIVACY = LegalKind.TERMS, LegalKind.PRIVACY


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def test_only_a_published_version_asks_anything(ctx, make_user):
    user, admin = make_user("starter"), make_user("admin")
    assert services.outstanding(user) == []  # the shipped texts: nobody is asked
    services.record_consent(user)
    assert services.accepted_numbers(user) == {TERMS: 0, PRIVACY: 0}
    first = services.publish(admin, TERMS, "Eerste versie.")
    second = services.publish(admin, TERMS, "Tweede versie.")
    assert (first.version, second.version) == (1, 2)
    assert services.outstanding(user) == [TERMS]
    services.record_consent(user, [TERMS])
    assert services.outstanding(user) == []
    assert services.accepted_numbers(user) == {TERMS: 2, PRIVACY: 0}
    services.publish(admin, PRIVACY, "Privacy, versie een.")
    assert services.outstanding(user) == [PRIVACY]
    assert services.current_version(TERMS).body == "Tweede versie."
    assert services.version_of(TERMS, 1).body == "Eerste versie."
    assert services.version_of(TERMS, 3) is None


def test_publishing_needs_a_platform_admin_and_a_text(ctx, make_user, make_org):
    for person in (make_user("starter"), make_user("landlord"), make_org().test_staff):
        with pytest.raises(services.LegalError):
            services.publish(person, TERMS, "Mijn eigen regels.")
    with pytest.raises(services.LegalError):
        services.publish(make_user("admin"), TERMS, " \r\n ")
    db.session.rollback()
    assert services.history(TERMS) == []


def test_the_shipped_text_is_in_the_reader_s_language():
    assert "Gebruiksvoorwaarden" not in services.default_version(TERMS, "nl").body
    assert "Je account" in services.default_version(TERMS, "nl").body
    assert "Your account" in services.default_version(TERMS, "en").body
    assert "Je account" in services.default_version(TERMS, "de").body  # no German: Dutch


def test_rendering_shows_html_as_text_and_drops_script_links():
    html = services.render("# Kop\n\n<b>vet</b> [a](javascript:alert(1)) [b](https://x.example)")
    assert "<h1>Kop</h1>" in html
    assert "&lt;b&gt;vet&lt;/b&gt;" in html
    assert 'href="javascript:' not in html
    assert '<a href="https://x.example">b</a>' in html
