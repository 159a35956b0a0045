"""Bulk import and export of units: whole files or nothing, line numbers, round trips, CLI."""

import csv
import io
from datetime import date, datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from vrijstad import clock, exports
from vrijstad.extensions import db
from vrijstad.units import importer, services
from vrijstad.units.models import EnergyLabel, PermittedUse, Unit, UnitStatus

LAST_YEAR = clock.today() - timedelta(days=365)


def unit_row(owner, **overrides) -> dict[str, str]:
    values = {
        "straat": "Kerkstraat",
        "huisnummer": "12",
        "huisletter": "a",
        "postcode": "7411hn",
        "plaats": "Dijkerveen",
        "gebied": "Centrum",
        "lat": "52,2551",
        "lon": "6.1602",
        "vvo_m2": "85",
        "wvo_m2": "70",
        "gebruik": "detailhandel, dienstverlening",
        "energielabel": "c",
        "huur_per_jaar": "18.000,00",
        "servicekosten_per_jaar": "1.200",
        "btw_belast": "ja",
        "beschikbaar_per": LAST_YEAR.strftime("%d-%m-%Y"),
        "leeg_sinds": "2024-03-01",
        "omschrijving": "Karakteristiek winkelpand\nmet etalage",
        "eigenaar_email": owner.email,
        "status": "listed",
    }
    values.update(overrides)
    return values


