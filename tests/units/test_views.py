"""Unit pages: listing form, permissions, publishing, photos, public search and map."""

import io
import re
from datetime import timedelta

import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from vrijstad import clock
from vrijstad.extensions import db
from vrijstad.units.models import PermittedUse, Unit, UnitStatus
from vrijstad.units.search import UnitFilters, search_units


def unit_form(area_id, **overrides):
    data = {
        "street": "Kerkstraat",
        "house_number": "12",
        "house_letter": "a",
        "postcode": "7411hn",
        "city": "Dijkerveen",
        "area_id": str(area_id),
        "latitude": "52.2551",
        "longitude": "6.1602",
        "floor_area_vvo": "85",
        "floor_area_wvo": "70",
        "permitted_uses": ["detailhandel", "dienstverlening"],
        "energy_label": "C",
        "rent_cents_per_year": "18.000,00",
        "service_charges_cents_per_year": "1.200",
        "vat_opted": "y",
        "available_from": (clock.today() + timedelta(days=14)).isoformat(),
        "description": "Karakteristiek winkelpand met etalage.",
    }
    data.update(overrides)
    return data


def fetch(client, url):
    """GET a file and close the streamed response."""
    with client.get(url) as response:
        return response.status_code, response.data


def jpeg_bytes(size=(800, 600), exif=True) -> bytes:
    image = Image.new("RGB", size, (200, 80, 40))
    out = io.BytesIO()
    if exif:
        info = Image.Exif()
        info[0x010F] = "GeheimeCamera"  # Make
        info[0x8825] = {2: (52.0, 15.0, 0.0)}  # GPS
        image.save(out, "JPEG", exif=info)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def test_landlord_creates_a_draft_and_publishes_it(client, make_user, make_org, login):
    area = make_org().areas[0]
    landlord = make_user("landlord")
    login(landlord)
    response = client.post("/units/new", data=unit_form(area.id))
    assert response.status_code == 302, response.text
    unit = db.session.scalar(sa.select(Unit))
    assert (unit.postcode, unit.house_letter, unit.owner_id) == ("7411 HN", "a", landlord.id)
    assert unit.rent_cents_per_year == 1_800_000
    assert unit.service_charges_cents_per_year == 120_000
    assert unit.permitted_uses == [PermittedUse.DETAILHANDEL, PermittedUse.DIENSTVERLENING]
    assert unit.status == UnitStatus.DRAFT
    assert client.get("/units").text.count("Kerkstraat 12a") == 0  # drafts are private
    client.post(f"/units/{unit.id}/status", data={"status": "listed"})
    db.session.refresh(unit)
    assert unit.status == UnitStatus.LISTED
    client.post("/logout")
    page = client.get(f"/units/{unit.id}")
    assert page.status_code == 200
    assert "€\xa01.500,00" in page.text  # 18,000 a year is 1,500 a month
    assert "€\xa0211,76" in page.text  # rent per m² per year: 18,000 / 85


def test_bad_input_is_reported_per_field_and_saves_nothing(client, make_user, make_org, login):
    area = make_org().areas[0]
    login(make_user("landlord"))
    cases = {
        "postcode": ("1234 SA", "Vul een Nederlandse postcode in"),
        "bag_id": ("12345", "Een BAG-id heeft precies 16 cijfers."),
        "rent_cents_per_year": ("-500", "Vul een bedrag in tussen"),
        "floor_area_vvo": ("0", "85"),
        "available_from": ((clock.today() - timedelta(days=1)).isoformat(), "in het verleden"),
    }
    for name, (value, message) in cases.items():
        response = client.post("/units/new", data=unit_form(area.id, **{name: value}))
        assert response.status_code == 422, name
        if name != "floor_area_vvo":
            assert message in response.text, name
    absurd = client.post("/units/new", data=unit_form(area.id, rent_cents_per_year="9999999999"))
    assert absurd.status_code == 422
    not_a_number = client.post("/units/new", data=unit_form(area.id, rent_cents_per_year="veel"))
    assert "Vul een bedrag in euro&#39;s in" in not_a_number.text
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == 0


