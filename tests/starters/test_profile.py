"""The starter profile: validation of Dutch identifiers, completeness, the business plan."""

import io

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from vrijstad.extensions import db
from vrijstad.pdf import Document
from vrijstad.starters.models import BranchGroup, SpaceKind, StarterProfile

GOOD = {
    "trade_name": "Fietsatelier Vélo",
    "concept": "Repairs and refurbished bikes",
    "branch_group": "leisure_goods",
    "required_use": "detailhandel",
    "city": "Dijkerveen",
    "kvk_number": "1234 5678",
    "btw_id": "nl000099998b57",
    "iban": "NL91 ABNA 0417 1643 00",
    "min_area_m2": "40",
    "max_area_m2": "90",
    "budget": "1.250,00",
    "earliest_start": "2027-02-01",
    "space_kind": "popup",
}


def a_pdf() -> bytes:
    doc = Document("Ondernemingsplan")
    doc.paragraph("Wij repareren fietsen.")
    return doc.output()


def profile_of(user) -> StarterProfile | None:
    return db.session.scalar(sa.select(StarterProfile).where(StarterProfile.user_id == user.id))


def test_a_complete_profile_is_saved_normalised(client, login, make_user, make_org):
    area = make_org().areas[0]
    starter = make_user("starter")
    login(starter)
    response = client.post("/my/profile", data=GOOD | {"area_ids": [str(area.id)]})
    assert response.status_code == 302
    profile = profile_of(starter)
    assert profile.kvk_number == "12345678" and profile.btw_id == "NL000099998B57"
    assert profile.iban == "NL91ABNA0417164300" and profile.budget_cents_per_month == 125_000
    assert (
        profile.branch_group == BranchGroup.LEISURE_GOODS and profile.space_kind == SpaceKind.POPUP
    )
    assert [a.id for a in profile.areas] == [area.id]
    page = client.get("/my/profile").text
    assert "91%" in page and "ondernemingsplan" in page  # everything but the plan


def test_bad_identifiers_are_explained_and_nothing_is_saved(client, login, make_user):
    starter = make_user("starter")
    login(starter)
    bad = GOOD | {
        "kvk_number": "1234567",
        "btw_id": "NL12345678B01",
        "iban": "NL91ABNA0417164301",
        "min_area_m2": "90",
        "max_area_m2": "40",
        "budget": "-5",
    }
    response = client.post("/my/profile", data=bad)
    assert response.status_code == 422
    for message in (
        "precies 8 cijfers",
        "NL123456789B01",
        "IBAN is niet geldig",
        "minstens zo groot",
        "maandbudget",
    ):
        assert message in response.text, message
    assert profile_of(starter) is None


def test_only_starters_have_a_profile(client, login, make_user):
    login(make_user("landlord"))
    assert client.get("/my/profile").status_code == 403
    assert client.post("/my/profile", data=GOOD).status_code == 403


def test_plan_upload_is_checked_by_content(client, login, make_user):
    starter = make_user("starter")
    login(starter)
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    fake = client.post(
        "/my/profile/plan", data={"plan": (io.BytesIO(png), "plan.pdf")}, follow_redirects=True
    )
    assert "moet een pdf-bestand zijn" in fake.text
    broken = client.post(
        "/my/profile/plan",
        data={"plan": (io.BytesIO(b"%PDF-1.7\ngarbage"), "plan.pdf")},
        follow_redirects=True,
    )
    assert "beschadigd" in broken.text
    assert profile_of(starter) is None or profile_of(starter).plan_key is None

    pdf = a_pdf()
    ok = client.post(
        "/my/profile/plan", data={"plan": (io.BytesIO(pdf), "../../etc/Mijn plan.pdf")}
    )
    assert ok.status_code == 302
    profile = profile_of(starter)
    assert profile.plan_filename == "Mijn plan.pdf" and profile.plan_size == len(pdf)
    with client.get("/my/profile/plan.pdf") as download:
        assert download.status_code == 200 and download.data == pdf
        assert "attachment" in download.headers["Content-Disposition"]


def test_plan_over_ten_megabytes_gets_the_413_page(client, login, make_user):
    starter = make_user("starter")
    login(starter)
    huge = b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024 + 10)
    # Encoded in memory: the test client would otherwise spool it to a file it never closes.
    boundary, body = encode_multipart({"plan": FileStorage(io.BytesIO(huge), "plan.pdf")})
    response = client.post(
        "/my/profile/plan", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413 and "10 MB" in response.text
    assert profile_of(starter) is None or profile_of(starter).plan_key is None


def test_landlord_of_an_applied_unit_downloads_the_plan_others_do_not(
    app, client, login, make_user, make_unit, make_org
):
    from vrijstad.applications import services

    org = make_org()
    unit = make_unit(area=org.areas[0])
    starter = make_user("starter")
    login(starter)
    client.post("/my/profile/plan", data={"plan": (io.BytesIO(a_pdf()), "plan.pdf")})
    with app.test_request_context():
        application = services.submit_application(starter, unit, "A long enough motivation text.")
        db.session.commit()
    client.post("/logout")
    login(unit.owner)
    with client.get(f"/applications/{application.id}/plan.pdf") as download:
        assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    client.post("/logout")
    login(make_user("landlord"))
    assert client.get(f"/applications/{application.id}/plan.pdf").status_code == 404


def test_upload_plan_keeps_the_fields_typed_above_it(client, login, make_user):
    """Issue 23: typing the profile and then pressing "Plan uploaden" threw the typing away."""
    starter = make_user("starter")
    login(starter)
    no_file = client.post("/my/profile/plan", data=GOOD)
    assert no_file.status_code == 422 and "Kies een pdf-bestand" in no_file.text
    assert 'value="Fietsatelier Vélo"' in no_file.text  # shown again as typed
    assert profile_of(starter) is None

    uploaded = client.post(
        "/my/profile/plan", data=GOOD | {"plan": (io.BytesIO(a_pdf()), "plan.pdf")}
    )
    assert uploaded.status_code == 302
    profile = profile_of(starter)
    assert profile.trade_name == "Fietsatelier Vélo" and profile.kvk_number == "12345678"
    assert profile.plan_filename == "plan.pdf"


def test_a_refused_plan_keeps_the_typed_fields_and_saves_nothing(client, login, make_user):
    starter = make_user("starter")
    login(starter)
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    response = client.post("/my/profile/plan", data=GOOD | {"plan": (io.BytesIO(png), "plan.pdf")})
    assert response.status_code == 422 and "moet een pdf-bestand zijn" in response.text
    assert 'value="Fietsatelier Vélo"' in response.text
    assert profile_of(starter) is None