def csv_bytes(rows: list[dict[str, str]], delimiter: str = ";", bom: bool = True) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=importer.COLUMNS, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def upload(client, organisation, data: bytes, filename: str = "panden.csv"):
    return client.post(
        f"/organisations/{organisation.id}/units/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def import_via_page(client, organisation, data: bytes, filename: str = "panden.csv"):
    """Upload, follow the job page (the job ran inline) to its result: the result page."""
    started = upload(client, organisation, data, filename)
    assert started.status_code == 303 and "/jobs/" in started.location, started.text
    job_page = client.get(started.location)
    assert job_page.status_code == 200 and "<progress" not in job_page.text
    result_url = f"/organisations/{organisation.id}/units/import/"
    assert result_url in job_page.text, job_page.text
    link = job_page.text.split('href="' + result_url, 1)[1].split('"', 1)[0]
    return client.get(result_url + link)


def all_units() -> list[Unit]:
    return db.session.scalars(sa.select(Unit).order_by(Unit.house_number)).all()


def cli_import(runner, path, organisation: str, email: str):
    return runner.invoke(
        args=["units", "import", str(path), "--organisation", organisation, "--as", email]
    )


def problems(result) -> list[tuple[int, str]]:
    return [(error.line, error.column) for error in result.errors]


def test_clean_csv_import_creates_every_unit(client, make_org, make_user, login):
    organisation = make_org()
    landlord = make_user("landlord")
    login(organisation.test_staff)
    rows = [
        unit_row(landlord),
        unit_row(
            landlord,
            huisnummer="14",
            huisletter="",
            postcode="7411 KA",
            huur_per_jaar="1234,5",
            servicekosten_per_jaar="",
            energielabel="",
            lat="",
            lon="",
            gebruik="",
            beschikbaar_per="",
            leeg_sinds="",
            status="",
        ),
    ]
    result = import_via_page(client, organisation, csv_bytes(rows))
    assert result.status_code == 200
    assert "2 panden geïmporteerd" in result.text
    assert f'href="/organisations/{organisation.id}/units"' in result.text

    listed, draft = all_units()
    assert (listed.postcode, listed.house_letter, draft.postcode) == ("7411 HN", "a", "7411 KA")
    assert listed.rent_cents_per_year == 1_800_000
    assert listed.service_charges_cents_per_year == 120_000
    assert (draft.rent_cents_per_year, draft.service_charges_cents_per_year) == (123_450, 0)
    assert listed.rent_per_m2_cents_per_year == round(1_800_000 / 85)
    assert {listed.area_id, draft.area_id} == {organisation.areas[0].id}
    assert {listed.owner_id, draft.owner_id} == {landlord.id}
    assert listed.permitted_uses == [PermittedUse.DETAILHANDEL, PermittedUse.DIENSTVERLENING]
    assert listed.energy_label == EnergyLabel.C
    assert (listed.latitude, listed.longitude) == (52.2551, 6.1602)
    assert (listed.status, draft.status) == (UnitStatus.LISTED, UnitStatus.DRAFT)
    assert listed.listed_at is not None
    # Existing stock may already be free: a past availability date is kept on import.
    assert listed.available_from == LAST_YEAR
    assert (listed.vacant_since, draft.vacant_since) == (date(2024, 3, 1), clock.today())
    assert listed.description == "Karakteristiek winkelpand\nmet etalage"
    page = client.get(f"/organisations/{organisation.id}/units")
    assert "Kerkstraat 12a" in page.text and "Kerkstraat 14" in page.text


def test_bad_rows_import_nothing_and_are_reported_with_line_numbers(
    client, make_org, make_user, login
):
    organisation = make_org()
    landlord = make_user("landlord")
    login(organisation.test_staff)
    rows = [
        unit_row(landlord, huisnummer="1"),  # line 2
        unit_row(landlord, huisnummer="2", postcode="1234 SA"),  # line 3
        unit_row(landlord, huisnummer="3"),  # line 4
        unit_row(landlord, huisnummer="4", huur_per_jaar="-500"),  # line 5
    ]
    data = csv_bytes(rows)
    response = import_via_page(client, organisation, data)
    assert response.status_code == 200
    assert "Er is niets geïmporteerd" in response.text
    assert "<td>3</td><td><code>postcode</code></td>" in response.text
    assert "<td>5</td><td><code>huur_per_jaar</code></td>" in response.text
    assert "Vul een Nederlandse postcode in" in response.text  # the reason, in Dutch
    assert all_units() == []

    result = importer.import_units(
        organisation.test_staff, organisation, importer.read_rows("panden.csv", data)
    )
    assert problems(result) == [(3, "postcode"), (5, "huur_per_jaar")]
    assert result.units == []


def test_every_problem_of_every_row_is_reported(make_org, make_user):
    organisation = make_org()
    landlord, starter = make_user("landlord"), make_user("starter")
    rows = [
        unit_row(landlord, gebied="Elders", bag_id="12345", vvo_m2="0", gebruik="bakkerij"),
        unit_row(starter, huisnummer="8", energielabel="", wvo_m2="90", status="let"),
        unit_row(landlord, huisnummer="9", energielabel="", lat="", lon=""),
        unit_row(landlord, monument="misschien", leeg_sinds="31-12-2999"),
    ]
    rows = importer.read_rows("panden.csv", csv_bytes(rows, delimiter=","))
    result = importer.import_units(organisation.test_staff, organisation, rows)
    assert problems(result) == [
        (2, "gebied"),
        (2, "bag_id"),
        (2, "vvo_m2"),
        (2, "gebruik"),
        (3, "eigenaar_email"),
        (3, "status"),
        (3, "wvo_m2"),
        (4, "energielabel"),
        (4, "lat"),  # a listed unit needs what publishing needs
        (5, "monument"),
        (5, "leeg_sinds"),
        (5, "huisnummer"),  # same address as line 2
    ]
    assert all_units() == []


def test_columns_are_checked_before_the_rows(make_org, make_user):
    organisation = make_org()
    row = unit_row(make_user("landlord"))
    del row["postcode"]
    row["huur"] = "100"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    rows = importer.read_rows("panden.csv", out.getvalue().encode())
    result = importer.import_units(organisation.test_staff, organisation, rows)
    assert problems(result) == [(1, "huur"), (1, "postcode")]
    header_only = importer.read_rows("leeg.csv", ";".join(importer.COLUMNS).encode())
    empty = importer.import_units(organisation.test_staff, organisation, header_only)
    assert problems(empty) == [(1, "")]


def test_addresses_already_in_the_organisation_are_refused(make_org, make_unit, make_user):
    organisation = make_org()
    existing = make_unit(area=organisation.areas[0], postcode="7411 HN", house_number=12)
    rows = [unit_row(make_user("landlord"), huisletter="", huisnummer=str(existing.house_number))]
    result = importer.import_units(
        organisation.test_staff, organisation, importer.read_rows("p.csv", csv_bytes(rows))
    )
    assert problems(result) == [(2, "huisnummer")]


def test_read_rows_numbers_lines_as_a_spreadsheet_does():
    data = '\ufeffStraat,Huisnummer\n"Lange\nStraat",1\n,\nKerkstraat,2\n'.encode()
    rows = importer.read_rows("panden.CSV", data)
    assert [(row.line, row.values) for row in rows] == [
        (2, {"straat": "Lange\nStraat", "huisnummer": "1"}),
        (4, {"straat": "Kerkstraat", "huisnummer": "2"}),
    ]


def test_unreadable_files_are_refused_with_a_reason():
    with pytest.raises(importer.ImportFileError):
        importer.read_rows("panden.xlsx", b"not a zip file")
    with pytest.raises(importer.ImportFileError):
        importer.read_rows("panden.csv", "straat;plaats\nCafé;Ede\n".encode("cp1252"))
    with pytest.raises(importer.ImportFileError):
        importer.read_rows("panden.txt", b"straat\n")


def test_xlsx_import_reads_typed_cells(client, make_org, make_user, login):
    organisation = make_org()
    landlord = make_user("landlord")
    login(organisation.test_staff)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Straat",
            "Huisnummer",
            "Postcode",
            "Plaats",
            "Gebied",
            "VVO m2",
            "Huur per jaar",
            "Beschikbaar per",
            "Monument",
            "eigenaar_email",
            "lat",
            "lon",
            "gebruik",
            "status",
        ]
    )
    sheet.append(
        [
            "Markt",
            7,
            "7411 ka",
            "Dijkerveen",
            "centrum",
            120.0,
            24000.5,
            datetime(2027, 1, 1),
            True,
            landlord.email,
            52.25,
            6.16,
            "horeca_1",
            "listed",
        ]
    )
    out = io.BytesIO()
    workbook.save(out)
    response = import_via_page(client, organisation, out.getvalue(), "panden.xlsx")
    assert "1 pand geïmporteerd" in response.text, response.text
    (unit,) = all_units()
    assert (unit.street, unit.house_number, unit.postcode) == ("Markt", 7, "7411 KA")
    assert (unit.floor_area_vvo, unit.rent_cents_per_year) == (120, 2_400_050)
    assert (unit.available_from, unit.is_monument) == (date(2027, 1, 1), True)
    assert unit.status == UnitStatus.LISTED  # a monument needs no energy label