def test_inline_validation_returns_the_field_fragment(client, make_user, make_org, login):
    area = make_org().areas[0]
    login(make_user("landlord"))
    bad = client.post(
        "/units/validate/postcode",
        data=unit_form(area.id, postcode="0123 AB"),
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 200
    assert bad.text.strip().startswith('<div class="field" id="field-postcode"')
    assert 'hx-post="/units/validate/postcode"' in bad.text  # stays live after the swap
    assert "Vul een Nederlandse postcode in" in bad.text and "<html" not in bad.text
    good = client.post("/units/validate/postcode", data=unit_form(area.id))
    assert "field-error" not in good.text


def test_other_landlords_units_are_invisible_and_untouchable(client, make_user, make_unit, login):
    draft = make_unit(status=UnitStatus.DRAFT)
    listed = make_unit()
    login(make_user("landlord"))
    assert client.get(f"/units/{draft.id}").status_code == 404
    assert client.get(f"/units/{listed.id}").status_code == 200  # public
    assert client.get(f"/units/{listed.id}/edit").status_code == 404
    assert client.post(f"/units/{listed.id}/edit", data={"street": "X"}).status_code == 404
    assert client.post(f"/units/{listed.id}/status", data={"status": "let"}).status_code == 404
    upload = client.post(
        f"/units/{listed.id}/photos", data={"photo": (io.BytesIO(jpeg_bytes()), "a.jpg")}
    )
    assert upload.status_code == 404
    db.session.refresh(listed)
    assert listed.status == UnitStatus.LISTED and listed.photos == []


def test_staff_edit_units_in_their_areas_only(client, make_org, make_unit, login):
    mine = make_org()
    theirs = make_org()
    my_unit = make_unit(area=mine.areas[0])
    their_unit = make_unit(area=theirs.areas[0], status=UnitStatus.DRAFT)
    login(mine.test_staff)
    assert client.get(f"/units/{my_unit.id}/edit").status_code == 200
    assert client.get(f"/units/{their_unit.id}/edit").status_code == 404
    listing = client.get(f"/organisations/{mine.id}/units")
    assert my_unit.address in listing.text and their_unit.address not in listing.text
    assert client.get(f"/organisations/{theirs.id}/units").status_code == 403


def test_staff_list_a_unit_on_a_landlords_behalf(client, make_org, make_user, login):
    organisation = make_org()
    landlord = make_user("landlord", email="eigenaar@example.nl")
    login(organisation.test_staff)
    unknown = client.post(
        "/units/new",
        data={**unit_form(organisation.areas[0].id), "owner_email": "niemand@example.nl"},
    )
    assert unknown.status_code == 422
    response = client.post(
        "/units/new",
        data={**unit_form(organisation.areas[0].id), "owner_email": "eigenaar@example.nl"},
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Unit.owner_id)) == landlord.id


def test_withdraw_asks_for_a_reason(client, make_unit, login):
    unit = make_unit()
    login(unit.owner)
    client.post(f"/units/{unit.id}/status", data={"status": "withdrawn", "reason": ""})
    db.session.refresh(unit)
    assert unit.status == UnitStatus.LISTED
    client.post(f"/units/{unit.id}/status", data={"status": "withdrawn", "reason": "Verkocht"})
    db.session.refresh(unit)
    assert unit.status == UnitStatus.WITHDRAWN and unit.withdrawn_reason == "Verkocht"
    assert client.get(f"/units/{unit.id}", follow_redirects=True).status_code == 200


def test_illegal_status_change_shows_a_message(client, make_unit, login):
    unit = make_unit(status=UnitStatus.DRAFT)
    login(unit.owner)
    page = client.post(f"/units/{unit.id}/status", data={"status": "let"}, follow_redirects=True)
    assert "kan niet" in page.text
    db.session.refresh(unit)
    assert unit.status == UnitStatus.DRAFT
    assert client.post(f"/units/{unit.id}/status", data={"status": "zomaar"}).status_code == 400


