"""Template helpers: links with remembered URLs, translations found once per request."""

import pytest
from flask import render_template_string, session
from jinja2 import Environment

from vrijstad.i18n import catalogue, force_locale, refresh


def hrefs(page: str, *paths: str) -> dict[str, bool]:
    return {path: f'href="{path}"' in page for path in paths}


def test_links_below_a_path_prefix_carry_it_and_others_do_not(client, make_unit):
    """The app behind a proxy at /vrijstad: every link of the page starts there. The same
    page without the prefix (another proxy, or none) gets links without it."""
    unit = make_unit()
    prefixed = client.get("/units", base_url="http://localhost/vrijstad").text
    plain = client.get("/units").text
    assert hrefs(prefixed, "/vrijstad/units", f"/vrijstad/units/{unit.id}", "/vrijstad/login") == {
        "/vrijstad/units": True,
        f"/vrijstad/units/{unit.id}": True,
        "/vrijstad/login": True,
    }
    assert 'href="/vrijstad/static/css/app.css?v=' in prefixed
    assert hrefs(plain, "/units", f"/units/{unit.id}", "/login") == {
        "/units": True,
        f"/units/{unit.id}": True,
        "/login": True,
    }
    assert "/vrijstad/" not in plain


def test_full_links_name_the_host_each_request_came_in_on(app):
    template = "{{ url_for('units.index', _external=True) }} {{ url_for('units.index') }}"
    drawn = []
    for host in ("winkels.example.nl", "vrijstad.example.org"):
        with app.test_request_context("/", base_url=f"https://{host}"):
            drawn.append(render_template_string(template))
    assert drawn == [
        "https://winkels.example.nl/units /units",
        "https://vrijstad.example.org/units /units",
    ]


# What Jinja's own new-style gettext draws, for the same strings and catalogue.
SNIPPETS = [
    '{{ _("Search") }}',
    '{{ _("Photo of %(address)s", address=address) }}',
    '{{ gettext("Page %(page)d of %(pages)d", page=2, pages=5) }}',
    '{{ ngettext("%(num)d unit found", "%(num)d units found", 1) }}',
    '{{ ngettext("%(num)d unit found", "%(num)d units found", count) }}',
    '{{ _("50%% off") }}',
]


@pytest.mark.parametrize("autoescape", [True, False], ids=["html", "text"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_templates_translate_and_escape_as_jinjas_own_gettext_does(app, autoescape, language):
    reference = Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)
    values = {"address": 'Kerkstraat 1 <b>"A"</b> & Co', "count": 3}
    with app.test_request_context(f"/?lang={language}"):
        reference.install_gettext_callables(
            gettext=lambda s: catalogue().ugettext(s),
            ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
            newstyle=True,
        )
        ours = app.jinja_env.overlay(autoescape=autoescape)
        for snippet in SNIPPETS:
            expected = reference.from_string(snippet).render(values)
            assert ours.from_string(snippet).render(values) == expected, snippet
        dutch = ours.from_string(SNIPPETS[1]).render(values)
    if language == "nl" and autoescape:
        assert dutch == "Foto van Kerkstraat 1 &lt;b&gt;&#34;A&#34;&lt;/b&gt; &amp; Co"


def test_a_language_switch_within_a_request_takes_effect_at_once(app):
    template = '{{ _("Search") }} {{ 123456|eur }}'
    with app.test_request_context("/"):
        assert render_template_string(template) == "Zoeken €\xa01.234,56"
        with force_locale("en"):
            assert render_template_string(template) == "Search €1,234.56"
        assert render_template_string(template) == "Zoeken €\xa01.234,56"
        session["locale"] = "en"  # as the language switch stores it
        refresh()
        assert render_template_string(template) == "Search €1,234.56"


def test_links_with_equal_but_different_values_are_each_built_as_asked(app):
    """1, 1.0 and True are equal as Python values, but each makes its own link."""
    template = "{{ url_for('units.index', page=page) }}"
    with app.test_request_context("/"):
        drawn = [render_template_string(template, page=page) for page in (1, True, 1.0)]
    assert drawn == ["/units?page=1", "/units?page=True", "/units?page=1.0"]