def test_upload_errors_re_render_the_form(client, make_org, login):
    organisation = make_org()
    login(organisation.test_staff)
    assert upload(client, organisation, b"straat\n", "panden.txt").status_code == 422
    broken = import_via_page(client, organisation, b"not a zip", "panden.xlsx")
    assert broken.status_code == 200 and "field-error" in broken.text
    assert "Excel" in broken.text and all_units() == []
    page = client.get(f"/organisations/{organisation.id}/units/import")
    assert page.status_code == 200
    assert all(f"<code>{column}</code>" in page.text for column in importer.COLUMNS)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_can_be_imported_again(client, make_org, make_unit, make_user, login, fmt):
    here, there = make_org(), make_org()
    landlord = make_user("landlord")
    make_unit(
        owner=landlord,
        area=here.areas[0],
        house_letter="b",
        house_number_addition="2",
        latitude=52.2551,
        longitude=6.160213,
        bag_id="0363010000123456",
        floor_area_wvo=80,
        floor_area_bvo=120,
        permitted_uses=[PermittedUse.HORECA_1, PermittedUse.OTHER],
        is_monument=True,
        energy_label_valid_until=date(2030, 5, 1),
        service_charges_cents_per_year=99_999,
        rent_cents_per_year=1_234_567,
        vat_opted=False,
        available_from=LAST_YEAR,
        description="=HYPERLINK(\"x\"); 'citaat'\nregel twee",
    )
    make_unit(
        owner=landlord,
        area=here.areas[0],
        status=UnitStatus.DRAFT,
        energy_label=None,
        latitude=None,
        longitude=None,
        available_from=None,
    )
    login(here.test_staff)
    response = client.get(f"/organisations/{here.id}/units/export.{fmt}")
    assert response.status_code == 200
    assert response.mimetype == exports.CONTENT_TYPES[fmt].split(";")[0]
    assert f".{fmt}" in response.headers["Content-Disposition"]
    if fmt == "csv":
        assert "'=HYPERLINK" in response.data.decode("utf-8-sig")  # not run as a formula

    originals = all_units()
    rows = importer.read_rows(f"export.{fmt}", response.data)
    result = importer.import_units(there.test_staff, there, rows)
    assert result.errors == []

    fields = [f for f in importer.FIELD_OF_COLUMN.values() if f not in ("area_id", "owner")]

    def facts(unit):
        return [getattr(unit, name) for name in fields] + [unit.owner_id, unit.area.name]

    copies = sorted(result.units, key=lambda unit: unit.house_number)
    assert [facts(u) for u in copies] == [facts(u) for u in originals]
    assert {u.area.organisation_id for u in copies} == {there.id}