def test_photo_is_reencoded_without_metadata_and_thumbnailed(app, client, make_unit, login):
    unit = make_unit()
    login(unit.owner)
    response = client.post(
        f"/units/{unit.id}/photos",
        data={"photo": (io.BytesIO(jpeg_bytes((3000, 2000))), "pand.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(unit)
    [photo] = unit.photos
    status, full = fetch(client, f"/media/units/{unit.id}/{photo.filename}")
    assert status == 200
    image = Image.open(io.BytesIO(full))
    assert image.format == "JPEG" and max(image.size) == 2400
    assert not image.getexif()  # camera and GPS data are gone
    thumb = Image.open(io.BytesIO(fetch(client, f"/media/units/{unit.id}/{photo.thumbnail}")[1]))
    assert max(thumb.size) == 480


def test_non_images_and_oversize_photos_are_refused(client, make_unit, login):
    unit = make_unit()
    login(unit.owner)
    fake = client.post(
        f"/units/{unit.id}/photos",
        data={"photo": (io.BytesIO(b"%PDF-1.4 not an image"), "foto.jpg")},
        follow_redirects=True,
    )
    assert "geen foto" in fake.text
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    refused = client.post(
        f"/units/{unit.id}/photos",
        data={"photo": (io.BytesIO(gif.getvalue()), "foto.png")},
        follow_redirects=True,
    )
    assert "JPEG, PNG of WebP" in refused.text
    big = jpeg_bytes((10, 10)) + b"\0" * (10 * 1024 * 1024)
    # Encoded in memory: the test client would otherwise spool it to a file it never closes.
    boundary, body = encode_multipart({"photo": FileStorage(io.BytesIO(big), "a.jpg")})
    too_big = client.post(
        f"/units/{unit.id}/photos",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert too_big.status_code == 413
    assert "maximaal 10 MB" in too_big.text
    db.session.refresh(unit)
    assert unit.photos == []


def test_photos_reorder_and_delete(client, make_unit, login):
    unit = make_unit()
    login(unit.owner)
    for _ in range(2):
        client.post(f"/units/{unit.id}/photos", data={"photo": (io.BytesIO(jpeg_bytes()), "a.jpg")})
    db.session.refresh(unit)
    first, second = unit.photos
    second_file = second.filename
    client.post(f"/units/{unit.id}/photos/{second.id}/up")
    db.session.expire_all()
    assert [p.id for p in unit.photos] == [second.id, first.id]
    client.post(f"/units/{unit.id}/photos/{second.id}/delete")
    db.session.expire_all()
    assert [p.id for p in unit.photos] == [first.id]
    assert fetch(client, f"/media/units/{unit.id}/{second_file}")[0] == 404


def test_photo_files_of_private_units_are_private(client, make_unit, make_user, login):
    unit = make_unit()
    login(unit.owner)
    client.post(f"/units/{unit.id}/photos", data={"photo": (io.BytesIO(jpeg_bytes()), "a.jpg")})
    db.session.refresh(unit)
    unit.status = UnitStatus.DRAFT
    db.session.commit()
    client.post("/logout")
    assert fetch(client, f"/media/units/{unit.id}/{unit.photos[0].filename}")[0] == 404


def make_market(make_unit, make_org):
    area = make_org().areas[0]
    specs = [
        ("Dijkerveen", 40, 900_000, [PermittedUse.DETAILHANDEL]),
        ("Dijkerveen", 120, 3_000_000, [PermittedUse.HORECA_1]),
        ("Dijkerveen", 200, 2_400_000, [PermittedUse.DETAILHANDEL, PermittedUse.HORECA_1]),
        ("Dijkerveen", 75, 1_500_000, [PermittedUse.DIENSTVERLENING]),
        ("Zandvoort", 90, 1_200_000, [PermittedUse.DETAILHANDEL]),
    ]
    units = [
        make_unit(
            area=area, city=city, floor_area_vvo=m2, rent_cents_per_year=rent, permitted_uses=uses
        )
        for city, m2, rent, uses in specs
    ]
    make_unit(area=area, status=UnitStatus.DRAFT)
    make_unit(area=area, status=UnitStatus.LET)
    return units


def result_ids(page_text, units):
    return [
        u.id
        for u in sorted(units, key=lambda u: page_text.find(f'/units/{u.id}"'))
        if f'/units/{u.id}"' in page_text
    ]


def test_search_filters_match_a_direct_query(client, make_unit, make_org):
    units = make_market(make_unit, make_org)
    cases = [
        ({}, UnitFilters()),
        ({"city": "Dijkerveen"}, UnitFilters(city="Dijkerveen")),
        ({"min_area": "80", "max_area": "200"}, UnitFilters(min_area=80, max_area=200)),
        ({"max_rent": "1250"}, UnitFilters(max_rent_month_euros=1250)),
        ({"use": "horeca_1"}, UnitFilters(use=PermittedUse.HORECA_1)),
        ({"city": "Dijkerveen", "sort": "rent"}, UnitFilters(city="Dijkerveen", sort="rent")),
        ({"sort": "size"}, UnitFilters(sort="size")),
        ({"sort": "rent_m2"}, UnitFilters(sort="rent_m2")),
    ]
    for args, filters in cases:
        page = client.get("/units", query_string=args)
        assert page.status_code == 200
        expected = list(db.session.scalars(search_units(filters).with_only_columns(Unit.id)))
        assert result_ids(page.text, units) == expected, args
    assert len(expected) == 5  # drafts and let units never show


def test_filters_are_exact(client, make_unit, make_org):
    units = make_market(make_unit, make_org)
    by_rent = client.get("/units", query_string={"max_rent": "1250", "sort": "rent"}).text
    assert result_ids(by_rent, units) == [units[0].id, units[4].id, units[3].id]
    horeca = client.get("/units", query_string={"use": "horeca_1", "sort": "size"}).text
    assert result_ids(horeca, units) == [units[2].id, units[1].id]


def test_htmx_request_gets_only_the_results_fragment(client, make_unit, make_org):
    make_market(make_unit, make_org)
    full = client.get("/units?city=Dijkerveen")
    fragment = client.get("/units?city=Dijkerveen", headers={"HX-Request": "true"})
    assert "<html" in full.text and "<html" not in fragment.text
    assert fragment.text.strip().startswith('<div id="results">')
    assert "4 panden gevonden" in fragment.text
    assert "HX-Request" in fragment.headers["Vary"]


def test_bad_filter_value_gives_a_message_not_an_error(client, make_unit, make_org):
    make_market(make_unit, make_org)
    response = client.get("/units?max_rent=veel&min_area=-5")
    assert response.status_code == 400
    assert "zijn niet geldig en genegeerd" in response.text
    assert "5 panden gevonden" in response.text
    marked = re.findall(r'<input aria-describedby="(\w+)-error" aria-invalid="true"', response.text)
    explained = re.findall(r'<small id="(\w+)-error" class="field-error">', response.text)
    assert marked == explained == ["min_area", "max_rent"]  # the valid fields are not marked


def test_pagination_keeps_the_filters(client, make_unit, make_org):
    area = make_org().areas[0]
    for _ in range(14):
        make_unit(area=area)
    first = client.get("/units?city=Dijkerveen&sort=rent")
    assert "page=2" in first.text and "city=Dijkerveen" in first.text and "sort=rent" in first.text
    second = client.get("/units?city=Dijkerveen&sort=rent&page=2")
    assert "Pagina 2 van 2" in second.text


def test_map_data_has_the_same_results(client, make_unit, make_org):
    units = make_market(make_unit, make_org)
    data = client.get("/units/map.json?use=horeca_1").json
    assert sorted(m["url"] for m in data["markers"]) == sorted(
        f"/units/{u.id}" for u in (units[1], units[2])
    )


def test_landlord_sees_the_six_month_vacancy_notice(client, make_unit, login):
    unit = make_unit(vacant_since=clock.today() - timedelta(days=200))
    login(unit.owner)
    page = client.get("/my/units")
    assert "Meldplicht bij lange leegstand" in page.text
    assert "200" in page.text
