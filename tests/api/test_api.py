"""The open-data API: pages in a stable order, private fields only with the right token,
JSON errors with a reason, rate limits, and token management by organisation admins."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from vrijstad.api.models import ApiToken
from vrijstad.extensions import db
from vrijstad.units.models import UnitStatus

PRIVATE = {"vacant_since", "days_vacant", "vacancy_class", "bag_id", "owner_name"}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_areas_with_streets(client, city):
    body = client.get("/api/v1/areas?lang=en").json
    assert body["total"] == 2 and body["page"] == 1 and body["next"] is None
    first = body["items"][0]
    assert (first["id"], first["name"], first["city"]) == (city.area.id, "Centrum", "Dijkerveen")
    assert [s["name"] for s in first["streets"]] == ["Hoogstraat", "Kerkstraat"]
    assert first["organisation"]["name"] == city.org.name
    assert client.get("/api/v1/areas?city=ELDERS").json["total"] == 1
    assert client.get(f"/api/v1/areas/{city.area.id}").json["id"] == city.area.id


def test_units_are_the_public_ones_in_a_stable_order(client, city):
    body = client.get(f"/api/v1/units?area_id={city.area.id}&per_page=2").json
    # Public units of the area: h2, h3 (listed), k2 (in talks); not let, draft or withdrawn.
    assert body["total"] == 3 and body["pages"] == 2
    ids = [u["id"] for u in body["items"]]
    assert ids == sorted(ids) == [city.units["h2"].id, city.units["h3"].id]
    assert body["prev"] is None and "page=2" in body["next"] and "per_page=2" in body["next"]
    second = client.get(body["next"]).json
    assert [u["id"] for u in second["items"]] == [city.units["k2"].id]
    assert second["next"] is None and "page=1" in second["prev"]
    assert not PRIVATE & set(body["items"][0])
    beyond = client.get(f"/api/v1/units?area_id={city.area.id}&page=9").json
    assert beyond["items"] == [] and beyond["total"] == 3
    assert client.get("/api/v1/units?street=KERKSTRAAT").json["total"] == 1


def test_a_token_adds_private_fields_of_its_own_units_only(client, city, token):
    body = client.get("/api/v1/units", headers=bearer(token)).json
    by_area = {}
    for unit in body["items"]:
        by_area.setdefault(unit["area_id"], []).append(unit)
    for unit in by_area[city.area.id]:
        assert set(unit) >= PRIVATE
        assert unit["owner_name"] == "Lies Verhuurder"
    k2 = next(u for u in by_area[city.area.id] if u["id"] == city.units["k2"].id)
    assert (k2["days_vacant"], k2["vacancy_class"]) == (1095, "long_term")
    for unit in by_area[city.other_org.areas[0].id]:
        assert not PRIVATE & set(unit)
    # Its organisation may read a draft of its own by id; the public may not.
    h4 = city.units["h4"].id
    assert client.get(f"/api/v1/units/{h4}").status_code == 404
    own = client.get(f"/api/v1/units/{h4}", headers=bearer(token)).json
    assert own["status"] == UnitStatus.DRAFT and own["vacancy_class"] == "structural"


def test_bad_and_revoked_tokens_are_refused(client, login, city, token):
    answer = client.get("/api/v1/areas?lang=en", headers=bearer("vsd_nonsense"))
    assert answer.status_code == 401
    assert answer.json["error"] == "Unauthorized"
    assert "revoked or mistyped" in answer.json["message"]
    answer = client.get("/api/v1/areas?lang=en", headers={"Authorization": "Basic abc"})
    assert answer.status_code == 401 and "Bearer" in answer.json["message"]
    login(city.admin)
    stored = db.session.query(ApiToken).one()
    assert stored.token_hash != token and token not in stored.token_hash  # only the hash
    client.post(f"/organisations/{city.org.id}/api-tokens/{stored.id}/revoke")
    assert client.get("/api/v1/areas", headers=bearer(token)).status_code == 401


def test_vacancy_per_month_from_the_snapshots(client, city, snapshots):
    first, last = snapshots
    body = client.get(f"/api/v1/areas/{city.area.id}/vacancy").json
    assert [i["period"] for i in body["items"]] == [first.strftime("%Y-%m"), last.strftime("%Y-%m")]
    item = body["items"][-1]
    assert item["street"] is None
    assert (item["units_total"], item["units_vacant"], item["vacancy_rate_count"]) == (7, 4, 57.1)
    assert (item["floor_area_vacant_m2"], item["vacancy_rate_area"]) == (500, 50.0)
    assert (item["frictional_units"], item["long_term_units"], item["structural_units"]) == (
        1,
        2,
        1,
    )
    one = client.get(
        f"/api/v1/areas/{city.area.id}/vacancy?street=kerkstraat&from={last:%Y-%m}"
    ).json
    assert [(i["street"], i["vacancy_rate_count"]) for i in one["items"]] == [("Kerkstraat", 33.3)]
    # 'from' after 'to' is valid, and a period without months.
    empty = client.get(f"/api/v1/areas/{city.area.id}/vacancy?from={last:%Y-%m}&to={first:%Y-%m}")
    assert (empty.status_code, empty.json["items"], empty.json["total"]) == (200, [], 0)


@pytest.mark.parametrize(
    ("path", "status", "reason"),
    [
        ("/api/v1/units?page=0", 422, "page"),
        ("/api/v1/units?per_page=1000", 422, "per_page"),
        ("/api/v1/units?area_id=abc", 422, "area_id"),
        ("/api/v1/units?city=%00", 422, "city"),
        ("/api/v1/areas/1/vacancy?from=2026-13", 422, "from"),
        ("/api/v1/areas/999999", 404, "no area"),
        ("/api/v1/areas/99999999999", 404, "not found"),
        ("/api/v1/units/999999", 404, "no listed unit"),
        ("/api/v1/nothing", 404, ""),
    ],
)
def test_errors_are_json_with_a_reason(client, city, path, status, reason):
    response = client.get(path + ("&" if "?" in path else "?") + "lang=en")
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.json
    assert body["status"] == status and body["message"]
    assert reason.lower() in str(body).lower()


def test_post_is_not_allowed_and_needs_no_csrf(client, city):
    response = client.post("/api/v1/areas", csrf=False)
    assert response.status_code == 405
    assert response.mimetype == "application/json"


def test_rate_limited_per_address_and_per_token(app, client, city, token):
    app.config.update(API_RATE_LIMIT="3 per minute", API_TOKEN_RATE_LIMIT="5 per minute")
    try:
        statuses = [client.get("/api/v1/areas?lang=en").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.get("/api/v1/areas?lang=en")
        assert limited.json["status"] == 429 and "Too many requests" in limited.json["message"]
        assert "Retry-After" in limited.headers
        # A valid token has its own, larger allowance; a made-up one counts as the address.
        assert client.get("/api/v1/areas", headers=bearer(token)).status_code == 200
        assert client.get("/api/v1/areas", headers=bearer("vsd_made_up")).status_code == 429
    finally:
        app.config.update(API_RATE_LIMIT="60 per minute", API_TOKEN_RATE_LIMIT="600 per minute")


def test_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert {
        "/api/v1/areas",
        "/api/v1/areas/{area_id}",
        "/api/v1/areas/{area_id}/vacancy",
        "/api/v1/units",
        "/api/v1/units/{unit_id}",
    } <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_only_organisation_admins_manage_tokens(client, login, city):
    path = f"/organisations/{city.org.id}/api-tokens/"
    login(city.staff)
    assert client.get(path).status_code == 403
    assert client.post(path, data={"name": "x"}).status_code == 403
    client.post("/logout")
    login(city.admin)
    assert client.get(path).status_code == 200
    response = client.post(path, data={"name": "Website BIZ"})
    assert response.status_code == 201
    plain = re.search(r'<code class="token">([^<]+)</code>', response.text)[1]
    assert client.get("/api/v1/areas", headers=bearer(plain)).status_code == 200
    assert plain not in client.get(path).text  # shown once
    assert client.post(path, data={"name": ""}).status_code == 422
    other = db.session.query(ApiToken).one()
    client.post("/logout")
    login(city.other_org.test_staff)
    assert client.post(f"{path}{other.id}/revoke").status_code == 403


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TRANSLATIONS = Path(__file__).resolve().parents[2] / "vrijstad" / "translations"


def test_the_tokens_page_shows_the_header_to_send_in_full(client, login, city):
    """The placeholder in 'Bearer <token>' was swallowed by the browser as an unknown tag."""
    login(city.admin)
    page = client.get(f"/organisations/{city.org.id}/api-tokens/").text
    assert "<code>Authorization: Bearer &lt;token&gt;</code>" in page  # the admin reads English


def test_no_template_text_holds_an_angle_bracket_word_a_browser_would_swallow():
    """Translated template strings are rendered as markup: `<token>` would become a tag."""
    tags = {"a", "strong", "em", "code", "br", "abbr", "b", "i", "span", "kbd", "small"}
    with open(TRANSLATIONS / "nl/LC_MESSAGES/messages.po", "rb") as po:
        catalogue = {message.id: message.string for message in read_po(po) if message.id}
    found = []
    for path in TEMPLATES.rglob("*.html"):
        for msgid in re.findall(r'_\(\s*"((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8")):
            for text in (msgid, catalogue.get(msgid) or ""):
                found += [
                    (path.name, name)
                    for name in re.findall(r"<\s*/?\s*([A-Za-z][\w-]*)", text)
                    if name.lower() not in tags
                ]
    assert not found