def test_staff_of_another_organisation_cannot_import_or_export(client, make_org, make_user, login):
    mine, theirs = make_org(), make_org()
    login(mine.test_staff)
    base = f"/organisations/{theirs.id}/units"
    assert client.get(f"{base}/import").status_code == 403
    assert upload(client, theirs, csv_bytes([unit_row(mine.test_staff)])).status_code == 403
    assert client.get(f"{base}/export.csv").status_code == 403
    assert client.get(f"{base}/export.xlsx").status_code == 403
    assert client.get(f"/organisations/{mine.id}/units/export.pdf").status_code == 404
    with pytest.raises(services.UnitError):
        importer.import_units(mine.test_staff, theirs, [])


def test_cli_imports_a_clean_file(runner, tmp_path, make_org, make_user):
    organisation = make_org()
    landlord = make_user("landlord")
    path = tmp_path / "panden.csv"
    path.write_bytes(csv_bytes([unit_row(landlord), unit_row(landlord, huisnummer="20")]))
    result = cli_import(runner, path, organisation.name, organisation.test_staff.email)
    assert result.exit_code == 0, result.output
    assert [u.house_number for u in all_units()] == [12, 20]

    export = tmp_path / "export.xlsx"
    args = ["units", "export", str(export), "--organisation", str(organisation.id)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert len(importer.read_rows(export.name, export.read_bytes())) == 2


def test_cli_reports_bad_rows_and_imports_nothing(runner, tmp_path, make_org, make_user):
    organisation = make_org()
    landlord = make_user("landlord")
    path = tmp_path / "panden.csv"
    rows = [
        unit_row(landlord, huisnummer="1"),
        unit_row(landlord, huisnummer="2", postcode="0123 AB"),
        unit_row(landlord, huisnummer="3"),
        unit_row(landlord, huisnummer="4", huur_per_jaar="-1"),
    ]
    path.write_bytes(csv_bytes(rows))
    result = cli_import(runner, path, organisation.name, organisation.test_staff.email)
    assert result.exit_code != 0
    assert "line 3, postcode:" in result.output
    assert "line 5, huur_per_jaar:" in result.output
    assert all_units() == []
    stranger = cli_import(runner, path, str(organisation.id), landlord.email)
    assert stranger.exit_code != 0 and all_units() == []
